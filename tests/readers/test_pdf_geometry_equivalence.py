"""The PDF reader's own lattice steps give what pdfplumber's give, on random ruling sets.

`_intersections` (edges_to_intersections on arrays) and `_cells_to_tables` (the corner-sharing
groups in one union-find pass) replace pdfplumber's functions for speed; the grids found must be
the same, cell for cell.
"""

from __future__ import annotations

import random

from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges

from nianbao.readers import _pdf_geometry as geo


def _edges(r: random.Random) -> list[dict]:
    out = []
    xs = sorted(r.uniform(20, 580) for _ in range(r.randint(2, 8)))
    ys = sorted(r.uniform(20, 820) for _ in range(r.randint(2, 10)))
    if r.random() < 0.3:
        xs, ys = [round(x) for x in xs], [round(y) for y in ys]

    def jitter() -> float:
        return r.choice([0, 0, 0, r.uniform(-2, 2)])

    for y in ys:
        for c in range(len(xs) - 1):
            if r.random() < 0.85:
                out.append(geo._edge("h", xs[c] + jitter(), y + jitter(), xs[c + 1] + jitter(), y + jitter()))
    for x in xs:
        for k in range(len(ys) - 1):
            if r.random() < 0.85:
                top, bottom = sorted((ys[k] + jitter(), ys[k + 1] + jitter()))
                out.append(geo._edge("v", x + jitter(), top, x + jitter(), bottom))
    for _ in range(r.randint(0, 5)):  # stray rulings
        x0, y0 = r.uniform(0, 600), r.uniform(0, 840)
        if r.random() < 0.5:
            out.append(geo._edge("h", x0, y0, x0 + r.uniform(3, 200), y0))
        else:
            out.append(geo._edge("v", x0, y0, x0, y0 + r.uniform(3, 200)))
    r.shuffle(out)
    return out


def _ids(intersections: dict) -> tuple[dict, dict]:
    return (
        {pt: {id(e) for e in d["v"]} for pt, d in intersections.items()},
        {pt: {id(e) for e in d["h"]} for pt, d in intersections.items()},
    )


def test_intersections_and_tables_match_pdfplumber():
    grids = 0
    for seed in range(400):
        edges = merge_edges(_edges(random.Random(seed)), geo.SNAP, geo.SNAP, geo.SNAP, geo.SNAP)
        edges, _, _ = geo._close_open_ends(edges)
        ours = geo._intersections(edges, geo.SNAP)
        assert ours == _ids(edges_to_intersections(edges, geo.SNAP, geo.SNAP))
        cells = geo._intersections_to_cells(*ours)
        theirs = cells_to_tables(cells)
        mine = geo._cells_to_tables(cells)
        assert [sorted(t) for t in mine] == [sorted(t) for t in theirs]
        grids += len(mine)
    assert grids > 200  # the random rulings do make tables
