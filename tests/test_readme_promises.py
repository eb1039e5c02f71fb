"""What README promises a new user, run as the user would: its search examples and the evaluations' defaults.

The corpus is real text through the real command: the bundled examples and three articles of PTC's dev
split (from ../shared, read in place; none of their text enters the repository), ingested by
``unspin ingest``. Every search example in README and in ``unspin search --help`` must find something
there, so an example that cannot (a technique the model never reports) fails here, not for a reader.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT, SHARED, need, run_cli

#: PTC dev articles in which the shipped model finds, at or above the corpus floor, the techniques README
#: names as examples (fear and loaded language; flag-waving; doubt).
PTC_ARTICLES = ("article738028498.txt", "article761575506.txt", "article761568202.txt")


def readme_queries() -> list[str]:
    """Every query of an ``unspin search '...'`` line and every backquoted filter example in README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"unspin search '([^']+)'", text)
    filters = re.findall(r"`((?:technique|outlet):(?:[a-z_.]+|\"[^\"`]+\"))`", text)
    return list(dict.fromkeys(commands + filters))


def help_queries() -> list[str]:
    return re.findall(r"unspin search '([^']+)'", run_cli("search", "--help").stdout.decode())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> str:
    articles = need(SHARED / "data" / "ptc" / "dev" / "articles")
    folder = tmp_path_factory.mktemp("readme")
    db = str(folder / "corpus.db")
    inputs = [str(EXAMPLES), *(str(need(articles / name)) for name in PTC_ARTICLES)]
    result = run_cli("ingest", *inputs, "--db", db, "--jobs", "1", "--no-progress", timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    return db


def test_readme_has_search_examples_and_none_names_a_technique_the_model_never_reports():
    queries = readme_queries()
    assert len([q for q in queries if " " in q]) >= 3
    assert {"technique:loaded", "technique:fear", "technique:flag", "outlet:quayside"} <= set(queries)
    assert not any("straw" in q for q in queries + help_queries())


@pytest.mark.parametrize("source", ["README", "--help"])
def test_every_documented_search_example_finds_something(corpus, source):
    queries = readme_queries() if source == "README" else help_queries()
    assert queries
    empty = []
    for query in queries:
        result = run_cli("search", query, "--db", corpus, "--json")
        assert result.returncode == 0, (query, result.stderr.decode())
        hits = [json.loads(line) for line in result.stdout.decode().splitlines()]
        if not hits:
            empty.append(query)
    assert not empty, f"documented examples that find nothing: {empty}"


# --- unspin eval <layer> with no path, from anywhere -----------------------------------------------


def test_eval_defaults_resolve_against_the_checkout_not_the_working_directory(tmp_path):
    need(SHARED / "data" / "plover_gsr" / "PLOVER_GSR_CAMEO.json")
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    result = subprocess.run([sys.executable, "-m", "unspin.cli", "eval", "events", "--json"],
                            capture_output=True, cwd=elsewhere, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    figures = json.loads(result.stdout)
    assert set(figures["parts"]) == {"tune", "test"} and figures["gold_set"] == "plover"
    for part in figures["parts"].values():
        assert part["sentences"] > 50 and part["gold_file"].endswith("PLOVER_GSR_CAMEO.json")
    assert figures["parts"]["tune"]["sentences"] + figures["parts"]["test"]["sentences"] > 150


@pytest.mark.parametrize("layer, where", [
    ("events", "data/plover_gsr/PLOVER_GSR_CAMEO.json"), ("modality", "data/meantime_factuality"),
    ("entities", "data/re3d"), ("dates", "."),
])
def test_eval_without_the_shared_data_says_where_to_point_it(tmp_path, layer, where):
    # A copy of the package with no shared/ beside it, as an installed unspin has none.
    src = tmp_path / "install" / "lib" / "src"
    shutil.copytree(ROOT / "src" / "unspin", src / "unspin",
                    ignore=shutil.ignore_patterns("models", "__pycache__", "*.npz", "*.pt"))
    result = subprocess.run([sys.executable, "-m", "unspin.cli", "eval", layer], capture_output=True,
                            cwd=tmp_path, timeout=120, env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"})
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr.decode()
    expected = tmp_path / "install" / "shared" / where
    assert lines[0] == (f"unspin: error: {expected}: the default gold data is not there; "
                        f"give its path: unspin eval {layer} PATH")
