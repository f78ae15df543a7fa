"""Small PDFs drawn with PDFium's page-object API, for the PDF reader's edge-case tests."""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

W, H = 595.0, 842.0


class PageDrawer:
    """Draw on one page with top-down coordinates, like the reader reports them."""

    def __init__(self, pdf: pdfium.PdfDocument, page: pdfium.PdfPage) -> None:
        self.pdf, self.page = pdf, page

    def text(self, x: float, top: float, s: str, size: float = 11) -> None:
        obj = pdfium_c.FPDFPageObj_NewTextObj(self.pdf.raw, b"Helvetica", ctypes.c_float(size))
        buf = (s + "\0").encode("utf-16-le")
        wide = ctypes.create_string_buffer(buf, len(buf))
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, H - top - size)
        pdfium_c.FPDFPage_InsertObject(self.page.raw, obj)

    def line(self, x0: float, top0: float, x1: float, top1: float, width: float = 0.5) -> None:
        path = pdfium_c.FPDFPageObj_CreateNewPath(x0, H - top0)
        pdfium_c.FPDFPath_LineTo(path, x1, H - top1)
        pdfium_c.FPDFPath_SetDrawMode(path, 0, True)
        pdfium_c.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
        pdfium_c.FPDFPageObj_SetStrokeWidth(path, width)
        pdfium_c.FPDFPage_InsertObject(self.page.raw, path)

    def white_box(self, x0: float, top: float, x1: float, bottom: float) -> None:
        """A white filled rectangle, as WPS puts behind paragraphs: invisible, not a ruling."""
        path = pdfium_c.FPDFPageObj_CreateNewRect(x0, H - bottom, x1 - x0, bottom - top)
        pdfium_c.FPDFPath_SetDrawMode(path, pdfium_c.FPDF_FILLMODE_ALTERNATE, False)
        pdfium_c.FPDFPageObj_SetFillColor(path, 255, 255, 255, 255)
        pdfium_c.FPDFPage_InsertObject(self.page.raw, path)

    def grid(self, xs: list[float], ys: list[float], skip: set[tuple[str, int, int]] = frozenset()) -> None:
        """Rulings of a full grid; skip ("v", i, row) drops vertical i inside row, ("h", j, col) likewise."""
        for j, y in enumerate(ys):
            for c in range(len(xs) - 1):
                if ("h", j, c) not in skip:
                    self.line(xs[c], y, xs[c + 1], y)
        for i, x in enumerate(xs):
            for r in range(len(ys) - 1):
                if ("v", i, r) not in skip:
                    self.line(x, ys[r], x, ys[r + 1])

    def image(self, x: float, top: float, w: float, h: float) -> None:
        bitmap = pdfium.PdfBitmap.new_native(40, 40, pdfium_c.FPDFBitmap_BGR)
        bitmap.fill_rect((90, 90, 90, 255), 0, 0, 40, 40)
        img = pdfium.PdfImage.new(self.pdf)
        img.set_bitmap(bitmap)
        img.set_matrix(pdfium.PdfMatrix().scale(w, h).translate(x, H - top - h))
        self.page.insert_obj(img)


def make_pdf(*pages, metadata: bool = False) -> bytes:
    """Each argument draws one page: a callable taking a PageDrawer."""
    pdf = pdfium.PdfDocument.new()
    for draw in pages:
        page = pdf.new_page(W, H)
        draw(PageDrawer(pdf, page))
        page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def scanned_copy(data: bytes, scale: float = 2.0, layer: str | None = None) -> bytes:
    """The same pages as images only, the way a scanner would produce them; with `layer`, under
    an invisible text layer (text render mode 3) holding that text, as scanners, ocrmypdf and
    `tesseract … pdf` write a "searchable" PDF (the layer a recognition result of its own, here as
    wrong as one likes)."""
    src = pdfium.PdfDocument(data)
    pdf = pdfium.PdfDocument.new()
    for page in src:
        w, h = page.get_size()
        bitmap = page.render(scale=scale)
        out_page = pdf.new_page(w, h)
        img = pdfium.PdfImage.new(pdf)
        img.set_bitmap(bitmap)
        img.set_matrix(pdfium.PdfMatrix().scale(w, h))
        out_page.insert_obj(img)
        if layer is not None:
            drawer = PageDrawer(pdf, out_page)
            for k, line in enumerate(layer.splitlines()):
                drawer.text(40, 60 + 14 * k, line)
            for i in range(pdfium_c.FPDFPage_CountObjects(out_page.raw)):
                obj = pdfium_c.FPDFPage_GetObject(out_page.raw, i)
                if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT:
                    pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
        out_page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def searchable_copy(data: bytes, layer: str, scale: float = 2.0) -> bytes:
    """A scan with an invisible text layer over each page image: `scanned_copy` with `layer`."""
    return scanned_copy(data, scale, layer)


def corpus_page(name: str, text: str) -> tuple[pdfium.PdfDocument, int]:
    """A labelled PDF of the shared corpus and the index of its last page printing `text`
    (spaces ignored); the test is skipped when the corpus is not there."""
    import pytest

    from nianbao.testing import corpus_dir

    path = corpus_dir() / "pdf" / f"{name}.pdf"
    if not path.exists():
        pytest.skip("corpus not available")
    src = pdfium.PdfDocument(path.read_bytes())
    hits = [i for i in range(len(src)) if text in src[i].get_textpage().get_text_range().replace(" ", "")]
    assert hits, text
    return src, hits[-1]


def rotated_copy(data: bytes, rotation: int) -> bytes:
    """The same pages, displayed the same, but stored sideways under a /Rotate entry.

    Scanners and some exporters write landscape or upside-down content plus /Rotate; a reader
    that ignores /Rotate gets the layout wrong. Needs pypdf (a test dependency).
    """
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        # user-space point of each displayed point, for a page displayed after a clockwise turn
        matrix = {
            90: (0, 1, -1, 0, h, 0),
            180: (-1, 0, 0, -1, w, h),
            270: (0, -1, 1, 0, 0, w),
        }[rotation]
        page.add_transformation(pypdf.Transformation(matrix))
        if rotation in (90, 270):
            page.mediabox = pypdf.generic.RectangleObject((0, 0, h, w))
        page.cropbox = page.mediabox
        page.rotation = rotation
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
