"""Shared fixtures. Tests never touch the network; data from ../shared is optional."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

import services

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("UNSPIN_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seeds" / "000_11caf2a78c7fd705.txt"
AEB = SHARED / "data" / "extraction" / "scrapinghub-aeb"
EXAMPLES = ROOT / "examples"

# Tables kept between processes (unspin.disk_cache) go to a directory of the test runs, not the user's home;
# every ``unspin`` the tests start inherits it. Shared by the runs of one user, as the home cache would be.
os.environ.setdefault("UNSPIN_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"unspin-test-cache-{os.getuid()}"))


def need(path: Path) -> Path:
    """Skip the calling test, saying why, when shared data is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared must sit beside the checkout for this test")
    return path


def run_cli(*args: str, stdin: bytes | None = None, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real ``unspin`` command in a child process (``env``: variables to set or override in it)."""
    return subprocess.run(
        [sys.executable, "-m", "unspin.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **env} if env else None,
    )


@pytest.fixture
def cli():
    return run_cli


# Real services (tests/services.py): a throwaway PostgreSQL cluster and Debian's headless Chromium.


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway cluster for the whole session (starting one takes seconds), stopped and deleted after."""
    bindir = services.pg_bindir()
    if bindir is None:
        pytest.skip(f"PostgreSQL server binaries (initdb, pg_ctl) not found: {services.MISSING}")
    with services.postgres_server(bindir) as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres_server):
    """SQLAlchemy URL of the session's `unspin_test` database (shared: tests must clean up after themselves)."""
    return postgres_server.create_database("unspin_test")


@pytest.fixture
def postgres_db(postgres_server):
    """SQLAlchemy URL of a fresh empty database for this test alone, dropped after it."""
    name = f"unspin_test_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright, shared by the session (a launch takes about a second)."""
    if not services.CHROMIUM.exists():
        pytest.skip(f"{services.CHROMIUM} not found: {services.MISSING} (Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason=f"playwright not installed: {services.MISSING}")
    with services.chromium_browser() as launched:
        yield launched


@pytest.fixture
def page(browser):
    """A new page in its own context, so no cookies or storage leak from one test to the next."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
