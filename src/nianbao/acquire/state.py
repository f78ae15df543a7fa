"""A watch's own memory, in one SQLite file beside its outputs: what each URL answered last time
(ETag, Last-Modified, content hash, the page as parsed), the runs, and each unit's result.

This is what makes a re-run incremental (conditional requests; a unit whose report was found is
not fetched again unless asked) and an interrupted run resumable (the units a run finished are
skipped when the same run is picked up again). It is separate from the corpus database on purpose:
a watch without --db still needs it, and it holds crawler detail no report query wants.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .client import Validators

_SCHEMA = """
CREATE TABLE IF NOT EXISTS http (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, sha256 TEXT, kind TEXT,
    page TEXT, final_url TEXT, fetched_at TEXT, evidence_path TEXT, evidence_offset INTEGER
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, year INTEGER NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT, units INTEGER
);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL, unit TEXT NOT NULL, year INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, unit)
);
CREATE TABLE IF NOT EXISTS latest (
    unit TEXT NOT NULL, year INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (unit, year)
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class WatchState:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # --- HTTP memory -----------------------------------------------------------------------
    def validators(self, url: str) -> Validators:
        row = self.db.execute("SELECT etag, last_modified FROM http WHERE url = ?", (url,)).fetchone()
        return Validators(*row) if row else Validators()

    def remembered(self, url: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT sha256, kind, page, final_url, fetched_at, evidence_path, evidence_offset"
            " FROM http WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        sha, kind, page, final_url, fetched_at, ev_path, ev_offset = row
        return {
            "sha256": sha,
            "kind": kind,
            "page": json.loads(page) if page else None,
            "final_url": final_url,
            "fetched_at": fetched_at,
            "evidence": [ev_path, ev_offset] if ev_path else None,
        }

    def remember(
        self,
        url: str,
        validators: Validators,
        sha256: str | None,
        kind: str,
        final_url: str,
        page: dict[str, Any] | None = None,
        evidence: tuple[str, int] | None = None,
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO http (url, etag, last_modified, sha256, kind, page, final_url, fetched_at,"
            " evidence_path, evidence_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                url,
                validators.etag,
                validators.last_modified,
                sha256,
                kind,
                json.dumps(page, ensure_ascii=False) if page is not None else None,
                final_url,
                _now(),
                evidence[0] if evidence else None,
                evidence[1] if evidence else None,
            ),
        )

    # --- runs and results ------------------------------------------------------------------
    def open_run(self, year: int, units: int) -> tuple[int, bool]:
        """(run id, resumed): the unfinished run of this year if there is one, else a new run."""
        row = self.db.execute(
            "SELECT id FROM runs WHERE year = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1", (year,)
        ).fetchone()
        if row:
            return row[0], True
        cur = self.db.execute(
            "INSERT INTO runs (year, started_at, units) VALUES (?, ?, ?)", (year, _now(), units)
        )
        return int(cur.lastrowid or 0), False

    def finish_run(self, run_id: int) -> None:
        self.db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (_now(), run_id))

    def done_in_run(self, run_id: int) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("SELECT unit, data FROM results WHERE run_id = ?", (run_id,))
        return {unit: json.loads(data) for unit, data in rows}

    def latest(self, year: int) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("SELECT unit, data FROM latest WHERE year = ?", (year,))
        return {unit: json.loads(data) for unit, data in rows}

    def record(self, run_id: int, year: int, unit: str, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False)
        with self.db:  # both rows or neither: a kill between them must not lose the result
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO results (run_id, unit, year, data) VALUES (?, ?, ?, ?)",
                (run_id, unit, year, text),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO latest (unit, year, data) VALUES (?, ?, ?)", (unit, year, text)
            )
