"""Entities across documents: a short name meets its full name when the corpus makes the link unambiguous.

Through the real ``unspin ingest`` and ``unspin search`` and the web app, on SQLite and PostgreSQL, over
short articles written for these tests: one says "Donald Trump", one only "Trump"; an ORG "Ford" and a
PERSON "Harrison Ford", a country "Jordan" and a PERSON "Michael Jordan" must stay apart; a later
ingest of an article about Melania Trump makes "Trump" ambiguous. The rule itself (``store.namelink``)
is checked on names directly.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient
from sqlalchemy import select

from unspin.store.db import connect
from unspin.store.links import rebuild
from unspin.store.namelink import Name, decide, words_of
from unspin.store.tables import entity_links
from unspin.web.app import create_app

TEXTS = {
    "full.txt": "Donald Trump visits the harbour\n\nDonald Trump arrived in Gdansk on Monday and met dock workers. "
                "Trump said the port would grow. President Donald Trump left in the evening.\n",
    "short.txt": "Harbour talks end\n\nMr. Trump spoke to reporters on Tuesday. President Trump praised the dock "
                 "workers and Trump promised new cranes.\n",
    "carmaker.txt": "Carmaker results\n\nFord said on Thursday that its profits rose. Shares in Ford climbed after "
                    "Ford raised its forecast.\n",
    "actor.txt": "Film star visits\n\nHarrison Ford visited the studio on Friday. Harrison Ford said the film was "
                 "finished.\n",
    "country.txt": "Sportswear maker reports results\n\nThe sportswear company Jordan reported higher sales on "
                   "Thursday. Executives at Jordan said the brand grew in Europe.\n",
    "player.txt": "Basketball legend returns\n\nMichael Jordan returned to Chicago on Friday. Michael Jordan said "
                  "he missed the city.\n",
}
LATER = {
    "garden.txt": "Garden show opens\n\nMelania Trump opened a garden show in Palm Beach on Wednesday. "
                  "Melania Trump said the roses took a year to grow.\n",
}


# --- the rule ------------------------------------------------------------------------------------------


def names(*pairs: tuple[str, str]) -> list[Name]:
    return [Name.of(c, label) for c, label in pairs]


def test_a_short_name_links_to_the_one_longer_name_of_its_type():
    corpus = names(("Donald Trump", "PERSON"), ("Trump", "PERSON"), ("Ford", "ORG"), ("Harrison Ford", "PERSON"))
    assert decide(Name.of("Trump", "PERSON"), corpus).linked_to == "Donald Trump"
    assert decide(Name.of("Donald", "PERSON"), corpus).linked_to == "Donald Trump"  # a prefix too
    assert decide(Name.of("Ford", "ORG"), corpus).linked_to is None  # Harrison Ford is a PERSON
    assert decide(Name.of("Donald Trump", "PERSON"), corpus).linked_to is None  # nothing longer


def test_two_longer_names_make_it_ambiguous_and_are_kept():
    corpus = names(("Donald Trump", "PERSON"), ("Melania Trump", "PERSON"))
    found = decide(Name.of("Trump", "PERSON"), corpus)
    assert found.linked_to is None and found.competing == ("Donald Trump", "Melania Trump")


def test_case_and_titles_do_not_make_another_name_and_the_most_named_spelling_wins():
    corpus = names(("Donald Trump", "PERSON"), ("DONALD TRUMP", "PERSON"), ("President Donald Trump", "PERSON"))
    assert words_of("President Donald Trump", "PERSON") == ("donald", "trump")
    assert words_of("General Motors", "ORG") == ("general", "motors")  # titles are a person's only
    found = decide(Name.of("trump", "PERSON"), corpus, {"Donald Trump": 5, "DONALD TRUMP": 1})
    assert found.linked_to == "Donald Trump"


def test_a_middle_initial_does_not_make_another_person():
    corpus = names(("Donald Trump", "PERSON"), ("Donald J. Trump", "PERSON"), ("Ivanka Trump", "PERSON"))
    assert decide(Name.of("Donald", "PERSON"), corpus[:2], {"Donald Trump": 7, "Donald J. Trump": 3}).linked_to \
        == "Donald Trump"
    assert decide(Name.of("Trump", "PERSON"), corpus[:2], {"Donald Trump": 7, "Donald J. Trump": 3}).linked_to \
        == "Donald Trump"
    assert decide(Name.of("Trump", "PERSON"), corpus).competing == ("Donald J. Trump", "Ivanka Trump")
    jk = names(("John F. Kennedy", "PERSON"), ("John Kennedy", "PERSON"), ("Robert F. Kennedy", "PERSON"))
    assert decide(Name.of("Kennedy", "PERSON"), jk).competing == ("John F. Kennedy", "Robert F. Kennedy")


def test_a_son_is_not_his_father_and_the_longest_name_is_kept():
    corpus = names(("Donald Trump", "PERSON"), ("Donald Trump Jr.", "PERSON"))
    assert decide(Name.of("Donald Trump", "PERSON"), corpus).linked_to is None
    corpus = names(("Jong Un", "PERSON"), ("Kim Jong Un", "PERSON"))
    assert decide(Name.of("Un", "PERSON"), corpus).linked_to == "Kim Jong Un"
    assert decide(Name.of("Gdańsk", "GPE"), names(("Port of Gdańsk", "GPE"))).linked_to is None  # places: no


# --- through the command and the web app, on both engines -------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_db")


def write(folder, texts: dict[str, str]) -> list[str]:
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in texts]


def ingest(db: str, paths: list[str]) -> None:
    done = run_cli("ingest", *paths, "--db", db, "--no-progress", timeout=600)
    assert done.returncode == 0, done.stderr.decode()


def search(db: str, query: str) -> dict[str, list[dict]]:
    """title -> the hit's corpus-level links, for every document ``query`` finds (``unspin search --json``)."""
    done = run_cli("search", query, "--db", db, "--json", "--limit", "50")
    assert done.returncode == 0, done.stderr.decode()
    hits = [json.loads(line) for line in done.stdout.decode().splitlines()]
    return {h["title"]: h["links"] for h in hits}


