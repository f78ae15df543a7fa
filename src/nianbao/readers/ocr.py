"""OCR of page images: scanned PDFs, photos and image files.

`ocr_page_image(image, page_no)` turns one page image into blocks: every ruled table becomes a
`Table` grid (see `_ocr_grid`) whose cells hold the recognised text, and the text outside tables
becomes one `Paragraph` per printed line, in reading order. Each cell's provenance says
`method="ocr"`, where it is (bbox) and how sure the recogniser was (`confidence`, 0–1). A cell
that holds ink but yields no text gets confidence 0 and stays empty, so the extractor flags it
instead of reading a blank. Before any of that, `_ocr_orient` flattens a photo taken at an angle,
and a page whose text reads badly is checked for a sideways or upside-down feed.

Reading by cell: the ruling lines already give every cell's box, so inside a table no text
detection runs. Each cell's ink is split into its printed lines by its row profile, every line is
cropped tight, and all the crops of the page go through the recogniser in width-sorted batches
(`_ocr_engine`). Detection runs only on what lies outside the tables (titles, prose, signatures),
at reduced resolution.

Text is kept as recognised: confusions such as O/0 or l/1 are repaired later, only where the
table arithmetic confirms the repair (the repair-stage rule `nianbao.rules.ocr_repair`).

Recognition uses the PP-OCR models shipped inside the rapidocr wheel (nothing is downloaded at run
time), run on onnxruntime. It is an optional extra: `pip install 'nianbao[ocr]'`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..document import Block, Paragraph, Provenance, Table, TableCell
from ..errors import MissingDependency

if TYPE_CHECKING:
    import numpy as np

    from . import _ocr_grid as og

OCR_HINT = "读取扫描件或图片需要安装 OCR 组件：pip install 'nianbao[ocr]'"
MAX_SKEW_DEGREES = 8.0  # beyond this the page is not "slightly" rotated; leave it to the recogniser
MIN_SKEW_DEGREES = 0.15
MAX_SIDE = 3600  # pixels; about A4 at 300 dpi
DET_SIDE = 1280  # detection outside tables runs on the page scaled to this long side
TEXT_SCORE = 0.3  # text outside tables read less surely than this is noise (a speck, a stamp's rim)
# a page whose lines read this badly (median confidence) may be fed sideways or upside down
DOUBTFUL_READING = 0.7


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def engine() -> Any:
    """The shared recognition engine (`_ocr_engine.Engine`), models loaded on first use."""
    if not available():
        raise MissingDependency(OCR_HINT)
    from . import _ocr_engine

    return _ocr_engine.engine()


def _to_gray(image: Any) -> np.ndarray:
    try:
        import cv2
        import numpy as np
    except ImportError:
        raise MissingDependency(OCR_HINT) from None
    if not isinstance(image, np.ndarray):  # a PIL image
        image = np.asarray(image.convert("RGB"))[:, :, ::-1]
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return np.ascontiguousarray(image)
    if image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return _without_seals(image, gray)


def _without_seals(bgr: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """The grey page with red official seals taken out.

    In grey a red seal is as dark as print and buries the digits under it. Seen through the red
    channel the seal's ink is as light as paper while black print under it stays black, so the
    seal's pixels take their red-channel brightness. Only seal-shaped red ink (a round or square
    stamp, at least 1.5 cm) goes: a red heading, one wide line of large characters, stays.
    """
    import cv2
    import numpy as np

    small = bgr[::4, ::4].astype(np.int16)  # seals are large: a quarter-size look finds them
    b, g, r = small[:, :, 0], small[:, :, 1], small[:, :, 2]
    red = ((r - np.maximum(g, b)) > 45) & (r > 110)
    if int(red.sum()) < 50:
        return gray
    mask = cv2.morphologyEx(red.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_side = max(8, gray.shape[1] // (4 * 14))  # 1.5 cm of an A4 width, in the quarter-size copy
    seals = [
        i
        for i in range(1, n)
        if min(stats[i][2], stats[i][3]) >= min_side and 0.6 <= stats[i][2] / max(1, stats[i][3]) <= 1.7
    ]
    if not seals:
        return gray
    out = gray.copy()
    for i in seals:
        # the whole square the seal's ring encloses: its star and its lettering are separate marks
        x, y, w, h = (int(v) * 4 for v in stats[i][:4])
        x0, y0, x1, y1 = max(0, x - 8), max(0, y - 8), x + w + 8, y + h + 8
        part = bgr[y0:y1, x0:x1].astype(np.int16)
        ink = (part[:, :, 2] - np.maximum(part[:, :, 1], part[:, :, 0])) > 25
        view = out[y0:y1, x0:x1]
        view[ink] = np.maximum(view[ink], bgr[y0:y1, x0:x1, 2][ink])
    return out


@dataclass
class _Word:
    text: str
    score: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _run_orientation(img: np.ndarray, use_det: bool = True, use_cls: bool = False, **_: bool) -> Any:
    """Detection on a small page, or the direction classifier on one line crop, for `_ocr_orient`
    (rapidocr's call shape: `.boxes` as quadrilaterals, `.cls_res` as (label, score) pairs)."""
    import numpy as np

    from ._ocr_orient import ORIENT_SIDE

    eng = engine()
    if use_det:
        boxes = eng.detect(img, ORIENT_SIDE)
        quads = [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) for x0, y0, x1, y1 in boxes]
        return SimpleNamespace(boxes=quads or None, cls_res=None)
    up, down = eng.upside_down_votes([img]) if use_cls else (0.0, 0.0)
    return SimpleNamespace(boxes=None, cls_res=[("0", up), ("180", down)] if use_cls else None)


