"""Property: any organ of any kind, any year, printed in any title format and any damage the
converters, printers and scanners do to titles, comes back exact.

Titles are composed from real name parts (regions, departments, towns and streets, development
zones, State Council departments), the title formats reports use (organ before or after the year,
年 or 年度, 关于…的年度报告, the year in brackets after the title, 政府 of 人民政府 merged with
信息公开), years as ASCII, full-width digits or Chinese numerals, spaces (between parts, OCR's
between every character, inside the name), line breaks, site and print chrome on the line and
around it.

One limitation is left out on purpose: a name broken over two lines where the second line is itself
a complete name with its region (国家税务总局 / 宝清县税务局…) reads as the second line — the line
above may be the site's banner, which must not be joined.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.extract.metadata import find_title, organ_and_year, region_of, year_from_text
from nianbao.identity import split_regions

PROVINCES = ["江苏省", "福建省", "黑龙江省", "广西壮族自治区", "内蒙古自治区"]
CITIES = [
    "淮安市",
    "双鸭山市",
    "福州市",
    "佳木斯市",
    "百色市",
    "延边朝鲜族自治州",
    "镇江市",
    "本溪市",
    "鹰潭市",
]
COUNTIES = [
    "宝清县",
    "洪泽区",
    "同江市",
    "乐业县",
    "清江浦区",
    "鄂温克族自治旗",
    "将乐县",
    "特克斯县",
    "乡宁县",
    "月湖区",
]
TOWNS = ["小城子镇", "乐业镇", "阁山镇", "青林乡", "七星泡镇"]
STREETS = ["清河街道", "城南街道"]
DEPARTMENTS = [
    "财政局",
    "卫生健康委员会",
    "教育局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "市场监督管理局",
    "人力资源和社会保障局",
    "发展和改革委员会",
    "退役军人事务局",
    "审计局",
    "医疗保障局",
    "农业农村局",
    "人民政府办公室",
]
PROVINCIAL = ["教育厅", "人力资源和社会保障厅", "自然资源厅", "人民政府办公厅", "卫生健康委员会"]
NATIONAL = ["自然资源部", "国家发展和改革委员会", "教育部", "海关总署", "国家统计局", "生态环境部"]


@dataclass(frozen=True)
class Organ:
    name: str
    regions: tuple[str, ...]  # the regions printed at the start of the name, outermost first

    @property
    def region(self) -> str | None:
        return self.regions[-2] if len(self.regions) >= 2 else None


def _chain(draw, *levels: list[str], required: int) -> list[str]:
    """Regions, outermost first: the last `required` levels always printed, the others maybe."""
    out = []
    for i, level in enumerate(levels):
        if i >= len(levels) - required or draw(st.booleans()):
            out.append(draw(st.sampled_from(level)))
    return out


@st.composite
def organs(draw) -> Organ:
    kind = draw(
        st.sampled_from(["county", "department", "town", "street", "office", "province", "zone", "national"])
    )
    if kind == "county":
        regions = _chain(draw, PROVINCES, CITIES, COUNTIES, required=1)
        return Organ("".join(regions) + draw(st.sampled_from(["人民政府", ""])), tuple(regions))
    if kind == "department":
        regions = _chain(draw, CITIES, COUNTIES, required=1)
        return Organ("".join(regions) + draw(st.sampled_from(DEPARTMENTS)), tuple(regions))
    if kind == "town":
        regions = _chain(draw, CITIES, COUNTIES, TOWNS, required=1)
        return Organ("".join(regions) + draw(st.sampled_from(["人民政府", ""])), tuple(regions))
    if kind == "street":
        regions = _chain(draw, COUNTIES, STREETS, required=1)
        return Organ("".join(regions) + draw(st.sampled_from(["办事处", ""])), tuple(regions))
    if kind == "office":
        regions = _chain(draw, PROVINCES, CITIES, required=1)
        return Organ("".join(regions) + "人民政府办公室", tuple(regions))
    if kind == "province":
        province = draw(st.sampled_from(PROVINCES))
        return Organ(province + draw(st.sampled_from(PROVINCIAL)), (province,))
    if kind == "zone":
        zone = draw(
            st.sampled_from(
                [
                    "淮安经济技术开发区",
                    "平潭综合实验区",
                    "苏州工业园区",
                    "福州高新技术产业开发区",
                    "双鸭山经济开发区",
                ]
            )
        )
        suffix = draw(st.sampled_from(["管理委员会", "管委会", ""])) if zone.endswith("区") else "管理委员会"
        return Organ(zone + suffix, (zone,) if split_regions(zone + suffix)[0] else ())
    if draw(st.booleans()):
        return Organ(draw(st.sampled_from(NATIONAL)), ())
    county = draw(st.sampled_from(COUNTIES))
    return Organ(f"国家税务总局{county}税务局", ())


_CN_DIGITS = "〇一二三四五六七八九"


@st.composite
def years(draw) -> tuple[int, str]:
    year = draw(st.integers(2008, 2035))
    form = draw(st.sampled_from(["ascii", "fullwidth", "chinese", "chinese-ling"]))
    if form == "ascii":
        return year, str(year)
    if form == "fullwidth":
        return year, "".join(chr(ord(c) + 0xFEE0) for c in str(year))
    digits = "".join(_CN_DIGITS[int(c)] for c in str(year))
    return year, digits.replace("〇", "零") if form == "chinese-ling" else digits


TAILS = [
    "政府信息公开工作年度报告",
    "政府信息公开年度报告",
    "政府信息公开工作报告",
    "政务公开工作年度报告",
    "政府信息公开年报",
]


@st.composite
def titles(draw) -> tuple[Organ, int, list[str]]:
    """An organ, a year and the title's parts as printed (organ, year, tail in some order)."""
    organ = draw(organs())
    year, printed = draw(years())
    nian = draw(st.sampled_from(["年", "年度"]))
    tail = draw(st.sampled_from(TAILS))
    form = draw(st.sampled_from(["organ-year", "year-organ", "about", "bracket", "about-organ"]))
    if form == "organ-year":
        parts = [organ.name, printed + nian, tail]
    elif form == "year-organ":
        if organ.name.endswith("人民政府") and tail.startswith("政府") and draw(st.booleans()):
            tail = tail[2:]  # 2021年度宝清县人民政府信息公开工作年度报告
        parts = [printed + nian, organ.name, tail]
    elif form == "about":
        parts = [organ.name, "关于" + printed + nian, "政府信息公开工作的年度报告"]
    elif form == "bracket":
        parts = [
            organ.name,
            tail,
            draw(st.sampled_from(["（", "("])) + printed + nian + draw(st.sampled_from(["）", ")"])),
        ]
    else:
        parts = ["关于" + organ.name, printed + "年", "政府信息公开工作情况的报告"]
    return organ, year, parts


