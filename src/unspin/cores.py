"""torch's threads here: how many (the cores this process may use, or those free), and whether they spin.

torch's default is every core of the machine, as if it were alone on it, and
GNU OpenMP's threads (torch's) spin for a while at every barrier. When
another process shares the cores, two such threads on two cores wait on each
other while the other process holds one of the cores, and the technique
layer's time grew from 0.9 to 4.5 times spaCy's (issue 12).

The wait policy, chosen once, before torch loads (``choose_wait_policy``,
which the command runs first): ``OMP_WAIT_POLICY=PASSIVE`` (threads sleep
at a barrier) when other processes hold some of this process's cores then,
OpenMP's default when they are free. A value the user set stays.

The thread count, decided where the technique model loads (``use``):

1. an explicit count wins: ``TechniqueModel.load(threads=N)``, else the
   ``UNSPIN_THREADS`` environment variable;
2. otherwise the share of this process: the cores it may run on (its CPU
   affinity, bounded by a cgroup CPU quota), or less when it is one of
   several processes splitting them (a ``--jobs`` worker takes
   ``cores // jobs``, a Spark task ``spark.task.cpus``: ``share_cores``);
3. when the threads spin (``OMP_WAIT_POLICY`` is not ``PASSIVE``), only the
   cores of that share that other processes leave free: a core counts when
   at least half of it is free; at least one thread, always. Re-decided
   during a batch (``recheck``).

Why (measured by ``bench/bench_techniques.py``; figures in the README): on
free cores, spinning threads are the fastest (sleeping ones pay a wake-up at
every barrier, and the layer took longer with PASSIVE). Under contention, a
spinning thread that waits at a barrier holds a core the other process
needs, so two spinning threads lose to one; sleeping threads give the core
back while they wait, and two of them did no worse than one, so with
PASSIVE the count stays the share. A batch that starts on free cores and
meets a competitor later keeps spinning threads (OpenMP reads the policy
once) and drops to the free cores until the competitor leaves.

Why ``/proc/stat`` and not ``os.getloadavg()``: the load average is a
one-minute (at best) exponentially damped count of runnable tasks, so it
answers for the past minute, not for now (a competitor started ten seconds
ago shows as a fraction of itself); it counts this process's own threads,
so a re-check during a batch would see the layer itself as a competitor; it
counts tasks in uninterruptible sleep (disk waits), which use no CPU; and it
is machine-wide, blind to CPU affinity. ``/proc/stat`` gives each core's
busy and idle time: over an interval it says how much of the cores this
process may run on other processes used, once this process's own CPU time
(``time.process_time``) over the same interval is taken away. At load, the
interval is a 0.1 s sample: about 10 clock ticks per core, enough to tell
a busy core from an idle one, and nothing next to the model's load time.
During a batch, the interval is simply the time since the last check, so
re-checking costs one read of ``/proc/stat`` and never waits.

Time in processes with a higher nice value than ours counts as free when this
process is not niced itself: Linux's scheduler gives a nice-0 process almost
all of a core shared with a nice-19 one. (``/proc/stat`` does not say how
niced they are, so a slightly niced competitor is counted as free too.)

Re-checking, where the free cores decide: ``recheck()``, called by the
techniques layer before each document, decides again every
``RECHECK_SECONDS`` over the time since the last check. A batch of hours
outlives the load that was there when it started (a training run that
ends, a second batch that starts), and a thread count fixed at load would
keep the wrong one for the rest of it. An explicit count is never
re-decided.

Off Linux (no ``/proc/stat``), the count is the share. torch's thread count is
process-wide state, so this module's state is too: the share set by the
process that splits the cores, and the last measurement.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

#: The environment variable that fixes the thread count (a whole number ≥ 1).
ENV = "UNSPIN_THREADS"
#: The sample taken when the model loads.
SAMPLE_SECONDS = 0.1
#: How often a batch decides again, at most (each check reads /proc/stat once).
RECHECK_SECONDS = 5.0
#: The fraction of a core that must be free (or allowed by a quota) for it to count.
ENOUGH = 0.5

# /proc/stat's columns (clock ticks): user nice system idle iowait irq softirq steal; guest is inside user.
_NICE, _IDLE, _IOWAIT, _COLUMNS = 1, 3, 4, 8


def wait_passively() -> None:
    """OpenMP threads sleep at a barrier, not spin (``OMP_WAIT_POLICY=PASSIVE``), unless the user chose.

    For processes that share their cores by design (Spark tasks on one
    executor). The runtime reads the variable once, when it starts: call
    this before anything imports torch (loading spaCy does).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def choose_wait_policy(sample: float = SAMPLE_SECONDS) -> str:
    """``OMP_WAIT_POLICY=PASSIVE`` when other processes hold some of this process's cores; else OpenMP's own.

    A value the user set stays. Call it before anything imports torch
    (loading spaCy does): the runtime reads the variable once. Returns the
    policy in effect (``default`` for OpenMP's own).
    """
    if "OMP_WAIT_POLICY" not in os.environ:
        cpus = allowed_cpus()
        free, _ = sample_free(cpus, sample)
        if free is not None and whole(free) < allowed_cores(cpus):
            os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return os.environ.get("OMP_WAIT_POLICY", "default")


