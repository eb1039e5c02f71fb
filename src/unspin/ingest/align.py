"""Locate extracted article text in the HTML it came from.

The extractor returns clean text with no positions. To show an annotation in
the original page, each word of that text is found again, in order, in the
page source itself. A match that falls inside markup (a tag's attributes, a
script, a style, a comment) is skipped and the search goes on after it, so
slugs in links and the copy of the article that JSON-LD often carries are
never taken for the visible text. Each paragraph is first anchored on its
opening words; words that still cannot be found (split by inline markup,
rebuilt from entities by the extractor) keep their alphanumeric core where
that can be found and stay unmapped otherwise, rather than being guessed.
"""

from __future__ import annotations

import bisect
import re

_BLOCK_START = re.compile(r"<(?:(?P<comment>!--)|(?P<block>script|style|noscript|svg|textarea)(?=[\s>/]))", re.I)
_WORD = re.compile(r"\S+")
_CORE = re.compile(r"\w+(?:[\w'.,:-]*\w)?")
#: Most characters (whitespace and inline tags) allowed between two words of an anchor.
_ANCHOR_GAP = 400
#: How far ahead of the last match a word is looked for, in source characters.
_WINDOW = 5_000
_ANCHOR_WORDS = 4
_OPENING_CHARS = 40
#: Searches over the whole rest of the page, in page lengths, for one page. Each costs up to one page
#: length, and a page of many paragraphs that are not in its source verbatim (a table's cells, joined by
#: the extractor) would otherwise pay one per paragraph: time growing with the square of the page.
_FAR_PASSES = 8


class Markup:
    """Where the non-visible stretches of a page are, for cheap membership tests."""

    def __init__(self, source: str):
        self.source = source
        starts, ends = [], []
        pos = 0
        for m in _BLOCK_START.finditer(source):
            if m.start() < pos:
                continue  # inside a block already recorded
            if m.group("comment"):
                end = _after(source, "-->", m.start() + 4)
            else:
                end = _close_of(source, m.group("block"), m.end())
            starts.append(m.start())
            ends.append(end)
            pos = end
        self.starts, self.ends = starts, ends
        #: Characters that searches beyond the window may still scan (see ``far_limit``).
        self.far_budget = _FAR_PASSES * len(source)

    def far_limit(self, start: int) -> int:
        """Where a search from ``start`` to the end of the page may stop, charged to the page's budget.

        Once the budget is spent, such searches find nothing, and the words
        they were for stay unmapped rather than making the alignment quadratic.
        """
        if self.far_budget <= 0:
            return start
        self.far_budget -= len(self.source) - start
        return len(self.source)

    def hidden_until(self, at: int, length: int) -> int | None:
        """If ``[at, at+length)`` is not visible text, the offset to search on from."""
        i = bisect.bisect_right(self.starts, at) - 1
        if i >= 0 and at < self.ends[i]:
            return self.ends[i]
        src = self.source
        opened = src.rfind("<", max(0, at - 2000), at)
        if opened >= 0 and src.rfind(">", opened, at) < 0:
            close = src.find(">", at)
            return len(src) if close < 0 else close + 1
        return None


def _after(source: str, marker: str, start: int) -> int:
    end = source.find(marker, start)
    return len(source) if end < 0 else end + len(marker)


def _close_of(source: str, name: str, start: int) -> int:
    """End of ``</name ...>`` after ``start``; upper- and lower-case closers both count."""
    close = source.find("</" + name.lower(), start)
    if close < 0:
        close = source.find("</" + name.upper(), start)
    return len(source) if close < 0 else _after(source, ">", close)


def align(text: str, source: str) -> list[tuple[int, int, int]]:
    """Runs ``(text_start, source_start, length)`` placing ``text`` in the HTML ``source``."""
    markup = Markup(source)
    runs: list[tuple[int, int, int]] = []
    cursor = 0
    offset = 0
    last_anchor = 0
    lost = True  # nothing placed yet: the first paragraph may sit anywhere
    for paragraph in text.split("\n\n"):
        words = list(_WORD.finditer(paragraph))
        # Anchors search from the previous anchor, so one word matched too far
        # ahead cannot make the rest of the article unfindable.
        anchor = _find_opening(markup, paragraph, words, cursor, last_anchor, lost)
        if anchor is not None:
            cursor = last_anchor = anchor
        placed = len(runs)
        cursor = _place_paragraph(runs, markup, paragraph, words, offset, cursor)
        lost = len(runs) == placed
        offset += len(paragraph) + 2
    return _merge(runs, text, source)


