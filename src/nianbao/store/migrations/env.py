"""Alembic environment: migrations run on a connection handed over by `nianbao.store.Store`."""

from __future__ import annotations

from typing import cast

from alembic import context

from nianbao.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        connection = create_engine(cast(str, config.get_main_option("sqlalchemy.url"))).connect()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
