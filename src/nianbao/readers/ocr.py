"""OCR of page images: scanned PDFs, photos and image files.

`ocr_page_image(image, page_no)` turns one page image into blocks: every ruled table becomes a
`Table` grid (see `_ocr_grid`) whose cells hold the recognised text, and the text outside tables
becomes one `Paragraph` per printed line, in reading order. Each cell's provenance says
`method="ocr"`, where it is (bbox) and how sure the recogniser was (`confidence`, 0–1). A cell
that holds ink but yields no text gets confidence 0 and stays empty, so the extractor flags it
instead of reading a blank. Before any of that, `_ocr_orient` turns a page fed sideways or upside
down upright and flattens a photo taken at an angle.

Text is kept as recognised: confusions such as O/0 or l/1 are repaired later, only where the
table arithmetic confirms the repair (the repair-stage rule `nianbao.rules.ocr_repair`).

Recognition is rapidocr (PP-OCR models on onnxruntime, shipped inside the wheel: nothing is
downloaded at run time). It is an optional extra: `pip install 'nianbao[ocr]'`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..document import Block, Paragraph, Provenance, Table, TableCell
from ..errors import MissingDependency

if TYPE_CHECKING:
    import numpy as np

OCR_HINT = "读取扫描件或图片需要安装 OCR 组件：pip install 'nianbao[ocr]'"
MAX_SKEW_DEGREES = 8.0  # beyond this the page is not "slightly" rotated; leave it to the recogniser
MIN_SKEW_DEGREES = 0.15
MAX_SIDE = 3600  # pixels; about A4 at 300 dpi


_engine: Any = None
_orient_engine: Any = None
_engine_lock = threading.Lock()
_run_lock = threading.Lock()  # onnxruntime sessions are thread-safe, rapidocr's pre/post state is not


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def engine() -> Any:
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError:
                raise MissingDependency(OCR_HINT) from None
            _engine = RapidOCR(
                params={
                    "Global.log_level": "critical",
                    "Global.use_cls": False,  # scans are upright; skipping the classifier saves time
                    "Global.text_score": 0.3,  # keep doubtful text: it is flagged, never dropped
                }
            )
        return _engine


def _to_gray(image: Any) -> np.ndarray:
    try:
        import cv2
        import numpy as np
    except ImportError:
        raise MissingDependency(OCR_HINT) from None
    if not isinstance(image, np.ndarray):  # a PIL image
        image = np.asarray(image.convert("RGB"))[:, :, ::-1]
    if image.ndim == 2:
        gray = image
    elif image.shape[2] == 4:
        gray = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    else:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if gray.dtype != np.uint8:
        gray = np.clip(gray, 0, 255).astype(np.uint8)
    return gray


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


def orientation_engine() -> Any:
    """A second engine for the orientation check: detection capped at a small size, so the
    downscaled page is not scaled back up to the 736-pixel minimum side the main engine uses."""
    global _orient_engine
    with _engine_lock:
        if _orient_engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError:
                raise MissingDependency(OCR_HINT) from None
            from ._ocr_orient import ORIENT_SIDE

            # models load on first use; this one only ever runs detection and the classifier
            _orient_engine = RapidOCR(
                params={
                    "Global.log_level": "critical",
                    "Global.use_cls": False,
                    "Det.limit_type": "max",
                    "Det.limit_side_len": ORIENT_SIDE,
                }
            )
        return _orient_engine


def _run_orientation(img: np.ndarray, **flags: bool) -> Any:
    with _run_lock:
        return orientation_engine()(img, **flags)


def _recognise(img: np.ndarray) -> list[_Word]:
    with _run_lock:
        # rapidocr keeps the use_* flags of the previous call: state them every time
        out = engine()(img, use_det=True, use_cls=False, use_rec=True)
    words = []
    if out.boxes is None or out.txts is None:
        return words
    for quad, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        words.append(_Word(str(text), float(score), (min(xs), min(ys), max(xs), max(ys))))
    return words


def _recognise_line(img: np.ndarray) -> tuple[str, float]:
    """Recognition only, for a crop known to hold one line of text."""
    import cv2

    if img.size == 0 or img.shape[0] < 4 or img.shape[1] < 4:
        return "", 0.0
    with _run_lock:
        out = engine()(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False, use_rec=True)
    if not out.txts:
        return "", 0.0
    return str(out.txts[0]), float(out.scores[0])


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


def _join(words: list[_Word]) -> str:
    return "".join("".join(w.text for w in line) for line in _lines(words))


def _has_ink(erased: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    inner = _inner(erased, box)
    if inner.size == 0:
        return False
    import numpy as np

    # relative to the cell's own paper: a thin, blurred glyph at low resolution is grey, not black
    background = float(np.median(inner))
    dark = inner < min(170.0, background - 50)
    # a printed "0" in a 24-pixel row still leaves a dozen dark pixels; scan noise leaves a few
    return dark.mean() > 0.003 and dark.sum() >= 12


def _inner(erased: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The cell without its borders (a dilated ruling line may survive the erasure at the edges)."""
    x0, y0, x1, y1 = box
    pad_x, pad_y = max(3, (x1 - x0) // 16), max(3, (y1 - y0) // 10)
    return erased[y0 + pad_y : y1 - pad_y, x0 + pad_x : x1 - pad_x]


def ocr_page_image(
    image: Any, page_no: int = 1, *, scale: float = 1.0, first_table_index: int = 0
) -> list[Block]:
    """Recognise one page image: tables as grids, other text as one paragraph per line.

    image: a numpy array (BGR, BGRA or grey, as OpenCV loads it) or a PIL image.
    scale: multiplies pixel coordinates into the units of `bbox` (72 / dpi for PDF points).
    first_table_index: the document-wide index of the first table on this page.
    """
    import cv2
    import numpy as np

    from . import _ocr_grid as og
    from . import _ocr_orient as orient

    gray = _to_gray(image)
    long_side = max(gray.shape)
    if long_side > MAX_SIDE:
        # a 600-dpi scan or a 48-megapixel photo: 300 dpi is plenty and four times faster
        factor = MAX_SIDE / long_side
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        scale /= factor
    # geometry first: a photo at an angle, then a page fed sideways or upside down, then a slight tilt
    gray = orient.blank_surroundings(orient.unwarp(gray))
    gray = orient.turn(gray, orient.quarter_turns(gray, _run_orientation))
    angle = og.skew_angle(gray)
    if MIN_SKEW_DEGREES <= abs(angle) <= MAX_SKEW_DEGREES:
        gray = og.rotate(gray, angle)
    grids, line_mask = og.find_grids(gray)
    # the recogniser reads ruling lines as 1, | or 丨; erase them from what it sees
    # (inside tables only: outside them a long stroke of a large character can look like a line)
    erased = gray.copy()
    in_tables = np.zeros_like(line_mask)
    for g in grids:
        x0, y0, x1, y1 = g.box
        in_tables[max(0, y0 - 3) : y1 + 4, max(0, x0 - 3) : x1 + 4] = 255
    erase = cv2.bitwise_and(cv2.dilate(line_mask, np.ones((3, 3), np.uint8)), in_tables)
    erased[erase > 0] = 255
    words = _recognise(cv2.cvtColor(erased, cv2.COLOR_GRAY2BGR))

    def bbox(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return tuple(round(float(v) * scale, 2) for v in box)  # type: ignore[return-value]  # no numpy floats

    placed: list[tuple[float, Block]] = []
    free = list(words)
    for t_index, grid in enumerate(grids, start=first_table_index):
        gx0, gy0, gx1, gy1 = grid.box
        inside = [w for w in free if gx0 <= w.cx <= gx1 and gy0 <= w.cy <= gy1]
        free = [w for w in free if w not in inside]
        per_cell: dict[int, list[_Word]] = {i: [] for i in range(len(grid.cells))}
        for w in inside:
            _place(w, grid, per_cell, erased)
        cells = []
        for i, gc in enumerate(grid.cells):
            got = per_cell[i]
            text = _join(got)
            if not got and _has_ink(erased, gc.box):
                # the detector skips a lone small glyph (a "0" in a short row) now and then;
                # reading the cell as one line recovers it
                x0, y0, x1, y1 = gc.box
                crop = erased[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2]  # rulings are erased already
                if 0 < crop.shape[0] < 40:  # the recogniser works at 48 px line height
                    f = 48 / crop.shape[0]
                    crop = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
                crop = cv2.copyMakeBorder(crop, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
                reread, score = _recognise_line(crop)
                if reread.strip():
                    got = [_Word(reread.strip(), score, tuple(float(v) for v in gc.box))]
                    text = got[0].text
            if got:
                confidence: float | None = round(min(w.score for w in got), 4)
            elif _has_ink(erased, gc.box):
                confidence = 0.0  # something is printed there that could not be read
            else:
                confidence = None
            prov = Provenance(
                page=page_no,
                bbox=bbox(gc.box),
                table=t_index,
                row=gc.row,
                col=gc.col,
                method="ocr",
                confidence=confidence,
            )
            cells.append(TableCell(text, gc.row, gc.col, gc.rowspan, gc.colspan, prov))
        table_prov = Provenance(page=page_no, bbox=bbox(grid.box), table=t_index, method="ocr")
        placed.append((gy0, Table(cells, table_prov)))
    for line in _lines(free):
        box = (
            min(w.box[0] for w in line),
            min(w.box[1] for w in line),
            max(w.box[2] for w in line),
            max(w.box[3] for w in line),
        )
        text = "".join(w.text for w in line)
        prov = Provenance(
            page=page_no, bbox=bbox(box), method="ocr", confidence=round(min(w.score for w in line), 4)
        )
        placed.append((box[1], Paragraph(text, prov)))
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]


def _place(w: _Word, grid: Any, per_cell: dict[int, list[_Word]], erased: np.ndarray) -> None:
    """Put a recognised word in its cell; a word that runs across a border is re-read per cell."""
    x0, y0, x1, y1 = w.box
    area = max(1.0, (x1 - x0) * (y1 - y0))
    overlaps = []
    for i, gc in enumerate(grid.cells):
        cx0, cy0, cx1, cy1 = gc.box
        ix = min(x1, cx1) - max(x0, cx0)
        iy = min(y1, cy1) - max(y0, cy0)
        if ix > 0 and iy > 0:
            overlaps.append((ix * iy / area, i))
    if not overlaps:
        return
    overlaps.sort(reverse=True)
    best_share, best = overlaps[0]
    if best_share >= 0.8 or len(overlaps) == 1:
        per_cell[best].append(w)
        return
    for share, i in overlaps:
        if share < 0.1:
            continue
        cx0, cy0, cx1, cy1 = grid.cells[i].box
        bx0, by0 = int(max(x0, cx0)) + 2, int(max(y0, cy0))
        bx1, by1 = int(min(x1, cx1)) - 2, int(min(y1, cy1))
        text, score = _recognise_line(erased[by0:by1, bx0:bx1])
        if text:
            per_cell[i].append(_Word(text, min(score, w.score), (bx0, by0, bx1, by1)))
