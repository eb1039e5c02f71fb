"""What the paragraph model reads of each paragraph: an embedding, its words, and surface signals.

Three kinds of feature, all computed per article so that a paragraph can be
seen beside its neighbours:

- **embedding**: the mean over the paragraph's tokens of the span model's
  frozen lower layers (all-MiniLM-L6-v2's embeddings and first layers with
  their pre-trained weights, read in the span model's windows over the whole
  article), L2-normalised, for the paragraph, and optionally the paragraphs
  before and after it and the article's mean;
- **words**: TF-IDF of word uni- and bigrams and of character n-grams inside
  words, with a vocabulary and weights learnt from the training articles
  (``Vocabulary``: plain arrays, so no scikit-learn is needed to apply them);
- **surface**: the signals PTC's annotation guidelines point to, as numbers
  for the classifier to weigh (no rule here decides a label): questions,
  exclamations, words in quotation marks, superlatives, words in capitals,
  phrases repeated elsewhere in the article, the paragraph's length and its
  place in the article.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspin.techniques.paragraphs import Paragraph

#: Embedding width of all-MiniLM-L6-v2.
DIM = 384

# ---------------------------------------------------------------- embeddings


def paragraph_embeddings(
    offsets: np.ndarray, states: np.ndarray, paragraphs: Sequence[Paragraph]
) -> np.ndarray:
    """[len(paragraphs), width]: the mean of the token vectors inside each paragraph, L2-normalised.

    ``offsets`` [tokens, 2] and ``states`` [tokens, width] are a whole text's
    tokens in order (``TechniqueModel.lower_states``): the span model's
    frozen lower layers, read in its windows over the article, so a paragraph's
    tokens have seen their neighbours and no second encoder pass is needed. A
    paragraph with no token (nothing the tokenizer keeps) is a zero vector.
    """
    width = states.shape[1] if states.ndim == 2 else DIM
    if not len(paragraphs):
        return np.zeros((0, width), dtype=np.float32)
    sums = np.vstack([np.zeros((1, width)), np.cumsum(states, axis=0, dtype=np.float64)])
    starts = offsets[:, 0] if len(offsets) else np.zeros(0, dtype=np.int64)
    lo = np.searchsorted(starts, [p.start for p in paragraphs], side="left")
    hi = np.searchsorted(starts, [p.end for p in paragraphs], side="left")
    means = (sums[hi] - sums[lo]) / np.maximum(hi - lo, 1)[:, None]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return (means / np.maximum(norms, 1e-12)).astype(np.float32)


def with_context(emb: np.ndarray, neighbours: bool, article: bool) -> np.ndarray:
    """One article's paragraph embeddings, with the previous and next paragraph's and the article's mean.

    A missing neighbour (first or last paragraph) is a zero vector.
    """
    parts = [emb]
    if neighbours:
        zero = np.zeros((1, emb.shape[1]), dtype=emb.dtype)
        parts.append(np.vstack([zero, emb[:-1]]))
        parts.append(np.vstack([emb[1:], zero]))
    if article:
        mean = emb.mean(0, keepdims=True)
        mean = mean / max(float(np.linalg.norm(mean)), 1e-12)
        parts.append(np.repeat(mean, len(emb), axis=0))
    return np.hstack(parts)


# ---------------------------------------------------------------- words

_WORD = re.compile(r"\w+")


def word_tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def analyse(text: str, char: tuple[int, int] = (4, 4)) -> list[str]:
    """Word uni- and bigrams, and character n-grams inside space-padded words (``w:``, ``c:`` prefixed).

    Character 4-grams alone scored as well as 3- to 5-grams in cross-validation, with a third of the entries.
    """
    words = word_tokens(text)
    grams = [f"w:{w}" for w in words]
    grams += [f"w:{a} {b}" for a, b in zip(words, words[1:])]
    low, high = char
    for w in words:
        padded = f" {w} "
        for n in range(low, high + 1):
            grams.extend(f"c:{padded[i:i + n]}" for i in range(max(len(padded) - n + 1, 0)))
    return grams


@dataclass(frozen=True)
class Vocabulary:
    """TF-IDF as scikit-learn computes it (smooth idf, sublinear tf, L2 rows), stored as plain arrays."""

    terms: tuple[str, ...]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str], min_df: int = 3, max_terms: int = 20000) -> "Vocabulary":
        df: Counter = Counter()
        for text in texts:
            df.update(set(analyse(text)))
        kept = sorted((t for t, n in df.items() if n >= min_df), key=lambda t: (-df[t], t))[:max_terms]
        kept.sort()
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float64)
        return cls(tuple(kept), idf)

    def transform(self, texts: Sequence[str]):
        """A scipy CSR matrix [len(texts), len(terms)]."""
        from scipy.sparse import csr_matrix

        index = self.index
        data: list[float] = []
        cols: list[int] = []
        indptr = [0]
        for text in texts:
            counts = Counter(index[g] for g in analyse(text) if g in index)
            row = {j: (1.0 + math.log(c)) * self.idf[j] for j, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in row.values())) or 1.0
            for j in sorted(row):
                cols.append(j)
                data.append(row[j] / norm)
            indptr.append(len(cols))
        return csr_matrix((np.array(data), np.array(cols, dtype=np.int64), np.array(indptr)),
                          shape=(len(texts), len(self.terms)))

    @property
    def index(self) -> dict[str, int]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {t: j for j, t in enumerate(self.terms)}
            object.__setattr__(self, "_index", cached)
        return cached


# ---------------------------------------------------------------- surface signals

#: Names of the surface features, in column order.
SURFACE = (
    "log_chars", "log_words", "position", "first", "last", "question", "exclamation",
    "quoted_spans", "short_quotes", "quoted_share", "superlatives", "capital_words",
    "repeated_trigrams", "repeat_max", "colon", "ellipsis", "digits", "mean_word_length",
)
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»\n]{1,400})[\"“”«»]|(?<!\w)['‘’]([^'‘’\n]{1,60})['‘’](?!\w)")
_CAPITALS = re.compile(r"\b[A-Z]{3,}\b")
#: Comparative endings and the two words that make superlatives of longer adjectives.
_SUPERLATIVE = re.compile(r"\b(?:\w{3,}est|most|least)\b", re.I)


def _trigrams(words: list[str]) -> list[tuple[str, str, str]]:
    return list(zip(words, words[1:], words[2:]))


def surface(text: str, paragraphs: Sequence[Paragraph]) -> np.ndarray:
    """[len(paragraphs), len(SURFACE)] for the paragraphs of one article."""
    words = [word_tokens(text[p.start : p.end]) for p in paragraphs]
    grams = [Counter(_trigrams(w)) for w in words]
    article_grams: Counter = Counter()
    for g in grams:
        article_grams.update(g)
    n = len(paragraphs)
    rows = []
    for i, p in enumerate(paragraphs):
        body = text[p.start : p.end]
        quotes = [m.group(1) or m.group(2) for m in _QUOTED.finditer(body)]
        repeated = [g for g in grams[i] if article_grams[g] > grams[i][g]]  # also in another paragraph
        letters = sum(len(w) for w in words[i])
        rows.append([
            math.log1p(len(body)),
            math.log1p(len(words[i])),
            i / max(n - 1, 1),
            1.0 if i == 0 else 0.0,
            1.0 if i == n - 1 else 0.0,
            float(body.count("?")),
            float(body.count("!")),
            float(len(quotes)),
            float(sum(1 for q in quotes if len(q.split()) <= 4)),
            sum(len(q) for q in quotes) / max(len(body), 1),
            float(len(_SUPERLATIVE.findall(body))),
            float(len(_CAPITALS.findall(body))),
            len(repeated) / max(len(grams[i]), 1),
            math.log1p(max((article_grams[g] for g in grams[i]), default=0)),
            float(":" in body),
            float("..." in body or "…" in body),
            sum(c.isdigit() for c in body) / max(len(body), 1),
            letters / max(len(words[i]), 1),
        ])
    return np.asarray(rows, dtype=np.float32).reshape(n, len(SURFACE))
