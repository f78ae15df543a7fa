import json

import pytest

from nianbao.arithmetic import all_relations
from nianbao.templates import get_template
from nianbao.writer.data import InputError, ReportData, complete_totals, load_mapping_file


def test_template_follows_the_year_unless_given():
    assert ReportData(organ="甲", year=2020).template_id == "2019"
    assert ReportData(organ="甲", year=2024).template_id == "2021"
    assert ReportData(organ="甲", year=2024, template=2019).template_id == "2019"


def test_yaml_with_nested_and_dotted_keys(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "organ: 某某镇人民政府\nyear: 2021\npublished: 2022-01-25\n"
        "sections:\n  总体情况: 概述文字\n  problems: 问题\n"
        "cells:\n  t3:\n    granted:\n      natural_person: 3\n  t3.denied.state_secret.commercial: 1\n"
        "  t2.fees.amount: '12.50'\n",
        encoding="utf-8",
    )
    data = load_mapping_file(path)
    assert data.cells["t3.granted.natural_person"] == 3
    assert data.cells["t3.denied.state_secret.commercial"] == 1
    assert data.cells["t2.fees.amount"] == 12.5
    assert data.sections == {"overview": "概述文字", "problems": "问题"}
    assert data.published.isoformat() == "2022-01-25"


def test_unknown_keys_and_bad_values_are_all_reported_in_chinese(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps(
            {
                "organ": "甲",
                "year": 2024,
                "cells": {"t2.rules.made": 1, "t3.granted.nobody": 2, "t2.rules.issued": "三件"},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_mapping_file(path)
    text = str(exc.value)
    assert "t2.rules.made" in text and "2019年版" in text
    assert "t3.granted.nobody" in text
    assert "“三件”不是数字" in text


def test_missing_organ_is_reported(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("year: 2024\n", encoding="utf-8")
    with pytest.raises(InputError, match="organ.*缺少此项"):
        load_mapping_file(path)


@pytest.mark.parametrize("template_id", ["2019", "2021"])
def test_complete_totals_satisfies_every_total_relation(template_id):
    tpl = get_template(template_id)
    parts = {k: 1 for k in tpl.cell_keys if not k.endswith(".total") and ".results_total." not in k}
    full = complete_totals(parts, template_id)
    assert set(full) == set(tpl.cell_keys)
    for rel in all_relations(template_id):
        if rel.code != "T3_BALANCE":
            assert rel.holds(full), rel
    assert full["t3.results_total.total"] == 6 * len([r for r in tpl.table("t3").blocks[0].rows if r.result])


def test_round_trip_through_report(sample_data):
    report = sample_data.to_report()
    assert [s.heading for s in report.sections][2] == "三、收到和处理政府信息公开申请情况"
    back = ReportData.from_report(report)
    assert back.cells == {k: sample_data.cells.get(k) for k in get_template("2021").cell_keys}
