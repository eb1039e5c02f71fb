"""Spans sorted by start, for the questions components ask per sentence or per event.

"Which attributions touch this sentence?", "which date lies inside this
phrase?": answered by scanning every span of a layer, once per sentence, the
time of a layer grows with the square of the text. Here the candidates are
found by binary search on the starts, bounded by the longest span, so each
question costs the logarithm of the layer plus what it returns.
"""

from __future__ import annotations

import bisect
from typing import Generic, Iterable, NamedTuple, Protocol, Sequence, TypeVar


class HasBounds(Protocol):
    start: int
    end: int


T = TypeVar("T", bound=HasBounds)


class Bounds(NamedTuple):
    """A bare ``[start, end)``, for indexing offsets that are not spans."""

    start: int
    end: int


class SpanIndex(Generic[T]):
    """Items with ``start`` and ``end``, in order of start (ties keep the order given)."""

    def __init__(self, items: Iterable[T]):
        self.items: Sequence[T] = sorted(items, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]
        self.longest = max((x.end - x.start for x in self.items), default=0)

    def __len__(self) -> int:
        return len(self.items)

    def overlapping(self, start: int, end: int) -> list[T]:
        """Items sharing a character with ``[start, end)``, in order of start."""
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, end)
        return [x for x in self.items[lo:hi] if x.end > start]

    def containing(self, offset: int) -> list[T]:
        """Items whose ``[start, end)`` holds the character at ``offset``, in order of start."""
        return self.overlapping(offset, offset + 1)

    def within(self, start: int, end: int) -> list[T]:
        """Items lying wholly inside ``[start, end]``, in order of start."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_right(self.starts, end)
        return [x for x in self.items[lo:hi] if x.end <= end]
