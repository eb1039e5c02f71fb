"""What one review says: which span of which layer, and what a reviewer made of it.

A span is named by its layer, offsets and label (``Mark``), as the machine
gave it or as a reviewer added it. A review pairs that target with what the
reviewer kept (``after``): the same mark (accepted), another one (relabelled,
renamed, moved), nothing (rejected), or a mark with no target (added). The
latest review of a target is the one that counts; earlier ones are kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from unspin.document import LAYERS

#: Layers a reviewer can review: every span layer, and the furniture (addressed by position, see ``furniture_mark``).
REVIEW_LAYERS = tuple(name for name in LAYERS if name != "sentences") + ("furniture",)
#: The reviewable layers made of spans of the text (all but the furniture).
SPAN_REVIEW_LAYERS = REVIEW_LAYERS[:-1]
VERDICTS = ("accept", "reject", "change", "add")
MAX_NOTE = 4000


class ReviewError(ValueError):
    """A review that cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class Mark:
    """A span as a reviewer sees it: offsets, label and (for entities) the canonical name."""

    start: int
    end: int
    label: str
    canonical: str | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


@dataclass(frozen=True)
class Review:
    document: str
    layer: str
    target: Mark | None
    after: Mark | None
    reviewer: str
    at: datetime.datetime
    note: str = ""
    origin: str = "web"
    pk: int | None = None

    @property
    def verdict(self) -> str:
        return verdict(self.target, self.after)

    @property
    def key(self) -> tuple[str, tuple[int, int, str]]:
        """What the review is about: its target, or for an added span the span itself."""
        mark = self.target if self.target is not None else self.after
        return (self.layer, mark.key)


def verdict(target: Mark | None, after: Mark | None) -> str:
    if target is None:
        return "add"
    if after is None:
        return "reject"
    return "accept" if after == target else "change"


def check(review: Review, text_length: int) -> Review:
    """The review if it can be recorded against a text of ``text_length`` characters; ReviewError if not."""
    if review.layer not in REVIEW_LAYERS:
        raise ReviewError(f"{review.layer!r} is not a layer that can be reviewed ({', '.join(REVIEW_LAYERS)})")
    if review.target is None and review.after is None:
        raise ReviewError("a review needs the span it is about or the span it adds")
    for mark in (review.target, review.after):
        if mark is None:
            continue
        if not mark.label.strip():
            raise ReviewError("a span needs a label")
        if review.layer != "furniture" and not 0 <= mark.start < mark.end <= text_length:
            raise ReviewError(f"offsets {mark.start}-{mark.end} are not a span of this text ({text_length} characters)")
    if len(review.note) > MAX_NOTE:
        raise ReviewError(f"a note is at most {MAX_NOTE} characters")
    if not review.reviewer.strip():
        raise ReviewError("a review needs its reviewer's name")
    return review


def latest(reviews: Iterable[Review]) -> dict[tuple[str, tuple[int, int, str]], Review]:
    """The review that counts for each target: the latest by time, then by record number."""
    out: dict = {}
    for review in sorted(reviews, key=lambda r: (r.at, r.pk or 0)):
        out[review.key] = review
    return out


def furniture_mark(index: int, kind: str) -> Mark:
    """Furniture has no offsets in the article text: a piece is named by its position in the list."""
    return Mark(index, index + 1, kind)
