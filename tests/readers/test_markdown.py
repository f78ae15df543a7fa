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
    # a lone row is a line of text; Markdown renders its escaped bar as a bar
    assert texts[-2:] == ["正文 | 不是表格的一行", "| a | b | c |"]


def test_ragged_rows_keep_every_cell():
    # a row longer than the header still holds data (markitdown: `| 行政事业性收费 | 5949.088667 | | |`
    # under a two-cell header); cutting it to the header lost the value
    doc = read(b"|a|b|\n|-|-|\n|1|\n|1|2|3|\n", "t.md")
    assert doc.tables[0].to_text_rows() == [["a", "b"], ["1"], ["1", "2", "3"]]


def test_escaped_bar():
    assert split_row("| a \\| b | c |") == ["a | b", "c"]


def test_gbk_markdown():
    doc = read("|总计|\n|---|\n|859|\n".encode("gbk"), "t.md")
    assert doc.metadata["encoding"] == "gb18030"
    assert doc.tables[0].to_text_rows() == [["总计"], ["859"]]


def test_pipe_rows_without_a_delimiter_line_are_a_table():
    # markdownify (markitdown of LibreOffice HTML) writes `| --- |` only under a header row
    text = (
        "| 自然人 | | 法人或其他组织 | | | | | 总计 |\n"
        "| 一、本年新收政府信息公开申请数量 | | | 64 | 0 | | 0 | 2 | 0 | 4 | 70 |\n"
        "| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | | 5 | 0 | | 0 | 0 | 0 | 0 | 5 |\n"
    )
    (table,) = read(text.encode(), "t.md").tables
    rows = table.to_text_rows()
    assert rows[1][-1] == "70" and len(rows[1]) == 11 and len(rows[2]) == 10


def test_inline_markup_never_breaks_a_number():
    text = "| <u>规章</u> | <u>2</u><u>3</u> | **0** | 1<br>2 | NaN |\n| --- | --- | --- | --- | --- |\n"
    (table,) = read(text.encode(), "t.md").tables
    assert table.to_text_rows() == [["规章", "23", "0", "1\n2", ""]]


RAW_HTML = """三、收到和处理政府信息公开申请情况

<table>
<colgroup>
<col style="width: 16%" />
</colgroup>
<tbody>
<tr>
<td colspan="2" style="text-align: left;">申请人情况</td>
</tr>
<tr>
<td style="text-align: left;"><p>商业</p>
<p>企业</p></td>
<td rowspan="2" style="text-align: left;">总计</td>
</tr>
<tr>
<td>64</td>
</tr>
</tbody>
</table>

四、政府信息公开行政复议、行政诉讼情况
"""


def test_raw_html_tables_inside_markdown_are_grids():
    # pandoc -t gfm writes a table with merged cells as raw HTML, one tag per line
    doc = read(RAW_HTML.encode(), "t.md")
    (table,) = doc.tables
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells] == [
        ("申请人情况", 0, 0, 1, 2),
        ("商业\n企业", 1, 0, 1, 1),
        ("总计", 1, 1, 2, 1),
        ("64", 2, 0, 1, 1),
    ]
    assert table.prov.line == 3 and table.cells[3].prov.line == 3  # the line of its <table>
    assert doc.paragraphs[-1].text == "四、政府信息公开行政复议、行政诉讼情况"


GRID = """+--------------------------+------------------+-----------+
| 三、本年度办理结果       | （一）予以公开   | 27        |
|                          +------------------+-----------+
|                          | （二）部分公开   |  5        |
+--------------------------+------------------+-----------+
| 四、结转下年度继续办理                      | 0         |
+=============================================+===========+
"""


def test_grid_tables_with_spans_and_wide_characters():
    # pandoc -t plain / markdown / rst: borders in display columns (a CJK character is two wide)
    (table,) = read(GRID.encode(), "t.md").tables
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells] == [
        ("三、本年度办理结果", 0, 0, 2, 1),
        ("（一）予以公开", 0, 1, 1, 1),
        ("27", 0, 2, 1, 1),
        ("（二）部分公开", 1, 1, 1, 1),
        ("5", 1, 2, 1, 1),
        ("四、结转下年度继续办理", 2, 0, 1, 2),
        ("0", 2, 2, 1, 1),
    ]


def test_grid_table_cells_wrap_over_lines():
    text = "+------+------+\n| 商业 | 科研 |\n|      |      |\n| 企业 | 机构 |\n+------+------+\n"
    (table,) = read(text.encode(), "t.md").tables
    assert table.to_text_rows() == [["商业\n企业", "科研\n机构"]]


