"""Reading the documents a query selects, a chunk at a time, for exports of any size.

Exports (the web API's and ``unspin export``) must not hold a corpus in
memory: this reads the store in chunks of documents on one connection held
for the whole stream. Without a query every document comes in storage order
(by primary key ranges); with one, the matches in the order ``search`` ranks
them (``store.search.ranked_pks``), so the search module's parser decides
what a query selects, and a bad query fails before the first chunk.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from sqlalchemy import Connection, Engine, select

from unspin.store.search import ranked_pks
from unspin.store.tables import documents

#: Reads the rows of one chunk: (connection, WHERE clause on ``documents``) → rows with a ``pk``.
ReadRows = Callable[[Connection, object], list]


def chunks(engine: Engine, query: str | None, read: ReadRows, size: int) -> Iterator[list]:
    """The rows ``read`` gives for the matching documents, ``size`` documents at a time, in order.

    QueryError is raised here, before the first chunk (a bad query fails the request, not the stream).
    """
    conn = engine.connect()
    try:
        ranked = ranked_pks(conn, query) if query else None
    except Exception:
        conn.close()
        raise
    return _chunks(conn, ranked, read, size)


def _chunks(conn: Connection, ranked: Iterator[int] | None, read: ReadRows, size: int) -> Iterator[list]:
    try:
        if ranked is not None:
            while pks := list(itertools.islice(ranked, size)):
                found = {r.pk: r for r in read(conn, documents.c.pk.in_(pks))}
                yield [found[pk] for pk in pks if pk in found]
        else:
            last = 0
            while True:
                pks = [r.pk for r in conn.execute(
                    select(documents.c.pk).where(documents.c.pk > last).order_by(documents.c.pk).limit(size)
                )]
                if not pks:
                    break
                yield sorted(read(conn, documents.c.pk.in_(pks)), key=lambda r: r.pk)
                last = pks[-1]
    finally:
        conn.close()


class Sink:
    """A write-only file for pyarrow that hands over what was written since the last ``take``,
    so a Parquet file can be streamed row group by row group."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._position = 0
        self.closed = False

    def write(self, data) -> int:
        self._buffer += data
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def parquet_bytes(chunks: Iterator[list[dict]], schema) -> Iterator[bytes]:
    """Parquet (zstd) of ``schema``, one row group per chunk that has rows, each yielded once pyarrow has written it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = Sink()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    try:
        for rows in chunks:
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            data = sink.take()
            if data:
                yield data
    finally:
        writer.close()
    yield sink.take()
