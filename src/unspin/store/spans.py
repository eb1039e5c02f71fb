"""One row per span: the layers of the documents a query selects, flat, for R, pandas or a spreadsheet.

A researcher's unit of analysis is often the span (each entity mention, each
technique span, each attributed statement), not the document. This turns the
stored ``unspin/1`` JSON of every matching document into rows of one layer:
the document's id, URL, outlet, publication date and language, then the
span's offsets, text, label, confidence and producing component, with its
attributes as one JSON column (their keys differ by layer and by span, and
a stream cannot know every key before the last row).

Rows are produced a chunk of documents at a time (``store.stream``) and
written as CSV or as Parquet with one row group per chunk, so an export of
any size holds one chunk in memory.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from unspin.document import LAYERS, Document
from unspin.store import stream
from unspin.store.tables import documents

#: Documents read per chunk.
CHUNK = 200
#: The layers that can be exported (the public layer names of ``unspin/1``).
SPAN_LAYERS = LAYERS
COLUMNS = (
    "document_id", "url", "outlet", "published", "language",
    "layer", "start", "end", "text", "label", "confidence", "component", "attrs",
)


class LayerError(ValueError):
    """A layer name that is not one of ``SPAN_LAYERS``."""


def check_layer(layer: str) -> str:
    if layer not in SPAN_LAYERS:
        raise LayerError(f"{layer!r} is not a layer (use one of: {', '.join(SPAN_LAYERS)})")
    return layer


@dataclass
class Tally:
    """What an export wrote, filled in as the stream is consumed."""

    documents: int = 0
    rows: int = 0


def _read(conn: Connection, where) -> list:
    d = documents.c
    return conn.execute(
        select(d.pk, d.id, d.url, d.outlet, d.published, d.language, d.document).where(where)
    ).all()


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def doc_rows(row, layer: str) -> list[dict]:
    """The rows of one stored document's ``layer``, in the layer's order (by offsets)."""
    doc = Document.loads(row.document)
    head = {"document_id": row.id, "url": row.url, "outlet": row.outlet, "published": _date(row.published),
            "language": row.language, "layer": layer}
    return [
        {**head, "start": s.start, "end": s.end, "text": doc.span_text(s), "label": s.label,
         "confidence": float(s.confidence), "component": s.component,
         "attrs": json.dumps(dict(s.attrs or {}), ensure_ascii=False, sort_keys=True)}
        for s in doc.layer(layer)
    ]


def span_chunks(engine: Engine, query: str | None, layer: str, tally: Tally | None = None) -> Iterator[list[dict]]:
    """The span rows of ``layer`` for the documents ``query`` selects (all without one), a chunk at a time.

    LayerError and QueryError are raised here, before anything is streamed.
    """
    check_layer(layer)
    tally = tally if tally is not None else Tally()
    chunks = stream.chunks(engine, query, _read, CHUNK)

    def rows() -> Iterator[list[dict]]:
        try:
            for chunk in chunks:
                out = [r for row in chunk for r in doc_rows(row, layer)]
                tally.documents += len(chunk)
                tally.rows += len(out)
                yield out
        finally:  # a stream closed early (a client gone) hands its connection back at once
            chunks.close()

    return rows()


def csv_bytes(chunks: Iterator[list[dict]]) -> Iterator[bytes]:
    """UTF-8 CSV with a header row (RFC 4180 quoting; empty cells for missing values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue().encode("utf-8")
    for rows in chunks:
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
        if buffer.getvalue():
            yield buffer.getvalue().encode("utf-8")


def parquet_schema():
    import pyarrow as pa

    return pa.schema([
        ("document_id", pa.string()), ("url", pa.string()), ("outlet", pa.string()), ("published", pa.date32()),
        ("language", pa.string()), ("layer", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("text", pa.string()), ("label", pa.string()), ("confidence", pa.float64()), ("component", pa.string()),
        ("attrs", pa.string()),
    ])


def parquet_bytes(chunks: Iterator[list[dict]]) -> Iterator[bytes]:
    """The span rows as Parquet, streamed a row group per chunk."""
    return stream.parquet_bytes(chunks, parquet_schema())
