"""The ``unspin`` command. Each subcommand is a thin wrapper over an importable function."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from unspin import __version__
from unspin.cores import ENV, choose_wait_policy, explicit
from unspin.document import Document
from unspin.errors import Failure

app = typer.Typer(
    help=(
        "Read news articles as found in the wild (saved HTML, WARC, text scrapes, JSON Lines) "
        "and show what they say and how they try to persuade."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
eval_app = typer.Typer(help="Score unspin against public gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
train_app = typer.Typer(help="Train unspin's shipped models from public gold data.", no_args_is_help=True)
app.add_typer(train_app, name="train")

err = Console(stderr=True, highlight=False, soft_wrap=True)  # every message one line, however long its paths


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class InputFormat(str, Enum):
    auto = "auto"
    html = "html"
    text = "text"
    warc = "warc"
    jsonl = "jsonl"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unspin {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """unspin: what a news article says, and how it tries to persuade."""


# --- analyze ---------------------------------------------------------------


def analyze_paths(
    paths: List[str], input_format: str | None = None, published: str | None = None, jobs: int = 1
) -> Iterator[Document | Failure]:
    """Read every input and run the pipeline over each Document (the API behind ``analyze``).

    ``published`` is the publication date to assume where a page gives none;
    relative dates resolve against it. ``jobs`` worker processes share the
    analysis; the output order is the input order whatever their number.
    """
    from unspin.analyze.parallel import analyse
    from unspin.ingest import read_inputs
    from unspin.store.ingest import assume_published

    items = (i if isinstance(i, Failure) else assume_published(i, published) for i in read_inputs(paths, input_format))
    yield from analyse(items, jobs)


_JOBS_OPTION = typer.Option(
    None, "--jobs", "-j", min=1, show_default="the number of cores",
    help="Worker processes for the analysis, each loading the models once; the output is the same, "
    "in the same order, whatever the number.",
)


def _jobs(value: Optional[int]) -> int:
    from unspin.analyze.parallel import default_jobs

    return value or default_jobs()


def _iso_date(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


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
        None, "--published", callback=_iso_date, metavar="YYYY-MM-DD",
        help="Publication date to assume where a page gives none; relative dates ('last Monday') "
        "resolve against it. Without either, the date is inferred from the text and marked so.",
    ),
    jobs: Optional[int] = _JOBS_OPTION,
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
            for item in analyze_paths(paths, fmt, published, _jobs(jobs)):
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


def _progress(show: bool) -> Progress:
    """A bar for the evaluations: on a terminal only (elsewhere a bar would leave a stray newline)."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=not (show and err.is_terminal), transient=True,
    )


def bar_wanted(progress: Optional[bool]) -> bool:
    """Whether ``--progress/--no-progress`` (None: the default) shows anything, so the inputs are worth counting."""
    return progress if progress is not None else err.is_terminal


def _report_failures(failures: list[Failure], written: int) -> None:
    for f in failures:
        err.print(f"unspin: error: {f.line()}", markup=False, soft_wrap=True)
    if failures and written + len(failures) > 1:
        err.print(
            f"unspin: {written} document(s) read, {len(failures)} input(s) failed (listed above)",
            markup=False,
        )


# --- corpus ----------------------------------------------------------------

_DB_OPTION = typer.Option(
    "unspin.db", "--db", metavar="URL",
    help="The corpus store: a file path or sqlite:///PATH (SQLite), or postgresql://USER@HOST/DB.",
)


