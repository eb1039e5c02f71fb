"""``python -m unspin.cli``: the same as the ``unspin`` command."""

from unspin.cli import run

run()
