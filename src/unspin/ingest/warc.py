"""WARC (and WARC.gz) records to HTML payloads, with a failure per damaged record.

FastWARC reads the records; the HTTP envelope is parsed here so that a record
cut short (its block shorter than its Content-Length) is caught and reported
instead of being analysed as a partial page.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from fastwarc.warc import ArchiveIterator, WarcRecordType

from unspin.errors import E, InputError
from unspin.ingest.sniff import sniff

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class HtmlRecord:
    offset: int
    url: str | None
    date: str | None
    charset: str | None
    payload: bytes


@dataclass(frozen=True)
class RecordFailure:
    offset: int
    error: InputError


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def parse_http(block: bytes) -> HttpResponse:
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep:
        raise InputError(E.BAD_WARC, "HTTP headers without an end")
    lines = head.decode("iso-8859-1").splitlines()
    parts = lines[0].split(" ", 2) if lines else []
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise InputError(E.BAD_WARC, "no HTTP status line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    coding = headers.get("content-encoding", "").lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        try:
            body = gzip.decompress(body) if "gzip" in coding else zlib.decompress(body)
        except (OSError, zlib.error, EOFError):
            raise InputError(E.BAD_WARC, f"payload declared {coding} but does not decompress") from None
    return HttpResponse(int(parts[1]), headers, body)


def _dechunk(body: bytes) -> bytes:
    out, pos = [], 0
    while pos < len(body):
        end = body.find(b"\r\n", pos)
        if end < 0:
            break
        try:
            size = int(body[pos:end].split(b";")[0], 16)
        except ValueError:
            return body  # not really chunked: keep the bytes as they are
        if size == 0:
            break
        out.append(body[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2
    return b"".join(out)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _is_html(content_type: str, body: bytes) -> bool:
    """Declared HTML, or undeclared and looking like it."""
    if content_type:
        return content_type.startswith(_HTML_TYPES)
    return sniff(body) == "html"


def html_records(stream: BinaryIO) -> Iterator[HtmlRecord | RecordFailure]:
    """Every HTML response record; non-HTML responses are passed over silently."""
    for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=False):
        offset = record.stream_pos
        declared = record.headers.get("Content-Length")
        block = record.reader.read()
        if declared is None or not declared.isdigit() or len(block) < int(declared):
            yield RecordFailure(
                offset, InputError(E.BAD_WARC, f"record truncated ({len(block)} of {declared or '?'} bytes)")
            )
            continue
        try:
            response = parse_http(block)
        except InputError as err:
            yield RecordFailure(offset, err)
            continue
        content_type = response.headers.get("content-type", "").lower()
        if not (200 <= response.status < 300) or not _is_html(content_type, response.body):
            continue
        yield HtmlRecord(
            offset=offset,
            url=record.headers.get("WARC-Target-URI"),
            date=record.headers.get("WARC-Date"),
            charset=_charset(content_type),
            payload=response.body,
        )
