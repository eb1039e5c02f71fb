"""Writing Documents into the store: one transaction per batch, idempotent by document identity.

A document's identity is ``Document.id`` (its URL when known, else a hash
of its text). A batch is written in one transaction, so a writer killed at
any point leaves the store as it was after its last committed batch;
running the same ingest again skips what is stored and redoes the rest, in
the same order, which gives the same near-duplicate groups and stories as
an uninterrupted run.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, select, update

from unspin.document import Document
from unspin.errors import Failure
from unspin.store import dedup, derive, embed, links, stories
from unspin.store.tables import (
    documents,
    failures,
    lsh_bands,
    mentions,
    outlets,
    signatures,
    technique_counts,
)


@dataclass(frozen=True)
class Stored:
    """What happened to one document in a batch."""

    id: str
    pk: int | None
    duplicate_of: int | None = None
    story: int | None = None
    skipped: bool = False


def stored_ids(engine: Engine | Connection, ids: Iterable[str]) -> set[str]:
    """Which of these identities are already in the store."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    run = engine.connect() if isinstance(engine, Engine) else None
    conn = run or engine
    try:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            found.update(r.id for r in conn.execute(select(documents.c.id).where(documents.c.id.in_(chunk))))
    finally:
        if run is not None:
            run.close()
    return found


def write_batch(engine: Engine, docs: list[Document], failed: list[Failure] = ()) -> list[Stored]:
    """Store documents and failures in one transaction; documents already stored are skipped."""
    now = datetime.datetime.now(datetime.timezone.utc)
    fresh = [d for d in docs if d.id not in stored_ids(engine, [d.id for d in docs])]
    vectors = embed.embed_articles([(d.meta.title, d.text) for d in fresh])  # outside the transaction: the slow part
    embedding = {id(d): v for d, v in zip(fresh, vectors)}
    with engine.begin() as conn:
        present = stored_ids(conn, [d.id for d in docs])
        out = []
        written: set[str] = set()
        for doc in docs:
            if doc.id in present:
                out.append(Stored(doc.id, None, skipped=True))
                continue
            vector = embedding.get(id(doc))
            out.append(_write_document(conn, doc, now, vector if vector is not None else embed.embed_article(doc.meta.title, doc.text)))
            written.add(doc.id)
            present.add(doc.id)
        # in the same transaction: a new name can make a corpus-level link, or make one ambiguous
        links.refresh(conn, {name for doc in docs if doc.id in written for name in derive.entity_counts(doc)})
        for failure in failed:
            record_failure(conn, failure, now)
    return out


def _ensure_outlet(conn: Connection, domain: str, name: str) -> None:
    if conn.execute(select(outlets.c.domain).where(outlets.c.domain == domain)).first() is None:
        conn.execute(outlets.insert().values(domain=domain, name=name))


def find_duplicate(conn: Connection, shingles, keys: list[tuple[int, int]], before: int | None = None) -> int | None:
    """The group representative of the most similar stored document at or above the threshold.

    ``before``: only documents stored before that key count, as when it was
    first stored (``store.delete`` regroups the documents after a deletion).
    """
    hits: set[int] = set()
    for band, key in keys:
        query = select(lsh_bands.c.document).where(lsh_bands.c.band == band, lsh_bands.c.key == key)
        if before is not None:
            query = query.where(lsh_bands.c.document < before)
        hits.update(r.document for r in conn.execute(query))
    best: tuple[float, int] | None = None
    if not hits:
        return None
    rows = conn.execute(
        select(signatures.c.document, signatures.c.shingles, documents.c.duplicate_of)
        .join(documents, documents.c.pk == signatures.c.document)
        .where(signatures.c.document.in_(sorted(hits)))
        .order_by(signatures.c.document)
    )
    for row in rows:
        score = dedup.similarity(shingles, dedup.from_bytes(row.shingles))
        if score >= dedup.DUPLICATE_THRESHOLD and (best is None or score > best[0]):
            best = (score, row.duplicate_of or row.document)
    return best[1] if best else None


