"""The ``attributions`` layer: who is said to have said what.

A claim that the article puts in someone else's mouth is not the article's
own assertion, and a claim credited to nobody in particular ("sources say",
"according to available data") is the first thing a fact-checker asks
about. Each span covers the content (the quoted words or the reported
clause) and names its source, or marks it ``vague`` when the source is
unnamed. Everything is read from the one spaCy parse: the clausal
complement of a speech verb, the object of "according to", quotation marks.

Labels: ``quote`` (direct speech in quotation marks) and ``reported``
(indirect speech). Attributes: ``source`` (the speaker's text, or
``"vague"``), ``source_text`` and ``source_span`` when a source phrase is
present, ``cue`` and ``cue_span`` (the verb or phrase that introduces it),
``vague`` (bool); for a pronoun speaker read as a name given earlier,
``source`` is that name, ``source_from`` the pronoun and
``source_entity_span`` where the name stands. An attribution found by the
cue tagger has ``statement``: false when what it introduces is an object or
an aim ("would not comment on the deal", "plans to cut jobs"), which the
``modality`` layer does not count as reported speech.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from unspin.analyze.coref import antecedent
from unspin.analyze.mentions import EntityIndex, mentions
from unspin.analyze.nlp import parse, text_of
from unspin.analyze.pipeline import registry
from unspin.analyze.spanindex import Bounds, SpanIndex
from unspin.document import Document, Span

#: Verbs that report speech, writing or a stated position.
SPEECH_VERBS = frozenset(
    """
    say tell claim state report announce add note explain argue insist warn deny admit
    confirm assert declare allege write reply respond comment acknowledge maintain contend
    stress emphasize emphasise reveal disclose testify concede mention remark complain
    promise vow predict forecast estimate reiterate suggest indicate recount describe
    believe think fear hope expect suspect speculate conclude caution boast charge
    """.split()
)

#: Heads of source phrases that name nobody in particular.
VAGUE_HEADS = frozenset(
    """
    source official expert analyst observer commentator critic insider diplomat
    witness resident people person someone somebody everyone everybody anyone many some
    most several few others other report reports data information intelligence rumour
    rumor media press estimate study research researcher scientist spokesman spokeswoman
    spokesperson representative authority authorities account accounts document
    documents survey poll evidence figure figures statistic statistics observer
    """.split()
)

#: Sentence adverbs that attribute a claim to an unnamed source.
VAGUE_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "reputedly", "supposedly"})

#: Entity types that make a source phrase name someone.
NAMING_ENTITIES = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART"})

#: Opening and closing quotation marks (straight double quotes pair with themselves).
QUOTE_PAIRS = {"\u201c": "\u201d", "\u201e": "\u201d", "\u00ab": "\u00bb", '"': '"'}
QUOTE_RE = re.compile(r'[\u201c\u201e\u00ab"]')
#: Punctuation that ends a clause rather than belonging to it.
TRAILING_PUNCT = frozenset({".", ",", ";", ":", "!", "-", "\u2013", "\u2014"})
#: A quotation shorter than this (in words) is a scare quote or a title, not speech.
MIN_QUOTE_WORDS = 4


# --- source phrases -------------------------------------------------------------


def phrase_bounds(token) -> tuple[int, int]:
    """Character bounds of a token's subtree, trimmed of punctuation at the edges."""
    tokens = [t for t in token.subtree]
    while len(tokens) > 1 and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    while len(tokens) > 1 and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def names_someone(tokens: Iterable) -> bool:
    """True when a phrase contains a named person or organisation."""
    for t in tokens:
        if t.ent_type_ in NAMING_ENTITIES:
            return True
        if t.pos_ == "PROPN" and t.ent_type_ not in {"GPE", "NORP", "LOC", "DATE", "TIME"}:
            return True
    return False


