"""Comma-separated lines among a text's lines: a table a script wrote as CSV (pandas `to_csv()`)."""

from __future__ import annotations

import nianbao
from nianbao.document import Paragraph, Table
from nianbao.extract import csv_lines

HEAD = "某某县财政局2023年政府信息公开工作年度报告\n一、总体情况\n概述。\n二、主动公开政府信息情况\n"
# pandas `read_html(page)[0].to_csv()` of pingtan-2021's 表二: row numbers, column numbers 0 … 3
T2_CSV = """,0,1,2,3
0,第二十条第（一）项,第二十条第（一）项,第二十条第（一）项,第二十条第（一）项
1,信息内容,本年制发件数,本年废止件数,现行有效件数
2,规章,0,0,0
3,行政规范性文件,69,3,665
4,第二十条第（五）项,第二十条第（五）项,第二十条第（五）项,第二十条第（五）项
5,信息内容,本年处理决定数量,本年处理决定数量,本年处理决定数量
6,行政许可,2293,2293,2293
"""


def test_csv_lines_among_the_text_are_a_table():
    # read line by line, 0.9 % of the cells: 「3,行政规范性文件,69,3,665」 is no row of cells
    r = nianbao.parse((HEAD + T2_CSV + "三、收到和处理政府信息公开申请情况\n").encode(), "page.txt")
    assert r.value("t2.normative_docs.issued") == 69 and r.value("t2.normative_docs.in_force") == 665
    assert r.value("t2.licensing.decisions") == 2293 and r.value("t2.rules.repealed") == 0


def test_prose_with_commas_is_no_table():
    lines = [
        "全年共受理申请1,234件，办结1,200件。",
        "see table 2, column 3, row 4",
        "a,b,c",
        "正文。",
        "1,2,3",
        "4,5",
    ]
    blocks = [Paragraph(t) for t in lines]
    out = csv_lines.rebuild(blocks)
    assert not any(isinstance(b, Table) for b in out[:4])  # sentences; a line alone
    assert [b.text for b in out if isinstance(b, Paragraph)][-2:] == ["1,2,3", "4,5"]  # 3 fields, then 2
