"""The Document: one immutable article text with standoff layers.

Every annotation is a span ``[start, end)`` in code-point offsets of
``Document.text``; nothing is stored as edited text. The page furniture that
was separated from the article is kept, typed and parsed. An ``OffsetMap``
leads from each text offset back to the decoded source, so any span can be
shown in the original file. ``unspin/1`` JSON is the only serialization.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import dataclass, field, fields
from importlib import resources
from typing import Any, Iterable, Iterator, Mapping

from unspin.summary import technique_summary

SCHEMA = "unspin/1"

#: Layer names are a public contract: add new ones, never rename.
LAYERS = (
    "sentences",
    "entities",
    "quantities",
    "dates",
    "events",
    "attributions",
    "modality",
    "techniques",
    "paragraph_techniques",
)


class SpanError(ValueError):
    """A span that does not fit the text it claims to annotate."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    confidence: float = 1.0
    component: str = ""
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "confidence": self.confidence,
            "component": self.component,
        }
        if self.attrs:
            out["attrs"] = dict(self.attrs)
        return out

    @classmethod
    def from_json(cls, data: Mapping) -> "Span":
        return cls(
            start=data["start"],
            end=data["end"],
            label=data["label"],
            confidence=data.get("confidence", 1.0),
            component=data.get("component", ""),
            attrs=dict(data.get("attrs", {})),
        )


@dataclass(frozen=True)
class Furniture:
    """A piece of the page that is not the article (widget, caption, menu...).

    ``source_start``/``source_end`` locate it in the decoded source (or are
    ``None`` where the reader cannot place it, as with HTML captions);
    ``fields`` holds what was parsed out of it.
    """

    kind: str
    text: str
    source_start: int | None = None
    source_end: int | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "text": self.text,
            "source_start": self.source_start,
            "source_end": self.source_end,
            "fields": dict(self.fields),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> "Furniture":
        return cls(
            kind=data["kind"],
            text=data["text"],
            source_start=data.get("source_start"),
            source_end=data.get("source_end"),
            fields=dict(data.get("fields", {})),
        )


@dataclass(frozen=True)
class Meta:
    """What is known about the page besides its text.

    ``url`` is where the input came from (a WARC record's ``WARC-Target-URI``,
    a JSON Lines line's ``url``) and is the document's identity; a page read
    from a file has none, and then the URL it declares stands in.
    ``canonical_url`` is the URL the page declares for itself; it is a claim of
    the page (hostile pages may claim anyone's), so it is kept beside ``url``,
    never in its place.
    """

    title: str | None = None
    byline: str | None = None
    published: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None
    language_confidence: float | None = None
    fetched: str | None = None
    description: str | None = None
    canonical_url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        out["extra"] = dict(self.extra)
        return out

    @classmethod
    def from_json(cls, data: Mapping) -> "Meta":
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known and k != "extra"}
        return cls(**kwargs, extra=dict(data.get("extra", {})))


@dataclass(frozen=True)
class Source:
    """Where the text came from: enough to find and verify the original."""

    name: str
    format: str
    encoding: str | None = None
    sha256: str | None = None
    chars: int | None = None
    record: int | None = None

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping) -> "Source":
        return cls(**{f.name: data.get(f.name) for f in fields(cls)})


