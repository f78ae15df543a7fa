"""The HTML reader on the corpus pages and on hand-made and hostile snippets."""

from __future__ import annotations

import time

import pytest

from nianbao.document import Paragraph
from nianbao.errors import ReadError
from nianbao.readers import choose_reader, read_document
from nianbao.readers.html import read


def _html(body: str, head: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


# --- corpus ---------------------------------------------------------------------------------------


def test_shanghai_tables_grid(corpus_dir):
    doc = read_document(corpus_dir / "html" / "shanghai-gov-office-2019.html")
    assert doc.format == "html"
    assert doc.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert len(doc.tables) == 3
    t1, t2, t3 = doc.tables
    assert t1.to_text_rows()[1] == ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"]
    assert t1.to_text_rows()[2] == ["规章", "13", "13", "524"]
    grid = t2.grid()
    vertical = grid[5][0]
    assert (vertical.text, vertical.row, vertical.rowspan, vertical.colspan) == (
        "三、本年度办理结果",
        5,
        20,
        1,
    )
    assert all(grid[r][0] is vertical for r in range(5, 25))
    row3 = [c.text for c in t2.rows()[3]]
    assert row3 == ["一、本年新收政府信息公开申请数量", "821", "35", "", "", "2", "1", "859"]
    assert t2.rows()[3][0].colspan == 3  # the label spans the three label columns
    assert (t2.n_rows, t2.n_cols) == (26, 10)
    assert (t3.n_rows, t3.n_cols) == (4, 15)
    cell = t2.rows()[3][1]
    assert (cell.prov.table, cell.prov.row, cell.prov.col) == (1, 3, 3)


def test_shanghai_reading_order(corpus_dir):
    doc = read_document(corpus_dir / "html" / "shanghai-gov-office-2019.html")
    kinds = [(type(b).__name__, b.text if isinstance(b, Paragraph) else "") for b in doc.blocks]
    i_heading = kinds.index(("Paragraph", "二、主动公开政府信息情况"))
    assert kinds[i_heading + 1][0] == "Table"
    assert kinds[0] == ("Paragraph", "2019年上海市人民政府办公厅政府信息公开工作年度报告")


def test_pingtan_pages_are_mostly_chrome_but_report_is_found(corpus_dir):
    for path in sorted((corpus_dir / "html").glob("pingtan-*.html")):
        doc = read_document(path)
        assert len(doc.tables) == 3, path.name
        assert doc.metadata["published"][:4] in {"2020", "2022", "2024", "2026"}
        texts = [p.text for p in doc.paragraphs]
        assert "首页" not in texts  # the site's menus are outside the report's region
        assert texts[0].startswith("平潭综合实验区") and texts[0].endswith("年度报告")  # its title
        assert any(t.startswith("一、总体情况") for t in texts)
        assert not any("function(" in t or "var " in t for t in texts), "script text leaked"
        headings = [
            t for t in texts if t in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况")
        ]
        assert len(headings) == 2


def test_pingtan_2019_cells(corpus_dir):
    doc = read_document(corpus_dir / "html" / "pingtan-2019.html")
    rows = doc.tables[0].to_text_rows()
    assert rows[0] == ["第二十条第（一）项"]
    assert rows[1] == ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"]


# --- cells ----------------------------------------------------------------------------------------


def test_numbers_split_across_spans_and_cell_line_breaks():
    doc = read(
        _html(
            "<table><tr><td><span>1</span><span>2</span></td><td>本年新<br>制作数量</td>"
            "<td><p>商业</p><p>企业</p></td><td>&nbsp;</td><td> <p>&nbsp;</p> </td>"
            "<td><b>8</b>\n<i>59</i></td></tr><tr><td>a</td><td>b</td><td>c</td><td>d</td><td>e</td><td>f</td></tr>"
            "</table>"
        ),
        "x.html",
    )
    (table,) = doc.tables
    assert table.to_text_rows()[0] == ["12", "本年新\n制作数量", "商业\n企业", "", "", "8 59"]


def test_source_line_breaks_inside_chinese_do_not_become_spaces():
    doc = read(_html("<p>本年新收政府信息\n      公开申请数量 821 件</p>"), "x.html")
    assert doc.paragraphs[0].text == "本年新收政府信息公开申请数量 821 件"


def test_rowspan_from_above_shifts_cells_right():
    doc = read(
        _html(
            "<table><tr><th rowspan=2>A</th><th colspan=2>B</th><th rowspan=3>C</th></tr>"
            "<tr><td>b1</td><td>b2</td></tr>"
            "<tr><td>x</td><td>y</td><td>z</td></tr></table>"
        ),
        "x.html",
    )
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in doc.tables[0].cells}
    assert cells == {
        (0, 0): ("A", 2, 1),
        (0, 1): ("B", 1, 2),
        (0, 3): ("C", 3, 1),
        (1, 1): ("b1", 1, 1),
        (1, 2): ("b2", 1, 1),
        (2, 0): ("x", 1, 1),
        (2, 1): ("y", 1, 1),
        (2, 2): ("z", 1, 1),
    }


