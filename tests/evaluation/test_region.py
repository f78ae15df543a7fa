"""The default rubric on the synthetic county (tests/evaluation/synthetic_region.py), by hand.

Every expected value below is computed in the comment beside it from the numbers the county was
built with; the same numbers are stored once with 2019-template reports (2020, previous 2019) and
once with 2021-template reports (2024, previous 2023): the indicators must not differ.
"""

from __future__ import annotations

import pytest

from nianbao.evaluation import evaluate_region, load_rubric
from nianbao.store import Store

from .synthetic_region import seed

# (status, colour, value, sample, points) per unit and indicator; value None: not checked (None)
R, Y, G = "red", "yellow", "green"
EXPECTED = {
    "测试县财政局": {  # A
        "timeliness": ("rated", G, -11, None, 12),  # 01-20 vs 01-31: 11 days early → full 12
        "parts_complete": ("rated", G, 6, None, 8),
        "tables_complete": ("rated", G, 3, None, 8),
        "arithmetic_errors": ("rated", G, 0, None, 12),
        "format_errors": ("rated", Y, 1, None, 3),  # one CELL_BLANK ≤ 2 → yellow, 6 × 0.5
        "narrative_consistency": ("rated", G, 0, None, 6),
        "problems_substance": ("rated", G, 160, None, 8),  # "问题" × 80
        "text_reuse": ("rated", G, 0.0, None, 8),  # "问题"×80 vs "改进"×80: no common character
        "substantive_disclosure_rate": ("rated", G, 60 / 90, 90, 8),  # (50+10) ÷ (100−5−5)
        "denial_rate": ("rated", G, 0.10, 100, 6),  # 10 ÷ 100, exactly the green bound (≤ 10 %)
        "carry_forward_rate": ("rated", G, 0.0, 100, 3),  # 0 ÷ (100 + 0)
        "review_correction_rate": ("rated", R, 0.25, 40, 0),  # 10 ÷ (40 − 0) > 15 %
        "litigation_loss_rate": ("insufficient", None, 1 / 3, 3, None),  # 3 concluded < 30
        "dispute_rate": ("rated", R, 0.43, 100, 0),  # (40 + 3 + 0) ÷ 100 > 10 %
    },
    "测试县教育局": {  # B
        "timeliness": ("rated", Y, 15, None, 9),  # 02-15: 15 days late → 12 × (1 − 15/60)
        "parts_complete": ("rated", Y, 5, None, 4),  # no part 五 → 5, yellow 8 × 0.5
        "tables_complete": ("rated", G, 3, None, 8),
        "arithmetic_errors": ("rated", Y, 1, None, 6),  # T3_ROW_TOTAL; T4_GROUP_TOTAL accepted
        "format_errors": ("rated", G, 0, None, 6),
        "narrative_consistency": ("rated", R, 2, None, 0),  # two NARRATIVE_MISMATCH > 1
        "problems_substance": ("rated", R, 0, None, 0),  # no part 五: 0 characters
        "text_reuse": ("undefined", None, None, None, None),  # no report for the year before
        "substantive_disclosure_rate": ("insufficient", None, 1.0, 5, None),  # 5 applications < 30
        "denial_rate": ("insufficient", None, 0.0, 5, None),
        "carry_forward_rate": ("insufficient", None, 0.0, 5, None),
        "review_correction_rate": ("insufficient", None, None, 0, None),  # 0 ÷ 0 undefined, sample 0
        "litigation_loss_rate": ("insufficient", None, None, 0, None),
        "dispute_rate": ("insufficient", None, 0.0, 5, None),
    },
    "城关镇人民政府": {  # C
        "timeliness": ("rated", R, 33, None, 5.4),  # 03-05 vs 01-31: 33 days > 30 → red; 12 × (1 − 33/60)
        "parts_complete": ("rated", G, 6, None, 8),
        "tables_complete": ("rated", Y, 2, None, 4),  # no 表四
        "arithmetic_errors": ("rated", G, 0, None, 12),
        "format_errors": ("rated", G, 0, None, 6),
        "narrative_consistency": ("rated", G, 0, None, 6),
        "problems_substance": ("rated", Y, 80, None, 4),  # "问题" × 40: exactly the yellow bound (≥ 80)
        "text_reuse": ("rated", R, 1.0, None, 0),  # the same part 五 as last year
        "substantive_disclosure_rate": ("rated", R, 10 / 30, 30, 0),  # 10 ÷ 30; 30 cases: just rated
        "denial_rate": ("rated", R, 0.5, 30, 0),  # 15 ÷ 30
        "carry_forward_rate": ("rated", R, 8 / 38, 38, 0),  # 8 ÷ (36 + 2) > 20 %
        "review_correction_rate": ("undefined", None, None, None, None),  # 表四 missing
        "litigation_loss_rate": ("undefined", None, None, None, None),
        "dispute_rate": ("undefined", None, None, 36, None),  # sample 36 known, 表四 not
    },
    "测试县人民政府": {  # D
        "timeliness": ("rated", G, -30, None, 12),  # 03-01 vs a government's 03-31
        "parts_complete": ("rated", G, 6, None, 8),
        "tables_complete": ("rated", G, 3, None, 8),
        "arithmetic_errors": ("rated", G, 0, None, 12),
        "format_errors": ("rated", G, 0, None, 6),
        "narrative_consistency": ("rated", G, 0, None, 6),
        "problems_substance": ("rated", G, 150, None, 8),  # exactly the green bound (≥ 150)
        "text_reuse": ("undefined", None, None, None, None),
        "substantive_disclosure_rate": ("rated", G, 350 / 470, 470, 8),  # (300+50) ÷ (500−20−10)
        "denial_rate": ("rated", G, 0.04, 500, 6),  # 20 ÷ 500
        "carry_forward_rate": ("rated", G, 25 / 525, 525, 3),  # 25 ÷ (525 + 0)
        "review_correction_rate": ("insufficient", None, 3 / 25, 25, None),  # 30 − 5 pending = 25 < 30
        "litigation_loss_rate": ("rated", G, 1 / 30, 30, 6),  # (1+0) ÷ (29 + 2 − 0 − 1)
        "dispute_rate": ("rated", R, 61 / 525, 525, 0),  # (30 + 29 + 2) ÷ 525
    },
}
# points, maximum (weights of the indicators judged), total on 100
TOTALS = {
    "测试县财政局": (82, 94, 87.23),  # 100 − 6 (litigation)
    "测试县教育局": (33, 60, 55.0),  # 12+8+8+12+6+6+8; reuse and all six rates out
    "城关镇人民政府": (45.4, 85, 53.41),  # 100 − 6 − 6 − 3 (表四 rates)
    "测试县人民政府": (83, 86, 96.51),  # 100 − 8 (reuse) − 6 (review)
    "测试县交通运输局": (0, 100, 0.0),  # not published: every weight counts, no points
    "河口镇人民政府": (0, 100, 0.0),  # known only from the region list
}
# rank in the county, rank in the level, level
RANKS = {
    "测试县人民政府": (1, 1, "县级政府"),
    "测试县财政局": (2, 1, "县级部门"),
    "测试县教育局": (3, 2, "县级部门"),
    "城关镇人民政府": (4, 1, "乡镇（街道）"),
    "测试县交通运输局": (5, 3, "县级部门"),
    "河口镇人民政府": (5, 2, "乡镇（街道）"),
}


