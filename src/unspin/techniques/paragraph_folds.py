"""The article folds of the paragraph model's cross-validation, fixed once and kept in the repository.

Folds split by article: every paragraph of an article is in the same fold,
so no fold is scored by a model that read another part of the same text.
The assignment is a seeded shuffle of the sorted article ids, dealt round
the folds, made before any model was scored; ``splits/paragraph_folds.json``
holds it, and ``folds_for`` reads it back for the ids it lists (articles it
does not list are dealt the same way, seeded, so other data still splits).
"""

from __future__ import annotations

import json
import random
from importlib import resources
from pathlib import Path

FOLDS = 5
SEED = 13
FILE = "paragraph_folds.json"


def deal(article_ids: list[str], folds: int = FOLDS, seed: int = SEED) -> dict[str, int]:
    """Fold of each article: the sorted ids shuffled with ``seed``, then dealt round ``folds`` folds."""
    ids = sorted(article_ids)
    random.Random(seed).shuffle(ids)
    return {aid: k % folds for k, aid in enumerate(ids)}


def splits_path() -> Path:
    return Path(str(resources.files("unspin.techniques") / "splits" / FILE))


def stored(path: Path | None = None) -> dict:
    return json.loads((path or splits_path()).read_text(encoding="utf-8"))


def folds_for(article_ids: list[str], folds: int = FOLDS, seed: int = SEED) -> dict[str, int]:
    """The stored assignment when it covers exactly these articles with these settings, else a fresh deal."""
    try:
        data = stored()
    except FileNotFoundError:
        data = None
    if data and data["folds"] == folds and data["seed"] == seed:
        fold_of = {aid: k for k, ids in enumerate(data["articles"]) for aid in ids}
        if set(fold_of) == set(article_ids):
            return fold_of
    return deal(article_ids, folds, seed)


def write(article_ids: list[str], path: Path, folds: int = FOLDS, seed: int = SEED) -> None:
    fold_of = deal(article_ids, folds, seed)
    data = {
        "description": "Article ids of each cross-validation fold of the paragraph model (SemEval-2023 Task 3 "
                       "English train articles): the sorted ids shuffled with random.Random(seed), dealt round "
                       "the folds. Made before any model was scored.",
        "folds": folds,
        "seed": seed,
        "articles": [sorted((a for a, k in fold_of.items() if k == f), key=lambda a: (len(a), a))
                     for f in range(folds)],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
