"""Taking documents out of the corpus, leaving it as if they had never been stored.

Much of what the store keeps about a document depends on what was stored
before it: its near-duplicate group (the most similar earlier copy), its
story (the best earlier original), and its outlet's display name (the
first page of that outlet names it). Deleting a document therefore changes
more than its own rows. The rule kept here is the one the tests check: after
``delete``, every derived table (side tables, LSH bands and signatures,
near-duplicate groups, stories with their sizes and dates, outlets, the
full-text index) is what an ingest of the remaining documents, in the same
order, would have built.

So, in one transaction: the selected documents and their side rows go; the
documents stored after the first of them are regrouped in storage order,
each seeing only the documents stored before it, exactly as ingest grouped
them (``corpus.find_duplicate`` with ``before``, then ``stories.group``,
which only looks at documents stored earlier that already have a story); stories
are recounted and dropped when empty; outlets left with no document go and
the others are named again by their first remaining page. Documents stored
before the first deleted one cannot have depended on it and are not
touched, so deleting recent documents is cheap and deleting the oldest
regroups the corpus (a grouping step per document, no analysis).
"""

from __future__ import annotations

import fnmatch
import glob
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, delete, func, select, update

from unspin.document import Document
from unspin.store import dedup, derive, links, stories
from unspin.store.corpus import find_duplicate
from unspin.store.db import optimize
from unspin.store.search import ranked_pks
from unspin.store.tables import (
    document_reviews, documents, lsh_bands, mentions, outlets, reviews, signatures, technique_counts,
)
from unspin.store.tables import stories as stories_table

#: Keys per IN (...) list: far below SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 500


@dataclass
class Selection:
    """The documents a delete names, and what it named that is not there."""

    pks: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    unknown_ids: list[str] = field(default_factory=list)
    unmatched_sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Deleted:
    documents: int
    regrouped: int
    regrouped_changed: int
    #: stories and outlets left with no document, dropped
    stories_removed: int
    outlets_removed: int


def _chunks(values: list) -> Iterable[list]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def _source_matches(pattern: str, name: str) -> bool:
    """A source path matches itself, a glob over it, or a folder it sits under."""
    if name == pattern:
        return True
    if glob.has_magic(pattern):
        return fnmatch.fnmatchcase(name, pattern)
    folder = pattern.rstrip("/")
    return bool(folder) and name.startswith(folder + "/")


def select_documents(
    conn: Connection, ids: Iterable[str] = (), query: str | None = None, sources: Iterable[str] = ()
) -> Selection:
    """The union of the documents with these ids, those the query matches, and those read from these sources.

    A query is parsed by the search module (QueryError when it is unusable),
    so a delete by query removes exactly what ``unspin search`` finds.
    """
    found: dict[int, str] = {}
    out = Selection()
    wanted = list(dict.fromkeys(ids))
    for part in _chunks(wanted):
        rows = conn.execute(select(documents.c.pk, documents.c.id).where(documents.c.id.in_(part))).all()
        found.update((r.pk, r.id) for r in rows)
        present = {r.id for r in rows}
        out.unknown_ids.extend(i for i in part if i not in present)
    if query:
        pks = list(ranked_pks(conn, query))
        for part in _chunks(pks):
            found.update((r.pk, r.id) for r in conn.execute(
                select(documents.c.pk, documents.c.id).where(documents.c.pk.in_(part))
            ))
    patterns = list(dict.fromkeys(sources))
    if patterns:
        hit = set()
        for row in conn.execution_options(yield_per=1000).execute(
            select(documents.c.pk, documents.c.id, documents.c.source_name)
        ):
            for pattern in patterns:
                if _source_matches(pattern, row.source_name):
                    found[row.pk] = row.id
                    hit.add(pattern)
        out.unmatched_sources = [p for p in patterns if p not in hit]
    out.pks = sorted(found)
    out.ids = [found[pk] for pk in out.pks]
    return out


def delete_documents(engine: Engine, pks: list[int]) -> Deleted:
    """Delete these documents and bring every derived table to what a store without them would hold."""
    if not pks:
        return Deleted(0, 0, 0, 0, 0)
    with engine.begin() as conn:
        result = _delete(conn, sorted(set(pks)))
    optimize(engine)
    return result


