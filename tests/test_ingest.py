"""``unspin ingest`` end to end: the real CLI, pipeline and models, into real SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import EXAMPLES, ROOT
from unspin.store.corpus import counts
from unspin.store.db import connect
from unspin.store.tables import documents, failures, stories

PLACES = ["Port Arlen", "Kessmouth", "Lindholm", "Varna Bay", "Oskarvik", "Tallow Cross", "Merrin", "Holtby"]
SUBJECTS = ["dock workers", "nurses", "bus drivers", "farmers", "teachers", "miners", "students", "bakers"]
ACTIONS = ["walked out over pay", "blocked the main road", "signed a new contract", "met the regional council",
           "marched to the town hall", "voted on a new offer", "ended a week-long strike", "opened a food bank"]
DETAILS = ["The council said talks would resume on Thursday.", "About 300 people took part, organisers said.",
           "Police reported no arrests.", "The mayor called the move irresponsible.",
           "A spokesman said the offer was final.", "Local shops closed early.",
           "Union officials may call a second stoppage next week.", "The dispute began in the spring."]


def article(rng: random.Random, n: int) -> dict:
    place, subject, action = rng.choice(PLACES), rng.choice(SUBJECTS), rng.choice(ACTIONS)
    body = [f"{subject.capitalize()} in {place} {action} on Monday, in the {n}th such protest this year."]
    body += rng.sample(DETAILS, 4)
    body.append(f"Residents of {place} said the case number {1000 + n} was still open.")
    outlet = ["ledger.example", "courier.example", "gazette.example"][n % 3]
    return {"url": f"https://{outlet}/news/{n}", "title": f"{subject.capitalize()} in {place}",
            "published": f"2026-03-{1 + n % 27:02d}", "text": " ".join(body)}


def write_corpus(path: Path, n: int = 24) -> Path:
    rng = random.Random(7)
    records = [article(rng, i) for i in range(n - 2)]
    # a wire copy and a bad line, so that duplicates and failures are part of the comparison
    records.append({**records[3], "url": "https://wire.example/copy-3", "text": "WIRE - " + records[3]["text"]})
    lines = [json.dumps(r) for r in records] + ["{not json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def ingest_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "unspin.cli", "ingest", "--no-progress", *args]


def snapshot(db: str) -> dict:
    """What must not differ between a clean run and a killed-and-rerun one."""
    engine = connect(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(documents.c.pk, documents.c.id, documents.c.duplicate_of,
                                       documents.c.story)).all()
            id_of = {r.pk: r.id for r in rows}
            groups: dict[int, set[str]] = {}
            for r in rows:
                groups.setdefault(r.story, set()).add(r.id)
            return {
                "counts": counts(engine),
                "ids": sorted(id_of.values()),
                "duplicates": sorted((r.id, id_of[r.duplicate_of]) for r in rows if r.duplicate_of),
                "stories": sorted(sorted(g) for g in groups.values()),
                "story_sizes": sorted(r.size for r in conn.execute(select(stories.c.size))),
                # a record is NULL for an input that has none: sorted as if before any offset
                "failures": sorted(((r.input, r.record, r.code) for r in conn.execute(select(failures))),
                                   key=lambda f: (f[0], f[1] is not None, f[1] or 0, f[2])),
            }
    finally:
        engine.dispose()


def test_ingest_stores_reports_and_is_idempotent(tmp_path, cli):
    db = str(tmp_path / "corpus.db")
    first = cli("ingest", "--no-progress", "--db", db, str(EXAMPLES), str(tmp_path / "missing.html"))
    assert first.returncode == 1
    err = first.stderr.decode()
    assert "missing.html: [U001]" in err
    assert "stored 2 new document(s)" in err and "1 failed" in err
    again = cli("ingest", "--no-progress", "--db", db, str(EXAMPLES))
    assert again.returncode == 0, again.stderr.decode()
    assert "stored 0 new document(s)" in again.stderr.decode() and "2 already stored" in again.stderr.decode()
    snap = snapshot(db)
    assert snap["counts"]["documents"] == 2 and snap["counts"]["failures"] == 1
    assert snap["failures"] == [(str(tmp_path / "missing.html"), None, "U001")]  # no record: NULL


def test_ingest_refuses_a_bad_database_in_one_line(tmp_path, cli):
    result = cli("ingest", "--db", "mysql://x@y/z", str(EXAMPLES))
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "unsupported database URL" in lines[0]
    missing = cli("ingest", "--db", str(tmp_path / "no" / "such" / "dir.db"), str(EXAMPLES))
    assert missing.returncode == 2 and "does not exist" in missing.stderr.decode()


def test_ingest_survives_sigkill_and_matches_a_clean_run(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    clean, crashed = str(tmp_path / "clean.db"), str(tmp_path / "crashed.db")
    done = subprocess.run(ingest_command("--db", clean, "--batch", "4", str(corpus)), cwd=ROOT,
                          capture_output=True, timeout=600)
    assert done.returncode == 1, done.stderr.decode()  # the bad line fails; everything else is stored
    expected = snapshot(clean)
    assert expected["counts"]["documents"] == 23 and expected["counts"]["duplicates"] == 1

    victim = subprocess.Popen(ingest_command("--db", crashed, "--batch", "4", "--jobs", "2", str(corpus)), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored_when_killed = None
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline and victim.poll() is None:
            if Path(crashed).exists():
                try:
                    with sqlite3.connect(f"file:{crashed}?mode=ro", uri=True, timeout=1) as probe:
                        stored = probe.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:  # not migrated yet
                    stored = 0
                if 4 <= stored < 20:
                    workers = children(victim.pid)
                    os.kill(victim.pid, signal.SIGKILL)
                    stored_when_killed = stored
                    break
            time.sleep(0.02)
    finally:
        if victim.poll() is None and stored_when_killed is None:
            victim.kill()
        victim.wait(timeout=60)
    assert stored_when_killed is not None, "the ingest ended before it could be killed mid-way"
    assert victim.returncode == -signal.SIGKILL
    assert workers, "the ingest ran no worker processes"
    gone_by = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "workers outlived the killed ingest"

    rerun = subprocess.run(ingest_command("--db", crashed, "--batch", "4", str(corpus)), cwd=ROOT,
                           capture_output=True, timeout=600)
    assert rerun.returncode == 1
    assert f"{stored_when_killed} already stored" in rerun.stderr.decode()
    assert snapshot(crashed) == expected


def test_ingest_into_postgresql_matches_sqlite(tmp_path, postgres_db, cli):
    corpus = write_corpus(tmp_path / "corpus.jsonl", n=10)
    lite = str(tmp_path / "corpus.db")
    assert cli("ingest", "--no-progress", "--db", lite, str(corpus)).returncode == 1
    pg = cli("ingest", "--no-progress", "--db", postgres_db, str(corpus))
    assert pg.returncode == 1, pg.stderr.decode()
    assert snapshot(postgres_db) == snapshot(lite)


def test_search_command_prints_and_pipes(tmp_path, cli):
    db = str(tmp_path / "corpus.db")
    assert cli("ingest", "--no-progress", "--db", db, str(EXAMPLES)).returncode == 0
    shown = cli("search", "strike", "--db", db, "--facets")
    assert shown.returncode == 0, shown.stderr.decode()
    out = shown.stdout.decode()
    assert out.startswith("2 document(s) match") and "Port strike spreads along the Baltic" in out
    assert "entity:" in out and "Gdańsk (2)" in out
    piped = cli("search", "strike outlet:quayside.example", "--db", db, "--json")
    rows = [json.loads(line) for line in piped.stdout.decode().splitlines()]
    assert [r["outlet"] for r in rows] == ["quayside.example"]
    assert "\x02" not in rows[0]["snippet"] and "strike" in rows[0]["snippet"]
    bad = cli("search", "NOT strike", "--db", db)
    assert bad.returncode == 2 and "bad query" in bad.stderr.decode()
    nothing = cli("search", "strike", "--db", str(tmp_path / "absent.db"))
    assert nothing.returncode == 2 and not (tmp_path / "absent.db").exists()


def test_ingest_names_an_unfinished_or_damaged_spark_output(tmp_path, cli):
    """Folders shaped like the job's output but not finished, or with a damaged file, fail by name; the rest loads."""
    unfinished = tmp_path / "unfinished"
    (unfinished / "documents").mkdir(parents=True)
    (unfinished / "failures").mkdir()
    (unfinished / "documents" / "part-00000.parquet").write_bytes(b"PAR1 not really")
    result = cli("ingest", "--no-progress", str(unfinished), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        f"unspin: error: {unfinished}: [U010] an unfinished unspin spark output (documents/_SUCCESS is missing): "
        "rerun the job"
    ]
    assert not (tmp_path / "a.db").exists()  # refused before any store was made

    # beside another input, the folder is still refused (exit 1) and the other input is stored
    both = cli("ingest", "--no-progress", "--jobs", "1", str(unfinished), str(EXAMPLES / "harbour-strike.txt"),
               "--db", str(tmp_path / "b.db"), timeout=600)
    said = both.stderr.decode()
    assert both.returncode == 1 and "stored 1 new document(s)" in said
    assert [ln for ln in said.splitlines() if ln.startswith("unspin: error:")] == [
        f"unspin: error: {unfinished}: [U010] an unfinished unspin spark output (documents/_SUCCESS is missing): "
        "rerun the job"
    ]

    (unfinished / "documents" / "_SUCCESS").touch()
    result = cli("ingest", "--no-progress", str(unfinished), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.decode().splitlines() if ln.startswith("unspin: error:")]
    assert len(lines) == 1 and "part-00000.parquet" in lines[0] and "not a readable Parquet file" in lines[0]

