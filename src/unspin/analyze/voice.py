"""Whose voice a technique span is in: the article's own, or someone it quotes.

Loaded language inside a quotation is the speaker's, not the outlet's; an
outlet that quotes a furious union leader has not itself called anyone a
coward. This module decides, for a span of the text, whether it lies in
words the article attributes to someone, and to whom. It is pure: it reads
the text and the ``attributions`` and ``entities`` layers, and runs no model.

The rules:

1. Quoted passages are (a) every span of the ``attributions`` layer, a
   direct quotation (``quote``) or the clause a speech verb or "according
   to" reports (``reported``), whose speaker is its source; and (b) every
   passage between paired quotation marks of at least ``MIN_QUOTE_WORDS``
   words, even where the attributions layer found no speech verb for it
   (a quotation standing alone after the sentence that introduced its
   speaker): its speaker is unknown. Shorter phrases in quotation marks
   (scare quotes, titles: a so-called "peace plan") stay the article's own,
   as they do in the attributions layer, unless an attribution covers them.
2. A span is ``quoted`` when, trimmed of spaces, quotation marks and
   punctuation at its edges, it lies wholly inside a quoted passage. The
   innermost such passage gives the speaker; where that one names nobody
   (a bare quotation inside a reported statement), the innermost passage
   around it that does.
3. A span that straddles the edge of a passage is the article's own: it
   holds words the article wrote around the quotation, and framing a quote
   is the article's doing. An outlet's count never loses a span that has
   any of its own words in it.

The speaker is the canonical name of the person or organisation named in
the source phrase (from the ``entities`` layer), else the source phrase as
written; ``None`` when the source is vague ("officials", "sources say"), a
bare pronoun ("he said") or not found. Every technique span gets
``voice`` (``"own"`` or ``"quoted"``) and ``speaker`` (a string or
``None``); a quoted one also gets ``voice_span``, the ``[start, end)`` of
the passage that makes it quoted, so the evidence travels with the span.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from unspin.analyze.attributions import MIN_QUOTE_WORDS, quotations
from unspin.document import Document, Span
from unspin.summary import OWN, QUOTED

#: Characters trimmed from a technique span's edges before it is placed: spaces, quotation marks
#: of every kind, and punctuation a model may take in with the words.
EDGE = frozenset(" \t\n\r\u00a0\"'\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb.,;:!?\u2026-\u2013\u2014()[]")

#: Source phrases that name nobody: the speaker of "he said" is not known from the phrase alone.
PRONOUNS = frozenset(
    "i me we us you he him she her it they them who whom which that this these those one".split()
)

#: Entity types that can be a speaker, in the order one is preferred when a source phrase has several.
SPEAKER_TYPES = ("PERSON", "ORG", "NORP", "GPE", "FAC")


@dataclass(frozen=True)
class Passage:
    """Words the article attributes to someone: ``[start, end)``, with the speaker when known."""

    start: int
    end: int
    speaker: str | None

    @property
    def length(self) -> int:
        return self.end - self.start


def speaker_name(attrs: Mapping, text: str, entities: Sequence[Span] = ()) -> str | None:
    """The speaker an attribution names: an entity's canonical name inside its source phrase, else the
    phrase itself; ``None`` for a vague source, a bare pronoun or no source at all."""
    if attrs.get("vague") or attrs.get("source") in (None, "", "vague"):
        return None
    # "she said": the pronoun was read as a name given before it, which is where the entity stands
    bounds = attrs.get("source_entity_span") if attrs.get("source_from") else attrs.get("source_span")
    if isinstance(bounds, (list, tuple)) and len(bounds) == 2:
        start, end = int(bounds[0]), int(bounds[1])
        inside = [e for e in entities if start <= e.start and e.end <= end and e.label in SPEAKER_TYPES]
        if inside:
            best = min(inside, key=lambda e: (SPEAKER_TYPES.index(e.label), e.start))
            return str((best.attrs or {}).get("canonical") or text[best.start : best.end]).strip() or None
    said = attrs.get("source") if attrs.get("source_from") else attrs.get("source_text") or attrs.get("source")
    phrase = " ".join(str(said or "").split())
    if not phrase or phrase.lower() in PRONOUNS:
        return None
    return phrase


def passages(text: str, attributions: Iterable[Span], entities: Sequence[Span] = ()) -> list[Passage]:
    """Every quoted passage of the text (rule 1), attributed ones with their speaker."""
    found = [
        Passage(s.start, s.end, speaker_name(s.attrs or {}, text, entities))
        for s in attributions
        if s.end > s.start and (s.attrs or {}).get("statement") is not False  # "declined to comment on the deal"
    ]
    for start, end in quotations(text):
        if len(text[start:end].split()) >= MIN_QUOTE_WORDS:
            found.append(Passage(start, end, None))
    return found


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without spaces, quotation marks and punctuation at its edges (kept whole if that is all)."""
    a, b = start, end
    while a < b and text[a] in EDGE:
        a += 1
    while b > a and text[b - 1] in EDGE:
        b -= 1
    return (a, b) if a < b else (start, end)


def voice_of(start: int, end: int, text: str, found: Sequence[Passage]) -> dict:
    """The voice attributes of the span ``[start, end)`` (rules 2 and 3)."""
    a, b = trim(text, start, end)
    around = sorted((p for p in found if p.start <= a and b <= p.end), key=lambda p: (p.length, p.start))
    if not around:
        return {"voice": OWN, "speaker": None}
    named = next((p for p in around if p.speaker), around[0])
    return {"voice": QUOTED, "speaker": named.speaker, "voice_span": [named.start, named.end]}


def voices(doc: Document, spans: Sequence[Span] | None = None) -> list[dict]:
    """The voice attributes of each technique span of ``doc`` (or of ``spans``), in order.

    Spans that already carry a ``voice`` keep what they say; the others are placed by the rules
    above from the document's attributions, so documents analysed before voices were told apart
    (stored in a corpus, say) still get one.
    """
    spans = doc.layer("techniques") if spans is None else spans
    found: list[Passage] | None = None
    out = []
    for span in spans:
        attrs = span.attrs or {}
        if attrs.get("voice") in (OWN, QUOTED):
            given = {"voice": attrs["voice"], "speaker": attrs.get("speaker")}
            if "voice_span" in attrs:
                given["voice_span"] = attrs["voice_span"]
            out.append(given)
            continue
        if found is None:
            found = passages(doc.text, doc.layer("attributions"), doc.layer("entities"))
        out.append(voice_of(span.start, span.end, doc.text, found))
    return out
