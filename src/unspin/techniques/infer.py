"""Run the technique network over one article: token probabilities, spans, span technique probabilities.

Shared by training (dev scoring between epochs), calibration and the
``techniques`` layer, so all three see exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from unspin.techniques.crf import B, I
from unspin.techniques.encoder import TechniqueNet, padded_norm, span_features
from unspin.techniques.surface import token_surface
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
    #: The CRF's marginal probability that each token is inside a span, and its best tags (B/I/O), where the model has a CRF.
    crf_inside: np.ndarray | None = None
    crf_tags: np.ndarray | None = None
    #: The feature-based design's per-token probability, moved onto these tokens, where an ensemble uses it.
    lexical_inside: np.ndarray | None = None
    #: The frozen lower layers' output per token [tokens, size], from the window that owns it: the paragraph
    #: model reads it, so the two technique layers share this one encoder pass.
    lower: np.ndarray | None = None

    def inside(self, source: str) -> np.ndarray:
        """Per-token probability of lying in a span: the token head, the CRF, their mean, or a blend.

        ``blendNN`` weighs the feature-based design's probability by NN/100
        against the mean of the network's two.
        """
        neural = self.token_probs[:, 0] if self.crf_inside is None else (self.token_probs[:, 0] + self.crf_inside) / 2
        if source == "token" or (source in ("crf", "mean") and self.crf_inside is None):
            return self.token_probs[:, 0]
        if source == "crf":
            return self.crf_inside
        if source == "mean":
            return neural
        if source.startswith("blend") and self.lexical_inside is not None:
            weight = int(source[len("blend") :]) / 100
            return weight * self.lexical_inside + (1 - weight) * neural
        raise ValueError(f"unknown span source {source!r}")


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


def keep_owned(windows: Windows, rows: range, states: torch.Tensor, out: np.ndarray) -> None:
    """Copy into ``out`` [tokens, size] each token's vector from the window that owns it.

    ``states`` are the windows' vectors [rows, positions, size], position 0 being [CLS].
    """
    values = states.numpy()
    for i, w in enumerate(rows):
        start, end = windows.starts[w], windows.ends[w]
        owned = np.nonzero(windows.owner[start:end] == w)[0]
        out[start + owned] = values[i, 1 + owned]


@torch.inference_mode()
def lower_states(net: TechniqueNet, tokenizer_ids: tuple[int, int, int], windows: Windows) -> np.ndarray:
    """Only the embeddings and the frozen lower layers, per token from its owner window: [tokens, size].

    The same numbers ``encode`` keeps in ``Encoded.lower``, at the cost of the
    lower layers alone, for a caller that needs no spans.
    """
    cls_id, sep_id, pad_id = tokenizer_ids
    out = np.zeros((len(windows.ids), net.base.config.hidden_size), dtype=np.float32)
    for first in range(0, len(windows), BATCH):
        rows = range(first, min(first + BATCH, len(windows)))
        ids, mask = window_inputs(windows, rows, cls_id, sep_id, pad_id)
        keep_owned(windows, rows, net.lower(ids, mask), out)
    return out


@torch.inference_mode()
def encode(net: TechniqueNet, tokenizer_ids: tuple[int, int, int], text: str, windows: Windows) -> Encoded:
    """Token probabilities taken from each token's owner window; hidden states kept for the span head."""
    cls_id, sep_id, pad_id = tokenizer_ids
    n = len(windows.ids)
    probs = np.zeros((n, net.token_head.out_features), dtype=np.float32)
    lower = np.zeros((n, net.base.config.hidden_size), dtype=np.float32)
    crf_inside = np.zeros(n, dtype=np.float32) if net.crf is not None else None
    crf_tags = np.zeros(n, dtype=np.int64) if net.crf is not None else None
    surface_all = torch.from_numpy(token_surface(text, windows.offsets)) if net.surface_size else None
    hidden: list[torch.Tensor] = []
    for first in range(0, len(windows), BATCH):
        rows = range(first, min(first + BATCH, len(windows)))
        ids, mask = window_inputs(windows, rows, cls_id, sep_id, pad_id)
        below = net.lower(ids, mask)
        keep_owned(windows, rows, below, lower)
        states = net.upper(below, mask)
        surface = None
        if surface_all is not None:
            surface = torch.zeros((len(rows), states.shape[1], net.surface_size))
            for i, w in enumerate(rows):
                start, end = windows.starts[w], windows.ends[w]
                surface[i, 1 : end - start + 1] = surface_all[start:end]
        inputs = net.token_inputs(states, surface)
        token_p = torch.sigmoid(net.token_head(inputs)).numpy()
        if net.crf is not None:
            lengths = mask.sum(1) - 2
            inner = torch.zeros((len(rows), states.shape[1] - 1), dtype=torch.long)
            for i, length in enumerate(lengths.tolist()):
                inner[i, :length] = 1
            emissions = net.crf.emissions(inputs[:, 1:])
            marginals = net.crf.marginals(emissions, inner)
            inside_p = (marginals[..., B] + marginals[..., I]).numpy()
            paths = net.crf.viterbi(emissions, inner)
        for i, w in enumerate(rows):
            start, end = windows.starts[w], windows.ends[w]
            owned = np.nonzero(windows.owner[start:end] == w)[0]
            probs[start + owned] = token_p[i, 1 + owned]
            if net.crf is not None:
                crf_inside[start + owned] = inside_p[i, owned]
                crf_tags[start + owned] = np.asarray(paths[i], dtype=np.int64)[owned]
            hidden.append(states[i, : end - start + 1].clone())
    return Encoded(text, windows, probs, hidden, padded_norm(text), crf_inside, crf_tags, lower=lower)


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


