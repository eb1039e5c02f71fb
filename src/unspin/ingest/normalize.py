"""Unicode normalisation that keeps track of where every character came from.

Readers never edit text silently: each normalised character remembers the
source offset it was made from, so spans can be shown in the original file.
"""

from __future__ import annotations

import re
import unicodedata

# One-for-one replacements: space-like characters become a plain space.
_SPACES = {
    0x00A0: " ",  # no-break space
    0x2007: " ",  # figure space
    0x202F: " ",  # narrow no-break space
    0x2000: " ", 0x2001: " ", 0x2002: " ", 0x2003: " ", 0x2004: " ",
    0x2005: " ", 0x2006: " ", 0x2008: " ", 0x2009: " ", 0x200A: " ",
    0x205F: " ", 0x3000: " ", 0x0009: " ",
}
# Invisible characters dropped outright (they only break words apart in search).
_DROP = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD}


_NEEDS_WORK = re.compile(
    "[" + "".join(chr(c) for c in sorted(_DROP)) + "]"
)
_ODD_SPACES = re.compile("[" + "".join(chr(c) for c in sorted(_SPACES)) + "]")


def normalize_with_runs(text: str, base: int = 0) -> tuple[str, list[tuple[int, int, int]]]:
    """Like ``normalize_with_offsets`` but returns runs; fast when nothing changes length.

    Most text needs only one-for-one space replacements, which keep every
    offset; the per-character path runs only for invisible characters or
    text that NFC would recompose.
    """
    if not _NEEDS_WORK.search(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        out = _ODD_SPACES.sub(" ", text) if _ODD_SPACES.search(text) else text
        return out, ([(0, base, len(out))] if out else [])
    out, where = normalize_with_offsets(text, base)
    return out, runs_from_positions(0, where)


def normalize_with_offsets(text: str, base: int = 0) -> tuple[str, list[int]]:
    """NFC-normalise ``text``; return it with each output char's source offset.

    ``base`` is added to every offset, so a line can be normalised on its own
    and still point into the whole source.
    """
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        cp = ord(ch)
        if cp in _DROP:
            i += 1
            continue
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        if cp in _SPACES:
            cluster = _SPACES[cp] + cluster[1:]
        composed = unicodedata.normalize("NFC", cluster) if j - i > 1 or cp > 0x7F else cluster
        if composed == text[i:j]:
            out.append(composed)
            where.extend(range(base + i, base + j))
        else:
            out.append(composed)
            where.extend([base + i] * len(composed))
        i = j
    return "".join(out), where


def runs_from_positions(text_start: int, positions: list[int]) -> list[tuple[int, int, int]]:
    """Compress per-character source offsets into ``(text, source, length)`` runs."""
    runs: list[tuple[int, int, int]] = []
    if not positions:
        return runs
    t0, s0, length = text_start, positions[0], 1
    for k in range(1, len(positions)):
        if positions[k] == s0 + length:
            length += 1
        else:
            runs.append((t0, s0, length))
            t0, s0, length = text_start + k, positions[k], 1
    runs.append((t0, s0, length))
    return runs


def slice_runs(runs: list[tuple[int, int, int]], start: int, end: int, shift: int = 0) -> list[tuple[int, int, int]]:
    """The runs covering ``[start, end)`` of a text, re-based to begin at ``shift``."""
    out = []
    for t, s, n in runs:
        a, b = max(t, start), min(t + n, end)
        if a < b:
            out.append((a - start + shift, s + (a - t), b - a))
    return out


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())
