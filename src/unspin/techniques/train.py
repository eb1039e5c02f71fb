"""Fine-tune the technique network on PTC train less its tune part; pick the epoch on the tune part.

PTC dev takes no part in any choice: it is scored once, at the end, by the
caller. The tune part is a fixed list of train articles (``splits/``),
drawn before any error was looked at.

Reproducible by construction: one seed for Python, NumPy and torch, a fixed
thread count, articles in sorted order before a seeded shuffle, and the
versions of every part recorded next to the weights. After every epoch the
whole state (weights, optimiser, schedule, random generators, history, best
epoch so far) is written to a checkpoint, and a killed run resumed from it
ends with the same weights as one that was never stopped.
"""

from __future__ import annotations

import dataclasses
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
from unspin.techniques.crf import bio_tags
from unspin.techniques.encoder import TechniqueNet, padded_norm, span_features
from unspin.techniques.infer import classify, encode, find_spans, window_inputs
from unspin.techniques.surface import token_surface
from unspin.techniques.windows import Windows, tokenize, tokens_in

INDEX = {t: i for i, t in enumerate(TECHNIQUES)}


@dataclass(frozen=True)
class Settings:
    seed: int = 13
    threads: int = 2
    epochs: int = 4
    batch: int = 8
    lr_encoder: float = 8e-5
    lr_heads: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    technique_token_weight: float = 0.5
    si_threshold: float = 0.5  # only for the per-epoch check; the shipped one is chosen on the tune part afterwards
    frozen_layers: int = 2
    surface: bool = True
    crf: bool = True
    crf_weight: float = 1.0

    def architecture(self) -> dict:
        return {"frozen_layers": self.frozen_layers, "surface": self.surface, "crf": self.crf}


@dataclass
class Article:
    article_id: str
    text: str
    windows: Windows
    token_labels: np.ndarray  # [tokens, 1 + techniques] of 0/1
    surface: np.ndarray  # [tokens, surface features]
    starts: np.ndarray  # [tokens] 1 where a span begins (the B of B/I/O)
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


def span_starts(windows: Windows, gold: list[Labelled]) -> np.ndarray:
    """1 on the first token of every gold span, and on any in-span token that follows an out-of-span one."""
    marks = np.zeros(len(windows.ids), dtype=np.float32)
    inside = np.zeros(len(windows.ids), dtype=bool)
    for g in gold:
        tokens = tokens_in(windows.offsets, g.start, g.end)
        if len(tokens):
            marks[tokens[0]] = 1
            inside[tokens] = True
    marks[inside & ~np.concatenate([[False], inside[:-1]])] = 1
    marks[~inside] = 0
    return marks


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
        rows = by_article.get(article_id, [])
        articles.append(Article(
            article_id, text, windows, token_labels(windows, rows), token_surface(text, windows.offsets),
            span_starts(windows, rows), spans,
        ))
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
    starts = torch.zeros((len(batch), width))
    surface = torch.zeros((len(batch), width, net.surface_size)) if net.surface_size else None
    spans, span_labels, feats = [], [], []
    for row, (a, w) in enumerate(batch):
        art = articles[a]
        start, end = int(art.windows.starts[w]), int(art.windows.ends[w])
        cached = lower[(a, w)]
        hidden_in[row, : cached.shape[0]] = cached.float()
        mask[row, : cached.shape[0]] = 1
        target[row, 1 : end - start + 1] = torch.from_numpy(art.token_labels[start:end])
        starts[row, 1 : end - start + 1] = torch.from_numpy(art.starts[start:end])
        if surface is not None:
            surface[row, 1 : end - start + 1] = torch.from_numpy(art.surface[start:end])
        for sw, first, last, technique, f in art.spans:
            if sw == w:
                spans.append((row, first, last))
                span_labels.append(technique)
                feats.append(f)
    hidden = net.upper(hidden_in, mask)
    inputs = net.token_inputs(hidden, surface)
    logits = net.token_head(inputs)
    content = mask.clone()
    content[:, 0] = 0
    content[torch.arange(len(batch)), mask.sum(1) - 1] = 0
    weights = content.unsqueeze(-1).float()
    bce = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none") * weights
    tokens = weights.sum().clamp(min=1)
    loss = bce[..., 0].sum() / tokens + settings.technique_token_weight * bce[..., 1:].sum() / (tokens * len(TECHNIQUES))
    if net.crf is not None:  # the CRF reads the content tokens only: [CLS] and [SEP] dropped, rows shifted left
        inner_mask = content[:, 1:]
        emissions = net.crf.emissions(inputs[:, 1:])
        tags = bio_tags(target[:, 1:, 0], starts[:, 1:])
        loss = loss + settings.crf_weight * net.crf.nll(emissions, tags, inner_mask)
    if spans:
        span_logits = net.span_logits(hidden, spans, torch.tensor(feats, dtype=torch.float32))
        loss = loss + nn.functional.cross_entropy(span_logits, torch.tensor(span_labels))
    return loss


