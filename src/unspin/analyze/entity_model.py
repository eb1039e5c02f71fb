"""The learned entity classifier: what the mentions the rules propose stand for.

A multinomial logistic regression over ``entity_features`` (trained on
re3d's tune part by ``unspin train entities``) gives each mention a
probability of being a person, an organisation, a place, or none of them.
The rules keep the final word on where names are; the model changes them in
three ways, each behind a threshold chosen by cross-validation on the tune
part and stored in ``config.json``:

- a place or nationality that acts as a body ("Russia vetoed the draft",
  "Iraqis fled") keeps its label and place attributes and gains
  ``acts_as: organisation`` (ACE's GPE-as-organisation role);
- a person, organisation or place the model is confident is one of the
  other two is relabelled;
- a mention the model is confident names none of them is dropped.

Shipped as a table of feature weights (``models/entities/weights.npz``, no
pickled objects). When the files are absent the layer keeps to its rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from unspin.analyze.entity_features import mention_features

WEIGHTS = "weights.npz"
CONFIG = "config.json"
#: The model's classes, in the order of its weight columns.
CLASSES = ("none", "person", "organisation", "location")
#: The coarse class of each label the rules give; other labels (NORP, PRODUCT...) have none.
LABEL_CLASS = {"PERSON": "person", "ORG": "organisation", "GPE": "location", "LOC": "location", "FAC": "location"}
#: Labels that may act as a body while keeping their own label.
ACTOR_LABELS = frozenset({"GPE", "LOC", "NORP"})
#: Evidence left on a mention the model marked as acting as an organisation.
ACTS_AS_ORGANISATION = "learned_acts_as_organisation"


def model_dir() -> Path:
    return Path(str(resources.files("unspin") / "models" / "entities"))


@dataclass(frozen=True)
class Thresholds:
    acts_as: float = 1.01  # a place or nationality at or above this p(organisation) acts as a body
    relabel: float = 1.01  # a mention at or above this probability of another class takes that class
    drop: float = 1.01  # a mention at or above this p(none) is dropped


@dataclass(frozen=True)
class EntityModel:
    features: dict[str, int]  # feature name -> row of ``weights``
    weights: np.ndarray  # (features, classes)
    intercept: np.ndarray  # (classes,)
    thresholds: Thresholds

    def probabilities(self, feature_lists: list[list[str]]) -> np.ndarray:
        """One row of class probabilities (``CLASSES`` order) per mention."""
        scores = np.tile(self.intercept, (len(feature_lists), 1)).astype(np.float64)
        for row, feats in enumerate(feature_lists):
            rows = [self.features[f] for f in set(feats) if f in self.features]
            if rows:
                scores[row] += self.weights[rows].sum(axis=0)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def apply(self, sdoc, mentions: list) -> list:
        """The mentions with the model's decisions (``decide``) applied."""
        if not mentions:
            return mentions
        feats = [mention_features(sdoc, m.start, m.end, m.label, m.evidence) for m in mentions]
        probs = self.probabilities(feats)
        out = []
        for m, p in zip(mentions, probs):
            decision = decide(m.label, p, self.thresholds)
            if decision is None:
                out.append(m)
            elif decision == "drop":
                continue
            elif decision == "acts_as":
                out.append(widened(sdoc, m.but(why=ACTS_AS_ORGANISATION), mentions))
            else:
                out.append(widened(sdoc, m.but(label=decision, why=f"learned_label:{decision}"), mentions))
        return out


def group_extent(sdoc, m, mentions: list) -> tuple[int, int] | None:
    """The noun phrase a nationality word stands in ("the Syrian people", "120 Iraqi soldiers",
    "Syrian territory"), as tokens, when it holds no other mention; None otherwise."""
    if m.end - m.start != 1:
        return None
    token = sdoc[m.start]
    head = token.head
    if token.dep_ not in ("amod", "compound", "nmod") or head.pos_ != "NOUN" or head.i < m.end:
        return None
    for chunk in sdoc.noun_chunks:
        if chunk.start <= m.start and head.i < chunk.end:
            start = chunk.start + (1 if sdoc[chunk.start].pos_ == "ADP" else 0)
            if any((o.start, o.end) != (m.start, m.end) and o.start < chunk.end and o.end > start for o in mentions):
                return None
            return start, chunk.end
    return None


def widened(sdoc, m, mentions: list):
    """A nationality word the model reads as a body or a place covers its noun phrase; its name stays."""
    if m.label not in ("NORP", "LOC") or m.before or m.after or not m.evidence or m.evidence[0] != "model:NORP":
        return m
    extent = group_extent(sdoc, m, mentions)
    if extent is None:
        return m
    return replace(m, evidence=m.evidence + ("learned_noun_phrase",), before=m.start - extent[0],
                   after=extent[1] - m.end)


#: The label a relabelled mention takes for each class.
CLASS_LABEL = {"person": "PERSON", "organisation": "ORG", "location": "GPE"}


def decide(label: str, p: np.ndarray, t: Thresholds) -> str | None:
    """What the model does to a mention labelled ``label`` with class probabilities ``p``:
    None (nothing), "drop", "acts_as", or a new label."""
    own = LABEL_CLASS.get(label)
    if own is not None and p[0] >= t.drop:
        return "drop"
    best = 1 + int(np.argmax(p[1:]))
    cls = CLASSES[best]
    if label in ACTOR_LABELS and cls == "organisation" and p[best] >= t.acts_as:
        return "acts_as"
    if own is not None and cls != own and p[best] >= t.relabel and not (own == "location" and cls == "organisation"):
        return CLASS_LABEL[cls] if not (cls == "location" and label in ("LOC", "FAC")) else label
    if label == "NORP" and cls == "location" and p[best] >= t.relabel:
        return "LOC"  # "Syrian territory", "Lebanese airspace"
    return None


def save(directory: Path, features: list[str], weights: np.ndarray, intercept: np.ndarray, config: dict) -> None:
    """Write the weights (feature names, float32 weights, no pickled objects) and the config."""
    directory.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(directory / WEIGHTS, features=np.array(features, dtype=str),
                        weights=np.asarray(weights, dtype=np.float32), intercept=np.asarray(intercept, dtype=np.float32))
    (directory / CONFIG).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


def read(directory: Path) -> EntityModel:
    """The model in ``directory`` (raises FileNotFoundError when it is not there)."""
    config = json.loads((directory / CONFIG).read_text("utf-8"))
    with np.load(directory / WEIGHTS, allow_pickle=False) as data:
        names = [str(n) for n in data["features"]]
        weights = np.asarray(data["weights"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
    t = config["thresholds"]
    return EntityModel({n: i for i, n in enumerate(names)}, weights, intercept,
                       Thresholds(float(t["acts_as"]), float(t["relabel"]), float(t["drop"])))


@lru_cache(maxsize=1)
def shipped() -> EntityModel | None:
    """The packaged model, or None (said once) when its files are absent."""
    try:
        return read(model_dir())
    except FileNotFoundError:
        import warnings

        warnings.warn(f"no entity model in {model_dir()}; the entities layer uses its rules alone", stacklevel=2)
        return None
