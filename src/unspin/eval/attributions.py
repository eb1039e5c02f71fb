"""Score the ``attributions`` layer against PolNeAR (who said or thought what, in political news).

PolNeAR annotates every attribution of 1,008 articles on the 2016 US election
as a Source, a Cue and a Content span (brat standoff; spans may be cut in
pieces, "has ... learned"). An ``E`` line ties one attribution together;
``Attribution-no-source`` ones have no Source. Articles read by several
annotators are scored against the first annotator's file by name, so every
article counts once.

What is compared, and why:

- A gold attribution is **found** when one of unspin's attribution cues
  overlaps its cue. Cue precision is the share of unspin's attributions
  whose cue overlaps some gold cue. The cue is what the layer commits to
  first; the source and content are read from it.
- Among found ones, **source accuracy**: unspin's source span overlaps the
  gold one, whether unspin calls that source named or vague (vague is a
  kind of source, not a miss; a gold attribution with no source counts as
  right when unspin gives no source span or calls it vague); **content
  overlap**: the content spans share a character.
- Kinds of source, for unspin's attributions and for the gold ones: named,
  vague (unnamed: "sources", "experts") and bare pronouns ("he", "they");
  unspin's also count the pronouns it read as a name given before them.
  For gold sources a pronoun is read off the text; the rest is named or vague
  by the layer's own test of a source phrase, so only the pronoun share of
  gold is independent of unspin.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from unspin.document import Document, Meta
from unspin.eval.parts import evaluate_parts, keep, side_by_side

Segments = tuple[tuple[int, int], ...]
PRONOUNS = frozenset("i you he she it we they me him her us them one".split())
KINDS = ("named", "vague", "pronoun", "none")
#: unspin's sources also say when a pronoun was read as a name given before it.
PREDICTED_KINDS = ("named", "resolved", "vague", "pronoun", "none")
_BRAT_T = re.compile(r"^(T\d+)\t(\S+) ([\d; ]+)\t")
_BRAT_ID = re.compile(r"^[A-Z#]\d*\t")


@dataclass(frozen=True)
class GoldAttribution:
    cue: Segments
    source: Segments  # empty: no source in the text
    content: Segments
    source_text: str


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def segments(offsets: str) -> Segments:
    """``"12 20;25 31"`` as ((12, 20), (25, 31))."""
    pieces = []
    for piece in offsets.split(";"):
        start, end = piece.split()
        pieces.append((int(start), int(end)))
    return tuple(pieces)


def read_ann(path: Path, text: str) -> tuple[GoldAttribution, ...]:
    """The attributions (E lines) of one brat file."""
    spans: dict[str, Segments] = {}
    found: list[GoldAttribution] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if _BRAT_ID.match(line) and line.startswith("T"):
            match = _BRAT_T.match(line)
            if not match:
                raise ValueError(f"{path.name}:{number}: not a brat text-bound annotation")
            spans[match.group(1)] = segments(match.group(3))
    for number, line in enumerate(lines, 1):
        if not (_BRAT_ID.match(line) and line.startswith("E")):
            continue  # other annotations, or the rest of a span text that held a line break
        roles: dict[str, str] = {}
        for part in line.split("\t", 1)[1].split():
            role, _, ref = part.partition(":")
            roles[role] = ref
        if not ({"Attribution", "Attribution-no-source"} & roles.keys()) or "Cue" not in roles:
            continue
        try:
            cue = spans[roles["Cue"]]
            source = spans[roles["Source"]] if "Source" in roles else ()
            content = spans[roles["Content"]] if "Content" in roles else ()
        except KeyError as exc:
            raise ValueError(f"{path.name}:{number}: refers to {exc.args[0]}, which is not defined") from None
        found.append(GoldAttribution(cue, source, content, " ".join(text[a:b] for a, b in source)))
    return tuple(found)


def part_folders(root: Path) -> list[Path]:
    """The folders holding ``text/`` and ``attributions/``: ``root`` itself or its parts (train, dev)."""
    if (root / "text").is_dir():
        return [root]
    return sorted(p for p in root.iterdir() if (p / "text").is_dir() and (p / "attributions").is_dir())


def load_polnear(directory: str | Path) -> list[Article]:
    """Every article under ``directory`` with the first annotator's attributions, sorted by name."""
    root = Path(directory)
    if not root.is_dir():
        raise ValueError(f"PolNeAR directory {root} does not exist")
    folders = part_folders(root)
    if not folders:
        raise ValueError(f"no text/ and attributions/ folders under {root}: not the PolNeAR layout")
    articles = []
    for folder in folders:
        for text_path in sorted((folder / "text").glob("*.txt")):
            annotations = sorted((folder / "attributions").glob(f"{text_path.stem}_*.ann"))
            if not annotations:
                continue
            text = text_path.read_text(encoding="utf-8")
            articles.append(Article(text_path.stem, text, read_ann(annotations[0], text)))
    if not articles:
        raise ValueError(f"no annotated articles under {root}")
    return sorted(articles, key=lambda a: a.name)


