"""Surface signals per token that PTC's annotation guidelines point at, as features the network learns to weigh.

None of them names a word of any page. They describe the shape of the text
around a token, which a window of a few hundred tokens cannot always see:

- a short stretch in quotation marks (scare quotes, a label put in the
  mouth of others) against a long quotation (reported speech);
- the sentence ends in a question mark or an exclamation mark;
- the token's word, or the word pair it starts, recurs elsewhere in the
  article (what Repetition is about, at any distance);
- the word is written in capitals, or has the shape of a superlative
  (English morphology, not a list);
- where in the article the token sits.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

SURFACE = (
    "short_quote", "long_quote", "question", "exclamation",
    "word_repeats", "pair_repeats", "capitals", "superlative_shape", "position",
)
#: At most this many words between quotation marks count as a short (scare) quote.
SHORT_QUOTE_WORDS = 5
_QUOTE_PAIR = re.compile(r"[\"“]([^\"“”\n]{1,400})[\"”]|‘([^‘’\n]{1,400})’")
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+[\"”’)]*|\n|$)")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _marks(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per character: in a short quote, in a long quote, in a question, in an exclamation."""
    n = len(text)
    short, long_, question, exclaim = (np.zeros(n + 1, dtype=np.int8) for _ in range(4))
    for m in _QUOTE_PAIR.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        target = short if len(_WORD.findall(inner)) <= SHORT_QUOTE_WORDS else long_
        target[m.start() : m.end()] = 1
    for m in _SENTENCE.finditer(text):
        stripped = m.group().rstrip("\"”’) \n")
        if stripped.endswith("?"):
            question[m.start() : m.end()] = 1
        elif stripped.endswith("!"):
            exclaim[m.start() : m.end()] = 1
    return short, long_, question, exclaim


def _word_at(text: str) -> tuple[np.ndarray, list[str]]:
    """For each character, the index of the word it belongs to (-1 outside words), and the words lower-cased."""
    index = np.full(len(text) + 1, -1, dtype=np.int64)
    words = []
    for k, m in enumerate(_WORD.finditer(text)):
        index[m.start() : m.end()] = k
        words.append(m.group().lower())
    return index, words


def token_surface(text: str, offsets: np.ndarray) -> np.ndarray:
    """[tokens, len(SURFACE)] float32 features for tokens given as character ``[start, end)`` offsets."""
    out = np.zeros((len(offsets), len(SURFACE)), dtype=np.float32)
    if not len(offsets):
        return out
    short, long_, question, exclaim = _marks(text)
    word_index, words = _word_at(text)
    word_counts = Counter(w for w in words if len(w) > 3)
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:])]
    pair_counts = Counter(pairs)
    starts = np.clip(offsets[:, 0], 0, len(text))
    for i, start in enumerate(starts):
        k = word_index[start]
        out[i, 0] = short[start]
        out[i, 1] = long_[start]
        out[i, 2] = question[start]
        out[i, 3] = exclaim[start]
        if k >= 0:
            word = words[k]
            out[i, 4] = math.log1p(max(word_counts.get(word, 1) - 1, 0))
            if k < len(pairs):
                out[i, 5] = math.log1p(pair_counts[pairs[k]] - 1)
            original = text[start : start + len(word)]
            out[i, 6] = 1.0 if len(original) > 1 and original.isupper() else 0.0
            out[i, 7] = 1.0 if len(word) > 5 and word.endswith("est") else 0.0
        out[i, 8] = start / max(len(text), 1)
    return out
