"""The progress display of the long commands: a count of inputs out of a real total.

The unit is the input (a file, ``-``, one pattern that matched nothing),
because that is what the command knows the number of before it starts: the
arguments are expanded once up front (folders walked, globs matched), which
costs a directory listing. Documents are not countable in advance (a WARC or
JSON Lines file holds any number), so they are counted in the description.

On a terminal it is a rich bar that leaves nothing behind. Off a terminal (a
log file, a pipe) a bar would write control codes and a stray newline, so
``--progress`` there writes plain lines instead: one at most every
``PLAIN_EVERY`` seconds and one at the end, each a complete sentence.
"""

from __future__ import annotations

import time
from typing import Iterable, Iterator, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from unspin.document import Document
from unspin.errors import Failure

PLAIN_EVERY = 10.0


def count_inputs(paths: Iterable[str], exclude: Sequence[str] = ()) -> int:
    """How many inputs the arguments name (each file of a folder or glob, ``-``, each argument that fails),
    leaving out what ``exclude`` keeps out, as the reader does."""
    from unspin.ingest.sources import expand

    return sum(1 for _ in expand(paths, exclude))


def input_name(item: Document | Failure) -> str:
    return item.input if isinstance(item, Failure) else item.source.name


class InputsSeen:
    """Tells when a stream of Documents and Failures, which come in input order, reaches a new input."""

    def __init__(self) -> None:
        self.last: str | None = None

    def new(self, item: Document | Failure) -> bool:
        name = input_name(item)
        fresh = name != self.last
        self.last = name
        return fresh


def tracked(items: Iterable[Document | Failure], on_new_input) -> Iterator[Document | Failure]:
    """``items`` unchanged, calling ``on_new_input()`` when the stream reaches another input."""
    seen = InputsSeen()
    for item in items:
        if seen.new(item):
            on_new_input()
        yield item


class PlainProgress:
    """``--progress`` off a terminal: the same calls as rich's Progress, written as occasional plain lines."""

    def __init__(self, console: Console, every: float = PLAIN_EVERY) -> None:
        self.console = console
        self.every = every
        self.tasks: dict[int, dict] = {}
        self.last = time.monotonic()

    def __enter__(self) -> "PlainProgress":
        return self

    def __exit__(self, *exc) -> None:
        for task in self.tasks.values():
            self._line(task)

    def add_task(self, description: str, total: float | None = None) -> int:
        self.tasks[len(self.tasks)] = {"description": description, "total": total, "completed": 0}
        return len(self.tasks) - 1

    def advance(self, task: int, advance: float = 1) -> None:
        self.update(task, advance=advance)

    def update(self, task: int, advance: float = 0, description: str | None = None, total: float | None = None,
               completed: float | None = None) -> None:
        state = self.tasks[task]
        state["completed"] = completed if completed is not None else state["completed"] + advance
        if description is not None:
            state["description"] = description
        if total is not None:
            state["total"] = total
        if time.monotonic() - self.last >= self.every:
            self._line(state)

    def _line(self, state: dict) -> None:
        self.last = time.monotonic()
        total = "" if state["total"] is None else f"/{int(state['total'])}"
        self.console.print(f"unspin: {state['description']}: {int(state['completed'])}{total} input(s)",
                           markup=False, highlight=False, soft_wrap=True)


def progress_display(console: Console, show: bool | None):
    """The display for ``--progress/--no-progress`` (``show``; None: only on a terminal)."""
    if show is None:
        show = console.is_terminal
    if show and not console.is_terminal:
        return PlainProgress(console)
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=not show, transient=True,
    )
