"""`unspin eval techniques`, `unspin train techniques` and the layer in `unspin analyze`, run as commands."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import EXAMPLES, SHARED, need, run_cli
from unspin.eval.techniques import TECHNIQUES, read_labels

PTC_DEV = SHARED / "data" / "ptc" / "dev"


@pytest.fixture(scope="module")
def three_dev_articles(tmp_path_factory):
    """Three dev articles and their gold rows, copied to a temporary folder (never into the project)."""
    gold_path = need(PTC_DEV / "dev-task-flc-tc.labels")
    folder = tmp_path_factory.mktemp("ptc") / "articles"
    folder.mkdir()
    ids = sorted(p.name for p in (PTC_DEV / "articles").glob("article*.txt"))[:3]
    for name in ids:
        shutil.copy(PTC_DEV / "articles" / name, folder / name)
    keep = {name[len("article") : -len(".txt")] for name in ids}
    labels = folder.parent / "gold.labels"
    labels.write_text("".join(line for line in gold_path.read_text().splitlines(keepends=True)
                              if line.split("\t")[0] in keep))
    return folder, labels


def test_eval_prints_si_tc_end_to_end_and_every_technique(three_dev_articles, tmp_path):
    articles, labels = three_dev_articles
    out = tmp_path / "predicted.labels"
    done = run_cli("eval", "techniques", "--articles", str(articles), "--labels", str(labels),
                   "--predictions", str(out), "--no-progress", timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    report = done.stdout.decode()
    for needed in ("SI ", "TC ", "end to end", *TECHNIQUES):
        assert needed in report
    predicted = read_labels(out)
    assert predicted and all(p.technique in TECHNIQUES for p in predicted)
    texts = {p.name[len("article") : -len(".txt")]: p.read_text(encoding="utf-8") for p in articles.iterdir()}
    for p in predicted:
        assert 0 <= p.start < p.end <= len(texts[p.article_id])


def test_eval_json_and_predictions_to_stdout(three_dev_articles):
    articles, labels = three_dev_articles
    done = run_cli("eval", "techniques", "--articles", str(articles), "--labels", str(labels), "--json",
                   "--no-progress", timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    scores = json.loads(done.stdout)
    assert 0.0 <= scores["tc"]["micro_f1"] <= 1.0 and 0.0 <= scores["si"]["f1"] <= 1.0
    piped = run_cli("eval", "techniques", "--articles", str(articles), "--predictions", "-", "--no-progress",
                    timeout=600)
    assert piped.returncode == 0
    rows = [line.split("\t") for line in piped.stdout.decode().splitlines()]
    assert rows and all(len(r) == 4 and r[1] in TECHNIQUES for r in rows)


def test_eval_with_nothing_to_do_says_so(tmp_path):
    (tmp_path / "article1.txt").write_text("Some text.")
    done = run_cli("eval", "techniques", "--articles", str(tmp_path))
    assert done.returncode == 2
    assert b"--labels" in done.stderr and b"Traceback" not in done.stderr


def test_eval_with_labels_for_missing_articles_is_one_line(tmp_path):
    (tmp_path / "article1.txt").write_text("Some text.")
    labels = tmp_path / "gold.labels"
    labels.write_text("999\tDoubt\t0\t4\n")
    done = run_cli("eval", "techniques", "--articles", str(tmp_path), "--labels", str(labels), "--no-progress")
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "not in" in lines[0]


def test_train_refuses_a_folder_not_in_ptc_layout(tmp_path):
    done = run_cli("train", "techniques", "--data", str(tmp_path))
    assert done.returncode == 2
    assert b"PTC layout" in done.stderr and b"Traceback" not in done.stderr


def test_analyze_shows_techniques_in_every_format(tmp_path):
    page = EXAMPLES / "harbour-strike.txt"
    text = run_cli("analyze", str(page), timeout=300)
    assert text.returncode == 0, text.stderr.decode()[-2000:]
    as_json = run_cli("analyze", str(page), "--format", "json", timeout=300)
    doc = json.loads(as_json.stdout)
    assert "techniques" in doc["layers"]
    spans = doc["layers"]["techniques"]
    summary = doc["summary"]["techniques"]
    assert summary["spans"] == len(spans)
    if spans:
        assert "techniques:" in text.stdout.decode()
        assert all(s["attrs"]["definition"] and s["label"] in TECHNIQUES for s in spans)
    html = run_cli("analyze", str(page), "--format", "html", "--out", str(tmp_path / "r.html"), timeout=300)
    assert html.returncode == 0
    assert "techniques" in (tmp_path / "r.html").read_text()


def test_min_confidence_hides_spans_below_it_in_every_format_and_says_so(tmp_path):
    from test_techniques_model import LOADED, NEUTRAL

    page = tmp_path / "council.txt"
    page.write_text("Council budget\n\n" + NEUTRAL + LOADED + "\n", encoding="utf-8")
    # json and jsonl take the floor at the same place (before the output format is chosen): json stands for both
    whole = run_cli("analyze", str(page), "--format", "json", "--no-progress", timeout=600)
    assert whole.returncode == 0, whole.stderr.decode()[-2000:]
    every = json.loads(whole.stdout)
    spans = every["layers"]["techniques"]
    assert spans, "the model found no technique in the loaded sentence"
    assert not any("min-confidence" in n["message"] for n in every["notes"])  # no floor, no note
    # the floor is the highest confidence: the spans at it stay ("at or above"), the others go
    floor = max(s["confidence"] for s in spans)
    kept = [s for s in spans if s["confidence"] >= floor]
    hidden = len(spans) - len(kept)

    as_json = run_cli("analyze", str(page), "--format", "json", "--no-progress", "--min-confidence", str(floor),
                      timeout=600)
    assert as_json.returncode == 0, as_json.stderr.decode()[-2000:]
    doc = json.loads(as_json.stdout)
    assert doc["layers"]["techniques"] == kept
    assert doc["summary"]["techniques"]["spans"] == len(kept)
    assert doc["summary"]["techniques"]["expected_right"] == round(sum(s["confidence"] for s in kept), 2)
    [note] = [n for n in doc["notes"] if n["component"] == "techniques"]
    assert note["message"].startswith(f"min-confidence {floor:g}: {hidden} of {len(spans)} spans were below it")
    for name in ("entities", "attributions", "sentences"):  # other layers are not touched
        assert doc["layers"][name] == every["layers"][name]

    text = run_cli("analyze", str(page), "--no-progress", "--min-confidence", str(floor), timeout=600)
    assert text.returncode == 0, text.stderr.decode()[-2000:]
    report = " ".join(text.stdout.decode().split())
    expected = sum(s["confidence"] for s in kept)
    assert f"techniques: {len(kept)} span{'' if len(kept) == 1 else 's'} shown; about {expected:.1f} expected to be right" in report
    assert f"note: techniques: min-confidence {floor:g}: {hidden} of {len(spans)}" in report

    out = tmp_path / "report.html"
    page_html = run_cli("analyze", str(page), "--format", "html", "--out", str(out), "--no-progress",
                        "--min-confidence", str(floor), timeout=600)
    assert page_html.returncode == 0
    written = out.read_text(encoding="utf-8")
    assert f"{len(kept)} span{'' if len(kept) == 1 else 's'} shown; about {expected:.1f} expected to be right" in written
    assert f"min-confidence {floor:g}: {hidden} of {len(spans)}" in written


def test_min_confidence_outside_0_to_1_is_a_usage_error():
    done = run_cli("analyze", str(EXAMPLES / "harbour-strike.txt"), "--min-confidence", "1.5")
    assert done.returncode == 2
    assert b"--min-confidence" in done.stderr and b"Traceback" not in done.stderr
