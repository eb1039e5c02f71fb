"""The learned attribution cue tagger: shipped, loaded by the layer, trainable by its command."""

import json

import numpy as np
import pytest

from conftest import SHARED, need, run_cli
from unspin.analyze import attributions  # noqa: F401  (registers the component)
from unspin.analyze.cue_model import CONFIG, WEIGHTS, cue_groups, model_dir, read, shipped
from unspin.analyze.nlp import parse_text
from unspin.analyze.pipeline import build, run
from unspin.document import Document, Meta

#: Own sentences; each (text, the cue word expected among the tagger's cues).
OWN = [
    ("She believes the vote was fair.", "believes"),
    ("The mayor warned that the bridge would close in winter.", "warned"),
    ("Although the coach insisted that nothing was wrong, the players left early.", "insisted"),
]


def annotate(text: str) -> Document:
    return run(Document(text, Meta(language="en")), build(["sentences", "attributions"]))


def test_the_shipped_model_loads_from_the_package():
    assert (model_dir() / WEIGHTS).stat().st_size < 30_000_000
    model = shipped()
    assert model is not None and len(model.weights) > 1000
    assert model.mode in ("model", "both", "gated")


@pytest.mark.parametrize("text, cue", OWN)
def test_the_tagger_finds_cues_in_own_text(text, cue):
    model = shipped()
    sdoc = parse_text(text)
    probs = model.probabilities(sdoc)
    words = [" ".join(sdoc[i].text for i in g) for g in cue_groups(probs, sdoc, model.threshold)]
    assert any(cue in w for w in words), words
    assert all(probs[t.i] < model.threshold for t in sdoc if t.lower_ in {"the", "bridge", "early"})


@pytest.mark.parametrize("text, cue", OWN)
def test_the_layer_reports_them_with_speaker_and_content(text, cue):
    doc = annotate(text)
    [span] = [s for s in doc.layer("attributions") if cue in s.attrs["cue"]]
    assert span.attrs["vague"] is False
    assert span.attrs["source_text"] in {"She", "The mayor", "the coach"}
    assert doc.span_text(span) in text and cue not in doc.span_text(span)


def test_without_model_files_the_layer_keeps_to_its_rules(tmp_path):
    from unspin.analyze.attributions import combined, rule_attributions

    with pytest.raises(FileNotFoundError):
        read(tmp_path)
    sdoc = parse_text("She believes the vote was fair. The mayor said the bridge would close.")
    assert combined(sdoc, None) == rule_attributions(sdoc)


def test_a_pronoun_speaker_found_by_the_tagger_resolves_to_the_name_before_it():
    doc = annotate("Maria Lopez spoke at the hearing. She believes the contract was signed too early.")
    [span] = [s for s in doc.layer("attributions") if s.attrs["cue"] == "believes"]
    assert span.attrs["source"] == "Maria Lopez" and span.attrs["source_from"] == "She"


ARTICLES = [
    ("The governor said the roads would reopen on Monday. Residents believe the repairs were rushed.",
     [("The governor", "said", "the roads would reopen on Monday"),
      ("Residents", "believe", "the repairs were rushed")]),
    ("Officials warned that the river could flood. The mayor claimed the levees were safe.",
     [("Officials", "warned", "the river could flood"), ("The mayor", "claimed", "the levees were safe")]),
    ("The company announced that it would hire staff. Analysts expect the shares to rise.",
     [("The company", "announced", "it would hire staff"), ("Analysts", "expect", "the shares to rise")]),
    ("The coach insisted that the team was ready. Fans hope the season goes well.",
     [("The coach", "insisted", "the team was ready"), ("Fans", "hope", "the season goes well")]),
    ("The senator denied that she had met the lobbyist. Her aide said the meeting never happened.",
     [("The senator", "denied", "she had met the lobbyist"), ("Her aide", "said", "the meeting never happened")]),
    ("Police said the suspect fled on foot. Witnesses reported that a car was waiting.",
     [("Police", "said", "the suspect fled on foot"), ("Witnesses", "reported", "a car was waiting")]),
]


def write_article(folder, name: str, text: str, attributions) -> None:
    (folder / "text").mkdir(parents=True, exist_ok=True)
    (folder / "attributions").mkdir(parents=True, exist_ok=True)
    (folder / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    lines, t = [], 0
    for e, (source, cue, content) in enumerate(attributions, 1):
        ids = []
        for role, words in (("Source", source), ("Cue", cue), ("Content", content)):
            t += 1
            start = text.index(words)
            lines.append(f"T{t}\t{role} {start} {start + len(words)}\t{words}")
            ids.append(f"{role}:T{t}")
        lines.append(f"E{e}\tAttribution:T{t - 1} " + " ".join(ids))
    (folder / "attributions" / f"{name}_a1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_training_command_writes_a_model_and_card_from_a_polnear_layout_folder(tmp_path):
    data = tmp_path / "polnear"
    for i, (text, found) in enumerate(ARTICLES):
        write_article(data / "train", f"own_{i}", text, found)
    write_article(data / "dev", "own_dev", *ARTICLES[0])
    out = tmp_path / "model"
    result = run_cli("train", "attributions", "--data", str(data), "--out", str(out),
                     "--cache", str(tmp_path / "parses"), timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    config = json.loads((out / CONFIG).read_text("utf-8"))
    assert config["mode"] in ("rule", "model", "both", "gated") and 0 < config["threshold"] < 1
    with np.load(out / WEIGHTS, allow_pickle=False) as weights:
        assert len(weights["features"]) == len(weights["weights"]) > 0
    model = read(out)
    assert model.weights and model.mode == config["mode"]
    card = (out / "MODEL_CARD.md").read_text("utf-8")
    assert "rules alone" in card and "model alone" in card and "On PolNeAR dev (1 articles" in card


def test_a_folder_that_is_not_polnear_is_refused(tmp_path, cli):
    result = cli("train", "attributions", "--data", str(tmp_path))
    assert result.returncode != 0
    assert "PolNeAR" in result.stderr.decode()


def test_floor_on_polnear_dev():
    """The shipped layer on PolNeAR dev, the untouched part: the figures measured when the model was shipped."""
    from unspin.eval.attributions import evaluate_polnear
    from unspin.eval.layer_splits import ids

    figures = evaluate_polnear(need(SHARED / "data" / "polnear"), only=ids("polnear", "test"))
    assert figures["cue"]["f1"] >= FLOOR["f1"]
    assert figures["cue"]["precision"] >= FLOOR["precision"]
    assert figures["source_accuracy"] >= FLOOR["source"]


#: Measured on dev (see its MODEL_CARD.md; source accuracy by the evaluator's span measure), rounded down.
FLOOR = {"f1": 0.76, "precision": 0.89, "source": 0.94}
