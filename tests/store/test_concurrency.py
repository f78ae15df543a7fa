"""Several processes on one database: two ingests of the same folder at once store every file
and every finding exactly once (SQLite and PostgreSQL), and first opens of a new SQLite file
racing each other all succeed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nianbao.corpus.synthetic import make_report
from nianbao.store import Store
from nianbao.store.schema import Document, FindingRow, Organ, Region, ReportRow
from nianbao.writer import ReportData, render_report

CLI = [sys.executable, "-m", "nianbao"]


def _folder(tmp_path: Path) -> Path:
    """Six reports of two organs over three years: their carry-overs disagree, so the cross-year
    check finds something for every pair."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for organ in ("淮安市洪泽区财政局", "淮安市洪泽区教育局"):
        for year in (2022, 2023, 2024):
            report = make_report(organ, year, seed=year * 7 + len(organ))
            content = render_report(ReportData.from_report(report), "md", allow_errors=True).content
            (folder / f"{organ}{year}.md").write_bytes(content)
    return folder


def _ingest(folder: Path, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, "ingest", str(folder), "--db", url, "-j", "1", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _summary(url: str) -> tuple[dict[str, int], Counter[tuple[str, str]], list[tuple[int, str]]]:
    store = Store(url)
    try:
        with store.session() as s:
            counts = {
                "documents": s.scalar(select(func.count()).select_from(Document)),
                "reports": s.scalar(select(func.count()).select_from(ReportRow)),
                "organs": s.scalar(select(func.count()).select_from(Organ)),
                "regions": s.scalar(select(func.count()).select_from(Region)),
            }
            rows = list(
                s.execute(select(FindingRow.scope, FindingRow.code, FindingRow.report_id, FindingRow.message))
            )
            by_code = Counter((scope, code) for scope, code, _, _ in rows)
            dupes = [k for k, n in Counter((rid, code + msg) for _, code, rid, msg in rows).items() if n > 1]
        return counts, by_code, dupes
    finally:
        store.close()


@pytest.mark.slow
def test_two_concurrent_ingests_store_files_and_findings_once(db_url: str, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    Store(db_url).close()  # the schema race is the next test's subject; here the data race
    first, second = _ingest(folder, db_url), _ingest(folder, db_url)
    for proc in (first, second):
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, out + err
        assert "Traceback" not in err
    counts, by_code, dupes = _summary(db_url)
    assert counts == {"documents": 6, "reports": 6, "organs": 2, "regions": 2}
    assert dupes == []
    # the same as one ingest alone
    alone = f"sqlite:///{tmp_path / 'alone.db'}"
    proc = _ingest(folder, alone)
    proc.communicate(timeout=600)
    assert proc.returncode == 0
    counts_alone, by_code_alone, _ = _summary(alone)
    assert (counts, by_code) == (counts_alone, by_code_alone)
    assert any(scope == "corpus" for scope, _ in by_code), by_code  # the cross-year check found some


OPEN = textwrap.dedent(
    """
    import sys, time
    from nianbao.store import Store
    start = float(sys.argv[2])
    time.sleep(max(0.0, start - time.time()))
    with Store(sys.argv[1]) as store:
        print(store.counts()["documents"])
    """
)


@pytest.mark.slow
def test_first_opens_of_a_new_sqlite_file_race_safely(tmp_path: Path) -> None:
    for attempt in range(2):
        url = f"sqlite:///{tmp_path / f'race{attempt}.db'}"
        start = time.time() + 1.5  # every process past its imports before the first open
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN, url, str(start)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            assert out.strip() == "0"
        with Store(url) as store:
            assert store.counts()["reports"] == 0
