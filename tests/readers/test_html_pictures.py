"""The pictures of a web page: where their bytes come from, which are read, where their blocks go,
and what a picture that cannot be had says. OCR itself is stood in for by a reader that returns
what the picture "shows" (the formats tests OCR real screenshots)."""

from __future__ import annotations

import base64
import io
import os

import pytest
from PIL import Image

from nianbao.document import Document, Paragraph, Provenance, Table, TableCell
from nianbao.readers import _pictures, image, ocr, read_document
from nianbao.readers.html import read_page

TITLE = "<p>某某区人民政府2023年政府信息公开工作年度报告</p>"


def _png(w: int, h: int, shade: int = 255) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (shade, shade, shade)).save(buf, "PNG")
    return buf.getvalue()


def _data(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def shown(monkeypatch):
    """OCR stood in for: a picture 'shows' a one-cell table named after its width."""
    seen: list[tuple[int, int]] = []

    def fake_read_image(data: bytes, source: str) -> Document:
        size = image.picture_size(data)
        seen.append(size)
        cell = TableCell(f"图{size[0]}", 0, 0, 1, 1, Provenance(method="ocr"))
        return Document(source=source, format="png", blocks=[Table([cell, cell], Provenance(table=0))])

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(image, "read_image", fake_read_image)
    return seen


def _texts(doc: Document) -> list[str]:
    return [b.text if isinstance(b, Paragraph) else b.cells[0].text for b in doc.blocks]


@pytest.mark.parametrize("fast", [True, False])
def test_pictures_stand_where_the_page_has_them_and_icons_are_skipped(shown, monkeypatch, fast):
    from nianbao.readers import html

    if not fast:  # the walk reads the page as the stylesheet does
        monkeypatch.setattr(html, "_fast_blocks", lambda *a: None)
    page = (
        f'<html><body>{TITLE}<img src="{_data(_png(120, 40))}">'
        f'<p>二、主动公开政府信息情况</p><p><img src="{_data(_png(600, 400))}"></p>'
        f'<p>三、收到和处理政府信息公开申请情况<img src="{_data(_png(900, 700))}">尾</p>'
        "</body></html>"
    )
    doc = read_page(page.encode(), "r.html")
    assert shown == [(600, 400), (900, 700)]  # the 120×40 logo is not read
    assert _texts(doc) == [
        "某某区人民政府2023年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "图600",
        "三、收到和处理政府信息公开申请情况",
        "图900",
        "尾",
    ]
    assert "第1张图片（内嵌图片）的内容由 OCR 识别，请核对" in doc.warnings


def test_a_picture_in_a_table_cell_makes_the_table_page_layout(shown):
    page = (
        f"<html><body>{TITLE}<table><tr><td>表二</td></tr>"
        f'<tr><td><img src="{_data(_png(700, 500))}"></td></tr></table></body></html>'
    )
    doc = read_page(page.encode(), "r.html")
    assert _texts(doc) == ["某某区人民政府2023年政府信息公开工作年度报告", "表二", "图700"]


def test_a_page_without_pictures_reads_as_before(corpus_dir):
    path = corpus_dir / "html" / "pingtan-2023.html"
    by_path, by_bytes = read_document(path), read_document(path.read_bytes(), path.name)
    assert [t.to_text_rows() for t in by_path.tables] == [t.to_text_rows() for t in by_bytes.tables]
    assert by_path.warnings == by_bytes.warnings == []  # its /images/ logos are on the site, not saved


def test_saved_page_folder_only_by_path_and_never_outside_it(shown, tmp_path):
    (tmp_path / "outside.png").write_bytes(_png(800, 600))
    folder = tmp_path / "site" / "report_files"
    folder.mkdir(parents=True)
    (folder / "t2.png").write_bytes(_png(700, 500))
    (folder / "seal.png").write_bytes(_png(150, 150))
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    os.symlink(tmp_path / "outside.png", folder / "link.png")
    srcs = [
        "report_files/t2.png",
        "report_files/seal.png",
        "../outside.png",
        "report_files/link.png",
        "report_files/gone.png",
        "report_files/broken.png",
        "/etc/passwd",
        "file:///etc/passwd",
    ]
    page = tmp_path / "site" / "report.html"
    page.write_text(
        "<html><body>" + TITLE + "".join(f'<p><img src="{s}"></p>' for s in srcs) + "</body></html>"
    )
    doc = read_document(page)
    assert shown == [(700, 500)]  # nothing outside the page's folder is opened, a link out neither
    (warning,) = [w for w in doc.warnings if "无法读取" in w]
    assert "网页中有 4 张图片无法读取" in warning
    assert "../outside.png（图片路径指向网页所在文件夹之外，未读取）" in warning
    assert "report_files/link.png（图片路径指向网页所在文件夹之外" in warning
    assert "report_files/gone.png（图片文件不存在）" in warning
    assert "report_files/broken.png（已损坏）" in warning
    shown.clear()
    as_bytes = read_document(page.read_bytes(), "report.html")  # an upload reaches no file
    assert shown == [] and as_bytes.warnings == []


def test_a_picture_over_the_size_limit_is_named(shown, tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_MAX_PICTURE_BYTES", "1000")
    (tmp_path / "p_files").mkdir()
    (tmp_path / "p_files" / "t.png").write_bytes(os.urandom(3000))
    (tmp_path / "p.html").write_text(
        f'<html><body>{TITLE}<img src="p_files/t.png"><img src="{_data(_png(700, 500))}"></body></html>'
    )
    doc = read_document(tmp_path / "p.html")
    assert shown == []
    assert any("p_files/t.png（图片文件过大" in w for w in doc.warnings)
    assert any("内嵌图片（图片文件过大" in w for w in doc.warnings)


def test_without_the_ocr_extra_the_pictures_are_counted(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    page = f'<html><body>{TITLE}<img src="{_data(_png(700, 500))}"><img src="{_data(_png(50, 50))}"></body></html>'
    doc = read_page(page.encode(), "r.html")
    assert doc.warnings == ["网页中有 1 张图片（可能是扫描的表格或页面），需要 OCR 识别"]


def test_a_small_picture_without_a_table_is_a_banner(monkeypatch):
    def banner(data: bytes, source: str) -> Document:
        return Document(source=source, format="png", blocks=[Paragraph("政府信息公开专栏")])

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(image, "read_image", banner)
    small, page = _png(1000, 120), _png(1240, 1754)
    doc = read_page(
        f'<html><body>{TITLE}<img src="{_data(small)}"><img src="{_data(page)}"></body></html>'.encode(),
        "r.html",
    )
    # the banner's words are no report text; a page-sized picture's are kept whatever they are
    assert _texts(doc) == ["某某区人民政府2023年政府信息公开工作年度报告", "政府信息公开专栏"]
    assert [w for w in doc.warnings if "OCR" in w] == ["第2张图片（内嵌图片）的内容由 OCR 识别，请核对"]


def test_a_gif_table_is_read_as_a_png(shown):
    buf = io.BytesIO()
    Image.new("P", (640, 480)).save(buf, "GIF")
    doc = read_page(
        f'<html><body><img src="data:image/gif;base64,{base64.b64encode(buf.getvalue()).decode()}"></body></html>'.encode(),
        "r.html",
    )
    assert shown == [(640, 480)] and _texts(doc) == ["图640"]


def test_lazy_loaded_pictures_by_address_and_damaged_data_uris(shown):
    parts = _pictures.Parts("http://x.gov.cn/a/b.html", {"http://x.gov.cn/img/t.png": _png(700, 500)})
    page = (
        '<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/t.png">'
        '<img src="data:image/png;base64,@@@"></body></html>'
    )
    doc = read_page(page.encode(), "r.html", parts)
    assert shown == [(700, 500)]
    assert "网页中有 1 张图片无法读取：内嵌图片（已损坏）" in doc.warnings


def test_data_uri_forms():
    assert _pictures.data_uri("data:image/png;base64,aGk=") == b"hi"
    assert _pictures.data_uri("data:,a%20b") == b"a b"
    with pytest.raises(_pictures.PictureError):
        _pictures.data_uri("data:image/png;base64")
