"""Helpers the benchmarks share."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    VmHWM belongs to the process's own address space; ru_maxrss would carry
    over the parent's peak across fork and exec on Linux.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_of_each(script: str, sides: tuple[str, ...], *args: str) -> dict[str, dict]:
    """Run ``script --worker SIDE ARGS`` for each side in a fresh process; collect its JSON line."""
    out = {}
    for side in sides:
        done = subprocess.run([sys.executable, script, "--worker", side, *args],
                              capture_output=True, text=True, check=True)
        out[side] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def paired_passes(fns: dict[str, Callable], items: Sequence, repeat: int, reference: str, measured: str) -> dict:
    """Whole passes of each side in turn, ``repeat`` times; the median ratio measured/reference.

    Alternating whole passes in one process shares the machine's state (load,
    caches, frequency) between the sides, so the ratio holds up where
    absolute rates move. The pass nearest the median ratio is the one shown.
    """
    for fn in fns.values():
        fn(items[:2])  # warm up: model loading, first-call costs
    passes = []
    for _ in range(repeat):
        spent = {}
        for side, fn in fns.items():
            start = time.perf_counter()
            fn(items)
            spent[side] = time.perf_counter() - start
        passes.append(spent)
    ratios = [p[measured] / p[reference] for p in passes]
    median_ratio = statistics.median(ratios)
    shown = min(passes, key=lambda p: abs(p[measured] / p[reference] - median_ratio))
    return {"articles": len(items), "ratio": median_ratio, "ratios": sorted(ratios), "seconds": shown}
