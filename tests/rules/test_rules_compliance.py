from datetime import date

from rules_helpers import CORPUS, codes, gold_report, make_report, run, six_sections

from nianbao.rules.compliance import (
    check_deadline,
    check_fee,
    check_other_processing,
    check_overview_length,
    deadline_for,
)

SEED_004 = CORPUS / "seeds" / "004_e35715c91d6cc432.txt"


def _overview_of_seed_004() -> str:
    import pytest

    if not SEED_004.exists():
        pytest.skip("corpus not present")
    text = SEED_004.read_text(encoding="utf-8")
    return text[
        text.index("1、 总体情况") + len("1、 总体情况") : text.index("二、行政机关主动公开政府信息情况")
    ]


def test_overview_of_seed_004_is_too_long():
    report = make_report("2021", 2021, sections=six_sections(overview=_overview_of_seed_004()))
    found = run(check_overview_length, report)
    assert codes(found) == ["OVERVIEW_TOO_LONG"] and found[0].data["chars"] == 1400


def test_short_overview_and_2019_format_pass():
    text = "2021 年，小城子镇人民政府在县委、县政府坚强领导下，统筹做好主动公开政府信息各项工作。"
    assert run(check_overview_length, make_report("2021", 2021, sections=six_sections(overview=text))) == []
    # the 1,000-character limit came with the 2021 format
    long_2020 = make_report("2019", 2020, sections=six_sections(overview=_overview_of_seed_004()))
    assert run(check_overview_length, long_2020) == []


def test_fee_not_reported_in_seeds_003_and_004():
    for text in ("无其它需要报告事项。", "无"):
        found = run(check_fee, make_report("2021", 2021, sections=six_sections(other=text)))
        assert codes(found) == ["FEE_NOT_REPORTED"]
        assert text in found[0].message


def test_fee_reported_passes():
    for text in (
        "2024 年，市政府严格落实《政府信息公开信息处理费管理\n办法》，全年收取政府信息公开信息处理费 3940 元。",
        "2021年，无收取信息处理费情况。",
        "本年度未收取任何费用。",
    ):
        assert run(check_fee, make_report("2021", 2021, sections=six_sections(other=text))) == [], text
    assert run(check_fee, make_report("2019", 2020, sections=six_sections(other="无。"))) == []


def test_fee_when_part_six_is_missing():
    parts = [s for s in six_sections(overview="全年未收取信息处理费。") if s.key != "other"]
    assert run(check_fee, make_report("2021", 2022, sections=parts)) == []
    parts[0].text = "无"
    assert codes(run(check_fee, make_report("2021", 2022, sections=parts))) == ["FEE_NOT_REPORTED"]


def test_other_processing_high_share():
    values = {
        "t3.granted.natural_person": 40,
        "t3.granted.total": 40,
        "t3.other.other.natural_person": 15,
        "t3.other.other.total": 15,
        "t3.results_total.natural_person": 55,
        "t3.results_total.total": 55,
    }
    found = run(check_other_processing, make_report("2021", 2023, values=values))
    assert codes(found) == ["OTHER_PROCESSING_HIGH"]
    assert "15 件" in found[0].message and "27.3%" in found[0].message


def test_other_processing_small_share_or_few_cases():
    # 淮安市 2024: （六） 71 + 6 + 110 = 187 of 3,050 results (6.1 %)
    assert run(check_other_processing, gold_report("huaian-city-2024")) == []
    few = {"t3.other.natural_person": 2, "t3.other.total": 2, "t3.results_total.total": 3}
    assert run(check_other_processing, make_report("2019", 2020, values=few)) == []


def test_deadlines_by_organ_kind():
    assert deadline_for("小曹娥镇人民政府", 2020)[0] == date(2021, 1, 31)
    assert deadline_for("乐业镇", 2020)[0] == date(2021, 1, 31)
    assert deadline_for("樟树市教育局", 2021)[0] == date(2022, 1, 31)
    assert deadline_for("洪泽区人民政府", 2023)[0] == date(2024, 3, 31)
    assert deadline_for("上海市人民政府办公厅", 2019)[0] == date(2020, 3, 31)
    assert deadline_for("平潭综合实验区", 2023) is None


def test_town_report_published_late():
    report = make_report("2019", 2020, organ="小曹娥镇人民政府", published="2021-02-03")
    found = run(check_deadline, report)
    assert codes(found) == ["LATE_PUBLICATION"] and "2021-01-31" in found[0].message
    assert found[0].data["days_late"] == 3


def test_on_time_unknown_kind_or_no_date_pass():
    assert (
        run(check_deadline, make_report("2019", 2020, organ="小曹娥镇人民政府", published="2021-01-29")) == []
    )
    assert (
        run(check_deadline, make_report("2021", 2023, organ="平潭综合实验区", published="2024-03-08")) == []
    )
    assert run(check_deadline, make_report("2021", 2023, organ="洪泽区人民政府", published=None)) == []
