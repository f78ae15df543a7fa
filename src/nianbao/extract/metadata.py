"""Report metadata as printed: title, organ, year, region and the date signed at the end.

The title is where a report names itself (`淮安市人民政府2024年政府信息公开工作年度报告`), but it
rarely arrives clean. Classes of damage handled here, never one file's quirk:

- broken over lines (`淮安市人民政府` / `2024 年政府信息公开工作年度报告`, `…工作年` / `度报告`,
  `关于2019年政府信息公开工作的` / `年度报告`), spaced out by OCR or layout text, full-width digits,
  Chinese-numeral years (二〇二四年), CJK radicals from PDF text layers (⼈⺠ for 人民);
- the year before the organ (`2021年度宝清县人民政府 信息公开工作年度报告`: the 政府 of 人民政府 is not
  the 政府 of 政府信息公开), the year after the title (`…年度报告（2021年度）`);
- site and print chrome on the same line: breadcrumbs (`首页 > 年报 >`), `来源：… 时间：…` after the
  title, a browser's print header (`12/2/26, 4:56 AM`), `file:///…` footers, page counters,
  Markdown marks, a page `<title>` with the site name after `_`;
- no organ in the title: a labelled field (`机关名称 | 淮安市人民政府` in a spreadsheet), the compiler
  (`本报告由…编制`, `…编制本报告`), the signature at the end; no year: `报告年度 | 2024`, the statistics
  period, the opening sentence.

The organ is always a name printed in the document: never completed or canonicalised here (the
store's organ identity does that from its region list and confirmed aliases).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..identity import split_regions
from .normalize import squash

# --- text folding ----------------------------------------------------------------------------

# PDF text layers (Chromium's fonts through pdfminer) print CJK radicals in place of the
# ideographs; NFKC maps the Kangxi block (⼈ → 人) but not the supplement (⺠), and maps ⼾ to 戶
_RADICALS = str.maketrans(
    {
        "\u2e9f": "母",
        "\u2ea0": "民",
        "\u2ec1": "虎",
        "\u2ec4": "西",
        "\u2ec5": "见",
        "\u2ec6": "角",
        "\u2ec9": "贝",
        "\u2eca": "足",
        "\u2ecb": "车",
        "\u2ed3": "长",
        "\u2ed4": "门",
        "\u2ed7": "雨",
        "\u2ed8": "青",
        "\u2ed9": "韦",
        "\u2eda": "页",
        "\u2edb": "风",
        "\u2edc": "飞",
        "\u2edd": "食",
        "\u2ee2": "马",
        "\u2ee3": "骨",
        "\u2ee4": "鬼",
        "\u2ee5": "鱼",
        "\u2ee6": "鸟",
        "\u2ee7": "卤",
        "\u2ee8": "麦",
        "\u2ee9": "黄",
        "\u2eea": "黾",
        "\u2eec": "齐",
        "\u2eee": "齿",
        "\u2ef0": "龙",
        "\u2ef3": "龟",
        "\u2f3e": "户",
    }
)


def _fold(text: str) -> str:
    """The forms a title is compared in: radicals to ideographs, NFKC (full-width digits and
    punctuation to ASCII, U+3000 to a space), zero-width characters and NBSP to spaces."""
    text = unicodedata.normalize("NFKC", text.translate(_RADICALS))
    return _INVISIBLE_RE.sub(" ", text)


_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u2060\ufeff\xa0]")

# --- chrome ----------------------------------------------------------------------------------

# a browser's print header/footer: 12/2/26, 4:56 AM · 2026/12/2 04:56 · 2026/12/2 下午4:56
_PRINT_STAMP_RE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4},?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"|\b\d{4}[/-]\d{1,2}[/-]\d{1,2},?\s+(?:上午|下午)?\s*\d{1,2}:\d{2}(?::\d{2})?"
)
_URL_RE = re.compile(r"(?:file|https?)://\S*|www\.[\w.-]+\.\w+\S*")
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG_RE = re.compile(r"</?[A-Za-z][^>]{0,200}>")
_MD_MARK_RE = re.compile(r"^\s*(?:#{1,6}|>+|[-*+]\s)\s*|\*\*|__|`+|(?<![^\s|])\|(?![^\s|])")
# a page counter printed alone or after a footer: 4/4 · - 6 - · 第 1 页 共 5 页 · 第1页/共5页
_PAGE_RE = re.compile(
    r"^\s*(?:[-—–－]?\s*\d{1,4}\s*[-—–－]?|\d{1,4}\s*/\s*\d{1,4}|第\s*\d+\s*页\s*[,，/]?\s*(?:共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*第\s*\d+\s*页|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_TRAILING_COUNTER_RE = re.compile(r"\s+\d{1,4}\s*/\s*\d{1,4}\s*$")
# words of site navigation, article headers and print chrome: a piece of text containing one
# is not (part of) an organ's name
_CHROME_WORDS = (
    "信息公开",
    "政务公开",
    "年度报告",
    "年报",
    "首页",
    "主页",
    "位置",
    "导航",
    "栏目",
    "专栏",
    "来源",
    "时间",
    "日期",
    "发布",
    "浏览",
    "点击",
    "阅读",
    "字号",
    "字体",
    "打印",
    "关闭",
    "收藏",
    "分享",
    "网站",
    "门户",
    "移动版",
    "客户端",
    "无障碍",
    "登录",
    "注册",
    "搜索",
    "索引号",
    "文号",
    "主题",
    "通知",
    "公告",
    "动态",
    "要闻",
    "填报",
    "报表",
    "基本信息",
    "正文",
    "标题",
    "附件",
    "下载",
    "扫一扫",
    "编辑",
    "作者",
    "责任",
)
_CHROME_RE = re.compile("|".join(_CHROME_WORDS))
# where a title's organ cannot continue to the left: labels, breadcrumbs, quotes, sentences
_HARD_STOP = ":>|]】」』《“\"'»›/\\=。,;!?、(（)）[【"


def _clean_line(line: str) -> str:
    """A line without print stamps, URLs, Markdown and HTML marks; whitespace kept (it tells a
    breadcrumb from a title), folded."""
    text = _fold(line)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "](" in text:
        text = _MD_LINK_RE.sub(r" \1 ", text)
    text = _PRINT_STAMP_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    text = _TRAILING_COUNTER_RE.sub("", text)
    text = _MD_MARK_RE.sub(" ", text)
    text = text.replace("NaN", " ").replace("Unnamed:", " ")
    if _PAGE_RE.match(text):
        return ""
    return text.strip()


# --- the title -------------------------------------------------------------------------------

_YEAR_DIGITS = str.maketrans("〇零○ОOo０一二三四五六七八九", "0000000" + "123456789")
_YEAR_TOKEN = r"(?:19|20)\d{2}|[一二][〇零○ОOo0一二三四五六七八九]{3}"
_YEAR_IN_TITLE_RE = re.compile(rf"({_YEAR_TOKEN})\s*年\s*(?:度)?")
# what follows the organ and year: 政府信息公开工作年度报告 and its variants (OCR may lose 报告)
TITLE_TAIL_RE = re.compile(
    r"(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:情况)?的?(?:年度)?(?:工作)?(?:报告|年报|年度报)?"
)
_REPORT_WORD_RE = re.compile(r"报告|年报")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_AFTER_TAIL_YEAR_RE = re.compile(rf"^[(（\[【]?\s*({_YEAR_TOKEN})\s*年?\s*度?\s*[)）\]】]?")
# a broken title's continuation on the next line
_TAIL_CONTINUATION_RE = re.compile(
    r"^(?:工作)?(?:年度|度)?(?:工作)?报告|^(?:的)?年度报告|^度报告|^报告|^年报"
)

_ORGAN_SUFFIX_RE = re.compile(
    r"(?:政府|办公厅|办公室|委员会|管委会|党工委|工委|局|厅|委|办|署|部|院|会|所|中心|处|站|队|馆|社|团|司|行"
    r"|公司|集团|学校|学院|大学|医院|监狱|海关|台|科|室|组|库|场|镇|乡|街道|办事处|区|县|市|州|盟|旗|省)$"
)
# names that are a kind of organ, not an organ: they need a region before them
_GENERIC_ORGANS = frozenset(
    {
        "人民政府",
        "政府",
        "办公室",
        "办公厅",
        "管委会",
        "管理委员会",
        "委员会",
        "办事处",
        "街道办事处",
        "人民政府办公室",
        "人民政府办公厅",
        "政府办公室",
        "政府办",
        "区",
        "县",
        "市",
        "镇",
        "乡",
    }
)
_NOT_NAMES = re.compile(
    r"^(?:本|我|该|贵|各|全)(?:机关|单位|局|委|办|部门|镇|乡|街道|县|区|市|院|厅|会|中心|处)"
)


@dataclass(frozen=True)
class _Title:
    text: str  # the title as printed, chrome and line breaks removed
    organ: str | None
    year: int | None
    complete: bool  # ends with 报告/年报 (an OCR'd or cut title may not)

    @property
    def score(self) -> tuple[int, int, int]:
        return (self.organ is not None) + (self.year is not None), int(self.complete), -len(self.text)


def _year_value(token: str) -> int | None:
    digits = token.translate(_YEAR_DIGITS)
    if not digits.isdigit():
        return None
    year = int(digits)
    return year if 1990 <= year <= 2100 else None


def _squash_marked(text: str) -> tuple[str, list[bool]]:
    """`text` without whitespace, and for each kept character whether whitespace preceded it."""
    out: list[str] = []
    spaced: list[bool] = []
    gap = False
    for ch in text:
        if ch.isspace():
            gap = True
            continue
        out.append(ch)
        spaced.append(gap)
        gap = False
    return "".join(out), spaced


def _parse_title(text: str) -> _Title | None:
    """The best reading of a (folded, cleaned) text as a report title."""
    # a year in brackets (淮安市人民政府（2024年度）政府信息公开…) is no boundary
    text = _BRACKET_YEAR_RE.sub(r" \1 ", text)
    s, spaced = _squash_marked(text)
    best: _Title | None = None
    for tail in TITLE_TAIL_RE.finditer(s):
        hit = _read_title_at(s, spaced, tail)
        if hit and (best is None or hit.score > best.score):
            best = hit
    return best


_BRACKET_YEAR_RE = re.compile(rf"[(（\[【]\s*((?:{_YEAR_TOKEN})\s*年\s*度?)\s*[)）\]】]")
# what may follow a title on its line without a space: the opening of the text, chrome, a notice
_AFTER_TITLE_RE = re.compile(
    r"$|[(（《》“”\"'_—\-|:：]|全文|正文|的通知|根据|依据|按照|为|本|一|现|发布|来源|时间|日期|浏览|字号|作者|编辑"
)


def _read_title_at(s: str, spaced: list[bool], tail: re.Match[str]) -> _Title | None:
    start, end = tail.start(), tail.end()
    complete = bool(_REPORT_WORD_RE.search(tail.group(0)))
    # 宝清县人民政府信息公开… / XX县政府 信息公开…: this 政府 is the organ's, not 政府信息公开's
    own_gov = False
    if s.startswith("政府", start) and start > 0:
        if s.endswith("人民", 0, start):
            start += 2
        elif start + 2 < len(s) and spaced[start + 2]:
            start += 2
            own_gov = True
    # a title quoted inside a sentence (现将…年度报告公布如下) is not the printed title
    if end < len(s) and not spaced[end] and not _AFTER_TITLE_RE.match(s, end):
        return None
    before = s[:start]
    cut = max(before.rfind(c) for c in _HARD_STOP) + 1
    segment = before[cut:]
    year: int | None = None
    year_at = None
    mid = ""
    prefix_end = start
    years = list(_YEAR_IN_TITLE_RE.finditer(segment))
    if years:
        y = years[-1]
        between = segment[y.end() :]
        value = _year_value(y.group(1))
        if value and len(between) <= 40 and not re.search(r"\d", between):
            year, year_at = value, cut + y.start()
            mid = _trim_organ(between)
            prefix_end = year_at
    if year is None:
        m = _AFTER_TAIL_YEAR_RE.match(s, end)
        if m and (value := _year_value(m.group(1))):
            year, end = value, m.end()
    prefix, prefix_at = _organ_before(s[cut:prefix_end], spaced[cut:prefix_end])
    organ = _choose_organ(prefix, mid)
    if organ is None and year is None and not complete:
        return None
    if organ is not None and organ == prefix:
        title_at = cut + prefix_at
    elif year_at is not None:
        title_at = year_at
    else:
        title_at = tail.start() if not own_gov else start
    title = s[title_at:end]
    if own_gov:
        # keep the space that gave 政府 to the organ, so the title reads back alike
        title = s[title_at:start] + " " + s[start:end]
    title = title.strip("《》“”\"'")
    return _Title(title, organ, year, complete) if title else None


def _organ_before(text: str, spaced: list[bool]) -> tuple[str, int]:
    """The organ's name that ends `text` and where it starts: the whitespace-separated pieces from
    the right, as long as none is chrome, a date or Latin text (a breadcrumb, a print header, a
    site name); of a piece ending in the name (年报宝清县) what follows the chrome is kept."""
    at = len(text)
    i = len(text)
    while i > 0:
        j = i - 1
        while j > 0 and not spaced[j]:
            j -= 1
        piece = text[j:i]
        bad_end = 0
        for m in _CHROME_RE.finditer(piece):
            bad_end = max(bad_end, m.end())
        for m in re.finditer(r"[0-9A-Za-z]+", piece):
            bad_end = max(bad_end, m.end())
        if bad_end:
            at = j + bad_end
            break
        at = j
        i = j
    name = text[at:]
    trimmed = _trim_organ(name)
    return trimmed, at + (name.find(trimmed) if trimmed else 0)


def _trim_organ(name: str) -> str:
    name = name.strip("《》“”\"'「」『』 ")
    name = re.sub(r"^(?:关于|对|现将|特将|将|现|特)|(?:关于|的|之)$", "", name)
    return name.strip("《》“”\"'「」『』 ")


def _choose_organ(prefix: str, mid: str) -> str | None:
    p = prefix if _is_organ(prefix) else None
    m = mid if _is_organ(mid) else None
    if p and m:
        # 淮安市人民政府2024年淮安市政府信息公开…: the fuller name; else the one inside the title
        return p if m in p else m
    return p or m


def _is_organ(name: str | None) -> bool:
    """Whether a piece of text can be an organ's printed name."""
    if not name or not 2 <= len(name) <= 40 or name in _GENERIC_ORGANS:
        return False
    if re.search(r"[0-9A-Za-z%]|[〇零一二三四五六七八九十]年", name) or _CHROME_RE.search(name):
        return False
    if re.search(r"[。，,；;！!？?：:、]", name) or _NOT_NAMES.match(name):
        return False
    return bool(_ORGAN_SUFFIX_RE.search(name))


