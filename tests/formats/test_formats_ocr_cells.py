"""OCR by cell: a ruled table is read from its cells' crops (no text detection inside the grid),
in batches; what the layout of official tables does to that reading (vertical labels, a table
running over a page break, a red seal over the digits); the recogniser's calibration on lone digits."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

cv2 = pytest.importorskip("cv2")
pytest.importorskip("rapidocr")

from nianbao.document import Paragraph, Table  # noqa: E402
from nianbao.readers import _ocr_engine, ocr  # noqa: E402
from nianbao.testing import bench_module  # noqa: E402

FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="Noto CJK fonts not installed (fonts-noto-cjk)")


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def ruled_table(
    rows: list[list[str]],
    widths: list[int],
    height: int = 44,
    *,
    size: int = 24,
    top: int = 80,
    open_bottom: bool = False,
    spans: dict[tuple[int, int], int] | None = None,  # (row, col) -> rows spanned
    vertical: set[tuple[int, int]] = frozenset(),  # cells whose text runs downwards
    title: str = "",
    heights: list[int] | None = None,  # per row, instead of `height` for all
) -> Image.Image:
    """A page with one fully ruled table, the text centred in its cells (as Word prints them);
    a cell's text with a line break is printed as two lines set solid (one font size apart)."""
    spans = spans or {}
    heights = heights or [height] * len(rows)
    xs = [60 + sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [top + sum(heights[:i]) for i in range(len(rows) + 1)]
    page = Image.new("RGB", (xs[-1] + 60, ys[-1] + (140 if open_bottom else 80)), "white")
    d = ImageDraw.Draw(page)
    font = _font(size)
    if title:
        d.text((60, 20), title, fill="black", font=font)
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            n = spans.get((r, c), 1)
            covered |= {(r + k, c) for k in range(n)}
            x0, x1, y0, y1 = xs[c], xs[c + 1], ys[r], ys[min(len(rows), r + n)]
            bottom = not (open_bottom and r + n == len(rows))
            d.line([(x0, y0), (x1, y0)], fill="black", width=2)
            d.line([(x0, y0), (x0, y1)], fill="black", width=2)
            d.line([(x1, y0), (x1, y1)], fill="black", width=2)
            if bottom:
                d.line([(x0, y1), (x1, y1)], fill="black", width=2)
            if not text:
                continue
            if (r, c) in vertical:
                step = size + 4
                y = (y0 + y1) / 2 - step * len(text) / 2
                for ch in text:
                    d.text(((x0 + x1) / 2, y + step / 2), ch, fill="black", font=font, anchor="mm")
                    y += step
            elif "\n" in text:
                first, second = text.split("\n")
                mid, gap = (y0 + y1) / 2, size
                d.text((x0 + 8, mid - gap / 2), first, fill="black", font=font, anchor="lm")
                d.text((x0 + 8, mid + gap / 2), second, fill="black", font=font, anchor="lm")
            else:
                d.text(((x0 + x1) / 2, (y0 + y1) / 2), text, fill="black", font=font, anchor="mm")
    if open_bottom:  # the side borders run on to the page's edge, as above a page break
        for x in xs:
            d.line([(x, ys[-1]), (x, page.size[1] - 10)], fill="black", width=2)
    return page


def same(text: str) -> str:
    """As the extractor compares labels: the recogniser's (五) and a printed （五） are one."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def table_texts(blocks) -> list[list[str]]:
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1, blocks
    return [[same(c.text) for c in row] for row in tables[0].rows()]


def expected(rows: list[list[str]]) -> list[list[str]]:
    return [[same(t) for t in row] for row in rows]


@pytest.fixture
def no_detection_in_tables(monkeypatch):
    """Records every detection call's area; the table's cells must not be among them."""
    calls: list[tuple[int, int]] = []
    eng = ocr.engine()
    real = eng.detect

    def detect(image, max_side, ratio=None):
        calls.append(image.shape[:2])
        return real(image, max_side, ratio=ratio)

    monkeypatch.setattr(eng, "detect", detect)
    return calls


DATA = [
    ["项目", "本年新收", "上年结转", "总计"],
    ["自然人", "21", "0", "21"],
    ["商业企业", "7", "1", "8"],
    ["科研机构", "0", "0", "0"],
    ["其他", "105", "36", "141"],
]


def test_table_cells_are_read_from_their_crops_without_detection(no_detection_in_tables):
    page = ruled_table(DATA, [180, 140, 140, 120])
    blocks = ocr.ocr_page_image(page, 1)
    assert table_texts(blocks) == expected(DATA)
    assert no_detection_in_tables == []  # nothing but the table on the page: no detection at all
    cells = [c for b in blocks if isinstance(b, Table) for c in b.cells]
    assert all(c.prov.method == "ocr" and c.prov.page == 1 and c.prov.bbox for c in cells)
    assert all(c.prov.confidence is not None and c.prov.confidence > 0.9 for c in cells)


def test_text_outside_the_table_is_detected_around_it_only(no_detection_in_tables):
    page = ruled_table(DATA, [180, 140, 140, 120], top=120, title="三、收到和处理政府信息公开申请情况")
    blocks = ocr.ocr_page_image(page, 1)
    assert isinstance(blocks[0], Paragraph) and same(blocks[0].text) == same(
        "三、收到和处理政府信息公开申请情况"
    )
    assert table_texts(blocks) == expected(DATA)
    page_h = page.size[1]
    assert no_detection_in_tables and all(h < page_h / 3 for h, _w in no_detection_in_tables)


def test_blank_cells_stay_empty_and_carry_no_confidence():
    rows = [["项目", "数量"], ["行政处罚", ""], ["行政强制", "195"]]
    blocks = ocr.ocr_page_image(ruled_table(rows, [200, 140]), 1)
    table = next(b for b in blocks if isinstance(b, Table))
    blank = next(c for c in table.cells if c.row == 1 and c.col == 1)
    assert blank.text == "" and blank.prov.confidence is None
    assert table_texts(blocks) == expected(rows)


def test_vertical_row_label_reads_as_one_line():
    rows = [
        ["三、本年度办理结果", "（一）予以公开", "3"],
        ["", "（二）部分公开", "1"],
        ["", "（三）不予公开", "0"],
        ["", "（四）无法提供", "2"],
        ["", "（五）不予处理", "0"],
    ]
    page = ruled_table(rows, [60, 240, 100], height=56, spans={(0, 0): 5}, vertical={(0, 0)})
    got = table_texts(ocr.ocr_page_image(page, 1))
    assert got[0][0] == same("三、本年度办理结果")
    assert [r[-2:] for r in got] == [r[1:] for r in expected(rows)]


def test_table_running_over_a_page_break_keeps_its_last_row():
    # no line under the last row: the side borders end at the page break
    page = ruled_table(DATA, [180, 140, 140, 120], open_bottom=True)
    assert table_texts(ocr.ocr_page_image(page, 1)) == expected(DATA)


def test_red_seal_over_the_digits_is_taken_out():
    page = ruled_table(DATA, [180, 140, 140, 120])
    rng = np.random.default_rng(3)
    sealed = bench_module("make_scans").stamp(page, (390, 240), 120, rng)  # over the digit columns
    gray_before = cv2.cvtColor(np.asarray(sealed)[:, :, ::-1], cv2.COLOR_BGR2GRAY)
    assert (gray_before[180:300, 300:480] < 120).sum() > 500  # in grey the seal is as dark as print
    assert table_texts(ocr.ocr_page_image(sealed, 1)) == expected(DATA)


def test_red_heading_is_not_taken_for_a_seal():
    page = Image.new("RGB", (900, 300), "white")
    ImageDraw.Draw(page).text((60, 100), "某某区人民政府办公室", fill=(210, 20, 30), font=_font(56))
    gray = ocr._to_gray(np.asarray(page)[:, :, ::-1].copy())
    assert (gray < 128).sum() > 2000  # the heading stays print


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_page_on_its_side_or_upside_down_reads_upright(quarter):
    rows = [
        ["信息内容", "本年新制作数量", "本年新公开数量"],
        ["规章", "3", "12"],
        ["行政规范性文件", "25", "40"],
    ]
    page = ruled_table(rows, [260, 220, 220], title="二、主动公开政府信息情况（第二十条第（一）项）")
    turned = np.ascontiguousarray(np.rot90(np.asarray(page), quarter))
    assert table_texts(ocr.ocr_page_image(turned, 1)) == expected(rows)


def _digit(text: str, size: int = 30) -> np.ndarray:
    img = Image.new("L", (size * len(text) + 14, size + 18), 255)
    ImageDraw.Draw(img).text((7, 4), text, fill=0, font=_font(size))
    return np.asarray(img)


def test_a_lone_digit_reads_as_a_digit_and_surely():
    # without the grey columns after a crop the recogniser reads a lone 0 as the letter O
    lines = ocr.engine().recognise([_digit(d) for d in "0123456789"])
    assert [line.text for line in lines] == list("0123456789")
    assert min(line.weakest for line in lines) > 0.95


def test_batched_reading_equals_one_by_one():
    crops = [_digit(t) for t in ("0", "21", "7730.28", "105", "1")] + [_digit("行政复议", 26)]
    batched = ocr.engine().recognise(crops)
    alone = [ocr.engine().recognise([c])[0] for c in crops]
    assert [b.text for b in batched] == [a.text for a in alone]
    assert [round(b.score, 3) for b in batched] == pytest.approx([round(a.score, 3) for a in alone], abs=0.01)


def test_threads_follow_the_environment(monkeypatch):
    monkeypatch.setenv("NIANBAO_OCR_THREADS", "1")
    assert _ocr_engine.threads() == 1
    monkeypatch.setenv("NIANBAO_OCR_THREADS", "")
    assert 1 <= _ocr_engine.threads() <= 2


def test_two_lines_set_close_in_one_cell_are_read_as_two():
    label = "（二）部分公开（区分处理的，\n只计这一情形，不计其他情形）"  # no blank row between them
    rows = [*DATA, [label, "4", "0", "4"]]
    page = ruled_table(rows, [400, 140, 140, 120], heights=[44] * len(DATA) + [64])
    got = table_texts(ocr.ocr_page_image(page, 1))
    assert got[-1] == expected([[label.replace("\n", ""), "4", "0", "4"]])[0]


def test_a_heading_just_above_a_table_is_not_painted_out_with_it():
    # a scan where a bold heading's strokes joined the table's line component: the grid's box
    # reaches up over the heading, its grid lines start below it
    from nianbao.readers._ocr_grid import Grid

    page = np.full((300, 400), 255, np.uint8)
    page[20:45, 40:360] = 0  # the heading
    page[60:240, 30:370] = 0  # the table
    grid = Grid((30, 15, 370, 240), [60, 150, 240], [30, 200, 370], [])
    out = ocr.tables_painted_out(page, [grid])
    assert (out[20:45, 40:360] == 0).all()
    assert (out[56:245, 26:375] == 255).all()