@dataclass(frozen=True)
class Snapshot:
    """Each core's /proc/stat ticks, this process's CPU seconds, and the monotonic clock, read together."""

    wall: float
    own: float
    ticks: dict[int, tuple[int, ...]]


def whole(cores: float) -> int:
    """The cores that count in a fraction of cores: one counts when at least ``ENOUGH`` of it is there."""
    return math.floor(cores + 1 - ENOUGH)


def decide(share: int, free: float | None) -> int:
    """Threads for this process: its share of the cores, or the cores free in it when fewer; at least one."""
    share = max(1, share)
    if free is None:
        return share
    return max(1, min(share, whole(free)))


def explicit(value: str | None) -> int | None:
    """The thread count an ``UNSPIN_THREADS`` value asks for; None when unset or empty."""
    if value is None or not value.strip():
        return None
    try:
        n = int(value.strip())
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"{ENV} must be a whole number of threads, 1 or more, not {value!r}")
    return n


def quota_cores(cpu_max: str | None = None, quota_us: str | None = None,
                period_us: str | None = None) -> float | None:
    """Cores a cgroup CPU quota allows: v2's ``cpu.max`` text, or v1's quota and period; None for no quota."""
    if cpu_max is not None:
        parts = cpu_max.split()
        if len(parts) == 2 and parts[0] != "max":
            return int(parts[0]) / int(parts[1])
        return None
    if quota_us is not None and period_us is not None and int(quota_us) > 0:
        return int(quota_us) / int(period_us)
    return None


def cgroup_quota(root: Path = Path("/sys/fs/cgroup"),
                 membership: Path = Path("/proc/self/cgroup")) -> float | None:
    """The tightest CPU quota on this process's cgroup and its parents (v2 or v1); None when there is none."""
    try:
        lines = membership.read_text().splitlines()
    except OSError:
        return None
    found = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # cgroup v2: limits on each ancestor apply
            parts = Path(path).parts
            for k in range(len(parts), 0, -1):
                found.append(_read_quota(root.joinpath(*parts[1:k]) / "cpu.max", None, None))
        elif "cpu" in controllers.split(","):
            for mount in (root / "cpu", root / "cpu,cpuacct", root / "cpuacct,cpu"):
                place = mount.joinpath(*Path(path).parts[1:])
                found.append(_read_quota(None, place / "cpu.cfs_quota_us", place / "cpu.cfs_period_us"))
    found = [q for q in found if q is not None]
    return min(found) if found else None


def _read_quota(cpu_max: Path | None, quota: Path | None, period: Path | None) -> float | None:
    try:
        if cpu_max is not None:
            return quota_cores(cpu_max.read_text())
        return quota_cores(None, quota.read_text(), period.read_text())
    except (OSError, ValueError):
        return None


def allowed_cpus() -> list[int]:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def allowed_cores(cpus: list[int] | None = None, quota: float | None = None) -> int:
    """How many cores this process may use: its CPUs, fewer when a cgroup quota allows fewer."""
    n = len(cpus if cpus is not None else allowed_cpus())
    quota = cgroup_quota() if quota is None else quota
    return max(1, min(n, whole(quota))) if quota is not None else n


