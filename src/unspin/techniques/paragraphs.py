"""Paragraphs of a text, with their character offsets: the unit of the paragraph view of techniques.

A paragraph is a non-empty line: readers put one paragraph per line (the
Document's text joins paragraphs with line breaks), and SemEval-2023 Task 3
subtask 3 labels exactly these units, numbering every line of the file from
1 and listing only the lines that hold more than white space. A paragraph's
bounds leave out the white space around it, so ``text[start:end]`` is the
paragraph as a reader sees it and ``line`` is the number the task gives it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """One non-empty line: ``[start, end)`` in code points of the text, ``line`` counted from 1."""

    line: int
    start: int
    end: int


def split(text: str) -> list[Paragraph]:
    """The non-empty lines of ``text``, in order, trimmed of surrounding white space.

    Lines end at ``\\n`` only, as the task's files are counted (a ``\\r``
    before it is white space and stays outside the bounds).
    """
    out: list[Paragraph] = []
    pos = 0
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            out.append(Paragraph(number, start, start + len(stripped)))
        pos += len(line) + 1
    return out
