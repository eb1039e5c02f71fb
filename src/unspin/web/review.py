"""Review mode (``unspin serve --review``): sign in, review any span of any layer, mark a document reviewed.

Only this module writes, and only in review mode; plain ``unspin serve`` does
not mount it and keeps its read-only store. Every write is a form POST that
needs a live session (an HttpOnly, SameSite=Strict cookie whose token the
store keeps only as a hash) and that session's CSRF token in the form; the
sign-in form has its own CSRF token in a short-lived cookie of the same
kind. Pages work without script: spans are named by offsets in hidden
fields, and a span to add by its quoted words and which occurrence. The one
script (``/static/review.js``, allowed by the review CSP as 'self') only
fills those words in from a selection.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from urllib.parse import quote
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, Engine

from unspin.document import Document, Span
from unspin.review import brat, labelstudio
from unspin.review.quote import QuoteError, locate
from unspin.review.records import (
    REVIEW_LAYERS, SPAN_REVIEW_LAYERS, Mark, Review, ReviewError, check, furniture_mark, latest,
)
from unspin.review.score import score
from unspin.review.view import differences, mark_of, reviewed
from unspin.store import read
from unspin.store import review_io
from unspin.store import reviews as store
from unspin.web.public import public_document

SESSION_COOKIE = "unspin_session"
LOGIN_COOKIE = "unspin_login"
#: script-src 'self' for review.js alone; everything else as strict as the read-only app's.
REVIEW_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Reviewer:
    name: str
    csrf: str


def _cookie(response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def target_of(span: Span) -> Mark:
    """The mark a review of this shown span is about: the machine's span it came from, or the added span."""
    stamp = (span.attrs or {}).get("review") or {}
    if stamp.get("machine"):
        start, end, label = stamp["machine"]
        return Mark(start, end, label, stamp.get("machine_canonical"))
    return mark_of(span)


def review_rows(machine: Document, view: Document, layer: str, counted: dict) -> list[dict]:
    """The rows of the review table: every span of the reviewed view, and the machine's rejected ones."""
    rows = []
    for span in view.layer(layer):
        stamp = (span.attrs or {}).get("review")
        rows.append({"span": span, "text": view.span_text(span), "target": target_of(span),
                     "status": stamp["verdict"] if stamp else "machine", "stamp": stamp})
    for span in machine.layer(layer):
        review = counted.get((layer, mark_of(span).key))
        if review is not None and review.after is None:
            rows.append({"span": span, "text": machine.span_text(span), "target": mark_of(span),
                         "status": "reject", "stamp": {"reviewer": review.reviewer, "note": review.note,
                                                       "at": review.at.isoformat()}})
    return sorted(rows, key=lambda r: (r["span"].start, r["span"].end, r["span"].label))


def furniture_rows(machine: Document, counted: dict) -> list[dict]:
    rows = []
    for index, piece in enumerate(machine.furniture):
        target = furniture_mark(index, piece.kind)
        review = counted.get(("furniture", target.key))
        label = review.after.label if review and review.after else piece.kind
        rows.append({"index": index, "text": piece.text, "label": label, "target": target,
                     "status": review.verdict if review else "machine",
                     "stamp": {"reviewer": review.reviewer, "note": review.note} if review else None})
    return rows


def reviewer_of(request: Request, c: Connection) -> Reviewer | None:
    """Who the request's session cookie signs in, looked up once per request (routes and page header share it)."""
    if not hasattr(request.state, "reviewer"):
        found = store.session(c, request.cookies.get(SESSION_COOKIE))
        request.state.reviewer = Reviewer(*found) if found else None
    return request.state.reviewer


def article_review(c: Connection, machine: Document, view: str) -> dict:
    """What the article page shows in review mode: the reviewed view and how it differs from the machine's."""
    made = store.reviews_of(c, machine.id)
    after = reviewed(machine, made)
    return {
        "view": after, "showing": view, "count": len(made),
        "differences": differences(machine, after, SPAN_REVIEW_LAYERS),
        "status": store.document_status(c, machine.id),
    }


