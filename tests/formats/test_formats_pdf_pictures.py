"""A typed PDF whose statistical tables are pictures: a report written in Word with its tables
pasted as screenshots, then printed to PDF. The narrative is in the text layer, the tables only in
pixels. Made here as a unit's editor makes one: the writer's HTML report, each table replaced by a
Chromium screenshot of it, printed to PDF by Chromium. Every cell comes back right or flagged;
decoration (a letterhead behind the text, a logo) is never sent to OCR."""

from __future__ import annotations

import base64
import io
import re

import formats_fixtures as fx
import pytest

import nianbao

pytest.importorskip("rapidocr")
pytestmark = [pytest.mark.slow, pytest.mark.browser]

_TABLE = re.compile(r"<table\b.*?</table>", re.S)


def _png(width: int, height: int, colour: tuple[int, int, int]) -> str:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(img)
    for x in range(0, width, 40):  # a faint pattern, as letterheads have
        draw.line([(x, 0), (x, height)], fill=(colour[0] - 12, colour[1] - 12, colour[2] - 12))
    out = io.BytesIO()
    img.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture(scope="module")
def printed():
    """(the report's cells, a PDF with its tables as pictures, a PDF of the same report with
    its real tables over a letterhead picture and beside a logo)."""
    from nianbao.writer.compose import compose
    from nianbao.writer.render.html import render_html

    data = fx.report_data(2023, seed=11)
    page = render_html(compose(data))
    with fx.chromium_tab() as tab:
        shots = iter(fx.table_screenshots(tab, page))
        pictured = _TABLE.sub(
            lambda _m: (
                '<p style="text-align:center"><img style="width:170mm" alt="表" '
                f'src="data:image/png;base64,{base64.b64encode(next(shots)).decode()}"></p>'
            ),
            page,
        )
        tab.set_content(pictured)
        with_pictures = tab.pdf(format="A4")
        decorated = page.replace(
            "<body>",
            '<body><img style="position:absolute;top:0;left:0;width:100%;height:270mm;z-index:-1" '
            f'src="{_png(800, 1100, (250, 246, 236))}">'
            f'<p><img style="width:30mm" src="{_png(240, 240, (200, 40, 40))}"></p>',
            1,
        )
        assert decorated != page
        tab.set_content(decorated)
        with_decoration = tab.pdf(format="A4", print_background=True)
    return data.cells, with_pictures, with_decoration


def test_tables_pasted_as_pictures_are_read_by_ocr(printed):
    cells, pdf, _ = printed
    r = nianbao.parse(pdf, "report.pdf")
    assert r.tables_present == {"t2", "t3", "t4"}, r.document.warnings
    assert r.document.metadata["ocr_pictures"] == "3"
    flagged = {k for f in r.findings for k in f.cells}
    wrong = {k: (v, r.value(k)) for k, v in cells.items() if r.value(k) != v}
    assert not {k: w for k, w in wrong.items() if k not in flagged}, "silent"
    assert len(wrong) <= len(cells) // 50, wrong  # OCR of a clean screenshot: at most 2 % flagged
    # the reviewer is told which pages were read from pictures
    notes = [f.message for f in r.findings if f.code == "DOCUMENT_READ_NOTE"]
    assert any("第1页" in m and "OCR" in m for m in notes), notes
    # the narrative stays the text layer's: the tables' OCR is not mixed into it
    assert r.organ and "人民政府" in r.organ


def test_without_ocr_the_pictures_are_named_and_the_tables_missing(printed, monkeypatch):
    _, pdf, _ = printed
    monkeypatch.setenv("NIANBAO_PDF_OCR", "0")
    r = nianbao.parse(pdf, "report.pdf")
    assert not r.tables_present
    missing = " ".join(f.message for f in r.findings if f.code == "TABLE_MISSING")
    assert all(t in missing for t in ("表二", "表三", "表四")), missing
    notes = " ".join(f.message for f in r.findings if f.code == "DOCUMENT_READ_NOTE")
    assert "需要 OCR 识别" in notes and "第1页" in notes and "第2页" in notes


def test_a_letterhead_and_a_logo_are_not_sent_to_ocr(printed):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    cells, _, pdf = printed
    first = pdfium.PdfDocument(pdf)[0]
    pictures = [o.get_bounds() for o in first.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4)]
    widths = sorted(right - left for left, _b, right, _t in pictures)
    assert widths[0] < 100 < 500 < widths[-1], widths  # the logo and the letterhead are printed
    r = nianbao.parse(pdf, "report.pdf")
    assert "ocr_pictures" not in r.document.metadata and "ocr" not in r.document.metadata
    assert r.tables_present == {"t2", "t3", "t4"}
    assert {k: (v, r.value(k)) for k, v in cells.items() if r.value(k) != v} == {}
