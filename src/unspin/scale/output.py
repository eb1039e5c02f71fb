"""Reading a finished ``unspin spark`` run back, so that ``unspin ingest`` can store it without analysing again.

Only the ``documents`` and ``failures`` tables are read: every layer table is
derived from the ``unspin/1`` JSON in ``documents``, which is what the store
keeps. Files are read one by one, in batches, so a crawl's output never has
to fit in memory, and a damaged file or row becomes a Failure naming it
instead of stopping the load. This needs pyarrow only, not Spark.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from unspin.document import Document
from unspin.errors import E, Failure

#: Rows decoded at a time: a batch of full documents is a few megabytes.
ROWS = 256


def is_spark_output(path: str) -> bool:
    """True for a folder laid out as ``unspin spark --out`` writes it (finished or not: see read_output)."""
    return (Path(path) / "documents").is_dir() and (Path(path) / "failures").is_dir()


def _parquet_files(table: Path) -> list[Path]:
    return sorted(p for p in table.glob("*.parquet") if p.is_file())


def _rows(path: Path, columns: list[str]) -> Iterator[dict | Failure]:
    """The rows of one Parquet file, or one Failure when it cannot be read (at open or midway)."""
    import pyarrow.parquet as pq

    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=ROWS, columns=columns):
            yield from batch.to_pylist()
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... for a damaged file
        detail = str(exc).splitlines()[0][:200] if str(exc) else "no detail"
        yield Failure(str(path), E.UNREADABLE.value, f"not a readable Parquet file ({type(exc).__name__}: {detail})")


def unfinished(folder: str) -> Failure | None:
    """The refusal of a run that did not finish (no ``documents/_SUCCESS``), else None.

    Checked before a store is opened, so that refusing the folder leaves no
    empty store behind.
    """
    if (Path(folder) / "documents" / "_SUCCESS").is_file():
        return None
    return Failure(folder, E.UNREADABLE.value, "an unfinished unspin spark output (documents/_SUCCESS is missing): "
                   "rerun the job")


def read_output(folder: str) -> Iterator[Document | Failure]:
    """The analysed Documents of a Spark run, then the failures it recorded, each as the Failure it was."""
    root = Path(folder)
    refused = unfinished(folder)
    if refused is not None:
        yield refused
        return
    for path in _parquet_files(root / "documents"):
        for row in _rows(path, ["document"]):
            if isinstance(row, Failure):
                yield row
                continue
            try:
                yield Document.loads(row["document"])
            except Exception as exc:
                yield Failure(str(path), E.BAD_JSONL.value, f"a stored document is not unspin/1 JSON ({exc})"[:300])
    for path in _parquet_files(root / "failures"):
        for row in _rows(path, ["input", "record", "code", "reason"]):
            yield row if isinstance(row, Failure) else Failure(row["input"], row["code"], row["reason"], row["record"])