def tune_check(net: TechniqueNet, articles: list[Article], gold: list[Labelled], ids_special, threshold: float) -> dict:
    """SI and TC on the tune part, as the scorer computes them, for choosing an epoch."""
    net.eval()
    predicted, viterbi, classified = [], [], []
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
        if net.crf is not None:
            viterbi.extend(Labelled(art.article_id, None, s, e) for s, e, _ in find_spans(encoded, 0, source="viterbi"))
    net.train()
    si = score(gold, predicted)["si"]
    check = {"si_f1": si["f1"], "si_precision": si["precision"], "si_recall": si["recall"],
             "tc_f1": score(gold, classified)["tc"]["micro_f1"]}
    if net.crf is not None:
        crf = score(gold, viterbi)["si"]
        check |= {"crf_si_f1": crf["f1"], "crf_si_precision": crf["precision"], "crf_si_recall": crf["recall"]}
    check["best_si_f1"] = max(check["si_f1"], check.get("crf_si_f1", 0.0))
    return check


def special_ids(tokenizer) -> tuple[int, int, int]:
    return tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id


def packaged_tune_ids() -> list[str]:
    """The PTC train articles every choice is made on (committed before any error was looked at)."""
    import json
    from importlib import resources

    return json.loads((resources.files("unspin") / "techniques" / "splits" / "ptc_tune.json").read_text())["tune"]


@dataclass
class Parts:
    """PTC train cut in two: what the network is fitted on, and what every choice is made on."""

    fit_texts: dict[str, str]
    fit_gold: list[Labelled]
    tune_texts: dict[str, str]
    tune_gold: list[Labelled]


def split_train(data: Path, tune_ids: list[str]) -> Parts:
    texts = read_articles(data / "train" / "articles")
    gold = read_labels(data / "train" / "train-task-flc-tc.labels")
    missing = sorted(set(tune_ids) - set(texts))
    if missing:
        raise ValueError(f"{len(missing)} tune article(s) are not in {data / 'train' / 'articles'} (first: {missing[0]})")
    tune = set(tune_ids)
    return Parts(
        {a: t for a, t in texts.items() if a not in tune}, [g for g in gold if g.article_id not in tune],
        {a: t for a, t in texts.items() if a in tune}, [g for g in gold if g.article_id in tune],
    )


CHECKPOINT = "checkpoint.pt"


