"""Locate extracted article text in the HTML it came from.

The extractor returns clean text with no positions. To show an annotation in
the original page, each word of that text is found again, in order, in the
page's visible text (tags removed, entities decoded), and the match is
recorded as runs back to the decoded HTML source. Words that cannot be found
(split by inline markup, rewritten by the extractor) stay unmapped rather
than being guessed.
"""

from __future__ import annotations

import bisect
import html as htmllib
import re

from unspin.ingest.normalize import _SPACES

_MARKUP = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style|noscript|template)\b.*?(?:</\1\s*>|$)|<[!?/]?[a-zA-Z][^>]*>?",
    re.S | re.I,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")
_WORD = re.compile(r"\S+")
_SPACE_TABLE = {cp: ch for cp, ch in _SPACES.items()}
#: How far ahead of the last match a word is looked for, in stream characters.
_WINDOW = 20_000


class VisibleText:
    """The page's visible characters, each with its offset in the source."""

    def __init__(self, source: str):
        parts: list[str] = []
        self.stream_starts: list[int] = []
        self.source_starts: list[int] = []
        self.lengths: list[int] = []
        pos = 0
        at = 0

        def add(chunk: str, src: int, contiguous: bool) -> None:
            nonlocal at
            if not chunk:
                return
            chunk = chunk.translate(_SPACE_TABLE)
            if contiguous:
                self.stream_starts.append(at)
                self.source_starts.append(src)
                self.lengths.append(len(chunk))
            else:  # a decoded entity: every character points at the entity
                for k in range(len(chunk)):
                    self.stream_starts.append(at + k)
                    self.source_starts.append(src)
                    self.lengths.append(1)
            parts.append(chunk)
            at += len(chunk)

        def add_text(lo: int, hi: int) -> None:
            segment = source[lo:hi]
            if "&" not in segment:
                add(segment, lo, True)
                return
            last = 0
            for m in _ENTITY.finditer(segment):
                add(segment[last : m.start()], lo + last, True)
                add(htmllib.unescape(m.group()), lo + m.start(), False)
                last = m.end()
            add(segment[last:], lo + last, True)

        for m in _MARKUP.finditer(source):
            add_text(pos, m.start())
            parts.append("\n")  # a tag separates words but maps to nothing
            at += 1
            pos = m.end()
        add_text(pos, len(source))
        self.text = "".join(parts)

    def source_offset(self, stream_offset: int) -> int | None:
        i = bisect.bisect_right(self.stream_starts, stream_offset) - 1
        if i < 0:
            return None
        start, length = self.stream_starts[i], self.lengths[i]
        if stream_offset >= start + length:
            return None
        return self.source_starts[i] + stream_offset - start


def align(text: str, source: str) -> list[tuple[int, int, int]]:
    """Runs ``(text_start, source_start, length)`` placing ``text`` in the HTML ``source``."""
    visible = VisibleText(source)
    stream = visible.text
    runs: list[tuple[int, int, int]] = []
    cursor = 0
    for m in _WORD.finditer(text.translate(_SPACE_TABLE)):
        word = m.group()
        found = stream.find(word, cursor, cursor + _WINDOW + len(word))
        if found < 0:
            continue
        cursor = found + len(word)
        _add_word(runs, visible, m.start(), found, len(word))
    return _merge(runs, text, source)


def _add_word(runs: list, visible: VisibleText, text_at: int, stream_at: int, length: int) -> None:
    first = visible.source_offset(stream_at)
    last = visible.source_offset(stream_at + length - 1)
    if first is not None and last is not None and last - first == length - 1:
        runs.append((text_at, first, length))
        return
    for k in range(length):  # the word crosses an entity: map what can be mapped
        s = visible.source_offset(stream_at + k)
        if s is not None:
            runs.append((text_at + k, s, 1))


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
