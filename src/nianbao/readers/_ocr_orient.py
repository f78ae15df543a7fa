"""Page geometry before grid finding: quarter-turn orientation and perspective.

Orientation: a page fed sideways or upside down. Text lines found by the detector on a small copy
of the page are wide when the page is upright or upside down and tall when it lies on its side;
rapidocr's direction classifier (shipped in the wheel) then tells 0° from 180° on a handful of
line crops. This costs one detection at low resolution plus a few classifier calls, not a second
OCR of the page.

Perspective: a phone photo taken at an angle turns the table's rectangular outer border into a
general quadrilateral. When the largest ink outline is clearly such a quadrilateral, the page is
warped so that it becomes a rectangle again; otherwise the image is left alone.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

ORIENT_SIDE = 640  # pixels: text lines are still found, detection takes a fraction of a second
_SAMPLE_LINES = 8
_MIN_QUAD_SHARE = 0.12  # of the page area: a table border, not a stamp or a box around a word
_MIN_RULED_SIDE = 0.8  # of each side of the outline on a ruling line
_MIN_STROKE_SIDE = 0.97  # or on ink all along
_RECT_TOLERANCE_DEG = 0.6  # corner angles closer to 90° than this: a rectangle, left to deskew


def _boxes(small: np.ndarray, run: Any) -> list[tuple[float, float, float, float]]:
    out = run(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR), use_det=True, use_cls=False, use_rec=False)
    if out.boxes is None:
        return []
    return [
        (min(p[0] for p in q), min(p[1] for p in q), max(p[0] for p in q), max(p[1] for p in q))
        for q in out.boxes
    ]


def quarter_turns(gray: np.ndarray, run: Any) -> int:
    """How many times to turn the page 90° counter-clockwise (np.rot90) to make it upright."""
    f = min(1.0, ORIENT_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    boxes = _boxes(small, run)
    # a line of two or more characters is clearly longer than high; single glyphs say nothing
    wide = [b for b in boxes if b[2] - b[0] > 1.8 * (b[3] - b[1])]
    tall = [b for b in boxes if b[3] - b[1] > 1.8 * (b[2] - b[0])]
    if len(wide) + len(tall) < 3:
        return 0
    turns = 0
    lines = wide
    if len(tall) > 2 * len(wide):
        # on its side: turn it so the lines run across; the classifier then settles 0 or 180
        turns = 1
        gray = np.ascontiguousarray(np.rot90(gray, 1))
        # (x, y) in the small image lands at (y, W - x) once it is turned the same way
        w_small = small.shape[1]
        lines = [(y0, w_small - x1, y1, w_small - x0) for x0, y0, x1, y1 in tall]
    elif len(wide) < 2 * len(tall):
        return 0  # no clear direction (a page of single digits): leave it as it is
    if _upside_down(gray, [tuple(v / f for v in b) for b in lines], run):
        turns += 2
    return turns % 4


def _upside_down(gray: np.ndarray, lines: list[tuple[float, ...]], run: Any) -> bool:
    lines = sorted(lines, key=lambda b: b[3] - b[1], reverse=True)[: _SAMPLE_LINES * 2]
    votes = {"0": 0.0, "180": 0.0}
    for x0, y0, x1, y1 in lines[:_SAMPLE_LINES]:
        h = y1 - y0
        # a chunk of the line, about as long as the classifier's 4:1 input, keeps glyphs legible
        x1 = min(x1, x0 + 6 * h)
        crop = gray[max(0, int(y0) - 2) : int(y1) + 3, max(0, int(x0) - 2) : int(x1) + 3]
        if crop.shape[0] < 8 or crop.shape[1] < 16:
            continue
        out = run(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=True, use_rec=False)
        for label, score in out.cls_res or []:
            if label in votes:
                votes[label] += float(score)
    return votes["180"] > votes["0"]


def blank_surroundings(gray: np.ndarray) -> np.ndarray:
    """The page with the desk or scanner lid around the sheet painted out.

    Straightened, the paper's edge against a dark background is a long ruling line around
    everything, and the grid finder would take the whole sheet for one table. Only thick dark
    areas that reach the image border go: lines and text are thin, and stay.
    """
    # a quarter-size look: the surroundings are large, thick areas
    f = 4 if min(gray.shape) >= 800 else 1
    small = gray[::f, ::f]
    if int((small < 100).sum()) == 0:
        return gray
    dark = (small < 100).astype(np.uint8) * 255
    side = max(9, min(gray.shape) // 60)
    s_side = max(3, side // f)
    thick = cv2.morphologyEx(
        dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (s_side, s_side))
    )
    n, labels, stats, _ = cv2.connectedComponentsWithStats(thick, connectivity=8)
    h, w = small.shape
    outside = [
        i
        for i in range(1, n)
        if stats[i][0] == 0
        or stats[i][1] == 0
        or stats[i][0] + stats[i][2] == w
        or stats[i][1] + stats[i][3] == h
    ]
    if not outside:
        return gray
    mask: np.ndarray = np.isin(labels, outside).astype(np.uint8)
    # the paper's shaded rim belongs to the background too
    mask = cv2.dilate(mask, np.ones((s_side, s_side), np.uint8))
    # painted the paper's own shade, not white: a grey sheet on white would be an edge of its own,
    # a ruling line around the page
    paper = int(np.median(small[mask == 0])) if (mask == 0).any() else 255
    if f > 1:
        mask = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    out[mask > 0] = paper
    return out


def turn(gray: np.ndarray, turns: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(gray, turns)) if turns % 4 else gray


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s = quad.sum(axis=1)
    d = np.diff(quad, axis=1).ravel()
    return np.array([quad[np.argmin(s)], quad[np.argmin(d)], quad[np.argmax(s)], quad[np.argmax(d)]])


def border_quad(gray: np.ndarray) -> np.ndarray | None:
    """The four corners of the page's largest ruled outline, when it is clearly a quadrilateral."""
    from ._ocr_grid import half, ink_mask, rulings

    gray, back = half(gray)  # the outline's corners need no finer look
    # faint strokes (a back page showing through) left out, as for the grid
    horiz, vert = rulings(gray)
    lines = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((5, 5), np.uint8))
    ink = ink_mask(gray)
    hull = _largest_network_hull(lines, ink)
    if hull is None:
        return None
    area = cv2.contourArea(hull)
    if area < _MIN_QUAD_SHARE * gray.shape[0] * gray.shape[1]:
        return None
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) != 4 or not cv2.isContourConvex(approx):
        return None
    quad = _order(_widest_corners(hull, approx).astype(np.float32))
    # the outline must be the quadrilateral, not a blob it merely approximates
    if abs(cv2.contourArea(quad) - area) > 0.05 * area:
        return None
    # and each side a ruling line: a table whose last rows start further in (表三's 「（六）」 rows
    # after its vertical label column ends) has a slanted hull side over blank paper, or over the
    # label column's text, so only ruling strokes count (near them: a line slanted by perspective
    # falls out of the upright line masks in pieces)
    k = max(9, min(gray.shape) // 50)
    near = cv2.dilate(lines, np.ones((k, k), np.uint8))
    # A side slanted further than the upright masks follow (a short, wide table photographed at an
    # angle) is still one unbroken stroke of ink, which text or blank paper never is
    stroke = cv2.dilate(ink, np.ones((7, 7), np.uint8))
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        if _ruled_share(near, a, b) < _MIN_RULED_SIDE and _ruled_share(stroke, a, b) < _MIN_STROKE_SIDE:
            return None
    return quad * np.float32(back)


def _largest_network_hull(lines: np.ndarray, ink: np.ndarray) -> np.ndarray | None:
    """The convex hull of the largest table's ruling strokes, its pieces joined through the ink.

    The upright line masks lose a line slanted by perspective (a vertical leaning 10°: its upright
    runs are shorter than the kernel) in all but a few pieces, so the ruling mask of one table can
    fall apart into several parts, and the largest of them alone (the bottom half of a sheared
    table) is no outline: its quadrilateral failed the side checks, the page was not flattened, and
    its grid came back as two tables. The printed lines are still one connected stroke of ink, so
    ruling pieces that the ink joins belong to one table. Only ruling pixels make the hull: text
    touching a line joins the group but adds no point to it.
    """
    _, labels = cv2.connectedComponents(cv2.bitwise_or(lines, ink), connectivity=8)
    ys, xs = np.nonzero(lines)
    if len(xs) == 0:
        return None
    group = labels[ys, xs]
    order = np.argsort(group, kind="stable")
    points = np.stack([xs, ys], axis=1)[order].astype(np.int32)
    starts = np.flatnonzero(np.diff(group[order], prepend=-1))
    best: np.ndarray | None = None
    best_area = -1.0
    for part in np.split(points, starts[1:]):
        hull = cv2.convexHull(part.reshape(-1, 1, 2))
        area = cv2.contourArea(hull)
        if area > best_area:
            best, best_area = hull, area
    return best


def _widest_corners(hull: np.ndarray, approx: np.ndarray) -> np.ndarray:
    """The four hull points spanning the largest quadrilateral, starting from approxPolyDP's.

    Douglas-Peucker keeps a vertex only where the outline strays further than its tolerance (2 % of
    the perimeter) from the polygon so far, so on a short side that leans a few degrees it can
    settle on a hull point tens of pixels short of the corner: that side then runs off the ruling,
    fails the side checks, and the page is not flattened (or the quadrilateral cuts a few per cent
    off the hull). The corners of the table are the hull points that span the most area; each
    vertex in turn is moved to the best point between its neighbours until none moves.
    """
    pts = hull.reshape(-1, 2).astype(np.float64)
    n = len(pts)
    idx = sorted(int(np.flatnonzero((pts == p).all(axis=1))[0]) for p in approx.reshape(-1, 2))

    def area(ix: list[int]) -> float:
        x, y = pts[ix, 0], pts[ix, 1]
        return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))

    best = area(idx)
    for _ in range(4 * n):
        moved = False
        for i in range(4):
            lo, hi = idx[i - 1], idx[(i + 1) % 4]
            span = (hi - lo) % n
            for step in range(1, span):
                cand = idx.copy()
                cand[i] = (lo + step) % n
                a = area(cand)
                if a > best + 1e-6:
                    idx, best, moved = cand, a, True
        if not moved:
            break
    return pts[idx]


