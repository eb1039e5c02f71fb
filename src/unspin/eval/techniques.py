"""Score propaganda-technique spans the way SemEval-2020 Task 11 defines it (PTC v2 data).

The metric is implemented from the task overview (Da San Martino et al., 2020),
not copied from the official scorer, so the ``techniques`` layer can be
measured here without shipping the corpus or its tools.

Files (TAB-separated; labels such as ``Name_Calling,Labeling`` contain commas):

- TC / FLC: ``article_id<TAB>technique<TAB>start<TAB>end``
- SI:       ``article_id<TAB>start<TAB>end``

Offsets are code points into ``open(p, encoding="utf-8", newline="").read()``,
``[start, end)``. Spans may overlap and one span may carry several techniques.

Three scores:

- **SI**: labels ignored. Gold and predicted spans are each merged per article
  (overlapping or touching spans become one), because SI gold is the union of
  the TC spans and because duplicate or overlapping predictions must not be
  credited twice. With S the predicted and T the gold spans and
  ``C(s, t, h) = |s ∩ t| / h``::

      P = (1/|S|) Σ_s Σ_t C(s, t, |s|)    R = (1/|T|) Σ_s Σ_t C(s, t, |t|)

- **TC**: predictions are labels on gold spans. A prediction counts when the
  same (article, start, end) has that label in gold; several labels on one
  span are matched as multisets, which is the best possible matching.
  Micro-F1 equals accuracy when exactly one prediction is given per gold row.
- **End to end**: the SI formula where only pairs with the same technique
  count, spans merged per (article, technique); micro-averaged over all spans,
  and per technique.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

TECHNIQUES = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

ARTICLE_PREFIX = "article"
ARTICLE_SUFFIX = ".txt"


@dataclass(frozen=True)
class Labelled:
    """One span of one article; ``technique`` is None for SI (span-only) rows."""

    article_id: str
    technique: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Credit:
    """Partial-overlap sums and span counts, kept apart so groups can be pooled (micro-averaging)."""

    precision_sum: float = 0.0
    recall_sum: float = 0.0
    predicted: int = 0
    gold: int = 0

    def __add__(self, other: Credit) -> Credit:
        return Credit(
            self.precision_sum + other.precision_sum,
            self.recall_sum + other.recall_sum,
            self.predicted + other.predicted,
            self.gold + other.gold,
        )


# ---------------------------------------------------------------- reading and writing


def read_article(path: Path) -> str:
    """Read an article verbatim: offsets count code points with no newline translation."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def read_articles(directory: str | Path) -> dict[str, str]:
    """Map article id to text for every ``article<ID>.txt`` in ``directory``."""
    directory = Path(directory)
    paths = sorted(directory.glob(f"{ARTICLE_PREFIX}*{ARTICLE_SUFFIX}"))
    if not paths:
        raise ValueError(f"no {ARTICLE_PREFIX}<ID>{ARTICLE_SUFFIX} files found in {directory}")
    return {path.name[len(ARTICLE_PREFIX) : -len(ARTICLE_SUFFIX)]: read_article(path) for path in paths}


def parse_offset(text: str, where: str) -> int:
    """An offset must be a non-negative integer; say where it was not."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{where}: offset {text!r} is not an integer") from None
    if value < 0:
        raise ValueError(f"{where}: offset {value} is negative")
    return value


def parse_label_line(line: str, where: str) -> Labelled:
    """Parse one TAB-separated row: 4 columns (TC/FLC) or 3 columns (SI, no technique)."""
    fields = line.split("\t")
    if len(fields) == 4:
        article_id, technique, start_text, end_text = fields
        if technique not in TECHNIQUES:
            raise ValueError(f"{where}: unknown technique {technique!r}")
    elif len(fields) == 3:
        article_id, start_text, end_text = fields
        technique = None
    else:
        raise ValueError(f"{where}: expected 3 or 4 TAB-separated columns, got {len(fields)}: {line!r}")
    if not article_id:
        raise ValueError(f"{where}: empty article id")
    start, end = parse_offset(start_text, where), parse_offset(end_text, where)
    if start >= end:
        raise ValueError(f"{where}: span [{start}, {end}) is empty or reversed")
    return Labelled(article_id, technique, start, end)


def read_labels(path: str | Path) -> list[Labelled]:
    """Read a gold or prediction file; blank lines are skipped, anything else malformed is an error."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines()
    return [
        parse_label_line(line, f"{path}:{number}")
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]


