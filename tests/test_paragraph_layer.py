"""The ``paragraph_techniques`` layer end to end: the real command and the shipped model, the JSON schema,
the reports and the web page (escaping included), and the evaluation on the task's data when it is present.

Every text here is written for these tests; the SemEval-2023 data is only read from ../shared.
"""

from __future__ import annotations

import json
import re
import shutil

import jsonschema
import pytest
from conftest import SHARED, need

from unspin.analyze.paragraph_definitions import DEFINITIONS, DISPLAY_NAMES
from unspin.document import Document, Span, json_schema
from unspin.eval.paragraphs import TAXONOMY
from unspin.techniques.paragraphs import split

ARTICLE = (
    "Council votes to close the old library\n"
    "\n"
    "The town council voted on Monday to close the library on Mill Street at the end of the year.\n"
    "\n"
    "These spineless bureaucrats have betrayed every family in this town, and their shameful, "
    "cowardly vote will destroy the last decent place our children have left!\n"
    "\n"
    "Can anyone still believe a single word these so-called leaders say?\n"
    "\n"
    "The library opened in 1962 and lends about 40,000 books a year, according to the council's own report.\n"
)
SEMEVAL = SHARED / "data" / "semeval2023-en-train"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> dict:
    from conftest import run_cli

    path = tmp_path_factory.mktemp("paragraphs") / "library.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    done = run_cli("analyze", str(path), "--format", "json", "--jobs", "1", "--no-progress", timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def test_analyze_writes_a_paragraph_layer_that_the_schema_accepts(analysed):
    jsonschema.Draft202012Validator(json_schema()).validate(analysed)
    spans = analysed["layers"]["paragraph_techniques"]
    assert spans, "a paragraph of insults and a rhetorical question should carry some technique"
    for s in spans:
        assert s["component"] == "paragraph_techniques"
        assert s["label"] in TAXONOMY
        assert 0.0 < s["confidence"] <= 1.0
        assert s["attrs"]["definition"] == DEFINITIONS[s["label"]]


def test_paragraph_spans_are_paragraph_bounds_of_the_documents_text(analysed):
    text = analysed["text"]
    bounds = {(p.start, p.end) for p in split(text)}
    spans = analysed["layers"]["paragraph_techniques"]
    assert {(s["start"], s["end"]) for s in spans} <= bounds
    pairs = [(s["start"], s["label"]) for s in spans]
    assert len(pairs) == len(set(pairs))  # one span per (paragraph, technique)
    loaded = next(p for p in split(text) if "spineless" in text[p.start : p.end])
    assert any(s["start"] == loaded.start for s in spans)


def test_the_layer_round_trips_and_is_the_same_run_after_run(analysed):
    from unspin.techniques.paragraph_model import load

    doc = Document.from_json(analysed)
    assert Document.loads(doc.dumps()) == doc
    again = sorted((f.start, f.end, f.technique, f.confidence) for f in load().find(doc.text))
    assert again == sorted((s.start, s.end, s.label, s.confidence) for s in doc.layer("paragraph_techniques"))


def test_the_layer_run_alone_computes_the_states_itself_and_finds_what_the_whole_pipeline_found(analysed):
    from unspin.analyze.pipeline import build, run

    doc = Document(analysed["text"])
    run(doc, build(["paragraph_techniques"]))
    assert doc.layer("paragraph_techniques") == Document.from_json(analysed).layer("paragraph_techniques")


def test_the_span_models_states_are_shared_for_the_same_text_and_the_same_when_computed_alone(monkeypatch):
    """After ``find``, ``lower_states`` of that text costs nothing; computed afresh (lower layers only, in
    the same pieces) it gives exactly the same numbers, for a text read in several pieces too."""
    import numpy as np

    from unspin.techniques import model as span_model

    monkeypatch.setattr(span_model, "CHUNK_CHARS", 300)  # several pieces from a short text
    model = span_model.load()
    text = ARTICLE * 3
    model.find(text)
    kept = model.lower_states(text)
    assert model.lower_states(text) is kept
    model.lower_states("Another text altogether.")  # one text only is kept
    fresh = model.lower_states(text)
    assert fresh is not kept
    assert np.array_equal(fresh.offsets, kept.offsets) and np.array_equal(fresh.states, kept.states)
    assert kept.states.shape == (len(kept.offsets), model.width) and kept.layers == model.net.frozen_layers
    assert kept.offsets[-1, 1] <= len(text) and kept.offsets[-1, 0] > 2 * 300  # offsets of the whole text
    assert np.all(np.diff(kept.offsets[:, 0]) > 0)


