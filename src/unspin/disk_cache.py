"""Tables that are slow to build and never change between runs, kept on disk between processes.

Each ``unspin`` command is a new process, and some tables it needs (the
gazetteer's 150,000 place names) take seconds to build from installed data but
a fraction of that to load once built. They are kept under the user's cache
directory (``$UNSPIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/unspin``, else
``~/.cache/unspin``), named by a key that changes whenever the code or data
they are built from does, so a stale table is never read. Setting
``UNSPIN_CACHE_DIR`` to the empty string turns the disk cache off.

The files are pickles, so only the user's own cache directory is read: a
directory another user may write to is not used. Anything going wrong with
the cache (no home, a full disk, a damaged file) falls back to building the
table in memory; the cache never changes a result, only how long it takes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where cached tables live, or None when the disk cache is turned off."""
    chosen = os.environ.get("UNSPIN_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "unspin"


def version_key(sources: tuple[str, ...] = (), packages: tuple[str, ...] = ()) -> str:
    """A short hash of what a table is built from: source files and installed package versions."""
    digest = hashlib.sha256()
    digest.update(f"python {sys.version_info[:2]} pickle {pickle.HIGHEST_PROTOCOL}".encode())
    for source in sources:
        digest.update(Path(source).read_bytes())
    for package in packages:
        try:
            digest.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} absent".encode())
    return digest.hexdigest()[:16]


def _own_directory(path: Path) -> bool:
    """A directory of this user that no other user may write to."""
    try:
        info = path.stat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """The table ``name`` from the disk cache if one of this ``key`` is there, else built and stored."""
    directory = cache_dir()
    if directory is None:
        return build()
    path = directory / f"{name}-{key}.pickle"
    if _own_directory(directory):
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # absent, or damaged by something else: build it again
            pass
    table = build()
    _store(directory, path, name, table)
    return table


def _store(directory: Path, path: Path, name: str, table: object) -> None:
    """Write ``table`` to ``path`` whole or not at all, and drop the same table's older keys."""
    temporary = None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_directory(directory):
            return
        with tempfile.NamedTemporaryFile(dir=directory, prefix=f".{name}-", delete=False) as handle:
            temporary = Path(handle.name)
            pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # atomic: a concurrent reader sees the old file or the whole new one
        temporary = None
        for old in directory.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
