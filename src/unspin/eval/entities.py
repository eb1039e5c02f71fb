"""Score the ``entities`` layer against re3d, Dstl's conflict-domain entity gold set.

re3d (github.com/dstl/re3d) is news-like English about the wars in Syria and
Iraq (BBC, CENTCOM, UK government, Wikipedia, ...): the same ground as the
pages unspin is built for. Each sub-folder holds ``documents.json`` (one
mongoexport object a line: ``_id``, ``text``, ...) and ``entities.json``
(``documentId``, ``begin``, ``end``, ``type``, ``value``, ``confidence``;
character offsets into the document text). Any directory holding such
folders (or one such folder) can be scored.

What is compared, and why:

- Gold: entities of type Person, Organisation and Location with
  ``confidence >= 0.5`` (the confidence is a posterior from expert and crowd
  labels; dropping the rest is the dataset's common practice).
- Types, mapped to three classes: Person <- PERSON; Organisation <- ORG;
  Location <- GPE, LOC, FAC. re3d's other types (Nationality, Weapon,
  Temporal, ...) and unspin's other labels (NORP, PRODUCT, EVENT, ...) are
  not scored: re3d's Nationality covers few of the mentions spaCy calls NORP.
  A place or nationality the layer marks ``acts_as: organisation`` ("Russia
  vetoed", "Iraqis fled") is scored as an Organisation, as re3d annotates it.
- Named mentions: re3d also marks pronouns ("he", "We") and descriptions
  ("the enemy", "a safehouse", "his spiritual adviser"), which are
  coreference, not names, and which the entities layer does not claim to
  find. The headline figures are on the gold mentions that contain a name (a
  word with a capital letter that is not a pronoun or determiner: "the UK",
  "Syrian Democratic Forces", "commander of U.S. Central Command"); the
  figures on all gold mentions are reported beside them.
- Matching, two modes, each gold and each predicted mention used at most once:
  ``exact`` needs the same class and the same character offsets;
  ``overlap`` needs the same class and at least one shared character (re3d
  often draws wider spans than a name, "the Karrada district of Baghdad",
  "the Foreign Secretary Philip Hammond", and this mode credits finding the
  name in them). Micro averages pool the counts of the three classes.

Every document's text goes through the real pipeline
(``build(["sentences", "entities"])``) as ``Document(text, Meta(language="en"))``.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from unspin.document import Document, Meta
from unspin.eval.parts import evaluate_parts, keep, side_by_side

CLASSES = ("person", "organisation", "location")
GOLD_CLASS = {"Person": "person", "Organisation": "organisation", "Location": "location"}
PREDICTED_CLASS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
}
MIN_GOLD_CONFIDENCE = 0.5
MODES = ("exact", "overlap")
SUBSETS = ("named", "all")
#: Capitalised words that do not make a mention a name.
CLOSED_CLASS = frozenset({
    "the", "a", "an", "this", "these", "those", "that", "our", "their", "his", "her", "its", "my",
    "your", "we", "they", "he", "she", "it", "i", "you", "us", "them", "him", "me", "some", "many",
    "all", "both", "each", "one", "another", "other", "such", "any", "no", "every",
})
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")

Mention = tuple[int, int, str]  # (start, end, class)


@dataclass(frozen=True)
class GoldDocument:
    id: str
    text: str
    mentions: tuple[Mention, ...]


def is_named(text: str) -> bool:
    """A mention that contains a name: a word with a capital that is not a pronoun or determiner."""
    return any(
        any(ch.isupper() for ch in word) and word.lower() not in CLOSED_CLASS for word in _WORD.findall(text)
    )


def named_only(documents: list[GoldDocument]) -> list[GoldDocument]:
    return [
        GoldDocument(d.id, d.text, tuple(m for m in d.mentions if is_named(d.text[m[0]:m[1]])))
        for d in documents
    ]


def _json_lines(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number} is not a JSON object: {exc}") from exc


def load_re3d(directory: str | Path) -> list[GoldDocument]:
    """Every document under ``directory`` with its scored gold mentions, sorted by id."""
    root = Path(directory)
    if not root.is_dir():
        raise ValueError(f"re3d directory {root} does not exist")
    folders = sorted({p.parent for p in root.rglob("documents.json")})
    if not folders:
        raise ValueError(f"no documents.json under {root}: not the re3d layout")
    texts: dict[str, str] = {}
    gold: dict[str, set[Mention]] = {}
    for folder in folders:
        for record in _json_lines(folder / "documents.json"):
            texts[record["_id"]] = record["text"]
            gold.setdefault(record["_id"], set())
        entities = folder / "entities.json"
        if not entities.is_file():
            raise ValueError(f"{entities} is missing beside its documents.json")
        for record in _json_lines(entities):
            cls = GOLD_CLASS.get(record["type"])
            if cls and record.get("confidence", 0) >= MIN_GOLD_CONFIDENCE and record["documentId"] in gold:
                gold[record["documentId"]].add((record["begin"], record["end"], cls))
    return [GoldDocument(i, texts[i], tuple(sorted(gold[i]))) for i in sorted(texts)]


def predicted_class(label: str, attrs: dict) -> str | None:
    """The scored class of one of unspin's entity spans: its label's, or "organisation" for a
    place or nationality the layer says acts as a body (``acts_as``, re3d's "Russia vetoed")."""
    if attrs.get("acts_as") == "organisation":
        return "organisation"
    return PREDICTED_CLASS.get(label)


def scored(spans) -> list[Mention]:
    return [(s.start, s.end, cls) for s in spans if (cls := predicted_class(s.label, s.attrs))]


def predict(text: str, components) -> list[Mention]:
    """unspin's entity mentions in one text, as scored classes."""
    from unspin.analyze.pipeline import run

    doc = run(Document(text, Meta(language="en")), components)
    return scored(doc.layer("entities"))


def match_count(gold: Iterable[Mention], predicted: Iterable[Mention], mode: str) -> Counter:
    """True positives per class: one-to-one, the largest overlaps paired first."""
    gold, predicted = list(gold), list(predicted)
    if mode == "exact":
        return Counter(cls for (_, _, cls) in set(gold) & set(predicted))
    pairs = [
        (min(ge, pe) - max(gs, ps), g, p)
        for g, (gs, ge, gc) in enumerate(gold)
        for p, (ps, pe, pc) in enumerate(predicted)
        if gc == pc and min(ge, pe) > max(gs, ps)
    ]
    used_g, used_p, hits = set(), set(), Counter()
    for _, g, p in sorted(pairs, reverse=True):
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            hits[gold[g][2]] += 1
    return hits


def prf(tp: int, n_predicted: int, n_gold: int) -> dict:
    precision = tp / n_predicted if n_predicted else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "support": n_gold,
        "tp": tp,
        "predicted": n_predicted,
    }


