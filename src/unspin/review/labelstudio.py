"""Label Studio: the machine's marks as predictions and the reviewed view as annotations, and the way back.

Export writes one task per document in Label Studio's JSON task format
(``data`` with the text, ``predictions`` with ``model_version`` and a score,
``annotations``), every mark a result of type ``labels`` whose ``from_name``
is the unspin layer, so one project holds every layer side by side; and the
labeling config those results need. Canonical names and review notes ride in
each result's ``meta``, which Label Studio keeps.

Import reads what Label Studio's "Export -> JSON" gives back and turns each
task's latest submitted annotation into reviews, compared with the machine's
marks of the same document: a mark kept is accepted, one gone is rejected, one
relabelled or moved is changed, a new one is added. The reviews are dated
when the annotation was made, so work done later on the web still wins.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from unspin import __version__
from unspin.document import Document, Span
from unspin.eval.techniques import TECHNIQUES
from unspin.review.compare import Imported, new_only, reviews_from
from unspin.review.pairs import SPAN_LAYERS, Pair, canonical, checked, note
from unspin.review.records import MAX_NOTE, Mark, Review
from unspin.review.view import reviewed

ORIGIN = "labelstudio"
#: The longest label and reviewer name the store keeps.
MAX_LABEL = 64
TEXT_NAME = "text"


class LabelStudioError(ValueError):
    """A file or task that is not what Label Studio exports; the message says where and why."""


# --- export ---------------------------------------------------------------------------------------------


def _result(prefix: str, layer: str, index: int, span: Span, text: str, score: bool) -> dict:
    out = {
        "id": f"{prefix}-{layer}-{index}",
        "from_name": layer,
        "to_name": TEXT_NAME,
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": text[span.start:span.end], "labels": [span.label]},
    }
    if score:
        out["score"] = span.confidence
    meta = {}
    if canonical(span) is not None:
        meta["canonical"] = canonical(span)
    if note(span):
        meta["text"] = [note(span)]  # the region's meta text, which Label Studio shows beside the region
    if meta:
        out["meta"] = meta
    return out


def _results(doc: Document, prefix: str, score: bool) -> list[dict]:
    return [
        _result(prefix, layer, index, span, doc.text, score)
        for layer in SPAN_LAYERS for index, span in enumerate(doc.layer(layer))
    ]


def task(doc: Document, reviews: list[Review], annotate: bool, version: str = __version__) -> dict:
    """One document's task: its machine marks as a prediction, and (if ``annotate``) its reviewed view."""
    machine = _results(doc, "p", score=True)
    scores = [r["score"] for r in machine]
    out = {
        "data": {"text": doc.text, "id": doc.id, "title": doc.meta.title, "url": doc.meta.url},
        "predictions": [{
            "model_version": f"unspin {version}",
            "score": round(sum(scores) / len(scores), 4) if scores else 1.0,
            "result": machine,
        }],
    }
    if annotate:
        out["annotations"] = [{"result": _results(reviewed(doc, reviews), "a", score=False), "ground_truth": False}]
    return out


def tasks(pairs: Iterable[Pair], marked: Collection[str] = (), version: str = __version__) -> list[dict]:
    """Every document's task; annotations for those a human checked (reviews, or ``marked`` reviewed)."""
    return [task(doc, reviews, checked(doc, reviews, marked), version) for doc, reviews in pairs]