def find_title(lines: list[str], container_title: str | None) -> str | None:
    """The report's title as printed at the top, chrome removed; titles are often broken over two
    or three lines (机关名称 / 2024年政府信息公开工作年度报告, or 关于2019年政府信息公开工作的 /
    年度报告). Falls back on the title the container states (HTML <title>, DOCX properties)."""
    head = _head(lines)
    best: _Title | None = None
    for i, piece in enumerate(head):
        if not TITLE_TAIL_RE.search(piece.replace(" ", "")):
            continue
        line = piece
        if (
            i + 1 < len(head)
            and _broken_tail(piece)
            and _TAIL_CONTINUATION_RE.match(head[i + 1].replace(" ", ""))
        ):
            line = piece + head[i + 1]
        # the shortest run of lines ending here that names the organ and the year
        for back in range(4):
            if i - back < 0 or (back and not _title_fragment(head[i - back])):
                break
            hit = _parse_title(" ".join([*head[i - back : i], line]))
            if hit is None:
                continue
            if hit.organ and hit.year:
                return hit.text
            if best is None or hit.score > best.score:
                best = hit
    if container_title and (best is None or best.organ is None):
        parts = [_parse_title(_clean_line(p)) for p in re.split(r"_|\||｜| - | — ", _fold(container_title))]
        hits = [h for h in parts if h is not None and h.organ]
        if hits:
            hit = max(hits, key=lambda h: h.score)
            if best is None or best.year is None or hit.year in (None, best.year):
                return hit.text
    return best.text if best else None


