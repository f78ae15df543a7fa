"""Scanned pages fed sideways or upside down, and photos taken at an angle: the page geometry is
put right before grid finding (`_ocr_orient`), so the cells read as on an upright, flat scan."""

from __future__ import annotations

import formats_fixtures as fx
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from nianbao.readers import read_document

cv2 = pytest.importorskip("cv2")
pytest.importorskip("rapidocr")

from test_formats_ocr import draw_table  # noqa: E402

from nianbao.readers import _ocr_grid as og  # noqa: E402
from nianbao.readers import _ocr_orient as orient  # noqa: E402
from nianbao.readers import ocr  # noqa: E402


def perspective(img: Image.Image, lean: float = 0.10) -> Image.Image:
    """A photo taken from below the page: the top edge shorter than the bottom, slightly askew."""
    a = np.asarray(img)
    h, w = a.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[w * lean, h * 0.012], [w * (1 - lean), 0], [w, h], [0, h * 0.99]])
    m = cv2.getPerspectiveTransform(src, dst)
    return Image.fromarray(cv2.warpPerspective(a, m, (w, h), borderValue=(255, 255, 255)))


@pytest.fixture(scope="module")
def t4_page(degraded_pages, written_pdf):
    return degraded_pages[fx.page_with(written_pdf, "复议后起诉")]


def _assert_cells_right_or_flagged(doc, written) -> None:
    got = fx.table_values(doc)
    assert len(got) >= 15, got  # the page holds all of 表四 (and the end of 表三 when it runs over)
    printed = written.tables["t3"] + written.tables["t4"]
    score = fx.score_cells(printed[-len(got) :], got)
    assert score.silent == [], score
    # at most 2 % of the cells, or one, read wrong — and each of those flagged
    assert score.expected - score.correct <= max(1, int(0.02 * score.expected)), score


# --- orientation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_quarter_turn_is_detected_on_every_page(degraded_pages, quarter):
    for page in degraded_pages:
        gray = ocr._to_gray(page)
        turned = np.ascontiguousarray(np.rot90(gray, quarter))
        assert (quarter + orient.quarter_turns(turned, ocr._run_orientation)) % 4 == 0


def test_page_without_text_lines_is_left_as_it_is():
    cells = [(r, c, 1, 1) for r in range(4) for c in range(3)]
    page = draw_table([40] * 4, [120] * 3, cells, 2, text=False)
    assert orient.quarter_turns(page, ocr._run_orientation) == 0


@pytest.mark.slow
@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotated_scan_reads_like_an_upright_one(t4_page, written, degrees):
    doc = read_document(fx.as_jpeg(t4_page.rotate(degrees, expand=True)), f"旋转{degrees}.jpg")
    _assert_cells_right_or_flagged(doc, written)
    t4 = [c.text for t in doc.tables for r in t.rows() for c in r if c.text.isdigit()][-15:]
    assert t4 == written.tables["t4"]


# --- perspective ---------------------------------------------------------------------------------


def test_drawn_table_in_perspective_is_made_rectangular_again():
    cells = [(r, c, 1, 1) for r in range(8) for c in range(5)]
    page = draw_table([40] * 8, [110] * 5, cells, 2)
    warped = np.asarray(perspective(Image.fromarray(page), lean=0.06))
    quad = orient.border_quad(warped)
    assert quad is not None
    assert max(abs(a - 90) for a in orient._corner_angles(quad)) > 1.0
    flat = orient.unwarp(warped)
    quad = orient.border_quad(flat)
    assert max(abs(a - 90) for a in orient._corner_angles(quad)) < 0.5
    grids, _ = og.find_grids(flat)
    assert len(grids) == 1 and len(grids[0].cells) == 40


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-0.06, 0.06), min_size=8, max_size=8),
    st.integers(4, 9),
    st.integers(3, 6),
)
# a short, wide table whose right side leans 10°: further than the upright line masks follow
@example([0.0, 0.0, 0.0546875, 0.0, -0.046875, 0.0, 0.0, 0.0], 4, 5)
# and one whose outline's corners, found on the dilated rulings, cut 3 % off its hull
@example([0.046875, 0.0, 0.0, 0.03125, 0.0, 0.0, -0.03125, 0.0], 4, 6)
# both left corners pulled in and both right ones pushed out: a table seen from its right
@example([-0.046875, 0.0, -0.046875, 0.0, 0.03125, 0.0, 0.03125, 0.0], 4, 6)
# and one whose short right side leans 10°: the outline's polygon stopped 25 px short of its corner
@example([0.046875, 0.03125, -0.06, 0.046875, 0.046875, 0.06, -0.06, 0.046875], 4, 5)
def test_any_mild_perspective_gives_back_the_whole_grid(offsets, n_rows, n_cols):
    cells = [(r, c, 1, 1) for r in range(n_rows) for c in range(n_cols)]
    page = draw_table([40] * n_rows, [100] * n_cols, cells, 2)
    h, w = page.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + np.float32(offsets).reshape(4, 2) * np.float32([w, h])
    warped = cv2.warpPerspective(page, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=255)
    grids, _ = og.find_grids(orient.unwarp(warped))
    assert len(grids) == 1
    assert sorted((c.row, c.col) for c in grids[0].cells) == sorted((r, c) for r, c, _, _ in cells)


