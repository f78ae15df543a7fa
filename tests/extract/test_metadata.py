"""Report metadata (title, organ, year, region, date signed) from real layouts of titles.

Each case is a class of layout seen in real reports or converter output (the corpus, the variant
files of issue 9), with organs of other kinds than the corpus has: county departments, towns and
streets, a city government's office, provincial departments, development zones, State Council
departments.
"""

from __future__ import annotations

import pytest

import nianbao
from nianbao.extract.metadata import (
    find_title,
    organ_and_year,
    organ_from_text,
    published_date,
    region_of,
    year_from_text,
)


def meta(text: str | list[str], container: str | None = None) -> tuple[str | None, int | None]:
    """Organ and year the way `extract()` finds them: the title first, then the text."""
    lines = text if isinstance(text, list) else text.split("\n")
    lines = [ln for ln in lines if ln.strip()]
    title = find_title(lines, container)
    organ, year = organ_and_year(title)
    if year is None:
        year = year_from_text(lines)
    if organ is None:
        organ = organ_from_text(lines)
    return organ, year


BODY = "一、总体情况\n本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》。\n"


# --- titles of organs of every kind -----------------------------------------------------------

KINDS = [
    ("宝清县财政局2021年政府信息公开工作年度报告", "宝清县财政局", 2021),
    ("淮安市洪泽区卫生健康委员会2023年度政府信息公开工作年度报告", "淮安市洪泽区卫生健康委员会", 2023),
    ("宝清县小城子镇人民政府2021年政府信息公开工作年度报告", "宝清县小城子镇人民政府", 2021),
    ("淮安市清江浦区清河街道办事处2022年政府信息公开工作年度报告", "淮安市清江浦区清河街道办事处", 2022),
    ("淮安市人民政府办公室2024年政府信息公开工作年度报告", "淮安市人民政府办公室", 2024),
    ("江苏省教育厅2023年政府信息公开工作年度报告", "江苏省教育厅", 2023),
    ("淮安经济技术开发区管理委员会2022年政府信息公开工作年度报告", "淮安经济技术开发区管理委员会", 2022),
    ("平潭综合实验区2025年政府信息公开工作年度报告", "平潭综合实验区", 2025),
    ("平潭综合实验区管委会2023年度政府信息公开工作年度报告", "平潭综合实验区管委会", 2023),
    ("自然资源部2020年政府信息公开工作年度报告", "自然资源部", 2020),
    ("国家发展和改革委员会2021年政府信息公开工作年度报告", "国家发展和改革委员会", 2021),
    ("国家税务总局宝清县税务局2021年度政府信息公开工作年度报告", "国家税务总局宝清县税务局", 2021),
    ("宝清县住房和城乡建设局2022年政府信息公开工作年度报告", "宝清县住房和城乡建设局", 2022),
    (
        "广西壮族自治区百色市乐业县人民政府2020年政府信息公开工作年度报告",
        "广西壮族自治区百色市乐业县人民政府",
        2020,
    ),
    ("同江市乐业镇2020年政府信息公开工作年度报告", "同江市乐业镇", 2020),
    ("宝清县人民政府办公室关于2021年度政府信息公开工作年度报告", "宝清县人民政府办公室", 2021),
    ("关于宝清县2021年政府信息公开工作情况的报告", "宝清县", 2021),
    ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
    ("宝清县政府信息公开工作年度报告（2021年度）", "宝清县", 2021),
    ("淮安市人民政府（2024年度）政府信息公开工作年度报告", "淮安市人民政府", 2024),
    ("《淮安市人民政府2024年政府信息公开工作年度报告》", "淮安市人民政府", 2024),
    ("宝清县人民政府二〇二一年政府信息公开工作年度报告", "宝清县人民政府", 2021),
    ("宝清县人民政府二零二一年度政府信息公开工作年度报告", "宝清县人民政府", 2021),
    ("宝清县２０２１年政府信息公开工作年度报告", "宝清县", 2021),
    ("宝清县2021年政务公开工作年度报告", "宝清县", 2021),
    ("宝清县人民政府2021年政府信息公开年报", "宝清县人民政府", 2021),
    ("洪泽区第2街道2021年政府信息公开工作年度报告", "洪泽区第2街道", 2021),
    # names starting with characters that also end names or start sentences
    ("镇江市人民政府2022年政府信息公开工作年度报告", "镇江市人民政府", 2022),
    ("乡宁县2020年政府信息公开工作年度报告", "乡宁县", 2020),
    ("将乐县2021年政府信息公开工作年度报告", "将乐县", 2021),
    ("特克斯县财政局2021年政府信息公开工作年度报告", "特克斯县财政局", 2021),
    ("本溪市人民政府2021年政府信息公开工作年度报告", "本溪市人民政府", 2021),
    ("全州县人民政府2022年政府信息公开工作年度报告", "全州县人民政府", 2022),
    ("鹰潭市月湖区人民政府2023年政府信息公开工作年度报告", "鹰潭市月湖区人民政府", 2023),
]


