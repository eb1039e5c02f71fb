"""Score the shipped paragraph model on articles with SemEval-2023 paragraph labels.

Articles are read verbatim and split into lines as the task numbers them;
every line the model gives a technique becomes a predicted (article, line,
technique). Only the articles present in the folder are scored (a labels
file for the whole training set can score a handful of its articles). An
article whose text the model was trained on is recognised by its digest, so
a figure on training articles is never passed off as a test figure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from unspin.eval.paragraphs import Rows, read_rows, score
from unspin.eval.techniques import read_articles
from unspin.techniques.paragraphs import split


def predict_rows(model, texts: dict[str, str], advance: Callable[[], None] = lambda: None) -> Rows:
    """Every non-empty line of every article, with the techniques the model reports for it."""
    out: Rows = {}
    for aid in sorted(texts):
        found: dict[int, set[str]] = {}
        for f in model.find(texts[aid]):
            found.setdefault(f.paragraph.line, set()).add(f.technique)
        for p in split(texts[aid]):
            out[(aid, p.line)] = frozenset(found.get(p.line, ()))
        advance()
    return out


def trained_on(model, texts: dict[str, str]) -> list[str]:
    """The articles among ``texts`` whose exact text the model was trained on."""
    from unspin.techniques.paragraph_publish import text_digest

    digests = set(model.config.get("training", {}).get("data", {}).get("article_digests", []))
    return sorted(aid for aid, text in texts.items() if text_digest(text) in digests)


def evaluate(model, articles: Path, labels: Path, advance: Callable[[], None] = lambda: None) -> dict:
    texts = read_articles(articles)
    gold_all = read_rows(labels)
    named = {aid for aid, _ in gold_all}
    scored = {aid: t for aid, t in texts.items() if aid in named}
    if not scored:
        raise ValueError(f"none of the articles in {articles} is named in {labels}")
    gold = {key: v for key, v in gold_all.items() if key[0] in scored}
    predicted = predict_rows(model, scored, advance)
    return {
        "articles": len(scored),
        "articles_in_folder": len(texts),
        "articles_in_labels": len(named),
        "training_articles": len(trained_on(model, scored)),
        "predicted": predicted,
        "scores": score(gold, predicted),
    }
