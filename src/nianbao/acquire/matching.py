"""Is a link year Y's annual report of this unit? Judged from its title as a list shows it.

Titles vary: 「洪泽区人民政府2024年政府信息公开工作年度报告」, 「2024年度政府信息公开年报」,
「关于2024年政务公开工作年度报告」, 「区财政局2024年政府信息公开工作年度报告」. A county's column
often lists its departments' reports too, so a title naming another organ is not ours; a title
naming no organ is taken when nothing names ours. Notices about the report (关于报送…的通知,
解读, 图解) are not the report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_KIND = re.compile(r"(?:信息公开|政务公开).{0,8}?(?:年度报告|年报|工作报告)|信息公开年度报告|信息公开年报")
_NOT_REPORT = re.compile(
    r"(?:解读|图解|通知|要点|计划|方案|指南|目录|意见|答记者问|H5|视频|一图读懂|报送|编制)"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_TAIL = re.compile(
    r"(?:关于)?(?:\d{4}\s*年度?)?(?:的)?(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:的)?(?:年度报告|年报|工作报告|报告)"
)
_REGION_PREFIX = re.compile(r"^.{1,8}?(?:省|自治区|市|州|盟|地区|区|县|旗)")
_GENERIC = {"", "政府", "人民政府", "关于", "年度", "的", "本机关", "我局", "我委", "我办"}


@dataclass(frozen=True)
class Match:
    score: int  # 3 names the unit fully, 2 a short form of it, 1 names no organ
    title: str


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def name_variants(organ: str) -> list[str]:
    """The unit's name and the shorter forms sites print (regions dropped from the front,
    人民政府 dropped from a government's name), longest first."""
    name = normalise(organ)
    out = [name]
    cur = name
    while True:
        m = _REGION_PREFIX.match(cur)
        if not m or len(cur) - m.end() < 2:
            break
        cur = cur[m.end() :]
        out.append(cur)
    for v in list(out):
        for suffix in ("人民政府办公室", "人民政府办公厅", "人民政府", "办事处", "管理委员会", "管委会"):
            if v.endswith(suffix) and len(v) > len(suffix) + 1:
                out.append(v[: -len(suffix)])
    return sorted({v for v in out if len(v) >= 2 and v not in _GENERIC}, key=len, reverse=True)


def is_annual_report_title(title: str) -> bool:
    t = normalise(title)
    return bool(_KIND.search(t)) and not _NOT_REPORT.search(t)


def title_years(title: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(normalise(title))]


def match(title: str, organ: str, year: int) -> Match | None:
    """A Match when `title` is the annual report on `year` that `organ` may have published."""
    t = normalise(title)
    if not is_annual_report_title(t):
        return None
    years = title_years(t)
    if year not in years:
        return None
    # the organ part: what is left once the year and the 「政府信息公开工作年度报告」 tail are gone
    rest = _TAIL.sub("", t)
    rest = re.sub(r"(?:19|20)\d{2}\s*年?度?", "", rest)
    rest = re.sub(r"[（）()【】\[\]《》〈〉「」“”\"'：:—\-_·、，,。.]", "", rest)
    if rest.endswith("人民"):  # 「…人民政府信息公开…」: the tail took the 政府 of the name
        rest += "政府"
    variants = name_variants(organ)
    if rest in _GENERIC:
        return Match(1, title)
    full = variants[0]
    if rest == full or rest.endswith(full):
        return Match(3, title)
    if rest in variants or (len(rest) >= 2 and full.endswith(rest)):
        return Match(2, title)
    return None  # names some other organ (or this region's government, for a department)


def best(candidates: list[tuple[str, object]], organ: str, year: int) -> tuple[Match, object] | None:
    """The best-matching (title, item) pair; ties keep list order (newest first on most sites)."""
    found: tuple[Match, object] | None = None
    for title, item in candidates:
        m = match(title, organ, year)
        if m is not None and (found is None or m.score > found[0].score):
            found = (m, item)
    return found
