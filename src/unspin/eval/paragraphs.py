"""Score techniques per paragraph the way SemEval-2023 Task 3 subtask 3 defines it.

Implemented from the task's description, not copied from its scorer, so the
paragraph view can be measured here without shipping the data or its tools.

Files (TAB-separated; techniques joined by commas, none of which holds one):
``article_id<TAB>line_number<TAB>technique,technique,...``, one row per
non-empty line of the article (line numbers count from 1, every line of the
file counted); a row with an empty third column is a paragraph without
techniques.

The metric is micro-F1 over (article, line, technique) pairs: every row of
the gold file is a paragraph to score, a predicted pair is right when the
gold row holds that technique, and a paragraph the predictions leave out
counts as predicted with no technique. As in the task's scorer, the F1 of
nothing predicted against nothing gold is 1 (scikit-learn's
``zero_division=1``), and a label outside the task's taxonomy is not scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

#: The 23 techniques of SemEval-2023 Task 3 subtask 3, in the task's order.
TAXONOMY = (
    "Appeal_to_Authority",
    "Appeal_to_Popularity",
    "Appeal_to_Values",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "False_Dilemma-No_Choice",
    "Consequential_Oversimplification",
    "Straw_Man",
    "Red_Herring",
    "Whataboutism",
    "Slogans",
    "Appeal_to_Time",
    "Conversation_Killer",
    "Loaded_Language",
    "Repetition",
    "Exaggeration-Minimisation",
    "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling",
    "Doubt",
    "Guilt_by_Association",
    "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation",
)

#: (article id, line number) -> the techniques of that paragraph.
Rows = dict[tuple[str, int], frozenset[str]]


def parse_row(line: str, where: str) -> tuple[tuple[str, int], frozenset[str]]:
    fields = line.split("\t")
    if len(fields) not in (2, 3):
        raise ValueError(f"{where}: expected 2 or 3 TAB-separated columns, got {len(fields)}: {line!r}")
    article_id, number = fields[0].strip(), fields[1].strip()
    if not article_id:
        raise ValueError(f"{where}: empty article id")
    try:
        line_number = int(number)
    except ValueError:
        raise ValueError(f"{where}: line number {number!r} is not an integer") from None
    if line_number < 1:
        raise ValueError(f"{where}: line number {line_number} is not positive (lines count from 1)")
    techniques = fields[2].strip() if len(fields) == 3 else ""
    return (article_id, line_number), frozenset(t.strip() for t in techniques.split(",") if t.strip())


def read_rows(path: str | Path) -> Rows:
    """Read a gold or prediction file; a paragraph listed twice is an error, blank lines are skipped."""
    path = Path(path)
    rows: Rows = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle.read().splitlines(), 1):
            if not line.strip():
                continue
            key, techniques = parse_row(line, f"{path}:{number}")
            if key in rows:
                raise ValueError(f"{path}:{number}: article {key[0]} line {key[1]} is listed twice")
            rows[key] = techniques
    if not rows:
        raise ValueError(f"{path}: no rows")
    return rows


def format_rows(rows: Mapping[tuple[str, int], Iterable[str]]) -> str:
    """Rows in the task's format, sorted by article and line."""
    return "".join(
        f"{aid}\t{line}\t{','.join(sorted(rows[(aid, line)]))}\n" for aid, line in sorted(rows, key=_order)
    )


def write_rows(rows: Mapping[tuple[str, int], Iterable[str]], path_or_stream: str | Path | IO[str]) -> None:
    text = format_rows(rows)
    if isinstance(path_or_stream, (str, Path)):
        Path(path_or_stream).write_text(text, encoding="utf-8")
    else:
        path_or_stream.write(text)


def _order(key: tuple[str, int]) -> tuple:
    aid, line = key
    return (int(aid) if aid.isdigit() else 0, aid, line)


def _f1(matched: int, predicted: int, gold: int) -> dict:
    """P, R and F1 from counts; with nothing predicted and nothing gold all three are 1, as the task scores."""
    if predicted == 0 and gold == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0, "matched": 0, "predicted": 0, "gold": 0}
    precision = matched / predicted if predicted else 1.0
    recall = matched / gold if gold else 1.0
    f1 = 2 * matched / (predicted + gold)
    return {"precision": precision, "recall": recall, "f1": f1, "matched": matched, "predicted": predicted,
            "gold": gold}


def score(gold: Rows, predicted: Mapping[tuple[str, int], Iterable[str]], labels: Iterable[str] = TAXONOMY) -> dict:
    """Micro P/R/F1 over (article, line, technique) pairs of the gold rows, macro-F1, and per label.

    Predictions for paragraphs that the gold file does not list are not
    scored (their number is returned as ``unscored``).
    """
    labels = tuple(labels)
    known = set(labels)
    matched: Counter = Counter()
    n_pred: Counter = Counter()
    n_gold: Counter = Counter()
    for key, truth in gold.items():
        truth = truth & known
        guess = frozenset(predicted.get(key, ())) & known
        n_gold.update(truth)
        n_pred.update(guess)
        matched.update(truth & guess)
    per_label = {label: _f1(matched[label], n_pred[label], n_gold[label]) for label in labels}
    micro = _f1(sum(matched.values()), sum(n_pred.values()), sum(n_gold.values()))
    return micro | {
        "macro_f1": sum(r["f1"] for r in per_label.values()) / len(labels) if labels else 0.0,
        "paragraphs": len(gold),
        "articles": len({aid for aid, _ in gold}),
        "unscored": sum(1 for key in predicted if key not in gold),
        "per_label": per_label,
    }


def everywhere(gold: Rows, label: str = "Loaded_Language") -> dict:
    """The baseline that gives every paragraph one label (the commonest, by default)."""
    return {key: frozenset({label}) for key in gold}


def format_table(result: Mapping, labels: Iterable[str] | None = None) -> str:
    """A plain-text report of a :func:`score` result; labels with no gold and no prediction are left out."""
    lines = [
        f"micro-F1 {result['f1']:.4f}  P {result['precision']:.4f}  R {result['recall']:.4f}"
        f"  ({result['matched']} of {result['gold']} gold (paragraph, technique) pairs found,"
        f" {result['predicted']} predicted; {result['paragraphs']} paragraphs in {result['articles']} articles)",
        f"macro-F1 {result['macro_f1']:.4f} over the {len(result['per_label'])} labels of the taxonomy",
        "",
    ]
    rows = {k: v for k, v in result["per_label"].items() if (labels is None or k in labels) and (v["gold"] or v["predicted"])}
    width = max([len(k) for k in rows] + [9])
    lines.append(f"{'technique':<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'gold':>5}  {'pred':>5}")
    for name, row in sorted(rows.items(), key=lambda kv: (-kv[1]["gold"], kv[0])):
        lines.append(f"{name:<{width}}  {row['precision']:6.4f}  {row['recall']:6.4f}  {row['f1']:6.4f}"
                     f"  {row['gold']:5d}  {row['predicted']:5d}")
    return "\n".join(lines)
