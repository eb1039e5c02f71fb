"""The Spark job for real: pyspark in local mode, one session for the group, a WARC.gz written here."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys

import pytest
from test_bad_input import GOOD_HTML
from test_readers import write_warc

from conftest import EXAMPLES

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed: make test installs unspin[spark]")


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java: make test installs openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        # local[2,2]: two cores, and a failed task is tried once more (the retry test needs it)
        SparkSession.builder.master("local[2,2]").appName("unspin-tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def crawl(path):
    """Two HTML pages, a PNG, the first page again, and a last record cut short."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    write_warc(path, [
        ("https://a.example/reservoir", "text/html; charset=utf-8", GOOD_HTML.encode()),
        ("https://a.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("https://b.example/reservoir-2", "text/html; charset=utf-8",
         GOOD_HTML.replace("Reservoir", "Upper reservoir").encode()),
        ("https://a.example/reservoir", "text/html; charset=utf-8", GOOD_HTML.encode()),
    ])
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://c.example/cut", "response",
                                                  payload=io.BytesIO(GOOD_HTML.encode()), http_headers=headers))
    with open(path, "ab") as fh:
        fh.write(buf.getvalue()[:-150])
    return path


def test_warc_to_parquet_matches_analyze(spark, tmp_path, cli):
    from unspin.scale.spark import LAYERS, run

    warc = str(crawl(tmp_path / "crawl.warc.gz"))
    page = str(EXAMPLES / "harbour-strike.html")
    empty = tmp_path / "empty.html"  # a failure of an input that is not a WARC: it has no record
    empty.write_bytes(b"")
    out = str(tmp_path / "out")
    written = run(spark, [warc, page, str(empty)], out)
    assert set(LAYERS) | {"documents", "failures"} <= set(written)

    docs = {r["id"]: r for r in (row.asDict() for row in spark.read.parquet(f"{out}/documents").collect())}
    assert sorted(r["url"] for r in docs.values()) == [
        "https://a.example/reservoir", "https://b.example/reservoir-2",
        "https://quayside.example/2026/11/15/port-strike-baltic",
    ]  # the duplicate once, no PNG, not the cut record
    assert {r["outlet"] for r in docs.values()} == {"a.example", "b.example", "quayside.example"}

    failures = sorted((r.asDict() for r in spark.read.parquet(f"{out}/failures").collect()), key=lambda f: f["code"])
    assert [(f["input"], f["code"]) for f in failures] == [(str(empty), "U002"), (warc, "U007")]
    assert failures[0]["record"] is None  # null, not "None" nor -1
    assert "truncated" in failures[1]["reason"] and failures[1]["record"] > 0

    expected = cli("analyze", "--no-progress", "--format", "jsonl", warc, page, timeout=600)
    assert expected.returncode == 1  # the cut record
    by_id = {}
    for line in expected.stdout.decode().splitlines():
        by_id.setdefault(json.loads(line)["id"], json.loads(line))
    assert {i: json.loads(r["document"]) for i, r in docs.items()} == by_id

    # one record named by offset and length, as Common Crawl's URL index gives it: only its bytes are read
    from warcio.archiveiterator import ArchiveIterator

    from unspin.scale.inputs import expand
    from unspin.scale.spark import analyse_inputs

    with open(warc, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:  # stop at the third page: the file's last record is cut short
            if record.rec_headers.get_header("WARC-Target-URI") == "https://b.example/reservoir-2":
                offset, length = records.get_record_offset(), records.get_record_length()
                break
    assert offset > 0
    manifest = tmp_path / "news.paths"
    manifest.write_text(f"crawl.warc.gz\t{offset}\t{length}\n", encoding="utf-8")
    (ref,) = expand([str(manifest)])
    assert ref == f"{warc}#bytes={offset}-{offset + length - 1}"
    (row,) = list(analyse_inputs([ref]))
    assert row[0] == "document" and row[2] == "https://b.example/reservoir-2"
    assert json.loads(row[7]) == by_id[row[1]]  # the same record, named by the whole file and its offset in it

    entities = [r.asDict() for r in spark.read.parquet(f"{out}/entities").collect()]
    for e in entities:
        text = by_id[e["document_id"]]["text"]
        assert text[e["start"] : e["end"]] == e["text"]
    assert written["entities"] == len(entities) > 0
    # every layer table holds exactly the spans of the documents' JSON, and furniture what was set aside
    def key(*fields):  # all as text (None too) and attrs as canonical JSON, so that the tuples always compare
        return (*(str(f) for f in fields[:-1]), json.dumps(fields[-1], sort_keys=True))

    for layer in LAYERS:
        rows = [r.asDict() for r in spark.read.parquet(f"{out}/{layer}").collect()]
        got = sorted(key(r["document_id"], r["start"], r["end"], r["label"], json.loads(r["attrs"])) for r in rows)
        if layer == "furniture":
            want = sorted(key(i, f["source_start"], f["source_end"], f["kind"], f["fields"])
                          for i, d in by_id.items() for f in d["furniture"])
        else:
            want = sorted(key(i, sp["start"], sp["end"], sp["label"], sp.get("attrs") or {})
                          for i, d in by_id.items() for sp in d["layers"].get(layer, []))
        assert got == want, layer
        assert written[layer] == len(rows)

    again = run(spark, [warc, page, str(empty)], out)  # a rerun overwrites: no row appears twice
    assert again == written

    # unspin ingest loads the output into a store as it is, failures included, and a second load adds nothing
    from sqlalchemy import select

    from unspin.store.db import connect
    from unspin.store.tables import documents, failures

    # an unfinished output is refused by name before any store is made
    unfinished = tmp_path / "unfinished"
    shutil.copytree(out, unfinished)
    (unfinished / "documents" / "_SUCCESS").unlink()
    db = tmp_path / "corpus.db"
    refused = cli("ingest", "--no-progress", str(unfinished), "--db", str(db), timeout=300)
    assert refused.returncode == 1
    assert refused.stderr.decode().splitlines() == [
        f"unspin: error: {unfinished}: [U010] an unfinished unspin spark output (documents/_SUCCESS is missing): "
        "rerun the job"
    ]
    assert not db.exists()

    db = str(db)
    loaded = cli("ingest", "--no-progress", out, "--db", db, timeout=300)
    said = loaded.stderr.decode()
    assert loaded.returncode == 1, said  # the job's failures are reported, as ingest reports its own
    assert "crawl.warc.gz#" in said and "stored 3 new document(s)" in said
    assert f"unspin: error: {empty}: [U002] empty input" in said.splitlines() and "#None" not in said
    engine = connect(db, migrate=False)
    with engine.connect() as conn:
        stored = {row.id: json.loads(row.document) for row in conn.execute(select(documents.c.id, documents.c.document))}
        recorded = sorted((row.input, row.record, row.code) for row in conn.execute(
            select(failures.c.input, failures.c.record, failures.c.code)) if row.record is None)
        recorded += [(row.input, row.record > 0, row.code) for row in conn.execute(
            select(failures.c.input, failures.c.record, failures.c.code).where(failures.c.record.is_not(None)))]
    engine.dispose()
    assert stored == by_id
    assert recorded == [(str(empty), None, "U002"), (warc, True, "U007")]  # no record is NULL, not -1
    # loading the same output again changes nothing, says so, and is not a failure
    rerun = cli("ingest", "--no-progress", out, "--db", db, timeout=300)
    said = rerun.stderr.decode()
    assert rerun.returncode == 0, said
    assert "stored 0 new document(s)" in said and "3 already stored" in said and "0 failed" in said
    assert f"unspin: {out}: loaded before, nothing new: its 3 document(s) are stored and its 2 failure(s) " \
           "recorded already" in said
    assert "unspin: error:" not in said


def failing_once(marker_dir: str):
    """The job's partition function, except that each partition's first attempt dies mid-way."""
    from pathlib import Path

    from unspin.scale.spark import analyse_inputs

    def analyse(refs):
        refs = list(refs)
        marker = Path(marker_dir) / (str(abs(hash(tuple(refs)))) + ".failed")
        if not marker.exists():
            marker.touch()
            next(iter(analyse_inputs(refs)), None)  # some work done, then the worker fails
            raise RuntimeError("injected worker failure")
        yield from analyse_inputs(refs)

    return analyse


def test_a_failed_task_is_retried_and_the_job_completes(spark, tmp_path):
    from unspin.scale.spark import run

    pages = []
    for i in range(4):
        path = tmp_path / f"page{i}.html"
        path.write_text(GOOD_HTML.replace("this week", f"in week {i + 1}"), encoding="utf-8")
        pages.append(str(path))
    markers = tmp_path / "markers"
    markers.mkdir()
    written = run(spark, pages, str(tmp_path / "out"), partitions=2, analyse=failing_once(str(markers)))
    assert len(list(markers.iterdir())) == 2  # both partitions failed once
    assert written["documents"] == 4 and written["failures"] == 0


def test_spark_submit_runs_the_job_file(tmp_path):
    """The README's way onto a cluster: spark-submit given unspin.scale.job, here with a local master."""
    import subprocess
    from pathlib import Path

    from unspin.scale.output import read_output

    submit = Path(sys.executable).parent / "spark-submit"
    if not submit.exists():
        pytest.skip("spark-submit is not beside the interpreter: make test installs unspin[spark]")
    job = subprocess.run([sys.executable, "-m", "unspin.scale.job", "--path"], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert job.endswith(".py")
    out = tmp_path / "out"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    done = subprocess.run(
        [str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false", job,
         str(EXAMPLES / "harbour-strike.html"), "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    said = done.stdout + done.stderr  # spark-submit's own logging decides where the driver's stderr lands
    assert "documents 1," in said and "failures 0" in said, said[-3000:]
    (doc,) = list(read_output(str(out)))
    assert doc.meta.url == "https://quayside.example/2026/11/15/port-strike-baltic"
    assert doc.source.name == str(EXAMPLES / "harbour-strike.html") and len(doc.layers["entities"]) > 0