def _head(lines: list[str]) -> list[str]:
    """Cleaned non-empty lines before part 一 (web pages put site navigation before the title)."""
    head: list[str] = []
    for x in lines[:300]:
        for part in x.split("\t"):
            text = _clean_line(part)
            if not text:
                continue
            if _PART_ONE_RE.match(text) and head:
                return head
            head.append(text)
    return head


_PART_ONE_RE = re.compile(r"^\s*(?:一\s*[、.]|1\s*[、.])\s*总\s*体\s*情\s*况")


def _broken_tail(piece: str) -> bool:
    """A title line that stops inside 政府信息公开工作年度报告 (the rest on the next line)."""
    s = piece.replace(" ", "")
    m = None
    for m in TITLE_TAIL_RE.finditer(s):  # noqa: B007 - the last match
        pass
    return m is not None and not _REPORT_WORD_RE.search(m.group(0)) and len(s) - m.end() <= 2


def _title_fragment(line: str) -> bool:
    s = line.replace(" ", "")
    return (
        0 < len(s) <= 30
        and not re.search(r"[。，,；;！!？?]", s)
        and not re.match(r"^[一二三四五六七八九十]+[、.]", s)
        and not re.search(r"\d{4}\s*[-/.]\s*\d{1,2}", s)
        and not re.search(r"来源|时间|日期|发布|浏览|字号|打印", s)
    )


