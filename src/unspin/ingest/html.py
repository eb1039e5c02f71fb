"""Reader for saved HTML pages: main text, metadata, captions, offsets.

Extraction itself lives in ``extract``; this module turns its result into a
Document whose text can be traced back into the page.
"""

from __future__ import annotations

from unspin.document import Document, Furniture, Meta, OffsetMap, Source
from unspin.errors import E, InputError
from unspin.ingest.align import align
from unspin.ingest.extract import extract_article
from unspin.ingest.normalize import normalize_with_runs


def read_html(
    html: str,
    source: Source,
    url: str | None = None,
    fetched: str | None = None,
    extra: dict | None = None,
) -> Document:
    result = extract_article(html, url=url)
    paragraphs = [line.strip() for line in result.text.splitlines() if line.strip()]
    text, _ = normalize_with_runs("\n\n".join(paragraphs))
    if not text.strip():
        raise InputError(E.NO_ARTICLE, "no article text found in the page")
    meta = Meta(
        title=result.title,
        byline=result.byline,
        published=result.published,
        site=result.site,
        url=url or result.canonical_url,
        canonical_url=result.canonical_url,
        description=result.description,
        fetched=fetched,
        extra={**({"declared_language": result.language} if result.language else {}), **(extra or {})},
    )
    furniture = [Furniture("caption", c) for c in result.captions]
    furniture += [Furniture(kind, line) for kind, line in result.removed]
    return Document(
        text=text, meta=meta, source=source, furniture=furniture, offsets=OffsetMap(align(text, html))
    )
