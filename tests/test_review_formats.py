"""Reviews out of the store in the formats annotators use, and Label Studio's work back in.

Real stores (SQLite, and PostgreSQL where its server binaries are installed),
real analysed documents of our own text, the real ``unspin`` command. The
Label Studio round trip: export, turn the tasks into what Label Studio's
"Export -> JSON" gives back (ids, completed_by, times added to the
annotation, as its documented task format has them), import into a fresh
copy of the store, and the reviewed view is the same.
"""

from __future__ import annotations

import copy
import datetime
import json
import uuid
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from unspin.analyze.pipeline import build, run
from unspin.document import Document, Meta
from unspin.review.quote import locate
from unspin.review.records import Mark, Review
from unspin.review.view import differences, reviewed
from unspin.store import review_io
from unspin.store import reviews as store_reviews
from unspin.store.corpus import write_batch
from unspin.store.db import connect
from unspin.store.tables import document_reviews, reviews

HARBOUR = ("The harbour board of Tallinn said on Monday that 300 dockers walked out.\n\n"
           "Critics called the strike a disgraceful betrayal by reckless clowns. "
           "The harbour board expects talks in Tallinn next week.")
FERRY = "The ferry company in Riga cancelled two crossings on Friday after a storm."
BRIDGE = "Engineers in Vilnius reopened the old bridge to cyclists in March."
T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.timezone.utc)
HOSTILE_NOTE = '<script>alert("x")</script> & </Labels>\tnext\nline'
HOSTILE_LABEL = 'ORG"/><Label value="x[bold]'


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    made = []
    for text, url in ((HARBOUR, "https://example.org/harbour"), (FERRY, "https://example.org/ferry"),
                      (BRIDGE, "https://example.org/bridge")):
        doc = Document(text, Meta(language="en", url=url, title=text[:20]))
        run(doc, build(["sentences", "entities", "quantities", "dates", "attributions", "modality", "events",
                        "techniques"]))
        made.append(doc)
    return made


def first(doc: Document, layer: str, words: str):
    return next(s for s in doc.layer(layer) if doc.span_text(s) == words)


def analyst_reviews(doc: Document) -> list[Review]:
    """Every kind of review on the harbour article: reject, relabel with a new name, move, add (one across the
    paragraph break, one with a hostile note, one with a hostile label)."""
    tallinn = [s for s in doc.layer("entities") if doc.span_text(s) == "Tallinn"]
    quantity = first(doc, "quantities", "300")
    clowns = locate(doc.text, "reckless clowns")
    across = locate(doc.text, "walked out.\n\nCritics")
    board = locate(doc.text, "The harbour board", occurrence=2)
    return [
        Review(doc.id, "entities", Mark(tallinn[0].start, tallinn[0].end, tallinn[0].label), None, "ana", at(1)),
        Review(doc.id, "entities", Mark(tallinn[1].start, tallinn[1].end, tallinn[1].label),
               Mark(tallinn[1].start, tallinn[1].end, "LOC", "Tallinn harbour"), "ana", at(2), note="the port"),
        Review(doc.id, "quantities", Mark(quantity.start, quantity.end, quantity.label),
               Mark(quantity.start, quantity.end + len(" dockers"), quantity.label), "ben", at(3)),
        Review(doc.id, "techniques", None, Mark(*clowns, "Name_Calling,Labeling"), "ana", at(4), note=HOSTILE_NOTE),
        Review(doc.id, "techniques", None, Mark(*across, "Doubt"), "ben", at(5)),
        Review(doc.id, "entities", None, Mark(*board, HOSTILE_LABEL, "Harbour Board"), "ben", at(6)),
    ]


def fill(url: str, docs: list[Document], with_reviews: bool):
    engine = connect(url)
    write_batch(engine, docs)
    if with_reviews:
        with engine.begin() as conn:
            store_reviews.write_reviews(conn, analyst_reviews(docs[0]))
            store_reviews.mark_document(conn, docs[1].id, True, "ana")
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, docs):
    url = str(tmp_path / "store.db") if request.param == "sqlite" else request.getfixturevalue("postgres_db")
    engine = fill(url, docs, with_reviews=True)
    yield url, engine
    engine.dispose()


