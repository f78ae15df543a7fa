"""Run-together crawls whose own arithmetic is broken, and rows with blanks, from the writer's crawls."""

import random

import pytest

import nianbao
from nianbao.synth.generate import random_data
from nianbao.writer import render_report


def _crawl(data) -> bytes:
    return render_report(data, "txt", text_style="crawl", allow_errors=True).content


@pytest.mark.parametrize("seed", range(6))
def test_a_broken_row_total_is_reported_even_when_the_digits_stay_run_together(seed):
    data = random_data(random.Random(seed), year=2022)
    key = "t3.granted.natural_person"
    data.cells[key] = (data.cells[key] or 0) + 7  # the row's 总计 no longer adds up
    report = nianbao.parse(_crawl(data), "crawl.txt")
    codes = {f.code for f in report.findings}
    assert {"T3_ROW_TOTAL", "T3_RESULTS_TOTAL"} & codes, codes
    # and nothing is silently wrong
    flagged = {k for f in report.findings for k in f.cells}
    for k, cell in report.cells.items():
        if cell.value is not None and data.cells.get(k) is not None and cell.value != data.cells[k]:
            assert k in flagged, k


def test_a_consistent_crawl_raises_no_arithmetic_finding():
    data = random_data(random.Random(3), year=2020)
    report = nianbao.parse(_crawl(data), "crawl.txt")
    codes = {f.code for f in report.findings}
    assert not {"T3_ROW_TOTAL", "T3_RESULTS_TOTAL", "T3_BALANCE", "T4_GROUP_TOTAL"} & codes


def test_a_row_with_fewer_digits_than_cells_is_blank_somewhere():
    data = random_data(random.Random(5), year=2020)
    data.cells.update(
        {"t2.licensing.prev_count": None, "t2.licensing.change": 5, "t2.licensing.decisions": 0}
    )
    report = nianbao.parse(_crawl(data), "crawl.txt")
    blank = [f for f in report.findings if f.code == "CELL_BLANK"]
    assert blank and "t2.licensing.change" in blank[0].cells
    assert report.value("t2.licensing.change") is None
