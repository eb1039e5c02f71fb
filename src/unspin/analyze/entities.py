"""The ``entities`` layer: who and what an article names, one canonical name each.

spaCy's small English model finds most names but stumbles in ways a
fact-checker would trip on: "Syria's" taken for an organisation, a unit and
its parent run together, a surname called an organisation, a capitalised
adjective called a name, a town called a person, a name found once and
missed the next time. Each rule below fixes one such error on top of the one
shared parse and leaves its name in the span's ``evidence``, so a reader can
see why a span is there and why it has its label. Places are resolved
against the gazetteer (``unspin.analyze.gazetteer``); people and
organisations get one canonical name per document, the longest full name the
document gives them.

The rules live in one module per concern: ``entity_words`` (the mention,
the vocabularies, token and sentence facts), ``entity_mentions`` (finding
mentions and their edges), ``entity_labels`` (relabelling), ``entity_titles``
(titles and roles), ``entity_extents`` (which characters a span covers);
this module gives each mention its canonical name and place, and runs the
learned classifier (``entity_model``) between the two.

Every rule was measured on the seed page and on re3d
(``unspin.eval.entities``, where the evidence names let each rule's hits and
misses be counted); none names a person or place of either. Lexicons are
general English-news vocabulary: titles, words that end organisation and
building names, and a short list of well-known organisations the small model
misses or calls places.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from unspin.analyze import entity_model, gazetteer
from unspin.analyze.entity_extents import char_range, name_range
from unspin.analyze.entity_mentions import find_mentions
from unspin.analyze.entity_titles import role_of, title_of
from unspin.analyze.entity_words import PART_HEADS, PLACE_LABELS, base_name, Mention, surface
from unspin.analyze.nlp import parse
from unspin.analyze.pipeline import registry
from unspin.document import Document, Span

# The rules' names callers have always found here (tests, the trainer).
from unspin.analyze.entity_labels import is_common_word, relabel  # noqa: E402,F401
from unspin.analyze.entity_mentions import (  # noqa: E402,F401
    org_word_mentions, repeated_mentions, split_parent, split_possessive,
)
from unspin.analyze.entity_titles import strip_title  # noqa: E402,F401
from unspin.analyze.entity_words import DROPPED_LABELS, clean_name, coverage, in_headline  # noqa: E402,F401


def longest_containing(name: str, names: Iterable[str], one_word_tail: bool = True) -> str | None:
    """The one longest name that starts or ends with this one; None if there is none, or several.

    ``one_word_tail=False`` refuses a one-word name that only ends a longer one: a person's
    surname ends their name, but an organisation's last word is its kind ("House" of "White
    House", "Council" of "Security Council"), shared by other bodies."""
    parts = name.split()
    n = len(parts)
    tail_ok = one_word_tail or n > 1
    longer = {o for o in names if len(o.split()) > n
              and ((tail_ok and o.split()[-n:] == parts) or o.split()[:n] == parts)}
    maximal = {o for o in longer if not any(o != p and o in p for p in longer)}
    return maximal.pop() if len(maximal) == 1 else None


def names_a_part(name: str, longer: str) -> bool:
    """Whether ``longer`` continues ``name`` with the words of one of its parts ("White House" and
    "White House Press Office"), and so names another body."""
    words, more = name.split(), longer.split()
    return more[:len(words)] == words and more[-1] in PART_HEADS


def acronym_expansions(sdoc, mentions: list[Mention]) -> dict[str, str]:
    """"Syrian Democratic Forces (SDF)": the acronym stands for the name before the bracket."""
    out = {}
    for a, b in zip(mentions, mentions[1:]):
        if b.end - b.start == 1 and b.start - a.end == 1 and sdoc[a.end].text == "(":
            short, long_ = sdoc[b.start].text, base_name(surface(sdoc, a.start, a.end))
            if short.isupper() and long_[:1].upper() == short[:1]:
                out[short] = long_
    return out


def title_holders(items: list[tuple[Mention, str, str | None]]) -> dict[str, set[str]]:
    """Title -> the names of the people it is given to in the document."""
    holders: dict[str, set[str]] = {}
    for m, name, title in items:
        if title and m.label == "PERSON" and "title_as_name" not in m.evidence:
            holders.setdefault(title, set()).add(name)
    return holders


def named_after(sdoc, m: Mention, items: list[tuple[Mention, str, str | None]]) -> str | None:
    """"the Iraqi Foreign Minister, Ibrahim al-Jaafari": the person named right after the title."""
    for other, name, _ in items:
        if other.label == "PERSON" and other.start == m.end + 1 and sdoc[m.end].text == ",":
            return name
    return None


