"""Reading an event's arguments off spaCy's parse: who acted, on whom, and who said so.

The ``events`` layer finds triggers and frames; this module answers, for a
trigger token, which names fill its roles: the passive agent or subject for
the actor (a pronoun resolved to its name, an observer or reporter never
taken for the actor), the object or passive subject for the target, and the
speaker of a reported clause. Names come from the entity index, so they are
the entities layer's canonical names where it ran.
"""

from __future__ import annotations

from unspin.analyze import plover
from unspin.analyze.coref import antecedent
from unspin.analyze.mentions import EntityIndex

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
TARGET_PREPS = ("against", "on", "with", "to", "at", "upon", "into")
PRONOUNS = frozenset({"PRON"})
#: Verbs whose subject witnesses, reports or judges an event named by their object, and did not make it.
OBSERVING = frozenset(
    "hear see witness watch notice observe film photograph record document describe condemn denounce "
    "deny investigate criticize criticise blame mourn recall remember".split())
#: Lemmas that make a sentence attributed when no modality layer says otherwise.
REPORTING = frozenset("say tell claim announce report accord state declare add insist allege".split())


def speech_head(token):
    """The reporting verb whose complement holds this clause, if any ("X said Y must ...")."""
    head = token
    while head.dep_ == "conj":
        head = head.head
    if head.dep_ in ("ccomp", "parataxis") and head.head.lemma_ in plover.SPEECH:
        return head.head
    return None


def coordinated(head) -> list:
    """Heads coordinated with this one. spaCy often hangs the second name of "A, the chief of X, and B"
    on X; a conjunct of the same entity kind inside the apposition is taken back as a coordinate."""
    found = []
    stack = [c for c in head.children if c.dep_ == "conj"]
    while stack:
        c = stack.pop(0)
        found.append(c)
        stack += [g for g in c.children if g.dep_ == "conj"]
    return found


def misattached_conjuncts(head, index: EntityIndex) -> list:
    own = index.at(head)
    if own is None:
        return []
    found = []
    for appos in (c for c in head.children if c.dep_ == "appos"):
        for tok in appos.subtree:
            if tok.dep_ == "conj":
                other = index.at(tok)
                if other is not None and other.label == own.label and other != own:
                    found.append(tok)
    return found


def compact_text(token) -> str:
    """A head noun with its compounds and adjectives, for actors that are not named entities."""
    words = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod") and c.i < token.i] + [token]
    words.sort(key=lambda t: t.i)
    return " ".join(w.text for w in words)


#: Nouns that only count or group the real actors: "a group of diplomats", "thousands of students".
COLLECTIVES = frozenset(
    "group number delegation team some most many all hundred thousand dozen million majority crowd "
    "member part contingent batch patch".split())


def names_of_head(token, index: EntityIndex, allow_common: bool = True) -> list[str]:
    own = index.at(token)
    if own is not None:
        return [own.name]
    if token.pos_ in PRONOUNS:
        return []
    if token.lemma_.lower() in COLLECTIVES:
        for pobj in prep_objects(token, ("of",)):
            return names_of_phrase(pobj, index, allow_common)
    found: list[str] = []
    for child in token.children:
        if child.dep_ in ("compound", "amod", "poss", "nmod") and child.i < token.i:
            for n, tok in enumerate([child] + coordinated(child)):
                m = index.at(tok)
                if m is None:
                    continue
                # a nationality names a group, not the actor: "Serbian military police", not "Serbian"
                name = m.name if m.label != "NORP" else compact_text(token) if n == 0 else f"{m.name} {token.text}"
                if name not in found:
                    found.append(name)
    if found:
        return found
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in (g for g in child.children if g.dep_ == "pobj"):
                m = index.at(pobj)
                if m is not None:
                    return [m.name]
    if allow_common and token.pos_ in ("NOUN", "PROPN"):
        return [compact_text(token)]
    return []


def names_of_phrase(head, index: EntityIndex, allow_common: bool = True) -> list[str]:
    names: list[str] = []
    for tok in [head] + coordinated(head) + misattached_conjuncts(head, index):
        for name in names_of_head(tok, index, allow_common):
            if name not in names:
                names.append(name)
    return names


def child_of(token, *deps):
    for c in token.children:
        if c.dep_ in deps:
            return c
    return None


def prep_objects(token, preps) -> list:
    found = []
    for c in token.children:
        if c.dep_ in ("prep", "agent", "dative") and c.lower_ in preps:
            found += [g for g in c.children if g.dep_ == "pobj"]
    return found


def is_passive(token) -> bool:
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children):
        return True
    return token.tag_ == "VBN" and token.dep_ == "acl" and child_of(token, "agent") is not None


