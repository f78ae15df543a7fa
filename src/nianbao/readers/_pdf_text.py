"""Characters and visual lines from PDFium's text layer.

Per character: its code point, its ink box, and its loose (font-based) box, preferred when sane:
punctuation and 一 then get the full line height, so line grouping does not depend on glyph shapes.
"""

from __future__ import annotations

import ctypes
import itertools
import typing
from dataclasses import dataclass

import numpy as np
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
    """Visible characters of a page in content order, with top-down boxes; whitespace dropped.

    The boxes are fetched in bulk: PDFium has no call for many boxes at once, so each one is a
    call straight to the function's address writing into a numpy array (no ctypes objects per
    character), and the geometry is then computed on whole arrays.
    """
    n = pdfium_c.FPDFText_CountChars(textpage_raw)
    if n <= 0:
        return []
    codes = _all_codes(textpage_raw, n)
    if codes is None:
        codes = [pdfium_c.FPDFText_GetUnicode(textpage_raw, i) for i in range(n)]
    # which characters are kept, and which kept one a space follows (PDF spaces are unreliable:
    # spacing is recomputed from geometry, but a space in the PDF is remembered on the character
    # before it)
    keep: list[int] = []
    for i, code in enumerate(codes):
        if code in _SPACES or code < 0x20 or 0xD800 <= code <= 0xDFFF:
            continue
        keep.append(i)
    if not keep:
        return []
    m = len(keep)
    tight = np.zeros((m, 4))  # left, right, bottom, top: FPDFText_GetCharBox's order
    loose = np.zeros((m, 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
    page = ctypes.cast(textpage_raw, ctypes.c_void_p).value
    t0, l0 = tight.ctypes.data, loose.ctypes.data
    pages = itertools.repeat(page, m)
    got = np.fromiter(
        map(
            _GET_CHAR_BOX,
            pages,
            keep,
            range(t0, t0 + 32 * m, 32),
            range(t0 + 8, t0 + 32 * m, 32),
            range(t0 + 16, t0 + 32 * m, 32),
            range(t0 + 24, t0 + 32 * m, 32),
        ),
        dtype=np.int32,
        count=m,
    )
    ok = np.fromiter(
        map(_GET_LOOSE_CHAR_BOX, itertools.repeat(page, m), keep, range(l0, l0 + 16 * m, 16)),
        dtype=np.int32,
        count=m,
    )
    present = got != 0  # a character PDFium has no box for is skipped
    # the space flag goes to the last character kept before the space (with a box)
    space_after = np.zeros(m, dtype=bool)
    index_of = {i: k for k, i in enumerate(keep)}
    last = -1
    for i, code in enumerate(codes):
        k = index_of.get(i)
        if k is not None:
            if present[k]:
                last = k
        elif code in (0x20, 0xA0, 0x3000) and last >= 0:
            space_after[last] = True
    if not present.all():
        sel = np.flatnonzero(present)
        tight, loose, ok, space_after = tight[sel], loose[sel], ok[sel], space_after[sel]
        keep = [keep[k] for k in sel.tolist()]
    if not keep:
        return []
    ok = ok != 0
    x0, x1, y0, y1 = tight[:, 0], tight[:, 1], tight[:, 2], tight[:, 3]
    loose64 = loose.astype(np.float64)
    lx0, ly1, lx1, ly0 = loose64[:, 0], loose64[:, 1], loose64[:, 2], loose64[:, 3]
    sizes = _max(lx1 - lx0, ly1 - ly0)[ok]
    if sizes.size and not np.isnan(sizes).any():
        typical = float(np.sort(sizes)[sizes.size // 2])
    elif sizes.size:  # NaN boxes: the order Python's sort gives them
        ordered = sorted(sizes.tolist())
        typical = ordered[len(ordered) // 2]
    else:
        typical = 12.0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    sx0, stop, sx1, sbottom = _view_box(view, lx0, ly0, lx1, ly1)
    use_loose = (
        ok
        & (lx1 - lx0 <= 2 * typical)
        & (ly1 - ly0 <= 2 * typical)
        & (lx0 <= cx)
        & (cx <= lx1)
        & (ly0 <= cy)
        & (cy <= ly1)
        & (sbottom - stop >= 0.5 * typical)
    )
    # PDFium's loose box is nonsense for some glyphs (WPS vertical labels), or as flat as the
    # ink of 一 (Chromium's fonts): fall back to the ink box, stretched to the typical line
    # height around its centre, so the glyph stays on its line
    vx0, vtop, vx1, vbottom = _view_box(view, x0, y0, x1, y1)
    mid = (vtop + vbottom) / 2
    half = _max(vbottom - vtop, np.float64(typical)) / 2
    out_x0 = np.where(use_loose, sx0, vx0).tolist()
    out_top = np.where(use_loose, stop, mid - half).tolist()
    out_x1 = np.where(use_loose, sx1, vx1).tolist()
    out_bottom = np.where(use_loose, sbottom, mid + half).tolist()
    texts = [chr(codes[i]) for i in keep]
    return list(map(Char, texts, out_x0, out_top, out_x1, out_bottom, space_after.tolist()))


def _max(a: np.ndarray, b: np.ndarray | np.float64) -> np.ndarray:
    """Python's max(a, b) elementwise: b only where b > a (the first wins ties, signed zeros
    and NaN included, as in the per-character code this replaces)."""
    return np.where(b > a, b, a)


def _min(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(b < a, b, a)


def _view_box(
    view: View, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`View.box` on arrays."""
    ax, ay = _view_point(view, x0, y0)
    bx, by = _view_point(view, x1, y1)
    return _min(ax, bx), _min(ay, by), _max(ax, bx), _max(ay, by)


def _view_point(view: View, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = view.rotation
    if r == 0:
        return x - view.left, view.top - y
    if r == 90:
        return y - view.bottom, x - view.left
    if r == 180:
        return view.right - x, y - view.bottom
    return view.top - y, view.right - x


def _address_call(func, *argtypes):
    """`func` called through its address with plain pointer arguments: no ctypes conversion
    of pointer objects per call."""
    return ctypes.CFUNCTYPE(ctypes.c_int, *argtypes)(
        typing.cast(int, ctypes.cast(func, ctypes.c_void_p).value)
    )


_P, _I = ctypes.c_void_p, ctypes.c_int
_GET_CHAR_BOX = _address_call(pdfium_c.FPDFText_GetCharBox, _P, _I, _P, _P, _P, _P)
_GET_LOOSE_CHAR_BOX = _address_call(pdfium_c.FPDFText_GetLooseCharBox, _P, _I, _P)
_GET_TEXT = _address_call(pdfium_c.FPDFText_GetText, _P, _I, _I, _P)


def _tall_enough(shown: tuple[float, float, float, float], typical: float) -> bool:
    """At least half a line high as displayed (top-down, rotation applied)."""
    return shown[3] - shown[1] >= 0.5 * typical


def _all_codes(textpage_raw, n: int) -> list[int] | None:
    """All code points in one call; None when the UTF-16 text does not align with char indices."""
    if n <= 0:
        return []
    buf = np.zeros(n + 1, dtype=np.uint16)
    got = _GET_TEXT(ctypes.cast(textpage_raw, ctypes.c_void_p).value, 0, n, buf.ctypes.data)
    if got != n + 1:
        return None
    units = buf[:n]
    if ((units >= 0xD800) & (units <= 0xDFFF)).any():
        return None  # astral characters take two units: index by index is then the safe way
    return units.tolist()


def group_lines(chars: list[Char]) -> list[Line]:
    """Cluster characters into visual lines (top to bottom), each sorted left to right.

    A character joins the line above it when its centre falls in the band of the line's first
    character (shrunk so touching lines stay apart) or it overlaps the line's full extent by most
    of its height. Written out with plain comparisons (min(a, b) is `b if b < a else a`): this
    runs once per table cell and page, over every character.
    """
    lines: list[list[Char]] = []
    current: list[Char] = []
    band_top = band_bottom = full_top = full_bottom = 0.0
    for ch in sorted(chars, key=_centre_y):
        top, bottom = ch.top, ch.bottom
        if current:
            h = bottom - top
            if 0.1 > h:
                h = 0.1
            lo = full_bottom if full_bottom < bottom else bottom  # min(bottom, full_bottom)
            hi = full_top if full_top > top else top  # max(top, full_top)
            cy = (top + bottom) / 2
            if band_top <= cy <= band_bottom or lo - hi >= 0.6 * h:
                current.append(ch)
                if top < full_top:
                    full_top = top
                if bottom > full_bottom:
                    full_bottom = bottom
                continue
        current = [ch]
        lines.append(current)
        h = bottom - top
        if h > 0:
            band_top, band_bottom = top + 0.15 * h, bottom - 0.15 * h
        else:
            band_top, band_bottom = top - 1, bottom + 1
        full_top, full_bottom = top, bottom
    return [_make_line(sorted(cs, key=_left) if len(cs) > 1 else cs) for cs in lines]


def _centre_y(c: Char) -> float:
    return (c.top + c.bottom) / 2


def _left(c: Char) -> float:
    return c.x0


def _make_line(chars: list[Char]) -> Line:
    kept: list[Char] = []
    parts: list[str] = []
    prev: Char | None = None
    x0 = top = x1 = bottom = 0.0
    for ch in chars:
        text = ch.text
        if prev is None:
            x0, top, x1, bottom = ch.x0, ch.top, ch.x1, ch.bottom
        else:
            if text == prev.text and abs(ch.x0 - prev.x0) < 1.0 and abs(ch.top - prev.top) < 1.0:
                continue  # fake bold: the same glyph painted twice, slightly offset
            height = ch.bottom - ch.top
            if 1.0 > height:
                height = 1.0
            gap = ch.x0 - prev.x1
            if gap > 1.5 * height:
                parts.append("  ")  # a wide gap: unruled columns stay visibly apart
            elif gap > 0.35 * height and (prev.text.isascii() or text.isascii()):
                parts.append(" ")  # a word space next to Latin text or digits
            elif prev.space_after and gap > -0.1 * height and prev.text.isascii() and text.isascii():
                parts.append(" ")  # the PDF's own space between Latin words ("2023 年" stays "2023年")
            # the line's box: min()/max() over the kept characters, first one winning ties
            if ch.x0 < x0:
                x0 = ch.x0
            if ch.top < top:
                top = ch.top
            if ch.x1 > x1:
                x1 = ch.x1
            if ch.bottom > bottom:
                bottom = ch.bottom
        kept.append(ch)
        parts.append(text)
        prev = ch
    return Line(kept, "".join(parts), x0, top, x1, bottom)


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