def labeling_config(made: Iterable[dict]) -> str:
    """The labeling config the tasks need: one ``<Labels>`` per layer, with every label its results use.

    The techniques layer lists all fourteen technique classes, so an annotator
    can add one the machine never used. Every name is escaped: labels come
    from reviewers and documents.
    """
    used: dict[str, set[str]] = {}
    for item in made:
        for group in [*item.get("predictions", []), *item.get("annotations", [])]:
            for result in group["result"]:
                used.setdefault(result["from_name"], set()).update(result["value"]["labels"])
    if "techniques" in used:
        used["techniques"].update(TECHNIQUES)
    lines = ["<View>", f'  <Text name="{TEXT_NAME}" value="${TEXT_NAME}"/>']
    for layer in SPAN_LAYERS:
        if layer in used:
            lines.append(f"  <Header value={quoteattr(layer)}/>")
            lines.append(f"  <Labels name={quoteattr(layer)} toName=\"{TEXT_NAME}\">")
            lines.extend(f"    <Label value={quoteattr(label)}/>" for label in sorted(used[layer]))
            lines.append("  </Labels>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


# --- import ---------------------------------------------------------------------------------------------


def read_export(raw: bytes | str) -> list[dict]:
    """The tasks of a Label Studio JSON export; LabelStudioError if it is not one."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LabelStudioError(f"not JSON ({exc})") from None
    if isinstance(data, dict) and "data" in data:
        data = [data]  # one task alone, as Label Studio also accepts
    if not isinstance(data, list) or not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in data):
        raise LabelStudioError("not a Label Studio export (expected a JSON list of tasks, each with a 'data' object, "
                               "as Export -> JSON gives; not JSON-MIN or CSV)")
    for number, item in enumerate(data, 1):
        if not isinstance(item["data"].get("text"), str):
            raise LabelStudioError(f"task {number}: not a text task (its data has no 'text')")
        for key in ("annotations", "predictions"):
            if not isinstance(item.get(key, []), list):
                raise LabelStudioError(f"task {number}: '{key}' is not a list")
    return data


@dataclass
class Submitted:
    """A task's latest submitted annotation, read: its marks per layer, who made it and when."""

    marks: dict[str, list[tuple[Mark, str]]]  # layer -> (mark, note)
    layers: set[str]  # the layers the task speaks about (in the annotation or its predictions)
    completed_by: str
    at: datetime.datetime | None
    ignored: int = 0  # results that are not spans of an unspin layer


def _when(annotation: Mapping) -> datetime.datetime | None:
    for key in ("updated_at", "created_at"):
        value = annotation.get(key)
        if isinstance(value, str):
            try:
                when = datetime.datetime.fromisoformat(value)
            except ValueError:
                continue
            return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
    return None


def _who(annotation: Mapping) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):  # some versions export the user as an object
        who = who.get("email") or who.get("username") or who.get("id")
    return str(who) if who not in (None, "") else "unknown"


def never_in_label_studio(annotation: Mapping) -> bool:
    """An annotation with neither an id nor an annotator: one unspin wrote, never submitted in Label Studio.
    Imported as it is, it would record an accept for every span, under no one's name."""
    return annotation.get("id") is None and annotation.get("completed_by") in (None, "")


def latest_annotation(item: Mapping) -> Mapping | None:
    """The annotation that counts: the latest one not cancelled (by time, then by id)."""
    kept = [a for a in item.get("annotations", []) if isinstance(a, dict) and not a.get("was_cancelled")]
    if not kept:
        return None
    floor = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    return max(kept, key=lambda a: (_when(a) or floor, str(a.get("id", ""))))


def _code_points(text: str, units: int) -> int | None:
    """The code-point offset at ``units`` UTF-16 code units (what JavaScript counts), or None."""
    count = 0
    for index, char in enumerate(text):
        if count == units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text) if count == units else None


def _offsets(text: str, value: Mapping, where: str) -> tuple[int, int]:
    """The span's code-point offsets, checked against the words the result quotes (if it quotes them).

    Label Studio has counted offsets in code points and, in some versions, in
    UTF-16 units (which differ after an emoji); the quoted words say which.
    """
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise LabelStudioError(f"{where}: start and end must be whole numbers")
    quoted = value.get("text")
    candidates = [(start, end), (_code_points(text, start), _code_points(text, end))]
    for a, b in candidates:
        if a is None or b is None or not 0 <= a < b <= len(text):
            continue
        if not isinstance(quoted, str) or text[a:b] == quoted:
            return a, b
    if isinstance(quoted, str):
        raise LabelStudioError(f"{where}: offsets {start}-{end} do not hold the words it quotes ({quoted[:40]!r})")
    raise LabelStudioError(f"{where}: offsets {start}-{end} are not a span of the text ({len(text)} characters)")