def format_label_line(span: Labelled) -> str:
    """The official 4-column row; a span without a technique cannot be written in it."""
    if span.technique is None:
        raise ValueError(f"span {span} has no technique: the 4-column format needs one")
    return f"{span.article_id}\t{span.technique}\t{span.start}\t{span.end}\n"


def write_predictions(spans: Iterable[Labelled], path_or_stream: str | Path | IO[str]) -> None:
    """Write spans in the official ``id<TAB>technique<TAB>start<TAB>end`` format."""
    rows = "".join(format_label_line(span) for span in spans)
    if isinstance(path_or_stream, (str, Path)):
        with open(path_or_stream, "w", encoding="utf-8", newline="") as handle:
            handle.write(rows)
    else:
        path_or_stream.write(rows)


# ---------------------------------------------------------------- span arithmetic


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of intervals as sorted, disjoint spans, so no character is counted twice."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Number of characters two half-open spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def article_of(span: Labelled) -> str:
    """Grouping key for SI: the article alone."""
    return span.article_id


def article_and_technique(span: Labelled) -> tuple[str, str | None]:
    """Grouping key for end to end: only same-technique pairs may share credit."""
    return (span.article_id, span.technique)


def merged_groups(
    spans: Iterable[Labelled], key: Callable[[Labelled], Hashable]
) -> dict[Hashable, list[tuple[int, int]]]:
    """Group spans by ``key(span)`` and merge each group."""
    groups: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for span in spans:
        groups[key(span)].append((span.start, span.end))
    return {group: merge_spans(members) for group, members in groups.items()}


def partial_credit(predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> Credit:
    """Σ C(s,t,|s|) and Σ C(s,t,|t|) over all pairs of one group (one article, or article and technique)."""
    precision_sum = recall_sum = 0.0
    for s in predicted:
        for t in gold:
            shared = overlap(s, t)
            if shared:
                precision_sum += shared / (s[1] - s[0])
                recall_sum += shared / (t[1] - t[0])
    return Credit(precision_sum, recall_sum, len(predicted), len(gold))


def credit_by_group(
    predicted: Mapping[Hashable, list[tuple[int, int]]], gold: Mapping[Hashable, list[tuple[int, int]]]
) -> dict[Hashable, Credit]:
    """Partial credit for every group present on either side (unmatched groups still count spans)."""
    return {
        group: partial_credit(predicted.get(group, []), gold.get(group, []))
        for group in set(predicted) | set(gold)
    }


def total(credits: Iterable[Credit]) -> Credit:
    """Pool credits: micro-averaging over all spans."""
    return sum(credits, Credit())


def ratio(numerator: float, denominator: float) -> float:
    """A ratio that is 0 rather than an error when nothing was predicted or nothing is gold."""
    return numerator / denominator if denominator else 0.0


def f1(precision: float, recall: float) -> float:
    """Harmonic mean, 0 when both are 0."""
    return ratio(2 * precision * recall, precision + recall)


def precision_recall_f1(credit: Credit) -> dict[str, float | int]:
    """P, R and F1 from pooled partial credit, with the span counts they rest on."""
    precision = ratio(credit.precision_sum, credit.predicted)
    recall = ratio(credit.recall_sum, credit.gold)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1(precision, recall),
        "gold": credit.gold,
        "predicted": credit.predicted,
    }


# ---------------------------------------------------------------- the three scores


def score_span_identification(gold: Iterable[Labelled], predicted: Iterable[Labelled]) -> dict:
    """SI: labels ignored, both sides merged per article, partial-overlap P/R/F1."""
    credits = credit_by_group(merged_groups(predicted, article_of), merged_groups(gold, article_of))
    return precision_recall_f1(total(credits.values()))


