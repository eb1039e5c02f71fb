"""The file to give ``spark-submit``: it accepts the arguments of ``unspin spark`` and runs that command.

spark-submit takes a Python application only as a ``.py`` file (anything
else is taken for a JAR), so the console script ``unspin`` cannot be given
to it. Its path, in the environment unspin is installed in, is what
``python -m unspin.scale.job --path`` prints.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    if argv == ["--path"]:
        print(__file__)
        return
    from unspin.cli import app

    app(["spark", *argv], prog_name="unspin")


if __name__ == "__main__":
    main(sys.argv[1:])
