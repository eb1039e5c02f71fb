"""Opening a corpus store for reading only, as the web app does.

The web app never writes, and the database is told so, not just trusted to
it: SQLite is opened through a ``mode=ro`` URI (the file must exist, nothing
is created) with ``PRAGMA query_only`` on every connection; PostgreSQL
sessions start with ``default_transaction_read_only`` on. The schema is not
migrated here (a migration is a write): a store that is missing, is not an
unspin store, or whose schema is not the newest is a StoreError naming the
fix.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from unspin.store.db import (
    MIGRATIONS, StoreError, display_url, driver_error, no_such_store, normalise_url, not_a_store,
)


def _sqlite_read_only(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise StoreError(f"{url}: give the store's file (sqlite:///PATH or a path)")
    path = Path(database).expanduser()
    if not path.is_file():
        raise no_such_store(path)
    # The file as a URI, so that SQLite opens it read-only and never creates it.
    uri = f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true"
    engine = create_engine(uri, pool_pre_ping=True)
    event.listen(engine, "connect", _sqlite_read_only)
    return engine


def _postgres_engine(url: str) -> Engine:
    # Set by the server at session start, so no later ROLLBACK or RESET can undo it.
    return create_engine(
        url, pool_pre_ping=True, connect_args={"options": "-c default_transaction_read_only=on"}
    )


def head_revision() -> str:
    """The newest schema revision shipped with this version of unspin."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def open_read_only(value: str) -> Engine:
    """An engine on the store at ``value`` (a --db value) that cannot write; StoreError if it is unusable."""
    url = normalise_url(value)
    engine = _sqlite_engine(url) if url.startswith("sqlite:") else _postgres_engine(url)
    shown = display_url(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("documents"):
                raise not_a_store(shown)
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:  # driver errors carry the reason; keep one line of it
        engine.dispose()
        raise driver_error(shown, exc) from exc
    if stored != head_revision():
        engine.dispose()
        raise StoreError(
            f"{shown}: the store's schema is at revision {stored}, this unspin reads {head_revision()} "
            "(an unspin ingest into it upgrades it)"
        )
    return engine
