"""Streaming exports of the documents matching a query (or of all): JSON Lines, CSV, Parquet.

Each export is a generator of bytes that reads the store in chunks of
``CHUNK`` documents and yields as it goes, so an export of any size never
holds more than one chunk in memory and has no cap. Without a query every
document is exported in storage order (read by primary key ranges); with one,
the matches in rank order, their keys streamed from one ranked query.

JSON Lines carries each document's full ``unspin/1`` JSON as stored (its source named by file name
alone, as everywhere on the web: ``web.public``); CSV and
Parquet carry the flat columns ``COLUMNS``.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from unspin.store import stream
from unspin.store.tables import documents
from unspin.web.public import public_json

CHUNK = 200
COLUMNS = (
    "id",
    "url",
    "outlet",
    "title",
    "published",
    "language",
    "words",
    "technique_spans",
    "speculative",
    "story",
    "duplicate_of",
)

_original = aliased(documents)


def _rows(conn, where) -> list:
    """The rows of one chunk with what every export needs (the original's id for a near-duplicate)."""
    query = (
        select(
            documents.c.pk,
            documents.c.id,
            documents.c.url,
            documents.c.outlet,
            documents.c.title,
            documents.c.published,
            documents.c.language,
            documents.c.words,
            documents.c.technique_spans,
            documents.c.speculative,
            documents.c.story,
            _original.c.id.label("duplicate_of"),
            documents.c.document,
        )
        .outerjoin(_original, _original.c.pk == documents.c.duplicate_of)
        .where(where)
    )
    return conn.execute(query).all()


def chunks(engine: Engine, query: str | None) -> Iterator[list]:
    """The matching rows, ``CHUNK`` at a time, on one connection held for the whole export.

    QueryError is raised before the first chunk (a bad query fails the request, not the stream).
    """
    return stream.chunks(engine, query, _rows, CHUNK)


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _flat(row) -> dict:
    out = {name: getattr(row, name) for name in COLUMNS}
    out["published"] = _date(out["published"])
    return out


def jsonl(stream: Iterator[list]) -> Iterator[bytes]:
    for rows in stream:
        yield "".join(public_json(row.document) + "\n" for row in rows).encode("utf-8")


def csv_bytes(stream: Iterator[list]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for rows in stream:
        for row in rows:
            flat = _flat(row)
            writer.writerow(["" if flat[c] is None else flat[c] for c in COLUMNS])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue().encode("utf-8")


def parquet_schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("url", pa.string()),
            ("outlet", pa.string()),
            ("title", pa.string()),
            ("published", pa.date32()),
            ("language", pa.string()),
            ("words", pa.int64()),
            ("technique_spans", pa.int64()),
            ("speculative", pa.int64()),
            ("story", pa.int64()),
            ("duplicate_of", pa.string()),
        ]
    )


def parquet(rows: Iterator[list]) -> Iterator[bytes]:
    """One row group per chunk, each yielded as soon as pyarrow has written it."""
    return stream.parquet_bytes(([_flat(row) for row in chunk] for chunk in rows), parquet_schema())
