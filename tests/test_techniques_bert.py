"""unspin's own BERT encoder and tokenizer give what transformers' implementation gives on the same weights."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from unspin.techniques.bert import Config, WordPieces, load_encoder
from unspin.techniques.encoder import base_path

TEXTS = [
    "The minister\u2019s \u201chistoric\u201d deal \u2014 caf\u00e9 d\u00e9j\u00e0 vu!",
    "Short.",
    "Numbers 3.14 and 1,200, a web address http://example.org/a?b=1, and CAPITALS. " * 30,
]


@pytest.fixture(scope="module")
def base() -> Path:
    return Path(base_path())


def test_word_pieces_and_offsets_match_transformers(base):
    from transformers import AutoTokenizer

    ours, theirs = WordPieces(base), AutoTokenizer.from_pretrained(base, local_files_only=True)
    for text in TEXTS:
        ids, offsets = ours.pieces(text)
        expected = theirs(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        assert ids == expected["input_ids"]
        assert [tuple(o) for o in offsets] == [tuple(o) for o in expected["offset_mapping"]]
    ids, mask = ours.batch(TEXTS, 256)
    expected = theirs(TEXTS, padding=True, truncation=True, max_length=256, return_tensors="pt")
    assert torch.equal(ids, expected["input_ids"]) and torch.equal(mask, expected["attention_mask"])


def test_hidden_states_match_transformers_on_real_tokens(base):
    from transformers import AutoModel

    ours = load_encoder(base).eval()
    theirs = AutoModel.from_pretrained(base, local_files_only=True, add_pooling_layer=False).eval()
    ids, mask = WordPieces(base).batch(TEXTS, 256)
    with torch.no_grad():
        mine = ours(ids, mask).last_hidden_state
        reference = theirs(input_ids=ids, attention_mask=mask).last_hidden_state
    real = mask.bool()
    assert mine.shape == reference.shape
    assert (mine - reference)[real].abs().max().item() < 1e-4


def test_a_config_that_is_not_bert_is_refused(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "gpt2"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a BERT encoder"):
        Config.read(tmp_path / "config.json")


def test_analysis_does_not_import_transformers():
    """The point of the module: a command that runs the technique layers never pays for transformers."""
    code = ("import sys; from unspin.techniques.model import load; load(); "
            "print('transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
