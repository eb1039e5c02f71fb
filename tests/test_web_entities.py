"""The entity list of the API, and what the web app tells of a source: its file's name, never a server path.

Over the web tests' corpus (tests/test_web_corpus.py), built by the real ingest from absolute paths, so the
stored documents carry exactly the kind of path a public deployment must not show.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import EXAMPLES
from fastapi.testclient import TestClient
from test_web_corpus import QUAYSIDE, ids_by_url, shared_corpus

from unspin.document import Document
from unspin.web.app import create_app
from unspin.web.public import source_name


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return shared_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


def test_entities_are_listed_with_and_without_the_trailing_slash(client):
    bare, slashed = client.get("/api/entities"), client.get("/api/entities/")
    assert bare.status_code == 200 and slashed.status_code == 200
    assert bare.json() == slashed.json()
    listing = bare.json()
    assert listing["total"] >= 5 and listing["offset"] == 0 and listing["type"] is None
    names = [e["canonical"] for e in listing["entities"]]
    assert "Marta Kowalczyk" in names and "Gdańsk" in names
    ranked = [(e["documents"], e["mentions"]) for e in listing["entities"]]
    assert ranked == sorted(ranked, reverse=True)


def test_each_listed_entity_counts_what_its_profile_counts(client):
    for entity in client.get("/api/entities", params={"limit": 10}).json()["entities"]:
        profile = client.get(entity["profile"]).json()
        assert entity["profile"] == f"/api/entities/{quote(entity['canonical'], safe='')}"
        assert (entity["mentions"], entity["documents"]) == (profile["mentions"], profile["documents"])
        assert entity["types"] == profile["labels"]


def test_entities_page_through_and_filter_by_type(client):
    everything = client.get("/api/entities", params={"limit": 1000}).json()
    pages = []
    for offset in range(0, everything["total"], 3):
        page = client.get("/api/entities", params={"limit": 3, "offset": offset}).json()
        assert page["total"] == everything["total"] and len(page["entities"]) <= 3
        pages += page["entities"]
    assert pages == everything["entities"]
    assert client.get("/api/entities", params={"offset": everything["total"]}).json()["entities"] == []

    people = client.get("/api/entities", params={"type": "person"}).json()
    assert people["type"] == "PERSON" and people["entities"]
    assert all(set(e["types"]) == {"PERSON"} for e in people["entities"])
    assert "Marta Kowalczyk" in [e["canonical"] for e in people["entities"]]
    assert "Gdańsk" not in [e["canonical"] for e in people["entities"]]
    types = {t["type"]: t["entities"] for t in everything["types"]}
    assert types["PERSON"] == people["total"] and {"PERSON", "GPE"} <= set(types)
    assert client.get("/api/entities", params={"type": "NO_SUCH"}).json()["entities"] == []
    assert client.get("/api/entities", params={"limit": 0}).status_code == 422


def test_the_openapi_description_lists_the_entity_listing(client):
    schema = client.get("/openapi.json").json()
    assert "/api/entities" in schema["paths"] and "/api/entities/" not in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/entities"]["get"]["parameters"]}
    assert names == {"type", "limit", "offset"}


def test_source_names_lose_their_directories():
    assert source_name("/srv/crawls/2026/page.html") == "page.html"
    assert source_name("C:\\data\\page.html") == "page.html"
    assert source_name("https://data.example/crawl/x.warc.gz") == "https://data.example/crawl/x.warc.gz"
    assert source_name("-") == "-"


def test_the_web_app_never_shows_the_server_path_of_a_source(client, db):
    folder = str(EXAMPLES.resolve())
    doc_id = ids_by_url(db)[QUAYSIDE]
    stored_path = str(EXAMPLES / "harbour-strike.html")
    page = client.get(f"/article/{doc_id}")
    assert page.status_code == 200 and "harbour-strike.html" in page.text
    api = client.get(f"/api/documents/{doc_id}")
    assert Document.from_json(api.json()).source.name == "harbour-strike.html"
    exported = client.get("/api/export.jsonl").text
    for text in (page.text, api.text, exported):
        assert folder not in text and stored_path not in text
    names = {Document.loads(line).source.name for line in exported.splitlines()}
    assert names and all("/" not in name for name in names)