@pytest.fixture
def fresh_store(request, store, tmp_path):
    """A second, empty store of the same kind as ``store``."""
    if not store[0].startswith("postgresql"):
        yield str(tmp_path / "fresh.db")
        return
    server = request.getfixturevalue("postgres_server")
    name = f"unspin_fresh_{uuid.uuid4().hex[:12]}"
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture
def sqlite_store(tmp_path, docs):
    url = str(tmp_path / "store.db")
    engine = fill(url, docs, with_reviews=True)
    yield url, engine
    engine.dispose()


def view_marks(doc: Document) -> dict[str, list[tuple]]:
    return {layer: sorted((s.start, s.end, s.label, (s.attrs or {}).get("canonical")) for s in spans)
            for layer, spans in doc.layers.items() if layer != "sentences"}


def stored_views(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {doc.id: view_marks(reviewed(doc, revs)) for doc, revs in review_io.pairs(conn, review_io.document_ids(conn, False))}


def as_label_studio_exports(tasks: list[dict]) -> list[dict]:
    """What Label Studio's Export -> JSON gives for tasks imported as they are and submitted by user 7."""
    out = copy.deepcopy(tasks)
    for number, task in enumerate(out, 1):
        task["id"] = number
        for k, annotation in enumerate(task.get("annotations", []), 1):
            annotation.update({"id": 100 * number + k, "completed_by": 7, "was_cancelled": False,
                               "created_at": "2026-12-01T10:00:00.000000Z", "updated_at": "2026-12-01T10:05:00.123456Z",
                               "lead_time": 12.5, "task": number})
    return out


def one_line_error(run_, *words):
    assert run_.returncode == 1, run_.stderr
    lines = run_.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("unspin: error:"), lines
    for word in words:
        assert word in lines[0], lines[0]


# --- Label Studio -----------------------------------------------------------------------------------------


def test_label_studio_round_trip_gives_the_same_reviewed_view(cli, store, fresh_store, docs, tmp_path):
    url, engine = store
    out = tmp_path / "tasks.json"
    made = cli("reviews", "export", "--db", url, "--format", "labelstudio", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "wrote 2 task(s), 2 with the reviewed view as annotations" in made.stderr.decode()
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["id"] for t in tasks] == [docs[0].id, docs[1].id]
    harbour = tasks[0]
    assert harbour["data"]["text"] == HARBOUR and harbour["data"]["url"] == "https://example.org/harbour"
    prediction = harbour["predictions"][0]
    assert prediction["model_version"].startswith("unspin ")
    technique = first(docs[0], "techniques", docs[0].span_text(docs[0].layer("techniques")[0]))
    result = next(r for r in prediction["result"] if r["from_name"] == "techniques")
    assert result["score"] == technique.confidence and result["type"] == "labels" and result["to_name"] == "text"
    assert result["value"] == {"start": technique.start, "end": technique.end,
                               "text": HARBOUR[technique.start:technique.end], "labels": [technique.label]}
    annotated = harbour["annotations"][0]["result"]
    changed = next(r for r in annotated if r["value"]["labels"] == ["LOC"])
    assert changed["meta"] == {"canonical": "Tallinn harbour", "text": ["the port"]}
    ids = [r["id"] for r in prediction["result"] + annotated]
    assert len(ids) == len(set(ids))

    # the labeling config parses, escapes the hostile label, and lists every label the results use
    config = ET.fromstring((tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8"))
    labels = {group.get("name"): {x.get("value") for x in group.iter("Label")} for group in config.iter("Labels")}
    assert HOSTILE_LABEL in labels["entities"] and "Doubt" in labels["techniques"]
    for task in tasks:
        for group in task["predictions"] + task.get("annotations", []):
            for r in group["result"]:
                assert set(r["value"]["labels"]) <= labels[r["from_name"]]

    exported = tmp_path / "project-export.json"
    exported.write_text(json.dumps(as_label_studio_exports(tasks)), encoding="utf-8")
    fresh_url = fresh_store
    fresh = fill(fresh_url, docs, with_reviews=False)
    back = cli("reviews", "import", str(exported), "--db", fresh_url)
    assert back.returncode == 0, back.stderr
    assert "on 2 document(s)" in back.stderr.decode()
    assert stored_views(fresh) == stored_views(engine)
    with fresh.connect() as conn:
        kept = store_reviews.reviews_of(conn, docs[0].id)
        assert {r.reviewer for r in kept} == {"labelstudio:7"} and {r.origin for r in kept} == {"labelstudio"}
        assert {r.at for r in kept} == {datetime.datetime(2026, 12, 1, 10, 5, 0, 123456, tzinfo=datetime.timezone.utc)}
        assert store_reviews.document_status(conn, docs[1].id)["reviewed"]
        hostile = next(r for r in kept if r.after and r.after.label == "Name_Calling,Labeling")
        assert hostile.note == HOSTILE_NOTE
        machine = {d.id: d for d, _ in review_io.pairs(conn, review_io.document_ids(conn, False))}
    kinds = lambda e: sorted((d.layer, d.kind) for d in differences(  # noqa: E731
        docs[0], reviewed(docs[0], e), ["entities", "quantities", "techniques"]))
    with engine.connect() as conn:
        assert kinds(kept) == kinds(store_reviews.reviews_of(conn, docs[0].id))
    assert machine[docs[0].id] == docs[0]

    # the same file again records nothing new
    again = cli("reviews", "import", str(exported), "--db", fresh_url)
    assert again.returncode == 0, again.stderr
    assert "imported 0 review(s)" in again.stderr.decode() and "already recorded" in again.stderr.decode()
    fresh.dispose()


def test_work_done_in_label_studio_comes_back_as_reviews(cli, sqlite_store, docs, tmp_path):
    url, engine = sqlite_store
    out = tmp_path / "tasks.json"
    assert cli("reviews", "export", "--db", url, "--format", "labelstudio", "--out", str(out)).returncode == 0
    tasks = as_label_studio_exports(json.loads(out.read_text(encoding="utf-8")))
    harbour = tasks[0]
    result = harbour["annotations"][0]["result"]
    # in Label Studio: the 'Monday' date is deleted, the Riga-less harbour gets 'Critics' as a group, and a second,
    # later annotation by another user is the one that counts
    later = copy.deepcopy(harbour["annotations"][0])
    later["result"] = [r for r in result if r["value"]["text"] != "Monday"] + [{
        "id": "new1", "from_name": "entities", "to_name": "text", "type": "labels",
        "value": {"start": HARBOUR.index("Critics"), "end": HARBOUR.index("Critics") + 7, "text": "Critics",
                  "labels": ["NORP"]},
        "meta": {"text": ["who are they?"]},
    }, {"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["x"]}}]
    later.update({"id": 999, "completed_by": {"id": 9, "email": "lea@example.org"},
                  "updated_at": "2026-12-02T08:00:00Z"})
    harbour["annotations"].append(later)
    cancelled = copy.deepcopy(later)
    cancelled.update({"id": 1000, "was_cancelled": True, "updated_at": "2026-12-03T08:00:00Z", "result": []})
    harbour["annotations"].append(cancelled)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks[:1]), encoding="utf-8")
    ran = cli("reviews", "import", str(path), "--db", url)
    assert ran.returncode == 0, ran.stderr
    assert "1 result(s) or line(s) that are not spans of an unspin layer ignored" in ran.stderr.decode()
    view = stored_views(engine)[docs[0].id]
    monday = first(docs[0], "dates", "Monday")
    assert (monday.start, monday.end, monday.label, None) not in view["dates"]
    assert (HARBOUR.index("Critics"), HARBOUR.index("Critics") + 7, "NORP", None) in view["entities"]
    with engine.connect() as conn:
        mine = [r for r in store_reviews.reviews_of(conn, docs[0].id) if r.origin == "labelstudio"]
    assert {r.reviewer for r in mine} == {"labelstudio:lea@example.org"}
    assert {r.verdict for r in mine} >= {"accept", "reject", "add"}
    assert next(r for r in mine if r.verdict == "add" and r.after.label == "NORP").note == "who are they?"

    # --reviewer names the reviews instead; a task with no submitted annotation gives none
    other = tmp_path / "named.json"
    tasks[1]["annotations"] = []
    other.write_text(json.dumps(tasks[1:]), encoding="utf-8")
    named = cli("reviews", "import", str(other), "--db", url, "--reviewer", "desk-b")
    assert named.returncode == 0 and "1 task(s) without a submitted annotation" in named.stderr.decode()


def test_bad_label_studio_files_are_one_line_errors_and_record_nothing(cli, sqlite_store, docs, tmp_path):
    url, engine = sqlite_store
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(reviews)).scalar_one()
        marks_before = conn.execute(select(func.count()).select_from(document_reviews)).scalar_one()
    cases = {
        "not-json.json": (b"{not json", "not JSON"),
        "object.json": (b'{"tasks": []}', "not a Label Studio export"),
        "no-text.json": (json.dumps([{"data": {"image": "x.png"}}]).encode(), "not a text task"),
    }
    unknown = [{"id": 5, "data": {"text": "A text no store holds.", "id": "nope"},
                "annotations": [{"result": [], "completed_by": 1}]}]
    cases["unknown.json"] = (json.dumps(unknown).encode(), "task 1 (id 5): no document in the store")
    wrong = [
        {"data": {"text": FERRY, "id": docs[1].id}, "annotations": [{"completed_by": 1, "result": []}]},
        {"data": {"text": HARBOUR, "id": docs[0].id}, "annotations": [{"completed_by": 1, "result": [
            {"from_name": "entities", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 11, "text": "Something else", "labels": ["ORG"]}}]}]},
    ]
    cases["offsets.json"] = (json.dumps(wrong).encode(), "task 2, result 1: offsets 0-11 do not hold the words")
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        one_line_error(cli("reviews", "import", str(path), "--db", url), str(path), words)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(reviews)).scalar_one() == before
        assert conn.execute(select(func.count()).select_from(document_reviews)).scalar_one() == marks_before


