"""A standalone HTML report. Article text is hostile: everything is escaped.

Rendering goes through Jinja2 with autoescaping on for every template; span
highlights are built from escaped segments of the text, never from markup
found in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from unspin import __version__
from unspin.document import Document

_env = Environment(
    loader=PackageLoader("unspin.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Segment:
    text: str
    classes: tuple[str, ...]
    labels: tuple[str, ...]


#: Layers drawn in the text, in legend order. Sentences are not drawn (they
#: cover everything); modality is drawn only where a sentence is not a plain
#: assertion.
HIGHLIGHTED = ("entities", "events", "quantities", "dates", "attributions", "modality", "techniques")


def _css_class(layer: str, span) -> str | None:
    if layer == "modality":
        return None if span.label == "asserted" else f"m-{span.label}"
    return f"l-{layer}" if layer in HIGHLIGHTED else None


def _describe(layer: str, span) -> str:
    details = [f"{k}={v}" for k, v in span.attrs.items()
               if k in ("canonical", "type", "value", "source", "cue", "actor", "target", "place", "approximate")
               and v not in (None, "", [])]
    extra = f" [{'; '.join(map(str, details))}]" if details else ""
    return f"{layer}: {span.label} ({span.confidence:.2f}){extra}"


def segments(doc: Document) -> list[Segment]:
    """Cut the text at every drawn span's boundaries; each piece knows the spans covering it."""
    spans = [(name, s, c) for name, layer in doc.layers.items() for s in layer
             if s.end > s.start and (c := _css_class(name, s))]
    cuts = sorted({0, len(doc.text), *(s.start for _, s, _ in spans), *(s.end for _, s, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [(n, s, c) for n, s, c in spans if s.start <= a and b <= s.end]
        out.append(
            Segment(
                doc.text[a:b],
                tuple(sorted({c for _, _, c in covering})),
                tuple(_describe(n, s) for n, s, _ in covering),
            )
        )
    return out


def legend(doc: Document) -> list[str]:
    """The drawn layers present in this document, for the toggles."""
    return [name for name in HIGHLIGHTED if doc.layer(name)]


def render(docs: Sequence[Document]) -> str:
    return _env.get_template("report.html").render(
        docs=[{"doc": d, "segments": segments(d), "legend": legend(d)} for d in docs], version=__version__
    )
