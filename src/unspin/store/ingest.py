"""``unspin ingest``: read, analyse and store, in batches, resumable after any crash.

Documents already in the store are recognised by identity before they are
analysed, so a rerun after a crash (or over a folder that grew) costs only
the reading of what is already stored. Each batch of analysed documents and
the failures met on the way is one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine

from unspin.document import Document
from unspin.errors import Failure
from unspin.ingest import assume_published
from unspin.store.corpus import failure_recorded, stored_ids, write_batch
from unspin.store.db import optimize

#: Documents per transaction: small enough that a crash loses little work, large enough to amortise commits.
BATCH = 20


@dataclass
class IngestReport:
    stored: int = 0
    already: int = 0
    duplicates: int = 0
    #: Failures of a Spark run that the store held already (the same output loaded again): not new.
    known_failures: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: "IngestReport") -> None:
        """Fold in the report of another pass of the same command."""
        self.stored += other.stored
        self.already += other.already
        self.duplicates += other.duplicates
        self.known_failures += other.known_failures
        self.failures.extend(other.failures)
        self.seconds += other.seconds


def is_analysed(item: Document | Failure) -> bool:
    """A Document that arrives with layers was analysed already (an ``unspin/1`` line of
    ``unspin analyze --format jsonl``): the readers never make layers, the pipeline always does."""
    return isinstance(item, Document) and bool(item.layers)


class _Peekable:
    def __init__(self, items: Iterable):
        self._items = iter(items)
        self._head: list = []

    def peek(self):
        if not self._head:
            self._head.append(next(self._items))  # StopIteration ends the caller
        return self._head[0]

    def next(self):
        return self._head.pop() if self._head else next(self._items)


def _analyse_new(items: Iterable[Document | Failure], jobs: int) -> Iterator[Document | Failure]:
    """Items in their order: analysed Documents as they are, the others through the pipeline.

    Runs of items to analyse go to ``analyse`` together, so its worker
    processes start once per run, not once per document.
    """
    from unspin.analyze.parallel import analyse

    stream = _Peekable(items)

    def run() -> Iterator[Document | Failure]:
        while True:
            try:
                if is_analysed(stream.peek()):
                    return
            except StopIteration:
                return
            yield stream.next()

    while True:
        try:
            head = stream.peek()
        except StopIteration:
            return
        if is_analysed(head):
            yield stream.next()
        else:
            yield from analyse(run(), jobs)


def ingest(
    engine: Engine,
    items: Iterable[Document | Failure],
    published: str | None = None,
    batch: int = BATCH,
    advance: Callable[[str], None] = lambda _state: None,
    jobs: int = 1,
    analysed: bool = False,
) -> IngestReport:
    """Analyse and store every new Document of ``items``; ``advance`` hears "analysed", "already" or "failed".

    With ``jobs`` > 1 the analysis runs in that many worker processes; what
    is stored, and in which order, is the same as with one. ``analysed``
    says the Documents come analysed already (from ``unspin spark`` output)
    and are stored as they are; so are Documents that arrive with layers
    (``is_analysed``) in any stream. The failures that output recorded and
    the store holds already are counted in ``known_failures``, not as new
    ones, so that loading the same output twice changes nothing and says so.
    """

    report = IngestReport()
    started = time.monotonic()
    pending: list[Document] = []
    failed: list[Failure] = []
    queued: set[str] = set()

    def flush() -> None:
        if not pending and not failed:
            return
        for result in write_batch(engine, pending, failed):
            if result.skipped:
                report.already += 1
            else:
                report.stored += 1
                report.duplicates += result.duplicate_of is not None
        report.failures.extend(failed)
        pending.clear()
        failed.clear()

    def new_only(stream: Iterable[Document | Failure]) -> Iterator[Document | Failure]:
        for item in stream:
            if isinstance(item, Failure):
                if analysed and failure_recorded(engine, item):
                    report.known_failures += 1
                    advance("already")
                else:
                    yield item
            elif item.id in queued or stored_ids(engine, [item.id]):
                report.already += 1
                advance("already")
            else:
                queued.add(item.id)
                yield assume_published(item, published)

    for item in new_only(items) if analysed else _analyse_new(new_only(items), jobs):
        if isinstance(item, Failure):
            failed.append(item)
            advance("failed")
        else:
            pending.append(item)
            advance("analysed")
        if len(pending) + len(failed) >= batch:
            flush()
    flush()
    if report.stored:
        optimize(engine)
    report.seconds = time.monotonic() - started
    return report
