"""Figures derived from a layer, written into the JSON beside it.

They are a pure function of the layer and the text, so ``from_json`` drops
them and ``to_json`` writes them again. This module sits outside
``unspin.analyze`` and imports nothing of unspin at run time: ``document.py``
uses it, and importing ``unspin.analyze`` would load the pipeline and its
models.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unspin.document import Document


def per_1000_words(count: int, words: int) -> float:
    """A density comparable across articles of different lengths; 0.0 for an empty text."""
    return round(count * 1000 / words, 2) if words else 0.0


def technique_summary(doc: "Document") -> dict:
    """Spans per technique, most frequent first (ties by label), with their density."""
    words = doc.words()
    counts = Counter(s.label for s in doc.layer("techniques"))
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "words": words,
        "spans": sum(counts.values()),
        "by_technique": {
            label: {"count": n, "per_1000_words": per_1000_words(n, words)} for label, n in ordered
        },
    }