def _no_space_after_government(text: str, i: int) -> bool:
    # a space between a region's 政府 and 信息公开 is what says the 政府 is the organ's (tested
    # on its own): random spacing must not put one there
    return not (text[:i].endswith("政府") and text[i:].startswith("信息公开"))


@st.composite
def printed_titles(draw) -> tuple[Organ, int, list[str]]:
    """The title's lines as some converter, printer or scanner left them, with chrome around."""
    organ, year, parts = draw(titles())
    spacing = draw(st.sampled_from(["none", "parts", "ocr", "inside"]))
    if spacing == "ocr":
        text = " ".join("".join(parts))
    elif spacing == "parts":
        gaps = [draw(st.sampled_from(["", " ", "  ", "\u3000"])) for _ in parts]
        text = "".join(p + g for p, g in zip(parts, gaps, strict=True)).strip()
        text = "".join(parts) if "政府 信息公开" in text or "政府\u3000信息公开" in text else text
    else:
        text = "".join(parts)
    if spacing == "inside":
        at = text.find(organ.name)
        cuts = [at + k for k in range(1, len(organ.name)) if _no_space_after_government(text, at + k)]
        if cuts:
            k = draw(st.sampled_from(cuts))
            text = text[:k] + " " + text[k:]
    lines = [text]
    for _ in range(draw(st.integers(0, 2))):
        lines = _break(draw, lines, organ)
    before = draw(
        st.sampled_from(
            [
                "",
                "当前位置：首页 > 政务公开 > 年度报告 > ",
                "12/2/26, 4:56 AM ",
                "首页 年度报告 ",
                "# ",
                "2026/12/2 04:56 ",
            ]
        )
    )
    after = draw(
        st.sampled_from(
            [
                "",
                " 来源：宝清县人民政府 时间：2022-01-20 字号：大 中 小",
                "_宝清县人民政府网",
                " 发布时间：2022-01-20 浏览次数：123",
            ]
        )
    )
    lines[0] = before + lines[0]
    lines[-1] = lines[-1] + after
    above = draw(
        st.lists(
            st.sampled_from(
                [
                    "国务院 省政府 省人大 省政协",
                    "移动版",
                    "首页",
                    "无障碍浏览",
                    "当前位置：首页 > 信息公开",
                    "宝清县人民政府门户网站",
                ]
            ),
            max_size=3,
        )
    )
    below = draw(
        st.lists(st.sampled_from(["发布时间：2022-01-20", "字号：大 中 小", "【打印】【关闭】"]), max_size=2)
    )
    return organ, year, [*above, *lines, *below]


def _break(draw, lines: list[str], organ: Organ) -> list[str]:
    """One more line break, anywhere but inside a number or inside the name before a complete name
    with its region."""
    last = lines[-1]
    done = len("".join(lines[:-1]).replace(" ", ""))
    at = "".join(lines).replace(" ", "").find(organ.name)
    allowed = []
    for k in range(1, len(last)):
        left = last[:k].replace(" ", "")
        right = last[k:].replace(" ", "")
        if left and right and (left[-1] + right[0]).isdigit():
            continue  # printed digits never wrap (a page counter is a lone number)
        cut = done + len(left)
        if at >= 0 and at < cut < at + len(organ.name) and split_regions(organ.name[cut - at :])[0]:
            continue
        allowed.append(k)
    if not allowed:
        return lines
    k = draw(st.sampled_from(allowed))
    return [*lines[:-1], last[:k], last[k:]]


BODY = [
    "一、总体情况",
    "本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "六、其他需要报告的事项",
    "无。",
]


@settings(max_examples=400)
@given(printed_titles())
def test_organ_and_year_come_back_exact(case):
    organ, year, lines = case
    lines = [ln for ln in [*lines, *BODY] if ln.strip()]
    title = find_title(lines, None)
    found_organ, found_year = organ_and_year(title)
    if found_year is None:
        found_year = year_from_text(lines)
    assert (found_organ, found_year) == (organ.name, year), (lines, title)
    assert region_of(found_organ) == organ.region


@settings(max_examples=200)
@given(titles())
def test_the_title_found_reads_back_alike(case):
    organ, year, parts = case
    title = find_title(["".join(parts), *BODY], None)
    assert organ_and_year(title) == (organ.name, year)
    assert find_title([title, *BODY], None) == title  # a clean title is found as it is
