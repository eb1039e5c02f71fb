"""How well the near-duplicate rule separates republished copies from different articles.

Originals are real news articles (PTC's train split, read from ../shared,
never copied). Each gets republished variants of the kinds met in crawls:
a wire header and a footer of page furniture, the last paragraphs trimmed,
only the lead kept, a few words edited, the text re-flowed with typographic
quotes. The rule under test is the store's: a candidate must share an LSH
band (18 bands of 7 MinHash rows) and the signatures must agree on at least
the threshold share of positions. Reported per threshold: recall over the
variants (by kind) and false matches over all pairs of different originals
(many of which share a topic, as PTC's articles do).

    .venv/bin/python bench/bench_dedup.py [--articles DIR] [--limit 400]
"""

from __future__ import annotations

import argparse
import itertools
import platform
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "ptc" / "train" / "articles"
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def variants(text: str, rng: random.Random) -> dict[str, str]:
    paras = paragraphs(text)
    words = text.split()
    edited = list(words)
    for i in rng.sample(range(len(words)), max(1, len(words) // 33)):
        edited[i] = rng.choice(["reportedly", "officials", "said", "the", "new"])
    keep = max(1, round(len(paras) * 0.85))
    return {
        "wire header and furniture footer": "WASHINGTON (Newswire) - " + text
        + "\n\nShare this article: Facebook Twitter Email\nCopyright 2019 Newswire. All rights reserved.",
        "last 15% of paragraphs cut": "\n".join(paras[:keep]),
        "lead only (first 60% of words)": " ".join(words[: max(5, int(len(words) * 0.6))]),
        "3% of words edited": " ".join(edited),
        "re-flowed, typographic quotes": " ".join(words).replace('"', "\u201c").replace("'", "\u2019"),
    }


def candidate(a: np.ndarray, b: np.ndarray) -> bool:
    from unspin.store.dedup import BANDS, ROWS

    return any(np.array_equal(a[i * ROWS : (i + 1) * ROWS], b[i * ROWS : (i + 1) * ROWS]) for i in range(BANDS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--limit", type=int, default=400, help="originals to use (the first N by name)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "dedup.md")
    args = parser.parse_args()
    if not args.articles.is_dir():
        print(f"bench: {args.articles} is absent: give --articles DIR (PTC sits in ../shared)", file=sys.stderr)
        return 2
    from unspin.store.dedup import DUPLICATE_THRESHOLD, shingle_signature, similarity

    rng = random.Random(3)
    paths = sorted(args.articles.glob("*.txt"))[: args.limit]
    originals = [p.read_text(encoding="utf-8") for p in paths]
    originals = [t for t in originals if len(t.split()) >= 60]
    started = time.perf_counter()
    sigs = [shingle_signature(t) for t in originals]
    per_doc = (time.perf_counter() - started) / len(originals)
    pairs: dict[str, list[tuple[float, bool]]] = {}
    for text, sig in zip(originals, sigs):
        for kind, copy in variants(text, rng).items():
            other = shingle_signature(copy)
            pairs.setdefault(kind, []).append((similarity(sig, other), candidate(sig, other)))
    distinct = [(similarity(a, b), candidate(a, b)) for a, b in itertools.combinations(sigs, 2)]
    highest = max(s for s, _ in distinct)

    def found(rows, t):
        return sum(1 for s, c in rows if c and s >= t)

    lines = [
        f"# Near-duplicate benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()})",
        "",
        f"{len(originals)} originals from `{args.articles}` (at least 60 words), 5 republished variants each; "
        f"{len(distinct):,} pairs of different originals. A pair is found when it shares an LSH band and its "
        f"estimated Jaccard similarity of 5-word shingles reaches the threshold. Signature: {1000 * per_doc:.1f} ms "
        "per article.",
        "",
        "| threshold | " + " | ".join(pairs) + " | all variants | false matches among different articles |",
        "|---:|" + "---:|" * (len(pairs) + 2),
    ]
    for t in THRESHOLDS:
        allv = [r for rows in pairs.values() for r in rows]
        mark = " (shipped)" if abs(t - DUPLICATE_THRESHOLD) < 1e-9 else ""
        lines.append(
            f"| {t:.1f}{mark} | " + " | ".join(f"{found(rows, t) / len(rows):.3f}" for rows in pairs.values())
            + f" | {found(allv, t) / len(allv):.3f} | {found(distinct, t)} |"
        )
    lines += ["", f"Highest similarity between two different originals: {highest:.3f}.", ""]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
