"""Named entities as the layers after ``entities`` read them: where, what kind, and the name to show.

Events and attributions both ask "which name is this?" of a token; they share
one reading of the entities layer (or of spaCy's own entities when that
layer did not run), so a speaker and an actor get the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unspin.analyze.nlp import parse
from unspin.analyze.spanindex import SpanIndex
from unspin.document import Document

#: Labels that can act or speak.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})

#: Common country abbreviations, so "US" and "U.S." both read as one actor without the entities layer.
COUNTRY_ABBREVIATIONS = {
    "us": "United States", "u.s.": "United States", "usa": "United States", "u.s.a.": "United States",
    "u.s.a": "United States", "united states of america": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom",
    "uae": "United Arab Emirates", "u.a.e.": "United Arab Emirates",
    "dprk": "North Korea", "drc": "Democratic Republic of the Congo", "prc": "China",
    "ussr": "Soviet Union", "u.s.s.r.": "Soviet Union",
}



@dataclass(frozen=True)
class Mention:
    """A named entity as events see it: where it is, what kind, and the name to show."""

    start: int
    end: int
    label: str
    name: str
    attrs: dict = field(default_factory=dict)


def normalise_name(text: str) -> str:
    """A display name: no leading article or trailing possessive, country abbreviations expanded."""
    name = " ".join(text.split())
    for suffix in ("’s", "'s", "’", "'"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.lower().startswith("the "):
        name = name[4:]
    return COUNTRY_ABBREVIATIONS.get(name.lower(), name)


def mentions(doc: Document) -> list[Mention]:
    """Entities from the entities layer when it exists, else spaCy's own."""
    if "entities" in doc.layers:
        found = []
        for span in doc.layer("entities"):
            canonical = span.attrs.get("canonical") if isinstance(span.attrs, dict) else None
            name = canonical if isinstance(canonical, str) and canonical else doc.span_text(span)
            found.append(Mention(span.start, span.end, span.label, normalise_name(name), dict(span.attrs)))
        return found
    return [Mention(e.start_char, e.end_char, e.label_, normalise_name(e.text)) for e in parse(doc).ents]


class EntityIndex:
    """Which mention covers a token (by character overlap)."""

    def __init__(self, found: list[Mention]):
        self._index = SpanIndex(found)

    def at(self, token, labels=ACTOR_LABELS) -> Mention | None:
        start, end = token.idx, token.idx + len(token.text)
        return next((m for m in self._index.overlapping(start, end) if m.label in labels), None)

    def within(self, start: int, end: int, labels) -> list[Mention]:
        return [m for m in self._index.within(start, end) if m.label in labels]
