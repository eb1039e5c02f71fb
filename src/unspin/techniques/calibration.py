"""Turn raw span scores into probabilities that mean what they say, and measure how well they do.

A span's raw score (how sure the token head is that the words are
propaganda, times the span head's probability for the technique) ranks
well but is not a probability. Isotonic regression on dev maps it to the
observed rate at which such predictions are right; the map ships as
breakpoints and is applied with linear interpolation, so the layer needs
no scikit-learn at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Equal-width confidence bins for the expected calibration error and the reliability table.
BINS = 10


@dataclass(frozen=True)
class Calibration:
    """A monotone map from raw score to probability, as breakpoints."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __call__(self, raw: np.ndarray | float) -> np.ndarray:
        return np.clip(np.interp(raw, self.xs, self.ys), 0.0, 1.0)

    def to_json(self) -> dict:
        return {"xs": [round(x, 6) for x in self.xs], "ys": [round(y, 6) for y in self.ys]}

    @classmethod
    def from_json(cls, data: dict) -> "Calibration":
        return cls(tuple(data["xs"]), tuple(data["ys"]))


def fit(raw: np.ndarray, correct: np.ndarray, pseudo: float = 0.0) -> Calibration:
    """Isotonic fit of correctness on raw score (scikit-learn, used only when training).

    ``pseudo`` > 0 shrinks each block of the fit towards one half by that many
    imagined right and wrong cases each, so a block of a few top scores that
    happened to be all right does not claim certainty (levels are then made
    non-decreasing again).
    """
    from sklearn.isotonic import IsotonicRegression

    raw = np.asarray(raw, dtype=float)
    correct = np.asarray(correct, dtype=float)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, correct)
    xs = np.asarray(iso.X_thresholds_, dtype=float)
    ys = np.asarray(iso.y_thresholds_, dtype=float)
    if pseudo > 0 and len(raw):
        ys = _shrunk_levels(iso.predict(raw), correct, ys, pseudo)
    if len(xs) == 1:  # a constant map still needs two points to interpolate
        xs, ys = np.array([0.0, 1.0]), np.array([ys[0], ys[0]])
    return Calibration(tuple(map(float, xs)), tuple(map(float, ys)))


def _shrunk_levels(fitted: np.ndarray, correct: np.ndarray, levels: np.ndarray, pseudo: float) -> np.ndarray:
    """Each isotonic level replaced by (right + pseudo) / (cases + 2 pseudo) over the cases fitted to it."""
    out = levels.copy()
    for value in np.unique(levels):
        members = np.isclose(fitted, value)
        shrunk = (correct[members].sum() + pseudo) / (members.sum() + 2 * pseudo) if members.any() else value
        out[np.isclose(levels, value)] = shrunk
    return np.maximum.accumulate(out)


def fit_platt(raw: np.ndarray, correct: np.ndarray, points: int = 64) -> Calibration:
    """A logistic curve over the raw score's log-odds, kept as breakpoints: smoother than isotonic on few examples."""
    from sklearn.linear_model import LogisticRegression

    raw = np.asarray(raw, dtype=float)
    if len(np.unique(correct)) < 2:
        value = float(np.mean(correct)) if len(correct) else 0.0
        return Calibration((0.0, 1.0), (value, value))
    logit = _logit(raw)
    model = LogisticRegression(C=1e4, max_iter=1000).fit(logit[:, None], correct)
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    if slope <= 0:  # a score that does not rank: the base rate everywhere
        value = float(np.mean(correct))
        return Calibration((0.0, 1.0), (value, value))
    xs = np.unique(np.concatenate([[0.0, 1.0], np.quantile(raw, np.linspace(0, 1, points))]))
    ys = 1.0 / (1.0 + np.exp(-(slope * _logit(xs) + intercept)))
    return Calibration(tuple(map(float, xs)), tuple(map(float, ys)))


def _logit(x: np.ndarray) -> np.ndarray:
    x = np.clip(np.asarray(x, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(x / (1 - x))


#: Imagined right and wrong cases each isotonic block of the span model's maps is shrunk by: a block
#: of a few top candidates that all happened to be right must not show a reader a confidence of 1.
ISOTONIC_PSEUDO = 1.0


def fit_shrunk(raw: np.ndarray, correct: np.ndarray) -> Calibration:
    return fit(raw, correct, pseudo=ISOTONIC_PSEUDO)


#: The calibration maps a training run may choose between, by cross-fitted ECE on the tune part.
FITTERS = {"isotonic": fit_shrunk, "platt": fit_platt}


def choose_fitter(raw: np.ndarray, correct: np.ndarray, groups: np.ndarray) -> tuple[str, dict[str, float]]:
    """The map whose cross-fitted (by article) ECE is lowest, and each map's ECE."""
    eces = {name: expected_calibration_error(cross_fitted(raw, correct, groups, fitter=f), correct) for name, f in FITTERS.items()}
    return min(eces, key=eces.get), eces


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> list[dict]:
    """Per bin: its range, how many predictions fell in it, their mean confidence and how many were right."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        rows.append({
            "low": float(edges[b]),
            "high": float(edges[b + 1]),
            "count": n,
            "confidence": float(confidence[inside].mean()) if n else None,
            "accuracy": float(correct[inside].mean()) if n else None,
        })
    return rows


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> float:
    """Σ over bins of (share of predictions) × |accuracy − mean confidence|."""
    total = len(confidence)
    if total == 0:
        return 0.0
    return float(sum(
        r["count"] / total * abs(r["accuracy"] - r["confidence"]) for r in reliability(confidence, correct, bins) if r["count"]
    ))


def cross_fitted(
    raw: np.ndarray, correct: np.ndarray, groups: np.ndarray, folds: int = 5, seed: int = 13, fitter=None,
) -> np.ndarray:
    """Each prediction calibrated by a map fitted without its article: an honest ECE on the data that fits the map."""
    unique = np.unique(groups)
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(unique, rng.permutation(len(unique)) % folds))
    assigned = np.array([fold_of[g] for g in groups])
    out = np.zeros(len(raw))
    for f in range(folds):
        held = assigned == f
        if held.any() and (~held).any():
            out[held] = (fitter or fit)(raw[~held], correct[~held])(raw[held])
    return out


def format_reliability(rows: list[dict]) -> str:
    lines = ["| confidence bin | predictions | mean confidence | share correct |", "|---|---:|---:|---:|"]
    for r in rows:
        conf = "—" if r["confidence"] is None else f"{r['confidence']:.3f}"
        acc = "—" if r["accuracy"] is None else f"{r['accuracy']:.3f}"
        lines.append(f"| {r['low']:.1f}–{r['high']:.1f} | {r['count']} | {conf} | {acc} |")
    return "\n".join(lines)
