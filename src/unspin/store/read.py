"""Reading the corpus: documents, outlet and entity profiles, stories side by side.

Shared by the web pages, the JSON API and the CLI, so that each view of the
corpus is computed once. Everything returned is plain data (dicts, lists,
Documents); escaping is the renderer's job. Dates are bucketed by month in
Python rather than SQL, so the same code serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter, defaultdict

from sqlalchemy import Connection, func, select, tuple_, union

from unspin.analyze.technique_definitions import DEFINITIONS, DISPLAY_NAMES
from unspin.analyze.voice import voices
from unspin.document import Document
from unspin.store import links
from unspin.store.alone import alone, speaker, speculation_share
from unspin.store.tables import documents, mentions, outlets, stories, technique_counts
from unspin.summary import QUOTED, TECHNIQUE_FLOOR


def _month(day: datetime.date | None) -> str | None:
    return day.strftime("%Y-%m") if day else None


def document(conn: Connection, doc_id: str) -> dict | None:
    """The stored Document with where it sits in the corpus (outlet, story, near-duplicate group)."""
    row = conn.execute(
        select(documents.c.pk, documents.c.document, documents.c.outlet, documents.c.story,
               documents.c.duplicate_of, outlets.c.name.label("outlet_name"))
        .outerjoin(outlets, outlets.c.domain == documents.c.outlet)
        .where(documents.c.id == doc_id)
    ).first()
    if row is None:
        return None
    original = None
    if row.duplicate_of is not None:
        original = conn.execute(select(documents.c.id).where(documents.c.pk == row.duplicate_of)).scalar_one()
    copies = [r.id for r in conn.execute(
        select(documents.c.id).where(documents.c.duplicate_of == row.pk).order_by(documents.c.pk)
    )]
    return {
        "document": Document.loads(row.document),
        "outlet": {"domain": row.outlet, "name": row.outlet_name} if row.outlet else None,
        "story": row.story,
        "duplicate_of": original,
        "duplicates": copies,
    }


def list_outlets(conn: Connection) -> list[dict]:
    rows = conn.execute(
        select(outlets.c.domain, outlets.c.name, func.count(documents.c.pk).label("articles"))
        .outerjoin(documents, documents.c.outlet == outlets.c.domain)
        .group_by(outlets.c.domain, outlets.c.name)
        .order_by(func.count(documents.c.pk).desc(), outlets.c.domain)
    )
    return [{"domain": r.domain, "name": r.name, "articles": r.articles} for r in rows]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _density(spans: int, words: int) -> float | None:
    return round(1000 * spans / words, 3) if words else None


def _mix(counts: Counter, words: int) -> list[dict]:
    return [
        {"technique": t, "name": DISPLAY_NAMES.get(t, t), "definition": DEFINITIONS.get(t, ""), "count": n,
         "density": _density(n, words)}
        for t, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n
    ]


def _own_spans():
    """Per document row: its own-voice technique spans at or above the floor (a correlated subquery)."""
    c = technique_counts.c
    return (
        select(func.coalesce(func.sum(c.own), 0)).where(c.document == documents.c.pk).scalar_subquery()
        .label("own_spans")
    )


def figures(conn: Connection, selected) -> dict:
    """Technique mix and density, speculative share, vague sourcing and appeals over a selection of documents.

    ``selected`` is a SELECT of document keys (an outlet's, an entity's):
    one aggregate over the flat columns and one over technique counts.
    Techniques count the spans at or above ``TECHNIQUE_FLOOR`` in the
    articles' own voice (``technique_spans``, ``techniques``, the density);
    those in words the articles quote are counted apart (``quoted_...``), and
    ``technique_spans_all`` is every span found, at any confidence and voice.
    """
    d = documents.c
    row = conn.execute(
        select(
            func.coalesce(func.sum(d.words), 0).label("words"),
            func.coalesce(func.sum(d.sentences), 0).label("sentences"),
            func.coalesce(func.sum(d.speculative), 0).label("speculative"),
            func.coalesce(func.sum(d.attributions), 0).label("attributions"),
            func.coalesce(func.sum(d.vague_attributions), 0).label("vague"),
            func.coalesce(func.sum(d.technique_spans), 0).label("spans"),
            func.coalesce(func.sum(d.appeals), 0).label("appeals"),
            func.count().filter(d.appeals > 0).label("with_appeals"),
        ).where(d.pk.in_(selected))
    ).one()
    own, quoted = Counter(), Counter()
    c = technique_counts.c
    for r in conn.execute(
        select(c.technique, func.sum(c.own).label("own"), func.sum(c.quoted).label("quoted"))
        .where(c.document.in_(selected))
        .group_by(c.technique)
    ):
        own[r.technique] = int(r.own or 0)
        quoted[r.technique] = int(r.quoted or 0)
    words = int(row.words)
    return {
        "words": words,
        "technique_floor": TECHNIQUE_FLOOR,
        "technique_spans": sum(own.values()),
        "technique_density": _density(sum(own.values()), words),
        "techniques": _mix(own, words),
        "quoted_technique_spans": sum(quoted.values()),
        "quoted_techniques": _mix(quoted, words),
        "technique_spans_all": int(row.spans),
        "speculative_share": _rate(int(row.speculative), int(row.sentences)),
        "vague_sourcing_rate": _rate(int(row.vague), int(row.attributions)),
        "appeals": int(row.appeals),
        "articles_with_appeals": int(row.with_appeals),
    }


def outlet_profile(conn: Connection, domain: str) -> dict | None:
    """Articles, technique mix and density, speculation, vague sourcing and appeals for money, with a monthly series."""
    outlet = conn.execute(select(outlets.c.domain, outlets.c.name).where(outlets.c.domain == domain)).first()
    if outlet is None:
        return None
    rows = conn.execute(
        select(documents.c.id, documents.c.title, documents.c.published, documents.c.words,
               _own_spans(), documents.c.duplicate_of)
        .where(documents.c.outlet == domain)
        .order_by(documents.c.published.desc(), documents.c.pk.desc())
    ).all()
    return {
        "domain": outlet.domain,
        "name": outlet.name,
        "articles": len(rows),
        "near_duplicates": sum(1 for r in rows if r.duplicate_of is not None),
        **figures(conn, select(documents.c.pk).where(documents.c.outlet == domain)),
        "series": _series(rows),
        "recent": [{"id": r.id, "title": r.title, "published": r.published} for r in rows[:50]],
    }


def _series(rows) -> list[dict]:
    """Per month: articles and technique density (own-voice spans at or above the floor per 1,000 words)."""
    months: dict[str, list] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        key = _month(r.published)
        if key:
            m = months[key]
            m[0] += 1
            m[1] += r.own_spans
            m[2] += r.words
    return [{"month": k, "articles": a, "technique_density": _density(s, w)} for k, (a, s, w) in sorted(months.items())]


def list_entities(conn: Connection, label: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """The corpus's entities by canonical name, those named in the most documents first, one page of them.

    Corpus-level links (``store.links``) are shown both ways: under a full name, ``linked`` lists the short
    names linked to it (each with its counts and ``"link": "corpus"``); a short name carries ``linked_to``
    (the full name per type) or, when longer names compete for it, ``ambiguous`` (per type, the names).

    Each carries its mentions and the documents naming it, and its mentions
    per type (spaCy's label: PERSON, ORG, GPE...); ``label`` keeps only the
    mentions of that type (any case), and the counts are then of those.
    ``types`` gives every type in the corpus with its number of entities,
    so a caller learns which values ``label`` can take.
    """
    m = mentions.c
    wanted = label.upper() if label else None
    where = [m.label == wanted] if wanted else []
    named_in = func.count(func.distinct(m.document))
    said = func.sum(m.count)
    total = conn.execute(select(func.count(func.distinct(m.canonical))).where(*where)).scalar_one()
    rows = conn.execute(
        select(m.canonical, said.label("mentions"), named_in.label("documents"))
        .where(*where).group_by(m.canonical)
        .order_by(named_in.desc(), said.desc(), m.canonical)
        .limit(limit).offset(offset)
    ).all()
    by_label: dict[str, dict[str, int]] = defaultdict(dict)
    if rows:
        for r in conn.execute(
            select(m.canonical, m.label, func.sum(m.count).label("n"))
            .where(m.canonical.in_([r.canonical for r in rows]), *where)
            .group_by(m.canonical, m.label)
        ):
            by_label[r.canonical][r.label] = int(r.n)
    types = conn.execute(
        select(m.label, func.count(func.distinct(m.canonical)).label("n")).group_by(m.label)
        .order_by(func.count(func.distinct(m.canonical)).desc(), m.label)
    ).all()
    under, over = links.listing(conn, [r.canonical for r in rows], wanted)
    return {
        "total": int(total),
        "limit": limit,
        "offset": offset,
        "type": wanted,
        "types": [{"type": r.label, "entities": int(r.n)} for r in types],
        "entities": [
            {
                "canonical": r.canonical,
                "mentions": int(r.mentions),
                "documents": int(r.documents),
                "types": dict(sorted(by_label[r.canonical].items(), key=lambda item: (-item[1], item[0]))),
                "linked": under.get(r.canonical, []),
                **over.get(r.canonical, {}),
            }
            for r in rows
        ],
    }


def entity_profile(conn: Connection, canonical: str) -> dict | None:
    """Where a canonical entity is named: mentions per month, by outlet, the entities named beside it, and
    the same figures as an outlet's over the documents that name it.

    Documents that give only a short name linked to this one across the corpus (``store.links``: "Trump"
    for "Donald Trump") are counted with it and listed with ``linked_from`` set to the name they give;
    ``mentions``, ``documents`` and ``labels`` count the documents naming it themselves, ``linked`` the
    linked names (each with its own counts), ``linked_documents`` and ``linked_mentions`` what they add.
    ``link_of`` says what the corpus makes of this name as a short name (linked to a longer one, or
    competed for by several), and ``contested`` lists the short names that could be this one but are not
    linked because another longer name competes for them.
    """
    columns = (mentions.c.document, mentions.c.canonical, mentions.c.label, mentions.c.count, documents.c.id,
               documents.c.title, documents.c.published, documents.c.outlet, documents.c.words, _own_spans())
    order = (documents.c.published.desc(), documents.c.pk.desc())
    rows = conn.execute(
        select(*columns).join(documents, documents.c.pk == mentions.c.document)
        .where(mentions.c.canonical == canonical).order_by(*order)
    ).all()
    if not rows:
        return None
    short = links.linked_into(conn, canonical)
    direct = {r.document for r in rows}
    via = [r for part in _chunks(short) for r in conn.execute(
        select(*columns).join(documents, documents.c.pk == mentions.c.document)
        .where(tuple_(mentions.c.canonical, mentions.c.label).in_(part)).order_by(*order)
    ) if r.document not in direct]
    per_doc: dict[int, object] = {}
    labels = Counter()
    for r in rows:
        per_doc.setdefault(r.document, r)
        labels[r.label] += r.count
    linked_from: dict[int, str] = {}
    by_short: dict[tuple[str, str], list] = defaultdict(lambda: [0, set()])
    for r in via:
        per_doc.setdefault(r.document, r)
        linked_from.setdefault(r.document, r.canonical)
        by_short[(r.canonical, r.label)][0] += r.count
        by_short[(r.canonical, r.label)][1].add(r.document)
    everything = [*rows, *via]
    months: dict[str, list] = defaultdict(lambda: [0, 0, 0])
    for r in everything:
        key = _month(r.published)
        if key:
            months[key][0] += r.count
    for r in per_doc.values():
        key = _month(r.published)
        if key:
            months[key][1] += r.own_spans
            months[key][2] += r.words
    same = {canonical, *(name for name, _ in short)}
    beside = Counter()
    pks = list(per_doc)
    for part in _chunks(pks, 500):
        for r in conn.execute(
            select(mentions.c.canonical, func.count(func.distinct(mentions.c.document)).label("n"))
            .where(mentions.c.document.in_(part), mentions.c.canonical.not_in(same))
            .group_by(mentions.c.canonical)
        ):
            beside[r.canonical] += r.n
    listed = list(per_doc.values())
    if via:  # the linked documents among the others: newest first, undated last
        listed.sort(key=lambda r: (r.published or datetime.date.min, r.document), reverse=True)
        listed.sort(key=lambda r: r.published is None)
    naming = select(mentions.c.document).where(mentions.c.canonical == canonical)
    if short:
        naming = union(naming, select(mentions.c.document).where(tuple_(mentions.c.canonical, mentions.c.label).in_(short)))
        naming = select(naming.subquery().c.document)
    return {
        "canonical": canonical,
        "labels": dict(labels.most_common()),
        "mentions": sum(r.count for r in rows),
        "documents": len(direct),
        "linked": [
            {"canonical": name, "label": label, "mentions": n, "documents": len(docs), "link": "corpus"}
            for (name, label), (n, docs) in sorted(by_short.items())
        ],
        "linked_documents": len(per_doc) - len(direct),
        "linked_mentions": sum(r.count for r in via),
        "link_of": links.link_of(conn, canonical),
        "contested": links.contested(conn, canonical),
        "outlets": dict(Counter(r.outlet for r in per_doc.values() if r.outlet).most_common()),
        "series": [
            {"month": k, "mentions": m, "technique_density": _density(s, w)} for k, (m, s, w) in sorted(months.items())
        ],
        "beside": [{"canonical": k, "documents": n} for k, n in beside.most_common(15)],
        **figures(conn, naming),
        "recent": [{"id": r.id, "title": r.title, "published": r.published, "outlet": r.outlet,
                    "linked_from": linked_from.get(r.document)}
                   for r in listed[:50]],
    }


def _chunks(items: list, size: int = 400):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def list_stories(conn: Connection, limit: int = 100, min_size: int = 2) -> list[dict]:
    rows = conn.execute(
        select(stories).where(stories.c.size >= min_size)
        .order_by(stories.c.size.desc(), stories.c.last_published.desc(), stories.c.pk).limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def story(conn: Connection, pk: int) -> dict | None:
    """One story across outlets: per document, what it alone names and counts, and what it adds in tone.

    "Alone" is relative to the other originals of the story (``alone.py``):
    names no other one mentions, numbers no other one gives, quotes no other
    one carries, each with its spans; technique spans and speculative
    sentences are the document's own, listed whole, with the speculative
    share of its sentences. Technique spans are those at or above
    ``TECHNIQUE_FLOOR``: in the article's own voice (``techniques``), and
    apart, in words it quotes with their speaker (``quoted_techniques``);
    ``techniques_below_floor`` counts the rest.
    """
    head = conn.execute(select(stories).where(stories.c.pk == pk)).first()
    if head is None:
        return None
    rows = conn.execute(
        select(documents.c.id, documents.c.document, documents.c.outlet, documents.c.duplicate_of, documents.c.pk,
               outlets.c.name.label("outlet_name"))
        .outerjoin(outlets, outlets.c.domain == documents.c.outlet)
        .where(documents.c.story == pk)
        .order_by(documents.c.published, documents.c.pk)
    ).all()
    docs = [(r, Document.loads(r.document)) for r in rows]
    originals = [(r, d) for r, d in docs if r.duplicate_of is None]
    columns = []
    for (r, d), own in zip(originals, alone([d for _, d in originals])):
        speculative, sentences = speculation_share(d)
        columns.append({
            "id": r.id,
            "title": d.meta.title,
            "published": d.meta.published,
            "url": d.meta.url,
            "outlet": {"domain": r.outlet, "name": r.outlet_name} if r.outlet else None,
            "words": d.words(),
            "copies": [x.id for x, _ in docs if x.duplicate_of == r.pk],
            "entities": sorted(_names(d)),
            "only_here": [i.text for i in own["names"]],
            "numbers": [i.text for i in own["numbers"]],
            "alone": {kind: [dataclasses.asdict(i) for i in items] for kind, items in own.items()},
            "speculative_sentences": speculative,
            "sentences": sentences,
            **_story_techniques(d),
            "speculation": [d.span_text(s) for s in d.layer("modality") if s.label == "speculative"],
            "sources": _sources(d),
        })
    return {**dict(head._mapping), "technique_floor": TECHNIQUE_FLOOR, "documents": columns}


def _sources(doc: Document) -> list[str]:
    """Who the article credits words to, once each whatever the case; pronouns ("he") left out, since the
    name they stand for is listed where the article gives it; "vague" (an unnamed source) last."""
    seen: dict[str, str] = {}
    for s in doc.layer("attributions"):
        who = speaker(s)
        if who and not who.endswith("(named earlier)"):
            seen.setdefault(who.casefold(), who)
    return sorted(seen.values(), key=lambda who: (who == "vague", who.casefold()))


def _story_techniques(doc: Document) -> dict:
    """A story column's technique spans at or above the floor, the article's own and quoted ones apart."""
    own, quoted, below = [], [], 0
    spans = doc.layer("techniques")
    for s, said in zip(spans, voices(doc, spans)):
        if s.confidence < TECHNIQUE_FLOOR:
            below += 1
            continue
        row = {"technique": s.label, "name": DISPLAY_NAMES.get(s.label, s.label), "confidence": s.confidence,
               "text": doc.span_text(s)}
        if said["voice"] == QUOTED:
            quoted.append({**row, "speaker": said.get("speaker")})
        else:
            own.append(row)
    return {"techniques": own, "quoted_techniques": quoted, "techniques_below_floor": below}


def _names(doc: Document) -> set[str]:
    return {str((s.attrs or {}).get("canonical") or doc.span_text(s)) for s in doc.layer("entities")}
