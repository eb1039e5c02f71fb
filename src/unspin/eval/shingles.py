"""The article-extraction benchmark's scoring rule, written out on its own.

Each text becomes a multiset of word 4-gram shingles (``\\w+`` tokens). Per page
the true/false positive and false negative counts are normalised to sum to one,
so long pages weigh no more than short ones. Precision is averaged over pages
that produced output, recall over pages that have gold text, and F1 is taken
from the two averages (not averaged per page).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import mean

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class PageCounts:
    tp: float
    fp: float
    fn: float


def page_counts(gold: str, predicted: str, n: int = 4) -> PageCounts:
    g, p = shingles(gold, n), shingles(predicted, n)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    if total:
        return PageCounts(tp / total, fp / total, fn / total)
    return PageCounts(0.0, 0.0, 0.0)


def _precision(c: PageCounts) -> float:
    if c.fp == 0 and c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0


def _recall(c: PageCounts) -> float:
    if c.fp == 0 and c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    pages: int


def aggregate(counts: list[PageCounts]) -> Scores:
    with_output = [_precision(c) for c in counts if c.tp + c.fp > 0]
    with_gold = [_recall(c) for c in counts if c.tp + c.fn > 0]
    p = mean(with_output) if with_output else 0.0
    r = mean(with_gold) if with_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(p, r, f1, len(counts))
