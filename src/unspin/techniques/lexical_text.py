"""The feature-based technique model's view of a text: tokens with code-point offsets, one
sentence per line (as PTC writes articles), and the normal forms that repeats are counted on."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

#: A word (letters, digits, underscore; inner apostrophes and hyphens kept) or one other
#: non-space character. U+FEFF, which some PTC files contain, is neither and is skipped.
TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s\ufeff]")
WORD = re.compile(r"\w+(?:['’]\w+)*")
QUOTES = frozenset("\"“”‘’'«»")
#: Characters a predicted span should not begin or end with (PTC dev gold is trimmed of these).
EDGE_PUNCTUATION = frozenset(".,:;")

@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    lower: str
    is_word: bool


def tokenize(text: str) -> list[Token]:
    """Tokens with their code-point offsets into ``text``."""
    out = []
    for match in TOKEN.finditer(text):
        word = match.group()
        out.append(Token(match.start(), match.end(), word, word.lower(), word[0].isalnum() or word[0] == "_"))
    return out


def normalise(text: str) -> str:
    """Lowercase words joined by single spaces: the form used to count repeats."""
    return " ".join(WORD.findall(text.lower()))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every line (PTC articles have one sentence per line)."""
    spans, start = [], 0
    for index, char in enumerate(text):
        if char == "\n":
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return spans


class Doc:
    """An article prepared once: tokens, lines, and normal forms for counting repeats."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.lines = line_spans(text)
        self.line_starts = np.array([start for start, _ in self.lines])
        self.token_starts = np.array([token.start for token in self.tokens], dtype=np.int64)
        self.token_ends = np.array([token.end for token in self.tokens], dtype=np.int64)
        self.token_line = np.searchsorted(self.line_starts, self.token_starts, side="right") - 1
        self.padded_normal = " " + normalise(text) + " "
        self.word_counts = Counter(token.lower for token in self.tokens if token.is_word)
        self.line_word_counts = Counter()
        for line_index in set(self.token_line.tolist()):
            self.line_word_counts[line_index] = 0
        for token, line_index in zip(self.tokens, self.token_line.tolist()):
            if token.is_word:
                self.line_word_counts[line_index] += 1

    def line_of(self, offset: int) -> int:
        return int(np.searchsorted(self.line_starts, offset, side="right") - 1)

    def occurrences(self, span_text: str) -> int:
        normal = normalise(span_text)
        return self.padded_normal.count(" " + normal + " ") if normal else 0

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices ``[i, j)`` of the tokens overlapping ``[start, end)``."""
        return (
            int(np.searchsorted(self.token_ends, start, side="right")),
            int(np.searchsorted(self.token_starts, end, side="left")),
        )


def may_start(token: Token) -> bool:
    return token.is_word or token.text in QUOTES or token.text == "#"


def may_end(token: Token) -> bool:
    return token.is_word or token.text in QUOTES or token.text in ("?", "!", ")")
