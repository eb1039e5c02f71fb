"""The SemEval-2023 Task 3 annotation of the PTC articles, moved onto PTC's text and taxonomy.

The 2023 organisers annotated the same 446 articles again, independently,
with a finer taxonomy and re-flowed text (sentences joined into
paragraphs). Its spans become extra supervision for the 2020 classes once
two things are undone:

- the text: offsets are carried over character by character on the
  non-space characters of both versions (the re-flow changes only
  whitespace in most articles; where words differ, a diff of the two
  non-space sequences keeps what matches and drops a span whose ends fall
  in a changed stretch);
- the taxonomy: each 2023 label maps to the 2020 class that held the same
  idea; labels with no 2020 counterpart (vagueness and obfuscation, which
  SemEval-2020 left out) are dropped.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.eval.techniques import Labelled, read_article

#: 2023 label -> 2020 class (SemEval-2020 Task 11 spelling).
TO_2020 = {
    "Loaded_Language": "Loaded_Language",
    "Name_Calling-Labeling": "Name_Calling,Labeling",
    "Repetition": "Repetition",
    "Doubt": "Doubt",
    "Exaggeration-Minimisation": "Exaggeration,Minimisation",
    "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
    "Flag_Waving": "Flag-Waving",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Slogans": "Slogans",
    "Appeal_to_Authority": "Appeal_to_Authority",
    "False_Dilemma-No_Choice": "Black-and-White_Fallacy",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Red_Herring": "Whataboutism,Straw_Men,Red_Herring",
    "Straw_Man": "Whataboutism,Straw_Men,Red_Herring",
    # 2023 split the 2020 class "Whataboutism" and "Reductio ad hitlerum" into finer ones
    "Appeal_to_Hypocrisy": "Whataboutism,Straw_Men,Red_Herring",
    "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",
    "Guilt_by_Association": "Bandwagon,Reductio_ad_hitlerum",
    "Conversation_Killer": "Thought-terminating_Cliches",
}

_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Alignment:
    """For each character of the 2023 text, its offset in the PTC text (-1 where it has none)."""

    to_ptc: np.ndarray

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """A 2023 span in PTC offsets, or None when an end lies in text the two versions do not share."""
        inside = self.to_ptc[start:end]
        mapped = inside[inside >= 0]
        if not len(mapped) or self.to_ptc[start] < 0 and self.to_ptc[end - 1] < 0:
            return None
        return int(mapped[0]), int(mapped[-1]) + 1


def non_space(text: str) -> tuple[str, np.ndarray]:
    """The text without whitespace, and each kept character's offset in the text."""
    keep = np.array([not _SPACE.match(c) for c in text], dtype=bool)
    where = np.nonzero(keep)[0]
    return "".join(text[i] for i in where), where


def align(text_2023: str, text_ptc: str) -> Alignment:
    a, a_at = non_space(text_2023)
    b, b_at = non_space(text_ptc)
    to_ptc = np.full(len(text_2023), -1, dtype=np.int64)
    if a == b:
        to_ptc[a_at] = b_at
        return Alignment(to_ptc)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for i, j, n in matcher.get_matching_blocks():
        if n:
            to_ptc[a_at[i : i + n]] = b_at[j : j + n]
    return Alignment(to_ptc)


def read_spans(path: Path) -> list[tuple[str, str, int, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article, label, start, end = line.split("\t")
            rows.append((article, label, int(start), int(end)))
    return rows


def spans_on_ptc(data: Path, ptc_texts: dict[str, str]) -> list[Labelled]:
    """The 2023 spans of the given PTC articles, in PTC offsets and 2020 classes (duplicates of one span dropped)."""
    out: set[Labelled] = set()
    for article_id, text in sorted(ptc_texts.items()):
        labels = data / "labels-spans" / f"article{article_id}-labels-subtask-3.txt"
        source = data / "articles" / f"article{article_id}.txt"
        if not labels.is_file() or not source.is_file():
            continue
        alignment = align(read_article(source), text)
        for _, label, start, end in read_spans(labels):
            technique = TO_2020.get(label)
            moved = alignment.span(start, end) if technique and end > start else None
            if moved:
                out.add(Labelled(article_id, technique, *moved))
    return sorted(out, key=lambda s: (s.article_id, s.start, s.end, s.technique))
