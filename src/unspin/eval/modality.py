"""Score the ``modality`` layer on MEANTIME's event factuality gold (CoNLL conversion).

Each gold event token carries a certainty (CERTAIN, PROBABLE, POSSIBLE,
UNDERSPECIFIED). The article text is rebuilt from the tokens (one line per
gold sentence, tokens joined by spaces, PTB quote tokens back to ``"``), the
real pipeline runs on it, and every gold event gets our decision:

- ``sentence``: the label of the sentence that holds the event;
- ``event``: the same, except that in a speculative sentence only events
  inside the scope of one of its hedges count as speculative (the rest of
  the sentence is asserted), which is what the layer's ``hedges`` say.

Gold CERTAIN is ``asserted``; PROBABLE and POSSIBLE are ``speculative``;
UNDERSPECIFIED events are left out. Our ``question`` counts as speculative,
``opinion`` as asserted, and ``attributed`` is scored three ways: as
asserted (the text states it, with a source), as speculative, and as
speculative only when the source is vague ("according to some reports"). The reported
figure is ``event`` granularity with attributed as asserted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unspin.document import Document, Meta
from unspin.eval.parts import evaluate_parts, keep, side_by_side

CLASSES = ("speculative", "asserted")
GOLD_CLASS = {"CERTAIN": "asserted", "PROBABLE": "speculative", "POSSIBLE": "speculative"}
PTB_QUOTES = {"``": '"', "''": '"'}
GRANULARITIES = ("event", "sentence")
ATTRIBUTED_AS = ("asserted", "speculative", "speculative-if-vague")
REPORTED = "event/attributed=asserted"
PIPELINE = ("sentences", "attributions", "modality")


@dataclass(frozen=True)
class GoldEvent:
    offset: int  # character offset of the event's first token in the rebuilt text
    certainty: str  # CERTAIN, PROBABLE, POSSIBLE or UNDERSPECIFIED
    token: str


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    events: tuple[GoldEvent, ...]


# --- reading the gold ------------------------------------------------------------------


def read_sentences(path: Path) -> list[list[list[str]]]:
    """Rows of a CoNLL file, grouped by the blank lines between sentences."""
    sentences: list[list[list[str]]] = [[]]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        row = line.split("\t")
        if len(row) != 6:
            raise ValueError(f"{path.name}:{number}: expected 6 tab-separated columns, found {len(row)}")
        sentences[-1].append(row)
    return [s for s in sentences if s]


def certainty_of(tag: str) -> str | None:
    """The certainty of a B- tag like ``B-CERTAIN-6``; None for inside or non-event tokens."""
    if not tag.startswith("B-"):
        return None
    return tag[2:].rsplit("-", 1)[0]


def load_article(path: Path) -> Article:
    """The rebuilt text of one article and its gold events with their offsets."""
    pieces: list[str] = []
    events: list[GoldEvent] = []
    offset = 0
    for sentence in read_sentences(path):
        if pieces:
            pieces.append("\n")
            offset += 1
        for i, (_, token, event, certainty, _, _) in enumerate(sentence):
            if i:
                pieces.append(" ")
                offset += 1
            word = PTB_QUOTES.get(token, token)
            label = certainty_of(certainty)
            if event.startswith("B-") and label is not None:
                events.append(GoldEvent(offset, label, word))
            pieces.append(word)
            offset += len(word)
    return Article(path.name, "".join(pieces), tuple(events))


def load_corpus(directory: str | Path) -> list[Article]:
    root = Path(directory)
    if not root.is_dir():
        raise ValueError(f"{root} is not a directory")
    paths = sorted(root.glob("*.conll"))
    if not paths:
        raise ValueError(f"{root} holds no *.conll files")
    return [load_article(p) for p in paths]


# --- our decision per event ---------------------------------------------------------------


def in_scope(offset: int, hedges) -> bool:
    return any(start <= offset < end for h in hedges for start, end in h["scope"])


def decide(span, offset: int, granularity: str, attributed_as: str) -> str:
    """Our class for an event at ``offset`` in the sentence ``span`` of the modality layer."""
    label = span.label
    if label == "question":
        return "speculative"
    if granularity == "event" and in_scope(offset, span.attrs.get("irrealis", [])):
        return "speculative"  # intended, attempted or possible: not a reported fact
    if label == "speculative":
        if granularity == "event" and not in_scope(offset, span.attrs.get("hedges", [])):
            return "asserted"
        return "speculative"
    if label == "attributed":
        if attributed_as == "speculative-if-vague":
            return "speculative" if span.attrs.get("source") == "vague" else "asserted"
        return attributed_as
    return "asserted"


def sentence_at(spans, offset: int):
    return next((s for s in spans if s.start <= offset < s.end), None)


# --- scores ---------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}


def score(pairs: list[tuple[str, str]]) -> dict:
    """Per-class and micro-averaged precision, recall and F1 over (gold, predicted) pairs."""
    out = {}
    totals = [0, 0, 0]
    for cls in CLASSES:
        tp = sum(1 for g, p in pairs if g == cls and p == cls)
        fp = sum(1 for g, p in pairs if g != cls and p == cls)
        fn = sum(1 for g, p in pairs if g == cls and p != cls)
        out[cls] = prf(tp, fp, fn)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    out["micro"] = prf(*totals)
    out["macro_f1"] = sum(out[c]["f1"] for c in CLASSES) / len(CLASSES)
    return out


def analyse(article: Article):
    """The modality layer of an article's rebuilt text, from the real pipeline."""
    from unspin.analyze import attributions, modality  # noqa: F401  (register the components)
    from unspin.analyze.pipeline import build, run

    doc = run(Document(article.text, Meta(language="en")), build(PIPELINE))
    return doc.layer("modality")


