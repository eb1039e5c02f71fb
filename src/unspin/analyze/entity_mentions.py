"""Finding mentions: spaCy's entities with their edges trimmed, what it ran together split, what it
missed added, and the places and titles re3d and ACE draw as one mention joined.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Iterator

from unspin.analyze import gazetteer
from unspin.analyze.entity_extents import described_start
from unspin.analyze.entity_labels import (
    LARGE_CITY, is_common_word, plural_groups, relabel, split_at_lowercase, teams_not_people
)
from unspin.analyze.entity_titles import strip_title, title_before
from unspin.analyze.entity_words import (
    ARTICLES, DROPPED_LABELS, GROUP_MODIFIERS, GROUP_WORDS, KNOWN_ORGANISATIONS, LOCATIVE, MEMBER_WORDS,
    ORG_HEADS, PLACE_LABELS, POSSESSIVES, PREPOSITIONS, RULERS_BODIES, STANDALONE_ORG_WORDS, SUBUNIT_HEADS,
    TITLE_HEADS, TITLE_WORDS_NOT_ALONE, coverage, in_headline, is_capitalised, is_title_word, is_trailing_word, Mention,
    base_name, name_key, owner, person_names, sentence_info, surface, words
)


# --- the model's mentions and their edges -------------------------------------------------------


def model_mentions(sdoc) -> list[Mention]:
    """spaCy's entities, without the numeric ones other layers own."""
    return [Mention(e.start, e.end, e.label_, (f"model:{e.label_}",))
            for e in sdoc.ents if e.label_ not in DROPPED_LABELS]


def trim(sdoc, m: Mention) -> Mention | None:
    """Drop an opening article or capitalised preposition, and a closing possessive or bracket."""
    start, end = m.start, m.end
    while start < end and (sdoc[start].lower_ in ARTICLES
                           or (sdoc[start].lower_ in PREPOSITIONS and sdoc[start].is_sent_start)):
        start += 1
    while end > start and (sdoc[end - 1].text in POSSESSIVES or sdoc[end - 1].is_punct
                           or sdoc[end - 1].is_space or is_trailing_word(sdoc[end - 1])):
        end -= 1
    if end <= start:
        return None
    glued = start > m.start and sdoc[start - 1].lower_ in PREPOSITIONS
    return m.but(start=start, end=end, why="preposition_trimmed" if glued else None)


def split_parenthesis(sdoc, m: Mention) -> list[Mention]:
    """"Commission of Inquiry (CoI": the name before the bracket, and the acronym as its own mention."""
    for i in range(m.start, m.end):
        if sdoc[i].text == "(":
            out = [m.but(end=i, why="split_at_parenthesis")] if i > m.start else []
            inner = [t for t in sdoc[i + 1:m.end] if t.text != ")"]
            if len(inner) == 1 and any(ch.isupper() for ch in inner[0].text):
                out.append(m.but(start=inner[0].i, end=inner[0].i + 1, why="acronym_in_parenthesis"))
            return out
    return [m]


# --- splitting what the model ran together -------------------------------------------------------


def split_parent(sdoc, m: Mention) -> list[Mention]:
    """"the 101st Airborne Division of the US Army": a unit and its parent are two organisations."""
    if m.label != "ORG":
        return [m]
    for i in range(m.start + 2, m.end - 2):
        if sdoc[i].lower_ != "of" or sdoc[i - 1].text not in SUBUNIT_HEADS:
            continue
        parent = [t for t in sdoc[i + 1:m.end] if t.lower_ not in ARTICLES and t.text not in POSSESSIVES]
        if sdoc[m.end - 1].text in ORG_HEADS and len(parent) >= 2 and all(is_capitalised(t) for t in parent):
            return [m.but(end=i, why="split_unit_from_parent"), m.but(start=i + 1, why="parent_of_unit")]
    return [m]


def owner_label(sdoc, start: int, end: int, people: dict) -> tuple[str, str] | None:
    """The label of a possessive owner ("Syria" in "Syria's ..."), with the reason, when it is clear."""
    if name_key(sdoc, start, end) in people:
        return "PERSON", "owner_is_person_elsewhere"
    text = surface(sdoc, start, end)
    match = gazetteer.resolve(text)
    if match and match.how in ("name", "alias") and (match.place.kind == "country" or match.spelled_as(text)):
        return "GPE", f"owner_in_gazetteer:{match.place.kind}"
    return None


