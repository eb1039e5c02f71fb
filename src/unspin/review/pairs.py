"""What the exporters and the scorer share: the span layers, and which documents a human has checked.

They all read ``(machine Document, its reviews)`` pairs, as
``unspin.store.review_io.pairs`` yields them, and never the
store itself, so each stays a pure function of its input.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from unspin.document import Document, Span
from unspin.review.records import REVIEW_LAYERS, Review

#: The layers whose spans are offsets in the article text (furniture is addressed by position instead).
SPAN_LAYERS = tuple(name for name in REVIEW_LAYERS if name != "furniture")

Pair = tuple[Document, list[Review]]


def checked(doc: Document, reviews: list[Review], marked: Collection[str] = ()) -> bool:
    """Whether a human has looked at the document: it has reviews, or it is marked reviewed as a whole."""
    return bool(reviews) or doc.id in marked


def touched_layers(reviews: Iterable[Review]) -> set[str]:
    return {review.layer for review in reviews}


def canonical(span: Span) -> str | None:
    value = (span.attrs or {}).get("canonical")
    return value if isinstance(value, str) else None


def note(span: Span) -> str:
    """The note of the review that made this span what it is in the reviewed view ('' if none)."""
    stamp = (span.attrs or {}).get("review") or {}
    value = stamp.get("note") if isinstance(stamp, dict) else None
    return value if isinstance(value, str) else ""
