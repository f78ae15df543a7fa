"""Ruled-table geometry for the PDF reader.

The ruling lines are read straight from PDFium's page objects (fast), and the cell finding is
pdfplumber's own lattice algorithm (`merge_edges` → intersections → cells → tables), fed with those
edges instead of pdfplumber's pdfminer-parsed page, which is what makes pdfplumber slow.

Only *visible* rulings count: WPS puts white filled rectangles behind paragraphs and table cells,
and taking those as rulings invents one-column "tables" over body text. A table cut by a page break
has vertical rulings running to the page edge with no closing line; a synthetic closing line is
added there and the side is reported as open so the reader can stitch the parts back together.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_right
from dataclasses import dataclass, field

import pypdfium2.raw as pdfium_c

from ._pdf_text import View

SNAP = 3.0  # rulings closer than this (points) are one line: double lines, thin filled rects
MIN_EDGE = 3.0
WHITE = 245  # a colour whose channels are all above this is invisible on paper


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom (top-down page coordinates)


@dataclass
class Grid:
    """One ruled table on one page."""

    bbox: tuple[float, float, float, float]
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    cells: list[GridCell]
    open_top: bool = False  # no ruling closes the table at the top: continued from the page before
    open_bottom: bool = False  # … at the bottom: continues on the next page
    _lookup: dict[tuple[int, int], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for i, c in enumerate(self.cells):
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    self._lookup[(r, k)] = i

    def cell_at(self, x: float, y: float) -> int | None:
        """Index of the cell containing the point, or None (outside, or a hole in the grid)."""
        x0, top, x1, bottom = self.bbox
        if not (x0 < x < x1 and top < y < bottom):
            return None
        col = bisect_right(self.xs, x) - 1
        row = bisect_right(self.ys, y) - 1
        return self._lookup.get((row, col))


def _color_visible(get_color, obj) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not get_color(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return True  # unknown colour: assume ink
    return a.value > 0 and min(r.value, g.value, b.value) <= WHITE


def _matrix(obj) -> tuple[float, float, float, float, float, float]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple, outer: tuple) -> tuple:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_segments(obj, ctm: tuple) -> list[tuple[float, float, float, float]]:
    """The straight pieces of a path in page space, as (x0, y0, x1, y1)."""
    a, b, c, d, e, f = ctm
    n = pdfium_c.FPDFPath_CountSegments(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    out = []
    start = prev = None
    for i in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, px, py)
        pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = pt
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
            out.append((prev[0], prev[1], pt[0], pt[1]))
        # Bézier pieces (rounded corners) are not rulings
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None and pt != start:
            out.append((pt[0], pt[1], start[0], start[1]))
        prev = pt
    return out


def _collect_paths(container, count_fn, get_fn, ctm: tuple, out: list, depth: int = 0) -> None:
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    for i in range(count_fn(container)):
        obj = get_fn(container, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
            visible = (stroke.value and _color_visible(pdfium_c.FPDFPageObj_GetStrokeColor, obj)) or (
                fill_mode.value and _color_visible(pdfium_c.FPDFPageObj_GetFillColor, obj)
            )
            if visible:
                out.extend(_path_segments(obj, _compose(_matrix(obj), ctm)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            _collect_paths(
                obj,
                pdfium_c.FPDFFormObj_CountObjects,
                pdfium_c.FPDFFormObj_GetObject,
                _compose(_matrix(obj), ctm),
                out,
                depth + 1,
            )


def page_edges(page_raw, view: View) -> list[dict]:
    """Horizontal and vertical ruling edges of a page as displayed, in pdfplumber's edge format."""
    segments: list[tuple[float, float, float, float]] = []
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    _collect_paths(page_raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, identity, segments)
    edges = []
    for ux0, uy0, ux1, uy1 in segments:
        x0, y0 = view.point(ux0, uy0)
        x1, y1 = view.point(ux1, uy1)
        if abs(y0 - y1) <= 1.0 and abs(x1 - x0) >= MIN_EDGE:
            y = (y0 + y1) / 2
            edges.append(_edge("h", min(x0, x1), y, max(x0, x1), y))
        elif abs(x0 - x1) <= 1.0 and abs(y1 - y0) >= MIN_EDGE:
            x = (x0 + x1) / 2
            edges.append(_edge("v", x, min(y0, y1), x, max(y0, y1)))
    return edges


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    return {
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "object_type": "line",
    }


