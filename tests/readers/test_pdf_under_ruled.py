"""Which ruled grids are really tables: `_under_ruled` on the cell lines of real prints."""

from __future__ import annotations

from nianbao.readers._pdf_text import Line
from nianbao.readers.pdf import _under_ruled


def _cells(*cells: list[str]) -> list[list[Line]]:
    return [[Line([], t, 0.0, 10.0 * i, 10.0, 10.0 * i + 8) for i, t in enumerate(c)] for c in cells]


def test_column_lines_only_stack_a_column_of_values_in_one_cell():
    # Chromium's print of 表二 with column lines only: a header over its two values, per column
    assert _under_ruled(_cells(["本年制发件数", "36", "0"], ["本年废止件数", "899", "31"]))


def test_a_cell_holding_a_row_of_numbers_is_a_grid_missing_its_columns():
    assert _under_ruled(_cells(["申请人情况"], ["自然人", "357  264  1198  282  331  334 2766"]))


def test_a_ruled_table_with_wrapped_labels_and_numbers_is_a_table():
    assert not _under_ruled(
        _cells(
            [
                "（二）部分公开（区分处理的只",
                "，",
                "计这一情形不计其他情形）",
                "，",
            ],  # LibreOffice's stray commas
            ["（本列数据的勾稽关系为：第一项加第二", "项之和等于第三项加第四项之和）", "，"],
            ["2783"],
            ["278", "3"],  # a number wrapped in a narrow cell
            ["27", "83"],
            ["1.属于国家秘密"],
            ["447 7"],  # two numbers in one cell: the extractor decides (split or flagged)
        )
    )


def test_one_header_over_its_value_is_not_enough():
    # a single cell like that can be a label with a number in it; two make a pattern
    assert not _under_ruled(_cells(["总计", "29"], ["结果维持"], ["12"]))