def mount(app: FastAPI, writer: Engine, conn: Callable, page: Callable) -> None:
    """Add the sign-in and review routes to ``app``; ``writer`` is the one engine allowed to write."""

    def signed_in(request: Request, c: Connection = Depends(conn)) -> Reviewer | None:
        return reviewer_of(request, c)

    def must_write(request: Request, csrf: str, who: Reviewer | None) -> Reviewer:
        if who is None:
            raise HTTPException(401, "sign in to review")
        if not csrf or not secrets.compare_digest(csrf, who.csrf):
            raise HTTPException(403, "this form is not from this session (its CSRF token is missing or wrong)")
        return who

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/", who: Reviewer | None = Depends(signed_in)):
        token = secrets.token_urlsafe(32)
        response = page(request, "login.html", {"nav": "login", "csrf": token, "next": _local(next), "who": who})
        _cookie(response, request, LOGIN_COOKIE, token, 600)
        return response

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form(""),
              next: str = Form("/")):
        expected = request.cookies.get(LOGIN_COOKIE) or ""
        if not csrf or not expected or not secrets.compare_digest(csrf, expected):
            raise HTTPException(403, "this sign-in form has expired or is not from this site: load it again")
        name = name.strip()[:64]
        with writer.begin() as c:
            locked = store.locked_out(c, name)
            made = None if locked else store.sign_in(c, name, password)
        if made is None:
            minutes = int(store.LOCKOUT.total_seconds() // 60)
            error, status = (
                (f"too many failed sign-ins for this name: wait {minutes} minutes", 429)
                if locked else ("wrong name or password", 401)
            )
            token = secrets.token_urlsafe(32)
            response = page(request, "login.html",
                            {"nav": "login", "csrf": token, "next": _local(next), "error": error, "name": name},
                            status)
            _cookie(response, request, LOGIN_COOKIE, token, 600)
            return response
        response = _see_other(_local(next))
        _cookie(response, request, SESSION_COOKIE, made[0], int(store.SESSION_LIFETIME.total_seconds()))
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form(""), who: Reviewer | None = Depends(signed_in)):
        must_write(request, csrf, who)
        with writer.begin() as c:
            store.sign_out(c, request.cookies.get(SESSION_COOKIE))
        response = _see_other("/login?signed_out=1")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def machine_document(c: Connection, doc_id: str) -> Document:
        found = read.document(c, doc_id)
        if found is None:
            raise HTTPException(404, f"Document {doc_id} is not in this corpus")
        return public_document(found["document"])

    @app.get("/article/{doc_id}/review", include_in_schema=False)
    def review_page(request: Request, doc_id: str, layer: str = Query("techniques"),
                    c: Connection = Depends(conn), who: Reviewer | None = Depends(signed_in)):
        if who is None:
            return _see_other(f"/login?next=/article/{doc_id}/review")
        if layer not in REVIEW_LAYERS:
            raise HTTPException(400, f"{layer!r} is not a layer that can be reviewed ({', '.join(REVIEW_LAYERS)})")
        machine = machine_document(c, doc_id)
        made = store.reviews_of(c, doc_id)
        counted = latest(made)
        view = reviewed(machine, made)
        context = {
            "nav": "search", "doc": machine, "view": view, "who": who, "layer": layer, "layers": REVIEW_LAYERS,
            "rows": furniture_rows(machine, counted) if layer == "furniture" else
            review_rows(machine, view, layer, counted),
            "labels": sorted({s.label for s in machine.layer(layer)} | {s.label for s in view.layer(layer)}),
            "differences": differences(machine, view, SPAN_REVIEW_LAYERS),
            "status": store.document_status(c, doc_id), "history": made[-20:][::-1], "count": len(made),
            "problem": request.query_params.get("problem"),
        }
        return page(request, "review.html", context)

    def back(doc_id: str, layer: str, problem: str | None = None) -> RedirectResponse:
        url = f"/article/{doc_id}/review?layer={layer}"
        if problem:
            url += "&problem=" + quote(problem[:300])
        return _see_other(url)

    def record(c: Connection, doc: Document, review: Review) -> None:
        store.write_review(c, check(review, len(doc.text)))

    @app.post("/article/{doc_id}/review", include_in_schema=False)
    def review_span(
        request: Request, doc_id: str,
        csrf: str = Form(""), layer: str = Form(...), action: Literal["accept", "reject", "change"] = Form(...),
        target_start: int = Form(...), target_end: int = Form(...), target_label: str = Form(...),
        target_canonical: str = Form(""),
        label: str = Form(""), canonical: str = Form(""), start: int | None = Form(None), end: int | None = Form(None),
        note: str = Form(""), who: Reviewer | None = Depends(signed_in),
    ):
        """Accept the span as shown, reject it, or change it (label, canonical name, boundaries)."""
        reviewer = must_write(request, csrf, who)
        target = Mark(target_start, target_end, target_label, target_canonical or None)
        after = None if action == "reject" else Mark(
            target_start if start is None else start, target_end if end is None else end,
            label.strip() or target_label, canonical.strip() or target.canonical,
        )
        with writer.begin() as c:
            doc = machine_document(c, doc_id)
            try:
                record(c, doc, Review(doc_id, layer, target, after, reviewer.name, store.now(), note.strip()))
            except ReviewError as exc:
                return back(doc_id, layer, str(exc))
        return back(doc_id, layer)

    @app.post("/article/{doc_id}/add", include_in_schema=False)
    def add_span(
        request: Request, doc_id: str,
        csrf: str = Form(""), layer: str = Form(...), label: str = Form(""), canonical: str = Form(""),
        exact: str = Form(""), prefix: str = Form(""), suffix: str = Form(""), occurrence: str = Form(""),
        note: str = Form(""), who: Reviewer | None = Depends(signed_in),
    ):
        """Add a span the machine missed, named by its words (and which occurrence, or the words around it)."""
        reviewer = must_write(request, csrf, who)
        if occurrence.strip() and not occurrence.strip().isdigit():
            return back(doc_id, layer, "the occurrence is a number (1 for the first)")
        with writer.begin() as c:
            doc = machine_document(c, doc_id)
            try:
                start, end = locate(doc.text, exact, prefix, suffix, int(occurrence) if occurrence.strip() else None)
                if not label.strip():
                    raise ReviewError("give the new span a label")
                after = Mark(start, end, label.strip(), canonical.strip() or None)
                record(c, doc, Review(doc_id, layer, None, after, reviewer.name, store.now(), note.strip()))
            except (QuoteError, ReviewError) as exc:
                return back(doc_id, layer, str(exc))
        return back(doc_id, layer)

    def signed_in_only(who: Reviewer | None, what: str) -> Reviewer:
        if who is None:
            raise HTTPException(401, f"sign in to {what} the reviews")
        return who

    @app.get("/reviews", include_in_schema=False)
    def reviews_page(request: Request, c: Connection = Depends(conn), who: Reviewer | None = Depends(signed_in)):
        """The reviewed documents, the machine scored against them, and the exports."""
        if who is None:
            return _see_other("/login?next=/reviews")
        found, marked = reviewed_pairs(c)
        rows = [{"doc": doc, "reviews": len(made), "marked": doc.id in marked,
                 "differences": len(differences(doc, reviewed(doc, made), SPAN_REVIEW_LAYERS))}
                for doc, made in found]
        return page(request, "reviews.html", {"nav": "reviews", "rows": rows, "scores": score(found, marked)})

    @app.get("/reviews/export/labelstudio.json", include_in_schema=False)
    def export_labelstudio(c: Connection = Depends(conn), who: Reviewer | None = Depends(signed_in)):
        signed_in_only(who, "export")
        made = labelstudio.tasks(*reviewed_pairs(c))
        return _download(json.dumps(made, ensure_ascii=False, indent=1).encode("utf-8"), "application/json",
                         "unspin-reviews.json")

    @app.get("/reviews/export/labelstudio.label_config.xml", include_in_schema=False)
    def export_labelstudio_config(c: Connection = Depends(conn), who: Reviewer | None = Depends(signed_in)):
        signed_in_only(who, "export")
        made = labelstudio.tasks(*reviewed_pairs(c))
        return _download(labelstudio.labeling_config(made).encode("utf-8"), "application/xml",
                         "unspin-reviews.label_config.xml")

    @app.get("/reviews/export/brat.zip", include_in_schema=False)
    def export_brat(c: Connection = Depends(conn), who: Reviewer | None = Depends(signed_in)):
        signed_in_only(who, "export")
        names = brat.Names()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for doc_id, text, ann in brat.documents(reviewed_pairs(c)[0], names):
                archive.writestr(f"unspin-reviews/{doc_id}.txt", text)
                archive.writestr(f"unspin-reviews/{doc_id}.ann", ann)
            archive.writestr("unspin-reviews/annotation.conf", brat.annotation_conf(names))
            archive.writestr("unspin-reviews/visual.conf", brat.visual_conf(names))
        return _download(buffer.getvalue(), "application/zip", "unspin-reviews-brat.zip")

    @app.post("/article/{doc_id}/mark", include_in_schema=False)
    def mark_document(request: Request, doc_id: str, csrf: str = Form(""),
                      reviewed_flag: str = Form("1", alias="reviewed"), layer: str = Form("techniques"),
                      who: Reviewer | None = Depends(signed_in)):
        reviewer = must_write(request, csrf, who)
        with writer.begin() as c:
            machine_document(c, doc_id)
            store.mark_document(c, doc_id, reviewed_flag == "1", reviewer.name)
        return back(doc_id, layer if layer in REVIEW_LAYERS else "techniques")


def reviewed_pairs(c: Connection) -> tuple[list, set[str]]:
    """The reviewed documents as (machine Document, reviews) pairs, and the ids of those marked reviewed."""
    ids = review_io.document_ids(c, False)
    return list(review_io.pairs(c, ids)), review_io.marked_reviewed(c, ids)


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'})


def _local(target: str) -> str:
    """Where to go after signing in: a path on this site only (never //host or a scheme)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
