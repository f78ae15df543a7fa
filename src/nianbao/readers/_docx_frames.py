"""Word files made of positioned text frames: a PDF opened in LibreOffice and saved as .docx.

LibreOffice's PDF import draws every run of the page as a text box anchored to one paragraph,
at the PDF's coordinates, in drawing order — a table's numbers may come before their row's
label. Read in document order the boxes are shuffled text; laid out by their coordinates they
are the page again. Each page becomes lines of text, every box set at the character column of
its left edge (a column is half an em of the box's font: a digit's width, half a CJK
character's), so the extractor reads them as any text laid out by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..document import display_width

if TYPE_CHECKING:
    import lxml.etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
_EMU_PER_HALF_POINT = 6350  # w:sz is in half-points; 12,700 EMU a point
_MIN_FRAMES = 20  # fewer positioned boxes are a document's own text boxes, not a page drawn
_NEW_PAGE = 5_000_000  # EMU (14 cm): a box this far above the page's lowest one starts a page
_SAME_LINE = 0.5  # boxes whose tops differ by less than this share of their height share a line


@dataclass(frozen=True)
class _Frame:
    top: int  # EMU from the anchor paragraph
    left: int
    height: int
    text: str
    half_points: int  # font size of the box's first run


def _frames(body: lxml.etree._Element) -> list[_Frame]:
    out = []
    for anchor in body.iter(_WP + "anchor"):
        h = anchor.find(f"{_WP}positionH/{_WP}posOffset")
        v = anchor.find(f"{_WP}positionV/{_WP}posOffset")
        box = next(anchor.iter(_WPS + "txbx"), None)
        if h is None or v is None or box is None:
            continue
        text = "".join(t.text or "" for t in box.iter(_W + "t"))
        if not text.strip():
            continue
        size = next(box.iter(_W + "sz"), None)
        ext = anchor.find(_WP + "extent")
        try:
            frame = _Frame(
                int(v.text or 0),
                int(h.text or 0),
                int(ext.get("cy", "0")) if ext is not None else 0,
                text,
                int(size.get(_W + "val", "24")) if size is not None else 24,
            )
        except ValueError:
            continue
        out.append(frame)
    return out


def _chars(el: lxml.etree._Element) -> int:
    return sum(len(t.text or "") for t in el.iter(_W + "t"))


def _ordinary_chars(body: lxml.etree._Element) -> int:
    """Characters of the text outside text boxes."""
    return max(0, _chars(body) - sum(_chars(box) for box in body.iter(_W + "txbxContent")))


def positioned_lines(body: lxml.etree._Element) -> list[str] | None:
    """The pages of a document drawn as positioned text boxes, as lines laid out by position;
    None when the document is not one (its text is mostly outside boxes, or in a few)."""
    frames = _frames(body)
    framed = sum(len(f.text) for f in frames)
    if len(frames) < _MIN_FRAMES or framed < 4 * _ordinary_chars(body):
        return None
    pages: list[list[_Frame]] = []
    lowest = 0
    for f in frames:
        if not pages or f.top < lowest - _NEW_PAGE:
            pages.append([])
            lowest = 0
        pages[-1].append(f)
        lowest = max(lowest, f.top)
    lines: list[str] = []
    for page in pages:
        rows: list[tuple[int, int, list[_Frame]]] = []  # top, height, frames
        for f in sorted(page, key=lambda f: (f.top, f.left)):
            if rows and abs(f.top - rows[-1][0]) < _SAME_LINE * max(f.height, rows[-1][1], 1):
                rows[-1][2].append(f)
            else:
                rows.append((f.top, f.height, [f]))
        for _, _, row in rows:
            line, width = "", 0
            for f in sorted(row, key=lambda f: f.left):
                col = round(f.left / (max(f.half_points, 1) * _EMU_PER_HALF_POINT / 2))
                gap = col - width if width < col else (2 if line else 0)
                line += " " * gap + f.text
                width += gap + display_width(f.text)
            lines.append(line.rstrip())
        lines.append("")
    return lines
