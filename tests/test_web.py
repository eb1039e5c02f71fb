"""The web app over a real store built by the real ingest: routes, API shapes, exports, escaping, read-only.

Requests go through FastAPI's TestClient (the app in-process, over httpx);
tests/test_web_browser.py drives the same app in Chromium through a real server.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import services
from conftest import EXAMPLES, ROOT
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from test_web_corpus import (
    FERRY,
    HOSTILE_SITE,
    HOSTILE_TITLE,
    HOSTILE_URL,
    IMG,
    JS_URL,
    QUAYSIDE,
    REPRINT,
    SCRIPT,
    hostile_page,
    ids_by_url,
    shared_corpus,
)

from unspin.document import Document
from unspin.report.html import COLOURS
from unspin.store.db import StoreError
from unspin.store.search import MARK_END, MARK_START
from unspin.summary import TECHNIQUE_FLOOR
from unspin.web import app as web_app
from unspin.web import export, views
from unspin.web.app import CSP, create_app


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return shared_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def ids(db) -> dict:
    return ids_by_url(db)


@pytest.fixture(scope="module")
def app(db):
    return create_app(db)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


def _story_of(db: str, url: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT story FROM documents WHERE url = ?", (url,)).fetchone()[0]


def _page_urls(ids: dict, db: str) -> list[str]:
    return [
        "/",
        "/?q=strike",
        "/?q=strike+outlet%3Aquayside.example",
        "/outlets",
        "/stories",
        "/stories?show=all",
        f"/story/{_story_of(db, QUAYSIDE)}",
        "/outlet/quayside.example",
        "/outlet/evil.example",
        f"/entity/{quote('Marta Kowalczyk')}",
        f"/entity/{quote('Gdańsk')}",
        "/docs",
        *(f"/article/{doc_id}" for doc_id in ids.values()),
    ]


# --- routes ----------------------------------------------------------------------------------------


def test_every_page_answers_with_html_and_the_security_headers(client, ids, db):
    for url in _page_urls(ids, db):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html"), url
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "<nav" in r.text and 'href="/stories"' in r.text and 'href="/outlets"' in r.text


def test_the_csp_allows_no_script_and_no_inline_style():
    rules = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert rules["default-src"] == "'none'"
    assert rules["script-src"] in ("'none'", "'self'")
    assert rules["style-src"] == "'self'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert rules["frame-ancestors"] == "'none'" and rules["base-uri"] == "'none'"


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer would read them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def test_pages_carry_no_script_and_no_inline_style(client, ids, db):
    for url in _page_urls(ids, db):
        tags = _Tags(client.get(url).text).tags
        assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed", "img", "base")], url
        for tag, attrs in tags:
            assert "style" not in attrs and not any(a.startswith("on") for a in attrs), (url, tag, attrs)
            for name in ("href", "src", "action"):
                if name in attrs:
                    target = attrs[name].strip().lower()
                    assert target.startswith(("/", "http://", "https://")), (url, tag, attrs)


def test_api_static_and_errors_carry_the_headers_too(client, ids):
    for url in [
        "/api/outlets",
        f"/api/documents/{ids[FERRY]}",
        "/static/app.css",
        "/api/export.csv",
        "/nowhere",
        "/api/documents/nope",
        "/openapi.json",
    ]:
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff", url


@pytest.mark.parametrize(
    "url",
    [
        "/article/0000",
        "/outlet/nowhere.example",
        "/entity/Nobody%20At%20All",
        "/story/999999",
        "/nowhere",
    ],
)
def test_unknown_pages_are_404_pages(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Not found" in r.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/documents/0000",
        "/api/outlets/nowhere.example",
        "/api/entities/Nobody",
        "/api/stories/999999",
        "/api/nope",
    ],
)
def test_unknown_api_objects_are_404_json(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "detail" in r.json()


def test_a_bad_parameter_is_a_400_page_and_a_422_in_the_api(client):
    assert client.get("/?q=strike&page=zero").status_code == 400
    assert client.get("/api/search?q=strike&limit=0").status_code == 422
    assert client.get("/api/search?q=strike&limit=1000").status_code == 422


# --- search ----------------------------------------------------------------------------------------


def test_search_page_shows_marked_snippets_and_facets_that_refine_the_query(client):
    r = client.get("/?q=strike")
    assert r.template.name == "search.html"
    results = r.context["results"]
    assert results.total >= 4
    assert '<mark class="hit">strike</mark>' in r.text.lower()
    facets = {key: rows for _, key, rows in r.context["facets"]}
    outlets = {value: link for value, _, link in facets["outlet"]}
    assert outlets["quayside.example"] == "strike outlet:quayside.example"
    assert "/?q=strike+outlet%3Aquayside.example" in r.text
    entities = {value: link for value, _, link in facets["entity"]}
    assert entities["Marta Kowalczyk"] == 'strike entity:"Marta Kowalczyk"'
    months = {value: link for value, _, link in facets["month"]}
    assert months["2026-11"] == "strike after:2026-11-01 before:2026-11-30"
    refined = client.get("/", params={"q": months["2026-11"]})
    assert 0 < refined.context["results"].total < results.total
    assert "Search syntax" in r.text and "entity:" in r.text


def test_search_pages_through_the_results(client, monkeypatch):
    monkeypatch.setattr(web_app, "PAGE_SIZE", 2)
    first = client.get("/?q=port")
    total = first.context["results"].total
    assert total > 2 and first.context["pages"] == math.ceil(total / 2)
    assert 'href="/?q=port&amp;page=2"' in first.text
    second = client.get("/?q=port&page=2")
    assert {h.id for h in first.context["results"].hits}.isdisjoint(
        h.id for h in second.context["results"].hits
    )
    assert 'rel="prev"' in second.text


def test_a_bad_query_is_one_line_shown_escaped(client):
    r = client.get("/", params={"q": '"<b>unclosed'})
    assert r.status_code == 400
    assert "unclosed quote" in r.context["error"] and "\n" not in r.context["error"]
    assert "&lt;b&gt;unclosed" in r.text and "<b>unclosed" not in r.text


def test_the_front_page_without_a_query_summarises_the_corpus(client):
    r = client.get("/")
    assert r.context["totals"]["documents"] == 7
    assert len(r.context["latest"]) == 7


# --- article ---------------------------------------------------------------------------------------


def test_article_page_highlights_every_layer_with_tooltips(client, ids):
    r = client.get(f"/article/{ids[FERRY]}")
    assert r.template.name == "article.html"
    html = r.text
    for key in ("techniques", "entities", "quantities", "dates", "speculative"):
        assert f'id="tg-{key}"' in html and f'for="tg-{key}"' in html, key
        assert f"l-{key}" in html, key
    assert 'class="tg tg-techniques" id="tg-techniques" checked' in html
    assert "b1-loaded-language" in html
    # a technique's tooltip: name, confidence, definition, cues
    assert re.search(
        r'title="[^"]*Loaded language \(0\.\d\d\): Words chosen for their emotional charge[^"]*Cues: ', html
    )
    assert re.search(r'title="[^"]*number: count 2100000 \(approximate\)[^"]*Cue: spaCy', html)


def test_article_page_side_panels(client, ids):
    r = client.get(f"/article/{ids[None]}")  # the text scrape: furniture, vague sources, events
    ctx = r.context
    assert {e["canonical"] for e in ctx["entities"]} >= {"Gdańsk", "Marta Kowalczyk"}
    assert ctx["events"] and all({"label", "trigger", "actor", "target"} <= set(e) for e in ctx["events"])
    assert any(a["vague"] for a in ctx["attributions"])
    kinds = {f["kind"] for f in ctx["furniture"]}
    assert {"fundraising", "call_to_action"} <= kinds
    html = r.text
    assert "Removed from the page" in html and "fundraising" in html
    assert f'href="/api/documents/{ids[None]}"' in html
    assert ctx["doc"].source.sha256 in html and "harbour-strike.txt" in html
    assert 'href="/entity/Marta%20Kowalczyk"' in html


def test_article_links_its_original_only_when_it_is_a_web_url(client, ids):
    html = client.get(f"/article/{ids[FERRY]}").text
    assert f'<a href="{FERRY}" rel="noopener noreferrer nofollow"' in html
    hostile = client.get(f"/article/{ids[JS_URL]}").text
    assert "javascript:alert(1)" in hostile  # shown, as text
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", hostile, re.I)
    assert "not a web link" in hostile


def test_near_duplicate_group_and_story_are_linked_both_ways(client, ids, db):
    copy = client.get(f"/article/{ids[REPRINT]}").text
    assert f'href="/article/{ids[QUAYSIDE]}"' in copy and "Near-duplicate of" in copy
    original = client.get(f"/article/{ids[QUAYSIDE]}")
    assert original.context["found"]["duplicates"] == [ids[REPRINT]]
    assert f'href="/article/{ids[REPRINT]}"' in original.text
    assert f'href="/story/{_story_of(db, QUAYSIDE)}"' in original.text


# --- hostile content -------------------------------------------------------------------------------


def test_hostile_text_and_metadata_are_escaped_everywhere(client, ids, db):
    pages = [
        f"/article/{ids[JS_URL]}",
        f"/article/{ids[HOSTILE_URL]}",
        "/?q=harbour",
        "/?q=quota",
        "/",
        "/outlets",
        "/outlet/evil.example",
        f"/story/{_story_of(db, JS_URL)}",
        "/stories?show=all",
        f"/entity/{quote('Marta Kowalczyk')}",
    ]
    for url in pages:
        html = client.get(url).text
        assert SCRIPT not in html, url
        assert "<img" not in html, url
        assert "<b>Evil" not in html, url
        assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, re.I), url
        assert '"><script>' not in html, url
    article = client.get(f"/article/{ids[JS_URL]}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "&lt;img src=x onerror=alert(1)&gt;" in article
    assert client.get(f"/article/{ids[JS_URL]}").context["doc"].meta.title == HOSTILE_TITLE
    outlet = client.get("/outlet/evil.example").text
    assert "&lt;b&gt;Evil&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt; Gazette" in outlet
    quotas = client.get(f"/article/{ids[HOSTILE_URL]}").text
    # the URL is a web URL, so it is a link, with its quotes escaped inside the attribute
    assert 'href="https://evil.example/quotas?x=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in quotas


def test_the_api_returns_hostile_text_as_data(client, ids):
    doc = client.get(f"/api/documents/{ids[JS_URL]}").json()
    assert doc["meta"]["title"] == HOSTILE_TITLE
    outlets = {o["domain"]: o["name"] for o in client.get("/api/outlets").json()}
    assert outlets["evil.example"] == HOSTILE_SITE
    assert IMG in doc["text"]


# --- outlet, entity, stories -------------------------------------------------------------------------


def test_outlet_page_has_its_figures_and_an_inline_svg_chart(client):
    r = client.get("/outlet/coastalcourier.example")
    assert r.template.name == "outlet.html"
    chart = r.context["chart"]
    assert [b.month for b in chart.bars] == ["2026-10", "2026-11", "2026-12"]  # the empty month is drawn
    assert [b.value for b in chart.bars] == [1, 0, 1]
    assert len(chart.dots) == 2 and chart.lines == []  # the empty month breaks the density line
    html = r.text
    assert "<svg" in html and html.count('<rect class="bar"') == 3
    for words in (
        "technique density",
        "speculative share",
        "vague sourcing",
        "appeals for money",
        "Technique mix",
    ):
        assert words in html
    p = r.context["p"]
    assert p["articles"] == 2 and p["technique_floor"] == TECHNIQUE_FLOOR
    # the mix counts spans at or above the floor, own and quoted apart (tests/test_web_voice.py checks the counts)
    assert p["technique_spans"] + p["quoted_technique_spans"] <= p["technique_spans_all"]
    assert f"Counted: technique spans with a confidence of at least {TECHNIQUE_FLOOR:g}" in html
    for t in [*p["techniques"], *p["quoted_techniques"]]:
        assert t["definition"] in html


def test_entity_page_has_its_figures_and_chart(client):
    r = client.get(f"/entity/{quote('Marta Kowalczyk')}")
    assert r.template.name == "entity.html"
    assert r.context["p"]["documents"] >= 3
    assert r.context["chart"] is not None and "<svg" in r.text
    f = r.context["f"]
    assert f["appeals"] >= 1  # the text scrape asks for donations
    assert 0 < f["speculative_share"] <= 1
    assert "quayside.example" in r.context["p"]["outlets"]


def test_stories_list_and_story_comparison(client, db, ids):
    r = client.get("/stories")
    pk = _story_of(db, QUAYSIDE)
    assert f'href="/story/{pk}"' in r.text
    assert all(s["size"] >= 2 for s in r.context["stories"])
    assert len(client.get("/stories?show=all").context["stories"]) > len(r.context["stories"])
    story = client.get(f"/story/{pk}")
    assert story.template.name == "story.html"
    columns = story.context["s"]["documents"]
    assert len(columns) >= 2
    by_id = {c["id"]: c for c in columns}
    assert ids[REPRINT] not in by_id  # a copy is not a column of its own...
    assert by_id[ids[QUAYSIDE]]["copies"] == [ids[REPRINT]]  # ...but listed under its original
    html = story.text
    assert html.count('class="col-head"') == len(columns)
    for row in (
        "names only here",
        "numbers only here",
        "techniques",
        "speculation",
        "sources",
        "near-duplicate copies",
    ):
        assert row in html
    scrape = by_id[ids[None]]
    for name in scrape["only_here"]:
        assert f'href="/entity/{quote(name, safe="")}"' in html


# --- API -------------------------------------------------------------------------------------------


def test_api_search_shape(client):
    body = client.get("/api/search", params={"q": "strike", "limit": 2}).json()
    assert set(body) >= {"query", "total", "limit", "offset", "hits", "facets"}
    assert body["total"] >= 4 and len(body["hits"]) == 2
    hit = body["hits"][0]
    assert set(hit) >= {
        "id",
        "title",
        "url",
        "outlet",
        "outlet_name",
        "published",
        "language",
        "snippet",
        "marks",
        "rank",
    }
    assert MARK_START not in hit["snippet"] and MARK_END not in hit["snippet"]
    assert any(hit["snippet"][a:b].lower().startswith("strike") for a, b in hit["marks"])
    assert set(body["facets"]) == {"outlet", "entity", "technique", "month", "language"}
    assert body["facets"]["language"] == [{"value": "en", "count": body["total"]}]
    nxt = client.get("/api/search", params={"q": "strike", "limit": 2, "offset": 2}).json()
    assert {h["id"] for h in nxt["hits"]}.isdisjoint(h["id"] for h in body["hits"])


def test_api_search_bad_query_is_400_with_one_line(client):
    r = client.get("/api/search", params={"q": "strike OR"})
    assert r.status_code == 400 and "\n" not in r.json()["detail"]


def test_api_document_is_the_unspin_1_json(client, ids, app):
    from unspin.store.read import document

    body = client.get(f"/api/documents/{ids[QUAYSIDE]}").json()
    assert body["schema"] == "unspin/1" and body["id"] == ids[QUAYSIDE]
    with app.state.engine.connect() as conn:
        stored = json.loads(json.dumps(document(conn, ids[QUAYSIDE])["document"].to_json()))
    # as stored, except that the source is named by its file name alone, not its path on the server
    assert stored["source"]["name"].endswith("/harbour-strike.html")
    assert body["source"]["name"] == "harbour-strike.html"
    assert body == stored | {"source": stored["source"] | {"name": "harbour-strike.html"}}
    assert Document.from_json(body).to_json() == body


def test_api_outlets_entities_stories_shapes(client, db):
    outlets = client.get("/api/outlets").json()
    assert {o["domain"] for o in outlets} == {
        "quayside.example",
        "balticwire.example",
        "coastalcourier.example",
        "evil.example",
    }
    assert all(set(o) == {"domain", "name", "articles"} for o in outlets)
    profile = client.get("/api/outlets/coastalcourier.example").json()
    assert profile["articles"] == 2 and profile["series"][0] == {
        "month": "2026-10",
        "articles": 1,
        "technique_density": profile["series"][0]["technique_density"],
    }
    for key in (
        "technique_density",
        "techniques",
        "speculative_share",
        "vague_sourcing_rate",
        "appeals",
        "recent",
    ):
        assert key in profile
    entity = client.get(f"/api/entities/{quote('Gdańsk')}").json()
    assert entity["canonical"] == "Gdańsk" and entity["documents"] >= 3 and "technique_density" in entity
    stories = client.get("/api/stories").json()
    pk = _story_of(db, QUAYSIDE)
    assert pk in {s["pk"] for s in stories}
    story = client.get(f"/api/stories/{pk}").json()
    assert story["pk"] == pk and len(story["documents"]) >= 2
    assert set(story["documents"][0]) >= {
        "id",
        "outlet",
        "title",
        "only_here",
        "numbers",
        "techniques",
        "speculation",
        "sources",
        "copies",
    }
    assert client.get("/api/stories?min_size=1").json().__len__() > len(stories)


def test_openapi_is_served_and_docs_is_a_page_of_our_own(client):
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/search",
        "/api/documents/{doc_id}",
        "/api/outlets",
        "/api/outlets/{domain}",
        "/api/entities",
        "/api/entities/{canonical}",
        "/api/stories",
        "/api/stories/{pk}",
        "/api/export.jsonl",
        "/api/export.csv",
        "/api/export.parquet",
    ):
        assert path in schema["paths"], path
    assert not any(p.startswith("/article") or p == "/" for p in schema["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-security-policy"] == CSP
    assert "/api/export.parquet" in docs.text and 'href="/openapi.json"' in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/redoc").status_code == 404


# --- exports ---------------------------------------------------------------------------------------


def test_export_jsonl_is_every_document_as_unspin_1(client, ids):
    r = client.get("/api/export.jsonl")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    docs = [Document.loads(line) for line in r.text.splitlines()]
    assert sorted(d.id for d in docs) == sorted(ids.values())
    only = client.get("/api/export.jsonl", params={"q": "ferry"}).text.splitlines()
    assert [Document.loads(line).id for line in only] == [ids[FERRY]]


def test_export_csv_has_the_flat_columns(client, ids):
    r = client.get("/api/export.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == list(export.COLUMNS)
    assert len(rows) == len(ids)
    by_id = {row["id"]: row for row in rows}
    assert by_id[ids[REPRINT]]["duplicate_of"] == ids[QUAYSIDE]
    assert by_id[ids[QUAYSIDE]]["duplicate_of"] == ""
    assert by_id[ids[FERRY]]["published"] == "2026-10-03" and int(by_id[ids[FERRY]]["technique_spans"]) >= 0
    total = client.get("/api/search", params={"q": "strike"}).json()["total"]
    assert (
        len(list(csv.DictReader(io.StringIO(client.get("/api/export.csv", params={"q": "strike"}).text))))
        == total
    )


def _parquet(data: bytes):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # from a buffer without threads: pyarrow's threaded reads of Python files can abort the process at exit
    return pq.ParquetFile(pa.BufferReader(data))


def test_export_parquet_reads_back_with_the_right_rows(client, ids):
    r = client.get("/api/export.parquet")
    assert r.status_code == 200
    table = _parquet(r.content).read(use_threads=False)
    assert table.num_rows == len(ids)
    assert table.column_names == list(export.COLUMNS)
    rows = {row["id"]: row for row in table.to_pylist()}
    assert rows[ids[REPRINT]]["duplicate_of"] == ids[QUAYSIDE]
    assert str(rows[ids[FERRY]]["published"]) == "2026-10-03"
    matched = _parquet(client.get("/api/export.parquet", params={"q": "harbour OR ferry"}).content)
    assert (
        matched.metadata.num_rows
        == client.get("/api/search", params={"q": "harbour OR ferry"}).json()["total"]
    )


def test_exports_stream_the_store_in_chunks(client, ids, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 3)
    parquet = _parquet(client.get("/api/export.parquet").content)
    assert parquet.metadata.num_row_groups == math.ceil(len(ids) / 3)
    assert parquet.metadata.num_rows == len(ids)
    with client.stream("GET", "/api/export.jsonl", params={"q": "port OR ferry OR quota"}) as r:
        pieces = [piece for piece in r.iter_raw() if piece]
    lines = b"".join(pieces).decode().splitlines()
    total = client.get("/api/search", params={"q": "port OR ferry OR quota"}).json()["total"]
    assert len(lines) == total and len(set(lines)) == total


def test_export_with_a_bad_query_is_400(client):
    for kind in ("jsonl", "csv", "parquet"):
        r = client.get(f"/api/export.{kind}", params={"q": "(strike"})
        assert r.status_code == 400 and "detail" in r.json()


# --- read-only, and a store that is not there ------------------------------------------------------


def test_the_app_cannot_write_to_the_store(app):
    with app.state.engine.connect() as conn:
        assert conn.execute(text("PRAGMA query_only")).scalar() == 1
        with pytest.raises(OperationalError, match="readonly|read-only|query_only"):
            conn.execute(text("INSERT INTO outlets (domain, name) VALUES ('x.example', 'x')"))
        conn.rollback()
        conn.execute(text("PRAGMA query_only=OFF"))  # even then, the file was opened read-only
        with pytest.raises(OperationalError, match="readonly"):
            conn.execute(text("DELETE FROM outlets"))
        conn.rollback()
    with app.state.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outlets")).scalar() == 4


def test_on_postgresql_the_app_serves_the_same_pages_and_cannot_write(postgres_db, tmp_path):
    from unspin.ingest import read_inputs
    from unspin.store.db import connect
    from unspin.store.ingest import ingest

    (tmp_path / "hostile.html").write_text(hostile_page(), encoding="utf-8")
    writer = connect(postgres_db)
    try:
        report = ingest(
            writer, read_inputs([str(EXAMPLES / "harbour-strike.html"), str(tmp_path / "hostile.html")])
        )
    finally:
        writer.dispose()
    assert report.stored == 2 and not report.failures
    app = create_app(postgres_db)
    with TestClient(app) as client:
        r = client.get("/?q=strike")
        assert r.status_code == 200 and r.context["results"].total == 2
        assert '<mark class="hit">strike</mark>' in r.text.lower()
        hostile = next(h.id for h in r.context["results"].hits if h.url == JS_URL)
        page = client.get(f"/article/{hostile}").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and SCRIPT not in page
        assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", page, re.I)
        assert len(client.get("/api/export.jsonl").text.splitlines()) == 2
        assert (
            _parquet(client.get("/api/export.parquet", params={"q": "strike"}).content).metadata.num_rows == 2
        )
        assert client.get("/outlet/quayside.example").status_code == 200
        with app.state.engine.connect() as conn:
            assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
            with pytest.raises(DBAPIError, match="read-only"):
                conn.execute(text("INSERT INTO outlets (domain, name) VALUES ('x.example', 'x')"))
            conn.rollback()
            with pytest.raises(DBAPIError, match="read-only"):
                conn.execute(text("DELETE FROM documents"))
            conn.rollback()
            assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 2


def test_every_route_is_a_get(app):
    methods = {m for route in app.routes for m in (getattr(route, "methods", None) or ())}
    assert methods <= {"GET", "HEAD"}


def test_a_missing_store_is_a_one_line_error_and_is_not_created(tmp_path):
    target = tmp_path / "nothing.db"
    with pytest.raises(StoreError, match="no such store"):
        create_app(str(target))
    with pytest.raises(StoreError):
        create_app(f"sqlite:///{target}")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    with pytest.raises(StoreError, match="not an unspin store"):
        create_app(str(other))


def test_a_store_of_another_schema_revision_is_refused_not_migrated(db, tmp_path):
    copy = tmp_path / "old.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        target.execute("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(StoreError, match="revision 0000"):
        create_app(str(copy))
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0000",)


def test_serve_without_a_store_exits_2_and_creates_nothing(cli, tmp_path):
    target = tmp_path / "nothing.db"
    result = cli("serve", "--db", str(target), timeout=60)
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("unspin: error:") and "nothing.db" in lines[0]
    assert not target.exists()


def test_unspin_serve_serves_the_corpus_on_loopback(db):
    port = services.free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "unspin.cli", "serve", "--db", db, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    reason = proc.stderr.read().decode()[-2000:]
                    raise AssertionError(f"unspin serve did not start: {reason}") from None
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=strike", timeout=30) as r:
            assert r.status == 200 and r.headers["content-security-policy"] == CSP
            assert "strike" in r.read().decode()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        finally:
            proc.stdout.close()
            proc.stderr.close()


# --- small parts -----------------------------------------------------------------------------------


def test_snippet_markup_escapes_first_and_balances_marks():
    raw = f"a {MARK_START}<script>{MARK_END} b {MARK_START}open"
    out = str(views.snippet_markup(raw))
    assert out == 'a <mark class="hit">&lt;script&gt;</mark> b <mark class="hit">open</mark>'
    assert views.snippet_plain(raw) == ("a <script> b open", [[2, 10]])


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "//evil.example/x",
        "http:/nohost",
        "file:///etc/passwd",
        "",
        None,
    ],
)
def test_only_http_and_https_urls_become_links(url):
    assert views.web_url(url) is None


def test_web_urls_are_kept_as_they_are():
    assert views.web_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert views.web_url("HTTP://a.example/") == "HTTP://a.example/"


def test_facet_filters_are_written_in_the_query_syntax():
    assert views.add_filter("strike", "entity", "Marta Kowalczyk") == 'strike entity:"Marta Kowalczyk"'
    assert views.add_filter("strike", "month", "2024-02") == "strike after:2024-02-01 before:2024-02-29"
    assert views.add_filter("strike outlet:a.example", "outlet", "a.example") is None  # already there
    assert views.add_filter("strike", "entity", 'say "hi"') is None  # cannot be written


def test_the_stylesheet_colours_every_technique():
    css = (ROOT / "src/unspin/web/static/app.css").read_text()
    for slug, colour in [*views.technique_slugs().items(), ("other", "#555555")]:
        for rule in (
            f".t-{slug} {{ --c: {colour}; }}",
            f".b1-{slug} {{ --t1: {colour}; }}",
            f".b3-{slug} {{ --t3: {colour}; }}",
        ):
            assert rule in css, rule
    assert len(views.technique_slugs()) == len(COLOURS)
