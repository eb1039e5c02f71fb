"""Near-duplicate detection: MinHash signatures of word shingles, banded for LSH lookups in SQL.

Republished and wire copies of one article differ in their headers,
footers, a trimmed paragraph or a corrected typo; their sets of 5-token
shingles still overlap heavily, while two different articles on the same
event share few. A token is a word where the script separates words with
spaces (Latin, Cyrillic, Greek, Hangul, Arabic, Devanagari...) and one
character where it does not (Han, kana, Thai, Lao, Khmer, Myanmar,
Tibetan, Yi): there a "word" between punctuation is a whole clause, and
shingles of five clauses would lose a copy to one edited character. A 128-permutation MinHash estimates that overlap (Jaccard)
to about ±0.09 at 95%. The signature is cut into bands whose hashes live in
a table, so finding candidates is an indexed lookup on either database and
survives restarts; a candidate is a duplicate when the signatures agree on
at least ``DUPLICATE_THRESHOLD`` of their positions. That threshold was
measured on republished variants of real articles (``bench/bench_dedup.py``
and README).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

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

#: Scripts written without spaces between words: Thai, Lao, Tibetan, Myanmar, Khmer, kana (with the
#: iteration and prolonged-sound marks), CJK ideographs (with their extensions and compatibility
#: forms), Yi, half-width katakana.
_NO_SPACES = (
    "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff"
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u303b\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003ffff"
)


@functools.cache
def _marks() -> str:
    """Combining marks (Unicode category M) as a character-class body: vowel signs and viramas belong to
    the word they sit in (Devanagari, Thai, Bengali...), where ``\\w`` alone would cut the word at each."""
    ranges: list[list[int]] = []
    for cp in [*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)]:
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


@functools.cache
def _token_patterns() -> tuple[re.Pattern, re.Pattern]:
    marks = _marks()
    run = re.compile(f"[\\w{marks}]+")
    # inside a run: one character (with its marks) of a script without spaces, or a stretch of any other
    piece = re.compile(f"[{_NO_SPACES}][{marks}]*|(?:(?![{_NO_SPACES}])[\\w{marks}])+")
    return run, piece


_NO_SPACE_CHAR = re.compile(f"[{_NO_SPACES}]")


def _plain(text: str) -> bool:
    """No combining mark and no character of a script without spaces: looked up once per distinct
    character, since a class of every mark is slow to test against each character of a long text."""
    return all(
        c < "\u0300" or not (unicodedata.category(c)[0] == "M" or _NO_SPACE_CHAR.match(c)) for c in set(text)
    )


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def tokens(text: str) -> list[str]:
    """The units shingles are made of, in order, casefolded: a word where words are separated by
    spaces, with its combining marks; each character of a script written without spaces.

    For text of letters and digits alone (English, Russian, Greek, Korean in NFC) the tokens are
    ``words`` exactly, so signatures made before scripts were told apart stay valid for it."""
    if _plain(text):  # the words are the tokens
        return words(text)
    run, piece = _token_patterns()
    out: list[str] = []
    for match in run.finditer(text):
        out.extend(p.casefold() for p in piece.findall(match.group()))
    return out


def _minhash(items: list[bytes]) -> np.ndarray:
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED)
    if items:
        sketch.update_batch(items)
    return sketch.hashvalues.astype(np.uint64)


def shingle_signature(text: str) -> np.ndarray:
    """MinHash of the article's 5-token shingles (``tokens``; the whole text when shorter)."""
    found = tokens(text)
    if len(found) < SHINGLE_WORDS:
        return _minhash([" ".join(found).encode("utf-8")] if found else [])
    grams = {" ".join(found[i : i + SHINGLE_WORDS]) for i in range(len(found) - SHINGLE_WORDS + 1)}
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
