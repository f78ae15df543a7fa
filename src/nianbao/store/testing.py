"""Pytest fixtures for code that uses the store: the same test runs on SQLite and on PostgreSQL.

In a conftest: `from nianbao.store.testing import db_url, pg_server  # noqa: F401`.
PostgreSQL runs when NIANBAO_TEST_PG holds a URL (scripts/start-postgres.sh prints one); each test
session gets its own database on that server so that parallel sessions do not collide.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..model import Report
from .url import normalise_url


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    base = os.environ.get("NIANBAO_TEST_PG")
    if not base:
        yield None
        return
    # scripts/start-postgres.sh may print pg_ctlcluster chatter before the URL: take the last line
    base = normalise_url(base.strip().splitlines()[-1])
    name = f"nianbao_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.dispose()
        _drop_database(base, name)


# DROP DATABASE first waits for a checkpoint of the whole server (every dirty buffer written and
# every touched file synced: 5-30 s after a full suite, for each worker). The session does not wait:
# a detached process drops the database after pytest is gone.
_DROP = """
import os, sys
from sqlalchemy import create_engine, text
engine = create_engine(os.environ["NIANBAO_DROP_URL"], isolation_level="AUTOCOMMIT")
with engine.connect() as c:
    c.execute(text(f'DROP DATABASE IF EXISTS "{sys.argv[1]}" WITH (FORCE)'))
"""


def _drop_database(base: str, name: str) -> None:
    env = {**os.environ, "NIANBAO_DROP_URL": base}
    if os.name != "posix":
        subprocess.run([sys.executable, "-c", _DROP, name], env=env, check=True, timeout=600)
        return
    # sh starts the drop in the background and returns at once; the drop is nobody's child to wait for
    subprocess.run(
        ["sh", "-c", '"$@" </dev/null >/dev/null 2>&1 &', "sh", sys.executable, "-c", _DROP, name],
        env=env,
        start_new_session=True,
        check=True,
        timeout=60,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_server: str | None) -> str:
    """A URL to an empty database: a fresh SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nianbao.db'}"
    if pg_server is None:
        pytest.skip("NIANBAO_TEST_PG 未设置：跳过 PostgreSQL")
    engine = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return pg_server


def gold_report(path: str | os.PathLike[str]) -> Report:
    """A Report built from a hand-checked label file of the corpus (`gold/*.json`).

    Lets corpus code be tested on real figures independently of the parser.
    """
    import json

    from ..model import CellValue
    from ..model import Report as _Report

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = _Report(
        source=data["file"],
        organ=data.get("organ"),
        region=data.get("region"),
        year=data.get("year"),
        template=data.get("template"),
        published=data.get("published"),
    )
    for key, value in data["cells"].items():
        if key in set(data.get("absent", [])):
            continue
        report.cells[key] = CellValue(value, raw=None if value is None else str(value))
        report.tables_present.add(key.split(".", 1)[0])
    report.table_templates = {t: report.template for t in report.tables_present if report.template}
    return report