@pytest.mark.parametrize(("title", "organ", "year"), KINDS)
def test_title_of_every_organ_kind(title, organ, year):
    assert meta(title + "\n" + BODY) == (organ, year)
    found = find_title([title, *BODY.splitlines()], None)
    assert organ_and_year(found) == (organ, year)


# --- broken titles (issue 9 item 6) -------------------------------------------------------------


def test_year_before_the_organ_and_its_government_split_from_the_tail():
    # the 政府 of 人民政府 is not the 政府 of 政府信息公开 (seen: organ 宝清县人民)
    assert meta("2021 年度宝清县人民政府 信息公开工作年度报告\n" + BODY) == ("宝清县人民政府", 2021)
    assert meta("2021年度宝清县人民政府信息公开工作年度报告\n" + BODY) == ("宝清县人民政府", 2021)
    assert meta("2021 年度宝清县小城子镇 信息公开工作年度报告\n" + BODY) == ("宝清县小城子镇", 2021)
    # a region's own 政府 kept when a space parts it from 信息公开
    assert meta("2022年度宝清县政府 信息公开工作年度报告\n" + BODY) == ("宝清县政府", 2022)
    assert meta("宝清县2022年政府 信息公开工作年度报告\n" + BODY) == ("宝清县", 2022)


BROKEN = [
    # markitdown / pdftotext of a PDF whose title is printed on two lines
    ("淮安市人民政府\n2024 年政府信息公开工作年度报告", "淮安市人民政府", 2024),
    ("            淮安市人民政府\n     2024 年政府信息公开工作年度报告", "淮安市人民政府", 2024),
    # a line break inside a word of the title, the year in a cell of its own
    ("淮安市人民政府\t\t2024\t年政府信息公开工作年\t\n度报告", "淮安市人民政府", 2024),
    ("淮安市人民政府 2024 年政府信息公开工作年\n               度报告", "淮安市人民政府", 2024),
    ("宝清县2021年政府信息公\n开工作年度报告", "宝清县", 2021),
    ("江左镇人民政府\n\n关于2019年政府信息公开工作的\n\n年度报告", "江左镇人民政府", 2019),
    ("同江市乐业镇2020年政府信息公开\n工作年度报告", "同江市乐业镇", 2020),
    # a name broken before its department: the region comes from the line above
    ("淮安市洪泽区\n卫生健康委员会2023年政府信息公开工作年度报告", "淮安市洪泽区卫生健康委员会", 2023),
    ("淮安市洪泽区\n人民政府\n2024年政府信息公开工作年度报告", "淮安市洪泽区人民政府", 2024),
    ("宝清县人民政府\n政府信息公开工作年度报告\n（2021年度）", "宝清县人民政府", 2021),
    # scans: stray spaces everywhere, the last character lost
    (" ".join("宝清县人民政府2021年政府信息公开工作年度报告"), "宝清县人民政府", 2021),
    ("宝 清 县 财 政 局 2 0 2 1 年 度 政 府 信 息 公 开 工 作 年 度 报 告", "宝清县财政局", 2021),
    ("宝清县财政局2021年政府信息公开工作年度报", "宝清县财政局", 2021),
]


