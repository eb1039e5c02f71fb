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
from dataclasses import dataclass
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
LABEL_CLASS = {"PERSON": "person", "ORG": "organisation",
               "GPE": "location", "LOC": "location", "FAC": "location"}
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
            decision = decide(m.label, p, self.thresholds, may_act(sdoc, m), is_known_place(sdoc, m))
            if decision is None:
                out.append(m)
            elif decision == "acts_as":
                out.append(m.but(why=ACTS_AS_ORGANISATION))
            elif decision != "drop":
                out.append(m.but(label=decision, why=f"learned_label:{decision}"))
        return out


def is_known_place(sdoc, m) -> bool:
    """Whether the gazetteer knows the mention's name, as spelled, as a country, a state, a continent
    or a large city: enough to make a place of a name the parser took for something else; a small
    town's name is too often also a surname ("Obama" is a town in Japan)."""
    from unspin.analyze import gazetteer
    from unspin.analyze.entity_labels import LARGE_CITY
    from unspin.analyze.entity_words import surface

    text = surface(sdoc, m.start, m.end)
    match = gazetteer.resolve(text)
    return bool(match and match.spelled_as(text)
                and (match.place.kind != "city" or match.place.population >= LARGE_CITY))


#: What follows a dateline's place ("WASHINGTON (AP) -", "Baghdad, Iraq -"): it says where, not who.
DATELINE_AFTER = frozenset({"(", "-", "–", "—", ":"})


def is_dateline(sdoc, m) -> bool:
    """A place opening a line and followed by a bracket or a dash: the dateline of a wire story."""
    first = sdoc[m.start]
    opens_line = m.start == 0 or "\n" in sdoc[m.start - 1].text or "\n" in sdoc[m.start - 1].whitespace_
    return (opens_line and m.end < len(sdoc) and sdoc[m.end].text in DATELINE_AFTER
            and first.text[:1].isupper())


def may_act(sdoc, m) -> bool:
    """Whether a mention may be marked as acting as a body: a place that is not a dateline, or a
    nationality used as a plural noun ("Iraqis", "the Kurds"); not a nationality adjective
    ("Islamic aspects", "had been Christian"), which names no one."""
    if m.label == "NORP":
        root = sdoc[m.start:m.end].root
        return root.pos_ in ("NOUN", "PROPN") and root.tag_ in ("NNS", "NNPS") \
            and root.dep_ not in ("amod", "compound", "nmod")
    return m.label in ACTOR_LABELS and not is_dateline(sdoc, m)


#: The label a relabelled mention takes for each class.
CLASS_LABEL = {"person": "PERSON", "organisation": "ORG", "location": "GPE"}


def decide(label: str, p: np.ndarray, t: Thresholds, can_act: bool = True,
           known_place: bool = True) -> str | None:
    """What the model does to a mention labelled ``label`` with class probabilities ``p``:
    None (nothing), "drop", "acts_as" (only when ``can_act``: see ``may_act``), or a new label.
    A name becomes a place only if the gazetteer knows it as one (``known_place``, see
    ``is_known_place``): a person's name used as a modifier ("the Obama deal") sits where places
    sit, and is no place for it."""
    own = LABEL_CLASS.get(label)
    if own is not None and p[0] >= t.drop:
        return "drop"
    best = 1 + int(np.argmax(p[1:]))
    cls = CLASSES[best]
    if can_act and label in ACTOR_LABELS and cls == "organisation" and p[best] >= t.acts_as:
        return "acts_as"
    if own is not None and cls != own and p[best] >= t.relabel \
            and not (own == "location" and cls == "organisation") and (cls != "location" or known_place):
        return CLASS_LABEL[cls] if not (cls == "location" and label in ("LOC", "FAC")) else label
    return None


def save(directory: Path, features: list[str], weights: np.ndarray, intercept: np.ndarray,
         config: dict) -> None:
    """Write the weights (feature names, float32 weights, no pickled objects) and the config."""
    directory.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(directory / WEIGHTS, features=np.array(features, dtype=str),
                        weights=np.asarray(weights, dtype=np.float32),
                        intercept=np.asarray(intercept, dtype=np.float32))
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

        warnings.warn(f"no entity model in {model_dir()}; the entities layer uses its rules alone",
                      stacklevel=2)
        return None
