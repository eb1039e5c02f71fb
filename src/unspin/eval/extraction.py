"""Run an article extractor over the ScrapingHub article-extraction benchmark.

Layout expected (as in the upstream repository): ``<dir>/html/<id>.html.gz``
(gzip, UTF-8) and ``<dir>/ground-truth.json`` = ``{id: {"articleBody", "url"}}``.
Only the extraction calls are timed, so page loading and scoring do not
count against an extractor's speed.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unspin.eval.shingles import PageCounts, Scores, aggregate, page_counts

Page = tuple[str, str, str, str | None]  # (id, html, gold text, url)
Extractor = Callable[[str, "str | None"], str]


@dataclass(frozen=True)
class PageResult:
    id: str
    url: str | None
    counts: PageCounts
    seconds: float


def load_benchmark(directory: str | Path) -> list[Page]:
    """All pages of the benchmark, sorted by id; ValueError if the layout is wrong."""
    root = Path(directory)
    truth_path, html_dir = root / "ground-truth.json", root / "html"
    if not root.is_dir():
        raise ValueError(f"benchmark directory {root} does not exist")
    if not truth_path.is_file():
        raise ValueError(f"{truth_path} is missing: not an article-extraction benchmark layout")
    if not html_dir.is_dir():
        raise ValueError(f"{html_dir} is missing: expected html/<id>.html.gz files")
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{truth_path} is not valid JSON: {exc}") from exc
    if not isinstance(truth, dict) or not truth:
        raise ValueError(f"{truth_path} must be a non-empty object of id -> entry")

    pages: list[Page] = []
    for page_id in sorted(truth):
        entry = truth[page_id]
        if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
            raise ValueError(f"ground truth for {page_id} has no 'articleBody' string")
        html_path = html_dir / f"{page_id}.html.gz"
        if not html_path.is_file():
            raise ValueError(f"ground truth names {page_id} but {html_path} is missing")
        try:
            html = gzip.decompress(html_path.read_bytes()).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise ValueError(f"{html_path} is not gzip-compressed UTF-8: {exc}") from exc
        pages.append((page_id, html, entry["articleBody"], entry.get("url")))
    return pages


def evaluate(
    pages: list[Page], extractor: Extractor
) -> tuple[Scores, float, list[PageResult]]:
    """Score ``extractor`` on ``pages``: (scores, pages per second, per-page results)."""
    results: list[PageResult] = []
    total = 0.0
    for page_id, html, gold, url in pages:
        start = time.perf_counter()
        predicted = extractor(html, url) or ""
        elapsed = time.perf_counter() - start
        total += elapsed
        results.append(PageResult(page_id, url, page_counts(gold, predicted), elapsed))
    speed = len(pages) / total if total > 0 else float("inf")
    return aggregate([r.counts for r in results]), speed, results


def trafilatura_baseline(html: str, url: str | None = None) -> str:
    """The reference call unspin has to beat: plain trafilatura, precision mode."""
    import trafilatura

    return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False) or ""


def unspin_extractor(html: str, url: str | None = None) -> str:
    """What ``unspin analyze`` makes of the page: the full reading path, reduced to the text.

    Decoding, extraction, offset alignment and language identification all
    run, so the speed printed is the speed a user gets.
    """
    from unspin.errors import Failure
    from unspin.ingest import read_bytes

    for item in read_bytes(url or "page", html.encode("utf-8"), format="html"):
        return "" if isinstance(item, Failure) else item.text
    return ""


WARMUP_PAGES = 3


def run_comparison(directory: str | Path) -> list[dict]:
    """unspin and trafilatura on the same pages in one run, each warmed up first."""
    pages = load_benchmark(directory)
    rows = []
    for name, extractor in (("trafilatura 2.3 (favor_precision)", trafilatura_baseline), ("unspin", unspin_extractor)):
        for _, html, _, url in pages[:WARMUP_PAGES]:
            extractor(html, url)
        scores, speed, _ = evaluate(pages, extractor)
        rows.append(
            {
                "system": name,
                "precision": scores.precision,
                "recall": scores.recall,
                "f1": scores.f1,
                "pages": scores.pages,
                "pages_per_second": speed,
            }
        )
    return rows
