"""Titles and roles: "Major General", "Minister for the Middle East" before a name; "X, the commander
of ..." after it. A title is an attribute of the person, not a name of its own.
"""

from __future__ import annotations

from unspin.analyze import gazetteer
from unspin.analyze.entity_words import (
    TITLE_HEADS, TITLE_MODIFIERS, is_title_word, Mention, owner, sentence_info, surface
)


# --- titles and roles ---------------------------------------------------------------------------------

#: A title reaches back at most this far ("Minister for the Middle East").
MAX_TITLE_TOKENS = 8
MAX_ROLE_TOKENS = 30


def title_before(sdoc, start: int) -> tuple[int, int] | None:
    """The title right before a name: "Major General", "Foreign Secretary", "Supreme Leader
    Ayatollah", "Minister for the Middle East" (a title word, then "for"/"of" and a field).

    Only the words after a nationality or country belong to it ("US President" gives "President").
    """
    first = title_run_start(sdoc, start)
    heads = [k for k in range(first, start) if sdoc[k].text in TITLE_HEADS]
    if not heads:
        return None
    k = heads[0]
    with_field = k + 1 < start and sdoc[k + 1].lower_ in ("for", "of")
    if not with_field and not all(is_title_word(t) for t in sdoc[k + 1:start]):
        k = heads[-1]
        if not all(is_title_word(t) for t in sdoc[k + 1:start]):
            return None
    while k > first and sdoc[k - 1].text in TITLE_MODIFIERS:
        k -= 1
    return k, start


def title_run_start(sdoc, start: int) -> int:
    """How far back, within the sentence, the capitalised words (with "for", "of", "the") run."""
    i, sent_start = start, sentence_info(sdoc).start[start]
    while i > sent_start and start - i < MAX_TITLE_TOKENS and (
            sdoc[i - 1].text[:1].isupper() or sdoc[i - 1].lower_ in ("for", "of", "the")):
        i -= 1
    return i


def strip_title(sdoc, m: Mention) -> list[Mention]:
    """A PERSON span that opens with a title ("General Haddad", "Soviet Marshal Ivan Konev")
    leaves the title to an attribute; a nationality or country before the title is its own mention."""
    if m.label != "PERSON":
        return [m]
    last_title = max((k for k in range(m.start, m.end - 1) if is_title_word(sdoc[k])), default=None)
    if last_title is None or not any(t.text in TITLE_HEADS for t in sdoc[m.start:last_title + 1]):
        return [m]
    first_title = last_title
    while first_title > m.start and is_title_word(sdoc[first_title - 1]):
        first_title -= 1
    out = []
    if first_title > m.start:
        owner = surface(sdoc, m.start, first_title)
        label = "GPE" if gazetteer.country(owner) else "NORP"
        out.append(m.but(end=first_title, label=label, why="before_title"))
    out.append(m.but(start=last_title + 1, why="title_split_off"))
    return out


def title_of(sdoc, m: Mention) -> str | None:
    found = title_before(sdoc, m.start)
    return surface(sdoc, *found) if found else None


def role_of(sdoc, m: Mention, others: frozenset[int] = frozenset()) -> str | None:
    """An appositive that says what the person is: "X, the commander of ..." or "the commander ..., X".

    Not a relative clause ("X, whose brother Y, ..."), and not a noun that another person's name
    hangs on ("the Duke's brother Y": ``others`` holds the other people's token positions): that
    role is theirs."""
    root = sdoc[m.start:m.end].root
    head = next((c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN" and c.i >= m.end), None)
    if head is None and root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < m.start:
        head = root.head
    role = appositive_range(sdoc, head, m) if head is not None else None
    if role is None:
        return None
    start, end = role
    taken = any(c.i in others and c.dep_ in ("appos", "compound") for c in head.children) or (head.head.i in others and head.dep_ == "appos"
                                                          and head.head.i != root.i)
    if sdoc[start].tag_ in ("WP", "WP$", "WDT") or taken:
        return None
    return surface(sdoc, start, end)


def appositive_range(sdoc, head, m: Mention) -> tuple[int, int] | None:
    """The appositive phrase, cut at the first comma, bracket or dash after its head, never into the name."""
    start, end = head.left_edge.i, head.i + 1
    for t in sdoc[head.i + 1:head.right_edge.i + 1]:
        if t.text in (",", ";", "(", ")", "—", "–", ":") or t.is_space or m.start <= t.i < m.end:
            break
        end = t.i + 1
    if m.start <= start < m.end:
        start = m.end
    if not 0 < end - start <= MAX_ROLE_TOKENS:
        return None
    return start, end
