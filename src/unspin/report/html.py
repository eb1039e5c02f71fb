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
    layers: tuple[str, ...]
    labels: tuple[str, ...]


def segments(doc: Document) -> list[Segment]:
    """Cut the text at every span boundary; each piece knows which spans cover it."""
    spans = [(name, s) for name, layer in doc.layers.items() for s in layer if s.end > s.start]
    cuts = sorted({0, len(doc.text), *(s.start for _, s in spans), *(s.end for _, s in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [(n, s) for n, s in spans if s.start <= a and b <= s.end]
        out.append(
            Segment(
                doc.text[a:b],
                tuple(sorted({n for n, _ in covering})),
                tuple(f"{n}: {s.label} ({s.confidence:.2f})" for n, s in covering),
            )
        )
    return out


def render(docs: Sequence[Document]) -> str:
    return _env.get_template("report.html").render(
        docs=[{"doc": d, "segments": segments(d)} for d in docs], version=__version__
    )