def test_offsets_counted_in_utf16_units_are_read_by_the_words_they_quote(docs):
    from unspin.review.labelstudio import submitted

    text = "Fans 🎉 cheered the mayor of Tallinn."
    where = text.index("Tallinn")
    item = {"data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "entities", "type": "labels", "to_name": "text",
         "value": {"start": where + 1, "end": where + 8, "text": "Tallinn", "labels": ["GPE"]}}]}]}
    got = submitted(item, text, "task 1")
    assert [m.key for m, _ in got.marks["entities"]] == [(where, where + 7, "GPE")]


# --- brat, SemEval, DocBin --------------------------------------------------------------------------------


def test_brat_standoff_of_the_reviewed_view(cli, sqlite_store, docs, tmp_path):
    url, engine = sqlite_store
    out = tmp_path / "brat"
    ran = cli("reviews", "export", "--db", url, "--format", "brat", "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    harbour = docs[0].id
    assert (out / f"{harbour}.txt").read_text(encoding="utf-8") == HARBOUR
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{d.id}.{x}" for d in docs[:2] for x in ("txt", "ann")] + ["annotation.conf", "visual.conf"])
    lines = (out / f"{harbour}.ann").read_text(encoding="utf-8").splitlines()
    spans = {}
    for line in lines:
        assert line.count("\t") == 2, line
        if line.startswith("T"):
            key, middle, words = line.split("\t")
            kind, where = middle.split(" ", 1)
            pieces = [tuple(map(int, part.split())) for part in where.split(";")]
            assert " ".join(HARBOUR[a:b] for a, b in pieces) == words
            assert "," not in kind and " " not in kind
            spans[key] = (kind, pieces)
    expected = view_marks(reviewed(docs[0], analyst_reviews(docs[0])))
    written = sum(len(expected.get(layer, [])) for layer in ("entities", "techniques", "events", "quantities", "dates"))
    assert len(spans) == written
    doubt = next(v for v in spans.values() if v[0] == "Doubt")
    across = locate(HARBOUR, "walked out.\n\nCritics")
    assert doubt[1] == [(across[0], across[0] + len("walked out.")), (across[1] - len("Critics"), across[1])]
    assert any(v[0] == "Name_Calling_Labeling" for v in spans.values())
    notes = [line for line in lines if line.startswith("#")]
    assert any("<script>" in n and "next line" in n for n in notes)
    assert any("canonical: Tallinn harbour | the port" in n for n in notes)
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]" in conf and "\tName_Calling_Labeling" in conf and "!techniques" in conf
    assert "Name_Calling_Labeling | Name_Calling,Labeling" in (out / "visual.conf").read_text(encoding="utf-8")


