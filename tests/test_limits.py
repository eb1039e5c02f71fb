"""Long inputs: time and memory grow with a document's length and stay bounded.

Every input here is generated; the command-line tests run the real ``unspin
analyze`` on a one-megabyte line, on a hundred thousand short lines, on a
page holding one large table, and on a text dense enough to fill a layer,
and check that it finishes, that offsets are exact code points of the whole
text, and that the notes say where a limit was reached.
"""

from __future__ import annotations

import json
import random

import pytest
from conftest import run_cli

from unspin.analyze import limits
from unspin.analyze.spanindex import Bounds, SpanIndex

SENTENCES = (
    "The harbour board met again on Tuesday, and its chair said the strike had cost {n} jobs.",
    "According to officials in Lagos, about {n} workers may have left the port since March 2021.",
    '"We will not accept this," said Maria Lopez, who leads the union of {n} dock workers.',
    "Why would the ministry ignore a warning issued {n} days ago?",
    "Reuters reported that the talks could resume next week after {n} hours of silence.",
)


def generated_text(size: int, newlines: bool, seed: int = 7) -> str:
    """About ``size`` characters of plain news-like sentences; paragraphs every third sentence if asked."""
    rng = random.Random(seed)
    parts, length, count = [], 0, 0
    while length < size:
        sentence = rng.choice(SENTENCES).format(n=rng.randrange(2, 9000))
        count += 1
        gap = "\n\n" if newlines and count % 3 == 0 else " "
        parts.append(sentence + gap)
        length += len(sentence) + len(gap)
    return "".join(parts)[:size].rstrip() + "\n"


# --- the pure parts --------------------------------------------------------------------------------------


def test_cut_prefers_a_line_end_then_a_sentence_end_then_white_space():
    assert limits.cut_point("short", 100) == (5, "end of text")
    text = "a" * 60 + "\n" + "b" * 20 + ". " + "c" * 30
    assert limits.cut_point(text, 100) == (61, "a line end")
    text = "a" * 40 + ". " + "b" * 30 + " " + "c" * 50  # the sentence ends in the first half: too early
    assert limits.cut_point(text, 100) == (73, "white space")
    text = "a" * 60 + ". " + "b" * 80
    assert limits.cut_point(text, 100) == (62, "a sentence end")
    assert limits.cut_point("x" * 300, 100) == (100, "the limit (no white space near it)")


@pytest.mark.parametrize("newlines", [True, False])
def test_pieces_cover_the_text_exactly_and_stay_bounded(newlines):
    text = generated_text(250_000, newlines)
    pieces = limits.pieces(text, 20_000)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a < b <= a + 20_000 for a, b in pieces)
    assert all(prev[1] == nxt[0] for prev, nxt in zip(pieces, pieces[1:]))
    assert len(pieces) <= 2 * len(text) // 20_000 + 1
    assert all(text[b - 1] in ".?!\"' \n" for _, b in pieces[:-1])  # cut at a sentence end or white space


def test_span_index_answers_as_a_scan_does():
    rng = random.Random(3)
    items = [Bounds(s, s + rng.randrange(0, 40)) for s in (rng.randrange(0, 2_000) for _ in range(600))]
    index = SpanIndex(items)
    ordered = sorted(items, key=lambda x: x.start)
    for _ in range(300):
        start = rng.randrange(0, 2_100)
        end = start + rng.randrange(0, 80)
        assert index.overlapping(start, end) == [x for x in ordered if x.start < end and start < x.end]
        assert index.within(start, end) == [x for x in ordered if x.start >= start and x.end <= end]
        assert index.containing(start) == [x for x in ordered if x.start <= start < x.end]


def test_the_parse_in_pieces_has_the_offsets_of_the_whole_text(monkeypatch):
    from unspin.analyze.nlp import parse_text

    monkeypatch.setattr(limits, "PIECE_CHARS", 2_000)
    text = generated_text(6_000, newlines=False) + generated_text(3_000, newlines=True)
    sdoc = parse_text(text)
    assert len(limits.pieces(text, 2_000)) >= 5
    assert sdoc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in sdoc)
    assert all(text[e.start_char : e.end_char] == e.text for e in sdoc.ents)


# --- the real command ------------------------------------------------------------------------------------


LARGE_TABLE_ROWS = 25_000


def large_table_page() -> str:
    rows = "\n".join(f"<tr><td>District {i}</td><td>{i * 37 % 99991}</td><td>{i * 53 % 99989}</td>"
                     f"<td>Candidate {'ABCDEFG'[i % 7]}</td></tr>" for i in range(LARGE_TABLE_ROWS))
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Results by district</title></head>"
            "<body><article><h1>Results by district</h1><p>The election commission published these figures "
            f"on Monday.</p><table>{rows}</table><p>Turnout was higher than in 2019.</p>"
            "</article></body></html>")


