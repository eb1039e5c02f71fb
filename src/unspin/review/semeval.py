"""The SemEval-2020 Task 11 four-column format for the reviewed technique spans, and the articles they index.

Rows are ``article_id<TAB>technique<TAB>start<TAB>end`` in code points of
``article<ID>.txt``, read verbatim; ``unspin.eval.techniques`` reads them
back (``read_labels``, ``read_articles``), so a reviewed corpus can be scored
or trained on as PTC is. Only the task's fourteen classes fit the format:
a span a reviewer labelled otherwise is counted and left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from unspin.eval.techniques import ARTICLE_PREFIX, ARTICLE_SUFFIX, TECHNIQUES, Labelled, format_label_line
from unspin.review.pairs import Pair
from unspin.review.view import reviewed

LABELS_FILE = "techniques.labels"
ARTICLES = "articles"


@dataclass
class Article:
    article_id: str
    text: str
    spans: list[Labelled]
    left_out: int  # spans whose label is not one of the task's classes


def articles(pairs: Iterable[Pair]) -> Iterator[Article]:
    """Each document's reviewed ``techniques`` layer as task rows, under the document's id."""
    for doc, reviews in pairs:
        view = reviewed(doc, reviews)
        spans = [s for s in view.layer("techniques") if s.end > s.start]
        kept = [Labelled(doc.id, s.label, s.start, s.end) for s in spans if s.label in TECHNIQUES]
        yield Article(doc.id, doc.text, kept, len(spans) - len(kept))


def file_name(article_id: str) -> str:
    return f"{ARTICLE_PREFIX}{article_id}{ARTICLE_SUFFIX}"


def rows(article: Article) -> str:
    return "".join(format_label_line(span) for span in article.spans)
