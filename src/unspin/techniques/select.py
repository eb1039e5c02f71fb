"""Choose how network outputs become reported spans: span rule, calibration, per-technique thresholds.

Every choice is made on the articles handed in, which are the tune part of
PTC train (``splits/ptc_tune.json``); PTC dev is never among them, so its
scores stay untouched. The order matters and is fixed:

1. the span source and rule (threshold, gap, shortest run) that maximise SI F1;
2. the calibration map, fitted on every (span, technique) candidate of
   those spans: a candidate is right when a gold span of that technique
   overlaps it;
3. per-technique thresholds on calibrated confidence, each chosen in turn
   to maximise end-to-end micro F1 (two sweeps, coordinate ascent);
4. a second isotonic map fitted on the candidates that pass their
   thresholds, since those are the confidences a reader sees: thresholds
   keep the candidates that beat their bin, which shifts the reported ones.

Before the calibration, per-technique offsets to the span head's
log-probabilities are chosen on the gold spans to maximise TC micro-F1
(coordinate ascent): a prior correction, since the mix of techniques differs
between the fitted articles and others. How much of its gain is fitting the
tune part itself is measured by cross-validation over its articles, and the
offsets are kept only when that cross-validated TC beats TC without them:
offsets that help only the articles they were fitted on would be a choice
tuned to the tune part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from unspin.eval.techniques import TECHNIQUES, Labelled, score
from unspin.techniques import calibration
from unspin.techniques.model import Decision, candidates

SPAN_THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.15, 0.71, 0.05))
#: Where span candidates come from (see ``infer.Encoded.inside``); the tune part picks one.
SPAN_SOURCES = ("token", "crf", "mean", "viterbi")
SPAN_GAPS = (0, 3, 5, 8, 12, 20, 30, 50)
SPAN_MIN_TOKENS = (1, 2)
TECHNIQUE_THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.0, 0.91, 0.05))


@dataclass
class TuneArticle:
    article_id: str
    encoded: object  # infer.Encoded
    gold: list[Labelled]


def best_span_rule(
    tune: list[TuneArticle], gold: list[Labelled], sources: tuple[str, ...] = ("token",),
) -> tuple[tuple[float, int, int, str], float]:
    """(threshold, gap, minimum tokens, source) with the best SI F1 on the articles given, and that F1."""
    from unspin.techniques.infer import find_spans

    best = ((0.5, 0, 1, sources[0]), -1.0)
    for source in sources:
        rules = [(0.0, 0, 1)] if source == "viterbi" else [
            (t, g, m) for t in SPAN_THRESHOLDS for g in SPAN_GAPS for m in SPAN_MIN_TOKENS
        ]
        for threshold, gap, min_tokens in rules:
            predicted = [
                Labelled(a.article_id, None, s, e)
                for a in tune for s, e, _ in find_spans(a.encoded, threshold, gap, min_tokens, source)
            ]
            f = score(gold, predicted)["si"]["f1"]
            if f > best[1] + 1e-9:
                best = ((threshold, gap, min_tokens, source), f)
    return best


@dataclass(frozen=True)
class Candidate:
    article_id: str
    start: int
    end: int
    technique: str
    raw: float
    correct: bool
    rank: int = 0  # 0 for the span's most likely technique, 1 for the runner-up


def tune_candidates(net, tune: list[TuneArticle], decision: Decision) -> list[Candidate]:
    from unspin.techniques.infer import classify

    out = []
    for a in tune:
        spans = decision.spans(a.encoded)
        probs = decision.adjust(classify(net, a.encoded, [(s, e) for s, e, _ in spans]))
        seen: set[int] = set()
        for k, t, raw in candidates(a.encoded, probs, spans):
            start, end, _ = spans[k]
            technique = TECHNIQUES[t]
            correct = any(g.technique == technique and g.start < end and start < g.end for g in a.gold)
            out.append(Candidate(a.article_id, start, end, technique, raw, correct, int(k in seen)))
            seen.add(k)
    return out


def shown_mask(cands: list[Candidate], confidence: np.ndarray, thresholds: dict[str, float], keep_best: bool) -> np.ndarray:
    """Which candidates are reported: those reaching their technique's threshold, and with ``keep_best`` every span's best."""
    return np.array([
        (keep_best and c.rank == 0) or p >= thresholds[c.technique] for c, p in zip(cands, confidence)
    ], dtype=bool)


def kept(cands: list[Candidate], confidence: np.ndarray, thresholds: dict[str, float], keep_best: bool = False) -> list[Labelled]:
    mask = shown_mask(cands, confidence, thresholds, keep_best)
    return [Labelled(c.article_id, c.technique, c.start, c.end) for c, m in zip(cands, mask) if m]


def choose_thresholds(
    cands: list[Candidate], confidence: np.ndarray, gold: list[Labelled], sweeps: int = 2, keep_best: bool = False,
) -> dict[str, float]:
    thresholds = {t: 0.0 for t in TECHNIQUES}
    for _ in range(sweeps):
        for technique in TECHNIQUES:
            best = (thresholds[technique], -1.0)
            for value in TECHNIQUE_THRESHOLDS:
                trial = thresholds | {technique: value}
                f = score(gold, kept(cands, confidence, trial, keep_best))["end_to_end"]["f1"]
                if f > best[1] + 1e-9:
                    best = (value, f)
            thresholds[technique] = best[0]
    return thresholds


OFFSETS = tuple(round(x, 2) for x in np.arange(-2.0, 2.01, 0.25))


def gold_span_probs(net, tune: list[TuneArticle]) -> tuple[list[str], list[Labelled], np.ndarray]:
    """The span head's probabilities on every tune gold row: (article of each row, rows, probabilities)."""
    from unspin.techniques.infer import classify

    articles, rows, probs = [], [], []
    for a in tune:
        if a.gold:
            probs.append(classify(net, a.encoded, [(g.start, g.end) for g in a.gold]))
            rows.extend(a.gold)
            articles.extend([a.article_id] * len(a.gold))
    width = len(TECHNIQUES)
    return articles, rows, (np.concatenate(probs) if probs else np.zeros((0, width), dtype=np.float32))