def organ_and_year(title: str | None) -> tuple[str | None, int | None]:
    """The organ and the report year a title prints."""
    if not title:
        return None, None
    hit = _parse_title(_clean_line(title))
    if hit is None:
        return None, None
    return hit.organ, hit.year


# --- when the title lacks them -------------------------------------------------------------

_PERIOD_RE = re.compile(
    rf"(?:统计期限|统计时限|统计时间|统计期|数据统计|统计区间|统计范围|所列数据)[^。]{{0,16}}?({_YEAR_TOKEN})\s*年\s*(?:1|一)\s*月\s*(?:1|一)\s*日"
)
_YEAR_START_RE = re.compile(rf"^\s*({_YEAR_TOKEN})\s*年\s*(?:度)?\s*(?:[,，以来]|是|我|全)")
_TEXT_TITLE_RE = re.compile(
    rf"({_YEAR_TOKEN})\s*年\s*度?\s*(?:的)?(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?(?:工作)?(?:报告|年报)"
)
_COMPILED_BY_RE = re.compile(
    r"本(?:年度)?(?:报告|年报)(?:由|是)([^，,。；;（(]{2,30}?)(?:根据|依据|按照|编制|办公室根据|负责|组织|汇总)"
)
_COMPILES_RE = re.compile(
    r"([^，,。；;：:“”《》()（）]{2,30}?)(?:现)?(?:编制|编写|编制完成|制定)了?(?:本|此)(?:年度)?(?:报告|年报)"
)
# a labelled field: a spreadsheet's 机关名称 | X row, an article header's 发布机构：X
_ORGAN_FIELD_RE = re.compile(
    r"^(?:机关名称|单位名称|机关|单位|报告单位|报送单位|填报单位|报告机关|公开主体|发布机构|发文机关)\s*[:：]?\s*$"
)
_YEAR_FIELD_RE = re.compile(r"^(?:报告年度|年度|报告年份|统计年度|所属年度)\s*[:：]?\s*$")
_INLINE_FIELD_RE = re.compile(
    r"^(?:机关名称|单位名称|报告单位|报送单位|填报单位|报告机关|公开主体|发布机构)\s*[:：]\s*(\S.{0,40}?)\s*$"
)
_INLINE_YEAR_RE = re.compile(
    rf"^(?:报告年度|报告年份|统计年度|所属年度)\s*[:：]\s*({_YEAR_TOKEN})\s*年?\s*度?\s*$"
)


