"""Features of the feature-based technique model: of a span, for naming its technique (TC), and
of each token, for finding spans (SI). Both are strings or numbers made from the text alone."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from unspin.eval.techniques import merge_spans
from unspin.techniques.lexical_lexicons import WORD_LEXICON, lexicon_hits
from unspin.techniques.lexical_text import QUOTES, Doc, Token, normalise

#: Words of context kept on each side of a span for TC.
CONTEXT_WORDS = 4

# ---------------------------------------------------------------- TC features

@dataclass
class SpanView:
    """The texts a TC example is built from."""

    span: str
    left: str
    right: str
    dense: list[float]


def caps_ratio(tokens: Sequence[Token]) -> tuple[float, float]:
    words = [token.text for token in tokens if token.is_word and token.text[0].isalpha()]
    if not words:
        return 0.0, 0.0
    upper = sum(1 for word in words if len(word) > 1 and word.isupper())
    title = sum(1 for word in words if word[0].isupper())
    return upper / len(words), title / len(words)


def hand_features(doc: Doc, start: int, end: int, same_text_spans: int) -> list[float]:
    """Dense features of one span; see the module docstring. All roughly in [0, 3]."""
    text = doc.text
    span_text = text[start:end]
    first, last = doc.token_range(start, end)
    tokens = doc.tokens[first:last]
    words = [token.lower for token in tokens if token.is_word]
    n_words = max(1, len(words))
    first_line, last_line = doc.line_of(start), doc.line_of(max(start, end - 1))
    line_start, line_end = doc.lines[first_line][0], doc.lines[last_line][1]
    sentence = text[line_start:line_end]
    sentence_words = sum(doc.line_word_counts[i] for i in range(first_line, last_line + 1))
    stripped = sentence.rstrip(" \"'”’)")
    before = text[max(line_start, start - 2) : start]
    after = text[end : min(line_end, end + 2)]
    occurrences = doc.occurrences(span_text)
    upper, title = caps_ratio(tokens)
    span_hits = lexicon_hits(words, normalise(span_text))
    sentence_tokens = doc.tokens[slice(*doc.token_range(line_start, line_end))]
    sentence_hits = lexicon_hits([t.lower for t in sentence_tokens if t.is_word], normalise(sentence))
    features = [
        math.log1p(n_words),
        math.log1p(len(span_text)) / 2,
        float(n_words == 1),
        float(n_words <= 3),
        math.log1p(max(0, occurrences - 1)),
        float(occurrences >= 2),
        float(occurrences >= 3),
        math.log1p(max(0, same_text_spans - 1)),
        float(stripped.endswith("?")),
        float("?" in span_text),
        float("!" in span_text),
        float("!" in sentence),
        float(any(char in QUOTES for char in span_text)),
        float(any(char in QUOTES for char in before) or any(char in QUOTES for char in after)),
        upper,
        title,
        min(1.0, n_words / max(1, sentence_words)),
        float(n_words >= 0.8 * sentence_words),
        float(first_line == 0),
        float(last_line > first_line),
        start / max(1, len(text)),
        float(span_text[:1].isupper()),
        float("#" in span_text),
    ]
    features += [math.log1p(hit) for hit in span_hits]
    features += [math.log1p(max(0, whole - part)) / 2 for whole, part in zip(sentence_hits, span_hits)]
    return features


def span_view(doc: Doc, start: int, end: int, same_text_spans: int) -> SpanView:
    first, last = doc.token_range(start, end)
    first_line, last_line = doc.line_of(start), doc.line_of(max(start, end - 1))
    left = [
        t.lower
        for t, line in zip(doc.tokens[max(0, first - 12) : first], doc.token_line[max(0, first - 12) : first])
        if t.is_word and line == first_line
    ][-CONTEXT_WORDS:]
    right = [
        t.lower
        for t, line in zip(doc.tokens[last : last + 12], doc.token_line[last : last + 12])
        if t.is_word and line == last_line
    ][:CONTEXT_WORDS]
    return SpanView(
        doc.text[start:end],
        " ".join(left) or "_none_",
        " ".join(right) or "_none_",
        hand_features(doc, start, end, same_text_spans),
    )


def same_text_counts(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each span, how many of ``spans`` (distinct offsets) have the same normalised text."""
    distinct = sorted(set(spans))
    counts = Counter(normalise(doc.text[s:e]) for s, e in distinct)
    return [counts[normalise(doc.text[s:e])] for s, e in spans]


class TCFeatures:
    """Vectorisers for span, character n-grams, left and right context; dense features appended."""

    def __init__(self, dense_weight: float = 1.0):
        self.span_words = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", lowercase=True
        )
        self.span_chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, lowercase=True,
            max_features=60000,
        )
        self.left = TfidfVectorizer(min_df=2, sublinear_tf=True, token_pattern=r"\S+")
        self.right = TfidfVectorizer(min_df=2, sublinear_tf=True, token_pattern=r"\S+")
        self.dense_weight = dense_weight

    def fit_transform(self, views: Sequence[SpanView]) -> sparse.csr_matrix:
        blocks = [
            self.span_words.fit_transform([v.span for v in views]),
            self.span_chars.fit_transform([v.span for v in views]),
            self.left.fit_transform([v.left for v in views]),
            self.right.fit_transform([v.right for v in views]),
            sparse.csr_matrix(np.array([v.dense for v in views]) * self.dense_weight),
        ]
        return sparse.hstack(blocks, format="csr")

    def transform(self, views: Sequence[SpanView]) -> sparse.csr_matrix:
        blocks = [
            self.span_words.transform([v.span for v in views]),
            self.span_chars.transform([v.span for v in views]),
            self.left.transform([v.left for v in views]),
            self.right.transform([v.right for v in views]),
            sparse.csr_matrix(np.array([v.dense for v in views]).reshape(len(views), -1) * self.dense_weight),
        ]
        return sparse.hstack(blocks, format="csr")


