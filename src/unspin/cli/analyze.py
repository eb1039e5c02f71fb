"""``unspin analyze``: pages in, reports out (text, JSON, JSON Lines, HTML)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console

from unspin.cli.app import app
from unspin.cli.common import JOBS_OPTION, InputFormat, OutputFormat, bar_wanted, err, iso_date, worker_count
from unspin.document import Document
from unspin.errors import Failure


def analyze_paths(
    paths: List[str], input_format: str | None = None, published: str | None = None, jobs: int = 1
) -> Iterator[Document | Failure]:
    """Read every input and run the pipeline over each Document (the API behind ``analyze``).

    ``published`` is the publication date to assume where a page gives none;
    relative dates resolve against it. ``jobs`` worker processes share the
    analysis; the output order is the input order whatever their number.
    """
    from unspin.analyze.parallel import analyse
    from unspin.ingest import assume_published, read_inputs

    items = (i if isinstance(i, Failure) else assume_published(i, published) for i in read_inputs(paths, input_format))
    yield from analyse(items, jobs)


@app.command()
def analyze(
    paths: List[str] = typer.Argument(
        ..., help="Files, directories (read recursively), glob patterns, or - for standard input.",
        show_default=False,
    ),
    format: OutputFormat = typer.Option(
        OutputFormat.text, "--format", "-f",
        help="Report format: text (terminal), json (one Document, or an array of them), "
        "jsonl (one Document per line), html (a standalone page).",
    ),
    input_format: InputFormat = typer.Option(
        InputFormat.auto, "--input-format", "--from",
        help="Input kind; by default it is sniffed from the content of each input.",
    ),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report here instead of standard output."),
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress", help="Progress bar on standard error (default: when it is a terminal)."
    ),
    published: Optional[str] = typer.Option(
        None, "--published", callback=iso_date, metavar="YYYY-MM-DD",
        help="Publication date to assume where a page gives none; relative dates ('last Monday') "
        "resolve against it. Without either, the date is inferred from the text and marked so.",
    ),
    jobs: Optional[int] = JOBS_OPTION,
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", min=0.0, max=1.0, metavar="FLOOR",
        help="Hide technique spans whose calibrated confidence is below FLOOR (0 to 1), in every format; "
        "the default 0 shows them all. The report says how many were hidden, and the JSON records the "
        "floor in the document's notes.",
    ),
) -> None:
    """Read articles, separate page furniture, run the pipeline and report.

    Exit status: 0 when every input was read, 1 when any failed (the others are
    still processed and the failures listed at the end), 2 on a usage error.

    Examples:

      unspin analyze page.html

      unspin analyze crawl.warc.gz --format jsonl --out docs.jsonl

      unspin analyze page.html --min-confidence 0.3

      cat scrape.txt | unspin analyze - --format json
    """
    from unspin.progress import InputsSeen, count_inputs, progress_display
    from unspin.summary import apply_floor

    fmt = None if input_format is InputFormat.auto else input_format.value
    stream = _open_out(out) if out else sys.stdout
    console = Console(file=stream, highlight=False, soft_wrap=False) if format is OutputFormat.text else None
    failures: list[Failure] = []
    docs: list[Document] = []
    rows = []  # the text report's closing summary: one small row per document, not the documents
    written = 0
    try:
        with progress_display(err, progress) as bar:
            task = bar.add_task("reading", total=count_inputs(paths) if bar_wanted(progress) else None)
            seen = InputsSeen()
            for item in analyze_paths(paths, fmt, published, worker_count(jobs)):
                bar.update(task, advance=1 if seen.new(item) else 0, description=(
                    f"reading ({written + isinstance(item, Document)} document(s), "
                    f"{len(failures) + isinstance(item, Failure)} failed)"
                ))
                if isinstance(item, Failure):
                    failures.append(item)
                    continue
                written += 1
                apply_floor(item, min_confidence)
                if format is OutputFormat.jsonl:
                    stream.write(item.dumps() + "\n")
                elif format is OutputFormat.text:
                    from unspin.report.overview import row
                    from unspin.report.text import print_report

                    print_report(item, console)
                    rows.append(row(item))
                else:
                    docs.append(item)
        if format is OutputFormat.json:
            payload = docs[0].to_json() if _one_page(paths, docs) else [d.to_json() for d in docs]
            stream.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        elif format is OutputFormat.html and docs:
            from unspin.report.html import render

            stream.write(render(docs, failures))
        elif format is OutputFormat.text and len(rows) + len(failures) > 1:
            from unspin.report.text import print_summary

            print_summary(rows, failures, console)
    finally:
        if out:
            stream.close()
    _report_failures(failures, written)
    if failures:
        raise typer.Exit(1)


def _open_out(out: Path):
    """The report file, opened before any reading; one line and exit 1 when it cannot be written."""
    try:
        return open(out, "w", encoding="utf-8")
    except IsADirectoryError:
        problem = "is a folder: give the name of a file to write"
    except FileNotFoundError:
        problem = f"no such folder: {out.parent} (create it first)"
    except OSError as exc:
        problem = f"cannot be written: {exc.strerror or exc}"
    err.print(f"unspin: error: {out}: {problem}", markup=False, soft_wrap=True)
    raise typer.Exit(1)


def _one_page(paths: List[str], docs: list[Document]) -> bool:
    """``--format json`` writes one object, not an array, when the command names one page and it was read.

    The shape follows what was asked for, not how many documents came out, so
    scripts can rely on it: one file or ``-`` read as a page (HTML or a text
    scrape) is one Document; a folder, a glob, several inputs, or a WARC or
    JSON Lines file (which hold many) is an array, ``[]`` when nothing was read.
    """
    if len(paths) != 1 or len(docs) != 1 or docs[0].source.format not in ("html", "text"):
        return False
    return paths[0] == "-" or Path(paths[0]).is_file()


def _report_failures(failures: list[Failure], written: int) -> None:
    for f in failures:
        err.print(f"unspin: error: {f.line()}", markup=False, soft_wrap=True)
    if failures and written + len(failures) > 1:
        err.print(
            f"unspin: {written} document(s) read, {len(failures)} input(s) failed (listed above)",
            markup=False,
        )
