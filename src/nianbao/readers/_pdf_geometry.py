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
import itertools
import typing
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np
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


def _color_visible(get_color, obj: int, rgba: ctypes.Array) -> bool:
    at = ctypes.addressof(rgba)
    if not get_color(obj, at, at + 4, at + 8, at + 12):
        return True  # unknown colour: assume ink
    return rgba[3] > 0 and min(rgba[0], rgba[1], rgba[2]) <= WHITE


def _matrix(obj) -> tuple[float, float, float, float, float, float]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple, outer: tuple) -> tuple:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_segments(obj: int, ctm: tuple, scratch: ctypes.Array) -> list[tuple[float, float, float, float]]:
    """The straight pieces of a path in page space, as (x0, y0, x1, y1)."""
    a, b, c, d, e, f = ctm
    n = _COUNT_SEGMENTS(obj)
    segments = list(map(_GET_SEGMENT, itertools.repeat(obj, n), range(n)))
    kinds = list(map(_SEGMENT_TYPE, segments))
    closes = list(map(_SEGMENT_CLOSE, segments))
    point = ctypes.cast(scratch, ctypes.POINTER(ctypes.c_float))  # two floats: x, y
    point[0] = point[1] = 0.0  # what a failed call leaves (fresh out-parameters, as before)
    at = ctypes.addressof(scratch)
    out = []
    start = prev = None
    for seg, kind, close in zip(segments, kinds, closes, strict=True):
        _SEGMENT_POINT(seg, at, at + 4)
        x, y = point[0], point[1]
        pt = (a * x + c * y + e, b * x + d * y + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = pt
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
            out.append((prev[0], prev[1], pt[0], pt[1]))
        # Bézier pieces (rounded corners) are not rulings
        if close and start is not None and pt != start:
            out.append((pt[0], pt[1], start[0], start[1]))
        prev = pt
    return out


def _collect_paths(
    container, count_fn, get_fn, ctm: tuple, out: list, scratch: ctypes.Array, depth: int = 0
) -> None:
    n = count_fn(container)
    # every object's type first, in bulk through the functions' addresses: most objects of a page
    # are text, and only paths and forms are looked at further
    handle = container if isinstance(container, int) else ctypes.cast(container, ctypes.c_void_p).value
    objects = list(map(_GET_OBJECT[get_fn.__name__], itertools.repeat(handle, n), range(n)))
    kinds = list(map(_GET_TYPE, objects))
    mode_at, stroke_at = ctypes.addressof(scratch), ctypes.addressof(scratch) + 4
    for obj, kind in zip(objects, kinds, strict=True):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _GET_DRAW_MODE(obj, mode_at, stroke_at)
            fill_mode, stroke = scratch[0], scratch[1]
            visible = (stroke and _color_visible(_GET_STROKE_COLOR, obj, scratch)) or (
                fill_mode and _color_visible(_GET_FILL_COLOR, obj, scratch)
            )
            if visible:
                path = ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT)
                out.extend(_path_segments(obj, _compose(_matrix(path), ctm), scratch))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            form = ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT)
            _collect_paths(
                form,
                pdfium_c.FPDFFormObj_CountObjects,
                pdfium_c.FPDFFormObj_GetObject,
                _compose(_matrix(form), ctm),
                out,
                scratch,
                depth + 1,
            )


def picture_bounds(page_raw) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) in user space of the page's pictures: its image objects, and
    the form objects holding one (a picture wrapped in a form: the form's own bounds)."""
    handle = ctypes.cast(page_raw, ctypes.c_void_p).value
    n = pdfium_c.FPDFPage_CountObjects(page_raw)
    objects = list(map(_GET_OBJECT["FPDFPage_GetObject"], itertools.repeat(handle, n), range(n)))
    found = []
    for obj, kind in zip(objects, map(_GET_TYPE, objects), strict=True):
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE or (kind == pdfium_c.FPDF_PAGEOBJ_FORM and _holds_image(obj)):
            box = [ctypes.c_float() for _ in range(4)]
            if pdfium_c.FPDFPageObj_GetBounds(
                ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT), *map(ctypes.byref, box)
            ):
                found.append((box[0].value, box[1].value, box[2].value, box[3].value))
    return found


