"""The ``paragraph_techniques`` layer: the persuasion techniques each paragraph uses (SemEval-2023 labels).

A paragraph is a non-empty line of the text (``unspin.techniques.paragraphs``).
One span per (paragraph, technique): ``[start, end)`` is the paragraph
without the white space around it, the label a SemEval-2023 Task 3 technique,
``confidence`` the calibrated probability that the paragraph uses it (see the
model card in ``unspin/models/paragraphs/``), and ``attrs["definition"]`` one
plain line for the reader. A paragraph with no technique has no span.

The model is its own (regressions over paragraph features), but its
paragraph embeddings are the span model's frozen lower states: when the
``techniques`` layer has just read the same text (it runs first in the
pipeline), they are taken from it, so the two layers share one encoder pass
per document; run alone, the layer computes those states itself (the lower
layers only). Both models load on first use (torch is
imported only then).
"""

from __future__ import annotations

from typing import Iterator

from unspin.analyze.nlp import require_english
from unspin.analyze.paragraph_definitions import definition
from unspin.analyze.pipeline import registry
from unspin.document import Document, Span


@registry.component("paragraph_techniques", assigns="paragraph_techniques")
def paragraph_techniques(doc: Document) -> Iterator[Span]:
    from unspin.techniques.paragraph_model import load

    require_english(doc)
    for found in load().find(doc.text):
        yield Span(found.start, found.end, found.technique, found.confidence,
                   attrs={"definition": definition(found.technique)})
