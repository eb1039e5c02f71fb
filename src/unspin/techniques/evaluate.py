"""Run the technique model over a PTC-layout split and score it as SemEval-2020 Task 11 does.

One encoder pass per article serves both tasks: the spans the model finds
(SI and end to end) and the techniques it gives the gold spans (TC). A gold
span listed n times (n techniques) gets the model's n best techniques, as
the task's TC input gives one row per label.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from unspin.eval.techniques import TECHNIQUES, Labelled, read_articles, read_labels, score


@dataclass(frozen=True)
class Found:
    """A reported span with the confidence shown to the reader."""

    article_id: str
    technique: str
    start: int
    end: int
    confidence: float


def classified_rows(article_id: str, rows: list[Labelled], probs) -> list[Labelled]:
    """One predicted label per gold row; repeated spans take the next-best technique each time."""
    out = []
    used: dict[tuple[int, int], int] = Counter()
    order: dict[tuple[int, int], list[int]] = {}
    for row, p in zip(rows, probs):
        key = (row.start, row.end)
        if key not in order:
            order[key] = [int(i) for i in (-p).argsort()]
        rank = used[key]
        used[key] += 1
        out.append(Labelled(article_id, TECHNIQUES[order[key][min(rank, len(TECHNIQUES) - 1)]], row.start, row.end))
    return out


def predict(
    model,
    texts: dict[str, str],
    gold: Iterable[Labelled] = (),
    advance: Callable[[], None] = lambda: None,
) -> tuple[list[Labelled], list[Labelled]]:
    """(spans found, labels given to the gold spans) over all articles, in sorted article order."""
    by_article: dict[str, list[Labelled]] = defaultdict(list)
    for g in gold:
        by_article[g.article_id].append(g)
    found, classified = [], []
    for article_id in sorted(texts):
        text = texts[article_id]
        encoded = model.encode(text) if text.strip() else None
        if encoded is not None:
            found.extend(Found(article_id, f.technique, f.start, f.end, f.confidence) for f in model.find(text, encoded))
            rows = by_article.get(article_id, [])
            if rows:
                probs = model.classify(text, [(r.start, r.end) for r in rows], encoded)
                classified.extend(classified_rows(article_id, rows, probs))
        advance()
    return found, classified


def calibration_of(gold: list[Labelled], found: list) -> dict:
    """ECE and reliability of the reported confidences: a span is right when a gold span of its technique overlaps it."""
    import numpy as np

    from unspin.techniques.calibration import expected_calibration_error, reliability

    by_article: dict[str, list[Labelled]] = defaultdict(list)
    for g in gold:
        by_article[g.article_id].append(g)
    correct = np.array([
        any(g.technique == f.technique and g.start < f.end and f.start < g.end for g in by_article.get(f.article_id, ()))
        for f in found
    ], dtype=float)
    confidence = np.array([f.confidence for f in found], dtype=float)
    return {
        "spans": len(found),
        "expected_right": round(float(confidence.sum()), 1),
        "right": int(correct.sum()),
        "ece": expected_calibration_error(confidence, correct) if len(found) else 0.0,
        "reliability": reliability(confidence, correct) if len(found) else [],
    }


def combined_score(gold: list[Labelled], found: list[Labelled], classified: list[Labelled]) -> dict:
    """SI, end to end and per technique from the found spans; TC from the gold spans' labels."""
    result = score(gold, found)
    result["tc"] = score(gold, classified)["tc"]
    return result


def evaluate(model, articles: Path, labels: Path | None, advance: Callable[[], None] = lambda: None) -> dict:
    texts = read_articles(articles)
    gold = read_labels(labels) if labels else []
    unknown = sorted({g.article_id for g in gold} - set(texts))
    if unknown:
        raise ValueError(f"labels name {len(unknown)} article(s) not in {articles} (first: {unknown[0]})")
    found, classified = predict(model, texts, gold, advance)
    found_rows = [Labelled(f.article_id, f.technique, f.start, f.end) for f in found]
    return {
        "articles": len(texts),
        "found": found_rows,
        "classified": classified,
        "scores": combined_score(gold, found_rows, classified) if labels else None,
        "calibration": calibration_of(gold, found) if labels else None,
    }
