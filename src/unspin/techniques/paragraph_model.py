"""The shipped paragraph model: load it once, give each paragraph of a text its techniques and confidences.

Two one-vs-rest logistic regressions read each paragraph, one over its
embedding with the article's mean and surface signals (``dense``),
one over TF-IDF of its words and character n-grams (``words``); their
probabilities are averaged with a weight, mapped to a calibrated probability
per technique (isotonic breakpoints), and a technique is reported where that
probability reaches one threshold shared by all techniques (a shared cut on
calibrated probabilities is what maximises micro-F1). ``paragraph_train``
chooses every number by cross-validation; see the model card.

Files in ``unspin/models/paragraphs/``:

- ``weights.npz``: both regressions' coefficients and intercepts, the dense
  features' centring and scaling, and the TF-IDF weights (float32);
- ``config.json``: the labels, the vocabulary, the weight, calibration maps
  and threshold, and how and on what it was trained;
- ``MODEL_CARD.md``: the same, for people, with the cross-validated scores.

The embedding is the mean of the span model's frozen lower states over the
paragraph's tokens (``TechniqueModel.lower_states``): after the ``techniques``
layer has read a text they are already there, so this model adds no encoder
pass of its own. Apart from those states, only numpy (and scipy's sparse
matrices) runs here: no scikit-learn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from unspin.techniques.calibration import Calibration
from unspin.techniques.paragraph_features import Vocabulary, paragraph_embeddings, surface, with_context
from unspin.techniques.paragraphs import Paragraph, split

WEIGHTS = "weights.npz"
CONFIG = "config.json"
CARD = "MODEL_CARD.md"


def model_dir() -> Path:
    return Path(str(resources.files("unspin") / "models" / "paragraphs"))


@dataclass(frozen=True)
class Found:
    """One technique in one paragraph."""

    paragraph: Paragraph
    technique: str
    confidence: float

    @property
    def start(self) -> int:
        return self.paragraph.start

    @property
    def end(self) -> int:
        return self.paragraph.end


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass(frozen=True)
class Linear:
    """One-vs-rest logistic regression: ``coef`` [features, labels], ``intercept`` [labels]."""

    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, X) -> np.ndarray:
        return sigmoid(np.asarray(X @ self.coef) + self.intercept)


@dataclass(frozen=True)
class DenseScaler:
    """Centring and scaling of the dense features, learnt on the training paragraphs."""

    mean: np.ndarray
    scale: np.ndarray

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.scale

    @classmethod
    def fit(cls, X: np.ndarray) -> "DenseScaler":
        return cls(X.mean(0), X.std(0) + 1e-6)


@dataclass(frozen=True)
class Decision:
    """How raw probabilities become reported techniques: the fusion weight, the calibration, the threshold."""

    weight: float
    calibration: tuple[Calibration, ...]
    threshold: float

    def fuse(self, dense: np.ndarray, words: np.ndarray) -> np.ndarray:
        return (1.0 - self.weight) * dense + self.weight * words

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        return np.column_stack([self.calibration[j](raw[:, j]) for j in range(raw.shape[1])]) if len(raw) else raw


@dataclass(frozen=True)
class ArticleFeatures:
    """What the regressions read of one article's paragraphs."""

    paragraphs: list[Paragraph]
    texts: list[str]
    dense: np.ndarray  # [paragraphs, dense features], before scaling


def dense_features(text: str, paragraphs: list[Paragraph], embeddings: np.ndarray) -> np.ndarray:
    """The paragraph's embedding, the article's mean embedding, and the surface signals."""
    return np.hstack([with_context(embeddings, neighbours=False, article=True), surface(text, paragraphs)])


