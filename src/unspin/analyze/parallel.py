"""Run the pipeline over many documents on several cores, with the output in input order.

Each worker process builds the pipeline once (so loads spaCy and the
technique model once) and then analyses document after document. Documents
travel as their ``unspin/1`` JSON, the one serialization, so a worker's
result is exactly what it would have written. At most a few documents per
worker are in flight: reading a large WARC never runs ahead of analysis
into memory. A component that raises on one document turns that document
into a Failure (U011) and the batch goes on, with or without workers.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice

from unspin.document import Document
from unspin.errors import E, Failure

#: Documents queued per worker beyond the one it is working on.
AHEAD = 2

_components = None


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity, bounded by a cgroup CPU quota)."""
    from unspin.cores import allowed_cores

    return allowed_cores()


def analysed(doc: Document, components) -> Document | Failure:
    from unspin.analyze import run

    try:
        return run(doc, components)
    except Exception as exc:  # one page choking a component must not stop the batch
        reason = f"analysis failed: {type(exc).__name__}: {exc}".splitlines()[0][:300]
        return Failure(doc.source.name, E.ANALYSIS.value, reason, doc.source.record)


def _die_with_parent() -> None:
    """Linux: ask the kernel to end this worker when the parent dies, even by SIGKILL (no orphans)."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        parent = os.getppid()
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the request was in place
            os._exit(1)


def _start_worker(share: int) -> None:
    global _components
    _die_with_parent()
    from unspin import cores

    # OMP_WAIT_POLICY comes in the parent's environment, where the command chose it (cores.choose_wait_policy)
    cores.share_cores(share)  # the cores are shared between workers, not each worker's to take
    from unspin.analyze import build

    _components = build()


def _work(data: dict) -> dict | Failure:
    result = analysed(Document.from_json(data), _components)
    return result if isinstance(result, Failure) else result.to_json()


def analyse(items: Iterable[Document | Failure], jobs: int = 1) -> Iterator[Document | Failure]:
    """The pipeline's result for each item (Failures pass through), in the order of ``items``."""
    items = iter(items)
    head = list(islice(items, 2))
    if jobs <= 1 or sum(isinstance(i, Document) for i in head) < 2:
        yield from _in_process(chain(head, items))
    else:
        yield from _in_workers(chain(head, items), jobs)


def _in_process(items: Iterator[Document | Failure]) -> Iterator[Document | Failure]:
    from unspin.analyze import build

    components = None
    for item in items:
        if isinstance(item, Failure):
            yield item
            continue
        components = components or build()
        yield analysed(item, components)


def _in_workers(items: Iterator[Document | Failure], jobs: int) -> Iterator[Document | Failure]:
    import multiprocessing

    share = max(1, default_jobs() // jobs)
    # spawn, not fork: the parent may hold torch or spaCy state that a fork would copy half-initialised
    context = multiprocessing.get_context("spawn")
    pending: deque[Future | Failure] = deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(share,)) as pool:
        for item in items:
            pending.append(item if isinstance(item, Failure) else pool.submit(_work, item.to_json()))
            while len(pending) > jobs * (AHEAD + 1):
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())


def _result(entry: Future | Failure) -> Document | Failure:
    if isinstance(entry, Failure):
        return entry
    out = entry.result()
    return out if isinstance(out, Failure) else Document.from_json(out)
