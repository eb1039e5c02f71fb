"""Full-text search over the corpus, ranked, with filters and facets, the same on SQLite and PostgreSQL.

The query is parsed once (``store.query``); the text part goes to the
engine's own index (FTS5 with bm25 on SQLite, a weighted tsvector with
``ts_rank_cd`` on PostgreSQL; titles weigh more than body text on both) and
the filters become ordinary SQL on the flat columns and side tables. Scores
are reported so that higher is better on both engines, but they are on
different scales: compare ranks, not scores, across engines.

Snippets mark matched words with MARK_START/MARK_END, two control
characters that cannot occur in stored text (the readers drop them), so a
renderer escapes the snippet first and turns the marks into tags after.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, func, inspect, literal_column, not_, or_, select, text, union_all
from sqlalchemy.sql import ColumnElement, Select

from unspin.analyze.technique_definitions import DISPLAY_NAMES
from unspin.eval.techniques import TECHNIQUES
from unspin.store.query import Filter, QueryError, parse, to_fts5, to_tsquery
from unspin.store import links
from unspin.store.tables import documents, entity_links, mentions, outlets, technique_counts
from unspin.summary import TECHNIQUE_FLOOR

MARK_START, MARK_END = "\x02", "\x03"
#: Relative weight of a match in the title against one in the body (bm25 column weights; tsvector A vs B).
TITLE_WEIGHT = 5.0
FACET_SIZE = 12
SNIPPET_WORDS = 24


@dataclass(frozen=True)
class Hit:
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    outlet_name: str | None
    published: datetime.date | None
    language: str | None
    snippet: str
    rank: float
    #: for each entity: filter this document matches only through a corpus-level link (``store.links``):
    #: {"filter": the value, "says": the name the document gives, "short": ..., "full": ..., "label": ...}
    links: tuple[dict, ...] = ()


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _words(value: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", value.casefold())


def techniques_named(value: str) -> list[str]:
    """The labels a ``technique:`` value means: the start of the label or display name, or of any word in them.

    ``loaded``, ``Loaded_Language``, ``fear`` and ``straw men`` all work, so
    that users need not remember the task's spelling of the labels.
    """
    wanted = "".join(_words(value))
    if not wanted:
        raise QueryError(f"technique:{value} names no technique")
    found = []
    for label in TECHNIQUES:
        for name in (label, DISPLAY_NAMES.get(label, label)):
            parts = _words(name)
            if any("".join(parts[i:]).startswith(wanted) for i in range(len(parts))):
                found.append(label)
                break
    if not found:
        known = ", ".join(sorted({"_".join(_words(t.split(",")[0])) for t in TECHNIQUES}))
        raise QueryError(f"technique:{value} is not a technique (try one of: {known})")
    return found


def outlet_named(value: str) -> ColumnElement[bool]:
    """Which outlets an ``outlet:`` value means, case-insensitively: the host itself (``rt.com``,
    ``www.rt.com``), the host's first labels (``rt`` for rt.com, ``bbc`` for bbc.co.uk), or the
    site's name (``"The Quayside Ledger"``). Researchers type an outlet the way they say it."""
    host = value.casefold().strip().removeprefix("www.").rstrip(".")
    escaped = host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    domain = func.lower(outlets.c.domain)
    return or_(
        domain == host,
        domain.like(escaped + ".%", escape="\\"),
        func.lower(outlets.c.name) == value.lower(),
        outlets.c.name == value,  # SQLite's lower() folds ASCII only: the exact spelling is tried too
    )


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def filter_clause(f: Filter, linked: bool = True) -> ColumnElement[bool]:
    """One filter as an indexable condition on ``documents``; negation keeps documents that lack the field.

    ``entity:`` follows corpus-level links (``store.links``) unless ``linked`` is false (a store from before
    migration 0007, read without migrating it, has none)."""
    value = f.value.strip()
    d = documents.c
    if f.name == "outlet":
        named = select(outlets.c.domain).where(outlet_named(value))
        return or_(d.outlet.is_(None), d.outlet.not_in(named)) if f.negated else d.outlet.in_(named)
    if f.name == "entity" and linked:
        clause = links.entity_filter(value)
    elif f.name == "entity":
        # SQLite's lower() folds ASCII only, so the exact spelling is tried as well
        named = select(mentions.c.document).where(
            or_(func.lower(mentions.c.canonical) == value.lower(), mentions.c.canonical == value)
        )
        clause = d.pk.in_(named)
    elif f.name == "technique":
        # as in the profiles, a span counts at or above the floor (in any voice: a quoted one is found too)
        clause = d.pk.in_(select(technique_counts.c.document).where(
            technique_counts.c.technique.in_(techniques_named(value)),
            technique_counts.c.max_confidence >= TECHNIQUE_FLOOR,
        ))
    elif f.name == "language":
        return or_(d.language.is_(None), d.language != value.casefold()) if f.negated else d.language == value.casefold()
    elif f.name == "after":
        clause = and_(d.published.is_not(None), d.published >= _date(value))
    elif f.name == "before":
        clause = and_(d.published.is_not(None), d.published <= _date(value))
    else:  # the parser only makes the names above
        raise QueryError(f"unknown filter {f.name}:")
    return not_(clause) if f.negated else clause


