"""The CRF against brute force over every tag path, the surface signals, and the 2023 annotation's alignment."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from unspin.techniques.crf import B, CRF, I, O, bio_tags
from unspin.techniques.second import TO_2020, align
from unspin.techniques.surface import SURFACE, token_surface

from conftest import SHARED, need



@pytest.fixture
def crf():
    torch.manual_seed(3)
    model = CRF(4)
    with torch.no_grad():
        model.transitions.normal_()
        model.start.normal_()
        model.end.normal_()
    return model


def brute_force(crf: CRF, emissions: torch.Tensor, length: int) -> dict[tuple[int, ...], float]:
    mask = torch.zeros((1, emissions.shape[1]), dtype=torch.long)
    mask[0, :length] = 1
    scores = {}
    for path in itertools.product(range(3), repeat=length):
        tags = torch.tensor([list(path) + [O] * (emissions.shape[1] - length)])
        scores[path] = crf.path_score(emissions, tags, mask).item()
    return scores


@pytest.mark.parametrize("length", [1, 3, 5])
def test_partition_viterbi_and_marginals_match_brute_force(crf, length):
    emissions = torch.randn(1, 5, 3)
    mask = torch.zeros((1, 5), dtype=torch.long)
    mask[0, :length] = 1
    scores = brute_force(crf, emissions, length)
    log_z = torch.logsumexp(torch.tensor(list(scores.values())), 0).item()
    assert crf.log_partition(emissions, mask).item() == pytest.approx(log_z, abs=1e-4)
    assert tuple(crf.viterbi(emissions, mask)[0]) == max(scores, key=scores.get)
    expected = np.zeros((length, 3))
    for path, s in scores.items():
        for t, tag in enumerate(path):
            expected[t, tag] += np.exp(s - log_z)
    got = crf.marginals(emissions, mask)[0, :length].detach().numpy()
    assert np.abs(got - expected).max() < 1e-4
    assert crf.marginals(emissions, mask)[0, length:].abs().sum().item() == 0


def test_rows_of_different_lengths_in_one_batch_are_independent(crf):
    emissions = torch.randn(2, 6, 3)
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]])
    together = crf.marginals(emissions, mask)
    alone = crf.marginals(emissions[1:, :3], mask[1:, :3])
    assert torch.allclose(together[1, :3], alone[0], atol=1e-5)
    assert crf.nll(emissions, bio_tags(torch.zeros(2, 6), torch.zeros(2, 6)), mask).item() > 0


def test_bio_tags_mark_starts_and_insides():
    inside = torch.tensor([[0.0, 1, 1, 0, 1]])
    starts = torch.tensor([[0.0, 1, 0, 0, 1]])
    assert bio_tags(inside, starts).tolist() == [[O, B, I, O, B]]


def test_surface_signals_describe_quotes_questions_and_repeats():
    text = 'They were called "cowards" once. Why would anyone believe the boldest claim? Cowards, all of them!'
    offsets = np.array([[m.start(), m.end()] for m in re.finditer(r"\w+|[^\w\s]", text)])
    features = token_surface(text, offsets)
    assert features.shape == (len(offsets), len(SURFACE))
    column = {name: k for k, name in enumerate(SURFACE)}
    at = {text[a:b]: row for (a, b), row in zip(offsets, features)}
    assert at["cowards"][column["short_quote"]] == 1 and at["They"][column["short_quote"]] == 0
    assert at["anyone"][column["question"]] == 1 and at["They"][column["question"]] == 0
    assert at["all"][column["exclamation"]] == 1
    assert at["Cowards"][column["word_repeats"]] > 0 and at["believe"][column["word_repeats"]] == 0
    assert at["boldest"][column["superlative_shape"]] == 1
    assert token_surface("", np.zeros((0, 2), dtype=np.int64)).shape == (0, len(SURFACE))


def test_alignment_carries_offsets_across_reflowed_and_edited_text():
    ptc = "First line here.\nSecond line, with words.\nThird."
    reflowed = "First line here. Second line, with words.  Third."
    alignment = align(reflowed, ptc)
    start = reflowed.index("Second line")
    assert alignment.span(start, start + len("Second line")) == (ptc.index("Second line"), ptc.index("Second line") + 11)
    edited = "First line here. Second row, with words. Third."
    moved = align(edited, ptc).span(edited.index("with"), edited.index("with") + 4)
    assert moved == (ptc.index("with"), ptc.index("with") + 4)


def test_every_2023_label_maps_to_a_2020_class():
    from unspin.eval.techniques import TECHNIQUES

    assert set(TO_2020.values()) <= set(TECHNIQUES)
    assert set(TO_2020.values()) == set(TECHNIQUES)


@pytest.mark.shared
def test_the_2023_spans_of_ptc_dev_are_ptc_devs_own(tmp_path):
    """Measured: the 2023 'second annotation' is PTC's gold again (so it adds no supervision)."""
    ptc, s23 = need(SHARED / "data" / "ptc"), need(SHARED / "data" / "semeval2023-en-train")
    from unspin.eval.techniques import read_articles, read_labels, score
    from unspin.techniques.second import spans_on_ptc

    texts = read_articles(ptc / "dev" / "articles")
    moved = spans_on_ptc(s23, texts)
    result = score(read_labels(ptc / "dev" / "dev-task-flc-tc.labels"), moved)
    assert result["si"]["f1"] > 0.99 and result["end_to_end"]["f1"] > 0.99


@pytest.mark.shared
def test_the_shipped_form_of_the_feature_based_span_finder_gives_the_trained_probabilities(tmp_path):
    from unspin.eval.techniques import read_articles
    from unspin.techniques import lexical_io, lexical_text, lexical_train

    train = need(SHARED / "data" / "ptc" / "train")
    ids = sorted(read_articles(train / "articles"))[:12]
    model = lexical_train.train(train, seed=13, articles=ids)
    lexical_io.save(model, tmp_path / "lexical.npz")
    shipped = lexical_io.ShippedSpanFinder(tmp_path / "lexical.npz")
    text = "They called the plan a shameless betrayal.\nWhy would anyone trust these people again?\nThe vote is on Friday.\n"
    doc = lexical_text.Doc(text)
    assert np.abs(model.token_probabilities(doc) - shipped.token_probabilities(doc)).max() < 1e-6
    assert shipped.token_probabilities(lexical_text.Doc("")).shape == (0,)
