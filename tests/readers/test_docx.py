"""The DOCX reader on documents built with python-docx, and on damaged and hostile archives."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from nianbao.document import Paragraph, Table
from nianbao.errors import ReadError
from nianbao.readers import choose_reader, read_document
from nianbao.readers.docx import read

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _save(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _report_docx() -> bytes:
    """A snippet of seeds/004 (a 2021 report) laid out as the Word original was."""
    d = docx.Document()
    d.core_properties.title = "杨山镇2021年政府信息公开工作年度报告"
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=7, cols=4)
    title = t.cell(0, 0).merge(t.cell(0, 3))
    title.text = "第二十条第（一）项"
    for c, text in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        t.cell(1, c).text = text
    for c, text in enumerate(["规章", "0", "0", "0"]):
        t.cell(2, c).text = text
    for c, text in enumerate(["行政规范性文件", "28", "0", "63"]):
        t.cell(3, c).text = text
    head = t.cell(4, 0).merge(t.cell(4, 3))
    head.text = "第二十条第（五）项"
    label = t.cell(5, 0).merge(t.cell(6, 0))  # a label over two rows (vMerge)
    label.text = "行政许可"
    value = t.cell(5, 1).merge(t.cell(5, 3))
    value.text = "本年处理决定数量"
    t.cell(6, 1).text = "0"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t2 = d.add_table(rows=2, cols=2)
    t2.cell(0, 0).text = "申请人情况"
    t2.cell(1, 1).text = "总计"
    d.add_paragraph("")  # empty paragraphs are spacing, not content
    d.add_paragraph("六、其他需要报告的事项\t无")
    return _save(d)


def test_body_order_and_title():
    doc = read_document(_report_docx(), "report.docx")
    assert doc.format == "docx"
    assert doc.title == "杨山镇2021年政府信息公开工作年度报告"
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph", "Table", "Paragraph"]
    assert [p.text for p in doc.paragraphs] == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "六、其他需要报告的事项\t无",
    ]
    assert [p.prov.line for p in doc.paragraphs] == [1, 2, 3]
    assert [t.prov.table for t in doc.tables] == [0, 1]


def test_merged_cells_become_spans():
    table = read(_report_docx(), "r.docx").tables[0]
    assert table.to_text_rows() == [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "28", "0", "63"],
        ["第二十条第（五）项"],
        ["行政许可", "本年处理决定数量"],
        ["0", "", ""],
    ]
    cells = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert cells[(0, 0)] == (1, 4)
    assert cells[(5, 0)] == (2, 1)
    assert cells[(5, 1)] == (1, 3)
    assert cells[(6, 1)] == (1, 1)
    assert (6, 0) not in cells  # the merged cell appears once
    grid = table.grid()
    assert grid[6][0] is grid[5][0]
    c = table.rows()[3][1]
    assert (c.text, c.prov.table, c.prov.row, c.prov.col) == ("28", 0, 3, 1)


def test_nested_table_follows_its_table():
    d = docx.Document()
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外"
    cell = outer.cell(1, 1)
    cell.text = "说明"
    inner = cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "结果维持"
    inner.cell(1, 0).text = "3"
    d.add_paragraph("之后")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "末表"
    doc = read(_save(d), "n.docx")
    assert [type(b).__name__ for b in doc.blocks] == ["Table", "Table", "Paragraph", "Table"]
    outer_t, inner_t, last = doc.tables
    assert outer_t.to_text_rows() == [["外", ""], ["", "说明"]]
    assert inner_t.to_text_rows() == [["结果维持", ""], ["3", ""]]
    assert [t.prov.table for t in doc.tables] == [0, 1, 2]
    assert last.to_text_rows() == [["末表"]]


def test_runs_tracked_changes_and_content_controls():
    d = docx.Document()
    d.element.body.insert(
        0,
        parse_xml(
            f"<w:p {W_NS}><w:r><w:t>本年新收</w:t></w:r><w:ins><w:r><w:t>申请</w:t></w:r></w:ins>"
            "<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del><w:r><w:tab/><w:t>859</w:t><w:br/>"
            "<w:t>件</w:t></w:r><w:hyperlink><w:r><w:t>（链接）</w:t></w:r></w:hyperlink></w:p>"
        ),
    )
    d.element.body.insert(
        1,
        parse_xml(
            f"<w:sdt {W_NS}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件里的段落</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    doc = read(_save(d), "c.docx")
    assert [p.text for p in doc.paragraphs] == ["本年新收申请\t859\n件（链接）", "控件里的段落"]


def test_grid_before_and_vmerge_continue_without_start():
    d = docx.Document()
    d.element.body.insert(
        0,
        parse_xml(
            f"<w:tbl {W_NS}><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
            "<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc>"
            '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>'
            '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
            "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc>"
            '<w:tc><w:tcPr><w:gridSpan w:val="9999"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
        ),
    )
    table = read(_save(d), "g.docx").tables[0]
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in table.cells}
    assert cells[(0, 0)] == ("a", 1, 1)
    assert cells[(0, 1)] == ("b", 1, 2)
    assert cells[(1, 1)] == ("c", 1, 1)  # a continuation with nothing to continue starts a cell
    assert cells[(1, 2)][2] == 63  # spans clamped to Word's own limit


def test_docx_is_sniffed_whatever_its_name():
    data = _report_docx()
    assert choose_reader(data, "report.doc").name == "docx"
    assert choose_reader(data, "report").name == "docx"


# --- damaged and hostile archives -----------------------------------------------------------------


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_docx(cut):
    data = _report_docx()
    with pytest.raises(ReadError, match="损坏"):
        read_document(data[: int(len(data) * cut)], "report.docx")


def test_corrupt_member_is_a_read_error():
    data = bytearray(_report_docx())
    i = data.find(b"word/document.xml", 40)  # the local header; its compressed data follows
    data[i + 200 : i + 400] = b"\x00" * 200
    with pytest.raises(ReadError):
        read(bytes(data), "report.docx")


def test_garbage_named_docx():
    with pytest.raises(ReadError):
        read_document(b"PK\x03\x04" + b"\xff" * 500, "report.docx")
    with pytest.raises(ReadError):
        read(b"not a zip at all", "report.docx")


def test_zip_without_word_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match="不是 Word 文档"):
        read(buf.getvalue(), "book.docx")


def test_spreadsheet_named_docx():
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    with pytest.raises(ReadError, match="不是 Word 文档"):
        read(buf.getvalue(), "book.docx")


def _bomb(size: int) -> bytes:
    """A DOCX-shaped archive whose document.xml inflates to `size` bytes of zeros (~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return buf.getvalue()


def test_zip_bomb_by_ratio():
    data = _bomb(8 << 20)
    assert len(data) < 100_000
    assert choose_reader(data, "x.docx").name == "docx"
    with pytest.raises(ReadError, match="压缩包异常（疑似压缩炸弹）"):
        read_document(data, "x.docx")


def test_zip_bomb_by_total_size():
    data = _bomb(210 << 20)
    assert len(data) < 1_000_000  # nothing near 210 MB is ever written or held
    with pytest.raises(ReadError, match="压缩包异常（疑似压缩炸弹）"):
        read(data, "x.docx")


def test_reader_output_types():
    doc = read(_report_docx(), "r.docx")
    assert all(isinstance(b, (Paragraph, Table)) for b in doc.blocks)
    assert "created" in doc.metadata


def test_entity_expansion_in_document_xml_is_refused_quickly():
    import time

    src = zipfile.ZipFile(io.BytesIO(_report_docx()))
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode()
                head = xml.index("?>") + 2
                xml = xml[:head] + f"<!DOCTYPE w:document [{entities}]>" + xml[head:]
                data = xml.replace("<w:t>规章</w:t>", "<w:t>&i;</w:t>").encode()
            zf.writestr(info, data)
    start = time.perf_counter()
    try:
        doc = read(out.getvalue(), "laughs.docx")
    except ReadError:
        pass
    else:  # if a parser ever accepts it, the entities must at least stay unexpanded
        assert all(len(c.text) < 100 for t in doc.tables for c in t.cells)
    assert time.perf_counter() - start < 2


def test_text_box_content_follows_its_paragraph_once():
    box = "<w:txbxContent><w:p><w:r><w:t>文本框里的标题</w:t></w:r></w:p></w:txbxContent>"
    d = docx.Document()
    d.element.body.insert(
        0,
        parse_xml(
            f'<w:p {W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>锚定段落</w:t></w:r><w:r><mc:AlternateContent>'
            f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing>'
            f"</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
            "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
        ),
    )
    d.add_paragraph("正文")
    doc = read(_save(d), "box.docx")
    assert [p.text for p in doc.paragraphs] == ["锚定段落", "文本框里的标题", "正文"]


_FRAME = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:drawing><wp:anchor>'
    '<wp:positionH relativeFrom="column"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
    '<wp:extent cx="500000" cy="300000"/><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>'
    '<w:p><w:r><w:rPr><w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
    "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
)
_COLUMN = 24 * 3175  # half an em of a 12 pt box, in EMU


