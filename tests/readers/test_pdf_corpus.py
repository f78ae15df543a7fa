"""The PDF reader on the three real WPS-exported reports of the corpus."""

from __future__ import annotations

import re

import pytest

from nianbao.document import Document, Paragraph, Table
from nianbao.readers import read_document
from nianbao.readers.pdf import PAGE_NUMBER
from nianbao.testing import corpus_dir

CORPUS = corpus_dir() / "pdf"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")

_cache: dict[str, Document] = {}


def doc(name: str) -> Document:
    if name not in _cache:
        _cache[name] = read_document(CORPUS / f"{name}.pdf")
    return _cache[name]


def cell(table: Table, row: int, col: int) -> str:
    found = table.grid()[row][col]
    assert found is not None, f"no cell at {row},{col}"
    return found.text


def find_cell(table: Table, text: str):
    hits = [c for c in table.cells if c.text == text]
    assert len(hits) == 1, f"{text!r}: {len(hits)} cells"
    return hits[0]


def row_after(table: Table, label: str) -> list[str]:
    c = find_cell(table, label)
    return [x.text for x in table.rows()[c.row] if x.col >= c.col + c.colspan]


@pytest.mark.parametrize("name", ["huaian-city-2024", "huaian-hongze-2023", "huaian-hongze-2024"])
def test_three_tables_stitched_across_pages(name: str) -> None:
    d = doc(name)
    assert d.format == "pdf"
    assert len(d.tables) == 3  # 表二 and 表三 each run over a page break and are joined
    t2, t3, t4 = d.tables
    assert t3.n_cols == 10 and t4.n_cols == 15
    assert len({c.prov.page for c in t3.cells}) == 2  # cells keep the page they were read on
    assert [t.prov.table for t in d.tables] == [0, 1, 2]


@pytest.mark.parametrize("name", ["huaian-city-2024", "huaian-hongze-2023", "huaian-hongze-2024"])
def test_page_numbers_removed(name: str) -> None:
    d = doc(name)
    assert int(d.metadata["page_numbers_removed"]) == int(d.metadata["pdf_pages"])
    for p in d.paragraphs:
        assert not PAGE_NUMBER.match(p.text.strip()), p.text
    assert not any(re.fullmatch(r"-\s*\d+\s*-", c.text) for t in d.tables for c in t.cells)


def test_vertical_label_is_one_cell_spanning_its_rows() -> None:
    t3 = doc("huaian-hongze-2023").tables[1]
    label = find_cell(t3, "三、本年度办理结果")
    assert (label.col, label.colspan) == (0, 1)
    assert label.rowspan == 20  # (一) … (七): rows on both pages, the continuation merged
    assert cell(t3, label.row, 1) == "（一）予以公开"
    assert cell(t3, label.row + label.rowspan - 1, 1) == "（七）总计"


def test_wrapped_label_is_one_cell_with_its_numbers() -> None:
    t3 = doc("huaian-hongze-2023").tables[1]
    assert row_after(t3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == [
        "4",
        "0",
        "0",
        "0",
        "0",
        "0",
        "4",
    ]
    assert row_after(t3, "5.要求行政机关确认或重新出具已获取信息") == ["0"] * 7
    assert row_after(t3, "2.其他法律行政止公开") == ["0"] * 7  # the report's own typo, kept


def test_label_cut_by_page_break_is_joined() -> None:
    t3 = doc("huaian-city-2024").tables[1]
    c = find_cell(t3, "（四）无法提供")
    assert c.rowspan == 3
    pages = {x.prov.page for x in t3.cells if c.row <= x.row < c.row + 3 and x.col == 2}
    assert pages == {4, 5}
    assert row_after(t3, "3、其他") == ["108", "2", "0", "0", "0", "0", "110"]


def test_table4_data_rows() -> None:
    expect = {
        "huaian-hongze-2023": "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0",
        "huaian-hongze-2024": "1 1 0 0 2 1 0 0 0 1 2 0 1 0 3",
        "huaian-city-2024": "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20",
    }
    for name, values in expect.items():
        t4 = doc(name).tables[2]
        assert [c.text for c in t4.rows()[-1]] == values.split(), name


def test_malformed_header_keeps_its_empty_cell() -> None:
    t4 = doc("huaian-hongze-2024").tables[2]
    top = t4.rows()[0]
    assert [c.text for c in top] == ["行政复议", "", "行政诉讼"]
    assert [(c.col, c.colspan) for c in top] == [(0, 5), (5, 3), (8, 7)]


def test_table2_joined_over_the_page_break() -> None:
    t2 = doc("huaian-city-2024").tables[0]
    assert t2.n_cols == 4
    c = find_cell(t2, "第二十条第（六）项")
    assert c.colspan == 4
    below = [x.text for x in t2.rows()[c.row + 1]]
    assert below == ["信息内容", "本年处理决定数量"]
    assert row_after(t2, "行政事业性收费") == ["96171.6"]


def test_reading_order_interleaves_headings_and_tables() -> None:
    blocks = doc("huaian-hongze-2023").blocks
    i = next(
        k
        for k, b in enumerate(blocks)
        if isinstance(b, Paragraph) and b.text == "三、收到和处理政府信息公开申请情况"
    )
    assert isinstance(blocks[i + 1], Table) and blocks[i + 1].n_cols == 10
    assert isinstance(blocks[i + 2], Paragraph) and blocks[i + 2].text.startswith("四、政府信息公开行政复议")
    first = blocks[0]
    assert isinstance(first, Paragraph) and first.text == "洪泽区人民政府" and first.prov.page == 1
    assert first.prov.bbox is not None and first.prov.bbox[1] < 200


def test_metadata_from_the_container_only() -> None:
    d = doc("huaian-hongze-2023")
    assert d.metadata["pdf_creation_date"].startswith("2024-02-26")
    assert d.metadata["pdf_title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert "published" not in d.metadata
    assert d.warnings == [] and "scanned_pages" not in d.metadata
    text = d.text()
    assert "收取政府信息公开信息处理费0元" in text