def split_possessive(sdoc, m: Mention, people: dict) -> list[Mention]:
    """"Syria's National Defence Forces" as one ORG: the place, then the organisation."""
    for i in range(m.start + 1, m.end):
        if sdoc[i].text in POSSESSIVES:
            owner = owner_label(sdoc, m.start, i, people)
            if owner is None:
                return [m]
            label, why = owner
            out = [m.but(end=i, label=label, why=why)]
            if i + 1 < m.end and is_capitalised(sdoc[i + 1]):
                rest_label = "ORG" if sdoc[m.end - 1].text in ORG_HEADS else m.label
                out.append(m.but(start=i + 1, label=rest_label, why="split_after_possessive"))
            return out
    return [m]


def split_person_tail(sdoc, m: Mention, people: dict) -> list[Mention]:
    """"the Balkans Jane Smith" as one ORG: a place, then a person named in full elsewhere."""
    if m.label == "PERSON":
        return [m]
    for i in range(m.start + 1, m.end - 1):
        tail = people.get(name_key(sdoc, i, m.end))
        if tail and not tail.part and " " in tail.full:
            return [m.but(end=i, why="split_before_person"),
                    m.but(start=i, label="PERSON", why=f"person_elsewhere:{tail.full}")]
    return [m]


# --- names the model missed ------------------------------------------------------------------------


def org_word_mentions(sdoc, covered: list[bool]) -> Iterator[Mention]:
    """A run of capitalised words ending in an organisation word ("Popular Resistance Committees")."""
    i = 0
    while i < len(sdoc):
        j = i
        while j < len(sdoc) and not covered[j] and is_capitalised(sdoc[j]) and \
                sdoc[j].pos_ in ("PROPN", "NOUN", "ADJ"):
            j += 1
        if j == i:
            i += 1
            continue
        start = i + 1 if sdoc[i].is_sent_start and sdoc[i].pos_ != "PROPN" else i
        if j - start >= 2 and sdoc[j - 1].text in ORG_HEADS and not in_headline(sdoc, i):
            yield Mention(start, j, "ORG", (f"organisation_word:{sdoc[j - 1].text}",))
        elif j - start == 1 and sdoc[start].text in STANDALONE_ORG_WORDS and not sdoc[start].is_sent_start \
                and not in_headline(sdoc, start):
            yield Mention(start, j, "ORG", ("capitalised_organisation_word",))
        i = j


