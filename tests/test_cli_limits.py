"""The command at its limits, as a researcher meets them: where the report goes, the JSON's shape, the
progress display, the store named by --db, and search's filters and paging. All through the real command."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT, run_cli

PAGE = str(EXAMPLES / "harbour-strike.txt")
# Invented articles for the outlet filter: one from rt.com (named RT), one from another host.
RT = {"url": "https://www.rt.com/news/601-port-strike-baltic/", "site": "RT", "title": "Dockers stay out",
      "published": "2026-11-20",
      "text": "Dock workers in the port of Arlen stayed out for a second week on Friday, the union said.\n\n"
              "The harbour board said it would not reopen talks on overtime pay before the new year."}
OTHER = {"url": "https://rtnews.example/strike", "site": "Harbour Weekly", "title": "Strike drags on",
         "published": "2026-11-21",
         "text": "The strike at the port of Arlen entered its third week, and ships queued at anchor.\n\n"
                 "Talks between the union and the harbour board are due to resume next month."}


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, result.stderr.decode()
    assert "Traceback" not in lines[0] and lines[0].startswith("unspin: error: ")
    return lines[0]


# --- --out -----------------------------------------------------------------------------------------


def test_out_into_a_missing_folder_is_one_line_and_exit_1(cli, tmp_path):
    target = tmp_path / "nowhere" / "report.json"
    result = cli("analyze", PAGE, "--format", "json", "--out", str(target))
    assert result.returncode == 1 and result.stdout == b""
    assert one_line(result) == f"unspin: error: {target}: no such folder: {target.parent} (create it first)"
    assert not target.parent.exists()


def test_out_onto_a_folder_is_one_line_and_exit_1(cli, tmp_path):
    result = cli("analyze", PAGE, "--out", str(tmp_path))
    assert result.returncode == 1
    assert one_line(result) == f"unspin: error: {tmp_path}: is a folder: give the name of a file to write"


# --- --format json's shape ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "one").mkdir()
    (folder / "one" / "page.txt").write_bytes((EXAMPLES / "harbour-strike.txt").read_bytes())
    (folder / "empty.txt").write_text("   \n")
    (folder / "one.jsonl").write_text(json.dumps(RT) + "\n")
    return folder


def test_json_is_one_object_for_one_page_and_an_array_for_anything_else(cli, inputs):
    single = cli("analyze", str(inputs / "one" / "page.txt"), "--format", "json", "--jobs", "1", timeout=300)
    assert single.returncode == 0 and isinstance(json.loads(single.stdout), dict)
    # a folder, a JSON Lines file or a glob may hold many: an array, even of one
    for given in (str(inputs / "one"), str(inputs / "one.jsonl"), str(inputs / "one" / "*.txt")):
        result = cli("analyze", given, "--format", "json", "--jobs", "1", timeout=300)
        assert result.returncode == 0, result.stderr.decode()
        loaded = json.loads(result.stdout)
        assert isinstance(loaded, list) and len(loaded) == 1, given


def test_json_is_an_empty_array_when_nothing_was_read(cli, inputs):
    for given in ([str(inputs / "empty.txt")], [str(inputs / "empty.txt"), str(inputs / "missing.html")]):
        result = cli("analyze", *given, "--format", "json")
        assert result.returncode == 1 and json.loads(result.stdout) == []


# --- --progress -------------------------------------------------------------------------------------


def test_progress_off_a_terminal_writes_whole_lines_or_nothing(cli, inputs):
    quiet = cli("analyze", str(inputs / "one"), "--format", "jsonl", "--jobs", "1", timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == b""  # not a terminal, no flag: nothing at all
    asked = cli("analyze", str(inputs / "one"), str(inputs / "one.jsonl"), "--format", "jsonl", "--jobs", "1",
                "--progress", timeout=300)
    assert asked.returncode == 0
    lines = asked.stderr.decode().splitlines()
    assert lines and lines[-1] == "unspin: reading (2 document(s), 0 failed): 2/2 input(s)"
    assert all(line.startswith("unspin: reading") for line in lines)
    assert "\x1b" not in asked.stderr.decode() and "\n\n" not in asked.stderr.decode()


def test_progress_on_a_terminal_shows_the_total_of_a_folder(inputs, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    page = (EXAMPLES / "harbour-strike.txt").read_bytes()
    for i in range(3):
        (folder / f"p{i}.txt").write_bytes(page.replace(b"Baltic", f"Baltic {i}".encode()))
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "unspin.cli", "analyze", str(folder), "--format", "jsonl", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=child, cwd=ROOT, env={**os.environ, "COLUMNS": "100"},
    )
    os.close(child)
    shown = b""
    while True:
        ready, _, _ = select.select([main], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    out, _ = process.communicate(timeout=300)
    os.close(main)
    assert process.returncode == 0 and len(out.decode().splitlines()) == 3
    assert b"/3" in shown and b"/?" not in shown


# --- the store named by --db ------------------------------------------------------------------------


def test_a_missing_store_gets_the_same_message_from_every_command(tmp_path):
    store = tmp_path / "missing.db"
    expected = f"unspin: error: no such store: {store} (create one with: unspin ingest PAGES --db {store})"
    for command in (["search", "strike"], ["serve"]):
        result = run_cli(*command, "--db", str(store))
        assert result.returncode == 2 and one_line(result) == expected, command
    assert not store.exists()


def test_a_file_that_is_not_a_store_is_named_in_one_line(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("this is not a database\n" * 100)
    expected = f"unspin: error: {junk}: not an unspin store (the file is not an SQLite database)"
    for command in (["search", "strike"], ["serve"], ["ingest", PAGE]):
        result = run_cli(*command, "--db", str(junk))
        assert result.returncode == 2 and one_line(result) == expected, command
        assert "sqlite3" not in result.stderr.decode()
    assert junk.read_text() == "this is not a database\n" * 100


# --- search: filters, outlets, paging ---------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("store")
    (folder / "news.jsonl").write_text(json.dumps(RT) + "\n" + json.dumps(OTHER) + "\n")
    db = str(folder / "corpus.db")
    result = run_cli("ingest", str(folder / "news.jsonl"), "--db", db, "--jobs", "1", timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    return db


def hits(db: str, query: str) -> list[str]:
    result = run_cli("search", query, "--db", db, "--json")
    assert result.returncode == 0, (query, result.stderr.decode())
    return [json.loads(line)["url"] for line in result.stdout.decode().splitlines()]


@pytest.mark.parametrize("query", ["outlet:rt", "outlet:RT", "outlet:rt.com", "outlet:RT.com", "outlet:www.rt.com",
                                   'outlet:"RT"', "port outlet:Rt"])
def test_an_outlet_is_found_by_host_or_name_in_any_case(store, query):
    assert hits(store, query) == [RT["url"]]


def test_outlet_filters_do_not_match_parts_of_words(store):
    assert hits(store, "outlet:r") == [] and hits(store, "outlet:com") == []
    assert hits(store, "port -outlet:rt") == [OTHER["url"]]


@pytest.mark.parametrize("query", ["outlte:rt.com", "foo:bar", "port source:rt"])
def test_an_unknown_filter_is_an_error_that_lists_the_known_ones(store, query):
    result = run_cli("search", query, "--db", store)
    line = one_line(result)
    assert result.returncode == 2 and "unknown filter" in line
    assert all(f"{name}:" in line for name in ("outlet", "entity", "technique", "language", "after", "before"))


def test_lowercase_or_is_a_word_and_the_help_says_so(store):
    assert "lowercase and, or, not is searched as a word" in " ".join(run_cli("search", "--help").stdout.decode().split())
    assert hits(store, "anchor or overtime") == []
    assert len(hits(store, "anchor OR overtime")) == 2


def test_an_offset_past_the_matches_says_so(store):
    result = run_cli("search", "port", "--db", store, "--offset", "1000")
    first = result.stdout.decode().splitlines()[0]
    assert result.returncode == 0
    assert first == "2 document(s) match; none shown: --offset 1000 is past the last of them"
    assert run_cli("search", "port", "--db", store, "--offset", "1").stdout.decode().startswith(
        "2 document(s) match; showing 2–2")
    assert run_cli("search", "zeppelin", "--db", store).stdout.decode().startswith("no document matches")
