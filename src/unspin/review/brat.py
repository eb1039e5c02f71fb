"""brat standoff: per document its text (``.txt``) and its reviewed marks (``.ann``), and one annotation.conf.

Each span of the span layers becomes a text-bound annotation
``T<n><TAB><type> <start> <end><TAB><words>`` in code-point offsets of the
``.txt``. brat keeps one line per annotation, so a span that crosses a line
break is written as fragments (``s1 e1;s2 e2``) that leave the breaks out.
A review note, and a canonical name that differs from the words, become the
span's ``AnnotatorNotes``. brat type names cannot hold spaces or commas
(PTC's ``Name_Calling,Labeling``), so other characters become ``_``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from unspin.document import Document, Span
from unspin.review.pairs import Pair, canonical, note
from unspin.review.view import reviewed

#: The layers written, in this order (the others are per sentence or per paragraph, not marks on words).
BRAT_LAYERS = ("entities", "techniques", "events", "quantities", "dates")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")


def brat_type(label: str) -> str:
    """A label as a brat type name: letters, digits, ``_`` and ``-`` only."""
    return _UNSAFE.sub("_", label.strip()) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks, the breaks and the fragments' edge spaces left out."""
    out = []
    at = start
    for brk in _BREAK.finditer(text, start, end):
        out.append((at, brk.start()))
        at = brk.end()
    out.append((at, end))
    trimmed = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed or [(start, end)]


def _one_line(value: str) -> str:
    return " ".join(value.split())


def annotations(doc: Document) -> tuple[str, dict[str, set[str]]]:
    """The ``.ann`` of a (reviewed) document, and the brat types it used per layer."""
    lines: list[str] = []
    used: dict[str, set[str]] = {}
    number = notes = 0
    for layer in BRAT_LAYERS:
        for span in doc.layer(layer):
            if span.end <= span.start:
                continue
            number += 1
            kind = brat_type(span.label)
            used.setdefault(layer, set()).add(kind)
            pieces = fragments(doc.text, span.start, span.end)
            where = ";".join(f"{a} {b}" for a, b in pieces)
            words = " ".join(doc.text[a:b] for a, b in pieces)
            lines.append(f"T{number}\t{kind} {where}\t{words}")
            said = _said(doc, span)
            if said:
                notes += 1
                lines.append(f"#{notes}\tAnnotatorNotes T{number}\t{said}")
    return "".join(line + "\n" for line in lines), used


def _said(doc: Document, span: Span) -> str:
    parts = []
    name = canonical(span)
    if name and name != doc.span_text(span):
        parts.append(f"canonical: {name}")
    if note(span):
        parts.append(note(span))
    return _one_line(" | ".join(parts))


def documents(pairs: Iterable[Pair], used: dict[str, set[str]]) -> Iterator[tuple[str, str, str]]:
    """(document id, ``.txt``, ``.ann``) of each document's reviewed view; the types used are added to ``used``."""
    for doc, reviews in pairs:
        ann, types = annotations(reviewed(doc, reviews))
        for layer, kinds in types.items():
            used.setdefault(layer, set()).update(kinds)
        yield doc.id, doc.text, ann


def annotation_conf(used: dict[str, set[str]]) -> str:
    """The annotation.conf for the types used: grouped under their layer, overlaps allowed (a technique may
    cover an entity)."""
    lines = ["# written by unspin reviews export --format brat", "[entities]"]
    seen: set[str] = set()
    for layer in BRAT_LAYERS:
        kinds = sorted(used.get(layer, set()) - seen)
        if kinds:
            lines.append(f"!{layer}")
            lines.extend(f"\t{kind}" for kind in kinds)
            seen.update(kinds)
    lines += ["[relations]", "<OVERLAP> Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "[events]", "[attributes]"]
    return "\n".join(lines) + "\n"