def _ruled_share(lines: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """The share of points along a to b that lie on a (dilated) ruling line."""
    n = max(2, int(np.linalg.norm(b - a) // 4))
    t = np.linspace(0.03, 0.97, n)
    xs = np.clip((a[0] + (b[0] - a[0]) * t).round().astype(int), 0, lines.shape[1] - 1)
    ys = np.clip((a[1] + (b[1] - a[1]) * t).round().astype(int), 0, lines.shape[0] - 1)
    return float((lines[ys, xs] > 0).mean())


def _corner_angles(quad: np.ndarray) -> list[float]:
    out = []
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
        out.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    return out


def unwarp(gray: np.ndarray) -> np.ndarray:
    """The page with its table border made rectangular again (unchanged when there is no doubt)."""
    quad = border_quad(gray)
    if quad is None:
        return gray
    if max(abs(a - 90) for a in _corner_angles(quad)) < _RECT_TOLERANCE_DEG:
        return gray  # a rectangle, at most tilted: the deskew step handles that more gently
    tl, tr, br, bl = quad
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    x0, y0 = float(min(tl[0], bl[0])), float(min(tl[1], tr[1]))
    target = np.array([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]], np.float32)
    m = cv2.getPerspectiveTransform(quad, target)
    # the whole page plane follows the table's: keep everything that lands inside a frame like the input's
    h, w = gray.shape
    corners = cv2.perspectiveTransform(np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float32), m)[0]
    lo = np.minimum(corners.min(axis=0), 0)
    hi = corners.max(axis=0)
    shift = np.array([[1, 0, -lo[0]], [0, 1, -lo[1]], [0, 0, 1]], np.float64)
    size = (int(min(hi[0] - lo[0], 1.5 * w)), int(min(hi[1] - lo[1], 1.5 * h)))
    return cv2.warpPerspective(gray, shift @ m, size, flags=cv2.INTER_CUBIC, borderValue=255)