def canonical_names(sdoc, items: list[tuple[Mention, str, str | None]]) -> list[tuple[str, str]]:
    """(canonical name, how it was found) for each mention: one name per entity in the document."""
    by_label: dict[str, set[str]] = {}
    for m, name, _ in items:
        if "title_as_name" not in m.evidence:
            by_label.setdefault(m.label, set()).add(name)
    expansions = acronym_expansions(sdoc, [m for m, _, _ in items])
    holders = title_holders(items)
    out = []
    for m, name, _ in items:
        found = None
        if "title_as_name" in m.evidence and (named := named_after(sdoc, m, items)):
            found = (named, "named_after_title")
        elif "title_as_name" in m.evidence:
            people = {p for title, names in holders.items()
                      if title == name or longest_containing(name, {title}) for p in names}
            people = {longest_containing(p, by_label.get("PERSON", ())) or p for p in people}
            found = (people.pop(), "holder_of_title") if len(people) == 1 else None
        elif m.label == "ORG" and name in expansions:
            found = (expansions[name], "acronym_defined_in_document")
        elif m.label in ("PERSON", "ORG"):
            names = by_label[m.label] if m.label == "PERSON" else \
                {o for o in by_label[m.label] if not names_a_part(name, o)}
            longer = longest_containing(name, names, one_word_tail=m.label == "PERSON")
            found = (longer, "longest_name_in_document") if longer else None
        out.append(found or (name, "as_written"))
    return out


def place_attrs(name: str, label: str) -> tuple[str | None, dict]:
    """(gazetteer name, attributes) of a place mention. Only a GPE may be misspelt or go by a
    city's alternate name; a LOC must match a name exactly; a FAC (a building, an airport) is
    never looked up, as GeoNames lists them among alternate names of cities."""
    if label == "FAC":
        return None, {}
    match = gazetteer.resolve(name, fuzzy=(label == "GPE"), alternates=(label == "GPE"))
    if match is None or match.shared:  # a place's name, but of which place is not known
        return None, {}
    attrs = match.place.attrs()
    attrs["place_match"] = match.how
    if match.how == "fuzzy":
        attrs["place_score"] = match.score
    return match.place.name, attrs


def to_spans(text: str, sdoc, mentions: list[Mention]) -> Iterator[Span]:
    """The final spans, with canonical names, places, titles, roles and evidence."""
    items = []
    people = [m for m in mentions if m.label == "PERSON"]
    for m in mentions:
        title = title_of(sdoc, m) if m.label == "PERSON" and "title_as_name" not in m.evidence else None
        start, end = name_range(sdoc, m)
        items.append((m, base_name(text[start:end]), title))
    starts = {m.start for m in mentions}
    for (m, name, title), (canonical, how) in zip(items, canonical_names(sdoc, items)):
        start, end = char_range(sdoc, m, starts)
        label, evidence, attrs = m.label, list(m.evidence), {}
        if label in PLACE_LABELS:
            place_name, place = place_attrs(name, label)
            if place_name:
                canonical, how = place_name, f"gazetteer:{place['place_match']}"
                attrs.update(place)
                if label != "GPE" and place["place_kind"] in ("country", "city", "state"):
                    label = "GPE"
                    evidence.append("gazetteer_place")
        attrs["canonical"] = canonical
        attrs["canonical_from"] = how
        if title:
            attrs["title"] = title
        others = frozenset(i for p in people if p is not m for i in range(p.start, p.end))
        if label == "PERSON" and (role := role_of(sdoc, m, others)):
            attrs["role"] = role
        if m.model_label and m.model_label != label:
            attrs["model_label"] = m.model_label
        if entity_model.ACTS_AS_ORGANISATION in m.evidence:
            attrs["acts_as"] = "organisation"
        attrs["evidence"] = evidence
        yield Span(start, end, label, 1.0, attrs=attrs)


@registry.component("entities", assigns="entities", requires=["sentences"])
def entities(doc: Document) -> Iterator[Span]:
    """People, organisations, places, nationalities and groups, each with its evidence."""
    sdoc = parse(doc)
    yield from to_spans(doc.text, sdoc, learned(sdoc, find_mentions(sdoc), entity_model.shipped()))


def learned(sdoc, mentions: list[Mention], model) -> list[Mention]:
    """The rules' mentions as the learned classifier (``entity_model``; None: rules alone) decides."""
    return mentions if model is None else model.apply(sdoc, mentions)
