import csv

import pytest

from nianbao.arithmetic import relations
from nianbao.templates import get_template, template_for_year
from nianbao.testing import spec_dir

SPEC = spec_dir()


def spec_keys(template_id: str) -> list[str]:
    path = SPEC / f"keys-{template_id}.tsv"
    if not path.exists():
        pytest.skip("shared spec not present")
    with path.open(encoding="utf-8") as f:
        return [row["key"] for row in csv.DictReader(f, delimiter="\t")]


@pytest.mark.parametrize("template_id,count", [("2019", 198), ("2021", 200)])
def test_cell_keys_match_the_spec_in_order(template_id, count):
    keys = get_template(template_id).cell_keys
    assert len(keys) == count
    assert list(keys) == spec_keys(template_id)


@pytest.mark.parametrize("year,expected", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2030, "2021")])
def test_template_follows_the_year(year, expected):
    assert template_for_year(year).id == expected


def test_t3_relations_cover_the_official_arithmetic():
    rels = relations("2021", "t3")
    codes = {r.code for r in rels}
    assert codes == {"T3_ROW_TOTAL", "T3_RESULTS_TOTAL", "T3_BALANCE"}
    results_total = next(r for r in rels if r.code == "T3_RESULTS_TOTAL" and r.lhs[0].endswith(".total"))
    # 2 granted rows + 8 denied + 3 unable + 5 not processed + 3 other = 21 result rows in 2021
    assert len(results_total.rhs) == 21
    assert len([r for r in relations("2019", "t3") if r.code == "T3_RESULTS_TOTAL"][0].rhs) == 19


def test_t4_group_totals():
    rels = relations("2019", "t4")
    assert [r.lhs[0] for r in rels] == [
        "t4.review.total",
        "t4.litigation_direct.total",
        "t4.litigation_after_review.total",
    ]
    assert rels[0].holds(
        {
            "t4.review.total": 3,
            "t4.review.upheld": 1,
            "t4.review.corrected": 1,
            "t4.review.other": 0,
            "t4.review.pending": 1,
        }
    )
