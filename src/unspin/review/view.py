"""The reviewed view of a document, and how it differs from the machine's.

The machine's layers are never changed: ``reviewed`` builds a new Document
whose layers are the machine's with the latest review of each span applied
(rejected spans gone, changed ones moved or relabelled, added ones in), so
every renderer and exporter that reads a Document reads the reviewed view
unchanged. A span a review touched says so in its attributes (``review``:
the verdict, reviewer, time and note), which is how pages mark it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from unspin.document import Document, Furniture, Span
from unspin.review.records import Mark, Review, furniture_mark, latest

#: The component name of spans a reviewer added.
REVIEWER = "review"


def mark_of(span: Span) -> Mark:
    canonical = (span.attrs or {}).get("canonical")
    return Mark(span.start, span.end, span.label, canonical if isinstance(canonical, str) else None)


def _stamp(review: Review) -> dict:
    return {"verdict": review.verdict, "reviewer": review.reviewer, "at": review.at.isoformat(),
            "note": review.note, "origin": review.origin}


def _changed(span: Span, review: Review) -> Span:
    after = review.after
    attrs = dict(span.attrs or {})
    if after.canonical is not None:
        attrs["canonical"] = after.canonical
    attrs["review"] = {**_stamp(review), "machine": [span.start, span.end, span.label],
                       "machine_canonical": mark_of(span).canonical}
    return dataclasses.replace(span, start=after.start, end=after.end, label=after.label, attrs=attrs)


def _added(review: Review) -> Span:
    after = review.after
    attrs: dict = {"review": _stamp(review)}
    if after.canonical is not None:
        attrs["canonical"] = after.canonical
    return Span(after.start, after.end, after.label, 1.0, REVIEWER, attrs)


def reviewed_layer(spans: Iterable[Span], layer: str, counting: dict) -> list[Span]:
    """One layer with the latest reviews in ``counting`` applied; the reviews used are taken out of it."""
    out = []
    for span in spans:
        review = counting.pop((layer, mark_of(span).key), None)
        if review is None:
            out.append(span)
        elif review.after is not None:
            out.append(_changed(span, review))
    for key in [k for k in counting if k[0] == layer]:
        review = counting.pop(key)
        if review.after is not None:  # a span the machine does not have (added, or its machine span is gone)
            out.append(_added(review))
    return out


def reviewed_furniture(furniture: list[Furniture], counting: dict) -> list[Furniture]:
    out = []
    for index, piece in enumerate(furniture):
        review = counting.pop(("furniture", furniture_mark(index, piece.kind).key), None)
        if review is None:
            out.append(piece)
        elif review.after is not None:
            out.append(dataclasses.replace(piece, kind=review.after.label))
    return out


def reviewed(doc: Document, reviews: Iterable[Review]) -> Document:
    """A new Document: ``doc`` with the latest review of each span applied (``doc`` is left as it is)."""
    counting = latest(r for r in reviews if r.document == doc.id)
    layers = {name: reviewed_layer(spans, name, counting) for name, spans in doc.layers.items()}
    for layer in sorted({key[0] for key in counting} - set(layers) - {"furniture"}):
        layers[layer] = reviewed_layer((), layer, counting)
    furniture = reviewed_furniture(doc.furniture, counting)
    return Document(doc.text, meta=doc.meta, source=doc.source, furniture=furniture, offsets=doc.offsets,
                    layers=layers, id=doc.id, notes=doc.notes)


@dataclass(frozen=True)
class Difference:
    layer: str
    machine: Mark | None
    reviewed: Mark | None

    @property
    def kind(self) -> str:
        if self.machine is None:
            return "added"
        if self.reviewed is None:
            return "rejected"
        return "changed"


def differences(machine: Document, after: Document, layers: Iterable[str]) -> list[Difference]:
    """Where the reviewed view differs from the machine's, span by span, in text order."""
    out: list[Difference] = []
    for layer in layers:
        was = {mark_of(s).key: s for s in machine.layer(layer)}
        for span in after.layer(layer):
            stamp = (span.attrs or {}).get("review")
            if not stamp or stamp["verdict"] == "accept":
                continue
            source = stamp.get("machine")
            before = mark_of(was[tuple(source)]) if source and tuple(source) in was else None
            out.append(Difference(layer, before, mark_of(span)))
        kept = {tuple((s.attrs or {}).get("review", {}).get("machine") or mark_of(s).key) for s in after.layer(layer)}
        out.extend(Difference(layer, mark_of(s), None) for key, s in was.items() if key not in kept)
    return sorted(out, key=lambda d: ((d.machine or d.reviewed).start, d.layer))
