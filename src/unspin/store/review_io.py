"""Reviews in and out of the store: the pairs the exporters and the scorer read, and a Label Studio import.

The formats themselves are pure modules in ``unspin.review``; this module
only reads the store for them and writes what an import made, all of it in
one transaction, so a file with one bad task records nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Callable

from sqlalchemy import Connection, Engine, select

from unspin.document import Document
from unspin.review.compare import Imported
from unspin.review.labelstudio import LabelStudioError, find_document, import_task
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
    task whose submitted annotation speaks about unspin's layers also marks
    its document reviewed (the annotator went through all of it), unless it
    already is.
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


def import_brat(engine: Engine, folder: Path, anns: list[Path], reviewer: str | None = None,
                advance: Callable[[], None] = lambda: None) -> list[Imported]:
    """Record what each ``ID.ann`` of a brat folder says, as reviews of the layers brat shows; all or nothing.

    The document is the stored one of that id, else the one whose text is the
    ``ID.txt`` beside it; either way its text must be that file's. The reviews
    are dated when the ``.ann`` was last saved and recorded as ``brat`` (or
    ``reviewer``).
    """
    from unspin.review import brat
    from unspin.review.compare import new_only, reviews_from
    from unspin.review.records import check

    conf = brat.read_conf(*(_read(folder / name) for name in ("annotation.conf", "visual.conf")))
    name = (reviewer or brat.ORIGIN)[:64]
    out = []
    with engine.begin() as conn:
        for ann in anns:
            txt = ann.with_suffix(".txt")
            try:
                text, notes = txt.read_text(encoding="utf-8"), ann.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise brat.BratError(f"{txt if not txt.exists() else ann}: cannot be read ({exc})") from None
            by_id, by_text = _lookup(conn, {"data": {"id": ann.stem, "text": text}})
            doc = by_id.get(ann.stem) or by_text.get(text)
            if doc is None:
                raise brat.BratError(f"{ann}: no document in the store has its id or the text of {txt.name}")
            if doc.text != text:
                raise brat.BratError(f"{txt}: not the text of document {doc.id} in the store")
            existing = reviews_of(conn, doc.id)
            labels: dict[str, set[str]] = {}
            for review in existing:
                for mark in (review.target, review.after):
                    if mark is not None:
                        labels.setdefault(review.layer, set()).add(mark.label)
            kept, skipped = brat.marks(doc, notes, conf, str(ann), labels)
            at = datetime.datetime.fromtimestamp(ann.stat().st_mtime, datetime.timezone.utc)
            made = reviews_from(doc, existing, kept, brat.BRAT_LAYERS, name, at, brat.ORIGIN)
            for review in made:
                try:
                    check(review, len(doc.text))
                except ValueError as exc:
                    raise brat.BratError(f"{ann}: {exc}") from None
            fresh = new_only(made, existing)
            write_reviews(conn, fresh)
            out.append(Imported(doc.id, fresh, len(made) - len(fresh), ignored=skipped, reviewer=name,
                                layers=len(brat.BRAT_LAYERS)))
            advance()
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
