"""Score story grouping on public gold: BASIL (one event, three outlets, dated) and ECB+ (similar events, undated).

Both are turned into JSON Lines (``text``, ``title``, ``url``, ``date``,
``outlet`` where the gold has them), read by the JSON Lines reader, analysed
by the components grouping reads, and stored through the real ingest path
into a throwaway store, part by part; the stories the store made are then
compared with the gold pairwise: every pair of documents is a positive when
the gold puts them in one story, and precision and recall count the pairs
the store put in one story.

- BASIL: ``articles/<year>/<triplet-uuid>_<n>.json``; the triplet is the story.
  Text: sentences of a paragraph joined by spaces, paragraphs by blank lines.
- ECB+: ``<topic>/<topic>_<n>ecb.xml`` and ``..ecbplus.xml``; the story is
  (topic, suffix): each topic holds two similar but distinct events. Text:
  tokens rejoined (no space before closing punctuation, PTB quotes back to
  ``"``), one sentence a line; a leading sentence that is the source URL is
  left out. No dates and no outlet: nothing in the gold gives them.

Which events and topics are tuned on and which are only reported is fixed in
``splits/basil_stories.json`` and ``splits/ecbplus_stories.json``.
"""

from __future__ import annotations

import json
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import combinations
from pathlib import Path

from sqlalchemy import Engine, select

from unspin.document import Document
from unspin.errors import Failure

#: What the eval analyses: grouping reads the entities (and their sentences) only.
COMPONENTS = ("sentences", "entities")
#: On BASIL, also what the story page's "only here" rows and speculation share read (not techniques: slow,
#: and no part of either).
PAGE_COMPONENTS = ("sentences", "entities", "quantities", "attributions", "modality")
#: Outlet names for BASIL's source codes.
BASIL_OUTLETS = {"nyt": "New York Times", "fox": "Fox News", "hpo": "HuffPost"}
PTB_QUOTES = {"``": '"', "''": '"', "-LRB-": "(", "-RRB-": ")"}
_NO_SPACE_BEFORE = re.compile(r" (?=[,.;:!?%)\]}]|'s\b|'re\b|'ve\b|'ll\b|'d\b|'m\b|n't\b)")
_NO_SPACE_AFTER = re.compile(r"(?<=[(\[{$]) ")


@dataclass(frozen=True)
class Article:
    """One gold article as a JSON Lines record, with its gold story and where it came from."""

    name: str  # file stem: BASIL <triplet>_<n>, ECB+ <topic>_<n>ecb[plus]
    story: str  # the gold story
    part: str  # "tune" or "report"
    record: dict  # the JSON Lines record: text and what metadata the gold has
    #: BASIL: the informational-bias spans, [start, end) in the record's text (those that could be placed).
    inf: tuple[tuple[int, int], ...] = ()
    inf_unplaced: int = 0


def split(name: str) -> dict:
    return json.loads((resources.files("unspin") / "eval" / "splits" / f"{name}_stories.json").read_text("utf-8"))


def basil_text(paragraphs: list[list[str]]) -> tuple[str, list[tuple[int, str]]]:
    """The article's text, and each sentence as the release gives it with the offset of its stripped form."""
    text, placed = "", []
    for paragraph in paragraphs:
        kept = [s for s in paragraph if s.strip()]
        if not kept:
            continue
        if text:
            text += "\n\n"
        for i, sentence in enumerate(kept):
            if i:
                text += " "
            placed.append((len(text) - (len(sentence) - len(sentence.lstrip())), sentence))
            text += sentence.strip()
    return text, placed


def basil_inf(annotations: dict, placed: list[tuple[int, str]]) -> tuple[list[tuple[int, int]], int]:
    """Informational-bias spans in the text's offsets, and how many could not be placed.

    The release gives each span's offsets inside its sentence, without saying
    which sentence: the span is placed in the first sentence where those
    offsets hold exactly its words (SOURCE.md: check them against the text).
    """
    spans, unplaced = [], 0
    for a in annotations.get("phrase-level-annotations", []):
        if a.get("bias") != "inf":
            continue
        start, end, words = int(a["start"]), int(a["end"]), a.get("txt") or ""
        where = next((offset for offset, sentence in placed if words and sentence[start:end] == words), None)
        if where is None:
            unplaced += 1
        else:
            spans.append((where + start, where + end))
    return spans, unplaced


