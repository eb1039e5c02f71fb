"""An attribution read around a cue the tagger found: its content and its source, from the parse.

The tagger says where a cue is; what it introduces and who speaks are read
from the same parse as the rules read them: the clausal complement or an
adjoining quotation is the content, the subject (or the agent of a passive,
or the object of "according to") is the source. A cue that hangs off
another verb ("..., saying that ...") takes that verb's speaker, and a noun
cue ("his claim that ...") its possessor.
"""

from __future__ import annotations

from unspin.analyze.attributions import (
    claim_around,
    content_bounds,
    phrase_bounds,
    subject_of,
)
from unspin.analyze.nlp import text_of

#: Dependencies of a child that carries what a verb cue introduces, in order of preference.
CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "attr", "oprd")
#: Relations of a word that only belongs to the cue word it hangs off.
FUNCTION_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "det", "prt", "case", "punct"})
#: Relations of a cue that hangs off the clause whose subject speaks.
HANGING = frozenset({"advcl", "conj", "xcomp", "pcomp"})


def anchor(group: list[int], sdoc, probs) -> object:
    """The token of a cue run that governs it: a verb if there is one, else the run's syntactic head."""
    tokens = [sdoc[i] for i in group]
    if any(t.lower_ == "according" for t in tokens):
        return next(t for t in tokens if t.lower_ == "according")
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    if verbs:
        return max(verbs, key=lambda t: probs[t.i])
    inside = set(group)
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    head = heads[0] if heads else tokens[0]
    if head.dep_ in FUNCTION_DEPS and head.head.i != head.i:
        return head.head  # "had (basically) said", "in a statement", "Her word:": the word they belong to
    return head


def source_of(cue):
    """The speaker of a cue: its subject, a governing verb's subject, a noun cue's possessor or "by" agent."""
    if cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    found = subject_of(cue)
    if found is not None and found.tag_ in ("WP", "WDT") and cue.dep_ == "relcl":
        return cue.head  # "the senator who said": the senator
    if found is not None:
        return found
    if cue.dep_ in ("acl", "relcl") and cue.head.pos_ in ("NOUN", "PROPN"):
        return cue.head  # "Clinton, insisting that ...": Clinton
    if cue.pos_ in ("NOUN", "PROPN"):
        for child in cue.children:
            if child.dep_ == "poss":
                return child
            if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
                obj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if obj is not None and (obj.ent_type_ or obj.pos_ in ("PROPN", "PRON")):
                    return obj
        return None
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in cue.children):
        return None  # "we are told", "it was reported": the speaker is not named
    return governing_subject(cue) or nearest_phrase(cue)


def governing_subject(cue):
    """The subject of the first verb above the cue that has one ("began by saying", "in a statement")."""
    node = cue
    for _ in range(4):
        if node.head.i == node.i or node.dep_ in ("ccomp", "parataxis"):
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            found = subject_of(node)
            if found is not None:
                return found
    return None


def nearest_phrase(cue):
    """When the parse gives the cue no subject: the noun phrase just before it, or just after ("reports X")."""
    sent = cue.sent
    before = [c for c in sent.noun_chunks if c.end <= cue.i and cue.i - c.end <= 3]
    if before:
        return before[-1].root
    after = [c for c in sent.noun_chunks if c.start > cue.i and c.start - cue.i <= 1]
    return after[0].root if after else None


def quote_near(cue, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A quotation in the cue's sentence (or starting just after it) that the cue stands outside of."""
    sent = cue.sent
    best = None
    for start, end in quotes:
        if start <= cue.idx < end:
            continue
        if end < sent.start_char - 2 or start > sent.end_char + 2:
            continue
        distance = min(abs(cue.idx - start), abs(cue.idx - end))
        if best is None or distance < best[0]:
            best = (distance, (start, end))
    return best[1] if best else None


def content_of(cue, quotes: list[tuple[int, int]]) -> tuple[tuple[int, int] | None, bool]:
    """What a cue introduces, and whether it is a statement (a clause or a quotation, not an object or an aim).

    In order: its clausal complement, a quotation beside it, its object, or the clause it modifies.
    """
    if cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        end = phrase_bounds(source)[1] if source is not None else cue.idx + len(cue.text)
        return claim_around(cue, cue.idx, end), True
    children = {c.dep_: c for c in cue.children}
    if "ccomp" in children:
        return content_bounds(children["ccomp"]), True
    if "xcomp" in children:
        return content_bounds(children["xcomp"]), False  # "plans to cut": an aim, not a statement
    quoted = quote_near(cue, quotes)
    if quoted is not None:
        return quoted, True
    for dep in CONTENT_DEPS[2:]:
        if dep in children:
            return content_bounds(children[dep]), False
    for child in cue.children:
        if child.dep_ == "prep":
            obj = next((g for g in child.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                return content_bounds(obj), False
    if cue.pos_ not in ("VERB", "AUX") and cue.head.i != cue.i:
        head = cue.head
        while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
            head = head.head
        bounds = content_bounds(head)
        if bounds[0] <= cue.idx < bounds[1]:
            return claim_around(cue, cue.idx, cue.idx + len(cue.text)), True
        return bounds, True
    return None, False


def adds_to_something(cue, quotes: list[tuple[int, int]]) -> bool:
    """ "added to his collection of titles": "add" with a "to" phrase and neither a clause nor a
    quotation beside it increases something; it reports no speech."""
    return cue.lemma_.lower() == "add" and any(c.dep_ == "prep" and c.lower_ == "to" for c in cue.children) \
        and not any(c.dep_ == "ccomp" for c in cue.children) and quote_near(cue, quotes) is None


def read_cue(group: list[int], sdoc, probs, quotes: list[tuple[int, int]]):
    """(content bounds, cue token, source head, cue bounds, is a statement) for one run of cue tokens.

    None when nothing around the cue can be its content.
    """
    cue = anchor(group, sdoc, probs)
    if adds_to_something(cue, quotes):
        return None
    while len(group) > 1 and sdoc[group[0]].dep_ in ("aux", "auxpass") and group[0] != cue.i:
        group = group[1:]  # "is reported", "has said": the cue is the verb, as the rules give it
    if cue.i not in group and all(sdoc[i].head.i == cue.i for i in group):
        # "were (not) announced": the tagger marked the auxiliary; the cue runs to the verb it serves
        group = list(range(min(group[0], cue.i), max(group[-1], cue.i) + 1))
    first, last = sdoc[group[0]], sdoc[group[-1]]
    cue_bounds = (first.idx, last.idx + len(last.text))
    content, statement = content_of(cue, quotes)
    if content is None:
        sent = cue.sent
        after = (cue_bounds[1], sent.end_char)
        before = (sent.start_char, cue_bounds[0])
        text = text_of(sdoc)
        content = after if len(text[after[0]:after[1]].strip(" ,.;:")) > 1 else before
        if len(text[content[0]:content[1]].strip(" ,.;:")) <= 1:
            return None
    return content, cue, source_of(cue), cue_bounds, statement
