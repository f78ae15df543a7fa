"""Faxes in standard mode (200×100 dpi, two scan rows printed as one): a thin ruling tilted by a
fraction of a degree comes out as a staircase of flat pieces a row pair apart, with only dashes,
or nothing, where it passes from one row pair to the next. The skew is measured across the
pieces and each cell border is followed through its dashes, never through a glyph."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from nianbao.testing import bench_module

cv2 = pytest.importorskip("cv2")
pytest.importorskip("rapidocr")

from nianbao.readers import _ocr_grid as og  # noqa: E402

PAGE = (1660, 2340)  # an A4 page at 200 dpi: line kernels and gaps scale with the page


def _structure(gray: np.ndarray) -> list[list[tuple[int, int, int, int]]]:
    grids, _ = og.find_grids(gray)
    return [sorted((c.row, c.col, c.rowspan, c.colspan) for c in g.cells) for g in grids]


def _table_page(heights, widths, cells, digits=True) -> Image.Image:
    """An A4 page with one table ruled by 1.5-pixel lines, a report's thin rulings (0.5 pt) as a
    renderer antialiases them at 200 dpi: drawn at twice the size, then reduced."""
    ys = [2 * (120 + sum(heights[:i])) for i in range(len(heights) + 1)]
    xs = [2 * (200 + sum(widths[:i])) for i in range(len(widths) + 1)]
    img = Image.new("RGB", (2 * PAGE[0], 2 * PAGE[1]), (255, 255, 255))
    d = ImageDraw.Draw(img)
    for r, c, rs, cs in cells:
        d.rectangle([xs[c], ys[r], xs[c + cs], ys[r + rs]], outline=(48, 48, 48), width=3)
        if digits:
            cx, cy = (xs[c] + xs[c + cs]) // 2, (ys[r] + ys[r + rs]) // 2
            d.text((cx - 12, cy - 20), f"{(r * 7 + c) % 10}", fill=(0, 0, 0), font_size=40)
    return img.resize(PAGE, Image.BOX)


def _faxed(page: Image.Image, skew: float, seed: int) -> np.ndarray:
    ms = bench_module("make_scans")
    faxed = ms.fax(ms.skew(page, skew, fill=(255, 255, 255)), np.random.default_rng(seed), fine=False)
    return np.asarray(faxed.convert("L")).copy()


def _deskewed(gray: np.ndarray) -> np.ndarray:
    angle = og.skew_angle(gray)
    return og.rotate(gray, angle) if abs(angle) >= 0.15 else gray


def _grid_cells(n_rows: int, n_cols: int, merged: list[tuple[int, int, int, int]]):
    taken = {(r + i, c + j) for r, c, rs, cs in merged for i in range(rs) for j in range(cs)}
    return merged + [(r, c, 1, 1) for r in range(n_rows) for c in range(n_cols) if (r, c) not in taken]


# --- real pages: the corpus's 表三 continuation and 表四 page, faxed ---------------------------------


@pytest.fixture(scope="module")
def table_pages(corpus_dir):
    """Page 4 of two labelled reports at 200 dpi: the end of 表三 (a narrow label column beside
    merged cells) and 表四 (narrow columns under two header rows)."""
    ms = bench_module("make_scans")
    out = {}
    golds = ms.mv.load_golds(corpus_dir)
    for stem in ("huaian-hongze-2023", "huaian-hongze-2024"):
        if stem not in golds:
            pytest.skip(f"{stem} not in the corpus")
        out[stem] = ms.render_pages((corpus_dir / golds[stem]["file"]).read_bytes(), 200)[3]
    return out


@pytest.mark.parametrize("stem", ["huaian-hongze-2023", "huaian-hongze-2024"])
@pytest.mark.parametrize("skew", [-0.7, -0.45, 0.2, 0.45])
def test_a_faxed_page_keeps_every_cell_border(table_pages, stem, skew):
    """Measured piece by piece every step was level (0.2° read as 0.0°, so the page was not turned)
    and the borders of whole narrow cells fell into a step's dashes: tables were cut in two, the
    总计 column's cells merged down. Chained, the pieces give the slope; followed through their
    dashes, the borders are all there."""
    page = table_pages[stem]
    faxed = _faxed(page, skew, seed=int(skew * 100) + 103)
    assert og.skew_angle(faxed) == pytest.approx(skew, abs=0.03)
    assert _structure(_deskewed(faxed)) == _structure(np.asarray(page.convert("L")))


def test_a_label_stroke_where_a_merged_cell_has_no_border_is_no_border():
    """A merged label cell (two rows high) whose glyphs' horizontal strokes lie on the level of the
    neighbours' border: thin, short, a few pixels apart, from ruling to ruling like a dashed
    border; but each glyph's stem crosses their rows, so the cell stays one."""
    cells = _grid_cells(4, 4, [(1, 0, 2, 1)])
    page = _table_page([56] * 4, [120, 200, 200, 200], cells, digits=False)
    d = ImageDraw.Draw(page)
    y = 120 + 2 * 56  # the level of the border the merged cell does not have
    for x in (206, 244, 282):  # 十十十, each 30 pixels wide: shorter than any ruling piece
        d.line([(x, y), (x + 30, y)], fill=(0, 0, 0), width=1)
        d.line([(x + 15, y - 14), (x + 15, y + 14)], fill=(0, 0, 0), width=2)
    want = [sorted(cells)]
    assert _structure(np.asarray(page.convert("L"))) == want
    for skew, seed in ((0.3, 9), (-0.5, 10)):
        assert _structure(_deskewed(_faxed(page, skew, seed))) == want, skew


# --- property: a faxed table has the clean table's cells ----------------------------------------


@st.composite
def faxed_tables(draw):
    n_rows, n_cols = draw(st.integers(3, 9)), draw(st.integers(3, 8))
    heights = [draw(st.integers(44, 70)) for _ in range(n_rows)]
    # as wide as a report's table (most of the page): the skew is measured on page-wide lines
    widths = [draw(st.integers(78, 180)) for _ in range(n_cols)]
    widths = [max(78, w * 1200 // sum(widths)) for w in widths]
    merged = []
    if draw(st.booleans()):  # a label cell spanning rows, as 表三's 「三、本年度办理结果」
        merged.append((1, 0, draw(st.integers(2, n_rows - 1)), 1))
    skew = draw(st.sampled_from([-1, 1])) * draw(st.floats(0.3, 0.8))
    return heights, widths, _grid_cells(n_rows, n_cols, merged), skew, draw(st.integers(0, 2**16))


@settings(max_examples=15, deadline=None)
@given(faxed_tables())
def test_a_faxed_table_has_the_cells_of_the_clean_one(table):
    """Drawn tables of any shape, a label cell spanning rows among them, faxed at 0.3–0.8°: every
    cell the clean page has, and only those (a border followed into the merged label cell would
    split it; one lost merges two numbers into one cell)."""
    heights, widths, cells, skew, seed = table
    page = _table_page(heights, widths, cells)
    assert _structure(_deskewed(_faxed(page, skew, seed))) == _structure(np.asarray(page.convert("L")))
