import pytest
from rules_helpers import CORPUS, codes, gold_report, make_report, run

from nianbao.rules.arithmetic import check_relations, check_t2

GRANTED = {
    "t3.granted.natural_person": 27,
    "t3.granted.social_welfare": 2,
    "t3.granted.total": 30,
}


def test_row_total_that_is_not_the_sum_of_the_applicants():
    report = make_report("2021", 2023, values=GRANTED)
    found = [f for f in run(check_relations, report) if f.code == "T3_ROW_TOTAL"]
    assert len(found) == 1
    assert found[0].message == "表三“（一）予以公开”行：总计 30 ≠ 各类申请人之和 27+0+0+2+0+0 = 29"
    assert "t3.granted.total" in found[0].cells and found[0].data["lhs"] == 30 and found[0].data["rhs"] == 29


def test_results_total_and_balance():
    values = {
        f"t3.{row}.{col}": n
        for row in ("new_received", "granted", "results_total")
        for col, n in (("natural_person", 27), ("legal_service", 2), ("total", 29))
    }
    assert run(check_relations, make_report("2021", 2023, values=values)) == []
    values["t3.results_total.total"] = 30
    found = run(check_relations, make_report("2021", 2023, values=values))
    assert sorted(codes(found)) == ["T3_BALANCE", "T3_RESULTS_TOTAL", "T3_ROW_TOTAL"]
    results = next(f for f in found if f.code == "T3_RESULTS_TOTAL")
    assert "（七）总计 30 ≠ 各项办理结果之和 29" in results.message and "（一）予以公开 29" in results.message
    balance = next(f for f in found if f.code == "T3_BALANCE")
    assert "本年新收 29 + 上年结转 0 = 29 ≠ （七）总计 30 + 结转下年度继续办理 0 = 30" in balance.message


def test_a_total_below_the_parts_already_read_is_broken_whatever_the_unread_cells():
    # a PDF table extractor half a row off (2019 template): （七）总计 read 0 while （六）其他处理 read
    # 23, and a result row unread — no value of theirs can make 0 the sum
    values = {"t3.other.natural_person": 23, "t3.other.total": 23, "t3.results_total.natural_person": 0}
    values |= {"t3.results_total.total": 0, "t3.granted.natural_person": None, "t3.granted.total": None}
    found = [
        f
        for f in run(check_relations, make_report("2019", 2020, values=values))
        if f.code == "T3_RESULTS_TOTAL"
    ]
    assert len(found) == 2
    assert "（七）总计 0 小于已读出的各项办理结果之和 23" in found[0].message
    assert "（一）予以公开/自然人" in found[0].message
    assert {"t3.results_total.natural_person", "t3.other.natural_person", "t3.granted.natural_person"} <= set(
        found[0].cells
    )


def test_unread_cells_that_could_still_reconcile_give_no_verdict():
    # the total is above what was read: the unread cell may hold the difference
    values = {
        "t3.granted.natural_person": None,
        "t3.results_total.natural_person": 5,
        "t3.other.natural_person": 3,
    }
    values |= {"t3.results_total.total": 5, "t3.other.total": 3, "t3.granted.total": None}
    found = run(check_relations, make_report("2019", 2020, values=values))
    assert not [f for f in found if f.code == "T3_RESULTS_TOTAL"]


def test_blank_totals_give_no_verdict():
    # 上海市人民政府办公厅 2019 leaves 总计 blank in the result rows: every relation with a blank is skipped
    report = gold_report("shanghai-gov-office-2019")
    assert run(check_relations, report) == []


def test_t4_totals_printed_0_in_hongze_2023():
    found = run(check_relations, gold_report("huaian-hongze-2023"))
    assert codes(found) == ["T4_GROUP_TOTAL", "T4_GROUP_TOTAL"]
    assert (
        found[0].message
        == "表四“行政复议”行：总计 0 ≠ 结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11"
    )
    assert "复议后起诉" in found[1].where


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in (CORPUS / "gold").glob("*.json") if p.stem != "huaian-hongze-2023")
)
def test_gold_tables_that_reconcile_raise_nothing(name):
    report = gold_report(name)
    assert run(check_relations, report) == []
    assert run(check_t2, report) == []


def test_in_force_below_issued_minus_repealed():
    values = {
        "t2.normative_docs.issued": 77,
        "t2.normative_docs.repealed": 2,
        "t2.normative_docs.in_force": 70,
    }
    found = run(check_t2, make_report("2021", 2023, values=values))
    assert (
        codes(found) == ["T2_IMPLAUSIBLE"]
        and "现行有效件数 70 小于本年制发 77 − 本年废止 2 = 75" in found[0].message
    )
    values["t2.normative_docs.in_force"] = 470  # 平潭 2023: 77 制发, 132 废止, 470 现行有效
    values["t2.normative_docs.repealed"] = 132
    assert run(check_t2, make_report("2021", 2023, values=values)) == []


def test_total_published_below_published_2019():
    values = {"t2.rules.published": 13, "t2.rules.total_published": 12}
    found = run(check_t2, make_report("2019", 2019, values=values))
    assert codes(found) == ["T2_IMPLAUSIBLE"] and found[0].cells == [
        "t2.rules.published",
        "t2.rules.total_published",
    ]
