"""Run the Alembic migrations shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from .db import locking_sqlite_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision. Safe to call on every open, from several processes."""
    cfg = alembic_config(engine)
    on_file = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
    runner = locking_sqlite_engine(engine.url.render_as_string(hide_password=False)) if on_file else engine
    try:
        with runner.begin() as conn:
            if engine.dialect.name == "postgresql":
                # two processes opening a fresh database at once must not both create the tables
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        if runner is not engine:
            runner.dispose()