def _write_document(conn: Connection, doc: Document, now: datetime.datetime, vector) -> Stored:
    outlet = derive.outlet_of(doc)
    if outlet:
        _ensure_outlet(conn, *outlet)
    published = derive.published_date(doc)
    shingles = dedup.shingle_signature(doc.text)
    vocabulary = dedup.vocabulary_signature(doc.text)
    figures = stories.figures(doc.text)
    keys = dedup.band_keys(shingles)
    duplicate_of = find_duplicate(conn, shingles, keys)
    pk = conn.execute(documents.insert().values(
        id=doc.id,
        url=doc.meta.url,
        canonical_url=doc.meta.canonical_url,
        outlet=outlet[0] if outlet else None,
        title=doc.meta.title,
        published=published,
        language=doc.meta.language,
        text=doc.text,
        document=doc.dumps(),
        source_name=doc.source.name,
        content_sha256=derive.content_sha256(doc),
        duplicate_of=duplicate_of,
        ingested_at=now,
        **derive.flat_counts(doc),
    )).inserted_primary_key[0]
    entity_rows = derive.entity_counts(doc)
    if entity_rows:
        conn.execute(mentions.insert(), [
            {"document": pk, "canonical": name, "label": label, "count": n} for (name, label), n in entity_rows.items()
        ])
    technique_rows = derive.technique_counts(doc)
    if technique_rows:
        conn.execute(technique_counts.insert(), [
            {"document": pk, "technique": t, "count": c.count, "max_confidence": c.max_confidence, "own": c.own,
             "quoted": c.quoted}
            for t, c in technique_rows.items()
        ])
    conn.execute(signatures.insert().values(
        document=pk, shingles=dedup.to_bytes(shingles), vocabulary=dedup.to_bytes(vocabulary),
        embedding=embed.to_bytes(vector), figures=stories.figures_to_text(figures),
    ))
    conn.execute(lsh_bands.insert(), [{"band": b, "key": k, "document": pk} for b, k in keys])
    if duplicate_of is not None:
        story = conn.execute(select(documents.c.story).where(documents.c.pk == duplicate_of)).scalar_one()
    else:
        names = frozenset(name for name, _ in entity_rows)
        vector = embed.from_bytes(embed.to_bytes(vector))  # as stored, so that regroup finds the same
        member = stories.Member(pk, None, published, outlet[0] if outlet else None, names, figures, vector)
        story = stories.group(conn, member)
    story = stories.join_story(conn, story, stories.label_of(doc.meta.title, doc.text, doc.id), published)
    conn.execute(update(documents).where(documents.c.pk == pk).values(story=story))
    return Stored(doc.id, pk, duplicate_of, story)


def _failure_key(failure: Failure):
    """A failure's identity in the table: (input, record, code), the record NULL for an input that has none."""
    record = failures.c.record.is_(None) if failure.record is None else failures.c.record == failure.record
    return (failures.c.input == failure.input) & record & (failures.c.code == failure.code)


def failure_recorded(engine: Engine, failure: Failure) -> bool:
    """Whether the store holds this failure already (a Spark output loaded a second time)."""
    with engine.connect() as conn:
        return conn.execute(select(failures.c.pk).where(_failure_key(failure))).first() is not None


def record_failure(conn: Connection, failure: Failure, now: datetime.datetime) -> None:
    """One row per (input, record, code): a rerun that fails the same way updates its time."""
    key = _failure_key(failure)
    if conn.execute(select(failures.c.pk).where(key)).first() is None:
        conn.execute(failures.insert().values(
            input=failure.input, record=failure.record, code=failure.code, reason=failure.reason, at=now
        ))
    else:
        conn.execute(update(failures).where(key).values(reason=failure.reason, at=now))


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table that a user cares about: for summaries and crash-safety checks."""
    from unspin.store.tables import stories as stories_table

    with engine.connect() as conn:
        return {
            "documents": conn.execute(select(func.count()).select_from(documents)).scalar_one(),
            "duplicates": conn.execute(
                select(func.count()).select_from(documents).where(documents.c.duplicate_of.is_not(None))
            ).scalar_one(),
            "outlets": conn.execute(select(func.count()).select_from(outlets)).scalar_one(),
            "stories": conn.execute(select(func.count()).select_from(stories_table)).scalar_one(),
            "failures": conn.execute(select(func.count()).select_from(failures)).scalar_one(),
        }