def is_vague_source(head) -> bool:
    """An unnamed source: a generic head ("officials", "data", "many") naming nobody."""
    if head is None:
        return True
    lemma = head.lemma_.lower()
    if lemma in {"it", "there"}:
        return True
    if head.pos_ == "PRON" and lemma not in VAGUE_HEADS:
        return False
    if lemma not in VAGUE_HEADS and head.text.lower() not in VAGUE_HEADS:
        return False
    return not (names_someone(head.subtree) or names_one_body(head))


def names_one_body(head) -> bool:
    """"the port authority", "the state news agency": one body, singled out by "the" and a noun before its head.

    A bare or plural head ("officials", "authorities", "a source") names nobody in particular.
    """
    if head.tag_ != "NN":
        return False
    children = list(head.children)
    definite = any(c.dep_ == "det" and c.lower_ == "the" for c in children)
    return definite and any(c.dep_ == "compound" and c.pos_ in {"NOUN", "PROPN"} for c in children)


def subject_of(verb):
    """The speaker of a cue verb: its subject, the agent of a passive, or a governing verb's subject."""
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return objects[0]
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    if passive:
        return None  # "it is reported that", "X is said to": nobody is named
    if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        return subject_of(verb.head)
    return None


def source_attrs(head, index: EntityIndex | None = None) -> dict:
    """The source attributes: text and span of the speaker, or ``vague``.

    A pronoun speaker ("he said") is given the name it was read to stand for
    (``coref``), keeping the pronoun in ``source_text`` and ``source_from``.
    """
    vague = is_vague_source(head)
    attrs: dict = {"vague": vague}
    if head is not None and head.lemma_.lower() not in {"it", "there"}:
        start, end = phrase_bounds(head)
        text = text_of(head.doc)[start:end]
        attrs.update(source_text=text, source_span=[start, end])
        attrs["source"] = "vague" if vague else text
        named = antecedent(head, index) if index is not None and head.pos_ == "PRON" and end - start == len(head.text) \
            else None
        if named is not None:
            attrs.update(source=named.name, source_from=head.text, source_entity_span=[named.start, named.end])
    else:
        attrs["source"] = "vague"
    return attrs


# --- reported speech --------------------------------------------------------------


