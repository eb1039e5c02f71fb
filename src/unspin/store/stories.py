"""Story grouping: different articles about the same event, across outlets.

Two articles are taken to tell one story when they name the same things
(canonical entities: the same people, organisations and places, whatever
the spelling in each) and talk in the same words (the vocabulary MinHash),
within a few days of each other. Neither alone is enough: a profile of a
minister shares her name with a report of her speech, and two reports of
different strikes share most of their vocabulary. The score is the mean of
the two Jaccard similarities; a document joins the best-scoring story at or
above ``STORY_THRESHOLD``, else starts its own.

There is no public gold for this grouping in the data used here; the
threshold and window are set by reasoning about the two similarities (see
README) and checked on hand-made cases in the tests, and are a setting, not
a measured optimum.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, func, select, update

from unspin.store import dedup
from unspin.store.tables import documents, mentions, signatures, stories

STORY_THRESHOLD = 0.3
#: Articles more than this many days apart (both dated) are not one story.
WINDOW_DAYS = 4
#: Candidates examined per document: those sharing the most entities.
CANDIDATES = 50


@dataclass(frozen=True)
class Candidate:
    pk: int
    story: int | None
    entities: frozenset[str]
    vocabulary: np.ndarray


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def story_score(entities_a: frozenset[str], entities_b: frozenset[str], vocab_a: np.ndarray, vocab_b: np.ndarray) -> float:
    return 0.5 * jaccard(entities_a, entities_b) + 0.5 * dedup.similarity(vocab_a, vocab_b)


def candidates(conn: Connection, pk: int, entities: frozenset[str], published: datetime.date | None) -> list[Candidate]:
    """Earlier originals (not near-duplicates) that share at least one entity, nearest in time first."""
    if not entities:
        return []
    shared = func.count().label("shared")
    query = (
        select(mentions.c.document, shared)
        .join(documents, documents.c.pk == mentions.c.document)
        # earlier documents only: at ingest ``pk`` is the newest; when ``store.delete`` regroups the
        # documents after a deletion, each sees only what was stored before it, as on its first ingest
        .where(mentions.c.canonical.in_(sorted(entities)), mentions.c.document < pk, documents.c.duplicate_of.is_(None))
        .group_by(mentions.c.document)
        .order_by(shared.desc(), mentions.c.document.desc())
        .limit(CANDIDATES)
    )
    if published is not None:
        low, high = published - datetime.timedelta(days=WINDOW_DAYS), published + datetime.timedelta(days=WINDOW_DAYS)
        query = query.where((documents.c.published.is_(None)) | documents.c.published.between(low, high))
    pks = [row.document for row in conn.execute(query)]
    if not pks:
        return []
    names: dict[int, set[str]] = {p: set() for p in pks}
    for row in conn.execute(select(mentions.c.document, mentions.c.canonical).where(mentions.c.document.in_(pks))):
        names[row.document].add(row.canonical)
    rows = conn.execute(
        select(documents.c.pk, documents.c.story, signatures.c.vocabulary)
        .join(signatures, signatures.c.document == documents.c.pk)
        .where(documents.c.pk.in_(pks))
    )
    return [Candidate(r.pk, r.story, frozenset(names[r.pk]), dedup.from_bytes(r.vocabulary)) for r in rows]


def best_story(found: list[Candidate], entities: frozenset[str], vocabulary: np.ndarray) -> int | None:
    """The story of the best-scoring candidate at or above the threshold; ties go to the older document."""
    best: tuple[float, int] | None = None
    for c in sorted(found, key=lambda c: c.pk):
        if c.story is None:
            continue
        score = story_score(entities, c.entities, vocabulary, c.vocabulary)
        if score >= STORY_THRESHOLD and (best is None or score > best[0]):
            best = (score, c.story)
    return best[1] if best else None


def label_for(title: str | None, text: str, doc_id: str) -> str:
    """A new story's label: the title of the document that starts it, else its opening words."""
    return (title or text[:80]).strip() or doc_id


def join_story(conn: Connection, story: int | None, label: str, published: datetime.date | None) -> int:
    """Add one document to ``story`` (or to a new story labelled ``label``); returns the story's key."""
    if story is None:
        return conn.execute(
            stories.insert().values(label=label, first_published=published, last_published=published, size=1)
        ).inserted_primary_key[0]
    row = conn.execute(select(stories.c.first_published, stories.c.last_published).where(stories.c.pk == story)).one()
    dates = [d for d in (row.first_published, row.last_published, published) if d is not None]
    conn.execute(
        update(stories).where(stories.c.pk == story).values(
            size=stories.c.size + 1, first_published=min(dates, default=None), last_published=max(dates, default=None)
        )
    )
    return story
