"""Corpus-level entity links in the store: kept current as the corpus changes, and read by search and pages.

The rule is ``store.namelink``. Its results live in ``entity_links``, one
row per PERSON or ORG canonical name of ``mentions``, beside the documents
rather than in them: a document's JSON keeps the name its own text gives,
and a link can be recomputed when the corpus changes. A new document can
make a link (the first "Donald Trump" for a corpus of "Trump"s) or break one
(a "Melania Trump" makes "Trump" ambiguous), so ``refresh`` runs in the
transaction that stores the document, over the names it brings and the
shorter names they may complete. ``rebuild`` recomputes the whole table (the
migration that adds it, and anything that removes documents wholesale).

Reads: ``entity_filter`` is what the search filter ``entity:`` matches (a
name, the name it is linked to, and every name linked to that one);
``matched_through`` says which hits matched only through a link;
``linked_into``, ``link_of`` and ``contested`` give the entity pages and the
API what to show.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, tuple_, union, update
from sqlalchemy.sql import ColumnElement

from unspin.store.namelink import LINKED_LABELS, Decision, Name, decide, shorter_keys, words_of
from unspin.store.tables import documents, entity_links, mentions

#: Values per IN list: well under SQLite's limit on bound parameters.
CHUNK = 400

L = entity_links.c


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _row(name: Name) -> dict:
    return {"canonical": name.canonical, "label": name.label, "words": " ".join(name.words),
            "first_word": name.words[0], "last_word": name.words[-1], "size": len(name.words)}


def _name(row) -> Name:
    return Name(row.canonical, row.label, tuple(row.words.split(" ")))


# --- keeping the table current ---------------------------------------------------------------------


def refresh(conn: Connection, names: Iterable[tuple[str, str]]) -> None:
    """Bring ``entity_links`` up to date after documents naming these (canonical, label) pairs were stored or
    removed: the pairs' own rows, then the links of every stored name they may be the full form of."""
    wanted = sorted({(c, label) for c, label in names if label in LINKED_LABELS and words_of(c, label)})
    if not wanted:
        return
    present, known = set(), set()
    for part in _chunks(wanted):
        pairs = tuple_(mentions.c.canonical, mentions.c.label).in_(part)
        present.update(tuple(r) for r in conn.execute(select(mentions.c.canonical, mentions.c.label).where(pairs).distinct()))
        known.update(tuple(r) for r in conn.execute(select(L.canonical, L.label).where(tuple_(L.canonical, L.label).in_(part))))
    fresh = sorted(present - known)
    if fresh:
        conn.execute(insert(entity_links), [_row(Name.of(c, label)) for c, label in fresh])
    for part in _chunks(sorted(known - present)):
        conn.execute(delete(entity_links).where(tuple_(L.canonical, L.label).in_(part)))
    keys: dict[str, set[str]] = defaultdict(set)
    for c, label in wanted:
        words = words_of(c, label)
        keys[label].update(" ".join(k) for k in {words} | shorter_keys(words))
    shorts: list[Name] = []
    for label, found in keys.items():
        for part in _chunks(sorted(found)):
            shorts += [_name(r) for r in conn.execute(select(entity_links).where(L.label == label, L.words.in_(part)))]
    _decide(conn, shorts, _candidates(conn, shorts))


def rebuild(conn: Connection) -> None:
    """Recompute the whole table from ``mentions``."""
    conn.execute(delete(entity_links))
    rows = conn.execute(
        select(mentions.c.canonical, mentions.c.label).where(mentions.c.label.in_(sorted(LINKED_LABELS))).distinct()
    ).all()
    names = [n for n in (Name.of(r.canonical, r.label) for r in rows) if n.words]
    for part in _chunks(names, 1000):
        conn.execute(insert(entity_links), [_row(n) for n in part])
    _decide(conn, names, _pool(names))


def _pool(names: list[Name]) -> dict[tuple[str, str, str], list[Name]]:
    """Names by (label, "first" or "last", word): where a short name's candidates are found."""
    pool: dict[tuple[str, str, str], list[Name]] = defaultdict(list)
    for n in names:
        pool[(n.label, "first", n.words[0])].append(n)
        pool[(n.label, "last", n.words[-1])].append(n)
    return pool


def _candidates(conn: Connection, shorts: list[Name]) -> dict[tuple[str, str, str], list[Name]]:
    """The stored names that begin with a short name's first word or end with its last one (all candidates)."""
    firsts: dict[str, set[str]] = defaultdict(set)
    lasts: dict[str, set[str]] = defaultdict(set)
    for s in shorts:
        firsts[s.label].add(s.words[0])
        lasts[s.label].add(s.words[-1])
    found: dict[tuple[str, str], Name] = {}
    for label in firsts:
        for column, words in ((L.first_word, firsts[label]), (L.last_word, lasts[label])):
            for part in _chunks(sorted(words)):
                for r in conn.execute(select(entity_links).where(L.label == label, L.size > 1, column.in_(part))):
                    found[(r.canonical, r.label)] = _name(r)
    return _pool(list(found.values()))


