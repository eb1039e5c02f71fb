"""Bytes to text, or a clear reason why not.

Order of evidence: a byte-order mark, then a charset the page declares
(HTTP header or ``<meta>``), then strict UTF-8, then a statistical guess
(charset-normalizer). Binary data is refused before any of that.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from unspin.errors import E, InputError

#: Largest source accepted, in bytes. Big enough for any real article page
#: (the largest page in the ScrapingHub benchmark is under 2 MB), small enough
#: that parsing stays within seconds and a few hundred MB of memory.
MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF media file"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"OggS", "an Ogg media file"),
    (b"\x00\x00\x01\x00", "an icon"),
)


def check_size(size: int, name: str = "input") -> None:
    if size > MAX_BYTES:
        raise InputError(
            E.TOO_LARGE,
            f"{size / 1e6:.1f} MB is over the {MAX_BYTES // (1024 * 1024)} MB cap for one page",
        )


def sniff_binary(data: bytes) -> str | None:
    """Why this looks like binary data, or None if it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"binary data ({what}), not a page"
    head = data[:4096]
    if any(head.startswith(b) for b, _ in _BOMS):
        return None
    if b"\x00" in head:
        return "binary data (NUL bytes), not a page"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes), not a page"
    return None


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise InputError for empty, binary or undecodable data."""
    check_size(len(data))
    if not data.strip():
        raise InputError(E.EMPTY, "empty input" if not data else "input holds only whitespace")
    why = sniff_binary(data)
    if why:
        raise InputError(E.BINARY, why)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(data, enc), enc.replace("-sig", "")
    for enc in (declared, declared_charset(data)):
        if enc:
            try:
                return data.decode(enc), codecs.lookup(enc).name
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if _UTF8_MULTIBYTE.search(data):
            # Real UTF-8 sequences beside broken ones: damaged UTF-8, not a legacy charset.
            raise InputError(
                E.UNDECODABLE, f"invalid UTF-8 at byte {err.start} and no declared charset"
            ) from None
    enc = guess_legacy_charset(data[:200_000])
    try:
        return data.decode(enc), codecs.lookup(enc).name
    except UnicodeDecodeError:
        # Latin-1 maps every byte; it is the honest last resort for legacy pages.
        return data.decode("latin-1"), "iso8859-1"


def guess_legacy_charset(data: bytes) -> str:
    """The single-byte charset that reads these bytes best.

    Windows-1252 wins ties: on short texts the guesser cannot tell Western
    from Central European pages, and Western pages are by far the commoner.
    """
    matches = [m for m in from_bytes(data) if m.encoding not in ("ascii", "utf_8")]
    if not matches:
        return "cp1252"
    best = min(m.chaos for m in matches)
    top = max(m.coherence for m in matches if m.chaos <= best + 0.02)
    for m in matches:
        if m.encoding in _WESTERN and m.chaos <= best + 0.02 and m.coherence >= top - 0.05:
            return "cp1252"
    return matches[0].encoding


_WESTERN = {"cp1252", "latin_1", "iso8859_15"}


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as err:
        raise InputError(
            E.UNDECODABLE, f"bytes at {err.start} are not valid {codecs.lookup(enc).name}"
        ) from None
