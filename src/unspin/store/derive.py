"""What the store keeps flat about a Document, derived from its layers and metadata.

Pure functions of one Document: the flat columns and side-table rows that
make outlet profiles, facets and filters plain SQL. They are recomputed, not
edited, if the Document changes.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from unspin.analyze.voice import voices
from unspin.document import Document
from unspin.summary import OWN, QUOTED, TECHNIQUE_FLOOR

#: Furniture kinds that ask the reader for money or support.
APPEAL_KINDS = frozenset({"fundraising", "call_to_action"})


def outlet_of(doc: Document) -> tuple[str, str] | None:
    """(domain, display name): the host of the page's URL without ``www.``, named by the page when it says."""
    url = doc.meta.url
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    if host.startswith("www."):
        host = host[4:]
    name = (doc.meta.site or "").strip() or host
    return host[:255], name


def published_date(doc: Document) -> datetime.date | None:
    value = doc.meta.published or doc.meta.extra.get("published_override")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def content_sha256(doc: Document) -> str:
    return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def flat_counts(doc: Document) -> dict[str, int]:
    """The per-document counts behind outlet profiles."""
    modality = doc.layer("modality")
    attributions = doc.layer("attributions")
    return {
        "words": doc.words(),
        "sentences": len(doc.layer("sentences")) or len(modality),
        "speculative": sum(1 for s in modality if s.label == "speculative"),
        "attributions": len(attributions),
        "vague_attributions": sum(1 for s in attributions if (s.attrs or {}).get("vague")),
        "technique_spans": len(doc.layer("techniques")),
        "appeals": sum(1 for f in doc.furniture if f.kind in APPEAL_KINDS),
    }


def entity_counts(doc: Document) -> dict[tuple[str, str], int]:
    """(canonical name, label) → mentions; an entity with no canonical name counts under its text."""
    counts: Counter[tuple[str, str]] = Counter()
    for span in doc.layer("entities"):
        name = str((span.attrs or {}).get("canonical") or doc.span_text(span)).strip()
        if name:
            counts[(name[:255], span.label[:32])] += 1
    return dict(counts)


@dataclass(frozen=True)
class TechniqueCount:
    """One technique in one document, as ``technique_counts`` keeps it."""

    #: every span of the technique, at any confidence, in any voice
    count: int
    max_confidence: float
    #: spans at or above the floor in the article's own voice, and in words it quotes
    own: int = 0
    quoted: int = 0


def technique_counts(doc: Document, floor: float = TECHNIQUE_FLOOR) -> dict[str, TechniqueCount]:
    """technique → its spans, highest confidence, and the spans at or above ``floor`` by voice.

    The voice is the span's own ``attrs.voice``; a span from before voices were told apart is
    placed by ``unspin.analyze.voice`` from the document's attributions layer.
    """
    spans = doc.layer("techniques")
    out: dict[str, TechniqueCount] = {}
    for span, said in zip(spans, voices(doc, spans)):
        was = out.get(span.label, TechniqueCount(0, 0.0))
        confidence = float(span.confidence or 0.0)
        counted = confidence >= floor
        out[span.label] = TechniqueCount(
            was.count + 1,
            max(was.max_confidence, confidence),
            was.own + (counted and said["voice"] == OWN),
            was.quoted + (counted and said["voice"] == QUOTED),
        )
    return out
