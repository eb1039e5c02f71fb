"""``unspin spark``: the pipeline of ``unspin analyze`` over many inputs on a Spark cluster, to Parquet.

Inputs are spread over tasks; each Python worker builds the pipeline once
(module-level, on first use: models are loaded where they run, never
shipped from the driver) and streams its inputs through the same readers
and components as ``unspin analyze``, so a record's ``unspin/1`` JSON is the
one ``analyze --format jsonl`` writes. A bad record or input becomes a row
of ``failures`` and never fails the job.

Output, one Parquet table per folder under ``--out``, each written with
``mode("overwrite")`` through Spark's commit protocol, so a rerun replaces
a finished output instead of appending to it:

- ``documents``: id, url, outlet, published, language, title, and the whole
  ``unspin/1`` JSON; a document met twice (the same URL in two records) once;
- one table per layer (``entities``, ``events``, ``quantities``, ...): the
  span, its text, label, confidence, component and attributes as JSON,
  keyed by document id;
- ``furniture``: what was set aside from each page;
- ``failures``: input, record offset, code and reason.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator

from unspin.document import Document
from unspin.errors import E, Failure

_components = None
#: The tables written even when no document has a span of them, so that readers find every table.
LAYERS = ("sentences", "entities", "quantities", "dates", "attributions", "modality", "events", "techniques",
          "furniture")


def _task_cpus() -> int | None:
    """The cores Spark gives each task (``spark.task.cpus``, 1 by default); None outside a Spark task."""
    from pyspark import TaskContext

    context = TaskContext.get()
    return max(1, int(context.cpus())) if context is not None else None


def _pipeline():
    global _components
    if _components is None:
        from unspin import cores

        cores.wait_passively()  # before torch loads (spaCy's load imports it): tasks share an executor's cores
        from unspin.analyze import build

        # An executor runs one task per core at once: each takes its share, not every core (as --jobs does);
        # within it, the technique model takes the cores other processes leave free (unspin.cores).
        cpus = _task_cpus()
        if cpus is not None:
            cores.share_cores(cpus)
        _components = build()
    return _components


def _outlet(doc: Document) -> str | None:
    from unspin.store.derive import outlet_of

    found = outlet_of(doc)
    return found[0] if found else None


def _as_read_from(item: Document | Failure, path: str, shift: int) -> Document | Failure:
    """Name the original input (not the executor's temporary copy) and offsets within it, as analyze would."""
    if isinstance(item, Failure):
        record = item.record + shift if item.record is not None else (shift or None)
        return dataclasses.replace(item, input=path, record=record)
    record = item.source.record + shift if item.source.record is not None else None
    item.source = dataclasses.replace(item.source, name=path, record=record)
    return item


def analyse_inputs(refs: Iterable[str]) -> Iterator[tuple]:
    """Rows (kind, id, url, outlet, published, language, title, json, input, record, code, reason) per result."""
    from unspin.analyze.parallel import analysed
    from unspin.ingest import read_inputs
    from unspin.scale.inputs import local_copy, split_range

    for ref in refs:
        try:
            path, span = split_range(ref)
            with local_copy(ref) as copy:
                for item in read_inputs([copy]):
                    item = _as_read_from(item, path, span[0] if span else 0)
                    if isinstance(item, Document):
                        item = analysed(item, _pipeline())
                    if isinstance(item, Failure):
                        yield ("failure", None, None, None, None, None, None, None,
                               item.input, item.record, item.code, item.reason)
                        continue
                    meta = item.meta
                    yield ("document", item.id, meta.url, _outlet(item), meta.published, meta.language, meta.title,
                           item.dumps(), item.source.name, item.source.record, None, None)
        except Exception as exc:  # an input that cannot even be fetched or opened
            yield ("failure", None, None, None, None, None, None, None,
                   ref, None, E.UNREADABLE.value, f"{type(exc).__name__}: {exc}".splitlines()[0][:300])


def layer_rows(doc_json: str) -> Iterator[tuple]:
    """(layer, document id, start, end, text, label, confidence, component, attrs JSON) per span."""
    doc = Document.loads(doc_json)
    for name, spans in doc.layers.items():
        for s in spans:
            yield (name, doc.id, s.start, s.end, doc.span_text(s), s.label, float(s.confidence), s.component,
                   json.dumps(dict(s.attrs or {}), ensure_ascii=False, sort_keys=True))
    for f in doc.furniture:
        yield ("furniture", doc.id, f.source_start, f.source_end, f.text, f.kind, 1.0, "ingest",
               json.dumps(dict(f.fields or {}), ensure_ascii=False, sort_keys=True))


def run(spark, inputs: list[str], out: str, partitions: int | None = None, analyse=None) -> dict[str, int]:
    """Analyse ``inputs`` and write the tables under ``out``; returns the rows written per table.

    ``analyse`` replaces ``analyse_inputs`` as the per-partition function (the
    tests wrap it to make a task fail and check that Spark's retry completes
    the job).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

    from unspin.scale.inputs import expand

    refs = expand(inputs)
    if not refs:
        raise ValueError("no inputs to read")
    sc = spark.sparkContext
    slices = partitions or min(len(refs), max(sc.defaultParallelism, 1))
    results_schema = StructType([
        StructField("kind", StringType(), False), StructField("id", StringType()), StructField("url", StringType()),
        StructField("outlet", StringType()), StructField("published", StringType()),
        StructField("language", StringType()), StructField("title", StringType()),
        StructField("document", StringType()), StructField("input", StringType()),
        StructField("record", IntegerType()), StructField("code", StringType()), StructField("reason", StringType()),
    ])
    results = spark.createDataFrame(sc.parallelize(refs, slices).mapPartitions(analyse or analyse_inputs),
                                    results_schema)
    results = results.persist(StorageLevel.MEMORY_AND_DISK)  # the analysis runs once for all tables
    written: dict[str, int] = {}
    documents = (
        results.where(F.col("kind") == "document")
        .dropDuplicates(["id"])
        .select("id", "url", "outlet", "published", "language", "title", "document")
    )
    documents.write.mode("overwrite").parquet(f"{out}/documents")
    failures = results.where(F.col("kind") == "failure").select("input", "record", "code", "reason")
    failures.write.mode("overwrite").parquet(f"{out}/failures")
    span_schema = StructType([
        StructField("layer", StringType(), False), StructField("document_id", StringType(), False),
        StructField("start", IntegerType()), StructField("end", IntegerType()), StructField("text", StringType()),
        StructField("label", StringType()), StructField("confidence", DoubleType()),
        StructField("component", StringType()), StructField("attrs", StringType()),
    ])
    stored = spark.read.parquet(f"{out}/documents")
    spans = spark.createDataFrame(stored.select("document").rdd.flatMap(lambda r: layer_rows(r[0])), span_schema)
    spans = spans.persist(StorageLevel.MEMORY_AND_DISK)
    layers = sorted(set(LAYERS) | {r[0] for r in spans.select("layer").distinct().collect()})
    for layer in layers:
        table = spans.where(F.col("layer") == layer).drop("layer")
        table.write.mode("overwrite").parquet(f"{out}/{layer}")
        written[layer] = spark.read.parquet(f"{out}/{layer}").count()
    written["documents"] = stored.count()
    written["failures"] = spark.read.parquet(f"{out}/failures").count()
    spans.unpersist()
    results.unpersist()
    return written
