"""Organ identity: the same organ across years and spellings.

淮安市洪泽区人民政府 / 洪泽区人民政府 / 洪泽区政府 are one organ: the government of the region 洪泽区
(whose parent is 淮安市). A printed name is split into a chain of administrative regions and the
remainder (人民政府, 教育局, 办公室 …); the identity is the innermost region plus the normalised
remainder. The store resolves the region chain against its region table; users correct what the
heuristics get wrong with `nianbao organs link`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# suffix -> level; longer suffixes first so that 自治县 is not read as …县
_SUFFIX_LEVEL: tuple[tuple[str, str], ...] = (
    ("特别行政区", "省"),
    ("自治区", "省"),
    ("省", "省"),
    ("自治州", "市"),
    ("地区", "市"),
    ("盟", "市"),
    ("自治县", "县"),
    ("自治旗", "县"),
    ("新区", "县"),
    ("实验区", "县"),
    ("开发区", "县"),
    ("市", "市"),
    ("县", "县"),
    ("旗", "县"),
    ("区", "县"),
    ("街道", "乡镇"),
    ("镇", "乡镇"),
    ("乡", "乡镇"),
)
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
# fragments that never occur inside a region name but do inside department names (城乡建设局 …)
_NOT_REGION = (
    "城乡",
    "和",
    "与",
    "局",
    "委",
    "厅",
    "办",
    "部",
    "中心",
    "会",
    "院",
    "所",
    "队",
    "站",
    "司",
    "署",
)
_REGION_RE = re.compile("^(.{1,10}?(?:" + "|".join(re.escape(s) for s, _ in _SUFFIX_LEVEL) + "))")
GOVERNMENT = "人民政府"
_GOVERNMENT_SPELLINGS = {
    "",
    "政府",
    "人民政府",
    "管理委员会",
    "管委会",
    "办事处",
    "街道办事处",
    "人民政府办事处",
}
_PUNCT = re.compile(r"[\s　·•、，,。.（）()《》“”\"'：:；;]+")


@dataclass(frozen=True)
class RegionRef:
    """A region named in an organ's name, and its level."""

    name: str
    level: str


@dataclass(frozen=True)
class OrganIdentity:
    """An organ's name taken apart: its regions, and the organ within the innermost."""

    regions: tuple[RegionRef, ...]  # outermost first; may be empty
    remainder: str  # normalised organ within the innermost region: 人民政府, 教育局 …
    kind: str  # 政府 / 部门 / 乡镇 / 街道 / 其他
    printed: str  # the normalised full name it came from
    shown: str = ""  # the organ within its region as printed: 平潭综合实验区管委会 → 管委会

    @property
    def key(self) -> str:
        """Identity within the innermost region (the store adds the region id)."""
        inner = self.regions[-1].name if self.regions else ""
        return f"{inner}|{self.remainder}"

    @property
    def name(self) -> str:
        """Canonical display name: 洪泽区人民政府, 洪泽区教育局."""
        inner = self.regions[-1].name if self.regions else ""
        return inner + (self.shown or self.remainder)


def normalise_text(name: str) -> str:
    """NFKC, no whitespace or punctuation: the form spellings are compared in."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name or ""))


def level_of(name: str, parent_level: str | None = None) -> str | None:
    if name in _MUNICIPALITIES:
        return "省"
    for suffix, level in _SUFFIX_LEVEL:
        if name.endswith(suffix):
            if level == "市" and parent_level == "市":
                return "县"  # a county-level city (同江市 under 佳木斯市)
            return level
    return None


def split_regions(name: str) -> tuple[list[RegionRef], str]:
    """Peel regions off the front of a name: 淮安市洪泽区人民政府 → [淮安市, 洪泽区], 人民政府."""
    regions: list[RegionRef] = []
    rest = name
    while rest:
        m = _REGION_RE.match(rest)
        if not m:
            break
        token = m.group(1)
        if any(bad in token for bad in _NOT_REGION) or len(token) < 2:
            break
        if token.startswith(("人民", "政府")):
            break
        level = level_of(token, regions[-1].level if regions else None)
        regions.append(RegionRef(token, level or "其他"))
        rest = rest[len(token) :]
    return regions, rest


def identify(organ: str | None, region: str | None = None) -> OrganIdentity | None:
    """The identity of a printed organ name, using the extracted region as outer context."""
    text = normalise_text(organ or "")
    if not text:
        return None
    outer, _ = split_regions(normalise_text(region or ""))
    regions, rest = split_regions(text)
    # prepend outer regions the printed name omits (洪泽区人民政府 + region 淮安市)
    names = [r.name for r in regions]
    prefix = [r for r in outer if r.name not in names]
    if regions and prefix:
        regions = prefix + regions
        # recompute levels now the chain is complete
        fixed: list[RegionRef] = []
        for r in regions:
            fixed.append(RegionRef(r.name, level_of(r.name, fixed[-1].level if fixed else None) or "其他"))
        regions = fixed
    elif not regions and outer:
        regions = outer
    remainder = rest.replace("管委会", "管理委员会")
    if remainder in _GOVERNMENT_SPELLINGS:
        remainder = GOVERNMENT
    kind = _kind(regions, remainder)
    return OrganIdentity(tuple(regions), remainder, kind, text, rest)


def _kind(regions: list[RegionRef], remainder: str) -> str:
    if remainder == GOVERNMENT and regions:
        inner = regions[-1].name
        if inner.endswith("街道"):
            return "街道"
        if regions[-1].level == "乡镇":
            return "乡镇"
        return "政府"
    if regions and remainder:
        return "部门"
    return "其他"
