"""The thread decision (unspin.cores): affinity, quota, --jobs share, measured free cores; an explicit count wins."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from unspin import cores
from unspin.cores import Snapshot


@pytest.fixture
def fresh(monkeypatch):
    """No share and no watch left over from another test; thread counts recorded, not given to torch."""
    monkeypatch.setattr(cores, "_share", None)
    monkeypatch.setattr(cores, "_watch", None)
    monkeypatch.delenv(cores.ENV, raising=False)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)  # threads spin: the free cores decide
    applied = []
    monkeypatch.setattr(cores, "set_threads", applied.append)
    return applied


def ticks(user=0, nice=0, system=0, idle=0, iowait=0):
    return (user, nice, system, idle, iowait, 0, 0, 0)


def snap(wall, own, *per_cpu):
    return Snapshot(wall, own, dict(enumerate(per_cpu)))


@pytest.mark.parametrize(("share", "free", "threads"), [
    (2, None, 2),   # nothing measured: the share
    (2, 2.0, 2),    # an idle machine
    (2, 1.0, 1),    # one core held by another process
    (2, 1.49, 1),   # half a core short of two
    (2, 1.5, 2),    # a core counts when half of it is free
    (2, 0.0, 1),    # everything busy: still one thread
    (1, 2.0, 1),    # a --jobs worker's share caps what is free
    (4, 2.6, 3),
    (0, None, 1),   # more jobs than cores
])
def test_threads_are_the_share_or_the_free_cores_in_it(share, free, threads):
    assert cores.decide(share, free) == threads


def test_explicit_values():
    assert cores.explicit(None) is None
    assert cores.explicit("  ") is None
    assert cores.explicit("3") == 3
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(ValueError, match="UNSPIN_THREADS must be a whole number"):
            cores.explicit(bad)


def test_quota_texts():
    assert cores.quota_cores("max 100000") is None
    assert cores.quota_cores("150000 100000") == 1.5
    assert cores.quota_cores(None, "-1", "100000") is None
    assert cores.quota_cores(None, "200000", "100000") == 2.0


def test_the_tightest_quota_on_the_cgroup_and_its_parents(tmp_path):
    membership = tmp_path / "cgroup"
    membership.write_text("0::/outer/inner\n")
    (tmp_path / "outer" / "inner").mkdir(parents=True)
    (tmp_path / "outer" / "cpu.max").write_text("150000 100000\n")
    (tmp_path / "outer" / "inner" / "cpu.max").write_text("max 100000\n")
    assert cores.cgroup_quota(tmp_path, membership) == 1.5


def test_a_cgroup_v1_quota(tmp_path):
    membership = tmp_path / "cgroup"
    membership.write_text("4:memory:/job\n3:cpu,cpuacct:/job\n")
    place = tmp_path / "cpu,cpuacct" / "job"
    place.mkdir(parents=True)
    (place / "cpu.cfs_quota_us").write_text("50000\n")
    (place / "cpu.cfs_period_us").write_text("100000\n")
    assert cores.cgroup_quota(tmp_path, membership) == 0.5


def test_no_quota_where_there_is_none(tmp_path):
    membership = tmp_path / "cgroup"
    membership.write_text("0::/\n")
    assert cores.cgroup_quota(tmp_path, membership) is None
    assert cores.cgroup_quota(tmp_path, tmp_path / "absent") is None


def test_a_quota_bounds_the_cores_allowed():
    assert cores.allowed_cores([0, 1, 2, 3], quota=None) == 4
    assert cores.allowed_cores([0, 1, 2, 3], quota=1.5) == 2
    assert cores.allowed_cores([0, 1, 2, 3], quota=0.2) == 1
    assert cores.allowed_cores([0, 1], quota=8.0) == 2


def test_proc_stat_is_read_per_core():
    text = ("cpu  10 20 30 40 50 0 0 0 0 0\n"
            "cpu0 1 2 3 4 5 6 7 8 9 10\n"
            "cpu1 11 12 13 14 15 16 17 18 19 20\n"
            "intr 1 2 3\n")
    assert cores.parse_stat(text) == {0: (1, 2, 3, 4, 5, 6, 7, 8), 1: (11, 12, 13, 14, 15, 16, 17, 18)}


def test_free_cores_are_those_other_processes_leave():
    before = snap(0.0, 0.0, ticks(), ticks())
    # one core busy with another process, one idle; this process used nothing
    after = snap(1.0, 0.0, ticks(user=100), ticks(idle=100))
    assert cores.free_cores(before, after, [0, 1], nice_is_free=False) == pytest.approx(1.0)
    # both cores busy, but one of them with this process: that one is ours to take
    after = snap(1.0, 1.0, ticks(user=100), ticks(user=100))
    assert cores.free_cores(before, after, [0, 1], nice_is_free=False) == pytest.approx(1.0)
    # waiting for the disk is not using a core
    after = snap(1.0, 0.0, ticks(iowait=100), ticks(idle=50, system=50))
    assert cores.free_cores(before, after, [0, 1], nice_is_free=False) == pytest.approx(1.5)


def test_niced_work_is_free_to_a_process_that_is_not_niced():
    before = snap(0.0, 0.0, ticks(), ticks())
    after = snap(1.0, 0.0, ticks(nice=100), ticks(nice=100))
    assert cores.free_cores(before, after, [0, 1], nice_is_free=True) == pytest.approx(2.0)
    assert cores.free_cores(before, after, [0, 1], nice_is_free=False) == pytest.approx(0.0)


def test_only_the_cpus_this_process_may_use_count():
    before = snap(0.0, 0.0, ticks(), ticks(), ticks())
    after = snap(1.0, 0.0, ticks(idle=100), ticks(user=100), ticks(user=100))
    assert cores.free_cores(before, after, [0], nice_is_free=False) == pytest.approx(1.0)
    assert cores.free_cores(before, after, [5], nice_is_free=False) is None


def sampled(monkeypatch, *snapshots, cpus=(0, 1)):
    """``use`` and ``recheck`` read these snapshots in turn, on these CPUs, without sleeping."""
    queue = list(snapshots)
    monkeypatch.setattr(cores, "snapshot", lambda: queue.pop(0))
    monkeypatch.setattr(cores, "allowed_cpus", lambda: list(cpus))
    monkeypatch.setattr(cores, "cgroup_quota", lambda: None)
    monkeypatch.setattr(cores, "not_niced", lambda: False)
    monkeypatch.setattr(cores.time, "sleep", lambda seconds: None)
    return queue


def test_an_explicit_count_wins_and_is_never_rechecked(fresh, monkeypatch):
    sampled(monkeypatch)  # no snapshot to read: reading one would fail the test
    assert cores.use(3) == 3
    monkeypatch.setenv(cores.ENV, "5")
    assert cores.use(3) == 3  # the argument before the environment
    assert cores.use() == 5
    monkeypatch.setattr(cores.time, "monotonic", lambda: 1e9)
    assert cores.recheck() is None
    assert fresh == [3, 3, 5]


def test_the_free_cores_decide_at_load_and_again_later(fresh, monkeypatch):
    sampled(monkeypatch,
            snap(0.0, 0.0, ticks(), ticks()),
            snap(0.1, 0.0, ticks(user=10), ticks(idle=10)),      # at load: another process holds a core
            snap(10.0, 9.9, ticks(user=990), ticks(user=990, idle=10)),  # later: we held one, it held the other
            snap(20.0, 19.9, ticks(user=1990), ticks(user=990, idle=1010)))  # then it left
    assert cores.use() == 1
    now = [5.0]
    monkeypatch.setattr(cores.time, "monotonic", lambda: now[0])
    assert cores.recheck() is None  # too soon: nothing read
    now[0] = 10.0
    assert cores.recheck() == 1
    now[0] = 20.0
    assert cores.recheck() == 2
    assert fresh == [1, 1, 2]


def test_threads_that_sleep_at_barriers_take_the_share_whatever_is_free(fresh, monkeypatch):
    sampled(monkeypatch)  # no snapshot to read: reading one would fail the test
    monkeypatch.setenv("OMP_WAIT_POLICY", "passive")
    assert cores.use() == 2
    monkeypatch.setattr(cores.time, "monotonic", lambda: 1e9)
    assert cores.recheck() is None
    for policy, spins in (("PASSIVE", False), ("ACTIVE", True), ("", True)):
        monkeypatch.setenv("OMP_WAIT_POLICY", policy)
        assert cores.spinning() is spins
    assert fresh == [2]


def test_the_wait_policy_is_passive_where_the_cores_are_shared(fresh, monkeypatch):
    sampled(monkeypatch,
            snap(0.0, 0.0, ticks(), ticks()), snap(0.1, 0.0, ticks(idle=10), ticks(idle=10)),
            snap(0.0, 0.0, ticks(), ticks()), snap(0.1, 0.0, ticks(idle=10), ticks(user=6, idle=4)))
    assert cores.choose_wait_policy() == "default"
    assert "OMP_WAIT_POLICY" not in os.environ
    assert cores.choose_wait_policy() == "PASSIVE"  # more than half a core held by another process
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert cores.choose_wait_policy() == "ACTIVE"  # the user's, and nothing measured


def test_a_worker_takes_its_share_at_most(fresh, monkeypatch):
    sampled(monkeypatch, cpus=(0, 1, 2, 3))
    cores.share_cores(1)
    assert cores.use() == 1  # one core: nothing to measure
    assert cores.recheck() is None
    monkeypatch.setattr(cores, "_share", None)
    sampled(monkeypatch, snap(0.0, 0.0, *[ticks()] * 4), snap(0.1, 0.0, *[ticks(idle=10)] * 4), cpus=(0, 1, 2, 3))
    cores.share_cores(2)
    assert cores.use() == 2  # four idle cores, a share of two
    assert fresh == [1, 2]


def test_the_environment_is_checked(fresh, monkeypatch):
    monkeypatch.setenv(cores.ENV, "lots")
    with pytest.raises(ValueError, match="UNSPIN_THREADS"):
        cores.use()


# The command, for real.


def test_analyze_gives_the_same_bytes_whatever_the_thread_count(tmp_path, cli):
    from conftest import EXAMPLES
    from test_ingest import write_corpus
    from test_techniques_model import LOADED, NEUTRAL

    corpus = write_corpus(tmp_path / "corpus.jsonl", n=6)
    loaded = tmp_path / "loaded.txt"  # so that technique spans, and their confidences, are compared too
    loaded.write_text("Council budget\n\n" + NEUTRAL + LOADED + "\n", encoding="utf-8")
    args = ("analyze", "--no-progress", "--format", "jsonl", "--jobs", "1", str(EXAMPLES), str(corpus), str(loaded))
    one = cli(*args, timeout=600, env={cores.ENV: "1"})
    two = cli(*args, timeout=600, env={cores.ENV: "2"})
    assert one.returncode == 1  # the corpus's bad JSON line
    assert json.loads(one.stdout.decode().splitlines()[-1])["layers"]["techniques"]
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr


def test_a_bad_thread_count_is_one_line_and_exit_2(cli):
    done = cli("analyze", "-", stdin=b"text", env={cores.ENV: "many"})
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        "unspin: error: UNSPIN_THREADS must be a whole number of threads, 1 or more, not 'many'"]


PROBE = """
import os, sys
from unspin import cores
cores.sample_free = lambda cpus, seconds: ({free}, None)  # what the cores look like, without measuring
sys.argv = ["unspin", "--version"]
from unspin.cli import run
try:
    run()
except SystemExit:
    pass
print(os.environ.get("OMP_WAIT_POLICY", "default"))
"""


@pytest.mark.parametrize(("given", "free", "expected"), [
    (None, 0.0, "PASSIVE"),   # the cores are shared: threads sleep at barriers
    (None, 64.0, "default"),  # they are free: OpenMP's own policy, the fastest there
    ("ACTIVE", 0.0, "ACTIVE"),  # the user's choice stays
])
def test_the_command_chooses_the_openmp_wait_policy_from_the_free_cores(given, free, expected):
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given:
        env["OMP_WAIT_POLICY"] = given
    done = subprocess.run([sys.executable, "-c", PROBE.format(free=free)], capture_output=True, text=True, env=env,
                          check=True)
    assert done.stdout.splitlines()[-1] == expected
