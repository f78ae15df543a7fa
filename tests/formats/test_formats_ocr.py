"""Scanned reports and photos: grid detection, deskew, OCR accuracy on degraded pages of a report
written by nianbao's writer, the image reader, mixed PDFs, and the arithmetic-checked repair."""

from __future__ import annotations

import io
import sys

import formats_fixtures as fx
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from nianbao.errors import MissingDependency, ReadError
from nianbao.readers import read_document

cv2 = pytest.importorskip("cv2")
pytest.importorskip("rapidocr")

from nianbao.readers import _ocr_grid as og  # noqa: E402
from nianbao.readers import ocr  # noqa: E402

# --- grid detection on drawn tables ------------------------------------------------------------


@st.composite
def ruled_tables(draw):
    n_rows = draw(st.integers(2, 8))
    n_cols = draw(st.integers(2, 7))
    heights = [draw(st.integers(24, 70)) for _ in range(n_rows)]
    widths = [draw(st.integers(40, 140)) for _ in range(n_cols)]
    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            rs = draw(st.integers(1, 3)) if draw(st.booleans()) else 1
            cs = draw(st.integers(1, 3)) if draw(st.booleans()) else 1
            rs, cs = min(rs, n_rows - r), min(cs, n_cols - c)
            cover = {(r + i, c + j) for i in range(rs) for j in range(cs)}
            if cover & taken:
                rs, cs, cover = 1, 1, {(r, c)}
            taken |= cover
            cells.append((r, c, rs, cs))
    return heights, widths, cells, draw(st.integers(1, 2))


def draw_table(heights, widths, cells, line_width, text=True):
    ys = [60 + sum(heights[:i]) for i in range(len(heights) + 1)]
    xs = [50 + sum(widths[:i]) for i in range(len(widths) + 1)]
    img = Image.new("L", (xs[-1] + 60, ys[-1] + 80), 255)
    d = ImageDraw.Draw(img)
    for r, c, rs, cs in cells:
        d.rectangle([xs[c], ys[r], xs[c + cs], ys[r + rs]], outline=0, width=line_width)
        if text:
            d.text((xs[c] + 6, ys[r] + 6), f"{r}{c}", fill=0)
    return np.asarray(img)


@settings(max_examples=60, deadline=None)
@given(ruled_tables())
def test_grid_structure_is_recovered_from_the_lines(table):
    heights, widths, cells, lw = table
    assume(len(cells) >= 2)  # one framed box is a border around text, not a table
    grids, _ = og.find_grids(draw_table(heights, widths, cells, lw))
    assert len(grids) == 1
    got = sorted((c.row, c.col, c.rowspan, c.colspan) for c in grids[0].cells)
    # a grid line no cell starts at cannot be seen; compare the cells as the lines define them
    assert got == sorted(_canonical(cells))


def _canonical(cells):
    """The same cells on the grid of the lines that are actually drawn."""
    rows = sorted({r for r, _, _, _ in cells} | {r + rs for r, _, rs, _ in cells})
    cols = sorted({c for _, c, _, _ in cells} | {c + cs for _, c, _, cs in cells})
    ri = {v: i for i, v in enumerate(rows)}
    ci = {v: i for i, v in enumerate(cols)}
    return [(ri[r], ci[c], ri[r + rs] - ri[r], ci[c + cs] - ci[c]) for r, c, rs, cs in cells]


@pytest.mark.parametrize("angle", [-2.5, -0.8, 0.6, 1.7])
def test_skew_is_measured_and_undone(angle):
    cells = [(r, c, 1, 1) for r in range(6) for c in range(5)]
    page = draw_table([40] * 6, [120] * 5, cells, 2)
    tilted = np.asarray(Image.fromarray(page).rotate(angle, expand=True, fillcolor=255))
    measured = og.skew_angle(tilted)
    assert abs(measured - angle) < 0.2
    grids, _ = og.find_grids(og.rotate(tilted, measured))
    assert len(grids) == 1 and len(grids[0].cells) == 30


# --- OCR on the writer's report, degraded like a phone photo ------------------------------------


@pytest.fixture(scope="module")
def scanned(degraded_pages):
    """The whole report as a multi-page TIFF of degraded pages, read by the image reader."""
    return read_document(fx.as_tiff(degraded_pages), "扫描件.tif")


@pytest.mark.slow
def test_ocr_reads_at_least_99_percent_of_cells_and_flags_the_rest(scanned, written):
    expected = [v for t in ("t2", "t3", "t4") for v in written.tables[t]]
    score = fx.score_cells(expected, fx.table_values(scanned))
    assert score.accuracy >= 0.99, score
    assert score.silent == []


