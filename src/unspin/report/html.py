"""A standalone HTML report. Article text is hostile: everything is escaped.

Rendering goes through Jinja2 with autoescaping on for every template; span
highlights are built from escaped segments of the text, never from markup
found in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from unspin import __version__
from unspin.analyze.technique_definitions import definition, display_name
from unspin.document import Document
from unspin.errors import Failure
from unspin.report.layers import voice_label
from unspin.report.overview import anchors, failure_line, row
from unspin.report.paragraphs import with_badges
from unspin.summary import expected_line, technique_summary

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
    #: Colours of the techniques covering the piece, most confident first.
    colours: tuple[str, ...] = ()

    @property
    def style(self) -> str:
        """One colour band per technique (up to ``BANDS``), stacked so overlapping ones all show."""
        return ";".join(f"--t{i}:{c}" for i, c in enumerate(self.colours[:BANDS], 1))


#: Layers drawn in the text, in legend order. Sentences are not drawn (they
#: cover everything); modality is drawn only where a sentence is not a plain
#: assertion.
HIGHLIGHTED = ("entities", "events", "quantities", "dates", "attributions", "modality", "techniques")


#: One colour per technique, told apart from each other and from the other
#: layers' highlights; drawn as bands under the words, so the backgrounds of
#: events, quantities and dates stay visible above them.
COLOURS = {
    "Appeal_to_Authority": "#1f77b4",
    "Appeal_to_fear-prejudice": "#d62728",
    "Bandwagon,Reductio_ad_hitlerum": "#8c564b",
    "Black-and-White_Fallacy": "#7f7f7f",
    "Causal_Oversimplification": "#bcbd22",
    "Doubt": "#17becf",
    "Exaggeration,Minimisation": "#ff7f0e",
    "Flag-Waving": "#2ca02c",
    "Loaded_Language": "#e377c2",
    "Name_Calling,Labeling": "#9467bd",
    "Repetition": "#aec7e8",
    "Slogans": "#ffbb78",
    "Thought-terminating_Cliches": "#98df8a",
    "Whataboutism,Straw_Men,Red_Herring": "#c5b0d5",
}
#: For a label that is not one of ours (read back from a file).
OTHER_COLOUR = "#555555"
#: Techniques on the same words drawn as separate bands; the rest are in the hover text.
BANDS = 3


def technique_class(label: str) -> str:
    """A CSS class from a label: ``Name_Calling,Labeling`` -> ``t-name-calling-labeling``.

    Only ``[a-z0-9-]`` survive, so a label read from a file cannot break out of the attribute.
    """
    return "t-" + (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "other")


def _css_classes(layer: str, span) -> tuple[str, ...]:
    if layer == "modality":
        return () if span.label == "asserted" else (f"m-{span.label}",)
    if layer == "techniques":
        return ("l-techniques", technique_class(span.label))
    return (f"l-{layer}",) if layer in HIGHLIGHTED else ()


def _describe(layer: str, span) -> str:
    if layer == "techniques":
        return _describe_technique(span)
    details = [f"{k}={v}" for k, v in span.attrs.items()
               if k in ("canonical", "type", "value", "source", "cue", "actor", "target", "place", "approximate")
               and v not in (None, "", [])]
    extra = f" [{'; '.join(map(str, details))}]" if details else ""
    return f"{layer}: {span.label} ({span.confidence:.2f}){extra}"


def _describe_technique(span) -> str:
    """What the reader needs on hover: the name, how sure, what it does, and the words that weighed."""
    text = f"{display_name(span.label)} ({span.confidence:.2f})"
    meaning = definition(span.label, str(span.attrs.get("definition") or ""))
    if meaning:
        text += f": {meaning}"
    cues = span.attrs.get("cues") or []
    if cues:
        text += " — cues: " + ", ".join(map(str, cues))
    voice = voice_label(span.attrs)
    if voice:
        text += " — " + ("the article's own voice" if voice == "own" else voice)
    return text


def segments(doc: Document) -> list[Segment]:
    """Cut the text at every drawn span's boundaries; each piece knows the spans covering it."""
    spans = [(name, s, c) for name, layer in doc.layers.items() for s in layer
             if s.end > s.start and (c := _css_classes(name, s))]
    cuts = sorted({0, len(doc.text), *(s.start for _, s, _ in spans), *(s.end for _, s, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [(n, s, c) for n, s, c in spans if s.start <= a and b <= s.end]
        out.append(
            Segment(
                doc.text[a:b],
                tuple(sorted({c for _, _, cs in covering for c in cs})),
                tuple(_describe(n, s) for n, s, _ in covering),
                _colours([s for n, s, _ in covering if n == "techniques"]),
            )
        )
    return out


def _colours(techniques: list) -> tuple[str, ...]:
    """One colour per technique on these words, most confident first: its band is the lowest one."""
    best: dict[str, float] = {}
    for s in techniques:
        best[s.label] = max(best.get(s.label, 0.0), s.confidence)
    ordered = sorted(best, key=lambda label: (-best[label], label))
    return tuple(COLOURS.get(label, OTHER_COLOUR) for label in ordered)


def technique_legend(doc: Document) -> list[dict]:
    """The techniques present, most frequent first, with what the legend shows of each."""
    summary = technique_summary(doc)
    carried = {s.label: s.attrs.get("definition") for s in doc.layer("techniques")}
    return [
        {
            "name": display_name(label),
            "css_class": technique_class(label),
            "colour": COLOURS.get(label, OTHER_COLOUR),
            "count": t["count"],
            "per_1000_words": t["per_1000_words"],
            "definition": definition(label, str(carried.get(label) or "")),
        }
        for label, t in summary["by_technique"].items()
    ]


def legend(doc: Document) -> list[str]:
    """The drawn layers present in this document, for the toggles."""
    return [name for name in HIGHLIGHTED if doc.layer(name)]


def render(docs: Sequence[Document], failures: Sequence[Failure] = ()) -> str:
    """The page; with more than one input it opens with an index of the documents and the failed inputs."""
    items = [_item(d, a) for d, a in zip(docs, anchors(docs))]
    index = None
    if len(docs) + len(failures) > 1:
        index = {"rows": [item["row"] for item in items], "failures": [failure_line(f) for f in failures]}
    return _env.get_template("report.html").render(docs=items, index=index, version=__version__)


def _item(doc: Document, anchor: str) -> dict:
    # The text cut at paragraph ends as well, with the badges of each paragraph's techniques after it.
    cut, badges = with_badges(doc, segments(doc))
    return {"doc": doc, "anchor": anchor, "row": row(doc, anchor), "segments": cut, "badges": badges,
            "legend": legend(doc), "techniques": technique_legend(doc),
            "expected": expected_line(doc.layer("techniques")), "voices": technique_summary(doc)["by_voice"]}
