"""Run the technique network over one article: token probabilities, spans, span technique probabilities.

Shared by training (dev scoring between epochs), calibration and the
``techniques`` layer, so all three see exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from unspin.techniques.encoder import TechniqueNet, padded_norm, span_features
from unspin.techniques.windows import Windows, tokens_in

#: Windows encoded per forward pass at inference.
BATCH = 16


@dataclass
class Encoded:
    """One article through the encoder: per-token probabilities and the hidden states of each window."""

    text: str
    windows: Windows
    token_probs: np.ndarray  # [tokens, 1 + techniques]
    hidden: list[torch.Tensor]  # per window, [positions, size], position 0 is [CLS]
    article_norm: str


def window_inputs(windows: Windows, rows: range, cls_id: int, sep_id: int, pad_id: int):
    """Batch tensors for some windows: [CLS] ids [SEP], right-padded."""
    pieces = [windows.ids[windows.starts[w] : windows.ends[w]] for w in rows]
    width = max(len(p) for p in pieces) + 2
    ids = torch.full((len(pieces), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(pieces), width), dtype=torch.long)
    for i, p in enumerate(pieces):
        ids[i, 0] = cls_id
        ids[i, 1 : len(p) + 1] = torch.from_numpy(p)
        ids[i, len(p) + 1] = sep_id
        mask[i, : len(p) + 2] = 1
    return ids, mask


@torch.inference_mode()
def encode(net: TechniqueNet, tokenizer_ids: tuple[int, int, int], text: str, windows: Windows) -> Encoded:
    """Token probabilities taken from each token's owner window; hidden states kept for the span head."""
    cls_id, sep_id, pad_id = tokenizer_ids
    n = len(windows.ids)
    probs = np.zeros((n, net.token_head.out_features), dtype=np.float32)
    hidden: list[torch.Tensor] = []
    for first in range(0, len(windows), BATCH):
        rows = range(first, min(first + BATCH, len(windows)))
        ids, mask = window_inputs(windows, rows, cls_id, sep_id, pad_id)
        states = net.encode(ids, mask)
        token_p = torch.sigmoid(net.token_logits(states)).numpy()
        for i, w in enumerate(rows):
            start, end = windows.starts[w], windows.ends[w]
            owned = np.nonzero(windows.owner[start:end] == w)[0]
            probs[start + owned] = token_p[i, 1 + owned]
            hidden.append(states[i, : end - start + 1].clone())
    return Encoded(text, windows, probs, hidden, padded_norm(text))


def span_positions(windows: Windows, start: int, end: int) -> tuple[int, int, int, int] | None:
    """(window, first position, end position, token count) of a character span, in its first token's window."""
    tokens = tokens_in(windows.offsets, start, end)
    if len(tokens) == 0:
        return None
    w = int(windows.owner[tokens[0]])
    last = min(int(tokens[-1]), int(windows.ends[w]) - 1)
    first_pos = int(tokens[0] - windows.starts[w]) + 1
    return w, first_pos, last - int(windows.starts[w]) + 2, len(tokens)


@torch.inference_mode()
def classify(net: TechniqueNet, enc: Encoded, spans: list[tuple[int, int]]) -> np.ndarray:
    """Technique probabilities (softmax over the 14) for character spans; a span with no token gets zeros."""
    out = np.zeros((len(spans), net.span_head[-1].out_features), dtype=np.float32)
    pooled, feats, keep = [], [], []
    for k, (start, end) in enumerate(spans):
        where = span_positions(enc.windows, start, end)
        if where is None:
            continue
        w, first, last, n_tokens = where
        keep.append(k)
        feats.append(span_features(enc.text, start, end, n_tokens, enc.article_norm))
        tokens = enc.hidden[w][first:last]
        pooled.append(torch.cat([tokens.mean(0), tokens.max(0).values, enc.hidden[w][0]]))
    if not keep:
        return out
    logits = net.span_head(torch.cat([torch.stack(pooled), torch.tensor(feats, dtype=torch.float32)], dim=1))
    out[keep] = torch.softmax(logits, dim=1).numpy()
    return out


def is_word_char(c: str) -> bool:
    return c.isalnum() or c in "'’-"


def widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span that starts or ends inside a word (a word piece was below threshold) to whole words."""
    while start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start]):
        start -= 1
    while end < len(text) and is_word_char(text[end]) and end > 0 and is_word_char(text[end - 1]):
        end += 1
    return start, end


def find_spans(enc: Encoded, threshold: float, gap: int = 0, min_tokens: int = 1) -> list[tuple[int, int, float]]:
    """Runs of tokens whose in-span probability reaches the threshold, as character spans with their mean probability.

    Runs less than ``gap`` tokens apart on the same line are one span (the
    token head often dips on a function word inside a phrase); runs shorter
    than ``min_tokens`` are dropped.
    """
    offsets = enc.windows.offsets
    runs: list[list[int]] = []
    for i in np.nonzero(enc.token_probs[:, 0] >= threshold)[0]:
        if runs and i - runs[-1][1] <= gap + 1 and "\n" not in enc.text[offsets[runs[-1][1], 1] : offsets[i, 0]]:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    spans: list[tuple[int, int, float]] = []
    for first, last in runs:
        if last - first + 1 < min_tokens:
            continue
        start, end = widen_to_words(enc.text, int(offsets[first, 0]), int(offsets[last, 1]))
        if spans and start < spans[-1][1]:  # widening met the previous run: one span
            start = spans.pop()[0]
        tokens = tokens_in(offsets, start, end)
        spans.append((start, end, float(enc.token_probs[tokens, 0].mean())))
    return spans