def overlap(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> bool:
    b = list(b)
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


def predicted_kind(attrs: dict) -> str:
    if attrs.get("vague"):
        return "vague"
    if attrs.get("source_from"):
        return "resolved"
    text = str(attrs.get("source_text") or "")
    if not text:
        return "none"
    return "pronoun" if text.lower() in PRONOUNS else "named"


def gold_kind(attribution: GoldAttribution, is_vague: Callable[[str], bool]) -> str:
    text = attribution.source_text.strip()
    if not text:
        return "none"
    if text.lower() in PRONOUNS:
        return "pronoun"
    return "vague" if is_vague(text) else "named"


def score_article(article: Article, spans: list) -> dict:
    """Counts for one article: found cues, right sources and contents, kinds."""
    predicted = [((tuple(s.attrs["cue_span"]),), s) for s in spans if s.attrs.get("cue_span")]
    found = source_right = content_right = 0
    for gold in article.attributions:
        match = next((s for cue, s in predicted if overlap(cue, gold.cue)), None)
        if match is None:
            continue
        found += 1
        source = match.attrs.get("source_span")
        if gold.source:
            source_right += bool(source) and overlap([tuple(source)], gold.source)  # vague or not: the same words
        else:
            source_right += not source or bool(match.attrs.get("vague"))
        content_right += overlap([(match.start, match.end)], gold.content) if gold.content else 1
    precise = sum(1 for cue, _ in predicted if any(overlap(cue, g.cue) for g in article.attributions))
    kinds = {k: 0 for k in PREDICTED_KINDS}
    for _, span in predicted:
        kinds[predicted_kind(span.attrs)] += 1
    return {"gold": len(article.attributions), "predicted": len(predicted), "precise": precise, "found": found,
            "source_right": source_right, "content_right": content_right, "kinds": kinds}


def ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def summarise(articles: list[Article], counts: list[dict]) -> dict:
    """The figures of a set of articles from their ``score_article`` counts."""
    from unspin.analyze.attributions import VAGUE_HEADS

    totals = {key: sum(c[key] for c in counts)
              for key in ("gold", "predicted", "precise", "found", "source_right", "content_right")}
    kinds = {k: sum(c["kinds"][k] for c in counts) for k in PREDICTED_KINDS}
    gold_kinds = {k: 0 for k in KINDS}
    for article in articles:
        for gold in article.attributions:
            gold_kinds[gold_kind(gold, lambda t: t.split()[-1].lower().rstrip("s") in VAGUE_HEADS)] += 1
    precision, recall = ratio(totals["precise"], totals["predicted"]), ratio(totals["found"], totals["gold"])
    return {
        "documents": len(articles),
        **totals,
        "cue": {"precision": precision, "recall": recall,
                "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0},
        "source_accuracy": ratio(totals["source_right"], totals["found"]),
        "content_overlap": ratio(totals["content_right"], totals["found"]),
        "source_kinds": {k: ratio(n, totals["predicted"]) for k, n in kinds.items()},
        "gold_source_kinds": {k: ratio(n, totals["gold"]) for k, n in gold_kinds.items()},
    }


def evaluate_polnear(directory: str | Path, only: frozenset[str] | None = None) -> dict:
    """Run the attributions pipeline over PolNeAR (or its articles named in ``only``) and score it."""
    from unspin.analyze import attributions as _  # noqa: F401  (registers the component)
    from unspin.analyze.pipeline import build, run

    articles = keep(load_polnear(directory), lambda a: a.name, only, "PolNeAR articles")
    components = build(["sentences", "attributions"])
    start = time.perf_counter()
    counts = []
    for article in articles:
        doc = run(Document(article.text, Meta(language="en")), components)
        counts.append(score_article(article, list(doc.layer("attributions"))))
    return {"corpus": str(directory), **summarise(articles, counts), "seconds": round(time.perf_counter() - start, 1)}


def evaluate_polnear_parts(directory: str | Path) -> dict:
    """PolNeAR dev (the untouched test part) and the train articles set aside for choosing."""
    return evaluate_parts(evaluate_polnear, directory, "polnear", parts=("test", "choose"))


def format_table(result: dict) -> str:
    cue = result["cue"]
    kinds = result["source_kinds"]
    gold = result["gold_source_kinds"]
    return "\n".join([
        f"PolNeAR: {result['documents']} articles, {result['gold']} gold attributions, "
        f"{result['predicted']} found by unspin",
        f"cue            P {cue['precision']:.3f}  R {cue['recall']:.3f}  F1 {cue['f1']:.3f}",
        f"source right   {result['source_accuracy']:.3f} of found   content overlaps {result['content_overlap']:.3f}",
        "sources, unspin: " + ", ".join(f"{k} {kinds[k]:.1%}" for k in PREDICTED_KINDS)
        + "  (resolved: a pronoun read as a name given before it)",
        "sources, gold:   " + ", ".join(f"{k} {gold[k]:.1%}" for k in KINDS)
        + "  (only the pronoun share is read independently of unspin)",
    ])


HEADLINE = [
    ("articles", lambda r: r["documents"]),
    ("cue F1 [headline]", lambda r: r["cue"]["f1"]),
    ("cue precision", lambda r: r["cue"]["precision"]),
    ("cue recall", lambda r: r["cue"]["recall"]),
    ("source accuracy (of found)", lambda r: r["source_accuracy"]),
    ("content overlap (of found)", lambda r: r["content_overlap"]),
    ("unspin sources left as bare pronouns", lambda r: r["source_kinds"]["pronoun"]),
    ("unspin sources read from a pronoun", lambda r: r["source_kinds"]["resolved"]),
]


def format_parts(result: dict) -> str:
    return side_by_side(result, HEADLINE, lambda scores, part: format_table(scores))
