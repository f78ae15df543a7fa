"""Report metadata as printed: title, organ, year, region and the date signed at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import squash

TITLE_TAIL_RE = re.compile(r"(?:政府)?(?:信息公开|政务公开)(?:工作)?的?(?:年度)?(?:工作)?报告")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_ISO_RE = re.compile(r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_CN_DATE_RE = re.compile(
    r"([二〇零一二三四五六七八九○Ｏ0]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_PUBLISHED_LABEL_RE = re.compile(r"(?:发布日期|发布时间|成文日期|日期)\s*[:：]\s*")


@dataclass
class Metadata:
    title: str | None = None
    organ: str | None = None
    region: str | None = None
    year: int | None = None
    published: str | None = None


def find_title(lines: list[str], container_title: str | None) -> str | None:
    """The report's title as printed at the top; titles are often broken over two or three lines
    (机关名称 / 2024年政府信息公开工作年度报告, or 关于2019年政府信息公开工作的 / 年度报告)."""
    # web pages put a lot of site navigation before the title: look further, but stop at part 一
    head = []
    for x in lines[:300]:
        sx = squash(x)
        if not sx:
            continue
        if re.match(r"^(?:一[、.．]|1[、.．])\s*总体情况", sx) and head:
            break
        head.append(sx)
    for i, line in enumerate(head):
        if len(line) > 60 or _SENTENCE_RE.search(line):
            continue
        start = i
        while start > 0 and _title_fragment(head[start - 1]) and i - start < 3:
            start -= 1
        # the shortest run of lines ending here that names the organ and the year
        for j in range(i, start - 1, -1):
            candidate = "".join(head[j : i + 1])
            if TITLE_TAIL_RE.search(candidate) and YEAR_RE.search(candidate) and _has_organ(candidate):
                return candidate
        candidate = "".join(head[start : i + 1])
        if TITLE_TAIL_RE.search(candidate):
            return candidate
    if container_title and TITLE_TAIL_RE.search(container_title):
        return squash(re.split(r"[_|]| - ", container_title)[0])
    return None


_SENTENCE_RE = re.compile(r"[。，；！？]|^(?:发布|来源|时间|日期)")
_ORGAN_RE = re.compile(r"(?:政府|办公厅|办公室|委员会|局|厅|镇|乡|街道|区|县|市|部|署|院|会|所|中心|处|委)")


def _title_fragment(line: str) -> bool:
    return (
        len(line) <= 30
        and not _SENTENCE_RE.search(line)
        and not re.match(r"^[一二三四五六七八九十]+[、.]", line)
    )


def _has_organ(text: str) -> bool:
    name = TITLE_TAIL_RE.split(text)[0]
    name = re.sub(r"(?:19|20)\d{2}\s*年度?", "", name)
    return bool(_ORGAN_RE.search(name))


def organ_and_year(title: str | None) -> tuple[str | None, int | None]:
    if not title:
        return None, None
    year_m = YEAR_RE.search(title)
    year = int(year_m.group(1)) if year_m else None
    name = TITLE_TAIL_RE.split(title)[0]
    name = re.sub(r"(?:19|20)\d{2}\s*年度?", "", name)
    name = re.sub(r"^关于|关于$|的$", "", name).strip("《》“”\"' 　:：")
    return (name or None), year


_PERIOD_RE = re.compile(
    r"(?:统计期限|统计时限|统计时间|数据统计)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
_YEAR_START_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*年[，,以来度]")
_COMPILED_BY_RE = re.compile(
    r"本(?:年度)?报告(?:由|是)([^，,。；（(]{2,30}?)(?:根据|依据|按照|编制|办公室根据)"
)


def year_from_text(lines: list[str]) -> int | None:
    """The report year when the title does not print it: the statistics period, else the year
    the text starts its account with (「2020年，我镇…」), else the most common year early on."""
    head = lines[:80]
    joined = "".join(head)
    m = _PERIOD_RE.search(joined)
    if m:
        return int(m.group(1))
    for line in head:
        m = _YEAR_START_RE.match(line)
        if m:
            return int(m.group(1))
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年(?!\s*修订)", joined)]
    return max(set(years), key=years.count) if years else None


def organ_from_text(lines: list[str]) -> str | None:
    """The organ when the title does not name it: 「本报告由XX人民政府办公室根据…编制」, else the
    signature above the date at the end."""
    m = _COMPILED_BY_RE.search("".join(squash(x) for x in lines[:40]))
    if m:
        return m.group(1)
    tail = [squash(x) for x in lines[-6:] if squash(x)]
    for i in range(len(tail) - 1, 0, -1):
        if _date(tail[i]) and len(tail[i - 1]) <= 30 and _ORGAN_RE.search(tail[i - 1]):
            return tail[i - 1]
    return None


def region_of(organ: str | None) -> str | None:
    """The higher-level region printed in the organ's name: 淮安市洪泽区人民政府 -> 淮安市."""
    if not organ:
        return None
    m = re.match(r"^(.{2,8}?(?:省|自治区))?(.{2,8}?(?:市|州|盟))?(.{1,8}?(?:区|县|旗))", organ)
    if m and m.group(3) and m.group(2):
        return m.group(2)
    m = re.match(r"^(.{2,8}?(?:市|县|区))(.{1,10}?(?:镇|乡|街道))", organ)
    if m:
        return m.group(1)
    return None


def published_date(lines: list[str]) -> str | None:
    """The date printed with the signature at the end, or a 发布日期 printed under the title."""
    tail = [squash(x) for x in lines[-6:] if squash(x)]
    for line in reversed(tail):
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
