"""The ``events`` layer: who did what to whom, when and where, coded as PLOVER event types.

Each event is one span on its trigger word(s), labelled with its PLOVER type,
and carries the cue that decided it (trigger lemma and rule), the actor and
target read off the dependency parse, the place and date attached to the
trigger, and the modality of its sentence. A coded event is a claim the text
makes, not a verified fact: ``verified`` is true only when the sentence
asserts it plainly, so a speculative "may have struck" never reads as news.

Reading order, all on spaCy's parse (``nlp.parse``):

1. triggers: lexicon verbs and nouns, two-word expressions, light verbs typed
   by their object (``plover``);
2. frames: "agreed to withdraw", "threatened to strike", "demanded the
   release" become one AGREE / THREATEN / DEMAND event about the wrapped action;
   a future cooperative action is a commitment (AGREE), a future hostile one a
   threat (THREATEN), "must" in reported speech a demand, a refused
   cooperative action a rejection;
3. arguments: passive agent or subject for the actor, object or passive
   subject for the target, "in/on/at <place>" and attached dates.

Other layers improve it when present (``entities`` canonical names and places,
``dates`` ISO values, ``modality``); alone it falls back on spaCy's entities
and its own hedge check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterator

from unspin.analyze import event_groups, plover
from unspin.analyze.nlp import known_words, parse
from unspin.analyze.pipeline import registry
from unspin.analyze.event_arguments import (  # noqa: F401  (PLACE_LABELS and REPORTING are read by callers)
    PLACE_LABELS, PRONOUNS, REPORTING, labour_strike, names_of_phrase, noun_actor, noun_target, speaker,
    speech_head, subject_of, verb_arguments,
)
from unspin.analyze.mentions import ACTOR_LABELS, EntityIndex, Mention, mentions, normalise_name  # noqa: F401
from unspin.analyze.spanindex import SpanIndex
from unspin.document import Document, Span

PLACE_PREPS = frozenset({"in", "at", "on", "near", "inside", "outside", "across", "into", "throughout", "around"})
#: Dependency relations that carry a wrapped action from a frame verb to its complement.
COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp"})

#: Words that make a sentence speculative when no modality layer says otherwise.
HEDGES = frozenset(
    "may might could would seem appear reportedly allegedly possibly perhaps probably likely "
    "apparently presumably supposedly purportedly".split())


# --------------------------------------------------------------------------- triggers


@dataclass
class Trigger:
    token: object  # the spaCy token the event hangs on
    type: str | None  # None only from a rule that says "no event here" (``object_trigger``)
    lemma: str
    rule: str
    weight: float = 1.0
    extra: list = field(default_factory=list)  # other tokens of a two-word trigger
    action: "Trigger | None" = None  # the action a frame wraps
    absorbed: list = field(default_factory=list)  # same event named again (by US strikes)


def direct_object(token):
    for child in token.children:
        if child.dep_ in ("dobj", "obj"):
            return child
    return None


def asks_whether(clause) -> bool:
    """A clause opened by "if" or "whether": a question or a condition, not a statement."""
    return any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in clause.children)


def is_clause(child) -> bool:
    """A that-clause or an if/whether-clause a verb takes ("demonstrates that ...", "asked if ...")."""
    return child.dep_ == "ccomp" or (child.dep_ == "advcl" and asks_whether(child))


def passive_subject(token):
    return next((c for c in token.children if c.dep_ == "nsubjpass"), None)


def particle_trigger(token) -> Trigger | None:
    for child in token.children:
        if child.dep_ in ("prt", "dobj", "prep") and (token.lemma_, child.lemma_.lower()) in plover.PARTICLE_VERBS:
            type_ = plover.PARTICLE_VERBS[(token.lemma_, child.lemma_.lower())]
            if type_ is None:
                continue
            return Trigger(token, type_, f"{token.lemma_} {child.lemma_.lower()}", "two-word verb", 1.0, [child])
    return None


def eventless_particle(token) -> bool:
    """A particle (or a fixed complement) that takes the event out of the verb: "was beaten out for
    first place", "pleaded guilty"."""
    return any(c.dep_ in ("prt", "acomp", "oprd")
               and plover.PARTICLE_VERBS.get((token.lemma_, c.lemma_.lower()), "") is None
               for c in token.children)


