"""``unspin eval``: every layer scored on public gold data."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from unspin.cli.app import eval_app
from unspin.cli.common import err, progress_bar


@eval_app.command("extraction")
def eval_extraction(
    directory: Path = typer.Argument(
        ..., help="A benchmark in the ScrapingHub layout: html/<id>.html.gz and ground-truth.json.",
        exists=True, file_okay=False, show_default=False,
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON instead of a table."),
) -> None:
    """Article-body extraction: unspin against trafilatura alone, side by side.

    Metric: the benchmark's own (word 4-gram shingles, counts normalised per
    page; precision averaged over pages with output, recall over pages with
    gold text, F1 of the two averages). Speed is pages per second of the
    extraction call, measured in the same run for both.
    """
    from unspin.eval.extraction import run_comparison

    try:
        rows = run_comparison(directory)
    except ValueError as exc:
        err.print(f"unspin: error: {directory}: {exc}", markup=False)
        raise typer.Exit(1)
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"article extraction on {directory} ({rows[0]['pages']} pages)")
    for col in ("system", "precision", "recall", "F1", "pages/s"):
        table.add_column(col, justify="left" if col == "system" else "right")
    for r in rows:
        table.add_row(r["system"], f"{r['precision']:.4f}", f"{r['recall']:.4f}", f"{r['f1']:.4f}", f"{r['pages_per_second']:.1f}")
    Console().print(table)


#: The gold sets of the analysis layers: (module, function, default location in shared/ beside the checkout).
_GOLD = {
    "entities": ("unspin.eval.entities", "evaluate_re3d_parts", "data/re3d"),
    "events": ("unspin.eval.events", "evaluate_plover_parts", "data/plover_gsr/PLOVER_GSR_CAMEO.json"),
    "modality": ("unspin.eval.modality", "evaluate_meantime_parts", "data/meantime_factuality"),
    "attributions": ("unspin.eval.attributions", "evaluate_polnear_parts", "data/polnear"),
    "dates": ("unspin.eval.dates", "evaluate_parts", "."),
}


def _eval_layer(layer: str, path: Optional[Path], json_out: bool, **options) -> None:
    """Run one layer's evaluation on each part of its split and print the parts side by side (or JSON)."""
    import importlib

    from unspin.eval.gold import default_path

    module_name, function, default = _GOLD[layer]
    target = path or default_path(default)
    if not target.exists():
        if path is None:
            problem = f"the default gold data is not there; give its path: unspin eval {layer} PATH"
        else:
            problem = "no such file or directory (give the gold data's path)"
        err.print(f"unspin: error: {target}: {problem}", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    module = importlib.import_module(module_name)
    try:
        result = getattr(module, function)(target, **options)
    except (ValueError, OSError) as exc:
        err.print(f"unspin: error: {target}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    if json_out:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        typer.echo(module.format_parts(result))


_JSON_OPTION = typer.Option(False, "--json", help="Print the figures as JSON instead of a table.")


@eval_app.command("entities")
def eval_entities(
    path: Optional[Path] = typer.Argument(
        None, help="re3d's folder (default: ../shared/data/re3d beside the checkout unspin runs from).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Entities against re3d (person, organisation, location mentions): per-class P, R, F1 and micro average.

    Each part of the committed split (unspin/eval/splits) is scored on its own, side by side:
    quote the test part, on which nothing was chosen.
    """
    _eval_layer("entities", path, json_out)


@eval_app.command("events")
def eval_events(
    path: Optional[Path] = typer.Argument(
        None, help="PLOVER gold records (default: ../shared/data/plover_gsr/PLOVER_GSR_CAMEO.json beside the checkout).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Events against PLOVER's gold records: event recall, type accuracy, per-type P, R, F1.

    Each part of the committed split (unspin/eval/splits) is scored on its own, side by side:
    quote the test part, on which nothing was chosen.
    """
    _eval_layer("events", path, json_out)


@eval_app.command("modality")
def eval_modality(
    path: Optional[Path] = typer.Argument(
        None, help="MEANTIME factuality CoNLL folder (default: ../shared/data/meantime_factuality beside the checkout).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Fact vs speculation against MEANTIME's event factuality: speculative and asserted P, R, F1.

    Each part of the committed split (unspin/eval/splits) is scored on its own, side by side:
    quote the test part, on which nothing was chosen.
    """
    _eval_layer("modality", path, json_out)


@eval_app.command("attributions")
def eval_attributions(
    path: Optional[Path] = typer.Argument(
        None, help="PolNeAR's folder, holding train/ and dev/ (default: ../shared/data/polnear beside the checkout).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Attributions against PolNeAR (who said or thought what): cue P, R, F1, source accuracy, kinds of source.

    A gold attribution is found when an unspin cue overlaps its cue. PolNeAR dev is the untouched test part;
    the train articles set aside for choosing (unspin/eval/splits/polnear_layers.json) are scored beside it.
    """
    _eval_layer("attributions", path, json_out)


@eval_app.command("dates")
def eval_dates(
    path: Optional[Path] = typer.Argument(
        None, help="The shared data folder the gold's file names are relative to (default: ../shared beside the checkout).",
        show_default=False,
    ),
    gold: Optional[Path] = typer.Option(
        None, "--gold", help="A dates gold file of your own (default: the hand-made PolNeAR gold shipped with unspin).",
        show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
) -> None:
    """Dates against date expressions annotated by hand: detection P and R, exact ISO value accuracy.

    Each article is analysed with its publication date as the reference. The tune and test halves of the
    annotated articles (a seeded shuffle, in the gold file) are scored side by side: quote the test part.
    """
    _eval_layer("dates", path, json_out, gold=gold)


@eval_app.command("stories")
def eval_stories(
    basil: Optional[Path] = typer.Option(
        None, "--basil", help="BASIL's folder (articles/<year>/*.json; default: ../shared/data/basil).",
        show_default=False,
    ),
    ecbplus: Optional[Path] = typer.Option(
        None, "--ecbplus", help="ECB+'s folder (<topic>/*.xml; default: ../shared/data/ecbplus).", show_default=False,
    ),
    part: Optional[str] = typer.Option(
        None, "--part", help="Only 'tune' or only 'report' (default: both).", show_default=False,
    ),
    json_out: bool = _JSON_OPTION,
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on standard error."),
) -> None:
    """Story grouping against BASIL (one event told by three outlets, dated) and ECB+ (similar events, undated).

    Each part (the events or topics tuned on, and those only reported; see
    unspin/eval/splits) is read as JSON Lines and stored through the real
    ingest path into a throwaway store, analysed by the components grouping
    reads (sentences, entities). Prints pairwise precision, recall and F1 of
    the stories made, and the story counts. About 15 minutes on two cores.
    """
    from unspin.eval.stories import count, evaluate, format_table

    if part not in (None, "tune", "report"):
        err.print(f"unspin: error: --part {part!r}: use tune or report", markup=False)
        raise typer.Exit(2)
    parts = (part,) if part else ("tune", "report")
    given = basil is not None or ecbplus is not None
    basil = basil or (None if given else Path("../shared/data/basil"))
    ecbplus = ecbplus or (None if given else Path("../shared/data/ecbplus"))
    for target in (basil, ecbplus):
        if target is not None and not target.is_dir():
            err.print(f"unspin: error: {target}: no such directory (give the gold data's path)", markup=False)
            raise typer.Exit(2)
    with progress_bar(progress) as bar:
        try:
            task = bar.add_task("stories", total=count(basil, ecbplus, parts))
            result = evaluate(basil, ecbplus, parts, advance=lambda: bar.advance(task))
        except (ValueError, OSError, KeyError) as exc:
            err.print(f"unspin: error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    typer.echo(json.dumps(result, indent=2) if json_out else format_table(result))


@eval_app.command("techniques")
def eval_techniques(
    articles: Path = typer.Option(
        ..., "--articles", help="A folder of article<ID>.txt files (PTC layout), read verbatim.",
        exists=True, file_okay=False, show_default=False,
    ),
    labels: Optional[Path] = typer.Option(
        None, "--labels", help="Gold spans: id<TAB>technique<TAB>start<TAB>end (e.g. dev-task-flc-tc.labels).",
        exists=True, dir_okay=False, show_default=False,
    ),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", help="Write the spans found, in the same 4-column format ('-' for standard output).",
        show_default=False, allow_dash=True,
    ),
    paragraphs: Optional[Path] = typer.Option(
        None, "--paragraphs", metavar="LABELS",
        help="Score the paragraph model instead, against SemEval-2023 subtask-3 labels: "
        "id<TAB>line<TAB>technique,technique,... per non-empty line (e.g. train-labels-subtask-3.txt).",
        exists=True, dir_okay=False, show_default=False,
    ),
    cross_validate: bool = typer.Option(
        False, "--cross-validate",
        help="With --paragraphs: instead of scoring the shipped model, run the nested 5-fold cross-validation by "
        "article (as unspin train paragraphs does, minutes on two cores) and print its out-of-fold figures.",
    ),
    json_out: bool = _JSON_OPTION,
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on standard error."),
) -> None:
    """Propaganda techniques against SemEval-2020 Task 11 gold: SI, TC, end to end, per technique.

    SI and end to end score the spans the model finds (partial overlap
    credited); TC scores the techniques it gives the gold spans. Offsets are
    code points of the files as they are.

    With --paragraphs LABELS, the paragraph model is scored instead, with
    SemEval-2023 subtask 3's metric: micro-F1 over (article, line, technique),
    lines numbered as the labels file numbers them (every line of the file
    from 1). Only the articles in --articles are scored. Articles the shipped
    model was trained on are recognised and the figure is then labelled a
    training-set figure; --cross-validate gives the honest one.
    """
    if paragraphs is not None:
        if labels is not None:
            err.print("unspin: error: give --labels (span gold) or --paragraphs (paragraph gold), not both",
                      markup=False, soft_wrap=True)
            raise typer.Exit(2)
        _eval_paragraphs(articles, paragraphs, cross_validate, predictions, json_out, progress)
        return
    if cross_validate:
        err.print("unspin: error: --cross-validate needs --paragraphs", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    from unspin.eval.techniques import format_table, write_predictions
    from unspin.techniques.evaluate import evaluate
    from unspin.techniques.model import load

    if labels is None and predictions is None:
        err.print("unspin: error: nothing to do: give --labels to score, --predictions to write spans, or both",
                  markup=False, soft_wrap=True)
        raise typer.Exit(2)
    n = len(list(articles.glob("article*.txt")))
    with progress_bar(progress and n > 1) as bar:
        task = bar.add_task("techniques", total=n)
        try:
            model = load()
            result = evaluate(model, articles, labels, advance=lambda: bar.advance(task))
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            err.print(f"unspin: error: {labels or articles}: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    if predictions is not None:
        write_predictions(result["found"], sys.stdout if str(predictions) == "-" else predictions)
    if result["scores"] is not None:
        calibration = result["calibration"]
        if json_out:
            typer.echo(json.dumps(result["scores"] | {"calibration": calibration}, indent=2))
        elif str(predictions) != "-":
            typer.echo(f"{result['articles']} articles, {len(result['found'])} spans found")
            typer.echo(format_table(result["scores"]))
            typer.echo(
                f"\nconfidence: the spans' confidences add up to {calibration['expected_right']} expected right; "
                f"{calibration['right']} of {calibration['spans']} overlap a gold span of their technique "
                f"(ECE {calibration['ece']:.4f}, 10 bins)"
            )


def _eval_paragraphs(
    articles: Path, labels: Path, cross_validate: bool, predictions: Optional[Path], json_out: bool, progress: bool
) -> None:
    """``eval techniques --paragraphs``: the shipped paragraph model, or the nested cross-validation."""
    from unspin.eval.paragraphs import format_table, write_rows

    if cross_validate:
        from unspin.techniques.paragraph_publish import cross_validate as run_cv

        log = (lambda line: err.print(line, markup=False, soft_wrap=True)) if progress else (lambda _: None)
        try:
            result, _ = run_cv(articles, labels, log=log)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            err.print(f"unspin: error: {labels}: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
        if json_out:
            typer.echo(json.dumps({k: v for k, v in result.items() if k != "reliability_reported"}, indent=2))
            return
        base = result["baseline_loaded_language"]
        typer.echo(f"{result['folds']}-fold cross-validation by article (nested: every choice made without the scored "
                   f"fold), {result['paragraphs']} paragraphs of {result['articles']} articles")
        typer.echo(format_table(result | {"f1": result["micro_f1"], "paragraphs": result["paragraphs"]},
                                labels=set(result["per_label"])))
        typer.echo(f"\nbaseline, Loaded_Language on every paragraph: micro-F1 {base['f1']:.4f} "
                   f"(P {base['precision']:.4f}, R {base['recall']:.4f})")
        typer.echo(f"per fold: {', '.join(f'{f:.4f}' for f in result['per_fold_f1'])}")
        typer.echo(f"expected calibration error (10 bins): {result['ece_reported']:.4f} over the reported pairs, "
                   f"{result['ece_all_pairs']:.4f} over every (paragraph, technique) pair")
        return
    from unspin.techniques.paragraph_evaluate import evaluate
    from unspin.techniques.paragraph_model import load

    n = len(list(articles.glob("article*.txt")))
    with progress_bar(progress and n > 1) as bar:
        task = bar.add_task("paragraphs", total=n)
        try:
            result = evaluate(load(), articles, labels, advance=lambda: bar.advance(task))
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            err.print(f"unspin: error: {labels}: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    if predictions is not None:
        write_rows(result["predicted"], sys.stdout if str(predictions) == "-" else predictions)
        if str(predictions) == "-":
            return
    scores = result["scores"]
    training = result["training_articles"]
    if json_out:
        typer.echo(json.dumps({"articles": result["articles"], "training_articles": training,
                               "training_set_figure": training > 0} | scores, indent=2))
        return
    typer.echo(f"{result['articles']} articles scored ({result['articles_in_labels']} named in the labels, "
               f"{result['articles_in_folder']} in the folder)")
    if training:
        typer.echo(f"TRAINING-SET FIGURE: {training} of these {result['articles']} articles are ones the shipped model "
                   "was trained on, so this is not a measure of new text; --cross-validate gives the honest figure.")
    typer.echo(format_table(scores))


class _ReviewFormat(str, Enum):
    table = "table"
    json = "json"


@eval_app.command("review")
def eval_review(
    db: str = typer.Option(
        "unspin.db", "--db", metavar="URL",
        help="The corpus store: a file path or sqlite:///PATH (SQLite), or postgresql://USER@HOST/DB.",
    ),
    format: _ReviewFormat = typer.Option(_ReviewFormat.table, "--format", help="table or json."),
) -> None:
    """The machine's marks against the analysts' reviewed view of the same documents: P, R, F1 with counts.

    Per layer and per label, on the documents of your own store that a human
    checked: a layer of a document counts when the document is marked
    reviewed, or when some review touches that layer. A match is exact: the
    same offsets and the same label.
    """
    from unspin.cli.corpus import _existing_store
    from unspin.review.score import score
    from unspin.store.review_io import document_ids, marked_reviewed, pairs

    engine = _existing_store(db, writes=False)
    with engine.connect() as conn:
        ids = document_ids(conn, every=False)
        rows = score(pairs(conn, ids), marked_reviewed(conn, ids))
    if format is _ReviewFormat.json:
        typer.echo(json.dumps({"match": "exact: same layer, offsets and label", "rows": rows}, indent=2))
        return
    if not rows:
        err.print("unspin: nothing to score: no document in the store has reviews or is marked reviewed",
                  markup=False, soft_wrap=True)
        return
    shown = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    table = Table(title="the machine's marks against the reviewed view (exact match: same offsets and label)")
    for col in ("layer", "label", "docs", "machine", "reviewed", "tp", "fp", "fn", "P", "R", "F1"):
        table.add_column(col, justify="left" if col in ("layer", "label") else "right", no_wrap=True)
    from rich.text import Text

    for r in rows:  # a label is a reviewer's words: shown as text, never read as markup
        table.add_row(r["layer"], Text(r["label"]), str(r["documents"]), str(r["machine"]), str(r["reviewed"]),
                      str(r["tp"]), str(r["fp"]), str(r["fn"]), shown(r["precision"]), shown(r["recall"]), shown(r["f1"]))
    Console(width=max(120, Console().width)).print(table)
