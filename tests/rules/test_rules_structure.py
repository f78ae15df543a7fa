from rules_helpers import codes, gold_report, make_report, run, six_sections

from nianbao.model import CellValue, Section
from nianbao.rules.structure import (
    check_section_numbering,
    check_sections,
    check_tables,
    check_template_year,
    check_title,
)
from nianbao.templates import get_template

# seed 001 (小曹娥镇 2020): an extra part 三 inserted, the 复议/诉讼 part dropped
SEED_001 = [
    Section("overview", "一、总体情况", "一、", "2020年，我镇通过不同渠道和方式共公开政府信息729条。"),
    Section(
        "proactive",
        "二、主动公开政府信息情况",
        "二、",
        "2020年，我镇通过余姚市政府信息公开平台主动公开文件127件。",
    ),
    Section(
        None, "三、公开平台建设和信息发布情况", "三、", "小曹娥镇持续推进新媒体平台建设，不断拓宽平台载体。"
    ),
    Section("requests", "四、收到和处理政府信息公开申请情况", "四、", "2020年，无收到信息公开申请。"),
    Section("problems", "五、存在的主要问题及改进情况", "五、", "（一）主要问题"),
    Section("other", "六、其他需要报告的事项", "六、", "无。"),
]


def test_missing_and_extra_parts_of_seed_001():
    report = make_report("2019", 2020, sections=SEED_001)
    found = run(check_sections, report)
    assert codes(found) == ["SECTION_MISSING", "SECTION_EXTRA"]
    assert "政府信息公开行政复议、行政诉讼情况" in found[0].message
    assert "另设了一部分“三、公开平台建设和信息发布情况”" in found[1].message
    assert found[0].severity == "error" and found[1].severity == "warning"


def test_six_parts_in_order_pass():
    assert run(check_sections, make_report(sections=six_sections())) == []


def test_parts_out_of_order():
    parts = six_sections()
    parts[4], parts[5] = parts[5], parts[4]
    found = run(check_sections, make_report(sections=parts))
    assert codes(found) == ["SECTION_ORDER"]
    assert "其他需要报告的事项、存在的主要问题及改进情况" in found[0].message


def test_mixed_numbering_of_seed_004():
    # 樟树市阁山镇 2021: 1、 总体情况 … 5、 政府信息公开工作存在的主要问题及改进情况
    parts = six_sections()
    parts[0].number, parts[0].heading = "1、", "1、 总体情况"
    parts[4].number, parts[4].heading = "5、", "5、 政府信息公开工作存在的主要问题及改进情况"
    found = run(check_section_numbering, make_report(sections=parts))
    assert codes(found) == ["SECTION_NUMBERING"]
    assert "混用" in found[0].message and "“1、 总体情况”" in found[0].message


def test_standard_numbering_passes_even_when_an_extra_part_shifts_the_numbers():
    assert run(check_section_numbering, make_report("2019", 2020, sections=SEED_001)) == []


def test_unnumbered_parts_are_nonstandard():
    parts = six_sections()
    for p in parts:
        p.number = None
    assert codes(run(check_section_numbering, make_report(sections=parts))) == ["SECTION_NUMBERING"]


def test_title_of_seed_003_is_nonstandard():
    report = make_report(year=2021, title="2021 年度宝清县小城子镇 信息公开工作年度报告")
    found = run(check_title, report)
    assert codes(found) == ["TITLE_NONSTANDARD"]
    assert "宝清县小城子镇" in found[0].message


def test_standard_titles_pass():
    for title, year in [
        ("同江市乐业镇2020年政府信息公开\n工作年度报告", 2020),
        ("江左镇人民政府\n关于2019年政府信息公开工作的\n年度报告", 2019),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", 2019),
        ("淮安市人民政府 2024年政府信息公开工作年度报告", 2024),
    ]:
        assert run(check_title, make_report(year=year, title=title)) == [], title


def test_title_with_the_wrong_year():
    found = run(check_title, make_report(year=2021, title="樟树市阁山镇2020年政府信息公开工作年度报告"))
    assert codes(found) == ["TITLE_NONSTANDARD"] and "2020" in found[0].message


