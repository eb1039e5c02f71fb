"""Where the public gold data sits by default: ``shared/`` beside the checkout unspin runs from.

The evaluations' defaults used to be paths relative to the working directory
(``../shared/...``), so ``unspin eval events`` worked only when run from the
checkout. They are resolved against the package's own location instead
(``src/unspin/../../../shared``), which is the checkout's neighbour when unspin
runs from a source tree; an installed copy has no such neighbour, and then
the command says where to point it.
"""

from __future__ import annotations

from pathlib import Path

#: ``shared/`` next to the checkout that holds this package (absent for an installed package).
SHARED = Path(__file__).resolve().parents[3].parent / "shared"


def default_path(relative: str) -> Path:
    """The default location of a gold set, ``relative`` to the shared data folder."""
    return SHARED / relative
