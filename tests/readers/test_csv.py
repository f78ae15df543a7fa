"""The CSV reader: a saved workbook or the tables a script pulled out of a PDF, as a sheet."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.errors import ReadError
from nianbao.readers import read_document

# pdfplumber's extract_tables() of huaian-city-2024's 表二, written by csv.writer, a blank row
# after each table (what a script that "gets the tables out of the PDF" saves)
PLUMBER_T2 = (
    "第二十条第（一）项,,,\n"
    "信息内容,本年制发件数,本年废止件数,现行有效件数\n"
    "规章,0,0,0\n"
    "行政规范性文件,9,4,113\n"
    "\n"
    "第二十条第（五）项,\n"
    "信息内容,本年处理决定数量\n"
    "行政许可,38751\n"
    "\n"
)


def test_tables_separated_by_blank_rows_become_grids():
    doc = read_document(PLUMBER_T2.encode("utf-8"), "tables.csv")
    assert doc.format == "csv"
    first, second = doc.tables
    # the block heading alone on its row is a paragraph before the grid, as in a workbook
    assert first.to_text_rows()[2] == ["行政规范性文件", "9", "4", "113"]
    assert second.to_text_rows()[-1][:2] == ["行政许可", "38751"]
    assert first.rows()[2][3].prov.line == 4


def test_excel_csv_in_gbk_with_semicolons_and_quoted_cells():
    text = '信息内容;本年制发件数;本年废止件数;现行有效件数\n规章;0;0;0\n"行政规范性文件";"1,2";0;15\n'
    doc = read_document(text.encode("gbk"), "表二.csv")
    (table,) = doc.tables
    assert table.to_text_rows()[2] == ["行政规范性文件", "1,2", "0", "15"]


def test_a_report_saved_as_csv_is_read_onto_the_template():
    text = (
        "某某县财政局2023年政府信息公开工作年度报告\n一、总体情况\n概述。\n二、主动公开政府信息情况\n"
        + PLUMBER_T2
        + "三、收到和处理政府信息公开申请情况\n"
    )
    r = nianbao.parse(text.encode("utf-8"), "report.csv")
    assert r.value("t2.normative_docs.in_force") == 113
    assert r.value("t2.licensing.decisions") == 38751
    assert r.year == 2023


def test_a_broken_csv_is_a_clear_error():
    huge = '"' + "1" * 200_000 + '"\n'
    with pytest.raises(ReadError, match="CSV"):
        read_document(huge.encode(), "bad.csv")
