import io
import random
import shutil

import openpyxl
import pytest

from nianbao.writer.data import InputError, ReportData
from nianbao.writer.render.pdf import convert
from nianbao.writer.workbook import MAP_SHEET, build_workbook, read_workbook, total_formulas

from .conftest import consistent_cells


def _inputs(cells, template_id):
    totals = total_formulas(template_id)
    return {k: v for k, v in cells.items() if k not in totals}


def _fill(xlsx: bytes, values: dict, meta: dict) -> bytes:
    """Fill the workbook as a user would (openpyxl writes plain values into the input cells)."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    where = {k: (s, c) for k, s, c, _ in wb[MAP_SHEET].iter_rows(min_row=2, values_only=True)}
    for k, v in values.items():
        sheet, cell = where[k]
        wb[sheet][cell] = v
    for row in wb["基本信息"].iter_rows(min_row=1, max_col=2):
        if row[0].value in meta:
            row[1].value = meta[row[0].value]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("year,template_id", [(2020, "2019"), (2024, "2021")])
def test_template_is_locked_validated_and_reads_back(year, template_id):
    xlsx = build_workbook(year)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert wb["表三"].protection.sheet and wb["表二"].protection.sheet
    where = {k: (s, c) for k, s, c, _ in wb[MAP_SHEET].iter_rows(min_row=2, values_only=True)}
    sheet, cell = where["t3.granted.natural_person"]
    assert wb[sheet][cell].protection.locked is False
    sheet, cell = where["t3.granted.total"]
    assert wb[sheet][cell].value.startswith("=SUM(") and wb[sheet][cell].protection.locked
    rules = {str(dv.sqref): dv for dv in wb["表二"].data_validations.dataValidation}
    kinds = {(dv.type, dv.operator) for dv in rules.values()}
    assert ("whole", "greaterThanOrEqual") in kinds
    assert ("decimal", "greaterThanOrEqual") in kinds
    if template_id == "2019":
        # 本年增/减 may be negative ("between" is the OOXML default operator, read back as None)
        assert kinds & {("whole", "between"), ("whole", None)}
    cells = consistent_cells(template_id, random.Random(year))
    filled = _fill(xlsx, _inputs(cells, template_id), {"机关名称": "某某镇人民政府", "发布日期": None})
    data = read_workbook(filled)
    assert data.organ == "某某镇人民政府" and data.year == year and data.template_id == template_id
    assert data.cells == cells


def test_bad_cell_is_named_in_chinese():
    xlsx = _fill(build_workbook(2024), {"t3.granted.commercial": "五件"}, {"机关名称": "甲"})
    with pytest.raises(
        InputError, match="“表三”工作表 [A-Z]+\\d+ 单元格（t3.granted.commercial）：“五件”不是数字"
    ):
        read_workbook(xlsx)


def test_not_a_nianbao_workbook():
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    with pytest.raises(InputError, match="不是 nianbao 生成的填报表"):
        read_workbook(buf.getvalue())


def test_prefilled_workbook_caches_correct_totals():
    cells = consistent_cells("2021", random.Random(5))
    data = ReportData(organ="甲", year=2023, cells=_inputs(cells, "2021"))
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(2023, data=data)))
    assert read_workbook(build_workbook(2023, data=data)).cells == cells
    assert wb["基本信息"]["B4"].value == "甲"


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_evaluates_the_formulas():
    cells = consistent_cells("2021", random.Random(42), high=30)
    filled = _fill(build_workbook(2024), _inputs(cells, "2021"), {"机关名称": "甲"})
    recalculated = convert(filled, ".xlsx", "xlsx", recalc=True)
    wb = openpyxl.load_workbook(io.BytesIO(recalculated), data_only=True)
    where = {k: (s, c) for k, s, c, _ in wb[MAP_SHEET].iter_rows(min_row=2, values_only=True)}
    totals = total_formulas("2021")
    computed = {k: wb[where[k][0]][where[k][1]].value for k in totals}
    assert computed == {k: cells[k] for k in totals}
    assert computed["t3.results_total.total"] > 0