def test_absurd_spans_are_clamped():
    doc = read(
        _html(
            "<table><tr><td colspan=1000>title</td></tr><tr><td>a</td><td rowspan=99999>b</td><td>c</td></tr>"
            "<tr><td colspan='3abc'>d</td></tr><tr><td colspan=-4 rowspan=0>e</td></tr></table>"
        ),
        "x.html",
    )
    table = doc.tables[0]
    assert table.n_cols == 3
    assert table.n_rows == 4
    title = table.cells[0]
    assert (title.colspan, title.rowspan) == (3, 1)
    b = next(c for c in table.cells if c.text == "b")
    assert b.rowspan == 3  # to the end of the table
    assert len(table.grid()) == 4


# --- structure ------------------------------------------------------------------------------------


def test_layout_table_is_walked_and_nested_data_table_emitted():
    nav = "".join(f"<p>栏目{i}</p>" for i in range(12))
    doc = read(
        _html(
            f"<table><tr><td>{nav}</td><td><h1>2020年报告</h1><p>一、总体情况</p>"
            "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr></table>"
            "<p>五、存在的主要问题</p></td></tr></table>"
        ),
        "x.html",
    )
    assert [type(b).__name__ for b in doc.blocks][-5:] == [
        "Paragraph",
        "Paragraph",
        "Paragraph",
        "Table",
        "Paragraph",
    ]
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["栏目0", "栏目1"]
    assert texts[-3:] == ["2020年报告", "一、总体情况", "五、存在的主要问题"]
    (table,) = doc.tables
    assert table.to_text_rows() == [["信息内容", "本年制发件数"], ["规章", "3"]]
    assert table.prov.table == 0


def test_report_embedded_in_a_script_string():
    script = (
        'let content = "<p>\\u4e00\u3001\u603b\u4f53\u60c5\u51b5</p><table><tr><td>\u884c\u653f\u590d\u8bae</td>'
        '<td>3</td></tr><tr><td>\u603b\u8ba1</td><td>4</td></tr></table>";\n'
        "document.getElementById('zoom').innerHTML = content;"
    )
    doc = read(_html(f"<p>导航</p><div id=zoom></div><script>{script}</script><p>页脚</p>"), "x.html")
    assert [p.text for p in doc.paragraphs] == ["导航", "一、总体情况", "页脚"]
    assert doc.tables[0].to_text_rows() == [["行政复议", "3"], ["总计", "4"]]
    plain = read(_html("<script>var content = 'no tags here'; let x = \"<p>\";</script><p>x</p>"), "y.html")
    assert [p.text for p in plain.paragraphs] == ["x"]


def test_single_cell_box_is_not_a_table():
    doc = read(_html("<table><tr><td><p>一、总体情况</p><p>正文</p></td></tr></table>"), "x.html")
    assert doc.tables == []
    assert [p.text for p in doc.paragraphs] == ["一、总体情况", "正文"]


def test_dropped_elements_and_br_lines():
    doc = read(
        _html(
            "<script>var x = '<p>no</p>';</script><style>p{}</style><noscript>no</noscript>"
            "<template><p>no</p></template><iframe src='x'></iframe>"
            "<div>第一行<br>第二行<br/><span>第</span><span>三</span>行</div><ul><li>甲</li><li>乙</li></ul>",
            head="<title>标题 </title><script>no()</script>",
        ),
        "x.html",
    )
    assert doc.title == "标题"
    assert [p.text for p in doc.paragraphs] == ["第一行", "第二行", "第三行", "甲", "乙"]


def test_preformatted_lines_and_xhtml_declaration():
    page = (
        '<?xml version="1.0" encoding="gbk"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
        "<pre>行政复议\t0\n行政诉讼\t1</pre></body></html>"
    )
    doc = read(page.encode("gbk"), "x.xhtml")
    assert [p.text for p in doc.paragraphs] == ["行政复议\t0", "行政诉讼\t1"]


