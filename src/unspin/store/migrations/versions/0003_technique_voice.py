"""Technique counts by voice at the corpus floor: technique_counts.own and technique_counts.quoted.

Profiles and story comparisons count the technique spans at or above
``unspin.summary.TECHNIQUE_FLOOR`` in the article's own voice, and show
those in words it quotes apart. Both counts are derived from each stored
document's JSON, so the documents already stored are counted here, as
ingest counts new ones (``unspin.store.derive.technique_counts``; spans
stored before voices were told apart are placed from their document's
attributions layer). Changing the floor means a migration that recounts.

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-01

Numbered 0003 to leave 0002 to a paragraph-techniques table planned beside
it; that table was never added, so 0002 was never used, and this one follows
0001 directly. The next migration is 0004 (story embeddings), on top of
this one: the history is one line, 0001, 0003, 0004.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Documents read per round trip while recounting.
CHUNK = 200


def upgrade() -> None:
    op.add_column("technique_counts", sa.Column("own", sa.Integer, nullable=False, server_default="0"))
    op.add_column("technique_counts", sa.Column("quoted", sa.Integer, nullable=False, server_default="0"))
    recount(op.get_bind())


def recount(conn) -> None:
    """Fill own and quoted for every stored document that has technique spans."""
    from unspin.document import Document
    from unspin.store.derive import technique_counts

    documents = sa.table("documents", sa.column("pk"), sa.column("document"), sa.column("technique_spans"))
    counts = sa.table("technique_counts", sa.column("document"), sa.column("technique"), sa.column("own"),
                      sa.column("quoted"))
    update = (
        counts.update()
        .where(counts.c.document == sa.bindparam("d"), counts.c.technique == sa.bindparam("t"))
        .values(own=sa.bindparam("n_own"), quoted=sa.bindparam("n_quoted"))
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(documents.c.pk, documents.c.document)
            .where(documents.c.pk > last, documents.c.technique_spans > 0)
            .order_by(documents.c.pk)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        values = [
            {"d": pk, "t": technique, "n_own": c.own, "n_quoted": c.quoted}
            for pk, raw in rows
            for technique, c in technique_counts(Document.loads(raw)).items()
            if c.own or c.quoted
        ]
        if values:
            conn.execute(update, values)
        last = rows[-1].pk


def downgrade() -> None:
    with op.batch_alter_table("technique_counts") as batch:
        batch.drop_column("quoted")
        batch.drop_column("own")
