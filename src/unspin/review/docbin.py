"""spaCy's DocBin of the reviewed entities: training data for a spaCy NER model, in spaCy's own format.

Each document becomes a ``Doc`` tokenized by spaCy's rule-based English
tokenizer (no model needed), its reviewed entity spans turned into token
spans with ``alignment_mode="expand"`` (a span that starts or ends inside a
token takes the whole token, so none is lost). ``doc.ents`` cannot overlap,
so it holds the longest of overlapping spans; every span is also kept in
``doc.spans["entities"]``. A canonical name is the span's ``kb_id_``, and
``user_data["id"]`` the unspin document id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from unspin.review.pairs import Pair, canonical
from unspin.review.view import reviewed

SPAN_KEY = "entities"


@dataclass
class Built:
    docs: int = 0
    spans: int = 0
    in_ents: int = 0  # the spans that fit doc.ents (no overlap)
    expanded: int = 0  # spans whose edges were moved out to token edges


def docbin(pairs: Iterable[Pair], built: Built | None = None, lang: str = "en"):
    """A ``spacy.tokens.DocBin`` (user data kept) of each document's reviewed entities; counts go in ``built``."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    built = built if built is not None else Built()
    nlp = spacy.blank(lang)
    out = DocBin(store_user_data=True)
    for machine, reviews in pairs:
        view = reviewed(machine, reviews)
        doc = nlp.make_doc(view.text)
        spans = []
        for mark in view.layer("entities"):
            span = doc.char_span(mark.start, mark.end, label=mark.label, kb_id=canonical(mark) or "",
                                 alignment_mode="expand")
            if span is None:  # only whitespace: nothing to expand to
                continue
            built.expanded += (span.start_char, span.end_char) != (mark.start, mark.end)
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        doc.ents = filter_spans(spans)
        doc.user_data["id"] = view.id
        built.docs += 1
        built.spans += len(spans)
        built.in_ents += len(doc.ents)
        out.add(doc)
    return out
