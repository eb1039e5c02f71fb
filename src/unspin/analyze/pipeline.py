"""The pipeline: ordered components, each reading a Document and adding one layer.

Components declare the layers they need and the one they make, as spaCy's
do, and a pipeline is checked before it runs, so a missing prerequisite is
an error at start-up rather than an empty layer in the output.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Callable, Iterable, Sequence

from unspin.analyze import languages, limits
from unspin.document import Document, Span

ComponentFunc = Callable[[Document], Iterable[Span]]


class PipelineError(ValueError):
    """A pipeline that cannot run as defined."""


class SkipLayer(Exception):
    """Raised by a component that cannot work on this document (another language, say).

    The layer is left out and the reason is kept in ``Document.notes``, so the
    output says why instead of showing an empty layer.
    """


@dataclass(frozen=True)
class Component:
    name: str
    func: ComponentFunc
    assigns: str
    requires: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> Document:
        if any(layer not in doc.layers for layer in self.requires):
            doc.note(self.name, f"skipped: needs the {', '.join(self.requires)} layer(s), which are missing")
            return doc
        try:
            spans = [_stamp(s, self.name) for s in islice(self.func(doc), limits.MAX_SPANS + 1)]
        except SkipLayer as why:
            doc.note(self.name, f"skipped: {why}")
            return doc
        if len(spans) > limits.MAX_SPANS:
            spans = spans[: limits.MAX_SPANS]
            doc.note(self.name, f"capped: the layer keeps the first {limits.MAX_SPANS:,} spans it found; "
                                "the rest were not kept")
        doc.set_layer(self.assigns, spans)
        return doc


def _stamp(span: Span, name: str) -> Span:
    if span.component:
        return span
    return Span(span.start, span.end, span.label, span.confidence, name, span.attrs)


class Registry:
    """Named components; the built-in ones register themselves on import."""

    def __init__(self) -> None:
        self._components: dict[str, Component] = {}

    def component(self, name: str, assigns: str, requires: Sequence[str] = ()):
        def register(func: ComponentFunc) -> ComponentFunc:
            if name in self._components:
                raise PipelineError(f"component {name!r} is registered twice")
            self._components[name] = Component(name, func, assigns, tuple(requires))
            return func

        return register

    def get(self, name: str) -> Component:
        try:
            return self._components[name]
        except KeyError:
            known = ", ".join(sorted(self._components)) or "none"
            raise PipelineError(f"no component named {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return sorted(self._components)


registry = Registry()

#: The one pipeline definition: component names in the order they run.
#: Analysis components join this list as they land.
PIPELINE: tuple[str, ...] = (
    "sentences",
    "entities",
    "quantities",
    "dates",
    "attributions",
    "modality",
    "events",
    "techniques",
    "paragraph_techniques",
)


def build(names: Sequence[str] = PIPELINE, reg: Registry = registry) -> list[Component]:
    """Resolve and check a pipeline: every required layer is made by an earlier component."""
    components = [reg.get(n) for n in names]
    made: set[str] = set()
    for c in components:
        missing = [layer for layer in c.requires if layer not in made]
        if missing:
            raise PipelineError(
                f"component {c.name!r} needs layer(s) {', '.join(missing)} "
                "which no earlier component assigns"
            )
        made.add(c.assigns)
    return components


def run(doc: Document, components: Sequence[Component]) -> Document:
    """Run the components over the Document, or over its first ``limits.ANALYSIS_CHARS`` characters.

    A longer text is analysed as a Document of its head (cut at a line or
    sentence end), whose layers then become the whole Document's: the head
    starts at 0, so every span's offsets are already those of the whole text.
    A text in a language the layers do not read gets one note saying so, and
    no layer.
    """
    if not languages.is_analysed(doc.meta.language):
        doc.note("pipeline", languages.english_only_note(doc.meta.language))
        return doc
    cut, where = limits.cut_point(doc.text, limits.ANALYSIS_CHARS)
    if cut >= len(doc.text):
        for c in components:
            c(doc)
        return doc
    head = Document(doc.text[:cut], doc.meta, doc.source, doc.furniture, doc.offsets, doc.layers, id=doc.id)
    for c in components:
        c(head)
    for name, spans in head.layers.items():
        doc.set_layer(name, spans)
    doc.note("pipeline", f"the text has {len(doc.text):,} characters: the analysis layers cover the first "
                         f"{cut:,} (cut at {where}); the rest is kept in the text but not analysed")
    doc.notes.extend(head.notes)
    return doc