@pytest.fixture(params=[2020, 2024], ids=["2019-template", "2021-template"])
def county(request: pytest.FixtureRequest, db_url: str):
    store = Store(db_url)
    ids = seed(store, request.param)
    yield store, request.param, ids
    store.close()


def test_every_indicator_by_hand(county) -> None:
    store, year, _ = county
    ev = evaluate_region(store, "测试县", year)
    got = {u.unit.name: u for u in ev.units}
    for name, expected in EXPECTED.items():
        results = got[name].score.results
        assert set(results) == set(expected)
        for key, (status, colour, value, sample, points) in expected.items():
            r = results[key]
            where = f"{name} {key}"
            assert r.status == status, where
            assert r.colour == colour, where
            if value is None:
                assert r.value is None, where
            else:
                assert r.value == pytest.approx(value), where
            assert r.sample == (None if sample is None else pytest.approx(sample)), where
            assert r.points == (None if points is None else pytest.approx(points)), where


def test_totals_weights_and_ranking(county) -> None:
    store, year, _ = county
    ev = evaluate_region(store, "测试县", year)
    assert load_rubric().total_weight == 100
    got = {u.unit.name: u for u in ev.units}
    assert set(got) == set(TOTALS)
    for name, (points, maximum, total) in TOTALS.items():
        u = got[name]
        assert u.score.points == pytest.approx(points), name
        assert u.score.max_points == pytest.approx(maximum), name
        assert u.total == pytest.approx(total), name
        assert (u.rank, u.level_rank, u.unit.level) == RANKS[name], name
    # best first, ties kept in one place, the units that did not publish last
    assert [u.unit.name for u in ev.units[:4]] == [
        "测试县人民政府",
        "测试县财政局",
        "测试县教育局",
        "城关镇人民政府",
    ]


