"""The corpus: documents with their unspin/1 JSON, outlets, stories, side tables, failures, full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: SQLite: FTS5 over title and text, stemmed, reading its content from documents.
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='pk',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, coalesce(new.title, ''), new.text);
    END""",
    """CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.pk, coalesce(old.title, ''), old.text);
    END""",
    """CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.pk, coalesce(old.title, ''), old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, coalesce(new.title, ''), new.text);
    END""",
]

#: PostgreSQL: an English Snowball stemmer without a stop list (so that, as on
#: SQLite, every word can be searched), and a weighted tsvector kept by the server.
POSTGRES_FTS = [
    "CREATE TEXT SEARCH DICTIONARY unspin_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION unspin (COPY = simple)",
    """ALTER TEXT SEARCH CONFIGURATION unspin ALTER MAPPING FOR
        asciiword, word, numword, asciihword, hword, hword_part, hword_asciipart, hword_numpart
        WITH unspin_stem""",
    """ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('unspin', coalesce(title, '')), 'A') || setweight(to_tsvector('unspin', text), 'B')
    ) STORED""",
    "CREATE INDEX ix_documents_tsv ON documents USING gin (tsv)",
]


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("domain", sa.String(255), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_table(
        "stories",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("first_published", sa.Date),
        sa.Column("last_published", sa.Date),
        sa.Column("size", sa.Integer, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.String(255), sa.ForeignKey("outlets.domain")),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("language", sa.String(16)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("sentences", sa.Integer, nullable=False),
        sa.Column("speculative", sa.Integer, nullable=False),
        sa.Column("attributions", sa.Integer, nullable=False),
        sa.Column("vague_attributions", sa.Integer, nullable=False),
        sa.Column("technique_spans", sa.Integer, nullable=False),
        sa.Column("appeals", sa.Integer, nullable=False),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("documents.pk")),
        sa.Column("story", sa.Integer, sa.ForeignKey("stories.pk")),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("outlet", "published", "language", "content_sha256", "duplicate_of", "story"):
        op.create_index(f"ix_documents_{column}", "documents", [column])
    op.create_table(
        "mentions",
        sa.Column("document", sa.Integer, sa.ForeignKey("documents.pk"), primary_key=True),
        sa.Column("canonical", sa.String(255), primary_key=True),
        sa.Column("label", sa.String(32), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("ix_mentions_canonical", "mentions", ["canonical"])
    op.create_index("ix_mentions_canonical_lower", "mentions", [sa.text("lower(canonical)")])
    op.create_table(
        "technique_counts",
        sa.Column("document", sa.Integer, sa.ForeignKey("documents.pk"), primary_key=True),
        sa.Column("technique", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("max_confidence", sa.Float, nullable=False),
    )
    op.create_index("ix_technique_counts_technique", "technique_counts", ["technique"])
    op.create_table(
        "signatures",
        sa.Column("document", sa.Integer, sa.ForeignKey("documents.pk"), primary_key=True),
        sa.Column("shingles", sa.LargeBinary, nullable=False),
        sa.Column("vocabulary", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "lsh_bands",
        sa.Column("band", sa.SmallInteger, primary_key=True),
        sa.Column("key", sa.BigInteger, primary_key=True),
        sa.Column("document", sa.Integer, sa.ForeignKey("documents.pk"), primary_key=True),
    )
    op.create_table(
        "failures",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("record", sa.Integer, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("input", "record", "code", name="uq_failures_input_record_code"),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE documents_fts")
    for table in ("failures", "lsh_bands", "signatures", "technique_counts", "mentions", "documents", "stories", "outlets"):
        op.drop_table(table)
    if dialect == "postgresql":
        op.execute("DROP TEXT SEARCH CONFIGURATION unspin")
        op.execute("DROP TEXT SEARCH DICTIONARY unspin_stem")
