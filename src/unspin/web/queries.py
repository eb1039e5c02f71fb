"""The few reads the pages need that ``unspin.store.read`` does not offer (yet).

Small and plain: counts for the front page, the latest documents, titles of
a handful of documents by id, and an entity's profile figures (the same
figures ``read.outlet_profile`` gives for an outlet, over the documents that
name the entity).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, func, select

from unspin.analyze.technique_definitions import DEFINITIONS, DISPLAY_NAMES
from unspin.store.tables import documents, mentions, outlets, stories, technique_counts


def totals(conn: Connection) -> dict[str, int]:
    def count(table, *where) -> int:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

    return {
        "documents": count(documents),
        "duplicates": count(documents, documents.c.duplicate_of.is_not(None)),
        "outlets": count(outlets),
        "stories": count(stories, stories.c.size >= 2),
    }


def latest(conn: Connection, limit: int = 20) -> list[dict]:
    rows = conn.execute(
        select(
            documents.c.id,
            documents.c.title,
            documents.c.published,
            documents.c.outlet,
            outlets.c.name.label("outlet_name"),
            documents.c.duplicate_of,
        )
        .outerjoin(outlets, outlets.c.domain == documents.c.outlet)
        .order_by(documents.c.published.is_(None), documents.c.published.desc(), documents.c.pk.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def briefs(conn: Connection, ids: list[str]) -> dict[str, dict]:
    """id -> title, date and outlet, for listing related documents."""
    out: dict[str, dict] = {}
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            select(
                documents.c.id,
                documents.c.title,
                documents.c.published,
                documents.c.outlet,
                outlets.c.name.label("outlet_name"),
            )
            .outerjoin(outlets, outlets.c.domain == documents.c.outlet)
            .where(documents.c.id.in_(ids[i : i + 500]))
        )
        out.update({r.id: dict(r._mapping) for r in rows})
    return out


def outlet_names(conn: Connection, domains: list[str]) -> dict[str, str]:
    wanted = sorted(set(domains))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        rows = conn.execute(
            select(outlets.c.domain, outlets.c.name).where(outlets.c.domain.in_(wanted[i : i + 500]))
        )
        out.update({r.domain: r.name for r in rows})
    return out


def story_label(conn: Connection, pk: int | None) -> dict | None:
    if pk is None:
        return None
    row = conn.execute(
        select(stories.c.pk, stories.c.label, stories.c.size).where(stories.c.pk == pk)
    ).first()
    return dict(row._mapping) if row else None


def entity_figures(conn: Connection, canonical: str) -> dict:
    """Technique mix and density, speculative share, vague sourcing, appeals: over the documents naming it."""
    naming = select(mentions.c.document).where(mentions.c.canonical == canonical).distinct().subquery()
    row = conn.execute(
        select(
            func.coalesce(func.sum(documents.c.words), 0).label("words"),
            func.coalesce(func.sum(documents.c.sentences), 0).label("sentences"),
            func.coalesce(func.sum(documents.c.speculative), 0).label("speculative"),
            func.coalesce(func.sum(documents.c.attributions), 0).label("attributions"),
            func.coalesce(func.sum(documents.c.vague_attributions), 0).label("vague"),
            func.coalesce(func.sum(documents.c.technique_spans), 0).label("spans"),
            func.coalesce(func.sum(documents.c.appeals), 0).label("appeals"),
            func.count().filter(documents.c.appeals > 0).label("with_appeals"),
        ).where(documents.c.pk.in_(select(naming.c.document)))
    ).one()
    mix = Counter()
    for r in conn.execute(
        select(technique_counts.c.technique, func.sum(technique_counts.c.count).label("n"))
        .where(technique_counts.c.document.in_(select(naming.c.document)))
        .group_by(technique_counts.c.technique)
    ):
        mix[r.technique] = int(r.n)
    words = int(row.words)

    def density(n: int) -> float | None:
        return round(1000 * n / words, 3) if words else None

    return {
        "words": words,
        "technique_spans": int(row.spans),
        "technique_density": density(int(row.spans)),
        "techniques": [
            {
                "technique": t,
                "name": DISPLAY_NAMES.get(t, t),
                "definition": DEFINITIONS.get(t, ""),
                "count": n,
                "density": density(n),
            }
            for t, n in mix.most_common()
        ],
        "speculative_share": round(row.speculative / row.sentences, 4) if row.sentences else None,
        "vague_sourcing_rate": round(row.vague / row.attributions, 4) if row.attributions else None,
        "appeals": int(row.appeals),
        "articles_with_appeals": int(row.with_appeals),
    }