def test_2021_report_with_the_2019_other_row_of_hongze():
    report = gold_report("huaian-hongze-2023")
    report.table_templates = {"t3": "2019"}
    found = run(check_template_year, report)
    assert codes(found) == ["TEMPLATE_YEAR_MISMATCH"]
    assert found[0].severity == "error" and "表三" in found[0].message
    report.table_templates = {}
    assert run(check_template_year, report) == []


def test_2020_report_in_the_2021_format():
    found = run(check_template_year, make_report("2021", 2020))
    assert codes(found) == ["TEMPLATE_YEAR_MISMATCH"] and "2019年格式" in found[0].message


def test_a_table_read_in_another_years_format_names_the_cells_of_its_years():
    # kreuzberg's Markdown of a 2024 report: 表二 flattened, read with the 2019 definition, 表三
    # lost — the 2021 cells nobody read are named by the mismatch and by TABLE_MISSING
    report = make_report("2019", 2024)
    report.cells = {k: v for k, v in report.cells.items() if k.startswith("t2.")}
    report.tables_present = {"t2"}
    report.table_templates = {"t2": "2019"}
    (mismatch,) = run(check_template_year, report)
    t2_2021 = set(get_template("2021").table("t2").cell_keys)
    t2_2019 = set(get_template("2019").table("t2").cell_keys)
    # the cells read too: a shared key (行政处罚 / 处理决定数量) read with the wrong definition's
    # columns is as doubtful as the year's cells nobody read
    assert set(mismatch.cells) == t2_2021 | t2_2019
    missing = {f.data["table"]: f for f in run(check_tables, report) if f.code == "TABLE_MISSING"}
    assert set(get_template("2021").table("t3").cell_keys) <= set(missing["t3"].cells)
    assert set(get_template("2019").table("t3").cell_keys) <= set(missing["t3"].cells)


def test_table_four_missing_in_seed_001():
    report = gold_report("001_39f905e0d0162760")
    found = run(check_tables, report)
    assert codes(found) == ["TABLE_MISSING"] and "表四" in found[0].message
    assert run(check_tables, gold_report("000_99c313048ea6a297")) == []


def test_table_four_with_6_of_15_values_in_seed_002():
    report = make_report("2019", 2019)
    t4 = [k for k in report.cells if k.startswith("t4.")]
    for key in t4[6:]:
        report.cells[key] = CellValue(None, raw=None)
    found = run(check_tables, report)
    assert codes(found) == ["TABLE_INCOMPLETE"]
    assert found[0].cells == t4[6:] and "其中 9 个在文档中找不到" in found[0].message


def test_inferred_ambiguous_and_2019_style_other_rows_are_not_incomplete():
    report = make_report("2021", 2023, table_templates={"t3": "2019"})
    report.cells["t3.other.no_correction.total"] = CellValue(0, raw=None, method="inferred")
    report.cells["t3.granted.total"] = CellValue(None, raw="220000022", method="ambiguous")
    report.cells["t3.other.other.research"] = CellValue(None, raw=None)  # parent row not 0: unknowable
    assert run(check_tables, report) == []


def test_a_missing_table_of_a_report_whose_template_is_only_assumed_names_every_templates_cells():
    # no year in the text and no table read (the tables of a bare CSV dump, a page without its
    # title): the 2019 表二's cells are named as well as the assumed 2021 ones
    import nianbao

    r = nianbao.parse("一、总体情况\n概述。\n二、主动公开政府信息情况\n无表格。\n".encode(), "x.txt")
    assert r.year is None
    (missing,) = [f for f in r.findings if f.code == "TABLE_MISSING" and f.where == "表二"]
    assert {"t2.rules.issued", "t2.rules.made", "t2.procurement.amount"} <= set(missing.cells)
    # with a year the template is known: only its cells
    r = nianbao.parse("某县2020年政府信息公开工作年度报告\n一、总体情况\n概述。\n".encode(), "x.txt")
    (missing,) = [f for f in r.findings if f.code == "TABLE_MISSING" and f.where == "表二"]
    assert "t2.rules.made" in missing.cells and "t2.rules.issued" not in missing.cells
