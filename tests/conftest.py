"""Shared fixtures. Tests never touch the network; data from ../shared is optional."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("UNSPIN_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seeds" / "000_11caf2a78c7fd705.txt"
AEB = SHARED / "data" / "extraction" / "scrapinghub-aeb"
EXAMPLES = ROOT / "examples"


def need(path: Path) -> Path:
    """Skip the calling test, saying why, when shared data is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared must sit beside the checkout for this test")
    return path


def run_cli(*args: str, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real ``unspin`` command in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "unspin.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
    )


@pytest.fixture
def cli():
    return run_cli
