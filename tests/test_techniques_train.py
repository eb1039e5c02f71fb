"""`unspin train techniques` on a tiny configuration: the real trainer, real base weights, real CRF.

The articles and their labels are written here (sentences of our own), in
PTC's release layout, so the test needs nothing from ../shared. A run killed
with SIGKILL after its first epoch and resumed must end with the same
weights as a run that was never stopped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safetensors.numpy import load_file

NEUTRAL = [
    "The mayor opened the new bridge on Tuesday.",
    "Officials said the harbour would reopen in May.",
    "A spokesman confirmed the budget figures.",
    "Trains ran on time across the region.",
    "The board will meet again next week.",
    "Residents were asked to comment by Friday.",
    "The report was published in the morning.",
    "Two schools will close for repairs over the summer.",
]
#: (sentence, technique, the words that carry it)
LOADED = [
    ("Critics called the plan a disgraceful betrayal of every honest taxpayer.", "Loaded_Language", "disgraceful betrayal"),
    ("These reckless clowns have wrecked the port.", "Name_Calling,Labeling", "reckless clowns"),
    ("Our great nation will never bow to these people.", "Flag-Waving", "Our great nation will never bow"),
    ("Is this really the best the council can do?", "Doubt", "Is this really the best the council can do?"),
    ("The outrageous scheme is a total catastrophe for decent families.", "Exaggeration,Minimisation", "a total catastrophe"),
    ("Only a fool would trust these shameless traitors.", "Name_Calling,Labeling", "shameless traitors"),
]


def article(k: int) -> tuple[str, list[tuple[str, str]]]:
    """Article k: three plain sentences and two loaded ones, each on its own line (as PTC has them)."""
    lines = [NEUTRAL[(k + i) % len(NEUTRAL)] for i in range(3)]
    loaded = [LOADED[(k + i) % len(LOADED)] for i in range(2)]
    lines[1:1] = [loaded[0][0]]
    lines.append(loaded[1][0])
    return "\n".join(lines) + "\n", [(technique, words) for _, technique, words in loaded]


SPLITS = {"train": [str(k) for k in range(1, 8)], "dev": ["8", "9"]}
TUNE = ["6", "7"]


def write_layout(root: Path) -> Path:
    data = root / "ptc"
    for split, ids in SPLITS.items():
        (data / split / "articles").mkdir(parents=True)
        rows = []
        for article_id in ids:
            text, labels = article(int(article_id))
            (data / split / "articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
            for technique, words in labels:
                start = text.index(words)
                rows.append(f"{article_id}\t{technique}\t{start}\t{start + len(words)}\n")
        (data / split / f"{split}-task-flc-tc.labels").write_text("".join(rows), encoding="utf-8")
    (root / "tune.json").write_text(json.dumps({"tune": TUNE}), encoding="utf-8")
    return data


def train_command(root: Path, out: str, checkpoint: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "unspin.cli", "train", "techniques", "--data", str(root / "ptc"), "--out", str(root / out),
        "--epochs", "2", "--no-compare", "--threads", "1", "--checkpoint", str(root / checkpoint),
        "--tune", str(root / "tune.json"), *extra,
    ]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-ptc")
    write_layout(root)
    return root


def test_training_writes_a_loadable_model_with_every_choice_made_on_the_tune_part(tiny):
    run = subprocess.run(train_command(tiny, "straight", "straight-ck/checkpoint.pt"), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "fitting on 5 articles" in run.stderr and "choosing on 2" in run.stderr
    config = json.loads((tiny / "straight" / "config.json").read_text())
    assert config["base"]["crf"] is True and config["base"]["surface"] is True
    assert config["training"]["data"]["tune_articles"] == 2
    assert [h["epoch"] for h in config["training"]["history"]] == [1, 2]
    assert config["decision"]["span_source"] in ("token", "crf", "mean", "viterbi", "blend25", "blend50", "blend75")
    assert (tiny / "straight" / "lexical.npz").is_file() == bool(config["base"]["lexical"])
    assert (tiny / "straight-ck" / "checkpoint.pt").is_file()

    from unspin.techniques.model import TechniqueModel

    model = TechniqueModel.load(tiny / "straight")
    assert model.net.crf is not None
    text, _ = article(8)
    for found in model.find(text):
        assert 0 <= found.start < found.end <= len(text) and 0 < found.confidence <= 1


def test_a_killed_run_resumed_ends_with_the_same_weights(tiny):
    if not (tiny / "straight" / "weights.safetensors").is_file():
        pytest.skip("needs the uninterrupted run of the test above")
    checkpoint = tiny / "killed-ck" / "checkpoint.pt"
    proc = subprocess.Popen(train_command(tiny, "killed", "killed-ck/checkpoint.pt"), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not checkpoint.is_file():  # the checkpoint appears when the first epoch is done
        assert proc.poll() is None, "the run ended before its first checkpoint"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (tiny / "killed" / "weights.safetensors").exists()
    import torch

    assert torch.load(checkpoint, weights_only=False)["epoch"] == 1
    resumed = subprocess.run(train_command(tiny, "killed", "killed-ck/checkpoint.pt", "--resume"), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed from" in resumed.stderr and "after epoch 1" in resumed.stderr
    straight = load_file(str(tiny / "straight" / "weights.safetensors"))
    again = load_file(str(tiny / "killed" / "weights.safetensors"))
    assert straight.keys() == again.keys()
    for name in straight:
        assert (straight[name] == again[name]).all(), name
    first = json.loads((tiny / "straight" / "config.json").read_text())
    second = json.loads((tiny / "killed" / "config.json").read_text())
    assert first["decision"] == second["decision"]


def test_resume_without_a_checkpoint_is_a_one_line_error(tiny):
    run = subprocess.run(train_command(tiny, "none", "nowhere/checkpoint.pt", "--resume"), capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip().startswith("unspin: error:") and "no checkpoint" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def reviewed_store(root: Path) -> str:
    """A real store: two documents whose techniques analysts reviewed, one that copies a dev article (it must be
    left out), one reviewed for entities only (not gold for techniques), and a span labelled outside the 14."""
    from unspin.document import Document, Meta
    from unspin.review.records import Mark, Review
    from unspin.store import reviews as store_reviews
    from unspin.store.corpus import write_batch
    from unspin.store.db import connect

    import datetime

    when = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.timezone.utc)
    texts = [
        "The council met on Monday.\nThese spineless cowards sold the harbour.\nThe vote was close.\n",
        "A new ferry runs from May.\nOnly traitors would back this plan.\nTickets cost less.\n",
        article(8)[0],  # a dev article: must not be fitted on
        "The library opens at nine.\nThe mayor visited it.\n",
    ]
    docs = [Document(t, Meta(language="en", url=f"https://example.org/{k}")) for k, t in enumerate(texts)]
    url = str(root / "reviews.db")
    engine = connect(url)
    write_batch(engine, docs)

    def add(doc, words, label, layer="techniques"):
        start = doc.text.index(words)
        return Review(doc.id, layer, None, Mark(start, start + len(words), label), "ana", when)

    with engine.begin() as conn:
        store_reviews.write_reviews(conn, [
            add(docs[0], "spineless cowards", "Name_Calling,Labeling"),
            add(docs[0], "sold the harbour", "Treachery (my own label)"),
            add(docs[2], *article(8)[1][0][::-1]),
            add(docs[3], "The mayor", "PERSON", layer="entities"),
        ])
        store_reviews.mark_document(conn, docs[1].id, True, "ben")  # marked reviewed: its (empty) layer is gold
        store_reviews.write_review(conn, add(docs[1], "Only traitors", "Name_Calling,Labeling"))
    engine.dispose()
    return url


def test_reviewed_spans_from_a_store_join_the_fitted_part_and_are_counted(tiny):
    db = reviewed_store(tiny)
    run = subprocess.run(train_command(tiny, "extra", "extra-ck/checkpoint.pt", "--extra-gold", db),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (f"extra gold from {db}: 2 reviewed document(s), 2 technique span(s) added to the fitted part; "
            "1 span(s) with a label outside the 14 classes left out; "
            "1 document(s) left out because their text is a tune or dev article") in run.stderr
    assert "fitting on 7 articles (12 spans), choosing on 2" in run.stderr
    config = json.loads((tiny / "extra" / "config.json").read_text())
    data = config["training"]["data"]
    assert data["fit_articles"] == 7 and data["tune_articles"] == 2
    assert data["extra_gold"] == {"source": db, "documents": 2, "spans": 2, "left_out": 1,
                                  "dropped_as_tune_or_dev": 1}
    assert "--extra-gold " + db in config["training"]["command"]
    assert "2 are documents of a corpus store" in (tiny / "extra" / "MODEL_CARD.md").read_text()


def test_extra_gold_with_no_reviewed_techniques_is_a_one_line_error(tiny):
    from unspin.document import Document, Meta
    from unspin.store.corpus import write_batch
    from unspin.store.db import connect

    url = str(tiny / "plain.db")
    engine = connect(url)
    write_batch(engine, [Document("Nothing reviewed here.\n", Meta(language="en"))])
    engine.dispose()
    run = subprocess.run(train_command(tiny, "none2", "none2/checkpoint.pt", "--extra-gold", url),
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip().startswith("unspin: error: --extra-gold") and "no document there" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
