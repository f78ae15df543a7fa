"""Table grids in page images, found from their ruling lines with OpenCV.

The official tables are fully ruled, so the lines give the grid exactly: horizontal and vertical
strokes are isolated by morphological opening with long thin kernels, clustered into grid lines,
and two neighbouring grid cells are one merged cell when the stroke between them is missing.
Slight rotations (a phone photo, a crooked scan) are measured on the same strokes and undone first.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# a stroke must cover this share of a cell border to count as a border (a long stroke of a
# character, the 丨 of 提, covers about half a row)
_BORDER_COVERAGE = 0.75
# a horizontal border needs far less: no character has a horizontal stroke as long as the
# opening's kernel, so where text crosses a merged cell the mask holds nothing (coverage 0 on every
# page measured), while a thin ruling that a fax in standard mode (two rows scanned as one)
# thresholded into dashes keeps 4-90 % of its length
_ROW_BORDER_COVERAGE = 0.03


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, lines included


@dataclass
class Grid:
    box: tuple[int, int, int, int]
    ys: list[int]  # horizontal grid lines, top to bottom
    xs: list[int]  # vertical grid lines, left to right
    cells: list[GridCell]


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """255 where there is ink. Adaptive, so uneven lighting in a photo does not black out areas."""
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(255 - blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 25, -12)


def line_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h, w = ink.shape
    # long enough to skip text strokes (a CJK character is < 1/40 page wide), short enough to
    # catch the border of a narrow cell and to follow a line tilted by a degree or two
    hk = max(25, w // 30)
    vk = max(25, h // 70)  # a table cut by a page break may keep one short row of its own
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk)))
    # bridge small gaps that noise and JPEG blocks leave in a line
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9)))
    return horiz, vert


def half(gray: np.ndarray, above: int = 1400) -> tuple[np.ndarray, float]:
    """The page at half size when it is large (geometry needs no more), and the factor back."""
    if max(gray.shape) <= above:
        return gray, 1.0
    return cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA), 2.0


def skew_angle(gray: np.ndarray) -> float:
    """The page's rotation in degrees (counter-clockwise positive), from its long horizontal lines."""
    bilevel = _bilevel(gray)
    gray, _ = half(gray)  # an angle from lines a page wide is as precise at half size
    ink = ink_mask(gray)
    h, w = ink.shape
    horiz = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, w // 30), 1))
    )
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    pieces: list[_Piece] = []
    for i in range(1, n):
        x, y, cw, ch, _area = (int(v) for v in stats[i])
        ys, xs = np.nonzero(labels[y : y + ch, x : x + cw] == i)
        if len(xs) >= 50:
            pieces.append(_Piece(x, x + cw - 1, xs + x, ys + y))
    # a thresholded page (a fax) cuts its tilted rulings into staircases; a grey one does not, and
    # its rulings broken by noise are measured piece by piece, as they always were
    lines = _collinear_chains(pieces, max_gap=w / 12) if bilevel else [[p] for p in pieces]
    angles, weights = [], []
    for chain in lines:
        x0, x1 = chain[0].x0, chain[-1].x1
        if x1 - x0 >= w / 4:
            angles.append(
                _angle(np.concatenate([p.xs for p in chain]), np.concatenate([p.ys for p in chain]))
            )
            weights.append(x1 - x0)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])  # weighted median


def _bilevel(gray: np.ndarray) -> bool:
    """Black and white only, but for a few pixels: a fax, or any thresholded scan."""
    return int(np.count_nonzero((gray > 0) & (gray < 255))) < 0.005 * gray.size


def _angle(xs: np.ndarray, ys: np.ndarray) -> float:
    """The angle in degrees (counter-clockwise positive) of the line through the pixels."""
    slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
    return float(-np.degrees(np.arctan(slope)))


