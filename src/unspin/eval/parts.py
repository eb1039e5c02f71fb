"""Score one layer on each part of its gold set and print the parts side by side.

The test part is the figure to quote: nothing was chosen on it (see
``layer_splits``). A gold folder that is not the one the split was drawn from
(none of its ids in either part) is scored whole, as ``all``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from unspin.eval import layer_splits

#: Order of the columns: the untouched part first.
SHOWN = ("test", "choose", "tune", "all")
TITLES = {"test": "test (untouched)", "choose": "choose (part of train)", "tune": "tune (rules chosen here)",
          "all": "all (no split applies)"}


class NoDocuments(ValueError):
    """None of the gold set's documents are in the part asked for."""


def keep(items: list, key: Callable, only: frozenset[str] | None, what: str) -> list:
    """The items whose id is in ``only`` (all of them when ``only`` is None)."""
    if only is None:
        return items
    kept = [item for item in items if key(item) in only]
    if not kept:
        raise NoDocuments(f"none of the {what} are in this part of the split")
    return kept


def evaluate_parts(evaluate: Callable[..., dict], path: str | Path, gold: str,
                   parts: Iterable[str] = ("test", "tune")) -> dict:
    """``evaluate(path, only=ids)`` for each part; the whole set when the split does not apply to it."""
    scored: dict[str, dict] = {}
    for part in parts:
        try:
            scored[part] = evaluate(path, only=layer_splits.ids(gold, part))
        except NoDocuments:
            continue
    if not scored:
        scored["all"] = evaluate(path)
    return {"gold_set": gold, "split": layer_splits.load(gold)["about"], "parts": scored}


Row = tuple[str, Callable[[dict], object]]


def side_by_side(result: dict, rows: list[Row], detail: Callable[[dict, str], str]) -> str:
    """Headline rows with one column per part, then each part's own table (``detail(scores, part)``)."""
    parts = [p for p in SHOWN if p in result["parts"]]
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{'':<{width}}" + "".join(f"{TITLES[p]:>26}" for p in parts)]
    for label, value in rows:
        cells = []
        for part in parts:
            cell = value(result["parts"][part])
            cells.append(f"{cell:>26.3f}" if isinstance(cell, float) else f"{str(cell):>26}")
        lines.append(f"{label:<{width}}" + "".join(cells))
    if "test" in result["parts"]:
        lines.append("Quote the test column: the other parts are where rules and thresholds were chosen.")
    for part in parts:
        lines += ["", f"=== {TITLES[part]} ===", detail(result["parts"][part], part)]
    return "\n".join(lines)
