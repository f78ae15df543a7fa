"""SITES.csv: the units to watch, one a line — 机关, 地区, 年报栏目 (the URL of the unit's
政府信息公开年报 column) and optionally 截止日期.

Headers may be Chinese or English (organ, region, url, deadline). Excel in China saves CSV as
GBK: UTF-8 (with or without BOM) and GB18030 are both read.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import NianbaoError

HEADERS = {
    "organ": ("机关", "单位", "机关名称", "单位名称", "organ", "name"),
    "region": ("地区", "所属地区", "行政区划", "region"),
    "url": ("年报栏目", "栏目地址", "栏目", "网址", "地址", "url", "column"),
    "deadline": ("截止日期", "公布期限", "deadline"),
}


@dataclass(frozen=True)
class Unit:
    organ: str
    url: str
    region: str | None = None
    deadline: str | None = None  # YYYY-MM-DD or MM-DD (of the year after the report's), as written
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.region or ''}|{self.organ}"

    def deadline_for(self, year: int) -> date | None:
        if not self.deadline:
            return None
        return parse_deadline(self.deadline, year)


def parse_deadline(text: str, year: int) -> date:
    """`2025-01-31`, `2025/1/31`, `2025年1月31日`, or `01-31` (in the year after `year`)."""
    t = text.strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", t)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", t)
    if m:
        return date(year + 1, int(m.group(1)), int(m.group(2)))
    raise ValueError(f"无法识别的日期：{text}")


def read_sites(path: str | os.PathLike[str]) -> list[Unit]:
    raw = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NianbaoError(f"{path}：无法识别文件编码（请保存为 UTF-8 或 GBK 编码的 CSV）")
    return parse_sites(text, str(path))


def parse_sites(text: str, name: str = "SITES.csv") -> list[Unit]:
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise NianbaoError(f"{name}：文件为空")
    header = [c.strip().lower() for c in rows[0]]
    cols: dict[str, int] = {}
    for field, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names and field not in cols:
                cols[field] = i
    missing = [HEADERS[f][0] for f in ("organ", "url") if f not in cols]
    if missing:
        raise NianbaoError(
            f"{name}：第一行缺少列 {'、'.join(missing)}（需要：机关,地区,年报栏目[,截止日期]）"
        )
    units: list[Unit] = []
    seen: set[str] = set()
    problems: list[str] = []
    for n, row in enumerate(rows[1:], start=2):

        def cell(field: str, row: list[str] = row) -> str:
            i = cols.get(field)
            return row[i].strip() if i is not None and i < len(row) else ""

        organ, url = cell("organ"), cell("url")
        if not organ or not url:
            problems.append(f"第 {n} 行缺少机关名称或栏目地址")
            continue
        if not re.match(r"^https?://", url, re.I):
            problems.append(f"第 {n} 行的栏目地址不是 http(s) 网址：{url}")
            continue
        deadline = cell("deadline") or None
        if deadline:
            try:
                parse_deadline(deadline, 2000)
            except ValueError:
                problems.append(f"第 {n} 行的截止日期无法识别：{deadline}")
                continue
        unit = Unit(organ, url, cell("region") or None, deadline, n)
        if unit.key in seen:
            problems.append(f"第 {n} 行重复：{organ}")
            continue
        seen.add(unit.key)
        units.append(unit)
    if problems:
        raise NianbaoError(f"{name} 有 {len(problems)} 处问题：" + "；".join(problems[:10]))
    return units
