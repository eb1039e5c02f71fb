"""The URL a page declares for itself, kept beside the URL it came from: documents.canonical_url.

A WARC record's page that declares a canonical URL used to be stored under
that URL alone, and the crawl URL (WARC-Target-URI) was lost. Now ``url``
is where the document came from, and its identity, and ``canonical_url``
what the page claims. The documents stored before this migration keep
``url`` as it was (the canonical URL when the page declared one, else the
crawl URL) and a NULL ``canonical_url``: which of the two their ``url`` was
cannot be told afterwards. Nothing is renamed; the column is nullable on
both engines.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("canonical_url", sa.Text, nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both engines (SQLite since 3.35): a batch copy of the table would
    # drop the full-text triggers that SQLite keeps on documents.
    op.drop_column("documents", "canonical_url")
