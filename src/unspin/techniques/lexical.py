"""Design B: a feature-based (no neural network) baseline for SemEval-2020 Task 11 on PTC v2.

Two linear models over sparse, hand-made features, fitted on part of the PTC train split, with
their decoding chosen on the rest of it (``lexical_train``; dev is only scored):

- **TC** (which technique a given span uses): one multinomial
  :class:`~sklearn.linear_model.LogisticRegression` over (``lexical_features``)

  * TF-IDF of the span's word 1-2 grams, and of its character 2-5 grams (inside word
    boundaries, which carry morphology such as ``-est`` or ``-ist`` that word n-grams miss),
  * TF-IDF of up to :data:`CONTEXT_WORDS` words on each side of the span (same line or lines),
    kept apart as a left and a right bag,
  * dense hand features (:func:`hand_features`): log span length in words and characters,
    how often the span's normalised text occurs in the whole article (the Repetition cue),
    how many of the spans handed to :meth:`LexicalModel.classify` share that text, whether the
    sentence is a question or exclaims, quotes, ALL-CAPS and Title-Case ratios, the share of the
    sentence the span covers, whether it is in the headline, and hit counts of small lexicons
    written for this module (:data:`LEXICONS`, :data:`PHRASES`) in the span and around it.

  Logistic regression was chosen over SGD or a calibrated LinearSVC because it gives
  probabilities directly from one convex, deterministic fit (lbfgs), with no calibration folds
  to carve out of the 6,128 training rows. The probabilities are what :meth:`classify` returns
  and what decides a second label in :meth:`find`. Class weights are ``balanced ** power``
  (:data:`CLASS_WEIGHT_POWER`): a partial re-weighting that helps rare techniques a little
  without giving up much accuracy, which is what TC micro-F1 measures.

- **SI** (where the propaganda is): a binary LogisticRegression (liblinear) on tokens. Each
  token (:data:`TOKEN`, a regex that keeps code-point offsets) is described by the lowercase
  form, suffix, prefix and shape of it and of its two neighbours on each side, neighbour
  bigrams, lexicon membership, position in its sentence (PTC has one sentence per line), the
  sentence's length and punctuation, whether the token is inside quotes, and how often the
  word occurs in the article. The features are hashed (:class:`~sklearn.feature_extraction.
  FeatureHasher`, deterministic) rather than kept in a vocabulary. A token whose probability
  passes a threshold is "in"; runs of in-tokens, bridged over gaps of up to ``max_gap``
  tokens, become spans, trimmed of punctuation at the edges. The threshold and the gap are
  chosen for SI F1 by ``lexical_train.select``; each span found is then labelled by the TC model
  (best technique, plus the second one when its probability reaches ``second_label``).

Everything is seeded and single-threaded, so a rerun gives the same model. The corpus is
research-only: nothing here stores or ships any of it; models are built in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from unspin.techniques.lexical_features import (
    TCFeatures, Vocabulary, same_text_counts, span_view, token_features
)
from unspin.techniques.lexical_text import Doc, may_end, may_start

SENTENCE_C = 1.0


class SentenceModel:
    """Probability that a line (a sentence in PTC) holds propaganda: TF-IDF word and char n-grams."""

    def __init__(self, seed: int, c: float = SENTENCE_C):
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, max_features=100_000
        )
        self.model = LogisticRegression(C=c, max_iter=3000, random_state=seed)

    def fit(self, lines: Sequence[str], labels: np.ndarray) -> SentenceModel:
        matrix = sparse.hstack([self.words.fit_transform(lines), self.chars.fit_transform(lines)], format="csr")
        self.model.fit(matrix, labels)
        return self

    def predict(self, lines: Sequence[str]) -> np.ndarray:
        if not lines:
            return np.zeros(0)
        matrix = sparse.hstack([self.words.transform(lines), self.chars.transform(lines)], format="csr")
        return self.model.predict_proba(matrix)[:, 1]

    def for_doc(self, doc: Doc) -> np.ndarray:
        return self.predict([doc.text[start:end] for start, end in doc.lines])


@dataclass
class LexicalModel:
    """Trained TC and SI models plus the decoding settings :func:`select` tunes."""

    tc_features: TCFeatures
    tc_model: LogisticRegression
    sentence_model: SentenceModel
    si_vocabulary: Vocabulary
    si_model: LogisticRegression
    threshold: float = 0.225
    seed_threshold: float = 0.325
    max_gap: int = 2
    min_chars: int = 2
    second_label: float = 1.01
    timings: dict[str, float] = field(default_factory=dict)
    selection: list[tuple] = field(default_factory=list)

    @property
    def techniques(self) -> list[str]:
        return [str(name) for name in self.tc_model.classes_]

    # ---- TC

    def tc_probabilities(self, doc: Doc, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        if not spans:
            return np.zeros((0, len(self.techniques)))
        same = same_text_counts(doc, spans)
        views = [span_view(doc, s, e, k) for (s, e), k in zip(spans, same)]
        return self.tc_model.predict_proba(self.tc_features.transform(views))

    def classify(self, text: str, spans: list[tuple[int, int]]) -> list[list[tuple[str, float]]]:
        """Per span, every technique with its probability, best first.

        ``spans`` should be all the spans to be labelled in ``text``: how many of them share
        a span's text is one of the features (the TC task hands over all spans of an article).
        """
        for start, end in spans:
            if not 0 <= start < end <= len(text):
                raise ValueError(f"span [{start}, {end}) is empty or outside a text of {len(text)} characters")
        probabilities = self.tc_probabilities(Doc(text), spans)
        names = self.techniques
        return [
            sorted(((names[k], float(row[k])) for k in range(len(names))), key=lambda pair: -pair[1])
            for row in probabilities
        ]

    # ---- SI

    def token_probabilities(self, doc: Doc) -> np.ndarray:
        if not doc.tokens:
            return np.zeros(0)
        rows = token_features(doc, self.sentence_model.for_doc(doc))
        return self.si_model.predict_proba(self.si_vocabulary.transform(rows))[:, 1]

    def decode(self, doc: Doc, probabilities: np.ndarray) -> list[tuple[int, int]]:
        """Spans from token probabilities, by hysteresis.

        Runs of tokens at or over ``threshold``, bridged over gaps of up to ``max_gap`` tokens
        on the same line, are kept when one of their tokens reaches ``seed_threshold``; their
        edges are trimmed of punctuation (quotes may open a span; quotes, ``?``, ``!`` and ``)``
        may close one).
        """
        runs: list[list[int]] = []
        current: list[int] | None = None
        for index in np.flatnonzero(probabilities >= self.threshold).tolist():
            if (
                current is not None
                and index - current[1] - 1 <= self.max_gap
                and doc.token_line[index] == doc.token_line[current[1]]
            ):
                current[1] = index
            else:
                current = [index, index]
                runs.append(current)
        spans = []
        for first, last in runs:
            if probabilities[first : last + 1].max() < self.seed_threshold:
                continue
            while first <= last and not may_start(doc.tokens[first]):
                first += 1
            while last >= first and not may_end(doc.tokens[last]):
                last -= 1
            if first > last:
                continue
            start, end = doc.tokens[first].start, doc.tokens[last].end
            if end - start >= self.min_chars:
                spans.append((start, end))
        return spans

    def find(self, text: str) -> list[tuple[int, int, str, float]]:
        """Predicted propaganda spans ``(start, end, technique, probability)``, offsets into ``text``.

        A span gets its best technique, and a second row with the runner-up when that one's
        probability is at least ``second_label``.
        """
        doc = Doc(text)
        spans = self.decode(doc, self.token_probabilities(doc))
        return self.label_spans(doc, spans)

    def label_spans(self, doc: Doc, spans: list[tuple[int, int]]) -> list[tuple[int, int, str, float]]:
        if not spans:
            return []
        probabilities = self.tc_probabilities(doc, spans)
        names = self.techniques
        out = []
        for (start, end), row in zip(spans, probabilities):
            order = np.argsort(-row, kind="stable")
            out.append((start, end, names[order[0]], float(row[order[0]])))
            if len(order) > 1 and row[order[1]] >= self.second_label:
                out.append((start, end, names[order[1]], float(row[order[1]])))
        return out
