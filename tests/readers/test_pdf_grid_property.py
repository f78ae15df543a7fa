"""Property: any ruled grid drawn on a page comes back as the same grid, blanks and spans included."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.readers.pdf import read

from ._pdf_maker import PageDrawer, make_pdf

WORDS = st.one_of(st.just(""), st.from_regex(r"[A-Za-z][a-z]{0,5}|[0-9]{1,5}", fullmatch=True))


@st.composite
def grids(draw):
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(2, 6))
    widths = draw(st.lists(st.integers(50, 90), min_size=n_cols, max_size=n_cols))
    heights = draw(st.lists(st.integers(18, 40), min_size=n_rows, max_size=n_rows))
    rows = []
    for _ in range(n_rows):
        # each row is split into runs of merged cells (colspans)
        spans, left = [], n_cols
        while left:
            k = draw(st.integers(1, left))
            spans.append(k)
            left -= k
        rows.append([(k, draw(WORDS)) for k in spans])
    return widths, heights, rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_drawn_grid_reads_back(spec) -> None:
    widths, heights, rows = spec
    xs = [60.0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [100.0]
    for h in heights:
        ys.append(ys[-1] + h)

    def page(d: PageDrawer) -> None:
        skip = set()
        for r, row in enumerate(rows):
            col = 0
            for k, text in row:
                for inner in range(col + 1, col + k):
                    skip.add(("v", inner, r))
                if text:
                    d.text(xs[col] + 3, ys[r] + 3, text, size=10)
                col += k
        d.grid(xs, ys, skip=skip)

    doc = read(make_pdf(page), "grid.pdf")
    # columns every row merges away are not columns of the drawn grid
    bounds = {0, len(widths)}
    for row in rows:
        col = 0
        for k, _ in row:
            col += k
            bounds.add(col)
    texts = [text for row in rows for _, text in row if text]
    if not texts or len(bounds) == 2:
        # an empty frame is not a table, nor is a one-column box (WPS boxes paragraphs)
        assert doc.tables == []
        assert [p.text for p in doc.paragraphs] == texts
        return
    (table,) = doc.tables
    assert table.n_cols == len(bounds) - 1
    assert table.n_rows == len(rows)
    assert table.to_text_rows() == [[text for _, text in row] for row in rows]
    for c in table.cells:
        x0, top, x1, bottom = c.prov.bbox
        assert abs(top - ys[c.row]) < 1 and abs(bottom - ys[c.row + c.rowspan]) < 1
