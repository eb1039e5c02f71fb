"""How sure the page is, and whose voice: the confidence floor and the own/quoted counts, in the store,
the web pages and the API, over a store built by the real writer from documents made by hand.

The technique spans are placed by hand with chosen confidences and voices (one document has none, and
its voices come from its attributions layer, as for a document stored before voices were told apart),
so the counts are known exactly; the texts are our own. tests/test_web.py covers the same pages over
a corpus the real pipeline made.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from unspin.document import Document, Meta, Source, Span
from unspin.store.corpus import write_batch
from unspin.store.db import connect
from unspin.store.search import search
from unspin.store.tables import documents
from unspin.summary import TECHNIQUE_FLOOR
from unspin.web.app import create_app

HOSTILE_SPEAKER = '<b>Ada</b> <img src=x onerror=alert(1)> "Brennick'

LEDGER_TEXT = (
    "The harbour board in Port Arlen cut overtime rates again on Monday. "
    f'"These spineless cowards have robbed every docker in this town," said {HOSTILE_SPEAKER}, '
    "who leads the union. The board's reckless gamble could ruin the port before winter."
)
COURIER_TEXT = (
    "Dock workers in Port Arlen stayed out for a second day as the harbour board refused to reopen talks. "
    "Ada Brennick said the board was a gang of greedy profiteers. "
    "The stoppage is a disgrace to the whole town."
)


def at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def technique(text: str, words: str, label: str, confidence: float, **voice) -> Span:
    start, end = at(text, words)
    return Span(start, end, label, confidence, "techniques", {"cues": [words.split()[0]], **voice})


def entities(text: str) -> list[Span]:
    return [Span(*at(text, name), label, 1.0, "entities", {"canonical": name})
            for name, label in (("Port Arlen", "GPE"), ("Brennick", "PERSON")) if name in text]


def ledger() -> Document:
    t = LEDGER_TEXT
    quote = at(t, "These spineless cowards have robbed every docker in this town")
    said = {"voice": "quoted", "speaker": HOSTILE_SPEAKER, "voice_span": list(quote)}
    spans = [
        technique(t, "spineless cowards", "Name_Calling,Labeling", 0.62, **said),
        technique(t, "robbed every docker", "Loaded_Language", 0.35, **said),
        technique(t, "reckless gamble", "Loaded_Language", 0.45, voice="own", speaker=None),
        technique(t, "could ruin the port", "Appeal_to_fear-prejudice", 0.12, voice="own", speaker=None),
    ]
    meta = Meta(title="Board cuts overtime in Port Arlen", url="https://ledger.example/overtime",
                published="2026-03-02", language="en", site="The Ledger")
    return Document(t, meta=meta, source=Source(name="ledger.html", format="html"),
                    layers={"entities": entities(t), "techniques": spans})


def courier() -> Document:
    """Technique spans with no voice: they are placed from the attributions layer when stored and shown."""
    t = COURIER_TEXT
    reported = Span(*at(t, "the board was a gang of greedy profiteers"), "reported", 1.0, "attributions", {
        "source": "Ada Brennick", "source_text": "Ada Brennick", "source_span": list(at(t, "Ada Brennick")),
        "cue": "said", "vague": False,
    })
    spans = [
        technique(t, "greedy profiteers", "Name_Calling,Labeling", 0.5),
        technique(t, "refused to reopen talks", "Doubt", TECHNIQUE_FLOOR),  # at the floor: counted
        technique(t, "a disgrace to the whole town", "Loaded_Language", 0.31),
        technique(t, "stayed out", "Doubt", 0.05),
    ]
    meta = Meta(title="Port Arlen strike enters second day", url="https://courier.example/strike",
                published="2026-03-03", language="en", site="The Courier")
    return Document(t, meta=meta, source=Source(name="courier.html", format="html"),
                    layers={"entities": entities(t), "attributions": [reported], "techniques": spans})


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> str:
    url = str(tmp_path / "voice.db") if request.param == "sqlite" else request.getfixturevalue("postgres_db")
    engine = connect(url)
    try:
        write_batch(engine, [ledger(), courier()])
    finally:
        engine.dispose()
    return url


@pytest.fixture
def client(store):
    with TestClient(create_app(store)) as c:
        yield c


@pytest.fixture
def sqlite_client(tmp_path):
    url = str(tmp_path / "voice.db")
    engine = connect(url)
    try:
        write_batch(engine, [ledger(), courier()])
    finally:
        engine.dispose()
    with TestClient(create_app(url)) as c:
        yield c


def mix(rows: list[dict]) -> dict[str, int]:
    return {r["technique"]: r["count"] for r in rows}


# --- the store and the API ------------------------------------------------------------------------


def test_outlet_profiles_count_own_voice_spans_at_or_above_the_floor_and_quoted_ones_apart(client):
    ledger_profile = client.get("/api/outlets/ledger.example").json()
    assert ledger_profile["technique_floor"] == TECHNIQUE_FLOOR
    assert ledger_profile["technique_spans"] == 1  # "reckless gamble"; "could ruin the port" is below the floor
    assert mix(ledger_profile["techniques"]) == {"Loaded_Language": 1}
    assert ledger_profile["quoted_technique_spans"] == 2
    assert mix(ledger_profile["quoted_techniques"]) == {"Name_Calling,Labeling": 1, "Loaded_Language": 1}
    assert ledger_profile["technique_spans_all"] == 4
    words = len(LEDGER_TEXT.split())
    assert ledger_profile["technique_density"] == round(1000 / words, 3)
    assert ledger_profile["series"] == [{"month": "2026-03", "articles": 1, "technique_density": round(1000 / words, 3)}]

    courier_profile = client.get("/api/outlets/courier.example").json()
    # no voice in the stored spans: the attributions layer puts "greedy profiteers" in Ada Brennick's mouth
    assert mix(courier_profile["techniques"]) == {"Doubt": 1, "Loaded_Language": 1}
    assert mix(courier_profile["quoted_techniques"]) == {"Name_Calling,Labeling": 1}
    assert courier_profile["technique_spans_all"] == 4


def test_entity_profiles_count_the_same_way(client):
    profile = client.get("/api/entities/Port Arlen").json()
    assert profile["technique_floor"] == TECHNIQUE_FLOOR
    assert profile["technique_spans"] == 3 and profile["quoted_technique_spans"] == 3
    assert profile["technique_spans_all"] == 8


def test_story_comparison_shows_own_spans_at_or_above_the_floor_and_quoted_ones_with_their_speaker(client, store):
    engine = connect(store, migrate=False)
    with engine.connect() as conn:
        pks = set(conn.execute(select(documents.c.story)).scalars())
    engine.dispose()
    assert len(pks) == 1, "the two reports should be one story"
    story = client.get(f"/api/stories/{pks.pop()}").json()
    assert story["technique_floor"] == TECHNIQUE_FLOOR
    columns = {c["outlet"]["domain"]: c for c in story["documents"]}
    ledger_column, courier_column = columns["ledger.example"], columns["courier.example"]
    assert [t["text"] for t in ledger_column["techniques"]] == ["reckless gamble"]
    assert [(t["text"], t["speaker"]) for t in ledger_column["quoted_techniques"]] == [
        ("spineless cowards", HOSTILE_SPEAKER), ("robbed every docker", HOSTILE_SPEAKER),
    ]
    assert ledger_column["techniques_below_floor"] == 1
    assert [t["text"] for t in courier_column["techniques"]] == ["refused to reopen talks", "a disgrace to the whole town"]
    assert [(t["text"], t["speaker"]) for t in courier_column["quoted_techniques"]] == [("greedy profiteers", "Brennick")]
    assert courier_column["techniques_below_floor"] == 1


def test_the_technique_filter_and_facet_count_spans_at_or_above_the_floor_in_any_voice(store):
    engine = connect(store, migrate=False)
    try:
        with engine.connect() as conn:
            def found(q: str) -> set[str]:
                return {h.url.split("/")[2] for h in search(conn, q, limit=10).hits}

            assert found("technique:doubt") == {"courier.example"}  # its Doubt span is at the floor
            assert found("technique:fear") == set()  # the only fear appeal is at 0.12
            assert found("technique:name") == {"ledger.example", "courier.example"}  # quoted spans count too
            assert found("-technique:fear harbour") == {"ledger.example", "courier.example"}
            facets = dict(search(conn, "harbour", facets=True).facets["technique"])
    finally:
        engine.dispose()
    assert facets == {"Loaded_Language": 2, "Name_Calling,Labeling": 2, "Doubt": 1}


# --- the pages ----------------------------------------------------------------------------------


def article_url(client, title: str) -> str:
    hit = client.get("/api/search", params={"q": title}).json()["hits"][0]
    return f"/article/{hit['id']}"


def tooltips(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<mark class="[^"]*l-techniques[^"]*" title="([^"]*)"', html)]


def test_article_page_says_how_many_spans_are_expected_right_and_whose_voice_with_no_floor(sqlite_client):
    url = article_url(sqlite_client, "overtime")
    r = sqlite_client.get(url)
    assert r.status_code == 200 and r.template.name == "article.html"
    shown = r.context["shown"]
    assert (shown["floor"], shown["found"], shown["shown"], shown["hidden"], shown["quoted"]) == (0, 4, 4, 0, 2)
    assert "Techniques: 4 spans shown; about 1.5 expected to be right; 2 in words the article quotes." in r.text
    hover = tooltips(r.text)
    assert any(f"Voice: quoted: {HOSTILE_SPEAKER}." in t for t in hover)
    assert any("Voice: the article's own." in t for t in hover)
    # the floor choices: "all" is the current one; each is a plain link back to this page
    links = re.findall(r'<form class="floor".*?</form>', r.text, re.S)[0]
    assert f'<a href="{url}" aria-current="true">all</a>' in links
    assert f'<a href="{url}?floor={TECHNIQUE_FLOOR:g}">{TECHNIQUE_FLOOR:g} (as profiles count)</a>' in links
    assert 'method="get"' in links and 'name="floor"' in links


def test_article_page_with_a_floor_hides_the_spans_below_it(sqlite_client):
    url = article_url(sqlite_client, "overtime")
    everything = sqlite_client.get(url)
    r = sqlite_client.get(url, params={"floor": "0.4"})
    assert r.status_code == 200
    shown = r.context["shown"]
    assert (shown["shown"], shown["hidden"], shown["quoted"]) == (2, 2, 1)
    assert "Techniques: 2 spans shown; about 1.1 expected to be right (2 below 0.4 hidden); 1 in words" in r.text
    assert [t["count"] for t in r.context["legend"]] == [1, 1]
    hover = tooltips(r.text)
    assert not any("(0.35)" in t or "(0.12)" in t for t in hover)
    assert any("(0.35)" in t for t in tooltips(everything.text))
    assert 'value="0.4"' in r.text  # the form shows the floor in force
    # a floor above every span leaves the text without technique highlights, and the control to undo it
    none = sqlite_client.get(url, params={"floor": "1"})
    assert "Techniques: 0 spans shown; about 0.0 expected to be right (4 below 1 hidden)." in none.text
    assert tooltips(none.text) == [] and 'id="tg-techniques"' not in none.text
    assert f'<a href="{url}">all</a>' in none.text


@pytest.mark.parametrize("floor", ["2", "-0.1", "nan", "inf", "high"])
def test_a_floor_outside_0_to_1_is_a_400_page(sqlite_client, floor):
    r = sqlite_client.get(article_url(sqlite_client, "overtime"), params={"floor": floor})
    assert r.status_code == 400 and "floor" in r.text


def test_hostile_speaker_names_are_escaped_on_every_page(sqlite_client):
    pages = [article_url(sqlite_client, "overtime"), "/stories", "/outlet/ledger.example"]
    story = sqlite_client.get("/api/stories").json()[0]["pk"]
    pages.append(f"/story/{story}")
    for url in pages:
        html = sqlite_client.get(url).text
        assert "<img" not in html and "<b>Ada" not in html, url
    story_html = sqlite_client.get(f"/story/{story}").text
    assert 'quoted: &lt;b&gt;Ada&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt; &#34;Brennick' in story_html
    assert "techniques in quotes" in story_html
    assert "(1 below 0.3 not shown)" in story_html


def test_outlet_page_states_the_floor_and_shows_quoted_voices_apart(sqlite_client):
    r = sqlite_client.get("/outlet/ledger.example")
    text = " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
    assert (f"Counted: technique spans with a confidence of at least {TECHNIQUE_FLOOR:g} in the articles' own "
            "words (1); spans in words they quote are the speakers', counted apart below (2). Of 4 spans found in "
            "all, the rest are below the floor.") in unescape(text)
    assert "In quotes: said by people the articles quote" in text
    mixes = re.findall(r'<table class="mix">.*?</table>', r.text, re.S)
    assert len(mixes) == 2  # the outlet's own, then the quoted
    assert "Loaded language" in mixes[0] and "Name calling" not in mixes[0]
    assert "Name calling" in mixes[1]
