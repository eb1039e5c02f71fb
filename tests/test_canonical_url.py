"""Where a page came from and the URL it declares: both kept, the first one the document's identity.

A WARC record is fetched from its WARC-Target-URI; its page may declare
another URL for itself (``<link rel=canonical>``, ``og:url``). The crawl
URL is ``meta.url`` and the identity; the declared one is
``meta.canonical_url``. A hostile page declaring another outlet's URL must
not take that outlet's place.
"""

from __future__ import annotations

import io
import json

import jsonschema
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from conftest import EXAMPLES
from unspin.document import json_schema
from unspin.store.db import MIGRATIONS, connect
from unspin.store.tables import documents

PIER = "https://news.example/pier"
CRAWLED = "https://news.example/pier?utm_source=feed"
SPOOF = "https://spoof.example/pier"
RELATIVE = "https://relative.example/harbour/today.html"
PLAIN = "https://plain.example/ferries"
HOSTILE = "https://hostile.example/notice"
JS = "javascript:alert(1)"

BODIES = {
    CRAWLED: ("The harbour authority closed the northern pier on Monday after divers found rotten pilings.",
              "Ferries will dock at the southern quay for eleven weeks while the pilings are replaced."),
    SPOOF: ("A report claimed on Tuesday that the harbour would close for a whole year, citing unnamed officials.",
            "No such decision was taken, and the notice of the authority gives eleven weeks for the repairs."),
    RELATIVE: ("Fishermen moved their boats to the eastern basin on Wednesday before the repairs began.",
               "The basin holds forty boats, and the harbour master said it would stay open all winter."),
    PLAIN: ("The island ferry ran twice a day on Thursday, its timetable cut while the pier is closed.",
            "Passengers were asked to arrive early because the southern quay has a single gangway."),
    HOSTILE: ("A notice posted on Friday said the pier would reopen next week, which the authority denied.",
              "Its spokesman said the divers had not yet finished their survey of the pilings."),
}
DECLARED = {CRAWLED: PIER, SPOOF: PIER, RELATIVE: "/harbour/basin-repairs", PLAIN: None, HOSTILE: JS}
EXPECTED_CANONICAL = {CRAWLED: PIER, SPOOF: PIER, RELATIVE: "https://relative.example/harbour/basin-repairs",
                      PLAIN: None, HOSTILE: JS}


def page(title: str, canonical: str | None, body: tuple[str, ...]) -> bytes:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (f"<html lang='en'><head><title>{title}</title>{link}</head>"
            f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


def write_crawl(path) -> str:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n, (url, body) in enumerate(BODIES.items()):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(page(f"Harbour notice {n}", DECLARED[url], body)),
                http_headers=headers,
            ))
    return str(path)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> str:
    return write_crawl(tmp_path_factory.mktemp("crawl") / "harbour.warc.gz")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_db")


def test_analyze_keeps_the_crawl_url_and_the_declared_one(cli, crawl):
    done = cli("analyze", "--no-progress", "--jobs", "1", "--format", "json", crawl, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    docs = json.loads(done.stdout)
    validator = jsonschema.Draft202012Validator(json_schema())
    for doc in docs:
        validator.validate(doc)
    assert [d["meta"]["url"] for d in docs] == list(BODIES)  # every crawl URL, none replaced by a claim
    assert [d["meta"]["canonical_url"] for d in docs] == [EXPECTED_CANONICAL[u] for u in BODIES]
    assert len({d["id"] for d in docs}) == len(BODIES)  # the page claiming news.example's URL is its own document

    # a saved page has no URL of its own: the one it declares stands in, and is shown as declared
    saved = json.loads(cli("analyze", "--no-progress", "--jobs", "1", "--format", "json",
                           str(EXAMPLES / "harbour-strike.html"), timeout=600).stdout)
    assert saved["meta"]["url"] == saved["meta"]["canonical_url"] == \
        "https://quayside.example/2026/11/15/port-strike-baltic"


def test_ingest_stores_both_the_crawl_url_is_the_identity_and_the_article_page_shows_both(cli, crawl, db_url):
    from unspin.web.app import create_app

    first = cli("ingest", "--no-progress", "--jobs", "1", crawl, "--db", db_url, timeout=600)
    assert first.returncode == 0, first.stderr.decode()
    assert f"stored {len(BODIES)} new document(s)" in first.stderr.decode()
    again = cli("ingest", "--no-progress", "--jobs", "1", crawl, "--db", db_url, timeout=600)
    assert f"stored 0 new document(s)" in again.stderr.decode()
    assert f"{len(BODIES)} already stored" in again.stderr.decode()

    engine = connect(db_url, migrate=False)
    try:
        with engine.connect() as conn:
            rows = {r.url: r for r in conn.execute(
                select(documents.c.id, documents.c.url, documents.c.canonical_url, documents.c.outlet))}
    finally:
        engine.dispose()
    assert set(rows) == set(BODIES)
    assert {u: r.canonical_url for u, r in rows.items()} == EXPECTED_CANONICAL
    # the outlet is where the page was fetched, not the outlet it claims to be
    assert rows[SPOOF].outlet == "spoof.example" and rows[CRAWLED].outlet == "news.example"

    with TestClient(create_app(db_url)) as client:
        spoof = client.get(f"/article/{rows[SPOOF].id}").text
        assert f'href="{SPOOF}"' in spoof and f'href="{PIER}"' in spoof
        assert "declared by the page" in spoof
        hostile = client.get(f"/article/{rows[HOSTILE].id}").text
        assert 'href="javascript:' not in hostile and "(not a web link)" in hostile
        assert JS in hostile  # shown as text, escaped
        plain = client.get(f"/article/{rows[PLAIN].id}").text
        assert f'href="{PLAIN}"' in plain and "declared by the page" not in plain
        api = client.get(f"/api/documents/{rows[RELATIVE].id}").json()
        assert api["meta"]["url"] == RELATIVE and api["meta"]["canonical_url"] == EXPECTED_CANONICAL[RELATIVE]


def _migrate(engine, to: str, up: bool) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.upgrade if up else command.downgrade)(config, to)


def test_0005_adds_canonical_url_and_keeps_what_was_stored(db_url):
    from unspin.ingest import read_inputs
    from unspin.store.corpus import write_batch

    (doc,) = read_inputs([str(EXAMPLES / "harbour-strike.html")])
    engine = connect(db_url)
    try:
        _migrate(engine, "0004", up=False)
        with engine.connect() as conn:
            assert "canonical_url" not in {c["name"] for c in inspect(conn).get_columns("documents")}
        with engine.begin() as conn:  # a document stored by the release before: url only
            conn.exec_driver_sql(
                "INSERT INTO documents (id, url, title, text, document, source_name, content_sha256, words, "
                "sentences, speculative, attributions, vague_attributions, technique_spans, appeals, ingested_at) "
                "VALUES ('old', 'https://old.example/a', 'Old', 'Old text.', '{}', 'old.html', 'x', 2, 1, 0, 0, 0, "
                "0, 0, CURRENT_TIMESTAMP)"
            )
        _migrate(engine, "head", up=True)  # as the next unspin ingest does
        write_batch(engine, [doc])
        with engine.connect() as conn:
            got = {r.id: (r.url, r.canonical_url) for r in conn.execute(
                select(documents.c.id, documents.c.url, documents.c.canonical_url))}
        assert got["old"] == ("https://old.example/a", None)
        assert got[doc.id] == (doc.meta.url, doc.meta.canonical_url) and doc.meta.canonical_url
    finally:
        engine.dispose()
