"""Whatever nianbao writes, nianbao.parse() reads back to the identical cells and metadata."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao.findings import Severity
from nianbao.synth.generate import consistent_cells
from nianbao.templates import get_template
from nianbao.writer import ReportData, render_report


@st.composite
def reports(draw, template_id=None):
    template_id = template_id or draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.integers(2019, 2020) if template_id == "2019" else st.integers(2021, 2026))
    rng = draw(st.randoms(use_true_random=False))
    high = draw(st.sampled_from([3, 20, 400]))
    organ = draw(
        st.sampled_from(
            [
                "青山县人民政府办公室",
                "白河镇人民政府",
                "临川区市场监督管理局",
                "安平市自然资源和规划局",
                "东湖街道办事处",
            ]
        )
    )
    return ReportData(
        organ=organ,
        year=year,
        template=template_id,
        published=dt.date(year + 1, 1, draw(st.integers(5, 31))),
        cells=consistent_cells(template_id, rng, high=high),
        sections={
            "overview": f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
            "problems": "政策解读形式较为单一。",
            "other": "本年度未收取信息处理费。",
        },
    )


def assert_reads_back(data: ReportData, fmt: str) -> None:
    written = render_report(data, fmt)
    report = nianbao.parse(written.content, name=f"report.{fmt}")
    keys = get_template(data.template_id).cell_keys
    expected = {k: data.cells[k] for k in keys}
    got = {k: report.value(k) for k in keys}
    wrong = {k: (expected[k], got[k]) for k in keys if got[k] is None or abs(got[k] - expected[k]) > 1e-9}
    assert not wrong, f"{fmt}: {len(wrong)} cells differ, e.g. {list(wrong.items())[:5]}"
    assert (report.organ, report.year, report.template) == (data.organ, data.year, data.template_id)
    assert report.published == data.published.isoformat()
    errors = [f.code for f in report.findings if f.severity == Severity.ERROR]
    assert not errors, errors


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["docx", "html", "md", "txt"])
@FAST
@given(data=reports())
def test_round_trip(fmt, data):
    assert_reads_back(data, fmt)


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.parametrize("template_id", ["2019", "2021"])
# no shrinking: every example is a LibreOffice conversion, and a failing one shrunk costs minutes
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(data=st.data())
def test_round_trip_pdf(template_id, data):
    assert_reads_back(data.draw(reports(template_id)), "pdf")