def test_entities_meet_across_documents_until_a_new_ingest_makes_the_link_ambiguous(db_url, tmp_path):
    ingest(db_url, write(tmp_path / "first", TEXTS))

    # the unambiguous link: both spellings of the filter find both documents, and say which matched through it
    for value in ('"Donald Trump"', "Trump", "trump", '"donald trump"'):
        found = search(db_url, f"entity:{value}")
        assert set(found) == {"Donald Trump visits the harbour", "Harbour talks end"}, value
    full = search(db_url, 'entity:"Donald Trump"')
    assert full["Donald Trump visits the harbour"] == []
    assert full["Harbour talks end"] == [
        {"filter": "Donald Trump", "says": "Trump", "short": "Trump", "full": "Donald Trump", "label": "PERSON"}
    ]
    short = search(db_url, "entity:Trump")
    assert short["Harbour talks end"] == []
    assert short["Donald Trump visits the harbour"][0]["says"] == "Donald Trump"
    shown = run_cli("search", 'entity:"Donald Trump"', "--db", db_url).stdout.decode()
    assert "linked across the corpus (this document says only 'Trump'" in " ".join(shown.split())

    # types must match: an ORG and a PERSON, a country and a PERSON, stay apart
    assert set(search(db_url, "entity:Ford")) == {"Carmaker results"}
    assert set(search(db_url, 'entity:"Harrison Ford"')) == {"Film star visits"}
    assert set(search(db_url, "entity:Jordan")) == {"Sportswear maker reports results"}
    assert set(search(db_url, 'entity:"Michael Jordan"')) == {"Basketball legend returns"}
    assert search(db_url, "entity:Ford")["Carmaker results"] == []
    # and a negated filter leaves out the linked document too
    assert "Harbour talks end" not in search(db_url, 'harbour -entity:"Donald Trump"')

    with TestClient(create_app(db_url)) as client:
        page = client.get("/entity/Donald Trump")
        assert page.status_code == 200
        assert page.context["p"]["documents"] == 1 and page.context["p"]["linked_documents"] == 1
        assert "linked across the corpus (this document says only &#39;Trump&#39;)" in page.text
        recent = {d["title"]: d["linked_from"] for d in page.context["p"]["recent"]}
        assert recent == {"Harbour talks end": "Trump", "Donald Trump visits the harbour": None}
        assert client.get("/entity/Trump").context["p"]["link_of"] == [
            {"label": "PERSON", "linked_to": "Donald Trump", "competing": []}
        ]
        assert "stands for" in client.get("/entity/Trump").text
        listing = {e["canonical"]: e for e in client.get("/api/entities", params={"limit": 1000}).json()["entities"]}
        assert listing["Donald Trump"]["linked"] == [
            {"canonical": "Trump", "label": "PERSON", "mentions": 3, "documents": 1, "link": "corpus"}
        ]
        assert listing["Trump"]["linked_to"] == [{"canonical": "Donald Trump", "label": "PERSON", "link": "corpus"}]
        assert listing["Ford"]["linked"] == [] and "linked_to" not in listing["Ford"]
        people = client.get("/api/entities", params={"type": "ORG", "limit": 1000}).json()["entities"]
        assert all(e["linked"] == [] and "linked_to" not in e for e in people)
        api = client.get("/api/search", params={"q": 'entity:"Donald Trump"'}).json()
        linked = {h["title"]: h["links"] for h in api["hits"]}
        assert linked["Harbour talks end"][0]["link"] == "corpus" and linked["Donald Trump visits the harbour"] == []
        results = client.get("/", params={"q": "entity:Trump"})
        assert "linked across the corpus (this document says &#39;Donald Trump&#39;" in results.text
        # the document's own canonical name is kept as its text gives it: the link is a record beside it
        said = client.get(next(h["document"] for h in api["hits"] if h["title"] == "Harbour talks end")).json()
        assert {s["attrs"]["canonical"] for s in said["layers"]["entities"] if s["label"] == "PERSON"} == {"Trump"}
        profile = client.get("/api/entities/Donald Trump").json()
        assert profile["linked"][0]["canonical"] == "Trump" and profile["linked_mentions"] == 3

    # a new ingest brings a second longer "... Trump": the link is gone, and the pages say why
    ingest(db_url, write(tmp_path / "later", LATER))
    assert set(search(db_url, 'entity:"Donald Trump"')) == {"Donald Trump visits the harbour"}
    assert set(search(db_url, "entity:Trump")) == {"Harbour talks end"}
    assert set(search(db_url, 'entity:"Melania Trump"')) == {"Garden show opens"}
    with TestClient(create_app(db_url)) as client:
        page = client.get("/entity/Donald Trump")
        assert page.context["p"]["linked_documents"] == 0
        assert page.context["p"]["contested"] == [
            {"canonical": "Trump", "label": "PERSON", "competing": ["Donald Trump", "Melania Trump"]}
        ]
        assert "not counted here" in page.text and "Melania Trump" in page.text
        assert "Not linked across the corpus" in client.get("/entity/Trump").text
        listing = {e["canonical"]: e for e in client.get("/api/entities", params={"limit": 1000}).json()["entities"]}
        assert listing["Trump"]["ambiguous"] == [{"label": "PERSON", "competing": ["Donald Trump", "Melania Trump"]}]
        assert listing["Donald Trump"]["linked"] == [] and "linked_to" not in listing["Trump"]

    # recomputing the whole table from scratch (as migration 0007 does) gives what ingest kept current
    engine = connect(db_url)
    try:
        with engine.begin() as conn:
            kept = sorted(conn.execute(select(entity_links)).all())
            rebuild(conn)
            assert sorted(conn.execute(select(entity_links)).all()) == kept
    finally:
        engine.dispose()