def viterbi_spans(enc: Encoded) -> list[tuple[int, int, float]]:
    """The CRF's best tag sequence read as spans (a B, or an I after an O, opens one), with their mean marginal."""
    if enc.crf_tags is None:
        return []
    offsets, tags = enc.windows.offsets, enc.crf_tags
    runs: list[list[int]] = []
    for i, tag in enumerate(tags):
        if tag == B or (tag == I and (not runs or runs[-1][1] != i - 1)):
            runs.append([i, i])
        elif tag == I:
            runs[-1][1] = i
    return _as_spans(enc, [(a, b) for a, b in runs], enc.crf_inside)


def _as_spans(enc: Encoded, runs: list[tuple[int, int]], inside: np.ndarray) -> list[tuple[int, int, float]]:
    offsets = enc.windows.offsets
    spans: list[tuple[int, int, float]] = []
    for first, last in runs:
        start, end = widen_to_words(enc.text, int(offsets[first, 0]), int(offsets[last, 1]))
        if spans and start < spans[-1][1]:  # widening met the previous run: one span
            start = spans.pop()[0]
        tokens = tokens_in(offsets, start, end)
        spans.append((start, end, float(inside[tokens].mean())))
    return spans


def find_spans(
    enc: Encoded, threshold: float, gap: int = 0, min_tokens: int = 1, source: str = "token",
) -> list[tuple[int, int, float]]:
    """Runs of tokens whose in-span probability reaches the threshold, as character spans with their mean probability.

    Runs less than ``gap`` tokens apart on the same line are one span (the
    token head often dips on a function word inside a phrase); runs shorter
    than ``min_tokens`` are dropped. ``source`` says which probability
    (see ``Encoded.inside``); ``viterbi`` takes the CRF's best tags instead.
    """
    if source == "viterbi":
        return viterbi_spans(enc)
    inside = enc.inside(source)
    offsets = enc.windows.offsets
    runs: list[list[int]] = []
    for i in np.nonzero(inside >= threshold)[0]:
        if runs and i - runs[-1][1] <= gap + 1 and "\n" not in enc.text[offsets[runs[-1][1], 1] : offsets[i, 0]]:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    return _as_spans(enc, [(a, b) for a, b in runs if b - a + 1 >= min_tokens], inside)
