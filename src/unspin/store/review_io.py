"""Reviews in and out of the store: the pairs the exporters and the scorer read, and a Label Studio import.

The formats themselves are pure modules in ``unspin.review``; this module
only reads the store for them and writes what an import made, all of it in
one transaction, so a file with one bad task records nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Callable

from sqlalchemy import Connection, Engine, select

from unspin.document import Document
from unspin.review.labelstudio import Imported, LabelStudioError, find_document, import_task
from unspin.review.pairs import Pair
from unspin.store.reviews import document_status, mark_document, reviewed_ids, reviews_of, write_reviews
from unspin.store.tables import documents


def document_ids(conn: Connection, every: bool) -> list[str]:
    """The documents to export: those with reviews or a whole-document mark, or with ``every`` all, in store order."""
    if not every:
        return reviewed_ids(conn)
    return list(conn.execute(select(documents.c.id).order_by(documents.c.pk)).scalars())


def marked_reviewed(conn: Connection, ids: list[str]) -> set[str]:
    """Of ``ids``, those whose latest whole-document mark says reviewed."""
    return {doc_id for doc_id in ids if (status := document_status(conn, doc_id)) and status["reviewed"]}


def pairs(conn: Connection, ids: list[str]) -> Iterator[Pair]:
    """(machine Document, its reviews) for each of ``ids`` still stored."""
    for doc_id in ids:
        raw = conn.execute(select(documents.c.document).where(documents.c.id == doc_id)).scalar()
        if raw is not None:
            yield Document.loads(raw), reviews_of(conn, doc_id)


def _lookup(conn: Connection, item: Mapping) -> tuple[dict[str, Document], dict[str, Document]]:
    """The stored documents a task may name: by its ``data.id``, and by the digest of its text."""
    data = item["data"]
    by_id, by_text = {}, {}
    if data.get("id") is not None:
        raw = conn.execute(select(documents.c.document).where(documents.c.id == str(data["id"]))).scalar()
        if raw is not None:
            by_id[str(data["id"])] = Document.loads(raw)
    digest = hashlib.sha256(data["text"].encode("utf-8")).hexdigest()
    raw = conn.execute(
        select(documents.c.document).where(documents.c.content_sha256 == digest).order_by(documents.c.pk).limit(1)
    ).scalar()
    if raw is not None:
        by_text[data["text"]] = Document.loads(raw)
    return by_id, by_text


def import_labelstudio(engine: Engine, items: list[dict], reviewer: str | None = None,
                       advance: Callable[[], None] = lambda: None) -> list[Imported]:
    """Record what each task's latest submitted annotation says, as reviews; all or nothing.

    A task whose document is not in the store, or whose marks do not fit its
    text, is a LabelStudioError naming the task, and nothing is written. A
    task with a submitted annotation also marks its document reviewed (the
    annotator went through all of it), unless it already is.
    """
    from unspin.review.records import check

    out = []
    with engine.begin() as conn:
        for number, item in enumerate(items, 1):
            where = f"task {number}" + (f" (id {item['id']})" if item.get("id") is not None else "")
            doc = find_document(item, *_lookup(conn, item), where)
            one = import_task(item, doc, reviews_of(conn, doc.id), where, reviewer)
            for review in one.reviews:
                try:
                    check(review, len(doc.text))
                except ValueError as exc:
                    raise LabelStudioError(f"{where}: {exc}") from None
            write_reviews(conn, one.reviews)
            if not one.skipped:
                status = document_status(conn, doc.id)
                if not (status and status["reviewed"]):
                    mark_document(conn, doc.id, True, one.reviewer)
            out.append(one)
            advance()
    return out
