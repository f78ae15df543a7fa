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
from ..lazyre import lazy
from .normalize import RADICALS, squash

# --- text folding ----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """The forms a title is compared in: radicals and compatibility ideographs to ideographs,
    full-width digits, letters and punctuation to ASCII — but not the brackets, which a name may
    print (中共宝清县委宣传部（宝清县人民政府新闻办公室）) — and odd spaces to spaces."""
    return text.translate(_FOLD)


def _fold_table() -> dict[int, str]:
    table = dict(RADICALS)
    for c in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFB00)]:
        table.setdefault(c, unicodedata.normalize("NFKC", chr(c)))
    for c in range(0xFF01, 0xFF5F):
        if chr(c) not in "（）［］｛｝":
            table[c] = chr(c - 0xFEE0)
    for c in (0x3000, 0xA0, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF):
        table[c] = " "
    return table


_FOLD = _fold_table()

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
    r"^\s*(?:[-—–－]?\s*\d{1,3}\s*[-—–－]?|\d{1,4}\s*/\s*\d{1,4}|第\s*\d+\s*页\s*[,，/]?\s*(?:共\s*\d+\s*页)?"
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
_HARD_STOP = ":>|]】」』《“\"'»›/\\=。,;!?、"


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
    r"(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:情况)?的?(?:年度)?(?:工作)?(?:报告|年报|报)?"
)
_REPORT_WORD_RE = re.compile(r"报告|年报")
# a year printed after the title: in brackets, or followed by 年 (never a date's year)
_AFTER_TAIL_YEAR_RE = lazy(
    rf"[(（\[【]\s*({_YEAR_TOKEN})\s*年?\s*度?\s*[)）\]】]?|({_YEAR_TOKEN})\s*年\s*度?(?![\d月])"
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
    """A report's title as found, and the organ and year it names."""

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
    s, spaced = _squash_marked(text)
    best: _Title | None = None
    for tail in TITLE_TAIL_RE.finditer(s):
        hit = _read_title_at(s, spaced, tail)
        if hit and (best is None or hit.score > best.score):
            best = hit
    return best


# XX县政府 信息公开…: only a region's 政府 (a department's name never ends in 政府)
_REGION_ENDS = frozenset("县市区镇乡旗州盟省")
# what may follow a title on its line without a space: the opening of the text, chrome, a notice
_AFTER_TITLE_RE = lazy(
    rf"$|。$|[(（《》“”\"'_—\-|:：]|(?:{_YEAR_TOKEN})\s*年|全文|正文|的通知|根据|依据|按照|为|本|一|现|发布|来源|时间|日期|浏览|字号|作者|编辑"
)


def _read_title_at(s: str, spaced: list[bool], tail: re.Match[str]) -> _Title | None:
    start, end = tail.start(), tail.end()
    complete = bool(_REPORT_WORD_RE.search(tail.group(0)))
    # 宝清县人民政府信息公开… / XX县政府 信息公开…: this 政府 is the organ's, not 政府信息公开's
    own_gov = False
    if s.startswith("政府", start) and start > 0:
        if s.endswith("人民", 0, start):
            start += 2
        elif (
            start + 2 < len(s)
            and spaced[start + 2]
            and not spaced[start + 1]
            and not spaced[start]
            and s[start - 1] in _REGION_ENDS
        ):
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
        if m and (value := _year_value(m.group(1) or m.group(2))):
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


# digits and Latin letters are no part of a name (dates, page stamps, IPV6, APP), but for an
# ordinal (洪泽区第2街道, 测试市第1区)
_NOT_NAME_CHARS_RE = re.compile(r"(?<!第)(?<!\d)\d+|[A-Za-z%]+")


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
        for m in _CHROME_RE.finditer(_ORGAN_CHROME_RE.sub(_blank, piece)):
            bad_end = max(bad_end, m.end())
        for m in _NOT_NAME_CHARS_RE.finditer(piece):
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
    """A name without the words and quotes around it: 关于…, …的, 《…, an unbalanced bracket; of
    a notice's title (…办公室关于印发宝清县) the organ of the report it publishes."""
    after = re.split(r"关于(?:印发|公布|发布|转发)?", name)
    name = after[-1] or after[0] if len(after) > 1 else name
    for _ in range(2):
        name = name.strip(_QUOTES).lstrip(")）]】").rstrip("(（[【")
        name = re.sub(r"^(?:现将|特将)|(?:的|之)$", "", name)
        if name[:1] in "(（[【" and not re.search(r"[)）\]】]", name):
            name = name[1:]
        if name[-1:] in ")）]】" and not re.search(r"[(（\[【]", name):
            name = name[:-1]
    return name


_QUOTES = "《》“”\"'「」『』 "


