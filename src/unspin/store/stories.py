"""Story grouping: different articles about the same event, across outlets.

Two articles tell one story when they mean the same thing, name the same
things and give the same figures. The pair score is

    cosine of their sentence embeddings (title and lead, all-MiniLM-L6-v2, ``embed.py``)
    + ENTITY_WEIGHT x Jaccard of their canonical entities
    + FIGURE_WEIGHT x Jaccard of the numbers they write in digits.

The embedding carries most of it: reports of one event in different words
land close. Names and figures keep apart two similar events (two
earthquakes, two rehab stays) whose reports read alike: other people and
places, another toll, another year. The vocabulary MinHash (word overlap)
added nothing measurable beside the embedding on the tuning halves and is
not used.

Dates: two dated articles more than ``WINDOW_DAYS`` apart are never one
story, and two dated articles within it need less (``DATED_BONUS`` off the
threshold): that they appeared in the same few days is evidence too. An
undated article is compared with anything, at the full threshold, with no
penalty for the missing date. Two articles of the same outlet at most a day
apart lose ``SAME_OUTLET_PENALTY``: an outlet seldom tells one event twice
in a day in other words, and often covers two similar ones.

A document joins a story by average linkage: its margin over each pair's
threshold, averaged over the story's originals (near-duplicates follow their
original; the latest ``MEMBERS`` in the window), must be at least zero, and
it joins the story with the largest margin, else starts its own. Candidate
stories are those of the ``CANDIDATES`` earlier originals sharing most
entities with it. Documents are grouped one by one as they arrive, in
ingest order, so grouping is incremental and deterministic; ``regroup``
recomputes it for a whole store in that same order.

The weights and thresholds were chosen on half of BASIL's events and half
of ECB+'s topics (``unspin/eval/splits``), with ECB+ fed in eight orders,
and are reported on the other halves (``unspin eval stories``, README).
The same-outlet penalty is reasoned, not measured: neither gold set has two
articles of one outlet on one event.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, func, select, update

from unspin.store import embed
from unspin.store.tables import documents, mentions, signatures, stories

#: Pair score (cosine + ENTITY_WEIGHT x entity Jaccard + FIGURE_WEIGHT x figure Jaccard) from which two
#: undated articles are one story.
STORY_THRESHOLD = 0.95
ENTITY_WEIGHT = 1.5
FIGURE_WEIGHT = 0.5
#: Taken off the threshold when both articles are dated within WINDOW_DAYS of each other: the largest
#: step (of 0.05) that keeps ECB+'s tuning topics at precision 0.80 were all their articles of one day.
DATED_BONUS = 0.05
#: Articles more than this many days apart (both dated) are not one story.
WINDOW_DAYS = 4
#: Taken off the pair score of two articles of one outlet at most a day apart.
SAME_OUTLET_PENALTY = 0.1
#: Candidates examined per document: those sharing the most entities.
CANDIDATES = 50
#: A story's originals a newcomer is compared with: the latest this many in the window.
MEMBERS = 30


@dataclass(frozen=True)
class Member:
    """What grouping knows of one stored original."""

    pk: int
    story: int | None
    published: datetime.date | None
    outlet: str | None
    entities: frozenset[str]
    figures: frozenset[str]
    embedding: np.ndarray | None


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def days_apart(a: datetime.date | None, b: datetime.date | None) -> int | None:
    return abs((a - b).days) if a is not None and b is not None else None


def margin(a: Member, b: Member) -> float | None:
    """How far the pair's score clears its threshold (None: too far apart in time to be one story)."""
    days = days_apart(a.published, b.published)
    if days is not None and days > WINDOW_DAYS:
        return None
    score = (embed.cosine(a.embedding, b.embedding) + ENTITY_WEIGHT * jaccard(a.entities, b.entities)
             + FIGURE_WEIGHT * jaccard(a.figures, b.figures))
    if a.outlet is not None and a.outlet == b.outlet and (days is None or days <= 1):
        score -= SAME_OUTLET_PENALTY
    return score - (STORY_THRESHOLD - DATED_BONUS if days is not None else STORY_THRESHOLD)


def best_story(new: Member, members: dict[int, list[Member]]) -> int | None:
    """The story (key of ``members``) whose originals clear the threshold by the most on average, or None."""
    best: tuple[float, int] | None = None
    for story in sorted(members):
        margins = [m for m in (margin(new, other) for other in members[story]) if m is not None]
        if not margins:
            continue
        average = sum(margins) / len(margins)
        if average >= 0 and (best is None or average > best[0]):
            best = (average, story)
    return best[1] if best else None


def _window(published: datetime.date | None):
    if published is None:
        return None
    low, high = published - datetime.timedelta(days=WINDOW_DAYS), published + datetime.timedelta(days=WINDOW_DAYS)
    return documents.c.published.is_(None) | documents.c.published.between(low, high)


