"""Real services for the tests: a throwaway PostgreSQL cluster and Debian's headless Chromium.

Nothing here uses the network: the cluster listens on 127.0.0.1 only, and the browser is Debian's
/usr/bin/chromium (never a downloaded build) with its background traffic turned off.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google's hosts on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = "`make test` installs them"


def artifact_path(name: str) -> Path:
    """Where a UI test saves a screenshot or page dump for a person to look at: test-artifacts/<name>."""
    path = ARTIFACTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def pg_bindir() -> Path | None:
    """The server binaries (initdb, pg_ctl): pg_config's word first, else Debian's newest version."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(Path(out.stdout.strip()))
    # pg_config can come from libpq-dev alone and name a directory without a server in it
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)], reverse=True)
    return next((d for d in candidates if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None)


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it, so parallel sessions don't collide)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Postgres:
    """A running throwaway server with trust auth on loopback, so URLs need no password."""

    port: int

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def admin(self, statement: str, dbname: str) -> None:
        """Run CREATE/DROP DATABASE-style SQL on the maintenance database (autocommit: no transaction)."""
        import psycopg
        from psycopg import sql

        query = sql.SQL(statement).format(sql.Identifier(dbname))
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(query)

    def create_database(self, name: str) -> str:
        self.admin("CREATE DATABASE {}", name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        # FORCE ends connections a test left open (an engine not disposed), which would block the drop
        self.admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


@contextmanager
def postgres_server(bindir: Path) -> Iterator[Postgres]:
    """initdb + pg_ctl start into a temp dir; always stopped and deleted after, whatever happened.

    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
    and owns the directory. Durability is switched off: the data is thrown away anyway.
    """
    as_root = os.geteuid() == 0
    # as root: /tmp rather than $TMPDIR, which may sit under /root where `postgres` can't reach
    base = Path(tempfile.mkdtemp(prefix="unspin-pg-", dir="/tmp" if as_root else None))
    prefix: list[str] = []
    if as_root:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = base / "data", base / "server.log"

    # generous limits: niced beside a training job, a start has taken over half a minute here
    def run(*args: str | Path) -> None:
        subprocess.run([*prefix, *map(str, args)], cwd=base, check=True, capture_output=True, timeout=300)

    try:
        run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync")
        port = free_port()
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        try:
            run(bindir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "240", "start")
        except subprocess.CalledProcessError as e:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {e.stderr.decode(errors='replace')}\n{tail}") from e
        yield Postgres(port)
    finally:
        if (data / "postmaster.pid").exists():  # also after a start that timed out but went on
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           cwd=base, capture_output=True, timeout=300)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def chromium_browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright's sync API (a playwright Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def serve_in_thread(app) -> Iterator[str]:
    """An ASGI ``app`` under uvicorn on a free loopback port, in a thread: yields its base URL, stops after."""
    import threading
    import time

    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(timeout=30)
