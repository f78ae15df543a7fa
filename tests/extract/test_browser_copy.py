"""A browser's copy of a page whose table cells hold paragraphs: a tab alone on its line between
cells, a row over many lines, a blank cell a line holding a space (Chromium `innerText`)."""

from __future__ import annotations

from pathlib import Path

import nianbao
from nianbao.document import Paragraph
from nianbao.extract import browser_copy

SNIPPETS = Path(__file__).parent / "snippets"
HEAD = "上海市人民政府办公厅2019年政府信息公开工作年度报告\n一、总体情况\n概述。\n"


def _lines(text: str) -> list[Paragraph]:
    return [Paragraph(line) for line in text.split("\n")]


def test_rows_are_rebuilt_with_their_blank_cells():
    # Shanghai 2019 prints blank cells where others print 0: read line by line the second number
    # of 「6.属于四类过程性信息 3 1」 fell under 科研机构, silently
    text = (SNIPPETS / "chromium-innertext-paragraph-cells.txt").read_text(encoding="utf-8")
    rows = [b.text for b in browser_copy.rebuild(_lines(text)) if "\t" in b.text]
    assert rows[:3] == [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
        "自然人\t法人或其他组织\t总计",
        "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
    ]
    assert "6.属于四类过程性信息\t3\t1\t\t\t\t\t" in rows
    r = nianbao.parse((HEAD + text).encode(), "copy.txt")
    assert r.value("t3.denied.process_info.natural_person") == 3
    assert r.value("t3.denied.process_info.commercial") == 1
    assert r.value("t3.denied.process_info.research") is None
    assert r.value("t3.new_received.total") == 859


def test_a_stretch_between_two_tabs_ends_a_row_and_starts_the_next():
    # 「89」 is the last cell; 「第二十条第（五）项」 a row of one cell; 「信息内容」 starts the header
    lines = [
        "信息内容",
        "\t",
        "本年新",
        "制作数量",
        "\t",
        "本年新",
        "公开数量",
        "\t",
        "对外公开总数量",
        "规章",
    ]
    lines += ["\t0\t", "0", "\t", "0", "规范性文件", "\t", "", "89", "", "\t", "89", "\t", "89"]
    lines += [
        "第二十条第（五）项",
        "信息内容",
        "\t",
        "上一年项目数量",
        "\t",
        "本年增/减",
        "\t",
        "处理决定数量",
    ]
    rebuilt = [b.text for b in browser_copy.rebuild([Paragraph(t) for t in lines])]
    assert rebuilt == [
        "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
        "规章\t0\t0\t0",
        "规范性文件\t89\t89\t89",
        "第二十条第（五）项",
        "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
    ]


def test_text_without_lone_tabs_is_left_alone():
    # a Word dump's tab-separated rows, and a few stray tabs, are no browser copy
    lines = ["规章\t0\t0\t0", "行政强制\t\t\t", "\t", "正文一段。"]
    assert [b.text for b in browser_copy.rebuild(_lines("\n".join(lines)))] == lines


def test_a_word_dump_with_a_tab_before_each_cell_is_left_alone():
    # seed 000's dump: each cell a line starting with a tab, an empty cell a lone tab, a blank line
    # ending the row — lone tabs, but no browser's copy
    rows = ["\t（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "\t申请人情况", ""]
    rows += ["\t", "\t自然人", "\t法人或其他组织", "\t总计", "", "\t", "\t", "\t商业企业", "\t科研机构", ""]
    rows += ["\t一、本年新收政府信息公开申请数量", "\t", "\t4", "\t0", "\t", "\t", "\t", "\t4", ""]
    lines = [Paragraph(t) for t in rows]
    assert browser_copy.rebuild(lines) == lines
