"""`unspin delete` on real SQLite and PostgreSQL: after a delete, every derived table is what a store
built without the deleted documents holds.

Each case ingests the same `unspin/1` documents (hand-made, invented text) with the real command,
deletes some by id, query or source, then ingests only the others into a second store in the same
order, and compares the two: documents and their flat columns, near-duplicate groups, stories with
their labels, sizes and dates, outlets and their names, entity and technique counts, signatures (MinHash,
the embedding and figures stories are grouped by) and LSH bands, and what search and its facets answer.
"""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import select, text
from test_store import STRIKE, corpus, make

from unspin.document import Document, Source
from unspin.store.db import connect
from unspin.store.search import search
from unspin.store.tables import (
    documents, entity_links, lsh_bands, mentions, outlets, signatures, stories, technique_counts,
)

SECOND_WIRE = "KESSMOUTH (Agency) - " + STRIKE.replace("on Monday", "on Monday morning") + " Agency staff."


def docs() -> list[Document]:
    """The test store's documents in ingest order, each read from a file under ``pages/OUTLET/``."""
    found = [*corpus(), make(SECOND_WIRE, "https://agency.example/strike", "Port Arlen dockers out", "2026-03-02",
                             [("Port Arlen", "Port Arlen", "GPE"), ("Ada Brennick", "Ada Brennick", "PERSON")])]
    out = []
    for doc in found:
        host = doc.meta.url.split("/")[2].removeprefix("www.")
        name = f"pages/{host.split('.')[0]}/{doc.meta.url.rsplit('/', 1)[1]}.html"
        out.append(Document(doc.text, doc.meta, dataclasses.replace(doc.source, name=name), layers=doc.layers))
    return out


def by_url(url: str) -> Document:
    return next(d for d in docs() if d.meta.url == url)


LEDGER = "https://www.ledger.example/strike"
BAKERY = "https://courier.example/bakery"


def write_jsonl(path, chosen: list[Document]):
    path.write_text("".join(d.dumps() + "\n" for d in chosen), encoding="utf-8")
    return path


def build(cli, url: str, path) -> None:
    done = cli("ingest", "--no-progress", "--db", url, str(path))
    assert done.returncode == 0, done.stderr.decode()


QUERIES = ["strike", "Kessmouth", "technique:loaded", "outlet:courier.example", "bread OR dockers", "entity:Kessmouth"]