def _fields(lines: Iterable[str]) -> Iterable[tuple[str, str]]:
    """(label, value) pairs printed as a table row `label<TAB>value` or a line `label：value`."""
    for line in lines:
        cells = [c.strip() for c in _fold(line).split("\t")]
        cells = [c for c in cells if c and c != "NaN"]
        if len(cells) >= 2:
            yield cells[0], cells[1]
        elif len(cells) == 1:
            m = re.match(r"^(\S{2,8}?)\s*[:：]\s*(\S.*)$", cells[0])
            if m:
                yield m.group(1) + "：", m.group(2)


def year_from_text(lines: list[str]) -> int | None:
    """The report year when the title does not print it: a labelled field (报告年度 | 2024), the
    statistics period, a title quoted in the text, the year the text starts its account with
    (「2020年，我镇…」), the year before the date signed at the end, else the most common year."""
    head = lines[:80]
    for label, value in _fields(head):
        if _YEAR_FIELD_RE.match(label.replace(" ", "")):
            m = re.match(rf"^({_YEAR_TOKEN})\s*年?\s*度?$", value.replace(" ", ""))
            if m and (year := _year_value(m.group(1))):
                return year
    joined = _fold("".join(squash(x) for x in head))
    for rx in (_PERIOD_RE, _TEXT_TITLE_RE):
        m = rx.search(joined)
        if m and (year := _year_value(m.group(1))):
            return year
    for line in head:
        m = _YEAR_START_RE.match(_fold(squash(line)))
        if m and (year := _year_value(m.group(1))):
            return year
    signed = published_date(lines)
    if signed and int(signed[5:7]) <= 6:
        return int(signed[:4]) - 1
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年(?!\s*修订)", joined)]
    return max(set(years), key=years.count) if years else None


