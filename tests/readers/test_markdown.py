"""The Markdown reader: pipe tables become tables, everything else stays line for line."""

from __future__ import annotations

from nianbao.readers import read_document
from nianbao.readers.markdown import read, split_row

REPORT_MD = """# 平潭综合实验区2023年度政府信息公开工作年度报告

## 二、主动公开政府信息情况

| 第二十条第（一）项 | | | |
| --- | :---: | ---: | --- |
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 0 | 0 | 0 |
| 行政规范性文件 | 2 | 0 | 15 |

正文 | 不是表格的一行
| a \\| b | c |
"""


def test_pipe_table_and_paragraphs():
    doc = read_document(REPORT_MD.encode("utf-8"), "report.md")
    assert doc.format == "markdown"
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == [
        "Paragraph",
        "Paragraph",
        "Paragraph",
        "Paragraph",
        "Table",
        "Paragraph",
        "Paragraph",
        "Paragraph",
    ]
    (table,) = doc.tables
    assert table.to_text_rows() == [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "2", "0", "15"],
    ]
    assert table.prov.line == 5
    assert table.rows()[3][3].prov.line == 9  # the delimiter row is not a table row
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert texts[2] == "二、主动公开政府信息情况"
    assert texts[-2:] == ["正文 | 不是表格的一行", "| a \\| b | c |"]


def test_ragged_rows_are_padded_or_cut_to_the_header():
    doc = read(b"|a|b|\n|-|-|\n|1|\n|1|2|3|\n", "t.md")
    assert doc.tables[0].to_text_rows() == [["a", "b"], ["1", ""], ["1", "2"]]


def test_escaped_bar():
    assert split_row("| a \\| b | c |") == ["a | b", "c"]


def test_gbk_markdown():
    doc = read("|总计|\n|---|\n|859|\n".encode("gbk"), "t.md")
    assert doc.metadata["encoding"] == "gb18030"
    assert doc.tables[0].to_text_rows() == [["总计"], ["859"]]