def _lines(words: list[_Word]) -> list[list[_Word]]:
    """Group words into printed lines (vertical overlap), each sorted left to right."""
    lines: list[list[_Word]] = []
    for w in sorted(words, key=lambda w: w.cy):
        if lines:
            last = lines[-1]
            top = min(x.box[1] for x in last)
            bottom = max(x.box[3] for x in last)
            overlap = min(bottom, w.box[3]) - max(top, w.box[1])
            if overlap > 0.5 * min(w.height, bottom - top):
                last.append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w.box[0]) for line in lines]


def _join_line(line: list[_Word]) -> str:
    """The words of one printed line: run together, or with a space where they stand apart by
    more than a character (a label and its number in a row whose rulings are lost)."""
    out = line[0].text
    for prev, w in zip(line, line[1:], strict=False):
        gap = w.box[0] - prev.box[2]
        out += (" " if gap > max(prev.height, w.height) else "") + w.text
    return out


# --------------------------------------------------------------------------- cells


@dataclass
class _Band:
    """One printed line inside a cell: rows y0..y1, ink from x0 to x1 (page pixels, inclusive)."""

    y0: int
    y1: int
    x0: int
    x1: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0 + 1


@dataclass
class _CellInk:
    bands: list[_Band] = field(default_factory=list)
    mask: np.ndarray | None = None  # the ink kept, over the cell's inside
    origin: tuple[int, int] = (0, 0)  # the page position of mask[0, 0]

    @property
    def inked(self) -> bool:
        return bool(self.bands)

    def box(self) -> tuple[int, int, int, int]:
        """The ink's extent in page pixels (x0, y0, x1, y1, inclusive)."""
        return (
            min(b.x0 for b in self.bands),
            self.bands[0].y0,
            max(b.x1 for b in self.bands),
            self.bands[-1].y1,
        )


_MIN_SPECK = 6  # pixels: scan noise, a JPEG block's ringing, a fax's salt and pepper
_MARGIN = 0.35  # of the line height, above, below and beside a line's ink
_MIN_ASPECT = 0.7  # a crop narrower than this (width / height) is widened
_MIN_INK = 12  # pixels of ink in a cell; a printed "0" in a 24-pixel row leaves more


