"""The web app: server-rendered pages over the corpus and a JSON API, read-only.

``create_app(db_url)`` opens the store read-only (``web.readonly``) and
returns a FastAPI app. Pages are Jinja2 templates with autoescaping on for
every template; the only markup built in Python is the search snippet,
from escaped pieces (``views.snippet_markup``). The pages run no script: the
layer toggles are checkboxes and CSS, tooltips are ``title`` attributes, charts
are inline SVG. Every response carries a strict Content-Security-Policy
(``CSP``) that allows nothing but this site's own stylesheet and images.

FastAPI's interactive docs load their script from a CDN, which neither this
CSP nor an offline machine allows: they are switched off, and ``/docs`` is a
plain page generated from the OpenAPI schema, which is served at
``/openapi.json``.
"""

from __future__ import annotations

import math
from contextlib import asynccontextmanager
from importlib import resources
from typing import Literal
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader
from sqlalchemy import Connection
from starlette.exceptions import HTTPException as StarletteHTTPException

from unspin import __version__
from unspin.analyze.technique_definitions import DEFINITIONS, display_name
from unspin.report.paragraphs import with_badges
from unspin.store import links, read, spans
from unspin.store.db import connect
from unspin.store.query import QueryError
from unspin.store.search import search as run_search
from unspin.summary import TECHNIQUE_FLOOR
from unspin.web import charts, export, queries, views
from unspin.web import review as review_pages
from unspin.web.public import public_document
from unspin.web.readonly import open_read_only

