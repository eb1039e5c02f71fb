"""Span extents: which characters a mention covers around its name (a title, "the", a compass word,
"the city of", a word for the members or the kind), while its canonical name stays the name alone.
"""

from __future__ import annotations

from unspin.analyze.entity_titles import title_before
from unspin.analyze.entity_words import (
    AREA_WORDS, MEMBER_WORDS, PLACE_LABELS, POSSESSIVES, SETTLEMENT_WORDS, clean_name, Mention, words
)


def article_start(sdoc, m: Mention) -> int:
    """Where the span starts: at "the" when it determines the name itself ("the United States"),
    as re3d and OntoNotes mark it, but not when it belongs to a noun the name modifies ("the US strike").

    A person's span starts at the title right before the name ("Foreign Secretary Jane Roe",
    "the Defence Minister Jane Roe"): the title says who the mention is, as re3d and ACE draw
    a person's extent; the name alone stays the canonical name and the title an attribute. A
    nationality or country before the title stays a mention of its own."""
    if m.label == "PERSON" and "title_as_name" not in m.evidence:
        found = title_before(sdoc, m.start)
        if found is None:
            return m.start
        start = found[0] - m.before
        return start - 1 if start > 0 and sdoc[start - 1].lower_ == "the" else start
    if m.before:
        return m.start - m.before
    if m.start == 0:
        return m.start
    if m.label in PLACE_LABELS and is_compass_word(sdoc[m.start - 1]):
        return m.start - 1
    article = sdoc[m.start - 1]
    if article.lower_ == "the" and article.dep_ == "det" and m.start <= article.head.i < m.end:
        return m.start - 1
    return m.start


#: "northern Syria", "eastern Aleppo": the part of a place named by a compass word is itself a place.
COMPASS_WORDS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                           "northeastern", "northwestern", "southeastern", "southwestern", "north-eastern",
                           "north-western", "south-eastern", "south-western", "central"})


def is_compass_word(token) -> bool:
    """A lower-case compass adjective that modifies the place after it."""
    return token.text.islower() and token.lower_ in COMPASS_WORDS and token.dep_ in ("amod", "compound")


def extent_end(sdoc, m: Mention, taken: set[int] = frozenset()) -> int:
    """Where the span ends: after a word for the organisation's members or kind ("ISIL fighters",
    "Hezbollah movement") or the place's kind ("Mosul district"), when the name modifies it."""
    if m.after:
        return m.end + m.after
    if m.end >= len(sdoc) or m.end in taken or sdoc[m.end - 1].text in POSSESSIVES:
        return m.end
    after = sdoc[m.end]
    words = MEMBER_WORDS if m.label == "ORG" else AREA_WORDS if m.label in PLACE_LABELS else ()
    if after.lower_ in words and after.text.islower() and after.pos_ == "NOUN" and \
            sdoc[m.end - 1].head.i == after.i:
        return m.end + 1
    if m.label == "ORG" and m.end + 1 < len(sdoc) and after.pos_ in ("NOUN", "ADJ") and after.text.islower() \
            and sdoc[m.end + 1].lower_ in MEMBER_WORDS and sdoc[m.end + 1].pos_ == "NOUN" \
            and m.end + 1 not in taken and sdoc[m.end - 1].head.i == m.end + 1:
        return m.end + 2  # "Reuters news agency", "ISIL tactical units"
    return m.end


def described_start(sdoc, m: Mention, start: int) -> int:
    """"the city of Mosul", "the Iraqi city of Mosul": a place named after a word for its kind (with at
    most one capitalised adjective of nationality before it) starts at that phrase's "the"."""
    k = start
    if m.label not in PLACE_LABELS or k < 3 or sdoc[k - 1].lower_ != "of" or \
            sdoc[k - 2].lower_ not in SETTLEMENT_WORDS or not sdoc[k - 2].text.islower():
        return start
    if sdoc[k - 3].lower_ == "the":
        return k - 3
    modifier = sdoc[k - 3]
    if k >= 4 and sdoc[k - 4].lower_ == "the" and modifier.text[:1].isupper() \
            and modifier.tag_ in ("JJ", "NNP", "NNPS") \
            and modifier.dep_ in ("amod", "compound") and modifier.head.i == k - 2:
        return k - 4
    return start


def kind_article_start(sdoc, m: Mention, start: int, end: int) -> int:
    """"the Asad regime", "the ISIL fighters": a span drawn to the word for its kind starts at the
    "the" that determines that word, as it would at the "the" of a name."""
    if end > m.end and start == m.start > 0:
        article = sdoc[start - 1]
        if article.lower_ == "the" and article.dep_ == "det" and article.head.i == end - 1:
            return start - 1
    return start


def char_range(sdoc, m: Mention, taken: set[int] = frozenset()) -> tuple[int, int]:
    """Character offsets of a mention's span (with its title, article, compass word or the word for
    its kind), without what the tokenizer glued to its last token."""
    end = extent_end(sdoc, m, taken)
    last = sdoc[end - 1]
    start = kind_article_start(sdoc, m, described_start(sdoc, m, article_start(sdoc, m)), end)
    return sdoc[start].idx, last.idx + len(clean_name(last.text))


def name_range(sdoc, m: Mention) -> tuple[int, int]:
    """Character offsets of the name itself: without the title, compass or kind words around it
    (an article that determines the name stays: ``base_name`` drops it)."""
    last = sdoc[m.end - 1]
    end = last.idx + len(clean_name(last.text))
    first = sdoc[m.start - 1] if m.start else None
    if first is not None and first.lower_ == "the" and article_start(sdoc, m) == m.start - 1:
        return first.idx, end
    return sdoc[m.start].idx, end