def content_bounds(clause) -> tuple[int, int]:
    """Bounds of a reported clause without its complementizer ("that") or edge punctuation."""
    tokens = [t for t in clause.subtree]
    while len(tokens) > 1 and (
        tokens[0].is_punct or tokens[0].is_space or (tokens[0].dep_ == "mark" and tokens[0].head.i == clause.i)
    ):
        tokens.pop(0)
    while len(tokens) > 1 and (tokens[-1].text in TRAILING_PUNCT or tokens[-1].is_space):
        tokens.pop()
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def reported_clause(verb):
    """The clause a speech verb reports: its clausal complement (or "to"-complement of a passive)."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            return child
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    for child in verb.children:
        if child.dep_ == "xcomp" and (passive or verb.lemma_.lower() in {"claim", "allege", "expect"}):
            return child
    return None


def is_speech_verb(token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in SPEECH_VERBS


def first_person(token) -> bool:
    return token is not None and token.lower_ in {"i", "we"}


def reported_speech(sdoc) -> Iterator[tuple[tuple[int, int], object, object, tuple[int, int]]]:
    """(content bounds, cue token, source head, cue bounds) for each speech verb with a clause."""
    for token in sdoc:
        if not is_speech_verb(token):
            continue
        clause = reported_clause(token)
        if clause is None:
            continue
        source = subject_of(token)
        if first_person(source) and token.lemma_.lower() in {"think", "believe", "hope", "fear", "expect"}:
            continue  # "I think": the writer's own opinion, not an attribution
        yield content_bounds(clause), token, source, (token.idx, token.idx + len(token.text))


def according_to(sdoc) -> Iterator[tuple[tuple[int, int], object, object, tuple[int, int]]]:
    """(content bounds, cue token, source head, cue bounds) for each "according to X"."""
    for token in sdoc:
        if token.lower_ != "according":
            continue
        to = next((c for c in token.children if c.lower_ == "to"), None)
        if to is None or to.i != token.i + 1:
            continue
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        phrase_start = token.idx
        phrase_end = phrase_bounds(source)[1] if source is not None else to.idx + len(to.text)
        content = claim_around(token, phrase_start, phrase_end)
        if content is None:
            continue
        yield content, token, source, (token.idx, to.idx + len(to.text))


def claim_around(cue, phrase_start: int, phrase_end: int) -> tuple[int, int] | None:
    """The clause an "according to" phrase attaches to, minus the phrase itself."""
    head = cue.head
    sent = cue.sent
    # climb to the clause the phrase modifies
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    start, end = phrase_bounds(head)
    start, end = max(start, sent.start_char), min(end, sent.end_char)
    text = text_of(cue.doc)
    if phrase_start <= start:
        start = phrase_end
    elif phrase_end >= end:
        end = phrase_start
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.!?"):
        end -= 1
    return (start, end) if end - start > 1 else None


def vague_adverbs(sdoc) -> Iterator[tuple[tuple[int, int], object, None, tuple[int, int]]]:
    """"reportedly", "allegedly": a claim credited to nobody."""
    for token in sdoc:
        if token.lower_ in VAGUE_ADVERBS and token.pos_ == "ADV":
            head = token.head
            yield phrase_bounds(head), token, None, (token.idx, token.idx + len(token.text))


# --- direct quotations --------------------------------------------------------------


def quotations(text: str) -> Iterator[tuple[int, int]]:
    """Content bounds of each paired quotation (inside the marks), paired within a paragraph."""
    pos = 0
    while True:
        match = QUOTE_RE.search(text, pos)
        if match is None:
            return
        opening = match.group()
        closing = QUOTE_PAIRS[opening]
        close_at = text.find(closing, match.end())
        paragraph_end = text.find("\n\n", match.end())
        if close_at < 0 or (0 <= paragraph_end < close_at):
            pos = match.end()
            continue
        yield match.end(), close_at
        pos = close_at + 1


def quote_cue(sdoc, start: int, end: int):
    """The speech verb introducing a quotation: outside it, in the sentence(s) it touches."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    sents = {span[0].sent.start: span[0].sent, span[-1].sent.start: span[-1].sent}
    first = span[0].sent
    if first.start > 0:
        before = sdoc[first.start - 1].sent
        if before.text.rstrip().endswith(":"):
            sents[before.start] = before
    candidates = [
        t
        for sent in sents.values()
        for t in sent
        if is_speech_verb(t) and not (start <= t.idx < end) and t.lemma_.lower() not in {"think", "hope", "fear"}
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda t: min(abs(t.idx - start), abs(t.idx - end)))


def direct_quotes(sdoc) -> Iterator[tuple[tuple[int, int], object, object, tuple[int, int]]]:
    text = text_of(sdoc)
    for start, end in quotations(text):
        inner = text[start:end]
        if len(inner.split()) < MIN_QUOTE_WORDS:
            continue
        cue = quote_cue(sdoc, start, end)
        if cue is None:
            continue
        lead = len(inner) - len(inner.lstrip())
        trail = len(inner.rstrip(" ,.;:"))
        yield (start + lead, start + trail), cue, subject_of(cue), (cue.idx, cue.idx + len(cue.text))


# --- the component -------------------------------------------------------------------


def make_span(label: str, found, text: str, index: EntityIndex | None = None) -> Span:
    """The span of one attribution; a fifth member of ``found`` (from the cue tagger) is ``statement``."""
    (start, end), cue, source, (cue_start, cue_end) = found[:4]
    attrs = {"cue": text[cue_start:cue_end], "cue_span": [cue_start, cue_end]}
    if len(found) > 4:
        attrs["statement"] = found[4]
    attrs.update(source_attrs(source, index))
    return Span(start, end, label, attrs=attrs)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def inside_quote(content: tuple[int, int], quoted: SpanIndex) -> bool:
    """True when reported content lies within a direct quotation (its closing mark allowed)."""
    return any(overlaps(content, q) and content[1] <= q[1] + 1 for q in quoted.containing(content[0]))


