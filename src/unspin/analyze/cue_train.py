"""Train the attribution cue tagger on PolNeAR: fit on ``fit``, choose on ``choose``, score dev once.

Every token of the layer's parse is labelled 1 when it lies in a gold Cue
span (the first annotator's file, as ``unspin eval attributions`` reads
it) and a logistic regression learns it from ``cue_features``. The
regularisation, the probability a cue needs, and how model and rules are
combined (rules alone, model alone, both, or rules gated by the model) are
chosen on the ``choose`` articles by the evaluator's own cue F1, among
settings whose cue precision reaches ``MIN_PRECISION``; dev is scored after
every choice is made, for the model card only.
"""

from __future__ import annotations

import bisect
import platform
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unspin.analyze.attributions import combined, make_span
from unspin.analyze.cue_features import sentence_features
from unspin.analyze.cue_model import CueModel, save
from unspin.analyze.cue_parses import parsed
from unspin.analyze.mentions import EntityIndex, mentions
from unspin.document import Document, Meta
from unspin.eval import layer_splits
from unspin.eval.attributions import Article, load_polnear, score_article, summarise

#: Chosen settings must keep at least this cue precision on ``choose`` (the target is 0.85 on dev).
MIN_PRECISION = 0.87
C_GRID = (0.3, 1.0)
THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(12))
GATES = (0.05, 0.15)
#: A feature seen in fewer fit tokens than this gets no weight (keeps the shipped table small).
MIN_COUNT = 2
FIT_SEED = 7


@dataclass
class Parts:
    fit: list[Article]
    choose: list[Article]
    test: list[Article]
    fit_total: int = 0


@dataclass
class Run:
    """What training did, for the card."""

    settings: dict = field(default_factory=dict)
    choose: dict = field(default_factory=dict)  # name -> figures
    test: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    features: int = 0
    articles: dict = field(default_factory=dict)  # part -> count (fit_total: fit articles available)
    tokens: int = 0
    positives: int = 0


def split(data: Path, fit_articles: int | None) -> Parts:
    """PolNeAR's articles in the committed parts; ``fit_articles`` keeps that many fit articles (seeded draw).

    A folder none of whose train articles are in the committed split (another
    copy, or a small one made for a test) is cut the same way afresh: a
    seeded fifth of train to choose on, the rest to fit, dev to score.
    """
    train_part = load_polnear(data / "train") if (data / "train").is_dir() else load_polnear(data)
    dev_part = load_polnear(data / "dev") if (data / "dev").is_dir() else []
    articles = {a.name: a for a in train_part}
    fit_names = sorted(n for n in layer_splits.ids("polnear", "fit") if n in articles)
    choose_names = sorted(n for n in layer_splits.ids("polnear", "choose") if n in articles)
    if not fit_names or not choose_names:
        drawn = sorted(articles)
        random.Random(layer_splits.SEED).shuffle(drawn)
        cut = -(-len(drawn) // 5)
        choose_names, fit_names = sorted(drawn[:cut]), sorted(drawn[cut:])
    if not fit_names:
        raise ValueError("too few train articles to fit on and choose with (at least 2 are needed)")
    random.Random(FIT_SEED).shuffle(fit_names)
    total = len(fit_names)
    if fit_articles is not None:
        fit_names = fit_names[:fit_articles]
    return Parts([articles[n] for n in fit_names], [articles[n] for n in choose_names], dev_part, total)


def cue_labels(sdoc, article: Article) -> list[int]:
    segments = sorted(seg for gold in article.attributions for seg in gold.cue)
    starts = [s for s, _ in segments]
    labels = []
    for token in sdoc:
        a, b = token.idx, token.idx + len(token.text)
        j = bisect.bisect_left(starts, b)
        labels.append(int(any(s < b and a < e for s, e in segments[max(0, j - 8):j])))
    return labels


def design(feature_lists: list[list[str]], vocabulary: dict[str, int]):
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for feats in feature_lists:
        cols = sorted({vocabulary[f] for f in feats if f in vocabulary})
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    shape = (len(feature_lists), len(vocabulary))
    return csr_matrix((data, np.array(indices, dtype=np.int32), np.array(indptr)), shape=shape)


def fit_model(features: list[list[str]], labels: list[int], c: float) -> tuple[list[str], np.ndarray, float]:
    """(feature names, weights, intercept) of a logistic regression on the fit tokens."""
    from collections import Counter

    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for feats in features for f in set(feats) if f != "bias")
    names = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    vocabulary = {f: i for i, f in enumerate(names)}
    model = LogisticRegression(C=c, solver="liblinear", max_iter=200)
    model.fit(design(features, vocabulary), np.array(labels))
    weights = model.coef_[0]
    keep = np.abs(weights) >= 1e-4
    return [n for n, k in zip(names, keep) if k], weights[keep], float(model.intercept_[0])


def score(articles: list[Article], sdocs: dict, model: CueModel | None, probs: dict | None = None) -> dict:
    """The evaluator's figures for the layer as ``model`` (None: rules alone) combines it, on parsed articles."""
    counts = []
    for article in articles:
        sdoc = sdocs[article.name]
        doc = Document(article.text, Meta(language="en"))
        doc.cache["spacy"] = sdoc
        index = EntityIndex(mentions(doc))
        found = combined(sdoc, model, probs[article.name] if probs else None)
        counts.append(score_article(article, [make_span(label, f, article.text, index) for label, f in found]))
    return summarise(articles, counts)


