"""Corpus-level entity links: one row per PERSON or ORG canonical name, with the longer name it stands for.

A document that writes only "Trump" keeps "Trump" in its JSON; when the
corpus names exactly one longer PERSON ending in "Trump", the link to it is
this table's business (the rule: ``unspin.store.namelink``), recomputed by
ingest as the corpus changes (``unspin.store.links.refresh``). The names of
the documents already stored are linked here, by the same code. Nothing is
renamed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity_links",
        sa.Column("canonical", sa.String(255), primary_key=True),
        sa.Column("label", sa.String(32), primary_key=True),
        sa.Column("words", sa.Text, nullable=False),
        sa.Column("first_word", sa.Text, nullable=False),
        sa.Column("last_word", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("linked_to", sa.String(255)),
        sa.Column("competing", sa.Text),
    )
    op.create_index("ix_entity_links_words", "entity_links", ["label", "words"])
    op.create_index("ix_entity_links_first_word", "entity_links", ["label", "first_word"])
    op.create_index("ix_entity_links_last_word", "entity_links", ["label", "last_word"])
    op.create_index("ix_entity_links_linked_to", "entity_links", ["linked_to", "label"])
    from unspin.store.links import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("entity_links")
