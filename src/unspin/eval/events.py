"""Score the ``events`` layer on the PLOVER gold-standard records (PLOVER_GSR_CAMEO).

Each gold record is one news sentence coded with one event type and its
source and target actors. Every sentence becomes its own Document, runs
through the pipeline, and is scored on:

* event recall: share of gold sentences where at least one event is found;
* type accuracy on the sentences with an event, two ways: the gold type is the
  type of the highest-confidence event (top-1, the headline, since it is what
  a reader is shown first), or the gold type is among the types found (any);
* per-type precision, recall and F1 of the top-1 type (a sentence with no
  event counts as a miss for its gold type), with micro and macro averages;
* actor accuracy: on sentences with an event and a gold source actor, whether
  the top event's actor names one of the gold source actors.

The gold file is PLOVER 0.5b1: its FIGHT is today's ASSAULT, and it has no
ACCUSE (accusations are coded DISAPPROVE), so unspin's ACCUSE is scored as
DISAPPROVE. Both mappings are listed in the output.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from unspin.analyze import plover
from unspin.analyze.pipeline import PipelineError, build, registry, run
from unspin.document import Document, Meta
from unspin.eval.parts import evaluate_parts, keep, side_by_side

#: unspin's current PLOVER labels as the 0.5b1 gold file names them.
TO_GOLD_LABELS = {"ACCUSE": "DISAPPROVE"}
#: Layers used when their components are available, in pipeline order.
OPTIONAL_LAYERS = ("entities", "dates", "attributions", "modality")


def load_gold(path: str | Path) -> list[dict]:
    """The coded sentences of the gold file (the DOCUMENT header record is left out)."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise ValueError(f"{path} is not a JSON array of PLOVER records")
    coded = [r for r in records if isinstance(r, dict) and r.get("event") not in (None, "DOCUMENT") and r.get("text")]
    if not coded:
        raise ValueError(f"{path} holds no coded sentences")
    return coded


def pipeline_names() -> list[str]:
    """sentences, whichever optional layers are registered (by ``unspin.analyze``) and can run, then events.

    Modules are not imported here one by one: a layer counts once the package registers it.
    """
    import unspin.analyze  # noqa: F401  (registers the built-in components)
    import unspin.analyze.events  # noqa: F401

    names = ["sentences"]
    for layer in OPTIONAL_LAYERS:
        if layer in registry.names():
            try:
                build([*names, layer])
            except PipelineError:
                continue
            names.append(layer)
    return [*names, "events"]


def gold_type(record: dict) -> str:
    return plover.normalise_label(str(record["event"]))


def as_gold_label(label: str) -> str:
    return TO_GOLD_LABELS.get(label, label)


def gold_actors(record: dict, key: str = "source") -> list[str]:
    value = record.get(key)
    if not isinstance(value, list):
        return []
    return [a["actorText"] for a in value if isinstance(a, dict) and a.get("actorText")]


def names_match(found, gold: list[str]) -> bool:
    """Lenient: a found name contains a gold actor text or the reverse (case-insensitive)."""
    if not found or not gold:
        return False
    names = [found] if isinstance(found, str) else list(found)
    for name in names:
        for g in gold:
            a, b = name.lower(), g.lower()
            if a in b or b in a:
                return True
    return False


def top_event(spans):
    """The highest-confidence event (the earliest among equals)."""
    return max(spans, key=lambda s: (s.confidence, -s.start)) if spans else None


def score_sentence(record: dict, components) -> dict:
    doc = Document(record["text"], Meta(language="en"))
    run(doc, components)
    spans = list(doc.layer("events")) if "events" in doc.layers else []
    top = top_event(spans)
    return {
        "id": record.get("id"),
        "gold": gold_type(record),
        "found": sorted({as_gold_label(s.label) for s in spans}),
        "top": as_gold_label(top.label) if top else None,
        "top_cue": top.attrs.get("rule") if top else None,
        "top_trigger": top.attrs.get("trigger") if top else None,
        "actor_found": top.attrs.get("actor") if top else None,
        "actor_gold": gold_actors(record),
    }


def ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def per_type_scores(rows: list[dict]) -> dict[str, dict]:
    labels = sorted({r["gold"] for r in rows} | {r["top"] for r in rows if r["top"]})
    table = {}
    for label in labels:
        tp = sum(1 for r in rows if r["top"] == label and r["gold"] == label)
        fp = sum(1 for r in rows if r["top"] == label and r["gold"] != label)
        fn = sum(1 for r in rows if r["gold"] == label and r["top"] != label)
        p, rc = ratio(tp, tp + fp), ratio(tp, tp + fn)
        table[label] = {"precision": p, "recall": rc, "f1": f1(p, rc), "gold": tp + fn, "predicted": tp + fp}
    return table