def candidate_stories(conn: Connection, pk: int, entities: frozenset[str], published: datetime.date | None) -> list[int]:
    """Stories of the earlier grouped originals sharing the most entities with the document (in the window)."""
    if not entities:
        return []
    shared = func.count().label("shared")
    query = (
        select(mentions.c.document, documents.c.story, shared)
        .select_from(mentions)
        .join(documents, documents.c.pk == mentions.c.document)
        # earlier documents only: at ingest ``pk`` is the newest; when ``store.delete`` regroups the
        # documents stored after a deletion, each sees only what was stored before it, as on its first ingest
        .where(mentions.c.canonical.in_(sorted(entities)), mentions.c.document < pk,
               documents.c.duplicate_of.is_(None), documents.c.story.is_not(None))
        .group_by(mentions.c.document, documents.c.story)
        .order_by(shared.desc(), mentions.c.document.desc())
        .limit(CANDIDATES)
    )
    if (window := _window(published)) is not None:
        query = query.where(window)
    return sorted({row.story for row in conn.execute(query)})


def story_members(conn: Connection, story_keys: list[int], published: datetime.date | None) -> dict[int, list[Member]]:
    """The originals of each story that a newcomer is compared with (in the window, the latest ``MEMBERS``)."""
    out: dict[int, list[Member]] = {}
    for story in story_keys:
        query = (
            select(documents.c.pk, documents.c.published, documents.c.outlet, signatures.c.embedding,
                   signatures.c.figures)
            .join(signatures, signatures.c.document == documents.c.pk)
            .where(documents.c.story == story, documents.c.duplicate_of.is_(None))
            .order_by(documents.c.pk.desc())
            .limit(MEMBERS)
        )
        if (window := _window(published)) is not None:
            query = query.where(window)
        rows = conn.execute(query).all()
        if not rows:
            continue
        names: dict[int, set[str]] = {r.pk: set() for r in rows}
        for m in conn.execute(select(mentions.c.document, mentions.c.canonical).where(mentions.c.document.in_(list(names)))):
            names[m.document].add(m.canonical)
        out[story] = [
            Member(r.pk, story, r.published, r.outlet, frozenset(names[r.pk]), *signals(conn, r.pk, r.embedding, r.figures))
            for r in sorted(rows, key=lambda r: r.pk)
        ]
    return out


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def figures(text: str) -> frozenset[str]:
    """The numbers the text writes in digits (scores, tolls, ages, years), thousands separators dropped."""
    return frozenset(re.sub(r",(?=\d{3}\b)", "", f) for f in _FIGURE.findall(text))


def figures_to_text(found: frozenset[str]) -> str:
    return " ".join(sorted(found))


def signals(conn: Connection, pk: int, embedding: bytes | None, written: str | None) -> tuple[frozenset[str], np.ndarray]:
    """A stored document's figures and embedding; what a store made before they were kept is computed and kept now."""
    if embedding is None or written is None:
        row = conn.execute(select(documents.c.title, documents.c.text).where(documents.c.pk == pk)).one()
        embedding = embedding if embedding is not None else embed.to_bytes(embed.embed_article(row.title, row.text))
        written = written if written is not None else figures_to_text(figures(row.text))
        conn.execute(update(signatures).where(signatures.c.document == pk).values(embedding=embedding, figures=written))
    return frozenset(written.split()), embed.from_bytes(embedding)


def group(conn: Connection, new: Member) -> int | None:
    """The story an original joins, or None for a story of its own."""
    keys = candidate_stories(conn, new.pk, new.entities, new.published)
    return best_story(new, story_members(conn, keys, new.published)) if keys else None


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


def label_of(title: str | None, text: str, identity: str) -> str:
    return (title or text[:80]).strip() or identity


def regroup(conn: Connection, advance: Callable[[], None] = lambda: None) -> int:
    """Recompute every document's story, in ingest order, as ingest would now; returns the number of stories.

    Runs in the caller's transaction: on any error nothing changes.
    Embeddings and figures missing from older rows are computed on the way.
    """
    conn.execute(update(documents).values(story=None))
    conn.execute(stories.delete())
    assigned: dict[int, int] = {}
    for pk in conn.execute(select(documents.c.pk).order_by(documents.c.pk)).scalars().all():
        row = conn.execute(
            select(documents.c.id, documents.c.title, documents.c.text, documents.c.published, documents.c.outlet,
                   documents.c.duplicate_of, signatures.c.embedding, signatures.c.figures)
            .join(signatures, signatures.c.document == documents.c.pk)
            .where(documents.c.pk == pk)
        ).one()
        if row.duplicate_of is not None and row.duplicate_of in assigned:
            story = assigned[row.duplicate_of]
        else:
            names = frozenset(conn.execute(select(mentions.c.canonical).where(mentions.c.document == pk)).scalars())
            found = signals(conn, pk, row.embedding, row.figures)
            story = group(conn, Member(pk, None, row.published, row.outlet, names, *found))
        story = join_story(conn, story, label_of(row.title, row.text, row.id), row.published)
        conn.execute(update(documents).where(documents.c.pk == pk).values(story=story))
        assigned[pk] = story
        advance()
    return conn.execute(select(func.count()).select_from(stories)).scalar_one()
