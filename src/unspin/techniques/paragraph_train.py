"""Train the paragraph model and measure it honestly: nested cross-validation by article.

The data: SemEval-2023 Task 3's English training articles with their
paragraph labels (``train-labels-subtask-3.txt``). Every article goes once
per run through the span model's frozen lower layers (pre-trained weights,
nothing learnt from labels), whose token states give the paragraph
embeddings; everything else is cheap.

The protocol, with the folds of ``paragraph_folds`` (by article):

- for each fold k, the other folds are the training part. Inside it, each of
  its folds is predicted by models fitted on the rest of the training part
  (inner cross-validation). Those predictions choose the regularisation of
  both regressions and the weight that fuses them (best micro-F1 at its best
  threshold), fit the calibration maps, and set the threshold. Then both
  regressions are fitted on the whole training part with those choices, and
  fold k is predicted, calibrated and thresholded. Nothing about fold k is
  used before it is scored.
- the folds' predictions together are the cross-validated figures: micro-F1,
  precision, recall, per label, and the calibration error.
- the shipped model makes the same choices from the 5-fold predictions over
  all articles, and is fitted on all of them.

A model fitted on a set of folds is fitted once and shared (the inner
cross-validations of two outer folds use the same three-fold training sets),
which keeps a run to minutes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unspin.eval.paragraphs import TAXONOMY, Rows, read_rows
from unspin.eval.techniques import read_articles
from unspin.techniques.calibration import Calibration, expected_calibration_error, reliability
from unspin.techniques.calibration import fit as fit_isotonic
from unspin.techniques.paragraph_features import Vocabulary, paragraph_embeddings
from unspin.techniques.paragraph_folds import folds_for
from unspin.techniques.paragraph_model import Decision, DenseScaler, Linear, ParagraphModel, dense_features
from unspin.techniques.paragraphs import split

LABELS_FILE = "train-labels-subtask-3.txt"
ARTICLES = "articles"
#: Inverse regularisation strengths tried for each regression (scikit-learn's C).
DENSE_C = (0.002, 0.005, 0.01)
WORDS_C = (2.0, 4.0, 8.0)
#: Passes of stochastic gradient descent over the words model's training paragraphs.
WORDS_EPOCHS = 10
#: Weights of the words model in the fused probability.
FUSION_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)
#: Thresholds tried on calibrated probabilities.
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.80, 0.01))
#: A label with fewer positive paragraphs than this in the training part shares one map fitted on all labels.
MIN_POSITIVES_FOR_OWN_MAP = 50
#: Imagined right and wrong cases added to every isotonic block (a top block of a few scores must not say 1.0).
CALIBRATION_PSEUDO = 1.0
#: The words model's TF-IDF: a term must occur in this many paragraphs; at most this many terms.
MIN_DF = 3
MAX_TERMS = 20000

Log = Callable[[str], None]


@dataclass
class Corpus:
    """Every paragraph of the data, in article then line order."""

    labels: tuple[str, ...]
    article: np.ndarray  # [N] article id per paragraph
    line: np.ndarray  # [N] line number
    texts: list[str]
    dense: np.ndarray  # [N, D] unscaled dense features
    Y: np.ndarray  # [N, L] 0/1
    fold: np.ndarray  # [N]
    folds: int
    gold: Rows = field(repr=False, default_factory=dict)
    #: The span model's frozen layers the embeddings come from.
    layers: int = 0

    @property
    def articles(self) -> int:
        return len(set(self.article.tolist()))


def read_data(articles: Path, labels: Path) -> tuple[dict[str, str], Rows]:
    """The articles the labels file names (others in the folder are left out) and the labels."""
    texts = read_articles(articles)
    gold = read_rows(labels)
    unknown = sorted({aid for aid, _ in gold} - set(texts))
    if unknown:
        raise ValueError(f"{labels} names {len(unknown)} article(s) not in {articles} (first: {unknown[0]})")
    named = {aid for aid, _ in gold}
    return {aid: t for aid, t in texts.items() if aid in named}, gold


def build_corpus(
    articles: Path, labels: Path, span_model, folds: int, seed: int, log: Log = lambda _: None
) -> Corpus:
    """Read the data, embed every paragraph once, and lay out features, labels and folds.

    ``span_model`` gives each article's lower states (``TechniqueModel.lower_states``), exactly as the
    layer reads them at analysis time: its frozen, pre-trained lower layers in its windows over the article.
    """
    texts, gold = read_data(articles, labels)
    present = {t for v in gold.values() for t in v}
    unknown = sorted(present - set(TAXONOMY))
    if unknown:
        raise ValueError(f"labels outside the SemEval-2023 taxonomy: {', '.join(unknown)}")
    labels = tuple(t for t in TAXONOMY if t in present)
    fold_of = folds_for(sorted(texts), folds, seed)
    ids, lines, paragraph_texts, dense, fold = [], [], [], [], []
    layers = set()
    started = time.time()
    for n, aid in enumerate(sorted(texts, key=lambda a: (len(a), a)), 1):
        text = texts[aid]
        paragraphs = split(text)
        if not paragraphs:
            continue
        chunk = [text[p.start : p.end] for p in paragraphs]
        states = span_model.lower_states(text)
        layers.add(states.layers)
        embeddings = paragraph_embeddings(states.offsets, states.states, paragraphs)
        dense.append(dense_features(text, paragraphs, embeddings))
        for p, t in zip(paragraphs, chunk):
            ids.append(aid)
            lines.append(p.line)
            paragraph_texts.append(t)
            fold.append(fold_of[aid])
        if n % 50 == 0:
            log(f"embedded {n} of {len(texts)} articles ({time.time() - started:.0f} s)")
    missing = [key for key in zip(ids, lines) if key not in gold]
    if missing:
        raise ValueError(f"{len(missing)} paragraph(s) have no row in the labels file "
                         f"(first: article {missing[0][0]} line {missing[0][1]})")
    Y = np.array([[label in gold[key] for label in labels] for key in zip(ids, lines)], dtype=np.int8)
    return Corpus(labels, np.array(ids), np.array(lines), paragraph_texts, np.vstack(dense), Y,
                  np.array(fold), folds, gold, layers.pop() if len(layers) == 1 else 0)


# --------------------------------------------------------------------------- fitting


def fit_dense(X: np.ndarray, y: np.ndarray, C: float) -> Linear:
    """One L2 logistic regression per label (scikit-learn's lbfgs; only used when training)."""
    from sklearn.linear_model import LogisticRegression

    return _per_label(y, X.shape[1], lambda j: LogisticRegression(C=C, max_iter=2000).fit(X, y[:, j]))


def fit_words(X, y: np.ndarray, C: float, seed: int = 0) -> Linear:
    """The same model over the sparse TF-IDF, by averaged stochastic gradient descent (a fixed number of
    epochs, seeded): on tens of thousands of terms it comes within a hair of lbfgs at a twentieth of the time."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier

    alpha = 1.0 / (C * X.shape[0])  # the same penalty as C in logistic regression

    def one(j: int):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs, on purpose
            return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=WORDS_EPOCHS, tol=None, average=True,
                                 random_state=seed).fit(X, y[:, j])

    return _per_label(y, X.shape[1], one)


def _per_label(y: np.ndarray, width: int, fit_one) -> Linear:
    coef, intercept = [], []
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():  # a label absent from (or everywhere in) these paragraphs
            rate = float(y[:, j].mean())
            coef.append(np.zeros(width))
            intercept.append(np.log(max(rate, 1e-4) / max(1 - rate, 1e-4)))
            continue
        model = fit_one(j)
        coef.append(np.asarray(model.coef_[0], dtype=np.float64))
        intercept.append(float(model.intercept_[0]))
    return Linear(np.array(coef).T, np.array(intercept))


class Fits:
    """Both regressions fitted on sets of folds, each fitted once, and their predictions on every other paragraph."""

    def __init__(self, corpus: Corpus, log: Log = lambda _: None):
        self.corpus = corpus
        self.log = log
        self._predictions: dict[tuple, np.ndarray] = {}
        self._vocabulary: tuple | None = None
        self.fitted = 0

    def rows(self, folds: frozenset) -> np.ndarray:
        return np.isin(self.corpus.fold, list(folds))

    def words_matrix(self, folds: frozenset):
        """The vocabulary learnt on these folds, and every paragraph's TF-IDF under it (the last one kept)."""
        if self._vocabulary is None or self._vocabulary[0] != folds:
            inside = np.nonzero(self.rows(folds))[0]
            vocabulary = Vocabulary.fit([self.corpus.texts[i] for i in inside], MIN_DF, MAX_TERMS)
            self._vocabulary = (folds, vocabulary, vocabulary.transform(self.corpus.texts))
        return self._vocabulary[1], self._vocabulary[2]

    def fit(self, kind: str, C: float, folds: frozenset):
        """(model, its input transform) fitted on the paragraphs of ``folds``."""
        c = self.corpus
        inside = self.rows(folds)
        if kind == "dense":
            scaler = DenseScaler.fit(c.dense[inside])
            return fit_dense(scaler(c.dense[inside]), c.Y[inside], C), scaler
        vocabulary, X = self.words_matrix(folds)
        return fit_words(X[np.nonzero(inside)[0]], c.Y[inside], C), vocabulary

    def predict(self, kind: str, C: float, folds: frozenset) -> np.ndarray:
        """Probabilities [N, L] from the model fitted on ``folds``; rows inside ``folds`` are NaN.

        The first request for a kind and a set of folds fits every C of the grid, so the
        words model's vocabulary for those folds is built once.
        """
        if (kind, C, folds) not in self._predictions:
            outside = np.nonzero(~self.rows(folds))[0]
            for each in (DENSE_C if kind == "dense" else WORDS_C) + (C,):
                if (kind, each, folds) in self._predictions:
                    continue
                started = time.time()
                model, transform = self.fit(kind, each, folds)
                out = np.full(self.corpus.Y.shape, np.nan)
                if kind == "dense":
                    out[outside] = model.proba(transform(self.corpus.dense[outside]))
                else:
                    out[outside] = model.proba(self.words_matrix(folds)[1][outside])
                self._predictions[(kind, each, folds)] = out
                self.fitted += 1
                self.log(f"fitted {kind} C={each} on folds {sorted(folds)} ({time.time() - started:.0f} s)")
        return self._predictions[(kind, C, folds)]

    def out_of_fold(self, kind: str, C: float, folds: frozenset) -> np.ndarray:
        """Predictions for the paragraphs of ``folds``, each fold's from a model fitted on the others of ``folds``."""
        out = np.full(self.corpus.Y.shape, np.nan)
        for f in folds:
            rows = self.corpus.fold == f
            out[rows] = self.predict(kind, C, folds - {f})[rows]
        return out


# --------------------------------------------------------------------------- choosing


def micro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    matched = int((Y.astype(bool) & P.astype(bool)).sum())
    total = int(Y.sum() + P.sum())
    return 2 * matched / total if total else 1.0


def best_threshold(Y: np.ndarray, probs: np.ndarray) -> tuple[float, float]:
    """(micro-F1, threshold): the shared threshold that scores best."""
    f1, threshold = max((micro_f1(Y, probs >= t), t) for t in THRESHOLDS)
    return f1, float(threshold)


def fit_calibration(raw: np.ndarray, Y: np.ndarray) -> tuple[Calibration, ...]:
    """Isotonic per label, or one map shared by the rarer labels (fitted on every label's scores)."""
    shared = fit_isotonic(raw.ravel(), Y.ravel().astype(float), CALIBRATION_PSEUDO)
    return tuple(
        fit_isotonic(raw[:, j], Y[:, j].astype(float), CALIBRATION_PSEUDO)
        if Y[:, j].sum() >= MIN_POSITIVES_FOR_OWN_MAP else shared
        for j in range(Y.shape[1])
    )


@dataclass(frozen=True)
class Choice:
    dense_C: float
    words_C: float
    decision: Decision
    inner_f1: float  # micro-F1 of the calibrated inner predictions at the chosen threshold

    def to_json(self) -> dict:
        return {"dense_C": self.dense_C, "words_C": self.words_C, "weight": self.decision.weight,
                "threshold": self.decision.threshold, "inner_micro_f1": round(self.inner_f1, 4)}


def choose(fits: Fits, folds: frozenset) -> Choice:
    """Every choice, from cross-validated predictions inside ``folds`` only."""
    rows = fits.rows(folds)
    Y = fits.corpus.Y[rows]
    dense = {C: fits.out_of_fold("dense", C, folds)[rows] for C in DENSE_C}
    words = {C: fits.out_of_fold("words", C, folds)[rows] for C in WORDS_C}
    scored = []
    for (dc, d), (wc, w), weight in itertools.product(dense.items(), words.items(), FUSION_WEIGHTS):
        f1, _ = best_threshold(Y, (1 - weight) * d + weight * w)
        scored.append((f1, -dc, -wc, weight, dc, wc))  # ties: the stronger regularisation
    _, _, _, weight, dc, wc = max(scored)
    raw = (1 - weight) * dense[dc] + weight * words[wc]
    calibration = fit_calibration(raw, Y)
    decision = Decision(weight, calibration, 0.5)
    f1, threshold = best_threshold(Y, decision.calibrate(raw))
    return Choice(dc, wc, Decision(weight, calibration, threshold), f1)


# --------------------------------------------------------------------------- the cross-validation


@dataclass
class CrossValidation:
    probs: np.ndarray  # [N, L] calibrated out-of-fold probabilities
    predicted: np.ndarray  # [N, L] 0/1
    choices: list[Choice]


def cross_validate(fits: Fits, log: Log = lambda _: None) -> CrossValidation:
    c = fits.corpus
    every = frozenset(range(c.folds))
    probs = np.zeros(c.Y.shape)
    predicted = np.zeros(c.Y.shape, dtype=np.int8)
    choices = []
    for k in range(c.folds):
        train = every - {k}
        choice = choose(fits, train)
        rows = c.fold == k
        raw = choice.decision.fuse(fits.predict("dense", choice.dense_C, train)[rows],
                                   fits.predict("words", choice.words_C, train)[rows])
        probs[rows] = choice.decision.calibrate(raw)
        predicted[rows] = probs[rows] >= choice.decision.threshold
        choices.append(choice)
        log(f"fold {k}: chose {choice.to_json()}; fold micro-F1 {micro_f1(c.Y[rows], predicted[rows]):.4f}")
    return CrossValidation(probs, predicted, choices)


def figures(corpus: Corpus, cv: CrossValidation) -> dict:
    """The cross-validated figures: micro P/R/F1 with the task's scorer, per label, baseline, calibration."""
    from unspin.eval.paragraphs import everywhere, score

    predicted = {
        (aid, int(line)): frozenset(corpus.labels[j] for j in np.nonzero(row)[0])
        for aid, line, row in zip(corpus.article.tolist(), corpus.line.tolist(), cv.predicted)
    }
    gold = corpus.gold
    result = score(gold, predicted)
    baseline = score(gold, everywhere(gold, "Loaded_Language"))
    reported = cv.predicted.astype(bool)
    return {
        "articles": corpus.articles,
        "paragraphs": len(corpus.texts),
        "folds": corpus.folds,
        "micro_f1": result["f1"],
        "precision": result["precision"],
        "recall": result["recall"],
        "macro_f1": result["macro_f1"],
        "matched": result["matched"],
        "gold": result["gold"],
        "predicted": result["predicted"],
        "per_label": {k: v for k, v in result["per_label"].items() if k in corpus.labels},
        "baseline_loaded_language": {k: baseline[k] for k in ("f1", "precision", "recall")},
        "per_fold_f1": [
            micro_f1(corpus.Y[corpus.fold == k], cv.predicted[corpus.fold == k]) for k in range(corpus.folds)
        ],
        "ece_all_pairs": expected_calibration_error(cv.probs.ravel(), corpus.Y.ravel().astype(float)),
        "ece_reported": expected_calibration_error(cv.probs[reported], corpus.Y[reported].astype(float)),
        "reliability_reported": reliability(cv.probs[reported], corpus.Y[reported].astype(float)),
        "choices": [ch.to_json() for ch in cv.choices],
    }


def train_final(fits: Fits) -> tuple[ParagraphModel, Choice]:
    """The shipped model: choices from 5-fold predictions over all articles, fitted on all of them."""
    c = fits.corpus
    every = frozenset(range(c.folds))
    choice = choose(fits, every)
    dense, scaler = fits.fit("dense", choice.dense_C, every)
    words, vocabulary = fits.fit("words", choice.words_C, every)
    return ParagraphModel(c.labels, vocabulary, scaler, dense, words, choice.decision), choice
