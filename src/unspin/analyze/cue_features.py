"""What the cue tagger sees of each token: its parse and its neighbourhood, as named binary features.

A cue ("said", "believes", "warned", "according to", "told reporters") is
known less by its word than by its place: a verb with a clausal complement
and a subject, a verb beside a quotation, the preposition of "according
to". The features are read from the layer's one spaCy parse, so the tagger
costs no second pass; they are strings so that the shipped weights are a
plain table (feature name -> weight) with no fitted object to unpickle.
"""

from __future__ import annotations

from unspin.analyze.attributions import QUOTE_RE, SPEECH_VERBS

#: Dependencies of a child that say what a cue governs.
CHILD_DEPS = frozenset({"ccomp", "xcomp", "nsubj", "nsubjpass", "dobj", "dative", "agent", "advcl", "prep", "mark",
                        "auxpass", "neg", "aux", "attr", "acomp", "parataxis", "pobj", "poss"})


def quote_state(sdoc) -> list[int]:
    """Per token: 1 inside a quotation of its paragraph, 0 outside (quotes counted from each line start)."""
    inside = []
    state = 0
    for token in sdoc:
        if "\n" in token.text:
            state = 0
        if QUOTE_RE.fullmatch(token.text) or token.text in {"\u201d", "\u2019\u2019", "''", "``"}:
            opening = token.text in {"\u201c", "``", "\u201e", "\u00ab"} or (token.text == '"' and not state)
            state = 1 if opening else 0
            inside.append(-1)  # the mark itself
            continue
        inside.append(state)
        if "\n" in token.whitespace_:
            state = 0
    return inside


def _lemma(token) -> str:
    return token.lemma_.lower()


def sentence_ids(sdoc) -> tuple[list[int], list[tuple[int, int]]]:
    """Per token, the index of its sentence, and each sentence's token bounds (``Token.sent`` is slow)."""
    ids: list[int] = []
    bounds: list[tuple[int, int]] = []
    for number, sent in enumerate(sdoc.sents):
        ids.extend([number] * (sent.end - sent.start))
        bounds.append((sent.start, sent.end))
    return ids, bounds


def token_features(token, quote: list[int], sents: tuple[list[int], list[tuple[int, int]]]) -> list[str]:
    """The named features of one token (``quote`` is ``quote_state``, ``sents`` ``sentence_ids`` of its parse)."""
    doc = token.doc
    sent_of, bounds = sents
    own = sent_of[token.i]
    lemma = _lemma(token)
    head = token.head
    deps = {c.dep_ for c in token.children}
    f = [
        "bias", f"w={token.lower_}", f"l={lemma}", f"p={token.pos_}", f"t={token.tag_}", f"d={token.dep_}",
        f"l,d={lemma},{token.dep_}", f"l,p={lemma},{token.pos_}", f"p,d={token.pos_},{token.dep_}",
        f"hl={_lemma(head)}", f"hp={head.pos_}", f"hd={head.dep_}", f"d,hp={token.dep_},{head.pos_}",
        f"l,hl={lemma},{_lemma(head)}", f"q={quote[token.i]}",
    ]
    if token.pos_ in {"VERB", "AUX"} and lemma in SPEECH_VERBS:
        f.append("speech_verb")
    if _lemma(head) in SPEECH_VERBS and head.i != token.i:
        f.append(f"head_speech,d={token.dep_}")
    for dep in sorted(deps & CHILD_DEPS):
        f.append(f"c={dep}")
        f.append(f"p,c={token.pos_},{dep}")
    for child in token.children:
        if child.dep_ in {"prep", "mark", "dative", "dobj"}:
            f.append(f"cl={child.dep_},{_lemma(child)}")
        if child.dep_ in {"nsubj", "nsubjpass"}:
            f.append(f"subj={child.pos_},{child.tag_}")
    if "ccomp" in deps and ("nsubj" in deps or "nsubjpass" in deps):
        f.append(f"l,subj+ccomp={lemma}")
    for offset in (-2, -1, 1, 2):
        j = token.i + offset
        if 0 <= j < len(doc) and sent_of[j] == own:
            other = doc[j]
            f.append(f"l{offset:+d}={_lemma(other)}")
            f.append(f"p{offset:+d}={other.pos_}")
            if quote[j] == -1:
                f.append(f"mark{offset:+d}")
        else:
            f.append(f"l{offset:+d}=<edge>")
    if token.i > 0:
        f.append(f"bi={_lemma(doc[token.i - 1])},{lemma}")
    if token.i + 1 < len(doc):
        f.append(f"bi+={lemma},{_lemma(doc[token.i + 1])}")
    start, end = bounds[own]
    near = [j for j in range(max(start, token.i - 4), min(end, token.i + 5)) if quote[j] == -1]
    if near:
        f.append("quote_near")
        f.append(f"quote_near,p={token.pos_}")
    if token.lower_ == "according" or (token.lower_ == "to" and token.i > 0 and doc[token.i - 1].lower_ == "according"):
        f.append("according_to")
    return f


def sentence_features(sdoc) -> list[list[str]]:
    """The features of every token of a parse, in order."""
    quote = quote_state(sdoc)
    sents = sentence_ids(sdoc)
    return [token_features(t, quote, sents) for t in sdoc]