def _holds_image(form: int, depth: int = 0) -> bool:
    n = pdfium_c.FPDFFormObj_CountObjects(ctypes.cast(form, pdfium_c.FPDF_PAGEOBJECT))
    objects = list(map(_GET_OBJECT["FPDFFormObj_GetObject"], itertools.repeat(form, n), range(n)))
    for obj, kind in zip(objects, map(_GET_TYPE, objects), strict=True):
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8 and _holds_image(obj, depth + 1):
            return True
    return False


def _by_address(func, restype, *argtypes):
    """`func` called through its address with plain integer handles (no ctypes objects)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(typing.cast(int, ctypes.cast(func, ctypes.c_void_p).value))


_GET_OBJECT = {
    name: _by_address(getattr(pdfium_c, name), ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
    for name in ("FPDFPage_GetObject", "FPDFFormObj_GetObject")
}
_GET_TYPE = _by_address(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)
_COUNT_SEGMENTS = _by_address(pdfium_c.FPDFPath_CountSegments, ctypes.c_int, ctypes.c_void_p)
_GET_SEGMENT = _by_address(pdfium_c.FPDFPath_GetPathSegment, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_SEGMENT_TYPE = _by_address(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int, ctypes.c_void_p)
_SEGMENT_CLOSE = _by_address(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int, ctypes.c_void_p)
_SEGMENT_POINT = _by_address(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int, *[ctypes.c_void_p] * 3)
_GET_DRAW_MODE = _by_address(pdfium_c.FPDFPath_GetDrawMode, ctypes.c_int, *[ctypes.c_void_p] * 3)
_GET_STROKE_COLOR, _GET_FILL_COLOR = (
    _by_address(f, ctypes.c_int, *[ctypes.c_void_p] * 5)
    for f in (pdfium_c.FPDFPageObj_GetStrokeColor, pdfium_c.FPDFPageObj_GetFillColor)
)


def page_edges(page_raw, view: View) -> list[dict]:
    """Horizontal and vertical ruling edges of a page as displayed, in pdfplumber's edge format."""
    segments: list[tuple[float, float, float, float]] = []
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    scratch = (ctypes.c_uint * 4)()  # out-parameters of the calls by address
    _collect_paths(
        page_raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, identity, segments, scratch
    )
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


def _intersections(edges: list[dict], tol: float) -> tuple[dict, dict]:
    """pdfplumber's `edges_to_intersections` on arrays: for each crossing point (x of a vertical,
    top of a horizontal, within `tol`), the identities of the vertical and horizontal edges
    through it."""
    vs = [e for e in edges if e["orientation"] == "v"]
    hs = [e for e in edges if e["orientation"] == "h"]
    v_ids: dict[tuple[float, float], set[int]] = {}
    h_ids: dict[tuple[float, float], set[int]] = {}
    if not vs or not hs:
        return v_ids, h_ids
    v = np.array([(e["x0"], e["top"], e["bottom"]) for e in vs], dtype=np.float64)
    h = np.array([(e["top"], e["x0"], e["x1"]) for e in hs], dtype=np.float64)
    vx, vtop, vbottom = v[:, 0:1], v[:, 1:2], v[:, 2:3]
    htop, hx0, hx1 = h[:, 0], h[:, 1], h[:, 2]
    cross = (vtop <= htop + tol) & (vbottom >= htop - tol) & (vx >= hx0 - tol) & (vx <= hx1 + tol)
    for i, j in zip(*np.nonzero(cross), strict=True):
        ve, he = vs[i], hs[j]
        vertex = (ve["x0"], he["top"])
        if vertex in v_ids:
            v_ids[vertex].add(id(ve))
            h_ids[vertex].add(id(he))
        else:
            v_ids[vertex] = {id(ve)}
            h_ids[vertex] = {id(he)}
    return v_ids, h_ids


