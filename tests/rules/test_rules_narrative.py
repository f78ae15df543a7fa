from rules_helpers import codes, gold_report, make_report, run, six_sections

from nianbao.rules.narrative import check_narrative, check_regulation

SHANGHAI = (
    "市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%；答复政府信息公开申请805件"
    "（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复），均在法定期限内予以答复。"
    "予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%；"
    "不予处理158件，占19.6%；其他处理0件。信息公开类行政复议7件，诉讼9件，均获维持，"
    "继续保持了省级政府零败诉的记录。"
)

HUAIAN_CITY = """（二）依申请公开情况。定期对政府信息公开申请集中的领
域和热点问题进行研判，探索从源头上解决实际问题。2024 年，全市共受理政府信息公开申请 3119 件，答
复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度
答复），均在法定期限内予以答复。政府信息公开行政复议 351
件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚
未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25
件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。"""

PINGTAN_2023 = (
    "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件、商业企业1件。"
    "办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；不予公开5件，占6.17%；无法提供31件，"
    "占38.27%；不予处理1件，占1.23%；其他处理2件，占2.47%；因政府信息公开引起的行政复议案件2件、"
    "行政诉讼案件7件。"
)


def _with_text(report, **texts):
    report.sections = six_sections(**texts)
    return report


def test_hongze_2024_counts_17_applications_against_95_in_the_table():
    text = "2024 年，区政府办代表区政府受理政府\n信息公开申请 17 件，均已在法定期限内予以答复。"
    found = run(check_narrative, _with_text(gold_report("huaian-hongze-2024"), overview=text))
    assert codes(found) == ["NARRATIVE_MISMATCH"]
    assert found[0].data["stated"] == 17 and found[0].data["table"] == 95
    assert "区政府办代表区政府受理政府信息公开申请17件" in found[0].message and "95" in found[0].message
    assert found[0].cells == ["t3.new_received.total"]


def test_hongze_2023_agrees():
    text = "2023 年全区受理政府信息公开申请 21 件，\n均在法定期限答复。"
    assert run(check_narrative, _with_text(gold_report("huaian-hongze-2023"), overview=text)) == []


def test_shanghai_258_and_265_disagree_with_table_three():
    found = run(check_narrative, _with_text(gold_report("shanghai-gov-office-2019"), overview=SHANGHAI))
    assert [(f.data["claim"], f.data["stated"], f.data["table"]) for f in found] == [
        ("granted_or_partial", 258, 275),  # 予以公开 272 (总计 blank: 258+12+1+1) + 部分公开 3
        ("unable", 265, 337),
    ]


def test_consistent_narratives_raise_nothing():
    assert run(check_narrative, _with_text(gold_report("huaian-city-2024"), overview=HUAIAN_CITY)) == []
    assert run(check_narrative, _with_text(gold_report("pingtan-2023-html"), overview=PINGTAN_2023)) == []
    text = "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。"
    assert run(check_narrative, _with_text(gold_report("pingtan-2021-html"), overview=text)) == []
    text = "2025年，全区共收到政府信息公开申请154件，共办结148件，结转至2026年6件。全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。"
    assert run(check_narrative, _with_text(gold_report("pingtan-2025-html"), overview=text)) == []


def test_figures_of_another_year_or_of_a_part_are_not_compared():
    report = make_report(
        "2021", 2023, values={"t3.new_received.total": 95, "t3.new_received.natural_person": 95}
    )
    text = "2022年受理政府信息公开申请50件。2023年共受理申请95件，其中区政府办受理申请17件。"
    assert run(check_narrative, _with_text(report, overview=text)) == []


def test_chinese_numerals():
    report = make_report(
        "2021", 2023, values={"t3.new_received.total": 95, "t3.new_received.natural_person": 95}
    )
    found = run(check_narrative, _with_text(report, requests="全年共收到政府信息公开申请十七件。"))
    assert [f.data["stated"] for f in found] == [17]


def test_no_table_no_comparison():
    report = make_report("2019", 2020, tables=("t2", "t3"))
    # 小曹娥镇 2020 has no 表四: its 行政复议0件 cannot be checked
    assert (
        run(
            check_narrative, _with_text(report, overview="全镇共收到依申请公开0件，行政复议3件，无行政诉讼。")
        )
        == []
    )


def test_miscited_regulation_of_seed_002():
    text = "2019年我镇严格按照《中华人民共和国信息公开条例》要求，认真做好我镇政府信息公开工作"
    found = run(check_regulation, _with_text(make_report("2019", 2019), overview=text))
    assert codes(found) == ["REGULATION_MISCITED"] and "《中华人民共和国信息公开条例》" in found[0].message


def test_correct_and_other_instruments_are_not_miscited():
    text = (
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、《福建省政府信息公开办法》、"
        "《政府信息公开信息处理费管理办法》、《重大行政决策程序暂行条例》、《上海市政府信息公开规定》，"
        "认真贯彻新《条例》和《政府信息公开条例》。"
    )
    assert run(check_regulation, _with_text(make_report(), overview=text)) == []


def test_miscited_without_title_marks():
    found = run(check_regulation, _with_text(make_report(), other="按照中华人民共和国信息公开条例的规定"))
    assert codes(found) == ["REGULATION_MISCITED"]