def evaluate_meantime(directory: str | Path, only: frozenset[str] | None = None) -> dict:
    """Precision, recall and F1 of the modality layer against MEANTIME event certainty.

    Returns counts and, for each granularity and each way of scoring
    ``attributed``, per-class and micro scores; ``reported`` names the run
    to quote.
    """
    articles = keep(load_corpus(directory), lambda a: a.name, only, "MEANTIME files")
    pairs: dict[str, list[tuple[str, str]]] = {
        f"{g}/attributed={a}": [] for g in GRANULARITIES for a in ATTRIBUTED_AS
    }
    events = excluded = unplaced = 0
    for article in articles:
        spans = analyse(article)
        for event in article.events:
            gold = GOLD_CLASS.get(event.certainty)
            if gold is None:
                excluded += 1
                continue
            span = sentence_at(spans, event.offset)
            if span is None:
                unplaced += 1  # between sentences: counted as asserted, our default
            events += 1
            for g in GRANULARITIES:
                for a in ATTRIBUTED_AS:
                    predicted = decide(span, event.offset, g, a) if span is not None else "asserted"
                    pairs[f"{g}/attributed={a}"].append((gold, predicted))
    return {
        "corpus": str(directory),
        "documents": len(articles),
        "events": events,
        "excluded_underspecified": excluded,
        "unplaced": unplaced,
        "runs": {name: score(p) for name, p in pairs.items()},
        "reported": REPORTED,
    }


def format_table(results: dict) -> str:
    """A plain-text table of every run, the reported one marked with ``*``."""
    lines = [
        f"MEANTIME event factuality: {results['documents']} documents, {results['events']} events "
        f"({results['excluded_underspecified']} underspecified left out)",
        f"{'run':44} {'class':12} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}",
    ]
    for name, run_scores in results["runs"].items():
        mark = "*" if name == results["reported"] else " "
        for cls in (*CLASSES, "micro"):
            s = run_scores[cls]
            lines.append(
                f"{mark}{name:43} {cls:12} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:8d}"
            )
    lines.append("* reported: per-event hedge scope, attributed scored as asserted")
    return "\n".join(lines)


def evaluate_meantime_parts(directory: str | Path) -> dict:
    """The tune and test parts of the split, each scored on its own."""
    return evaluate_parts(evaluate_meantime, directory, "meantime")


def _reported(cls: str, measure: str = "f1"):
    return lambda r: r["runs"][r["reported"]][cls][measure]


HEADLINE = [
    ("documents", lambda r: r["documents"]),
    ("events scored", lambda r: r["events"]),
    ("speculative F1 [headline]", _reported("speculative")),
    ("speculative P", _reported("speculative", "precision")),
    ("speculative R", _reported("speculative", "recall")),
    ("asserted F1", _reported("asserted")),
    ("micro F1", _reported("micro")),
]


def format_parts(result: dict) -> str:
    return side_by_side(result, HEADLINE, lambda scores, part: format_table(scores))
