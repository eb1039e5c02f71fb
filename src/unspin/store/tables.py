"""The corpus schema, as SQLAlchemy Core tables shared by SQLite and PostgreSQL.

A stored document keeps its whole ``unspin/1`` JSON (the only serialization)
beside a few flat columns and side tables that exist so that search, facets,
outlet profiles and story grouping are SQL queries rather than JSON scans.
Everything flat here is derived from the JSON and could be rebuilt from it.

The full-text index is dialect-specific and created by the migration only:
an FTS5 table kept in step by triggers on SQLite, a generated ``tsvector``
column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

metadata = MetaData()

outlets = Table(
    "outlets",
    metadata,
    Column("domain", String(255), primary_key=True),
    Column("name", Text, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("label", Text, nullable=False),
    Column("first_published", Date),
    Column("last_published", Date),
    Column("size", Integer, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("url", Text),  # where it came from: the identity (see Meta)
    Column("outlet", String(255), ForeignKey("outlets.domain"), index=True),
    Column("title", Text),
    Column("published", Date, index=True),
    Column("language", String(16), index=True),
    Column("text", Text, nullable=False),
    Column("document", Text, nullable=False),
    Column("source_name", Text, nullable=False),
    Column("content_sha256", String(64), nullable=False, index=True),
    Column("words", Integer, nullable=False),
    Column("sentences", Integer, nullable=False),
    Column("speculative", Integer, nullable=False),
    Column("attributions", Integer, nullable=False),
    Column("vague_attributions", Integer, nullable=False),
    Column("technique_spans", Integer, nullable=False),
    Column("appeals", Integer, nullable=False),
    Column("duplicate_of", Integer, ForeignKey("documents.pk"), index=True),
    Column("story", Integer, ForeignKey("stories.pk"), index=True),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("canonical_url", Text),  # what the page declares for itself (migration 0005)
)

mentions = Table(
    "mentions",
    metadata,
    Column("document", Integer, ForeignKey("documents.pk"), primary_key=True),
    Column("canonical", String(255), primary_key=True),
    Column("label", String(32), primary_key=True),
    Column("count", Integer, nullable=False),
    Index("ix_mentions_canonical", "canonical"),
    # entity: filters compare without case
    Index("ix_mentions_canonical_lower", func.lower(text("canonical"))),
)

technique_counts = Table(
    "technique_counts",
    metadata,
    Column("document", Integer, ForeignKey("documents.pk"), primary_key=True),
    Column("technique", String(64), primary_key=True),
    #: every span of the technique, at any confidence, in any voice
    Column("count", Integer, nullable=False),
    Column("max_confidence", Float, nullable=False),
    #: spans at or above ``summary.TECHNIQUE_FLOOR`` in the article's own voice, and in words it quotes
    #: (migration 0003): what profiles and story comparisons count
    Column("own", Integer, nullable=False, server_default=text("0")),
    Column("quoted", Integer, nullable=False, server_default=text("0")),
    Index("ix_technique_counts_technique", "technique"),
)

signatures = Table(
    "signatures",
    metadata,
    Column("document", Integer, ForeignKey("documents.pk"), primary_key=True),
    Column("shingles", LargeBinary, nullable=False),
    Column("vocabulary", LargeBinary, nullable=False),
    # story grouping (store/stories.py): the title and lead's sentence embedding, half precision
    # (store/embed.py), and the numbers the text writes in digits, space-separated
    Column("embedding", LargeBinary),
    Column("figures", Text),
)

lsh_bands = Table(
    "lsh_bands",
    metadata,
    Column("band", SmallInteger, primary_key=True),
    Column("key", BigInteger, primary_key=True),
    Column("document", Integer, ForeignKey("documents.pk"), primary_key=True),
)

failures = Table(
    "failures",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("input", Text, nullable=False),
    # the WARC record's offset or the JSON Lines line; NULL for an input that has no records (migration 0006)
    Column("record", Integer),
    Column("code", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("input", "record", "code", name="uq_failures_input_record_code"),
    # NULLs are distinct in a unique constraint: one row per (input, code) when there is no record
    Index("uq_failures_input_code_no_record", "input", "code", unique=True,
          sqlite_where=text("record IS NULL"), postgresql_where=text("record IS NULL")),
)