def test_print_headers_and_footers_never_join_the_organ():
    # Chromium's print header (time stamp + page title) on the first line, file:/// footers
    lines = [
        "12/2/26, 4:56 AM 上海市人民政府办公厅2019年政府信息公开工作年度报告",
        "上海市⼈⺠政府办公厅2019年政府信息公开⼯作年度报告",
        "⼀、总体情况",
        "2019年，上海市⼈⺠政府办公厅坚持以习近平新时代中国特色社会主义思想为指导。",
        "⽆。",
        "上海市⼈⺠政府办公厅",
        "file:///tmp/variants-chromium-v785ek2z/shanghai-gov-office-2019.writer.html 6/6",
    ]
    assert meta(lines) == ("上海市人民政府办公厅", 2019)
    title = find_title(lines, None)
    assert title == "上海市人民政府办公厅2019年政府信息公开工作年度报告"
    # the header alone on its line (pdftotext -layout), and a Chinese-locale stamp
    assert meta(
        "12/2/26, 4:55 AM                                  \n  乐业镇2020年政府信息公开工作年度报告\n" + BODY
    ) == (
        "乐业镇",
        2020,
    )
    assert meta("2026/12/2 04:56 淮安市人民政府2024年政府信息公开工作年度报告\n" + BODY) == (
        "淮安市人民政府",
        2024,
    )
    # CJK radicals of a PDF text layer (⼈⺠ for 人民) alone
    assert meta("淮安市⼈⺠政府2024年政府信息公开⼯作年度报告\n" + BODY) == ("淮安市人民政府", 2024)


def test_page_headers_page_counters_and_markdown_marks():
    text = "# 宝清县教育局2021年政府信息公开工作年度报告\n- 1 -\n" + BODY
    assert meta(text) == ("宝清县教育局", 2021)
    assert meta("**宝清县审计局2022年政府信息公开工作年度报告**\n第 1 页 共 5 页\n" + BODY) == (
        "宝清县审计局",
        2022,
    )
    assert meta("<u>宝清县统计局</u>2022年政府信息公开工作年度报告\n" + BODY) == ("宝清县统计局", 2022)


# --- site chrome on the title's line --------------------------------------------------------------


NAV = "国务院 省政府 省人大 省政协\n移动版\n闽政通APP\n首页\n"
CHROME = [
    # the title sharing its line with the article header (来源/时间/字号), after or before it
    (
        "平潭综合实验区2021年政府信息公开工作年度报告 来源：平潭综合实验区管委会 时间：2022-01-20 字号：大 中 小",
        "平潭综合实验区",
        2021,
    ),
    ("宝清县财政局2021年政府信息公开工作年度报告来源：宝清县人民政府时间：2022-01-20", "宝清县财政局", 2021),
    (
        "来源：宝清县人民政府 时间：2022-01-20 宝清县财政局2021年政府信息公开工作年度报告",
        "宝清县财政局",
        2021,
    ),
    # breadcrumbs, menus and site names before it, the site's name after it
    (
        "当前位置：首页 > 政务公开 > 政府信息公开年报 > 宝清县卫生健康局2021年政府信息公开工作年度报告",
        "宝清县卫生健康局",
        2021,
    ),
    ("首页 年度报告 宝清县2021年政府信息公开工作年度报告", "宝清县", 2021),
    (NAV + "平潭综合实验区2019年度政府信息公开工作年度报告\n发布时间：2020-01-20", "平潭综合实验区", 2019),
    (NAV + "自然资源部2020年政府信息公开工作年度报告", "自然资源部", 2020),
    ("宝清县水务局2021年政府信息公开工作年度报告_宝清县人民政府网", "宝清县水务局", 2021),
    # a notice publishing the report, names of an office inside another's, of 政务公开 offices
    ("宝清县人民政府办公室关于印发宝清县2021年政府信息公开工作年度报告的通知", "宝清县", 2021),
    ("宝清县人民政府政务公开办公室2021年政府信息公开工作年度报告", "宝清县人民政府政务公开办公室", 2021),
    (
        "中共宝清县委宣传部（宝清县人民政府新闻办公室）2021年政府信息公开工作年度报告",
        "中共宝清县委宣传部（宝清县人民政府新闻办公室）",
        2021,
    ),
    # a cover page: the organ below the title; a page header naming the organ above it
    ("2021年政府信息公开工作年度报告\n宝清县财政局\n2022年1月", "宝清县财政局", 2021),
    ("宝清县交通运输局政府信息公开工作年度报告\n2021年度政府信息公开工作年度报告", "宝清县交通运输局", 2021),
]


