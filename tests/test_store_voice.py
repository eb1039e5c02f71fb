"""Migration 0003: technique_counts.own and .quoted, recounted from the stored JSON, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select
from test_web_voice import courier, ledger

from unspin.store.corpus import write_batch
from unspin.store.db import MIGRATIONS, connect
from unspin.store.tables import documents, technique_counts


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_db")


def _migrate(engine, to: str, up: bool) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.upgrade if up else command.downgrade)(config, to)


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(conn.execute(
            select(documents.c.url, technique_counts.c.technique, technique_counts.c.count,
                   technique_counts.c.own, technique_counts.c.quoted)
            .join(documents, documents.c.pk == technique_counts.c.document)
        ).all())


def test_0003_recounts_the_documents_already_stored(db_url):
    engine = connect(db_url)
    try:
        write_batch(engine, [ledger(), courier()])
        written = _rows(engine)
        assert ("https://ledger.example/overtime", "Loaded_Language", 2, 1, 1) in written
        assert ("https://courier.example/strike", "Name_Calling,Labeling", 1, 0, 1) in written  # from attributions
        assert ("https://ledger.example/overtime", "Appeal_to_fear-prejudice", 1, 0, 0) in written  # below the floor
        _migrate(engine, "0001", up=False)
        with engine.connect() as conn:
            assert {c["name"] for c in inspect(conn).get_columns("technique_counts")} == {
                "document", "technique", "count", "max_confidence",
            }
        _migrate(engine, "head", up=True)  # as the next unspin ingest does
        assert _rows(engine) == written
    finally:
        engine.dispose()
