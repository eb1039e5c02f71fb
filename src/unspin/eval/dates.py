"""Score the ``dates`` layer against date expressions annotated by hand in public articles.

The gold (``handmade/dates_polnear.json``, its ``about`` says how it was
made) keeps only file names relative to the shared data folder, each
article's publication date, and for every date expression its character
offsets and ISO 8601 value; the text is read from the shared folder, so no
sentence of it is copied here. Every date expression of an annotated article
is in the gold, so precision is counted over whole articles.

Each article is analysed as ``unspin analyze`` reads a page with a known
publication date: ``meta.published`` is the reference for relative dates.

- A gold expression is **found** when a predicted date span overlaps it.
- **Precision**: the share of predicted spans that overlap a gold expression.
  A predicted ``time`` span (a clock time) that overlaps none is left out,
  because the gold leaves clock times out by its rules.
- **Value accuracy** of found ones: the value of the predicted span that
  overlaps the gold one most equals the gold value exactly (a gold null is
  matched by a null). **End to end**: right values over all gold expressions.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from unspin.eval.parts import side_by_side

#: The parts, the untouched one first.
PARTS = ("test", "tune")


@dataclass(frozen=True)
class GoldDate:
    start: int
    end: int
    value: str | None


@dataclass(frozen=True)
class Article:
    file: str
    published: str
    text: str
    dates: tuple[GoldDate, ...]


def packaged_gold() -> Path:
    """The gold shipped with unspin."""
    return Path(str(resources.files("unspin") / "eval" / "handmade" / "dates_polnear.json"))


def load_gold(gold: str | Path, shared: str | Path) -> tuple[dict, list[Article]]:
    """The gold file's parts and its articles, each with its text read from ``shared``; ValueError when it does not fit."""
    gold, shared = Path(gold), Path(shared)
    if not shared.is_dir():
        raise ValueError(f"{shared} is not a folder (give the shared data folder)")
    try:
        data = json.loads(gold.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the dates gold {gold}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{gold} is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list) or not data["documents"]:
        raise ValueError(f"{gold} has no list of documents")
    articles = [_article(entry, number, shared, gold) for number, entry in enumerate(data["documents"], 1)]
    names = {a.file for a in articles}
    if len(names) != len(articles):
        raise ValueError(f"{gold}: a file is annotated twice")
    parts = data.get("parts") or {}
    for part, members in parts.items():
        unknown = sorted(set(members) - names)
        if unknown:
            raise ValueError(f"{gold}: part {part!r} names {unknown[0]}, which has no annotations")
    return {p: frozenset(m) for p, m in parts.items()}, articles


def _article(entry: dict, number: int, shared: Path, gold: Path) -> Article:
    where = f"{gold}: document {number}"
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise ValueError(f"{where} has no file name")
    path = shared / entry["file"]
    if not path.is_file():
        raise ValueError(f"{where}: {entry['file']} is not in {shared}")
    text = path.read_text(encoding="utf-8")
    published = entry.get("published")
    if not isinstance(published, str) or len(published) < 10:
        raise ValueError(f"{where} ({entry['file']}) has no publication date")
    dates = []
    for item in entry.get("dates") or []:
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, int) for x in item[:2])
                and (item[2] is None or isinstance(item[2], str))):
            raise ValueError(f"{where} ({entry['file']}): {item!r} is not [start, end, value or null]")
        start, end, value = item
        if not 0 <= start < end <= len(text):
            raise ValueError(f"{where} ({entry['file']}): [{start}, {end}) is not inside its {len(text)} characters")
        dates.append(GoldDate(start, end, value))
    return Article(entry["file"], published, text, tuple(sorted(dates, key=lambda d: d.start)))


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def score_article(article: Article, spans: list) -> dict:
    """Counts for one article, and its misses as (kind, gold start, gold end, gold value, predicted value)."""
    found = right = 0
    errors = []
    for gold in article.dates:
        best = max(spans, key=lambda s: _overlap(s.start, s.end, gold.start, gold.end), default=None)
        if best is None or not _overlap(best.start, best.end, gold.start, gold.end):
            errors.append(("missed", gold.start, gold.end, gold.value, None))
            continue
        found += 1
        value = best.attrs.get("value")
        if value == gold.value:
            right += 1
        else:
            errors.append(("value", gold.start, gold.end, gold.value, value))
    counted = precise = 0
    for span in spans:
        hits = any(_overlap(span.start, span.end, g.start, g.end) for g in article.dates)
        if not hits and span.label == "time":
            continue
        counted += 1
        precise += hits
        if not hits:
            errors.append(("spurious", span.start, span.end, None, span.attrs.get("value")))
    return {"gold": len(article.dates), "predicted": counted, "precise": precise, "found": found, "right": right,
            "errors": errors}


def ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def evaluate(articles: list[Article], with_errors: bool = False) -> dict:
    """Run the dates layer over the articles, each with its publication date as the reference, and score it."""
    from unspin.analyze import dates as _  # noqa: F401  (registers the component)
    from unspin.analyze.pipeline import build, run
    from unspin.document import Document, Meta

    components = build(["sentences", "dates"])
    totals = {"gold": 0, "predicted": 0, "precise": 0, "found": 0, "right": 0}
    errors = {}
    start = time.perf_counter()
    for article in articles:
        doc = run(Document(article.text, Meta(language="en", published=article.published)), components)
        counts = score_article(article, list(doc.layer("dates")))
        for key in totals:
            totals[key] += counts[key]
        errors[article.file] = counts["errors"]
    precision, recall = ratio(totals["precise"], totals["predicted"]), ratio(totals["found"], totals["gold"])
    result = {
        "documents": len(articles),
        **totals,
        "detection": {"precision": precision, "recall": recall,
                      "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0},
        "value_accuracy": ratio(totals["right"], totals["found"]),
        "end_to_end": ratio(totals["right"], totals["gold"]),
        "seconds": round(time.perf_counter() - start, 1),
    }
    if with_errors:
        result["errors"] = errors
    return result


def evaluate_parts(shared: str | Path, gold: str | Path | None = None) -> dict:
    """Each part of the gold's split scored on its own (the whole gold as ``all`` when it has no parts)."""
    gold = Path(gold) if gold else packaged_gold()
    parts, articles = load_gold(gold, shared)
    scored = {}
    for part in PARTS:
        if parts.get(part):
            scored[part] = evaluate([a for a in articles if a.file in parts[part]])
    if not scored:
        scored["all"] = evaluate(articles)
    return {"gold_set": str(gold), "shared": str(shared),
            "split": "tune and test: halves of the annotated articles by a seeded shuffle of their file names",
            "parts": scored}


def format_table(result: dict) -> str:
    d = result["detection"]
    return "\n".join([
        f"{result['documents']} articles, {result['gold']} gold date expressions, {result['predicted']} predicted spans",
        f"detection   P {d['precision']:.3f}  R {d['recall']:.3f}  F1 {d['f1']:.3f}",
        f"value right {result['right']} of {result['found']} found ({result['value_accuracy']:.3f}); "
        f"end to end {result['end_to_end']:.3f} of gold",
    ])


HEADLINE = [
    ("articles", lambda r: r["documents"]),
    ("gold date expressions", lambda r: r["gold"]),
    ("detection recall", lambda r: r["detection"]["recall"]),
    ("detection precision", lambda r: r["detection"]["precision"]),
    ("value accuracy (of found) [headline]", lambda r: r["value_accuracy"]),
    ("value right, end to end", lambda r: r["end_to_end"]),
]


def format_parts(result: dict) -> str:
    return side_by_side(result, HEADLINE, lambda scores, part: format_table(scores))
