"""What the commands share: the error console, the input and output formats, the worker and date
options, the progress bar."""

from __future__ import annotations

import datetime
import json
from enum import Enum
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


err = Console(stderr=True, highlight=False, soft_wrap=True)  # every message one line, however long its paths


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class InputFormat(str, Enum):
    auto = "auto"
    html = "html"
    text = "text"
    warc = "warc"
    jsonl = "jsonl"


JOBS_OPTION = typer.Option(
    None, "--jobs", "-j", min=1, show_default="the number of cores",
    help="Worker processes for the analysis, each loading the models once; the output is the same, "
    "in the same order, whatever the number.",
)


def worker_count(value: Optional[int]) -> int:
    from unspin.analyze.parallel import default_jobs

    return value or default_jobs()


def iso_date(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def progress_bar(show: bool) -> Progress:
    """A bar for the evaluations: on a terminal only (elsewhere a bar would leave a stray newline)."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=not (show and err.is_terminal), transient=True,
    )


def bar_wanted(progress: Optional[bool]) -> bool:
    """Whether ``--progress/--no-progress`` (None: the default) shows anything, so the inputs are worth counting."""
    return progress if progress is not None else err.is_terminal