def parse_stat(text: str) -> dict[int, tuple[int, ...]]:
    """Each core's tick columns from the text of /proc/stat."""
    out = {}
    for line in text.splitlines():
        if line.startswith("cpu") and line[3:4].isdigit():
            name, *columns = line.split()
            out[int(name[3:])] = tuple(int(c) for c in columns[:_COLUMNS])
    return out


def snapshot() -> Snapshot | None:
    try:
        text = Path("/proc/stat").read_text()
    except OSError:
        return None
    return Snapshot(time.monotonic(), time.process_time(), parse_stat(text))


def free_cores(before: Snapshot, after: Snapshot, cpus: list[int], nice_is_free: bool) -> float | None:
    """Of ``cpus``, the cores other processes left free between two snapshots (our own use counts as free)."""
    busy, counted = 0.0, 0
    for cpu in cpus:
        if cpu not in before.ticks or cpu not in after.ticks:
            continue
        delta = [a - b for a, b in zip(after.ticks[cpu], before.ticks[cpu])]
        total = sum(delta)
        if total <= 0:
            continue
        idle = delta[_IDLE] + delta[_IOWAIT] + (delta[_NICE] if nice_is_free else 0)
        busy += (total - idle) / total
        counted += 1
    wall = after.wall - before.wall
    if not counted or wall <= 0:
        return None
    own = (after.own - before.own) / wall
    return max(0.0, counted - max(0.0, busy - own))


def spinning() -> bool:
    """Whether OpenMP threads spin at barriers: OMP_WAIT_POLICY is not PASSIVE (GNU OpenMP spins by default).

    The runtime read the variable when torch loaded; the environment is
    taken to say what it read (``wait_passively`` runs before torch loads).
    """
    return os.environ.get("OMP_WAIT_POLICY", "").strip().upper() != "PASSIVE"


def sample_free(cpus: list[int], seconds: float) -> tuple[float | None, Snapshot | None]:
    """The free cores of ``cpus`` over ``seconds`` (None off Linux), and the snapshot that ends the sample."""
    before = snapshot()
    if before is None:
        return None, None
    time.sleep(seconds)
    after = snapshot()
    return free_cores(before, after, cpus, not_niced()), after


def not_niced() -> bool:
    try:
        return os.getpriority(os.PRIO_PROCESS, 0) <= 0
    except (AttributeError, OSError):
        return True


@dataclass
class _Watch:
    """What a re-check needs: the share, the CPUs, the last snapshot."""

    share: int
    cpus: list[int]
    last: Snapshot


# Process-wide, as torch's thread count is.
_share: int | None = None
_watch: _Watch | None = None


def share_cores(n: int) -> None:
    """This process is one of several splitting the cores (a ``--jobs`` worker, a Spark task): it takes n."""
    global _share
    _share = max(1, n)


def set_threads(n: int) -> None:
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def use(threads: int | None = None, sample: float = SAMPLE_SECONDS) -> int:
    """Decide torch's thread count and set it; the count. Called where the technique model loads."""
    global _watch
    n = threads or explicit(os.environ.get(ENV))
    if n:
        _watch = None  # an explicit count stays
        set_threads(n)
        return n
    cpus = allowed_cpus()
    share = min(_share or len(cpus), allowed_cores(cpus))
    free, after = sample_free(cpus, sample) if share > 1 and spinning() else (None, None)
    if after is None:
        _watch = None
        set_threads(share)
        return share
    n = decide(share, free)
    _watch = _Watch(share, cpus, after)
    set_threads(n)
    return n


def recheck() -> int | None:
    """At a document boundary: decide again if ``RECHECK_SECONDS`` have passed since the last check.

    The count when decided, else None. Costs one read of /proc/stat, no wait.
    """
    if _watch is None or time.monotonic() - _watch.last.wall < RECHECK_SECONDS:
        return None
    now = snapshot()
    if now is None:
        return None
    n = decide(_watch.share, free_cores(_watch.last, now, _watch.cpus, not_niced()))
    _watch.last = now
    set_threads(n)
    return n
