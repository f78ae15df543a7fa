"""Comparing reports: cell deltas and per-part text diffs, year over year, rankings on indicators."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..model import Report
from ..store import ReportFilter, Store, StoredReport
from ..templates import sections, template_of
from .indicators import INDICATORS, Indicator, compute_all
from .similarity import ratio


@dataclass
class CellDelta:
    key: str
    label: str
    a: float | int | None
    b: float | int | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a


@dataclass
class PartDiff:
    key: str
    title: str
    similarity: float
    diff: list[str]  # unified diff lines, sentence by sentence


def cell_label(template_id: str | None, key: str) -> str:
    """表三 （一）予以公开｜自然人 — the Chinese name of a cell, from the template."""
    try:
        return template_of(template_id).cell_heading(key)
    except KeyError:
        return key


def cell_deltas(a: Report, b: Report, changed_only: bool = True) -> list[CellDelta]:
    keys = list(a.cells) + [k for k in b.cells if k not in a.cells]
    out = []
    for k in keys:
        va, vb = a.value(k), b.value(k)
        if changed_only and va == vb:
            continue
        out.append(CellDelta(k, cell_label(b.template if k in b.cells else a.template, k), va, vb))
    return out


_SENTENCE = re.compile(r"(?<=[。；！？])")


def _sentences(text: str) -> list[str]:
    flat = re.sub(r"\s+", "", text or "")
    return [s for s in _SENTENCE.split(flat) if s]


def part_diffs(a: Report, b: Report) -> list[PartDiff]:
    out = []
    for sdef in sections():
        sa, sb = a.section(sdef.key), b.section(sdef.key)
        ta, tb = (sa.text if sa else ""), (sb.text if sb else "")
        lines = list(difflib.unified_diff(_sentences(ta), _sentences(tb), lineterm="", n=0))[2:]
        out.append(PartDiff(sdef.key, f"{sdef.number}、{sdef.title}", ratio(ta, tb), lines))
    return out


def year_over_year(store: Store, organ: str) -> list[tuple[int, StoredReport, dict[str, float | None]]]:
    """One report per year for the organ (the most complete when there are several), with indicators."""
    found = store.reports(ReportFilter(organ=organ))
    by_year: dict[int, StoredReport] = {}
    for sr in found:
        y = sr.report.year
        if y is None:
            continue
        blanks = sum(1 for c in sr.report.cells.values() if c.value is None)
        cur = by_year.get(y)
        if cur is None or blanks < sum(1 for c in cur.report.cells.values() if c.value is None):
            by_year[y] = sr
    return [(y, sr, compute_all(sr.report)) for y, sr in sorted(by_year.items())]


def ranking(
    store: Store, ind: Indicator, region: str | None = None, year: int | None = None
) -> list[tuple[StoredReport, float]]:
    """Organs ranked on an indicator, best first (highest first when direction is unknown)."""
    rows = [
        (sr, v)
        for sr in store.reports(ReportFilter(region=region, year=year))
        if (v := ind.compute(sr.report)) is not None
    ]
    rows.sort(key=lambda x: x[1], reverse=ind.higher_is_better is not False)
    return rows


__all__ = [
    "INDICATORS",
    "CellDelta",
    "PartDiff",
    "cell_deltas",
    "cell_label",
    "part_diffs",
    "ranking",
    "year_over_year",
]