def snapshot(url: str) -> dict:
    """The store by document id (keys differ between stores; what they key must not)."""
    engine = connect(url, migrate=False)
    try:
        with engine.connect() as conn:
            d = documents.c
            rows = conn.execute(select(documents)).all()
            id_of = {r.pk: r.id for r in rows}
            members: dict[int, set[str]] = {}
            for r in rows:
                members.setdefault(r.story, set()).add(r.id)
            assert None not in members  # every document has a story
            flat = {
                r.id: (r.url, r.outlet, r.title, str(r.published), r.language, r.content_sha256, r.words, r.sentences,
                       r.speculative, r.attributions, r.vague_attributions, r.technique_spans, r.appeals,
                       id_of.get(r.duplicate_of), r.document, r.source_name, r.text)
                for r in rows
            }
            story_rows = conn.execute(select(stories)).all()
            assert {s.pk for s in story_rows} == set(members)  # no empty story left, none missing
            search_answers = {}
            for q in QUERIES:
                found = search(conn, q, limit=50, facets=True)
                search_answers[q] = (found.total, [h.id for h in found.hits], found.facets)
            if conn.dialect.name == "sqlite":
                conn.execute(text("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')"))
            return {
                "documents": flat,
                "stories": sorted(
                    (s.label, str(s.first_published), str(s.last_published), s.size, sorted(members[s.pk]))
                    for s in story_rows
                ),
                "outlets": sorted(tuple(r) for r in conn.execute(select(outlets.c.domain, outlets.c.name))),
                "mentions": sorted((id_of[r.document], r.canonical, r.label, r.count)
                                   for r in conn.execute(select(mentions))),
                "techniques": sorted((id_of[r.document], r.technique, r.count, r.max_confidence, r.own, r.quoted)
                                     for r in conn.execute(select(technique_counts))),
                "signatures": sorted((id_of[r.document], bytes(r.shingles), bytes(r.vocabulary), bytes(r.embedding),
                                      r.figures) for r in conn.execute(select(signatures))),
                "bands": sorted((id_of[r.document], r.band, r.key) for r in conn.execute(select(lsh_bands))),
                "links": sorted((r.canonical, r.label, r.linked_to, str(r.competing))
                                for r in conn.execute(select(entity_links))),
                "search": search_answers,
                "orphans": conn.execute(text(
                    "SELECT count(*) FROM documents d WHERE d.duplicate_of IS NOT NULL "
                    "AND NOT EXISTS (SELECT 1 FROM documents o WHERE o.pk = d.duplicate_of)"
                )).scalar_one(),
            }
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request, tmp_path):
    """Two empty stores on one engine: the one to delete from and the one built without the deleted."""
    if request.param == "sqlite":
        yield str(tmp_path / "full.db"), str(tmp_path / "fresh.db")
        return
    server = request.getfixturevalue("postgres_server")
    names = [f"unspin_test_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    yield tuple(server.create_database(name) for name in names)
    for name in names:
        server.drop_database(name)


CASES = {
    # the first document: founder of a story and original of two wire copies; the outlet's name came from it
    "first-by-id": (lambda: ["--id", by_url(LEDGER).id], {LEDGER}),
    # two documents of one outlet by query, one of them in the big story
    "outlet-by-query": (lambda: ["--query", "outlet:courier.example"],
                        {"https://courier.example/strike-day-two", BAKERY}),
    # by a source glob and by a folder, with an id besides
    "sources-and-id": (lambda: ["--source", "pages/gazette/*", "--source", "pages/agency", "--id", by_url(BAKERY).id],
                       {"https://gazette.example/wire", "https://agency.example/strike", BAKERY}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_delete_leaves_the_store_a_build_without_them_makes(case, stores, tmp_path, cli):
    args, removed = CASES[case]
    every = docs()
    full, fresh = stores
    build(cli, full, write_jsonl(tmp_path / "all.jsonl", every))
    before = snapshot(full)
    gone = [d for d in every if d.meta.url in removed]
    assert len(gone) == len(removed)

    dry = cli("delete", *args(), "--dry-run", "--db", full)
    assert dry.returncode == 0, dry.stderr.decode()
    assert sorted(dry.stdout.decode().split()) == sorted(d.id for d in gone)
    assert f"would delete {len(gone)} document(s)" in dry.stderr.decode()
    assert snapshot(full) == before

    done = cli("delete", *args(), "--db", full)
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(done.stdout.decode().split()) == sorted(d.id for d in gone)
    assert f"deleted {len(gone)} document(s)" in done.stderr.decode()

    build(cli, fresh, write_jsonl(tmp_path / "kept.jsonl", [d for d in every if d.meta.url not in removed]))
    after, expected = snapshot(full), snapshot(fresh)
    assert after["orphans"] == 0
    for key in expected:
        assert after[key] == expected[key], key
    assert after != before

    # the count it prints: the later documents whose group changed (story keys may be new; companions count)
    gone_ids = {d.id for d in gone}
    first = min(i for i, d in enumerate(every) if d.id in gone_ids)
    later = [d.id for d in every[first + 1 :] if d.id not in gone_ids]
    was, now = groups(before), groups(after)
    changed = sum(was[i][0] != now[i][0] or was[i][1] - gone_ids != now[i][1] for i in later)
    assert f"{len(later)} stored after them were grouped again ({changed} changed" in done.stderr.decode()


def groups(snap: dict) -> dict[str, tuple]:
    """Each document's original (if a near-duplicate) and its story companions, by id."""
    companions = {}
    for *_, members in snap["stories"]:
        for m in members:
            companions[m] = set(members) - {m}
    return {i: (row[13], companions[i]) for i, row in snap["documents"].items()}


def test_the_groups_that_a_delete_changes(tmp_path, cli):
    # the plain facts behind the comparison above, for the first case on SQLite
    db = str(tmp_path / "c.db")
    build(cli, db, write_jsonl(tmp_path / "all.jsonl", docs()))
    ids = {d.meta.url: d.id for d in docs()}
    assert cli("delete", "--id", ids[LEDGER], "--db", db).returncode == 0
    snap = snapshot(db)
    flat = snap["documents"]
    assert flat[ids["https://gazette.example/wire"]][13] is None  # the first wire copy is now the original
    assert flat[ids["https://agency.example/strike"]][13] == ids["https://gazette.example/wire"]
    assert ("ledger.example", "ledger.example") in snap["outlets"]  # named by its remaining page, which gives no name
    assert snap["search"]["technique:loaded"][0] == 0


def test_what_matches_nothing_is_an_error_and_the_rest_is_deleted(tmp_path, cli):
    db = str(tmp_path / "c.db")
    build(cli, db, write_jsonl(tmp_path / "all.jsonl", docs()))
    bakery = by_url(BAKERY).id
    done = cli("delete", "--id", bakery, "--id", "000000000000000000000000", "--source", "nowhere/*", "--db", db)
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1
    assert "unspin: error: 000000000000000000000000: no such document in the corpus" in lines
    assert "unspin: error: nowhere/*: no stored document was read from it" in lines
    assert done.stdout.decode().split() == [bakery] and "deleted 1 document(s)" in lines[-1]
    for args, message in [((), "say what to delete"), (("--query", "(strike"), "bad query: unclosed '('")]:
        bad = cli("delete", *args, "--db", db)
        assert bad.returncode == 2 and message in bad.stderr.decode()
        assert len(bad.stderr.decode().strip().splitlines()) == 1
    missing = cli("delete", "--id", bakery, "--db", str(tmp_path / "absent.db"))
    assert missing.returncode == 2 and not (tmp_path / "absent.db").exists()
