"""JSON Lines: one article per line, as ``text`` or ``html`` plus metadata fields, or an analysed Document.

A line whose ``schema`` is ``unspin/1`` is a Document as ``unspin analyze
--format jsonl`` writes it (text, metadata, source, layers): it is handed
on whole (``AnalysedLine``), not read again as a new article, so that
ingest can store it as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

from unspin.document import SCHEMA
from unspin.errors import E, InputError

#: Field names accepted for each metadata slot, first match wins.
META_FIELDS = {
    "title": ("title", "headline"),
    "byline": ("byline", "author", "authors"),
    "published": ("published", "date", "publish_date", "published_at", "datePublished"),
    "site": ("site", "sitename", "site_name", "outlet", "source"),
    "url": ("url", "link"),
    "canonical_url": ("canonical_url", "canonical"),
    "language": ("language", "lang"),
}


@dataclass(frozen=True)
class JsonArticle:
    line: int
    body: str
    kind: str  # "html" or "text"
    meta: dict
    extra: dict


@dataclass(frozen=True)
class AnalysedLine:
    """A line holding a whole ``unspin/1`` Document (still to be checked by ``Document.from_json``)."""

    line: int
    record: dict


def articles(raw: str) -> Iterator[JsonArticle | AnalysedLine | tuple[int, InputError]]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as err:
            yield number, InputError(E.BAD_JSONL, f"line {number} is not JSON ({err.msg})")
            continue
        if not isinstance(record, dict):
            yield number, InputError(E.BAD_JSONL, f"line {number} is not a JSON object")
            continue
        if record.get("schema") == SCHEMA:
            yield AnalysedLine(number, record)
            continue
        html, text = record.get("html"), record.get("text")
        if isinstance(html, str) and html.strip():
            body, kind = html, "html"
        elif isinstance(text, str) and text.strip():
            body, kind = text, "text"
        else:
            yield number, InputError(E.BAD_JSONL, f"line {number} has no 'text' or 'html' string")
            continue
        meta, used = {}, {"html", "text"}
        for slot, names in META_FIELDS.items():
            for name in names:
                value = record.get(name)
                if value not in (None, "", []):
                    meta[slot] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                    used.add(name)
                    break
        extra = {k: v for k, v in record.items() if k not in used}
        yield JsonArticle(number, body, kind, meta, extra)