@dataclass
class _Piece:
    """One connected stroke of a horizontal line mask: its columns and its pixels."""

    x0: int
    x1: int
    xs: np.ndarray
    ys: np.ndarray

    def y_at(self, right: bool) -> float:
        end = self.xs >= self.x1 - 2 if right else self.xs <= self.x0 + 2
        return float(self.ys[end].mean())


def _collinear_chains(pieces: list[_Piece], max_gap: float, tol: float = 2.5) -> list[list[_Piece]]:
    """Pieces put together into the lines they were cut from, left to right.

    A fax in standard mode prints a slightly tilted ruling as a staircase: level pieces one scan
    row pair apart, each shorter than the line. Fitted one by one they all say "level" (the skew
    was measured as 0.0° on a page turned by 0.2°); a chain of them, each starting where the last
    one ended (within `tol` rows), keeps the slope of the whole ruling.
    """
    chains: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: p.x0):
        best: tuple[int, list[_Piece]] | None = None
        for chain in chains:
            last = chain[-1]
            gap = p.x0 - last.x1
            if -3 <= gap <= max_gap and abs(p.y_at(False) - last.y_at(True)) <= tol:
                if best is None or gap < best[0]:
                    best = (gap, chain)
        if best is not None:
            best[1].append(p)
        else:
            chains.append([p])
    return chains


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def _cluster(values: list[tuple[float, float]], tol: float) -> list[int]:
    """Cluster (position, weight) pairs; return weighted centres."""
    if not values:
        return []
    values.sort()
    groups: list[list[tuple[float, float]]] = [[values[0]]]
    for v in values[1:]:
        if v[0] - groups[-1][-1][0] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [int(round(sum(p * wt for p, wt in g) / sum(wt for _, wt in g))) for g in groups]


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[int, int, int, int]]:
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    # x, y, w, h
    return [(int(stats[i][0]), int(stats[i][1]), int(stats[i][2]), int(stats[i][3])) for i in range(1, n)]


def _coverage(mask: np.ndarray, horizontal: bool, at: int, start: int, end: int, band: int) -> float:
    if end <= start:
        return 0.0
    if horizontal:
        strip = mask[max(0, at - band) : at + band + 1, start:end]
        hit = strip.max(axis=0) > 0 if strip.size else np.zeros(0, bool)
    else:
        strip = mask[start:end, max(0, at - band) : at + band + 1]
        hit = strip.max(axis=1) > 0 if strip.size else np.zeros(0, bool)
    return float(hit.mean()) if hit.size else 0.0


