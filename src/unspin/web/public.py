"""What the web app shows of where a document came from: the source file's name, not its server path.

A document read by ``unspin ingest /srv/crawls/2026/page.html`` records that
path in ``source.name``, which is right for the analyst's own terminal and
wrong for a web page anyone may read: it tells a visitor how the server's
file system is laid out. The pages, the API and the exports show the last
part of the path instead. URLs (a Spark run reading ``https://`` or ``s3://``
inputs) name no local file and are shown as they are; ``-`` (standard
input) stays ``-``.
"""

from __future__ import annotations

import json
import ntpath
import posixpath

from unspin.document import Document


def source_name(name: str | None) -> str | None:
    """The file's name alone: ``/srv/crawls/page.html`` and ``C:\\data\\page.html`` give ``page.html``."""
    if not name or "://" in name:
        return name
    return ntpath.basename(posixpath.basename(name.rstrip("/\\"))) or name


def public_document(doc: Document) -> Document:
    """``doc`` with its source named by file name only (the stored document is left as it is)."""
    shown = source_name(doc.source.name)
    if shown == doc.source.name:
        return doc
    data = doc.to_json()
    data["source"]["name"] = shown
    return Document.from_json(data)


def public_json(stored: str) -> str:
    """A stored ``unspin/1`` JSON string with its source named by file name only (unchanged when it is)."""
    data = json.loads(stored)
    source = data.get("source") or {}
    shown = source_name(source.get("name"))
    if shown == source.get("name"):
        return stored
    source["name"] = shown
    return json.dumps(data, ensure_ascii=False)
