"""Pictures on a PDF page that has a text layer: a report written in Word with its statistical
tables pasted as screenshots, then saved or printed as PDF. The text layer holds the narrative;
the tables exist only as pixels, so without this the report reads as "表二/表三/表四 missing".

Which pictures: one wide enough to hold a table (a quarter of the page width, `MIN_WIDTH_SHARE`)
and tall enough for one row (`MIN_HEIGHT_PT`), with no printed text or ruled table over it (a
letterhead or a watermark behind the text is decoration, and what is printed over it is read
already). Such a picture is cut from the page rendered at `OCR_DPI` and recognised like a scan;
what OCR finds is kept when it holds a ruled table, or when the picture covers most of the page
(a scanned page inside an otherwise typed PDF). Logos, seals and QR codes are never read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..document import Block, Paragraph, Provenance, Table

if TYPE_CHECKING:
    import pypdfium2 as pdfium

    from ._pdf_text import View

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points, as displayed

MIN_WIDTH_SHARE = 0.25
MIN_HEIGHT_PT = 24.0  # a one-row table screenshot at 1× is ~ 40 px = 30 pt
PAGE_SHARE = 0.5  # a picture covering this share of the page is a page: kept whatever it holds


def picture_boxes(page: pdfium.PdfPage, view: View, covered: list[Box]) -> list[Box]:
    """Displayed boxes of the page's pictures that may hold a table, top to bottom. `covered`:
    boxes of what the text layer printed (lines, ruled tables); a picture under them is skipped."""
    from ._pdf_geometry import picture_bounds

    width = view.height if view.rotation in (90, 270) else view.right - view.left
    found: list[Box] = []
    for left, bottom, right, top in picture_bounds(page.raw):
        box = _clip(view.box(left, bottom, right, top), width, view.height)
        if box is None or box[2] - box[0] < MIN_WIDTH_SHARE * width or box[3] - box[1] < MIN_HEIGHT_PT:
            continue
        if any(_centre_inside(c, box) for c in covered):
            continue  # decoration behind printed text
        if any(_overlap(box, f) > 0.9 * _area(box) for f in found):
            continue  # the same picture drawn twice (a soft mask, a copy under a frame)
        found.append(box)
    return sorted(found, key=lambda b: b[1])


def recognise(
    page: pdfium.PdfPage, page_no: int, view: View, boxes: list[Box], dpi: int
) -> list[tuple[Box, list[Block]]]:
    """OCR each picture box; the blocks found, their boxes in page points, for the boxes whose
    content is a table or a page (an empty list for a box that holds neither)."""
    from . import ocr

    scale = dpi / 72
    image = page.render(scale=scale).to_numpy()
    page_area = (view.right - view.left) * (view.top - view.bottom)
    out: list[tuple[Box, list[Block]]] = []
    for box in boxes:
        x0, top, x1, bottom = (round(v * scale) for v in box)
        crop = image[max(top, 0) : bottom, max(x0, 0) : x1]
        if crop.size == 0:
            continue
        blocks = ocr.ocr_page_image(crop, page_no, scale=1 / scale)
        page_sized = _area(box) >= PAGE_SHARE * page_area
        if blocks and (page_sized or any(isinstance(b, Table) for b in blocks)):
            out.append((box, [_moved(b, box[0], box[1]) for b in blocks]))
        else:
            out.append((box, []))
    return out


def _moved(block: Block, dx: float, dy: float) -> Block:
    """A block recognised in a cut-out, with its boxes placed on the page."""

    def at(prov: Provenance) -> Provenance:
        if prov.bbox is None:
            return prov
        x0, top, x1, bottom = prov.bbox
        return replace(prov, bbox=(x0 + dx, top + dy, x1 + dx, bottom + dy))

    if isinstance(block, Paragraph):
        return replace(block, prov=at(block.prov))
    if isinstance(block, Table):
        for c in block.cells:
            c.prov = at(c.prov)
        block.prov = at(block.prov)
    return block


def _clip(box: Box, width: float, height: float) -> Box | None:
    x0, top, x1, bottom = max(box[0], 0.0), max(box[1], 0.0), min(box[2], width), min(box[3], height)
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


def _area(b: Box) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def _overlap(a: Box, b: Box) -> float:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def _centre_inside(inner: Box, outer: Box) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] < cx < outer[2] and outer[1] < cy < outer[3]
