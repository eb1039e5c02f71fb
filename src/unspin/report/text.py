"""The terminal report: what was read, what was set aside, what was found; for many inputs, a closing summary."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unspin.analyze import event_groups
from unspin.document import Document
from unspin.errors import Failure
from unspin.report.layers import VIEWS
from unspin.report.overview import Row, failure_line

#: Width of the summary table when the report goes to a file or a pipe.
SUMMARY_WIDTH = 140

_META_FIELDS = ("title", "byline", "published", "site", "url", "canonical_url", "language", "fetched")


def render(doc: Document) -> Group:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold cyan", no_wrap=True)
    meta.add_column()
    for name in _META_FIELDS:
        value = getattr(doc.meta, name)
        if value:
            if name == "language" and doc.meta.language_confidence is not None:
                value = f"{value} ({doc.meta.language_confidence:.2f})"
            meta.add_row(name, Text(str(value)))
    meta.add_row("source", Text(f"{doc.source.name} [{doc.source.format}, {doc.source.encoding or '?'}]"))
    meta.add_row("article", Text(f"{len(doc.text):,} characters, {doc.words():,} words"))
    coverage = doc.offsets.coverage(len(doc.text))
    meta.add_row("traceable", Text(f"{coverage:.0%} of characters mapped to the source"))

    parts: list = [meta]
    if doc.furniture:
        table = Table(title="page furniture set aside", title_justify="left", expand=False)
        table.add_column("kind", style="magenta", no_wrap=True)
        table.add_column("text")
        table.add_column("parsed", style="green")
        for f in doc.furniture:
            parsed = ", ".join(f"{k}={v}" for k, v in f.fields.items() if v not in (None, "", [], {}))
            table.add_row(f.kind, Text(_clip(f.text.replace("\n", " / "), 70)), Text(parsed))
        parts.append(table)
    else:
        parts.append(Text("no page furniture found", style="dim"))

    layers = doc.layers
    if layers:
        table = Table(title="layers", title_justify="left")
        table.add_column("layer", style="bold")
        table.add_column("spans", justify="right")
        table.add_column("labels")
        for name, spans in layers.items():
            labels = Counter(s.label for s in spans).most_common(6)
            said = ", ".join(f"{k} {v}" for k, v in labels)
            if name == "events" and (events := event_groups.count(spans)) != len(spans):
                said += f" ({events} events: a later mention of the same event is not a new one)"
            table.add_row(name, str(len(spans)), Text(said))
        parts.append(table)
        parts.extend(view for view in (make(doc) for make in VIEWS) if view is not None)
    else:
        parts.append(Text("layers: none", style="dim"))
    for note in doc.notes:
        parts.append(Text(f"note: {note['component']}: {note['message']}", style="yellow"))
    parts.append(Text(_clip(doc.text, 400), style="italic"))
    return Group(*parts)


def print_report(doc: Document, console: Console) -> None:
    title = Text(doc.meta.title or doc.source.name, style="bold")
    console.print(Panel(render(doc), title=title, title_align="left", border_style="blue"))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def print_summary(rows: Sequence[Row], failures: Sequence[Failure], console: Console) -> None:
    """The closing table of a report on many inputs: one row per document, then one per failed input."""
    table = Table(title=f"summary: {len(rows)} document(s) read, {len(failures)} input(s) failed",
                  title_justify="left", show_lines=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("document", overflow="fold")
    table.add_column("outlet", overflow="fold")
    table.add_column("date", no_wrap=True)
    for name in ("words", "entities", "events", "techniques"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("speculative", justify="right")
    table.add_column("failure", overflow="fold")
    for n, r in enumerate(rows, 1):
        table.add_row(str(n), Text(r.title), Text(r.outlet or "—"), r.published or "—", f"{r.words:,}",
                      str(r.entities), str(r.events), str(r.techniques), r.speculative_share, "—")
    for f in failures:
        where, error = failure_line(f)
        table.add_row("", Text(where), "", "", "", "", "", "", "", Text(error, style="red"))
    if not console.is_terminal:  # a file or a pipe has no width of its own: room for ten columns, not rich's 80
        console = Console(file=console.file, width=max(console.width, SUMMARY_WIDTH), highlight=False)
    console.print(table)
