"""Exports, comparisons, indicators, charts and the corpus CLI commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nianbao.cli import _load_commands, app
from nianbao.corpus.charts import cjk_font, summarise, write_charts
from nianbao.corpus.compare import cell_deltas, part_diffs, ranking
from nianbao.corpus.export import export
from nianbao.corpus.indicators import INDICATORS, compute_all, indicator
from nianbao.corpus.synthetic import make_report
from nianbao.findings import Finding
from nianbao.model import CellValue
from nianbao.store import ReportFilter, Store
from nianbao.templates import get_template

runner = CliRunner()
_load_commands()


def _filled(db_url: str) -> Store:
    store = Store(db_url)
    a = make_report("洪泽区教育局", 2024, region="淮安市洪泽区", seed=1)
    a.add(Finding("T3_BALANCE", "表三勾稽关系不成立", cells=["t3.granted.total"]))
    store.add_report(a)
    store.add_report(make_report("洪泽区财政局", 2024, region="淮安市洪泽区", seed=2))
    store.add_report(make_report("洪泽区财政局", 2020, region="淮安市洪泽区", seed=3))
    return store


def test_xlsx_export_sheets_headers_highlight_and_findings(db_url: str, tmp_path: Path) -> None:
    store = _filled(db_url)
    out = tmp_path / "out.xlsx"
    assert export(store, out) == 3
    wb = openpyxl.load_workbook(out)
    assert {"表三（2021格式）", "表二（2019格式）", "问题清单", "报告"} <= set(wb.sheetnames)
    ws = wb["表三（2021格式）"]
    headers = [c.value for c in ws[1]]
    keys = [c.value for c in ws[2]]
    t3 = get_template("2021").table("t3")
    assert keys[5:] == list(t3.cell_keys)  # every column from the template, in order
    assert "（一）予以公开｜自然人" in headers and "机关（报告所署）" in headers
    rows = {r[1].value: r for r in ws.iter_rows(min_row=3)}
    assert set(rows) == {"洪泽区教育局", "洪泽区财政局"}
    col = keys.index("t3.granted.total")
    flagged = rows["洪泽区教育局"][col]
    assert flagged.fill.fgColor.rgb.endswith("FFC7CE")  # the error cell is highlighted
    assert not rows["洪泽区财政局"][col].fill.fgColor.rgb.endswith("FFC7CE")
    truth = make_report("洪泽区教育局", 2024, region="淮安市洪泽区", seed=1)
    assert flagged.value == truth.value("t3.granted.total")
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert [(f[1], f[4]) for f in findings] == [("洪泽区教育局", "T3_BALANCE")]


def test_csv_parquet_jsonl_and_filters(db_url: str, tmp_path: Path) -> None:
    store = _filled(db_url)
    assert export(store, tmp_path / "a.csv", ReportFilter(year=2024)) == 2
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["organ"] for r in rows} == {"洪泽区教育局", "洪泽区财政局"}
    assert export(store, tmp_path / "a.parquet", ReportFilter(organ="洪泽区财政局")) == 2
    table = pq.read_table(tmp_path / "a.parquet").to_pylist()
    assert sorted(r["year"] for r in table) == [2020, 2024]
    r2020 = next(r for r in table if r["year"] == 2020)
    assert r2020["t2.licensing.prev_count"] is not None  # 2019-template keys present for the 2020 report
    assert export(store, tmp_path / "a.jsonl", ReportFilter(severity="error")) == 1
    (line,) = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    obj = json.loads(line)
    assert obj["organ"] == "洪泽区教育局" and obj["findings"][0]["code"] == "T3_BALANCE"
    with pytest.raises(ValueError, match="不支持"):
        export(store, tmp_path / "a.docx")


def test_indicators_follow_their_formulas() -> None:
    r = make_report("甲镇", 2024, seed=4)
    v = compute_all(r)
    total = r.value("t3.results_total.total")
    assert v["disclosure_rate"] == pytest.approx(
        (r.value("t3.granted.total") + r.value("t3.partially_granted.total")) / total
    )
    denied = sum(r.value(k) for k in r.cells if k.startswith("t3.denied.") and k.endswith(".total"))
    assert v["denial_rate"] == pytest.approx(denied / total)
    assert v["carry_forward_rate"] == pytest.approx(
        r.value("t3.carried_forward.total")
        / (r.value("t3.new_received.total") + r.value("t3.carried_over.total"))
    )
    r.cells["t4.review.total"] = CellValue(4)
    r.cells["t4.review.pending"] = CellValue(2)
    r.cells["t4.review.corrected"] = CellValue(1)
    assert INDICATORS["review_correction_rate"].compute(r) == pytest.approx(0.5)
    r.cells["t3.results_total.total"] = CellValue(0)
    assert INDICATORS["disclosure_rate"].compute(r) is None  # no division by zero
    assert indicator("公开率") is INDICATORS["disclosure_rate"]
    with pytest.raises(KeyError):
        indicator("幸福指数")


def test_diff_and_ranking(db_url: str) -> None:
    a = make_report("甲镇", 2023, seed=1)
    b = make_report("甲镇", 2024, seed=1)
    b.cells["t3.granted.natural_person"] = CellValue(a.value("t3.granted.natural_person") + 2)
    deltas = {d.key: d for d in cell_deltas(a, b)}
    assert deltas["t3.granted.natural_person"].delta == 2
    assert deltas["t3.granted.natural_person"].label == "表三 （一）予以公开｜自然人"
    b.section("problems").text += "新增了政务新媒体管理的问题。"
    parts = {p.key: p for p in part_diffs(a, b)}
    assert parts["problems"].similarity < 1 and any(line.startswith("+") for line in parts["problems"].diff)
    assert parts["requests"].similarity == 1.0
    store = _filled(db_url)
    ranked = ranking(store, INDICATORS["disclosure_rate"], region="洪泽区", year=2024)
    assert [v for _, v in ranked] == sorted((v for _, v in ranked), reverse=True) and len(ranked) == 2


def test_charts_render_with_a_cjk_font(db_url: str, tmp_path: Path) -> None:
    store = _filled(db_url)
    s = summarise(store.reports())
    assert s.reports == 3 and s.findings["T3_BALANCE"] == 1
    paths = write_charts(s, tmp_path)
    assert {p.name for p in paths} == {
        "applications_by_applicant.png",
        "results_by_outcome.png",
        "applications_by_year.png",
        "top_findings.png",
    }
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths)
    if Path("/usr/share/fonts/opentype/noto").exists():
        assert cjk_font() is not None


def test_cli_organs_consolidate_export_stats(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "名称,上级,级别\n淮安市,,市\n洪泽区,淮安市,县\n岔河镇,洪泽区,乡镇\n老子山镇,洪泽区,乡镇\n",
        encoding="gb18030",
    )
    r = runner.invoke(app, ["organs", "load-regions", str(regions), "--db", db])
    assert r.exit_code == 0 and "已加载 4 个" in r.output
    store = Store(db)
    store.add_report(make_report("岔河镇人民政府", 2024, region="洪泽区", seed=1))
    store.add_report(make_report("洪泽区岔河镇政府", 2023, seed=2))
    store.add_report(make_report("岔河镇党政办", 2022, region="洪泽区", seed=3))
    r = runner.invoke(app, ["organs", "link", "岔河镇党政办", "岔河镇人民政府", "--db", db])
    assert r.exit_code == 0, r.output
    assert sorted(x.report.year for x in store.reports(organ="岔河镇人民政府")) == [2022, 2023, 2024]
    out = tmp_path / "汇总.html"
    r = runner.invoke(
        app, ["consolidate", "--region", "洪泽区", "--year", "2024", "--db", db, "--save", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    total = str(store.reports(organ="岔河镇人民政府", year=2024)[0].report.value("t3.new_received.total"))
    assert "洪泽区" in out.read_text(encoding="utf-8") and total in out.read_text(encoding="utf-8")
    assert "老子山镇人民政府" in r.output and "未报送" in r.output
    assert len(store.reports(ReportFilter(consolidated=True))) == 1
    # the county's own published report, checked against its units: it says 1 more than they sum to
    own = make_report("洪泽区人民政府", 2024, seed=7)
    own.cells = {
        k: CellValue(v.value)
        for k, v in store.reports(ReportFilter(consolidated=True))[0].report.cells.items()
    }
    own.cells["t3.granted.total"] = CellValue(own.value("t3.granted.total") + 1)
    own_id = store.add_report(own)
    r = runner.invoke(
        app,
        ["consolidate", "--region", "洪泽区", "--year", "2024", "--db", db, "--check-report", str(own_id)],
    )
    assert r.exit_code == 0 and "不符" in r.output and "t3.granted.total" in r.output
    r = runner.invoke(app, ["export", str(tmp_path / "x.xlsx"), "--db", db, "--region", "洪泽区"])
    assert r.exit_code == 0 and "已导出 5 份" in r.output  # 3 town reports, the saved sum, the county's own
    r = runner.invoke(app, ["stats", "--db", db, "--charts", str(tmp_path / "ch"), "--rank", "结转率"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ch" / "applications_by_year.png").exists()
    r = runner.invoke(app, ["diff", "--organ", "岔河镇人民政府", "--db", db])
    assert r.exit_code == 0 and "2022" in r.output and "公开率" in r.output
    r = runner.invoke(app, ["crosscheck", "--db", db])
    assert r.exit_code == 0


def test_exports_never_turn_document_text_into_formulas(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    store.add_report(make_report('=HYPERLINK("http://x","点我")', 2024, seed=1))
    export(store, tmp_path / "x.xlsx")
    export(store, tmp_path / "x.csv")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["报告"]
    organ = ws.cell(row=2, column=2)
    assert organ.data_type == "s" and organ.value.startswith("=HYPERLINK")
    with (tmp_path / "x.csv").open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["organ"].startswith("'=HYPERLINK")


def test_cli_diff_of_two_files(tmp_path: Path) -> None:
    from nianbao.corpus.synthetic import to_text

    a = make_report("甲镇", 2023, seed=1)
    b = make_report("甲镇", 2024, seed=1)
    b.cells["t3.granted.natural_person"] = CellValue(a.value("t3.granted.natural_person") + 3)
    b.section("problems").text += "新增问题：政务新媒体更新不及时。"
    (tmp_path / "a.txt").write_text(to_text(a), encoding="utf-8")
    (tmp_path / "b.txt").write_text(to_text(b), encoding="utf-8")
    r = runner.invoke(app, ["diff", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert r.exit_code == 0, r.output
    assert "（一）予以公开｜自然人" in r.output and "+3" in r.output
    assert "政务新媒体更新不及时" in r.output
    r = runner.invoke(app, ["diff", str(tmp_path / "a.txt"), "不存在.txt"])
    assert r.exit_code == 1 and "既不是文件" in r.output


def test_jsonl_export_is_the_parse_contract_of_every_stored_report(
    db_url: str, tmp_path: Path, corpus_dir: Path
) -> None:
    # the JSONL export reads rows, not reports: each line must be what the loaded report writes
    import nianbao

    store = _filled(db_url)
    for path in sorted((corpus_dir).glob("*/*"))[:8]:
        if path.suffix in (".pdf", ".html", ".txt"):
            store.add_report(nianbao.parse(path))
    export(store, tmp_path / "all.jsonl")
    lines = [json.loads(ln) for ln in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = []
    for sr in store.load_reports(store.report_ids(ReportFilter())):
        d = json.loads(json.dumps(sr.report.to_dict(), ensure_ascii=False))
        d["id"], d["organ_canonical"] = sr.id, sr.organ_name
        expected.append(d)
    assert len(lines) == len(expected) >= 6
    assert lines == expected