class OffsetMap:
    """Maps text offsets to offsets in the decoded source.

    Stored as runs ``(text_start, source_start, length)``: inside a run,
    consecutive text characters come from consecutive source characters.
    Text characters outside every run (a joining newline, say) have no
    source character of their own.
    """

    __slots__ = ("_runs", "_starts")

    def __init__(self, runs: Iterable[tuple[int, int, int]] = ()):
        self._runs = sorted(tuple(r) for r in runs if r[2] > 0)
        self._starts = [r[0] for r in self._runs]
        for (t0, _, n0), (t1, _, _) in zip(self._runs, self._runs[1:]):
            if t0 + n0 > t1:
                raise SpanError(f"offset map runs overlap at text offset {t1}")

    @property
    def runs(self) -> list[tuple[int, int, int]]:
        return list(self._runs)

    def __len__(self) -> int:
        return len(self._runs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OffsetMap) and self._runs == other._runs

    def to_source(self, offset: int) -> int | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        t, s, n = self._runs[i]
        return s + (offset - t) if offset < t + n else None

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source range covering text ``[start, end)``, or None if unmapped."""
        mapped = [self.to_source(i) for i in (start, end - 1)] if end > start else []
        if not mapped or None in mapped:
            return None
        return mapped[0], mapped[1] + 1

    def coverage(self, text_length: int) -> float:
        """Share of text characters that have a source character."""
        return sum(n for _, _, n in self._runs) / text_length if text_length else 1.0


def document_id(url: str | None, text: str) -> str:
    """A stable identity: the URL when known, else the content."""
    basis = ("url:" + url) if url else ("text:" + text)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


class Document:
    """One article. ``text`` cannot be changed; layers can be added."""

    __slots__ = ("_text", "meta", "source", "furniture", "offsets", "_layers", "id", "notes", "cache")

    def __init__(
        self,
        text: str,
        meta: Meta | None = None,
        source: Source | None = None,
        furniture: Iterable[Furniture] = (),
        offsets: OffsetMap | None = None,
        layers: Mapping[str, Iterable[Span]] | None = None,
        id: str | None = None,
        notes: Iterable[Mapping[str, str]] = (),
    ):
        self._text = text
        self.meta = meta or Meta()
        self.source = source or Source(name="<memory>", format="text")
        self.furniture = list(furniture)
        self.offsets = offsets if offsets is not None else OffsetMap([(0, 0, len(text))])
        self._layers: dict[str, tuple[Span, ...]] = {}
        self.id = id or document_id(self.meta.url, text)
        #: What the pipeline wants a reader to know (a layer skipped, and why).
        self.notes: list[dict[str, str]] = [dict(n) for n in notes]
        #: Derived artifacts shared by components (a parse); never serialized.
        self.cache: dict[str, Any] = {}
        for name, spans in (layers or {}).items():
            self.set_layer(name, spans)

    @property
    def text(self) -> str:
        return self._text

    @property
    def layers(self) -> Mapping[str, tuple[Span, ...]]:
        return dict(self._layers)

    def layer(self, name: str) -> tuple[Span, ...]:
        return self._layers.get(name, ())

    def set_layer(self, name: str, spans: Iterable[Span]) -> None:
        """Add or replace a layer; a span outside the text is an error, not snapped."""
        checked = []
        for span in spans:
            if not (0 <= span.start <= span.end <= len(self._text)):
                raise SpanError(
                    f"span [{span.start}, {span.end}) of layer {name!r} "
                    f"does not fit a text of {len(self._text)} characters"
                )
            checked.append(span)
        self._layers[name] = tuple(sorted(checked, key=lambda s: (s.start, s.end, s.label)))

    def note(self, component: str, message: str) -> None:
        self.notes.append({"component": component, "message": message})

    def span_text(self, span: Span) -> str:
        return self._text[span.start : span.end]

    def words(self) -> int:
        return len(self._text.split())

    # serialization -----------------------------------------------------

    def to_json(self) -> dict:
        out = {
            "schema": SCHEMA,
            "id": self.id,
            "text": self._text,
            "meta": self.meta.to_json(),
            "source": self.source.to_json(),
            "furniture": [f.to_json() for f in self.furniture],
            "offsets": [list(r) for r in self.offsets.runs],
            "layers": {
                name: [s.to_json() for s in spans] for name, spans in self._layers.items()
            },
            "notes": [dict(n) for n in self.notes],
        }
        if "techniques" in self._layers:
            # Derived, for readers of the JSON alone; from_json ignores it.
            out["summary"] = {"techniques": technique_summary(self)}
        return out

    def dumps(self, indent: int | None = None) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, data: Mapping) -> "Document":
        """Read a Document; the derived ``summary`` is not read but rebuilt by ``to_json``."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not an {SCHEMA} document (schema={data.get('schema')!r})")
        return cls(
            text=data["text"],
            meta=Meta.from_json(data.get("meta", {})),
            source=Source.from_json(data["source"]),
            furniture=[Furniture.from_json(f) for f in data.get("furniture", [])],
            offsets=OffsetMap(tuple(r) for r in data.get("offsets", [])),
            layers={
                name: [Span.from_json(s) for s in spans]
                for name, spans in data.get("layers", {}).items()
            },
            id=data.get("id"),
            notes=data.get("notes", []),
        )

    @classmethod
    def loads(cls, raw: str) -> "Document":
        return cls.from_json(json.loads(raw))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Document) and self.to_json() == other.to_json()

    def __repr__(self) -> str:
        title = (self.meta.title or "")[:40]
        return f"<Document {self.id} {title!r} {len(self._text)} chars>"


def json_schema() -> dict:
    """The shipped JSON Schema for ``unspin/1``."""
    text = resources.files("unspin.schema").joinpath("unspin-1.schema.json").read_text("utf-8")
    return json.loads(text)


def iter_jsonl(lines: Iterable[str]) -> Iterator[Document]:
    for line in lines:
        if line.strip():
            yield Document.loads(line)