def test_a_store_from_before_links_is_searched_as_before_and_linked_when_migrated(tmp_path):
    from alembic import command
    from alembic.config import Config

    from unspin.store.db import MIGRATIONS

    db = tmp_path / "corpus.db"
    ingest(str(db), write(tmp_path / "pages", {k: TEXTS[k] for k in ("full.txt", "short.txt")}))
    old = tmp_path / "old.db"
    shutil.copy(db, old)
    engine = connect(str(old), migrate=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")  # the store as the release before links left it
    engine.dispose()
    # search reads a store without migrating it: with no links table, entity: matches names as written
    assert set(search(str(old), "entity:Trump")) == {"Harbour talks end"}
    engine = connect(str(old))  # as the next ingest opens it: migration 0007 links what is stored
    try:
        with engine.connect() as conn:
            rows = {(r.canonical, r.linked_to) for r in conn.execute(select(entity_links))}
    finally:
        engine.dispose()
    assert ("Trump", "Donald Trump") in rows
    assert set(search(str(old), "entity:Trump")) == {"Harbour talks end", "Donald Trump visits the harbour"}


def test_spark_output_is_linked_as_it_is_loaded(tmp_path):
    """``unspin ingest`` of an ``unspin spark`` output folder stores analysed documents as they are: the links
    follow them. The folder is laid out as the job writes it, from documents ``unspin analyze`` made."""
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    paths = write(tmp_path / "pages", {k: TEXTS[k] for k in ("full.txt", "short.txt")})
    analysed = run_cli("analyze", *paths, "--format", "jsonl", timeout=600)
    assert analysed.returncode == 0, analysed.stderr.decode()
    out = tmp_path / "spark-out"
    (out / "documents").mkdir(parents=True)
    (out / "failures").mkdir()
    rows = [line for line in analysed.stdout.decode().splitlines() if line.strip()]
    pq.write_table(pa.table({"document": rows}), out / "documents" / "part-00000.parquet")
    (out / "documents" / "_SUCCESS").write_text("")
    db = str(tmp_path / "corpus.db")
    ingest(db, [str(out)])
    assert set(search(db, 'entity:"Donald Trump"')) == {"Harbour talks end", "Donald Trump visits the harbour"}


def test_delete_brings_the_links_back_to_what_the_remaining_corpus_makes(db_url, tmp_path):
    paths = write(tmp_path / "first", {k: TEXTS[k] for k in ("full.txt", "short.txt")})
    later = write(tmp_path / "later", LATER)
    ingest(db_url, paths + later)
    assert set(search(db_url, 'entity:"Donald Trump"')) == {"Donald Trump visits the harbour"}  # Trump: ambiguous

    done = run_cli("delete", "--source", later[0], "--db", db_url)
    assert done.returncode == 0, done.stderr.decode()
    found = search(db_url, 'entity:"Donald Trump"')
    assert set(found) == {"Donald Trump visits the harbour", "Harbour talks end"}  # the rival is gone: linked again

    done = run_cli("delete", "--source", paths[0], "--db", db_url)
    assert done.returncode == 0, done.stderr.decode()
    assert search(db_url, 'entity:"Donald Trump"') == {}  # the long form is gone: no link is left to follow
    engine = connect(db_url)
    try:
        with engine.connect() as conn:
            rows = {(r.canonical, r.linked_to) for r in conn.execute(select(entity_links))}
    finally:
        engine.dispose()
    assert ("Trump", None) in rows and not any(c == "Donald Trump" for c, _ in rows)