def tc_f1(rows: list[Labelled], probs: np.ndarray, offsets: np.ndarray) -> float:
    from unspin.techniques.evaluate import classified_rows

    adjusted = np.log(np.clip(probs, 1e-9, None)) + offsets
    predicted = []
    by_article: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_article.setdefault(r.article_id, []).append(i)
    for article_id, idx in by_article.items():
        predicted.extend(classified_rows(article_id, [rows[i] for i in idx], adjusted[idx]))
    return score(rows, predicted)["tc"]["micro_f1"]


def fit_offsets(rows: list[Labelled], probs: np.ndarray, sweeps: int = 2) -> np.ndarray:
    offsets = np.zeros(len(TECHNIQUES))
    best = tc_f1(rows, probs, offsets)
    for _ in range(sweeps):
        for k in range(len(TECHNIQUES)):
            for value in OFFSETS:
                trial = offsets.copy()
                trial[k] = value
                f = tc_f1(rows, probs, trial)
                if f > best + 1e-9:
                    best, offsets = f, trial
    return offsets


def cross_validated_offsets(articles: list[str], rows: list[Labelled], probs: np.ndarray, folds: int = 5, seed: int = 13) -> float:
    """TC micro-F1 when each tune article is labelled with offsets fitted on the other folds."""
    unique = sorted(set(articles))
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(unique, rng.permutation(len(unique)) % folds))
    assigned = np.array([fold_of[a] for a in articles])
    predicted = []
    from unspin.techniques.evaluate import classified_rows

    for f in range(folds):
        held = np.nonzero(assigned == f)[0]
        kept = np.nonzero(assigned != f)[0]
        offsets = fit_offsets([rows[i] for i in kept], probs[kept])
        adjusted = np.log(np.clip(probs[held], 1e-9, None)) + offsets
        by_article: dict[str, list[int]] = {}
        for j, i in enumerate(held):
            by_article.setdefault(rows[i].article_id, []).append(j)
        for article_id, idx in by_article.items():
            predicted.extend(classified_rows(article_id, [rows[held[j]] for j in idx], adjusted[idx]))
    return score(rows, predicted)["tc"]["micro_f1"]


def keep_offsets(tc_report: dict) -> bool:
    """Offsets are kept when, chosen without an article, they still raise its TC."""
    return tc_report["tc_offsets_cross_validated"] > tc_report["tc_without_offsets"]


