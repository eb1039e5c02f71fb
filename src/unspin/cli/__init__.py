"""The ``unspin`` command. Each subcommand is a thin wrapper over an importable function.

One module per command group (``analyze``, ``corpus``, ``spark``,
``evaluate``, ``train``, ``reviews``, ``users``); importing this package registers them all on
``app``.
"""

from unspin.cli.app import app, eval_app, reviews_app, run, train_app
from unspin.cli import analyze, corpus, evaluate, reviews, spark, train, users  # noqa: F401,E402  (register the commands)

__all__ = ["app", "eval_app", "reviews_app", "train_app", "run"]
