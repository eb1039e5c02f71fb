"""brat standoff: per document its text (``.txt``) and its reviewed marks (``.ann``), and the way back.

Each span of the span layers becomes a text-bound annotation
``T<n><TAB><type> <start> <end><TAB><words>`` in code-point offsets of the
``.txt``. brat keeps one line per annotation, so a span that crosses a line
break is written as fragments (``s1 e1;s2 e2``) that leave the breaks out.
A review note, and a canonical name that differs from the words, become the
span's ``AnnotatorNotes``. brat type names cannot hold spaces or commas
(PTC's ``Name_Calling,Labeling``), so other characters become ``_``;
``annotation.conf`` groups the types by layer and ``visual.conf`` shows each
type with its real label, which is also how an import gets the label back.

Import reads such a folder after an annotator worked on it in brat: each
``.ann`` is the whole truth for the layers brat shows, compared with the
machine's marks of the same document (``unspin.review.compare``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from unspin.document import Document, Span
from unspin.eval.techniques import TECHNIQUES
from unspin.review.compare import Kept
from unspin.review.pairs import Pair, canonical, note
from unspin.review.records import MAX_NOTE, Mark
from unspin.review.view import reviewed

#: The layers written, in this order (the others are per sentence or per paragraph, not marks on words).
BRAT_LAYERS = ("entities", "techniques", "events", "quantities", "dates")
ORIGIN = "brat"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")
CANONICAL = "canonical: "
#: The longest label the store keeps.
MAX_LABEL = 64


class BratError(ValueError):
    """A brat file that cannot be read back; the message says where and why."""


def brat_type(label: str) -> str:
    """A label as a brat type name: letters, digits, ``_`` and ``-`` only."""
    return _UNSAFE.sub("_", label.strip()) or "_"


@dataclass
class Names:
    """The brat type of each (layer, label) in one export: safe, and distinct for distinct labels. Every
    technique class is there from the start, so an annotator can add one the machine missed."""

    types: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label in TECHNIQUES:
            self.of("techniques", label)

    def of(self, layer: str, label: str) -> str:
        if (layer, label) not in self.types:
            taken = set(self.types.values())
            base = name = brat_type(label)
            number = 2
            while name in taken:
                name, number = f"{base}_{number}", number + 1
            self.types[(layer, label)] = name
        return self.types[(layer, label)]


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks, the breaks left out."""
    out, at = [], start
    for brk in _BREAK.finditer(text, start, end):
        out.append((at, brk.start()))
        at = brk.end()
    out.append((at, end))
    return [(a, b) for a, b in out if a < b] or [(start, end)]


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _said(doc: Document, span: Span) -> str:
    parts = []
    name = canonical(span)
    if name and name != doc.span_text(span):
        parts.append(CANONICAL + name)
    if note(span):
        parts.append(note(span))
    return _one_line(" | ".join(parts))


def annotations(doc: Document, names: Names) -> str:
    """The ``.ann`` of a (reviewed) document."""
    lines: list[str] = []
    number = notes = 0
    for layer in BRAT_LAYERS:
        for span in doc.layer(layer):
            if span.end <= span.start:
                continue
            number += 1
            pieces = fragments(doc.text, span.start, span.end)
            where = ";".join(f"{a} {b}" for a, b in pieces)
            words = " ".join(doc.text[a:b] for a, b in pieces)
            lines.append(f"T{number}\t{names.of(layer, span.label)} {where}\t{words}")
            said = _said(doc, span)
            if said:
                notes += 1
                lines.append(f"#{notes}\tAnnotatorNotes T{number}\t{said}")
    return "".join(line + "\n" for line in lines)


def documents(pairs: Iterable[Pair], names: Names) -> Iterator[tuple[str, str, str]]:
    """(document id, ``.txt``, ``.ann``) of each document's reviewed view; the types used go in ``names``."""
    for doc, reviews in pairs:
        yield doc.id, doc.text, annotations(reviewed(doc, reviews), names)


