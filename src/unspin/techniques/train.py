"""Fine-tune the technique network on PTC train; pick the epoch on dev.

Reproducible by construction: one seed for Python, NumPy and torch, a fixed
thread count, articles in sorted order before a seeded shuffle, and the
versions of every part recorded next to the weights.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from unspin.eval.techniques import TECHNIQUES, Labelled, read_articles, read_labels, score
from unspin.techniques import encoder as enc_mod
from unspin.techniques.encoder import TechniqueNet, padded_norm, span_features
from unspin.techniques.infer import classify, encode, find_spans, window_inputs
from unspin.techniques.windows import Windows, tokenize, tokens_in

INDEX = {t: i for i, t in enumerate(TECHNIQUES)}


@dataclass(frozen=True)
class Settings:
    seed: int = 13
    threads: int = 2
    epochs: int = 5
    batch: int = 8
    lr_encoder: float = 8e-5
    lr_heads: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    technique_token_weight: float = 0.5
    si_threshold: float = 0.5  # only for the per-epoch dev check; the shipped one is chosen on dev afterwards


@dataclass
class Article:
    article_id: str
    text: str
    windows: Windows
    token_labels: np.ndarray  # [tokens, 1 + techniques] of 0/1
    spans: list[tuple[int, int, int, int, list[float]]]  # (window, first, end position, technique, features)


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)


def token_labels(windows: Windows, gold: list[Labelled]) -> np.ndarray:
    labels = np.zeros((len(windows.ids), 1 + len(TECHNIQUES)), dtype=np.float32)
    for g in gold:
        tokens = tokens_in(windows.offsets, g.start, g.end)
        labels[tokens, 0] = 1
        labels[tokens, 1 + INDEX[g.technique]] = 1
    return labels


def prepare(tokenizer, texts: dict[str, str], gold: list[Labelled]) -> list[Article]:
    by_article: dict[str, list[Labelled]] = {}
    for g in gold:
        by_article.setdefault(g.article_id, []).append(g)
    articles = []
    for article_id in sorted(texts):
        text = texts[article_id]
        windows = tokenize(tokenizer, text)
        norm = padded_norm(text)
        spans = []
        for g in by_article.get(article_id, []):
            tokens = tokens_in(windows.offsets, g.start, g.end)
            if len(tokens) == 0:
                continue
            w = int(windows.owner[tokens[0]])
            last = min(int(tokens[-1]), int(windows.ends[w]) - 1)
            spans.append((
                w,
                int(tokens[0] - windows.starts[w]) + 1,
                last - int(windows.starts[w]) + 2,
                INDEX[g.technique],
                span_features(text, g.start, g.end, len(tokens), norm),
            ))
        articles.append(Article(article_id, text, windows, token_labels(windows, by_article.get(article_id, [])), spans))
    return articles


def batches(articles: list[Article], size: int, rng: random.Random) -> list[list[tuple[int, int]]]:
    pairs = [(a, w) for a, art in enumerate(articles) for w in range(len(art.windows))]
    rng.shuffle(pairs)
    return [pairs[i : i + size] for i in range(0, len(pairs), size)]


def lower_outputs(net: TechniqueNet, articles: list[Article], ids_special, size: int = 16) -> dict[tuple[int, int], torch.Tensor]:
    """The frozen layers' output for every window, computed once (half precision, [CLS] to [SEP])."""
    cls_id, sep_id, pad_id = ids_special
    net.eval()
    cache = {}
    for a, art in enumerate(articles):
        for first in range(0, len(art.windows), size):
            rows = range(first, min(first + size, len(art.windows)))
            ids, mask = window_inputs(art.windows, rows, cls_id, sep_id, pad_id)
            hidden = net.lower(ids, mask)
            for i, w in enumerate(rows):
                cache[(a, w)] = hidden[i, : int(mask[i].sum())].to(torch.float16).clone()
    net.train()
    return cache


def step_loss(net: TechniqueNet, articles: list[Article], lower: dict, batch: list[tuple[int, int]], settings: Settings):
    width = max(lower[key].shape[0] for key in batch)
    hidden_in = torch.zeros((len(batch), width, net.base.config.hidden_size))
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    target = torch.zeros((len(batch), width, 1 + len(TECHNIQUES)))
    spans, span_labels, feats = [], [], []
    for row, (a, w) in enumerate(batch):
        art = articles[a]
        start, end = int(art.windows.starts[w]), int(art.windows.ends[w])
        cached = lower[(a, w)]
        hidden_in[row, : cached.shape[0]] = cached.float()
        mask[row, : cached.shape[0]] = 1
        target[row, 1 : end - start + 1] = torch.from_numpy(art.token_labels[start:end])
        for sw, first, last, technique, f in art.spans:
            if sw == w:
                spans.append((row, first, last))
                span_labels.append(technique)
                feats.append(f)
    hidden = net.upper(hidden_in, mask)
    logits = net.token_logits(hidden)
    content = mask.clone()
    content[:, 0] = 0
    content[torch.arange(len(batch)), mask.sum(1) - 1] = 0
    weights = content.unsqueeze(-1).float()
    bce = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none") * weights
    tokens = weights.sum().clamp(min=1)
    loss = bce[..., 0].sum() / tokens + settings.technique_token_weight * bce[..., 1:].sum() / (tokens * len(TECHNIQUES))
    if spans:
        span_logits = net.span_logits(hidden, spans, torch.tensor(feats, dtype=torch.float32))
        loss = loss + nn.functional.cross_entropy(span_logits, torch.tensor(span_labels))
    return loss


