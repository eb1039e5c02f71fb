"""Cut a tokenised article into overlapping encoder windows, and say which window owns each token.

The encoder sees at most a few hundred tokens at a time, and a token near a
window's edge has little context on one side. Windows therefore overlap, and
each token takes its prediction from the window where it sits farthest from
an edge. Offsets stay those of the article, so spans found in any window are
spans of the whole text: that is what makes a 200,000-character article come
out right across window borders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Content tokens per window (the encoder adds [CLS] and [SEP]: 256 in all,
#: the length all-MiniLM-L6-v2 was trained with).
WINDOW = 254
#: Distance between window starts; WINDOW - STEP tokens are shared by neighbours.
STEP = 192


@dataclass(frozen=True)
class Windows:
    """Token windows over one text.

    ``starts[w]``/``ends[w]`` bound window w in token indices; ``owner[i]`` is
    the window whose prediction token i takes; ``offsets[i]`` is token i's
    ``[start, end)`` in characters of the text.
    """

    ids: np.ndarray
    offsets: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    owner: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)


def window_bounds(n_tokens: int, window: int = WINDOW, step: int = STEP) -> list[tuple[int, int]]:
    """Window ``[start, end)`` bounds covering n tokens; the last one is pulled back to end flush."""
    if n_tokens <= 0:
        return []
    if n_tokens <= window:
        return [(0, n_tokens)]
    bounds = []
    start = 0
    while start + window < n_tokens:
        bounds.append((start, start + window))
        start += step
    bounds.append((n_tokens - window, n_tokens))
    return bounds


def owners(n_tokens: int, bounds: list[tuple[int, int]]) -> np.ndarray:
    """For each token, the window where its distance to the nearer edge is largest (the earlier window on a tie).

    The article's own first and last tokens have no missing context, so the
    article's edges do not count as window edges. Each window is visited
    once over its own tokens, so time and memory grow with the text's length
    (a token-by-window table would not fit in memory for a long page).
    """
    owner = np.zeros(n_tokens, dtype=np.int64)
    best = np.full(n_tokens, -1, dtype=np.int64)
    for w, (start, end) in enumerate(bounds):
        tokens = np.arange(start, end)
        left = tokens - start if start > 0 else np.full(end - start, n_tokens)
        right = end - 1 - tokens if end < n_tokens else np.full(end - start, n_tokens)
        room = np.minimum(left, right)
        better = room > best[start:end]
        best[start:end][better] = room[better]
        owner[start:end][better] = w
    return owner


def tokenize(tokenizer, text: str, window: int = WINDOW, step: int = STEP) -> Windows:
    """Tokenise the whole text once (offsets into it), then cut windows."""
    piece_ids, piece_offsets = tokenizer.pieces(text)
    ids = np.asarray(piece_ids, dtype=np.int64)
    offsets = np.asarray(piece_offsets, dtype=np.int64).reshape(-1, 2)
    bounds = window_bounds(len(ids), window, step)
    return Windows(
        ids=ids,
        offsets=offsets,
        starts=np.array([b[0] for b in bounds], dtype=np.int64),
        ends=np.array([b[1] for b in bounds], dtype=np.int64),
        owner=owners(len(ids), bounds),
    )


def tokens_in(offsets: np.ndarray, start: int, end: int) -> np.ndarray:
    """Indices of the tokens that overlap characters ``[start, end)``."""
    if len(offsets) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.nonzero((offsets[:, 0] < end) & (offsets[:, 1] > start))[0]
