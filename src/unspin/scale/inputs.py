"""What a Spark job reads: input references expanded on the driver, fetched on the executors.

The unit of work is one input (a WARC file, a JSON Lines file, a page): an
executor streams it through the same readers as ``unspin analyze``, so a
WARC of a gigabyte is never held in memory whole. A manifest (Common
Crawl's ``warc.paths`` layout: one path or URL per line, optionally
gzipped) is expanded here. Local paths must be visible to every executor
(a shared file system on a cluster); ``https://`` inputs are downloaded by
the executor that reads them, and ``s3://`` ones through fsspec when it is
installed.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REMOTE = ("https://", "http://", "s3://", "s3a://")
#: Common Crawl's manifests give paths relative to its bucket.
COMMON_CRAWL = "https://data.commoncrawl.org/"


def is_manifest(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith((".paths", ".paths.gz")) or name in ("warc.paths", "warc.paths.gz")


def read_manifest(path: str) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    base = Path(path).parent
    out = []
    for entry in entries:
        if entry.startswith(REMOTE) or entry.startswith("/"):
            out.append(entry)
        elif entry.startswith("crawl-data/"):
            out.append(COMMON_CRAWL + entry)
        else:
            out.append(str(base / entry))
    return out


def expand(inputs: list[str]) -> list[str]:
    """Every input the job reads: manifests opened, local folders listed (sorted), the rest as given."""
    out: list[str] = []
    for item in inputs:
        if item.startswith(REMOTE):
            out.append(item)
        elif is_manifest(item):
            out.extend(read_manifest(item))
        elif Path(item).is_dir():
            out.extend(str(p) for p in sorted(Path(item).rglob("*")) if p.is_file() and not p.name.startswith("."))
        else:
            out.append(item)
    return out


@contextmanager
def local_copy(ref: str) -> Iterator[str]:
    """A local path for ``ref``: itself when local, else a temporary download removed afterwards."""
    if not ref.startswith(REMOTE):
        yield ref
        return
    with tempfile.NamedTemporaryFile(prefix="unspin-", suffix="-" + ref.rsplit("/", 1)[-1][-60:]) as tmp:
        if ref.startswith(("https://", "http://")):
            with urllib.request.urlopen(ref, timeout=60) as response:
                shutil.copyfileobj(response, tmp)
        else:
            import fsspec  # s3:// needs s3fs installed beside it

            with fsspec.open(ref.replace("s3a://", "s3://"), "rb") as remote:
                shutil.copyfileobj(remote, tmp)
        tmp.flush()
        yield tmp.name
