"""``unspin train``: the shipped models, trained from public gold data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from unspin.cli.app import train_app
from unspin.cli.common import err


@train_app.command("techniques")
def train_techniques(
    data: Path = typer.Option(
        ..., "--data", help="PTC in its release layout: train/ and dev/ with articles/ and *-task-flc-tc.labels.",
        exists=True, file_okay=False, show_default=False,
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the model (default: the package's models/techniques, replacing it).",
        show_default=False,
    ),
    epochs: int = typer.Option(4, "--epochs", min=1, help="Passes over the fitted part of train (the best on the tune part is kept)."),
    seed: int = typer.Option(13, "--seed", help="Seed for Python, NumPy and torch."),
    threads: int = typer.Option(2, "--threads", min=1, help="torch threads (set explicitly for reproducible timing)."),
    compare: bool = typer.Option(True, "--compare/--no-compare", help="Also score the other designs (CRF decodings, feature-based, ensemble)."),
    checkpoint: Path = typer.Option(
        Path("unspin-train-techniques/checkpoint.pt"), "--checkpoint",
        help="Where the state after each epoch is written (about 200 MB; not part of the model).",
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue from --checkpoint (same settings) instead of starting over."),
    tune: Optional[Path] = typer.Option(
        None, "--tune", help="JSON file whose 'tune' list names the train articles every choice is made on "
        "(default: the committed split, 74 of PTC's 371 train articles).", exists=True, dir_okay=False, show_default=False,
    ),
    extra_gold: Optional[str] = typer.Option(
        None, "--extra-gold", metavar="DB", help="A corpus store whose analysts' reviewed technique spans join the "
        "fitted part (documents whose techniques were reviewed, or marked reviewed).", show_default=False,
    ),
) -> None:
    """Fine-tune the technique model on PTC train, choose and calibrate on a held-out part of train, score dev.

    PTC dev takes part in no choice: its figures in the model card are those of
    unseen text. About 70 minutes on two idle CPU cores. The state is saved
    after every epoch; --resume continues a killed run to the same weights.
    The data never enters the model folder: only weights, thresholds and
    figures do.
    """
    from unspin.techniques.model import model_dir
    from unspin.techniques.publish import run as publish
    from unspin.techniques.train import Settings

    for part in ("train/articles", "train/train-task-flc-tc.labels", "dev/articles", "dev/dev-task-flc-tc.labels"):
        if not (data / part).exists():
            err.print(f"unspin: error: {data}: not in the PTC layout ({part} is missing)", markup=False, soft_wrap=True)
            raise typer.Exit(2)
    tune_ids = None
    if tune is not None:
        try:
            tune_ids = [str(i) for i in json.loads(tune.read_text(encoding="utf-8"))["tune"]]
        except (ValueError, KeyError, TypeError) as problem:
            err.print(f"unspin: error: {tune}: not a JSON object with a 'tune' list ({problem})", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
    if resume and not checkpoint.is_file():
        err.print(f"unspin: error: {checkpoint}: no checkpoint to resume from", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    command = f"unspin train techniques --data {data} --epochs {epochs} --seed {seed} --threads {threads}"
    extra = None
    if extra_gold is not None:
        extra = _extra_gold(extra_gold)
        command += f" --extra-gold {extra.source}"
    try:
        publish(
            data, out or model_dir(), Settings(seed=seed, threads=threads, epochs=epochs), compare=compare,
            command=command + ("" if compare else " --no-compare"), log=lambda line: err.print(line, markup=False, soft_wrap=True),
            checkpoint=checkpoint, resume=resume, tune_ids=tune_ids, extra=extra,
        )
    except ValueError as problem:
        err.print(f"unspin: error: {problem}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _extra_gold(db: str):
    """The reviewed technique spans of a store, or a one-line error when it holds none."""
    from unspin.cli.corpus import _existing_store
    from unspin.review.training import technique_gold
    from unspin.store.db import display_url, normalise_url
    from unspin.store.review_io import document_ids, marked_reviewed, pairs

    shown = display_url(normalise_url(db))
    engine = _existing_store(db, writes=False)
    with engine.connect() as conn:
        ids = document_ids(conn, every=False)
        extra = technique_gold(pairs(conn, ids), marked_reviewed(conn, ids), source=shown)
    engine.dispose()
    if not extra.documents:
        err.print(f"unspin: error: --extra-gold {shown}: no document there has reviewed techniques "
                  "(a review of the techniques layer, or a whole-document mark)", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    return extra


@train_app.command("paragraphs")
def train_paragraphs(
    data: Path = typer.Option(
        ..., "--data", help="SemEval-2023 Task 3 English training data: articles/ and train-labels-subtask-3.txt.",
        exists=True, file_okay=False, show_default=False,
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the model (default: the package's models/paragraphs, replacing it).",
        show_default=False,
    ),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds, by article."),
    seed: int = typer.Option(13, "--seed", help="Seed of the shuffle that deals articles to folds."),
) -> None:
    """Train the paragraph technique model: nested cross-validation by article, then fit on every article.

    Every paragraph is embedded once (the span model's frozen lower layers,
    read over each whole article as at analysis time); C, the
    fusion weight, the calibration and the threshold are chosen inside each
    fold's training part, and the out-of-fold figures go in the model card.
    Takes minutes on two CPU cores. The data never enters the model folder:
    only coefficients, the vocabulary, maps and figures do.
    """
    from unspin.techniques.paragraph_model import model_dir
    from unspin.techniques.paragraph_publish import run as publish
    from unspin.techniques.paragraph_train import ARTICLES, LABELS_FILE

    for part in (ARTICLES, LABELS_FILE):
        if not (data / part).exists():
            err.print(f"unspin: error: {data}: not in the SemEval-2023 layout ({part} is missing)",
                      markup=False, soft_wrap=True)
            raise typer.Exit(2)
    command = f"unspin train paragraphs --data {data} --folds {folds} --seed {seed}"
    try:
        publish(data, out or model_dir(), folds, seed, command=command,
                log=lambda line: err.print(line, markup=False, soft_wrap=True))
    except ValueError as exc:
        err.print(f"unspin: error: {data}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1)


@train_app.command("attributions")
def train_attributions(
    data: Path = typer.Option(
        ..., "--data", help="PolNeAR's folder, holding train/ and dev/ (text/ and attributions/ in each).",
        exists=True, file_okay=False, show_default=False,
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the model (default: the package's models/attributions, replacing it).",
        show_default=False,
    ),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Folder for the articles' parses, reused by a rerun (default: unspin-polnear-parses "
        "in the system's temporary folder).", file_okay=False, show_default=False,
    ),
    fit_articles: Optional[int] = typer.Option(
        None, "--fit-articles", min=1, help="Fit on this many of the fit articles (a seeded draw; default: all).",
        show_default=False,
    ),
) -> None:
    """Train the attribution cue tagger: fit on PolNeAR's fit part, choose on choose, score dev once.

    Writes weights.npz, config.json and MODEL_CARD.md (figures of rules
    alone, model alone and both, on choose and on dev). Parsing the articles
    is most of the time; the parses are cached for a rerun.
    """
    from unspin.analyze.cue_card import write
    from unspin.analyze.cue_model import WEIGHTS, model_dir
    from unspin.analyze.cue_train import train

    target = out or model_dir()
    command = "unspin train attributions --data " + str(data) + (
        f" --fit-articles {fit_articles}" if fit_articles else "")
    say = lambda line: err.print(line, markup=False, soft_wrap=True)  # noqa: E731
    try:
        run_ = train(data, target, cache=cache, fit_articles=fit_articles, say=say)
    except ValueError as exc:
        err.print(f"unspin: error: {data}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    write(target / "MODEL_CARD.md", run_, command, (target / WEIGHTS).stat().st_size)
    for name, figures in run_.test.items():
        say(f"dev, {name}: cue F1 {figures['cue']['f1']:.3f} (P {figures['cue']['precision']:.3f}, "
            f"R {figures['cue']['recall']:.3f}), source {figures['source_accuracy']:.3f}")
    say(f"wrote {target} ({run_.settings['mode']}) in {run_.seconds['total'] / 60:.1f} minutes")


@train_app.command("entities")
def train_entities(
    data: Path = typer.Option(
        ..., "--data", help="re3d's folder (sub-folders holding documents.json and entities.json).",
        exists=True, file_okay=False, show_default=False,
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the model (default: the package's models/entities, replacing it).",
        show_default=False,
    ),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds inside the tune part (by document)."),
) -> None:
    """Train the entity classifier on re3d's tune part, choosing by cross-validation inside it; score the test part once.

    Writes weights.npz, config.json and MODEL_CARD.md (rules alone and rules
    with the model, out of fold on the tune part and on the untouched test
    part). About half a minute.
    """
    from unspin.analyze.entity_card import write
    from unspin.analyze.entity_model import WEIGHTS, model_dir
    from unspin.analyze.entity_train import train

    target = out or model_dir()
    command = f"unspin train entities --data {data} --folds {folds}"
    say = lambda line: err.print(line, markup=False, soft_wrap=True)  # noqa: E731
    try:
        run_ = train(data, target, k=folds, say=say)
    except ValueError as exc:
        err.print(f"unspin: error: {data}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    write(target / "MODEL_CARD.md", run_, command, (target / WEIGHTS).stat().st_size)
    for name, figures in run_.test.items():
        say(f"test part, {name}: named overlap F1 {figures['overlap']['f1']:.3f}, exact {figures['exact']['f1']:.3f}")
    say(f"wrote {target} in {run_.seconds['total']:.0f} s")