def _intersections_to_cells(v_ids: dict, h_ids: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's smallest-cell search, with edge identity kept as sets of ints (much faster)."""
    by_x: dict[float, list[float]] = {}
    by_y: dict[float, list[float]] = {}
    for x, y in v_ids:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    for v in by_x.values():
        v.sort()
    for v in by_y.values():
        v.sort()
    cells = []
    for pt in sorted(v_ids):
        x, y = pt
        column, row = by_x[x], by_y[y]
        below = column[bisect_right(column, y) :]
        right = row[bisect_right(row, x) :]
        v_here, h_here = v_ids[pt], h_ids[pt]
        found = None
        for by in below:
            if v_here.isdisjoint(v_ids[(x, by)]):
                continue
            h_below = h_ids[(x, by)]
            for rx in right:
                if h_here.isdisjoint(h_ids[(rx, y)]):
                    continue
                corner = (rx, by)
                if (
                    corner in v_ids
                    and not v_ids[corner].isdisjoint(v_ids[(rx, y)])
                    and not h_ids[corner].isdisjoint(h_below)
                ):
                    found = (x, y, rx, by)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _cells_to_tables(cells: list[tuple[float, float, float, float]]) -> list[list[tuple]]:
    """pdfplumber's `cells_to_tables`: the groups of cells that touch at corners, top-to-bottom
    then left-to-right by their first corner, single cells dropped. Its repeated sweeps find the
    connected groups; a union-find over the corners finds the same groups in one pass."""
    parent = list(range(len(cells)))
    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            if j != i:
                a, b = _root(parent, i), _root(parent, j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[tuple]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(_root(parent, i), []).append(cell)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _root(parent: list[int], i: int) -> int:
    """Union-find: the representative of i's group (paths halved on the way)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _snapped(edges: list[dict]) -> list[dict]:
    """Rulings closer than SNAP that run beside each other (a double line, a cell's border drawn
    by both cells) moved to one position, their mean. pdfplumber's snapping chains every ruling
    of the page within SNAP of the next: tables printed one per row, each a little narrower than
    the one above, had their lines moved by 11 points, across the text."""
    out = []
    for orientation, at, lo, hi in (("v", "x0", "top", "bottom"), ("h", "top", "x0", "x1")):
        group = sorted((e for e in edges if e["orientation"] == orientation), key=lambda e: e[at])
        parent = list(range(len(group)))
        for i, e in enumerate(group):
            for j in range(i + 1, len(group)):
                f = group[j]
                if f[at] - e[at] > SNAP:
                    break
                if f[lo] <= e[hi] + SNAP and e[lo] <= f[hi] + SNAP:
                    parent[_root(parent, j)] = _root(parent, i)
        members: dict[int, list[dict]] = {}
        for i, e in enumerate(group):
            members.setdefault(_root(parent, i), []).append(e)
        for same in members.values():
            pos = sum(e[at] for e in same) / len(same)
            for e in same:
                if orientation == "v":
                    out.append({**e, "x0": pos, "x1": pos})
                else:
                    out.append({**e, "top": pos, "bottom": pos})
    return out


def find_grids(edges: list[dict]) -> list[Grid]:
    """Ruled tables on a page, each as a grid of cells with spans."""
    if len(edges) < 4:
        return []
    from pdfplumber.table import merge_edges

    edges = merge_edges(_snapped(edges), 0, 0, SNAP, SNAP)
    edges, open_tops, open_bottoms = _close_open_ends(edges)
    cells = _intersections_to_cells(*_intersections(edges, SNAP))
    grids = []
    for boxes in _cells_to_tables(cells):
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
