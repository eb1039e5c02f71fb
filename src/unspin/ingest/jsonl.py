"""JSON Lines: one article per line, as ``text`` or ``html`` plus metadata fields, or an analysed Document.

A file holding one JSON object written over several lines (as scrapers and
datasets keep one article per file) is read as one such record, and a file
holding one JSON array of such objects (an export) as one record per item;
``source.record`` is then the item's place in the array, from 1. The body
may also come under the names other tools give it (``body``, ``content``,
``maintext``...), or as a list of paragraphs (BASIL's ``body-paragraphs``,
a list of paragraphs each a list of sentences).

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


#: Field names that may hold the article as plain text, after ``text``; first match wins.
TEXT_FIELDS = ("text", "body", "content", "maintext", "article", "article_text", "full_text")
#: Field names that may hold the article as a list of paragraphs (each a string or a list of sentences).
PARAGRAPH_FIELDS = ("paragraphs", "body-paragraphs", "body_paragraphs")


@dataclass(frozen=True)
class JsonArticle:
    line: int
    body: str
    kind: str  # "html", "text" or "paragraphs" (see ``body_of``)
    meta: dict
    extra: dict


@dataclass(frozen=True)
class AnalysedLine:
    """A line holding a whole ``unspin/1`` Document (still to be checked by ``Document.from_json``)."""

    line: int
    record: dict


def records(raw: str) -> Iterator[tuple[int, dict | InputError]]:
    """(line number, record) for each line; (1, record) for a file that is one object over several
    lines; (n, record) for the n-th object of a file that is one JSON array of objects (an export)."""
    stripped = raw.strip()
    if stripped.startswith("[") or stripped.startswith("{") and "\n" in stripped:
        try:
            whole = json.loads(stripped)
        except ValueError as err:
            if stripped.startswith("["):
                yield 1, InputError(E.BAD_JSONL, f"not a whole JSON array ({err.msg} at line {err.lineno})")
                return
            whole = None
        if isinstance(whole, dict):
            yield 1, whole
            return
        if isinstance(whole, list):
            for number, record in enumerate(whole, start=1):
                yield (number, record) if isinstance(record, dict) else \
                    (number, InputError(E.BAD_JSONL, f"item {number} of the array is not a JSON object"))
            return
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
        yield number, record


def paragraphs_text(value) -> str | None:
    """A list of paragraphs as text: paragraphs apart by a blank line, a paragraph's sentences by a space."""
    if not isinstance(value, list):
        return None
    out = []
    for paragraph in value:
        if isinstance(paragraph, list):
            paragraph = " ".join(s.strip() for s in paragraph if isinstance(s, str) and s.strip())
        if isinstance(paragraph, str) and paragraph.strip():
            out.append(paragraph.strip())
    return "\n\n".join(out) or None


def body_of(record: dict) -> tuple[str, str, str] | None:
    """(body, how to read it, the field it came from), or None when no field holds an article. How:
    "html" (a page), "text" (a scrape, its furniture still to be set aside) or "paragraphs" (the
    article alone, as a dataset gives it)."""
    html = record.get("html")
    if isinstance(html, str) and html.strip():
        return html, "html", "html"
    for name in TEXT_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value, "text", name
    for name in PARAGRAPH_FIELDS:
        text = paragraphs_text(record.get(name))
        if text:
            return text, "paragraphs", name
    return None


def articles(raw: str) -> Iterator[JsonArticle | AnalysedLine | tuple[int, InputError]]:
    for number, record in records(raw):
        if isinstance(record, InputError):
            yield number, record
            continue
        if record.get("schema") == SCHEMA:
            yield AnalysedLine(number, record)
            continue
        found = body_of(record)
        if found is None:
            names = ", ".join(repr(n) for n in ("html", *TEXT_FIELDS, *PARAGRAPH_FIELDS))
            yield number, InputError(E.BAD_JSONL, f"line {number} holds no article: none of {names} is there")
            continue
        body, kind, field_name = found
        meta, used = {}, {"html", "text", field_name}
        for slot, names in META_FIELDS.items():
            for name in names:
                value = record.get(name)
                if value not in (None, "", []):
                    meta[slot] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                    used.add(name)
                    break
        extra = {k: v for k, v in record.items() if k not in used}
        yield JsonArticle(number, body, kind, meta, extra)
