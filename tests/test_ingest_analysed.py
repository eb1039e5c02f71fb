"""`unspin ingest` of `unspin/1` JSON Lines: analysed documents are stored as they are, not read again as articles."""

from __future__ import annotations

import json
import sqlite3

from conftest import EXAMPLES
from test_store import corpus

from unspin.document import Document


def stored(db: str) -> dict[str, Document]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {i: Document.loads(raw) for i, raw in conn.execute("SELECT id, document FROM documents")}


def test_analysed_lines_are_stored_exactly_as_written(tmp_path, cli):
    # hand-placed spans (a technique at 0.4 on one word, entities with no other attribute) that no
    # analysis would reproduce: if ingest analysed the lines again, the stored layers would differ
    docs = corpus()
    lines = tmp_path / "analysed.jsonl"
    lines.write_text("".join(d.dumps() + "\n" for d in docs), encoding="utf-8")
    db = str(tmp_path / "c.db")
    done = cli("ingest", "--no-progress", "--db", db, str(lines))
    assert done.returncode == 0, done.stderr.decode()
    assert "stored 5 new document(s) (1 near-duplicate)" in done.stderr.decode()
    found = stored(db)
    assert set(found) == {d.id for d in docs}
    for doc in docs:
        assert found[doc.id] == doc  # text, meta, source (the original's), layers and notes as written
    again = cli("ingest", "--no-progress", "--db", db, str(lines))
    assert again.returncode == 0 and "0 new document(s)" in again.stderr.decode()
    assert "5 already stored" in again.stderr.decode()


def test_a_broken_analysed_line_fails_alone(tmp_path, cli):
    docs = corpus()[:2]
    broken = docs[1].to_json()
    broken["layers"]["entities"][0]["end"] = 10**6  # a span past the end of the text
    lines = tmp_path / "mixed.jsonl"
    lines.write_text(
        docs[0].dumps() + "\n" + json.dumps(broken) + "\n" + json.dumps({"schema": "unspin/1", "id": "x"}) + "\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "c.db")
    done = cli("ingest", "--no-progress", "--db", db, str(lines))
    err = done.stderr.decode()
    assert done.returncode == 1
    assert f"{lines}#2: [U008] line 2 is not a valid unspin/1 Document (span [" in err
    assert f"{lines}#3: [U008] line 3 is not a valid unspin/1 Document (" in err
    assert set(stored(db)) == {docs[0].id}


def test_analyze_jsonl_output_loads_beside_pages_that_are_analysed(tmp_path, cli):
    out = tmp_path / "analysed.jsonl"
    analysed = cli("analyze", str(EXAMPLES / "harbour-strike.txt"), "--format", "jsonl", "--out", str(out),
                   "--jobs", "1", timeout=600)
    assert analysed.returncode == 0, analysed.stderr.decode()
    written = Document.loads(out.read_text(encoding="utf-8").splitlines()[0])
    db = str(tmp_path / "c.db")
    done = cli("ingest", "--no-progress", "--jobs", "1", "--db", db, str(out), str(EXAMPLES / "harbour-strike.html"),
               timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    found = stored(db)
    assert len(found) == 2 and found[written.id] == written
    page = next(d for i, d in found.items() if i != written.id)
    assert page.source.name.endswith("harbour-strike.html") and page.layer("sentences") and page.layer("entities")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        order = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY pk")]
    assert order[0] == written.id  # stored in the order of the inputs


def test_exclude_keeps_matching_paths_out(tmp_path, cli):
    docs = corpus()
    pages = tmp_path / "pages"
    (pages / "junk").mkdir(parents=True)
    (pages / "2019").mkdir()
    files = {
        pages / "keep.jsonl": docs[0],
        pages / "junk" / "a.jsonl": docs[1],  # under a folder named junk
        pages / "draft.tmp": docs[2],  # by file name
        pages / "2019" / "old.jsonl": docs[3],  # by folder path
        pages / "2019.jsonl": docs[4],  # like the folder, but not in it: kept
    }
    for path, doc in files.items():
        path.write_text(doc.dumps() + "\n", encoding="utf-8")
    db = str(tmp_path / "c.db")
    done = cli("ingest", "--no-progress", "--db", db, str(pages), "--exclude", "junk", "--exclude", "*.tmp",
               "--exclude", f"{pages}/2019/*")
    assert done.returncode == 0, done.stderr.decode()
    assert set(stored(db)) == {docs[0].id, docs[4].id}
    direct = cli("ingest", "--no-progress", "--db", db, str(pages / "draft.tmp"), "--exclude", "*.tmp")
    assert direct.returncode == 0 and "stored 0 new document(s)" in direct.stderr.decode()
    assert set(stored(db)) == {docs[0].id, docs[4].id}
