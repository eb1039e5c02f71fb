"""Story grouping on real stores (SQLite and PostgreSQL) through the real ingest; regrouping; the gold figures.

The articles here are invented. They are read as JSON Lines, analysed by the
components grouping reads (sentences, entities) and stored by ``ingest``,
as ``unspin eval stories`` does with the gold sets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from conftest import SHARED, need, run_cli
from unspin.analyze import build
from unspin.analyze.parallel import analysed
from unspin.document import Document
from unspin.ingest import read_inputs
from unspin.store import stories as grouping
from unspin.store.db import connect
from unspin.store.ingest import ingest
from unspin.store.tables import documents, signatures, stories

FIRE_LEDGER = (
    "Firefighters battled a fast-moving wildfire near Paradise Valley, Arizona, on Monday after strong winds "
    "pushed the flames toward the edge of town. About 2,300 residents were told to leave their homes, and "
    "Governor Ellen Marsh declared a state of emergency for Maricopa County. Fire chief Ramon Ortiz said "
    "crews had contained 15 percent of the blaze by the evening and that two firefighters were treated for "
    "heat exhaustion. The U.S. Forest Service sent two air tankers."
)
FIRE_COURIER = (
    "A wildfire driven by gusty winds forced some 2,300 people from their homes in Paradise Valley on Monday, "
    "officials said. Arizona Governor Ellen Marsh issued an emergency declaration for Maricopa County as "
    "smoke blanketed the area. \"We are throwing everything we have at it,\" said Ramon Ortiz, the local fire "
    "chief, adding that the blaze was 15 percent contained. Investigators have not said what started it."
)
#: Another fire the same day, told in much the same words, sharing one name with the first report.
FIRE_ELSEWHERE = (
    "Crews from the U.S. Forest Service fought a wildfire in the foothills west of Boulder, Colorado, on "
    "Monday as dry winds pushed the flames toward canyon homes. Around 800 residents were ordered out, and "
    "Governor Tom Reyes declared a disaster emergency for Boulder County. Incident commander Dana Whitfield "
    "said the fire was 40 percent contained by nightfall and that no injuries had been reported."
)
FERRY_ONE = (
    "A passenger ferry ran aground off the island of Hvar in Croatia, and all 118 people on board were "
    "rescued by the coast guard. The ferry, the Lastovo Star, struck rocks in heavy fog shortly after leaving "
    "Split harbour. Captain Ivo Maric said the hull was damaged but no one was seriously hurt."
)
FERRY_TWO = (
    "The Croatian coast guard rescued 118 passengers and crew after the ferry Lastovo Star hit rocks near Hvar "
    "in thick fog. The vessel had left Split less than an hour earlier. Its captain, Ivo Maric, told "
    "reporters that water entered the hull but that nobody was badly injured."
)

RECORDS = [
    {"text": FIRE_LEDGER, "title": "Wildfire forces evacuations in Paradise Valley", "date": "2026-05-11",
     "url": "https://ledger.example/fire", "outlet": "The Ledger"},
    {"text": FIRE_COURIER, "title": "Thousands flee Arizona wildfire", "date": "2026-05-11",
     "url": "https://courier.example/arizona-fire", "outlet": "The Courier"},
    {"text": FIRE_ELSEWHERE, "title": "Boulder fire forces 800 from homes", "date": "2026-05-11",
     "url": "https://gazette.example/boulder-fire", "outlet": "The Gazette"},
    # undated: no window, no penalty
    {"text": FERRY_ONE, "title": "Ferry runs aground off Hvar", "url": "https://ledger.example/ferry"},
    {"text": FERRY_TWO, "title": "118 rescued as ferry hits rocks", "url": "https://courier.example/ferry"},
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_db")


def store(url: str, folder: Path, records=RECORDS):
    """Ingest the records (as JSON Lines, analysed for grouping) into the store at ``url``."""
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    components = build(("sentences", "entities"))
    docs = (analysed(d, components) if isinstance(d, Document) else d for d in read_inputs([str(source)], "jsonl"))
    engine = connect(url)
    report = ingest(engine, docs, analysed=True)
    assert report.stored == len(records) and not report.failures
    return engine


def story_of(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {r.url: r.story for r in conn.execute(select(documents.c.url, documents.c.story))}


def partition(engine) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for url, story in story_of(engine).items():
        groups.setdefault(story, set()).add(url)
    return {frozenset(g) for g in groups.values()}


EXPECTED = {
    frozenset({"https://ledger.example/fire", "https://courier.example/arizona-fire"}),
    frozenset({"https://gazette.example/boulder-fire"}),
    frozenset({"https://ledger.example/ferry", "https://courier.example/ferry"}),
}


@pytest.fixture
def filled(db_url, tmp_path):
    engine = store(db_url, tmp_path)
    yield engine
    engine.dispose()


def test_one_event_told_by_two_outlets_is_one_story_and_a_similar_one_is_not(filled):
    # the fire elsewhere, the same day in much the same words, is close to the first report alone;
    # the average over the story's two reports keeps it out
    assert partition(filled) == EXPECTED
    with filled.connect() as conn:
        sizes = sorted(conn.execute(select(stories.c.size)).scalars())
        embedded = conn.execute(select(func.count()).where(signatures.c.embedding.is_not(None))).scalar_one()
    assert sizes == [1, 2, 2]
    assert embedded == len(RECORDS)


def test_scores_say_why():
    near = grouping.Member(1, None, None, None, frozenset({"Hvar", "Split"}), frozenset({"118"}), None)
    far_apart = grouping.Member(2, None, None, None, frozenset(), frozenset(), None)
    import datetime

    monday, next_week = datetime.date(2026, 5, 11), datetime.date(2026, 5, 18)
    dated = grouping.Member(3, None, monday, "a.example", frozenset({"Hvar"}), frozenset(), None)
    later = grouping.Member(4, None, next_week, "b.example", frozenset({"Hvar"}), frozenset(), None)
    assert grouping.margin(dated, later) is None  # outside the window: never one story
    assert grouping.margin(near, far_apart) == pytest.approx(-grouping.STORY_THRESHOLD)
    same_outlet = grouping.Member(5, None, monday, "a.example", frozenset({"Hvar"}), frozenset(), None)
    other_outlet = grouping.Member(6, None, monday, "c.example", frozenset({"Hvar"}), frozenset(), None)
    assert grouping.margin(dated, other_outlet) - grouping.margin(dated, same_outlet) == pytest.approx(
        grouping.SAME_OUTLET_PENALTY
    )
    assert grouping.figures("Some 2,300 left; 15.5 percent; 2300 again") == frozenset({"2300", "15.5"})


def one_story_each(engine) -> None:
    """Put every document in a story of its own, as a store grouped by a rule that joined nothing would be."""
    with engine.begin() as conn:
        rows = conn.execute(select(documents.c.pk, documents.c.title, documents.c.published)).all()
        conn.execute(update(documents).values(story=None))
        conn.execute(stories.delete())
        for r in rows:
            key = grouping.join_story(conn, None, r.title, r.published)
            conn.execute(update(documents).where(documents.c.pk == r.pk).values(story=key))


def test_regroup_recomputes_stories_after_the_rule_changed(filled):
    one_story_each(filled)
    assert len(partition(filled)) == len(RECORDS)
    with filled.begin() as conn:
        assert grouping.regroup(conn) == 3
    assert partition(filled) == EXPECTED
    with filled.connect() as conn:
        sizes = {r.label: r.size for r in conn.execute(select(stories.c.label, stories.c.size))}
    assert sizes["Wildfire forces evacuations in Paradise Valley"] == 2


def test_regroup_fills_what_an_older_store_lacks_and_changes_nothing_else(filled):
    before = story_of(filled)
    with filled.begin() as conn:  # as rows stored before migration 0004
        conn.execute(update(signatures).values(embedding=None, figures=None))
        grouping.regroup(conn)
    with filled.connect() as conn:
        missing = conn.execute(
            select(func.count()).where(signatures.c.embedding.is_(None) | signatures.c.figures.is_(None))
        ).scalar_one()
    assert missing == 0
    assert partition(filled) == EXPECTED
    assert len(set(before.values())) == len(set(story_of(filled).values()))


#: A real failure half-way through a regrouping: the database refuses a third story.
FAIL_THIRD_STORY = {
    "sqlite": [
        "CREATE TRIGGER fail_third BEFORE INSERT ON stories WHEN (SELECT count(*) FROM stories) >= 2 "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION fail_third() RETURNS trigger AS $$ BEGIN IF (SELECT count(*) FROM stories) >= 2 THEN "
        "RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER fail_third BEFORE INSERT ON stories FOR EACH ROW EXECUTE FUNCTION fail_third()",
    ],
}


def test_regroup_is_one_transaction(filled):
    from sqlalchemy.exc import SQLAlchemyError

    one_story_each(filled)
    before = story_of(filled)
    with filled.connect() as conn:
        labels = sorted(conn.execute(select(stories.c.label)).scalars())
    with filled.begin() as conn:
        for statement in FAIL_THIRD_STORY[filled.dialect.name]:
            conn.exec_driver_sql(statement)
    with pytest.raises(SQLAlchemyError, match="disk full"):
        with filled.begin() as conn:
            grouping.regroup(conn)
    assert story_of(filled) == before
    with filled.connect() as conn:
        assert sorted(conn.execute(select(stories.c.label)).scalars()) == labels


def test_regroup_command(tmp_path):
    db = tmp_path / "corpus.db"
    store(str(db), tmp_path).dispose()
    done = run_cli("regroup", "--db", str(db), timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    assert "regrouped 5 document(s) into 3 stories" in done.stderr.decode()
    missing = run_cli("regroup", "--db", str(tmp_path / "nowhere" / "x.db"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr.decode()
    engine = connect(str(db))
    before = story_of(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(FAIL_THIRD_STORY["sqlite"][0])
    engine.dispose()
    failed = run_cli("regroup", "--db", str(db), timeout=600)
    assert failed.returncode == 1
    assert "disk full" in failed.stderr.decode() and "(the store is unchanged)" in failed.stderr.decode()
    engine = connect(str(db))
    assert story_of(engine) == before
    engine.dispose()


def test_migrations_are_one_line_and_a_store_at_0003_is_upgraded_to_0004(tmp_path):
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect

    from unspin.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == ["0001", "0003", "0004", "0005", "0006", "0007", "0008"]
    assert script.get_heads() == ["0008"]

    path = tmp_path / "old.db"
    old = create_engine(f"sqlite:///{path}")
    with old.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")  # the store as the last release left it
    assert "embedding" not in {c["name"] for c in inspect(old).get_columns("signatures")}
    old.dispose()
    engine = connect(str(path))  # as the next unspin command opens it
    assert {"embedding", "figures"} <= {c["name"] for c in inspect(engine).get_columns("signatures")}
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == ("0008",)
    engine.dispose()


# --- the gold figures (../shared) -----------------------------------------------------------------

BASIL = SHARED / "data" / "basil"
ECBPLUS = SHARED / "data" / "ecbplus"


@pytest.mark.shared
def test_basil_untouched_half_floors():
    from unspin.eval.stories import PAGE_COMPONENTS, basil_articles, evaluate_part

    articles = [a for a in basil_articles(need(BASIL)) if a.part == "report"]
    assert len(articles) == 75
    scores = evaluate_part(articles, PAGE_COMPONENTS, coverage=True)
    assert scores["f1"] >= 0.80 and scores["precision"] >= 0.90
    assert scores["informational_bias"]["in_only_here"] > 0


@pytest.mark.shared
def test_ecbplus_untouched_topics_floor():
    from unspin.eval.stories import ecbplus_articles, evaluate_part

    articles = [a for a in ecbplus_articles(need(ECBPLUS)) if a.part == "report"]
    scores = evaluate_part(articles)
    assert scores["precision"] >= 0.80