def basil_articles(directory: Path) -> list[Article]:
    """Every BASIL article with its triplet as gold story, ordered by date then article uuid (stable, mixed)."""
    parts = split("basil")
    part_of = {u: "tune" for u in parts["tune"]} | {u: "report" for u in parts["report"]}
    out = []
    for path in sorted((directory / "articles").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        triplet = data["triplet-uuid"]
        if triplet not in part_of:
            continue
        source = str(data.get("source", "")).lower()
        text, placed = basil_text(data["body-paragraphs"])
        notes = directory / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        inf, unplaced = basil_inf(json.loads(notes.read_text(encoding="utf-8")), placed) if notes.exists() else ([], 0)
        record = {
            "text": text,
            "title": data.get("title") or None,
            "url": data.get("url") or None,
            "date": data.get("date") or None,
            "outlet": BASIL_OUTLETS.get(source, source) or None,
        }
        out.append((data.get("date") or "", data.get("uuid") or path.stem,
                    Article(path.stem, triplet, part_of[triplet], {k: v for k, v in record.items() if v},
                            tuple(inf), unplaced)))
    return [a for *_, a in sorted(out, key=lambda t: (t[0], t[1]))]


def detokenize(tokens: list[str]) -> str:
    text = " ".join(PTB_QUOTES.get(t, t) for t in tokens)
    return _NO_SPACE_AFTER.sub("", _NO_SPACE_BEFORE.sub("", text))


def ecbplus_text(path: Path) -> str:
    sentences: dict[int, list[str]] = defaultdict(list)
    for token in ET.parse(path).getroot().iter("token"):
        sentences[int(token.get("sentence", 0))].append(token.text or "")
    lines = [detokenize(sentences[k]) for k in sorted(sentences)]
    if lines and lines[0].replace(" ", "").lower().startswith(("http:", "https:", "www.")):
        lines = lines[1:]
    return "\n".join(line for line in lines if line.strip())


def ecbplus_articles(directory: Path) -> list[Article]:
    """Every ECB+ document with (topic, ecb | ecbplus) as gold story, in an order that mixes topics and events.

    The order is that of a hash of the file name: no date to order by, and
    file-name order would feed each topic's documents in one run.
    """
    import hashlib

    parts = split("ecbplus")
    part_of = {str(t): "tune" for t in parts["tune"]} | {str(t): "report" for t in parts["report"]}
    out = []
    for path in sorted(directory.glob("*/*.xml")):
        match = re.fullmatch(r"(\d+)_(\d+)(ecb|ecbplus)", path.stem)
        if not match or match.group(1) not in part_of:
            continue
        topic, _, kind = match.groups()
        text = ecbplus_text(path)
        if text.strip():
            out.append(Article(path.stem, f"{topic}{kind}", part_of[topic], {"text": text}))
    return sorted(out, key=lambda a: hashlib.sha256(a.name.encode()).hexdigest())


def pairwise(gold: dict[str, str], found: dict[str, object]) -> dict:
    """Pairwise precision, recall and F1 of ``found`` (name -> story) against ``gold`` (name -> story)."""
    names = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(names, 2):
        same_gold = gold[a] == gold[b]
        same_found = found.get(a) is not None and found.get(a) == found.get(b)
        tp += same_gold and same_found
        fp += same_found and not same_gold
        fn += same_gold and not same_found
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "true_pairs": tp + fn, "found_pairs": tp + fp, "correct_pairs": tp,
        "documents": len(names), "gold_stories": len(set(gold.values())),
        "stories": len({found.get(n, ("alone", n)) for n in names}),
    }


# --- through the real ingest path ----------------------------------------------------------------