def _choose_organ(prefix: str, mid: str) -> str | None:
    p = prefix if _is_organ(prefix) else None
    m = mid if _is_organ(mid) else None
    if p and m:
        # 淮安市人民政府2024年淮安市政府信息公开…: the fuller name; else the one inside the title
        return p if m in p else m
    return p or m


# 宝清县人民政府政务公开办公室 is a name although 政务公开 is also a menu's word
_ORGAN_CHROME_RE = re.compile(r"(?:政务公开|信息公开)(?:工作)?(?:领导小组)?(?=办公室|办|科|处|股|中心)")


def _blank(m: re.Match[str]) -> str:
    return "　" * len(m.group(0))  # same length: positions stay valid


def _is_organ(name: str | None) -> bool:
    """Whether a piece of text can be an organ's printed name."""
    if not name or not 2 <= len(name) <= 40 or name in _GENERIC_ORGANS:
        return False
    # 中共宝清县委宣传部（宝清县人民政府新闻办公室）: judged by the name before the brackets
    name = re.sub(r"[(（][^()（）]{2,30}[)）]$", "", name) or name
    core = _ORGAN_CHROME_RE.sub(_blank, name)
    if (
        _NOT_NAME_CHARS_RE.search(name)
        or re.search(r"[〇零一二三四五六七八九十]年", name)
        or _CHROME_RE.search(core)
    ):
        return False
    if re.search(r"[。，,；;！!？?：:、]", name) or _NOT_NAMES.match(name):
        return False
    # the end of a name broken over lines (宝清 / 县人民政府…) is no name; 镇江市, 乡宁县 and
    # 市场监督管理局 are
    if name[0] in "县旗盟州省" or name.startswith(("民政府", "府")):
        return False
    if name[0] in "市区镇乡" and (name[1:] in _GENERIC_ORGANS or name[1:].startswith(("人民政府", "政府"))):
        return False
    return bool(_ORGAN_SUFFIX_RE.search(name))


def find_title(lines: list[str], container_title: str | None) -> str | None:
    """The report's title as printed at the top, chrome removed; titles are often broken over two
    or three lines (机关名称 / 2024年政府信息公开工作年度报告, or 关于2019年政府信息公开工作的 /
    年度报告). Falls back on the title the container states (HTML <title>, DOCX properties)."""
    head = _head(lines)
    best: _Title | None = None
    named: _Title | None = None
    dated: _Title | None = None
    for i, piece in enumerate(head):
        line = piece
        j = i + 1
        # broken inside a word: 政府信息公 / 开工作年度报告, …工作年 / 度报告, 政府信 / 息 / 公开…
        while j < len(head) and j - i <= 3 and _tail_crosses(line, "".join(head[j : j + 3])):
            line += head[j]
            j += 1
        if not TITLE_TAIL_RE.search(line.replace(" ", "")):
            continue
        hit = _title_ending_at(head, i, line)
        if hit is None:
            continue
        if hit.year is None:
            hit = _year_below(head, i, j, line, hit)
        if hit.organ is None and hit.year is not None:
            hit = _organ_below(head, j, hit)
        if hit.organ and hit.year:
            return hit.text
        if hit.organ and hit.complete and (named is None or hit.score > named.score):
            named = hit
        if hit.year and (dated is None or hit.score > dated.score):
            dated = hit
        if best is None or hit.score > best.score:
            best = hit
    if named and dated and named.organ and dated.organ is None:
        # a page header naming the organ, the title below with the year only
        return named.organ + dated.text
    if container_title and (best is None or best.organ is None):
        parts = [_parse_title(_clean_line(p)) for p in re.split(r"_|\||｜| - | — ", _fold(container_title))]
        hits = [h for h in parts if h is not None and h.organ]
        if hits:
            hit = max(hits, key=lambda h: h.score)
            if best is None or best.year is None or hit.year in (None, best.year):
                return hit.text
    return best.text if best else None


def _year_below(head: list[str], i: int, j: int, line: str, hit: _Title) -> _Title:
    """The year printed on the lines below the title: …年度报告 / （2021年度）, …（二 / 〇二一年）."""
    for n in range(1, 3):
        below = head[j : j + n]
        if len(below) < n or not _title_fragment(below[-1]):
            break
        text = "".join(below).replace(" ", "")
        if TITLE_TAIL_RE.search(text) or not _YEAR_FIRST_RE.match(text):
            if len(text) == 1 and text in "(（[【":
                continue  # the bracket alone on its line
            break  # a second title or the text, not the year of this one
        longer = _title_ending_at(head, i, " ".join([line, *below]))
        if longer and longer.year:
            return longer
    return hit


_YEAR_FIRST_RE = lazy(r"[(（\[【]?[\d〇零○一二三四五六七八九]")


def _organ_below(head: list[str], j: int, hit: _Title) -> _Title:
    """A cover page: the title with its year, the organ's name on a line of its own below."""
    for line in head[j : j + 2]:
        name = _trim_organ(squash(line))
        if _title_fragment(line) and _is_organ(name):
            return _Title(name + hit.text, name, hit.year, hit.complete)
    return hit


