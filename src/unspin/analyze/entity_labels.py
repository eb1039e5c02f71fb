"""Relabelling: the labels spaCy's small model gets wrong, fixed from the rest of the document,
the gazetteer and the words around a name; and the capitalised common words that are no names.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from unspin.analyze import gazetteer
from unspin.analyze.entity_words import (
    EVENT_OPENERS, FACILITY_HEADS, KNOWN_ORGANISATIONS, LOCATIVE, NOT_NAMES, PLACE_LABELS, SETTLEMENT_WORDS,
    SHIP_PREFIXES, STANDALONE_ORG_WORDS, TITLE_HEADS, base_name, clean_name, is_title_word, Mention,
    name_key, owner, person_names, PersonName, surface, words
)


# --- labels the model got wrong -------------------------------------------------------------------


def is_common_word(sdoc, m: Mention, lowercase_words: set[str], people: dict | None = None) -> bool:
    """Not a name: a lone capitalised adjective, adverb or verb that the text also uses in lower
    case ("Executive" in "the Executive power"), a technical acronym ("VBIED"), words
    without a capital ("node"), or a bare title ("Sgt").

    A lone capitalised noun the text also writes in lower case ("Email" beside "email", "State"
    beside "state") is a word too, whatever label the model gave it, unless it is a word of a
    person's full name in the document ("Page" of "Carter Page"), follows a personal title, or
    is one of the words that name one body on their own ("the Coalition")."""
    text = clean_name(surface(sdoc, m.start, m.end))
    if text in NOT_NAMES or not any(ch.isupper() or ch.isdigit() for ch in text):
        return True
    if m.label == "PERSON" and all(is_title_word(t) or t.is_punct for t in sdoc[m.start:m.end]):
        return True
    if m.end - m.start != 1 or m.label == "NORP" and not sdoc[m.start].tag_.startswith("NN"):
        return False
    token = sdoc[m.start]
    if token.is_upper:
        return False
    if token.lower_ not in lowercase_words:
        return m.label in ("PERSON", "ORG") and alone_on_line(sdoc, m) and token.lower_ in dictionary_words()
    
    if m.label not in ("NORP", "PERSON") and token.tag_.startswith(("JJ", "RB", "VB")):
        return True
    part_of_name = people is not None and " " in people.get(name_key(sdoc, m.start, m.end), PersonName("", False)).full
    return not (part_of_name or after_personal_title(sdoc, m) or text in STANDALONE_ORG_WORDS
                or text in KNOWN_ORGANISATIONS)


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """The common English words the parser ships with: its lemmatizer's index of nouns, verbs,
    adjectives and adverbs (WordNet's, which lists some proper names too)."""
    from unspin.analyze.nlp import load

    table = load().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(w for words in table.values() for w in words if w.isalpha())


def alone_on_line(sdoc, m: Mention) -> bool:
    """A word on a line of its own but for punctuation: a form label or a button ("Email *"), not a
    name in a sentence."""
    i, j = m.start, m.end
    while i > 0 and not sdoc[i - 1].is_space and (sdoc[i - 1].is_punct or not sdoc[i - 1].text.strip()):
        i -= 1
    while j < len(sdoc) and not sdoc[j].is_space and sdoc[j].is_punct:
        j += 1
    before = i == 0 or "\n" in sdoc[i - 1].text or "\n" in sdoc[i - 1].whitespace_
    after = j == len(sdoc) or "\n" in sdoc[j].text or "\n" in sdoc[j - 1].whitespace_
    return before and after


#: Lower-case words that belong inside a person's name ("Ursula von der Leyen", "Osama bin Laden").
NAME_PARTICLES = frozenset({
    "de", "da", "di", "do", "dos", "das", "del", "della", "der", "den", "van", "von", "la", "le", "du", "des",
    "al", "el", "bin", "bint", "ibn", "abu", "ben", "y", "e", "ter", "ten", "zu", "af", "st", "mc", "mac",
})


def split_at_lowercase(sdoc, m: Mention) -> list[Mention]:
    """"Hollis rang Reed" read as one PERSON: a lower-case word that is no name particle ends a name,
    so the span is two people (or one, when only one side is capitalised)."""
    if m.label != "PERSON" or m.end - m.start < 3:
        return [m]
    cuts = [i for i in range(m.start + 1, m.end - 1) if sdoc[i].is_lower and sdoc[i].is_alpha
            and sdoc[i].lower_ not in NAME_PARTICLES]
    if not cuts:
        return [without_role(sdoc, m)]
    out, start = [], m.start
    for i in cuts + [m.end]:
        if i > start and any(t.text[:1].isupper() for t in sdoc[start:i]):
            out.append(without_role(sdoc, m.but(start=start, end=i, why="split_at_lower_case_word")))
        start = i + 1
    return out


def without_role(sdoc, m: Mention) -> Mention:
    """"QB Lou Pirtle", "DL Tom Hollis": a capitalised abbreviation of two or three letters that is no
    title, before a first name and a surname, is the person's role, not part of the name ("JR Smith",
    one initial-name and a surname, keeps it)."""
    start = m.start
    if m.label == "PERSON" and m.end - start >= 3 and sdoc[start].is_upper and sdoc[start].is_alpha \
            and 2 <= len(sdoc[start].text) <= 3 and not is_title_word(sdoc[start]) \
            and all(t.text[:1].isupper() for t in sdoc[start + 1:m.end]):
        return m.but(start=start + 1, why=f"role_before_name:{sdoc[start].text}")
    return m


def plural_teams(sdoc) -> frozenset[str]:
    """Capitalised plurals the document writes as "the X" or "the Y X", heading their own phrase:
    "the Steelers", "the Cleveland Browns", "the Democrats" name a team or a group; a person is not
    "the Reeds" ("the Williams sisters" is a modifier, not counted). A capital inside the word makes
    it a product's name ("the AirPods")."""
    def after_the(t) -> bool:
        before = sdoc[t.i - 1] if t.i > 0 else None
        if before is not None and before.text[:1].isupper() and before.pos_ == "PROPN" and before.i > 0:
            before = sdoc[before.i - 1]
        return before is not None and before.lower_ == "the"

    return frozenset(
        t.text for t in sdoc
        if t.tag_ in ("NNPS", "NNS", "NNP") and t.text[:1].isupper() and t.text[1:].islower()
        and t.text.endswith("s") and not t.text.endswith("ss") and t.dep_ not in ("compound", "amod", "nmod")
        and after_the(t)
    )


#: Labels the small model gives a team's name ("Steelers" a PERSON, "Wardens" a PRODUCT).
TEAM_MISREAD_AS = frozenset({"PERSON", "PRODUCT", "WORK_OF_ART"})


def teams_not_people(sdoc, mentions: list[Mention]) -> list[Mention]:
    """A PERSON that is, or opens with, a plural the document uses as a team or group ("Steelers";
    "Rangers DL Tom Hollis", a team, a position and a player): the team is an ORG, and the
    person, if any, starts after it and any capitalised abbreviation of a role ("DL", "QB")."""
    teams = plural_teams(sdoc)
    if not teams:
        return mentions
    out = []
    for m in mentions:
        if m.label in TEAM_MISREAD_AS and m.end - m.start == 1 and sdoc[m.start].text in teams:
            out.append(m.but(label="ORG", why="plural_written_after_the"))
            continue
        if m.label != "PERSON" or sdoc[m.start].text not in teams:
            out.append(m)
            continue
        out.append(m.but(end=m.start + 1, label="ORG", why="plural_written_after_the"))
        rest = m.start + 1
        while rest < m.end and sdoc[rest].is_upper and len(sdoc[rest].text) <= 3:
            rest += 1
        if rest < m.end and sdoc[rest].text[:1].isupper():
            out.append(m.but(start=rest, why="person_after_team"))
    return out


def plural_groups(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Virginia Democrats" read as a PERSON: a name ending in a plural the document also uses as
    a nationality or group on its own ("the Democrats") names a group, not a person."""
    groups = {sdoc[m.end - 1].text for m in mentions if m.label == "NORP"} | \
        {t.text for t in sdoc if t.ent_type_ == "NORP" and t.tag_ == "NNPS"}
    return [m.but(label="NORP", why="plural_group") if m.label == "PERSON" and sdoc[m.end - 1].tag_ == "NNPS"
            and sdoc[m.end - 1].text in groups else m for m in mentions]


def after_locative(sdoc, m: Mention) -> bool:
    """Written right after "in", "near", "outside"... and not as an owner ("in Merkel's ...")."""
    return m.start > 0 and sdoc[m.start - 1].lower_ in LOCATIVE and not owner(sdoc, m)
#: A city this large named by a person label, and by no person's name in the document, is the city.
LARGE_CITY = 100_000


def described_as_place(sdoc, m: Mention) -> bool:
    """"the city of X", "suburb of X", or "X, a town ..."."""
    before = m.start >= 2 and sdoc[m.start - 1].lower_ == "of" and \
        sdoc[m.start - 2].lower_ in SETTLEMENT_WORDS
    after = m.end + 2 < len(sdoc) and sdoc[m.end].text == "," and sdoc[m.end + 1].lower_ in ("a", "the") and \
        any(t.lower_ in SETTLEMENT_WORDS for t in sdoc[m.end + 2:m.end + 5])
    return before or after


def place_names(sdoc, mentions: list[Mention]) -> dict[str, str]:
    """Names the document uses as places, with the reason: in the gazetteer and labelled a place,
    written after "in", "near"..., or described as a town somewhere; outside the gazetteer, two of those."""
    evidence: dict[str, set[str]] = {}
    for m in mentions:
        text = surface(sdoc, m.start, m.end)
        if m.label in ("GPE", "LOC"):
            evidence.setdefault(text, set()).add("labelled")
        if after_locative(sdoc, m):
            evidence.setdefault(text, set()).add("after_preposition")
        if described_as_place(sdoc, m):
            evidence.setdefault(text, set()).add("described")
    names = {}
    for text, kinds in evidence.items():
        match = gazetteer.resolve(text)
        if match and match.place.kind in ("country", "city", "state"):
            names[text] = "place_in_gazetteer_used_as_place"
        elif "described" in kinds:
            names[text] = "described_as_place"
        elif len(kinds) >= 2:
            names[text] = "place_elsewhere_in_document"
    return names


#: Only places are "near" or "outside" something in news ("near Sinjar", "outside Daquq").
NEAR = frozenset({"near", "outside"})
#: Titles that only people bear, right before a name ("Major General Hassan").
PERSONAL_TITLES = TITLE_HEADS - {"Chief", "Speaker", "Director", "Judge", "Commissioner", "Leader"}


def after_personal_title(sdoc, m: Mention) -> bool:
    return m.start > 0 and sdoc[m.start - 1].text in PERSONAL_TITLES and sdoc[m.start - 1].text[:1].isupper()


def large_city(text: str) -> bool:
    """A large city spelled as the gazetteer spells it: accents folded away ("Bush" for Būsh) make
    a match too loose to overrule the parser."""
    match = gazetteer.resolve(text)
    return bool(match and match.place.kind == "city" and match.place.population >= LARGE_CITY
                and match.spelled_as(text))


#: Words for a relative or a companion: the name right after one is a person's ("his wife Kali"),
#: whatever city GeoNames spells so (Cali).
KIN_WORDS = frozenset({
    "wife", "husband", "son", "daughter", "brother", "sister", "mother", "father", "uncle", "aunt", "cousin",
    "nephew", "niece", "grandson", "granddaughter", "grandmother", "grandfather", "friend", "partner",
    "girlfriend", "boyfriend", "fiancé", "fiancée", "fiance", "fiancee", "widow", "widower", "child", "baby",
})


def after_kin_word(sdoc, m: Mention) -> bool:
    return m.start > 0 and sdoc[m.start - 1].lower_ in KIN_WORDS


#: People are "on" or "via" nothing in news: "posted on X", "via X" name a platform or an outlet.
MEDIUM_PREPOSITIONS = frozenset({"on", "via"})
#: Verbs whose unknown subject is more likely a person than a body ("X said", "X told").
PERSON_SPEECH = frozenset({"say", "tell"})


def actor_not_place(sdoc, m: Mention) -> str | None:
    """The label of a name read as a GPE that the gazetteer does not know and that is the subject of
    a verb ("X defended the plan"): it acts, so it is a person (with "said", "told") or a body."""
    root = sdoc[m.start:m.end].root
    if root.dep_ not in ("nsubj", "nsubjpass") or root.head.pos_ != "VERB" or gazetteer.resolve(
            surface(sdoc, m.start, m.end), fuzzy=True):
        return None
    single = m.end - m.start == 1 and not sdoc[m.start].is_upper
    return "PERSON" if single and root.head.lemma_ in PERSON_SPEECH else "ORG"


def on_medium(sdoc, m: Mention) -> bool:
    """"on X", "via X": a one-word name after these is a platform or outlet, not a person."""
    root = sdoc[m.start:m.end].root
    return m.end - m.start == 1 and root.dep_ == "pobj" and root.head.lower_ in MEDIUM_PREPOSITIONS


#: Common nouns that say what kind of body a name is, when put beside it ("X, the fact-checking charity",
#: "the watchdog X"): the name is an organisation, whatever spaCy's model guessed from its words.
BODY_KINDS = frozenset({
    "charity", "organisation", "organization", "group", "company", "firm", "agency", "website", "newspaper",
    "magazine", "outlet", "broadcaster", "network", "party", "union", "association", "foundation", "institute",
    "think-tank", "council", "committee", "movement", "ngo", "nonprofit", "watchdog", "publisher", "platform",
    "app", "startup", "bank", "fund", "coalition", "alliance", "broadsheet", "tabloid", "channel", "station",
})
#: Nouns for what is negotiated, voted on or undergone: a one-word name that modifies one of them ("the X talks",
#: "the X deal") and that no gazetteer or person reading claims names a political event or process.
EVENT_NOUNS = frozenset({  # lemmas: "talks" is "talk"
    "deal", "talk", "vote", "referendum", "negotiation", "agreement", "withdrawal", "debate", "deadline",
    "transition",
})


#: What may stand between a name's comma and the kind noun of its appositive: "X, the fact-checking charity".
APPOSITIVE_FILLERS = frozenset({"PUNCT", "DET", "ADJ", "ADV", "VERB", "NOUN", "PROPN", "NUM"})


def body_kind(sdoc, m: Mention) -> str | None:
    """The kind-of-body noun the parse ties to the name: its appositive ("X, the charity") or the noun it
    stands beside as a compound ("the charity X"); a noun further off describes something else."""
    root = sdoc[m.start:m.end].root
    near = [c for c in root.children if c.dep_ == "appos" and c.i > m.end
            and all(t.pos_ in APPOSITIVE_FILLERS and t.dep_ not in ("prep", "pobj") for t in sdoc[m.end:c.i])
            and not any(t.pos_ == "NOUN" and t.dep_ not in ("compound", "npadvmod") for t in sdoc[m.end:c.i])]
    if root.dep_ == "appos" and m.start - 3 <= root.head.i < m.start:
        near.append(root.head)
    before = sdoc[m.start - 1] if m.start > 0 else None
    if before is not None and before.pos_ == "NOUN" and (before.head.i == root.i or root.head.i == before.i):
        near.append(before)
    return next((t.lemma_.lower() for t in near if t.is_lower and t.lemma_.lower() in BODY_KINDS), None)


#: Verbs whose subject is a person or a body, never a process: "X said", "X met".
PERSON_ACTS = PERSON_SPEECH | {"meet", "visit", "speak", "write", "tweet", "add", "ask", "argue", "claim", "insist"}


def named_as_person(sdoc, m: Mention, people: dict) -> bool:
    """The document gives the name as part of a person's longer name ("Susan X" for "X"), or a title before it."""
    person = people.get(name_key(sdoc, m.start, m.end))
    fuller = person is not None and " " in person.full and person.full != surface(sdoc, m.start, m.end)
    return fuller or after_personal_title(sdoc, m)


def acts_as_person(sdoc, m: Mention, people: dict) -> bool:
    """Named as a person, or the subject of speech or a visit: a person or a body, never a process."""
    root = sdoc[m.start:m.end].root
    return named_as_person(sdoc, m, people) or (root.dep_ == "nsubj" and root.head.lemma_ in PERSON_ACTS)


def event_names(sdoc, mentions: list[Mention], people: dict) -> set[str]:
    """One-word names that modify an event noun somewhere in the document ("the X talks", "the X deal")
    and that no mention reads as a person or the gazetteer as a place: the name of a process, everywhere."""
    proposed = {
        sdoc[m.start].text for m in mentions
        if m.end - m.start == 1 and m.label in ("PERSON", "GPE", "ORG", "NORP", "FAC") and sdoc[m.start].dep_ == "compound"
        and sdoc[m.start].head.lemma_.lower() in EVENT_NOUNS and sdoc[m.start].head.i > m.start
        and not gazetteer.resolve(sdoc[m.start].text)
    }
    personal = {sdoc[m.start].text for m in mentions if m.end - m.start == 1 and acts_as_person(sdoc, m, people)}
    return proposed - personal


def body_names(sdoc, mentions: list[Mention], people: dict) -> dict[str, str]:
    """Names a kind-of-body noun is put beside somewhere in the document, with that noun: every mention follows,
    unless the document names a person so elsewhere (a fuller name, a title)."""
    out = {}
    for m in mentions:
        if m.label in ("PERSON", "GPE", "NORP", "PRODUCT", "WORK_OF_ART", "ORG") and (kind := body_kind(sdoc, m)):
            out.setdefault(surface(sdoc, m.start, m.end), kind)
    personal = {surface(sdoc, m.start, m.end) for m in mentions if named_as_person(sdoc, m, people)}
    return {name: kind for name, kind in out.items() if name not in personal}


def usual_labels(sdoc, mentions: list[Mention]) -> dict[str, str]:
    """The label the model gives each name most often where it did not run it into another."""
    counts: dict[str, Counter] = {}
    for m in mentions:
        if len(m.evidence) == 1:
            counts.setdefault(base_name(surface(sdoc, m.start, m.end)), Counter())[m.label] += 1
    return {text: c.most_common(1)[0][0] for text, c in counts.items()}


def relabel(sdoc, mentions: list[Mention]) -> list[Mention]:
    """One label per name in a document, fixed from the rest of the document and the gazetteer."""
    people = person_names(sdoc, mentions)
    parts_of_people = {k for k, name in people.items() if name.part}
    places = place_names(sdoc, mentions)
    # what the text calls a town or a city: the one sign strong enough to make a place of a "product"
    described = {surface(sdoc, m.start, m.end) for m in mentions if described_as_place(sdoc, m)}
    ships = {name_key(sdoc, m.start + 1, m.end) for m in mentions
             if sdoc[m.start].text in SHIP_PREFIXES and m.end - m.start > 1}
    near = {surface(sdoc, m.start, m.end): f"place_after:{sdoc[m.start - 1].lower_}" for m in mentions
            if m.start > 0 and sdoc[m.start - 1].lower_ in NEAR and not owner(sdoc, m)}
    usual = usual_labels(sdoc, mentions)
    events = event_names(sdoc, mentions, people)
    bodies = body_names(sdoc, mentions, people)
    out = []
    for m in mentions:
        text = surface(sdoc, m.start, m.end)
        key = name_key(sdoc, m.start, m.end)
        first, last = sdoc[m.start].text, sdoc[m.end - 1].text
        several = m.end - m.start > 1
        mislabelled_place = m.label in ("PERSON", "ORG", "NORP", "LANGUAGE") and key not in parts_of_people
        if text in KNOWN_ORGANISATIONS:
            m = m.but(label="ORG", why="known_organisation")
        elif "split_before_person" in m.evidence and usual.get(text, m.label) != m.label:
            m = m.but(label=usual[text], why="label_of_same_name_elsewhere")
        elif after_personal_title(sdoc, m):
            if m.label != "PERSON":
                m = m.but(label="PERSON", why=f"after_title:{sdoc[m.start - 1].text}")
        elif m.label in ("PERSON", "GPE", "NORP", "PRODUCT", "WORK_OF_ART") and text in bodies:
            m = m.but(label="ORG", why=f"kind_of_body:{bodies[text]}")
        elif not several and text in events and m.label != "EVENT":
            m = m.but(label="EVENT", why="names_an_event_elsewhere")
        elif first in EVENT_OPENERS and several:
            m = m.but(label="EVENT", why="operation_name")
        elif (first in SHIP_PREFIXES and several) or key in ships:
            m = m.but(label="PRODUCT", why="ship_name")
        elif m.label in ("ORG", "PERSON", "GPE") and last in FACILITY_HEADS and several:
            m = m.but(label="FAC", why=f"facility_word:{last}")
        elif mislabelled_place and gazetteer.country(text):
            m = m.but(label="GPE", why="country_in_gazetteer")
        elif (mislabelled_place or m.label in ("PRODUCT", "WORK_OF_ART") and text in described) \
                and text in places:
            m = m.but(label="GPE", why=places[text])
        elif mislabelled_place and m.label in ("PERSON", "NORP", "LANGUAGE") and large_city(text) \
                and not after_kin_word(sdoc, m):
            m = m.but(label="GPE", why="large_city_in_gazetteer")
        elif m.label not in ("PERSON", "NORP", "GPE") and key in people and not large_city(text):
            m = m.but(label="PERSON", why=f"person_elsewhere:{people[key].full}")
        elif m.label == "NORP" and key in people and " " in people[key].full and sdoc[m.end - 1].tag_ != "NNPS":
            m = m.but(label="PERSON", why=f"person_elsewhere:{people[key].full}")
        elif m.label not in PLACE_LABELS and text in near and key not in parts_of_people:
            m = m.but(label="GPE", why=near[text])
        elif m.label == "GPE" and key in parts_of_people and not gazetteer.resolve(text):
            m = m.but(label="PERSON", why=f"person_elsewhere:{people[key].full}")
        elif m.label == "GPE" and text not in places and (actor := actor_not_place(sdoc, m)):
            m = m.but(label=actor, why="subject_not_in_gazetteer")
        elif m.label == "PERSON" and on_medium(sdoc, m) and " " not in people.get(key, PersonName("", False)).full:
            m = m.but(label="ORG", why=f"medium_after:{sdoc[m.start - 1].lower_}")
        out.append(m)
    return out
