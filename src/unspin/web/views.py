"""What the pages show, as plain data: highlight segments, side panels, snippets, links.

Article text and metadata are hostile. Nothing here builds markup from them
except ``snippet_markup``, which escapes every piece of text first and adds
only its own ``<mark>`` tags; everything else is handed to templates that
autoescape. CSS class names are made only of ``[a-z0-9-]``.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from markupsafe import Markup, escape

from unspin.analyze.technique_definitions import definition, display_name
from unspin.analyze.voice import voices
from unspin.document import Document, Span
from unspin.report.html import BANDS, COLOURS, technique_class
from unspin.report.layers import voice_label
from unspin.store.search import MARK_END, MARK_START
from unspin.summary import QUOTED, TECHNIQUE_FLOOR, expected_line, technique_summary

#: The highlight layers a reader can switch, in toolbar order: (key, label, on at first).
TOGGLES = (
    ("techniques", "techniques", True),
    ("entities", "entities", True),
    ("quantities", "numbers", True),
    ("dates", "dates", True),
    ("speculative", "speculation", True),
    ("attributions", "sources", False),
)


def slug(label: str) -> str:
    """``technique_class`` without its ``t-``: ``Loaded_Language`` -> ``loaded-language``."""
    return technique_class(label)[2:]


def technique_slugs() -> dict[str, str]:
    """Every technique with a colour of its own: slug -> colour (what app.css must style)."""
    return {slug(label): colour for label, colour in COLOURS.items()}


def known_slug(label: str) -> str:
    """The slug whose colour app.css has, or ``other``."""
    return slug(label) if label in COLOURS else "other"


# --- the article text ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    classes: str
    tooltip: str


def _classes(layer: str, span: Span) -> tuple[str, ...]:
    if layer == "modality":
        return ("l-speculative",) if span.label == "speculative" else ()
    if layer in ("entities", "quantities", "dates", "attributions"):
        return (f"l-{layer}",)
    if layer == "techniques":
        return ("l-techniques",)
    return ()


def _cue(value) -> str:
    if value in (None, "", []):
        return ""
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def describe(layer: str, span: Span, doc: Document, said: dict | None = None) -> str:
    """One line of a span's tooltip: what it is, how sure, and the cue that triggered it; for a technique,
    whose voice (``said``, from ``voice.voices``; else the span's own attrs) its words are in."""
    a = span.attrs or {}
    if layer == "techniques":
        line = f"{display_name(span.label)} ({span.confidence:.2f})"
        meaning = definition(span.label, str(a.get("definition") or ""))
        if meaning:
            line += f": {meaning}"
        if a.get("cues"):
            line += f" Cues: {_cue(a.get('cues'))}."
        voice = voice_label(said or a)
        if voice:
            line += " Voice: " + ("the article's own." if voice == "own" else f"{voice}.")
        return line
    if layer == "entities":
        canonical = a.get("canonical")
        named = f" = {canonical}" if canonical and canonical != doc.span_text(span) else ""
        line = f"entity {span.label}{named} ({span.confidence:.2f})"
        evidence = _cue(a.get("evidence"))
        return line + (f" Cue: {evidence}" if evidence else "")
    if layer in ("quantities", "dates"):
        value = a.get("value")
        line = f"{'number' if layer == 'quantities' else 'date'}: {span.label}"
        if value not in (None, ""):
            line += f" {value}"
        if a.get("approximate"):
            line += " (approximate)"
        line += f" ({span.confidence:.2f})"
        if a.get("cue"):
            line += f" Cue: {a['cue']}"
        return line
    if layer == "modality":
        cue = _cue(a.get("cue"))
        return f"speculative sentence ({span.confidence:.2f})" + (f" Cue: {cue}" if cue else "")
    if layer == "attributions":
        source = a.get("source_text") or a.get("source") or "?"
        vague = " (vague source)" if a.get("vague") else ""
        return f"attributed to {source}{vague}, cue: {_cue(a.get('cue'))}"
    return f"{layer}: {span.label}"


def segments(doc: Document) -> list[Segment]:
    """Cut the text at every drawn span's edges; each piece carries the classes and tooltip of what covers it.

    Techniques on the same words are drawn as up to ``BANDS`` coloured bands,
    most confident lowest: classes ``b1-<slug>`` .. ``b3-<slug>``.
    """
    drawn: list[tuple[str, Span, tuple[str, ...]]] = []
    layer_spans = doc.layer("techniques")
    said = {id(s): v for s, v in zip(layer_spans, voices(doc, layer_spans))}
    for name, layer in doc.layers.items():
        for span in layer:
            if span.end > span.start and (classes := _classes(name, span)):
                drawn.append((name, span, classes))
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for i, (_, span, _) in enumerate(drawn):
        starts[span.start].append(i)
        ends[span.end].append(i)
    cuts = sorted({0, len(doc.text), *starts, *ends})
    active: set[int] = set()
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        covering = [drawn[i] for i in sorted(active)]
        classes = sorted({c for _, _, cs in covering for c in cs})
        techniques = [s for n, s, _ in covering if n == "techniques"]
        classes += _bands(techniques)
        tooltip = "\n".join(dict.fromkeys(describe(n, s, doc, said.get(id(s))) for n, s, _ in covering))
        out.append(Segment(doc.text[a:b], " ".join(classes), tooltip))
    return out


def _bands(techniques: list[Span]) -> list[str]:
    best: dict[str, float] = {}
    for s in techniques:
        best[s.label] = max(best.get(s.label, 0.0), s.confidence)
    ordered = sorted(best, key=lambda label: (-best[label], label))
    return [f"b{i}-{known_slug(label)}" for i, label in enumerate(ordered[:BANDS], 1)]


def technique_legend(doc: Document) -> list[dict]:
    """The techniques in a document, most frequent first, with colour class, counts and definition."""
    carried = {s.label: s.attrs.get("definition") for s in doc.layer("techniques")}
    return [
        {
            "label": label,
            "name": display_name(label),
            "slug": known_slug(label),
            "count": t["count"],
            "per_1000_words": t["per_1000_words"],
            "definition": definition(label, str(carried.get(label) or "")),
        }
        for label, t in technique_summary(doc)["by_technique"].items()
    ]


#: The confidence floors the article page offers as links: (value, label). Any other value between 0
#: and 1 can be typed in its form or given as ``?floor=``; 0, every span, is the default.
FLOORS = ((0.0, "all"), (0.2, "0.2"), (TECHNIQUE_FLOOR, f"{TECHNIQUE_FLOOR:g} (as profiles count)"), (0.5, "0.5"))


def apply_page_floor(doc: Document, floor: float) -> dict:
    """Keep the technique spans at or above ``floor`` in ``doc`` (a copy read for one page), and say what
    the page shows: the floor, the spans shown and hidden, how many are expected to be right, the quoted ones."""
    spans = doc.layer("techniques")
    shown = [s for s in spans if s.confidence >= floor]
    if len(shown) < len(spans):
        doc.set_layer("techniques", shown)
    quoted = sum(1 for v in voices(doc, shown) if v["voice"] == QUOTED)
    return {
        "floor": floor,
        "found": len(spans),
        "shown": len(shown),
        "hidden": len(spans) - len(shown),
        "expected": expected_line(shown),
        "quoted": quoted,
    }


def floor_links(doc_id: str, floor: float) -> list[dict]:
    """The floor choices as links to the article page, the current one marked."""
    base = f"/article/{path_part(doc_id)}"
    return [
        {"label": label, "href": base + (f"?floor={value:g}" if value else ""), "current": abs(value - floor) < 1e-9}
        for value, label in FLOORS
    ]


# --- side panels ---------------------------------------------------------------------------------


def _names(value) -> str:
    if value in (None, "", []):
        return ""
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def entity_panel(doc: Document) -> list[dict]:
    groups: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for s in doc.layer("entities"):
        groups[(str(s.attrs.get("canonical") or doc.span_text(s)), s.label)].append(s)
    rows = [
        {
            "canonical": name,
            "label": label,
            "mentions": len(spans),
            "written": sorted({doc.span_text(s) for s in spans} - {name}),
        }
        for (name, label), spans in groups.items()
    ]
    return sorted(rows, key=lambda r: (-r["mentions"], r["canonical"]))


def event_panel(doc: Document) -> list[dict]:
    """One row per event: a later mention of the same event ("the strike") adds to its count, not a row."""
    return [
        {
            "label": s.label,
            "trigger": doc.span_text(s),
            "mentions": len(s.attrs.get("mentions") or [1]),
            "actor": _names(s.attrs.get("actor")),
            "target": _names(s.attrs.get("target")),
            "date": _names(s.attrs.get("date_text") or s.attrs.get("date")),
            "modality": s.attrs.get("modality") or "",
        }
        for s in doc.layer("events")
        if not s.attrs.get("same_as")
    ]


def _source(attrs) -> str:
    """The speaker as written, or the name a pronoun was read as, with the pronoun: "Maria Lopez (she)"."""
    if attrs.get("source_from"):
        return f"{attrs.get('source')} ({attrs['source_from']})"
    return str(attrs.get("source_text") or attrs.get("source") or "")


def attribution_panel(doc: Document) -> list[dict]:
    return [
        {
            "source": _source(s.attrs),
            "cue": _names(s.attrs.get("cue")),
            "vague": bool(s.attrs.get("vague")),
            "label": s.label,
            "content": clip(doc.span_text(s), 140),
        }
        for s in doc.layer("attributions")
    ]


def furniture_panel(doc: Document) -> list[dict]:
    return [
        {
            "kind": f.kind,
            "text": f.text,
            "fields": "; ".join(
                f"{k}={_names(v)}" for k, v in f.fields.items() if v not in (None, "", [], {})
            ),
        }
        for f in doc.furniture
    ]


def clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def web_url(url: str | None) -> str | None:
    """The URL if it is a web address a reader may follow (http, https), else None: never ``javascript:``."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


# --- links ---------------------------------------------------------------------------------------


def path_part(value: str) -> str:
    """A value as one URL path segment (slashes and all escaped)."""
    return quote(str(value), safe="")


def search_link(query: str, **extra) -> str:
    params = {"q": query, **{k: v for k, v in extra.items() if v not in (None, "")}}
    return "/?" + urlencode(params)


def filter_value(value: str) -> str | None:
    """``value`` as a filter value in the query syntax (quoted if it has spaces); None if it can't be."""
    value = " ".join(str(value).split())
    if not value or '"' in value:
        return None
    return f'"{value}"' if (" " in value or "(" in value or ")" in value) else value


def add_filter(query: str, name: str, value: str) -> str | None:
    """The query with one more filter, or None when the filter cannot be written or is there already."""
    if name == "month":
        try:
            year, month = map(int, value.split("-"))
            last = calendar.monthrange(year, month)[1]
        except (ValueError, calendar.IllegalMonthError):
            return None
        clause = f"after:{year:04d}-{month:02d}-01 before:{year:04d}-{month:02d}-{last:02d}"
    else:
        written = filter_value(value)
        if written is None:
            return None
        clause = f"{name}:{written}"
    if clause in query:
        return None
    return f"{query.strip()} {clause}".strip()


# --- search snippets -----------------------------------------------------------------------------

_MARKS = re.compile(f"({re.escape(MARK_START)}|{re.escape(MARK_END)})")


def snippet_markup(snippet: str) -> Markup:
    """The snippet with each piece of text escaped and the matches in ``<mark>``; tags always balanced."""
    out, open_ = [], False
    for piece in _MARKS.split(snippet or ""):
        if piece == MARK_START:
            if not open_:
                out.append(Markup('<mark class="hit">'))
                open_ = True
        elif piece == MARK_END:
            if open_:
                out.append(Markup("</mark>"))
                open_ = False
        else:
            out.append(escape(piece))
    if open_:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def snippet_plain(snippet: str) -> tuple[str, list[list[int]]]:
    """For JSON: the snippet without marks, and the ``[start, end)`` offsets that were marked."""
    text, marks, start = [], [], None
    at = 0
    for piece in _MARKS.split(snippet or ""):
        if piece == MARK_START:
            start = at
        elif piece == MARK_END:
            if start is not None:
                marks.append([start, at])
            start = None
        else:
            text.append(piece)
            at += len(piece)
    return "".join(text), marks