def group_mentions(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Iraqi security forces", "U.S. forces": a nationality or country before a word for a body
    that acts is an organisation."""
    out = []
    for m in mentions:
        if m.label == "PERSON" and m.end < len(sdoc) and sdoc[m.end].lower_ in RULERS_BODIES \
                and sdoc[m.end].pos_ == "NOUN":
            m = m.but(end=m.end + 1, label="ORG", why=f"person_with_body_word:{sdoc[m.end].lower_}")
        elif m.label == "GPE" and m.start >= 2 and sdoc[m.start - 1].lower_ == "of" and \
                sdoc[m.start - 2].lower_ in GROUP_WORDS and sdoc[m.start - 2].pos_ == "NOUN":
            m = m.but(start=m.start - 2, label="ORG", why=f"group_word_of_country:{sdoc[m.start - 2].lower_}")
        elif m.label == "NORP" or (m.label == "GPE" and sdoc[m.end - 1].dep_ in ("compound", "nmod", "amod")):
            head = group_word_after(sdoc, m.end)
            if head is not None:
                m = m.but(end=head + 1, label="ORG", why=f"nationality_with_group_word:{sdoc[head].lower_}")
        out.append(m)
    return out


#: Longest run of capitalised words tried as a place name after a preposition.
MAX_PLACE_TOKENS = 4


def located_place_mentions(sdoc, covered: list[bool]) -> Iterator[Mention]:
    """"Near Sinjar, ...": capitalised words after "in", "near"... that the gazetteer knows as a
    country, city or state, where the model found nothing."""
    for i in range(len(sdoc) - 1):
        if sdoc[i].lower_ not in LOCATIVE or covered[i + 1] or not sdoc[i + 1].text[:1].isupper():
            continue
        j = i + 1
        while j < len(sdoc) and j - i <= MAX_PLACE_TOKENS and not covered[j] and \
                (sdoc[j].text[:1].isupper() or (sdoc[j].text == "-" and j > i + 1)):
            j += 1
        for end in range(j, i + 1, -1):
            if not sdoc[end - 1].is_punct and is_unambiguous_place(surface(sdoc, i + 1, end)):
                yield Mention(i + 1, end, "GPE", (f"in_gazetteer_after:{sdoc[i].lower_}",))
                break


def is_unambiguous_place(text: str) -> bool:
    """A country, a US state or a large city: small towns share their names with words and
    people ("in God" is not Göd, Hungary; "in Central" is not Central, Brazil)."""
    match = gazetteer.resolve(text)
    if match is None or match.place.kind not in ("country", "city", "state"):
        return False
    return match.place.kind != "city" or (match.place.population >= LARGE_CITY and match.spelled_as(text))


#: "counter-ISIL coalition", "anti-Assad forces": a prefix a hyphen joins to a name that modifies a body.
BODY_PREFIXES = frozenset({"counter", "anti", "pro"})
#: Words for a body that a hyphen-joined name can modify: the group and member words, and alliances.
BODY_WORDS = GROUP_WORDS | MEMBER_WORDS | frozenset({"coalition", "alliance"})


#: One token a name and a participle make when the tokenizer keeps them whole ("U.S.-led").
_GLUED_AFFIX = re.compile(
    r"[A-Z][\w.]*-(?:led|backed|based|allied|sponsored|supported|funded|trained|controlled)")


def glued_affix_mentions(sdoc, covered: list[bool]) -> Iterator[Mention]:
    """"the U.S.-led coalition": the tokenizer keeps "U.S.-led" whole and the model then sees no name;
    a capitalised name glued to a participle, before a word for a body, names that body."""
    for i in range(len(sdoc) - 1):
        body = sdoc[i + 1]
        if not covered[i] and not covered[i + 1] and _GLUED_AFFIX.fullmatch(sdoc[i].text) and \
                body.lower_ in BODY_WORDS and body.text.islower() and body.pos_ == "NOUN":
            yield Mention(i, i + 2, "ORG", (f"affixed_body:{body.lower_}",))


def places_joined_in_name(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"the Islamic State of Iraq and the Levant": an organisation named "... of" a place, then "and"
    and a second place, is one name; the model stops it at the first place."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: m.start):
        prev = out[-1] if out else None
        if prev is not None and prev.label == "ORG" and m.label in PLACE_LABELS and \
                sdoc[prev.end - 2].lower_ == "of" and is_unambiguous_place(sdoc[prev.end - 1].text) and \
                [t.lower_ for t in sdoc[prev.end:m.start]] in (["and"], ["and", "the"]):
            out[-1] = prev.but(end=m.end, why="of_places_joined")
            continue
        out.append(m)
    return out


#: Words that name a feature of the land or sea "of" a place ("the Gulf of Aden", "the Strait of Hormuz").
FEATURE_HEADS = frozenset({"Gulf", "Bay", "Sea", "Strait", "Straits", "Isle", "Isles", "Cape", "Lake", "Horn",
                           "Mouth", "Sound"})


def features_of_places(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"the Gulf of Aden", "the Strait of Hormuz": a capitalised feature word, "of" and a place name are
    one place (the model often stops at "Gulf", or finds only "Aden"); a mention that held only the
    feature word is taken into it."""
    by_end = {m.end: m for m in mentions}
    merged: dict[int, Mention] = {}
    absorbed = set()
    for m in mentions:
        k = m.start
        if m.label in PLACE_LABELS and k >= 2 and sdoc[k - 1].lower_ == "of" and \
                sdoc[k - 2].text in FEATURE_HEADS:
            start = k - 2
            head = by_end.get(k - 1)
            if head is not None and head.start >= k - 4 and head.label in PLACE_LABELS | {"ORG"}:
                start = head.start
                absorbed.add(id(head))
            merged[id(m)] = m.but(start=start, label="LOC", why=f"feature_of_place:{sdoc[k - 2].text}")
    return [merged.get(id(m), m) for m in mentions if id(m) not in absorbed]


#: Last words of bodies that take a number as part of their name ("Task Force 50", "Committee 1267").
NUMBERED_HEADS = frozenset({"Force", "Unit", "Committee", "Fleet", "Group", "Squadron", "Team", "Wing",
                            "Brigade", "Division", "Battalion", "Regiment", "Corps"})
NUMBER_WORDS = frozenset({"One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"})


def numbered_units(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Combined Task Force 50", "Mobile Unit Two": the number after a unit's last word is part of its
    name (two task forces differ by it), unless it counts what follows ("Division 3 weeks ago")."""
    out = []
    for m in mentions:
        number = sdoc[m.end] if m.end < len(sdoc) else None
        if m.label == "ORG" and number is not None and sdoc[m.end - 1].text in NUMBERED_HEADS and \
                ((number.text.isdigit() and len(number.text) <= 4) or number.text in NUMBER_WORDS) and \
                not (number.dep_ == "nummod" and number.head.i > number.i):
            m = m.but(end=m.end + 1, why="unit_number")
        out.append(m)
    return out


def affixed_bodies(sdoc, mentions: list[Mention]) -> list[Mention]:
    """Each mention a hyphen joins to a body word, widened to name that body (``affixed_body``)."""
    return [m.but(start=found[0], end=found[1], label="ORG", why=f"affixed_body:{sdoc[found[1] - 1].lower_}")
            if (found := affixed_body(sdoc, m)) else m for m in mentions]


def affixed_body(sdoc, m: Mention) -> tuple[int, int] | None:
    """"the US-led coalition", "Iranian-backed militias", "the counter-ISIL coalition": a name joined by a
    hyphen to a participle or a prefix, before a word for a body, names that body, not the place or
    group it is built on. Tokens ``(start, end)`` of the whole, or None."""
    start, k = m.start, m.end
    if k + 1 < len(sdoc) and sdoc[k].text == "-" and sdoc[k + 1].tag_ == "VBN" and sdoc[k + 1].text.islower():
        k += 2
    elif start >= 2 and sdoc[start - 1].text == "-" and sdoc[start - 2].lower_ in BODY_PREFIXES:
        start -= 2
    else:
        return None
    if k < len(sdoc) and sdoc[k].pos_ == "NOUN" and sdoc[k].text.islower() and \
            sdoc[k].lower_ in BODY_WORDS:
        return start, k + 1
    return None


def group_word_after(sdoc, start: int) -> int | None:
    """The last group word ("forces") in at most three words after ``start``, reached over modifiers only."""
    found = None
    for k in range(start, min(start + 3, len(sdoc))):
        if sdoc[k].lower_ in GROUP_WORDS and sdoc[k].pos_ == "NOUN":
            found = k
        if sdoc[k].lower_ not in GROUP_MODIFIERS:
            break
    return found


def title_mentions(sdoc, covered: list[bool]) -> Iterator[Mention]:
    """"the Foreign Secretary" with no name after it refers to a person: a PERSON mention."""
    for i in range(1, len(sdoc)):
        if covered[i] or not is_title_word(sdoc[i]):
            continue
        opening = start_after_the(sdoc, i, covered)
        if opening is None:
            continue
        j = i
        while j < len(sdoc) and not covered[j] and is_title_word(sdoc[j]):
            j += 1
        if j < len(sdoc) - 1 and sdoc[j].lower_ == "of" and sdoc[j + 1].text[:1].isupper():
            j += 2
            while j < len(sdoc) and sdoc[j].pos_ == "PROPN" and sdoc[j].text[:1].isupper():
                j += 1
        heads = [t.text for t in sdoc[i:j] if t.text in TITLE_HEADS]
        followed_by_name = j < len(sdoc) and sdoc[j].text[:1].isupper()
        if heads and not followed_by_name and not set(heads) <= TITLE_WORDS_NOT_ALONE \
                and not in_headline(sdoc, i) and not any(covered[i:j]):
            yield Mention(opening, j, "PERSON", ("title_as_name",))


def start_after_the(sdoc, i: int, covered: list[bool]) -> int | None:
    """Where a title used as a name starts: right after "the", or at the nationality or country
    between "the" and the title ("the Iraqi Foreign Minister"); None if no "the" comes first."""
    k = i - 1
    while k > 0 and covered[k] and sdoc[k].ent_type_ in ("NORP", "GPE"):
        k -= 1
    return k + 1 if sdoc[k].lower_ == "the" else None


def known_sequences(sdoc, mentions: list[Mention]) -> dict[tuple[str, ...], str]:
    """Every name found in the document, and the label it has most often."""
    labels: dict[tuple[str, ...], Counter] = {}
    for m in mentions:
        if m.label not in ("NORP",) and "title_as_name" not in m.evidence:
            labels.setdefault(name_key(sdoc, m.start, m.end), Counter())[m.label] += 1
    for seq in person_names(sdoc, mentions):
        labels.setdefault(seq, Counter())["PERSON"] += 1
    for text in KNOWN_ORGANISATIONS:
        if " " not in text:
            labels.setdefault((text,), Counter())["ORG"] += 1
    return {seq: counts.most_common(1)[0][0] for seq, counts in labels.items()
            if any(w[:1].isupper() for w in seq) and sum(map(len, seq)) >= 2}


def repeated_mentions(sdoc, mentions: list[Mention], covered: list[bool]) -> Iterator[Mention]:
    """A name the model found once, found again where the model missed it (surnames included)."""
    known = known_sequences(sdoc, mentions)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for seq in sorted(known, key=len, reverse=True):
        by_first.setdefault(seq[0], []).append(seq)
    for i, token in enumerate(sdoc):
        if covered[i] or token.text not in by_first:
            continue
        for seq in by_first[token.text]:
            end = i + len(seq)
            if words(sdoc, i, end) == seq and not any(covered[i:end]) and \
                    (looks_like_name_here(sdoc, i, end) or " ".join(seq) in KNOWN_ORGANISATIONS):
                covered[i:end] = [True] * (end - i)
                yield Mention(i, end, known[seq], ("same_name_elsewhere",))
                break


def looks_like_name_here(sdoc, start: int, end: int) -> bool:
    """Not a capitalised word opening a sentence, nor a word in a headline or shouted line."""
    token = sdoc[start]
    if in_headline(sdoc, start):
        return False
    if end - start > 1:
        return True
    return token.pos_ == "PROPN" or (token.is_upper and len(token) > 1) or not token.is_sent_start


def without_title_fragments(sdoc, mentions: list[Mention]) -> list[Mention]:
    """Drop pieces of a person's title taken for names ("Supreme" of "Supreme Leader", "State" of
    "Secretary of State")."""
    inside: set[int] = set()
    for m in mentions:
        if m.label == "PERSON" and (found := title_before(sdoc, m.start)):
            inside.update(range(*found))
    return [m for m in mentions
            if m.label == "PERSON" or not set(range(m.start, m.end)) <= inside
            or not all(is_title_word(t) for t in sdoc[m.start:m.end])]


def without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the earliest, then the longest, of overlapping mentions."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def find_mentions(sdoc) -> list[Mention]:
    """All the rules, in order, from the model's entities to the final mentions."""
    mentions = [p for m in model_mentions(sdoc) for p in split_parenthesis(sdoc, m)]
    mentions = [p for m in mentions if (t := trim(sdoc, m)) for p in strip_title(sdoc, t)]
    mentions = [p for m in mentions for p in split_parent(sdoc, m)]
    mentions = [p for m in mentions for p in split_at_lowercase(sdoc, m)]
    mentions = plural_groups(sdoc, teams_not_people(sdoc, mentions))
    people = person_names(sdoc, mentions)
    mentions = [p for m in mentions for p in split_possessive(sdoc, m, people)]
    mentions = [p for m in mentions for p in split_person_tail(sdoc, m, people)]
    mentions = [t for m in mentions if (t := trim(sdoc, m))]
    lowercase_words = {t.lower_ for t in sdoc if t.text.islower()}
    people = person_names(sdoc, mentions)
    mentions = [m for m in mentions if not is_common_word(sdoc, m, lowercase_words, people)]
    mentions = relabel(sdoc, mentions)
    mentions = group_mentions(sdoc, features_of_places(sdoc, places_joined_in_name(sdoc, mentions)))
    covered = coverage(sdoc, mentions)
    mentions += list(org_word_mentions(sdoc, covered))
    covered = coverage(sdoc, mentions)
    mentions += list(glued_affix_mentions(sdoc, covered))
    covered = coverage(sdoc, mentions)
    mentions += list(located_place_mentions(sdoc, covered))
    covered = coverage(sdoc, mentions)
    mentions += list(title_mentions(sdoc, covered))
    covered = coverage(sdoc, mentions)
    mentions += list(repeated_mentions(sdoc, mentions, covered))
    mentions = numbered_units(sdoc, affixed_bodies(sdoc, mentions))
    mentions = without_title_fragments(sdoc, without_overlaps(mentions))
    mentions = nationality_in_description(sdoc, places_with_region(sdoc, mentions))
    return headline_names_read_against_body(sdoc, nationality_with_title(sdoc, mentions))


# --- places and titles that re3d and ACE draw as one mention -----------------------------------

#: Place kinds that locate a town or district after a comma ("Cibolo, Texas", "Anbar, Iraq").
REGION_KINDS = frozenset({"country", "state"})


def region_kind(sdoc, m: Mention) -> str | None:
    match = gazetteer.resolve(surface(sdoc, m.start, m.end))
    return match.place.kind if match and match.how != "fuzzy" else None


def places_with_region(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Cibolo, Texas", "Anbar, Iraq": a place that is not a country, then a comma and the country
    or state it lies in, is one place (the span covers both; the name stays the first). Not a list
    of countries ("Syria, Iraq"), and not when a third name follows ("Mosul, Iraq, Syria ...")."""
    out: list[Mention] = []
    skip = set()
    for n, m in enumerate(mentions):
        if n in skip:
            continue
        nxt = mentions[n + 1] if n + 1 < len(mentions) else None
        if (nxt is not None and m.label in PLACE_LABELS and nxt.label in ("GPE", "LOC") and m.after == 0
                and nxt.start == m.end + 1 and sdoc[m.end].text == "," and region_kind(sdoc, m) != "country"
                and region_kind(sdoc, nxt) in REGION_KINDS and not continues_list(sdoc, nxt.end)):
            out.append(replace(m, after=nxt.end - m.end, evidence=m.evidence + ("place_with_region",)))
            skip.add(n + 1)
            continue
        out.append(m)
    return out


def continues_list(sdoc, i: int) -> bool:
    """A comma or "and" after the region, then another capitalised word: a list of places."""
    return i + 1 < len(sdoc) and sdoc[i].text in (",", "and", "or") and sdoc[i + 1].text[:1].isupper()


def nationality_in_description(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"the Iraqi city of Mosul" is one place's span (``entity_extents.described_start``): the
    nationality word inside it is then no mention of its own."""
    inside = set()
    for m in mentions:
        if m.label in PLACE_LABELS:
            inside.update(range(described_start(sdoc, m, m.start), m.start))
    return [m for m in mentions if not (m.label == "NORP" and m.start in inside and m.end - m.start == 1)]


def nationality_with_title(sdoc, mentions: list[Mention]) -> list[Mention]:
    """"Russian Foreign Minister X": a nationality word right before a person's title belongs to the
    title, as re3d and ACE draw the person's extent; it is then no mention of its own.

    A body's name before a title ("CIA Director X", "Army Lt. Gen. X") is drawn the same way by re3d,
    but taking it into the person would take the body's own mention from the document (searching
    for the CIA would miss the page), so it stays a mention of its own."""
    by_end = {m.end: n for n, m in enumerate(mentions) if m.label == "NORP" and m.end - m.start == 1
              and sdoc[m.start].pos_ in ("ADJ", "PROPN") and sdoc[m.start].tag_ in ("JJ", "NNP")}
    dropped = set()
    out = []
    for m in mentions:
        found = title_before(sdoc, m.start) if m.label == "PERSON" and "title_as_name" not in m.evidence else None
        n = by_end.get(found[0]) if found else None
        if n is not None:
            dropped.add(n)
            m = replace(m, before=1, evidence=m.evidence + ("nationality_in_title",))
        out.append(m)
    return [m for n, m in enumerate(out) if n not in dropped]


def headline_names_read_against_body(sdoc, mentions: list[Mention]) -> list[Mention]:
    """A headline capitalises every word, so the model runs names on: "Obama Willing to Use ...".
    A person or body named in a headline by words the body never gives as one name, but whose
    first words the body does name ("Obama", "Mr. Obama"), is that name. (Only here is a line
    without a closing stop read as a headline: names repeated in such lines are still found.)"""
    def name_of(start: int, end: int) -> tuple[str, ...]:
        return tuple(base_name(surface(sdoc, start, end)).split())

    info = sentence_info(sdoc)

    def in_heading(i: int) -> bool:
        return info.headline[i] or info.heading_line[i]

    body: set[tuple[str, ...]] = set()
    for m in mentions:
        if m.label in ("PERSON", "ORG") and not in_heading(m.start):
            body.add(name_of(m.start, m.end))
            if m.label == "PERSON":
                body.add(name_of(m.end - 1, m.end))
    out = []
    for m in mentions:
        if m.label in ("PERSON", "ORG") and name_of(m.start, m.end) not in body and in_heading(m.start):
            cut = next((k for k in range(m.end - 1, m.start, -1) if name_of(m.start, k) in body), None)
            if cut is not None:
                m = m.but(end=cut, why="headline_name_in_body")
        out.append(m)
    return out
