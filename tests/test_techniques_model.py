"""The shipped technique model, for real: it loads offline, is stable, and keeps offsets right on any length."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from unspin.analyze.technique_definitions import DEFINITIONS
from unspin.eval.techniques import TECHNIQUES
from unspin.techniques.model import load, model_dir
from unspin.techniques.windows import WINDOW

#: Our own sentences, written to carry techniques the model was trained on.
LOADED = (
    "The corrupt, lying traitors in Congress want to destroy our great nation, "
    "and every true patriot must stand up and fight them before it is too late!"
)
NEUTRAL = (
    "The council met on Tuesday to review the budget for the coming year. "
    "Members discussed road repairs, library opening hours and the cost of street lighting. "
)


@pytest.fixture(scope="module")
def model():
    return load()


def found_as_json(model, text):
    return [[f.start, f.end, f.technique, f.confidence, list(f.cues)] for f in model.find(text)]


def test_the_model_folder_holds_weights_config_and_card_under_30_mb():
    folder = model_dir()
    weights = folder / "weights.safetensors"
    assert weights.stat().st_size < 30 * 1024 * 1024
    config = json.loads((folder / "config.json").read_text())
    assert config["labels"] == list(TECHNIQUES)
    assert set(config["decision"]["thresholds"]) == set(TECHNIQUES)
    card = (folder / "MODEL_CARD.md").read_text()
    for needed in ("Fine-Grained Analysis of Propaganda", "SemEval-2020 Task 11", "unspin train techniques",
                   "Expected calibration error", "Limits"):
        assert needed in card


def test_model_loads_and_runs_with_the_network_cut_off(tmp_path):
    """A child process where any attempt to open a connection or resolve a host raises and is recorded."""
    script = textwrap.dedent(f"""
        import socket, sys
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("network is cut off in this test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from unspin.techniques.model import TechniqueModel
        model = TechniqueModel.load()
        found = model.find({LOADED!r})
        print(len(found), len(attempts))
    """)
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    spans, attempts = map(int, done.stdout.split()[-2:])
    assert attempts == 0
    assert spans > 0


def test_output_is_stable_for_a_fixed_input(model):
    text = NEUTRAL + LOADED + " " + NEUTRAL
    first = found_as_json(model, text)
    assert first == found_as_json(model, text)
    assert first, "the planted sentence should be found"


def test_empty_and_blank_texts_give_no_spans(model):
    assert model.find("") == []
    assert model.find(" \n\t ") == []


def test_one_word_is_handled(model):
    for word in ("Traitors!", "table"):
        for f in model.find(word):
            assert 0 <= f.start < f.end <= len(word)
            assert f.technique in TECHNIQUES


def test_spans_are_well_formed_with_cues_inside_them(model):
    text = NEUTRAL + LOADED
    for f in model.find(text):
        words = text[f.start : f.end]
        assert words == words.strip() and words
        assert 0.0 < f.confidence <= 1.0  # a span the reported-span map sends to 0 is not shown
        assert f.technique in DEFINITIONS
        assert 1 <= len(f.cues) <= 3
        assert all(cue in words for cue in f.cues)


def test_a_long_text_is_chunked_and_offsets_stay_right_across_window_borders(model):
    """Plant the same sentence at many places of a 200,000-character text, some across window borders.

    Every span found must lie on a planted sentence (the filler is plain
    council business), and the planted sentence must be found on both sides
    of the borders: an offset slip between windows would put spans in the
    filler or lose them.
    """
    pieces, planted = [], []
    length, i = 0, 0
    while length < 200_000:
        filler = NEUTRAL * (1 + i % 4)
        pieces.append(filler)
        length += len(filler)
        planted.append((length, length + len(LOADED)))
        pieces.append(LOADED + " ")
        length += len(LOADED) + 1
        i += 1
    text = "".join(pieces)
    assert len(text) >= 200_000
    encoded = model.encode(text)
    assert len(encoded.windows) > 100
    found = model.find(text, encoded)
    assert found
    for f in found:
        assert any(a <= f.start and f.end <= b for a, b in planted), (f, text[f.start - 20 : f.end + 20])
        assert text[f.start : f.end] in LOADED
    hit = {k for k, (a, b) in enumerate(planted) if any(a <= f.start < b for f in found)}
    overall = len(hit) / len(planted)
    assert overall >= 0.6, overall
    # planted sentences that straddle a window border (tokens on both sides of a window's end)
    offsets = encoded.windows.offsets
    assert WINDOW < len(offsets)
    borders = {int(offsets[e - 1, 1]) for e in encoded.windows.ends[:-1]}
    straddling = [k for k, (a, b) in enumerate(planted) if any(a < x < b for x in borders)]
    assert len(straddling) >= 20, "the test text should put planted sentences across window borders"
    at_borders = sum(k in hit for k in straddling) / len(straddling)
    assert at_borders >= 0.75 * overall, (at_borders, overall)


def test_the_decision_round_trips_with_both_calibration_maps(model):
    from unspin.techniques.model import Decision

    decision = model.decision
    assert decision.reported is not None  # the shipped model maps reported spans a second time
    assert Decision.from_json(decision.to_json()) == decision
    # the second map is monotone: it keeps the order of the candidate confidences
    values = [decision.shown_confidence(x / 100) for x in range(101)]
    assert values == sorted(values)
