"""`unspin export`: one row per span of a layer, for the documents a query selects, as CSV or Parquet.

The store is built by the real `unspin ingest` from `unspin/1` JSON Lines of
hand-made Documents (invented text, spans placed by hand), so the expected
rows are known exactly; both engines answer through the real command.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient
from test_store import corpus, entity, make

from unspin.document import Document, Span
from unspin.store import spans
from unspin.store.db import connect
from unspin.web.app import create_app

# Span text a CSV writer must quote, and markup a page must escape. Invented.
AWKWARD = (
    'The mayor of Lindholm said "we will, "quote" and\nnewline\u00a0matter", a claim the council '
    "called a <script>alert(1)</script> stunt; Ørsted & Co. declined to comment."
)


def awkward() -> Document:
    doc = make(AWKWARD, "https://odd.example/a", "Odd <b>title</b>", "2026-03-04",
               [("Lindholm", "Lindholm", "GPE"), ("Ørsted & Co.", "Ørsted", "ORG")])
    start = AWKWARD.index('"we will')
    end = AWKWARD.index('matter"') + len('matter"')
    doc.set_layer("techniques", [Span(start, end, "Loaded_Language", 0.25, "techniques",
                                      {"cues": ["quote"], "voice": "quoted", "speaker": "Lindholm"})])
    doc.set_layer("attributions", [Span(start, end, "quote", 0.9, "attributions", {"source": "The mayor of Lindholm"})])
    return doc


def documents() -> list[Document]:
    return [*corpus(), awkward()]


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("spans") / "analysed.jsonl"
    path.write_text("".join(d.dumps() + "\n" for d in documents()), encoding="utf-8")
    return path


def ingested(url: str, jsonl) -> str:
    done = run_cli("ingest", "--no-progress", "--db", url, str(jsonl))
    assert done.returncode == 0, done.stderr.decode()
    return url


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory, jsonl):
    """One store for the module: every test here only reads it."""
    return ingested(str(tmp_path_factory.mktemp("store") / "corpus.db"), jsonl)


@pytest.fixture(scope="module")
def postgres_store(postgres_server, jsonl):
    name = f"unspin_test_{uuid.uuid4().hex[:12]}"
    yield ingested(postgres_server.create_database(name), jsonl)
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "postgres_store")


def expected(layer: str, ids: set[str] | None = None) -> list[tuple]:
    return sorted(
        (d.id, s.start, s.end, d.span_text(s), s.label, float(s.confidence), json.dumps(dict(s.attrs), sort_keys=True,
                                                                                        ensure_ascii=False))
        for d in documents() if ids is None or d.id in ids for s in d.layer(layer)
    )


def got(rows: list[dict]) -> list[tuple]:
    return sorted(
        (r["document_id"], int(r["start"]), int(r["end"]), r["text"], r["label"], float(r["confidence"]),
         json.dumps(json.loads(r["attrs"]), sort_keys=True, ensure_ascii=False))
        for r in rows
    )


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def parquet_table(data: bytes):
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.ParquetFile(pa.BufferReader(data))


def ids_for(url: str, query: str) -> set[str]:
    from unspin.store.search import search

    engine = connect(url, migrate=False)
    try:
        with engine.connect() as conn:
            return {h.id for h in search(conn, query, limit=100, facets=False).hits}
    finally:
        engine.dispose()


def test_csv_of_every_span_of_a_layer(db, cli):
    done = cli("export", "--layer", "entities", "--db", db)
    assert done.returncode == 0, done.stderr.decode()
    rows = csv_rows(done.stdout)
    assert list(rows[0]) == list(spans.COLUMNS)
    assert got(rows) == expected("entities")
    by_doc = {r["document_id"]: r for r in rows}
    ledger = next(d for d in documents() if d.meta.url == "https://www.ledger.example/strike")
    assert by_doc[ledger.id]["outlet"] == "ledger.example" and by_doc[ledger.id]["published"] == "2026-03-02"
    assert by_doc[ledger.id]["url"] == ledger.meta.url and by_doc[ledger.id]["language"] == "en"
    assert {r["layer"] for r in rows} == {"entities"}
    assert f"exported {len(rows)} entities span(s) from {len(documents())} document(s)" in done.stderr.decode()


def test_a_query_selects_the_documents_as_search_does(db, cli):
    query = "strike -outlet:gazette.example"
    done = cli("export", query, "--layer", "entities", "--db", db)
    assert done.returncode == 0, done.stderr.decode()
    wanted = ids_for(db, query)
    assert len(wanted) == 2
    assert got(csv_rows(done.stdout)) == expected("entities", wanted)
    techniques = cli("export", "technique:loaded", "--layer", "techniques", "--db", db)
    rows = csv_rows(techniques.stdout)
    assert got(rows) == expected("techniques", ids_for(db, "technique:loaded"))
    assert {r["text"] for r in rows} == {"reckless"}  # the awkward span is below the search floor of 0.3


def test_awkward_text_survives_csv_quoting_and_parquet(db, cli, tmp_path):
    out = tmp_path / "t.csv"
    done = cli("export", "outlet:odd.example", "--layer", "techniques", "--db", db, "--out", str(out))
    assert done.returncode == 0 and done.stdout == b""
    [row] = csv_rows(out.read_bytes())
    doc = awkward()
    assert row["text"] == doc.span_text(doc.layer("techniques")[0]) and "\n" in row["text"]
    assert json.loads(row["attrs"]) == {"cues": ["quote"], "voice": "quoted", "speaker": "Lindholm"}
    parquet = tmp_path / "t.parquet"
    assert cli("export", "--layer", "attributions", "--db", db, "--out", str(parquet)).returncode == 0
    table = parquet_table(parquet.read_bytes()).read(use_threads=False)
    assert table.column_names == list(spans.COLUMNS)
    assert str(table.schema.field("published").type) == "date32[day]"
    assert str(table.schema.field("start").type) == "int64"
    assert got(table.to_pylist()) == expected("attributions")


def test_parquet_by_option_to_standard_output(db, cli):
    done = cli("export", "Port", "--layer", "entities", "--format", "parquet", "--db", db)
    assert done.returncode == 0, done.stderr.decode()
    table = parquet_table(done.stdout).read(use_threads=False)
    assert got(table.to_pylist()) == expected("entities", ids_for(db, "Port"))


def test_an_empty_layer_or_match_still_gives_a_header(db, cli):
    done = cli("export", "bakery", "--layer", "events", "--db", db)
    assert done.returncode == 0 and done.stdout.decode().splitlines() == [",".join(spans.COLUMNS)]
    nothing = cli("export", "zeppelin", "--layer", "entities", "--format", "parquet", "--db", db)
    assert nothing.returncode == 0 and parquet_table(nothing.stdout).metadata.num_rows == 0


def test_bad_layer_query_output_and_store_are_one_line_errors(db, cli, tmp_path):
    cases = [
        (("export", "--layer", "furniture", "--db", db), 2, "--layer: 'furniture' is not a layer"),
        (("export", "(strike", "--layer", "entities", "--db", db), 2, "bad query: unclosed '('"),
        (("export", "--layer", "entities", "--db", db, "--out", str(tmp_path / "no" / "x.csv")), 1,
         f"{tmp_path / 'no' / 'x.csv'}: cannot write"),
        (("export", "--layer", "entities", "--db", str(tmp_path / "absent.db")), 2, "absent.db"),
    ]
    for args, status, message in cases:
        done = cli(*args)
        lines = done.stderr.decode().strip().splitlines()
        assert done.returncode == status, (args, done.stderr.decode())
        assert len(lines) == 1 and message in lines[0], (args, lines)
        assert "Traceback" not in done.stderr.decode()
    assert not (tmp_path / "absent.db").exists()


def test_rows_stream_a_chunk_of_documents_at_a_time(db, monkeypatch):
    monkeypatch.setattr(spans, "CHUNK", 2)
    engine = connect(db, migrate=False)
    try:
        tally = spans.Tally()
        chunks = spans.span_chunks(engine, None, "entities", tally)
        try:
            first = next(chunks)
            assert tally.documents == 2 and tally.rows == len(first)  # nothing read past the first chunk
        finally:
            chunks.close()  # the stream's connection goes back now, not when the collector finds it
        data = b"".join(spans.parquet_bytes(spans.span_chunks(engine, None, "entities")))
    finally:
        engine.dispose()
    meta = parquet_table(data).metadata
    with_entities = sum(1 for d in documents() if d.layer("entities"))
    assert meta.num_rows == len(expected("entities")) and 1 < meta.num_row_groups <= with_entities


# --- the web UI --------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def test_the_search_page_links_span_exports_carrying_the_query(sqlite_db):
    query = 'Lindholm OR "harbour board" -outlet:gazette.example #&<script>'
    with TestClient(create_app(sqlite_db)) as client:
        page = client.get("/", params={"q": query})
        assert page.status_code == 200
        assert "<script>" not in page.text
        links = [h for h in _Links(page.text).hrefs if h.startswith("/api/export/spans.")]
        assert len(links) == 2 * len(spans.SPAN_LAYERS)
        entity_csv = next(h for h in links if h.startswith("/api/export/spans.csv?layer=entities&"))
        assert parse_qs(urlsplit(entity_csv).query) == {"layer": ["entities"], "q": [query]}
        r = client.get(entity_csv)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        assert ids_for(sqlite_db, query) and got(csv_rows(r.content)) == expected("entities", ids_for(sqlite_db, query))
        parquet_link = next(h for h in links if h.startswith("/api/export/spans.parquet?layer=techniques&"))
        table = parquet_table(client.get(parquet_link).content).read(use_threads=False)
        assert got(table.to_pylist()) == expected("techniques", ids_for(sqlite_db, query))
        assert client.get("/api/export/spans.csv", params={"layer": "nope"}).status_code == 400
        assert client.get("/api/export/spans.csv", params={"layer": "entities", "q": "(x"}).status_code == 400
        assert client.get("/api/export/spans.csv").status_code == 422
        assert "/api/export/spans.parquet" in client.get("/openapi.json").json()["paths"]
