"""Turn command-line arguments into a list of inputs: files, directories, globs, stdin."""

from __future__ import annotations

import fnmatch
import glob
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from unspin.errors import E, Failure

STDIN = "-"


@dataclass(frozen=True)
class InputRef:
    """One thing to read: a path, or ``-`` for standard input."""

    name: str
    path: Path | None  # None for standard input


def _walk(directory: Path) -> Iterator[Path]:
    """Files under a directory, in a stable order, hidden files and folders skipped."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def excluded(path: Path, patterns: Sequence[str]) -> bool:
    """True when a glob matches the path as named, its file name, or one of its folders (by path or name).

    ``*.tmp`` keeps out temporary files anywhere, ``drafts`` every file
    under a folder of that name, ``crawl/2019/*`` one folder's files.
    """
    if not patterns:
        return False
    names = {str(path), path.name}
    for folder in path.parents:
        if str(folder) not in (".", "/", ""):
            names.update((str(folder), folder.name))
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns for name in names)


def expand(args: Iterable[str], exclude: Sequence[str] = ()) -> Iterator[InputRef | Failure]:
    """Each argument in order; a directory is read recursively, a glob is expanded; paths
    that an ``exclude`` glob matches (see ``excluded``) are left out."""
    seen: set[str] = set()
    for arg in args:
        if arg == STDIN:
            yield InputRef(STDIN, None)
            continue
        path = Path(arg)
        if path.is_dir():
            candidates: Iterable[Path] = _walk(path)
        elif path.exists():
            candidates = [path]
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield Failure(arg, E.NOT_FOUND.value, "no file matches this pattern")
                continue
            candidates = (p for m in matches for p in ([Path(m)] if Path(m).is_file() else _walk(Path(m))))
        else:
            yield Failure(arg, E.NOT_FOUND.value, "no such file or directory")
            continue
        for p in candidates:
            if excluded(p, exclude):
                continue
            key = str(p.resolve())
            if key not in seen:
                seen.add(key)
                yield InputRef(str(p), p)


def stdin_stream():
    """Standard input as a buffered binary stream (it can ``peek`` at its start)."""
    return sys.stdin.buffer