def rule_attributions(sdoc) -> list[tuple[str, tuple]]:
    """(label, found) for every attribution the hand rules read: quotations first, then reported speech."""
    quotes = list(direct_quotes(sdoc))
    quote_cues = {q[3] for q in quotes}
    found_all: list[tuple[str, tuple]] = [("quote", q) for q in quotes]
    quoted = SpanIndex(Bounds(*q[0]) for q in quotes)
    seen: set[tuple[int, int]] = set()
    for found in [*reported_speech(sdoc), *according_to(sdoc), *vague_adverbs(sdoc)]:
        content, cue_bounds = found[0], found[3]
        if cue_bounds in quote_cues or cue_bounds in seen:
            continue  # the same cue already gave a direct quotation
        if inside_quote(content, quoted):
            continue
        seen.add(cue_bounds)
        found_all.append(("reported", found))
    return found_all


def part_of_a_cue(word, cue_words: set[int]) -> bool:
    """A cue word already taken, or the object of a preposition on one ("said [in [a statement]]").
    A clause under a cue is not part of it: "said that X claimed" reports two attributions."""
    return word.i in cue_words or (word.dep_ == "pobj" and word.head.dep_ == "prep"
                                   and word.head.head.i in cue_words)


def cue_probability(sdoc, probs, bounds: tuple[int, int]) -> float:
    span = sdoc.char_span(bounds[0], bounds[1], alignment_mode="expand")
    return max((float(probs[t.i]) for t in span), default=0.0) if span is not None else 0.0


def combined(sdoc, model, probs=None) -> list[tuple[str, tuple]]:
    """The rules' attributions and the tagger's, combined as the model's ``mode`` says.

    ``rule``: the rules alone; ``model``: the tagger's cues alone, and the
    rules' "reportedly"/"allegedly" (vague sourcing, which PolNeAR does not
    count as a cue, so the tagger never learnt it); ``both``:
    the rules, and the tagger's cues that no rule cue overlaps; ``gated``:
    as ``both``, keeping a rule cue only when the tagger gives it at least
    the model's ``gate`` probability.
    """
    from unspin.analyze.cue_model import cue_groups
    from unspin.analyze.cue_reading import read_cue

    rules = rule_attributions(sdoc)
    if model is None or model.mode == "rule":
        return rules
    if probs is None:
        probs = model.probabilities(sdoc)
    kept = [
        (label, found) for label, found in rules
        if model.mode == "both" or found[1].lower_ in VAGUE_ADVERBS
        or (model.mode == "gated" and cue_probability(sdoc, probs, found[3]) >= model.gate)
    ]
    taken = [found[3] for _, found in kept]
    cue_words = {found[1].i for _, found in kept if found[1] is not None}
    text = text_of(sdoc)
    quotes = [(a, b) for a, b in quotations(text) if len(text[a:b].split()) >= MIN_QUOTE_WORDS]
    inside = SpanIndex(Bounds(a, b) for a, b in quotes)
    for group in cue_groups(probs, sdoc, model.threshold):
        found = read_cue(group, sdoc, probs, quotes)
        if found is None or any(overlaps(found[3], t) for t in taken) or part_of_a_cue(found[1], cue_words):
            continue  # the same cue twice: "said in a statement" is one attribution, not two
        taken.append(found[3])
        cue_words.add(found[1].i)
        kept.append(("quote" if inside_quote(found[0], inside) else "reported", found))
    return sorted(kept, key=lambda item: (item[1][0][0], item[1][3][0]))


@registry.component("attributions", assigns="attributions", requires=["sentences"])
def attributions(doc: Document) -> Iterator[Span]:
    """Rules and the shipped cue tagger (``models/attributions``), as its card says they score best."""
    from unspin.analyze.cue_model import shipped

    sdoc = parse(doc)
    index = EntityIndex(mentions(doc))
    for label, found in combined(sdoc, shipped()):
        yield make_span(label, found, doc.text, index)
