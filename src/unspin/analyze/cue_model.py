"""The learned cue tagger behind the ``attributions`` layer: which tokens introduce an attribution.

A logistic regression over ``cue_features`` (trained on PolNeAR's Cue spans
by ``unspin train attributions``), shipped as a table of feature weights in
``models/attributions/weights.npz`` with its choices in ``config.json``:
the probability a token needs to be a cue and how the model's cues and the
hand rules are combined (``mode``). Loaded once per process from the
package; when the files are absent the layer keeps to its rules.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from unspin.analyze.cue_features import sentence_features

WEIGHTS = "weights.npz"
CONFIG = "config.json"
#: How model cues and rule attributions combine; ``rule`` ignores the model.
MODES = ("rule", "model", "both", "gated")


def model_dir() -> Path:
    return Path(str(resources.files("unspin") / "models" / "attributions"))


@dataclass(frozen=True)
class CueModel:
    weights: dict[str, float]
    intercept: float
    threshold: float  # a token at or above this probability is (part of) a cue
    gate: float  # in ``gated`` mode, a rule cue is kept when its token reaches this probability
    mode: str

    def probabilities(self, sdoc) -> np.ndarray:
        """Probability, per token of the parse, that it is (inside) an attribution cue."""
        get = self.weights.get
        scores = [self.intercept + sum(get(f, 0.0) for f in feats) for feats in sentence_features(sdoc)]
        return np.array([1.0 / (1.0 + math.exp(-max(min(s, 30.0), -30.0))) for s in scores])

    def with_choices(self, **changes) -> "CueModel":
        values = {**self.__dict__, **changes}
        return CueModel(**values)


def save(directory: Path, features: list[str], coefficients: np.ndarray, intercept: float, config: dict) -> None:
    """Write the weights (feature names and float32 weights, no pickled objects) and the config."""
    directory.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(directory / WEIGHTS, features=np.array(features, dtype=str),
                        weights=np.asarray(coefficients, dtype=np.float32), intercept=np.float32(intercept))
    (directory / CONFIG).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


def read(directory: Path) -> CueModel:
    """The model in ``directory`` (raises FileNotFoundError when it is not there)."""
    config = json.loads((directory / CONFIG).read_text("utf-8"))
    with np.load(directory / WEIGHTS, allow_pickle=False) as data:
        names = [str(n) for n in data["features"]]
        weights = dict(zip(names, (float(w) for w in data["weights"])))
        intercept = float(data["intercept"])
    mode = config.get("mode", "rule")
    if mode not in MODES:
        raise ValueError(f"{directory / CONFIG}: mode {mode!r} is not one of {', '.join(MODES)}")
    return CueModel(weights, intercept, float(config["threshold"]), float(config.get("gate", 0.0)), mode)


@lru_cache(maxsize=1)
def shipped() -> CueModel | None:
    """The packaged model, or None (said once) when its files are absent."""
    try:
        return read(model_dir())
    except FileNotFoundError:
        import warnings

        warnings.warn(f"no attribution cue model in {model_dir()}; the attributions layer uses its rules alone",
                      stacklevel=2)
        return None


def cue_groups(probs: np.ndarray, sdoc, threshold: float) -> list[list[int]]:
    """Runs of adjacent tokens at or above ``threshold`` within one sentence, as token indices.

    Punctuation is never a cue but for the colon that introduces a statement ("Her word: ...").
    """
    groups: list[list[int]] = []
    for i, p in enumerate(probs):
        if p < threshold or (sdoc[i].is_punct and sdoc[i].text != ":") or sdoc[i].is_space:
            continue
        if groups and groups[-1][-1] == i - 1 and not sdoc[i].is_sent_start:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups
