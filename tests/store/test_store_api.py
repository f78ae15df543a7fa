"""The Store API on SQLite and PostgreSQL: round trips, idempotence, filters, organs, corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from nianbao.corpus.synthetic import make_report
from nianbao.findings import Finding
from nianbao.model import CellValue
from nianbao.store import ReportFilter, Store, normalise_url
from nianbao.store.migrate import alembic_config
from nianbao.store.testing import gold_report
from nianbao.templates import get_template
from nianbao.testing import corpus_dir

GOLD = corpus_dir() / "gold"


def test_migrations_create_every_table(db_url: str) -> None:
    store = Store(db_url)
    names = set(inspect(store.engine).get_table_names())
    assert {
        "documents",
        "reports",
        "cells",
        "findings",
        "organs",
        "organ_aliases",
        "regions",
        "cell_edits",
        "alembic_version",
    } <= names
    Store(db_url).close()  # a second open finds the schema current and changes nothing
    with store.engine.connect() as c:
        version = c.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head()
    store.close()


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.db")
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_url_normalisation() -> None:
    assert normalise_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("data/x.db") == "sqlite:///data/x.db"
    assert normalise_url("sqlite:///y.db") == "sqlite:///y.db"


def test_report_round_trip(db_url: str) -> None:
    store = Store(db_url)
    report = make_report("淮安市洪泽区教育局", 2024, seed=3)
    report.cells["t2.fees.amount"] = CellValue(25.1, raw="251000元", method="converted")
    report.cells["t3.granted.research"] = CellValue(None, raw="/")
    report.add(Finding("CELL_BLANK", "单元格空白", ["t3.granted.research"], where="表三"))
    rid = store.add_report(report)
    back = store.get_report(rid).report
    assert back.organ == "淮安市洪泽区教育局"
    assert back.year == 2024 and back.template == "2021"
    assert set(back.cells) == set(get_template("2021").cell_keys)
    for key, cell in report.cells.items():
        assert back.cells[key].value == cell.value, key
        assert type(back.cells[key].value) is type(cell.value), key
    assert back.cells["t2.fees.amount"].raw == "251000元"
    assert back.cells["t2.fees.amount"].method == "converted"
    assert [f.code for f in back.findings] == ["CELL_BLANK"]
    assert back.findings[0].cells == ["t3.granted.research"]
    assert [s.key for s in back.sections] == [s.key for s in report.sections]
    assert back.section("problems").text == report.section("problems").text


def test_record_document_is_idempotent_by_hash(db_url: str) -> None:
    store = Store(db_url)
    r = make_report("洪泽区政府", 2023, seed=1)
    a = store.record_document("ab" * 32, "a.txt", 10, report=r)
    b = store.record_document("ab" * 32, "copy-of-a.txt", 10, report=r)
    c = store.record_document("cd" * 32, "bad.pdf", 5, error="文件为空")
    assert a == b != c
    assert store.counts()["documents"] == 2 and store.counts()["reports"] == 1
    docs = store.documents(status="error")
    assert [(d.path, d.error) for d in docs] == [("bad.pdf", "文件为空")]
    assert store.known_hashes() == {"ab" * 32, "cd" * 32}


def test_organ_spellings_are_one_organ(db_url: str) -> None:
    store = Store(db_url)
    ids = {
        store.add_report(make_report("淮安市洪泽区人民政府", 2022, seed=1)),
        store.add_report(make_report("洪泽区人民政府", 2023, region="淮安市", seed=2)),
        store.add_report(make_report("洪泽区政府", 2024, seed=3)),
        store.add_report(make_report("淮安市人民政府", 2024, seed=4)),
    }
    loaded = store.reports(ReportFilter(organ="洪泽区政府"))
    assert sorted(x.report.year for x in loaded) == [2022, 2023, 2024]
    assert len({x.organ_id for x in loaded}) == 1
    assert loaded[0].organ_name == "洪泽区人民政府"
    assert len(ids) == 4
    # the region hierarchy: 洪泽区 sits under 淮安市, and a region filter includes sub-regions
    assert {x.report.organ for x in store.reports(ReportFilter(region="淮安市"))} == {
        "淮安市洪泽区人民政府",
        "洪泽区人民政府",
        "洪泽区政府",
        "淮安市人民政府",
    }
    assert len(store.reports(ReportFilter(region="洪泽区"))) == 3


def test_link_corrects_an_organ(db_url: str) -> None:
    store = Store(db_url)
    store.add_report(make_report("平潭综合实验区", 2019, seed=1))
    store.add_report(make_report("平潭综合实验区管委会", 2021, seed=2))
    store.add_report(make_report("福建省平潭综合实验区党工委管委会办公室", 2023, seed=3))
    assert len(store.reports(ReportFilter(organ="平潭综合实验区"))) == 2
    store.link_organs("福建省平潭综合实验区党工委管委会办公室", "平潭综合实验区")
    years = sorted(x.report.year for x in store.reports(ReportFilter(organ="平潭综合实验区")))
    assert years == [2019, 2021, 2023]
    # a later report under the corrected spelling lands on the same organ
    store.add_report(make_report("福建省平潭综合实验区党工委管委会办公室", 2025, seed=4))
    assert len(store.reports(ReportFilter(organ="平潭综合实验区"))) == 4


def test_filters_year_and_severity(db_url: str) -> None:
    store = Store(db_url)
    clean = make_report("甲镇", 2024, region="洪泽区", seed=1)
    bad = make_report("乙镇", 2024, region="洪泽区", seed=2)
    bad.add(Finding("T3_BALANCE", "表三勾稽关系不成立"))
    warn = make_report("丙镇", 2023, region="洪泽区", seed=3)
    warn.add(Finding("CELL_BLANK", "空白"))
    for r in (clean, bad, warn):
        store.add_report(r)
    assert {x.report.organ for x in store.reports(ReportFilter(year=2024))} == {"甲镇", "乙镇"}
    assert {x.report.organ for x in store.reports(ReportFilter(severity="error"))} == {"乙镇"}
    assert {x.report.organ for x in store.reports(ReportFilter(severity="warning"))} == {"乙镇", "丙镇"}


def test_accept_finding_and_edit_cell(db_url: str) -> None:
    store = Store(db_url)
    r = make_report("甲镇", 2024, region="洪泽区", seed=1)
    r.add(Finding("OTHER_PROCESSING_HIGH", "其他处理占比过高"))
    rid = store.add_report(r)
    (f,) = store.findings(report_id=rid)
    store.accept_finding(f.id, who="张三", comment="已核实，情况属实")
    (f2,) = store.findings(report_id=rid)
    assert f2.accepted and f2.accepted_by == "张三" and f2.comment == "已核实，情况属实" and f2.accepted_at
    assert store.reports(ReportFilter(severity="warning")) == []  # accepted findings no longer count
    old = r.value("t3.granted.natural_person")
    store.edit_cell(rid, "t3.granted.natural_person", old + 1, who="李四")
    back = store.get_report(rid).report
    assert back.value("t3.granted.natural_person") == old + 1
    assert back.cells["t3.granted.natural_person"].method == "manual"
    (edit,) = store.cell_edits(rid)
    assert (edit.old_value, edit.new_value, edit.who) == (old, old + 1, "李四")


@pytest.mark.skipif(not GOLD.exists(), reason="corpus absent")
def test_gold_reports_round_trip(db_url: str) -> None:
    store = Store(db_url)
    for path in sorted(GOLD.glob("*.json")):
        rep = gold_report(path)
        rid = store.add_report(rep)
        back = store.get_report(rid).report
        truth = json.loads(path.read_text())["cells"]
        assert back.values() == {k: v for k, v in truth.items() if k in rep.cells}, path.name


def test_paging_count_and_retrying_errors(db_url: str) -> None:
    store = Store(db_url)
    ids = [store.add_report(make_report(f"第{i}镇", 2024, region="洪泽区", seed=i)) for i in range(5)]
    assert store.count_reports(ReportFilter(year=2024)) == 5
    page = store.reports(ReportFilter(year=2024, limit=2, offset=2))
    assert [p.id for p in page] == ids[2:4]
    store.record_document("ef" * 32, "bad.pdf", 3, error="文件已损坏")
    assert store.forget_errors() == 1
    assert "ef" * 32 not in store.known_hashes()


def test_organ_overview(db_url: str) -> None:
    store = Store(db_url)
    store.add_report(make_report("洪泽区政府", 2023, seed=1))
    store.add_report(make_report("淮安市洪泽区人民政府", 2024, seed=2))
    aliases, years = store.organ_overview()
    (oid,) = aliases
    assert sorted(aliases[oid]) == ["洪泽区政府", "淮安市洪泽区人民政府"] and years[oid] == [2023, 2024]
