"""Reviewed technique spans as extra training data for ``unspin train techniques --extra-gold``.

A document counts when a human checked its techniques: some review touches
the ``techniques`` layer, or the document is marked reviewed as a whole.
Its reviewed ``techniques`` layer is then gold, spans and gaps alike (a
document whose every span was rejected teaches where there is none). Only
the fourteen classes the model knows can be learnt; other labels are
counted and left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from unspin.eval.techniques import TECHNIQUES, Labelled
from unspin.review.pairs import Pair
from unspin.review.view import reviewed

#: Prefix of a reviewed document's article id, so it never meets a PTC id.
PREFIX = "review-"


@dataclass
class ExtraGold:
    texts: dict[str, str] = field(default_factory=dict)
    gold: list[Labelled] = field(default_factory=list)
    left_out: int = 0  # spans whose label is not one of the fourteen classes
    source: str = ""  # where they came from (the store, as it may be shown)

    @property
    def documents(self) -> int:
        return len(self.texts)

    @property
    def spans(self) -> int:
        return len(self.gold)

    def digest(self) -> str:
        """What the fit depends on, so a resumed run can tell it was given the same extra data."""
        h = hashlib.sha256()
        for article_id in sorted(self.texts):
            h.update(article_id.encode() + b"\0" + self.texts[article_id].encode() + b"\0")
        for g in sorted(self.gold, key=lambda g: (g.article_id, g.start, g.end, g.technique)):
            h.update(f"{g.article_id}\t{g.technique}\t{g.start}\t{g.end}\n".encode())
        return h.hexdigest()

    def without(self, texts: Iterable[str]) -> tuple["ExtraGold", int]:
        """The same less any document whose text is one of ``texts`` (a tune or dev article must stay unseen)."""
        unseen = set(texts)
        drop = {a for a, t in self.texts.items() if t in unseen}
        kept = ExtraGold({a: t for a, t in self.texts.items() if a not in drop},
                         [g for g in self.gold if g.article_id not in drop], self.left_out, self.source)
        return kept, len(drop)


def technique_gold(pairs: Iterable[Pair], marked: Collection[str] = (), source: str = "") -> ExtraGold:
    """The reviewed techniques of every document whose techniques a human checked."""
    out = ExtraGold(source=source)
    for doc, reviews in pairs:
        if doc.id not in marked and not any(r.layer == "techniques" for r in reviews):
            continue
        article_id = PREFIX + doc.id
        out.texts[article_id] = doc.text
        for span in reviewed(doc, reviews).layer("techniques"):
            if span.label in TECHNIQUES and span.end > span.start:
                out.gold.append(Labelled(article_id, span.label, span.start, span.end))
            else:
                out.left_out += 1
    return out
