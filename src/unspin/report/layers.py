"""Terminal views of the analysis layers, one small table each.

Each view reads only the spans and their attrs, so a layer that is absent or
has spans without some attribute still renders; article text goes in as
rich ``Text`` (never markup), so brackets in it are shown, not interpreted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable

from rich.table import Table
from rich.text import Text

from unspin.analyze.technique_definitions import display_name
from unspin.document import Document, Span
from unspin.report.paragraphs import paragraphs_view
from unspin.summary import QUOTED, expected_line, technique_summary

#: Rows shown per table before "... and N more".
MAX_ROWS = 25


def _table(title: str | Text, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    for column in columns:
        table.add_column(column)
    return table


def _more(table: Table, shown: int, total: int) -> Table:
    if total > shown:
        table.caption = f"… and {total - shown} more"
    return table


def _names(value) -> str:
    if value in (None, "", []):
        return "—"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def entities_view(doc: Document) -> Table | None:
    """Entities grouped by canonical name, with their mentions counted."""
    spans = doc.layer("entities")
    if not spans:
        return None
    groups: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for s in spans:
        groups[(s.attrs.get("canonical") or doc.span_text(s), s.label)].append(s)
    table = _table("entities", "canonical", "type", "mentions", "as written", "details")
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0][0]))
    for (name, label), mentions in ordered[:MAX_ROWS]:
        written = sorted({doc.span_text(m) for m in mentions})
        attrs = mentions[0].attrs
        details = [f"{k}={attrs[k]}" for k in ("title", "role", "country_code") if attrs.get(k)]
        if attrs.get("lat") is not None and attrs.get("lon") is not None:
            details.append(f"{attrs['lat']:.2f},{attrs['lon']:.2f}")
        table.add_row(Text(name), label, str(len(mentions)), Text(" | ".join(written)), Text(" ".join(details)))
    return _more(table, min(len(ordered), MAX_ROWS), len(ordered))


def events_view(doc: Document) -> Table | None:
    """One line per event (not per mention): date, actor, type, target, place, modality."""
    spans = [s for s in doc.layer("events") if not s.attrs.get("same_as")]
    if not spans:
        return None
    table = _table("events", "date", "actor", "type", "target", "place", "modality", "trigger")
    for s in spans[:MAX_ROWS]:
        a = s.attrs
        modality = a.get("modality") or "—"
        table.add_row(
            _names(a.get("date")), Text(_names(a.get("actor"))), s.label, Text(_names(a.get("target"))),
            Text(_names(a.get("place"))), Text(modality, style="yellow" if modality != "asserted" else ""),
            Text(doc.span_text(s) + (f" (+{len(s.attrs['mentions']) - 1} more)" if len(s.attrs.get("mentions") or ()) > 1 else "")),
        )
    return _more(table, min(len(spans), MAX_ROWS), len(spans))


def quantities_view(doc: Document) -> Table | None:
    spans = doc.layer("quantities")
    if not spans:
        return None
    table = _table("quantities", "as written", "kind", "value", "of", "approximate", "belongs to")
    for s in spans[:MAX_ROWS]:
        a = s.attrs
        what = a.get("object") or a.get("unit") or a.get("currency") or "—"
        table.add_row(Text(doc.span_text(s)), s.label, _names(a.get("value")), Text(str(what)),
                      "yes" if a.get("approximate") else "", Text(_names(a.get("owner"))))
    return _more(table, min(len(spans), MAX_ROWS), len(spans))


def dates_view(doc: Document) -> Table | None:
    spans = doc.layer("dates")
    if not spans:
        return None
    table = _table("dates", "as written", "ISO 8601", "kind", "inferred")
    for s in spans[:MAX_ROWS]:
        a = s.attrs
        table.add_row(Text(doc.span_text(s)), _names(a.get("value")), s.label, "yes" if a.get("inferred") else "")
    refs = {(a.get("reference"), a.get("reference_source")) for a in (s.attrs for s in spans) if a.get("reference")}
    if len(refs) == 1:
        ref, source = refs.pop()
        table.title = f"dates (relative to {ref}, {source})"
    return _more(table, min(len(spans), MAX_ROWS), len(spans))


def attributions_view(doc: Document) -> Table | None:
    spans = doc.layer("attributions")
    if not spans:
        return None
    table = _table("attributions", "source", "cue", "kind", "content")
    for s in spans[:MAX_ROWS]:
        a = s.attrs
        said = _names(a.get("source")) + (f" ({a['source_from']})" if a.get("source_from") else "")  # read from "she"
        source = Text(said, style="red" if a.get("vague") else "")
        table.add_row(source, Text(_names(a.get("cue"))), s.label, Text(_clip(doc.span_text(s), 80)))
    return _more(table, min(len(spans), MAX_ROWS), len(spans))


def modality_view(doc: Document) -> Table | None:
    """Counts per label, then every sentence that is not a plain assertion."""
    spans = doc.layer("modality")
    if not spans:
        return None
    counts = Counter(s.label for s in spans)
    title = "modality: " + ", ".join(f"{label} {n}" for label, n in counts.most_common())
    table = _table(title, "label", "cue", "sentence")
    flagged = [s for s in spans if s.label != "asserted"]
    for s in flagged[:MAX_ROWS]:
        table.add_row(s.label, Text(_names(s.attrs.get("cue"))), Text(_clip(doc.span_text(s), 90)))
    return _more(table, min(len(flagged), MAX_ROWS), len(flagged))


def techniques_view(doc: Document) -> Table | None:
    """Every technique span in reading order, under a title that gives the totals, how many are expected
    to be right, and the density; each row says whose voice the words are in."""
    spans = doc.layer("techniques")
    if not spans:
        return None
    table = _table(_techniques_title(doc, technique_summary(doc)), "technique", "confidence", "words", "cues",
                   "voice")
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for s in ordered[:MAX_ROWS]:
        table.add_row(Text(display_name(s.label)), f"{s.confidence:.2f}", Text(_clip(doc.span_text(s), 80)),
                      Text(", ".join(map(str, s.attrs.get("cues") or []))), Text(voice_label(s.attrs)))
    return _more(table, min(len(ordered), MAX_ROWS), len(ordered))


def voice_label(attrs) -> str:
    """``own``, ``quoted: <speaker>`` or ``quoted`` (no speaker known); empty for a span that does not say."""
    voice = (attrs or {}).get("voice")
    if voice == QUOTED:
        speaker = (attrs or {}).get("speaker")
        return f"quoted: {speaker}" if speaker else "quoted"
    return "own" if voice else ""


def _techniques_title(doc: Document, summary: dict) -> Text:
    """As ``Text``: labels read back from a file are not ours, so they must not be taken as markup."""
    n, words = summary["spans"], summary["words"]
    density = n * 1000 / words if words else 0.0
    counts = ", ".join(f"{display_name(label)} {t['count']}" for label, t in summary["by_technique"].items())
    quoted = summary["by_voice"]["quoted"]
    voices = f", {quoted} of them quoted" if quoted else ""
    return Text(f"techniques: {expected_line(doc.layer('techniques'))}{voices}; {density:.1f} per 1,000 words "
                f"— {counts}", style="table.title")


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


#: Views in the order the report shows them.
VIEWS: tuple[Callable[[Document], Table | None], ...] = (
    entities_view, events_view, quantities_view, dates_view, attributions_view, modality_view,
    techniques_view,
    paragraphs_view,
)