def dev_check(net: TechniqueNet, articles: list[Article], gold: list[Labelled], ids_special, threshold: float) -> dict:
    """SI and TC on dev, as the scorer computes them, for choosing an epoch."""
    net.eval()
    predicted, classified = [], []
    by_article: dict[str, list[Labelled]] = {}
    for g in gold:
        by_article.setdefault(g.article_id, []).append(g)
    for art in articles:
        encoded = encode(net, ids_special, art.text, art.windows)
        rows = by_article.get(art.article_id, [])
        probs = classify(net, encoded, [(g.start, g.end) for g in rows])
        for g, p in zip(rows, probs):
            classified.append(Labelled(g.article_id, TECHNIQUES[int(p.argmax())], g.start, g.end))
        for start, end, _ in find_spans(encoded, threshold):
            predicted.append(Labelled(art.article_id, None, start, end))
    net.train()
    si = score(gold, predicted)["si"]
    tc = score(gold, classified)["tc"]
    return {"si_f1": si["f1"], "si_precision": si["precision"], "si_recall": si["recall"], "tc_f1": tc["micro_f1"]}


def special_ids(tokenizer) -> tuple[int, int, int]:
    return tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id


def fit(data: Path, settings: Settings = Settings(), log: Callable[[str], None] = print) -> tuple[TechniqueNet, dict]:
    """Train on ``data/train``, keep the epoch that scores best on ``data/dev`` (SI F1 + TC F1)."""
    started = time.monotonic()
    seed_everything(settings.seed, settings.threads)
    tokenizer = enc_mod.load_tokenizer()
    ids_special = special_ids(tokenizer)
    train_gold = read_labels(data / "train" / "train-task-flc-tc.labels")
    dev_gold = read_labels(data / "dev" / "dev-task-flc-tc.labels")
    train = prepare(tokenizer, read_articles(data / "train" / "articles"), train_gold)
    dev = prepare(tokenizer, read_articles(data / "dev" / "articles"), dev_gold)
    net = enc_mod.build()
    for name, param in net.named_parameters():
        param.requires_grad_(not enc_mod.is_frozen(name))
    lower = lower_outputs(net, train, ids_special)
    log(f"frozen layers' output kept for {len(lower)} training windows ({time.monotonic() - started:.0f} s)")
    net.train()
    encoder_params = [p for n, p in net.named_parameters() if n.startswith("base.") and p.requires_grad]
    head_params = [p for n, p in net.named_parameters() if not n.startswith("base.")]
    optimiser = torch.optim.AdamW(
        [{"params": encoder_params, "lr": settings.lr_encoder}, {"params": head_params, "lr": settings.lr_heads}],
        weight_decay=settings.weight_decay,
    )
    rng = random.Random(settings.seed)
    steps_per_epoch = len(batches(train, settings.batch, random.Random(0)))
    total = steps_per_epoch * settings.epochs
    warmup = max(1, int(total * settings.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    best, best_state, history = -1.0, None, []
    for epoch in range(1, settings.epochs + 1):
        running = 0.0
        for i, batch in enumerate(batches(train, settings.batch, rng), 1):
            loss = step_loss(net, train, lower, batch, settings)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            running += loss.detach().item()
            if i % 25 == 0:
                log(f"epoch {epoch} step {i}/{steps_per_epoch} loss {running / 25:.4f} ({time.monotonic() - started:.0f} s)")
                running = 0.0
        check = dev_check(net, dev, dev_gold, ids_special, settings.si_threshold)
        check["epoch"] = epoch
        check["seconds"] = round(time.monotonic() - started, 1)
        history.append(check)
        log(f"epoch {epoch} dev: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in check.items()))
        if check["si_f1"] + check["tc_f1"] > best:
            best = check["si_f1"] + check["tc_f1"]
            best_state = {k: v.detach().clone() for k, v in enc_mod.trainable_state(net).items()}
    net.load_state_dict(best_state, strict=False)
    net.eval()
    return net, {"history": history, "train_seconds": round(time.monotonic() - started, 1)}


if __name__ == "__main__":  # a development entry; `unspin train techniques` is the supported one
    import sys

    from safetensors.torch import save_file

    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    trained, info = fit(Path(sys.argv[1]), Settings(epochs=int(sys.argv[3])) if len(sys.argv) > 3 else Settings())
    save_file({k: v.contiguous() for k, v in enc_mod.trainable_state(trained).items()}, out / "checkpoint.safetensors")
    import json

    (out / "history.json").write_text(json.dumps(info, indent=1))
