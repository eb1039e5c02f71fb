"""The few reads the pages need that ``unspin.store.read`` does not offer (yet).

Small and plain: counts for the front page, the latest documents, titles of
a handful of documents by id, outlet names, a story's label.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from unspin.store.tables import documents, outlets, stories


def totals(conn: Connection) -> dict[str, int]:
    def count(table, *where) -> int:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

    return {
        "documents": count(documents),
        "duplicates": count(documents, documents.c.duplicate_of.is_not(None)),
        "outlets": count(outlets),
        "stories": count(stories, stories.c.size >= 2),
    }


def _brief_columns(*extra):
    """A document's id, title, date and outlet (with its name): what every listing shows."""
    return select(
        documents.c.id,
        documents.c.title,
        documents.c.published,
        documents.c.outlet,
        outlets.c.name.label("outlet_name"),
        *extra,
    ).outerjoin(outlets, outlets.c.domain == documents.c.outlet)


def latest(conn: Connection, limit: int = 20) -> list[dict]:
    rows = conn.execute(
        _brief_columns(documents.c.duplicate_of)
        .order_by(documents.c.published.is_(None), documents.c.published.desc(), documents.c.pk.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def briefs(conn: Connection, ids: list[str]) -> dict[str, dict]:
    """id -> title, date and outlet, for listing related documents."""
    out: dict[str, dict] = {}
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            _brief_columns()
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
