"""A scanned (image-only) PDF ingested with `nianbao ingest`: every later step still works.

Before the data model was closed, OCR cells stored a `confidence` that reloading could not take,
and one scanned report broke `crosscheck`, `export`, `stats` and the web pages for the whole
database. Here the scan sits beside the same organ's previous year (a text PDF) and each command
and the web report page is run against the result. SQLite only: the OCR costs ~20 s of CPU per
ingest, and test_reader_roundtrip already reads OCR reports back from both databases.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reader_samples import have_ocr, scanned_pdf

from nianbao.store import Store

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_ocr(), reason="OCR extra not installed")]
CLI = [sys.executable, "-m", "nianbao"]


def run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=600, cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stdout + proc.stderr
    return proc


def test_scanned_pdf_through_ingest_crosscheck_export_stats_and_web(corpus_dir: Path, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "洪泽区2024扫描件.pdf").write_bytes(scanned_pdf(corpus_dir))
    (folder / "huaian-hongze-2023.pdf").write_bytes(
        (corpus_dir / "pdf" / "huaian-hongze-2023.pdf").read_bytes()
    )
    run("ingest", folder, "--db", db_url, "-j", "1", "-q", cwd=tmp_path)

    store = Store(db_url)
    try:
        docs = store.documents()
        assert [d.status for d in docs] == ["ok", "ok"], [(d.path, d.error) for d in docs]
        scan = next(sr for sr in store.reports() if sr.report.source.endswith("扫描件.pdf"))
        assert scan.report.year == 2024 and scan.organ_id is not None
        ocr = [c for c in scan.report.cells.values() if c.prov and c.prov.method == "ocr"]
        assert ocr and all(c.prov.confidence is not None for c in ocr if c.raw)
        scan_id = scan.id
    finally:
        store.close()

    cross = run("crosscheck", "--db", db_url, cwd=tmp_path)
    assert cross.stdout.strip()
    out = tmp_path / "all.jsonl"
    run("export", out, "--db", db_url, cwd=tmp_path)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and {r["year"] for r in rows} == {2023, 2024}
    run("export", tmp_path / "all.xlsx", "--db", db_url, cwd=tmp_path)
    assert (tmp_path / "all.xlsx").stat().st_size > 0
    stats = run("stats", "--db", db_url, "--no-charts", cwd=tmp_path)
    assert "2024" in stats.stdout

    from fastapi.testclient import TestClient

    from nianbao.web import create_app
    from nianbao.web.auth import create_user

    store = Store(db_url)
    try:
        create_user(store, "admin", "correct-horse-42", "admin")
        with TestClient(create_app(store), base_url="https://testserver") as c:
            page = c.get("/login")
            token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            r = c.post(
                "/login",
                data={"username": "admin", "password": "correct-horse-42", "csrf_token": token},
                follow_redirects=False,
            )
            assert r.status_code == 303
            page = c.get(f"/reports/{scan_id}")
            assert page.status_code == 200 and "洪泽" in page.text
            api = c.get(f"/api/reports/{scan_id}").json()
            assert any(p.get("prov", {}).get("confidence") is not None for p in api["provenance"].values())
            assert c.get("/reports").status_code == 200
            assert c.get("/dashboard").status_code == 200
    finally:
        store.close()
