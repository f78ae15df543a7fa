from rules_helpers import codes, gold_report, make_report, run

from nianbao.model import CellValue
from nianbao.rules.cells import check_blank, check_values


def test_blank_enforcement_cell_of_seed_003():
    report = make_report("2021", 2021, values={"t2.enforcement.decisions": None})
    found = run(check_blank, report)
    assert codes(found) == ["CELL_BLANK"]
    assert found[0].cells == ["t2.enforcement.decisions"]
    assert "行政强制/本年处理决定数量" in found[0].message


def test_blank_cells_are_reported_once_per_table():
    # 上海市人民政府办公厅 2019 prints zeros as empty cells throughout 表三 and 表四
    report = gold_report("shanghai-gov-office-2019")
    found = run(check_blank, report)
    assert codes(found) == ["CELL_BLANK", "CELL_BLANK"]
    assert [f.where for f in found] == ["表三", "表四"]
    blank = {k for k, v in report.cells.items() if v.value is None}
    assert {k for f in found for k in f.cells} == blank
    assert "等" in found[0].message  # a long list is cut short in the message, not in `cells`


def test_blank_markers_count_as_blank_but_missing_and_ambiguous_cells_do_not():
    report = make_report("2019", 2020)
    report.cells["t2.fees.change"] = CellValue(None, raw="—")
    report.cells["t2.fees.prev_count"] = CellValue(None, raw="无")
    report.cells["t3.granted.total"] = CellValue(None, raw=None)
    report.cells["t3.granted.natural_person"] = CellValue(None, raw="220000022", method="ambiguous")
    found = run(check_blank, report)
    assert [f.cells for f in found] == [["t2.fees.prev_count", "t2.fees.change"]]
    assert run(check_blank, make_report()) == []


def test_annotated_amount_of_seed_001_and_annotated_count():
    report = make_report("2019", 2020)
    report.cells["t2.procurement.amount"] = CellValue(270.6, raw="270.6万元")
    report.cells["t2.normative_docs.made"] = CellValue(22, raw="22（其中修订16件）")
    found = run(check_values, report)
    assert codes(found) == ["CELL_ANNOTATED", "CELL_ANNOTATED"]
    assert "270.6万元" in found[1].message and found[1].severity == "info"


def test_plain_numbers_and_converted_amounts_are_not_annotated():
    report = make_report("2019", 2020)
    report.cells["t2.procurement.amount"] = CellValue(25.1, raw="251000元", method="converted")
    report.cells["t2.penalty.decisions"] = CellValue(3985758, raw="3,985,758")
    report.cells["t2.licensing.decisions"] = CellValue(12, raw="12件")
    report.cells["t2.rules.made"] = CellValue(3, raw=" 3 ")
    assert run(check_values, report) == []


def test_text_where_a_number_belongs():
    report = make_report("2021", 2021)
    report.cells["t2.fees.amount"] = CellValue(None, raw="详见附表")
    found = run(check_values, report)
    assert codes(found) == ["CELL_NOT_NUMERIC"] and "详见附表" in found[0].message
    assert found[0].severity == "error"


def test_negative_only_where_the_column_is_signed():
    report = make_report("2019", 2020, values={"t2.licensing.change": -3, "t3.granted.natural_person": -1})
    found = run(check_values, report)
    assert codes(found) == ["CELL_NEGATIVE"]
    assert found[0].cells == ["t3.granted.natural_person"]


def test_fractions_only_in_count_cells():
    report = make_report("2021", 2021, values={"t2.fees.amount": 96171.6, "t3.granted.total": 2.5})
    found = run(check_values, report)
    assert codes(found) == ["CELL_NOT_INTEGER"] and found[0].cells == ["t3.granted.total"]


def test_a_cell_printed_zanwu_is_blank_not_text():
    # one blank-marker definition (formats.yaml): the extractor and the rules agree on 暂无
    report = make_report("2021", 2021)
    report.cells["t2.fees.amount"] = CellValue(None, raw="暂无")
    assert codes(run(check_blank, report)) == ["CELL_BLANK"]
    assert run(check_values, report) == []