def test_paragraph_embeddings_average_the_tokens_inside_each_paragraph():
    import numpy as np

    from unspin.techniques.paragraph_features import paragraph_embeddings
    from unspin.techniques.paragraphs import Paragraph

    text = "ab cd\n\nef\n   \n"
    offsets = np.array([[0, 2], [3, 5], [7, 9]])
    states = np.array([[3.0, 0.0], [1.0, 0.0], [0.0, -2.0]], dtype=np.float32)
    paragraphs = [*split(text), Paragraph(9, 12, 13)]  # the last: a paragraph with no token at all
    out = paragraph_embeddings(offsets, states, paragraphs)
    assert np.allclose(out, [[1.0, 0.0], [0.0, -1.0], [0.0, 0.0]])  # mean (2, 0) normalised; one token; none


def test_the_layer_is_skipped_with_a_note_for_another_language():
    from unspin.analyze.pipeline import registry
    from unspin.document import Meta

    doc = Document("Le conseil a voté lundi.\n\nLa bibliothèque fermera.", meta=Meta(language="fr"))
    registry.get("paragraph_techniques")(doc)
    assert "paragraph_techniques" not in doc.layers
    assert any(n["component"] == "paragraph_techniques" and "English" in n["message"] for n in doc.notes)


def test_every_label_has_a_plain_definition_and_a_name():
    assert set(DEFINITIONS) == set(DISPLAY_NAMES) == set(TAXONOMY)
    assert all(d.endswith(".") and ";" not in d for d in DEFINITIONS.values())


def test_the_shipped_model_is_small_and_names_only_taxonomy_labels():
    from unspin.techniques.paragraph_model import load, model_dir

    size = sum(p.stat().st_size for p in model_dir().iterdir())
    assert size < 5_000_000
    model = load()
    assert set(model.labels) <= set(TAXONOMY)
    assert 0.0 < model.decision.threshold < 1.0
    assert "cross_validation" in model.config and (model_dir() / "MODEL_CARD.md").is_file()


# ---------------------------------------------------------------- displays, with documents built by hand


def hostile_doc() -> Document:
    text = f"A plain first paragraph.\n\nA second one, {HOSTILE} in it.\n"
    first, second = split(text)
    return Document(text, layers={"paragraph_techniques": [
        Span(second.start, second.end, "Doubt", 0.42, "paragraph_techniques", {"definition": DEFINITIONS["Doubt"]}),
        Span(second.start, second.end, HOSTILE, 0.2, "paragraph_techniques", {"definition": HOSTILE}),
    ]})


def test_the_html_report_shows_escaped_badges_after_the_paragraph():
    from unspin.report.html import render

    page = render([hostile_doc()])
    assert "<script>" not in page and "<img" not in page
    badges = re.findall(r'<span class="p-badges">.*?</span></span>', page)
    assert len(badges) == 1
    assert 'title="Doubt (0.42): ' in badges[0] and "Doubt <b>0.42</b>" in badges[0]
    assert "&lt;script&gt;" in badges[0]
    # the badges follow the second paragraph's text, before its line break
    assert re.search(r"in it\.(</mark>)?<span class=\"p-badges\">", page)


def test_the_web_article_page_shows_the_badges_escaped_under_its_csp(tmp_path):
    from fastapi.testclient import TestClient

    from unspin.store.corpus import write_batch
    from unspin.store.db import connect
    from unspin.web.app import create_app

    db = str(tmp_path / "corpus.db")
    engine = connect(db)
    doc = hostile_doc()
    write_batch(engine, [doc])
    engine.dispose()
    with TestClient(create_app(db)) as client:
        response = client.get(f"/article/{doc.id}")
    assert response.status_code == 200
    assert "script-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "Doubt <b>0.42</b>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('<span class="p-badges">') == 1


def test_the_terminal_report_has_the_paragraph_table():
    from rich.console import Console

    from unspin.report.text import print_report

    console = Console(width=160, record=True)
    print_report(hostile_doc(), console)
    out = console.export_text()
    assert "techniques by paragraph: 1 of 2 paragraphs" in out
    assert "Doubt 0.42" in out


# ---------------------------------------------------------------- the evaluation on the task's data


@pytest.mark.shared
def test_eval_paragraphs_scores_a_handful_of_articles_and_says_they_were_trained_on(tmp_path, cli):
    labels = need(SEMEVAL / "train-labels-subtask-3.txt")
    chosen = sorted((SEMEVAL / "articles").glob("article*.txt"))[:4]
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in chosen:  # copied into the test's own temporary folder, never into the repository
        shutil.copy(path, folder / path.name)
    done = cli("eval", "techniques", "--paragraphs", str(labels), "--articles", str(folder), "--no-progress",
               timeout=300)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "4 articles scored" in out
    assert "TRAINING-SET FIGURE: 4 of these 4 articles" in out
    assert re.search(r"micro-F1 \d\.\d{4}  P \d\.\d{4}  R \d\.\d{4}", out)
    scored = json.loads(cli("eval", "techniques", "--paragraphs", str(labels), "--articles", str(folder),
                            "--no-progress", "--json", timeout=300).stdout)
    assert scored["training_set_figure"] is True and scored["articles"] == 4
    assert 0.0 <= scored["f1"] <= 1.0 and scored["paragraphs"] > 4