def _find_opening(
    markup: Markup, paragraph: str, words: list, cursor: int, last_anchor: int, lost: bool
) -> int | None:
    """Where a paragraph starts in the page.

    Tried in order of cost: the opening characters verbatim near the cursor
    (the usual case: the next paragraph follows the last), the opening words
    with markup between them near the cursor, then the opening characters
    verbatim anywhere after the previous paragraph's start. The costly search,
    word by word over the whole rest of the page, is made only when the
    alignment is lost (at the start, or after a paragraph that placed nothing):
    a short opening word matches too often to pay for it on every paragraph.
    """
    head = paragraph[:_OPENING_CHARS]
    literal = len(head) >= 12
    near = cursor + _WINDOW
    if literal:
        at = _visible_find(markup, head, cursor, near)
        if at >= 0:
            return at
    at = _find_anchor(markup, [w.group() for w in words[:_ANCHOR_WORDS]], cursor, near)
    if at is None and literal:
        found = _visible_find(markup, head, last_anchor, markup.far_limit(last_anchor))
        at = found if found >= 0 else None
    if at is None and lost:
        at = _find_anchor(markup, [w.group() for w in words[:_ANCHOR_WORDS]], last_anchor,
                          markup.far_limit(last_anchor))
    return at


def _find_anchor(markup: Markup, words: list[str], start: int, limit: int) -> int | None:
    """Where a paragraph's first words sit in visible text, searching forward.

    The first word is taken where the next ones follow it closely (only
    whitespace and inline tags between), which a stray match elsewhere rarely does.
    """
    if len(words) < 2:
        return None
    while True:
        at = _visible_find(markup, words[0], start, limit)
        if at < 0:
            return None
        pos = at + len(words[0])
        for word in words[1:]:
            nxt = _visible_find(markup, word, pos, pos + _ANCHOR_GAP + len(word))
            if nxt < 0:
                break
            pos = nxt + len(word)
        else:
            return at
        start = at + 1


def _visible_find(markup: Markup, needle: str, start: int, limit: int) -> int:
    while True:
        at = markup.source.find(needle, start, limit)
        if at < 0:
            return -1
        skip = markup.hidden_until(at, len(needle))
        if skip is None:
            return at
        start = max(skip, at + 1)


def _place_paragraph(runs: list, markup: Markup, paragraph: str, words: list, offset: int, cursor: int) -> int:
    """Map a paragraph word by word, extending each match as far as text and source agree.

    Most paragraphs sit in the page as long verbatim stretches between inline
    tags, so one match usually covers many words and the per-word search
    runs only where markup interrupts the text.
    """
    covered = 0  # paragraph characters already mapped
    for m in words:
        if m.start() < covered:
            continue
        placed = _place_word(markup, m.group(), cursor)
        if placed is None:
            continue
        found, shift = placed
        at = m.start() + shift
        length = _common_prefix(paragraph, at, markup.source, found)
        runs.append((offset + at, found, length))
        covered = at + length
        cursor = found + length
    return cursor


def _common_prefix(a: str, i: int, b: str, j: int) -> int:
    """Length of the longest common prefix of ``a[i:]`` and ``b[j:]`` (galloping search)."""
    hi = min(len(a) - i, len(b) - j)
    lo, step = 0, 16
    while lo < hi:
        n = min(step, hi - lo)
        if a.startswith(b[j + lo : j + lo + n], i + lo):
            lo += n
            step *= 2
        elif n == 1:
            break
        else:
            step = max(1, n // 2)
    return lo


def _place_word(markup: Markup, word: str, cursor: int) -> tuple[int, int] | None:
    """The nearest visible occurrence ahead of a word, whole or by its core: (source offset, shift)."""
    limit = cursor + _WINDOW + len(word)
    found, shift = _visible_find(markup, word, cursor, limit), 0
    core = _CORE.search(word)
    if core and core.group() != word:
        at = _visible_find(markup, core.group(), cursor, found + 1 if found >= 0 else limit)
        if at >= 0:
            found, shift = at, core.start()
    return (found, shift) if found >= 0 else None


def _merge(runs: list, text: str, source: str) -> list[tuple[int, int, int]]:
    """Join neighbouring runs when the gap between them is the same in text and source."""
    merged: list[tuple[int, int, int]] = []
    for t, s, n in runs:
        if merged:
            pt, ps, pn = merged[-1]
            gap = t - (pt + pn)
            if gap >= 0 and s - (ps + pn) == gap and _same_gap(text, pt + pn, source, ps + pn, gap):
                merged[-1] = (pt, ps, pn + gap + n)
                continue
        merged.append((t, s, n))
    return merged


def _same_gap(text: str, t: int, source: str, s: int, gap: int) -> bool:
    a, b = text[t : t + gap], source[s : s + gap]
    return a == b or (a.isspace() and b.isspace() and len(a) == len(b))
