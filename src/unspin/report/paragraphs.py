"""The paragraph view of techniques, for every report: which techniques each paragraph uses, how surely.

One source for the three displays: ``paragraph_badges`` reads the
``paragraph_techniques`` layer into paragraphs with their badges, the
terminal view tabulates them, and ``with_badges`` cuts the highlight
segments of the HTML report and the web page at paragraph ends so a
template can put each paragraph's badges right after its text. Article
text and labels stay plain strings here: the templates escape them.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from rich.table import Table
from rich.text import Text

from unspin.analyze.paragraph_definitions import definition, display_name
from unspin.document import Document
from unspin.techniques.paragraphs import split

LAYER = "paragraph_techniques"
#: Paragraphs listed in the terminal before "... and N more".
MAX_ROWS = 40


@dataclass(frozen=True)
class Badge:
    label: str
    name: str
    confidence: float
    definition: str

    @property
    def title(self) -> str:
        """The hover text: name, how sure, what it does."""
        text = f"{self.name} ({self.confidence:.2f})"
        return f"{text}: {self.definition}" if self.definition else text


@dataclass(frozen=True)
class Flagged:
    """A paragraph with at least one technique: its number among the text's paragraphs (1-based, or None
    when the span is not one of this text's paragraphs), its bounds, and its badges, most confident first."""

    number: int | None
    start: int
    end: int
    badges: tuple[Badge, ...]


def paragraph_badges(doc: Document) -> list[Flagged]:
    """The paragraphs the layer names, in reading order."""
    spans = doc.layer(LAYER)
    if not spans:
        return []
    numbers = {(p.start, p.end): k for k, p in enumerate(split(doc.text), 1)}
    grouped: dict[tuple[int, int], list[Badge]] = defaultdict(list)
    for s in spans:
        meaning = definition(s.label, str((s.attrs or {}).get("definition") or ""))
        grouped[(s.start, s.end)].append(Badge(s.label, display_name(s.label), float(s.confidence), meaning))
    return [
        Flagged(numbers.get(bounds), bounds[0], bounds[1],
                tuple(sorted(badges, key=lambda b: (-b.confidence, b.label))))
        for bounds, badges in sorted(grouped.items())
    ]


def paragraphs_view(doc: Document) -> Table | None:
    """Terminal: one row per paragraph with a technique; its opening words and its techniques with confidence."""
    flagged = paragraph_badges(doc)
    if not flagged:
        return None
    total = len(split(doc.text))
    title = Text(f"techniques by paragraph: {len(flagged)} of {total} paragraph{'' if total == 1 else 's'}",
                 style="table.title")
    table = Table(title=title, title_justify="left", expand=False)
    for column in ("¶", "paragraph", "techniques (confidence)"):
        table.add_column(column)
    for f in flagged[:MAX_ROWS]:
        techniques = Text("\n".join(f"{b.name} {b.confidence:.2f}" for b in f.badges))
        table.add_row(str(f.number or "?"), Text(_clip(doc.text[f.start : f.end], 70)), techniques)
    if len(flagged) > MAX_ROWS:
        table.caption = f"… and {len(flagged) - MAX_ROWS} more"
    return table


S = TypeVar("S")


def with_badges(doc: Document, segments: Sequence[S]) -> tuple[list[S], list[tuple[Badge, ...]]]:
    """The segments (each with a ``text`` field, covering the text in order) cut at every flagged
    paragraph's end, and for each the badges to show right after it (empty for most)."""
    ends = {f.end: f.badges for f in paragraph_badges(doc)}
    out: list[S] = []
    after: list[tuple[Badge, ...]] = []
    pos = 0
    for seg in segments:
        text = seg.text  # type: ignore[attr-defined]
        a, b = pos, pos + len(text)
        cut = a
        for end in sorted(e for e in ends if a < e <= b):
            out.append(dataclasses.replace(seg, text=text[cut - a : end - a]))  # type: ignore[type-var]
            after.append(ends[end])
            cut = end
        if cut < b:
            out.append(dataclasses.replace(seg, text=text[cut - a :]))  # type: ignore[type-var]
            after.append(())
        pos = b
    return out, after


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