def _decide(conn: Connection, shorts: list[Name], pool: dict[tuple[str, str, str], list[Name]]) -> None:
    """Decide each short name's link among the pooled names and store what changed."""
    near = {s: pool.get((s.label, "first", s.words[0]), []) + pool.get((s.label, "last", s.words[-1]), [])
            for s in shorts}
    spelled = _spelled_several_ways(n for names in near.values() for n in names)
    counts = _documents_naming(conn, spelled) if spelled else {}
    decisions: dict[Name, Decision] = {s: decide(s, names, counts) for s, names in near.items()}
    current = {}
    for label in {s.label for s in shorts}:
        names = sorted(s.canonical for s in shorts if s.label == label)
        for part in _chunks(names):
            for r in conn.execute(select(L.canonical, L.linked_to, L.competing).where(L.label == label, L.canonical.in_(part))):
                current[(r.canonical, label)] = (r.linked_to, r.competing)
    for s, d in decisions.items():
        stored = (d.linked_to, json.dumps(list(d.competing), ensure_ascii=False) if d.competing else None)
        if current.get((s.canonical, s.label), stored) != stored:
            conn.execute(update(entity_links).where(L.canonical == s.canonical, L.label == s.label)
                         .values(linked_to=stored[0], competing=stored[1]))


def _spelled_several_ways(names: Iterable[Name]) -> list[tuple[str, str]]:
    """The (canonical, label) of names that share their words with another spelling (only they need counts)."""
    by_words: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    for n in names:
        by_words[(n.label, n.words)].add(n.canonical)
    return sorted((c, label) for (label, _), spellings in by_words.items() if len(spellings) > 1 for c in spellings)


