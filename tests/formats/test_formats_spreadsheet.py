"""Published spreadsheets: the official tables laid out in sheets, with merged cells, numbers stored
as text and several sheets; the same workbook as XLSX, XLS, ODS and ET."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.document import Table
from nianbao.errors import ReadError
from nianbao.readers import _libreoffice as lo
from nianbao.readers import choose_reader, read_document

TITLE = "某某县某某局2023年政府信息公开工作年度报告"


def _put_table(ws, table: Table, top: int, as_text: bool) -> int:
    """Write a document table into the sheet at row `top` (1-based); returns the next free row."""
    for c in table.cells:
        r, k = top + c.row, 1 + c.col
        text = c.text
        # numbers stored as numbers in some cells and as text in others, as real workbooks do
        value: object = text
        if text.replace(".", "", 1).isdigit() and not as_text:
            value = float(text) if "." in text else int(text)
        ws.cell(r, k, value)
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(
                start_row=r, start_column=k, end_row=r + c.rowspan - 1, end_column=k + c.colspan - 1
            )
    return top + table.n_rows + 1


def workbook(written) -> bytes:
    from nianbao.templates import get_template
    from nianbao.writer.data import format_value
    from nianbao.writer.layout import layouts

    lays = layouts(get_template("2021"))
    texts = {k: format_value(v) for k, v in written.cells.items()}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报"
    ws.cell(1, 1, TITLE)
    ws.merge_cells("A1:J1")
    ws.cell(3, 1, "二、主动公开政府信息情况")
    row = _put_table(ws, lays["t2"].filled(texts), 4, as_text=False)
    ws.cell(row + 1, 1, "三、收到和处理政府信息公开申请情况")
    _put_table(ws, lays["t3"].filled(texts), row + 2, as_text=True)
    ws2 = wb.create_sheet("表四")
    ws2.cell(1, 1, "四、政府信息公开行政复议、行政诉讼情况")
    _put_table(ws2, lays["t4"].filled(texts), 3, as_text=False)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def xlsx(written) -> bytes:
    return workbook(written)


def _values(doc) -> list[str]:
    return [c.text for t in doc.tables for r in t.rows() for c in r if c.text.replace(".", "", 1).isdigit()]


def _expected(written) -> list[str]:
    return [v for t in ("t2", "t3", "t4") for v in written.tables[t]]


def test_xlsx_tables_paragraphs_and_spans(xlsx, written):
    doc = read_document(xlsx, "report.xlsx")
    assert doc.format == "xlsx"
    assert [p.text for p in doc.paragraphs] == [
        TITLE,
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    assert len(doc.tables) == 3
    assert _values(doc) == _expected(written)
    assert doc.metadata["sheets"] == "年报、表四"
    t3 = doc.tables[1]
    head = t3.rows()[0][0]
    assert head.text.startswith("（本列数据的勾稽关系") and head.rowspan == 3 and head.colspan == 3
    # the vertical 三、本年度办理结果 label spans every result row
    results = next(c for c in t3.cells if c.text == "三、本年度办理结果")
    assert results.rowspan > 20 and results.colspan == 1


def test_numbers_print_without_float_noise(xlsx, written):
    doc = read_document(xlsx, "report.xlsx")
    fee = written.tables["t2"][-1]
    assert "." in fee and fee in _values(doc)  # 216.6, not 216.59999999999999


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_legacy_workbooks_read_the_same(xlsx, written, soffice, fmt):
    (data,) = lo.convert_many([(xlsx, "xlsx")], fmt, use_cache=False)
    assert isinstance(data, bytes)
    doc = read_document(data, f"report.{fmt}")
    assert doc.format == fmt
    assert _values(doc) == _expected(written)
    if fmt == "xls":
        assert choose_reader(data, "report.doc").name == "spreadsheet"
        et = read_document(data, "report.et")  # Kingsoft ET saves BIFF8 workbooks
        assert et.format == "et" and _values(et) == _expected(written)


def test_damaged_workbook_gives_a_chinese_error(xlsx):
    broken = xlsx[: len(xlsx) // 2]
    with pytest.raises(ReadError, match="表格文件"):
        read_document(broken, "report.xlsx")


# --- property: any grid with merges written to a sheet comes back as the same grid ------------


@st.composite
def grids(draw):
    n_rows = draw(st.integers(2, 6))
    n_cols = draw(st.integers(3, 5))  # two columns could make a row of one full-width cell: a caption
    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            rs = draw(st.integers(1, 2)) if r + 1 < n_rows else 1
            cs = draw(st.integers(1, 2)) if c + 1 < n_cols else 1
            cover = {(r + i, c + j) for i in range(rs) for j in range(cs)}
            if cover & taken:
                rs, cs, cover = 1, 1, {(r, c)}
            taken |= cover
            text = draw(st.sampled_from(["", "0", "12", "自然人", "予以公开", "3.5"]))
            cells.append((r, c, rs, cs, text or f"x{r}{c}"))
    return n_rows, n_cols, cells


@settings(max_examples=40, deadline=None)
@given(grids())
def test_any_merged_grid_round_trips(grid):
    n_rows, n_cols, cells = grid
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, c, rs, cs, text in cells:
        ws.cell(r + 1, c + 1, text)
        if rs > 1 or cs > 1:
            ws.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rs, end_column=c + cs)
    buf = io.BytesIO()
    wb.save(buf)
    doc = read_document(buf.getvalue(), "grid.xlsx")
    assert len(doc.tables) == 1 and not doc.paragraphs
    got = sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in doc.tables[0].cells)
    assert got == sorted(cells)


def test_workbook_parses_end_to_end(xlsx, written):
    from nianbao.api import parse_document

    doc = read_document(xlsx, "report.xlsx")
    report = parse_document(doc)
    wrong = {k: (c.value, written.cells[k]) for k, c in report.cells.items() if c.value != written.cells[k]}
    assert len(report.cells) == 200 and wrong == {}
    assert report.organ == "某某县某某局" and report.year == 2023


def test_a_blank_row_between_a_header_band_and_its_numbers_keeps_them_one_table():
    # pandas `to_excel` of a DataFrame with a header of several rows leaves an empty row (its
    # index's name) between the header and the data: 表四's header and its 15 numbers were two tables
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, "行政复议", None, "行政诉讼"])
    ws.append([None, "结果维持", "总计", "结果维持"])
    ws.append([])
    ws.append([0, 3, 3, 1])
    ws.append([])
    ws.append(["注：", "本表数据含上年度结转"])  # a blank row under numbers still ends the table
    ws.append(["规章", 1, 2, 3])
    ws.append(["行政许可", 4, 5, 6])
    buf = io.BytesIO()
    wb.save(buf)
    doc = read_document(buf.getvalue(), "frame.xlsx")
    assert [t.to_text_rows() for t in doc.tables] == [
        [
            ["", "行政复议", "", "行政诉讼"],
            ["", "结果维持", "总计", "结果维持"],
            ["", "", "", ""],
            ["0", "3", "3", "1"],
        ],
        [["注：", "本表数据含上年度结转", "", ""], ["规章", "1", "2", "3"], ["行政许可", "4", "5", "6"]],
    ]