def _month(conn: Connection):
    if conn.dialect.name == "postgresql":
        return func.to_char(documents.c.published, "YYYY-MM")
    return func.substr(documents.c.published, 1, 7)


def _has_links(conn: Connection) -> bool:
    return inspect(conn).has_table(entity_links.name)


def _matching(conn: Connection, query_text, filters) -> tuple[Select, ColumnElement | None, ColumnElement | None]:
    """(selection of matching documents, rank expression, FTS table clause) for the engine at hand."""
    linked = any(f.name == "entity" for f in filters) and _has_links(conn)
    conditions = [filter_clause(f, linked) for f in filters]
    base = select(documents.c.pk).select_from(documents)
    if query_text is None:
        return base.where(*conditions), None, None
    if conn.dialect.name == "postgresql":
        tsq = func.to_tsquery(literal_column("'unspin'"), to_tsquery(query_text))
        weights = literal_column(f"'{{0.1, 0.2, {0.2 * TITLE_WEIGHT:.1f}, 1.0}}'::float4[]")
        rank = func.ts_rank_cd(weights, literal_column("documents.tsv"), tsq)
        return base.where(literal_column("documents.tsv").op("@@")(tsq), *conditions), rank, tsq
    fts = text("documents_fts")
    match = to_fts5(query_text)
    rank = -func.bm25(literal_column("documents_fts"), TITLE_WEIGHT, 1.0)
    selection = (
        select(documents.c.pk)
        .select_from(fts)
        .join(documents, documents.c.pk == literal_column("documents_fts.rowid"))
        .where(literal_column("documents_fts").op("MATCH")(match), *conditions)
    )
    return selection, rank, match


#: How results can be ordered: by relevance (filter-only queries, having none, by date), or newest first.
SORTS = ("rank", "date")


def _by_date():
    """Newest first, undated last; ties by storage order, newest first."""
    return (documents.c.published.is_(None), documents.c.published.desc(), documents.c.pk.desc())


def search(conn: Connection, query: str, limit: int = 20, offset: int = 0, facets: bool = True,
           sort: str = "rank") -> Results:
    """Documents matching ``query`` (see ``store.query`` for the syntax), by rank or by date (``SORTS``);
    QueryError when the query is unusable."""
    if sort not in SORTS:
        raise QueryError(f"cannot sort by {sort!r} (use one of: {', '.join(SORTS)})")
    parsed = parse(query)
    selection, rank, engine_query = _matching(conn, parsed.text, parsed.filters)
    total = conn.execute(select(func.count()).select_from(selection.subquery())).scalar_one()
    columns = [documents.c.pk, documents.c.id, documents.c.title, documents.c.url, documents.c.outlet,
               outlets.c.name.label("outlet_name"), documents.c.published, documents.c.language]
    page = selection.with_only_columns(*columns, (rank if rank is not None else literal_column("0.0")).label("rank"))
    page = page.outerjoin(outlets, outlets.c.domain == documents.c.outlet)
    if rank is not None and sort == "rank":
        page = page.order_by(literal_column("rank").desc(), documents.c.pk)
    else:
        page = page.order_by(*_by_date())
    rows = conn.execute(page.limit(limit).offset(offset)).all()
    snippets = _snippets(conn, [r.pk for r in rows], engine_query if parsed.text is not None else None)
    through = _through_links(conn, [r.pk for r in rows], parsed.filters)
    hits = [
        Hit(r.id, r.title, r.url, r.outlet, r.outlet_name, _as_date(r.published), r.language,
            snippets.get(r.pk, ""), float(r.rank), tuple(through.get(r.pk, ())))
        for r in rows
    ]
    return Results(query, total, hits, _facets(conn, selection) if facets else {})