def test_brat_round_trip_and_work_done_in_brat(cli, store, fresh_store, docs, tmp_path):
    url, engine = store
    out = tmp_path / "brat"
    assert cli("reviews", "export", "--db", url, "--format", "brat", "--out", str(out)).returncode == 0
    fresh = fill(fresh_store, docs, with_reviews=False)
    back = cli("reviews", "import", str(out), "--db", fresh_store)
    assert back.returncode == 0, back.stderr
    assert "from 2 brat file(s)" in back.stderr.decode()
    brat_layers = ("entities", "techniques", "events", "quantities", "dates")
    restricted = lambda views: {i: {k: v for k, v in m.items() if k in brat_layers}  # noqa: E731
                                for i, m in views.items()}
    assert restricted(stored_views(fresh)) == restricted(stored_views(engine))
    with fresh.connect() as conn:
        kept = store_reviews.reviews_of(conn, docs[0].id)
    assert {r.reviewer for r in kept} == {"brat"} and {r.origin for r in kept} == {"brat"}
    assert next(r for r in kept if r.after and r.after.label == "LOC").note == "the port"

    # in brat: the 'Monday' date is deleted and 'Critics' marked as a group; the next import records just that
    ann = out / f"{docs[0].id}.ann"
    lines = [line for line in ann.read_text(encoding="utf-8").splitlines() if "\tdate " not in line
             or not line.endswith("\tMonday")]
    critics = HARBOUR.index("Critics")
    lines.append(f"T99\tNORP {critics} {critics + 7}\tCritics")
    lines.append("R1\tRelated Arg1:T1 Arg2:T99")
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    conf = out / "annotation.conf"  # brat offers only the types its configuration lists: the annotator adds one
    conf.write_text(conf.read_text(encoding="utf-8").replace("!entities\n", "!entities\n\tNORP\n"), encoding="utf-8")
    again = cli("reviews", "import", str(out), "--db", fresh_store, "--reviewer", "desk-b")
    assert again.returncode == 0, again.stderr
    assert "1 result(s) or line(s)" in again.stderr.decode()
    view = stored_views(fresh)[docs[0].id]
    monday = first(docs[0], "dates", "Monday")
    assert (monday.start, monday.end, monday.label, None) not in view["dates"]
    assert (critics, critics + 7, "NORP", None) in view["entities"]
    fresh.dispose()


