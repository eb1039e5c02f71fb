"""Another tool's annotation of a document, turned into reviews of the machine's marks.

An annotation tool (Label Studio, brat) gives back the marks an annotator
kept, not what they did to each: this module pairs those marks with the
machine's, layer by layer, and says it as reviews (accept, change, reject,
add), so that the reviewed view becomes what the annotation says while the
machine's layers stay as they are.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from unspin.document import Document
from unspin.review.pairs import canonical
from unspin.review.records import Mark, Review, latest
from unspin.review.view import mark_of

Kept = list[tuple[Mark, str]]  # the marks an annotation keeps in one layer, each with its note


def _overlap(a: Mark, b: Mark) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def plain(mark: Mark) -> Mark:
    """A mark as the store keeps a review's target: offsets and label, no canonical name."""
    return Mark(mark.start, mark.end, mark.label)


def _after(machine_canonical: str | None, mark: Mark) -> Mark:
    """The mark kept, with a canonical name only where it differs from the machine's (the store keeps a
    target without one, so an unchanged name must not make an accept look like a change)."""
    name = mark.canonical if mark.canonical != machine_canonical else None
    return Mark(mark.start, mark.end, mark.label, name)


def compare(machine: Document, layer: str, kept: Kept) -> list[tuple[Mark | None, Mark | None, str]]:
    """(machine mark, kept mark, note) for one layer: accepted, changed, rejected (kept None) or added
    (machine None).

    A machine mark is paired first with a kept mark of the same offsets and
    label, then of the same offsets (relabelled), then with the kept mark of
    the same label that overlaps it most (moved); what is left is rejected or
    added.
    """
    spans = list(machine.layer(layer))
    left = list(range(len(kept)))
    pairs: dict[int, int] = {}
    rules = (
        lambda s, k: (s.start, s.end, s.label) == k.key,
        lambda s, k: (s.start, s.end) == (k.start, k.end),
        lambda s, k: s.label == k.label and _overlap(mark_of(s), k) > 0,
    )
    for rule in rules:
        for i, span in enumerate(spans):
            if i in pairs:
                continue
            fits = [j for j in left if rule(span, kept[j][0])]
            if fits:
                best = max(fits, key=lambda j: (_overlap(mark_of(span), kept[j][0]), -j))
                pairs[i] = best
                left.remove(best)
    out: list[tuple[Mark | None, Mark | None, str]] = []
    for i, span in enumerate(spans):
        target = plain(mark_of(span))
        if i in pairs:
            mark, text = kept[pairs[i]]
            out.append((target, _after(canonical(span), mark), text))
        else:
            out.append((target, None, ""))
    out.extend((None, kept[j][0], kept[j][1]) for j in left)
    return out


def reviews_from(machine: Document, existing: list[Review], marks: Mapping[str, Kept], layers: Collection[str],
                 reviewer: str, at: datetime.datetime, origin: str) -> list[Review]:
    """The reviews that make ``machine``'s reviewed view what the annotation says, in the ``layers`` it speaks of.

    A span added earlier (on the web, or by an earlier import) that the
    annotation no longer has is rejected too.
    """
    out = []
    for layer in sorted(layers):
        kept = marks.get(layer, [])
        for target, after, text in compare(machine, layer, kept):
            out.append(Review(machine.id, layer, target, after, reviewer, at, text, origin))
        machine_keys = {mark_of(s).key for s in machine.layer(layer)}
        kept_keys = {mark.key for mark, _ in kept}
        for (key_layer, key), review in latest(existing).items():
            if key_layer == layer and key not in machine_keys and review.after is not None and key not in kept_keys:
                out.append(Review(machine.id, layer, plain(review.after), None, reviewer, at, "", origin))
    return out


def _fields(review: Review) -> tuple:
    return (review.document, review.layer, review.target, review.after, review.reviewer, review.at, review.note,
            review.origin)


def new_only(made: Iterable[Review], existing: Iterable[Review]) -> list[Review]:
    """``made`` less the reviews already recorded word for word (the same file imported again)."""
    seen = {_fields(r) for r in existing}
    return [r for r in made if _fields(r) not in seen]


@dataclass
class Imported:
    """What an import made of one task or file: the reviews to write, those already recorded, and why none."""

    document: str
    reviews: list[Review] = field(default_factory=list)
    already: int = 0
    skipped: str = ""  # why the task gave nothing ('no annotation')
    ignored: int = 0
    reviewer: str = ""
    layers: int = 0  # how many unspin layers the annotation speaks about


def counts(imported: Iterable[Imported]) -> Counter:
    """The totals an import's summary line gives."""
    total: Counter = Counter()
    for one in imported:
        total["documents"] += bool(one.reviews)
        total["reviews"] += len(one.reviews)
        total["already"] += one.already
        total["skipped"] += bool(one.skipped)
        total["ignored"] += one.ignored
    return total
