"""Every stage over every template, a synthetic future template included (see `template_id`).

A clean report of any template — the synthetic 2027 one has a renamed applicant column and an
extra result row — is written, read back, checked, stored and chained across years without an
error. A stage that knows template ids, row keys or labels of its own fails here.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

import nianbao
from nianbao.arithmetic import all_relations
from nianbao.corpus.runner import run_corpus_rules
from nianbao.findings import CATALOGUE, Finding, Severity
from nianbao.model import CellValue
from nianbao.rules import validate
from nianbao.store import Store
from nianbao.synth.generate import consistent_cells
from nianbao.templates import Role, get_template, template_for_year
from nianbao.writer import ReportData, render_report
from nianbao.writer.workbook import build_workbook, read_workbook

PROBLEMS = (
    "政策解读形式较为单一，图解、视频等多样化解读偏少。下一步将丰富解读形式。",
    "部分栏目信息更新不够及时。改进措施：建立栏目更新台账，明确责任人和更新时限。",
    "基层公开人员业务能力有待提升。将加大培训力度，提升工作人员业务水平。",
)


def _year(template_id: str) -> int:
    return get_template(template_id).first_year + 1 if template_id != "2019" else 2020


def clean_data(template_id: str, seed: int = 3, year: int | None = None) -> ReportData:
    year = year or _year(template_id)
    return ReportData(
        organ="青山县人民政府办公室",
        year=year,
        template=template_id,
        published=dt.date(year + 1, 1, 20),
        cells=consistent_cells(template_id, random.Random(seed), high=20),
        sections={
            "overview": f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
            "problems": PROBLEMS[year % len(PROBLEMS)],
            "other": "本年度未收取信息处理费。",
        },
    )


def _errors(findings: list[Finding]) -> list[str]:
    return [f"{f.code}: {f.message}" for f in findings if f.severity == Severity.ERROR]


def test_the_year_prescribes_the_template(template_id: str) -> None:
    tpl = get_template(template_id)
    assert template_for_year(_year(template_id)).id == template_id
    assert all(r.holds(consistent_cells(template_id, random.Random(1))) for r in all_relations(template_id))
    assert tpl.role_key(Role.RECEIVED) in tpl.cell_keys and tpl.applicants and tpl.result_groups


def test_rules_find_no_error_in_a_clean_report(template_id: str) -> None:
    report = clean_data(template_id).with_totals().to_report()
    assert report.template == template_id
    assert not _errors(validate(report))


def test_a_broken_total_is_found(template_id: str) -> None:
    tpl = get_template(template_id)
    report = clean_data(template_id).with_totals().to_report()
    key = tpl.role_key(Role.RECEIVED, tpl.applicants[2].key)  # the renamed column in the synthetic one
    report.cells[key] = CellValue((report.value(key) or 0) + 3, raw="x")
    assert {"T3_ROW_TOTAL", "T3_BALANCE"} <= {f.code for f in validate(report)}


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_written_report_reads_back_clean(template_id: str, fmt: str) -> None:
    data = clean_data(template_id)
    written = render_report(data, fmt)
    report = nianbao.parse(written.content, name=f"report.{fmt}")
    assert report.template == template_id and report.year == data.year
    wrong = {k: (v, report.value(k)) for k, v in written.data.cells.items() if report.value(k) != v}
    assert not wrong, f"{len(wrong)} cells differ, e.g. {list(wrong.items())[:4]}"
    assert not _errors(report.findings)


def test_workbook_round_trip(template_id: str) -> None:
    data = clean_data(template_id).with_totals()
    back = read_workbook(build_workbook(data.year, template_id, data))
    assert back.template_id == template_id
    assert {k: v for k, v in back.cells.items() if v is not None} == data.cells


def chained(first: ReportData, seed: int) -> ReportData | None:
    """A clean report for the next year whose cross-year relations with `first` all hold."""
    tpl = get_template(first.template_id)
    nxt = clean_data(tpl.id, seed=seed, year=first.year + 1)
    derived = {
        tpl.role_key(r, c.key) for r in (Role.RECEIVED,) for c in tpl.table("t3").blocks[0].value_columns
    }
    derived |= {k for k in tpl.cell_keys if tpl.table(k.split(".")[0]).column(k).total_of}
    cells = {k: v for k, v in nxt.cells.items() if k not in derived}
    for rel in tpl.cross_year:  # this year's side follows last year's
        cells[rel.checked] = rel.expected(cells, first.cells)  # type: ignore[assignment]
    for col in tpl.applicants:  # 一 + 二 = （七） + 四 again
        received = (
            nxt.cells[tpl.role_key(Role.RESULTS_TOTAL, col.key)]
            + cells[tpl.role_key(Role.CARRIED_FORWARD, col.key)]
            - cells[tpl.role_key(Role.CARRIED_OVER, col.key)]
        )
        cells[tpl.role_key(Role.RECEIVED, col.key)] = received
    if any(
        v is None or (v < 0 and not tpl.table(k.split(".")[0]).column(k).signed) for k, v in cells.items()
    ):
        return None
    return nxt.model_copy(update={"cells": cells}).with_totals()


def test_store_keeps_the_report_and_chains_years(template_id: str, tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'nianbao.db'}")
    year = get_template(template_id).first_year
    first, second = next(
        (a, b)
        for a in (clean_data(template_id, seed=s, year=year).with_totals() for s in range(40))
        for b in [chained(a, seed=99)]
        if b is not None
    )
    reports = [first.to_report(), second.to_report()]
    for r in reports:
        assert not _errors(validate(r))
    ids = [store.add_report(r) for r in reports]
    back = store.get_report(ids[0]).report
    assert back.template == template_id and back.values() == reports[0].values()
    found = run_corpus_rules(store)
    assert not [c for c in found if CATALOGUE[c][0] == Severity.ERROR], found
    assert not [c for c in found if c.startswith("XY_")], found
    # and a broken carry-over is caught
    key = get_template(template_id).role_key(Role.CARRIED_OVER, get_template(template_id).applicants[2].key)
    reports[1].cells[key] = CellValue((reports[1].value(key) or 0) + 2)
    store.delete_report(ids[1])
    store.add_report(reports[1])
    assert run_corpus_rules(store)["XY_CARRY_MISMATCH"] == 1
