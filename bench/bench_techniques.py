"""Speed and memory of the techniques layer against spaCy's en_core_web_sm over the same texts.

The reference is spaCy's own ``nlp.pipe`` with the English model unspin uses,
over the same articles. The techniques side is the shipped model's ``find``
(encoder windows, span head, calibration, cues) on each article. Both run in
one process, a whole pass each in turn, ``--repeat`` times; the median ratio
is reported. Load time and peak memory are taken with each side alone in a
fresh child process.

    .venv/bin/python bench/bench_techniques.py [--articles DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import memory_of_each, paired_passes, peak_rss_mb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "ptc" / "dev" / "articles"
#: The layer may cost at most this many times spaCy's time (issue 4).
TARGET_RATIO = 3.0


def load_texts(directory: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt"))]


def load_side(side: str):
    """A function over the list of texts for one side, and the seconds its model took to load."""
    start = time.perf_counter()
    if side == "spacy":
        import importlib

        from unspin.analyze.nlp import MODEL_PACKAGE

        nlp = importlib.import_module(MODEL_PACKAGE).load()
        loaded = time.perf_counter() - start
        return (lambda texts: sum(1 for _ in nlp.pipe(texts))), loaded
    from unspin.techniques.model import TechniqueModel

    model = TechniqueModel.load(threads=2)
    loaded = time.perf_counter() - start
    return (lambda texts: sum(len(model.find(t)) for t in texts)), loaded


def memory_worker(side: str, directory: Path) -> dict:
    fn, loaded = load_side(side)
    fn(load_texts(directory))
    return {"side": side, "load_seconds": loaded, "peak_rss_mb": peak_rss_mb()}


def timing(directory: Path, repeat: int) -> dict:
    fns = {side: load_side(side)[0] for side in ("spacy", "techniques")}
    return paired_passes(fns, load_texts(directory), repeat, reference="spacy", measured="techniques")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="folder of .txt articles")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "techniques.md")
    parser.add_argument("--worker", choices=["spacy", "techniques"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(memory_worker(args.worker, args.articles)))
        return 0
    if not args.articles.is_dir():
        print(f"bench: {args.articles} is absent: give --articles DIR (PTC's dev articles sit in ../shared)",
              file=sys.stderr)
        return 2
    memory = memory_of_each(__file__, ("spacy", "techniques"), "--articles", str(args.articles))
    result = timing(args.articles, args.repeat)
    n, seconds = result["articles"], result["seconds"]
    lines = [
        f"# Techniques layer benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"Python {platform.python_version()})",
        "",
        f"{n} articles from `{args.articles}`; {args.repeat} passes per side, alternating; "
        "the pass nearest the median ratio is shown. Load time and peak RSS: each side alone in a fresh process.",
        "",
        "| side | articles/s | seconds | model load (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|",
        f"| spaCy alone (`nlp.pipe`, en_core_web_sm 3.8.0) | {n / seconds['spacy']:.2f} | {seconds['spacy']:.2f} "
        f"| {memory['spacy']['load_seconds']:.2f} | {memory['spacy']['peak_rss_mb']:.0f} |",
        f"| techniques layer (shipped model, 2 torch threads) | {n / seconds['techniques']:.2f} | "
        f"{seconds['techniques']:.2f} | {memory['techniques']['load_seconds']:.2f} | "
        f"{memory['techniques']['peak_rss_mb']:.0f} |",
        "",
        f"time ratio, techniques / spaCy: {result['ratio']:.2f}x (target: at most {TARGET_RATIO:.0f}x; "
        f"per pass: {', '.join(f'{r:.2f}x' for r in result['ratios'])})",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    return 0 if result["ratio"] <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