def evaluate_documents(documents: list[GoldDocument], predicted: list[list[Mention]]) -> dict:
    """Per-class and micro precision/recall/F1 in each match mode."""
    n_gold = Counter(cls for d in documents for (_, _, cls) in d.mentions)
    n_pred = Counter(cls for mentions in predicted for (_, _, cls) in mentions)
    out = {}
    for mode in MODES:
        tp: Counter = Counter()
        for doc, mentions in zip(documents, predicted):
            tp += match_count(doc.mentions, sorted(set(mentions)), mode)
        scores = {cls: prf(tp[cls], n_pred[cls], n_gold[cls]) for cls in CLASSES}
        scores["micro"] = prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
        out[mode] = scores
    return out


def evaluate_re3d(directory: str | Path, only: frozenset[str] | None = None) -> dict:
    """Run the entities pipeline over re3d (or its documents whose id is in ``only``) and score it."""
    from unspin.analyze import build
    from unspin.analyze import entities as _  # noqa: F401  (registers the component)

    documents = keep(load_re3d(directory), lambda d: d.id, only, "re3d documents")
    components = build(["sentences", "entities"])
    start = time.perf_counter()
    predicted = [predict(d.text, components) for d in documents]
    seconds = time.perf_counter() - start
    result = {
        "named": evaluate_documents(named_only(documents), predicted),
        "all": evaluate_documents(documents, predicted),
    }
    result["documents"] = len(documents)
    result["seconds"] = seconds
    result["gold_confidence_min"] = MIN_GOLD_CONFIDENCE
    return result


def format_table(result: dict) -> str:
    """A printable table: one block per match mode, rows of class, P, R, F1, support."""
    lines = [f"re3d entities: {result.get('documents', '?')} documents, gold confidence >= "
             f"{result.get('gold_confidence_min', MIN_GOLD_CONFIDENCE)}"]
    for subset in SUBSETS:
        for mode in MODES:
            lines.append("")
            lines.append(f"{subset + ' gold, ' + mode + ' match':<30}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}")
            lines.extend(_rows(result[subset][mode]))
    return "\n".join(lines)


def _rows(scores: dict) -> Iterator[str]:
    for cls in (*CLASSES, "micro"):
        row = scores[cls]
        yield f"{cls:<30}{row['precision']:>8.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>9}"



def evaluate_re3d_parts(directory: str | Path) -> dict:
    """The tune and test parts of the split, each scored on its own."""
    return evaluate_parts(evaluate_re3d, directory, "re3d")


HEADLINE = [
    ("documents", lambda r: r["documents"]),
    ("named gold, overlap micro F1 [headline]", lambda r: r["named"]["overlap"]["micro"]["f1"]),
    ("named gold, exact micro F1", lambda r: r["named"]["exact"]["micro"]["f1"]),
    ("named gold, overlap micro P", lambda r: r["named"]["overlap"]["micro"]["precision"]),
    ("named gold, overlap micro R", lambda r: r["named"]["overlap"]["micro"]["recall"]),
    ("all gold, overlap micro F1", lambda r: r["all"]["overlap"]["micro"]["f1"]),
]


def format_parts(result: dict) -> str:
    return side_by_side(result, HEADLINE, lambda scores, part: format_table(scores))
