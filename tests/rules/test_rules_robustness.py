"""Whatever an extractor hands over, validation finishes and its findings are well-formed."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.findings import CATALOGUE
from nianbao.model import CellValue, Report, Section
from nianbao.rules import validate
from nianbao.templates import all_cell_keys, get_template, sections

RAWS = st.sampled_from(
    [None, "", "/", "—", "无", "0", "12", "3,985,758", "270.6万元", "详见附表", "-1", "2.5"]
)
VALUES = st.one_of(st.none(), st.integers(-5, 10_000), st.floats(-1, 1e6, allow_nan=False))
METHODS = st.sampled_from(["read", "recovered", "inferred", "converted", "ambiguous", "manual"])
TEXTS = st.sampled_from(
    [
        "",
        "无",
        "2021年，无收取信息处理费情况。",
        "共受理政府信息公开申请十七件，答复805件，行政复议7件，诉讼9件。",
        "严格按照《中华人民共和国信息公开条例》要求",
        "予以公开及部分公开258件，其中予以公开二百件。",
    ]
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    template = draw(st.sampled_from(["2019", "2021", None]))
    tables = draw(st.sets(st.sampled_from(["t2", "t3", "t4"])))
    cells = {}
    if template:
        keys = [k for k in get_template(template).cell_keys if k.split(".")[0] in tables]
        for key in draw(st.lists(st.sampled_from(keys), unique=True, max_size=40)) if keys else []:
            cells[key] = CellValue(draw(VALUES), raw=draw(RAWS), method=draw(METHODS))
        for key in keys:
            cells.setdefault(key, CellValue(0, raw="0"))
    parts = [
        Section(
            draw(st.sampled_from([s.key, None])),
            f"{s.number}、{s.title}",
            draw(st.sampled_from([f"{s.number}、", "1、", "（一）", None])),
            draw(TEXTS),
        )
        for s in draw(st.permutations(list(sections())))[: draw(st.integers(0, 6))]
    ]
    return Report(
        source="random",
        organ=draw(st.sampled_from([None, "乐业镇", "洪泽区人民政府", "平潭综合实验区", "樟树市教育局"])),
        year=draw(st.sampled_from([None, 2019, 2020, 2021, 2024])),
        template=template,
        table_templates=draw(st.sampled_from([{}, {"t3": "2019"}, {"t3": "2021"}])),
        published=draw(st.sampled_from([None, "2021-01-29", "2025-04-01", "not a date"])),
        title=draw(
            st.sampled_from(
                [
                    None,
                    "",
                    "2021 年度宝清县小城子镇 信息公开工作年度报告",
                    "乐业镇2020年政府信息公开工作年度报告",
                ]
            )
        ),
        sections=parts,
        cells=cells,
        tables_present=tables,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_validation_never_crashes_and_findings_are_well_formed(report):
    findings = validate(report)
    for f in findings:
        assert f.code in CATALOGUE
        assert f.message and isinstance(f.message, str)
        assert set(f.cells) <= all_cell_keys()
        f.to_dict()