def test_a_brat_file_that_does_not_fit_is_a_one_line_error(cli, sqlite_store, docs, tmp_path):
    url, engine = sqlite_store
    out = tmp_path / "brat"
    assert cli("reviews", "export", "--db", url, "--format", "brat", "--out", str(out)).returncode == 0
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(reviews)).scalar_one()
    ann = out / f"{docs[1].id}.ann"
    ann.write_text(ann.read_text(encoding="utf-8") + "T77\tGPE 0 3\tNot\n", encoding="utf-8")
    one_line_error(cli("reviews", "import", str(out), "--db", url), f"{ann}:", "do not hold the words")
    ann.write_text("T1\tMYSTERY 0 3\tThe\n", encoding="utf-8")
    one_line_error(cli("reviews", "import", str(out), "--db", url), "type 'MYSTERY' of T1: no layer uses it")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(reviews)).scalar_one() == before


def test_semeval_rows_read_back_by_the_techniques_evaluation(cli, sqlite_store, docs, tmp_path):
    from unspin.eval.techniques import read_articles, read_labels

    url, _ = sqlite_store
    out = tmp_path / "semeval"
    ran = cli("reviews", "export", "--db", url, "--format", "semeval", "--out", str(out), "--all")
    assert ran.returncode == 0, ran.stderr
    texts = read_articles(out / "articles")
    assert texts == {d.id: d.text for d in docs}
    rows = read_labels(out / "techniques.labels")
    expected = []
    for doc, revs in ((docs[0], analyst_reviews(docs[0])), (docs[1], []), (docs[2], [])):
        expected += [(doc.id, s.label, s.start, s.end) for s in reviewed(doc, revs).layer("techniques")]
    assert sorted((r.article_id, r.technique, r.start, r.end) for r in rows) == sorted(expected)
    assert ("Doubt", HARBOUR.index("walked out.")) in {(r.technique, r.start) for r in rows}


