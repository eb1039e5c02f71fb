"""failures.record is NULL for an input that has no records, instead of -1.

A failure's record is where in its input it happened: a WARC record's byte
offset or a JSON Lines line number. A page file or a folder has none, and
the table said -1 there, a number that reads as an offset to anyone who
queries it. It is now NULL, as in the failures table of ``unspin spark``
output. The unique constraint on (input, record, code) treats NULLs as
distinct, so a partial unique index on (input, code) where record is NULL
keeps one row per failure of such an input, as before (both engines have
partial indexes). The rows stored with -1 become NULL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "uq_failures_input_code_no_record"


def upgrade() -> None:
    # SQLite changes a column's nullability by copying the table (failures has no triggers to lose)
    with op.batch_alter_table("failures") as batch:
        batch.alter_column("record", existing_type=sa.Integer, nullable=True)
    op.execute("UPDATE failures SET record = NULL WHERE record = -1")
    where = sa.text("record IS NULL")
    op.create_index(INDEX, "failures", ["input", "code"], unique=True, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="failures")
    op.execute("UPDATE failures SET record = -1 WHERE record IS NULL")
    with op.batch_alter_table("failures") as batch:
        batch.alter_column("record", existing_type=sa.Integer, nullable=False)
