"""Figures derived from a layer, written into the JSON beside it.

They are a pure function of the layer and the text, so ``from_json`` drops
them and ``to_json`` writes them again. This module sits outside
``unspin.analyze`` and imports nothing of unspin at run time: ``document.py``
uses it, and importing ``unspin.analyze`` would load the pipeline and its
models.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from unspin.document import Document, Span

#: The confidence at or above which a technique span counts in the corpus's figures: outlet and
#: entity profiles, story comparisons, the ``technique:`` search filter and its facet. Confidences
#: are calibrated, so a span at the floor is right about 3 times in 10, and less below it, where
#: most of what the model reports lies (88% of the spans on PTC dev, right 19% of the time, against
#: 46% for those at 0.3 or more: the model card's reliability table). The article page, the reports
#: and ``unspin analyze`` show every span unless asked for a floor of their own (``?floor=``,
#: ``--min-confidence``). README: "How sure, and whose voice". Stored counts follow it (migration
#: 0003): changing it means a migration that counts again.
TECHNIQUE_FLOOR = 0.3

#: ``attrs.voice`` of a technique span: the article's own words, or words it puts in someone's mouth.
OWN, QUOTED = "own", "quoted"


def per_1000_words(count: int, words: int) -> float:
    """A density comparable across articles of different lengths; 0.0 for an empty text."""
    return round(count * 1000 / words, 2) if words else 0.0


def voice(span: "Span") -> str:
    """``quoted`` when the span says so, else ``own`` (spans made before voices were told apart are own)."""
    return QUOTED if (span.attrs or {}).get("voice") == QUOTED else OWN


def expected_right(spans: Iterable["Span"]) -> float:
    """How many of these spans are expected to be right: the sum of their calibrated confidences."""
    return sum(float(s.confidence or 0.0) for s in spans)


def expected_line(spans: Iterable["Span"]) -> str:
    """``14 spans shown; about 5.2 expected to be right``: what the reports and the article page say."""
    spans = list(spans)
    n = len(spans)
    return f"{n:,} span{'' if n == 1 else 's'} shown; about {expected_right(spans):,.1f} expected to be right"


def technique_summary(doc: "Document") -> dict:
    """Spans per technique, most frequent first (ties by label), with their density, the number
    expected to be right and how many are the article's own words or quoted ones."""
    words = doc.words()
    spans = doc.layer("techniques")
    counts = Counter(s.label for s in spans)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    voices = Counter(voice(s) for s in spans)
    return {
        "words": words,
        "spans": sum(counts.values()),
        "expected_right": round(expected_right(spans), 2),
        "by_voice": {OWN: voices[OWN], QUOTED: voices[QUOTED]},
        "by_technique": {
            label: {"count": n, "per_1000_words": per_1000_words(n, words)} for label, n in ordered
        },
    }


def apply_floor(doc: "Document", floor: float) -> int:
    """Hide the technique spans below ``floor`` (those at or above it stay) and say so in ``doc.notes``.

    The note is written whenever a floor above 0 applies, even if it hid nothing, so that a reader
    of the output knows the layer may not be whole. Returns the number of spans hidden.
    """
    if floor <= 0 or "techniques" not in doc.layers:
        return 0
    spans = doc.layer("techniques")
    kept = [s for s in spans if s.confidence >= floor]
    hidden = [s for s in spans if s.confidence < floor]
    doc.set_layer("techniques", kept)
    doc.note("techniques", (
        f"min-confidence {floor:g}: {len(hidden)} of {len(spans)} spans were below it and are hidden "
        f"(about {expected_right(hidden):.1f} of them expected to be right); the layer and its summary "
        f"hold the other {len(kept)}"
    ))
    return len(hidden)