def _title_ending_at(head: list[str], i: int, line: str) -> _Title | None:
    """The shortest run of lines ending with `line` that names the organ and the year; a name
    without its region (卫生健康委员会 under 淮安市洪泽区) takes the region from the line above."""
    best: _Title | None = None
    for back in range(4):
        if i - back < 0 or (back and not _title_fragment(head[i - back])):
            break
        hit = _parse_title(" ".join([*head[i - back : i], line]))
        if hit is None:
            continue
        if best is not None and best.organ and best.year:
            # a name printed without its region continues the line above when that line is the
            # name's start: a region, or one word (not a menu of several)
            if hit.organ is None:
                continue  # 人 / 民政府…: the join is no name yet, the line above may complete it
            if _about_above(head, i - back + 1) and hit.year and best.organ == "于" + hit.organ:
                return hit
            extends = hit.year and len(hit.organ) > len(best.organ) and hit.organ.endswith(best.organ)
            if not (extends and (split_regions(hit.organ)[0] or _one_word(head[i - back], hit, best))):
                return best
            best = hit
        elif best is None or hit.score > best.score:
            best = hit
        if best.organ and best.year and split_regions(best.organ)[0] and not _about_above(head, i - back):
            return best
    return best


def _about_above(head: list[str], k: int) -> bool:
    """关 / 于宝清县…: the line above holds the start of 关于 (so 于 is not the name's)."""
    return k > 0 and head[k].startswith("于") and head[k - 1].endswith("关")


def _one_word(above: str, longer: _Title, shorter: _Title) -> bool:
    """Whether what the line above adds to the name is one word there (国 / 家税务总局…, a stray
    space allowed), not a menu (国务院 省政府 省人大 省政协); OCR's spaced characters are one word."""
    added = (longer.organ or "")[: len(longer.organ or "") - len(shorter.organ or "")]
    words: list[str] = []
    for w in reversed(above.split()):
        if len("".join(words)) >= len(added):
            break
        words.insert(0, w)
    return len(words) <= 2 or all(len(w) == 1 for w in words)


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


def _tail_crosses(piece: str, nxt: str) -> bool:
    """Whether 政府信息公开工作年度报告 (or the 关于 before the name) runs on into the next line."""
    a, b = piece.replace(" ", ""), nxt.replace(" ", "")
    if not a or not b:
        return False
    if a.endswith("关") and b.startswith("于") and TITLE_TAIL_RE.search(b):
        return True  # 关 / 于宝清县2021年…
    return any(m.start() < len(a) < m.end() for m in TITLE_TAIL_RE.finditer(a + b[:12]))


_BREADCRUMB_RE = re.compile(r"[:>|】»›]")


def _title_fragment(line: str) -> bool:
    """A line that may hold the start of a title broken over lines (after any breadcrumb)."""
    s = _BREADCRUMB_RE.split(line.replace(" ", ""))[-1]
    return (
        0 < len(s) <= 45
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

_PERIOD_RE = lazy(
    rf"(?:统计期限|统计时限|统计时间|统计期|数据统计|统计区间|统计范围|所列数据)[^。]{{0,16}}?({_YEAR_TOKEN})\s*年\s*(?:度|(?:1|一)\s*月)"
)
_YEAR_START_RE = lazy(rf"^\s*({_YEAR_TOKEN})\s*年\s*(?:度)?\s*(?:[,，以来]|是|我|全)")
_TEXT_TITLE_RE = lazy(
    rf"({_YEAR_TOKEN})\s*年\s*度?\s*(?:的)?(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?(?:工作)?(?:报告|年报)"
)
_COMPILED_BY_RE = lazy(
    r"本(?:年度)?(?:报告|年报)(?:由|是)([^，,。；;（(]{2,30}?)(?:根据|依据|按照|编制|办公室根据|负责|组织|汇总)"
)
_COMPILES_RE = lazy(
    r"([^，,。；;：:“”《》()（）]{2,30}?)(?:现)?(?:编制|编写|编制完成|制定)了?(?:本|此)(?:年度)?(?:报告|年报)"
)
# a labelled field: a spreadsheet's 机关名称 | X row, an article header's 发布机构：X
_ORGAN_FIELD_RE = lazy(
    r"^(?:机关名称|单位名称|机关|单位|报告单位|报送单位|填报单位|报告机关|公开主体|发布机构|发文机关)\s*[:：]?\s*$"
)
_YEAR_FIELD_RE = lazy(r"^(?:报告年度|年度|报告年份|统计年度|所属年度)\s*[:：]?\s*$")


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
        name = _trim_organ(re.sub(r"^(?:现由|由|经)", "", m.group(1)))
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


_DATE_IN_LINE_RE = lazy(
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