def object_trigger(token) -> Trigger | None:
    """The event a light verb makes with what it acts on; a rule of type None ("execute a plan")
    yields a trigger of type None, which ``verb_trigger`` reads as no event at all."""
    rules = plover.OBJECT_VERBS.get(token.lemma_)
    if not rules:
        return None
    obj = direct_object(token)
    if obj is None and token.lemma_ in plover.PASSIVE_PATIENT_VERBS:
        # "teams were deployed", "calls released by the city": what is deployed or released
        obj = passive_subject(token) or (token.head if token.dep_ == "acl" and token.tag_ == "VBN" else None)
    obj_lemma = obj.lemma_.lower() if obj is not None else "<none>"
    words = {obj_lemma} | ({"<clause>"} if any(is_clause(c) for c in token.children) else set())
    if obj is not None:  # "mediation efforts", "held refugees as human shields"
        words |= {c.lemma_.lower() for c in obj.children if c.dep_ in ("compound", "amod")}
        words |= {g.lemma_.lower() for c in token.children if c.dep_ == "prep" and c.lower_ == "as"
                  for g in c.children if g.dep_ == "pobj"}
    for lemmas, type_ in rules:
        if lemmas == "*" and obj is not None or lemmas != "*" and words & lemmas:
            cue = f"{token.lemma_} {obj_lemma}" if obj is not None else token.lemma_
            return Trigger(token, type_, cue, "verb typed by its object", 0.8)
    return None


def gerund_trigger(token) -> Trigger | None:
    """A verb form the parser tagged as a noun because it ends in -ing and takes an object.

    "killing civilians" is the verb kill; "hearing gunfire" is the verb hear,
    which names no event, not a court hearing.
    """
    word = token.lower_
    stem = word[:-3]
    for lemma in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
        for type_ in plover.TYPES.values():
            if lemma and lemma in type_.verbs:
                return Trigger(token, type_.name, lemma, "verb lexicon, -ing form", 1.0)
    return None


