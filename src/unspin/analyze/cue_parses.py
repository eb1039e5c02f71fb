"""PolNeAR's articles parsed once and kept on disk while a cue model is trained.

Parsing 924 articles is most of the training time, and choosing a model
scores the same articles many times; the parses are the layer's own
(``nlp.parse_text``), saved as spaCy ``DocBin`` files in a folder outside
the repository, keyed by the article's name and a digest of its text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from unspin.analyze.nlp import load, parse_text


def key(name: str, text: str, entities: bool = True) -> str:
    return f"{name}.{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}{'' if entities else '.noents'}.spacy"


def parse_without_entities(text: str):
    """The layer's parse minus named entities, which the cue features do not read (a third less time)."""
    with load().select_pipes(disable=["ner"]):
        return parse_text(text)


def parsed(name: str, text: str, cache: Path | None, entities: bool = True):
    """The layer's parse of one article, read from ``cache`` when it is there, written to it when not.

    ``entities=False`` skips the entity recogniser: enough to learn cues from, not to score the layer.
    """
    from spacy.tokens import DocBin

    parse_one = parse_text if entities else parse_without_entities
    if cache is None:
        return parse_one(text)
    path = cache / key(name, text, entities)
    nlp = load()
    if not entities and (cache / key(name, text)).exists():
        path = cache / key(name, text)  # a full parse serves as well
    if path.exists():
        [sdoc] = list(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
        if sdoc.text == text:
            return sdoc
    sdoc = parse_one(text)
    cache.mkdir(parents=True, exist_ok=True)
    bin_ = DocBin(attrs=["ORTH", "LEMMA", "POS", "TAG", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "SENT_START",
                         "MORPH", "SPACY"], store_user_data=False)
    bin_.add(sdoc)
    path.write_bytes(bin_.to_bytes())
    return sdoc
