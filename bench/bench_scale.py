"""Throughput past one process: ``unspin analyze --jobs 1`` (the reference), ``--jobs 2``, and Spark ``local[2]``.

The same pages for all three: real news pages (the article-extraction
benchmark's HTML in ../shared/data/extraction), repeated under distinct URLs
(canonical links removed, so that each copy is its own document) up to
``--pages``, written as ``--files`` WARC.gz files, since a crawl comes
as many WARC files and Spark spreads files over tasks.

Each side runs cold in a fresh process, as a user would run it: for analyze
the command itself, to /dev/null; for Spark a fresh session (``local[2]``)
and ``unspin.scale.spark.run`` writing Parquet. Each side also runs once
on a single page: that run's wall time is the side's fixed cost (interpreter,
models, and for Spark the JVM, session and Python workers), and the
steady rate is pages / (wall - fixed). Speed-ups are against ``--jobs 1``
measured in the same run.

    .venv/bin/python bench/bench_scale.py [--pages 1000] [--files 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' WARC writer (warcio)
PAGES = ROOT.parent / "shared" / "data" / "extraction" / "scrapinghub-aeb" / "html"
PYTHON = sys.executable

SPARK_SIDE = """
import json, sys, time
t0 = time.monotonic()
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[2]").appName("unspin-bench")
         .config("spark.ui.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
session = time.monotonic() - t0
from unspin.scale.spark import run
written = run(spark, sys.argv[2:], sys.argv[1])
spark.stop()
print(json.dumps({"session": session, "documents": written["documents"], "failures": written["failures"]}))
"""


def write_crawl(folder: Path, pages: int, files: int) -> list[str]:
    """``pages`` HTML responses over ``files`` WARC.gz files, each page under its own URL."""
    from test_readers import write_warc

    sources = sorted(PAGES.glob("*.html.gz"))
    if not sources:
        sys.exit(f"bench_scale: no pages in {PAGES} (../shared is needed)")
    # Without their canonical links the copies are distinct documents (identity would follow the link).
    bodies = [re.sub(rb"<link[^>]*canonical[^>]*>|<meta[^>]*og:url[^>]*>", b"", gzip.decompress(p.read_bytes()),
                     flags=re.I) for p in sources]
    paths = []
    for f in range(files):
        path = folder / f"crawl-{f:03d}.warc.gz"
        write_warc(path, [(f"https://outlet{i % 37}.example/news/{i:05d}", "text/html; charset=utf-8",
                           bodies[i % len(bodies)]) for i in range(f, pages, files)])
        paths.append(str(path))
    return paths


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):  # 1: some page was not an article, which is a result, not a crash
        sys.exit(f"bench_scale: {' '.join(cmd[:4])} ... failed:\n{done.stderr.decode()[-2000:]}")
    return seconds, done.stdout.decode()


def analyze_side(jobs: int, inputs: list[str]) -> dict:
    cmd = [PYTHON, "-m", "unspin.cli", "analyze", "--no-progress", "--format", "jsonl", "--jobs", str(jobs), *inputs]
    seconds, out = timed(cmd)
    return {"seconds": seconds, "documents": len({json.loads(line)["id"] for line in out.splitlines()})}


def spark_side(inputs: list[str], workdir: Path) -> dict:
    env = {**os.environ, "PYSPARK_PYTHON": PYTHON}
    with tempfile.TemporaryDirectory(dir=workdir) as out:
        seconds, printed = timed([PYTHON, "-c", SPARK_SIDE, out, *inputs], env)
    return {"seconds": seconds, **json.loads(printed.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="unspin-bench-scale-") as tmp:
        work = Path(tmp)
        (work / "crawl").mkdir()
        (work / "one").mkdir()
        crawl = write_crawl(work / "crawl", args.pages, args.files)
        single = write_crawl(work / "one", 1, 1)
        sides = {
            "analyze --jobs 1": lambda inputs: analyze_side(1, inputs),
            "analyze --jobs 2": lambda inputs: analyze_side(2, inputs),
            "spark local[2]": lambda inputs: spark_side(inputs, work),
        }
        results = {}
        for name, side in sides.items():
            fixed = side(single)
            full = side(crawl)
            results[name] = {"fixed_s": fixed["seconds"], "wall_s": full["seconds"], "documents": full["documents"],
                             "session_s": full.get("session")}
            print(f"{name}: {full['documents']} documents in {full['seconds']:.1f} s (one page: {fixed['seconds']:.1f} s)",
                  file=sys.stderr, flush=True)

    reference = results["analyze --jobs 1"]
    lines = [
        f"# Scale benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {args.pages} pages in {args.files} WARC.gz files)",
        "",
        "| side | documents | wall (s) | docs/s end to end | fixed cost (s) | docs/s steady | speed-up end to end "
        "| speed-up steady |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        r["docs_per_s"] = r["documents"] / r["wall_s"]
        r["steady_docs_per_s"] = r["documents"] / max(r["wall_s"] - r["fixed_s"], 1e-9)
    for name, r in results.items():
        r["speedup"] = r["docs_per_s"] / reference["docs_per_s"]
        r["steady_speedup"] = r["steady_docs_per_s"] / reference["steady_docs_per_s"]
        lines.append(f"| {name} | {r['documents']} | {r['wall_s']:.1f} | {r['docs_per_s']:.2f} | {r['fixed_s']:.1f} "
                     f"| {r['steady_docs_per_s']:.2f} | {r['speedup']:.2f}x | {r['steady_speedup']:.2f}x |")
    spark = results["spark local[2]"]
    lines += ["", f"Spark session start (JVM and SparkSession): {spark['session_s']:.1f} s; whole fixed cost of a "
              f"Spark run (session, Python workers, models, Parquet commit, on one page): {spark['fixed_s']:.1f} s."]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"pages": args.pages, "files": args.files, "results": results}, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(report + "\n")


if __name__ == "__main__":
    main()