class ParagraphModel:
    def __init__(self, labels: tuple[str, ...], vocabulary: Vocabulary, scaler: DenseScaler, dense: Linear,
                 words: Linear, decision: Decision, config: dict | None = None):
        self.labels = labels
        self.vocabulary = vocabulary
        self.scaler = scaler
        self.dense = dense
        self.words = words
        self.decision = decision
        self.config = config or {}

    # --- running ------------------------------------------------------------------------------

    @property
    def layers(self) -> int:
        """How many of the span model's frozen layers the embeddings were trained on."""
        return int(self.config.get("base", {}).get("layers", 0))

    def features(self, text: str, states=None) -> ArticleFeatures:
        """``states``: the text's ``LowerStates``; by default the span model's (shared with the
        ``techniques`` layer when it has just read the same text, else computed)."""
        paragraphs = split(text)
        texts = [text[p.start : p.end] for p in paragraphs]
        if not paragraphs:
            return ArticleFeatures([], [], np.zeros((0, len(self.scaler.mean)), dtype=np.float32))
        if states is None:
            from unspin.techniques.model import load as span_model

            states = span_model().lower_states(text)
        if states.layers != self.layers:
            raise RuntimeError(
                f"the paragraph model was trained on the span model's {self.layers} frozen layer(s), but the "
                f"installed span model freezes {states.layers}; retrain it with `unspin train paragraphs`"
            )
        embeddings = paragraph_embeddings(states.offsets, states.states, paragraphs)
        return ArticleFeatures(paragraphs, texts, dense_features(text, paragraphs, embeddings))

    def raw(self, features: ArticleFeatures) -> np.ndarray:
        """Fused, uncalibrated probabilities [paragraphs, labels]."""
        if not features.paragraphs:
            return np.zeros((0, len(self.labels)))
        dense = self.dense.proba(self.scaler(features.dense))
        words = self.words.proba(self.vocabulary.transform(features.texts))
        return self.decision.fuse(dense, words)

    def confidences(self, text: str, states=None) -> tuple[list[Paragraph], np.ndarray]:
        """Every paragraph and its calibrated probability for every label [paragraphs, labels]."""
        features = self.features(text, states)
        return features.paragraphs, self.decision.calibrate(self.raw(features))

    def find(self, text: str, states=None) -> list[Found]:
        """The techniques whose calibrated probability reaches the threshold, per paragraph in reading order."""
        if not text.strip():
            return []
        paragraphs, probs = self.confidences(text, states)
        found = []
        for i, p in enumerate(paragraphs):
            for j in np.argsort(-probs[i], kind="stable"):
                if probs[i, j] >= self.decision.threshold:
                    found.append(Found(p, self.labels[j], round(float(probs[i, j]), 4)))
        return found

    # --- files --------------------------------------------------------------------------------

    def save(self, directory: Path, extra: dict | None = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            directory / WEIGHTS,
            dense_coef=self.dense.coef.astype(np.float32), dense_intercept=self.dense.intercept.astype(np.float32),
            words_coef=self.words.coef.astype(np.float32), words_intercept=self.words.intercept.astype(np.float32),
            dense_mean=self.scaler.mean.astype(np.float32), dense_scale=self.scaler.scale.astype(np.float32),
            idf=self.vocabulary.idf.astype(np.float32),
        )
        config = dict(extra or {})
        config.update({
            "labels": list(self.labels),
            "decision": {
                "weight": self.decision.weight,
                "threshold": self.decision.threshold,
                "calibration": {label: c.to_json() for label, c in zip(self.labels, self.decision.calibration)},
            },
            "vocabulary": list(self.vocabulary.terms),
        })
        (directory / CONFIG).write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path | None = None) -> "ParagraphModel":
        directory = directory or model_dir()
        weights = directory / WEIGHTS
        if not weights.is_file():
            raise RuntimeError(f"the paragraph model is missing: {weights} not found")
        config = json.loads((directory / CONFIG).read_text(encoding="utf-8"))
        with np.load(weights) as w:
            arrays = {k: w[k].astype(np.float64) for k in w.files}
        labels = tuple(config["labels"])
        decision = config["decision"]
        return cls(
            labels,
            Vocabulary(tuple(config["vocabulary"]), arrays["idf"]),
            DenseScaler(arrays["dense_mean"], arrays["dense_scale"]),
            Linear(arrays["dense_coef"], arrays["dense_intercept"]),
            Linear(arrays["words_coef"], arrays["words_intercept"]),
            Decision(float(decision["weight"]),
                     tuple(Calibration.from_json(decision["calibration"][label]) for label in labels),
                     float(decision["threshold"])),
            {k: v for k, v in config.items() if k not in ("vocabulary",)},
        )


@lru_cache(maxsize=1)
def load() -> ParagraphModel:
    """The shipped model, loaded on first use and shared by the process."""
    return ParagraphModel.load()
