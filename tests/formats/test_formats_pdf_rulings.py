"""Tables printed with some of their lines: no lines at all, row lines only, a three-line table
(top and bottom rules), column lines only. The writer's report in each style, printed to PDF by
Chromium, must read exactly: a grid whose rulings miss its rows (a cell holding a column of
stacked values, or a header above its value) is read as the unruled text it mostly is, never as
one row of run-together cells."""

from __future__ import annotations

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
REPORTS = {"2021": (2023, 11), "2019": (2020, 5)}


@pytest.fixture(scope="module")
def printed():
    """{(template, style): (cells, PDF bytes)}"""
    from nianbao.writer.compose import compose
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
    return out


@pytest.mark.parametrize("template", REPORTS)
@pytest.mark.parametrize("style", STYLES)
def test_a_table_printed_with_some_of_its_lines_reads_exactly(printed, template, style):
    cells, pdf = printed[template, style]
    r = nianbao.parse(pdf, "report.pdf")
    assert r.template == template
    assert {k: (v, r.value(k)) for k, v in cells.items() if r.value(k) != v} == {}
    assert not [f.code for f in r.findings if f.severity == "error"]