def test_rectangle_and_page_without_table_are_left_alone(degraded_pages):
    cells = [(r, c, 1, 1) for r in range(6) for c in range(5)]
    page = draw_table([40] * 6, [120] * 5, cells, 2)
    tilted = np.asarray(Image.fromarray(page).rotate(1.5, expand=True, fillcolor=255))
    assert orient.unwarp(tilted) is tilted  # a tilt is the deskew step's job
    blank = np.full((600, 400), 255, np.uint8)
    assert orient.unwarp(blank) is blank
    text_only = ocr._to_gray(degraded_pages[-1])  # the last page: prose and a signature
    assert orient.unwarp(text_only) is text_only


@pytest.mark.slow
def test_photo_at_an_angle_reads_like_a_flat_scan(t4_page, written):
    doc = read_document(fx.as_jpeg(perspective(t4_page)), "斜拍.jpg")
    _assert_cells_right_or_flagged(doc, written)


@pytest.mark.slow
def test_photo_at_an_angle_and_upside_down(t4_page, written):
    photo = perspective(t4_page).rotate(180)
    doc = read_document(fx.as_jpeg(photo), "倒置斜拍.jpg")
    _assert_cells_right_or_flagged(doc, written)


def test_dark_surroundings_go_and_the_page_stays(degraded_pages):
    cells = [(r, c, 1, 1) for r in range(5) for c in range(4)]
    sheet = draw_table([40] * 5, [110] * 4, cells, 2)
    h, w = sheet.shape
    desk = np.full((h + 160, w + 160), 50, np.uint8)
    desk[80 : 80 + h, 80 : 80 + w] = sheet
    cleaned = orient.blank_surroundings(desk)
    assert cleaned[:70].min() == 255 and cleaned[:, -70:].min() == 255
    assert np.array_equal(cleaned[90 : 70 + h, 90 : 70 + w], sheet[10:-10, 10:-10])
    grids, _ = og.find_grids(cleaned)
    assert len(grids) == 1 and len(grids[0].cells) == 20
    page = ocr._to_gray(degraded_pages[0])
    assert np.array_equal(orient.blank_surroundings(page), page)


@pytest.mark.slow
def test_photo_of_the_sheet_on_a_dark_desk_taken_sideways(t4_page, written):
    """The paper's edge against the desk is straightened too, and must not read as a second table."""
    page = np.asarray(t4_page)
    h, w = page.shape[:2]
    desk = np.full((h + 300, w + 300, 3), 60, np.uint8)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32(
        [[150 + w * 0.08, 150 + h * 0.01], [150 + w * 0.92, 150], [150 + w, 150 + h], [150, 150 + h * 0.99]]
    )
    m = cv2.getPerspectiveTransform(src, dst)
    size = (desk.shape[1], desk.shape[0])
    paper = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size) > 0
    desk[paper] = cv2.warpPerspective(page, m, size)[paper]
    doc = read_document(fx.as_jpeg(Image.fromarray(desk).rotate(90, expand=True)), "桌面照片.jpg")
    flat = read_document(fx.as_jpeg(t4_page), "扫描.jpg")
    assert len(doc.tables) == len(flat.tables)  # each table of the page once, the paper's edge none
    _assert_cells_right_or_flagged(doc, written)
