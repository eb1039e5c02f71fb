"""Bytes to text as a browser would read them, or a clear reason why not.

Order of evidence, as in the WHATWG Encoding Standard that browsers follow:
a byte-order mark, then a charset the page declares (the HTTP header a WARC
record carries, then ``<meta charset>`` or ``http-equiv``), then strict
UTF-8, then detection among the legacy encodings a browser can detect
(charset-normalizer). Bytes that still do not decode are replaced, not a
reason to refuse the page, and every repair is said in the Document's notes.
Two kinds of data are refused: binary data (sniffed before any of this) and
damaged UTF-8, where the bytes that are not UTF-8 do not read as letters of
words in any legacy charset. A page that is mostly UTF-8 with a few
Latin-1 letters (a common result of pasting between systems) is read, each
stray letter decoded as windows-1252.
"""

from __future__ import annotations

import codecs
import re
from contextvars import ContextVar
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Decoded:
    text: str
    #: Python's name of the codec used (``utf-8``, ``cp1252``, ``iso8859-2``...).
    encoding: str
    #: What was repaired or guessed, one sentence each, for the Document's notes.
    repairs: tuple[str, ...] = ()


#: Labels that browsers read as another encoding (WHATWG Encoding Standard):
#: a page declaring Latin-1 or ASCII is read as windows-1252.
_BROWSER_ALIASES = {"latin_1": "cp1252", "ascii": "cp1252", "iso8859_9": "cp1254", "tis_620": "cp874"}
#: The legacy encodings a browser's detector chooses among (as chardetng
#: does), most common on the web first: rare ISO variants that decode the
#: same bytes differently (ISO-8859-10 for a Polish page) are never guessed.
_DETECTABLE = [
    "cp1252", "iso8859_2", "cp1250", "cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "cp1253",
    "iso8859_7", "cp1254", "cp1255", "iso8859_8", "cp1256", "cp1257", "cp1258", "cp874",
    "shift_jis", "euc_jp", "euc_kr", "gb18030", "big5",
]
#: Marks that join words in windows-1252 text (apostrophes, quotes, dashes, no-break space).
_JOINING_MARKS = set("’‘“”„–—…•€£°§\xa0´")


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a page; raise InputError for empty, binary or damaged data.

    ``declared`` is the charset of the transport (a WARC record's HTTP
    ``Content-Type``), which a browser trusts over the page's own ``<meta>``.
    """
    check_size(len(data))
    if not data.strip():
        raise InputError(E.EMPTY, "empty input" if not data else "input holds only whitespace")
    why = sniff_binary(data)
    if why:
        raise InputError(E.BINARY, why)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _with_replacement(data[len(bom):], _bom_codec(bom, enc), "byte-order mark")
    for enc, where in ((declared, "HTTP header"), (declared_charset(data), "page")):
        codec = _codec(enc) if enc else None
        if codec is None:
            continue
        if where == "page" and codec.startswith(("utf-16", "utf-32")):
            codec = "utf-8"  # a page that could declare it in ASCII is not UTF-16 (browsers read it as UTF-8)
        if codec == "utf-8":
            try:
                return Decoded(data.decode("utf-8"), "utf-8")
            except UnicodeDecodeError as err:
                # Declared text: what is neither UTF-8 nor a stray Latin-1 letter is replaced, not refused.
                return _mixed(data, err, f"declared utf-8 in the {where}", refuse=False)
        return _with_replacement(data, codec, f"declared in the {where}")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        if _UTF8_MULTIBYTE.search(data):
            return _mixed(data, err, "no charset declared")
    enc = guess_legacy_charset(data[:200_000])
    decoded = _with_replacement(data, enc, "detected")
    return Decoded(
        decoded.text,
        decoded.encoding,
        (f"decoded as {_web_name(decoded.encoding)} (detected; no charset declared)", *decoded.repairs),
    )


def guess_legacy_charset(data: bytes) -> str:
    """The legacy encoding a browser's detector would pick for these bytes.

    windows-1252 wins ties: when it reads the bytes about as well as the best
    guess (on a short French or German page the guesser cannot tell Western
    from Baltic or Central European), since Western pages are by far the
    commoner. A Polish page in ISO-8859-2 reads as nonsense in windows-1252
    ("±" and "¶" inside words) and is not a tie.
    """
    matches = [m for m in from_bytes(data, cp_isolation=_DETECTABLE) if m.encoding not in ("ascii", "utf_8")]
    if not matches:
        return "cp1252"
    best = min(m.chaos for m in matches)
    top = max(m.coherence for m in matches if m.chaos <= best + 0.02)
    for m in matches:
        if "cp1252" in m.could_be_from_charset and m.chaos <= best + 0.02 and m.coherence >= top - 0.05:
            return "cp1252"
    return matches[0].encoding


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    key = name.replace("-", "_")
    return _BROWSER_ALIASES.get(key, name)


def _bom_codec(bom: bytes, enc: str) -> str:
    if enc == "utf-8-sig":
        return "utf-8"
    little = bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE)
    return f"{enc}-{'le' if little else 'be'}"


def _web_name(codec: str) -> str:
    """The name a browser shows for a codec (windows-1250, iso-8859-2, shift_jis)."""
    name = codecs.lookup(codec).name
    if name.startswith("cp12"):
        return "windows-" + name[2:]
    if name.startswith("iso8859"):
        return "iso-" + name[3:]
    return name


def _with_replacement(data: bytes, codec: str, why: str) -> Decoded:
    """Decode with ``codec``, each undecodable byte becoming U+FFFD, and say how many."""
    text, bad = _decode_repairing(data, codec, lambda chunk, before, after: "\ufffd" * len(chunk))
    repairs = (f"replaced {_bytes(bad)} undecodable in {_web_name(codec)} ({why})",) if bad else ()
    return Decoded(text, codecs.lookup(codec).name, repairs)


def _bytes(n: int) -> str:
    return f"{n} byte{'s' if n != 1 else ''}"


#: The repair of the decode running in this context (see ``_decode_repairing``).
_REPAIR: ContextVar = ContextVar("unspin_decode_repair")


def _dispatch(err: UnicodeDecodeError) -> tuple[str, int]:
    return _REPAIR.get()(err), err.end


codecs.register_error("unspin.repair", _dispatch)


def _decode_repairing(data: bytes, codec: str, repair) -> tuple[str, int]:
    """Decode in one pass; ``repair(chunk, before, after)`` gives the text for each undecodable chunk.

    ``before`` and ``after`` are the decodable text on either side (a few
    characters), so a repair can judge a stray byte by the word it sits in.
    Returns the text and the number of bytes repaired.
    """
    bad = 0

    def on_error(err: UnicodeDecodeError) -> str:
        nonlocal bad
        chunk = err.object[err.start : err.end]
        bad += len(chunk)
        before = err.object[max(0, err.start - 4) : err.start].decode(codec, errors="ignore")
        after = err.object[err.end : err.end + 4].decode(codec, errors="ignore")
        return repair(chunk, before, after)

    token = _REPAIR.set(on_error)
    try:
        return data.decode(codec, errors="unspin.repair"), bad
    finally:
        _REPAIR.reset(token)


def _mixed(data: bytes, first: UnicodeDecodeError, why: str, refuse: bool = True) -> Decoded:
    """UTF-8 with stray bytes: read them as windows-1252 when they are letters of words, else refuse.

    A stray byte that decodes in windows-1252 to a letter or a typographic
    mark, in a run of stray bytes that touches a letter or digit, is the trace
    of a second charset ("M\\xfcnchen"). When at least half the stray bytes are
    such traces the page is read, the others replaced; otherwise it is
    damaged UTF-8 (or not text at all) and refused, unless the page declared
    UTF-8 (``refuse=False``), which a browser would show with replacements.
    """
    letters = 0

    def repair(chunk: bytes, before: str, after: str) -> str:
        nonlocal letters
        touches_word = before[-1:].isalnum() or after[:1].isalnum()
        out = []
        for char in chunk.decode("cp1252", errors="replace"):
            if touches_word and (char.isalpha() or char in _JOINING_MARKS):
                letters += 1
                out.append(char)
            else:
                out.append("\ufffd")
        return "".join(out)

    text, bad = _decode_repairing(data, "utf-8", repair)
    if refuse and letters * 2 < bad:
        raise InputError(
            E.UNDECODABLE, f"invalid UTF-8 at byte {first.start} that reads as no other charset ({why})"
        )
    repairs = [f"read as utf-8 with {_bytes(letters)} decoded as windows-1252 (mixed encodings; {why})"] if letters else []
    if bad > letters:
        repairs.append(f"replaced {_bytes(bad - letters)} undecodable in utf-8 ({why})")
    return Decoded(text, "utf-8", tuple(repairs))