def test_gbk_page_with_declared_charset():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        "<body><p>政府信息公开工作年度报告</p><p>鎔</p></body></html>"
    )
    doc = read(page.encode("gb18030"), "x.htm")
    assert doc.metadata["encoding"] == "gb18030"
    assert [p.text for p in doc.paragraphs] == ["政府信息公开工作年度报告", "鎔"]


def test_utf8_page_with_stale_gb2312_declaration():
    page = '<html><head><meta charset="gb2312"></head><body><p>本年新收政府信息公开申请数量</p></body></html>'
    doc = read(page.encode("utf-8"), "x.htm")
    assert doc.metadata["encoding"] == "utf-8"
    assert [p.text for p in doc.paragraphs] == ["本年新收政府信息公开申请数量"]


def test_gbk_page_declared_latin1():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>行政复议</p></body></html>'
    doc = read(page.encode("gbk"), "x.htm")
    assert [p.text for p in doc.paragraphs] == ["行政复议"]


def test_wrong_declared_charset_falls_back_to_detection():
    page = '<html><head><meta charset="utf-8"></head><body><p>总计</p></body></html>'
    doc = read(page.encode("gbk"), "x.htm")
    assert [p.text for p in doc.paragraphs] == ["总计"]


def test_utf16_page_and_sniffing():
    page = "<html><body><table><tr><td>总计</td><td>3</td></tr></table></body></html>"
    data = page.encode("utf-16")
    assert choose_reader(data, "report.doc").name == "html"  # sites serve HTML as .doc
    assert read(data, "x.html").tables[0].to_text_rows() == [["总计", "3"]]
    assert choose_reader(b"  <!DOCTYPE html><p>x", "a.txt").name == "html"
    assert choose_reader(b"<table><tr><td>1", "a").name == "html"
    assert choose_reader("一、总体情况 <p>".encode(), "a").name == "text"


def test_empty_page():
    with pytest.raises(ReadError):
        read(b"   ", "x.html")
    assert read(b"<html></html>", "x.html").blocks == []


# --- hostile input ---------------------------------------------------------------------------------


def _timed(data: bytes) -> tuple[float, object]:
    start = time.perf_counter()
    doc = read(data, "hostile.html")
    return time.perf_counter() - start, doc


def test_billion_laughs_is_not_expanded():
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    data = (
        f"<!DOCTYPE html [{entities}]><html><body><p>&i;</p><table><tr><td>&i;</td><td>1</td></tr>"
        "</table></body></html>"
    )
    elapsed, doc = _timed(data.encode())
    assert elapsed < 2
    assert max(len(p.text) for p in doc.paragraphs) < 100
    assert all(len(c.text) < 100 for t in doc.tables for c in t.cells)


@pytest.mark.parametrize("tag", ["div", "span", "table><tr><td"])
def test_deep_nesting_does_not_crash(tag):
    close = "</td></tr></table>" if tag.startswith("table") else f"</{tag}>"
    data = (
        "<html><body><p>前言</p>" + f"<{tag}>" * 100_000 + "x" + close * 100_000 + "</body></html>"
    ).encode()
    elapsed, doc = _timed(data)
    assert elapsed < 5
    assert doc.paragraphs[0].text == "前言"
    assert doc.warnings  # libxml2 stopped at its depth limit: the user is told


def test_huge_attribute_values():
    data = (
        b'<html><body><p>before</p><table><tr><td colspan="'
        + b"9" * 5_000_000
        + b'" title="'
        + b"a" * 5_000_000
        + b'">1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table></body></html>'
    )
    elapsed, doc = _timed(data)
    assert elapsed < 5
    for table in doc.tables:
        assert table.n_cols <= 200


@pytest.mark.slow
def test_50_mb_page_finishes_with_bounded_memory():
    import resource

    row = "<tr><td><span>行政</span><span>处罚</span></td><td>1</td><td>&nbsp;</td></tr>"
    chunk = (
        "<div><p>"
        + "政府信息公开" * 400
        + "</p><p><span>本年</span>新收</p></div><table>"
        + row * 5
        + "</table>"
    )
    data = ("<html><body>" + chunk * (50_000_000 // len(chunk.encode())) + "</body></html>").encode()
    assert len(data) > 45_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    elapsed, doc = _timed(data)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert elapsed < 60
    assert grown_mb < 4000
    assert len(doc.tables) > 5_000
    assert doc.tables[-1].to_text_rows()[0] == ["行政处罚", "1", ""]
