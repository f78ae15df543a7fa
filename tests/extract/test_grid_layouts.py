"""The grid path on the layout classes converters and real reports produce, from real snippets.

Each test feeds a small document through the real readers and holds the result to the rule of
the grid path: a value is addressed by the labels heading its row and its column, and every
number is either placed exactly or named by a finding — never silently wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from nianbao.templates import get_template

T3_2021 = get_template("2021").table("t3")
HEAD_2021 = "某某县财政局2023年政府信息公开工作年度报告\n一、总体情况\n概述。\n"
HEAD_2019 = "某某镇人民政府2020年政府信息公开工作年度报告\n一、总体情况\n概述。\n"


def parse_md(text: str, name: str = "report.md"):
    return nianbao.parse(text.encode("utf-8"), name)


def flagged(report) -> set[str]:
    return {k for f in report.findings for k in f.cells}


def assert_exact_or_flagged(report, truth: dict[str, int | None]) -> None:
    marks = flagged(report)
    wrong = {
        k: (want, report.value(k)) for k, want in truth.items() if report.value(k) != want and k not in marks
    }
    assert wrong == {}, f"silently wrong: {wrong}"


def _t3_html(header: str, rows: list[tuple[str, list[int]]]) -> str:
    body = "".join(
        f"<tr><td>{label}</td>" + "".join(f"<td>{v}</td>" for v in vals) + "</tr>" for label, vals in rows
    )
    return f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>{header}{body}</table></body></html>"


# --- headers decide -----------------------------------------------------------------------------


def test_2021_table_two_headers_decide_the_template_whatever_the_rows():
    # class 1 of the issue: a 2021 county department's 表二 read with the 2019 definition
    html = (
        "<html><body><p>某某县财政局2023年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p><table>"
        "<tr><td colspan=4>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>"
        "<tr><td>规范性文件</td><td>1</td><td>0</td><td>1</td></tr>"
        "<tr><td colspan=4>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td colspan=3>1</td></tr>"
        "</table></body></html>"
    )
    r = nianbao.parse(html.encode(), "x.html")
    assert r.table_templates["t2"] == "2021"
    assert r.value("t2.normative_docs.issued") == 1 and r.value("t2.licensing.decisions") == 1
    assert not {"TEMPLATE_YEAR_MISMATCH"} & {f.code for f in r.findings}


def test_columns_in_another_order_are_placed_by_their_header():
    header = (
        "<tr><td>申请人情况</td><td>社会公益组织</td><td>商业企业</td><td>其他</td>"
        "<td>法律服务机构</td><td>科研机构</td><td>自然人</td><td>总计</td></tr>"
    )
    r = nianbao.parse(
        _t3_html(header, [("一、本年新收政府信息公开申请数量", [0, 1, 0, 0, 0, 20, 21])]).encode(), "x.html"
    )
    assert r.value("t3.new_received.natural_person") == 20
    assert r.value("t3.new_received.commercial") == 1
    assert r.value("t3.new_received.total") == 21


def test_columns_in_another_order_are_never_placed_by_count_when_the_header_is_lost():
    # the header names the order; later one-row tables of another width cannot use it, and
    # counting values there would put 20 under 其他: they are reported instead
    text = (
        HEAD_2021
        + "三、收到和处理政府信息公开申请情况\n\n"
        + "| 申请人情况 | 社会公益组织 | 商业企业 | 其他 | 法律服务机构 | 科研机构 | 自然人 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
        + "| 一、本年新收政府信息公开申请数量 | 0 | 1 | 0 | 0 | 0 | 20 | 21 |\n\n"
        + "| 二、上年结转政府信息公开申请数量 | 0 | 0 0 | 0 | 0 | 3 | 3 |\n|---|---|---|---|---|---|---|\n"
    )
    r = parse_md(text)
    assert r.value("t3.new_received.natural_person") == 20
    assert r.value("t3.carried_over.natural_person") is None
    assert "t3.carried_over.natural_person" in flagged(r)


def test_a_header_band_that_does_not_describe_its_rows_is_not_used():
    # pandoc's HTML of a merged header: the corner cell lost its rowspan, so 自然人 … stand
    # three columns left of their values
    html = (
        "<table><tr><th colspan=3>（本列数据的勾稽关系为：…）</th><th colspan=7>申请人情况</th></tr>"
        "<tr><th>自然人</th><th colspan=5>法人或其他组织</th><th>总计</th><th></th><th></th><th></th></tr>"
        "<tr><th>商业企业</th><th>科研机构</th><th>社会公益组织</th><th>法律服务机构</th><th>其他</th>"
        "<th></th><th></th><th></th><th></th><th></th></tr>"
        "<tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>0</td><td>0</td>"
        "<td>0</td><td>0</td><td>6</td></tr></table>"
    )
    r = parse_md(HEAD_2021 + "三、收到和处理政府信息公开申请情况\n\n" + html + "\n")
    assert [r.value(f"t3.new_received.{c.key}") for c in T3_2021.blocks[0].value_columns] == [
        5,
        1,
        0,
        0,
        0,
        0,
        6,
    ]


# --- labels ------------------------------------------------------------------------------------


def test_other_processing_as_a_spanning_label_with_its_sub_rows_beside_it():
    # class 1: （六）其他处理 spans three rows, the sub-row labels are in the next column
    html = (
        "<html><body><p>三、收到和处理政府信息公开申请情况</p><table>"
        "<tr><td colspan=2></td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td>"
        "<td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
        "<tr><td rowspan=3>（六）其他处理</td><td>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请</td>"
        "<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>"
        "<tr><td>2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请</td>"
        "<td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>"
        "<tr><td>3.其他</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>"
        "</table></body></html>"
    )
    r = nianbao.parse(html.encode(), "x.html")
    assert r.table_templates["t3"] == "2021"
    assert r.value("t3.other.no_correction.total") == 1 and r.value("t3.other.other.natural_person") == 2


def test_one_table_per_row_with_the_labels_above_or_below_and_merged_cells():
    # markitdown of a PDF: a pipe table per ruled row, the labels printed between the tables,
    # two columns in one cell; here every label stands *below* its numbers
    rows = [
        ("一、本年新收政府信息公开申请数量", "| | 21 0 | 0 0 | 0 0 | 21 |"),
        ("二、上年结转政府信息公开申请数量", "| | 1 0 | 0 0 | 0 0 | 1 |"),
        ("（一）予以公开", "| | 22 0 | 0 0 | 0 0 | 22 |"),
    ]
    body = "".join(f"{table}\n| --- | --- | --- | --- | --- |\n{label}\n" for label, table in rows)
    r = parse_md(HEAD_2021 + "三、收到和处理政府信息公开申请情况\n申请人情况\n" + body)
    assert r.value("t3.new_received.natural_person") == 21
    assert r.value("t3.carried_over.natural_person") == 1
    assert r.value("t3.granted.total") == 22
    assert {"t3.new_received.natural_person", "t3.carried_over.total"} <= {
        k for f in r.findings if f.code == "CELL_RECOVERED" for k in f.cells
    }


def test_two_numbers_in_one_cell_are_never_one_value():
    text = (
        HEAD_2021
        + "三、收到和处理政府信息公开申请情况\n\n| 一、本年新收政府信息公开申请数量 | 447 7 | 0 0 | 454 |\n|---|---|---|---|\n"
    )
    r = parse_md(text)
    assert r.value("t3.new_received.natural_person") != 4477
    assert_exact_or_flagged(r, {"t3.new_received.natural_person": 447, "t3.new_received.total": 454})


def test_a_row_label_printed_outside_and_the_pieces_of_a_vertical_label_inside():
    text = (
        HEAD_2021
        + "三、收到和处理政府信息公开申请情况\n\n"
        + "三、\n2.其他法律行政法规禁止公开\n| 本 | | 30 1 | 0 0 | 0 0 | 31 |\n| --- | --- | --- | --- | --- | --- |\n"
    )
    r = parse_md(text)
    assert r.value("t3.denied.prohibited_by_law.natural_person") == 30
    assert r.value("t3.denied.prohibited_by_law.total") == 31


# --- tables and fragments ------------------------------------------------------------------------


def test_table_four_as_three_tables_and_transposed():
    three = "".join(
        f"<table><tr><td colspan=5>{title}</td></tr><tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td>"
        f"<td>尚未审结</td><td>总计</td></tr><tr>" + "".join(f"<td>{v}</td>" for v in vals) + "</tr></table>"
        for title, vals in (
            ("行政复议", [1, 0, 0, 0, 1]),
            ("行政诉讼（未经复议直接起诉）", [0, 2, 0, 0, 2]),
            ("行政诉讼（复议后起诉）", [0, 0, 3, 0, 3]),
        )
    )
    r = nianbao.parse(
        f"<html><body><p>四、政府信息公开行政复议、行政诉讼情况</p>{three}</body></html>".encode(), "x.html"
    )
    assert [
        r.value(k)
        for k in ("t4.review.total", "t4.litigation_direct.corrected", "t4.litigation_after_review.other")
    ] == [1, 2, 3]
    transposed = (
        "<table><tr><td></td><td></td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
        "<tr><td colspan=2>行政复议</td><td>5</td><td></td><td></td><td>2</td><td>7</td></tr>"
        "<tr><td rowspan=2>行政诉讼</td><td>未经复议直接起诉</td><td>8</td><td></td><td></td><td>1</td><td>9</td></tr>"
        "<tr><td>复议后起诉</td><td></td><td></td><td></td><td></td><td></td></tr></table>"
    )
    r = nianbao.parse(
        f"<html><body><p>四、政府信息公开行政复议、行政诉讼情况</p>{transposed}</body></html>".encode(),
        "x.html",
    )
    assert r.value("t4.review.total") == 7 and r.value("t4.litigation_direct.upheld") == 8
    assert r.value("t4.litigation_after_review.total") is None
    assert "t4.litigation_after_review.total" in flagged(r)
    assert "TABLE_INCOMPLETE" not in {f.code for f in r.findings}


def test_prose_laid_out_as_a_table_and_a_page_number_inside_a_table_are_not_cells():
    text = (
        HEAD_2021
        + "| 和针对性。2024 | | 年，全市共受理政府信息公开申请 | 3119 | 件，答 |\n| --- | --- | --- | --- | --- |\n"
        + "| 答复），均在法定期限内予以答复。政府信息公开行政复议 | | 351 |\n\n"
        + "四、政府信息公开行政复议、行政诉讼情况\n\n"
        + "| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        + "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | | | | | 复议后起诉 | | | | |\n"
        + "| | | | | | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
        + "| 10 | 1 | 0 | 0 | 11 | 0 | 0 | 0 | 0 | 0 | 5 | 0 | 0 | 0 | 5 |\n\n"
        + "| | | - 3 | |\n|---|---|---|---|\n"
    )
    r = parse_md(text)
    assert r.value("t4.review.total") == 11 and r.value("t4.litigation_after_review.upheld") == 5


def test_a_table_split_by_a_page_footer_is_read_as_one():
    first = _t3_html(
        "<tr><td></td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>",
        [("一、本年新收政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2])],
    )
    second = (
        "<p>第 3 页，共 6 页</p><p>file:///tmp/report.html 3/6</p><table><tr><td>二、上年结转政府信息公开申请数量</td>"
        + "".join(f"<td>{v}</td>" for v in [1, 0, 0, 0, 0, 0, 1])
        + "</tr></table>"
    )
    r = nianbao.parse(first.replace("</body></html>", second + "</body></html>").encode(), "x.html")
    assert r.value("t3.new_received.total") == 2 and r.value("t3.carried_over.total") == 1
    assert "VALUE_UNPLACED" not in {f.code for f in r.findings}


def test_numbers_no_row_takes_are_reported_with_their_place():
    header = "<tr><td></td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
    r = nianbao.parse(
        _t3_html(
            header,
            [
                ("一、本年新收政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2]),
                ("合计（备用）", [9, 9, 9, 9, 9, 9, 54]),
            ],
        ).encode(),
        "x.html",
    )
    unplaced = [f for f in r.findings if f.code == "VALUE_UNPLACED"]
    assert unplaced and "54" in unplaced[0].message and "表格" in unplaced[0].message


# --- markitdown of a PDF: one pipe table per ruled row (huaian-hongze-2024, 表三) -----------------

T3_BAND = (
    "三、收到和处理政府信息公开申请情况\n申请人情况\n"
    "|     |     | 自然人  | 商业企业 科研机构 | 社会公益组织 法律服务机构 | 其他 | 总计  |\n"
    "| --- | --- | ---- | --- | ----- | --- | --- |\n"
)


def _pipe(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |\n" + "| " + " | ".join("---" for _ in cells) + " |\n"


def test_numbers_printed_on_the_row_above_their_label_with_empty_cells():
    # the text extractor orders a tall row's label by its centre: the numbers come first, then
    # the label on a row of its own whose value cells are empty
    text = (
        HEAD_2021
        + T3_BAND
        + _pipe("", "2.其他法律行政法规禁止公开", "0 0", "0 0", "0 0", "0")
        + _pipe("", "", "1 0", "0 0", "0 0", "1")
        + _pipe("年", "3.危及“三安全一稳定”", "", "", "", "")
        + _pipe("", "4.保护第三方合法权益", "0 0", "0 0", "0 0", "0")
    )
    r = parse_md(text)
    assert r.value("t3.denied.three_safety_one_stability.natural_person") == 1
    assert r.value("t3.denied.three_safety_one_stability.total") == 1
    assert r.value("t3.denied.third_party_rights.total") == 0
    assert "VALUE_UNPLACED" not in {f.code for f in r.findings}


def test_an_unlabelled_row_of_numbers_no_label_row_takes_is_reported():
    text = (
        HEAD_2021
        + T3_BAND
        + _pipe("", "2.其他法律行政法规禁止公开", "0 0", "0 0", "0 0", "0")
        + _pipe("", "", "7 0", "0 0", "0 0", "7")
        + _pipe("", "4.保护第三方合法权益", "0 0", "0 0", "0 0", "0")
    )
    r = parse_md(text)
    unplaced = [f for f in r.findings if f.code == "VALUE_UNPLACED"]
    assert unplaced and "7" in unplaced[0].message
    assert r.value("t3.denied.third_party_rights.total") == 0


def test_a_group_label_beside_its_first_sub_rows_numbers_whose_label_is_printed_below():
    text = (
        HEAD_2021
        + T3_BAND
        + _pipe("", "8.属于行政查询事项", "0 0", "0 0", "0 0", "0")
        + _pipe("（四）无法提供", "", "31 0", "0 0", "0 0", "31")
        + "1.本机关不掌握相关政府信息\n"
        + _pipe("", "", "", "", "-", "3 -")
        + "\n"
        + _pipe("", "", "", "2.没有现成信息需要另行制作", "", "", "1", "0", "0", "0", "0", "0", "1")
    )
    r = parse_md(text)
    assert_exact_or_flagged(
        r,
        {
            "t3.unable.not_held.natural_person": 31,
            "t3.unable.not_held.total": 31,
            "t3.unable.needs_creation.total": 1,
        },
    )
    assert r.value("t3.unable.not_held.total") == 31
    # the page footer cut over two cells (「-」 「3 -」) is no number of the table
    assert not [f for f in r.findings if f.code == "VALUE_UNPLACED" and "3" in f.message]


def test_a_page_footer_between_the_rows_of_table_two_is_no_list_item():
    # markitdown prints a PDF's page footer 「- 2 -」 as a line of its own; Markdown would make
    # it the list item 「2 -」, whose 2 then joins the row above
    text = (
        HEAD_2021
        + "二、主动公开政府信息情况\n第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 9487\n- 2 -\n\n"
        + "第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚\n2776\n"
    )
    r = parse_md(text)
    assert r.value("t2.licensing.decisions") == 9487
    assert r.value("t2.penalty.decisions") == 2776


def test_a_label_printed_outside_its_row_is_checked_against_the_official_wording():
    # huaian-hongze-2023 through markitdown: each row a table of its own, its label on the line
    # above with a piece of the vertical 「三、本年度办理结果」 at its head
    text = (
        HEAD_2021
        + T3_BAND
        + "1.属于国家秘密\n"
        + _pipe("", "0 0", "0 0", "0 0", "0")
        + "三 2.其他法律行政止公开\n、\n"
        + _pipe("", "2 0", "0 0", "0 0", "2")
        + "本 3.危及“三安全一稳定”\n年\n"
        + _pipe("", "0 0", "0 0", "0 0", "0")
    )
    r = parse_md(text)
    assert r.value("t3.denied.prohibited_by_law.natural_person") == 2
    assert r.value("t3.denied.three_safety_one_stability.total") == 0
    nonstandard = [f for f in r.findings if f.code == "ROW_LABEL_NONSTANDARD"]
    assert len(nonstandard) == 1, [f.message for f in nonstandard]
    assert "“2.其他法律行政止公开”" in nonstandard[0].message
    assert nonstandard[0].cells[0].startswith("t3.denied.prohibited_by_law.")


def test_rows_printed_as_lines_under_a_header_grid_are_read_with_the_grids_definition():
    # markitdown of a browser-printed PDF (pingtan-2025): each block's header a one-row pipe
    # table, its row label and number plain lines; the 2019 表二 also has a 行政许可 row, but the
    # grids already name the 2021 columns, so the lines are read with the 2021 definition
    text = (
        HEAD_2021
        + "二、主动公开政府信息情况\n第二十条第（一）项\n"
        + "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| --- | --- | --- | --- |\n"
        + "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 3 | 0 | 8 |\n"
        + "第二十条第（五）项\n"
        + _pipe("信息内容", "本年处理决定数量", "", "", "", "")
        + "行政许可\n2418\n第二十条第（六）项\n"
        + _pipe("信息内容", "本年处理决定数量", "", "", "", "")
        + "行政处罚\n644\n"
        + _pipe("行政强制", "64", "", "", "", "")
        + "第二十条第（八）项\n"
        + _pipe("信息内容", "本年收费金额（单位：万元）", "", "", "", "")
        + _pipe("行政事业性收费", "4166.241619", "", "", "", "")
    )
    r = parse_md(text)
    assert [r.value(f"t2.{k}.decisions") for k in ("licensing", "penalty", "enforcement")] == [2418, 644, 64]
    assert r.value("t2.fees.amount") == 4166.241619
    assert "TABLE_INCOMPLETE" not in {f.code for f in r.findings}


def test_a_label_wrapped_over_grid_rows_keeps_the_numbers_beside_its_second_line():
    # markitdown of a browser-printed PDF (pingtan-2019): 「1.本机关不掌握相关政府信息」 wrapped
    # over three rows of the grid, the numbers on the row of its middle line
    text = (
        HEAD_2019
        + T3_BAND
        + "8.属于行政\n"
        + _pipe("", "", "0 0", "0 0", "0 0", "0")
        + "查询事项\n"
        + "| 三、本年 | 1.本机关不掌 |     |     |     |     |\n| ---- | ------- | --- | --- | --- | --- |\n"
        + "| 度办理结 | 握相关政府信  | 7 0 | 0 0 | 0 0 | 7   |\n"
        + "| 果    | 息       |     |     |     |     |\n"
    )
    r = parse_md(text)
    assert r.value("t3.unable.not_held.natural_person") == 7
    assert r.value("t3.unable.not_held.total") == 7
    assert not [f for f in r.findings if f.code == "VALUE_UNPLACED"]


def test_a_row_label_alone_between_two_labels_of_a_text_dump_is_printed_blank():
    # markitdown of the writer's PDF: 「行政强制」 printed with an empty cell comes out as the label
    # alone, the next block's heading straight after it
    text = (
        HEAD_2021
        + "二、主动公开政府信息情况\n第二十条第（五）项\n"
        + _pipe("信息内容", "", "", "本年处理决定数量", "")
        + "| 行政许可 |     |     | 0        |     |\n"
        + "第二十条第（六）项\n"
        + _pipe("信息内容", "", "", "本年处理决定数量", "")
        + "| 行政处罚 |     |     | 0        |     |\n"
        + "行政强制\n第二十条第（八）项\n"
        + _pipe("信息内容", "", "本年收费金额（单位：万元）", "", "")
        + "| 行政事业性收费 |     |               | 0   |     |\n"
    )
    r = parse_md(text)
    assert r.value("t2.enforcement.decisions") is None
    assert "t2.enforcement.decisions" in {k for f in r.findings if f.code == "CELL_BLANK" for k in f.cells}
    assert "t2.enforcement.decisions" not in {
        k for f in r.findings if f.code == "TABLE_INCOMPLETE" for k in f.cells
    }
    # the same label with its number on the next line is no blank
    r = parse_md(text.replace("行政强制\n", "行政强制\n12\n"))
    assert r.value("t2.enforcement.decisions") == 12


def test_a_label_wrapped_over_empty_rows_takes_the_numbers_under_it():
    # markitdown of the writer's PDF (（六）其他处理 1.): the label wraps over two rows of empty
    # cells, its numbers on an unlabelled row, the label's last line below them
    text = (
        HEAD_2021
        + T3_BAND
        + _pipe("", "5.要求行政机关确认或", "0 0", "0 0", "0 0", "0")
        + "重新出具已获取信息\n"
        + "| （六） | 1.申请人无正当理由逾期 |     |     |     |     |\n| --- | --- | --- | --- | --- | --- |\n"
        + "| 其他处 | 不补正、行政机关不再   |     |     |     |     |\n"
        + "|     |              | 3 0 | 0 0 | 0 0 | 3   |\n"
        + "| 理   | 处理其政府信息公开申   |     |     |     |     |\n"
        + "请\n"
        + _pipe("", "2.申请人逾期未按收费", "0 0", "0 0", "0 0", "0")
    )
    r = parse_md(text)
    assert r.value("t3.other.no_correction.natural_person") == 3
    assert r.value("t3.other.no_correction.total") == 3
    assert r.value("t3.other.unpaid_fee.total") == 0
    assert not [f for f in r.findings if f.code == "VALUE_UNPLACED"]


def test_numbers_under_a_vertical_group_label_take_the_label_printed_above_its_empty_row():
    # markitdown of a browser-printed PDF (pingtan-2021): 「（四）无法提供」 printed vertically, one
    # piece per row; the sub-row's label stands above the piece's row of empty cells, its numbers
    # on the row after, and the next sub-row's label follows below them
    text = (
        HEAD_2021
        + T3_BAND
        + "1.本机关不掌握相\n"
        + _pipe("", "", "22 0", "0", "0 0", "3 25")
        + "关政府信息\n"
        + _pipe("（ 四 ）", "", "", "", "", "")
        + "2.没有现成信息需\n"
        + _pipe("无 法 提", "", "", "", "", "")
        + "|       |     | 4 0 | 0   | 0 0 | 0 4 |\n"
        + "要另行制作\n供\n3.补正后申请内容\n"
        + _pipe("", "", "0 0", "0", "0 0", "0 0")
        + "仍不明确\n"
    )
    r = parse_md(text)
    assert_exact_or_flagged(
        r,
        {
            "t3.unable.not_held.total": 25,
            "t3.unable.needs_creation.natural_person": 4,
            "t3.unable.needs_creation.total": 4,
            "t3.unable.unclear_after_correction.total": 0,
        },
    )
    assert r.value("t3.unable.needs_creation.total") == 4


def test_a_row_of_empty_cells_under_an_outside_label_stays_blank_when_the_next_row_has_its_own():
    # one-row tables with the labels above: a row printed blank keeps its blanks, the numbers
    # after it belong to the label above them
    text = (
        HEAD_2021
        + T3_BAND
        + "1.本机关不掌握相关政府信息\n"
        + _pipe("", "", "", "", "", "")
        + "2.没有现成信息需要另行制作\n"
        + _pipe("", "4 0", "0 0", "0 0", "4")
    )
    r = parse_md(text)
    assert r.value("t3.unable.needs_creation.total") == 4
    assert r.value("t3.unable.not_held.total") is None
    assert "t3.unable.not_held.total" in flagged(r)


def test_the_last_line_of_a_header_band_is_never_read_as_values():
    # markitdown of the writer's PDF (a 表四 printed with its data row empty): the band's last
    # line 「维持 | 纠正 | 结果 审结」 stood where the values would be
    text = (
        HEAD_2021
        + "四、政府信息公开行政复议、行政诉讼情况\n"
        + "|     | 行政复议 |       |     |     |          |       | 行政诉讼  |       |     |\n"
        + "| --- | ---- | ----- | --- | --- | -------- | ----- | ----- | ----- | --- |\n"
        + "|     |      |       |     |     | 未经复议直接起诉 |       |       | 复议后起诉 |     |\n"
        + "| 结果  | 结果   | 其他 尚未 |     |     |          |       |       |       |     |\n"
        + "|     |      |       | 总计  | 结果  | 结果       | 其他 尚未 | 结果 结果 | 其他 尚未 |     |\n"
        + "| 维持  | 纠正   | 结果 审结 |     |     |          |       | 总计    |       | 总计  |\n"
        + "|     |      |       |     | 维持  | 纠正       | 结果 审结 | 维持 纠正 | 结果 审结 |     |\n"
        + "五、存在的主要问题及改进情况\n"
    )
    r = parse_md(text)
    assert "CELL_NOT_NUMERIC" not in {f.code for f in r.findings}
    assert all(r.value(k) is None for k in get_template("2021").table("t4").cell_keys)
    assert set(get_template("2021").table("t4").cell_keys) <= flagged(r)


def test_a_short_row_label_under_the_header_band_is_no_value(corpus_dir):
    # pandoc org of a table whose spans it lost: （六）其他处理 printed blank, its label in the
    # label column's second cell, and （七）总计 — a label short enough to be a column word —
    # standing where the header band has columns; the band did not describe that row, whose
    # numbers went to （六） one column over (t3.other.social_welfare = 767, silently)
    import json
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "pandoc-org-blank-row-label.md"
    body = "\n".join(ln for ln in snippet.read_text("utf-8").splitlines() if not ln.startswith("#"))
    r = parse_md(HEAD_2019 + body + "\n四、政府信息公开行政复议、行政诉讼情况\n")
    gold = json.loads((corpus_dir / "gold" / "shanghai-gov-office-2019.json").read_text("utf-8"))["cells"]
    assert_exact_or_flagged(r, {k: v for k, v in gold.items() if k.startswith("t3.")})
    assert [r.value(f"t3.results_total.{c}") for c in ("natural_person", "commercial", "total")] == [
        767,
        35,
        805,
    ]
    assert r.value("t3.other.social_welfare") is None


_T3_ROWS_2019 = (
    "| 一、本年新收政府信息公开申请数量 |  |  | 821 | 35 |  |  | 2 | 1 | 859 |\n"
    "| 二、上年结转政府信息公开申请数量 |  |  | 18 |  |  |  |  |  | 18 |\n"
)


def test_a_column_label_over_two_positions_heads_one_column_only_while_no_row_fills_both():
    # pdfplumber's tables of a PDF whose 表三 header breaks over a page: 总计 stays on the page
    # before, its column's header cell here is empty — not a continuation of 其他 (the 18 of
    # 二、上年结转's 总计 was put under 其他, silently)
    text = (
        HEAD_2019
        + "三、收到和处理政府信息公开申请情况\n\n"
        + "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |  |  |\n"
        + "|---|---|---|---|\n|  |  | 法人或其他组织 | 总计 |\n\n－ 8 －\n\n"
        + "|  |  |  | 自然 人 | 商业 企业 | 科研 机构 | 社会 公益 组织 | 法律 服务 机构 | 其他 |  |\n"
        + "|---|---|---|---|---|---|---|---|---|---|\n"
        + _T3_ROWS_2019
    )
    r = parse_md(text)
    truth = {
        "t3.carried_over.natural_person": 18,
        "t3.carried_over.other_org": None,
        "t3.carried_over.total": 18,
    }
    assert_exact_or_flagged(r, truth | {"t3.new_received.total": 859, "t3.new_received.other_org": 1})
    assert r.value("t3.carried_over.other_org") is None


def test_a_column_label_under_another_columns_label_places_nothing():
    # pymupdf4llm filled the merged 总计 cell's lower half with its neighbour's 其他
    label = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    text = (
        HEAD_2019
        + "三、收到和处理政府信息公开申请情况\n\n"
        + f"|{label}|申请人情况|申请人情况|申请人情况|申请人情况|申请人情况|申请人情况|申请人情况|\n"
        + "|---|---|---|---|---|---|---|---|\n"
        + f"|{label}|自然<br>人|法人或其他组织|法人或其他组织|法人或其他组织|法人或其他组织|法人或其他组织|总<br>计|\n"
        + f"|{label}|自然<br>人|商业企<br>业|科研<br>机构|社会公益<br>组织|法律服务<br>机构|其<br>他|其<br>他|\n"
        + "|一、本年新收政府信息公开申请数量|821|35|||2|1|859|\n"
        + "|二、上年结转政府信息公开申请数量|18||||||18|\n"
    )
    r = parse_md(text)
    assert_exact_or_flagged(r, {"t3.carried_over.other_org": None, "t3.carried_over.total": 18})
    assert r.value("t3.carried_over.other_org") is None


def test_an_amount_cut_over_the_tables_last_column_is_not_read():
    # pymupdf4llm of a browser-printed PDF: 「75394432.52元」 set as 「75394432.5 | 2元」, the tail in
    # a column right of the table's last; the amount as printed was taken, in 元 unconverted
    rows = ["|第二十条第（九）项||||", "|---|---|---|---|", "|信息内容|采购项目数量|采购总金额||"]
    text = (
        HEAD_2019
        + "二、主动公开政府信息情况\n\n"
        + "\n".join([*rows, "|政府集中采购|135|75394432.5|2元|"])
        + "\n"
    )
    r = parse_md(text)
    assert r.value("t2.procurement.count") == 135
    assert r.value("t2.procurement.amount") is None
    assert "t2.procurement.amount" in flagged(r)
    # a merged cell repeated beside the last column is no cut number
    repeated = text.replace("|135|75394432.5|2元|", "|135|7539.44|7539.44|")
    assert parse_md(repeated).value("t2.procurement.amount") == 7539.44


def test_numbers_in_the_column_headers_mean_the_rows_slipped():
    # camelot's lattice tables of a LibreOffice PDF, half a row off: each block's first numbers sit
    # in its header cells (`上一年项目数量 396`) and every data row carries the next row's numbers —
    # 规章 read 89 (规范性文件's), 行政许可 10 (其他对外管理服务事项's), with no finding
    text = (
        HEAD_2019
        + "二、主动公开政府信息情况\n\n"
        + "| 第二十条第（一）项 信息内容 | 本 年 新 | 本 年 新 | 对外公开总数量 |\n"
        + "|---|---|---|---|\n"
        + "|  | 制作数量 0 | 公开数量 0 | 0 |\n"
        + "| 规章 | 89 | 89 | 89 |\n"
        + "| 规范性文件 |  |  |  |\n"
        + "| 第二十条第（五）项 |  | / |  |\n"
        + "| 信息内容 | 上一年项目数量 396 | 本年增 减 0 | 处理决定数量 181 |\n"
        + "| 行政许可 | 10 | 0 | 153 |\n"
        + "| 其他对外管理服务事项 |  |  |  |\n"
        + "| 第二十条第（六）项 |  | / |  |\n"
        + "| 信息内容 | 上一年项目数量 2648 | 本年增 减 0 | 处理决定数量 430 |\n"
        + "| 行政处罚 | 126 | 0 | 25 |\n"
        + "| 行政强制 |  |  |  |\n"
    )
    r = parse_md(text)
    truth = {"t2.rules.made": 0, "t2.normative_docs.made": 89, "t2.licensing.prev_count": 396}
    truth |= {
        "t2.licensing.decisions": 181,
        "t2.other_services.prev_count": 10,
        "t2.penalty.prev_count": 2648,
    }
    truth |= {"t2.enforcement.prev_count": 126, "t2.enforcement.decisions": 25}
    assert_exact_or_flagged(r, truth)
    assert r.template == "2019"
    unplaced = [v["text"] for f in r.findings if f.code == "VALUE_UNPLACED" for v in f.data["values"]]
    assert {"396", "181", "2648", "430", "89", "10", "153", "126"} <= set(unplaced)  # placed or reported
    # the same rows with their header cells clean are read as printed
    clean = text.replace(" 396", "").replace(" 0 |", " |").replace(" 181", "").replace(" 2648", "")
    clean = clean.replace(" 430", "").replace("|  | 制作数量 | 公开数量 | 0 |\n", "")
    assert parse_md(clean).value("t2.licensing.prev_count") == 10


# --- a PDF converted to Markdown: one-row tables, labels printed outside them -------------------

_T3_PDF_MD_HEAD = (
    HEAD_2021
    + "三、收到和处理政府信息公开申请情况\n"
    + "| 一、本年新收政府信息公开申请数量 | 32 | 2 | 0 | 0 | 0 | 0 | 34 |\n"
    + "| 二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
    + "| 三、 | （一）予以公开 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |\n"
)


def _row(label: str, n: int) -> str:
    return f"| {label} | {n} | 0 | 0 | 0 | 0 | 0 | {n} |\n|---|---|---|---|---|---|---|---|\n"


def _bare(n: int) -> str:
    return f"| {n} | 0 | 0 | 0 | 0 | 0 | {n} |\n|---|---|---|---|---|---|---|\n"


def test_a_groups_wrapped_labels_between_one_row_tables_do_not_end_the_table():
    # markitdown of a PDF: the nine wrapped label lines of （五）不予处理 stand between its one-row
    # tables; everything after them was lost (the rows of 4., 3.其他, （七）总计)
    text = (
        _T3_PDF_MD_HEAD
        + _row("3.要求提供公开出版物", 0)
        + "\n（五）不\n予处理4.无正当理由大量反复\n申请\n5.要求行政机关确认或\n重新出具已获取信息\n"
        + "1.申请人无正当理由逾\n期不补正、行政机关不\n再处理其政府信息公开\n申请\n"
        + _bare(2)
        + _bare(3)
        + _bare(5)
        + "\n（六）其\n他处理\n2.申请人逾期未按收费\n通知要求缴纳费用、行\n政机关不再处理其政府\n信息公开申请\n"
        + _bare(0)
        + _row("3.其他", 4)
        + _row("（七）总计", 23)
    )
    r = parse_md(text)
    assert r.value("t3.not_processed.massive_repeated.natural_person") == 2
    assert r.value("t3.other.other.natural_person") == 4
    assert r.value("t3.results_total.natural_person") == 23
    truth = {
        "t3.not_processed.confirm_or_reissue.natural_person": 3,
        "t3.other.no_correction.natural_person": 5,
    }
    assert_exact_or_flagged(r, truth | {"t3.other.unpaid_fee.natural_person": 0})


def test_the_next_parts_heading_ends_the_table_before_it():
    # the lines under 「四、政府信息公开行政复议、行政诉讼情况」 (表四's header printed as lines) were
    # counted as the last 表三 fragment's neighbours and gave it to 表四: （七）总计 and 结转 unread
    last = (
        "| 3.其他 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |\n|---|---|---|---|---|---|---|---|\n"
        "| （七）总计 | 13 | 0 | 0 | 0 | 0 | 0 | 13 |\n"
        "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    )
    text = (
        _T3_PDF_MD_HEAD
        + _row("3.要求提供公开出版物", 0)
        + "\n（六）其\n他处理\n"
        + last
        + "\n四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n未经复议直接起诉复议后起诉\n"
        + "结果结果其他尚未\n总计结果结果其他尚未结果结果其他尚未\n维持纠正结果审结维持纠正结果审结\n"
        + "| 维持 | 纠正 | 结果 | 审结 | 总计 | 总计 |\n|---|---|---|---|---|---|\n"
        + "| 4 | 0 | 1 | 0 | 5 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    )
    r = parse_md(text)
    assert r.value("t3.results_total.natural_person") == 13
    assert r.value("t3.carried_forward.total") == 1


def test_labels_printed_out_of_their_rows_order_leave_the_rows_in_doubt():
    # a PDF extractor prints a tall group's labels by column: 「1.本机关不掌握…」 above 5.'s numbers,
    # （四）'s 2. and 3. after the row of 1.'s numbers — that row was given to 2., the next to 3.
    text = (
        _T3_PDF_MD_HEAD
        + "\n（三）不\n予公开\n5.属于三类内部事务信\n息\n1.本机关不掌握相关政\n府信息\n"
        + _bare(1)
        + _row("6.属于四类过程性信息", 1)
        + _row("7.属于行政执法案卷", 0)
        + _row("8.属于行政查询事项", 0)
        + _bare(4)
        + "\n（四）无2.没有现成信息需要另\n法提供行制作\n3.补正后申请内容仍不\n明确\n"
        + _bare(6)
        + _bare(0)
        + _row("1.信访举报投诉类申请", 0)
    )
    r = parse_md(text)
    truth = {"t3.unable.not_held.natural_person": 4, "t3.unable.needs_creation.natural_person": 6}
    truth |= {"t3.unable.unclear_after_correction.natural_person": 0, "t3.denied.internal_affairs.total": 1}
    assert_exact_or_flagged(r, truth)
    assert r.value("t3.unable.needs_creation.natural_person") != 4


def test_a_label_tail_two_rows_share_does_not_decide_the_row():
    # 「行政机关不再处理其政府信息公」 ends both （六）1 and （六）2; the line beside it naming 2. is
    # the next row's: the row of 40 was given to 2.申请人逾期未按收费通知要求缴纳费用…
    text = (
        _T3_PDF_MD_HEAD
        + _row("4.无正当理由大量反复申请", 1)
        + _bare(0)
        + _row("行政机关不再处理其政府信息公", 40)
        + "\n（六）其\n2.申请人逾期未按收费通知要求\n他处理\n府信息公开申请\n— 5 —\n"
        + "| 缴纳费用、 | 行政机关不再处理其政 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        + "|---|---|---|---|---|---|---|---|---|\n"
        + _row("3.其他", 4)
    )
    r = parse_md(text)
    truth = {"t3.other.no_correction.natural_person": 40, "t3.other.unpaid_fee.natural_person": 0}
    assert_exact_or_flagged(r, truth)
    assert r.value("t3.other.unpaid_fee.natural_person") != 40
    assert r.value("t3.other.other.natural_person") == 4


# --- tables as a dataframe dump prints them -----------------------------------------------------


def _frame_of_table_two():
    pd = pytest.importorskip("pandas")
    rows = [
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "69", "3", "665"],
        ["第二十条第（五）项"] * 4,
        ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"],
        ["行政许可", "2293", "2293", "2293"],
    ]
    return pd.DataFrame(rows)


def test_a_dataframes_row_and_column_numbers_are_no_cells():
    # pandas `read_html` then `to_csv()` / `to_markdown()` with the defaults: a first row 0 1 2 3
    # and a first column 0 1 2 … — 0.4 % of cells were read, the numbers taken for the table's
    frame = _frame_of_table_two()
    for text, name in ((frame.to_csv(), "t.csv"), (frame.to_markdown(), "t.md")):
        doc = (
            (HEAD_2021 + "二、主动公开政府信息情况\n\n" + text).encode() if name == "t.md" else text.encode()
        )
        r = nianbao.parse(doc, name)
        assert r.value("t2.normative_docs.issued") == 69 and r.value("t2.normative_docs.in_force") == 665
        assert r.value("t2.licensing.decisions") == 2293  # a merged cell repeated over three columns
        assert r.value("t2.rules.issued") == 0
    # a 序号 column of a real table starts at 1 and has its own header: not a dataframe's
    numbered = (
        "|序号|信息内容|本年制发件数|本年废止件数|现行有效件数|\n|---|---|---|---|---|\n|1|规章|0|0|0|\n"
    )
    r = parse_md(HEAD_2021 + "二、主动公开政府信息情况\n\n" + numbered)
    assert r.value("t2.rules.in_force") == 0


def test_a_dataframes_header_of_several_rows_printed_as_tuples():
    # `to_markdown()` of a DataFrame whose columns have three levels prints each column's header as
    # a tuple; here 行政诉讼 comes before 行政复议, so only the header can place the numbers
    pd = pytest.importorskip("pandas")
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    columns = pd.MultiIndex.from_tuples(
        [("行政诉讼", g, c) for g in ("未经复议直接起诉", "复议后起诉") for c in results]
        + [("行政复议", c, c) for c in results]
    )
    frame = pd.DataFrame([[1, 0, 0, 0, 1, 0, 0, 2, 0, 2, 4, 0, 1, 0, 5]], columns=columns)
    r = parse_md(HEAD_2021 + "四、政府信息公开行政复议、行政诉讼情况\n\n" + frame.to_markdown() + "\n")
    assert r.value("t4.review.total") == 5 and r.value("t4.review.upheld") == 4
    assert r.value("t4.litigation_direct.upheld") == 1 and r.value("t4.litigation_after_review.other") == 2


def test_table_four_printed_without_its_header_is_read_when_its_totals_hold():
    # pandas `to_csv(index=False, header=False)` of a page whose 表四 header was the DataFrame's
    # columns: one row of 15 numbers under 表三's last row — it went to 表三, unplaced
    text = (
        HEAD_2021
        + "三、收到和处理政府信息公开申请情况\n\n"
        + "|一、本年新收政府信息公开申请数量|3|0|0|0|0|0|3|\n|---|---|---|---|---|---|---|---|\n"
        + "|二、上年结转政府信息公开申请数量|0|0|0|0|0|0|0|\n"
        + "|（一）予以公开|3|0|0|0|0|0|3|\n"
        + "|（七）总计|3|0|0|0|0|0|3|\n"
        + "|四、结转下年度继续办理|0|0|0|0|0|0|0|\n\n"
        + "|72|64|178|37|351|13|4|8|1|26|12|1|1|6|20|\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    r = parse_md(text)
    assert r.value("t4.review.total") == 351 and r.value("t4.litigation_after_review.total") == 20
    assert r.value("t3.granted.total") == 3 and r.value("t3.carried_forward.total") == 0


def test_a_single_other_row_under_the_years_split_rows_names_the_printed_cells():
    # a 2021-format report keeping the 2019 （六）其他处理 row: its sub-rows are inferred (0) or left
    # null, and the finding names the printed row's cells too — they are not kept under their key
    t3_2019 = get_template("2019").table("t3")
    header = "<tr><td></td>" + "".join(
        f"<td>{c.label.official}</td>" for c in t3_2019.blocks[0].value_columns
    )
    header += "</tr>"
    seven = {"new_received", "other", "results_total"}  # 7 applications, all 其他处理
    rows = [
        (r.label.official, [7, 0, 0, 0, 0, 0, 7] if r.key in seven else [0] * 7) for r in t3_2019.data_rows
    ]
    page = _t3_html(header, rows).replace("<body>", "<body><p>" + HEAD_2021.splitlines()[0] + "</p>")
    r = nianbao.parse(page.encode(), "x.html")
    assert r.template == "2021" and r.table_templates["t3"] == "2019"
    inferred = {k for f in r.findings if f.code == "CELL_INFERRED" for k in f.cells}
    assert {"t3.other.natural_person", "t3.other.no_correction.natural_person"} <= inferred
    assert r.value("t3.other.no_correction.natural_person") is None


def test_table_four_as_three_tables_under_lines_naming_their_groups():
    # an OCR'd report turned into Markdown: 表四 as three five-column tables, each under a heading
    # naming its group — all 15 cells were left unread
    block = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
    text = (
        HEAD_2021
        + "## 四、政府信息公开行政复议、行政诉讼情况\n\n"
        + "### 行政复议\n"
        + block
        + "| 27 | 10 | 9 | 15 | 61 |\n\n"
        + "### 行政诉讼（未经复议直接起诉）\n"
        + block
        + "| 3 | 0 | 0 | 0 | 3 |\n\n"
        + "### 行政诉讼（复议后起诉）\n"
        + block
        + "| 8 | 0 | 1 | 1 | 10 |\n"
    )
    r = parse_md(text)
    assert r.value("t4.review.total") == 61 and r.value("t4.review.corrected") == 10
    assert r.value("t4.litigation_direct.upheld") == 3
    assert (
        r.value("t4.litigation_after_review.other") == 1 and r.value("t4.litigation_after_review.total") == 10
    )


def test_a_number_under_a_header_that_names_no_cell_of_table_four_is_reported_not_fatal():
    # pandas `to_markdown()` of LibreOffice's HTML of the writer's DOCX (huaian-city-2024): 行政复议's
    # 总计 given a second column under 行政诉讼 — the whole 表四 was dropped for one column too many
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "pandas-libreoffice-html-tables.md"
    r = nianbao.parse(snippet.read_bytes(), "tables.md")
    assert r.value("t4.review.total") == 351 and r.value("t4.litigation_direct.upheld") == 13
    assert r.value("t4.litigation_after_review.total") == 20
    unplaced = [v["text"] for f in r.findings if f.code == "VALUE_UNPLACED" for v in f.data["values"]]
    assert "351" in unplaced  # the repeated 总计: reported, not placed


def test_a_label_wrapped_above_its_row_between_the_pieces_of_a_vertical_group_label():
    # markitdown of the writer's LibreOffice PDF (huaian-city-2024): （六）2.'s label is printed
    # over five lines, the second to fourth of 「（六）/其他处/理」 between them, and only its middle
    # line 「用、行政机关不再处」 inside the one-row table holding its numbers
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "markitdown-pdf-wrapped-label-between-group-pieces.md"
    r = nianbao.parse((HEAD_2021 + snippet.read_text("utf-8")).encode("utf-8"), "report.md")
    row = [r.value(f"t3.other.unpaid_fee.{c.key}") for c in T3_2021.blocks[0].value_columns]
    assert row[:4] == [6, 0, 0, 0] and row[-1] == 6
    assert r.value("t3.other.no_correction.total") == 71 and r.value("t3.other.other.total") == 110
    # `0 0` (法律服务机构 and 其他 in one cell) is reported, never read as 0 or 00
    truth = dict.fromkeys([f"t3.other.unpaid_fee.{c}" for c in ("legal_service", "other_org")], 0)
    assert_exact_or_flagged(r, truth)


def test_table_four_printed_as_its_header_alone_is_blank_not_missing():
    # markitdown of a PDF whose 表四 has an empty value row: the empty row is dropped, the header
    # band stays. Nothing is printed under it: every cell blank (CELL_BLANK), no TABLE_MISSING
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "markitdown-pdf-blank-table-four.md"
    r = nianbao.parse((HEAD_2019 + snippet.read_text("utf-8")).encode("utf-8"), "report.md")
    assert not any(f.code == "TABLE_MISSING" and f.data.get("table") == "t4" for f in r.findings)
    blank = next(
        f for f in r.findings if f.code == "CELL_BLANK" and any(k.startswith("t4.") for k in f.cells)
    )
    assert len([k for k in blank.cells if k.startswith("t4.")]) == 15
    assert all(r.cells[k].value is None for k in blank.cells if k.startswith("t4."))


def test_a_print_footer_beside_a_header_only_table_four_is_no_value():
    # Chromium's print of the page: the file's address and page count, the print time, after 表四
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "markitdown-pdf-blank-table-four.md"
    footer = "file:///tmp/variants-chromium-7szeda0f/report.html 2/3\n\n12/4/26, 7:16 PM 小曹娥镇2020年政府信息公开工作年度报告"
    text = snippet.read_text("utf-8").replace("－ 3 －", footer)
    r = nianbao.parse((HEAD_2019 + text).encode("utf-8"), "report.md")
    blank = {k for f in r.findings if f.code == "CELL_BLANK" for k in f.cells}
    assert len([k for k in blank if k.startswith("t4.")]) == 15


def test_table_four_header_with_numbers_beside_it_is_not_called_blank():
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "markitdown-pdf-blank-table-four.md"
    text = snippet.read_text("utf-8").replace("－ 3 －", "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20")
    r = nianbao.parse((HEAD_2019 + text).encode("utf-8"), "report.md")
    assert not any(f.code == "CELL_BLANK" and any(k.startswith("t4.") for k in f.cells) for f in r.findings)


def test_rows_printed_blank_whose_empty_cells_a_converter_dropped_are_blank():
    # markitdown of Chromium's print of the writer's page (huaian-hongze-2023): （六）'s three rows
    # are printed blank; their one-row tables were dropped, their labels stayed as lines between
    # 5.要求行政机关确认… and （七）总计. Every number found its row, so those rows are blank
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "markitdown-pdf-blank-rows-dropped.md"
    r = nianbao.parse((HEAD_2021 + snippet.read_text("utf-8")).encode("utf-8"), "report.md")
    blank = {k for f in r.findings if f.code == "CELL_BLANK" for k in f.cells}
    for row in ("no_correction", "unpaid_fee", "other"):
        keys = {f"t3.other.{row}.{c.key}" for c in T3_2021.blocks[0].value_columns}
        assert keys <= blank and all(r.value(k) is None for k in keys)
    assert not any(f.code == "TABLE_INCOMPLETE" for f in r.findings)
    assert r.value("t3.results_total.total") == 21


def test_a_label_alone_is_not_blank_while_a_number_of_the_table_is_unplaced():
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "markitdown-pdf-blank-rows-dropped.md"
    text = snippet.read_text("utf-8").replace("3.其他\n", "3.其他\n| 7 |\n", 1)
    r = nianbao.parse((HEAD_2021 + text).encode("utf-8"), "report.md")
    blank = {k for f in r.findings if f.code == "CELL_BLANK" for k in f.cells}
    assert "t3.other.other.natural_person" not in blank
    assert "t3.other.other.natural_person" in flagged(r)


def test_two_numbers_in_one_cell_beside_an_empty_one_are_split_by_the_arithmetic():
    # markitdown of Chromium's print of the writer's page (000): 表四's 尚未审结 printed empty and
    # its number inside 总计's cell (`|  | 7 12 |`): one number per column only if the sums agree
    band = (
        "| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        "| | | | | | 未经复议直接起诉 | | | | | 复议后起诉 | | | | |\n"
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计"
        " | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
    )
    text = HEAD_2019 + "四、政府信息公开行政复议、行政诉讼情况\n" + band
    r = parse_md(text + "| 3 | 1 | 1 |  | 7 12 | 2 | 0 | 0 | 1 | 3 | 0 | 0 | 0 | 0 | 0 |\n")
    assert r.value("t4.review.pending") == 7 and r.value("t4.review.total") == 12
    assert any(f.code == "CELL_RECOVERED" and "t4.review.pending" in f.cells for f in r.findings)
    # sums that reject the split: nothing placed from the merged cell, and said so
    r = parse_md(text + "| 3 | 1 | 1 |  | 7 13 | 2 | 0 | 0 | 1 | 3 | 0 | 0 | 0 | 0 | 0 |\n")
    assert_exact_or_flagged(r, {"t4.review.pending": 7, "t4.review.total": 12})


def test_a_wrapped_labels_last_character_in_the_first_value_column_is_no_value():
    # markitdown of LibreOffice's PDF of pingtan-2021: （六）1.'s label wrapped over five lines,
    # its 「补」 pushed into the 自然人 column (「理 由 逾 期 不 | 补」, a false CELL_NOT_NUMERIC),
    # its numbers on the next row; （六）2.'s label begins on a line under the table before
    from pathlib import Path

    snippet = Path(__file__).parent / "snippets" / "markitdown-soffice-pdf-label-char-in-value-column.md"
    r = nianbao.parse((HEAD_2021 + snippet.read_text("utf-8")).encode("utf-8"), "report.md")
    assert not any(f.code == "CELL_NOT_NUMERIC" for f in r.findings)
    for row in ("no_correction", "unpaid_fee"):
        assert r.value(f"t3.other.{row}.natural_person") == 0 and r.value(f"t3.other.{row}.total") == 0
    assert r.value("t3.other.other.natural_person") == 1
    assert not any(f.code in ("TABLE_INCOMPLETE", "VALUE_UNPLACED") for f in r.findings)


def test_the_corner_note_and_the_first_rows_label_in_one_cell():
    # LibreOffice's PDF of a label column under a tall corner drew no ruling between them: the
    # corner cell spans the header rows and the first row, its text the note then the label
    import random

    from nianbao.synth.generate import random_data
    from nianbao.writer.compose import compose
    from nianbao.writer.render.html import render_html

    data = random_data(random.Random(11), year=2023)
    page = render_html(compose(data))
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    label = "一、本年新收政府信息公开申请数量"
    merged = page.replace(
        f'<th rowspan="3" colspan="3">{note}</th>', f'<th rowspan="4" colspan="3">{note}{label}</th>'
    )
    merged = merged.replace(f'<tr><td colspan="3">{label}</td>', "<tr>")
    assert merged.count(label) == 1 and merged != page
    r = nianbao.parse(merged.encode("utf-8"), "report.html")
    new = {k: v for k, v in data.cells.items() if k.startswith("t3.new_received.")}
    assert {k: r.value(k) for k in new} == new
    assert not [f for f in r.findings if f.code in ("VALUE_UNPLACED", "TABLE_INCOMPLETE")]


def test_one_row_tables_after_rows_printed_blank_keep_their_own_labels():
    # pandoc -t plain of a Word report printing each row as its own table: （六）'s three rows
    # printed blank, then （七）总计's table — read as a new run, its short label was refused far
    # from the walk's place and its numbers went to （六）1., silently
    snippet = Path(__file__).parent / "snippets" / "pandoc-plain-per-row-blank-rows.txt"
    r = nianbao.parse((HEAD_2021 + snippet.read_text(encoding="utf-8")).encode("utf-8"), "report.txt")
    assert [r.value(f"t3.results_total.{c}") for c in ("natural_person", "commercial", "total")] == [
        21,
        0,
        21,
    ]
    for row in ("no_correction", "unpaid_fee", "other"):
        assert r.value(f"t3.other.{row}.natural_person") is None
        assert f"t3.other.{row}.natural_person" in flagged(r)


def test_two_numbers_read_for_one_cell_leave_it_null_and_named():
    # markitdown of a PDF whose 表四 is three tables, adjacent columns merged (`72 64`, `37 351`):
    # the unlabelled rows all fall under one group's columns, 行政复议's 178 was kept for
    # 未经复议直接起诉/其他结果 and the 8 that followed reported alone — now neither is its value
    snippet = Path(__file__).parent / "snippets" / "markitdown-pdf-t4-three-merged-columns.md"
    r = parse_md(HEAD_2021 + snippet.read_text(encoding="utf-8"))
    assert r.value("t4.litigation_direct.other") in (None, 8)
    assert "t4.litigation_direct.other" in flagged(r) or r.value("t4.litigation_direct.other") == 8
    unplaced = " ".join(f.message for f in r.findings if f.code == "VALUE_UNPLACED")
    assert "178" in unplaced and "“8”" in unplaced


def _snippet_body(name: str) -> str:
    lines = (Path(__file__).parent / "snippets" / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[1:]) + "\n"  # the first line says where the snippet comes from


def test_html2text_empty_last_cell_and_sub_rows_without_their_group_label():
    # html2text writes no outer bars, so a row ending in an empty cell ends in a bar
    # (「（二）部分公开…| 3| | | | | |」); the bar was taken for the row's end, the 总计 cell lost,
    # and rows without 「三、本年度办理结果」 sat one column off: 表三's 36 numbers unplaced, 表四 missing
    r = parse_md(HEAD_2019 + _snippet_body("html2text-empty-last-cell-as-bar.md"))
    assert r.template == "2019"
    assert [
        r.value(f"t3.granted.{c}") for c in ("natural_person", "commercial", "legal_service", "other_org")
    ] == [
        258,
        12,
        1,
        1,
    ]
    assert r.value("t3.partially_granted.natural_person") == 3
    assert r.value("t3.denied.state_secret.natural_person") == 14
    assert r.value("t3.denied.process_info.commercial") == 1
    assert r.value("t3.new_received.total") == 859
    review = [r.value(f"t4.review.{c}") for c in ("upheld", "corrected", "other", "pending", "total")]
    assert review == [5, None, None, 2, 7]
    assert [r.value(f"t4.litigation_direct.{c}") for c in ("upheld", "pending", "total")] == [8, 1, 9]
    assert not [
        f for f in r.findings if f.code == "VALUE_UNPLACED" or f.code == "TABLE_MISSING" and f.where != "表二"
    ]


def test_pipe_rows_without_their_group_label_line_up_by_their_labels():
    # the same table with outer bars (a converter keeping a row-spanning label only in its first
    # row): the values of the short rows start where the long row's do
    rows = [
        "| 三、本年度办理结果 | （一）予以公开 | 258 | 12 |  |  | 1 | 1 |  |",
        "| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | 3 |  |  |  |  |  |  |",
        "| （三）不予公开 | 1.属于国家秘密 | 14 |  |  |  |  |  |  |",
        "| 2.其他法律行政法规禁止公开 |  | 5 |  |  |  |  |  |",
    ]
    head = "| | | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n|---|---|---|---|---|---|---|---|---|\n"
    r = parse_md(HEAD_2019 + "三、收到和处理政府信息公开申请情况\n\n" + head + "\n".join(rows) + "\n")
    assert r.value("t3.granted.natural_person") == 258
    assert r.value("t3.granted.other_org") == 1
    assert r.value("t3.partially_granted.natural_person") == 3
    assert r.value("t3.denied.state_secret.natural_person") == 14
    assert r.value("t3.denied.prohibited_by_law.commercial") == 5


def _snippet(name: str) -> str:
    text = (Path(__file__).parent / "snippets" / name).read_text("utf-8")
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))


def _gold_t3(corpus_dir, stem: str) -> dict[str, int | None]:
    import json

    gold = json.loads((corpus_dir / "gold" / f"{stem}.json").read_text("utf-8"))["cells"]
    return {k: v for k, v in gold.items() if k.startswith("t3.")}


def test_counting_against_a_header_band_that_names_other_columns_places_nothing(corpus_dir):
    # markitdown of a PDF: each row group its own table with its own column boundaries, the header
    # cut a line at a time. 「| 6.属于四类过程性信息 | | | 3 | | 1 | | | | |」 has nine cells for seven
    # columns; dropping the leading blanks put 1 (商业企业's) under 科研机构, silently, though the
    # header's 「科研机」+「构」 stands one position further right — also in the part of the table
    # after the run's break, whose grids have no header of their own
    r = parse_md(HEAD_2019 + _snippet("markitdown-pdf-header-pieces-shifted.md") + "\n")
    assert_exact_or_flagged(r, _gold_t3(corpus_dir, "shanghai-gov-office-2019"))
    for key in ("t3.denied.process_info.commercial", "t3.not_processed.repeated.commercial"):
        assert r.value(key) is None and key in flagged(r)


def test_a_header_printed_again_in_pieces_is_the_band_of_the_rows_under_it(corpus_dir):
    # the repeated header after a page break, every cell cut into lines (「商业」 over 「企业」,
    # 「社会公」 over 「益组织」): the pieces of one position joined name its column, and the rows
    # under it are read by that header, not by the first page's broken one
    r = parse_md(HEAD_2021 + _snippet("markitdown-pdf-repeated-header-in-pieces.md") + "\n")
    truth = _gold_t3(corpus_dir, "pingtan-2025-html")
    assert_exact_or_flagged(r, truth)
    for key in (
        "t3.denied.internal_affairs.natural_person",
        "t3.denied.internal_affairs.total",
        "t3.unable.not_held.commercial",
        "t3.unable.not_held.total",
    ):
        assert r.value(key) == truth[key], key


def test_one_header_cell_holding_two_columns_words_names_neither(corpus_dir):
    # markitdown of a PDF merged adjacent header cells (「科研机构 社会公益组织」, 「其他 总计」): the
    # close-wording match took the first for 社会公益组织 alone, and 上年结转's 18 under it went
    # there, silently
    r = parse_md(
        HEAD_2019
        + "三、收到和处理政府信息公开申请情况\n"
        + "| 申请人情况 | 自然人 商业企业 |     | 科研机构 社会公益组织 |     | 法律服务机构 |     | 其他 总计 |\n"
        + "| ----- | -------- | --- | ----------- | --- | ------ | --- | ----- |\n"
        + "二、上年结转政府信息公开申请数量\n"
        + "|     |     |     | 18  | 18  |     |     |     |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    )
    truth = _gold_t3(corpus_dir, "shanghai-gov-office-2019")
    assert_exact_or_flagged(r, {k: v for k, v in truth.items() if k.startswith("t3.carried_over.")})
    assert r.value("t3.carried_over.social_welfare") is None


def test_a_header_band_of_another_grid_places_no_number_where_its_own_rows_print_none(corpus_dir):
    # the header's grid prints 商业企业's numbers at its 8th position; a later one-row table, cut
    # with boundaries of its own, prints them at the 9th, under the band's 科研机构 — 1, 2, 3, 1, 4
    # went to 科研机构, silently (every total of those rows is printed blank: no sum catches it)
    r = parse_md(HEAD_2019 + _snippet("markitdown-pdf-band-one-off-in-later-tables.md") + "\n")
    assert_exact_or_flagged(r, _gold_t3(corpus_dir, "shanghai-gov-office-2019"))
    assert r.value("t3.granted.commercial") == 12  # under the header, in the header's own grid