def _through_links(conn: Connection, pks: list[int], filters) -> dict[int, list[dict]]:
    """Per document of the page, the entity: filters it matched only through a corpus-level link, and how."""
    wanted = [f for f in filters if f.name == "entity" and not f.negated]
    out: dict[int, list[dict]] = {}
    if not wanted or not pks or not _has_links(conn):
        return out
    for f in wanted:
        for pk, how in links.matched_through(conn, pks, f.value.strip()).items():
            out.setdefault(pk, []).append({"filter": f.value.strip(), **how})
    return out


def ranked_pks(conn: Connection, query: str) -> Iterator[int]:
    """Every matching document's key in the order ``search`` ranks them, streamed (for exports of any size).

    The query is parsed before this returns, so a bad one raises QueryError
    here rather than in the middle of a stream.
    """
    parsed = parse(query)
    selection, rank, _ = _matching(conn, parsed.text, parsed.filters)
    if rank is not None:
        ordered = selection.order_by(rank.desc(), documents.c.pk)
    else:
        ordered = selection.order_by(documents.c.published.is_(None), documents.c.published.desc(), documents.c.pk.desc())

    def stream() -> Iterator[int]:
        for row in conn.execution_options(yield_per=1000).execute(ordered):
            yield row.pk

    return stream()


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _snippets(conn: Connection, pks: list[int], engine_query) -> dict[int, str]:
    """Passages around the matches for the documents of one page (only those: headlines cost)."""
    if not pks:
        return {}
    if engine_query is None:
        rows = conn.execute(select(documents.c.pk, func.substr(documents.c.text, 1, 240).label("s"))
                            .where(documents.c.pk.in_(pks)))
        return {r.pk: r.s + ("…" if len(r.s) == 240 else "") for r in rows}
    if conn.dialect.name == "postgresql":
        options = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS + 11}, "
                   f"MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=\" … \"")
        headline = func.ts_headline(literal_column("'unspin'"), documents.c.text, engine_query, options)
        rows = conn.execute(select(documents.c.pk, headline.label("s")).where(documents.c.pk.in_(pks)))
        return {r.pk: r.s for r in rows}
    marks = ", ".join(["?"] * len(pks))
    rows = conn.exec_driver_sql(
        "SELECT rowid, snippet(documents_fts, 1, ?, ?, '…', ?) FROM documents_fts "
        f"WHERE documents_fts MATCH ? AND rowid IN ({marks})",
        (MARK_START, MARK_END, SNIPPET_WORDS, engine_query, *pks),
    ).all()
    return {pk: s for pk, s in rows}


def _facets(conn: Connection, selection: Select) -> dict[str, list[tuple[str, int]]]:
    """Counts over all matches (not just the page): outlets, entities, techniques, months, languages.

    One statement: the matches are a CTE that both engines materialise once
    (it is used five times), so the full-text match runs once, not per facet.
    """
    matched = selection.cte("matched")
    n = func.count().label("n")
    month = _month(conn)

    def facet(name: str, column, table, key, order, limit: int | None = FACET_SIZE, joined=None):
        # matched LEFT JOIN table, with the NULL test in HAVING: the matches drive the join. With an inner
        # join (or the test in WHERE, which SQLite turns into one) SQLite scans the whole table by its
        # group-by index and probes the matches: as slow for 10 matches as for all of them. A condition
        # on the joined rows (``joined``) goes in the ON clause for the same reason.
        on = key == matched.c.pk if joined is None else and_(key == matched.c.pk, joined)
        query = (
            select(literal_column(f"'{name}'").label("facet"), column.label("v"), n)
            .select_from(matched.outerjoin(table, on))
            .group_by(column).having(column.is_not(None)).order_by(*order)
        )
        return select((query.limit(limit) if limit else query).subquery())

    docs = documents.c
    parts = [
        facet("outlet", docs.outlet, documents, docs.pk, (n.desc(), docs.outlet)),
        facet("entity", mentions.c.canonical, mentions, mentions.c.document, (n.desc(), mentions.c.canonical)),
        facet("technique", technique_counts.c.technique, technique_counts, technique_counts.c.document,
              (n.desc(), technique_counts.c.technique), None, technique_counts.c.max_confidence >= TECHNIQUE_FLOOR),
        facet("month", month, documents, docs.pk, (month.desc(),), 24),
        facet("language", docs.language, documents, docs.pk, (n.desc(), docs.language), None),
    ]
    out: dict[str, list[tuple[str, int]]] = {name: [] for name in ("outlet", "entity", "technique", "month", "language")}
    for row in conn.execute(union_all(*parts)):
        out[row.facet].append((str(row.v), int(row.n)))
    for name in ("outlet", "entity", "technique", "language"):  # a union keeps no order
        out[name].sort(key=lambda item: (-item[1], item[0]))
    out["month"].sort(reverse=True)
    return out
