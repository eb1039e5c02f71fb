"""The machine's marks scored against the reviewed ones: precision, recall and F1 per layer and per label.

A match is exact: same layer, same offsets, same label (a canonical name is
not compared). A document's layer is scored only where a human looked at
it: the document is marked reviewed as a whole, or some review touches that
layer; otherwise the machine's untouched marks would count as confirmed.
The figures are those of the user's own corpus, not of any public gold set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from unspin.review.pairs import SPAN_LAYERS, Pair, touched_layers
from unspin.review.view import reviewed

ALL = "(all)"


def scored_layers(doc_id: str, reviews, marked: Collection[str]) -> tuple[str, ...]:
    """The layers of a document that count as checked (every span layer if it is marked reviewed)."""
    return SPAN_LAYERS if doc_id in marked else tuple(l for l in SPAN_LAYERS if l in touched_layers(reviews))


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _row(layer: str, label: str, documents: int, tp: int, fp: int, fn: int) -> dict:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = (2 * precision * recall / (precision + recall) if precision and recall else
          (0.0 if precision is not None and recall is not None else None))
    return {"layer": layer, "label": label, "documents": documents, "machine": tp + fp, "reviewed": tp + fn,
            "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def score(pairs: Iterable[Pair], marked: Collection[str] = ()) -> list[dict]:
    """Per layer, in the layers' order: one row for the whole layer (label ``(all)``, micro-averaged), then
    one per label.

    ``pairs``: (machine Document, its reviews), as ``unspin.store.review_io.pairs``
    gives them; ``marked``: ids of documents marked reviewed as a whole. Each
    row: layer, label, documents (scored for that layer), machine and
    reviewed span counts, tp, fp, fn, precision, recall, f1 (None where
    undefined: no machine span, or no reviewed span).
    """
    counts: dict[tuple[str, str], Counter] = {}
    documents: Counter = Counter()
    for doc, reviews in pairs:
        layers = scored_layers(doc.id, reviews, marked)
        if not layers:
            continue
        view = reviewed(doc, reviews)
        for layer in layers:
            documents[layer] += 1
            machine = Counter((s.start, s.end, s.label) for s in doc.layer(layer))
            gold = Counter((s.start, s.end, s.label) for s in view.layer(layer))
            for key in machine | gold:
                tally = counts.setdefault((layer, key[2]), Counter())
                tally["tp"] += min(machine[key], gold[key])
                tally["fp"] += max(0, machine[key] - gold[key])
                tally["fn"] += max(0, gold[key] - machine[key])
    rows = []
    for layer in SPAN_LAYERS:
        if not documents[layer]:
            continue
        labels = sorted(label for (name, label) in counts if name == layer)
        total: Counter = Counter()
        for label in labels:
            total.update(counts[(layer, label)])
        rows.append(_row(layer, ALL, documents[layer], total["tp"], total["fp"], total["fn"]))
        rows.extend(_row(layer, label, documents[layer], counts[(layer, label)]["tp"], counts[(layer, label)]["fp"],
                         counts[(layer, label)]["fn"]) for label in labels)
    return rows
