"""Text-layer PDF reader.

Text and character boxes come from PDFium (pypdfium2); ruled tables are found from the page's
visible ruling lines (see `_pdf_geometry`). The reader knows nothing about the report: it emits
one Paragraph per visual line outside tables and one Table per ruled grid, in reading order.

Choices worth knowing downstream:
- A table cut by a page break is stitched back into ONE Table when the part on page N is the last
  block there, the part on page N+1 is the first block there, and their outer left/right rulings
  line up. A cell cut by the break (open bottom, open top, same columns) becomes one cell again.
  Each TableCell keeps the page it was read on in its provenance.
- Cell text joins the cell's visual lines without separator (Chinese soft wraps; a label printed
  one character per line reads as one word). Paragraph lines keep a space between Latin/digit
  words and two spaces for a wide gap (unruled columns).
- Page-number lines and running headers/footers are dropped; `metadata["page_numbers_removed"]`
  and `metadata["running_lines_removed"]` count them.
- Pages with no text layer go through `_page_without_text`: OCR (the `ocr` extra) when installed,
  else a warning; `metadata["scanned_pages"]` lists them all, `metadata["ocr_pages"]` those
  recognised.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .. import plugins
from ..document import Block, Document, Paragraph, Provenance, Table, TableCell
from ..errors import ReadError
from ..lazyre import lazy

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2 as pdfium

    from ._pdf_geometry import Grid
    from ._pdf_text import Char, Line, View

# PDFium, numpy and the geometry modules are imported by the functions that use them: registering
# the reader (every command that reads a file does) must not load a PDF engine.

MARGIN_TOP = 0.10  # share of the page height where running headers live
MARGIN_BOTTOM = 0.12

_DASH = r"[-－—–~～_·\s]*"
PAGE_NUMBER = lazy(
    rf"^(?:{_DASH}\d{{1,4}}{_DASH}"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)


_STARTS_ITEM = lazy(r"^\s*(?:[（(【\[]|[0-9０-９]|[一二三四五六七八九十]+\s*[、.．])")
_NUMBER = lazy(r"^[\s\d.,，％%-]+$")


def max_pages() -> int:
    return int(os.environ.get("NIANBAO_MAX_PDF_PAGES", "300"))


def _sniff(data: bytes, name: str) -> bool:
    # PDF readers accept a header anywhere in the first KiB (servers prepend BOMs and junk)
    return data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]


@dataclass
class _PageItem:
    """A block on a page before page-level clean-up and cross-page stitching."""

    top: float
    page: int
    line: Line | None = None
    grid: Grid | None = None
    cells: list[TableCell] = field(default_factory=list)
    block: Block | None = None  # a finished block (from OCR), emitted as it is


@plugins.reader("pdf", extensions=("pdf",), sniff=_sniff, priority=10)
def read(data: bytes, source: str) -> Document:
    pdf = _open(data)
    try:
        n_pages = len(pdf)
        if n_pages > max_pages():
            raise ReadError(f"PDF 共 {n_pages} 页，超过上限 {max_pages()} 页")
        doc = Document(source=source, format="pdf")
        _read_metadata(pdf, doc)
        pages: list[list[_PageItem]] = []
        heights: list[float] = []
        scanned: list[int] = []
        pictures = 0  # pictures on text pages read by OCR so far
        for i in range(n_pages):
            page = pdf[i]
            try:
                if _hidden_text_layer(page) and _ocr_wanted():
                    # a scanner's or OCR tool's searchable PDF: the page is an image, its text an
                    # invisible recognition result without the table's ruling lines — recognised
                    # again here, by cell (the layer is read only when OCR is not installed)
                    doc.warnings.append(f"第{i + 1}页是扫描图像，其文字层是不可见的识别结果，已重新识别")
                    items: list[_PageItem] = []
                    height, has_text, garbled = _view(page).height, False, False
                else:
                    items, height, has_text, garbled = _read_page(page, i + 1)
                    if has_text:
                        pictures += _read_pictures(page, i + 1, items, doc, pictures)
                if not has_text:
                    recognised = _page_without_text(page, i + 1, doc, garbled)
                    if recognised is None or recognised:  # unread, or read by OCR: a scan
                        scanned.append(i + 1)
                    items = recognised or []
            finally:
                page.close()
            pages.append(items)
            heights.append(height)
        if pictures:
            doc.metadata["ocr_pictures"] = str(pictures)
        if scanned:
            doc.metadata["scanned_pages"] = ",".join(str(p) for p in scanned)
        _drop_page_furniture(pages, heights, doc)
        doc.blocks = _assemble(pages)
        return doc
    finally:
        pdf.close()


def _open(data: bytes) -> pdfium.PdfDocument:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD or "password" in str(exc).lower():
            raise ReadError("PDF 已加密，无法读取") from None
        raise ReadError("PDF 文件已损坏或不完整，无法读取") from None


def _pdf_date(value: str) -> str:
    """D:20240226144123+06'41' → 2024-02-26T14:41:23+06:41 (as much as is given)."""
    m = re.match(
        r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?", value.strip()
    )
    if not m:
        return value.strip()
    y, mo, d, h, mi, s, tz, tzh, tzm = m.groups()
    out = y + (f"-{mo}" if mo else "") + (f"-{d}" if mo and d else "")
    if d and h:
        out += f"T{h}:{mi or '00'}:{s or '00'}"
        if tz in ("Z", "z"):
            out += "Z"
        elif tz and tzh:
            out += f"{tz}{tzh}:{tzm or '00'}"
    return out


def _read_metadata(pdf: pdfium.PdfDocument, doc: Document) -> None:
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
    except Exception:
        return
    title = meta.get("Title", "").strip()
    if title:
        doc.title = title
        doc.metadata["pdf_title"] = title
    for key, name in (("CreationDate", "pdf_creation_date"), ("ModDate", "pdf_mod_date")):
        if meta.get(key):
            doc.metadata[name] = _pdf_date(meta[key])
    for key, name in (("Author", "pdf_author"), ("Creator", "pdf_creator"), ("Producer", "pdf_producer")):
        if meta.get(key, "").strip():
            doc.metadata[name] = meta[key].strip()
    doc.metadata["pdf_pages"] = str(len(pdf))


def _read_page(page: pdfium.PdfPage, page_no: int) -> tuple[list[_PageItem], float, bool, bool]:
    """The page's items, its height, whether it has a text layer, and whether that layer is
    glyph numbers rather than text (then no items: the page is for OCR)."""
    from . import _legible
    from ._pdf_geometry import find_grids, page_edges
    from ._pdf_text import group_lines, join_cell_lines, page_chars

    view = _view(page)
    height = view.height
    textpage = page.get_textpage()
    try:
        chars = page_chars(textpage.raw, view)
    finally:
        textpage.close()
    if not chars:
        return [], height, False, False
    if _legible.garbled("".join(c.text for c in chars)):
        return [], height, False, True
    grids = find_grids(page_edges(page.raw, view)) if _may_have_rulings(page) else []
    per_cell: list[list[list[Char]]] = []
    outside: list[Char] = chars
    cell_lines: list[list[list[Line]]] = []
    while grids:
        grids, per_cell, outside = _place_chars(grids, chars)
        cell_lines = [[group_lines(cs) for cs in cell_chars] for cell_chars in per_cell]
        ruled = [not _under_ruled(lines) for lines in cell_lines]
        if all(ruled):
            break
        # read as unruled text, like a table printed without lines (which it mostly is); the
        # characters it held may fall into a grid it covered, checked again
        grids = [g for g, ok in zip(grids, ruled, strict=True) if ok]
        outside, cell_lines = chars, []
    items = [_PageItem(line.top, page_no, line=line) for line in group_lines(outside)]
    for g, lines_of in zip(grids, cell_lines, strict=True):
        cells = [
            TableCell(
                join_cell_lines(lines),
                c.row,
                c.col,
                c.rowspan,
                c.colspan,
                Provenance(page=page_no, bbox=_round(c.bbox)),
            )
            for c, lines in zip(g.cells, lines_of, strict=True)
        ]
        items.append(_PageItem(g.bbox[1], page_no, grid=g, cells=cells))
    items.sort(key=lambda it: it.top)
    return items, height, True, False


_NUMBER_LINE = lazy(r"^[.,，%％\s]*\d[\d.,，%％\s]*$")
_NUMBER_ROW = lazy(r"(?<![\d.])\d+(?:\.\d+)?\s+\d+(?:\.\d+)?\s+\d+(?![\d.])")


def _under_ruled(cells: list[list[Line]]) -> bool:
    """Whether a grid's rulings miss rows or columns: two or more cells holding a column of
    stacked values (three number lines or more) or words above a number (a header over its
    value), or one cell holding a row of three numbers or more. A ruled table has one value per
    cell; a number wrapped in a narrow cell makes two lines."""
    stacked = 0
    for lines in cells:
        texts = [ln.text for ln in lines if ln.text.strip()]
        if any(_NUMBER_ROW.search(t) for t in texts):
            return True
        numbers = [bool(_NUMBER_LINE.match(t)) for t in texts]
        if sum(numbers) >= 3 or (len(numbers) >= 2 and numbers[-1] and not numbers[0]):
            stacked += 1
            if stacked >= 2:
                return True
    return False


def _place_chars(
    grids: list[Grid], chars: list[Char]
) -> tuple[list[Grid], list[list[list[Char]]], list[Char]]:
    """The grids with text in them, the characters of each of their cells, and the characters
    outside every grid. A character belongs to the first grid with a cell at its centre (a hole
    in one grid lets it fall to the next); each list keeps the characters' order.

    Done on arrays: the character centres are tested against each grid's box and found in its
    rulings with one searchsorted per grid.
    """
    import numpy as np

    x0 = np.fromiter((c.x0 for c in chars), dtype=np.float64, count=len(chars))
    x1 = np.fromiter((c.x1 for c in chars), dtype=np.float64, count=len(chars))
    top = np.fromiter((c.top for c in chars), dtype=np.float64, count=len(chars))
    bottom = np.fromiter((c.bottom for c in chars), dtype=np.float64, count=len(chars))
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    # a ruled frame with no text inside (a border, a signature box) is not a table; one of three
    # columns or more is a table printed blank (a row of empty cells printed as a table of its
    # own, its label beside it: without it the label stands alone and the next row's numbers
    # look like its own)
    kept = []
    for g in grids:
        gx0, gtop, gx1, gbottom = g.bbox
        if len(g.xs) >= 4 or ((gx0 < cx) & (cx < gx1) & (gtop < cy) & (cy < gbottom)).any():
            kept.append(g)
    owner = np.full(len(chars), -1)  # grid index of each character
    cell = np.full(len(chars), -1)
    for gi, g in enumerate(kept):
        gx0, gtop, gx1, gbottom = g.bbox
        free = (owner < 0) & (gx0 < cx) & (cx < gx1) & (gtop < cy) & (cy < gbottom)
        if not free.any():
            continue
        where = np.flatnonzero(free)
        cols = np.searchsorted(np.asarray(g.xs), cx[where], side="right") - 1
        rows = np.searchsorted(np.asarray(g.ys), cy[where], side="right") - 1
        found = np.array(
            [g._lookup.get((r, c), -1) for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]
        )
        hit = found >= 0
        owner[where[hit]] = gi
        cell[where[hit]] = found[hit]
    if (owner < 0).any():
        _claim_overflow(kept, x0, x1, top, bottom, owner, cell)
    per_cell: list[list[list[Char]]] = [[[] for _ in g.cells] for g in kept]
    outside: list[Char] = []
    for ch, gi, ci in zip(chars, owner.tolist(), cell.tolist(), strict=True):
        if gi < 0:
            outside.append(ch)
        else:
            per_cell[gi][ci].append(ch)
    return kept, per_cell, outside


def _claim_overflow(
    grids: list[Grid],
    x0: np.ndarray,
    x1: np.ndarray,
    top: np.ndarray,
    bottom: np.ndarray,
    owner: np.ndarray,
    cell: np.ndarray,
) -> None:
    """Give the characters that run out of a cell to that cell: a glyph that starts inside the
    cell with its centre beyond the ruling (a wide glyph box), then, left to right, the glyphs
    touching the cell's last one on its line (a number overflowing a narrow last column). They
    would otherwise be read as text beside the table, the number cut short."""
    import numpy as np

    cy = (top + bottom) / 2
    h = np.maximum(bottom - top, 0.1)
    for gi, g in enumerate(grids):
        gx0, gtop, gx1, gbottom = g.bbox
        band = (owner < 0) & (gtop < cy) & (cy < gbottom)
        starts = np.flatnonzero(band & (gx0 < x0 + 0.5) & (x0 + 0.5 < gx1))
        if starts.size:
            cols = np.searchsorted(np.asarray(g.xs), x0[starts] + 0.5, side="right") - 1
            rows = np.searchsorted(np.asarray(g.ys), cy[starts], side="right") - 1
            for i, r, c in zip(starts.tolist(), rows.tolist(), cols.tolist(), strict=True):
                found = g._lookup.get((r, c), -1)
                if found >= 0:
                    owner[i], cell[i] = gi, found
        beyond = np.flatnonzero(band & (x0 >= gx1 - 0.5) & (x0 < gx1 + 40))
        for i in sorted(beyond.tolist(), key=lambda j: float(x0[j])):
            line = np.flatnonzero(
                (owner == gi) & (np.abs(cy - cy[i]) < 0.3 * h[i]) & (np.abs(x1 - x0[i]) <= 1.0)
            )
            if line.size:
                owner[i], cell[i] = gi, cell[line[0]]


def _may_have_rulings(page: pdfium.PdfPage) -> bool:
    import pypdfium2.raw as pdfium_c

    return pdfium_c.FPDFPage_CountObjects(page.raw) > 0


def _round(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1))


OCR_DPI = 200


def _ocr_wanted() -> bool:
    from . import ocr

    return os.environ.get("NIANBAO_PDF_OCR", "1") != "0" and ocr.available()


def _view(page: pdfium.PdfPage) -> View:
    from ._pdf_text import View

    left, bottom, right, top = page.get_cropbox()  # what is displayed; falls back to the media box
    rotation = page.get_rotation() % 360
    return View(rotation if rotation in (90, 180, 270) else 0, left, bottom, right, top)


def _hidden_text_layer(page: pdfium.PdfPage) -> bool:
    """Whether the page is a picture with an invisible text layer over it (text render mode 3):
    what scanners, ocrmypdf and tesseract write into a "searchable" PDF of a scan."""
    import pypdfium2.raw as pdfium_c

    images = text = hidden = 0
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            text += 1
            hidden += pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
            if text - hidden > 20:
                return False  # printed text: a page of text (stop counting, pages hold thousands)
    return images > 0 and text > 0 and hidden >= 0.95 * text


def _read_pictures(
    page: pdfium.PdfPage, page_no: int, items: list[_PageItem], doc: Document, done: int
) -> int:
    """Add what OCR reads in the page's table-sized pictures to `items` (see `_pdf_pictures`);
    the number of pictures read. Without the OCR extra each such picture is named in a warning."""
    from . import _pdf_pictures, _pictures

    covered = [(it.line.x0, it.line.top, it.line.x1, it.line.bottom) for it in items if it.line is not None]
    covered += [it.grid.bbox for it in items if it.grid is not None]
    view = _view(page)
    boxes = _pdf_pictures.picture_boxes(page, view, covered)
    if not boxes:
        return 0
    if not _ocr_wanted():
        doc.warnings.append(f"第{page_no}页有 {len(boxes)} 张图片（可能是表格的截图），需要 OCR 识别")
        return 0
    room = _pictures.MAX_PICTURES - done
    if len(boxes) > room:
        doc.warnings.append(f"文档中图片过多，第{page_no}页起只识别了前 {_pictures.MAX_PICTURES} 张")
        boxes = boxes[: max(room, 0)]
    try:
        found = _pdf_pictures.recognise(page, page_no, view, boxes, OCR_DPI)
    except Exception as exc:  # a picture OCR cannot take loses that page's pictures, not the document
        doc.warnings.append(f"第{page_no}页的图片无法识别：{exc}")
        return 0
    read = 0
    for _box, blocks in found:
        if blocks:
            items += _ocr_items(blocks, page_no)
            read += 1
    if read:
        items.sort(key=lambda it: it.top)
        doc.metadata["ocr"] = "rapidocr"
        doc.warnings.append(f"第{page_no}页有 {read} 张图片（表格的截图或扫描页），内容由 OCR 识别，请核对")
    return read


def _ocr_items(blocks: list[Block], page_no: int) -> list[_PageItem]:
    from ._pdf_text import Line

    items = []
    for b in blocks:
        x0, top, x1, bottom = b.prov.bbox or (0.0, 0.0, 0.0, 0.0)
        line = Line([], b.text, x0, top, x1, bottom) if isinstance(b, Paragraph) else None
        items.append(_PageItem(top, page_no, line=line, block=b))
    return items


def _page_without_text(
    page: pdfium.PdfPage, page_no: int, doc: Document, garbled: bool = False
) -> list[_PageItem] | None:
    """A page with no text layer, or with one that is glyph numbers (`garbled`): recognise it
    with OCR when the OCR extra is installed.

    Returns the page's items, or None when the page stays unread (with a warning). A page that
    shows nothing at all is blank, not scanned: an empty list and no warning.
    Set NIANBAO_PDF_OCR=0 to skip recognition (the page is then only reported).
    """
    import pypdfium2.raw as pdfium_c

    if not garbled:
        n = pdfium_c.FPDFPage_CountObjects(page.raw)
        kinds = {pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i)) for i in range(n)}
        if not kinds & {
            pdfium_c.FPDF_PAGEOBJ_IMAGE,
            pdfium_c.FPDF_PAGEOBJ_FORM,
            pdfium_c.FPDF_PAGEOBJ_SHADING,
        }:
            return []
    from . import ocr

    if not _ocr_wanted():
        if garbled:
            doc.warnings.append(
                f"第{page_no}页的文字层无法解码（字体缺少字符映射，提取出的是乱码），需要 OCR 识别"
            )
        else:
            doc.warnings.append(f"第{page_no}页没有文字层（可能是扫描件），需要 OCR 识别")
        return None
    image = page.render(scale=OCR_DPI / 72).to_numpy()
    what = "的文字层无法解码" if garbled else "没有文字层"
    try:
        blocks = ocr.ocr_page_image(image, page_no, scale=72 / OCR_DPI)
    except Exception as exc:
        doc.warnings.append(f"第{page_no}页{what}，OCR 识别失败：{exc}")
        return None
    if not blocks:
        doc.warnings.append(f"第{page_no}页{what}{'' if garbled else '（可能是扫描件）'}，OCR 未识别出文字")
        return None
    doc.warnings.append(f"第{page_no}页{what}，内容由 OCR 识别，请核对")
    pages = doc.metadata.get("ocr_pages")
    doc.metadata["ocr_pages"] = f"{pages},{page_no}" if pages else str(page_no)
    return _ocr_items(blocks, page_no)


def _normalise_running(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_page_furniture(pages: list[list[_PageItem]], heights: list[float], doc: Document) -> None:
    """Remove page numbers and running headers/footers (lines in the page margins only)."""

    def in_margin(it: _PageItem, h: float) -> bool:
        return it.line is not None and (it.top < h * MARGIN_TOP or it.line.bottom > h * (1 - MARGIN_BOTTOM))

    page_numbers = 0
    for items, h in zip(pages, heights, strict=True):
        keep = []
        for it in items:
            if in_margin(it, h) and PAGE_NUMBER.match(it.line.text.strip()):  # type: ignore[union-attr]
                page_numbers += 1
            else:
                keep.append(it)
        items[:] = keep
    doc.metadata["page_numbers_removed"] = str(page_numbers)

    running = 0
    text_pages = [i for i, items in enumerate(pages) if items]
    if len(text_pages) >= 3:
        seen: Counter[str] = Counter()
        for i in text_pages:
            seen.update({_normalise_running(it.line.text) for it in pages[i] if in_margin(it, heights[i])})  # type: ignore[union-attr]
        repeated = {t for t, n in seen.items() if n >= len(text_pages) - 1 and t}
        for i in text_pages:
            before = len(pages[i])
            pages[i][:] = [
                it
                for it in pages[i]
                if not (in_margin(it, heights[i]) and _normalise_running(it.line.text) in repeated)  # type: ignore[union-attr]
            ]
            running += before - len(pages[i])
    doc.metadata["running_lines_removed"] = str(running)


def _renumbered(block: Block, table_index: int) -> Block:
    """An OCR table gets its document-wide index (its provenance subclass is kept)."""
    if isinstance(block, Table):
        for c in block.cells:
            c.prov = replace(c.prov, table=table_index)
        block.prov = replace(block.prov, table=table_index)
    return block


def _continues(a: Grid, b: Grid) -> bool:
    """Whether grid b (top of a page) continues grid a (bottom of the page before).

    The outer rulings must line up and one part's column rulings must all occur in the other
    (a continued 表二 may change from four columns to two, but never to different ones).
    """
    from ._pdf_geometry import SNAP

    if abs(a.bbox[0] - b.bbox[0]) > 2 * SNAP or abs(a.bbox[2] - b.bbox[2]) > 2 * SNAP:
        return False

    def within(xs: list[float], ys: list[float]) -> bool:
        return all(any(abs(x - y) <= 2 * SNAP for y in ys) for x in xs)

    return within(b.xs, a.xs) or within(a.xs, b.xs)


def _assemble(pages: list[list[_PageItem]]) -> list[Block]:
    """Turn page items into blocks, stitching tables that run over a page break."""
    blocks: list[Block] = []
    current: list[tuple[Grid, list[TableCell]]] | None = None  # the parts of the table being built

    def flush() -> None:
        nonlocal current
        if current:
            blocks.append(_stitch(current, len([b for b in blocks if isinstance(b, Table)])))
        current = None

    for items in pages:
        for k, it in enumerate(items):
            if it.block is not None:
                flush()
                blocks.append(_renumbered(it.block, len([b for b in blocks if isinstance(b, Table)])))
            elif it.grid is not None:
                if current and k == 0 and _continues(current[-1][0], it.grid):
                    current.append((it.grid, it.cells))
                else:
                    flush()
                    current = [(it.grid, it.cells)]
                if k != len(items) - 1:
                    flush()
            else:
                flush()
                line = it.line
                assert line is not None
                prov = Provenance(page=it.page, bbox=_round((line.x0, line.top, line.x1, line.bottom)))
                blocks.append(Paragraph(line.text, prov))
    flush()
    return blocks


def _stitch(parts: list[tuple[Grid, list[TableCell]]], table_index: int) -> Table:
    """One Table from the per-page parts of a table, columns aligned on the union of rulings."""
    from ._pdf_geometry import SNAP

    xs: list[float] = []
    for g, _ in parts:
        for x in g.xs:
            if not any(abs(x - v) <= SNAP for v in xs):
                xs.append(x)
    xs.sort()

    def col_of(x: float) -> int:
        """The index of the nearest ruling, the first of equally near ones (as
        min(range(len(xs)), key=lambda i: abs(xs[i] - x)) gives it), by bisection."""
        if x != x:  # NaN: no distance is smaller than another
            return 0
        i = bisect_left(xs, x)
        best = i if i < len(xs) else len(xs) - 1
        if i > 0 and (i == len(xs) or not abs(xs[i] - x) < abs(xs[i - 1] - x)):
            best = i - 1
        d = abs(xs[best] - x)
        while best > 0 and abs(xs[best - 1] - x) == d:  # rounding ties further left
            best -= 1
        return best

    cells: list[TableCell] = []
    row_offset = 0
    open_tail: list[TableCell] = []  # cells of the previous part that touch its bottom
    c_open: dict[int, bool] = {}

    def _same_cell(a: TableCell, b: TableCell, b_open_top: bool) -> bool:
        if (a.col, a.colspan) != (b.col, b.colspan):
            return False
        if c_open.get(id(a)) and b_open_top:  # no ruling on either side of the break
            return a.rowspan > 1 or b.rowspan > 1
        if not b.text:  # a spanning label whose text was all printed before the break
            return b.rowspan > 1 and bool(a.text)
        # a label whose text the break cut in two ("（四）无" | "法提供"); a new label starts
        # with its own enumeration, a number is data
        return (
            (a.rowspan > 1 or b.rowspan > 1)
            and bool(a.text)
            and not _STARTS_ITEM.match(b.text)
            and not _NUMBER.match(a.text)
        )

    for g, part_cells in parts:
        for c in part_cells:
            x0, _, x1, _ = c.prov.bbox  # type: ignore[misc]
            col, end = col_of(x0), col_of(x1)
            cell = TableCell(c.text, c.row + row_offset, col, c.rowspan, max(end - col, 1), c.prov)
            target = None
            if c.row == 0:
                target = next((p for p in open_tail if _same_cell(p, cell, g.open_top)), None)
            if target is not None:
                # one physical cell cut by the page break (a row label spanning several rows)
                target.text = _join_text(target.text, cell.text)
                target.rowspan += cell.rowspan
            else:
                cells.append(cell)
        row_offset += len(g.ys) - 1
        open_tail = [c for c in cells if c.row + c.rowspan == row_offset]
        for c in open_tail:
            c_open[id(c)] = g.open_bottom
    for c in cells:
        c.prov = Provenance(page=c.prov.page, bbox=c.prov.bbox, table=table_index, row=c.row, col=c.col)
    first = parts[0][0]
    return Table(
        cells,
        Provenance(
            page=parts[0][1][0].prov.page if parts[0][1] else None, bbox=_round(first.bbox), table=table_index
        ),
    )


def _join_text(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b
