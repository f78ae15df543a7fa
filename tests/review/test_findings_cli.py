"""`nianbao findings`: the problems across reports, filtered, printed by unit or exported."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from nianbao.cli import _load_commands, app
from nianbao.store import Store


def _run(*args: str) -> str:
    _load_commands(["findings"])
    result = CliRunner().invoke(app, ["findings", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_findings_of_a_region_by_partial_name_to_xlsx_and_csv(examples_store: Store, tmp_path: Path) -> None:
    url = str(examples_store.engine.url)
    hz = [sr for sr in examples_store.reports() if sr.region_name == "洪泽区"]
    want = sorted(f.message for sr in hz for f in sr.report.findings if not f.data.get("accepted"))
    assert want
    _run("--db", url, "--region", "洪泽", "-o", str(tmp_path / "f.xlsx"))
    rows = list(load_workbook(tmp_path / "f.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:5] == ("地区", "机关", "年度", "级别", "问题")
    assert sorted(r[5] for r in rows[1:]) == want
    assert all(r[0] == "洪泽区" for r in rows[1:])
    _run("--db", url, "--severity", "error", "--year", "2024", "-o", str(tmp_path / "f.csv"))
    with open(tmp_path / "f.csv", encoding="utf-8-sig") as fh:
        body = list(csv.reader(fh))[1:]
    assert body and all(r[3] == "错误" and r[2] == "2024" for r in body)
    code = next(f.code for sr in hz for f in sr.report.findings)
    out = _run("--db", url, "--code", code)
    assert "共 " in out and "t3." not in out and "t4." not in out