def _meta_note(result: Mapping) -> str:
    meta = result.get("meta")
    texts = meta.get("text") if isinstance(meta, dict) else None
    if isinstance(texts, str):
        texts = [texts]
    return "\n".join(t for t in texts if isinstance(t, str))[:MAX_NOTE] if isinstance(texts, list) else ""


def _meta_canonical(result: Mapping) -> str | None:
    meta = result.get("meta")
    value = meta.get("canonical") if isinstance(meta, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def submitted(item: Mapping, text: str, where: str) -> Submitted | None:
    """The task's latest submitted annotation as marks on ``text``; None when it has none."""
    annotation = latest_annotation(item)
    if annotation is None:
        return None
    results = annotation.get("result", [])
    if not isinstance(results, list):
        raise LabelStudioError(f"{where}: the annotation's 'result' is not a list")
    marks: dict[str, list[tuple[Mark, str]]] = {}
    ignored = 0
    for number, result in enumerate(results, 1):
        if not isinstance(result, dict) or result.get("type") != "labels" or result.get("from_name") not in SPAN_LAYERS:
            ignored += 1
            continue
        value = result.get("value")
        labels = value.get("labels") if isinstance(value, dict) else None
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x.strip() for x in labels):
            raise LabelStudioError(f"{where}, result {number}: no label")
        if any(len(x) > MAX_LABEL for x in labels):
            raise LabelStudioError(f"{where}, result {number}: a label is longer than {MAX_LABEL} characters")
        start, end = _offsets(text, value, f"{where}, result {number}")
        for label in labels:
            marks.setdefault(result["from_name"], []).append(
                (Mark(start, end, label, _meta_canonical(result)), _meta_note(result)))
    predicted = {
        r.get("from_name") for p in item.get("predictions", []) if isinstance(p, dict)
        for r in p.get("result", []) if isinstance(r, dict)
    }
    layers = set(marks) | (predicted & set(SPAN_LAYERS))
    return Submitted(marks, layers, _who(annotation), _when(annotation), ignored)


def import_task(item: Mapping, machine: Document, existing: list[Review], where: str,
                reviewer: str | None = None, now: datetime.datetime | None = None) -> Imported:
    """The reviews one exported task records on its machine document (already recorded ones left out)."""
    got = submitted(item, machine.text, where)
    if got is None:
        return Imported(machine.id, skipped="no submitted annotation")
    if reviewer is None and never_in_label_studio(latest_annotation(item)):
        raise LabelStudioError(
            f"{where}: its annotation has no id and no completed_by, which Label Studio's export always writes: "
            "this looks like unspin's own export; load it into Label Studio and import what Label Studio exports "
            "(or name the reviewer with --reviewer)")
    name = (reviewer or f"{ORIGIN}:{got.completed_by}")[:MAX_LABEL]
    at = got.at or now or datetime.datetime.now(datetime.timezone.utc)
    made = reviews_from(machine, existing, got.marks, got.layers, name, at, ORIGIN)
    fresh = new_only(made, existing)
    return Imported(machine.id, fresh, len(made) - len(fresh), ignored=got.ignored, reviewer=name,
                    layers=len(got.layers))


def find_document(item: Mapping, by_id: Mapping[str, Document], by_text: Mapping[str, Document],
                  where: str) -> Document:
    """The stored document a task is about: by ``data.id``, else by its exact text."""
    data = item["data"]
    found = by_id.get(str(data.get("id"))) if data.get("id") is not None else None
    found = found or by_text.get(data["text"])
    if found is None:
        raise LabelStudioError(f"{where}: no document in the store has its id ({data.get('id')!r}) or its text")
    if found.text != data["text"]:
        raise LabelStudioError(f"{where}: its text is not that of document {found.id} in the store")
    return found
