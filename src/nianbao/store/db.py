"""Engines for the two back ends, and the dialect-specific pieces the repositories share."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.sql.dml import Insert

SQLITE_TIMEOUT_S = 60


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            _wal(conn)
            cur = conn.cursor()
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _wal(conn: Any) -> None:
    """WAL mode, so that readers (the web app) never block the ingest writer; NORMAL syncing is
    durable in WAL mode. The mode is kept in the file: set once, by whichever process is first.

    Changing the journal mode needs the file to itself and SQLite does not wait for that (no
    busy handler): while another process creates the schema the change is retried, not failed.
    """
    deadline = time.monotonic() + SQLITE_TIMEOUT_S
    while True:
        cur = conn.cursor()
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        finally:
            cur.close()


def locking_sqlite_engine(url: str) -> Engine:
    """A SQLite engine whose transactions start with BEGIN IMMEDIATE.

    pysqlite opens a transaction only before DML, so DDL runs outside any transaction: two
    processes creating the schema of a new file at once both see it missing and one fails with
    "table already exists". Taking the write lock first makes the second wait, then find the
    schema at head. Used for migrations only; normal work keeps the driver's lazier locking.
    """
    engine = create_engine(url, connect_args={"timeout": SQLITE_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _manual(conn: Any, _record: Any) -> None:
        _wal(conn)
        conn.isolation_level = None  # the driver emits no BEGIN of its own

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def clean(value: Any) -> Any:
    """Text as both back ends store it: without NUL characters, which PostgreSQL refuses in text
    and which no report means (a damaged file's bytes). Lists and mappings are cleaned through."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


def insert_ignore(table: Table, dialect: str, index_elements: list[str]) -> Insert:
    """INSERT … ON CONFLICT (index_elements) DO NOTHING, on either back end."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=index_elements)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=index_elements)