def _documents_naming(conn: Connection, pairs: list[tuple[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for part in _chunks(pairs):
        for r in conn.execute(
            select(mentions.c.canonical, func.count(func.distinct(mentions.c.document)).label("n"))
            .where(tuple_(mentions.c.canonical, mentions.c.label).in_(part)).group_by(mentions.c.canonical)
        ):
            counts[r.canonical] += int(r.n)
    return dict(counts)


# --- reading -----------------------------------------------------------------------------------------


def _named(column, value: str) -> ColumnElement[bool]:
    # SQLite's lower() folds ASCII only, so the exact spelling is tried as well (as the entity: filter does)
    return or_(func.lower(column) == value.lower(), column == value)


def _short_rows(value: str) -> ColumnElement[bool]:
    """``entity_links`` rows whose name is ``value`` (any case), found through the indexed words."""
    keys = sorted({" ".join(words_of(value, label)) for label in LINKED_LABELS} - {""})
    return and_(L.words.in_(keys), _named(L.canonical, value))


def entity_filter(value: str) -> ColumnElement[bool]:
    """Documents that the filter ``entity:value`` finds: those naming ``value`` (any case), and through
    corpus-level links those naming the full name ``value`` stands for, or a short name linked to ``value``
    or to the full name ``value`` stands for."""
    m, link = mentions.c, entity_links.alias("link")
    direct = select(m.document).where(_named(m.canonical, value))
    # the full names: value itself where something links to it, or what value is linked to
    targets = union(
        select(L.linked_to.label("name"), L.label).where(_named(L.linked_to, value)),
        select(L.linked_to.label("name"), L.label).where(_short_rows(value), L.linked_to.is_not(None)),
    ).subquery()
    full = select(m.document).join(targets, and_(m.canonical == targets.c.name, m.label == targets.c.label))
    short = (
        select(m.document)
        .join(link, and_(m.canonical == link.c.canonical, m.label == link.c.label))
        .join(targets, and_(link.c.linked_to == targets.c.name, link.c.label == targets.c.label))
    )
    return documents.c.pk.in_(union(direct, full, short))


def matched_through(conn: Connection, pks: list[int], value: str) -> dict[int, dict]:
    """For the documents among ``pks`` that ``entity:value`` finds only through a corpus-level link (they do
    not name ``value`` itself): what the document says (``says``) and the link (``short`` → ``full``, ``label``)."""
    m = mentions.c
    if not pks:
        return {}
    direct = {r.document for r in conn.execute(select(m.document).where(m.document.in_(pks), _named(m.canonical, value)))}
    rest = [pk for pk in pks if pk not in direct]
    if not rest:
        return {}
    # value as a short name: its full names; value as a full name: itself
    as_short = {(r.linked_to, r.label): r.canonical for r in conn.execute(
        select(L.canonical, L.label, L.linked_to).where(_short_rows(value), L.linked_to.is_not(None)).order_by(L.canonical)
    )}
    targets = set(as_short) | {(r.linked_to, r.label) for r in conn.execute(
        select(L.linked_to, L.label).where(_named(L.linked_to, value)).distinct()
    )}
    out: dict[int, dict] = {}
    for full, label in sorted(targets):
        for r in conn.execute(select(m.document).where(m.document.in_(rest), m.canonical == full, m.label == label)):
            out.setdefault(r.document, {"says": full, "short": as_short[(full, label)], "full": full, "label": label})
        for r in conn.execute(
            select(m.document, m.canonical)
            .join(entity_links, and_(L.canonical == m.canonical, L.label == m.label))
            .where(m.document.in_(rest), L.linked_to == full, L.label == label)
            .order_by(m.document, m.canonical)
        ):
            out.setdefault(r.document, {"says": r.canonical, "short": r.canonical, "full": full, "label": label})
    return out


def describe(how: dict) -> str:
    """One line for a search match that came through a link (an item of ``matched_through``, with its filter)."""
    value = how.get("filter", how["full"])
    shown = f'"{value}"' if " " in value else value
    return f"entity:{shown}: linked across the corpus ({marker(how)}; {how['short']} → {how['full']}, {how['label']})"


def marker(how: dict) -> str:
    """What a document linked to an entity says, for its mark on a page: "this document says only 'Trump'"."""
    says = how["says"]
    return f"this document says only '{says}'" if says == how["short"] else f"this document says '{says}'"


def linked_into(conn: Connection, canonical: str, label: str | None = None) -> list[tuple[str, str]]:
    """The (short name, label) pairs linked to ``canonical`` across the corpus."""
    where = [L.linked_to == canonical] + ([L.label == label] if label else [])
    return [(r.canonical, r.label) for r in conn.execute(select(L.canonical, L.label).where(*where).order_by(L.label, L.canonical))]


def link_of(conn: Connection, canonical: str) -> list[dict]:
    """What the corpus says of ``canonical`` as a short name, per label: linked to a full name, or contested."""
    rows = conn.execute(
        select(L.label, L.linked_to, L.competing)
        .where(L.canonical == canonical, or_(L.linked_to.is_not(None), L.competing.is_not(None)))
        .order_by(L.label)
    )
    return [
        {"label": r.label, "linked_to": r.linked_to, "competing": json.loads(r.competing) if r.competing else []}
        for r in rows
    ]


def contested(conn: Connection, canonical: str) -> list[dict]:
    """The short names that could stand for ``canonical`` but are not linked to it, because longer names
    compete for them: [{"canonical", "label", "competing"}]."""
    out = []
    for label in sorted(LINKED_LABELS):
        keys = sorted(" ".join(k) for k in shorter_keys(words_of(canonical, label)))
        for part in _chunks(keys):
            for r in conn.execute(
                select(L.canonical, L.label, L.competing)
                .where(L.label == label, L.words.in_(part), L.competing.is_not(None)).order_by(L.canonical)
            ):
                competing = json.loads(r.competing)
                if canonical in competing:
                    out.append({"canonical": r.canonical, "label": r.label, "competing": competing})
    return out


def listing(conn: Connection, names: list[str], label: str | None = None) -> tuple[dict[str, list], dict[str, dict]]:
    """For an entity listing of ``names`` (of type ``label``, or any): the short names linked under each
    full name, with their counts, and what each short name is linked to or competed for by."""
    under: dict[str, list] = defaultdict(list)
    over: dict[str, dict] = defaultdict(dict)
    m = mentions.c
    typed = [L.label == label] if label else []
    for part in _chunks(sorted(set(names))):
        for r in conn.execute(
            select(L.canonical, L.label, L.linked_to, func.sum(m.count).label("mentions"),
                   func.count(func.distinct(m.document)).label("documents"))
            .join(mentions, and_(m.canonical == L.canonical, m.label == L.label))
            .where(L.linked_to.in_(part), *typed)
            .group_by(L.canonical, L.label, L.linked_to).order_by(L.canonical, L.label)
        ):
            under[r.linked_to].append({"canonical": r.canonical, "label": r.label, "mentions": int(r.mentions),
                                       "documents": int(r.documents), "link": "corpus"})
        for r in conn.execute(
            select(L.canonical, L.label, L.linked_to, L.competing)
            .where(L.canonical.in_(part), or_(L.linked_to.is_not(None), L.competing.is_not(None)), *typed)
            .order_by(L.canonical, L.label)
        ):
            if r.linked_to:
                over[r.canonical].setdefault("linked_to", []).append(
                    {"canonical": r.linked_to, "label": r.label, "link": "corpus"})
            else:
                over[r.canonical].setdefault("ambiguous", []).append(
                    {"label": r.label, "competing": json.loads(r.competing)})
    return dict(under), dict(over)
