"""Reading speed and memory: ``unspin analyze``'s reading path against trafilatura alone.

Speed: both readers run in one process, page by page in turn (trafilatura,
then unspin, on the same page), so drifts in machine load hit both alike; the
whole set is read ``--repeat`` times and the median ratio is reported.
Memory: each side also runs alone in a child process, so its peak RSS
(VmHWM) is its own. Both warm up on the first pages (imports, model
loading) before any clock starts. The reference is trafilatura 2.3's best mode
measured here (``favor_precision=True, include_comments=False``) on the
decoded page; unspin's side is the reading path of ``unspin analyze``:
sniffing, decoding, extraction, metadata, offset alignment and language
identification (the analysis pipeline after it has a benchmark of its own).

    .venv/bin/python bench/bench_read.py [--pages DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import memory_of_each, peak_rss_mb  # noqa: E402

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


def readers(sides=("trafilatura", "unspin")):
    """The functions compared: each reads one page (bytes) and says if it found text.

    Only the sides asked for are imported, so a memory worker holds one reader alone.
    """
    out = {}
    if "trafilatura" in sides:
        import trafilatura

        def trafilatura_read(name: str, data: bytes) -> int:
            text = trafilatura.extract(data.decode("utf-8", "replace"), favor_precision=True, include_comments=False)
            return int(bool(text))

        out["trafilatura"] = trafilatura_read
    if "unspin" not in sides:
        return out
    from unspin.errors import Failure
    from unspin.ingest import read_bytes

    def unspin_read(name: str, data: bytes) -> int:
        return sum(not isinstance(item, Failure) for item in read_bytes(name, data))

    out["unspin"] = unspin_read
    return out


def memory_worker(side: str, directory: Path) -> dict:
    pages = load_pages(directory)
    read = readers((side,))[side]
    produced = sum(read(name, data) for name, data in pages)
    return {"side": side, "with_text": produced, "peak_rss_mb": peak_rss_mb()}


def paired_timing(directory: Path, repeat: int) -> dict:
    pages = load_pages(directory)
    fns = readers()
    for name, data in pages[:WARMUP]:
        for fn in fns.values():
            fn(name, data)
    passes = []
    for _ in range(repeat):
        spent = {side: 0.0 for side in fns}
        for name, data in pages:
            for side, fn in fns.items():
                start = time.perf_counter()
                fn(name, data)
                spent[side] += time.perf_counter() - start
        passes.append(spent)
    ratios = sorted(p["unspin"] / p["trafilatura"] for p in passes)
    median = passes[sorted(range(repeat), key=lambda i: passes[i]["unspin"] / passes[i]["trafilatura"])[repeat // 2]]
    return {"pages": len(pages), "ratio": ratios[len(ratios) // 2], "ratios": ratios, "seconds": median}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of .html or .html.gz pages")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "read.md")
    parser.add_argument("--worker", choices=["unspin", "trafilatura"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(memory_worker(args.worker, args.pages)))
        return 0
    if not args.pages.is_dir():
        print(f"bench: {args.pages} is absent: give --pages DIR (the ScrapingHub pages sit in ../shared)",
              file=sys.stderr)
        return 2
    timing = paired_timing(args.pages, args.repeat)
    memory = memory_of_each(__file__, ("trafilatura", "unspin"), "--pages", str(args.pages))
    overhead = timing["ratio"] - 1
    mem_ratio = memory["unspin"]["peak_rss_mb"] / memory["trafilatura"]["peak_rss_mb"]
    n = timing["pages"]
    lines = [
        f"# Reading benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()})",
        "",
        f"{n} pages from `{args.pages}`; {args.repeat} passes, readers alternating page by page; "
        "the pass with the median ratio is shown. Peak memory: each reader alone in its own process.",
        "",
        "| reader | pages/s | seconds | peak RSS (MB) | pages with text |",
        "|---|---:|---:|---:|---:|",
    ]
    for side, label in (("trafilatura", "trafilatura alone"),
                        ("unspin", "unspin analyze (read + extract + align + language)")):
        secs = timing["seconds"][side]
        lines.append(f"| {label} | {n / secs:.1f} | {secs:.2f} | {memory[side]['peak_rss_mb']:.0f} | "
                     f"{memory[side]['with_text']} |")
    lines += ["", f"time overhead over trafilatura: {overhead:+.1%} (target: under +20%; "
              f"per pass: {', '.join(f'{r - 1:+.1%}' for r in timing['ratios'])})",
              f"peak memory ratio: {mem_ratio:.2f}x", ""]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    return 0 if overhead < 0.20 else 1


if __name__ == "__main__":
    sys.exit(main())