def _delete(conn: Connection, gone: list[int]) -> Deleted:
    d = documents.c
    first = gone[0]
    dropped = set(gone)
    later = [r.pk for r in conn.execute(select(d.pk).where(d.pk > first).order_by(d.pk)) if r.pk not in dropped]
    touched_stories: set[int] = set()
    touched_outlets: set[str] = set()
    before: dict[int, tuple] = {}
    for part in _chunks(gone):
        for r in conn.execute(select(d.story, d.outlet).where(d.pk.in_(part))):
            touched_stories.add(r.story)
            touched_outlets.add(r.outlet)
    for part in _chunks(later):
        for r in conn.execute(select(d.pk, d.story, d.duplicate_of).where(d.pk.in_(part))):
            touched_stories.add(r.story)
            before[r.pk] = (r.duplicate_of, r.story)
    touched_stories.discard(None)
    touched_outlets.discard(None)
    companions_before = _companions(conn, later, dropped)
    # the later documents are regrouped from scratch; nothing may point at a deleted row meanwhile
    for part in _chunks(later):
        conn.execute(update(documents).where(d.pk.in_(part)).values(duplicate_of=None, story=None))
    named: set[tuple[str, str]] = set()  # their names: a corpus-level link may lose its long form or its rival
    for part in _chunks(gone):
        named.update(tuple(r) for r in conn.execute(
            select(mentions.c.canonical, mentions.c.label).where(mentions.c.document.in_(part)).distinct()))
    for part in _chunks(gone):
        for table in (mentions, technique_counts, signatures, lsh_bands):
            conn.execute(delete(table).where(table.c.document.in_(part)))
        conn.execute(update(documents).where(d.pk.in_(part)).values(duplicate_of=None, story=None))
    for part in _chunks(gone):  # an analyst's reviews of a deleted document have nothing left to point at
        ids = select(d.id).where(d.pk.in_(part)).scalar_subquery()
        for table in (reviews, document_reviews):
            conn.execute(delete(table).where(table.c.document.in_(ids)))
        conn.execute(delete(documents).where(d.pk.in_(part)))
    stories_removed = _recount_stories(conn, touched_stories)
    duplicate_of = {pk: _regroup(conn, pk)[0] for pk in later}
    companions_after = _companions(conn, later, dropped)
    # a story's key may change when it is made again; what counts is whom a document is grouped with
    changed = sum(
        duplicate_of[pk] != before[pk][0] or companions_after[pk] != companions_before[pk] for pk in later
    )
    outlets_removed = _renew_outlets(conn, touched_outlets)
    links.refresh(conn, named)
    return Deleted(len(gone), len(later), changed, stories_removed, outlets_removed)


def _companions(conn: Connection, pks: list[int], dropped: set[int]) -> dict[int, frozenset[int]]:
    """Each document's story companions: the other documents of its story, the dropped ones left out."""
    d = documents.c
    story_of: dict[int, int | None] = {}
    for part in _chunks(pks):
        story_of.update((r.pk, r.story) for r in conn.execute(select(d.pk, d.story).where(d.pk.in_(part))))
    members: dict[int, set[int]] = {}
    for part in _chunks(sorted({s for s in story_of.values() if s is not None})):
        for r in conn.execute(select(d.pk, d.story).where(d.story.in_(part))):
            if r.pk not in dropped:
                members.setdefault(r.story, set()).add(r.pk)
    return {pk: frozenset(members.get(story_of.get(pk), set()) - {pk}) for pk in pks}


def _recount_stories(conn: Connection, keys: set[int]) -> int:
    """Size and dates of each story from the members it still has; a story with none is dropped."""
    removed = 0
    for key in sorted(keys):
        row = conn.execute(
            select(func.count().label("n"), func.min(documents.c.published).label("low"),
                   func.max(documents.c.published).label("high")).where(documents.c.story == key)
        ).one()
        if row.n == 0:
            conn.execute(delete(stories_table).where(stories_table.c.pk == key))
            removed += 1
        else:
            conn.execute(update(stories_table).where(stories_table.c.pk == key).values(
                size=row.n, first_published=row.low, last_published=row.high
            ))
    return removed


def _regroup(conn: Connection, pk: int) -> tuple[int | None, int]:
    """Group one document as ingest did, against the documents stored before it; returns (duplicate_of, story).

    The same steps as ``corpus._write_document`` and ``stories.regroup``: a
    near-duplicate follows its original's story, an original is scored
    against the stories of earlier originals (``stories.group``) from the
    embedding and figures kept in ``signatures``.
    """
    d = documents.c
    row = conn.execute(
        select(d.id, d.title, d.text, d.published, d.outlet, signatures.c.shingles, signatures.c.embedding,
               signatures.c.figures)
        .join(signatures, signatures.c.document == d.pk)
        .where(d.pk == pk)
    ).one()
    shingles = dedup.from_bytes(row.shingles)
    duplicate_of = find_duplicate(conn, shingles, dedup.band_keys(shingles), before=pk)
    published = _as_date(row.published)
    if duplicate_of is not None:
        story = conn.execute(select(d.story).where(d.pk == duplicate_of)).scalar_one()
    else:
        names = frozenset(conn.execute(select(mentions.c.canonical).where(mentions.c.document == pk)).scalars())
        found = stories.signals(conn, pk, row.embedding, row.figures)
        story = stories.group(conn, stories.Member(pk, None, published, row.outlet, names, *found))
    story = stories.join_story(conn, story, stories.label_of(row.title, row.text, row.id), published)
    conn.execute(update(documents).where(d.pk == pk).values(duplicate_of=duplicate_of, story=story))
    return duplicate_of, story


def _as_date(value):
    import datetime

    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _renew_outlets(conn: Connection, domains: set[str]) -> int:
    """Drop outlets left with no document; name the others by their first remaining page, as ingest did."""
    removed = 0
    for domain in sorted(domains):
        first = conn.execute(
            select(documents.c.document).where(documents.c.outlet == domain).order_by(documents.c.pk).limit(1)
        ).scalar()
        if first is None:
            removed += conn.execute(delete(outlets).where(outlets.c.domain == domain)).rowcount
            continue
        named = derive.outlet_of(Document.loads(first))
        if named is not None:
            conn.execute(update(outlets).where(outlets.c.domain == domain).values(name=named[1]))
    return removed
