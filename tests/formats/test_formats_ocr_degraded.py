"""Grids of degraded copies of the writer's report equal the clean pages' grids, cell for cell:
a fax in standard mode (two scanned rows printed as one: thin rulings thresholded into dashes),
thin paper showing the back page's mirrored table through. The degradations are bench/make_scans.py's."""

from __future__ import annotations

import random

import formats_fixtures as fx
import numpy as np
import pytest

from nianbao.testing import bench_module

cv2 = pytest.importorskip("cv2")
pytest.importorskip("rapidocr")

from nianbao.readers import _ocr_grid as og  # noqa: E402
from nianbao.readers import _ocr_orient as orient  # noqa: E402
from nianbao.readers import ocr  # noqa: E402


@pytest.fixture(scope="module")
def clean_pages(written_pdf):
    if not fx.HAVE_PDFTOPPM:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    return fx.pdf_pages(written_pdf, dpi=200)


def _structure(image) -> list[list[tuple[int, int, int, int]]]:
    """The page's grids as OCR finds them (geometry put right first), cell by cell."""
    gray = ocr._to_gray(image)
    gray = orient.blank_surroundings(orient.unwarp(gray))
    angle = og.skew_angle(gray)
    if ocr.MIN_SKEW_DEGREES <= abs(angle) <= ocr.MAX_SKEW_DEGREES:
        gray = og.rotate(gray, angle)
    grids, _ = og.find_grids(gray)
    return [sorted((c.row, c.col, c.rowspan, c.colspan) for c in g.cells) for g in grids]


def _table_pages(pages) -> list[int]:
    return [i for i, p in enumerate(pages) if _structure(p)]


@pytest.mark.parametrize("skew", [-0.7, 0.45])
def test_fax_in_standard_mode_keeps_every_cell_border(clean_pages, skew):
    ms = bench_module("make_scans")
    rng = np.random.default_rng(11)
    for i in _table_pages(clean_pages):
        page = clean_pages[i]
        faxed = ms.fax(ms.skew(page, skew, fill=(255, 255, 255)), rng, fine=False)
        assert _structure(faxed.convert("L")) == _structure(page), f"page {i + 1}"


def test_back_page_showing_through_adds_no_grid_line(clean_pages):
    ms = bench_module("make_scans")
    rng = np.random.default_rng(5)
    r = random.Random(5)
    tables = _table_pages(clean_pages)
    for i in tables:
        page = clean_pages[i]
        # the back of a table page is another table page: its rulings show through mirrored
        back = clean_pages[tables[(tables.index(i) + 1) % len(tables)]]
        seen = ms.bleed(ms.paper(page), back, r.uniform(0.18, 0.24))
        seen = ms.jpeg(ms.noise(ms.skew(seen, 0.8, fill=(236, 230, 214)), 4, rng), 75)
        assert _structure(seen) == _structure(page), f"page {i + 1}"


def test_a_flat_scan_is_never_warped(clean_pages):
    """The hull of 表三 whose last rows start right of its vertical label column is no
    quadrilateral of rulings: its slanted side runs over the label column's text."""
    ms = bench_module("make_scans")
    rng = np.random.default_rng(3)
    for i in _table_pages(clean_pages):
        page = clean_pages[i]
        for copy in (
            ms.fax(ms.skew(page, 0.6, fill=(255, 255, 255)), rng, fine=False).convert("L"),
            ms.fax(ms.skew(page, -0.6, fill=(255, 255, 255)), rng, fine=True).convert("L"),
            ms.jpeg(ms.noise(ms.skew(page, 0.8), 4, rng), 75),
        ):
            gray = ocr._to_gray(copy)
            assert orient.unwarp(gray) is gray, f"page {i + 1}"


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["fax-standard", "bleed"])
def test_table_whose_last_rows_start_further_in_is_not_warped(corpus_dir, soffice, profile):
    """The writer's 表三 of a report whose label column ends above its 「（六）」 rows: the hull's
    slanted left side runs over the label column's text, which is no ruling (the page was
    warped by it, the table's cells merged across)."""
    from nianbao.readers import _libreoffice as lo
    from nianbao.writer import render_report

    ms = bench_module("make_scans")
    stem = "003_9062bfdbeadefa61"
    golds = ms.mv.load_golds(corpus_dir)
    if stem not in golds:
        pytest.skip(f"{stem} not in the corpus")
    written = render_report(
        ms.mv.writer_data(golds[stem], corpus_dir), "docx", draft=False, allow_errors=True
    )
    (pdf,) = lo.convert_many([(written.content, "docx")], "pdf", use_cache=False)
    pages, _kind, _dpi = ms.degrade(ms.Source(stem, pdf, {}), profile, seed=1)
    for i, page in enumerate(pages):
        gray = ocr._to_gray(page.convert("L"))
        assert orient.unwarp(gray) is gray, f"page {i + 1}"
