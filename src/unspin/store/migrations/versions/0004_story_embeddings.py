"""Story grouping reads a sentence embedding and the figures of each document: two nullable signature columns.

Rows stored before this migration have neither; grouping computes them when
it meets such a row, and ``unspin regroup`` computes them all and regroups
the store.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("signatures", sa.Column("embedding", sa.LargeBinary, nullable=True))
    op.add_column("signatures", sa.Column("figures", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signatures") as batch:
        batch.drop_column("figures")
        batch.drop_column("embedding")
