"""One line per document (and per failed input) for reports that hold many.

A report of forty articles is read from its overview: which is which, from
where and when, and how much each one holds, before any of them is opened.
The HTML report draws these rows as an index whose titles link to each
article's section; the terminal report prints them as a table at its end.
Both read the same rows, so the two say the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from unspin.analyze import event_groups
from unspin.document import Document
from unspin.errors import Failure
from unspin.store.derive import outlet_of

#: Characters an anchor keeps: an id read back from a file may hold anything.
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Row:
    """What the overview says of one document."""

    anchor: str
    title: str
    outlet: str | None
    published: str | None
    words: int
    entities: int
    events: int
    techniques: int
    speculative: int
    sentences: int

    @property
    def speculative_share(self) -> str:
        """"2 of 6 (33%)", or "—" when the document has no sentences to judge (another language, say)."""
        if not self.sentences:
            return "—"
        return f"{self.speculative} of {self.sentences} ({self.speculative / self.sentences:.0%})"


def anchors(docs: Iterable[Document]) -> list[str]:
    """One HTML id per document, from its id, unique even when a document comes twice."""
    seen: dict[str, int] = {}
    out = []
    for doc in docs:
        base = "doc-" + (_UNSAFE.sub("-", doc.id).strip("-") or "untitled")
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def row(doc: Document, anchor: str = "") -> Row:
    modality = doc.layer("modality")
    outlet = outlet_of(doc)
    return Row(
        anchor=anchor,
        title=doc.meta.title or doc.source.name,
        outlet=outlet[1] if outlet else (doc.meta.site or None),
        published=(doc.meta.published or "")[:10] or None,
        words=doc.words(),
        entities=len(doc.layer("entities")),
        events=event_groups.count(doc.layer("events")),
        techniques=len(doc.layer("techniques")),
        speculative=sum(1 for s in modality if s.label == "speculative"),
        sentences=len(modality),
    )


def failure_line(failure: Failure) -> tuple[str, str]:
    """(the input, with its record when it has one; the error with its code)."""
    where = failure.input if failure.record is None else f"{failure.input}#{failure.record}"
    return where, f"[{failure.code}] {failure.reason}"