def annotation_conf(names: Names) -> str:
    """The annotation.conf for the types named: grouped under their layer, overlaps allowed (a technique may
    cover an entity)."""
    lines = ["# written by unspin reviews export --format brat", "[entities]"]
    for layer in BRAT_LAYERS:
        kinds = sorted(t for (name, _), t in names.types.items() if name == layer)
        if kinds:
            lines.append(f"!{layer}")
            lines.extend(f"\t{kind}" for kind in kinds)
    lines += ["[relations]", "<OVERLAP> Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "[events]", "[attributes]"]
    return "\n".join(lines) + "\n"


def visual_conf(names: Names) -> str:
    """The visual.conf: each type shown as its real label (``Name_Calling_Labeling | Name_Calling,Labeling``)."""
    lines = ["# written by unspin reviews export --format brat", "[labels]"]
    lines += [f"{kind} | {_one_line(label).replace('|', '/')}" for (_, label), kind in sorted(names.types.items())]
    return "\n".join(lines + ["[drawing]"]) + "\n"


# --- import ---------------------------------------------------------------------------------------------


def read_conf(annotation: str = "", visual: str = "") -> dict[str, tuple[str | None, str | None]]:
    """type -> (layer, label) from the two configuration files, as far as they say."""
    out: dict[str, list] = {}
    section, group = "", None
    for raw in annotation.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("<") else raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("["):
            section, group = line.strip(), None
            continue
        if section != "[entities]":
            continue
        if not line[0].isspace():
            group = line[1:] if line.startswith("!") and line[1:] in BRAT_LAYERS else None
            if not line.startswith("!"):
                out.setdefault(line.strip(), [None, None])
        elif group:
            out.setdefault(line.strip(), [None, None])[0] = group
    in_labels = False
    for raw in visual.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_labels = line == "[labels]"
            continue
        if in_labels and "|" in line and not line.startswith("#"):
            kind, label = (part.strip() for part in line.split("|")[:2])
            if kind and label:
                out.setdefault(kind, [None, None])[1] = label
    return {kind: (layer, label) for kind, (layer, label) in out.items()}


@dataclass
class Bound:
    kind: str
    start: int
    end: int


def parse_ann(ann: str, text: str, where: str) -> tuple[dict[str, Bound], dict[str, str], int]:
    """The text-bound annotations (id -> Bound), the notes (id -> note) and how many other lines were skipped.

    brat's own check: the words of every ``T`` line must be the text at its
    offsets (fragments joined by a space).
    """
    bounds: dict[str, Bound] = {}
    notes: dict[str, str] = {}
    skipped = 0
    for number, line in enumerate(ann.splitlines(), 1):
        if not line.strip():
            continue
        here = f"{where}:{number}"
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) != 3 or " " not in parts[1]:
                raise BratError(f"{here}: not a text-bound line ('T1<TAB>Type start end<TAB>words')")
            kind, _, offsets = parts[1].partition(" ")
            pieces = []
            for piece in offsets.split(";"):
                numbers = piece.split()
                if len(numbers) != 2 or not all(n.isdigit() for n in numbers):
                    raise BratError(f"{here}: {offsets!r} are not offsets ('start end', fragments joined by ';')")
                a, b = int(numbers[0]), int(numbers[1])
                if not 0 <= a < b <= len(text):
                    raise BratError(f"{here}: {a} {b} is not a span of the text ({len(text)} characters)")
                pieces.append((a, b))
            if " ".join(text[a:b] for a, b in pieces) != parts[2]:
                raise BratError(f"{here}: offsets {offsets} do not hold the words it quotes ({parts[2][:40]!r})")
            bounds[parts[0]] = Bound(kind, pieces[0][0], pieces[-1][1])
        elif line.startswith("#"):
            parts = line.split("\t")
            head = parts[1].split() if len(parts) == 3 else []
            if len(head) == 2 and head[0] == "AnnotatorNotes":
                notes[head[1]] = parts[2]
            else:
                skipped += 1
        else:
            skipped += 1  # relations, events, attributes, normalizations: unspin has no layer for them
    return bounds, notes, skipped


def _known(machine: Document, extra_labels: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """layer -> {brat type: label} for the labels the layer is known to use."""
    out: dict[str, dict[str, str]] = {}
    for layer in BRAT_LAYERS:
        labels = [s.label for s in machine.layer(layer)] + list(extra_labels.get(layer, ()))
        if layer == "techniques":
            labels += list(TECHNIQUES)
        for label in labels:
            out.setdefault(layer, {}).setdefault(brat_type(label), label)
    return out


def marks(machine: Document, ann: str, conf: Mapping[str, tuple[str | None, str | None]], where: str,
          extra_labels: Mapping[str, Iterable[str]] = {}) -> tuple[dict[str, Kept], int]:
    """The marks an ``.ann`` keeps, per layer, each with its note; and the lines skipped.

    A type's layer and label come from the configuration files when they say
    them, else from the labels the layer is known to use (the machine's, the
    reviews', the technique classes); a type no layer knows is an error.
    """
    bounds, notes, skipped = parse_ann(ann, machine.text, where)
    known = _known(machine, extra_labels)
    out: dict[str, Kept] = {}
    for ident, bound in bounds.items():
        layer, label = conf.get(bound.kind, (None, None))
        if layer is None:
            layers = [name for name, types in known.items() if bound.kind in types]
            if len(layers) != 1:
                raise BratError(f"{where}: type {bound.kind!r} of {ident}: "
                                + ("no layer uses it" if not layers else f"several layers use it ({', '.join(layers)})")
                                + " and annotation.conf does not say which")
            layer = layers[0]
        label = label or known.get(layer, {}).get(bound.kind, bound.kind)
        if len(label) > MAX_LABEL:
            raise BratError(f"{where}: the label of {ident} is longer than {MAX_LABEL} characters")
        said = notes.get(ident, "")
        name = None
        if said.startswith(CANONICAL):
            name, _, said = said[len(CANONICAL):].partition(" | ")
        out.setdefault(layer, []).append((Mark(bound.start, bound.end, label, name or None), said[:MAX_NOTE]))
    return out, skipped