#: The long inputs, by file name. One ``unspin analyze`` reads them all (a process loads the models once).
LONG_INPUTS = {
    "line.txt": lambda: generated_text(1_000_000, newlines=False),
    "lines.txt": lambda: "".join(f"Line {i} of the log says that the pump at station {i % 97} stopped.\n"
                                 for i in range(100_000)),
    "table.html": large_table_page,
    # 88,000 characters: under the analysed length, a date every 8
    "days.txt": lambda: "Monday. " * 11_000,
}


@pytest.fixture(scope="module")
def long_docs(tmp_path_factory) -> dict[str, dict]:
    """Each long input's Document as ``unspin analyze --format jsonl`` prints it, by file name."""
    folder = tmp_path_factory.mktemp("long")
    paths = []
    for name, make in LONG_INPUTS.items():
        (folder / name).write_text(make(), encoding="utf-8")
        paths.append(str(folder / name))
    result = run_cli("analyze", *paths, "--format", "jsonl", "--jobs", "1", "--no-progress", timeout=1200)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 0, stderr
    docs = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [d["source"]["name"] for d in docs] == paths  # in input order
    return {name: doc for name, doc in zip(LONG_INPUTS, docs)}


def assert_exact_and_within(doc: dict, end: int) -> None:
    text = doc["text"]
    for name, spans in doc["layers"].items():
        for span in spans:
            assert 0 <= span["start"] <= span["end"] <= end, name
            attrs = span.get("attrs", {})
            for words, bounds in (("cue", "cue_span"), ("source_text", "source_span")):
                if isinstance(attrs.get(words), str) and attrs.get(bounds):
                    a, b = attrs[bounds]
                    assert text[a:b] == attrs[words], (name, attrs)


def analysed_up_to(doc: dict) -> int:
    """The end of the analysed head, read from the pipeline's note."""
    notes = [n["message"] for n in doc["notes"] if n["component"] == "pipeline"]
    assert len(notes) == 1, doc["notes"]
    assert f"{len(doc['text']):,} characters" in notes[0]
    cut = int(notes[0].split("cover the first ")[1].split(" ")[0].replace(",", ""))
    assert limits.ANALYSIS_CHARS // 2 <= cut <= limits.ANALYSIS_CHARS
    return cut


def test_one_line_of_a_megabyte(long_docs):
    text = LONG_INPUTS["line.txt"]()
    doc = long_docs["line.txt"]
    assert doc["text"] == text.rstrip("\n")
    cut = analysed_up_to(doc)
    assert doc["text"][:cut].rstrip()[-1] in ".?!\"'"  # cut after a sentence
    assert_exact_and_within(doc, cut)
    for layer in ("sentences", "entities", "dates", "attributions", "modality", "events"):
        assert doc["layers"][layer], layer
    assert "techniques" in doc["layers"] and not [n for n in doc["notes"] if "skipped" in n["message"]]
    assert len(doc["layers"]["paragraph_techniques"]) <= 23  # one paragraph: at most every technique once


def test_a_hundred_thousand_short_lines(long_docs):
    doc = long_docs["lines.txt"]
    cut = analysed_up_to(doc)
    assert doc["text"][cut - 1] == "\n"
    assert_exact_and_within(doc, cut)
    assert len(doc["layers"]["sentences"]) > 1_000
    assert len(doc["text"]) > 6_000_000


def test_a_page_holding_one_large_table(long_docs):
    doc = long_docs["table.html"]
    assert f"District {LARGE_TABLE_ROWS - 1}" in doc["text"]
    cut = analysed_up_to(doc)
    assert_exact_and_within(doc, cut)


def test_a_layer_keeps_at_most_its_cap_and_says_so(long_docs):
    doc = long_docs["days.txt"]
    assert not [n for n in doc["notes"] if n["component"] == "pipeline"]
    capped = {n["component"]: n["message"] for n in doc["notes"] if n["message"].startswith("capped")}
    assert {"sentences", "dates"} <= set(capped), doc["notes"]
    assert f"first {limits.MAX_SPANS:,} spans" in capped["dates"]
    assert len(doc["layers"]["dates"]) == limits.MAX_SPANS
    assert len(doc["layers"]["sentences"]) == limits.MAX_SPANS
    assert_exact_and_within(doc, len(doc["text"]))
