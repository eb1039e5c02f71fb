"""The corpus store on real SQLite and real PostgreSQL: schema, identity, near-duplicates, stories, search."""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from unspin.document import Document, Meta, Source, Span
from unspin.errors import Failure
from unspin.store import dedup
from unspin.store.corpus import counts, write_batch
from unspin.store.db import StoreError, connect, normalise_url
from unspin.store.query import QueryError
from unspin.store.search import search, techniques_named
from unspin.store.tables import documents, failures, metadata, stories

# Three reports of one strike (two outlets, one wire copy) and unrelated pieces. Invented text.
STRIKE = (
    "Dock workers in Port Arlen walked off the job on Monday after wage talks with the harbour board "
    "collapsed late on Sunday night. The union said about 900 members would stay out until the board "
    "restored the overtime rates it cut in the spring. Cargo ships queued outside the breakwater while "
    "managers tried to move containers with office staff. The harbour board called the stoppage "
    "reckless and said its offer was final. Union leader Ada Brennick told reporters the strike would "
    "last as long as it takes, and warned that crane drivers at Kessmouth could join by the weekend."
)
STRIKE_WIRE = (
    "PORT ARLEN (Wire) - " + STRIKE.replace("late on Sunday night", "on Sunday night")
    + " Reporting by the wire desk; editing by the night editor."
)
STRIKE_OTHER = (
    "The stoppage at Port Arlen entered its second day as the harbour board refused to reopen wage "
    "talks. Ada Brennick, who leads the union, said crane drivers in Kessmouth had voted to walk out in "
    "sympathy. Exporters warned that perishable cargo was rotting on the quays and that the strike "
    "could cost the region dearly. The board insisted its offer on overtime rates was final."
)
BAKERY = (
    "A family bakery in Lindholm won a national prize for its rye bread on Saturday. The judges praised "
    "the crust and the long fermentation, and the owners said they would use the prize money to buy a "
    "second oven and hire two apprentices from the town's vocational school."
)
ELECTION = (
    "Voters in Kessmouth elect a new mayor next month after the incumbent announced her retirement. "
    "Three candidates have registered, and the first televised debate will focus on housing, buses "
    "and the future of the old shipyard site, which has stood empty for a decade."
)


def entity(text_: str, name: str, canonical: str, label: str = "GPE") -> Span:
    start = text_.index(name)
    return Span(start, start + len(name), label, 1.0, "entities", {"canonical": canonical})


def make(text_: str, url: str, title: str, published: str, names: list[tuple[str, str, str]] = (),
         techniques: list[tuple[str, str]] = (), site: str | None = None) -> Document:
    layers = {"entities": [entity(text_, n, c, lab) for n, c, lab in names]}
    spans = []
    for words, label in techniques:
        start = text_.index(words)
        spans.append(Span(start, start + len(words), label, 0.4, "techniques", {"cues": [words.split()[0]]}))
    layers["techniques"] = spans
    meta = Meta(title=title, url=url, published=published, language="en", site=site)
    return Document(text_, meta=meta, source=Source(name=url, format="html"), layers=layers)


STRIKE_NAMES = [("Port Arlen", "Port Arlen", "GPE"), ("Ada Brennick", "Ada Brennick", "PERSON"),
                ("Kessmouth", "Kessmouth", "GPE")]


