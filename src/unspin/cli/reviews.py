"""``unspin reviews``: the analysts' reviews out of the store in the formats annotators use, and back in."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from unspin.cli.app import reviews_app
from unspin.cli.common import err, progress_bar
from unspin.cli.corpus import _DB_OPTION, _existing_store


class ExportFormat(str, Enum):
    labelstudio = "labelstudio"
    brat = "brat"
    semeval = "semeval"
    docbin = "docbin"


#: Formats written as one file (the others as a folder of files).
_ONE_FILE = {ExportFormat.labelstudio, ExportFormat.docbin}


def _fail(message: str, code: int = 1) -> None:
    err.print(f"unspin: error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


def _say(message: str) -> None:
    err.print(f"unspin: {message}", markup=False, soft_wrap=True)


def _check_out(out: Path, one_file: bool) -> None:
    """Before anything is read: the place to write must be possible (one line naming it if not)."""
    if not out.parent.is_dir():
        _fail(f"{out}: its folder does not exist")
    if one_file and out.is_dir():
        _fail(f"{out}: is a folder (this format is written as one file)")
    if not one_file and out.exists() and not out.is_dir():
        _fail(f"{out}: is a file (this format is written as a folder)")


def labelstudio_config_path(out: Path) -> Path:
    """Where the labeling config goes: beside the tasks, ``tasks.json`` -> ``tasks.label_config.xml``."""
    return out.with_name(out.stem + ".label_config.xml")


@reviews_app.command("export")
def export(
    db: str = _DB_OPTION,
    format: ExportFormat = typer.Option(..., "--format", help="labelstudio, brat, semeval or docbin.", show_default=False),
    out: Path = typer.Option(
        ..., "--out", help="Where to write: a file for labelstudio and docbin, a folder for brat and semeval.",
        show_default=False,
    ),
    every: bool = typer.Option(
        False, "--all", help="Every stored document, not only those with reviews or a whole-document mark "
        "(the others' machine marks stand as they are).",
    ),
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress", show_default="on a terminal", help="Show a progress bar on standard error.",
    ),
) -> None:
    """Write the reviewed documents in a format annotators use.

    labelstudio: a JSON list of tasks (the machine's marks as predictions, the
    reviewed view as annotations) and its labeling config beside it. brat:
    ID.txt and ID.ann per document and annotation.conf. semeval: the
    techniques in SemEval-2020 Task 11's four columns (techniques.labels) and
    articles/articleID.txt. docbin: a spaCy DocBin of the reviewed entities.

    Examples:

      unspin reviews export --db corpus.db --format labelstudio --out tasks.json

      unspin reviews export --db corpus.db --format brat --out brat/ --all
    """
    from unspin.store.review_io import document_ids, marked_reviewed, pairs

    _check_out(out, format in _ONE_FILE)
    engine = _existing_store(db, writes=False)
    show = progress if progress is not None else err.is_terminal
    with engine.connect() as conn, progress_bar(show) as bar:
        ids = document_ids(conn, every)
        marked = marked_reviewed(conn, ids)
        step = bar.add_task(f"exporting ({format.value})", total=len(ids))

        def read():
            for pair in pairs(conn, ids):
                yield pair
                bar.advance(step)

        summary = _WRITERS[format](read(), marked, out)
    _say(summary)


def _write_labelstudio(read, marked: set[str], out: Path) -> str:
    from unspin.review.labelstudio import labeling_config, tasks

    made = tasks(read, marked)
    out.write_text(json.dumps(made, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    config = labelstudio_config_path(out)
    config.write_text(labeling_config(made), encoding="utf-8")
    annotated = sum(1 for t in made if "annotations" in t)
    return (f"wrote {len(made)} task(s), {annotated} with the reviewed view as annotations, to {out}, "
            f"and the labeling config to {config}")


def _write_brat(read, marked: set[str], out: Path) -> str:
    from unspin.review.brat import Names, annotation_conf, documents, visual_conf

    out.mkdir(exist_ok=True)
    names = Names()
    count = spans = 0
    for doc_id, text, ann in documents(read, names):
        (out / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="")
        (out / f"{doc_id}.ann").write_text(ann, encoding="utf-8", newline="")
        count += 1
        spans += sum(1 for line in ann.splitlines() if line.startswith("T"))
    (out / "annotation.conf").write_text(annotation_conf(names), encoding="utf-8")
    (out / "visual.conf").write_text(visual_conf(names), encoding="utf-8")
    return (f"wrote {count} document(s) with {spans} span(s) in brat standoff to {out} "
            "(and annotation.conf, visual.conf)")


def _write_semeval(read, marked: set[str], out: Path) -> str:
    from unspin.review.semeval import ARTICLES, LABELS_FILE, articles, file_name, rows

    out.mkdir(exist_ok=True)
    (out / ARTICLES).mkdir(exist_ok=True)
    count = spans = left_out = 0
    with open(out / LABELS_FILE, "w", encoding="utf-8", newline="") as labels:
        for article in articles(read):
            with open(out / ARTICLES / file_name(article.article_id), "w", encoding="utf-8", newline="") as fh:
                fh.write(article.text)
            labels.write(rows(article))
            count += 1
            spans += len(article.spans)
            left_out += article.left_out
    extra = f"; {left_out} span(s) labelled outside the task's 14 techniques left out" if left_out else ""
    return f"wrote {spans} technique span(s) of {count} article(s) to {out / LABELS_FILE} and {out / ARTICLES}{extra}"


def _write_docbin(read, marked: set[str], out: Path) -> str:
    from unspin.review.docbin import Built, docbin

    built = Built()
    docbin(read, built).to_disk(out)
    return (f"wrote {built.docs} document(s) with {built.spans} entity span(s) ({built.in_ents} in doc.ents, "
            f"{built.expanded} widened to token edges) to {out}")


_WRITERS = {
    ExportFormat.labelstudio: _write_labelstudio,
    ExportFormat.brat: _write_brat,
    ExportFormat.semeval: _write_semeval,
    ExportFormat.docbin: _write_docbin,
}


@reviews_app.command("import")
def import_(
    path: Path = typer.Argument(
        ..., help="A Label Studio JSON export (Export -> JSON), or a folder in brat standoff as export --format brat "
        "writes it, after work in brat.", exists=True, show_default=False,
    ),
    db: str = _DB_OPTION,
    reviewer: Optional[str] = typer.Option(
        None, "--reviewer", show_default=False,
        help="Record the reviews under this name (default: labelstudio:<completed_by>, or brat).",
    ),
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress", show_default="on a terminal", help="Show a progress bar on standard error.",
    ),
) -> None:
    """Record the work done in Label Studio or brat as reviews.

    Label Studio (a file): each task's latest submitted annotation is
    compared with the machine's marks of its document (found by data.id, else
    by its text): kept marks are accepted, missing ones rejected, relabelled
    or moved ones changed, new ones added, dated when the annotation was made,
    and the document is marked reviewed. brat (a folder): each ID.ann the
    same way, for the layers brat shows, dated when the file was saved. A
    task or file that names no stored document, or whose marks do not fit
    its text, stops the import before anything is written.

    Examples:

      unspin reviews import project-export.json --db corpus.db

      unspin reviews import brat/ --db corpus.db --reviewer desk-b
    """
    from unspin.review.brat import BratError
    from unspin.review.compare import counts
    from unspin.review.labelstudio import LabelStudioError, read_export
    from unspin.store.review_io import import_brat, import_labelstudio

    if reviewer is not None and not reviewer.strip():
        _fail("--reviewer: give a name", 2)
    show = progress if progress is not None else err.is_terminal
    if path.is_dir():
        anns = sorted(path.glob("*.ann"))
        if not anns:
            _fail(f"{path}: no .ann files (a folder to import is brat standoff: ID.txt and ID.ann)")
        engine = _existing_store(db, writes=True)
        try:
            with progress_bar(show) as bar:
                step = bar.add_task("importing", total=len(anns))
                done = import_brat(engine, path, anns, reviewer, advance=lambda: bar.advance(step))
        except BratError as exc:
            _fail(f"{exc} (nothing was imported)")
        what = f"{len(anns)} brat file(s) in {path}"
    else:
        try:
            items = read_export(path.read_bytes())
        except LabelStudioError as exc:
            _fail(f"{path}: {exc}")
        except OSError as exc:
            _fail(f"{path}: {exc.strerror or exc}")
        engine = _existing_store(db, writes=True)
        try:
            with progress_bar(show) as bar:
                step = bar.add_task("importing", total=len(items))
                done = import_labelstudio(engine, items, reviewer, advance=lambda: bar.advance(step))
        except LabelStudioError as exc:
            _fail(f"{path}: {exc} (nothing was imported)")
        what = str(path)
    total = counts(done)
    parts = [f"imported {total['reviews']} review(s) on {total['documents']} document(s) from {what}"]
    if total["already"]:
        parts.append(f"{total['already']} already recorded")
    if total["skipped"]:
        parts.append(f"{total['skipped']} task(s) without a submitted annotation")
    if total["ignored"]:
        parts.append(f"{total['ignored']} result(s) or line(s) that are not spans of an unspin layer ignored")
    _say("; ".join(parts))
