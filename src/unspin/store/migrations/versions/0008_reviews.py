"""The review loop: accounts, sessions, failed sign-ins, span reviews and whole-document reviews.

Four new tables; nothing existing is renamed or changed. Reviews are records
beside the machine's layers (``unspin.review``), so the machine view of every
stored document stays exactly what it was.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("user", sa.String(64), sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sessions_user", "sessions", ["user"])
    op.create_table(
        "login_failures",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failures_name_at", "login_failures", ["name", "at"])
    op.create_table(
        "reviews",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document", sa.String(64), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("layer", sa.String(32), nullable=False),
        sa.Column("target_start", sa.Integer),
        sa.Column("target_end", sa.Integer),
        sa.Column("target_label", sa.String(64)),
        sa.Column("target_canonical", sa.Text),
        sa.Column("after_start", sa.Integer),
        sa.Column("after_end", sa.Integer),
        sa.Column("after_label", sa.String(64)),
        sa.Column("after_canonical", sa.Text),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=sa.text("''")),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(32), nullable=False, server_default=sa.text("'web'")),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reviews_document_layer", "reviews", ["document", "layer"])
    op.create_table(
        "document_reviews",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document", sa.String(64), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("reviewed", sa.Boolean, nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_document_reviews_document", "document_reviews", ["document"])


def downgrade() -> None:
    for table in ("document_reviews", "reviews", "login_failures", "sessions", "users"):
        op.drop_table(table)