def corpus() -> list[Document]:
    return [
        make(STRIKE, "https://www.ledger.example/strike", "Dock strike halts Port Arlen", "2026-03-02",
             STRIKE_NAMES, [("reckless", "Loaded_Language")], site="The Ledger"),
        make(STRIKE_WIRE, "https://gazette.example/wire", "Dockers strike in Port Arlen", "2026-03-02",
             STRIKE_NAMES),
        make(STRIKE_OTHER, "https://courier.example/strike-day-two", "Strike enters second day", "2026-03-03",
             STRIKE_NAMES, [("rotting on the quays", "Appeal_to_fear-prejudice")]),
        make(BAKERY, "https://courier.example/bakery", "Rye bread wins prize", "2026-03-01",
             [("Lindholm", "Lindholm", "GPE")]),
        make(ELECTION, "https://ledger.example/election", "Kessmouth picks a mayor", "2026-02-10",
             [("Kessmouth", "Kessmouth", "GPE")]),
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_db")


@pytest.fixture
def engine(db_url):
    engine = connect(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def filled(engine):
    write_batch(engine, corpus())
    return engine


def test_urls_are_normalised():
    assert normalise_url("corpus.db") == "sqlite:///corpus.db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(StoreError, match="unsupported database URL"):
        normalise_url("mysql://u@h/db")


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        connect(str(tmp_path / "nowhere" / "corpus.db"))


def test_migration_gives_exactly_the_declared_schema(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn, warnings.catch_warnings():
        # SQLAlchemy cannot reflect SQLite's expression indexes: it says so and skips that one
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        if conn.dialect.name == "sqlite":
            indexes = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_mentions_canonical_lower'")
            assert "lower(canonical)" in indexes.scalar_one()
    # the full-text index is the migration's own business: FTS5 tables on SQLite, a tsvector on PostgreSQL
    def fts(diff) -> bool:
        text_ = repr(diff)
        return "documents_fts" in text_ or "'tsv'" in text_ or "ix_documents_tsv" in text_ \
            or (engine.dialect.name == "sqlite" and "ix_mentions_canonical_lower" in text_)
    assert [d for d in diffs if not fts(d)] == []
    connect(engine.url.render_as_string(hide_password=False)).dispose()  # a second upgrade is a no-op


def test_a_document_is_stored_once(engine):
    doc = corpus()[0]
    first = write_batch(engine, [doc, doc])
    again = write_batch(engine, [doc])
    assert [r.skipped for r in first] == [False, True]
    assert again[0].skipped
    assert counts(engine)["documents"] == 1
    with engine.connect() as conn:
        stored = Document.loads(conn.execute(select(documents.c.document)).scalar_one())
    assert stored == doc
    with engine.begin() as conn, pytest.raises(IntegrityError):  # the identity is enforced by the database too
        conn.execute(documents.insert().values(
            id=doc.id, text="x", document="{}", source_name="x", content_sha256="x", words=1, sentences=0,
            speculative=0, attributions=0, vague_attributions=0, technique_spans=0, appeals=0,
            ingested_at=__import__("datetime").datetime.now(__import__("datetime").timezone.utc),
        ))


def test_wire_copy_is_a_near_duplicate_and_others_are_not(filled):
    with filled.connect() as conn:
        rows = {r.url: r for r in conn.execute(select(documents))}
    original = rows["https://www.ledger.example/strike"]
    assert rows["https://gazette.example/wire"].duplicate_of == original.pk
    assert all(r.duplicate_of is None for u, r in rows.items() if "wire" not in u)
    assert original.outlet == "ledger.example"  # www. is not part of the outlet


def test_similarity_estimates_are_sane():
    a, b = dedup.shingle_signature(STRIKE), dedup.shingle_signature(STRIKE_WIRE)
    assert dedup.similarity(a, b) >= dedup.DUPLICATE_THRESHOLD
    assert dedup.similarity(a, dedup.shingle_signature(STRIKE_OTHER)) < 0.2
    assert dedup.similarity(a, dedup.shingle_signature(BAKERY)) < 0.1


def test_reports_of_one_event_form_one_story(filled):
    with filled.connect() as conn:
        story_of = {r.url: r.story for r in conn.execute(select(documents.c.url, documents.c.story))}
        sizes = {r.pk: r.size for r in conn.execute(select(stories))}
    strike = story_of["https://www.ledger.example/strike"]
    assert story_of["https://gazette.example/wire"] == strike
    assert story_of["https://courier.example/strike-day-two"] == strike
    assert story_of["https://ledger.example/election"] != strike  # shares a place name, not the event
    assert story_of["https://courier.example/bakery"] != strike
    assert sizes[strike] == 3


def test_a_report_outside_the_window_is_another_story(filled):
    month_on = ("Seven weeks after the harbour board and the union signed their deal, Port Arlen handles more "
                "cargo than before the strike. Ada Brennick says the crane drivers of Kessmouth kept their word, "
                "and the board says the overtime rates cost less than it had feared.")
    later = make(month_on, "https://courier.example/strike-month",
                 "A month after the strike", "2026-04-20", STRIKE_NAMES)
    write_batch(filled, [later])
    with filled.connect() as conn:
        story_of = {r.url: r.story for r in conn.execute(select(documents.c.url, documents.c.story))}
    assert story_of["https://courier.example/strike-month"] != story_of["https://www.ledger.example/strike"]


def test_failures_are_recorded_once_per_input(engine):
    failure = Failure("bad.html", "U002", "empty input")
    write_batch(engine, [], [failure])
    write_batch(engine, [], [failure, Failure("bad.warc", "U007", "truncated record", record=3)])
    with engine.connect() as conn:
        rows = conn.execute(select(failures.c.input, failures.c.record, failures.c.code)).all()
    assert sorted(map(tuple, rows)) == [("bad.html", None, "U002"), ("bad.warc", 3, "U007")]


QUERIES = {
    "strike": {"strike", "wire", "strike-day-two"},
    '"harbour board"': {"strike", "wire", "strike-day-two"},
    '"board harbour"': set(),
    "strik*": {"strike", "wire", "strike-day-two"},
    "bakery OR mayor": {"bakery", "election"},
    "bread OR (strike -reckless)": {"bakery", "strike-day-two"},
    "strike NOT kessmouth": set(),
    "kessmouth -strike": {"election"},
    "outlet:ledger.example": {"strike", "election"},
    'outlet:"The Ledger"': {"strike", "election"},
    # by host, its first labels or the site's name, any case
    "outlet:ledger": {"strike", "election"},
    "outlet:LEDGER.Example": {"strike", "election"},
    "outlet:www.ledger.example": {"strike", "election"},
    'outlet:"the ledger"': {"strike", "election"},
    "outlet:ledg": set(),
    "outlet:example": set(),
    "strike -outlet:Ledger": {"wire", "strike-day-two"},
    "strike -outlet:ledger.example": {"wire", "strike-day-two"},
    "entity:kessmouth": {"strike", "wire", "strike-day-two", "election"},
    'entity:"Ada Brennick" after:2026-03-03': {"strike-day-two"},
    "before:2026-03-01": {"bakery", "election"},
    "technique:loaded": {"strike"},
    "technique:fear strike": {"strike-day-two"},
    "-technique:loaded strike": {"wire", "strike-day-two"},
    "language:en rye": {"bakery"},
    "prizes": {"bakery"},  # stemmed on both engines
    '"title:strike"': set(),  # quoted, not a filter: the phrase "title strike", which no document holds
}


def slug(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize("query", list(QUERIES))
def test_search_finds_the_same_documents_on_both_engines(filled, query):
    with filled.connect() as conn:
        results = search(conn, query, limit=50)
    assert {slug(h.url) for h in results.hits} == QUERIES[query]
    assert results.total == len(QUERIES[query])


def test_search_ranks_title_matches_first_and_marks_snippets(filled):
    with filled.connect() as conn:
        results = search(conn, "mayor")
        top = results.hits[0]
        assert slug(top.url) == "election" and top.rank > 0
        strike = search(conn, "strike", limit=50)
    assert all("\x02" in h.snippet and "\x03" in h.snippet for h in strike.hits)
    assert dict(strike.facets["outlet"]) == {"ledger.example": 1, "gazette.example": 1, "courier.example": 1}
    assert dict(strike.facets["entity"])["Ada Brennick"] == 3
    assert dict(strike.facets["month"]) == {"2026-03": 3}
    assert dict(strike.facets["technique"]) == {"Loaded_Language": 1, "Appeal_to_fear-prejudice": 1}


def test_search_pages_and_orders_filter_only_queries_by_date(filled):
    with filled.connect() as conn:
        everything = search(conn, "language:en", limit=2)
        rest = search(conn, "language:en", limit=10, offset=2)
    assert everything.total == 5 and len(everything.hits) == 2
    dates = [h.published.isoformat() for h in everything.hits + rest.hits]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query, message", [
    ("technique:nonsense", "is not a technique"),
    ("NOT strike", "needs a word"),
    ('"unclosed', "quote"),
    ("after:2026-13-45", "2026-13-45"),
    ("title:strike", "unknown filter 'title:'.*outlet:"),
    ("outlte:ledger.example strike", "unknown filter 'outlte:'"),
])
def test_bad_queries_say_why(filled, query, message):
    with filled.connect() as conn, pytest.raises(QueryError, match=message):
        search(conn, query)


def test_technique_names_resolve_by_label_display_name_or_part():
    assert techniques_named("loaded_language") == ["Loaded_Language"]
    assert techniques_named("Straw men") == ["Whataboutism,Straw_Men,Red_Herring"]
    assert techniques_named("name") == ["Name_Calling,Labeling"]


def test_hostile_query_text_is_never_engine_syntax(filled):
    with filled.connect() as conn:
        for query in ['") OR 1=1 --', "NEAR(strike board)", "strike'; DROP TABLE documents; --", "^strike", "*"]:
            try:
                search(conn, query)
            except QueryError:
                pass
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar_one() == 5
