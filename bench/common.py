"""Helpers the benchmarks share."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
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