def noun_trigger(token) -> Trigger | None:
    lemma = token.lemma_.lower()
    if token.dep_ in ("compound", "amod", "nmod") and token.head.i > token.i and \
            token.head.lemma_.lower() in plover.EQUIPMENT_NOUNS:
        return None  # "assault weapons", "strike aircraft"
    if lemma in plover.ADDRESSED_DEMANDS and not any(c.lower_ in ("for", "to") for c in token.children):
        return None
    if lemma == "seizure" and token.head.lemma_.lower() in plover.AILMENT_VERBS and token.dep_ == "dobj":
        return None
    if token.lower_.endswith("ing") and any(c.dep_ == "dobj" for c in token.children):
        return gerund_trigger(token)
    if token.lower_.endswith("ing") and token.dep_ == "compound" and token.head.i == token.i + 1:
        if gerund_trigger(token) is None and noun_trigger(token.head) is not None:
            return None  # "hearing gunfire" read as one noun: the gunfire is the event
    for child in token.children:
        if child.dep_ in ("compound", "amod", "nmod") and (lemma, child.lemma_.lower()) in plover.NOUN_COMPOUNDS:
            type_ = plover.NOUN_COMPOUNDS[(lemma, child.lemma_.lower())]
            if type_ is None:
                return None
            return Trigger(token, type_, f"{child.lemma_.lower()} {lemma}", "noun compound", 1.0, [child])
    if lemma == "release" and any(g.lemma_.lower() in plover.INFORMATION for c in token.children
                                  if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"):
        return None  # "the release of the records": publishing, not setting free
    if lemma == "strike" and token.head.lemma_ == "on" and token.dep_ == "pobj":
        return Trigger(token, "PROTEST", "on strike", "noun compound", 1.0)
    if lemma == "protest" and token.head.lemma_ in ("lodge", "file", "issue", "deliver", "send"):
        return Trigger(token, "DISAPPROVE", f"{token.head.lemma_} protest", "noun compound", 1.0)
    for type_ in plover.TYPES.values():
        if lemma in type_.nouns:
            return Trigger(token, type_.name, lemma, "noun lexicon", 0.85)
    return misspelt_trigger(token, "nouns", 0.85)


def glued_participle(token) -> bool:
    """"coal-fired plants", "a gas-fired station": "fired" glued by a hyphen to a common word names the
    fuel, not a shot. (Other glued participles stay events: "a government-imposed curfew".)"""
    doc = token.doc
    return token.lower_ == "fired" and token.i >= 2 and doc[token.i - 1].text == "-" \
        and not doc[token.i - 2].whitespace_ and not doc[token.i - 1].whitespace_ \
        and (doc[token.i - 2].is_lower or doc[token.i - 2].pos_ == "NOUN")


def verb_trigger(token) -> Trigger | None:
    if eventless_particle(token) or glued_participle(token):
        return None
    found = particle_trigger(token) or object_trigger(token)
    if found:
        return found if found.type is not None else None
    lemma = token.lemma_.lower()
    if lemma == "protest" and direct_object(token) is not None:
        return Trigger(token, "DISAPPROVE", lemma, "verb lexicon", 0.9)
    for type_ in plover.TYPES.values():
        if lemma in type_.verbs:
            return Trigger(token, type_.name, lemma, "verb lexicon", 1.0)
    return misspelt_trigger(token, "verbs", 1.0)


#: Shortest word read as a misspelt trigger: shorter words are one edit away from too many others.
MIN_MISSPELT = 7
#: Regular endings taken off a misspelt word before it is compared ("arested" -> "arest" ~ "arrest").
ENDINGS = ("ings", "ing", "ed", "es", "s")
#: A misspelt trigger counts for this share of a correctly spelt one.
MISSPELT_WEIGHT = 0.8


@lru_cache(maxsize=2)
def trigger_words(kind: str) -> dict[str, str]:
    """Every lexicon noun or verb with its event type (a word in two types is left out: ambiguous)."""
    seen: dict[str, set[str]] = {}
    for type_ in plover.TYPES.values():
        for word in getattr(type_, kind):
            seen.setdefault(word, set()).add(type_.name)
    return {word: next(iter(types)) for word, types in seen.items() if len(types) == 1}


def misspelt_trigger(token, kind: str, weight: float) -> Trigger | None:
    """A word the parser's vocabulary does not know, one edit from exactly one trigger: "assasination".

    Known words are never corrected ("attacker" is not "attacked"), so only typing errors are read.
    """
    word = token.lower_
    if len(word) < MIN_MISSPELT or not word.isalpha() or word in known_words():
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    words = trigger_words(kind)
    forms = [word] + [word[: -len(e)] for e in ENDINGS if word.endswith(e) and len(word) - len(e) >= MIN_MISSPELT - 1]
    near = {match for form in forms
            for match, _, _ in process.extract(form, list(words), scorer=OSA.distance, score_cutoff=1, limit=3)}
    if len(near) != 1:
        return None
    [lemma] = near
    return Trigger(token, words[lemma], lemma, f"{kind[:-1]} lexicon, misspelt ({token.text})",
                   weight * MISSPELT_WEIGHT)


def is_negated(token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in token.children)


def is_infinitive(token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def complements(token) -> list:
    """The actions a frame verb wraps: its clausal complement or the object of "to/for/on"."""
    if token.lemma_.lower() in plover.INFINITIVE_ONLY:
        return [c for c in token.children if c.dep_ == "xcomp" or c.dep_ in ("ccomp", "advcl") and is_infinitive(c)]
    if token.lemma_.lower() == "call":  # "called for talks", "called on X to ...": what is called for
        return [c for c in token.children if c.dep_ == "xcomp" or c.dep_ == "advcl" and is_infinitive(c)] + [
            g for c in token.children if c.dep_ == "prep" and c.lower_ in ("for", "on", "upon")
            for g in c.children if g.dep_ in ("pobj", "pcomp")]
    found = [c for c in token.children
             if c.dep_ in COMPLEMENT_DEPS or c.dep_ == "advcl" and is_infinitive(c)]
    for c in token.children:
        if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "for", "on", "upon"):
            found += [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
        if c.dep_ in ("dobj", "acomp"):
            found.append(c)
            found += [g for g in c.children if g.dep_ in ("xcomp", "acl")]
    return found


def find_triggers(sent) -> dict[int, Trigger]:
    """Every word in the sentence that names an event by the lexicon, with its type and rule."""
    triggers: dict[int, Trigger] = {}
    for token in sent:
        if token.pos_ == "VERB":
            found = verb_trigger(token)
        elif token.pos_ == "NOUN":
            found = noun_trigger(token)
        else:
            found = None
        if found:
            triggers[token.i] = found
    return triggers


def frame_type(token) -> str | None:
    """The event a frame word makes ("agree" AGREE, "vow" commit, ...) when it wraps an action."""
    kind = plover.FRAMES.get(token.lemma_.lower()) or plover.FRAMES.get(token.lower_)
    if kind is None or token.pos_ not in ("VERB", "ADJ") or eventless_particle(token):
        return None
    if any(c.dep_ == "prt" for c in token.children):  # "call out": a phrasal verb's own sense, no frame
        return None
    return kind


ABSORBING = frozenset({"AGREE", "THREATEN", "DEMAND", "REJECT", "commit"})


def wrapped_action(token, triggers: dict[int, Trigger]) -> Trigger | None:
    """The first event trigger among a frame's complements (searched two levels down)."""
    frontier = complements(token)
    for _ in range(3):
        nxt = []
        for c in frontier:
            if c.i in triggers and c.i != token.i:
                return triggers[c.i]
            nxt += complements(c) + [g for g in c.children if g.dep_ in ("dobj", "conj")]
        frontier = nxt
    return None


def aux_lemmas(token) -> set[str]:
    words = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
    head = token
    while head.dep_ in ("xcomp", "conj") and head.head is not head:  # "will X and Y", "is going to X"
        head = head.head
        words |= {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
        if head.lemma_ == "go" and head.tag_ == "VBG":
            words.add("will")
    return words


def depth(token) -> int:
    d = 0
    while token.head is not token and d < 50:
        token, d = token.head, d + 1
    return d


def verbal_complement(token):
    """A clause the frame wraps even when it names no lexicon event ("promised to democratize")."""
    for c in complements(token):
        if c.pos_ in ("VERB", "AUX") and c.dep_ != "dobj":
            return c
    return None


def frame_event(token, kind: str, triggers: dict[int, Trigger], wrapped: set[int]) -> Trigger | None:
    """The event a frame word makes, absorbing the action it wraps (PLOVER codes the wrapping act)."""
    action = wrapped_action(token, triggers)
    if action is not None and (action.token.i in wrapped or action.token.i == token.i):
        action = None
    complement = verbal_complement(token)
    if complement is not None and asks_whether(complement):
        return None  # "asked Clinton if he would ...": a question, not a demand
    if token.lemma_ == "call" and any(c.dep_ == "auxpass" for c in token.children):
        return None  # "police were called to the home to investigate": summoned, nobody demands
    if action is None and token.i not in triggers and complement is None:
        return None
    action_type = action.type if action else None
    if kind == "commit":
        type_ = plover.committed_type(action_type)
    elif token.lemma_ == "fail" and action_type and plover.stance(action_type) == "hostile":
        return None
    else:
        type_ = kind
    if kind in ABSORBING and action is not None:
        wrapped.add(action.token.i)
    rule = f"frame '{token.lemma_}'" + (f" wrapping {action.type}" if action else "")
    event = Trigger(token, type_, token.lemma_.lower(), rule, 1.0, action=action)
    if is_negated(token):
        if type_ != "AGREE":
            return None
        event.type, event.rule = "REJECT", f"negated frame '{token.lemma_}'"
    if aux_lemmas(token) & plover.OBLIGATION and speech_head(token) is not None:
        event.type, event.rule = "DEMAND", f"obligation in reported speech ({event.rule})"
    return event


def compose(sent, triggers: dict[int, Trigger]) -> list[Trigger]:
    """Frames absorb the actions they wrap; modals and negation re-type what is left (PLOVER's rules)."""
    events: dict[int, Trigger] = {}
    wrapped: set[int] = set()
    for token in sorted(sent, key=depth):  # outer frames first: "demanded that they refuse to recognise"
        kind = frame_type(token)
        if kind is None or token.i in wrapped:
            continue
        event = frame_event(token, kind, triggers, wrapped)
        if event is not None:
            events[token.i] = event
    for i, trig in triggers.items():
        if i in events or i in wrapped:
            continue
        reshaped = reshape_by_modality(trig)
        if reshaped is not None:
            events[i] = reshaped
    for token in sent:  # "X said Y must return the helicopter": a demand by X on Y
        if token.i in events or token.i in wrapped or token.pos_ != "VERB":
            continue
        if aux_lemmas(token) & plover.OBLIGATION and speech_head(token) is not None:
            events[token.i] = Trigger(token, "DEMAND", f"must {token.lemma_}", "obligation in reported speech", 0.8)
    absorb_restatements(events)
    return sorted(events.values(), key=lambda t: t.token.i)


def reshape_by_modality(trig: Trigger) -> Trigger | None:
    """Negated, future and obliged actions are not the action itself (PLOVER codes the stance)."""
    token = trig.token
    if token.pos_ != "VERB":
        if any(c.dep_ == "det" and c.lower_ == "no" for c in token.children):
            return None
        return trig
    stance = plover.stance(trig.type)
    auxes = aux_lemmas(token)
    if is_negated(token):
        if stance == "cooperative":
            return Trigger(token, "REJECT", trig.lemma, f"negated {trig.type} ({trig.rule})", 0.8, trig.extra,
                           action=trig)
        return None
    if auxes & plover.OBLIGATION and speech_head(token) is not None:
        return Trigger(token, "DEMAND", f"must {trig.lemma}", f"obligation in reported speech ({trig.type})", 0.85,
                       trig.extra, action=trig)
    if auxes & plover.FUTURE and trig.type not in ("AGREE", "THREATEN", "DEMAND", "REJECT", "DISAPPROVE", "ACCUSE"):
        if asks_whether(token):
            return None  # "asked if she would resign": a question about an act, neither the act nor a pledge
        type_ = plover.committed_type(trig.type)
        if has_condition_unless(token):  # "will withdraw unless ...": an ultimatum
            type_ = "THREATEN"
        return Trigger(token, type_, trig.lemma, f"announced future {trig.type} ({trig.rule})", 0.85, trig.extra,
                       action=trig)
    return trig


def has_condition_unless(token) -> bool:
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
               for c in token.children)


def absorb_restatements(events: dict[int, Trigger]) -> None:
    """"killed by US strikes", "killed in a bombing": the noun names the verb's own event again."""
    for i in list(events):
        trig = events.get(i)
        if trig is None or trig.token.pos_ != "NOUN":
            continue
        token = trig.token
        head = token.head
        if token.dep_ == "pobj" and head.dep_ in ("agent", "prep") and head.lower_ in ("by", "in", "with"):
            head = head.head
        elif token.dep_ not in ("nsubj", "dobj"):
            continue
        host = events.get(head.i)
        if host is not None and host is not trig and same_family(host.type, trig.type):
            host.absorbed.append(token)
            del events[i]


def same_family(a: str, b: str) -> bool:
    return a == b or {a, b} <= {"ASSAULT", "COERCE"}


# --------------------------------------------------------------------------- arguments (read in event_arguments)

def anchors(trig: Trigger) -> list:
    tokens = [trig.token] + trig.absorbed
    if trig.action is not None and trig.action.token is not trig.token:
        tokens.append(trig.action.token)
    return tokens


def find_place(trig: Trigger, index: EntityIndex) -> Mention | None:
    for anchor in anchors(trig):
        for prep in (c for c in anchor.children if c.dep_ == "prep" and c.lower_ in PLACE_PREPS):
            sub = list(prep.subtree)
            found = index.within(sub[0].idx, sub[-1].idx + len(sub[-1].text), PLACE_LABELS)
            if found:
                return found[-1] if len(found) > 1 and found[-1].label == "GPE" else found[0]
    return None


def find_date(trig: Trigger, doc: Document, sdoc) -> tuple[str | None, str | None]:
    """(ISO value from the dates layer if any, surface text) of a date attached to the event."""
    for anchor in anchors(trig):
        for child in anchor.children:
            if child.dep_ not in ("prep", "npadvmod", "advmod", "tmod", "obl"):
                continue
            sub = list(child.subtree)
            start, end = sub[0].idx, sub[-1].idx + len(sub[-1].text)
            if "dates" in doc.layers:
                for span in layer_index(doc, "dates").within(start, end):
                    value = span.attrs.get("value") if isinstance(span.attrs, dict) else None
                    return (value if isinstance(value, str) else None), doc.span_text(span)
            for ent in date_entities(doc, sdoc).within(start, end):
                return None, ent.text
    return None, None


def layer_index(doc: Document, name: str) -> SpanIndex:
    """A layer's spans indexed by start, built once per Document (asked per event, a scan was quadratic)."""
    key = f"events.index.{name}"
    spans = doc.layer(name)
    cached = doc.cache.get(key)
    if cached is None or cached[0] is not spans:  # set_layer since: the old index would answer for old spans
        cached = doc.cache[key] = (spans, SpanIndex(spans))
    return cached[1]


@dataclass(frozen=True)
class _Entity:
    start: int
    end: int
    text: str


def date_entities(doc: Document, sdoc) -> SpanIndex:
    """spaCy's DATE entities, indexed once per Document (``Doc.ents`` builds every entity anew on each call)."""
    index = doc.cache.get("events.index.date_ents")
    if index is None:
        found = [_Entity(e.start_char, e.end_char, e.text) for e in sdoc.ents if e.label_ == "DATE"]
        index = doc.cache["events.index.date_ents"] = SpanIndex(found)
    return index


# --------------------------------------------------------------------------- modality


def event_modality(doc: Document, sentence_span: Span) -> tuple[str, str | None]:
    """(modality, cue) of the sentence an event is in: the modality layer's when present, else a hedge check."""
    if "modality" in doc.layers:
        best, overlap = None, 0
        for span in layer_index(doc, "modality").overlapping(sentence_span.start, sentence_span.end):
            shared = min(span.end, sentence_span.end) - max(span.start, sentence_span.start)
            if shared > overlap:
                best, overlap = span, shared
        if best is not None:
            cue = best.attrs.get("cue") if isinstance(best.attrs, dict) else None
            return best.label, (cue if isinstance(cue, str) else None)
    text = doc.span_text(sentence_span)
    if text.rstrip().rstrip("\"'”’)").endswith("?"):
        return "question", "?"
    sdoc = parse(doc)
    sent = sdoc.char_span(sentence_span.start, sentence_span.end, alignment_mode="expand")
    tokens = list(sent) if sent is not None else []
    for tok in tokens:
        if is_hedge(tok):
            return "speculative", tok.text
    for tok in tokens:
        if tok.lemma_.lower() in REPORTING and tok.pos_ == "VERB":
            return "attributed", tok.text
    return "asserted", None


def reported_by(token, levels: int = 3):
    """The reporting verb ("said", "reported") whose complement holds this trigger, when the parse shows one.

    The sentence-wide modality misses an account given in a complement the
    attributions layer did not read as speech ("reported hearing gunfire").
    """
    for child in token.children:
        if child.dep_ == "amod" and child.lemma_.lower() in REPORTING:
            return child  # "reported gunfire", or a parse that hangs "reported" on the noun
    head = token
    for _ in range(levels):
        if head.head is head:
            return None
        head = head.head
        if head.pos_ == "VERB" and head.lemma_.lower() in REPORTING:
            return head
    return None


def irrealis_cue(doc: Document, offset: int) -> str | None:
    """The cue ("plans", "effort", "able") when the trigger is an action only intended or possible."""
    for span in layer_index(doc, "modality").containing(offset):
        if span.start <= offset < span.end:
            for unreal in span.attrs.get("irrealis", []):
                if any(a <= offset < b for a, b in unreal["scope"]):
                    return unreal["cue"]
    return None


def is_hedge(token) -> bool:
    """A modal verb, hedging verb or adverb ("may" the modal, not "May" the month)."""
    if token.lemma_.lower() not in HEDGES and token.lower_ not in HEDGES:
        return False
    return token.tag_ == "MD" or token.pos_ in ("VERB", "ADV", "ADJ")


# --------------------------------------------------------------------------- the component


def one_or_list(names: list[str]):
    if not names:
        return None
    return names[0] if len(names) == 1 else names


#: Clauses that hang off another event (purpose, condition, relative clauses) weigh more than one hop.
SUBORDINATE = frozenset({"advcl", "relcl", "acl"})


def prominence(token) -> float:
    """How central the trigger is to its sentence: main-clause events rank above embedded mentions.

    Reporting verbs, coordination and light verbs ("staged demonstrations",
    "announced a suspension") do not push an event down.
    """
    score, seen = 1.0, 0
    while token.dep_ != "ROOT" and token.head is not token and seen < 20:
        dep, head = token.dep_, token.head
        free = dep == "conj" or dep in ("ccomp", "parataxis", "dobj") and head.lemma_ in plover.SPEECH
        free = free or dep in ("xcomp", "dobj", "pobj", "prep") and head.lemma_ in plover.TRANSPARENT
        if not free and dep != "prep":
            score -= 0.25 if dep in SUBORDINATE else 0.15
        token, seen = head, seen + 1
    return max(0.3, score)


def light_verb_object(token) -> bool:
    """A noun that is the whole event of its clause: "staged demonstrations", "announced a suspension"."""
    head = token.head
    return token.dep_ == "dobj" and (head.lemma_ in plover.TRANSPARENT or head.lemma_ in plover.SPEECH)


def span_of(trig: Trigger) -> tuple[int, int]:
    tokens = [trig.token] + trig.extra
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return start, end


def event_spans(doc: Document, sentence_span: Span, sent, index: EntityIndex, sdoc) -> Iterator[Span]:
    triggers = find_triggers(sent)
    events = compose(sent, triggers)
    by_token = {t.token.i: t for t in events}
    by_token.update({i: t for i, t in triggers.items() if i not in by_token})
    modality, cue = event_modality(doc, sentence_span)
    for trig in events:
        token = trig.token
        if token.pos_ == "NOUN":
            actor, target, passive = noun_actor(token, index), noun_target(token, index), False
            if trig.type == "ASSAULT" and labour_strike(token, index):
                trig = replace(trig, type="PROTEST", rule="strike by people stopping work")
        elif trig.type == "DEMAND" and trig.rule.startswith("obligation in reported speech"):
            # "X said Y must ...": X demands, Y is asked
            actor, passive = speaker(token, index), False
            subj = subject_of(token)
            target = names_of_phrase(subj, index) if subj is not None else []
        else:
            actor, target, passive = verb_arguments(token, index, by_token)
            if trig.action is not None and not target and trig.action.token is not token:
                action = trig.action.token
                if action.pos_ == "NOUN":
                    target = noun_target(action, index)
                else:
                    target = verb_arguments(action, index, by_token)[1]
        if modality == "asserted" and (reporter := reported_by(token)) is not None:
            modality, cue = "attributed", reporter.text  # "X reported hearing gunfire": X's account
        place = find_place(trig, index)
        iso, date_text = find_date(trig, doc, sdoc)
        completeness = 0.7 + 0.2 * bool(actor) + 0.1 * bool(target)
        weight = 1.0 if token.pos_ == "NOUN" and light_verb_object(token) else trig.weight
        confidence = round(weight * completeness * prominence(token), 3)
        start, end = span_of(trig)
        unreal = irrealis_cue(doc, start)
        attrs = {
            "type": trig.type,
            "trigger": trig.lemma,
            "rule": trig.rule,
            "actor": one_or_list(actor),
            "target": one_or_list(target),
            "place": place.name if place else None,
            "date": iso,
            "date_text": date_text,
            "modality": modality,
            "modality_cue": cue,
            "verified": modality == "asserted" and unreal is None,
            "passive": passive,
        }
        if unreal is not None:
            attrs["irrealis"] = unreal  # "plans to strike": the plan is stated, the strike is not
        if actor and not passive and token.pos_ != "NOUN":
            subj = subject_of(token)
            if subj is not None and subj.pos_ in PRONOUNS:
                attrs["actor_from"] = subj.text  # the actor is what this pronoun was read to stand for
        if place is not None and isinstance(place.attrs.get("country_code"), str):
            attrs["place_country_code"] = place.attrs["country_code"]
        if trig.action is not None:
            attrs["action"] = {"type": trig.action.type, "trigger": trig.action.lemma}
        yield Span(start, end, trig.type, confidence, attrs=attrs)


#: Triggers that name people stopping work: a document holding one is about a labour dispute.
WORK_STOPPAGES = frozenset({"stop work", "walk out", "on strike", "general strike", "labor strike",
                            "labour strike", "workers strike"})


def strikes_of_a_labour_dispute(found: list) -> list:
    """Once a document has people stop work ("4,200 members have stopped work"), a bare "the strike"
    with no target and no actor is that stoppage (PROTEST), not an attack."""
    dispute = any(span.attrs["type"] == "PROTEST" and (
        span.attrs.get("trigger") in WORK_STOPPAGES or span.attrs.get("rule") == "strike by people stopping work")
        for _, span, _ in found)
    if not dispute:
        return found
    out = []
    for number, span, refers in found:
        a = span.attrs
        if a["type"] == "ASSAULT" and a.get("trigger") == "strike" and a.get("rule") == "noun lexicon" \
                and not a.get("target") and not a.get("actor"):
            attrs = {**a, "type": "PROTEST", "rule": "strike in a document about people stopping work"}
            span = replace(span, label="PROTEST", attrs=attrs)
        out.append((number, span, refers))
    return out


@registry.component("events", assigns="events", requires=["sentences"])
def events(doc: Document) -> Iterator[Span]:
    sdoc = parse(doc)
    index = EntityIndex(mentions(doc))
    found = []
    for number, sentence_span in enumerate(doc.layer("sentences")):
        sent = sdoc.char_span(sentence_span.start, sentence_span.end, alignment_mode="expand")
        if sent is None:
            continue
        for span in event_spans(doc, sentence_span, sent, index, sdoc):
            head = sdoc.char_span(span.start, span.end, alignment_mode="expand")
            found.append((number, span, head is not None and event_groups.refers_back(head.root)))
    yield from event_groups.group(strikes_of_a_labour_dispute(found))
