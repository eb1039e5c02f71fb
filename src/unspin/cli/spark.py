"""``unspin spark``: the analysis of a crawl on Apache Spark."""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from unspin.cli.app import app
from unspin.cli.common import err


@app.command()
def spark(
    inputs: List[str] = typer.Argument(
        ..., help="WARC/WARC.gz, JSON Lines or page files, folders, https:// or s3:// URLs, or manifests "
        "(warc.paths[.gz]: one path or URL per line).", show_default=False,
    ),
    out: str = typer.Option(..., "--out", help="Folder (local or any Hadoop file system URL) for the Parquet tables."),
    master: Optional[str] = typer.Option(
        None, "--master", help="Spark master URL (default: the cluster's when submitted, else local[*])."
    ),
    partitions: Optional[int] = typer.Option(None, "--partitions", min=1, help="Tasks to spread the inputs over."),
) -> None:
    """Run the analyze pipeline on Apache Spark and write Parquet tables (needs pip install 'unspin\\[spark]').

    Writes OUT/documents (id, url, outlet, published, language, title and the
    whole unspin/1 JSON), one table per layer (entities, events, quantities,
    attributions, techniques, ...), OUT/furniture and OUT/failures (input,
    record, code, reason). A bad record never fails the job. Each table is
    overwritten through Spark's commit protocol, so a rerun never appends.

    Examples:

      unspin spark crawl/*.warc.gz --out results/ --master 'local[2]'

      spark-submit --master yarn $(python -m unspin.scale.job --path) warc.paths.gz --out s3://bucket/unspin/

    A manifest line may name one record as Common Crawl's URL index gives it
    (path, offset, length): only that record's bytes are fetched.
    """
    import os

    try:
        from pyspark.sql import SparkSession
    except ImportError:
        err.print("unspin: error: pyspark is not installed: pip install 'unspin[spark]'", markup=False)
        raise typer.Exit(2) from None
    from unspin.scale.spark import run as run_job

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("unspin")
    if master:
        builder = builder.master(master)
    session = builder.getOrCreate()
    try:
        written = run_job(session, inputs, out, partitions)
    except ValueError as exc:
        err.print(f"unspin: error: {exc}", markup=False)
        raise typer.Exit(2) from None
    finally:
        session.stop()
    err.print("unspin: wrote " + ", ".join(f"{name} {n}" for name, n in written.items()) + f" rows under {out}",
              markup=False, soft_wrap=True)