def subject_of(token):
    """The grammatical subject, inherited through "X agreed to Y", "X came and Y" when the verb has none."""
    seen = 0
    while token is not None and seen < 6:
        subj = child_of(token, "nsubj", "csubj")
        if subj is not None:
            return subj
        if token.dep_ in ("xcomp", "conj", "advcl", "ccomp") and token.head is not token:
            if token.dep_ == "ccomp" and token.head.lemma_ in plover.SPEECH:
                return None
            token = token.head
        elif token.dep_ == "acl":
            return token.head
        else:
            return None
        seen += 1
    return None


def noun_actor(token, index: EntityIndex) -> list[str]:
    by = prep_objects(token, ("by",))
    if by:
        return names_of_phrase(by[0], index)
    mods = []
    for c in token.children:
        if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < token.i:
            mods += [t for t in [c] + coordinated(c) if index.at(t) is not None]
    if mods:
        return list(dict.fromkeys(index.at(t).name for t in mods))
    between = prep_objects(token, ("between", "among"))
    if between:
        return names_of_phrase(between[0], index)
    if token.dep_ in ("dobj", "attr") or token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.lemma_ in plover.TRANSPARENT:
        verb = token.head if token.dep_ != "pobj" else token.head.head
        if verb.lemma_.lower() in OBSERVING or verb.lemma_.lower() in REPORTING:
            return []  # who heard, saw or condemned the attack did not make it
        subj = subject_of(verb)
        if subj is not None:
            return names_of_phrase(subj, index)
    return []


def labour_strike(token, index: EntityIndex) -> bool:
    """"Nurses began a strike", "the drivers' strike", "a strike over pay": people stopping work.

    PLOVER codes that PROTEST (mode strike), not ASSAULT. A strike on or
    against someone, or one made by a named state, group or armed force, stays
    an attack.
    """
    if token.lemma_.lower() != "strike" or token.pos_ != "NOUN" or prep_objects(token, ("on", "against")):
        return False
    if token.dep_ == "dobj" and prep_objects(token.head, ("on", "against")):
        return False  # "carried out a strike on the depot", the parse hanging "on" on the verb
    for pobj in prep_objects(token, ("over", "for")):
        if index.at(pobj, PLACE_LABELS) is None:
            return True  # a strike over pay, for higher wages
    people = [c for c in token.children if c.dep_ == "poss"]
    if token.dep_ in ("dobj", "attr", "nsubjpass") and (subj := subject_of(token.head)) is not None:
        people.append(subj)
    return any(
        p.pos_ == "NOUN" and index.at(p) is None and not any(p.lemma_.lower().endswith(t) for t in plover.TROOPS)
        for p in people
    )


def noun_target(token, index: EntityIndex) -> list[str]:
    for objs in (prep_objects(token, ("of", "against", "on", "with", "to")),):
        for pobj in objs:
            names = names_of_phrase(pobj, index)
            if names:
                return names
    if token.dep_ in ("dobj", "attr"):
        for pobj in prep_objects(token.head, TARGET_PREPS):
            names = names_of_phrase(pobj, index, allow_common=False)
            if names:
                return names
    return []


def verb_arguments(token, index: EntityIndex, events_by_token) -> tuple[list[str], list[str], bool]:
    passive = is_passive(token)
    actor: list[str] = []
    target: list[str] = []
    if passive:
        agents = prep_objects(token, ("by",))
        if agents:
            agent = agents[0]
            actor = noun_actor(agent, index) if agent.i in events_by_token else names_of_phrase(agent, index)
        subj = child_of(token, "nsubjpass") or (token.head if token.dep_ == "acl" else None)
        if subj is not None:
            target = names_of_phrase(subj, index)
    else:
        subj = subject_of(token)
        if subj is not None:
            if subj.i in events_by_token and subj.pos_ == "NOUN":
                actor = noun_actor(subj, index)
            else:
                actor = names_of_phrase(subj, index)
        if not actor and subj is not None and subj.pos_ in PRONOUNS:
            actor = speaker(token, index)  # "Hungary has said it will support ...": it is Hungary
            if not actor and (named := antecedent(subj, index)) is not None:
                actor = [named.name]  # "they attacked": the group named just before
        obj = child_of(token, "dobj", "dative")
        if obj is not None and obj.i in events_by_token and obj.pos_ == "NOUN":
            target = noun_target(obj, index)
        elif obj is not None:
            target = names_of_phrase(obj, index)
            if target and index.at(obj) is None:
                named = [n for p in prep_objects(token, TARGET_PREPS) for n in names_of_phrase(p, index, False)]
                target = named or target
        if not target:
            for pobj in prep_objects(token, TARGET_PREPS):
                target = names_of_phrase(pobj, index, allow_common=False)
                if target:
                    break
    return actor, target, passive


def speaker(token, index: EntityIndex) -> list[str]:
    """Who reports this clause ("X said ..."), for pronoun subjects and demands made in speech.

    A heuristic stand-in for coreference: a pronoun subject of reported speech
    is usually the speaker.
    """
    head = speech_head(token)
    if head is None:
        return []
    subj = child_of(head, "nsubj")
    return names_of_phrase(subj, index) if subj is not None else []