def organ_from_text(lines: list[str]) -> str | None:
    """The organ when the title does not name it: a labelled field (机关名称 | X), 「本报告由XX人民
    政府办公室根据…编制」 or 「…，XX编制本报告」, else the signature at the end."""
    head = lines[:60]
    for label, value in _fields(head):
        if _ORGAN_FIELD_RE.match(label.replace(" ", "")):
            name = _trim_organ(squash(_clean_line(value)))
            if _is_organ(name):
                return name
    joined = _fold("".join(squash(x) for x in head[:40]))
    m = _COMPILED_BY_RE.search(joined)
    if m and _is_organ(_trim_organ(m.group(1))):
        return _trim_organ(m.group(1))
    for m in _COMPILES_RE.finditer(joined):
        name = _trim_organ(re.sub(r"^(?:由|现|特|经)", "", m.group(1)))
        if _is_organ(name):
            return name
    return _signature_organ(lines)


def _signature_organ(lines: list[str]) -> str | None:
    tail = _tail(lines)
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        d = _DATE_IN_LINE_RE.search(line)
        if d is None or len(line) > 40:
            continue
        before = _trim_organ(line[: d.start()])
        if _is_organ(before):
            return before
        if i > 0 and _is_organ(_trim_organ(tail[i - 1])):
            return _trim_organ(tail[i - 1])
        return None
    # an unsigned end: the last line is the organ's name alone
    if tail and _is_organ(_trim_organ(tail[-1])):
        return _trim_organ(tail[-1])
    return None


def _tail(lines: list[str], n: int = 8) -> list[str]:
    """The last lines, squashed, without print footers, page counters and URLs."""
    out: list[str] = []
    for x in reversed(lines[-(n + 8) :]):
        text = squash(_clean_line(x))
        if text:
            out.append(text)
        if len(out) >= n:
            break
    return out[::-1]


_DATE_IN_LINE_RE = re.compile(
    r"(?:19|20)\d{2}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?|[二〇零一三四五六七八九○О]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
)


def region_of(organ: str | None) -> str | None:
    """The higher-level region printed in the organ's name: 淮安市洪泽区人民政府 -> 淮安市,
    宝清县小城子镇 -> 宝清县; None when the name prints a single region."""
    if not organ:
        return None
    regions, _ = split_regions(squash(_fold(organ)))
    if len(regions) >= 2:
        return regions[-2].name
    return None


# --- the date signed -------------------------------------------------------------------------

_ISO_RE = re.compile(r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_CN_DATE_RE = re.compile(
    r"([二〇零一二三四五六七八九○Ｏ0]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_PUBLISHED_LABEL_RE = re.compile(r"(?:发布日期|发布时间|成文日期|日期)\s*[:：]\s*")


def published_date(lines: list[str]) -> str | None:
    """The date printed with the signature at the end, or a 发布日期 printed under the title."""
    for line in reversed(_tail(lines, 6)):
        if len(line) > 30:
            continue
        d = _date(line)
        if d:
            return d
    for line in lines[:8]:
        s = squash(line)
        m = _PUBLISHED_LABEL_RE.search(s)
        if m and len(s) < 40:
            d = _date(s[m.end() :])
            if d:
                return d
    return None


def _date(text: str) -> str | None:
    m = _ISO_RE.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = _CN_DATE_RE.search(text)
    if m:
        try:
            digits = m.group(1).translate(str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789"))
            y = int(digits)
            mo = int(_cn2an(m.group(2), "smart"))
            d = int(_cn2an(m.group(3), "smart"))
        except (ValueError, KeyError):
            return None
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _cn2an(text: str, mode: str) -> float:
    # cn2an takes ~0.3 s to import; only pay for it when a Chinese numeral is actually read
    import cn2an

    return cn2an.cn2an(text, mode)
