"""Tune and test parts of the gold sets for the entities, events, modality and attributions layers.

Rules, lexicons, thresholds and trained models may look at the ``tune`` part
only; the ``test`` part is scored and never looked into, so its figures are
those of unseen text. Each part is a committed list of document ids in
``splits/<gold>_layers.json``, drawn once by a seeded shuffle (per stratum,
so that each part holds its share of every event type or source) before any
error on the gold set was looked at. ``python -m unspin.eval.layer_splits
--shared ../shared`` redraws them, which changes nothing unless the gold
files changed.

PolNeAR ships its own train and dev parts: models are fitted on ``fit`` (most
of train), every choice is made on ``choose`` (the rest of train), and dev is
the untouched test part.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

SEED = 2026
GOLD_SETS = ("plover", "meantime", "re3d", "polnear")
PARTS = ("tune", "test")


@lru_cache(maxsize=None)
def load(gold: str) -> dict:
    """The committed split of one gold set."""
    if gold not in GOLD_SETS:
        raise ValueError(f"no split for {gold!r}; known: {', '.join(GOLD_SETS)}")
    path = resources.files("unspin") / "eval" / "splits" / f"{gold}_layers.json"
    return json.loads(path.read_text("utf-8"))


def ids(gold: str, part: str) -> frozenset[str]:
    """The document ids of one part (``tune``/``test``; for PolNeAR also ``fit``/``choose``)."""
    split = load(gold)
    if part not in split["parts"]:
        raise ValueError(f"{gold} has no part {part!r}; it has {', '.join(split['parts'])}")
    return frozenset(split["parts"][part])


def draw(strata: dict[str, list[str]], share: float, seed: int = SEED) -> tuple[list[str], list[str]]:
    """Cut every stratum by a seeded shuffle: ``share`` of it (rounded up) to the first part."""
    rng = random.Random(seed)
    first: list[str] = []
    second: list[str] = []
    for key in sorted(strata):
        members = sorted(set(strata[key]))
        rng.shuffle(members)
        cut = -(-len(members) * int(share * 100) // 100)
        first.extend(members[:cut])
        second.extend(members[cut:])
    return sorted(first), sorted(second)


def _plover(shared: Path) -> dict[str, list[str]]:
    records = json.loads((shared / "data/plover_gsr/PLOVER_GSR_CAMEO.json").read_text("utf-8"))
    strata: dict[str, list[str]] = defaultdict(list)
    for record in records:
        if isinstance(record, dict) and record.get("event") not in (None, "DOCUMENT") and record.get("text"):
            strata[str(record["event"])].append(str(record["id"]))
    return strata


def _meantime(shared: Path) -> dict[str, list[str]]:
    return {"all": [p.name for p in (shared / "data/meantime_factuality").glob("*.conll")]}


def _re3d(shared: Path) -> dict[str, list[str]]:
    strata: dict[str, list[str]] = defaultdict(list)
    for documents in (shared / "data/re3d").rglob("documents.json"):
        for line in documents.read_text("utf-8").splitlines():
            if line.strip():
                strata[documents.parent.name].append(json.loads(line)["_id"])
    return strata


def _polnear(shared: Path) -> dict[str, list[str]]:
    strata: dict[str, list[str]] = defaultdict(list)
    for text in (shared / "data/polnear/train/text").glob("*.txt"):
        strata[text.stem.split("_", 1)[0]].append(text.stem)
    return strata


WHAT = {
    "plover": (_plover, 0.5, "PLOVER gold records (ids), stratified by gold event type"),
    "meantime": (_meantime, 0.5, "MEANTIME factuality files (names)"),
    "re3d": (_re3d, 0.5, "re3d documents (_id), stratified by source folder"),
    "polnear": (_polnear, 0.2, "PolNeAR train articles (names), stratified by publisher; dev is the test part"),
}


def build(gold: str, shared: Path) -> dict:
    reader, share, about = WHAT[gold]
    first, second = draw(reader(shared), share)
    if gold == "polnear":
        dev = sorted(p.stem for p in (shared / "data/polnear/dev/text").glob("*.txt"))
        parts = {"fit": second, "choose": first, "tune": sorted(first + second), "test": dev}
        rule = "choose: 20% of each publisher's train articles (rounded up); fit: the rest; tune = fit + choose; test: dev"
    else:
        parts = {"tune": first, "test": second}
        rule = "tune: half of each stratum (rounded up); test: the rest"
    return {
        "about": f"{about}. Drawn by random.Random({SEED}).shuffle over each stratum's sorted ids, "
        f"before any error on this gold set was looked at. {rule}.",
        "seed": SEED,
        "parts": parts,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Redraw the committed tune/test splits from ../shared.")
    parser.add_argument("--shared", type=Path, required=True, help="the ../shared folder beside the checkout")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "splits")
    args = parser.parse_args(argv)
    for gold in GOLD_SETS:
        split = build(gold, args.shared)
        (args.out / f"{gold}_layers.json").write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
        print(gold, {part: len(members) for part, members in split["parts"].items()})


if __name__ == "__main__":
    main()