def _frames_docx(pages: list[list[tuple[int, int, str]]]) -> bytes:
    """A document drawn as LibreOffice's PDF import draws one: every run a text box anchored to
    one paragraph at (column, line) of its page, in the order given (drawing order)."""
    d = docx.Document()
    p = d.add_paragraph()._p
    for page in pages:
        for col, line, text in page:
            p.append(parse_xml(_FRAME.format(x=col * _COLUMN, y=400_000 + line * 400_000, text=text)))
    return _save(d)


def test_a_pdf_saved_as_word_by_libreoffice_is_read_by_the_boxes_places():
    # drawing order is not reading order: a row's numbers come before its label, the second
    # page's boxes start again at the top
    page1 = [(20, 0, "某某县人民政府"), (8, 1, "2024年政府信息公开工作年度报告"), (0, 2, "一、总体情况")]
    page1 += [(0, 3 + i, f"概述第{i}句。") for i in range(12)]
    page1 += [(0, 16, "二、主动公开政府信息情况")]
    page2 = [(30, 2, "1"), (44, 2, "0"), (58, 2, "11"), (0, 2, "规章")]
    page2 += [(0, 1, "信息内容"), (30, 1, "本年制发件数"), (44, 1, "本年废止件数"), (58, 1, "现行有效件数")]
    page2 += [(0, 3, "行政规范性文件"), (30, 3, "8"), (44, 3, "26"), (58, 3, "66")]
    page2 += [(0, 0, "第二十条第（一）项")]
    doc = read(_frames_docx([page1, page2]), "r.docx")
    lines = [b.text for b in doc.blocks]
    assert lines[:2] == [" " * 20 + "某某县人民政府", " " * 8 + "2024年政府信息公开工作年度报告"]
    row = next(t for t in lines if t.lstrip().startswith("规章"))
    assert row.split() == ["规章", "1", "0", "11"] and lines.index(row) > lines.index(
        next(t for t in lines if "信息内容" in t)
    )
    import nianbao

    r = nianbao.parse(_frames_docx([page1, page2]), "r.docx")
    assert [r.value(f"t2.rules.{c}") for c in ("issued", "repealed", "in_force")] == [1, 0, 11]
    assert [r.value(f"t2.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [8, 26, 66]


def test_a_few_text_boxes_stay_where_they_are_anchored():
    d = docx.Document()
    d.add_paragraph("正文第一段，" * 20)
    p = d.add_paragraph("第二段")._p
    p.append(parse_xml(_FRAME.format(x=0, y=0, text="文本框里的说明")))
    blocks = [b.text for b in read(_save(d), "r.docx").blocks]
    assert blocks[0].startswith("正文第一段") and "文本框里的说明" in " ".join(blocks)


def _docx_with_pictures(*pictures) -> bytes:
    d = docx.Document()
    d.add_paragraph("某某区人民政府2023年政府信息公开工作年度报告")
    for pic in pictures:
        buf = io.BytesIO()
        pic.save(buf, "PNG")
        buf.seek(0)
        d.add_picture(buf)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_large_pictures_are_recognised_small_ones_not(monkeypatch):
    # a scan pasted into Word: the page a picture — read as nothing before; a seal or a logo is no page
    from PIL import Image

    from nianbao.readers import image, ocr

    seen: list[tuple[int, int]] = []

    def fake_read_image(data: bytes, source: str):
        from nianbao.document import Document

        seen.append(image.picture_size(data))
        return Document(source=source, format="png", blocks=[Paragraph("第二十条第（一）项")])

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(image, "read_image", fake_read_image)
    data = _docx_with_pictures(Image.new("RGB", (200, 200), "red"), Image.new("RGB", (1200, 1600), "white"))
    doc = read(data, "scan.docx")
    assert seen == [(1200, 1600)]
    assert [p.text for p in doc.paragraphs] == [
        "某某区人民政府2023年政府信息公开工作年度报告",
        "第二十条第（一）项",
    ]
    assert any("OCR" in w for w in doc.warnings)
    monkeypatch.setattr(ocr, "available", lambda: False)
    assert any("需要 OCR" in w for w in read(data, "scan.docx").warnings)


@pytest.mark.slow
def test_a_report_pasted_into_word_as_pictures_reads_like_its_source():
    pytest.importorskip("rapidocr")
    import nianbao
    from nianbao.testing import corpus_dir

    from ._pdf_maker import corpus_page

    src, t4 = corpus_page("huaian-hongze-2023", "复议后起诉")
    page = src[t4].render(scale=200 / 72).to_pil()
    r = nianbao.parse(_docx_with_pictures(page), "scan.docx")
    original = nianbao.parse(corpus_dir() / "pdf" / "huaian-hongze-2023.pdf")
    keys = [k for k in original.cells if k.startswith("t4.")]
    assert {k: r.value(k) for k in keys} == {k: original.value(k) for k in keys}
