"""报送进度: the four states of a unit for a year, and how lateness is judged."""

from __future__ import annotations

from datetime import date

from ..rules.compliance import deadline_for as _deadline_by_name

ON_TIME, LATE, MISSING, UNREACHABLE = "on_time", "late", "missing", "unreachable"
STATES = (ON_TIME, LATE, MISSING, UNREACHABLE)
STATE_ZH = {ON_TIME: "按时发布", LATE: "逾期", MISSING: "未找到", UNREACHABLE: "站点无法访问"}
# units a disclosure office chases (催报)
CHASE = (MISSING, LATE, UNREACHABLE)


def label(state: str, days_late: int | None = None) -> str:
    if state == LATE and days_late:
        return f"逾期 {days_late} 天"
    return STATE_ZH.get(state, state)


def deadline(
    organ: str, year: int, given: date | None = None, default: date | None = None
) -> tuple[date, str]:
    """The deadline that applies and why: the unit's own (SITES.csv or --deadline), else the one
    the organ's kind implies (条例第四十九条), else 31 January of the following year, the deadline
    of departments and towns, which most units are."""
    if given is not None:
        return given, "指定的截止日期"
    if default is not None:
        return default, "--deadline 指定的截止日期"
    found = _deadline_by_name(organ, year)
    if found is not None:
        return found
    return date(year + 1, 1, 31), "未能从名称判断机关类别，按次年1月31日计"


def judge(published: str | None, limit: date) -> tuple[str, int | None]:
    """(state, days late) for a found report; no date known counts as on time, flagged by the caller."""
    if not published:
        return ON_TIME, None
    day = date.fromisoformat(published[:10])
    if day > limit:
        return LATE, (day - limit).days
    return ON_TIME, None