def _cell_ink(erased: np.ndarray, box: tuple[int, int, int, int]) -> _CellInk:
    """The printed lines of one cell: its dark pixels (relative to the cell's own paper), specks
    and ruling-line remnants dropped, split into lines by the rows that hold no ink."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = box
    # the rulings are erased already; keep clear of the few pixels a thick line leaves at its edge
    pad = 3
    ix0, iy0, ix1, iy1 = x0 + pad, y0 + pad, x1 - pad, y1 - pad
    if ix1 - ix0 < 4 or iy1 - iy0 < 4:
        return _CellInk()
    inner = erased[iy0:iy1, ix0:ix1]
    # relative to the cell's own paper: a thin, blurred glyph at low resolution is grey, not black
    background = float(np.median(inner))
    dark = (inner < min(170.0, background - 50)).astype(np.uint8)
    if int(dark.sum()) < _MIN_INK:
        return _CellInk()
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    h, w = dark.shape
    keep = np.zeros(n, bool)
    for i in range(1, n):
        cx, cy, cw, chh, area = (int(v) for v in stats[i])
        if area < _MIN_SPECK:
            continue
        touches = cx == 0 or cy == 0 or cx + cw == w or cy + chh == h
        # a ruling line's remnant along the cell's edge: thin, long, at the border
        if touches and ((chh <= 3 and cw >= 0.5 * w) or (cw <= 3 and chh >= 0.5 * h)):
            continue
        keep[i] = True
    if not keep.any():
        return _CellInk()
    mask = keep[labels]
    if int(mask.sum()) < _MIN_INK:
        return _CellInk()
    rows = np.nonzero(mask.any(axis=1))[0]
    bands: list[_Band] = []
    start = prev = int(rows[0])
    for r in (int(v) for v in rows[1:]):
        if r > prev + 2:  # a gap of two blank rows or more between lines
            bands.append(_band(mask, start, prev, ix0, iy0))
            start = r
        prev = r
    bands.append(_band(mask, start, prev, ix0, iy0))
    return _CellInk(bands, mask, (ix0, iy0))


def _band(mask: np.ndarray, r0: int, r1: int, ox: int, oy: int) -> _Band:
    import numpy as np

    cols = np.nonzero(mask[r0 : r1 + 1].any(axis=0))[0]
    return _Band(r0 + oy, r1 + oy, int(cols[0]) + ox, int(cols[-1]) + ox)


def _merge_bands(bands: list[_Band], line_h: float) -> list[_Band]:
    """Join the pieces of one printed line: the strokes of 二 or 三, a quote mark above a line.

    Two neighbouring bands belong together when, joined, they are no taller than a line of text.
    """
    out: list[_Band] = []
    for b in bands:
        if out:
            last = out[-1]
            joined = b.y1 - last.y0 + 1
            short = min(last.height, b.height) < 0.6 * line_h
            if short and joined <= 1.35 * line_h:
                out[-1] = _Band(last.y0, b.y1, min(last.x0, b.x0), max(last.x1, b.x1))
                continue
        out.append(b)
    return out


def _split_tall(ink: _CellInk, band: _Band, line_h: float) -> list[_Band]:
    """A band as tall as two lines or more (lines set close, or blurred together) cut at its
    emptiest row, when that row is nearly blank: the gap between two lines, not the middle of one."""
    import numpy as np

    if ink.mask is None or line_h <= 0 or band.height < 1.6 * line_h:
        return [band]
    ox, oy = ink.origin
    profile = ink.mask[band.y0 - oy : band.y1 - oy + 1].sum(axis=1)
    lo, hi = round(0.2 * band.height), round(0.8 * band.height)
    if hi - lo < 2:
        return [band]
    cut = lo + int(np.argmin(profile[lo:hi]))
    if profile[cut] > 0.15 * float(np.median(profile[profile > 0])):
        return [band]
    out = []
    for r0, r1 in ((0, cut), (cut + 1, band.height)):
        cols = np.nonzero(ink.mask[band.y0 - oy + r0 : band.y0 - oy + r1].any(axis=0))[0]
        rows = np.nonzero(profile[r0:r1])[0]
        if len(cols) and len(rows):
            part = _Band(
                band.y0 + r0 + int(rows[0]),
                band.y0 + r0 + int(rows[-1]),
                int(cols[0]) + ox,
                int(cols[-1]) + ox,
            )
            out.extend(_split_tall(ink, part, line_h))
    return out or [band]


def _line_crop(
    erased: np.ndarray, band: _Band, cell_box: tuple[int, int, int, int], line_h: float
) -> np.ndarray:
    """The band cut out with a margin, at least a line of text high, white outside its cell."""
    import numpy as np

    x0, y0, x1, y1 = cell_box
    height = max(band.height, line_h)
    margin = max(2, round(_MARGIN * height))
    cy = (band.y0 + band.y1) / 2
    top = round(cy - height / 2) - margin
    bottom = round(cy + height / 2) + margin
    left, right = band.x0 - margin, band.x1 + margin
    crop = np.full((bottom - top + 1, right - left + 1), 255, np.uint8)
    # only the cell's inside is copied: the neighbour's ink across a border is not this cell's
    sy0, sy1 = max(top, y0 + 1), min(bottom, y1 - 1)
    sx0, sx1 = max(left, x0 + 1), min(right, x1 - 1)
    if sy1 > sy0 and sx1 > sx0:
        crop[sy0 - top : sy1 - top + 1, sx0 - left : sx1 - left + 1] = erased[sy0 : sy1 + 1, sx0 : sx1 + 1]
    # a narrow crop (one digit) is widened to a square: the recogniser needs a few columns around it
    if crop.shape[1] < _MIN_ASPECT * crop.shape[0]:
        extra = round(_MIN_ASPECT * crop.shape[0]) - crop.shape[1]
        crop = np.pad(crop, ((0, 0), (extra // 2, extra - extra // 2)), constant_values=255)
    return crop


def _is_vertical(ink: _CellInk, line_h: float) -> bool:
    """A column of characters: a row label printed downwards in a tall, narrow cell."""
    x0, y0, x1, y1 = ink.box()
    w, h = x1 - x0 + 1, y1 - y0 + 1
    return line_h > 0 and w <= 1.8 * line_h and h >= 2.5 * w and h >= 2.2 * line_h


def _vertical_crop(erased: np.ndarray, ink: _CellInk) -> np.ndarray:
    """The characters of a vertical label cut apart and set side by side, as one line of text.

    CJK glyphs are square, so the column's width is the glyph pitch: the row profile's gaps give
    the pieces, and pieces are joined while they stay within one glyph's height (三 is three).
    """
    import numpy as np

    assert ink.mask is not None
    x0, y0, x1, y1 = ink.box()
    ox, oy = ink.origin
    width = x1 - x0 + 1
    rows: np.ndarray = np.asarray(ink.mask[y0 - oy : y1 - oy + 1].any(axis=1))
    pieces: list[list[int]] = []
    for i, inked in enumerate(rows):
        if inked and (not pieces or pieces[-1][1] < i - 1):
            pieces.append([i, i])
        elif inked:
            pieces[-1][1] = i
    glyphs: list[list[int]] = []
    for a, b in pieces:
        if glyphs and b - glyphs[-1][0] + 1 <= 1.2 * width:
            glyphs[-1][1] = b
        else:
            glyphs.append([a, b])
    margin = max(2, round(0.15 * width))
    height = max(b - a + 1 for a, b in glyphs) + 2 * margin
    parts = []
    for a, b in glyphs:
        part = np.full((height, width + 2 * margin), 255, np.uint8)
        top = (height - (b - a + 1)) // 2
        part[top : top + b - a + 1, margin : margin + width] = erased[y0 + a : y0 + b + 1, x0 : x1 + 1]
        parts.append(part)
    return np.hstack(parts)


# --------------------------------------------------------------------------- page


@dataclass
class _Layout:
    """One page under one orientation, ready to recognise: its tables, the crops of every printed
    line in their cells, and the text lines detected around the tables."""

    gray: np.ndarray
    grids: list[og.Grid]
    inks: list[list[_CellInk]]  # per grid, per cell
    crops: list[np.ndarray]
    owners: list[tuple[int, int]]  # (grid, cell) of each cell crop; the crops after them are det_boxes'
    det_boxes: list[tuple[float, float, float, float]]
    wide: int = 0  # text lines and cell inks clearly wider than high
    tall: int = 0  # and clearly higher than wide: lines running down a page lying on its side

    @property
    def sideways(self) -> bool:
        return self.tall >= 3 and self.tall > 2 * self.wide


@dataclass
class _Reading:
    """A page's layout with its text recognised."""

    layout: _Layout
    cells: list[list[tuple[str, float | None]]]  # per grid, per cell: (text, confidence)
    words: list[_Word]  # outside the tables
    scores: list[float]  # of every line of two characters or more, for the orientation check

    @property
    def doubtful(self) -> bool:
        if len(self.scores) < 3:
            return False
        return self.quality < DOUBTFUL_READING

    @property
    def quality(self) -> float:
        return sorted(self.scores)[len(self.scores) // 2] if self.scores else 0.0


def _layout(gray: np.ndarray) -> _Layout:
    """Deskew, find the ruled tables, cut their cells' lines, detect the text around them."""
    import cv2
    import numpy as np

    from . import _ocr_grid as og

    angle = og.skew_angle(gray)
    if MIN_SKEW_DEGREES <= abs(angle) <= MAX_SKEW_DEGREES:
        gray = og.rotate(gray, angle)
    grids, line_mask = og.find_grids(gray)
    # the recogniser reads ruling lines as 1, | or 丨; erase them from what it sees, along the
    # cells' borders only: a long stroke of a character inside a cell (the 丨 of 提) stays
    erased = gray.copy()
    borders = np.zeros_like(line_mask)
    for g in grids:
        for gc in g.cells:
            x0, y0, x1, y1 = gc.box
            cv2.rectangle(borders, (x0, y0), (x1, y1), 255, thickness=9)
    erase = cv2.bitwise_and(cv2.dilate(line_mask, np.ones((3, 3), np.uint8)), borders)
    erased[erase > 0] = 255

    inks = [[_cell_ink(erased, gc.box) for gc in g.cells] for g in grids]
    heights = sorted(b.height for cells in inks for ink in cells for b in ink.bands)
    # the height of a printed line: most cell lines are single lines of digits or words
    line_h = float(heights[(len(heights) - 1) // 2]) if heights else 0.0

    crops: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []
    for gi, (grid, cells) in enumerate(zip(grids, inks, strict=True)):
        for ci, ink in enumerate(cells):
            if not ink.inked:
                continue
            if _is_vertical(ink, line_h):
                crops.append(_vertical_crop(erased, ink))
                owners.append((gi, ci))
                continue
            for merged in _merge_bands(ink.bands, line_h):
                for band in _split_tall(ink, merged, line_h):
                    crops.append(_line_crop(erased, band, grid.cells[ci].box, line_h))
                    owners.append((gi, ci))

    # outside the tables: detection on the page with the tables painted out
    outside = tables_painted_out(gray, grids)
    det_boxes: list[tuple[float, float, float, float]] = []
    ratio = min(1.0, DET_SIDE / max(outside.shape))
    for rx0, ry0, rx1, ry1 in _text_regions(outside):
        found = engine().detect(outside[ry0:ry1, rx0:rx1], DET_SIDE, ratio=ratio)
        det_boxes.extend((x0 + rx0, y0 + ry0, x1 + rx0, y1 + ry0) for x0, y0, x1, y1 in found)
    ph, pw = gray.shape
    for bx0, by0, bx1, by1 in det_boxes:
        x0, y0 = max(0, int(bx0) - 2), max(0, int(by0) - 2)
        x1, y1 = min(pw, int(np.ceil(bx1)) + 2), min(ph, int(np.ceil(by1)) + 2)
        crop = outside[y0:y1, x0:x1]
        if crop.shape[0] < 4 or crop.shape[1] < 4:
            crops.append(np.full((8, 8), 255, np.uint8))
            continue
        if crop.shape[0] >= 1.5 * crop.shape[1]:
            crop = np.ascontiguousarray(np.rot90(crop))  # a vertical line of text, as rapidocr reads it
        crops.append(crop)

    shapes = [(b[2] - b[0], b[3] - b[1]) for b in det_boxes]
    for cells in inks:
        for ink in cells:
            if ink.inked:
                x0, y0, x1, y1 = ink.box()
                if max(x1 - x0, y1 - y0) >= 2.5 * line_h:
                    shapes.append((x1 - x0, y1 - y0))
    wide = sum(w > 1.8 * h for w, h in shapes)
    tall = sum(h > 1.8 * w for w, h in shapes)
    return _Layout(gray, grids, inks, crops, owners, det_boxes, wide, tall)


def tables_painted_out(gray: np.ndarray, grids: list[og.Grid]) -> np.ndarray:
    """The page with each table's ruled area (between its outer grid lines) painted white.

    Not the box of the table's line component: the strokes of a bold heading printed just above
    the table (四、政府信息公开行政复议…) pass for short vertical rulings and join that component,
    and the heading must still be read."""
    out = gray.copy()
    for g in grids:
        x0, y0, x1, y1 = g.xs[0], g.ys[0], g.xs[-1], g.ys[-1]
        out[max(0, y0 - 4) : y1 + 5, max(0, x0 - 4) : x1 + 5] = 255
    return out


def _recognise(layout: _Layout) -> _Reading:
    """Every crop of the page through the recogniser at once; cells and lines put together."""
    crops = [_clean(c) for c in layout.crops]
    lines = engine().recognise(crops)
    n_cells = len(layout.owners)
    texts: list[list[list[tuple[str, float]]]] = [[[] for _ in g.cells] for g in layout.grids]
    scores: list[float] = []
    for (gi, ci), line in zip(layout.owners, lines[:n_cells], strict=True):
        text = line.text.strip()
        # a number's confidence is its least sure digit's
        texts[gi][ci].append((text, line.weakest if text else 0.0))
        if len(text) >= 2:
            scores.append(line.score)
    cells: list[list[tuple[str, float | None]]] = []
    for gi, grid in enumerate(layout.grids):
        row: list[tuple[str, float | None]] = []
        for ci in range(len(grid.cells)):
            got = texts[gi][ci]
            text = "".join(t for t, _ in got)
            if text:
                row.append((text, round(min(sc for t, sc in got if t), 4)))
            elif layout.inks[gi][ci].inked:
                row.append(("", 0.0))  # something is printed there that could not be read
            else:
                row.append(("", None))
        cells.append(row)
    words = []
    for box, line in zip(layout.det_boxes, lines[n_cells:], strict=True):
        text = line.text.strip()
        if text and line.score >= TEXT_SCORE:
            words.append(_Word(text, line.score, box))
            if len(text) >= 2:
                scores.append(line.score)
    return _Reading(layout, cells, words, scores)


def _clean(crop: np.ndarray) -> np.ndarray:
    """The crop's paper made white and its print black, by its own levels.

    What is much lighter than the print (a seal's remains after its red is taken out, the back
    page showing through, a shadow) becomes paper, so the recogniser does not read it as strokes;
    the print's edges keep their grey ramp.
    """
    import numpy as np

    paper = float(np.percentile(crop, 90))
    ink = float(np.percentile(crop, 2))
    if paper - ink < 40:
        return crop  # no print to speak of: leave it to the recogniser as it is
    top = ink + 0.6 * (paper - ink)
    out = (crop.astype(np.float32) - ink) * (255.0 / (top - ink))
    return np.clip(out, 0, 255).astype(np.uint8)


def _text_regions(page: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The bands of the page (tables painted out) that hold ink, each cut to its ink's width:
    detection costs by the pixel, and a table page has little text around its tables."""
    import numpy as np

    h, w = page.shape
    f = 4  # the profile is taken on a quarter-size copy, each pixel dark when any of its 16 is
    hs, ws = h // f, w // f
    if hs == 0 or ws == 0:
        return []
    dark: np.ndarray = np.asarray((page[: hs * f, : ws * f] < 160).reshape(hs, f, ws, f).any(axis=(1, 3)))
    rows = np.nonzero(dark.sum(axis=1) >= 2)[0]
    if len(rows) == 0:
        return []
    gap = max(3, h // (f * 60))  # blank rows that end a region: more than a paragraph's spacing
    regions: list[list[int]] = [[int(rows[0]), int(rows[0])]]
    for r in (int(v) for v in rows[1:]):
        if r - regions[-1][1] > gap:
            regions.append([r, r])
        else:
            regions[-1][1] = r
    out = []
    pad = max(2, gap)
    for r0, r1 in regions:
        cols = np.nonzero(np.asarray(dark[r0 : r1 + 1].any(axis=0)))[0]
        x0, x1 = max(0, (int(cols[0]) - pad) * f), min(w, (int(cols[-1]) + 1 + pad) * f)
        y0, y1 = max(0, (r0 - pad) * f), min(h, (r1 + 1 + pad) * f)
        if (y1 - y0) >= 8 and (x1 - x0) >= 8:
            out.append((x0, y0, x1, y1))
    return out


def _upside_down(layout: _Layout) -> bool:
    """The direction classifier's vote on the page's longest lines (a few milliseconds)."""
    import numpy as np

    lines = sorted(
        (c for c in layout.crops if c.shape[1] >= 3 * c.shape[0] and c.shape[0] >= 12),
        key=lambda c: c.shape[1],
        reverse=True,
    )[:8]
    if len(lines) < 3:
        return False
    # a chunk about as long as the classifier's 4:1 input keeps the glyphs legible
    chunks = [np.ascontiguousarray(c[:, : 4 * c.shape[0]]) for c in lines]
    up, down = engine().upside_down_votes(chunks)
    return down > 1.5 * up


def ocr_page_image(
    image: Any, page_no: int = 1, *, scale: float = 1.0, first_table_index: int = 0
) -> list[Block]:
    """Recognise one page image: tables as grids, other text as one paragraph per line.

    image: a numpy array (BGR, BGRA or grey, as OpenCV loads it) or a PIL image.
    scale: multiplies pixel coordinates into the units of `bbox` (72 / dpi for PDF points).
    first_table_index: the document-wide index of the first table on this page.
    """
    if not available():
        raise MissingDependency(OCR_HINT)
    import cv2

    from . import _ocr_orient as orient

    gray = _to_gray(image)
    long_side = max(gray.shape)
    if long_side > MAX_SIDE:
        # a 600-dpi scan or a 48-megapixel photo: 300 dpi is plenty and four times faster
        factor = MAX_SIDE / long_side
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        scale /= factor
    # geometry first: a photo at an angle is flattened, the desk around the sheet painted out
    gray = orient.blank_surroundings(orient.unwarp(gray))
    layout = _layout(gray)
    turns = 0
    if layout.sideways:
        # lines running down the page: it lies on its side (the check also settles 90° or 270°)
        turns = orient.quarter_turns(gray, _run_orientation)
        if turns % 2:
            layout = _layout(orient.turn(gray, turns))
    elif _upside_down(layout):
        turns = 2
        layout = _layout(orient.turn(gray, 2))
    reading = _recognise(layout)
    if reading.doubtful and not turns:
        # text that reads this badly may be upside down: one cheap check decides
        turns = orient.quarter_turns(gray, _run_orientation)
        if turns:
            turned = _recognise(_layout(orient.turn(gray, turns)))
            if turned.quality > reading.quality:
                reading = turned
    return _blocks(reading, page_no, scale, first_table_index)


def _blocks(reading: _Reading, page_no: int, scale: float, first_table_index: int) -> list[Block]:
    def bbox(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return tuple(round(float(v) * scale, 2) for v in box)  # type: ignore[return-value]  # no numpy floats

    placed: list[tuple[float, Block]] = []
    grids = reading.layout.grids
    for t_index, (grid, cells) in enumerate(zip(grids, reading.cells, strict=True), start=first_table_index):
        out = []
        for gc, (text, confidence) in zip(grid.cells, cells, strict=True):
            prov = Provenance(
                page=page_no,
                bbox=bbox(gc.box),
                table=t_index,
                row=gc.row,
                col=gc.col,
                method="ocr",
                confidence=confidence,
            )
            out.append(TableCell(text, gc.row, gc.col, gc.rowspan, gc.colspan, prov))
        table_prov = Provenance(page=page_no, bbox=bbox(grid.box), table=t_index, method="ocr")
        placed.append((grid.box[1], Table(out, table_prov)))
    for line in _lines(reading.words):
        box = (
            min(w.box[0] for w in line),
            min(w.box[1] for w in line),
            max(w.box[2] for w in line),
            max(w.box[3] for w in line),
        )
        text = _join_line(line)
        prov = Provenance(
            page=page_no, bbox=bbox(box), method="ocr", confidence=round(min(w.score for w in line), 4)
        )
        placed.append((box[1], Paragraph(text, prov)))
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]
