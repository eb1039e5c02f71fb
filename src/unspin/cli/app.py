"""The ``unspin`` application, its command groups and the console-script entry point."""

from __future__ import annotations

import logging
import os
import sys

import typer

from unspin import __version__
from unspin.cli.common import err
from unspin.cores import ENV, choose_wait_policy, explicit


app = typer.Typer(
    help=(
        "Read news articles as found in the wild (saved HTML, WARC, text scrapes, JSON Lines) "
        "and show what they say and how they try to persuade."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
eval_app = typer.Typer(help="Score unspin against public gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
train_app = typer.Typer(help="Train unspin's shipped models from public gold data.", no_args_is_help=True)
app.add_typer(train_app, name="train")
reviews_app = typer.Typer(
    help="The analysts' reviews: export them in the formats annotators use, import Label Studio's work back.",
    no_args_is_help=True,
)
app.add_typer(reviews_app, name="reviews")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unspin {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """unspin: what a news article says, and how it tries to persuade."""


def run() -> None:  # console-script entry point
    try:
        explicit(os.environ.get(ENV))
    except ValueError as problem:
        err.print(f"unspin: error: {problem}", markup=False, soft_wrap=True)
        sys.exit(2)
    # Before anything imports torch (spaCy's load does): OpenMP's threads sleep at barriers if the cores are shared.
    choose_wait_policy()
    # The command reports bad pages itself, one line each; the extractors'
    # own log chatter about the same pages would only repeat it.
    for name in ("trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    app()
