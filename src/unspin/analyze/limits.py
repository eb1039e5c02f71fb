"""How much of one document the analysis reads, in what pieces, and how many spans a layer may keep.

Reading is linear in a page's size up to the 20 MB cap, but the analysis
layers are not cheap per character (a parse, two encoders), and a page far
longer than any article (a log, a dump, a table of a hundred thousand rows)
would take an hour and gigabytes. So the layers read the first
``ANALYSIS_CHARS`` characters, cut where a paragraph or a sentence ends, and
the Document says so in its notes; the rest of the text is kept, searchable
and shown, just not analysed. The longest article of PTC's training split has
48,292 characters: the limit is twice that.

The parser is given the text in pieces of at most ``PIECE_CHARS`` characters,
again cut at paragraph or sentence ends, so that one giant line never reaches
it whole; the pieces are joined back into one parse whose offsets are those of
the whole text.

A layer keeps at most ``MAX_SPANS`` spans (the first ones in reading order);
more than that in the analysed text is noise (a date every twenty
characters), and a note says how many were dropped.
"""

from __future__ import annotations

import re

#: Characters of a Document's text the analysis layers read.
ANALYSIS_CHARS = 100_000
#: Characters the parser is given at once.
PIECE_CHARS = 20_000
#: Spans one layer may keep for one Document.
MAX_SPANS = 5_000

#: The end of a sentence: final punctuation, closing quotes or brackets, then white space.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019\u00bb)\]]*\s")
_SPACE = re.compile(r"\s")


def cut_point(text: str, limit: int) -> tuple[int, str]:
    """Where to end a piece of at most ``limit`` characters of ``text``, and what the cut falls on.

    The last paragraph end (a line break) in the second half of the piece,
    else the last sentence end there, else the last white space, else the
    limit itself (one word longer than half the limit). The cut never
    shortens a piece below half the limit, so a text is cut into at most
    about ``2 * len(text) / limit`` pieces.
    """
    if len(text) <= limit:
        return len(text), "end of text"
    floor = limit // 2
    line = text.rfind("\n", floor, limit)
    if line >= 0:
        return line + 1, "a line end"
    last = None
    for last in _SENTENCE_END.finditer(text, floor, limit):
        pass
    if last is not None:
        return last.end(), "a sentence end"
    space = max((m.end() for m in _last_match(_SPACE, text, floor, limit)), default=-1)
    if space >= 0:
        return space, "white space"
    return limit, "the limit (no white space near it)"


def _last_match(pattern: re.Pattern, text: str, start: int, end: int):
    """The last match of a one-character pattern in ``text[start:end]``, searched backwards in steps."""
    step = 256
    hi = end
    while hi > start:
        lo = max(start, hi - step)
        found = list(pattern.finditer(text, lo, hi))
        if found:
            return [found[-1]]
        hi = lo
    return []


def pieces(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """Consecutive ``[start, end)`` pieces covering ``text``, each at most ``size`` characters."""
    out: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end, _ = cut_point(text[start : start + size + 1], size)
        out.append((start, start + end))
        start += end
    return out