@pytest.mark.parametrize(("head", "organ", "year"), BROKEN + CHROME)
def test_damaged_titles_and_their_surroundings(head, organ, year):
    """Titles broken over lines or spaced out; site chrome, notices and covers around them."""
    assert meta(head + "\n" + BODY) == (organ, year)


def test_container_title_when_the_page_prints_none():
    page_title = "平潭综合实验区2023年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会"
    text = "本报告根据《中华人民共和国政府信息公开条例》要求编制。\n" + BODY
    assert meta(text, page_title) == ("平潭综合实验区", 2023)
    # the body's title wins when it names the organ
    assert meta("宝清县财政局2021年政府信息公开工作年度报告\n" + BODY, "年度报告_宝清县人民政府") == (
        "宝清县财政局",
        2021,
    )


def test_a_title_quoted_in_a_sentence_is_not_the_title():
    text = (
        "2021年政府信息公开工作年度报告\n"
        "根据《条例》规定，现将本机关2021年政府信息公开工作年度报告公布如下。\n"
        + BODY
        + "六、其他需要报告的事项\n无。\n"
        "宝清县水务局\n2022年1月10日\n"
    )
    assert meta(text) == ("宝清县水务局", 2021)


def test_never_an_invented_or_generic_name():
    # the unit's own printed name: no 人民政府 added to 平潭综合实验区
    assert meta("平潭综合实验区2019年度政府信息公开工作年度报告\n" + BODY)[0] == "平潭综合实验区"
    # 本机关 / 我局 and bare kinds of organ are no names: the signature is
    text = "本机关2021年政府信息公开工作年度报告\n" + BODY + "宝清县林业和草原局\n2022年1月15日\n"
    assert meta(text) == ("宝清县林业和草原局", 2021)
    text = "人民政府\n2021年政府信息公开工作年度报告\n" + BODY + "宝清县七星泡镇人民政府\n2022年1月15日\n"
    assert meta(text) == ("宝清县七星泡镇人民政府", 2021)


# --- a spreadsheet through markitdown (issue 9 item 4) -----------------------------------------------

XLSX_MD = """## 基本信息
| 政府信息公开工作年度报告 填报表 | Unnamed: 1 |
| --- | --- |
| 表格格式：2021年版（国办公开办函〔2021〕30号）。黄色单元格填写，绿色为自动合计。 | NaN |
| NaN | NaN |
| 机关名称 | 洪泽区人民政府 |
| 所属地区 | NaN |
| 报告年度 | 2023 |
| 表格格式 | 2021 |
| 发布日期 | NaN |
| 收取信息处理费（元） | NaN |

## 正文
| 部分 | 内容 |
| --- | --- |
| 一、总体情况 | 2023年，洪泽区坚持以习近平新时代中国特色社会主义思想为指导。 |
| 六、其他需要报告的事项 | 无。 |
"""


def test_spreadsheet_markdown_organ_and_year_from_its_labelled_rows():
    r = nianbao.parse(XLSX_MD.encode("utf-8"), "report.md")
    assert (r.organ, r.year) == ("洪泽区人民政府", 2023)
    # the sheet heading is no organ, the 2021 of the format line no year
    lines = [
        "基本信息",
        "政府信息公开工作年度报告 填报表\tUnnamed: 1",
        "表格格式：2019年版（国办公开办函〔2019〕60号）。\t",
    ]
    lines += ["机关名称\t乐业镇", "所属地区\t", "报告年度\t2020", "表格格式\t2019"]
    assert meta(lines) == ("乐业镇", 2020)
    assert meta(["机关名称：宝清县财政局", "报告年度：2021年度", "政府信息公开工作年度报告"]) == (
        "宝清县财政局",
        2021,
    )


# --- the text when the title lacks them (signature, compiler, statistics period) -----------------