def rulings(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The masks of the page's horizontal and vertical ruling strokes, faint ones left out."""
    horiz, vert = line_masks(ink_mask(gray))
    paper = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    print_level = float(np.percentile(gray, 1))
    return _without_faint(horiz, gray, paper, print_level), _without_faint(vert, gray, paper, print_level)


# a ruling's darkest pixels reach at least this share of the way from its paper to the page's print
# (thin paper's back page showing through, its mirrored table included, reaches about a fifth)
_MIN_LINE_DEPTH = 0.4


def _without_faint(mask: np.ndarray, gray: np.ndarray, paper: np.ndarray, print_level: float) -> np.ndarray:
    """The line mask without the strokes too faint to be printed here: the rulings of the back
    page seen through thin paper are an adaptive threshold's ink too, and mixed into the front
    table's grid lines they shift them off the real borders (cells merged across the table)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = mask.copy()
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        own = labels[y : y + h, x : x + w] == i
        core = float(np.percentile(gray[y : y + h, x : x + w][own], 10))
        ground = float(np.median(paper[y : y + h, x : x + w][own]))
        if ground - print_level > 40 and (ground - core) < _MIN_LINE_DEPTH * (ground - print_level):
            out[y : y + h, x : x + w][own] = 0
    return out


# a fax's thin ruling between two of its staircase steps: blank for up to this share of the page
# width (30 pixels at 200 dpi on a page turned by 0.2°, where the steps are 570 pixels apart)
_DASH_GAP = 1 / 55
# and a dashed stretch is followed at most this far from the solid piece it continues
_DASH_REACH = 1 / 8
# only a thin ruling is thresholded into dashes: its piece is at most this share of the page high
# (6 rows at 200 dpi, the ink mask's blur included)
_THIN_RULING = 1 / 390


def _with_dashed_runs(
    horiz: np.ndarray, vert: np.ndarray, dark: np.ndarray, tables: list[tuple[int, int, int, int]]
) -> np.ndarray:
    """The horizontal line mask with each solid piece continued through the dashes it runs into.

    A fax in standard mode scans two rows as one: where a thin, slightly tilted ruling passes from
    one scan row pair to the next, both come out half grey and the threshold leaves only dashes,
    or nothing, for tens of pixels (a whole narrow cell's border, lost to the opening). A piece is
    continued only when the stretch beside it holds dashes on its own rows, no text crosses those
    rows (a glyph's strokes run on above and below them), and it ends at a ruling: a vertical line
    or the next piece. A label's horizontal stroke in a cell whose border is absent (a merged
    cell) has a glyph around it and ends in the cell's white: it is never taken for a border.
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    h, w = horiz.shape
    out = horiz.copy()
    min_len, gap = max(25, w // 30), max(12, round(w * _DASH_GAP))
    reach = round(w * _DASH_REACH)
    thin = max(6, round(h * _THIN_RULING))
    for i in range(1, n):
        x, y, cw, ch = (int(v) for v in stats[i][:4])
        if cw < min_len or ch > 12:
            continue
        if not any(_overlap(t, (x, y, cw, ch)) for t in tables):
            continue
        own = labels[y : y + ch, x : x + cw] == i
        for right in (True, False):
            rows = np.nonzero(own[:, -1] if right else own[:, 0])[0]
            y0, y1 = y + int(rows[0]), y + int(rows[-1])
            if y1 - y0 + 1 > thin:  # a heading's bold stroke, not a thin ruling thresholded away
                continue
            a, b = (x + cw, min(w, x + cw + reach)) if right else (max(0, x - reach), x)
            if b - a < 3 or y0 < 6 or y1 + 7 > h:
                continue
            length = _dashed_run(dark, vert, labels, i, (a, b), (y0, y1), gap, right)
            if length:
                if right:
                    out[y0 : y1 + 1, a : a + length] = 255
                else:
                    out[y0 : y1 + 1, b - length : b] = 255
    return out


def _dashed_run(
    dark: np.ndarray,
    vert: np.ndarray,
    labels: np.ndarray,
    own: int,
    span: tuple[int, int],
    rows: tuple[int, int],
    gap: int,
    right: bool,
) -> int:
    """How far piece `own` runs on through dashes into columns span[0]..span[1] (0: not at all)."""
    (a, b), (y0, y1) = span, rows
    band = np.asarray(dark[y0 - 2 : y1 + 3, a:b].any(axis=0))
    # a single speck beside the line is noise; two inked rows there are a glyph's stroke
    flank = np.asarray(dark[y0 - 6 : y0 - 2, a:b].sum(axis=0) + dark[y1 + 3 : y1 + 7, a:b].sum(axis=0) >= 2)
    lo, hi = max(0, a - 2), min(dark.shape[1], b + 2)
    pad = ((a - lo) - 2, (hi - b) - 2)  # <= 0: columns missing at the page's edge

    def widened(strip: np.ndarray, k: int) -> np.ndarray:
        """Each column of `strip` (span widened by 2 each side) or'ed with its k neighbours."""
        strip = np.pad(strip, ((0, 0), (-pad[0], -pad[1])))
        out = np.zeros((strip.shape[0], b - a), bool)
        for d in range(-k, k + 1):
            out |= strip[:, 2 + d : 2 + d + b - a]
        return out

    # ink from above the line's rows to below them, column after column: a stroke crossing it
    crossed = np.asarray(widened(dark[y0 - 4 : y1 + 5, lo:hi], 1).all(axis=0))
    ruled = np.asarray(widened(vert[y0 - 2 : y1 + 3, lo:hi] > 0, 2).any(axis=0))
    near = labels[y0 - 2 : y1 + 3, a:b]
    other = np.asarray(((near > 0) & (near != own)).any(axis=0))
    dash = band & ~flank
    order = slice(None) if right else slice(None, None, -1)
    columns: list[tuple[bool, bool, bool, bool]] = list(
        zip(
            other[order].tolist(),
            ruled[order].tolist(),
            crossed[order].tolist(),
            dash[order].tolist(),
            strict=True,
        )
    )
    last = dashes = anchor = anchor_dashes = 0
    for k, (is_other, is_ruled, is_crossed, is_dash) in enumerate(columns):
        if is_other:  # the next piece of the same ruling
            if k - last < gap:
                anchor, anchor_dashes = k, dashes
            break
        if is_ruled:  # a vertical line: a border the run may end at
            if k - last < gap:
                anchor, anchor_dashes = k + 1, dashes
            last = k + 1
            continue
        if is_crossed:
            return 0
        if is_dash:
            last, dashes = k + 1, dashes + 1
        elif k - last >= gap:
            break
    if anchor == 0 or anchor_dashes < max(3, 0.25 * anchor):
        return 0
    return anchor


def find_grids(gray: np.ndarray) -> tuple[list[Grid], np.ndarray]:
    """Ruled tables on the page, and the mask of their lines (to erase before OCR)."""
    horiz, vert = rulings(gray)
    grids = _grids(horiz, vert, gray.shape[1])
    # a fax's rulings broken into dashes are followed only on the tables found without them:
    # elsewhere a large title's strokes (thin, long, a glyph's stem beside them) pass for rulings
    if grids:
        dashed = _with_dashed_runs(horiz, vert, gray < 160, [_xywh(g.box) for g in grids])
        if np.any(dashed != horiz):
            horiz = dashed
            grids = _grids(horiz, vert, gray.shape[1])
    return grids, cv2.bitwise_or(horiz, vert)


def _grids(horiz: np.ndarray, vert: np.ndarray, page_w: int) -> list[Grid]:
    grids: list[Grid] = []
    for x, y, w, h in _table_boxes(cv2.bitwise_or(horiz, vert), page_w):
        grid = _grid_in(horiz[y : y + h, x : x + w], vert[y : y + h, x : x + w], (x, y))
        if grid is not None:
            grids.append(grid)
    # an open outline around a table (the paper's edge in a photo, straightened by the perspective
    # step) is a contour of its own whose box holds the table's lines too: it would read the table twice
    grids = [
        g for g in grids if not any(_area(g.box) > _area(o.box) and _contains(g.box, o.box) for o in grids)
    ]
    grids.sort(key=lambda g: g.box[1])
    return grids


def _xywh(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return box[0], box[1], box[2] - box[0], box[3] - box[1]


def _table_boxes(lines: np.ndarray, page_w: int) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of each outline of touching lines wide and high enough to be a table (lines
    inside another group's outline, a piece of ruling cut off in a cell, are that table's)."""
    joined = cv2.dilate(lines, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(joined, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = [cv2.boundingRect(cnt) for cnt in contours]
    return [(x, y, w, h) for x, y, w, h in boxes if w >= page_w / 6 and h >= 20]


def _area(box: tuple[int, int, int, int]) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two (x, y, w, h) boxes share pixels."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _contains(outer: tuple[int, int, int, int], inner: tuple[int, int, int, int]) -> bool:
    return (
        outer[0] <= inner[0] + 2
        and outer[1] <= inner[1] + 2
        and outer[2] >= inner[2] - 2
        and outer[3] >= inner[3] - 2
    )


def _grid_in(horiz: np.ndarray, vert: np.ndarray, origin: tuple[int, int]) -> Grid | None:
    h, w = horiz.shape
    hsegs = [s for s in _segments(horiz, True) if s[2] >= 20]
    vsegs = [s for s in _segments(vert, False) if s[3] >= 15]
    ys = _cluster([(y + hh / 2, ww) for x, y, ww, hh in hsegs], tol=6)
    xs = _cluster([(x + ww / 2, hh) for x, y, ww, hh in vsegs], tol=6)
    if len(ys) < 2 or len(xs) < 2:
        return None
    ys = _open_ends(vert, ys, xs)
    for _ in range(4):  # drop grid lines no cell starts at (a stray stroke inside one cell)
        groups = _merge_cells(horiz, vert, ys, xs)
        used_rows = {min(r for r, _ in g) for g in groups} | {max(r for r, _ in g) + 1 for g in groups}
        used_cols = {min(c for _, c in g) for g in groups} | {max(c for _, c in g) + 1 for g in groups}
        keep_ys = [y for i, y in enumerate(ys) if i in used_rows]
        keep_xs = [x for i, x in enumerate(xs) if i in used_cols]
        if keep_ys == ys and keep_xs == xs:
            break
        ys, xs = keep_ys, keep_xs
        if len(ys) < 2 or len(xs) < 2:
            return None
    ox, oy = origin
    cells = []
    for group in groups:
        r0 = min(r for r, _ in group)
        r1 = max(r for r, _ in group)
        c0 = min(c for _, c in group)
        c1 = max(c for _, c in group)
        box = (xs[c0] + ox, ys[r0] + oy, xs[c1 + 1] + ox, ys[r1 + 1] + oy)
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    cells.sort(key=lambda c: (c.row, c.col))
    if len(cells) < 2:
        return None
    return Grid((ox, oy, ox + w, oy + h), [y + oy for y in ys], [x + ox for x in xs], cells)


def _open_ends(vert: np.ndarray, ys: list[int], xs: list[int]) -> list[int]:
    """The grid's rows with a table that runs on over a page break: its last row has side borders
    but no line below (or, on the next page, no line above). The ends of the vertical lines close it,
    so that row's cells are read whole instead of being left outside the grid."""
    tops, bottoms = [], []
    for x in xs:
        band = vert[:, max(0, x - 4) : x + 5].any(axis=1)
        rows = np.nonzero(band)[0]
        if len(rows):
            tops.append(int(rows[0]))
            bottoms.append(int(rows[-1]))
    if len(bottoms) < 2:
        return ys
    gap = max(12, min(b - a for a, b in zip(ys, ys[1:], strict=False)) // 2) if len(ys) > 1 else 12
    out = list(ys)
    below = sorted(b for b in bottoms if b > ys[-1] + gap)
    if len(below) >= max(2, len(xs) // 2):
        out.append(below[len(below) // 2])
    above = sorted(t for t in tops if t < ys[0] - gap)
    if len(above) >= max(2, len(xs) // 2):
        out.insert(0, above[len(above) // 2])
    return out


def _merge_cells(
    horiz: np.ndarray, vert: np.ndarray, ys: list[int], xs: list[int]
) -> list[list[tuple[int, int]]]:
    """Group the grid's elementary cells into physical cells: neighbours with no border between."""
    band = 4
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols:  # the vertical border to the right
                pad = max(2, (ys[r + 1] - ys[r]) // 8)
                cov = _coverage(vert, False, xs[c + 1], ys[r] + pad, ys[r + 1] - pad, band)
                if cov < _BORDER_COVERAGE:
                    union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows:  # the horizontal border below
                pad = max(2, (xs[c + 1] - xs[c]) // 8)
                cov = _coverage(horiz, True, ys[r + 1], xs[c] + pad, xs[c + 1] - pad, band)
                if cov < _ROW_BORDER_COVERAGE:
                    union(r * n_cols + c, (r + 1) * n_cols + c)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            members.setdefault(find(r * n_cols + c), []).append((r, c))
    return list(members.values())