# ---------------------------------------------------------------- SI features

def shape(word: str) -> str:
    if not (word[0].isalnum() or word[0] == "_"):
        return "P" + word
    if word.isdigit():
        return "D"
    if word.isupper() and len(word) > 1:
        return "XX"
    if word[0].isupper():
        return "Xx"
    if word.islower():
        return "x"
    return "mixed"


def bucket(value: int, edges: Sequence[int] = (0, 1, 2, 3, 5, 8, 12, 20, 35)) -> int:
    for index, edge in enumerate(edges):
        if value <= edge:
            return index
    return len(edges)


def token_features(doc: Doc, line_probabilities: Sequence[float]) -> list[list[str]]:
    """Feature strings for every token of ``doc`` (see the module docstring).

    ``line_probabilities`` is the sentence model's probability for every line of ``doc``; each
    token gets it as a tenth-wide bucket.
    """
    tokens = doc.tokens
    n = len(tokens)
    lowers = [t.lower for t in tokens]
    shapes = [shape(t.text) for t in tokens]
    lines = doc.token_line.tolist()
    # per-line facts
    line_tokens: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        line_tokens.setdefault(line, []).append(index)
    line_facts: dict[int, list[str]] = {}
    position: list[tuple[int, int]] = [(0, 0)] * n
    in_quote = [False] * n
    for line, members in line_tokens.items():
        words = [lowers[i] for i in members]
        length = len(members)
        facts = [f"slen={bucket(length)}"]
        if "?" in words:
            facts.append("sq")
        if "!" in words:
            facts.append("sx")
        if any(w in QUOTES for w in words):
            facts.append("squote")
        if line == 0:
            facts.append("title")
        facts.append(f"sp={min(9, int(line_probabilities[line] * 10))}")
        line_facts[line] = facts
        quoted = False
        for k, i in enumerate(members):
            position[i] = (k, length - 1 - k)
            if lowers[i] in ("“", "«"):
                quoted = True
            elif lowers[i] in ("”", "»"):
                quoted = False
            elif lowers[i] == '"':
                quoted = not quoted
            in_quote[i] = quoted
    rows = []
    for i in range(n):
        w = lowers[i]
        f = [
            "w=" + w,
            "sh=" + shapes[i],
            "s3=" + w[-3:],
            "s2=" + w[-2:],
            "p3=" + w[:3],
            f"pos={bucket(position[i][0])}",
            f"rpos={bucket(position[i][1])}",
            f"rep={bucket(doc.word_counts[w]) if tokens[i].is_word else -1}",
            "bias",
        ]
        if in_quote[i]:
            f.append("inq")
        f += line_facts[lines[i]]
        for name in WORD_LEXICON.get(w, ()):
            f.append("lex=" + name)
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n and lines[j] == lines[i]:
                f.append(f"w{offset}={lowers[j]}")
                f.append(f"sh{offset}={shapes[j]}")
                for name in WORD_LEXICON.get(lowers[j], ()):
                    f.append(f"lex{offset}={name}")
            else:
                f.append(f"w{offset}=<edge>")
        if i > 0 and lines[i - 1] == lines[i]:
            f.append(f"b-1={lowers[i - 1]}|{w}")
        if i + 1 < n and lines[i + 1] == lines[i]:
            f.append(f"b+1={w}|{lowers[i + 1]}")
        rows.append(f)
    return rows


def token_labels(doc: Doc, gold: Iterable[tuple[int, int]]) -> np.ndarray:
    """1 for tokens overlapping a gold span, else 0."""
    labels = np.zeros(len(doc.tokens), dtype=np.int8)
    for start, end in merge_spans(gold):
        first, last = doc.token_range(start, end)
        labels[first:last] = 1
    return labels


def line_labels(doc: Doc, token_gold: np.ndarray) -> np.ndarray:
    """1 for lines holding at least one in-span token."""
    labels = np.zeros(len(doc.lines), dtype=np.int8)
    labels[doc.token_line[token_gold == 1]] = 1
    return labels


class Vocabulary:
    """Feature strings seen at least ``min_count`` times in training, as columns of a sparse matrix."""

    def __init__(self, rows: Iterable[Sequence[str]], min_count: int = 2):
        counts = Counter(feature for row in rows for feature in set(row))
        kept = sorted(feature for feature, count in counts.items() if count >= min_count)
        self.index = {feature: column for column, feature in enumerate(kept)}

    def transform(self, rows: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        indices: list[int] = []
        pointers = [0]
        for row in rows:
            indices.extend(sorted({self.index[f] for f in row if f in self.index}))
            pointers.append(len(indices))
        data = np.ones(len(indices))
        return sparse.csr_matrix(
            (data, np.array(indices, dtype=np.int64), np.array(pointers, dtype=np.int64)),
            shape=(len(rows), len(self.index)),
        )
