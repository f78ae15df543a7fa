"""The writer's report printed to PDF by Chromium the ways units print theirs, read by the PDF
reader exactly.

Lines: no lines at all, row lines only, a three-line table (top and bottom rules), column lines
only. A grid whose rulings miss its rows (a cell holding a column of stacked values, or a header
above its value) is read as the unruled text it mostly is, never as one row of run-together
cells (column lines only: 4/200 cells before).

Layouts (`nianbao.synth.layouts`), with two 表三 rows printed blank as units print them. Two
classes this caught: one-row tables stacked down the page, each a little narrower than the one
above, whose rulings pdfplumber's snapping chained into one and moved across the text (7730.28
read as 7730.2, 96171.6 as 171.6); and a row printed blank as a ruled table of its own, dropped as
"no text", so its label stood alone and took the next row's numbers.
"""

from __future__ import annotations

import random

import formats_fixtures as fx
import pytest

import nianbao

pytestmark = [pytest.mark.slow, pytest.mark.browser]

STYLES = {
    "no-lines": "table,td,th{border:none!important}",
    "row-lines": "table{border-collapse:collapse!important}td,th{border-left:none!important;border-right:none!important}",
    "three-line": "table{border-collapse:collapse!important;border-top:2px solid #000!important;"
    "border-bottom:2px solid #000!important}td,th{border:none!important}",
    "column-lines": "td,th{border-top:none!important;border-bottom:none!important}",
}
LAYOUTS = ("per-row", "labels-outside", "dummy-tables", "header-repeat")
REPORTS = {"2021": (2023, 11), "2019": (2020, 5)}
BLANK_ROWS = ("t3.denied.prohibited_by_law.", "t3.denied.third_party_rights.")


@pytest.fixture(scope="module")
def printed():
    """{(template, style or layout): (the cells as printed, PDF bytes)}"""
    from nianbao.synth.layouts import compose_layout
    from nianbao.writer.compose import compose
    from nianbao.writer.render import render
    from nianbao.writer.render.html import render_html

    out = {}
    with fx.chromium_tab() as tab:
        for template, (year, seed) in REPORTS.items():
            data = fx.report_data(year, seed=seed)
            page = render_html(compose(data))
            for style, css in STYLES.items():
                styled = page.replace("</head>", f"<style>{css}</style></head>", 1)
                assert styled != page
                tab.set_content(styled)
                out[template, style] = data.cells, tab.pdf(format="A4")
            cells = {k: None if k.startswith(BLANK_ROWS) else v for k, v in data.cells.items()}
            blanked = data.model_copy(update={"cells": cells})
            for layout in LAYOUTS:
                laid = compose_layout(blanked, layout, rng=random.Random(f"{template}:{layout}"))
                tab.set_content(render(laid.comp, "html").decode("utf-8"))
                out[template, layout] = laid.data.cells, tab.pdf(format="A4")
    return out


@pytest.mark.parametrize("template", REPORTS)
@pytest.mark.parametrize("way", [*STYLES, *LAYOUTS])
def test_a_print_reads_exactly(printed, template, way):
    cells, pdf = printed[template, way]
    r = nianbao.parse(pdf, "report.pdf")
    assert r.template == template
    assert {k: (v, r.value(k)) for k, v in cells.items() if r.value(k) != v} == {}
    if way in STYLES:  # the layouts' blank rows leave 表三's totals short: arithmetic errors
        assert not [f.code for f in r.findings if f.severity == "error"]
