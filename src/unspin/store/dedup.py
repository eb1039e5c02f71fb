"""Near-duplicate detection: MinHash signatures of word shingles, banded for LSH lookups in SQL.

Republished and wire copies of one article differ in their headers,
footers, a trimmed paragraph or a corrected typo; their sets of 5-word
shingles still overlap heavily, while two different articles on the same
event share few. A 128-permutation MinHash estimates that overlap (Jaccard)
to about ±0.09 at 95%. The signature is cut into bands whose hashes live in
a table, so finding candidates is an indexed lookup on either database and
survives restarts; a candidate is a duplicate when the signatures agree on
at least ``DUPLICATE_THRESHOLD`` of their positions. That threshold was
measured on republished variants of real articles (``bench/bench_dedup.py``
and README).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
SHINGLE_WORDS = 5
#: Estimated shingle Jaccard from which two documents are one article. On
#: PTC's train articles (bench/bench_dedup.py) no two different articles
#: reach 0.46, while copies with a new header and footer, trimmed endings or
#: a few edited words mostly stay above 0.6.
DUPLICATE_THRESHOLD = 0.6
#: 32 bands of 4 rows: a pair becomes a candidate with probability
#: 1 - (1 - J^4)^32, which is 0.99 at J = 0.6, 0.87 at 0.5 and 0.23 at 0.3;
#: different articles mostly sit below 0.05, so the lookups stay cheap.
BANDS, ROWS = 32, 4
SEED = 1

_WORD = re.compile(r"\w+", re.UNICODE)
#: Words too common to say what an article is about; left out of the vocabulary signature.
_SHORT = 3


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _minhash(items: list[bytes]) -> np.ndarray:
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED)
    if items:
        sketch.update_batch(items)
    return sketch.hashvalues.astype(np.uint64)


def shingle_signature(text: str) -> np.ndarray:
    """MinHash of the article's 5-word shingles (the whole text when shorter)."""
    tokens = words(text)
    if len(tokens) < SHINGLE_WORDS:
        return _minhash([" ".join(tokens).encode("utf-8")] if tokens else [])
    grams = {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}
    return _minhash([g.encode("utf-8") for g in sorted(grams)])


def vocabulary_signature(text: str) -> np.ndarray:
    """MinHash of the set of longer words: what the article talks about, for story grouping."""
    vocab = {w for w in words(text) if len(w) > _SHORT and not w.isdigit()}
    return _minhash([w.encode("utf-8") for w in sorted(vocab)])


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two sets behind the signatures."""
    return float(np.mean(a == b))


def band_keys(signature: np.ndarray) -> list[tuple[int, int]]:
    """(band, key): the key is a signed 64-bit hash of the band's rows, so it fits a BIGINT."""
    out = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        key = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True)
        out.append((band, key))
    return out


def to_bytes(signature: np.ndarray) -> bytes:
    return signature.astype("<u8").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u8")