def save_checkpoint(path: Path, state: dict) -> None:
    """Written whole to a temporary file and renamed, so a kill mid-write leaves the previous checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    torch.save(state, partial)
    partial.replace(path)


def fit(
    data: Path,
    settings: Settings = Settings(),
    log: Callable[[str], None] = print,
    tune_ids: list[str] | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    extra=None,
) -> tuple[TechniqueNet, dict]:
    """Train on PTC train less the tune part; keep the epoch that scores best on the tune part (SI F1 + TC F1).

    With ``checkpoint``, the state after each epoch is saved there; with
    ``resume``, a run starts from that file's state (same settings required).
    ``extra`` (an ``unspin.review.training.ExtraGold``: analysts' reviewed
    spans) joins the fitted part only; choices stay on the tune part.
    """
    started = time.monotonic()
    seed_everything(settings.seed, settings.threads)
    tokenizer = enc_mod.load_tokenizer()
    ids_special = special_ids(tokenizer)
    parts = split_train(data, packaged_tune_ids() if tune_ids is None else tune_ids)
    extra_info = None
    if extra is not None:
        parts, extra_info = add_extra(parts, extra, data, log)
    train = prepare(tokenizer, parts.fit_texts, parts.fit_gold)
    tune = prepare(tokenizer, parts.tune_texts, parts.tune_gold)
    log(f"fitting on {len(train)} articles ({len(parts.fit_gold)} spans), choosing on {len(tune)} ({len(parts.tune_gold)} spans)")
    net = enc_mod.build(**settings.architecture())
    for name, param in net.named_parameters():
        param.requires_grad_(not enc_mod.is_frozen(name, net.frozen_layers))
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
    best, best_state, history, first_epoch = -1.0, None, [], 1
    if resume and checkpoint is not None and checkpoint.is_file():
        saved = torch.load(checkpoint, weights_only=False)
        if saved["settings"] != dataclasses.asdict(settings):
            raise ValueError(f"{checkpoint} was written with other settings: {saved['settings']}")
        if saved.get("extra_gold") != (extra_info or {}).get("digest"):
            raise ValueError(f"{checkpoint} was written with other extra gold (--extra-gold) than this run's")
        net.load_state_dict(saved["weights"], strict=False)
        optimiser.load_state_dict(saved["optimiser"])
        schedule.load_state_dict(saved["schedule"])
        rng.setstate(saved["batch_rng"])
        torch.set_rng_state(saved["torch_rng"])
        np.random.set_state(saved["numpy_rng"])
        random.setstate(saved["python_rng"])
        best, best_state, history = saved["best"], saved["best_state"], saved["history"]
        first_epoch = saved["epoch"] + 1
        started = time.monotonic() - saved.get("seconds", 0.0)  # the run's time counts what the killed run spent
        log(f"resumed from {checkpoint} after epoch {saved['epoch']}")
    for epoch in range(first_epoch, settings.epochs + 1):
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
        check = tune_check(net, tune, parts.tune_gold, ids_special, settings.si_threshold)
        check["epoch"] = epoch
        check["seconds"] = round(time.monotonic() - started, 1)
        history.append(check)
        log(f"epoch {epoch} tune: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in check.items()))
        if check["best_si_f1"] + check["tc_f1"] > best:
            best = check["best_si_f1"] + check["tc_f1"]
            best_state = {k: v.detach().clone() for k, v in enc_mod.trainable_state(net).items()}
        if checkpoint is not None:
            save_checkpoint(checkpoint, {
                "settings": dataclasses.asdict(settings), "epoch": epoch,
                "weights": enc_mod.trainable_state(net), "optimiser": optimiser.state_dict(),
                "schedule": schedule.state_dict(), "batch_rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
                "numpy_rng": np.random.get_state(), "python_rng": random.getstate(),
                "best": best, "best_state": best_state, "history": history,
                "seconds": time.monotonic() - started, "extra_gold": (extra_info or {}).get("digest"),
            })
    net.load_state_dict(best_state, strict=False)
    net.eval()
    return net, {"history": history, "train_seconds": round(time.monotonic() - started, 1),
                 "fit_articles": len(train), "fit_spans": len(parts.fit_gold),
                 "tune_articles": len(tune), "tune_spans": len(parts.tune_gold), "extra_gold": extra_info}


def add_extra(parts: Parts, extra, data: Path, log: Callable[[str], None]) -> tuple[Parts, dict]:
    """The fitted part with the reviewed documents added; any whose text is a tune or dev article is left out,
    so the choices and the dev figures stay those of unseen text."""
    dev = read_articles(data / "dev" / "articles") if (data / "dev" / "articles").is_dir() else {}
    extra, dropped = extra.without([*parts.tune_texts.values(), *dev.values()])
    info = {"source": extra.source, "documents": extra.documents, "spans": extra.spans,
            "left_out": extra.left_out, "dropped_as_tune_or_dev": dropped, "digest": extra.digest()}
    log(f"extra gold from {extra.source or 'the store'}: {extra.documents} reviewed document(s), {extra.spans} "
        f"technique span(s) added to the fitted part"
        + (f"; {extra.left_out} span(s) with a label outside the 14 classes left out" if extra.left_out else "")
        + (f"; {dropped} document(s) left out because their text is a tune or dev article" if dropped else ""))
    fitted = Parts({**parts.fit_texts, **extra.texts}, parts.fit_gold + extra.gold, parts.tune_texts, parts.tune_gold)
    return fitted, info