def evaluate_plover(path: str | Path, only: frozenset[str] | None = None) -> dict:
    """Run the events pipeline on every gold sentence of the PLOVER file (or those whose id is in ``only``)."""
    records = keep(load_gold(path), lambda r: r.get("id"), only, "gold records")
    names = pipeline_names()
    components = build(names)
    rows = [score_sentence(r, components) for r in records]
    with_event = [r for r in rows if r["top"]]
    per_type = per_type_scores(rows)
    tp = sum(1 for r in with_event if r["top"] == r["gold"])
    micro_p, micro_r = ratio(tp, len(with_event)), ratio(tp, len(rows))
    actor_rows = [r for r in with_event if r["actor_gold"]]
    confusions = Counter((r["gold"], r["top"] or "none") for r in rows if r["top"] != r["gold"])
    return {
        "gold_file": str(path),
        "sentences": len(rows),
        "pipeline": names,
        "label_mappings": {"gold": dict(plover.LEGACY_LABELS), "unspin": dict(TO_GOLD_LABELS)},
        "event_recall": ratio(len(with_event), len(rows)),
        "sentences_with_event": len(with_event),
        "type_accuracy_top1": ratio(tp, len(with_event)),
        "type_accuracy_any": ratio(sum(1 for r in with_event if r["gold"] in r["found"]), len(with_event)),
        "headline": "type_accuracy_top1",
        "micro": {"precision": micro_p, "recall": micro_r, "f1": f1(micro_p, micro_r)},
        "macro_f1": round(sum(v["f1"] for v in per_type.values()) / len(per_type), 4) if per_type else 0.0,
        "per_type": per_type,
        "actor_accuracy": ratio(sum(1 for r in actor_rows if names_match(r["actor_found"], r["actor_gold"])),
                                len(actor_rows)),
        "actor_scored": len(actor_rows),
        "top_confusions": [[g, p, n] for (g, p), n in confusions.most_common(10)],
        "rows": rows,
    }


def format_table(result: dict, errors: bool = True) -> str:
    """The scores as a plain-text table for a terminal.

    ``errors=False`` leaves out the most frequent confusions: the test part's
    errors are not shown, so that no rule is written against them.
    """
    lines = [
        f"PLOVER gold: {result['sentences']} sentences ({result['gold_file']})",
        f"pipeline: {' -> '.join(result['pipeline'])}",
        f"labels mapped: gold {result['label_mappings']['gold']}, unspin {result['label_mappings']['unspin']}",
        "",
        f"event recall (sentences with >=1 event)   {result['event_recall']:.3f}"
        f"  ({result['sentences_with_event']}/{result['sentences']})",
        f"type accuracy, top-1 event  [headline]    {result['type_accuracy_top1']:.3f}",
        f"type accuracy, gold among types found     {result['type_accuracy_any']:.3f}",
        f"actor accuracy (top event, lenient match) {result['actor_accuracy']:.3f}  ({result['actor_scored']} scored)",
        "",
        f"{'type':<12}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}",
    ]
    for label, s in result["per_type"].items():
        lines.append(f"{label:<12}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{s['gold']:>7}{s['predicted']:>7}")
    m = result["micro"]
    lines.append(f"{'micro':<12}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}")
    lines.append(f"{'macro F1':<12}{'':>16}{result['macro_f1']:>8.3f}")
    if errors and result["top_confusions"]:
        lines += ["", "most frequent errors (gold -> top-1 found): "
                  + ", ".join(f"{g}->{p} x{n}" for g, p, n in result["top_confusions"])]
    return "\n".join(lines)


def evaluate_plover_parts(path: str | Path) -> dict:
    """The tune and test parts of the split, each scored on its own; the test part without its error rows."""
    result = evaluate_parts(evaluate_plover, path, "plover")
    for key in ("rows", "top_confusions"):
        result["parts"].get("test", {}).pop(key, None)
    return result


HEADLINE = [
    ("sentences", lambda r: r["sentences"]),
    ("event recall", lambda r: r["event_recall"]),
    ("type accuracy, top-1 [headline]", lambda r: r["type_accuracy_top1"]),
    ("type accuracy, any found", lambda r: r["type_accuracy_any"]),
    ("actor accuracy", lambda r: r["actor_accuracy"]),
    ("micro F1", lambda r: r["micro"]["f1"]),
    ("macro F1", lambda r: r["macro_f1"]),
]


def format_parts(result: dict) -> str:
    return side_by_side(result, HEADLINE, lambda scores, part: format_table(scores, errors=part != "test"))