def test_organ_from_the_compiler_or_the_signature():
    text = (
        "2020年政府信息公开工作年度报告\n本报告由某某县人民政府办公室根据《中华人民共和国政府信息公开条例》编制。\n"
        + BODY
    )
    assert meta(text) == ("某某县人民政府", 2020)
    text = (
        "政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开条例》要求，宝清县财政局编制本报告。\n"
        + BODY
    )
    assert meta(text)[0] == "宝清县财政局"
    text = "政府信息公开工作年度报告\n按照《条例》要求，特克斯县财政局编制了本年度报告。\n" + BODY
    assert meta(text)[0] == "特克斯县财政局"
    # signature above the date, followed by print footers
    text = (
        "2021年政府信息公开工作年度报告\n"
        + BODY
        + "六、其他需要报告的事项\n无。\n宝清县小城子镇人民政府\n2022年1月20日\n"
        + "file:///C:/Users/a/report.html 5/5\n- 5 -\n"
    )
    assert meta(text) == ("宝清县小城子镇人民政府", 2021)
    assert published_date([ln for ln in text.split("\n") if ln]) == "2022-01-20"
    # signature and date on one line, in Chinese numerals
    lines = ["政府信息公开工作年度报告", *BODY.splitlines(), "宝清县青原镇人民政府    二〇二二年一月二十日"]
    assert organ_from_text(lines) == "宝清县青原镇人民政府"
    assert published_date(lines) == "2022-01-20"
    # an unsigned end: the organ's name alone on the last line
    assert organ_from_text(
        ["政府信息公开工作年度报告", *BODY.splitlines(), "无。", "淮安市清江浦区清河街道办事处"]
    ) == ("淮安市清江浦区清河街道办事处")


def test_year_from_the_period_the_opening_or_the_signature():
    assert year_from_text(["本报告所列数据的统计期限自2024年1月1日至2024年12月31日止。"]) == 2024
    assert year_from_text(["本报告中所列数据统计期限从2019年1月1日到12月31日止。2008年施行的条例。"]) == 2019
    assert year_from_text(["一、总体情况", "2020年，我镇依据2019年修订的《条例》开展工作。"]) == 2020
    assert year_from_text(["根据《条例》规定，现将本机关2022年度政府信息公开工作年度报告公布如下。"]) == 2022
    assert (
        year_from_text(["一、总体情况", "本年度，我局扎实推进政务公开。", "宝清县财政局", "2022年1月25日"])
        == 2021
    )
    assert year_from_text(["报告年度\t2024", "表格格式：2021年版"]) == 2024


def test_region_printed_in_the_organ_name():
    assert region_of("淮安市洪泽区人民政府") == "淮安市"
    assert region_of("鹰潭市月湖区人民政府") == "鹰潭市"
    assert region_of("宝清县小城子镇") == "宝清县"
    assert region_of("同江市乐业镇人民政府") == "同江市"
    assert region_of("淮安市洪泽区卫生健康委员会") == "淮安市"
    assert region_of("福建省平潭综合实验区管理委员会") == "福建省"
    assert region_of("淮安市清江浦区清河街道办事处") == "清江浦区"
    assert region_of("平潭综合实验区") is None
    assert region_of("上海市人民政府办公厅") is None
    assert region_of("宝清县财政局") is None
    assert region_of("自然资源部") is None
    assert region_of(None) is None


def test_published_date_from_a_labelled_field_under_the_title():
    lines = ["2019年上海市人民政府办公厅政府信息公开工作年度报告", "发布日期：2020-01-31", *BODY.splitlines()]
    assert published_date(lines) == "2020-01-31"


PAGE = """<html><head><title>宝清县卫生健康局2021年政府信息公开工作年度报告_宝清县人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <span>年度报告</span></div>
<div class="title">宝清县卫生健康局2021年政府信息公开工作年度报告</div>
<div class="info">来源：宝清县卫生健康局 时间：2022-01-18 字号：<a>大</a> <a>中</a> <a>小</a></div>
<p>一、总体情况</p><p>本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》。</p>
<p>六、其他需要报告的事项</p><p>无。</p><p>宝清县卫生健康局</p><p>2022年1月18日</p>
<div class="footer">主办单位：宝清县人民政府办公室 扫一扫在手机打开当前页</div>
</body></html>"""


def test_web_page_with_its_chrome_through_the_reader():
    r = nianbao.parse(PAGE.encode("utf-8"), "page.html")
    assert (r.organ, r.year, r.region) == ("宝清县卫生健康局", 2021, None)
    assert r.title == "宝清县卫生健康局2021年政府信息公开工作年度报告"
    # the same page with the title and its chrome on one line
    one_line = PAGE.replace('</div>\n<div class="info">', " ")
    r = nianbao.parse(one_line.encode("utf-8"), "page.html")
    assert (r.organ, r.year) == ("宝清县卫生健康局", 2021)