#: Sent with every response. No script runs; styles and images come from this site only.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'none'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
PAGE_SIZE = 20
MAX_LIMIT = 100


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response (pages, API, static files, errors)."""

    def __init__(self, app, csp: str = CSP):
        self.app = app
        headers = {**SECURITY_HEADERS, "content-security-policy": csp}
        self.headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in names
                ]
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("unspin.web", "templates"),
        autoescape=True,  # every template, whatever its name
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        version=__version__,
        path_part=views.path_part,
        search_link=views.search_link,
        add_filter=views.add_filter,
        display_name=display_name,
        technique_slug=views.known_slug,
        web_url=views.web_url,
        toggles=views.TOGGLES,
        definitions=DEFINITIONS,
        technique_floor=TECHNIQUE_FLOOR,
        describe_link=links.describe,
        link_marker=links.marker,
        span_layers=spans.SPAN_LAYERS,
    )
    env.filters.update(pct=_pct, num=_num, snippet=views.snippet_markup, clip=views.clip)
    return env


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _num(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


def create_app(db_url: str, review: bool = False) -> FastAPI:
    """The app over the store at ``db_url`` (a --db value), opened read-only; StoreError if it can't be.

    ``review``: also mount the sign-in and review routes (``web.review``), with a second engine, the only one
    that writes, used by those routes alone.
    """
    engine = open_read_only(db_url)
    writer = connect(db_url, migrate=False) if review else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            yield
        finally:
            engine.dispose()
            if writer is not None:
                writer.dispose()

    app = FastAPI(
        title="unspin",
        version=__version__,
        summary="Read-only access to an unspin corpus: search, documents, outlets, entities, stories.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.engine = engine
    def signed_in(request: Request) -> dict:
        """Who is signed in, for the header of every page in review mode."""
        if not review:
            return {}
        if hasattr(request.state, "reviewer"):  # a review route looked it up already
            return {"who": request.state.reviewer}
        with engine.connect() as c:
            return {"who": review_pages.reviewer_of(request, c)}

    templates = Jinja2Templates(env=_environment(), context_processors=[signed_in])
    app.state.templates = templates
    static = resources.files("unspin.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(SecurityHeaders, csp=review_pages.REVIEW_CSP if review else CSP)
    app.state.review = review
    templates.env.globals["review_mode"] = review

    def conn() -> Connection:
        with engine.connect() as connection:
            yield connection

    def page(request: Request, name: str, context: dict, status_code: int = 200):
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def not_found(what: str) -> HTTPException:
        return HTTPException(status_code=404, detail=f"{what} is not in this corpus")

    if review:
        review_pages.mount(app, writer, conn, page)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        detail = exc.detail if exc.status_code == 404 and exc.detail != "Not Found" else None
        return page(request, "error.html", {"status": exc.status_code, "detail": detail}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        problems = [f"{'.'.join(map(str, e.get('loc', ())[1:]))}: {e.get('msg')}" for e in exc.errors()]
        if _is_api(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return page(request, "error.html", {"status": 400, "detail": "; ".join(problems)}, 400)

    # --- pages -----------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def search_page(
        request: Request,
        q: str = "",
        page_number: int = Query(1, alias="page", ge=1),
        sort: Literal["rank", "date"] = "rank",
        c: Connection = Depends(conn),
    ):
        q = q.strip()
        context: dict = {"q": q, "nav": "search", "sort": sort}
        if not q:
            context.update(totals=queries.totals(c), latest=queries.latest(c))
            return page(request, "search.html", context)
        try:
            results = run_search(c, q, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE, facets=True, sort=sort)
        except QueryError as exc:
            context["error"] = _one_line(exc)
            return page(request, "search.html", context, 400)
        pages = max(1, math.ceil(results.total / PAGE_SIZE))
        facets = [
            (
                title,
                key,
                [
                    (value, count, views.add_filter(q, key, value))
                    for value, count in results.facets.get(key, [])
                ],
            )
            for title, key in (
                ("Outlets", "outlet"),
                ("Entities", "entity"),
                (f"Techniques (confidence {TECHNIQUE_FLOOR:g} or more)", "technique"),
                ("Months", "month"),
                ("Languages", "language"),
            )
        ]
        window = range(max(1, page_number - 3), min(pages, page_number + 3) + 1)
        names = queries.outlet_names(c, [value for value, _ in results.facets.get("outlet", [])])
        context.update(
            results=results,
            facets=facets,
            page=page_number,
            pages=pages,
            window=window,
            first=(page_number - 1) * PAGE_SIZE + 1,
            outlet_names=names,
        )
        return page(request, "search.html", context)

    @app.get("/article/{doc_id}", include_in_schema=False)
    def article_page(
        request: Request,
        doc_id: str,
        floor: float = Query(0.0, ge=0.0, le=1.0, allow_inf_nan=False),
        view: Literal["reviewed", "machine"] = "reviewed",
        c: Connection = Depends(conn),
    ):
        found = read.document(c, doc_id)
        if found is None:
            raise not_found(f"Document {doc_id}")
        doc = public_document(found["document"])
        reviewing = review_pages.article_review(c, doc, view) if review else None
        if reviewing and view == "reviewed":
            doc = reviewing["view"]
        related = [x for x in [found["duplicate_of"], *found["duplicates"]] if x]
        shown = views.apply_page_floor(doc, floor)  # first: the highlights and legend follow it
        segments, badges = with_badges(doc, views.segments(doc))  # cut at paragraph ends for their badges
        context = {
            "nav": "search",
            "doc": doc,
            "found": found,
            "shown": shown,
            "floors": views.floor_links(doc.id, floor),
            "segments": segments,
            "badges": badges,
            "legend": views.technique_legend(doc),
            "present": _present_layers(doc),
            "entities": views.entity_panel(doc),
            "events": views.event_panel(doc),
            "attributions": views.attribution_panel(doc),
            "furniture": views.furniture_panel(doc),
            "speculative": sum(1 for s in doc.layer("modality") if s.label == "speculative"),
            "sentences": len(doc.layer("modality")),
            "link": views.web_url(doc.meta.url),
            "canonical_link": views.web_url(doc.meta.canonical_url),
            "related": queries.briefs(c, related),
            "story": queries.story_label(c, found["story"]),
            "reviewing": reviewing,
        }
        return page(request, "article.html", context)

    @app.get("/outlets", include_in_schema=False)
    def outlets_page(request: Request, c: Connection = Depends(conn)):
        return page(request, "outlets.html", {"nav": "outlets", "outlets": read.list_outlets(c)})

    @app.get("/outlet/{domain}", include_in_schema=False)
    def outlet_page(request: Request, domain: str, c: Connection = Depends(conn)):
        profile = read.outlet_profile(c, domain)
        if profile is None:
            raise not_found(f"Outlet {domain}")
        chart = charts.monthly(profile["series"], "articles", "articles")
        return page(request, "outlet.html", {"nav": "outlets", "p": profile, "chart": chart})

    @app.get("/entity/{canonical:path}", include_in_schema=False)
    def entity_page(request: Request, canonical: str, c: Connection = Depends(conn)):
        profile = read.entity_profile(c, canonical)
        if profile is None:
            raise not_found(f"Entity {canonical}")
        chart = charts.monthly(profile["series"], "mentions", "mentions")
        outlets = queries.outlet_names(
            c, [*profile["outlets"], *(d["outlet"] for d in profile["recent"] if d["outlet"])]
        )
        return page(
            request,
            "entity.html",
            {"nav": "search", "p": profile, "f": profile, "chart": chart, "outlet_names": outlets},
        )

    @app.get("/stories", include_in_schema=False)
    def stories_page(request: Request, show: str = "shared", c: Connection = Depends(conn)):
        everything = show == "all"
        found = read.list_stories(c, limit=500, min_size=1 if everything else 2)
        return page(request, "stories.html", {"nav": "stories", "stories": found, "everything": everything})

    @app.get("/story/{pk:int}", include_in_schema=False)
    def story_page(request: Request, pk: int, c: Connection = Depends(conn)):
        found = read.story(c, pk)
        if found is None:
            raise not_found(f"Story {pk}")
        copies = [i for col in found["documents"] for i in col["copies"]]
        return page(
            request, "story.html", {"nav": "stories", "s": found, "copies": queries.briefs(c, copies)}
        )

    @app.get("/docs", include_in_schema=False)
    def docs_page(request: Request):
        return page(request, "docs.html", {"nav": "docs", "endpoints": _endpoints(app.openapi())})

    # --- the JSON API ------------------------------------------------------------------------------

    @app.get("/api/search", tags=["search"], summary="Search the corpus")
    def api_search(
        q: str = Query(..., description="A query in the search syntax (see the search page)."),
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_LIMIT),
        offset: int = Query(0, ge=0),
        facets: bool = True,
        sort: Literal["rank", "date"] = Query("rank", description="rank (best match first) or date (newest first)."),
        c: Connection = Depends(conn),
    ):
        """Documents matching `q` by rank or date, with snippets (matched ranges in `marks`) and facets. A hit that
        an `entity:` filter found only through a corpus-level link lists it in `links` (the filter, the name the
        document `says`, the link `short` → `full` and its `label`)."""
        try:
            results = run_search(c, q, limit=limit, offset=offset, facets=facets, sort=sort)
        except QueryError as exc:
            raise HTTPException(status_code=400, detail=_one_line(exc)) from None
        hits = []
        for h in results.hits:
            snippet, marks = views.snippet_plain(h.snippet)
            hits.append(
                {
                    "id": h.id,
                    "title": h.title,
                    "url": h.url,
                    "outlet": h.outlet,
                    "outlet_name": h.outlet_name,
                    "published": h.published,
                    "language": h.language,
                    "snippet": snippet,
                    "marks": marks,
                    "rank": h.rank,
                    "document": f"/api/documents/{quote(h.id, safe='')}",
                    "links": [{**how, "link": "corpus"} for how in h.links],
                }
            )
        return {
            "query": results.query,
            "total": results.total,
            "limit": limit,
            "offset": offset,
            "hits": hits,
            "facets": {k: [{"value": v, "count": n} for v, n in rows] for k, rows in results.facets.items()},
        }

    @app.get("/api/documents/{doc_id}", tags=["documents"], summary="One document")
    def api_document(doc_id: str, c: Connection = Depends(conn)):
        """The document's `unspin/1` JSON, as `Document.to_json()` gives it, except that `source.name` is the
        source file's name alone, never its path on the server."""
        found = read.document(c, doc_id)
        if found is None:
            raise not_found(f"Document {doc_id}")
        return JSONResponse(public_document(found["document"]).to_json())

    @app.get("/api/outlets", tags=["outlets"], summary="All outlets")
    def api_outlets(c: Connection = Depends(conn)):
        """Every outlet with its number of articles, most first."""
        return read.list_outlets(c)

    @app.get("/api/outlets/{domain}", tags=["outlets"], summary="An outlet's profile")
    def api_outlet(domain: str, c: Connection = Depends(conn)):
        """An outlet's profile: technique mix and density, speculation, vague sourcing, appeals, per month.
        Techniques count the spans at or above `technique_floor` in the articles' own voice; those in words
        they quote are in `quoted_techniques`, and `technique_spans_all` counts every span found."""
        profile = read.outlet_profile(c, domain)
        if profile is None:
            raise not_found(f"Outlet {domain}")
        return profile

    @app.get("/api/entities", tags=["entities"], summary="All entities")
    @app.get("/api/entities/", include_in_schema=False)
    def api_entities(
        type: str | None = Query(
            None, description="Only entities of this type (spaCy's label: PERSON, ORG, GPE, LOC, NORP...; any case); "
            "their counts are then of the mentions of that type."
        ),
        limit: int = Query(50, ge=1, le=1000),
        offset: int = Query(0, ge=0),
        c: Connection = Depends(conn),
    ):
        """The corpus's entities by canonical name, named in the most documents first, a page at a time: each with
        `mentions`, `documents` (how many name it), its mentions per type, and `profile` (its API path); `total`
        counts every entity that matches, and `types` lists the types in the corpus with their number of entities.
        Corpus-level links: `linked` lists the short names linked to an entity (each with its counts and
        `"link": "corpus"`); a short name has `linked_to` (the full name), or `ambiguous` when several compete."""
        found = read.list_entities(c, type.strip() if type and type.strip() else None, limit, offset)
        for entity in found["entities"]:
            entity["profile"] = f"/api/entities/{quote(entity['canonical'], safe='')}"
        return found

    @app.get("/api/entities/{canonical:path}", tags=["entities"], summary="An entity's profile")
    def api_entity(canonical: str, c: Connection = Depends(conn)):
        """Where an entity (by canonical name) is named: mentions per month, outlets, entities beside it, and
        the outlet figures (technique mix, speculation, sourcing, appeals) over the documents naming it,
        techniques counted as for an outlet (at or above `technique_floor`, own voice and quoted apart).
        Documents that give only a short name linked to it across the corpus count too and are listed with
        `linked_from`; `linked`, `linked_documents` and `linked_mentions` say what the links add, `link_of`
        what this name is linked to (or competed for by) as a short name, `contested` the short names that
        could be it but are not linked because another longer name competes."""
        profile = read.entity_profile(c, canonical)
        if profile is None:
            raise not_found(f"Entity {canonical}")
        return profile

    @app.get("/api/stories", tags=["stories"], summary="Stories")
    def api_stories(
        limit: int = Query(100, ge=1, le=1000), min_size: int = Query(2, ge=1), c: Connection = Depends(conn)
    ):
        """Stories (articles about the same event), largest first."""
        return read.list_stories(c, limit=limit, min_size=min_size)

    @app.get("/api/stories/{pk}", tags=["stories"], summary="One story across outlets")
    def api_story(pk: int, c: Connection = Depends(conn)):
        """One story across outlets: per original document, what it alone names and gives, and its tone:
        technique spans at or above `technique_floor`, its own (`techniques`) and quoted ones with their
        `speaker` (`quoted_techniques`)."""
        found = read.story(c, pk)
        if found is None:
            raise not_found(f"Story {pk}")
        return found

    def _export(q: str | None, body, media_type: str, filename: str) -> StreamingResponse:
        try:
            stream = export.chunks(engine, q.strip() if q else None)
        except QueryError as exc:
            raise HTTPException(status_code=400, detail=_one_line(exc)) from None
        return StreamingResponse(
            body(stream),
            media_type=media_type,
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )

    export_q = Query(
        None, description="Export the documents matching this query; without it, every document."
    )

    @app.get("/api/export.jsonl", tags=["export"], summary="Export as JSON Lines")
    def api_export_jsonl(q: str | None = export_q):
        """Every matching document's full `unspin/1` JSON, one per line, streamed."""
        return _export(q, export.jsonl, "application/x-ndjson", "unspin-export.jsonl")

    @app.get("/api/export.csv", tags=["export"], summary="Export as CSV")
    def api_export_csv(q: str | None = export_q):
        """Flat columns of every matching document, streamed: id, url, outlet, title, published, language,
        words, technique_spans, speculative, story, duplicate_of (the original's id for a near-duplicate)."""
        return _export(q, export.csv_bytes, "text/csv; charset=utf-8", "unspin-export.csv")

    @app.get("/api/export.parquet", tags=["export"], summary="Export as Parquet")
    def api_export_parquet(q: str | None = export_q):
        """The CSV's columns as Parquet, one row group per chunk, streamed."""
        return _export(q, export.parquet, "application/vnd.apache.parquet", "unspin-export.parquet")

    span_q = Query(None, description="Export the spans of the documents matching this query; without it, of all.")
    span_layer = Query(..., description="The layer: " + ", ".join(spans.SPAN_LAYERS) + ".")

    def _span_export(q: str | None, layer: str, body, media_type: str, suffix: str) -> StreamingResponse:
        try:
            chunks = spans.span_chunks(engine, q.strip() if q and q.strip() else None, layer)
        except (QueryError, spans.LayerError) as exc:
            raise HTTPException(status_code=400, detail=_one_line(exc)) from None
        return StreamingResponse(
            body(chunks),
            media_type=media_type,
            headers={"content-disposition": f'attachment; filename="unspin-{layer}.{suffix}"'},
        )

    @app.get("/api/export/spans.csv", tags=["export"], summary="Export one layer's spans as CSV")
    def api_export_spans_csv(layer: str = span_layer, q: str | None = span_q):
        """One row per span of `layer` in every matching document, streamed: document_id, url, outlet,
        published, language, layer, start, end, text, label, confidence, component, attrs (JSON)."""
        return _span_export(q, layer, spans.csv_bytes, "text/csv; charset=utf-8", "csv")

    @app.get("/api/export/spans.parquet", tags=["export"], summary="Export one layer's spans as Parquet")
    def api_export_spans_parquet(layer: str = span_layer, q: str | None = span_q):
        """The span CSV's columns as Parquet, one row group per chunk of documents, streamed."""
        return _span_export(q, layer, spans.parquet_bytes, "application/vnd.apache.parquet", "parquet")

    return app


def _one_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or ["the query cannot be searched"])[0]


def _present_layers(doc) -> set[str]:
    present = {
        name for name in ("techniques", "entities", "quantities", "dates", "attributions") if doc.layer(name)
    }
    if any(s.label == "speculative" for s in doc.layer("modality")):
        present.add("speculative")
    return present


def _endpoints(schema: dict) -> list[dict]:
    """The API's routes from its OpenAPI schema, for the /docs page."""
    out = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": p.get("schema", {}).get("type")
                    or "/".join(
                        s.get("type", "")
                        for s in p.get("schema", {}).get("anyOf", [])
                        if s.get("type") != "null"
                    ),
                    "default": p.get("schema", {}).get("default"),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "tag": (op.get("tags") or [""])[0],
                }
            )
    return out
