"""What a Spark job reads: input references expanded on the driver, fetched on the executors.

The unit of work is one input (a WARC file, a JSON Lines file, a page): an
executor streams it through the same readers as ``unspin analyze``, so a
WARC of a gigabyte is never held in memory whole. A manifest (Common
Crawl's ``warc.paths`` layout: one path or URL per line, optionally
gzipped) is expanded here. A manifest line may also name one record, as
Common Crawl's URL index gives it: path, offset and length, separated by
spaces, tabs or commas; it becomes ``path#bytes=FIRST-LAST`` and only those
bytes (one gzip member, itself a valid WARC.gz) are fetched, with an HTTP
range request for a URL. Local paths must be visible to every executor
(a shared file system on a cluster); ``https://`` inputs are downloaded by
the executor that reads them, and ``s3://`` ones through fsspec when it is
installed.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REMOTE = ("https://", "http://", "s3://", "s3a://")
#: Common Crawl's manifests give paths relative to its bucket.
COMMON_CRAWL = "https://data.commoncrawl.org/"
#: A reference to one record: the bytes FIRST to LAST (inclusive, as in an HTTP Range header) of a WARC file.
RANGE = re.compile(r"^(?P<path>.+)#bytes=(?P<first>\d+)-(?P<last>\d+)$")


def split_range(ref: str) -> tuple[str, tuple[int, int] | None]:
    """The path and (first, last) byte of a record reference, or the path and None for a whole input."""
    found = RANGE.match(ref)
    if found is None:
        return ref, None
    first, last = int(found["first"]), int(found["last"])
    if last < first:
        raise ValueError(f"{ref}: the last byte comes before the first")
    return found["path"], (first, last)


def _entry(entry: str) -> tuple[str, str]:
    """A manifest line as (path, fragment): a record's offset and length become ``#bytes=FIRST-LAST``."""
    fields = [f for f in re.split(r"[\s,]+", entry) if f]
    if len(fields) == 3 and fields[1].isdigit() and fields[2].isdigit():
        offset, length = int(fields[1]), int(fields[2])
        if length < 1:
            raise ValueError(f"manifest line {entry!r}: a record's length must be positive")
        return fields[0], f"#bytes={offset}-{offset + length - 1}"
    return entry, ""


def is_manifest(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith((".paths", ".paths.gz")) or name in ("warc.paths", "warc.paths.gz")


def read_manifest(path: str) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    base = Path(path).parent
    out = []
    for line in entries:
        entry, fragment = _entry(line)
        if entry.startswith(REMOTE) or entry.startswith("/"):
            out.append(entry + fragment)
        elif entry.startswith("crawl-data/"):
            out.append(COMMON_CRAWL + entry + fragment)
        else:
            out.append(str(base / entry) + fragment)
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
    """A local path for ``ref``: itself when a whole local file, else a temporary copy removed afterwards."""
    path, span = split_range(ref)
    if span is None and not path.startswith(REMOTE):
        yield path
        return
    with tempfile.NamedTemporaryFile(prefix="unspin-", suffix="-" + path.rsplit("/", 1)[-1][-60:]) as tmp:
        with _open_at(path, span) as source:
            if span is None:
                shutil.copyfileobj(source, tmp, 1 << 20)
            else:
                _copy_exactly(source, tmp, span[1] - span[0] + 1, ref)
        tmp.flush()
        yield tmp.name


@contextmanager
def _open_at(path: str, span: tuple[int, int] | None):
    """A binary stream of ``path`` (local, HTTP(S) or S3) positioned at the range's first byte."""
    if path.startswith(("https://", "http://")):
        request = urllib.request.Request(path)
        if span is not None:
            request.add_header("Range", f"bytes={span[0]}-{span[1]}")
        with urllib.request.urlopen(request, timeout=60) as response:
            if span is not None and response.status != 206:
                raise OSError(f"the server ignored the byte range (HTTP {response.status})")
            yield response
        return
    if path.startswith(REMOTE):
        import fsspec  # s3:// needs s3fs installed beside it

        opened = fsspec.open(path.replace("s3a://", "s3://"), "rb")
    else:
        opened = open(path, "rb")
    with opened as source:
        if span is not None:
            source.seek(span[0])
        yield source


def _copy_exactly(source, target, length: int, ref: str) -> None:
    while length:
        chunk = source.read(min(length, 1 << 20))
        if not chunk:
            raise OSError(f"{ref}: the file ends before the record does")
        target.write(chunk)
        length -= len(chunk)