def store_part(
    articles: list[Article], folder: Path, components=COMPONENTS, advance: Callable[[], None] = lambda: None
) -> tuple[Engine, dict[str, list[str]]]:
    """Ingest the articles into a new SQLite store in ``folder``; returns it and document id -> article names.

    Two gold files whose text reads as the same article (ECB+ holds a few,
    with another headline line above the same body) are one document, stored
    once, as ingest does: both names map to it.
    """
    from unspin.analyze import build
    from unspin.analyze.parallel import analysed
    from unspin.ingest import read_inputs
    from unspin.store.db import connect
    from unspin.store.ingest import ingest

    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(a.record, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    built = build(components)
    name_of: dict[str, list[str]] = defaultdict(list)

    def analysed_docs() -> Iterator[Document | Failure]:
        for item in read_inputs([str(source)], "jsonl"):
            if isinstance(item, Document):
                name_of[item.id].append(articles[item.source.record - 1].name)
                item = analysed(item, built)
            advance()
            yield item

    engine = connect(str(folder / "store.db"))
    ingest(engine, analysed_docs(), analysed=True)
    return engine, name_of


def stories_found(engine: Engine, name_of: dict[str, list[str]]) -> dict[str, int]:
    from unspin.store.tables import documents

    with engine.connect() as conn:
        rows = conn.execute(select(documents.c.id, documents.c.story)).all()
    return {name: r.story for r in rows for name in name_of[r.id]}


def evaluate_part(
    articles: list[Article], components=COMPONENTS, coverage: bool = False, advance: Callable[[], None] = lambda: None
) -> dict:
    with tempfile.TemporaryDirectory(prefix="unspin-eval-stories-") as tmp:
        engine, name_of = store_part(articles, Path(tmp), components, advance)
        try:
            found = stories_found(engine, name_of)
            covered = inf_coverage(articles, engine, name_of) if coverage else None
        finally:
            engine.dispose()
    scores = pairwise({a.name: a.story for a in articles}, found)
    scores["not_stored"] = sum(a.name not in found for a in articles)
    if covered is not None:
        scores["informational_bias"] = covered
    return scores


def _to_text(doc: Document, offset: int) -> int | None:
    """The text offset of a source offset (the inverse of the reader's offset map)."""
    for t, s, n in doc.offsets.runs:
        if s <= offset < s + n:
            return t + offset - s
    return None


def inf_coverage(articles: list[Article], engine: Engine, name_of: dict[str, list[str]]) -> dict:
    """How many BASIL informational-bias spans overlap the evidence of an "only here" row of their article.

    The rows are those of the story page (``read.story``) for the story the
    store put the article in: a name's mentions, a number's span, a quote's
    span. For comparison, ``any_mention`` counts the spans that overlap any
    name, number or quote of the article at all, alone or not.
    """
    from unspin.store import read
    from unspin.store.tables import documents, stories

    by_name = {a.name: a for a in articles}
    rows: dict[str, dict] = {}
    docs: dict[str, Document] = {}
    with engine.connect() as conn:
        for pk in conn.execute(select(stories.c.pk).order_by(stories.c.pk)).scalars():
            for column in read.story(conn, pk)["documents"]:
                rows.update((name, column["alone"]) for name in name_of[column["id"]])
        for r in conn.execute(select(documents.c.id, documents.c.document)):
            docs.update((name, Document.loads(r.document)) for name in name_of[r.id])
    kinds = ("names", "numbers", "quotes")
    out = {"spans": 0, "unplaced": 0, "in_only_here": 0, **{f"in_{k}": 0 for k in kinds}, "any_mention": 0}
    for name, article in by_name.items():
        out["spans"] += len(article.inf) + article.inf_unplaced
        out["unplaced"] += article.inf_unplaced
        doc = docs.get(name)
        if doc is None:
            out["unplaced"] += len(article.inf)
            continue
        alone = rows.get(name, {k: [] for k in kinds})
        every = [(s.start, s.end) for layer in ("entities", "quantities") for s in doc.layer(layer)]
        every += [(s.start, s.end) for s in doc.layer("attributions") if s.label == "quote"]
        for start, end in article.inf:
            a, b = _to_text(doc, start), _to_text(doc, end - 1)
            if a is None or b is None:
                out["unplaced"] += 1
                continue
            b += 1
            hit = {k for k in kinds for item in alone[k] for s, e in item["spans"] if s < b and a < e}
            for k in hit:
                out[f"in_{k}"] += 1
            out["in_only_here"] += bool(hit)
            out["any_mention"] += any(s < b and a < e for s, e in every)
    placed = out["spans"] - out["unplaced"]
    out["share"] = out["in_only_here"] / placed if placed else 0.0
    return out


def evaluate(
    basil: Path | None, ecbplus: Path | None, parts: tuple[str, ...] = ("tune", "report"),
    advance: Callable[[], None] = lambda: None,
) -> dict:
    """Pairwise scores per dataset and part: {"basil": {"tune": {...}, "report": {...}}, "ecbplus": {...}}."""
    out: dict = {}
    for dataset, directory, reader in (("basil", basil, basil_articles), ("ecbplus", ecbplus, ecbplus_articles)):
        if directory is None:
            continue
        articles = reader(directory)
        if not articles:
            raise ValueError(f"{directory}: no {dataset} articles found")
        components, coverage = (PAGE_COMPONENTS, True) if dataset == "basil" else (COMPONENTS, False)
        out[dataset] = {
            part: evaluate_part([a for a in articles if a.part == part], components, coverage, advance) for part in parts
        }
    return out


def count(basil: Path | None, ecbplus: Path | None, parts: tuple[str, ...] = ("tune", "report")) -> int:
    """How many articles ``evaluate`` will ingest (for a progress bar)."""
    n = len([a for a in basil_articles(basil) if a.part in parts]) if basil else 0
    return n + (len([a for a in ecbplus_articles(ecbplus) if a.part in parts]) if ecbplus else 0)


def format_table(result: dict) -> str:
    lines = [f"{'part':<16}{'docs':>6}{'gold':>6}{'found':>7}{'P':>8}{'R':>8}{'F1':>8}{'pairs':>8}{'found':>8}"]
    for dataset, parts in result.items():
        for part, s in parts.items():
            lines.append(
                f"{dataset + ' ' + part:<16}{s['documents']:>6}{s['gold_stories']:>6}{s['stories']:>7}"
                f"{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{s['true_pairs']:>8}{s['found_pairs']:>8}"
            )
    lines.append("docs: articles; gold/found: stories; pairs: same-story pairs in the gold / in the store's grouping")
    for dataset, parts in result.items():
        for part, s in parts.items():
            c = s.get("informational_bias")
            if c:
                placed = c["spans"] - c["unplaced"]
                lines.append(
                    f"{dataset} {part}: {c['in_only_here']} of {placed} informational-bias spans "
                    f"({c['share']:.1%}) fall in an only-here row (names {c['in_names']}, numbers {c['in_numbers']}, "
                    f"quotes {c['in_quotes']}); {c['any_mention']} touch any name, number or quote; "
                    f"{c['unplaced']} of {c['spans']} could not be placed"
                )
    return "\n".join(lines)
