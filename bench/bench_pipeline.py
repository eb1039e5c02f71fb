"""Analysis speed and memory: unspin's whole pipeline against spaCy alone.

The reference is spaCy's own ``nlp.pipe`` with the same English model over the
same texts, which is the floor any spaCy-based analysis pays. unspin's side
reads each article as a plain-text scrape and runs every component of
``PIPELINE`` built on spaCy's parse (the parse included); the techniques layer
runs its own encoder and has its own benchmark against the same reference
(bench_techniques.py). Both run in one process, a whole pass each
in turn, ``--repeat`` times; the median ratio is reported. Peak memory is
taken with each side alone in a child process.

    .venv/bin/python bench/bench_pipeline.py [--articles DIR] [--repeat 3]
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


def parsed_layers() -> tuple[str, ...]:
    from unspin.analyze import PIPELINE

    return tuple(name for name in PIPELINE if name != "techniques")


PARSED_LAYERS = parsed_layers()


def load_texts(directory: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(directory.glob("*.txt"))]


def sides(which=("spacy", "unspin")):
    """Functions that process the whole list of articles; only the sides asked for are imported."""
    out = {}
    if "spacy" in which:
        from unspin.analyze.nlp import MODEL_PACKAGE

        import importlib

        nlp = importlib.import_module(MODEL_PACKAGE).load()

        def spacy_alone(articles):
            return sum(1 for _ in nlp.pipe(data.decode("utf-8") for _, data in articles))

        out["spacy"] = spacy_alone
    if "unspin" in which:
        from unspin.analyze import build, run
        from unspin.errors import Failure
        from unspin.ingest import read_bytes

        components = build(PARSED_LAYERS)

        def unspin_pipeline(articles):
            n = 0
            for name, data in articles:
                for item in read_bytes(name, data, format="text"):
                    if not isinstance(item, Failure):
                        run(item, components)
                        n += 1
            return n

        out["unspin"] = unspin_pipeline
    return out


def memory_worker(side: str, directory: Path) -> dict:
    articles = load_texts(directory)
    done = sides((side,))[side](articles)
    return {"side": side, "articles": done, "peak_rss_mb": peak_rss_mb()}


def timing(directory: Path, repeat: int) -> dict:
    return paired_passes(sides(), load_texts(directory), repeat, reference="spacy", measured="unspin")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="folder of .txt articles")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "pipeline.md")
    parser.add_argument("--worker", choices=["spacy", "unspin"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(memory_worker(args.worker, args.articles)))
        return 0
    if not args.articles.is_dir():
        print(f"bench: {args.articles} is absent: give --articles DIR (PTC's dev articles sit in ../shared)",
              file=sys.stderr)
        return 2
    memory = memory_of_each(__file__, ("spacy", "unspin"), "--articles", str(args.articles))
    result = timing(args.articles, args.repeat)
    n = result["articles"]
    overhead = result["ratio"] - 1
    lines = [
        f"# Pipeline benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()})",
        "",
        f"{n} articles from `{args.articles}` read as plain text; pipeline: {', '.join(PARSED_LAYERS)}; "
        f"{args.repeat} passes per side, alternating; the pass nearest the median ratio is shown.",
        "",
        "| side | articles/s | seconds | peak RSS (MB) |",
        "|---|---:|---:|---:|",
        f"| spaCy alone (`nlp.pipe`, en_core_web_sm 3.8.0) | {n / result['seconds']['spacy']:.1f} | "
        f"{result['seconds']['spacy']:.2f} | {memory['spacy']['peak_rss_mb']:.0f} |",
        f"| unspin, whole pipeline | {n / result['seconds']['unspin']:.1f} | "
        f"{result['seconds']['unspin']:.2f} | {memory['unspin']['peak_rss_mb']:.0f} |",
        "",
        f"time overhead over spaCy alone: {overhead:+.1%} (target: under +50%; "
        f"per pass: {', '.join(f'{r - 1:+.1%}' for r in result['ratios'])})",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    return 0 if overhead < 0.50 else 1


if __name__ == "__main__":
    sys.exit(main())