def _close_open_ends(edges: list[dict]) -> tuple[list[dict], list[float], list[float]]:
    """Add a closing line where several verticals end together with no horizontal ruling there.

    Returns the edges plus the y of the synthetic top and bottom lines (the open sides).
    """
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    added: list[dict] = []
    opened: dict[str, list[float]] = {"top": [], "bottom": []}
    for end in ("top", "bottom"):
        ordered = sorted(verticals, key=lambda e: e[end])
        groups: list[list[dict]] = []
        for e in ordered:
            if groups and e[end] - groups[-1][-1][end] <= SNAP:
                groups[-1].append(e)
            else:
                groups.append([e])
        for group in groups:
            if len(group) < 2:
                continue
            y = sum(e[end] for e in group) / len(group)
            x0 = min(e["x0"] for e in group)
            x1 = max(e["x0"] for e in group)
            covered = any(
                abs(h["top"] - y) <= SNAP and h["x0"] <= x0 + SNAP and h["x1"] >= x1 - SNAP
                for h in horizontals
            )
            if not covered:
                added.append(_edge("h", x0, y, x1, y))
                opened[end].append(y)
    return edges + added, opened["top"], opened["bottom"]


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    i = bisect_right(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds) or v - bounds[i - 1] <= bounds[i] - v:
        return i - 1
    return i


def _intersections_to_cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's smallest-cell search, with edge identity kept as sets of ints (much faster)."""
    v_ids = {pt: {id(e) for e in d["v"]} for pt, d in intersections.items()}
    h_ids = {pt: {id(e) for e in d["h"]} for pt, d in intersections.items()}
    by_x: dict[float, list[float]] = {}
    by_y: dict[float, list[float]] = {}
    for x, y in intersections:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    for v in by_x.values():
        v.sort()
    for v in by_y.values():
        v.sort()
    cells = []
    for pt in sorted(intersections):
        x, y = pt
        below = [b for b in by_x[x] if b > y]
        right = [r for r in by_y[y] if r > x]
        found = None
        for by in below:
            if not v_ids[pt] & v_ids[(x, by)]:
                continue
            for rx in right:
                if not h_ids[pt] & h_ids[(rx, y)]:
                    continue
                corner = (rx, by)
                if (
                    corner in intersections
                    and v_ids[corner] & v_ids[(rx, y)]
                    and h_ids[corner] & h_ids[(x, by)]
                ):
                    found = (x, y, rx, by)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def find_grids(edges: list[dict]) -> list[Grid]:
    """Ruled tables on a page, each as a grid of cells with spans."""
    if len(edges) < 4:
        return []
    from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges

    edges = merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    edges, open_tops, open_bottoms = _close_open_ends(edges)
    cells = _intersections_to_cells(edges_to_intersections(edges, SNAP, SNAP))
    grids = []
    for boxes in cells_to_tables(cells):
        xs = _cluster([v for b in boxes for v in (b[0], b[2])], 1.0)
        ys = _cluster([v for b in boxes for v in (b[1], b[3])], 1.0)
        if len(xs) < 3 or len(ys) < 2:  # one column: a boxed paragraph, not a table
            continue
        grid_cells = []
        for b in sorted(boxes, key=lambda b: (b[1], b[0])):
            c0, c1 = _index(xs, b[0]), _index(xs, b[2])
            r0, r1 = _index(ys, b[1]), _index(ys, b[3])
            if c1 > c0 and r1 > r0:
                grid_cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, tuple(b)))
        bbox = (xs[0], ys[0], xs[-1], ys[-1])
        grids.append(
            Grid(
                bbox,
                xs,
                ys,
                grid_cells,
                open_top=any(abs(y - ys[0]) <= SNAP for y in open_tops),
                open_bottom=any(abs(y - ys[-1]) <= SNAP for y in open_bottoms),
            )
        )
    return grids
