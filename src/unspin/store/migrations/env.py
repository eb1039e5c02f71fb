"""Alembic environment: always run from unspin.store.db with a live connection, never from alembic.ini."""

from alembic import context

from unspin.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