def test_coverage_and_year_over_year(county) -> None:
    store, year, ids = county
    ev = evaluate_region(store, "测试县", year)
    # expected: A, B, C, D, E and 河口镇's government; B and D first reported this year
    assert (ev.published, ev.expected) == (4, 6)
    assert ev.coverage == pytest.approx(4 / 6)
    # last year A, C, E published; 河口镇's and the county's own government (D first reported this
    # year, so last year it is known only as the region's government) did not
    assert ev.previous_coverage == (3, 5)
    assert {u.unit.name for u in ev.missing} == {"测试县交通运输局", "河口镇人民政府"}
    got = {u.unit.name: u for u in ev.units}
    a, c = got["测试县财政局"], got["城关镇人民政府"]
    # A last year: 77 of 86 (no CELL_BLANK; reuse undefined: no year before) = 89.53
    assert a.previous_total == pytest.approx(89.53)
    assert a.movement == pytest.approx(87.23 - 89.53)
    assert a.previous_report_id == ids["A_prev"]
    # last year A and E tie at 89.53 (rank 1), C 3rd: 12+8+4+12+6+6+4+0+0+0 = 52 of 77
    assert c.previous_total == pytest.approx(67.53)
    assert (a.previous_rank, c.previous_rank) == (1, 3)
    assert (a.rank_change, c.rank_change) == (-1, -1)
    assert got["测试县教育局"].previous_total is None


def test_evidence_names_the_cells_and_findings(county) -> None:
    store, year, ids = county
    ev = evaluate_region(store, "测试县", year)
    a = next(u for u in ev.units if u.unit.name == "测试县财政局")
    rate = a.score.results["substantive_disclosure_rate"]
    refs = [e.ref for e in rate.evidence if e.kind == "cell"]
    assert refs[0] == "t3.granted.total"  # the numerator leads
    assert "t3.results_total.total" in refs
    assert all(e.href and e.href.startswith(f"/reports/{ids['A']}#cell-") for e in rate.evidence)
    b = next(u for u in ev.units if u.unit.name == "测试县教育局")
    arith = b.score.results["arithmetic_errors"].evidence
    assert [e.ref for e in arith] == ["T3_ROW_TOTAL"]  # the accepted T4_GROUP_TOTAL is not evidence
    fid = next(f.id for f in store.findings(report_id=ids["B"]) if f.code == "T3_ROW_TOTAL")
    assert arith[0].href == f"/reports/{ids['B']}#finding-{fid}"
    late = b.score.results["timeliness"].evidence[0]
    assert "落款日期" in late.text and "规定时限" in late.text
    reuse = next(u for u in ev.units if u.unit.name == "城关镇人民政府").score.results["text_reuse"]
    assert reuse.evidence[0].report_id == ids["C_prev"]  # links to last year's report


def test_unknown_and_ambiguous_region(db_url: str) -> None:
    from nianbao.evaluation import EvaluationError

    store = Store(db_url)
    seed(store, 2024)
    with pytest.raises(EvaluationError, match="没有地区"):
        evaluate_region(store, "不存在县", 2024)
    store.ensure_region("城关镇", "乡镇", parent="另一县")
    with pytest.raises(EvaluationError, match="不唯一"):
        evaluate_region(store, "城关镇", 2024)
    ev = evaluate_region(store, "测试县/城关镇", 2024)
    assert [u.unit.name for u in ev.units] == ["城关镇人民政府"]
    store.close()


def test_the_sites_publication_date_comes_before_the_signature(db_url: str) -> None:
    from nianbao.store import DocumentRecord, acquire

    from .synthetic_region import A_GROUPS, build

    store = Store(db_url)
    signed_on_time = build("测试县民政局", 2024, "2025-01-20", A_GROUPS)
    store.record_document("ab" * 32, "民政局.html", 100, signed_on_time)
    store.record_documents(
        [DocumentRecord("cd" * 32, "水利局.html", 100, build("测试县水利局", 2024, "2025-01-20", A_GROUPS))]
    )
    # the site put the 民政局 report online on 25 February: 25 days late whatever it says it was signed
    acquire.record_fetch(
        store, "ab" * 32, "http://127.0.0.1/mzj/2024.html", published="2025-02-25", published_source="页面"
    )
    ev = evaluate_region(store, "测试县", 2024)
    got = {u.unit.name: u.score.results["timeliness"] for u in ev.units}
    late, signed = got["测试县民政局"], got["测试县水利局"]
    assert (late.value, late.colour, late.points) == (25, "yellow", pytest.approx(12 * (1 - 25 / 60)))
    assert late.evidence[0].text.startswith("网站发布日期 2025-02-25")
    assert (signed.value, signed.colour) == (-11, "green") and signed.evidence[0].text.startswith("落款日期")
    store.close()
