"""--jobs: worker processes give exactly the output of one process, in the same order."""

from __future__ import annotations

import json

from conftest import EXAMPLES
from test_ingest import snapshot, write_corpus
from test_techniques_model import LOADED, NEUTRAL


def test_analyze_gives_the_same_lines_in_the_same_order_with_two_workers(tmp_path, cli):
    corpus = write_corpus(tmp_path / "corpus.jsonl", n=8)
    loaded = tmp_path / "loaded.txt"  # so that technique spans, and their confidences, are compared too
    loaded.write_text("Council budget\n\n" + NEUTRAL + LOADED + "\n", encoding="utf-8")
    args = ("analyze", "--no-progress", "--format", "jsonl", str(EXAMPLES), str(corpus), str(loaded),
            str(tmp_path / "gone.txt"))
    one = cli(*args, "--jobs", "1", timeout=600)
    two = cli(*args, "--jobs", "2", timeout=600)
    assert one.returncode == two.returncode == 1  # the bad JSON line and the missing file
    lines = one.stdout.decode().splitlines()
    assert len(lines) == 2 + 7 + 1
    assert json.loads(lines[-1])["layers"]["techniques"]
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr


def test_ingest_with_two_workers_stores_what_one_stores(tmp_path, cli):
    corpus = write_corpus(tmp_path / "corpus.jsonl", n=8)
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    assert cli("ingest", "--no-progress", "--jobs", "1", "--db", one, str(corpus), timeout=600).returncode == 1
    assert cli("ingest", "--no-progress", "--jobs", "2", "--db", two, str(corpus), timeout=600).returncode == 1
    assert snapshot(two) == snapshot(one)