def select(
    net, tune: list[TuneArticle], log: Callable[[str], None] = print, sources: tuple[str, ...] | None = None,
) -> tuple[Decision, dict]:
    """Every decision, made on the articles given (the tune part of train; never the articles that are scored)."""
    gold = [g for a in tune for g in a.gold]
    if sources is None:
        sources = SPAN_SOURCES if getattr(net, "crf", None) is not None else ("token",)
    (threshold, gap, min_tokens, source), si_f1 = best_span_rule(tune, gold, sources)
    log(f"span source {source}, threshold {threshold}, gap {gap}, minimum tokens {min_tokens} (tune SI F1 {si_f1:.4f})")
    articles, rows, probs = gold_span_probs(net, tune)
    offsets = fit_offsets(rows, probs)
    tc_report = {
        "tc_without_offsets": tc_f1(rows, probs, np.zeros(len(TECHNIQUES))),
        "tc_with_offsets": tc_f1(rows, probs, offsets),
        "tc_offsets_cross_validated": cross_validated_offsets(articles, rows, probs),
    }
    use_offsets = keep_offsets(tc_report)
    log("technique prior offsets: TC " + ", ".join(f"{k} {v:.4f}" for k, v in tc_report.items())
        + ("; kept" if use_offsets else "; not kept: they do not help articles they were not fitted on"))
    tc_report["offsets_kept"] = use_offsets
    if not use_offsets:
        offsets = np.zeros(len(TECHNIQUES))
    prior = Decision(
        threshold, calibration.Calibration((0.0, 1.0), (0.0, 1.0)), {}, tuple(map(float, offsets)), gap, min_tokens,
        span_source=source,
    )
    cands = tune_candidates(net, tune, prior)
    raw = np.array([c.raw for c in cands])
    correct = np.array([c.correct for c in cands], dtype=float)
    groups = np.array([c.article_id for c in cands])
    first_map, first_eces = calibration.choose_fitter(raw, correct, groups)
    calib = calibration.FITTERS[first_map](raw, correct)
    confidence = calib(raw)
    # two ways of reporting: only candidates that reach their technique's threshold (best end to end),
    # or every span with its best technique and the runner-up where it reaches the threshold (best SI)
    variants = {}
    for keep_best in (False, True):
        thresholds = choose_thresholds(cands, confidence, gold, keep_best=keep_best)
        result = score(gold, kept(cands, confidence, thresholds, keep_best))
        variants[keep_best] = (thresholds, result["si"]["f1"], result["end_to_end"]["f1"])
        log(f"{'every span keeps its best technique' if keep_best else 'thresholds gate every technique'}: "
            f"tune SI F1 {result['si']['f1']:.4f}, end to end {result['end_to_end']['f1']:.4f}")
    keep_best = max(variants, key=lambda k: variants[k][1] + variants[k][2])
    thresholds = variants[keep_best][0]
    log("per-technique thresholds: " + ", ".join(f"{t} {v}" for t, v in thresholds.items()))
    shown = shown_mask(cands, confidence, thresholds, keep_best)
    second_map, second_eces = calibration.choose_fitter(confidence[shown], correct[shown], groups[shown])
    reported = calibration.FITTERS[second_map](confidence[shown], correct[shown]) if shown.any() else None
    final = reported(confidence[shown]) if reported else confidence[shown]
    # a span the second map sends to 0 is never shown (the layer drops it), so it is not scored either
    visible = final > 0.0
    fitter = calibration.FITTERS[second_map]
    reported_held_out = calibration.cross_fitted(confidence[shown], correct[shown], groups[shown], fitter=fitter)
    held_out = calibration.cross_fitted(raw, correct, groups, fitter=calibration.FITTERS[first_map])
    report = tc_report | {
        "span_threshold_si_f1": si_f1,
        "keep_best": keep_best,
        "variants": {("keep_best" if k else "gated"): {"si_f1": v[1], "end_to_end_f1": v[2]} for k, v in variants.items()},
        "first_map": first_map,
        "first_map_cross_fitted_ece": first_eces,
        "second_map": second_map,
        "second_map_cross_fitted_ece": second_eces,
        "candidates": len(cands),
        "reported": int(visible.sum()),
        "ece_all_candidates": calibration.expected_calibration_error(confidence, correct),
        "ece_cross_fitted": calibration.expected_calibration_error(held_out, correct),
        "ece_reported_before_second_map": calibration.expected_calibration_error(confidence[shown], correct[shown]),
        "hidden_by_second_map": int((~visible).sum()),
        "ece_reported_spans": calibration.expected_calibration_error(final[visible], correct[shown][visible]),
        "ece_reported_cross_fitted": calibration.expected_calibration_error(reported_held_out, correct[shown]),
        "reliability_reported_spans": calibration.reliability(final[visible], correct[shown][visible]),
        "reliability_reported_cross_fitted": calibration.reliability(reported_held_out, correct[shown]),
        "reliability_all_candidates": calibration.reliability(confidence, correct),
    }
    log(f"calibration ({first_map}, then {second_map}): ECE {report['ece_reported_spans']:.4f} over {report['reported']} "
        f"reported spans ({report['ece_reported_cross_fitted']:.4f} cross-fitted by article)")
    decision = Decision(
        threshold, calib, thresholds, tuple(map(float, offsets)), gap, min_tokens, reported, source, keep_best,
    )
    return decision, report
