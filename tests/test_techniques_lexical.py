"""The lexical technique baseline (design B): trained on a few PTC train articles, output is well formed."""

from __future__ import annotations

import pytest
from conftest import SHARED

from unspin.eval.techniques import TECHNIQUES, read_articles

PTC = SHARED / "data" / "ptc"
FEW = 8


@pytest.fixture(scope="module")
def small_model():
    if not (PTC / "train" / "articles").is_dir():
        pytest.skip(f"{PTC} is absent: the PTC corpus (research-only, not in the repo) must be in ../shared")
    pytest.importorskip("sklearn", reason="scikit-learn is needed to train the lexical baseline")
    from unspin.techniques.lexical_train import train

    articles = read_articles(PTC / "train" / "articles")
    chosen = sorted(articles)[:FEW]
    return train(PTC / "train", seed=13, articles=chosen), [articles[a] for a in chosen]


@pytest.mark.shared
def test_classify_gives_every_known_technique_with_probabilities_best_first(small_model):
    model, texts = small_model
    text = texts[0]
    spans = [(0, 20), (len(text) // 2, len(text) // 2 + 15), (len(text) - 10, len(text))]
    ranked = model.classify(text, spans)
    assert len(ranked) == len(spans)
    for row in ranked:
        names = [name for name, _ in row]
        probabilities = [p for _, p in row]
        assert len(set(names)) == len(names) and set(names) <= set(TECHNIQUES)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert probabilities == sorted(probabilities, reverse=True)
        assert sum(probabilities) == pytest.approx(1.0)
    assert model.classify(text, []) == []
    with pytest.raises(ValueError):
        model.classify(text, [(5, 5)])


@pytest.mark.shared
def test_find_returns_spans_inside_the_text_with_a_technique(small_model):
    model, texts = small_model
    found_any = False
    for text in texts[:4] + ["", "Short."]:
        for start, end, technique, probability in model.find(text):
            found_any = True
            assert 0 <= start < end <= len(text)
            assert technique in TECHNIQUES
            assert 0.0 <= probability <= 1.0
            assert text[start:end] == text[start:end].strip()
    assert found_any
    assert model.find("") == []


@pytest.mark.shared
def test_training_is_deterministic(small_model):
    from unspin.techniques.lexical_train import train

    model, texts = small_model
    again = train(PTC / "train", seed=13, articles=sorted(read_articles(PTC / "train" / "articles"))[:FEW])
    assert again.find(texts[1]) == model.find(texts[1])
