"""The corpus commands: ``ingest``, ``regroup``, ``serve``, ``search``, ``export``, ``delete``."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from unspin.cli.app import app
from unspin.cli.common import JOBS_OPTION, InputFormat, bar_wanted, err, iso_date, progress_bar, worker_count


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
        None, "--published", callback=iso_date, metavar="YYYY-MM-DD",
        help="Publication date to assume where a page gives none (as for analyze).",
    ),
    batch: int = typer.Option(20, "--batch", min=1, help="Documents per transaction."),
    jobs: Optional[int] = JOBS_OPTION,
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
            report.add(run_ingest(engine, items, published, batch, advance, worker_count(jobs)))
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
        with progress_bar(show) as bar, engine.begin() as conn:
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
    review: bool = typer.Option(
        False, "--review", help="Let signed-in reviewers (unspin users add) accept, reject, relabel, move and add "
        "spans and mark documents reviewed. The reviews are stored beside the machine's marks, never over them.",
    ),
) -> None:
    """Browse, search and compare the corpus in a web browser, and serve its JSON API, read-only.

    Pages: search with facets (/), articles with switchable highlights
    (/article/ID), outlets and entities over time, stories side by side
    across outlets (/stories). The JSON API is under /api/ (described at
    /docs and /openapi.json), with streamed exports of any query as JSON
    Lines, CSV or Parquet. The store is opened read-only and never
    created or migrated; the pages run no script.

    With --review, an article page has a "Review spans" page for signed-in
    reviewers (accounts: unspin users add NAME), and shows the reviewed view,
    the machine view and what differs. Only the review forms write; the
    store is brought to the newest schema first.

    Exit status: 0 when stopped with Ctrl-C, 2 when the store cannot be opened.

    Examples:

      unspin serve --db corpus.db

      unspin serve --db corpus.db --review

      unspin serve --db postgresql://me@localhost/news --port 8080
    """
    from unspin.store.db import StoreError, display_url, normalise_url
    from unspin.web.app import create_app

    if review:
        from unspin.store.reviews import list_users

        engine = _existing_store(db, writes=True)  # the review tables exist before anyone signs in
        with engine.connect() as conn:
            accounts = list_users(conn)
        engine.dispose()
        if not accounts:
            err.print(f"unspin: warning: no one can sign in yet: make an account with unspin users add NAME --db {db}",
                      markup=False, soft_wrap=True)
    try:
        application = create_app(db, review=review)
    except StoreError as exc:
        err.print(f"unspin: error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"unspin: warning: listening on {host}: anyone who can reach it can read the whole corpus "
                  "(reading needs no login)" + ("; passwords and session cookies cross the network in clear unless "
                                               "a TLS proxy is in front" if review else ""),
                  markup=False, soft_wrap=True)
    shown = f"[{host}]" if ":" in host else host
    how = "for review (sign in at /login)" if review else "read-only"
    err.print(f"unspin: serving {display_url(normalise_url(db))} {how} at http://{shown}:{port}/ (Ctrl-C stops)",
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
