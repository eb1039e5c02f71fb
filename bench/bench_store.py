"""The corpus store's costs: what storing adds to analysis, and how fast search answers on 100,000 documents.

1. Ingest overhead. The reference is what ``unspin analyze --format jsonl``
   does per article (read, run the whole pipeline, serialize); the measured
   side is what ``unspin ingest`` does (the same, plus writing each batch of
   20 into a fresh SQLite store: row, side tables, MinHash, LSH bands, story
   lookup, FTS index). Whole passes alternate in one process; the median
   ratio is reported (target: storing costs under 25% on top).
2. Search latency. A corpus of generated documents (Zipf-distributed words
   from a fixed vocabulary, random outlets, dates, entities and techniques)
   is bulk-loaded into SQLite and into a throwaway PostgreSQL cluster, and
   a fixed mix of queries (words, phrases, prefixes, OR/NOT, filters) is run
   as the web search page runs it: the first page of 20 with snippets, and
   again with facets. p50 and p95 are reported per engine.

    .venv/bin/python bench/bench_store.py [--articles DIR] [--documents 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from common import paired_passes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "ptc" / "dev" / "articles"


# --- 1. ingest overhead --------------------------------------------------------------------------


def load_texts(directory: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(directory.glob("*.txt"))]


def ingest_sides(workdir: Path):
    from unspin.analyze import build, run
    from unspin.errors import Failure
    from unspin.ingest import read_bytes
    from unspin.store.corpus import write_batch
    from unspin.store.db import connect
    from unspin.store.ingest import BATCH

    components = build()
    sink = open("/dev/null", "w", encoding="utf-8")
    passes = iter(range(10**6))

    def analyze_jsonl(articles):
        for name, data in articles:
            for item in read_bytes(name, data, format="text"):
                if not isinstance(item, Failure):
                    sink.write(run(item, components).dumps() + "\n")

    def ingest(articles):
        engine = connect(str(workdir / f"pass-{next(passes)}.db"))
        pending = []
        for name, data in articles:
            for item in read_bytes(name, data, format="text"):
                if not isinstance(item, Failure):
                    pending.append(run(item, components))
                    if len(pending) == BATCH:
                        write_batch(engine, pending)
                        pending.clear()
        write_batch(engine, pending)
        engine.dispose()

    return {"analyze": analyze_jsonl, "ingest": ingest}


# --- 2. search latency ---------------------------------------------------------------------------

VOCABULARY = 20000
WORDS_PER_DOC = (120, 600)
OUTLETS = [f"outlet{i}.example" for i in range(40)]
ENTITIES = [f"Entity {i}" for i in range(2000)]
QUERIES = [
    "w12", "w250", "w4000", "w15000", '"w3 w7"', '"w20 w21"', "w45*", "w123*", "w5 w9", "w5 OR w900",
    "(w10 OR w11) w300", "w2 -w3", "w40 outlet:outlet3.example", "w8 technique:loaded", "w30 after:2025-06-01",
    'entity:"Entity 17"', "outlet:outlet5.example before:2024-12-31", "w77 w88 w99", "w6 language:en",
    "technique:fear w1000",
]


def word(rank: int) -> str:
    return f"w{rank}"


def generated_rows(n: int, seed: int = 5):
    """Rows for documents, mentions and technique_counts, and the outlets; deterministic for a seed."""
    import numpy as np

    from unspin.eval.techniques import TECHNIQUES

    rng = np.random.default_rng(seed)
    py = random.Random(seed)
    start = datetime.date(2024, 1, 1)
    now = datetime.datetime.now(datetime.timezone.utc)
    for pk in range(1, n + 1):
        length = int(rng.integers(*WORDS_PER_DOC))
        ranks = np.minimum(rng.zipf(1.15, length), VOCABULARY)
        text = " ".join(word(int(r)) for r in ranks) + "."
        doc_id = f"gen{pk:08d}"
        document = json.dumps({"schema": "unspin/1", "id": doc_id, "text": text})
        yield {
            "documents": {
                "pk": pk, "id": doc_id, "url": f"https://{OUTLETS[pk % len(OUTLETS)]}/{pk}",
                "outlet": OUTLETS[pk % len(OUTLETS)], "title": " ".join(word(int(r)) for r in ranks[:8]),
                "published": start + datetime.timedelta(days=int(rng.integers(0, 730))), "language": "en",
                "text": text, "document": document, "source_name": doc_id, "content_sha256": doc_id,
                "words": length, "sentences": max(1, length // 20), "speculative": int(rng.integers(0, 4)),
                "attributions": int(rng.integers(0, 6)), "vague_attributions": int(rng.integers(0, 2)),
                "technique_spans": 0, "appeals": 0, "ingested_at": now,
            },
            "mentions": [{"document": pk, "canonical": e, "label": "ORG", "count": 1}
                         for e in sorted(set(py.sample(ENTITIES, py.randint(1, 6))))],
            "technique_counts": [{"document": pk, "technique": t, "count": 1, "max_confidence": 0.3, "own": 1}
                                 for t in sorted(set(py.sample(TECHNIQUES, py.randint(0, 3))))],
        }


def bulk_load(engine, n: int, chunk: int = 2000) -> float:
    from unspin.store.tables import documents, mentions, outlets, technique_counts

    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(outlets.insert(), [{"domain": o, "name": o} for o in OUTLETS])
    batch = {"documents": [], "mentions": [], "technique_counts": []}
    tables = {"documents": documents, "mentions": mentions, "technique_counts": technique_counts}

    def flush():
        with engine.begin() as conn:
            for name in ("documents", "mentions", "technique_counts"):
                if batch[name]:
                    conn.execute(tables[name].insert(), batch[name])
                    batch[name].clear()

    for i, rows in enumerate(generated_rows(n), start=1):
        batch["documents"].append(rows["documents"])
        batch["mentions"].extend(rows["mentions"])
        batch["technique_counts"].extend(rows["technique_counts"])
        if i % chunk == 0:
            flush()
    flush()
    from unspin.store.db import optimize

    optimize(engine)  # what unspin ingest does at its end
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def latencies(engine, repeat: int, facets: bool) -> tuple[list[float], dict[str, tuple[int, float]]]:
    """All timings, and per query: (matches, median seconds)."""
    from unspin.store.search import search

    out, per_query = [], {}
    with engine.connect() as conn:
        for query in QUERIES:  # warm-up: first touch of each index page
            search(conn, query, facets=facets)
        times: dict[str, list[float]] = {q: [] for q in QUERIES}
        for _ in range(repeat):
            for query in QUERIES:
                started = time.perf_counter()
                found = search(conn, query, limit=20, facets=facets)
                times[query].append(time.perf_counter() - started)
                per_query[query] = (found.total, 0.0)
        for query, spent in times.items():
            out.extend(spent)
            per_query[query] = (per_query[query][0], statistics.median(spent))
    return out, per_query


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def search_bench(n: int, repeat: int) -> dict:
    import services
    from unspin.store.db import connect

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"SQLite": lambda: connect(str(Path(tmp) / "search.db"))}
        bindir = services.pg_bindir()
        with services.postgres_server(bindir) if bindir else _nothing() as server:
            if server is not None:
                url = server.create_database("unspin_bench")
                engines["PostgreSQL"] = lambda: connect(url)
            for name, make in engines.items():
                engine = make()
                load = bulk_load(engine, n)
                plain, plain_each = latencies(engine, repeat, facets=False)
                faceted, faceted_each = latencies(engine, repeat, facets=True)
                results[name] = {"load_seconds": load, "plain": plain, "faceted": faceted,
                                 "each": {q: (plain_each[q][0], plain_each[q][1], faceted_each[q][1]) for q in QUERIES}}
                engine.dispose()
    return results


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="folder of .txt articles")
    parser.add_argument("--documents", type=int, default=100_000, help="generated documents for search latency")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "store.md")
    parser.add_argument("--search-only", action="store_true", help="skip the ingest comparison")
    args = parser.parse_args()
    if not args.articles.is_dir():
        print(f"bench: {args.articles} is absent: give --articles DIR (PTC's dev articles sit in ../shared)",
              file=sys.stderr)
        return 2
    overhead = None
    if not args.search_only:
        with tempfile.TemporaryDirectory() as tmp:
            overhead = paired_passes(ingest_sides(Path(tmp)), load_texts(args.articles), args.repeat,
                                     reference="analyze", measured="ingest")
    searched = search_bench(args.documents, args.repeat)
    lines = [
        f"# Store benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()})",
        "",
    ]
    if overhead:
        n = overhead["articles"]
        lines += [
            "## Ingest: what storing adds to analysis",
            "",
            f"{n} articles from `{args.articles}` read as plain text, whole pipeline (techniques included); "
            f"{args.repeat} passes per side, alternating; the pass nearest the median ratio is shown.",
            "",
            "| side | documents/s | seconds |",
            "|---|---:|---:|",
            f"| `analyze --format jsonl` (read, analyse, serialize) | {n / overhead['seconds']['analyze']:.2f} | "
            f"{overhead['seconds']['analyze']:.2f} |",
            f"| `ingest` into SQLite (the same, then stored in batches of 20) | "
            f"{n / overhead['seconds']['ingest']:.2f} | {overhead['seconds']['ingest']:.2f} |",
            "",
            f"storing costs {overhead['ratio'] - 1:+.1%} on top of analysis (target: under +25%; per pass: "
            f"{', '.join(f'{r - 1:+.1%}' for r in overhead['ratios'])})",
            "",
        ]
    lines += [
        f"## Search latency over {args.documents:,} generated documents",
        "",
        f"{len(QUERIES)} queries × {args.repeat} rounds per engine after one warm-up round; first page of 20 "
        "with snippets, then the same with facets (outlets, entities, techniques, months, languages over all "
        "matches). Queries: " + ", ".join(f"`{q}`" for q in QUERIES) + ".",
        "",
        "| engine | bulk load (s) | p50 (ms) | p95 (ms) | p50 with facets (ms) | p95 with facets (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in searched.items():
        lines.append(
            f"| {name} | {r['load_seconds']:.0f} | {1000 * percentile(r['plain'], 50):.1f} | "
            f"{1000 * percentile(r['plain'], 95):.1f} | {1000 * percentile(r['faceted'], 50):.1f} | "
            f"{1000 * percentile(r['faceted'], 95):.1f} |"
        )
    lines += ["", "Median per query (ms), plain / with facets:", "",
              "| query | matches | " + " | ".join(searched) + " |", "|---|---:|" + "---:|" * len(searched)]
    for q in QUERIES:
        first = next(iter(searched.values()))["each"][q][0]
        cells = [f"{1000 * r['each'][q][1]:.0f} / {1000 * r['each'][q][2]:.0f}" for r in searched.values()]
        lines.append(f"| `{q}` | {first:,} | " + " | ".join(cells) + " |")
    if "PostgreSQL" not in searched:
        lines.append("\nPostgreSQL: not measured (no server binaries; `make test` installs them).")
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    return 0 if overhead is None or overhead["ratio"] < 1.25 else 1


if __name__ == "__main__":
    sys.exit(main())