def _open_store(db: str, migrate: bool = True):
    from unspin.store.db import StoreError, connect

    try:
        return connect(db, migrate=migrate)
    except StoreError as exc:
        err.print(f"unspin: error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _existing_store(db: str, writes: bool):
    """A store that must already be there (``no such store`` otherwise, never created); one that will
    be written to is first brought to the newest schema, as ingest would."""
    from unspin.store.db import display_url, driver_error, is_store, normalise_url, not_a_store, upgrade

    engine = _open_store(db, migrate=False)
    if not is_store(engine):
        err.print(f"unspin: error: {not_a_store(display_url(normalise_url(db)))}", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    if writes:
        try:
            upgrade(engine)
        except Exception as exc:  # a driver's failure, as one line naming the store
            err.print(f"unspin: error: {driver_error(display_url(normalise_url(db)), exc)}", markup=False,
                      soft_wrap=True)
            raise typer.Exit(2) from None
    return engine


@app.command()
def ingest(
    paths: List[str] = typer.Argument(
        ..., help="Files, directories (read recursively), glob patterns, or - for standard input.", show_default=False,
    ),
    db: str = _DB_OPTION,
    input_format: InputFormat = typer.Option(
        InputFormat.auto, "--input-format", "--from", help="Input kind; by default it is sniffed from each input.",
    ),
    published: Optional[str] = typer.Option(
        None, "--published", callback=_iso_date, metavar="YYYY-MM-DD",
        help="Publication date to assume where a page gives none (as for analyze).",
    ),
    batch: int = typer.Option(20, "--batch", min=1, help="Documents per transaction."),
    jobs: Optional[int] = _JOBS_OPTION,
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress", help="Progress bar on standard error (default: when it is a terminal)."
    ),
    exclude: Optional[List[str]] = typer.Option(
        None, "--exclude", metavar="GLOB", help="Leave out paths this glob matches (the path, its file name or one "
        "of its folders); repeatable.",
    ),
) -> None:
    """Read and analyse articles as analyze does, and store them in the corpus.

    A document's identity is its URL when known, else a hash of its text: what
    is already stored is skipped before analysis, so ingest can be rerun after
    a crash or over a folder that grew, with no loss and no duplicate. Each
    batch is one transaction. Inputs that fail are recorded in the store's
    failures table and listed at the end.

    A folder written by unspin spark --out is loaded as it is: its documents
    come analysed, so nothing is analysed again, and the failures it
    recorded are stored too (reading it needs no Spark). A run that did not
    finish is refused by name before any store is opened. Loading the same
    output again stores nothing and says so; its failures, recorded the first
    time, are not counted again.

    Exit status: 0 when every input was stored (or already was), 1 when any
    failed, 2 on a usage or database error.

    Examples:

      unspin ingest pages/ --db corpus.db

      unspin ingest crawl.warc.gz --db postgresql://me@localhost/news

      unspin ingest spark-out/ --db corpus.db
    """
    from unspin.ingest import read_inputs
    from unspin.progress import count_inputs, progress_display, tracked
    from unspin.scale.output import is_spark_output, read_output, unfinished
    from unspin.store.corpus import counts
    from unspin.store.ingest import IngestReport
    from unspin.store.ingest import ingest as run_ingest

    fmt = None if input_format is InputFormat.auto else input_format.value
    seen = {"analysed": 0, "already": 0, "failed": 0}
    outputs = [p for p in paths if p != "-" and is_spark_output(p)]
    rest = [p for p in paths if p not in outputs]
    # an unfinished Spark output is refused before the store is opened: refusing it creates no store
    refused = [f for f in map(unfinished, outputs) if f is not None]
    ready = [p for p in outputs if p not in {f.input for f in refused}]
    for f in refused:
        err.print(f"unspin: error: {f.line()}", markup=False, soft_wrap=True)
    if refused and not ready and not rest:
        raise typer.Exit(1)
    engine = _open_store(db)
    with progress_display(err, progress) as bar:
        # inputs (a Spark output folder counts as one), as the reader reaches them
        task = bar.add_task("ingesting", total=len(ready) + count_inputs(rest, exclude or ()) if bar_wanted(progress) else None)

        def advance(state: str) -> None:
            seen[state] += 1
            bar.update(task, description=(
                f"ingesting ({seen['analysed']} new, {seen['already']} already stored, {seen['failed']} failed)"
            ))

        report = IngestReport()
        loaded_before = []
        for folder in ready:
            loaded = run_ingest(engine, read_output(folder), published, batch, advance, analysed=True)
            if not loaded.stored and not loaded.failures and (loaded.already or loaded.known_failures):
                loaded_before.append((folder, loaded))
            report.add(loaded)
            bar.advance(task)
        if rest:
            items = tracked(read_inputs(rest, fmt, exclude or ()), lambda: bar.advance(task))
            report.add(run_ingest(engine, items, published, batch, advance, _jobs(jobs)))
    for f in report.failures:
        err.print(f"unspin: error: {f.line()}", markup=False, soft_wrap=True)
    for folder, loaded in loaded_before:
        err.print(f"unspin: {folder}: loaded before, nothing new: its {loaded.already} document(s) are stored "
                  f"and its {loaded.known_failures} failure(s) recorded already", markup=False, soft_wrap=True)
    total = counts(engine)
    known = f", {report.known_failures} failure(s) of Spark output recorded before" if report.known_failures else ""
    err.print(
        f"unspin: stored {report.stored} new document(s) ({report.duplicates} near-duplicate), "
        f"{report.already} already stored, {len(report.failures)} failed{known}, in {report.seconds:.1f} s; "
        f"the store holds {total['documents']} documents from {total['outlets']} outlets in {total['stories']} stories, "
        f"and {total['failures']} recorded failure(s)",
        markup=False, soft_wrap=True,
    )
    if report.failures or refused:
        raise typer.Exit(1)


@app.command()
def regroup(
    db: str = _DB_OPTION,
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress", help="Progress bar on standard error (default: when it is a terminal)."
    ),
) -> None:
    """Recompute the story grouping of a whole store, as ingest now groups (after the rule changed).

    Documents are grouped again one by one in the order they were stored,
    computing the embeddings older stores lack. One transaction: stopped or
    failed half-way, the store keeps its old stories.

    Example:

      unspin regroup --db corpus.db
    """
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from unspin.store.stories import regroup as run_regroup
    from unspin.store.tables import documents

    engine = _open_store(db)
    show = progress if progress is not None else err.is_terminal
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(documents)).scalar_one()
    try:
        with _progress(show) as bar, engine.begin() as conn:
            task = bar.add_task("regrouping", total=total)
            stories = run_regroup(conn, advance=lambda: bar.advance(task))
    except SQLAlchemyError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err.print(f"unspin: error: {reason} (the store is unchanged)", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    err.print(f"unspin: regrouped {total} document(s) into {stories} stories", markup=False)


@app.command()
def serve(
    db: str = _DB_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (the default serves this machine only)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Browse, search and compare the corpus in a web browser, and serve its JSON API, read-only.

    Pages: search with facets (/), articles with switchable highlights
    (/article/ID), outlets and entities over time, stories side by side
    across outlets (/stories). The JSON API is under /api/ (described at
    /docs and /openapi.json), with streamed exports of any query as JSON
    Lines, CSV or Parquet. The store is opened read-only and never
    created or migrated; the pages run no script.

    Exit status: 0 when stopped with Ctrl-C, 2 when the store cannot be opened.

    Examples:

      unspin serve --db corpus.db

      unspin serve --db postgresql://me@localhost/news --port 8080
    """
    from unspin.store.db import StoreError, display_url, normalise_url
    from unspin.web.app import create_app

    try:
        application = create_app(db)
    except StoreError as exc:
        err.print(f"unspin: error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"unspin: warning: listening on {host}: anyone who can reach it can read the whole corpus "
                  "(there is no login)", markup=False, soft_wrap=True)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"unspin: serving {display_url(normalise_url(db))} read-only at http://{shown}:{port}/ (Ctrl-C stops)",
              markup=False, soft_wrap=True)
    uvicorn.run(application, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)


class SortOrder(str, Enum):
    rank = "rank"
    date = "date"


@app.command()
def search(
    query: str = typer.Argument(..., help="The query (quote it for the shell). Syntax below.", show_default=False),
    db: str = _DB_OPTION,
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Results to show."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many results first (paging)."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per result (JSON Lines), for piping."),
    facets: bool = typer.Option(False, "--facets", help="Also count matches by outlet, entity, technique, month."),
    sort: SortOrder = typer.Option(
        SortOrder.rank, "--sort", help="rank (the best match first; by date when the query has no words) or date "
        "(newest first, undated last).",
    ),
) -> None:
    """Full-text search of the corpus, ranked (bm25 on SQLite, ts_rank_cd on PostgreSQL) or by date.

    Syntax: words (stemmed, any case), "exact phrases", word* for a prefix,
    AND / OR / NOT in capitals with parentheses (a space means AND; a
    lowercase and, or, not is searched as a word), -word to exclude;
    filters that apply to the whole query: outlet:rt.com, outlet:rt or
    outlet:"Site Name" (host, its first labels or the site's name, any
    case), entity:"Canonical Name" (any case; also the documents a
    corpus-level link joins to it, marked as such), technique:NAME (e.g. loaded, fear,
    flag, name_calling; a span of it at confidence 0.3 or more, the floor
    profiles count at), language:en, after:YYYY-MM-DD and before:YYYY-MM-DD
    (both inclusive); -outlet:X excludes. Any other name: before a value is
    an error; quote text that holds a colon.

    Examples:

      unspin search '"port authority" strike -outlet:example.org'

      unspin search 'entity:"Marta Kowalczyk" after:2026-11-01' --json | jq .id
    """
    from unspin.store import links
    from unspin.store.db import display_url, is_store, normalise_url, not_a_store
    from unspin.store.query import QueryError
    from unspin.store.search import MARK_END, MARK_START
    from unspin.store.search import search as run_search

    engine = _open_store(db, migrate=False)
    if not is_store(engine):
        err.print(f"unspin: error: {not_a_store(display_url(normalise_url(db)))}", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    try:
        with engine.connect() as conn:
            results = run_search(conn, query, limit=limit, offset=offset, facets=facets, sort=sort.value)
    except QueryError as exc:
        err.print(f"unspin: error: bad query: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if json_out:
        for hit in results.hits:
            row = dataclasses.asdict(hit) | {"published": hit.published.isoformat() if hit.published else None}
            row["snippet"] = hit.snippet.replace(MARK_START, "").replace(MARK_END, "")
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        if facets:
            sys.stdout.write(json.dumps({"total": results.total, "facets": results.facets}, ensure_ascii=False) + "\n")
        return
    from rich.text import Text

    out = Console(highlight=False)
    out.print(_search_heading(results.total, offset, len(results.hits)))
    for hit in results.hits:
        head = Text()
        head.append(hit.title or "(untitled)", style="bold")
        head.append(f"  {hit.outlet_name or hit.outlet or 'unknown outlet'}", style="cyan")
        head.append(f"  {hit.published.isoformat() if hit.published else 'undated'}", style="dim")
        head.append(f"  {hit.id}", style="dim")
        out.print(head)
        snippet = Text()
        for i, part in enumerate(hit.snippet.replace(MARK_END, MARK_START).split(MARK_START)):
            snippet.append(re.sub(r"\s+", " ", part), style="bold yellow" if i % 2 else "")
        out.print(snippet)
        for how in hit.links:
            out.print(Text(links.describe(how), style="magenta"))
        out.print()
    if facets:
        for name, values in results.facets.items():
            if values:
                out.print(f"[bold]{name}[/bold]: " + ", ".join(f"{v} ({n})" for v, n in values), highlight=False, markup=True)


def _search_heading(total: int, offset: int, shown: int) -> str:
    """The line above the results: how many match and which of them are shown."""
    if shown:
        return f"{total} document(s) match; showing {offset + 1}–{offset + shown}"
    if total:
        return f"{total} document(s) match; none shown: --offset {offset} is past the last of them"
    return "no document matches"


class SpanFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"


@app.command()
def export(
    query: Optional[str] = typer.Argument(
        None, help="A search query selecting the documents (syntax as for search); all documents without one.",
        show_default=False,
    ),
    layer: str = typer.Option(
        ..., "--layer", "-l", help="The layer to export: entities, techniques, paragraph_techniques, attributions, "
        "events, quantities, dates, modality or sentences.", show_default=False,
    ),
    format: Optional[SpanFormat] = typer.Option(
        None, "--format", "-f", show_default="parquet when --out ends in .parquet, else csv", help="csv or parquet.",
    ),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (default: standard output)."),
    db: str = _DB_OPTION,
) -> None:
    """Export one row per span of a layer, for the documents a query selects, as CSV or Parquet.

    Columns: document_id, url, outlet, published, language, layer, start,
    end (character offsets in the document's text), text, label,
    confidence, component and attrs (the span's attributes as a JSON
    object). Documents come in the order search ranks them (by date
    without words to rank); rows are streamed a chunk of documents at a
    time, so any corpus can be exported. The counts go to standard error.

    Exit status: 0 when written, 1 when the output cannot be written, 2 on a
    usage error (bad query or layer) or when the store cannot be opened.

    Examples:

      unspin export 'technique:loaded after:2026-03-01' --layer techniques --out loaded.csv

      unspin export --layer entities --out entities.parquet --db corpus.db
    """
    from unspin.store import spans
    from unspin.store.query import QueryError

    try:
        spans.check_layer(layer)
    except spans.LayerError as exc:
        err.print(f"unspin: error: --layer: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    kind = format or (SpanFormat.parquet if out is not None and out.suffix == ".parquet" else SpanFormat.csv)
    if kind is SpanFormat.parquet:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            err.print("unspin: error: Parquet needs pyarrow: pip install pyarrow (or use --format csv)", markup=False)
            raise typer.Exit(2) from None
        if out is None and sys.stdout.isatty():
            err.print("unspin: error: Parquet is binary: give --out FILE or redirect standard output", markup=False)
            raise typer.Exit(2)
    engine = _existing_store(db, writes=False)
    tally = spans.Tally()
    try:
        chunks = spans.span_chunks(engine, query.strip() if query else None, layer, tally)
    except QueryError as exc:
        err.print(f"unspin: error: bad query: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    body = spans.parquet_bytes(chunks) if kind is SpanFormat.parquet else spans.csv_bytes(chunks)
    target = out if out is not None else "standard output"
    try:
        sink = open(out, "wb") if out is not None else sys.stdout.buffer
    except OSError as exc:
        err.print(f"unspin: error: {out}: cannot write ({exc.strerror or exc})", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    try:
        for data in body:
            sink.write(data)
        sink.flush()
    except OSError as exc:
        err.print(f"unspin: error: {target}: cannot write ({exc.strerror or exc})", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        if out is not None:
            sink.close()
    err.print(f"unspin: exported {tally.rows} {layer} span(s) from {tally.documents} document(s) to {target} "
              f"as {kind.value}", markup=False, soft_wrap=True)


@app.command()
def delete(
    ids: Optional[List[str]] = typer.Option(None, "--id", help="A document id (as search --json and the API give it); repeatable."),
    query: Optional[str] = typer.Option(None, "--query", "-q", help="Every document this search query matches."),
    sources: Optional[List[str]] = typer.Option(
        None, "--source", help="Documents read from this input: its path as given to ingest, a folder, or a glob; "
        "repeatable.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be deleted and change nothing."),
    db: str = _DB_OPTION,
) -> None:
    """Delete documents from the corpus, leaving every derived table as if they had never been stored.

    The documents named by --id, matched by --query (the search syntax) or
    read from a --source are deleted together, in one transaction: their
    entity and technique counts, signatures and near-duplicate bands go
    with them, the documents stored after them are grouped again into
    near-duplicates and stories as ingest would group them without the
    deleted ones, emptied stories and outlets go, and the full-text index
    follows. The ids deleted (or, with --dry-run, that would be) are
    printed one per line; the count goes to standard error.

    Exit status: 0 when done, 1 when an --id or --source matched nothing
    (the rest is still deleted), 2 on a usage error, a bad query or a store
    that cannot be opened.

    Examples:

      unspin delete --query 'outlet:spam.example' --dry-run

      unspin delete --id 3f2a9c0d1e4b5a6978c0d1e2 --source 'crawl/junk/*' --db corpus.db
    """
    from unspin.store.corpus import counts
    from unspin.store.delete import delete_documents, select_documents
    from unspin.store.query import QueryError

    if not ids and not query and not sources:
        err.print("unspin: error: say what to delete: --id, --query or --source", markup=False)
        raise typer.Exit(2)
    engine = _existing_store(db, writes=True)
    try:
        with engine.connect() as conn:
            chosen = select_documents(conn, ids or (), query, sources or ())
    except QueryError as exc:
        err.print(f"unspin: error: bad query: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    for doc_id in chosen.unknown_ids:
        err.print(f"unspin: error: {doc_id}: no such document in the corpus", markup=False, soft_wrap=True)
    for pattern in chosen.unmatched_sources:
        err.print(f"unspin: error: {pattern}: no stored document was read from it", markup=False, soft_wrap=True)
    if dry_run:
        for doc_id in chosen.ids:
            sys.stdout.write(doc_id + "\n")
        err.print(f"unspin: would delete {len(chosen.ids)} document(s) (dry run: nothing changed)", markup=False)
    else:
        result = delete_documents(engine, chosen.pks)
        for doc_id in chosen.ids:
            sys.stdout.write(doc_id + "\n")
        total = counts(engine)
        err.print(
            f"unspin: deleted {result.documents} document(s); {result.regrouped} stored after them were grouped "
            f"again ({result.regrouped_changed} changed near-duplicate group or story); the store holds "
            f"{total['documents']} documents from {total['outlets']} outlets in {total['stories']} stories",
            markup=False, soft_wrap=True,
        )
    if chosen.unknown_ids or chosen.unmatched_sources:
        raise typer.Exit(1)


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


# --- eval ------------------------------------------------------------------


@eval_app.command("extraction")
def eval_extraction(
    directory: Path = typer.Argument(
        ..., help="A benchmark in the ScrapingHub layout: html/<id>.html.gz and ground-truth.json.",
        exists=True, file_okay=False, show_default=False,
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON instead of a table."),
) -> None:
    """Article-body extraction: unspin against trafilatura alone, side by side.

    Metric: the benchmark's own (word 4-gram shingles, counts normalised per
    page; precision averaged over pages with output, recall over pages with
    gold text, F1 of the two averages). Speed is pages per second of the
    extraction call, measured in the same run for both.
    """
    from unspin.eval.extraction import run_comparison

    try:
        rows = run_comparison(directory)
    except ValueError as exc:
        err.print(f"unspin: error: {directory}: {exc}", markup=False)
        raise typer.Exit(1)
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"article extraction on {directory} ({rows[0]['pages']} pages)")
    for col in ("system", "precision", "recall", "F1", "pages/s"):
        table.add_column(col, justify="left" if col == "system" else "right")
    for r in rows:
        table.add_row(r["system"], f"{r['precision']:.4f}", f"{r['recall']:.4f}", f"{r['f1']:.4f}", f"{r['pages_per_second']:.1f}")
    Console().print(table)


#: The gold sets of the analysis layers: (module, function, default location in shared/ beside the checkout).
_GOLD = {
    "entities": ("unspin.eval.entities", "evaluate_re3d_parts", "data/re3d"),
    "events": ("unspin.eval.events", "evaluate_plover_parts", "data/plover_gsr/PLOVER_GSR_CAMEO.json"),
    "modality": ("unspin.eval.modality", "evaluate_meantime_parts", "data/meantime_factuality"),
    "attributions": ("unspin.eval.attributions", "evaluate_polnear_parts", "data/polnear"),
    "dates": ("unspin.eval.dates", "evaluate_parts", "."),
}


def _eval_layer(layer: str, path: Optional[Path], json_out: bool, **options) -> None:
    """Run one layer's evaluation on each part of its split and print the parts side by side (or JSON)."""
    import importlib

    from unspin.eval.gold import default_path

    module_name, function, default = _GOLD[layer]
    target = path or default_path(default)
    if not target.exists():
        if path is None:
            problem = f"the default gold data is not there; give its path: unspin eval {layer} PATH"
        else:
            problem = "no such file or directory (give the gold data's path)"
        err.print(f"unspin: error: {target}: {problem}", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    module = importlib.import_module(module_name)
    try:
        result = getattr(module, function)(target, **options)
    except (ValueError, OSError) as exc:
        err.print(f"unspin: error: {target}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    if json_out:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        typer.echo(module.format_parts(result))


_JSON_OPTION = typer.Option(False, "--json", help="Print the figures as JSON instead of a table.")


@eval_app.command("entities")
def eval_entities(
    path: Optional[Path] = typer.Argument(
        None, help="re3d's folder (default: ../shared/data/re3d beside the checkout unspin runs from).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Entities against re3d (person, organisation, location mentions): per-class P, R, F1 and micro average.

    Each part of the committed split (unspin/eval/splits) is scored on its own, side by side:
    quote the test part, on which nothing was chosen.
    """
    _eval_layer("entities", path, json_out)


@eval_app.command("events")
def eval_events(
    path: Optional[Path] = typer.Argument(
        None, help="PLOVER gold records (default: ../shared/data/plover_gsr/PLOVER_GSR_CAMEO.json beside the checkout).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Events against PLOVER's gold records: event recall, type accuracy, per-type P, R, F1.

    Each part of the committed split (unspin/eval/splits) is scored on its own, side by side:
    quote the test part, on which nothing was chosen.
    """
    _eval_layer("events", path, json_out)


@eval_app.command("modality")
def eval_modality(
    path: Optional[Path] = typer.Argument(
        None, help="MEANTIME factuality CoNLL folder (default: ../shared/data/meantime_factuality beside the checkout).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Fact vs speculation against MEANTIME's event factuality: speculative and asserted P, R, F1.

    Each part of the committed split (unspin/eval/splits) is scored on its own, side by side:
    quote the test part, on which nothing was chosen.
    """
    _eval_layer("modality", path, json_out)


@eval_app.command("attributions")
def eval_attributions(
    path: Optional[Path] = typer.Argument(
        None, help="PolNeAR's folder, holding train/ and dev/ (default: ../shared/data/polnear beside the checkout).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Attributions against PolNeAR (who said or thought what): cue P, R, F1, source accuracy, kinds of source.

    A gold attribution is found when an unspin cue overlaps its cue. PolNeAR dev is the untouched test part;
    the train articles set aside for choosing (unspin/eval/splits/polnear_layers.json) are scored beside it.
    """
    _eval_layer("attributions", path, json_out)


@eval_app.command("dates")
def eval_dates(
    path: Optional[Path] = typer.Argument(
        None, help="The shared data folder the gold's file names are relative to (default: ../shared beside the checkout).",
        show_default=False,
    ),
    gold: Optional[Path] = typer.Option(
        None, "--gold", help="A dates gold file of your own (default: the hand-made PolNeAR gold shipped with unspin).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Dates against date expressions annotated by hand: detection P and R, exact ISO value accuracy.

    Each article is analysed with its publication date as the reference. The tune and test halves of the
    annotated articles (a seeded shuffle, in the gold file) are scored side by side: quote the test part.
    """
    _eval_layer("dates", path, json_out, gold=gold)


@eval_app.command("stories")
def eval_stories(
    basil: Optional[Path] = typer.Option(
        None, "--basil", help="BASIL's folder (articles/<year>/*.json; default: ../shared/data/basil).",
        show_default=False,
    ),
    ecbplus: Optional[Path] = typer.Option(
        None, "--ecbplus", help="ECB+'s folder (<topic>/*.xml; default: ../shared/data/ecbplus).", show_default=False,
    ),
    part: Optional[str] = typer.Option(
        None, "--part", help="Only 'tune' or only 'report' (default: both).", show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on standard error."),
) -> None:
    """Story grouping against BASIL (one event told by three outlets, dated) and ECB+ (similar events, undated).

    Each part (the events or topics tuned on, and those only reported; see
    unspin/eval/splits) is read as JSON Lines and stored through the real
    ingest path into a throwaway store, analysed by the components grouping
    reads (sentences, entities). Prints pairwise precision, recall and F1 of
    the stories made, and the story counts. About 15 minutes on two cores.
    """
    from unspin.eval.stories import count, evaluate, format_table

    if part not in (None, "tune", "report"):
        err.print(f"unspin: error: --part {part!r}: use tune or report", markup=False)
        raise typer.Exit(2)
    parts = (part,) if part else ("tune", "report")
    given = basil is not None or ecbplus is not None
    basil = basil or (None if given else Path("../shared/data/basil"))
    ecbplus = ecbplus or (None if given else Path("../shared/data/ecbplus"))
    for target in (basil, ecbplus):
        if target is not None and not target.is_dir():
            err.print(f"unspin: error: {target}: no such directory (give the gold data's path)", markup=False)
            raise typer.Exit(2)
    with _progress(progress) as bar:
        try:
            task = bar.add_task("stories", total=count(basil, ecbplus, parts))
            result = evaluate(basil, ecbplus, parts, advance=lambda: bar.advance(task))
        except (ValueError, OSError, KeyError) as exc:
            err.print(f"unspin: error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    typer.echo(json.dumps(result, indent=2) if json_out else format_table(result))


@eval_app.command("techniques")
def eval_techniques(
    articles: Path = typer.Option(
        ..., "--articles", help="A folder of article<ID>.txt files (PTC layout), read verbatim.",
        exists=True, file_okay=False, show_default=False,
    ),
    labels: Optional[Path] = typer.Option(
        None, "--labels", help="Gold spans: id<TAB>technique<TAB>start<TAB>end (e.g. dev-task-flc-tc.labels).",
        exists=True, dir_okay=False, show_default=False,
    ),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", help="Write the spans found, in the same 4-column format ('-' for standard output).",
        show_default=False, allow_dash=True,
    ),
    paragraphs: Optional[Path] = typer.Option(
        None, "--paragraphs", metavar="LABELS",
        help="Score the paragraph model instead, against SemEval-2023 subtask-3 labels: "
        "id<TAB>line<TAB>technique,technique,... per non-empty line (e.g. train-labels-subtask-3.txt).",
        exists=True, dir_okay=False, show_default=False,
    ),
    cross_validate: bool = typer.Option(
        False, "--cross-validate",
        help="With --paragraphs: instead of scoring the shipped model, run the nested 5-fold cross-validation by "
        "article (as unspin train paragraphs does, minutes on two cores) and print its out-of-fold figures.",
    ),
    json_out: bool = _JSON_OPTION,
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on standard error."),
) -> None:
    """Propaganda techniques against SemEval-2020 Task 11 gold: SI, TC, end to end, per technique.

    SI and end to end score the spans the model finds (partial overlap
    credited); TC scores the techniques it gives the gold spans. Offsets are
    code points of the files as they are.

    With --paragraphs LABELS, the paragraph model is scored instead, with
    SemEval-2023 subtask 3's metric: micro-F1 over (article, line, technique),
    lines numbered as the labels file numbers them (every line of the file
    from 1). Only the articles in --articles are scored. Articles the shipped
    model was trained on are recognised and the figure is then labelled a
    training-set figure; --cross-validate gives the honest one.
    """
    if paragraphs is not None:
        if labels is not None:
            err.print("unspin: error: give --labels (span gold) or --paragraphs (paragraph gold), not both",
                      markup=False, soft_wrap=True)
            raise typer.Exit(2)
        _eval_paragraphs(articles, paragraphs, cross_validate, predictions, json_out, progress)
        return
    if cross_validate:
        err.print("unspin: error: --cross-validate needs --paragraphs", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    from unspin.eval.techniques import format_table, write_predictions
    from unspin.techniques.evaluate import evaluate
    from unspin.techniques.model import load

    if labels is None and predictions is None:
        err.print("unspin: error: nothing to do: give --labels to score, --predictions to write spans, or both",
                  markup=False, soft_wrap=True)
        raise typer.Exit(2)
    n = len(list(articles.glob("article*.txt")))
    with _progress(progress and n > 1) as bar:
        task = bar.add_task("techniques", total=n)
        try:
            model = load()
            result = evaluate(model, articles, labels, advance=lambda: bar.advance(task))
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            err.print(f"unspin: error: {labels or articles}: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    if predictions is not None:
        write_predictions(result["found"], sys.stdout if str(predictions) == "-" else predictions)
    if result["scores"] is not None:
        calibration = result["calibration"]
        if json_out:
            typer.echo(json.dumps(result["scores"] | {"calibration": calibration}, indent=2))
        elif str(predictions) != "-":
            typer.echo(f"{result['articles']} articles, {len(result['found'])} spans found")
            typer.echo(format_table(result["scores"]))
            typer.echo(
                f"\nconfidence: the spans' confidences add up to {calibration['expected_right']} expected right; "
                f"{calibration['right']} of {calibration['spans']} overlap a gold span of their technique "
                f"(ECE {calibration['ece']:.4f}, 10 bins)"
            )


def _eval_paragraphs(
    articles: Path, labels: Path, cross_validate: bool, predictions: Optional[Path], json_out: bool, progress: bool
) -> None:
    """``eval techniques --paragraphs``: the shipped paragraph model, or the nested cross-validation."""
    from unspin.eval.paragraphs import format_table, write_rows

    if cross_validate:
        from unspin.techniques.paragraph_publish import cross_validate as run_cv

        log = (lambda line: err.print(line, markup=False, soft_wrap=True)) if progress else (lambda _: None)
        try:
            result, _ = run_cv(articles, labels, log=log)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            err.print(f"unspin: error: {labels}: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
        if json_out:
            typer.echo(json.dumps({k: v for k, v in result.items() if k != "reliability_reported"}, indent=2))
            return
        base = result["baseline_loaded_language"]
        typer.echo(f"{result['folds']}-fold cross-validation by article (nested: every choice made without the scored "
                   f"fold), {result['paragraphs']} paragraphs of {result['articles']} articles")
        typer.echo(format_table(result | {"f1": result["micro_f1"], "paragraphs": result["paragraphs"]},
                                labels=set(result["per_label"])))
        typer.echo(f"\nbaseline, Loaded_Language on every paragraph: micro-F1 {base['f1']:.4f} "
                   f"(P {base['precision']:.4f}, R {base['recall']:.4f})")
        typer.echo(f"per fold: {', '.join(f'{f:.4f}' for f in result['per_fold_f1'])}")
        typer.echo(f"expected calibration error (10 bins): {result['ece_reported']:.4f} over the reported pairs, "
                   f"{result['ece_all_pairs']:.4f} over every (paragraph, technique) pair")
        return
    from unspin.techniques.paragraph_evaluate import evaluate
    from unspin.techniques.paragraph_model import load

    n = len(list(articles.glob("article*.txt")))
    with _progress(progress and n > 1) as bar:
        task = bar.add_task("paragraphs", total=n)
        try:
            result = evaluate(load(), articles, labels, advance=lambda: bar.advance(task))
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            err.print(f"unspin: error: {labels}: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    if predictions is not None:
        write_rows(result["predicted"], sys.stdout if str(predictions) == "-" else predictions)
        if str(predictions) == "-":
            return
    scores = result["scores"]
    training = result["training_articles"]
    if json_out:
        typer.echo(json.dumps({"articles": result["articles"], "training_articles": training,
                               "training_set_figure": training > 0} | scores, indent=2))
        return
    typer.echo(f"{result['articles']} articles scored ({result['articles_in_labels']} named in the labels, "
               f"{result['articles_in_folder']} in the folder)")
    if training:
        typer.echo(f"TRAINING-SET FIGURE: {training} of these {result['articles']} articles are ones the shipped model "
                   "was trained on, so this is not a measure of new text; --cross-validate gives the honest figure.")
    typer.echo(format_table(scores))


@train_app.command("techniques")
def train_techniques(
    data: Path = typer.Option(
        ..., "--data", help="PTC in its release layout: train/ and dev/ with articles/ and *-task-flc-tc.labels.",
        exists=True, file_okay=False, show_default=False,
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the model (default: the package's models/techniques, replacing it).",
        show_default=False,
    ),
    epochs: int = typer.Option(4, "--epochs", min=1, help="Passes over the fitted part of train (the best on the tune part is kept)."),
    seed: int = typer.Option(13, "--seed", help="Seed for Python, NumPy and torch."),
    threads: int = typer.Option(2, "--threads", min=1, help="torch threads (set explicitly for reproducible timing)."),
    compare: bool = typer.Option(True, "--compare/--no-compare", help="Also score the other designs (CRF decodings, feature-based, ensemble)."),
    checkpoint: Path = typer.Option(
        Path("unspin-train-techniques/checkpoint.pt"), "--checkpoint",
        help="Where the state after each epoch is written (about 200 MB; not part of the model).",
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue from --checkpoint (same settings) instead of starting over."),
    tune: Optional[Path] = typer.Option(
        None, "--tune", help="JSON file whose 'tune' list names the train articles every choice is made on "
        "(default: the committed split, 74 of PTC's 371 train articles).", exists=True, dir_okay=False, show_default=False,
    ),
) -> None:
    """Fine-tune the technique model on PTC train, choose and calibrate on a held-out part of train, score dev.

    PTC dev takes part in no choice: its figures in the model card are those of
    unseen text. About 70 minutes on two idle CPU cores. The state is saved
    after every epoch; --resume continues a killed run to the same weights.
    The data never enters the model folder: only weights, thresholds and
    figures do.
    """
    from unspin.techniques.model import model_dir
    from unspin.techniques.publish import run as publish
    from unspin.techniques.train import Settings

    for part in ("train/articles", "train/train-task-flc-tc.labels", "dev/articles", "dev/dev-task-flc-tc.labels"):
        if not (data / part).exists():
            err.print(f"unspin: error: {data}: not in the PTC layout ({part} is missing)", markup=False, soft_wrap=True)
            raise typer.Exit(2)
    tune_ids = None
    if tune is not None:
        try:
            tune_ids = [str(i) for i in json.loads(tune.read_text(encoding="utf-8"))["tune"]]
        except (ValueError, KeyError, TypeError) as problem:
            err.print(f"unspin: error: {tune}: not a JSON object with a 'tune' list ({problem})", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
    if resume and not checkpoint.is_file():
        err.print(f"unspin: error: {checkpoint}: no checkpoint to resume from", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    command = f"unspin train techniques --data {data} --epochs {epochs} --seed {seed} --threads {threads}"
    try:
        publish(
            data, out or model_dir(), Settings(seed=seed, threads=threads, epochs=epochs), compare=compare,
            command=command + ("" if compare else " --no-compare"), log=lambda line: err.print(line, markup=False, soft_wrap=True),
            checkpoint=checkpoint, resume=resume, tune_ids=tune_ids,
        )
    except ValueError as problem:
        err.print(f"unspin: error: {problem}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


@train_app.command("paragraphs")
def train_paragraphs(
    data: Path = typer.Option(
        ..., "--data", help="SemEval-2023 Task 3 English training data: articles/ and train-labels-subtask-3.txt.",
        exists=True, file_okay=False, show_default=False,
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the model (default: the package's models/paragraphs, replacing it).",
        show_default=False,
    ),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds, by article."),
    seed: int = typer.Option(13, "--seed", help="Seed of the shuffle that deals articles to folds."),
) -> None:
    """Train the paragraph technique model: nested cross-validation by article, then fit on every article.

    Every paragraph is embedded once (the span model's frozen lower layers,
    read over each whole article as at analysis time); C, the
    fusion weight, the calibration and the threshold are chosen inside each
    fold's training part, and the out-of-fold figures go in the model card.
    Takes minutes on two CPU cores. The data never enters the model folder:
    only coefficients, the vocabulary, maps and figures do.
    """
    from unspin.techniques.paragraph_model import model_dir
    from unspin.techniques.paragraph_publish import run as publish
    from unspin.techniques.paragraph_train import ARTICLES, LABELS_FILE

    for part in (ARTICLES, LABELS_FILE):
        if not (data / part).exists():
            err.print(f"unspin: error: {data}: not in the SemEval-2023 layout ({part} is missing)",
                      markup=False, soft_wrap=True)
            raise typer.Exit(2)
    command = f"unspin train paragraphs --data {data} --folds {folds} --seed {seed}"
    try:
        publish(data, out or model_dir(), folds, seed, command=command,
                log=lambda line: err.print(line, markup=False, soft_wrap=True))
    except ValueError as exc:
        err.print(f"unspin: error: {data}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1)


@train_app.command("attributions")
def train_attributions(
    data: Path = typer.Option(
        ..., "--data", help="PolNeAR's folder, holding train/ and dev/ (text/ and attributions/ in each).",
        exists=True, file_okay=False, show_default=False,
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the model (default: the package's models/attributions, replacing it).",
        show_default=False,
    ),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Folder for the articles' parses, reused by a rerun (default: unspin-polnear-parses "
        "in the system's temporary folder).", file_okay=False, show_default=False,
    ),
    fit_articles: Optional[int] = typer.Option(
        None, "--fit-articles", min=1, help="Fit on this many of the fit articles (a seeded draw; default: all).",
        show_default=False,
    ),
) -> None:
    """Train the attribution cue tagger: fit on PolNeAR's fit part, choose on choose, score dev once.

    Writes weights.npz, config.json and MODEL_CARD.md (figures of rules
    alone, model alone and both, on choose and on dev). Parsing the articles
    is most of the time; the parses are cached for a rerun.
    """
    from unspin.analyze.cue_card import write
    from unspin.analyze.cue_model import WEIGHTS, model_dir
    from unspin.analyze.cue_train import train

    target = out or model_dir()
    command = "unspin train attributions --data " + str(data) + (
        f" --fit-articles {fit_articles}" if fit_articles else "")
    say = lambda line: err.print(line, markup=False, soft_wrap=True)  # noqa: E731
    try:
        run_ = train(data, target, cache=cache, fit_articles=fit_articles, say=say)
    except ValueError as exc:
        err.print(f"unspin: error: {data}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    write(target / "MODEL_CARD.md", run_, command, (target / WEIGHTS).stat().st_size)
    for name, figures in run_.test.items():
        say(f"dev, {name}: cue F1 {figures['cue']['f1']:.3f} (P {figures['cue']['precision']:.3f}, "
            f"R {figures['cue']['recall']:.3f}), source {figures['source_accuracy']:.3f}")
    say(f"wrote {target} ({run_.settings['mode']}) in {run_.seconds['total'] / 60:.1f} minutes")


def run() -> None:  # console-script entry point
    try:
        explicit(os.environ.get(ENV))
    except ValueError as problem:
        err.print(f"unspin: error: {problem}", markup=False, soft_wrap=True)
        sys.exit(2)
    # Before anything imports torch (spaCy's load does): OpenMP's threads sleep at barriers if the cores are shared.
    choose_wait_policy()
    # The command reports bad pages itself, one line each; the extractors'
    # own log chatter about the same pages would only repeat it.
    for name in ("trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    app()


if __name__ == "__main__":
    run()