def test_markdown_saved_as_txt_is_read_as_markdown():
    # content beats the extension: a converter's Markdown named .txt
    text = "# 报告\n\n| 规章 | 0 | 0 | 0 |\n| --- | --- | --- | --- |\n| 行政许可 | 5 | | |\n| 行政处罚 | 1 | | |\n"
    doc = read_document(text.encode(), "report.txt")
    assert doc.format == "markdown" and len(doc.tables) == 1
    plain = read_document("一、总体情况\n本机关……\n规章\t0\t0\t0\n".encode(), "report.txt")
    assert plain.format == "text"


def _grid(rows: list[list[str]], widths: list[int]) -> str:
    """A pandoc grid table, padded by display width (a CJK character is two columns)."""
    import unicodedata

    def pad(text: str, width: int) -> str:
        shown = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
        return " " + text + " " * (width - shown - 1)

    border = "+" + "+".join("-" * w for w in widths) + "+\n"
    return border + "".join(
        "|" + "|".join(pad(t, w) for t, w in zip(r, widths, strict=True)) + "|\n" + border for r in rows
    )


def test_pandoc_markup_inside_grid_cells():
    # pandoc -t markdown keeps underlines as bracketed spans, -t rst as emphasis; a cell's
    # indented content becomes a block quote
    text = _grid(
        [["[规章]{.underline}", "[0\u00a0\u00a0]{.underline}", "> 0"], ["*行政许可*", "*\u00a05*", "**12**"]],
        [22, 22, 10],
    )
    (table,) = read(text.encode(), "t.md").tables
    assert [[c.strip() for c in row] for row in table.to_text_rows()] == [
        ["规章", "0", "0"],
        ["行政许可", "5", "12"],
    ]


def test_html2text_tables_without_outer_bars_and_one_cell_rows():
    # html2text of pingtan-2025's page: no outer bars, the table's first row a single cell over a
    # `---` line, each later block heading a one-cell row printed as bare text, a blank line ends it
    text = (
        "二、主动公开政府信息情况\n\n"
        "第二十条第（一）项  \n---  \n"
        "信息内容| 本年制发件数| 本年废止件数| 现行有效件数  \n"
        "规章| 0| 0| 0  \n"
        "行政规范性文件| 58| 45| 546  \n"
        "第二十条第（五）项  \n"
        "信息内容| 本年处理决定数量  \n"
        "行政许可| 2418  \n"
        "  \n\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    doc = read(text.encode("utf-8"), "page.md")
    (table,) = doc.tables
    assert table.to_text_rows() == [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "58", "45", "546"],
        ["第二十条第（五）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政许可", "2418"],
    ]
    assert [p.text for p in doc.paragraphs][-1] == "三、收到和处理政府信息公开申请情况"
    # a setext heading followed by prose is no table
    doc = read("标题\n---\n正文一段。\n".encode(), "page.md")
    assert doc.tables == []