def labels_by_span(spans: Iterable[Labelled]) -> dict[tuple[str, int, int], Counter]:
    """The multiset of techniques on each exact (article, start, end)."""
    labels: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
    for span in spans:
        labels[(span.article_id, span.start, span.end)][span.technique] += 1
    return labels


def score_technique_classification(gold: Iterable[Labelled], predicted: Iterable[Labelled]) -> dict:
    """TC: micro P/R/F1 of labels on exact spans; per span, the multiset intersection is the best matching."""
    gold_labels, predicted_labels = labels_by_span(gold), labels_by_span(predicted)
    matched = sum(
        sum((labels & gold_labels.get(span, Counter())).values()) for span, labels in predicted_labels.items()
    )
    gold_count = sum(sum(labels.values()) for labels in gold_labels.values())
    predicted_count = sum(sum(labels.values()) for labels in predicted_labels.values())
    precision, recall = ratio(matched, predicted_count), ratio(matched, gold_count)
    return {
        "micro_f1": f1(precision, recall),
        "precision": precision,
        "recall": recall,
        "matched": matched,
        "gold": gold_count,
        "predicted": predicted_count,
    }


def score_end_to_end(gold: list[Labelled], predicted: list[Labelled]) -> tuple[dict, dict[str, dict]]:
    """Span and technique together: micro P/R/F1 over all spans, and the same per technique.

    Per-technique ``gold``/``predicted`` counts are rows before merging; the
    micro figures' counts are the merged spans the formula divides by.
    """
    credits = credit_by_group(
        merged_groups(predicted, article_and_technique), merged_groups(gold, article_and_technique)
    )
    gold_rows = Counter(span.technique for span in gold)
    predicted_rows = Counter(span.technique for span in predicted)
    techniques = list(TECHNIQUES) + sorted(
        str(name) for name in (set(gold_rows) | set(predicted_rows)) - set(TECHNIQUES)
    )
    per_technique = {}
    for technique in techniques:
        scores = precision_recall_f1(total(c for (_, name), c in credits.items() if name == technique))
        per_technique[technique] = scores | {
            "gold": gold_rows.get(technique, 0),
            "predicted": predicted_rows.get(technique, 0),
        }
    return precision_recall_f1(total(credits.values())), per_technique


def score(gold: list[Labelled], predicted: list[Labelled]) -> dict:
    """All Task 11 scores for one set of predictions against gold (see the module docstring)."""
    gold, predicted = list(gold), list(predicted)
    end_to_end, per_technique = score_end_to_end(gold, predicted)
    return {
        "si": score_span_identification(gold, predicted),
        "tc": score_technique_classification(gold, predicted),
        "end_to_end": end_to_end,
        "per_technique": per_technique,
    }


def format_table(result: Mapping) -> str:
    """A plain-text report of a :func:`score` result."""
    si, tc, e2e = result["si"], result["tc"], result["end_to_end"]
    width = max(len(name) for name in result["per_technique"]) if result["per_technique"] else 10
    lines = [
        f"SI          P {si['precision']:.4f}  R {si['recall']:.4f}  F1 {si['f1']:.4f}"
        f"  (gold {si['gold']}, predicted {si['predicted']} merged spans)",
        f"TC          micro-F1 {tc['micro_f1']:.4f}  ({tc['matched']} of {tc['gold']} gold labels,"
        f" {tc['predicted']} predicted)",
        f"end to end  P {e2e['precision']:.4f}  R {e2e['recall']:.4f}  F1 {e2e['f1']:.4f}",
        "",
        f"{'technique':<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'gold':>5}  {'pred':>5}",
    ]
    for name, row in result["per_technique"].items():
        lines.append(
            f"{name:<{width}}  {row['precision']:6.4f}  {row['recall']:6.4f}  {row['f1']:6.4f}"
            f"  {row['gold']:5d}  {row['predicted']:5d}"
        )
    return "\n".join(lines)
