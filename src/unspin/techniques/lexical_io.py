"""The feature-based design's span finder as shipped files: vocabularies, IDF weights and coefficients, no pickle.

The ensemble blends this per-token probability with the network's, so the
``techniques`` layer needs the sentence model (TF-IDF of word and character
n-grams, logistic regression) and the token model (a vocabulary of feature
strings, logistic regression) at run time. They are kept as plain arrays in
one compressed ``.npz`` (vocabularies as newline-joined strings), rebuilt
into the same scikit-learn vectorizers on load, and applied with the same
feature code as in training, so the shipped probabilities are the trained
ones (a test compares them).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from unspin.techniques.lexical_features import Vocabulary, token_features
from unspin.techniques.lexical_text import Doc

FILE = "lexical.npz"


def _vocabulary_arrays(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    terms = sorted(vocabulary, key=vocabulary.get)
    if any("\n" in t for t in terms):
        raise ValueError("a vocabulary term holds a newline and cannot be stored newline-joined")
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8), np.array([len(terms)])


def _vocabulary(blob: np.ndarray, count: np.ndarray) -> dict[str, int]:
    terms = bytes(blob).decode("utf-8").split("\n") if int(count[0]) else []
    return {term: index for index, term in enumerate(terms)}


def save(model, path: Path) -> None:
    """Write the span-finding half of a trained ``lexical.LexicalModel`` (the technique half is the network's)."""
    sentence = model.sentence_model
    words, words_n = _vocabulary_arrays(sentence.words.vocabulary_)
    chars, chars_n = _vocabulary_arrays(sentence.chars.vocabulary_)
    features, features_n = _vocabulary_arrays(model.si_vocabulary.index)
    np.savez_compressed(
        path,
        words=words, words_n=words_n, words_idf=sentence.words.idf_.astype(np.float32),
        chars=chars, chars_n=chars_n, chars_idf=sentence.chars.idf_.astype(np.float32),
        sentence_coef=sentence.model.coef_[0].astype(np.float32), sentence_intercept=sentence.model.intercept_,
        features=features, features_n=features_n,
        token_coef=model.si_model.coef_[0].astype(np.float32), token_intercept=model.si_model.intercept_,
    )


class ShippedSpanFinder:
    """Per-token probability that a word lies in a propaganda span, as the feature-based design computes it."""

    def __init__(self, path: Path):
        from sklearn.feature_extraction.text import TfidfVectorizer

        with np.load(path) as data:
            self.words = TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, vocabulary=_vocabulary(data["words"], data["words_n"])
            )
            self.words.idf_ = data["words_idf"].astype(np.float64)
            self.chars = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                vocabulary=_vocabulary(data["chars"], data["chars_n"]),
            )
            self.chars.idf_ = data["chars_idf"].astype(np.float64)
            self.sentence_coef = data["sentence_coef"].astype(np.float64)
            self.sentence_intercept = float(data["sentence_intercept"][0])
            self.vocabulary = Vocabulary([])
            self.vocabulary.index = _vocabulary(data["features"], data["features_n"])
            self.token_coef = data["token_coef"].astype(np.float64)
            self.token_intercept = float(data["token_intercept"][0])

    def line_probabilities(self, doc: Doc) -> np.ndarray:
        from scipy import sparse

        lines = [doc.text[start:end] for start, end in doc.lines]
        if not lines:
            return np.zeros(0)
        matrix = sparse.hstack([self.words.transform(lines), self.chars.transform(lines)], format="csr")
        return _sigmoid(matrix @ self.sentence_coef + self.sentence_intercept)

    def token_probabilities(self, doc: Doc) -> np.ndarray:
        if not doc.tokens:
            return np.zeros(0)
        rows = token_features(doc, self.line_probabilities(doc))
        return _sigmoid(self.vocabulary.transform(rows) @ self.token_coef + self.token_intercept)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