def better(a: dict, b: dict | None) -> bool:
    """Does figures ``a`` beat ``b``: precision floor first, then cue F1, then source accuracy."""
    if b is None:
        return True
    ok_a, ok_b = a["cue"]["precision"] >= MIN_PRECISION, b["cue"]["precision"] >= MIN_PRECISION
    if ok_a != ok_b:
        return ok_a
    return (a["cue"]["f1"], a["source_accuracy"]) > (b["cue"]["f1"], b["source_accuracy"])


def train(data: Path, out: Path, cache: Path | None = None, fit_articles: int | None = None,
          say=print) -> Run:
    """Fit, choose and score; write the chosen model to ``out``. Returns what the card reports."""
    run = Run()
    started = time.perf_counter()
    cache = cache or Path(tempfile.gettempdir()) / "unspin-polnear-parses"
    parts = split(data, fit_articles)
    say(f"PolNeAR: {len(parts.fit)} fit articles (of {parts.fit_total}), {len(parts.choose)} choose, "
        f"{len(parts.test)} test (dev); parses cached in {cache}")
    run.articles = {"fit": len(parts.fit), "fit_total": parts.fit_total, "choose": len(parts.choose),
                    "test": len(parts.test)}
    fit = {a.name for a in parts.fit}
    sdocs = {}
    for i, article in enumerate([*parts.fit, *parts.choose, *parts.test], 1):
        sdocs[article.name] = parsed(article.name, article.text, cache, entities=article.name not in fit)
        if i % 50 == 0:
            say(f"  parsed {i} articles ({time.perf_counter() - started:.0f} s)")
    run.seconds["parse"] = time.perf_counter() - started

    t = time.perf_counter()
    features: list[list[str]] = []
    labels: list[int] = []
    for article in parts.fit:
        sdoc = sdocs[article.name]
        features.extend(sentence_features(sdoc))
        labels.extend(cue_labels(sdoc, article))
    run.tokens, run.positives = len(labels), sum(labels)
    choose_features = {a.name: sentence_features(sdocs[a.name]) for a in parts.choose}
    run.seconds["features"] = time.perf_counter() - t

    t = time.perf_counter()
    rule = score(parts.choose, sdocs, None)
    run.choose["rule"] = rule
    say(f"rules on choose: cue F1 {rule['cue']['f1']:.3f} (P {rule['cue']['precision']:.3f}), "
        f"source {rule['source_accuracy']:.3f}")
    best: dict[str, tuple[dict, CueModel, tuple]] = {}  # per mode: figures, model, fitted table
    for c in C_GRID:
        names, weights, intercept = fit_model(features, labels, c)
        table = CueModel(dict(zip(names, weights.tolist())), intercept, 0.5, 0.0, "model")
        probs = {}
        for a in parts.choose:
            scores = np.array([intercept + sum(table.weights.get(f, 0.0) for f in feats)
                               for feats in choose_features[a.name]])
            probs[a.name] = 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))
        for threshold in THRESHOLDS:
            settings = [("model", 0.0), ("both", 0.0), *(("gated", g) for g in GATES)]
            for mode, gate in settings:
                model = table.with_choices(threshold=threshold, gate=gate, mode=mode)
                figures = score(parts.choose, sdocs, model, probs)
                kind = "model" if mode == "model" else "both"
                if better(figures, best.get(kind, (None,))[0]):
                    best[kind] = (figures, model, (names, weights, intercept, c))
        say(f"  C {c}: best so far " + ", ".join(
            f"{k} F1 {v[0]['cue']['f1']:.3f} P {v[0]['cue']['precision']:.3f} ({v[1].mode}, t {v[1].threshold})"
            for k, v in best.items()))
    run.seconds["choose"] = time.perf_counter() - t

    run.choose["model"], run.choose["both"] = best["model"][0], best["both"][0]
    winner = max(("rule", "model", "both"), key=lambda k: (run.choose[k]["cue"]["precision"] >= MIN_PRECISION,
                                                           run.choose[k]["cue"]["f1"], run.choose[k]["source_accuracy"]))
    shipped_kind = winner if winner != "rule" else "both"
    figures, model, (names, weights, intercept, c) = best[shipped_kind]
    if winner == "rule":
        model = model.with_choices(mode="rule")
    run.settings = {"C": c, "threshold": model.threshold, "gate": model.gate, "mode": model.mode,
                    "winner_on_choose": winner,
                    "model_alone": {"C": best["model"][2][3], "threshold": best["model"][1].threshold},
                    "both": {"C": best["both"][2][3], "mode": best["both"][1].mode,
                             "threshold": best["both"][1].threshold, "gate": best["both"][1].gate}}
    run.features = len(names)

    t = time.perf_counter()
    if parts.test:
        run.test["rule"] = score(parts.test, sdocs, None)
        run.test["model"] = score(parts.test, sdocs, best["model"][1])
        run.test["both"] = score(parts.test, sdocs, best["both"][1])
    run.seconds["test"] = time.perf_counter() - t

    save(out, names, weights, intercept, {
        "about": "attribution cue tagger: logistic regression over cue_features, trained by unspin train attributions",
        "threshold": model.threshold, "gate": model.gate, "mode": model.mode, "C": c,
        "features": len(names), "fit_articles": len(parts.fit),
    })
    run.seconds["total"] = time.perf_counter() - started
    return run


def versions() -> str:
    import sklearn
    import spacy

    from unspin import __version__

    return (f"python {platform.python_version()}, unspin {__version__}, spaCy {spacy.__version__}, "
            f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
