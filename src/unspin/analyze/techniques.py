"""The ``techniques`` layer: propaganda-technique spans (SemEval-2020 Task 11 classes).

One span per (words, technique): the same words carrying two techniques are
two spans with the same offsets. ``confidence`` is calibrated on PTC dev
(see the model card); ``attrs`` holds ``cues``, the words inside the span
that the network scored highest for the technique, ``definition``, one
plain line for the reader, and whose voice the words are in (``voice``:
``own`` or ``quoted``, ``speaker``, and ``voice_span`` for a quoted one;
see ``unspin.analyze.voice``), read from the ``attributions`` layer.

The model is loaded on first use (torch is imported only
then), so documents that never reach this layer pay nothing for it.
"""

from __future__ import annotations

from typing import Iterator

from unspin.analyze import voice
from unspin.analyze.nlp import require_english
from unspin.analyze.pipeline import registry
from unspin.analyze.technique_definitions import DEFINITIONS
from unspin.document import Document, Span


@registry.component("techniques", assigns="techniques", requires=["attributions"])
def techniques(doc: Document) -> Iterator[Span]:
    from unspin import cores
    from unspin.techniques.model import load

    require_english(doc)
    passages = voice.passages(doc.text, doc.layer("attributions"), doc.layer("entities"))
    model = load()
    cores.recheck()  # where threads spin, a long batch follows the cores other processes leave free
    for found in model.find(doc.text):
        yield Span(
            found.start,
            found.end,
            found.technique,
            found.confidence,
            attrs={
                "cues": list(found.cues),
                "definition": DEFINITIONS[found.technique],
                **voice.voice_of(found.start, found.end, doc.text, passages),
            },
        )