def test_docbin_of_the_reviewed_entities_reads_back_in_spacy(cli, sqlite_store, docs, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    url, _ = sqlite_store
    out = tmp_path / "entities.spacy"
    ran = cli("reviews", "export", "--db", url, "--format", "docbin", "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    read = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [d.user_data["id"] for d in read] == [docs[0].id, docs[1].id]
    harbour = read[0]
    assert harbour.text == HARBOUR
    expected = view_marks(reviewed(docs[0], analyst_reviews(docs[0])))["entities"]
    assert sorted((s.start_char, s.end_char, s.label_, s.kb_id_ or None) for s in harbour.spans["entities"]) == expected
    assert ("Tallinn", "LOC", "Tallinn harbour") in {(e.text, e.label_, e.kb_id_) for e in harbour.ents}


def test_export_refuses_a_place_it_cannot_write(cli, sqlite_store, tmp_path):
    url, _ = sqlite_store
    one_line_error(cli("reviews", "export", "--db", url, "--format", "labelstudio", "--out",
                       str(tmp_path / "no" / "tasks.json")), "its folder does not exist")
    (tmp_path / "file").write_text("x")
    one_line_error(cli("reviews", "export", "--db", url, "--format", "brat", "--out", str(tmp_path / "file")),
                   "is a file")


# --- the machine measured against the reviews ------------------------------------------------------------


def test_eval_review_scores_the_machine_against_the_reviewed_view(cli, store, docs):
    url, _ = store
    ran = cli("eval", "review", "--db", url, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert result["match"].startswith("exact")
    rows = {(r["layer"], r["label"]): r for r in result["rows"]}
    machine_entities = [s for d in docs[:2] for s in d.layer("entities")]
    # entities: the harbour (reviewed there) and the ferry (marked reviewed): one rejected, one relabelled, one added
    everything = rows[("entities", "(all)")]
    assert everything["documents"] == 2
    assert (everything["machine"], everything["tp"], everything["fp"], everything["fn"]) == (
        len(machine_entities), len(machine_entities) - 2, 2, 2)
    assert everything["precision"] == pytest.approx((len(machine_entities) - 2) / len(machine_entities))
    assert rows[("entities", HOSTILE_LABEL)]["precision"] is None and rows[("entities", HOSTILE_LABEL)]["fn"] == 1
    # dates were reviewed nowhere on the harbour article, so only the ferry (marked reviewed) counts for them
    assert rows[("dates", "(all)")]["documents"] == 1
    table = cli("eval", "review", "--db", url)
    assert table.returncode == 0 and "exact match" in table.stdout.decode()
    assert HOSTILE_LABEL in table.stdout.decode()  # shown as written, not read as rich markup


def test_unspins_own_export_is_not_taken_for_label_studios(cli, sqlite_store, tmp_path):
    url, engine = sqlite_store
    out = tmp_path / "tasks.json"
    assert cli("reviews", "export", "--db", url, "--format", "labelstudio", "--out", str(out)).returncode == 0
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(reviews)).scalar_one()
    refused = cli("reviews", "import", str(out), "--db", url)
    one_line_error(refused, "looks like unspin's own export", "nothing was imported")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(reviews)).scalar_one() == before
    # naming the reviewer says whose judgement the file is: then it is read like any other
    named = cli("reviews", "import", str(out), "--db", url, "--reviewer", "ana")
    assert named.returncode == 0, named.stderr.decode()
