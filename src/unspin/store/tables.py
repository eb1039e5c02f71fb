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
    Boolean,
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

#: One row per distinct PERSON or ORG canonical name in ``mentions``, and the corpus-level link of that name
#: (migration 0007; the rule is ``store.namelink``, kept current by ``store.links``). The stored documents keep
#: their own canonical names: a link is a record beside them, recomputed when the corpus changes.
entity_links = Table(
    "entity_links",
    metadata,
    Column("canonical", String(255), primary_key=True),
    Column("label", String(32), primary_key=True),
    #: the words the name is compared by (casefolded, titles left out), space-separated; first, last, how many
    Column("words", Text, nullable=False),
    Column("first_word", Text, nullable=False),
    Column("last_word", Text, nullable=False),
    Column("size", Integer, nullable=False),
    #: the one longer name of the same label this name stands for across the corpus
    Column("linked_to", String(255)),
    #: when two or more longer names fit: their canonical names, as a JSON list (and no link)
    Column("competing", Text),
    Index("ix_entity_links_words", "label", "words"),
    Index("ix_entity_links_first_word", "label", "first_word"),
    Index("ix_entity_links_last_word", "label", "last_word"),
    Index("ix_entity_links_linked_to", "linked_to", "label"),
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


# --- the review loop (migration 0008): an analyst's records beside the machine's layers, never edits of them ---

#: Accounts allowed to review (``unspin users add``). The password is kept only as an Argon2id hash.
users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Signed-in browsers: the cookie carries a random token, the store keeps only its SHA-256, so a copy of the
#: store signs no one in. The CSRF token of every form of that session lives beside it.
sessions = Table(
    "sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user", String(64), ForeignKey("users.name", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

#: Failed sign-ins, one row each, by the name tried (which need not exist): the limit counts recent rows.
login_failures = Table(
    "login_failures",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_name_at", "name", "at"),
)

#: One row per review, append-only: which span of which layer (``target_*``, as the machine gave it, or as a
#: reviewer added it), what a reviewer made of it (``after_*``: NULL start = rejected), who, when, and a note.
#: The latest review of a span is the one shown; every earlier one is kept.
reviews = Table(
    "reviews",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("document", String(64), ForeignKey("documents.id"), nullable=False),
    Column("layer", String(32), nullable=False),
    Column("target_start", Integer),
    Column("target_end", Integer),
    Column("target_label", String(64)),
    Column("target_canonical", Text),
    Column("after_start", Integer),
    Column("after_end", Integer),
    Column("after_label", String(64)),
    Column("after_canonical", Text),
    Column("verdict", String(16), nullable=False),
    Column("note", Text, nullable=False, server_default=text("''")),
    Column("reviewer", String(64), nullable=False),
    Column("origin", String(32), nullable=False, server_default=text("'web'")),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_reviews_document_layer", "document", "layer"),
)

#: A document marked reviewed as a whole (or opened again): append-only, the latest row holds.
document_reviews = Table(
    "document_reviews",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("document", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("reviewed", Boolean, nullable=False),
    Column("reviewer", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
