"""What an evaluation writes: XLSX sheets, CSV, Parquet, the tidy DataFrame, the unit sheet, the CLI."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

import nianbao
from nianbao.evaluation import evaluate_region, load_rubric, region_frame
from nianbao.evaluation.output import region_xlsx, write_region
from nianbao.evaluation.sheet import sheet_docx
from nianbao.store import Store

from .synthetic_region import seed

YEAR = 2024


@pytest.fixture
def county(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'county.db'}"
    store = Store(url)
    ids = seed(store, YEAR)
    yield store, url, ids
    store.close()


def test_xlsx_sheets_and_colours(county) -> None:
    from openpyxl import load_workbook

    store, _, _ = county
    ev = evaluate_region(store, "测试县", YEAR)
    wb = load_workbook(io.BytesIO(region_xlsx(ev)))
    assert wb.sheetnames == ["得分排名", "指标明细", "覆盖率", "评估细则"]
    ws = wb["得分排名"]
    head = [c.value for c in ws[1]]
    rows = {r[2].value: r for r in ws.iter_rows(min_row=2)}
    top = rows["测试县人民政府"]
    assert (top[0].value, top[head.index("总分（百分制）")].value) == (1, 96.51)
    cell = top[head.index("争议转化率")]  # 61 ÷ 525, red
    assert cell.value == pytest.approx(0.1162) and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert rows["测试县教育局"][head.index("实质公开率")].value == "样本不足"
    assert rows["河口镇人民政府"][head.index("是否发布")].value == "否"
    cov = wb["覆盖率"]
    assert [c.value for c in cov[2]][:5] == ["测试县", YEAR, 6, 4, pytest.approx(4 / 6)]
    assert {cov.cell(r, 1).value for r in range(5, 7)} == {"测试县交通运输局", "河口镇人民政府"}
    rubric_sheet = wb["评估细则"]
    assert rubric_sheet.max_row >= len(load_rubric().indicators) + 1


def test_csv_and_parquet(county, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    store, _, ids = county
    ev = evaluate_region(store, "测试县", YEAR)
    n_ind = len(ev.rubric.indicators)
    out = write_region(ev, tmp_path / "scores.csv")
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6 * n_ind
    row = next(r for r in rows if r["单位"] == "测试县财政局" and r["指标代码"] == "review_correction_rate")
    assert (row["颜色"], row["得分"], row["区域排名"], row["层级排名"]) == ("红", "0.0", "2", "1")
    assert f"/reports/{ids['A']}#cell-t4.review.corrected" in row["依据位置"].split()
    assert row["报告编号"] == str(ids["A"])
    table = pq.read_table(write_region(ev, tmp_path / "scores.parquet"))
    assert table.num_rows == 6 * n_ind
    assert (
        str(table.schema.field("value").type) == "double" and str(table.schema.field("rank").type) == "int64"
    )
    df = region_frame(ev)
    assert df.loc[df.organ == "测试县人民政府", "rank"].iloc[0] == 1


def test_tidy_dataframe_over_the_database(county) -> None:
    _, url, ids = county
    df = nianbao.evaluate(url)
    n_ind = len(load_rubric().indicators)
    assert len(df) == len(ids) * n_ind  # every stored report × every indicator
    assert set(df.report_id) == set(ids.values())
    a = df[(df.report_id == ids["A"]) & (df.indicator == "substantive_disclosure_rate")].iloc[0]
    assert a.value == pytest.approx(60 / 90) and a.colour == "绿" and a.report_score == pytest.approx(87.23)
    # last year's A has no report before it: its reuse is 无法计算, this year's is measured
    prev = df[(df.report_id == ids["A_prev"]) & (df.indicator == "text_reuse")].iloc[0]
    assert (
        prev.status == "无法计算"
        and pytest.approx(0.0)
        == a.value * 0 + df[(df.report_id == ids["A"]) & (df.indicator == "text_reuse")].iloc[0].value
    )
    only = nianbao.evaluate(url, region="测试县/城关镇", year=YEAR)
    assert set(only.report_id) == {ids["C"]}
    assert str(df.value.dtype) == "float64" and str(df.year.dtype) == "Int64"


def test_unit_sheet_docx(county) -> None:
    from docx import Document

    store, _, _ = county
    ev = evaluate_region(store, "测试县", YEAR)
    unit = next(u for u in ev.units if u.unit.name == "城关镇人民政府")
    doc = Document(io.BytesIO(sheet_docx(ev, unit)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"城关镇人民政府{YEAR}年政府信息公开工作年度报告评估表" in text
    assert "【红】与上年雷同 100.0%" in text
    meta, table = doc.tables
    assert meta.cell(2, 1).text == "53.4"
    names = [row.cells[1].text for row in table.rows[1:]]
    assert names == [i.name for i in ev.rubric.indicators]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao", "evaluate", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow  # `nianbao evaluate` in subprocesses
def test_cli(county, tmp_path: Path) -> None:
    _, url, _ = county
    out = tmp_path / "scores.xlsx"
    r = _cli("--db", url, "--region", "测试县", "--year", str(YEAR), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "应发布单位 6 个，已发布 4 个，覆盖率 66.7%" in r.stdout
    assert "未发布" in r.stdout and "河口镇人民政府" in r.stdout
    assert out.stat().st_size > 0
    r = _cli("--db", url, "--tidy", "-o", str(tmp_path / "all.csv"))
    assert r.returncode == 0 and "7 份报告" in r.stdout, r.stdout + r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "extends: default\nindicators:\n  - key: denial_rate\n    value: t3.denied.total\n", "utf-8"
    )
    r = _cli("--db", url, "--region", "测试县", "--year", str(YEAR), "--rubric", str(bad))
    assert r.returncode == 2
    assert "bad.yaml 第 4 行：" in r.stderr and 'results("denied")' in r.stderr
    r = _cli("--db", url, "--region", "没有县", "--year", str(YEAR))
    assert r.returncode == 1 and "没有地区" in r.stderr
    r = _cli("--show-rubric")
    assert r.returncode == 0 and "实质公开率" in r.stdout


@pytest.mark.libreoffice
def test_unit_sheet_pdf(county) -> None:
    import shutil

    from pypdf import PdfReader

    from nianbao.evaluation.sheet import sheet_pdf

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    store, _, _ = county
    ev = evaluate_region(store, "测试县", YEAR)
    unit = next(u for u in ev.units if u.unit.name == "测试县财政局")
    pdf = sheet_pdf(ev, unit)
    assert pdf[:5] == b"%PDF-"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    assert "测试县财政局2024年政府信息公开工作年度报告评估表" in text and "复议纠错率" in text


def test_tidy_keeps_every_version_of_a_year(county) -> None:
    from .synthetic_region import A_GROUPS, build

    store, url, ids = county
    # a second version of A's report (its crawl, say) with one more blank cell: both are rows
    again = build("测试县财政局", YEAR, f"{YEAR + 1}-01-20", A_GROUPS, findings=("CELL_BLANK",))
    again.cells["t2.rules.issued"].value = None
    extra = store.add_report(again)
    df = nianbao.evaluate(url)
    assert set(df.report_id) == set(ids.values()) | {extra}
    # the regional evaluation scores the cleaner version only
    ev = evaluate_region(store, "测试县", YEAR)
    assert next(u for u in ev.units if u.unit.name == "测试县财政局").report_id == ids["A"]
