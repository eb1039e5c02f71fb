"""Reading speed and memory: ``unspin analyze``'s reading path against trafilatura alone.

Each side runs in its own child process over the same pages, so peak memory
(ru_maxrss) is that side's alone. Both warm up on the first pages (imports,
model loading) before the clock starts, run the whole set ``--repeat`` times
and keep the best pass. The reference is trafilatura 2.3's best mode measured
here (``favor_precision=True, include_comments=False``) on the decoded page.

    .venv/bin/python bench/bench_read.py [--pages DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT.parent / "shared" / "data" / "extraction" / "scrapinghub-aeb" / "html"
WARMUP = 3


def load_pages(directory: Path) -> list[tuple[str, bytes]]:
    pages = []
    for path in sorted(directory.iterdir()):
        if path.name.endswith(".gz"):
            pages.append((path.name, gzip.decompress(path.read_bytes())))
        elif path.suffix in (".html", ".htm"):
            pages.append((path.name, path.read_bytes()))
    return pages


def worker(side: str, directory: Path, repeat: int) -> dict:
    pages = load_pages(directory)
    if side == "unspin":
        from unspin.analyze import build, run
        from unspin.errors import Failure
        from unspin.ingest import read_bytes

        components = build()

        def one(name: str, data: bytes) -> int:
            n = 0
            for item in read_bytes(name, data):
                if not isinstance(item, Failure):
                    run(item, components)
                    n += 1
            return n
    else:
        import trafilatura

        def one(name: str, data: bytes) -> int:
            text = trafilatura.extract(data.decode("utf-8", "replace"), favor_precision=True, include_comments=False)
            return int(bool(text))

    for name, data in pages[:WARMUP]:
        one(name, data)
    best = float("inf")
    produced = 0
    for _ in range(repeat):
        start = time.perf_counter()
        produced = sum(one(name, data) for name, data in pages)
        best = min(best, time.perf_counter() - start)
    return {
        "side": side,
        "pages": len(pages),
        "with_text": produced,
        "seconds": best,
        "pages_per_second": len(pages) / best,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of .html or .html.gz pages")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "read.md")
    parser.add_argument("--worker", choices=["unspin", "trafilatura"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.pages, args.repeat)))
        return 0
    if not args.pages.is_dir():
        print(f"bench: {args.pages} is absent: give --pages DIR (the ScrapingHub pages sit in ../shared)",
              file=sys.stderr)
        return 2
    results = {}
    for side in ("trafilatura", "unspin"):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", side, "--pages", str(args.pages), "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=True,
        )
        results[side] = json.loads(out.stdout.strip().splitlines()[-1])
    ref, ours = results["trafilatura"], results["unspin"]
    overhead = ours["seconds"] / ref["seconds"] - 1
    memory = ours["peak_rss_mb"] / ref["peak_rss_mb"]
    lines = [
        f"# Reading benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()})",
        "",
        f"{ref['pages']} pages from `{args.pages}`, best of {args.repeat} passes, each side in its own process.",
        "",
        "| reader | pages/s | seconds | peak RSS (MB) | pages with text |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in (ref, ours):
        name = "trafilatura alone" if r is ref else "unspin analyze (read + extract + align + language)"
        lines.append(f"| {name} | {r['pages_per_second']:.1f} | {r['seconds']:.2f} | {r['peak_rss_mb']:.0f} | {r['with_text']} |")
    lines += ["", f"time overhead over trafilatura: {overhead:+.1%} (target: under +20%)",
              f"peak memory ratio: {memory:.2f}x", ""]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    return 0 if overhead < 0.20 else 1


if __name__ == "__main__":
    sys.exit(main())
