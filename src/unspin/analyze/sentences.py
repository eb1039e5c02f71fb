"""The ``sentences`` layer: spaCy's sentence boundaries, trimmed of surrounding space."""

from __future__ import annotations

from typing import Iterator

from unspin.analyze.nlp import parse
from unspin.analyze.pipeline import registry
from unspin.document import Document, Span


@registry.component("sentences", assigns="sentences")
def sentences(doc: Document) -> Iterator[Span]:
    text = doc.text
    for sent in parse(doc).sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield Span(start, end, "sentence", 1.0, attrs={"tokens": len(sent)})
