"""Fitting the feature-based technique model on PTC, choosing its decoding on a tune part, and
scoring it; nothing of the corpus is stored (models are built in memory)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from unspin.eval.techniques import Labelled, read_articles, read_labels, score
from unspin.techniques.lexical import LexicalModel, SentenceModel
from unspin.techniques.lexical_features import (
    TCFeatures, Vocabulary, line_labels, same_text_counts, span_view, token_features, token_labels
)
from unspin.techniques.lexical_text import Doc

CLASS_WEIGHT_POWER = 0.5
TC_C = 4.0
SI_C = 0.1
SENTENCE_FOLDS = 5

def read_split(
    directory: Path, articles: Sequence[str] | None = None,
) -> tuple[dict[str, str], list[Labelled]]:
    """Articles and TC gold of a PTC split directory (``train/`` or ``dev/``), or of those of its
    articles whose id is in ``articles``."""
    directory = Path(directory)
    labels = sorted(directory.glob("*-task-flc-tc.labels"))
    if len(labels) != 1:
        raise ValueError(f"expected one *-task-flc-tc.labels file in {directory}, found {len(labels)}")
    texts, gold = read_articles(directory / "articles"), read_labels(labels[0])
    if articles is None:
        return texts, gold
    wanted = set(articles)
    return {k: v for k, v in texts.items() if k in wanted}, [row for row in gold if row.article_id in wanted]


def class_weights(labels: Sequence[str], power: float) -> dict[str, float]:
    """``balanced`` class weights raised to ``power`` (0: unweighted, 1: fully balanced)."""
    counts = Counter(labels)
    n, k = len(labels), len(counts)
    return {name: (n / (k * count)) ** power for name, count in counts.items()}


def fit_tc(
    docs: dict[str, Doc], gold: Sequence[Labelled], seed: int, c: float = TC_C, power: float = CLASS_WEIGHT_POWER
) -> tuple[TCFeatures, LogisticRegression]:
    """The TC model on every gold row (a span with two labels gives two rows)."""
    by_article: dict[str, list[Labelled]] = {}
    for row in gold:
        by_article.setdefault(row.article_id, []).append(row)
    views, labels = [], []
    for article_id in sorted(by_article):
        rows = by_article[article_id]
        doc = docs[article_id]
        spans = [(r.start, r.end) for r in rows]
        for row, same in zip(rows, same_text_counts(doc, spans)):
            views.append(span_view(doc, row.start, row.end, same))
            labels.append(row.technique)
    features = TCFeatures()
    matrix = features.fit_transform(views)
    model = LogisticRegression(
        C=c, class_weight=class_weights(labels, power), max_iter=5000, random_state=seed, solver="lbfgs"
    )
    model.fit(matrix, labels)
    return features, model


def fit_si(
    docs: dict[str, Doc], gold: Sequence[Labelled], seed: int, c: float = SI_C, folds: int = SENTENCE_FOLDS
) -> tuple[SentenceModel, Vocabulary, LogisticRegression]:
    """The sentence model, then the token model on out-of-fold sentence probabilities.

    The token model must see sentence probabilities as noisy in training as they will be on
    unseen articles, so on train they come from ``folds`` sentence models, each fitted without
    the articles it scores (article ``i`` in sorted order is in fold ``i % folds``).
    """
    spans: dict[str, list[tuple[int, int]]] = {article_id: [] for article_id in docs}
    for row in gold:
        spans[row.article_id].append((row.start, row.end))
    ids = sorted(docs)
    token_gold = {article_id: token_labels(docs[article_id], spans[article_id]) for article_id in ids}
    lines = {article_id: [docs[article_id].text[s:e] for s, e in docs[article_id].lines] for article_id in ids}
    targets = {article_id: line_labels(docs[article_id], token_gold[article_id]) for article_id in ids}

    def pooled(members: Sequence[str]) -> tuple[list[str], np.ndarray]:
        return [line for a in members for line in lines[a]], np.concatenate([targets[a] for a in members])

    sentence_model = SentenceModel(seed).fit(*pooled(ids))
    fold_of = {article_id: index % folds for index, article_id in enumerate(ids)}
    line_probabilities: dict[str, np.ndarray] = {}
    if folds > 1 and len(ids) >= folds:
        for fold in range(folds):
            inside = [a for a in ids if fold_of[a] != fold]
            held_out = [a for a in ids if fold_of[a] == fold]
            model = SentenceModel(seed).fit(*pooled(inside))
            for article_id in held_out:
                line_probabilities[article_id] = model.predict(lines[article_id])
    else:
        line_probabilities = {a: sentence_model.predict(lines[a]) for a in ids}
    rows: list[list[str]] = []
    for article_id in ids:
        rows += token_features(docs[article_id], line_probabilities[article_id])
    vocabulary = Vocabulary(rows)
    si_model = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    si_model.fit(vocabulary.transform(rows), np.concatenate([token_gold[a] for a in ids]))
    return sentence_model, vocabulary, si_model


def train(
    train_dir: Path,
    seed: int = 13,
    articles: Sequence[str] | None = None,
    tc_c: float = TC_C,
    class_weight_power: float = CLASS_WEIGHT_POWER,
    si_c: float = SI_C,
    extra: tuple[dict[str, str], list[Labelled]] | None = None,
) -> LexicalModel:
    """Fit both models on a PTC split (``train/``); ``articles`` limits it to some ids (for tests);
    ``extra`` adds (texts, gold) of other articles (reviewed documents from a store).

    Decoding settings start at the values :class:`LexicalModel` holds; :func:`select` chooses
    them on a tune part.
    """
    began = time.perf_counter()
    texts, gold = read_split(Path(train_dir), articles)
    if extra is not None:
        texts = {**texts, **extra[0]}
        gold = gold + list(extra[1])
    docs = {article_id: Doc(text) for article_id, text in texts.items()}
    tc_began = time.perf_counter()
    tc_features, tc_model = fit_tc(docs, gold, seed, tc_c, class_weight_power)
    si_began = time.perf_counter()
    sentence_model, vocabulary, si_model = fit_si(docs, gold, seed, si_c)
    done = time.perf_counter()
    return LexicalModel(
        tc_features,
        tc_model,
        sentence_model,
        vocabulary,
        si_model,
        timings={"prepare": tc_began - began, "tc": si_began - tc_began, "si": done - si_began, "train": done - began},
    )


def select(
    model: LexicalModel,
    split_dir: Path,
    thresholds: Sequence[float] = tuple(np.round(np.arange(0.1, 0.451, 0.025), 3)),
    seed_steps: Sequence[float] = tuple(np.round(np.arange(0.0, 0.41, 0.05), 2)),
    gaps: Sequence[int] = (0, 1, 2, 3),
    second_labels: Sequence[float] = (0.2, 0.25, 0.3, 0.35, 0.4, 1.01),
    articles: Sequence[str] | None = None,
) -> LexicalModel:
    """Choose decoding on the articles of ``split_dir`` (or those of them in ``articles``): threshold,
    seed threshold and gap for SI F1, then the second-label cut.

    The seed threshold is tried at ``threshold + step`` for every step in ``seed_steps``. The
    second-label cut is chosen for end-to-end F1 (1.01 means never). The chosen values are set
    on ``model``, which is returned; every grid point's score is kept in ``model.selection``
    and the time taken in ``model.timings['select']``. ``articles`` limits it to some ids
    (the tune part of train, when the split's own articles are scored afterwards).
    """
    began = time.perf_counter()
    texts, gold = read_split(Path(split_dir), articles)
    docs = {article_id: Doc(text) for article_id, text in texts.items()}
    probabilities = {article_id: model.token_probabilities(doc) for article_id, doc in docs.items()}
    si_gold = [Labelled(row.article_id, None, row.start, row.end) for row in gold]
    best = (-1.0, model.threshold, model.seed_threshold, model.max_gap)
    grid: list[tuple] = []
    for gap in gaps:
        model.max_gap = gap
        for threshold in thresholds:
            for step in seed_steps:
                model.threshold, model.seed_threshold = float(threshold), float(threshold + step)
                predicted = [
                    Labelled(article_id, None, start, end)
                    for article_id in sorted(docs)
                    for start, end in model.decode(docs[article_id], probabilities[article_id])
                ]
                f = score(si_gold, predicted)["si"]["f1"]
                grid.append(("si", gap, model.threshold, model.seed_threshold, f))
                if f > best[0]:
                    best = (f, model.threshold, model.seed_threshold, gap)
    _, model.threshold, model.seed_threshold, model.max_gap = best
    spans = {article_id: model.decode(docs[article_id], probabilities[article_id]) for article_id in docs}
    tc_probabilities = {a: model.tc_probabilities(docs[a], spans[a]) for a in docs}
    names = model.techniques
    best_second = (-1.0, model.second_label)
    for cut in second_labels:
        predicted = []
        for article_id in sorted(docs):
            for (start, end), row in zip(spans[article_id], tc_probabilities[article_id]):
                order = np.argsort(-row, kind="stable")
                predicted.append(Labelled(article_id, names[order[0]], start, end))
                if row[order[1]] >= cut:
                    predicted.append(Labelled(article_id, names[order[1]], start, end))
        f = score(gold, predicted)["end_to_end"]["f1"]
        grid.append(("second_label", float(cut), f))
        if f > best_second[0]:
            best_second = (f, float(cut))
    model.second_label = best_second[1]
    model.selection = grid
    model.timings["select"] = time.perf_counter() - began
    return model


def evaluate(model: LexicalModel, articles_dir: Path, labels_path: Path, distinct_for_repeats: bool = False) -> dict:
    """:func:`unspin.eval.techniques.score` of the model on a split.

    TC predictions are the top label on every gold row (one prediction per row); with
    ``distinct_for_repeats`` a span given k times gets its k best distinct labels instead.
    SI and end-to-end predictions come from :meth:`LexicalModel.find`.
    """
    texts = read_articles(articles_dir)
    gold = read_labels(labels_path)
    names = model.techniques
    by_article: dict[str, list[Labelled]] = {}
    for row in gold:
        by_article.setdefault(row.article_id, []).append(row)
    tc_predicted = []
    for article_id, rows in sorted(by_article.items()):
        spans = [(r.start, r.end) for r in rows]
        probabilities = model.tc_probabilities(Doc(texts[article_id]), spans)
        seen: Counter = Counter()
        for row, p in zip(rows, probabilities):
            order = np.argsort(-p, kind="stable")
            rank = min(seen[(row.start, row.end)], len(order) - 1) if distinct_for_repeats else 0
            seen[(row.start, row.end)] += 1
            tc_predicted.append(Labelled(article_id, names[order[rank]], row.start, row.end))
    found = [
        Labelled(article_id, technique, start, end)
        for article_id in sorted(texts)
        for start, end, technique, _ in model.find(texts[article_id])
    ]
    result = score(gold, found)
    result["tc"] = score(gold, tc_predicted)["tc"]
    return result
