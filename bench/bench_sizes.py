"""Time and peak memory of `unspin analyze` by input size: do they grow linearly and stay bounded?

For 10 KB, 100 KB, 1 MB and 10 MB of generated plain text, once as
paragraphs (a blank line every three sentences) and once as one single line,
the real command (`unspin analyze FILE --format json --jobs 1`) runs in a
fresh process; its wall time and its own peak resident memory (from
``wait4``) are reported, with time per MB of input and the marginal time per
MB between one size and the next, where a square would show as a rising
figure. The 10 KB run is mostly start-up (loading the models).

    .venv/bin/python bench/bench_sizes.py [--sizes 10000,100000,1000000,10000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SENTENCES = (
    "The harbour board met again on {day}, and its chair said the strike had cost {n} jobs.",
    "According to officials in {place}, about {n} workers may have left the port since March 2021.",
    '"We will not accept this," said {name}, who leads the union of {n} dock workers.',
    "Why would the ministry ignore a warning issued {n} days ago?",
    "Reuters reported that the talks in {place} could resume next week after {n} hours of silence.",
    "{name} accused the government of lying about the {n} containers held at the border.",
)
DAYS = ("Monday", "Tuesday", "Friday", "January 3")
PLACES = ("Lagos", "Baghdad", "Lima", "the port of Tema", "Manila")
NAMES = ("Maria Lopez", "John Okafor", "Elena Petrova", "General Aziz")


def generated_text(size: int, newlines: bool, seed: int = 11) -> str:
    """``size`` characters (ASCII, so bytes too) of news-like sentences; paragraphs every third one if asked."""
    rng = random.Random(seed)
    parts, length, count = [], 0, 0
    while length < size:
        sentence = rng.choice(SENTENCES).format(n=rng.randrange(2, 9000), day=rng.choice(DAYS),
                                                place=rng.choice(PLACES), name=rng.choice(NAMES))
        count += 1
        gap = "\n\n" if newlines and count % 3 == 0 else " "
        parts.append(sentence + gap)
        length += len(sentence) + len(gap)
    return "".join(parts)[: size - 1] + "\n"


def run_once(path: Path) -> dict:
    """One `unspin analyze` in a fresh process: wall seconds, its peak RSS, exit status, its notes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = path.with_suffix(".json")
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "unspin.cli", "analyze", str(path), "--format", "json",
                              "--out", str(out), "--jobs", "1", "--no-progress"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    notes = []
    if child.returncode == 0 and out.exists():
        notes = [n["message"] for n in json.loads(out.read_text(encoding="utf-8")).get("notes", [])]
        out.unlink()
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "exit": child.returncode,
            "error": stderr.strip().splitlines()[-1] if child.returncode else "", "notes": notes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="unspin-bench-sizes-") as tmp:
        for shape, newlines in (("paragraphs", True), ("one line", False)):
            previous = None
            for size in sizes:
                path = Path(tmp) / f"{shape.replace(' ', '-')}-{size}.txt"
                path.write_text(generated_text(size, newlines), encoding="ascii")
                result = run_once(path)
                path.unlink()
                mb = size / 1_000_000
                marginal = None
                if previous is not None:
                    marginal = (result["seconds"] - previous[1]) / (mb - previous[0])
                rows.append({"shape": shape, "bytes": size, **result, "seconds_per_mb": result["seconds"] / mb,
                             "marginal_seconds_per_mb": marginal})
                previous = (mb, result["seconds"])
                print(f"{shape:>10} {size:>10,} B  {result['seconds']:7.1f} s  {result['peak_mb']:7.0f} MB"
                      f"  exit {result['exit']}", file=sys.stderr, flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
    if args.json:
        print(json.dumps({"machine": machine, "rows": rows}, indent=1))
        return
    print(f"`unspin analyze FILE --format json --jobs 1`, each in a fresh process ({machine})\n")
    print("| input | size | time | time per MB | marginal time per MB | peak RSS | exit | limit notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        marginal = "—" if r["marginal_seconds_per_mb"] is None else f"{r['marginal_seconds_per_mb']:,.1f} s"
        limited = [n for n in r["notes"] if "cover the first" in n or n.startswith("capped")]
        print(f"| {r['shape']} | {r['bytes'] / 1000:,.0f} KB | {r['seconds']:,.1f} s | {r['seconds_per_mb']:,.1f} s"
              f" | {marginal} | {r['peak_mb']:,.0f} MB | {r['exit']} | {len(limited)} |")


if __name__ == "__main__":
    main()