@pytest.mark.slow
def test_scanned_report_parses_end_to_end(scanned, written):
    from nianbao.api import parse_document

    report = parse_document(scanned)
    wrong = [k for k, c in report.cells.items() if c.value != written.cells[k]]
    flagged = {k for f in report.findings for k in f.cells}
    assert len(report.cells) == 200
    assert (200 - len(wrong)) / 200 >= 0.99
    assert set(wrong) <= flagged  # no silent errors


@pytest.mark.slow
def test_ocr_provenance_and_reading_order(scanned):
    assert scanned.format == "tiff"
    pages = {b.prov.page for b in scanned.blocks}
    assert pages == set(range(1, len(pages) + 1)) and len(pages) >= 4
    assert scanned.paragraphs[0].text.startswith("某某市某某区某某镇人民政府2023年")
    cell = next(c for t in scanned.tables for c in t.cells if c.text.isdigit())
    assert cell.prov.method == "ocr" and cell.prov.bbox is not None
    assert 0.0 <= cell.prov.confidence <= 1.0
    assert "confidence" in cell.prov.to_dict()
    # table indices run through the document, not per page
    assert [t.prov.table for t in scanned.tables] == list(range(len(scanned.tables)))


def test_jpeg_photo_of_one_page(degraded_pages, written_pdf, written):
    page = degraded_pages[fx.page_with(written_pdf, "复议后起诉")]  # the page with 表四
    doc = read_document(fx.as_jpeg(page), "photo.jpg")
    assert doc.format == "jpeg"
    t4 = [v for t in doc.tables for r in t.rows() for c in r for v in [c.text] if v.isdigit()][-15:]
    assert t4 == written.tables["t4"]


@pytest.mark.slow
def test_mixed_pdf_text_pages_and_one_scanned_page(written_pdf, degraded_pages, written):
    import pypdfium2 as pdfium

    text_pdf = pdfium.PdfDocument(written_pdf)
    n = len(text_pdf)
    buf = io.BytesIO()
    degraded_pages[fx.page_with(written_pdf, "复议后起诉")].save(buf, "PDF", resolution=150)
    scan = pdfium.PdfDocument(buf.getvalue())
    t4_page = fx.page_with(written_pdf, "复议后起诉")
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text_pdf, list(range(t4_page)))
    mixed.import_pages(scan, [0])
    if t4_page + 1 < n:
        mixed.import_pages(text_pdf, list(range(t4_page + 1, n)))
    out = io.BytesIO()
    mixed.save(out)
    doc = read_document(out.getvalue(), "mixed.pdf")
    assert doc.format == "pdf"
    ocr_cells = [c for t in doc.tables for c in t.cells if c.prov.method == "ocr"]
    assert ocr_cells, doc.warnings
    assert [c.text for c in ocr_cells if c.text.isdigit()][-15:] == written.tables["t4"]
    text_cells = [c for t in doc.tables for c in t.cells if c.prov.method != "ocr"]
    assert any(c.text == written.tables["t3"][0] for c in text_cells)


def test_blank_page_gives_no_blocks():
    assert ocr.ocr_page_image(np.full((800, 600), 255, np.uint8), 1) == []


def test_broken_image_is_a_read_error():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    with pytest.raises(ReadError, match="图片"):
        read_document(png, "x.png")


def test_missing_ocr_extra_says_how_to_install(monkeypatch):
    # as if the extra were not installed (models already loaded by other tests do not count)
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    assert not ocr.available()
    img = Image.new("RGB", (200, 100), "white")
    with pytest.raises(MissingDependency, match=r"pip install 'nianbao\[ocr\]'"):
        read_document(fx.as_jpeg(img), "x.jpg")


@pytest.mark.slow
def test_harsh_low_resolution_photo(written_pdf, written):
    """120 dpi, 2.5° tilt, stronger blur and noise, JPEG quality 40: 表四 still reads exactly."""
    page = fx.pdf_pages(written_pdf, dpi=120)[fx.page_with(written_pdf, "复议后起诉")]
    photo = fx.degrade(page, seed=3, rotate=-2.5, blur=0.9, noise=14, quality=40)
    doc = read_document(fx.as_jpeg(photo, quality=60), "photo.jpg")
    cells = [c for t in doc.tables for r in t.rows() for c in r]
    last_row = [c for c in cells if c.text.isdigit() or c.prov.confidence == 0.0][-15:]
    assert len(last_row) == 15
    for cell, truth in zip(last_row, written.tables["t4"], strict=True):
        # right, or flagged as doubtful: never silently wrong
        assert cell.text == truth or cell.prov.confidence < 0.9, (cell.text, truth, cell.prov.confidence)
    assert sum(c.text == t for c, t in zip(last_row, written.tables["t4"], strict=True)) >= 14
