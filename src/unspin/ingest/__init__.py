"""Readers: from whatever the user points at to Documents (or Failures).

``read_inputs`` is the one entry point. Each input is sniffed (or told its
format), decoded and handed to the reader for its kind; every problem becomes
a ``Failure`` naming the input, so a batch always goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
import tempfile
import zlib
from typing import Iterable, Iterator, Sequence

from unspin.document import Document, Source
from unspin.errors import E, Failure, InputError
from unspin.ingest import jsonl, warc
from unspin.ingest.decode import MAX_BYTES, check_size, decode
from unspin.ingest.language import identify
from unspin.ingest.sniff import FORMATS, sniff
from unspin.ingest.sources import InputRef, expand, stdin_stream

__all__ = ["FORMATS", "read_inputs", "read_bytes", "finish", "assume_published"]

_GZIP_MAGIC = b"\x1f\x8b"


def assume_published(doc: Document, published: str | None) -> Document:
    """The date to assume where the page gives none (see ``unspin analyze --published``)."""
    if published:
        doc.meta = dataclasses.replace(doc.meta, extra={**doc.meta.extra, "published_override": published})
    return doc


def read_inputs(
    args: Iterable[str], format: str | None = None, exclude: Sequence[str] = ()
) -> Iterator[Document | Failure]:
    """Every Document (or Failure) of the inputs, in order; ``exclude`` globs keep paths out (``sources.excluded``)."""
    for ref in expand(args, exclude):
        if isinstance(ref, Failure):
            yield ref
            continue
        yield from _read_ref(ref, format)


def _read_ref(ref: InputRef, format: str | None) -> Iterator[Document | Failure]:
    try:
        if ref.path is None:
            stdin = stdin_stream()
            if format in (None, "warc") and _is_warc_head(stdin.peek(8192)[:8192]):
                # The WARC reader needs to seek: spool the pipe to a temporary file.
                with tempfile.TemporaryFile() as spool:
                    shutil.copyfileobj(stdin, spool, 1 << 20)
                    spool.seek(0)
                    yield from _read_warc_stream(ref.name, spool)
                return
            data = stdin.read(MAX_BYTES + 1)
        else:
            data = _read_file(ref, format)
            if data is None:  # a WARC file: streamed, never loaded whole
                yield from _read_warc_file(ref)
                return
    except InputError as err:
        yield Failure.from_error(ref.name, err)
        return
    except OSError as err:
        yield Failure(ref.name, E.UNREADABLE.value, err.strerror or str(err))
        return
    yield from read_bytes(ref.name, data, format)


def _read_file(ref: InputRef, format: str | None) -> bytes | None:
    """The file's bytes, or None when it is a WARC to stream (WARCs have no size cap)."""
    with open(ref.path, "rb") as fh:
        head = fh.read(8192)
    if format in (None, "warc") and _is_warc_head(head):
        return None
    check_size(ref.path.stat().st_size)
    with open(ref.path, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    return data


def _is_warc_head(head: bytes) -> bool:
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def gunzip(data: bytes) -> bytes:
    """Decompress a gzip input within the size cap; a damaged stream is an InputError."""
    d = zlib.decompressobj(wbits=31)
    try:
        out = d.decompress(data, MAX_BYTES + 1)
    except zlib.error as err:
        raise InputError(E.BAD_GZIP, f"damaged gzip data ({err})") from None
    check_size(len(out))
    if not d.eof:
        raise InputError(E.BAD_GZIP, "gzip data is truncated (the stream ends early)")
    return out


def read_bytes(name: str, data: bytes, format: str | None = None) -> Iterator[Document | Failure]:
    """Read one input held in memory: any format, gzip or not."""
    if format in (None, "warc") and _is_warc_head(data[:8192]):
        yield from _read_warc_stream(name, io.BytesIO(data))  # record by record, gzip or not
        return
    try:
        check_size(len(data))
        if data.startswith(_GZIP_MAGIC):
            data = gunzip(data)
        kind = format or sniff(data)
    except InputError as err:
        yield Failure.from_error(name, err)
        return
    if kind == "warc":
        yield from _read_warc_stream(name, io.BytesIO(data))
    elif kind == "jsonl":
        yield from _read_jsonl(name, data)
    else:
        try:
            decoded = decode(data)
            text, encoding = decoded.text, decoded.encoding
            if format is None and encoding not in ("utf-8", "ascii"):
                kind = sniff(text[:8192].encode("utf-8"))  # UTF-16 and the like hide their markup from byte sniffing
            source = Source(name, kind, encoding, _sha256(data), len(text))
            yield finish(_read_decoded(kind, text, source), decoded.repairs)
        except InputError as err:
            yield Failure.from_error(name, err)


def _read_decoded(kind: str, text: str, source: Source, **html_args) -> Document:
    if kind == "html":
        from unspin.ingest.html import read_html

        return read_html(text, source, **html_args)
    from unspin.ingest.text import read_clean_text, read_text_scrape

    doc = read_clean_text(text, source) if kind == "paragraphs" else read_text_scrape(text, source)
    if not doc.text.strip():
        raise InputError(E.NO_ARTICLE, "no article text found")
    return doc


def _read_warc_file(ref: InputRef) -> Iterator[Document | Failure]:
    with open(ref.path, "rb") as fh:
        yield from _read_warc_stream(ref.name, fh)


def _read_warc_stream(name: str, stream) -> Iterator[Document | Failure]:
    count = 0
    try:
        for item in warc.html_records(stream):
            count += 1
            if isinstance(item, warc.RecordFailure):
                yield Failure.from_error(name, item.error, item.offset)
                continue
            try:
                check_size(len(item.payload))
                decoded = decode(item.payload, declared=item.charset)
                text = decoded.text
                source = Source(name, "warc", decoded.encoding, _sha256(item.payload), len(text), item.offset)
                yield finish(_read_decoded("html", text, source, url=item.url, fetched=item.date), decoded.repairs)
            except InputError as err:
                yield Failure.from_error(name, err, item.offset)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as err:  # the WARC reader gave up on the rest (Rust panics are BaseExceptions)
        reason = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        yield Failure(name, E.BAD_WARC.value, f"unreadable WARC data after {count} records ({reason})")


def _read_jsonl(name: str, data: bytes) -> Iterator[Document | Failure]:
    try:
        raw = decode(data).text
    except InputError as err:
        yield Failure.from_error(name, err)
        return
    for item in jsonl.articles(raw):
        if isinstance(item, tuple):
            number, err = item
            yield Failure.from_error(name, err, number)
            continue
        if isinstance(item, jsonl.AnalysedLine):
            yield _analysed_document(name, item)
            continue
        source = Source(name, "jsonl", "utf-8", _sha256(item.body.encode("utf-8")), len(item.body), item.line)
        try:
            args = {"url": item.meta.get("url")} if item.kind == "html" else {}
            doc = _read_decoded(item.kind, item.body, source, **args)
        except InputError as err:
            yield Failure.from_error(name, err, item.line)
            continue
        given = {k: v for k, v in item.meta.items()}
        meta = dataclasses.replace(doc.meta, **given, extra={**doc.meta.extra, **item.extra})
        yield finish(Document(doc.text, meta, doc.source, doc.furniture, doc.offsets, doc.layers))


def _analysed_document(name: str, item: jsonl.AnalysedLine) -> Document | Failure:
    """An ``unspin/1`` line as the Document it holds, its layers and source as they were written."""
    try:
        return Document.from_json(item.record)
    except Exception as exc:  # a missing field, a span outside the text, a wrong type
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return Failure(name, E.BAD_JSONL.value, f"line {item.line} is not a valid unspin/1 Document ({detail})",
                       item.line)


def finish(doc: Document, repairs: Iterable[str] = ()) -> Document:
    """Steps every reader shares: language identification, the decoder's repairs as notes, a stable id.

    An input that came with no URL of its own takes the one its page declares
    as ``url`` (and so as its identity); one that came with a URL keeps it.
    """
    meta = doc.meta
    if not meta.url and meta.canonical_url:
        meta = dataclasses.replace(meta, url=meta.canonical_url)
    if not meta.language:
        language, confidence = identify(doc.text)
        meta = dataclasses.replace(meta, language=language, language_confidence=confidence)
    if meta != doc.meta:
        doc = Document(doc.text, meta, doc.source, doc.furniture, doc.offsets, doc.layers, notes=doc.notes)
    for message in repairs:
        doc.note("decode", message)
    return doc


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

