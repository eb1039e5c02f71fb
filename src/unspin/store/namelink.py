"""The rule that links a short entity name to the one full name the corpus gives it.

Within one document the entities layer already names "Trump" "Donald Trump"
when the document writes both. A document that writes only "Trump" keeps
"Trump", and a researcher looking for Donald Trump would miss it. Across the
corpus the same reasoning holds only when nothing else competes: if the
corpus names Donald Trump and Melania Trump, "Trump" alone could be either,
and a wrong join would put an article about one on the other's page. So the
rule links only when exactly one longer name fits, and records the
competitors when several do, so that a page can say why there is no link.

The rule, for a name S of type T (PERSON or ORG, the types whose names the
document rule also completes; places have the gazetteer's names instead):

- names are compared word by word, case-insensitively (Unicode casefold);
  a PERSON name's leading titles ("Mr.", "President", "Prime Minister") and
  any leading article are left out of the comparison;
- a candidate is a longer name of type T whose words begin or end with all
  of S's words ("Donald Trump" for "Trump" or "Donald");
- a candidate that adds only a generational suffix ("Jr.", "Sr.", "III") is
  another person and never a candidate;
- names that differ only in case, titles or (for a person) a middle
  initial ("Donald J. Trump", "Donald Trump") are one candidate; a candidate
  whose words run inside another candidate's is dropped for that longer
  one, as the document rule keeps the longest name;
- one candidate left: S links to it (to its spelling named in the most
  documents); two or more: no link, and the competitors are kept.

Pure functions over names; ``store.links`` keeps the results in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from unspin.analyze.entity_words import TITLE_HEADS, TITLE_MODIFIERS

#: The entity types whose short names are linked across the corpus.
LINKED_LABELS = frozenset({"PERSON", "ORG"})

#: Words that make or qualify a title before a person's name (the entity layer's own lists): not part of the
#: name when names are compared.
TITLE_WORDS = frozenset(w.casefold() for w in TITLE_HEADS | TITLE_MODIFIERS)
ARTICLES = frozenset({"the", "a", "an"})
#: A name that adds only one of these to another is a different person (a son, a father).
GENERATIONAL = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def words_of(canonical: str, label: str) -> tuple[str, ...]:
    """The words a name is compared by: casefolded, without a leading article or (for a person) titles."""
    found = [w.casefold() for w in canonical.split()]
    while len(found) > 1 and found[0] in ARTICLES:
        found.pop(0)
    if label == "PERSON":
        while len(found) > 1 and found[0] in TITLE_WORDS:
            found.pop(0)
    return tuple(found)


@dataclass(frozen=True)
class Name:
    """One canonical name of one type in the corpus, with the words it is compared by."""

    canonical: str
    label: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, canonical: str, label: str) -> "Name":
        return cls(canonical, label, words_of(canonical, label))


@dataclass(frozen=True)
class Decision:
    """What the corpus says of a short name: linked to one name, or competed for by several, or neither."""

    linked_to: str | None = None
    competing: tuple[str, ...] = ()


def shorter_keys(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The proper prefixes and suffixes of a name's words: the names it may be the full form of."""
    return {words[:i] for i in range(1, len(words))} | {words[-i:] for i in range(1, len(words))}


def _runs_inside(inner: tuple[str, ...], outer: tuple[str, ...]) -> bool:
    n = len(inner)
    return n < len(outer) and any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def fits(short: Name, longer: Name) -> bool:
    """Whether ``longer`` is a candidate full name for ``short`` (same type, more words, begins or ends with it)."""
    n = len(short.words)
    if longer.label != short.label or not n or len(longer.words) <= n:
        return False
    if longer.words[:n] == short.words:
        extra = longer.words[n:]
    elif longer.words[-n:] == short.words:
        extra = longer.words[:-n]
    else:
        return False
    return not (len(extra) == 1 and extra[0] in GENERATIONAL)


def _person_key(words: tuple[str, ...], label: str) -> tuple[str, ...]:
    """The words a candidate is told apart by: a person's middle initials ("j.") left out."""
    if label != "PERSON" or len(words) < 3:
        return words
    middle = [w for w in words[1:-1] if len(w.rstrip(".")) != 1]
    return (words[0], *middle, words[-1])


def decide(short: Name, names: Iterable[Name], documents: Mapping[str, int] | None = None) -> Decision:
    """The link of ``short`` among ``names`` (any names of the corpus: those that do not fit are ignored).

    ``documents`` gives how many documents name each spelling, to pick the
    spelling of a candidate written several ways; without it the first in
    alphabetical order is taken.
    """
    if short.label not in LINKED_LABELS:
        return Decision()
    spellings: dict[tuple[str, ...], list[str]] = {}
    for name in names:
        if fits(short, name):
            spellings.setdefault(_person_key(name.words, name.label), []).append(name.canonical)
    keys = [k for k in spellings if not any(_runs_inside(k, other) for other in spellings)]
    counts = documents or {}
    chosen = sorted(min(spellings[k], key=lambda c: (-counts.get(c, 0), c)) for k in keys)
    if len(chosen) == 1:
        return Decision(linked_to=chosen[0])
    return Decision(competing=tuple(chosen))
