"""Characters and visual lines from PDFium's text layer.

Per character: its code point, its ink box, and its loose (font-based) box, preferred when sane:
punctuation and 一 then get the full line height, so line grouping does not depend on glyph shapes.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

_SPACES = {0x20, 0x3000, 0xA0, 0x0D, 0x0A, 0x09, 0xFFFE, 0x00}


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    space_after: bool = False  # the PDF has a space character after this one

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Line:
    chars: list[Char]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class View:
    """Maps PDF user space (y up) to the page as displayed: top-down, /Rotate applied."""

    rotation: int  # clockwise degrees: 0, 90, 180, 270
    left: float
    bottom: float
    right: float
    top: float

    @property
    def height(self) -> float:
        return self.right - self.left if self.rotation in (90, 270) else self.top - self.bottom

    def point(self, x: float, y: float) -> tuple[float, float]:
        r = self.rotation
        if r == 0:
            return x - self.left, self.top - y
        if r == 90:
            return y - self.bottom, x - self.left
        if r == 180:
            return self.right - x, y - self.bottom
        return self.top - y, self.right - x

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """(x0, bottom, x1, top) in user space → (x0, top, x1, bottom) as displayed."""
        ax, ay = self.point(x0, y0)
        bx, by = self.point(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def page_chars(textpage_raw, view: View) -> list[Char]:
    """Visible characters of a page in content order, with top-down boxes; whitespace dropped."""
    n = pdfium_c.FPDFText_CountChars(textpage_raw)
    rect = pdfium_c.FS_RECTF()
    prect = ctypes.byref(rect)
    l, r, b, t = (ctypes.c_double() for _ in range(4))
    pl, pr, pb, pt = (ctypes.byref(v) for v in (l, r, b, t))
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_loose = pdfium_c.FPDFText_GetLooseCharBox
    get_tight = pdfium_c.FPDFText_GetCharBox
    raw: list[tuple[str, float, float, float, float, float, float, float, float, bool, list[bool]]] = []
    codes = _all_codes(textpage_raw, n)
    for i in range(n):
        code = codes[i] if codes is not None else get_unicode(textpage_raw, i)
        if code in _SPACES or code < 0x20:
            if code in (0x20, 0xA0, 0x3000) and raw:
                raw[-1][10][0] = True
            continue  # spacing is recomputed from geometry: PDF spaces are unreliable
        if 0xD800 <= code <= 0xDFFF:
            continue  # a lone surrogate half: rare, and not text a report depends on
        if not get_tight(textpage_raw, i, pl, pr, pb, pt):
            continue
        ok = bool(get_loose(textpage_raw, i, prect))
        raw.append(
            (
                chr(code),
                l.value,
                b.value,
                r.value,
                t.value,
                rect.left,
                rect.bottom,
                rect.right,
                rect.top,
                ok,
                [False],
            )
        )
    sizes = sorted(max(e[7] - e[5], e[8] - e[6]) for e in raw if e[9])
    typical = sizes[len(sizes) // 2] if sizes else 12.0
    box = view.box
    out: list[Char] = []
    for text, x0, y0, x1, y1, lx0, ly0, lx1, ly1, ok, space in raw:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if (
            ok
            and lx1 - lx0 <= 2 * typical
            and ly1 - ly0 <= 2 * typical
            and lx0 <= cx <= lx1
            and ly0 <= cy <= ly1
            and _tall_enough(shown := box(lx0, ly0, lx1, ly1), typical)
        ):
            out.append(Char(text, *shown, space[0]))
        else:
            # PDFium's loose box is nonsense for some glyphs (WPS vertical labels), or as flat as
            # the ink of 一 (Chromium's fonts): fall back to the ink box, stretched to the typical
            # line height around its centre, so the glyph stays on its line
            vx0, vtop, vx1, vbottom = box(x0, y0, x1, y1)
            mid = (vtop + vbottom) / 2
            half = max(vbottom - vtop, typical) / 2
            out.append(Char(text, vx0, mid - half, vx1, mid + half, space[0]))
    return out


def _tall_enough(shown: tuple[float, float, float, float], typical: float) -> bool:
    """At least half a line high as displayed (top-down, rotation applied)."""
    return shown[3] - shown[1] >= 0.5 * typical


def _all_codes(textpage_raw, n: int) -> list[int] | None:
    """All code points in one call; None when the UTF-16 text does not align with char indices."""
    if n <= 0:
        return []
    buf = ctypes.create_string_buffer((n + 1) * 2)
    got = pdfium_c.FPDFText_GetText(textpage_raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    if got != n + 1:
        return None
    units = memoryview(buf.raw[: 2 * n]).cast("H")
    if any(0xD800 <= u <= 0xDFFF for u in units):
        return None  # astral characters take two units: index by index is then the safe way
    return list(units)


def group_lines(chars: list[Char]) -> list[Line]:
    """Cluster characters into visual lines (top to bottom), each sorted left to right."""
    lines: list[list[Char]] = []
    bands: list[tuple[float, float]] = []  # the first char's box, shrunk so touching lines stay apart
    boxes: list[tuple[float, float]] = []  # the full vertical extent of the line so far
    for ch in sorted(chars, key=lambda c: c.cy):
        if lines:
            top, bottom = bands[-1]
            full_top, full_bottom = boxes[-1]
            h = max(ch.bottom - ch.top, 0.1)
            overlap = min(ch.bottom, full_bottom) - max(ch.top, full_top)
            # small glyphs with a tight box (a comma sitting low) join by overlap
            if top <= ch.cy <= bottom or overlap >= 0.6 * h:
                lines[-1].append(ch)
                boxes[-1] = (min(full_top, ch.top), max(full_bottom, ch.bottom))
                continue
        lines.append([ch])
        h = ch.bottom - ch.top
        bands.append((ch.top + 0.15 * h, ch.bottom - 0.15 * h) if h > 0 else (ch.top - 1, ch.bottom + 1))
        boxes.append((ch.top, ch.bottom))
    return [_make_line(sorted(cs, key=lambda c: c.x0)) for cs in lines]


def _make_line(chars: list[Char]) -> Line:
    kept: list[Char] = []
    parts: list[str] = []
    for ch in chars:
        if kept:
            prev = kept[-1]
            if ch.text == prev.text and abs(ch.x0 - prev.x0) < 1.0 and abs(ch.top - prev.top) < 1.0:
                continue  # fake bold: the same glyph painted twice, slightly offset
            height = max(ch.bottom - ch.top, 1.0)
            gap = ch.x0 - prev.x1
            if gap > 1.5 * height:
                parts.append("  ")  # a wide gap: unruled columns stay visibly apart
            elif gap > 0.35 * height and (prev.text.isascii() or ch.text.isascii()):
                parts.append(" ")  # a word space next to Latin text or digits
            elif prev.space_after and gap > -0.1 * height and prev.text.isascii() and ch.text.isascii():
                parts.append(" ")  # the PDF's own space between Latin words ("2023 年" stays "2023年")
        kept.append(ch)
        parts.append(ch.text)
    return Line(
        kept,
        "".join(parts),
        min(c.x0 for c in kept),
        min(c.top for c in kept),
        max(c.x1 for c in kept),
        max(c.bottom for c in kept),
    )


def join_cell_lines(lines: list[Line]) -> str:
    """The text of a table cell: its visual lines joined.

    Lines inside a cell are soft wraps (or a label set one character per line), so Chinese is
    joined without a separator; a space is kept between two Latin runs, and a line break between
    two digit runs (a number wrapped in a narrow cell, 293 / 2, is one number: the extractor
    decides, and must not confuse it with two numbers printed side by side).
    """
    out = ""
    for line in lines:
        t = line.text.strip()
        if not t:
            continue
        if out and out[-1].isdigit() and t[0].isdigit():
            out += "\n"
        elif out and out[-1].isascii() and out[-1].isalnum() and t[0].isascii() and t[0].isalnum():
            out += " "
        out += t
    return out