def test_asciidoc_tables_are_grids_with_their_spans():
    # pandoc -t asciidoc of LibreOffice's DOCX of pingtan-2025: spans before the bar, a cell's
    # text over lines, rows filled by the `cols` count
    text = (
        "二、主动公开政府信息情况\n\n"
        '[width="62%",cols="<30%,<23%,<23%,<24%",]\n'
        "|===\n"
        "4+<|第二十条第（一）项\n"
        "<|信息内容 <|本年制发件数 <|本年废止件数 <|现行有效件数\n"
        "<|规章 <|0 <|0 <|0\n"
        "<|行政规范性文件 <|58 <|45 <|546\n"
        ".2+<a|\n第二十条\n\n第（五）项\n"
        "3+<|本年处理决定数量\n"
        "3+<|2418\n"
        "|===\n\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    doc = read(text.encode("utf-8"), "report.txt")
    (table,) = doc.tables
    rows = table.to_text_rows()
    assert rows[0][0] == "第二十条第（一）项" and rows[3] == ["行政规范性文件", "58", "45", "546"]
    spanning = table.rows()[4][0]
    assert (spanning.text, spanning.rowspan) == ("第二十条 第（五）项", 2)
    (value,) = [c for c in table.cells if c.text == "2418"]
    assert (value.row, value.col, value.colspan) == (5, 1, 3)  # beside the row-spanning cell
    assert "cols=" not in " ".join(p.text for p in doc.paragraphs)


def test_box_drawing_tables_of_text_browsers_are_grids():
    # w3m -dump of the 平潭 2021 page: borders drawn with U+2500 box characters, a spanning title row
    text = (
        "二、主动公开政府信息情况\n"
        "┌──────────────────────────────────────────────────────────────────────────────────┐\n"
        "│                               第二十条第（一）项                                 │\n"
        "├────────────────────────┬─────────────────┬───────────────────┬───────────────────┤\n"
        "│信息内容                │本年制发件数     │本年废止件数       │现行有效件数       │\n"
        "├────────────────────────┼─────────────────┼───────────────────┼───────────────────┤\n"
        "│规章                    │ 0               │0                  │         0         │\n"
        "├────────────────────────┼─────────────────┼───────────────────┼───────────────────┤\n"
        "│行政规范性文件          │69               │3                  │665                │\n"
        "└────────────────────────┴─────────────────┴───────────────────┴───────────────────┘\n"
    )
    doc = read_document(text.encode("utf-8"), "page.txt")
    assert doc.format == "markdown"
    (table,) = doc.tables
    assert table.to_text_rows()[2:] == [["规章", "0", "0", "0"], ["行政规范性文件", "69", "3", "665"]]
    assert table.cells[0].colspan == 4
    # a line that merely starts with a box character is no table
    assert read_document("─ 说明\n正文\n".encode(), "a.txt").format == "text"


def test_links_rules_crossing_column_lines_are_no_row():
    text = (
        "+------------------------------+\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 |\n"
        "|----------+------------+------------|\n"
        "| 规章     |  0         | 2          |\n"
        "|----------+------------+------------|\n"
    )
    (table,) = read(text.encode(), "t.md").tables
    assert table.to_text_rows()[-1] == ["规章", "0", "2"]


def test_rows_joined_by_bars_without_outer_bars_are_a_table():
    # what a script printing python-docx's tables writes: " | ".join(cells), merged cells repeated,
    # an empty first or last cell set off by the bar alone
    text = (
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 | 一、本年新收政府信息公开申请数量 | 821 | 35 |  |  | 2 | 1 | 859\n"
        "三、本年度办理结果 | （一）予以公开 | 258 | 12 |  |  | 1 | 1 | \n"
        " | （二）部分公开 | 3 |  |  |  |  |  | 3\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
    )
    doc = read_document(text.encode("utf-8"), "dump.txt")
    assert doc.format == "markdown"
    (table,) = doc.tables
    rows = table.to_text_rows()
    assert rows[1] == ["三、本年度办理结果", "（一）予以公开", "258", "12", "", "", "1", "1", ""]
    assert rows[2][:3] == ["", "（二）部分公开", "3"] and len(rows[2]) == 9
    # a row whose first and last cells are blank has a bar at both ends: still the table's
    blank = read_document((text.replace("四、", " |  |  |  |  |  |  |  | \n四、", 1)).encode(), "d.txt")
    assert blank.tables[0].to_text_rows()[-1] == [""] * 9
    # one line with a bar is a sentence
    assert not read_document("来源：某某县 | 时间：2024-01-20\n正文\n".encode(), "a.txt").tables


def test_a_pipe_row_whose_cells_hold_line_breaks_is_one_row():
    # python-docx cell text with its paragraphs joined by newlines, jira's <br>: the row goes on
    # over lines until one ends with its closing bar
    text = "| 行政复议 | 行政复议 | 行政诉讼 |\n| 结 果 维 持 | 结 果\n纠 正 | 总 计 |\n| 1 | 0 | 2 |\n"
    (table,) = read(text.encode(), "t.md").tables
    assert table.to_text_rows() == [
        ["行政复议", "行政复议", "行政诉讼"],
        ["结 果 维 持", "结 果\n纠 正", "总 计"],
        ["1", "0", "2"],
    ]


def test_grid_tables_padded_by_character_count():
    # tabulate without wcwidth (pandas `to_markdown(tablefmt="grid")`) pads CJK text by its length:
    # the borders meet the bars in characters, not in display columns
    rows = [["", "0", "1"], ["0", "信息内容", "本年制发件数"], ["1", "规章", "0"]]
    widths = [max(len(r[k]) for r in rows) + 2 for k in range(3)]
    border = "+" + "+".join("-" * w for w in widths) + "+\n"
    text = border + "".join(
        "|" + "|".join(f" {t:<{w - 2}} " for t, w in zip(r, widths, strict=True)) + "|\n" + border
        for r in rows
    )
    (table,) = read(text.encode(), "t.md").tables
    assert table.to_text_rows() == [["", "0", "1"], ["0", "信息内容", "本年制发件数"], ["1", "规章", "0"]]


def test_a_drawing_that_is_no_grid_in_either_measure_is_no_grid_table():
    # links2 -dump draws 表二 with `+---+` borders whose inner rules (`|----+----|`) close no
    # rectangle in display columns; measured in characters one "cell" swallowed the drawing —
    # the lines must stay lines (read by their positions, 100 %)
    from pathlib import Path

    from nianbao.readers.markdown import grid_table

    text = (Path(__file__).parent / "snippets" / "links2-nested-grid.txt").read_text(encoding="utf-8")
    assert grid_table([line.strip() for line in text.splitlines()], 0, 0) is None
