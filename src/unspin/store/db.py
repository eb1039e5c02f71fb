"""Open a corpus store by URL and bring its schema up to date.

One function decides what a ``--db`` value means, so that the CLI, the web
app and the tests agree: a bare path or ``sqlite:///path`` is an SQLite file,
``postgresql://`` (or ``postgres://``) is PostgreSQL through psycopg 3.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

#: Where ``unspin ingest`` and ``unspin serve`` look when no ``--db`` is given.
DEFAULT_DB = "unspin.db"

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(Exception):
    """A store that cannot be opened or used; the message names it."""


def normalise_url(value: str) -> str:
    """A SQLAlchemy URL for a ``--db`` value (a path, ``sqlite:///…`` or ``postgresql://…``)."""
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    scheme, rest = value.split("://", 1)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite":
        return value
    raise StoreError(f"{value}: unsupported database URL (use a file path, sqlite:///PATH or postgresql://...)")


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages; an SQLite store is shown as its file's path."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///file:"):
        return url.removeprefix("sqlite:///") or url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def no_such_store(path: Path | str) -> StoreError:
    """The one message every command gives for a store file that is not there."""
    return StoreError(f"no such store: {path} (create one with: unspin ingest PAGES --db {path})")


def driver_error(shown: str, exc: Exception) -> StoreError:
    """A driver's failure as one line naming the store; a file that is not a database says so plainly."""
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, sqlite3.DatabaseError) and "not a database" in str(cause):
        return StoreError(f"{shown}: not an unspin store (the file is not an SQLite database)")
    reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return StoreError(f"{shown}: {reason}")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL: readers (the web app) never block the writer; a killed writer loses
    # only its open transaction. Foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def connect(value: str = DEFAULT_DB, migrate: bool = True) -> Engine:
    """An engine for the store at ``value``, migrated to the newest schema unless ``migrate`` is false."""
    url = normalise_url(value)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.name and not path.parent.exists():
            raise StoreError(f"{path}: its folder does not exist")
        if not migrate and not path.exists():  # reading must never create an empty store
            raise no_such_store(path)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except StoreError:
        raise
    except Exception as exc:  # driver errors carry the reason; keep one line of it
        engine.dispose()
        raise driver_error(display_url(url), exc) from exc
    return engine


def upgrade(engine: Engine) -> None:
    """Apply Alembic migrations up to head (a no-op on an up-to-date store)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_store(engine: Engine) -> bool:
    return inspect(engine).has_table("documents")


def not_a_store(shown: str) -> StoreError:
    """The message for a database that opens but holds no unspin corpus."""
    return StoreError(f"{shown}: not an unspin store (no documents table; create it with unspin ingest)")


def optimize(engine: Engine) -> None:
    """Refresh the planner's statistics after a write: without them SQLite may drive a full-text
    query from a filter's index (say ``language:en``, which every document matches) and run the
    match once per row. PostgreSQL's autovacuum does this on its own."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA optimize=0x10002" if _first_optimize(conn) else "PRAGMA optimize")


def _first_optimize(conn) -> bool:
    return conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar_one() == 0
