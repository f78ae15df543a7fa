"""Indicators computed from a report's tables; definitions and formulas are in docs/corpus.md.

Row sets come from the template (the result rows under （三）不予公开 etc.), never from a list here,
so both templates give comparable figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Report
from ..templates import Role, Template, get_template


def _template(report: Report) -> Template | None:
    tid = report.table_templates.get("t3") or report.template
    return get_template(tid) if tid else None


def _result_rows(report: Report, group: str | Role) -> list[str]:
    """The keys of the 总计 column for the result rows of a group (denied, unable, a role …)."""
    tpl = _template(report)
    if tpl is None:
        return []
    for g in tpl.result_groups:
        if g.key == group or g.role == group:
            return list(g.cell_keys(tpl.table("t3").total_columns[0].key))
    return []


def _role(report: Report, role: Role, column: str | None = None) -> float | None:
    """A role's cell (本年新收 …) in the 总计 column, or in an applicant column."""
    tpl = _template(report)
    return None if tpl is None else _v(report, tpl.role_key(role, column))


def _first_applicant(report: Report) -> float | None:
    """本年新收 of the first applicant column (自然人)."""
    tpl = _template(report)
    return None if tpl is None else _role(report, Role.RECEIVED, tpl.applicants[0].key)


def _sum(report: Report, keys: list[str]) -> float | None:
    vals = [report.value(k) for k in keys]
    if not keys or any(v is None for v in vals):
        return None
    return float(sum(vals))  # type: ignore[arg-type]


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return num / den


def _v(report: Report, key: str) -> float | None:
    v = report.value(key)
    return None if v is None else float(v)


def _balance_in(report: Report) -> float | None:
    """一、本年新收 + 二、上年结转 (总计)."""
    received, carried = _role(report, Role.RECEIVED), _role(report, Role.CARRIED_OVER)
    return None if received is None or carried is None else received + carried


def _concluded(report: Report, groups: list[str]) -> float | None:
    total = _sum(report, [f"t4.{g}.total" for g in groups])
    pending = _sum(report, [f"t4.{g}.pending" for g in groups])
    return None if total is None or pending is None else total - pending


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # Chinese name shown to users
    formula: str  # Chinese formula, as in docs/corpus.md
    compute: Callable[[Report], float | None]
    percent: bool = True
    higher_is_better: bool | None = None

    def format(self, v: float | None) -> str:
        if v is None:
            return "—"
        return f"{v:.1%}" if self.percent else f"{v:g}"


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator(
            "applications",
            "新收申请数",
            "表三 一、本年新收政府信息公开申请数量（总计）",
            lambda r: _role(r, Role.RECEIVED),
            percent=False,
        ),
        Indicator(
            "disclosure_rate",
            "公开率",
            "（（一）予以公开 + （二）部分公开）÷（七）总计",
            lambda r: _ratio(
                _sum(r, _result_rows(r, "granted") + _result_rows(r, "partially_granted")),
                _role(r, Role.RESULTS_TOTAL),
            ),
            higher_is_better=True,
        ),
        Indicator(
            "denial_rate",
            "不予公开率",
            "（三）不予公开各项之和 ÷（七）总计",
            lambda r: _ratio(_sum(r, _result_rows(r, "denied")), _role(r, Role.RESULTS_TOTAL)),
            higher_is_better=False,
        ),
        Indicator(
            "unable_rate",
            "无法提供率",
            "（四）无法提供各项之和 ÷（七）总计",
            lambda r: _ratio(_sum(r, _result_rows(r, "unable")), _role(r, Role.RESULTS_TOTAL)),
        ),
        Indicator(
            "other_processing_rate",
            "其他处理率",
            "（六）其他处理（2021 格式为其三项之和）÷（七）总计",
            lambda r: _ratio(_sum(r, _result_rows(r, Role.OTHER_PROCESSING)), _role(r, Role.RESULTS_TOTAL)),
            higher_is_better=False,
        ),
        Indicator(
            "carry_forward_rate",
            "结转率",
            "四、结转下年度继续办理 ÷（一、本年新收 + 二、上年结转）（总计列）",
            lambda r: _ratio(_role(r, Role.CARRIED_FORWARD), _balance_in(r)),
            higher_is_better=False,
        ),
        Indicator(
            "review_correction_rate",
            "复议纠错率",
            "表四 行政复议 结果纠正 ÷（行政复议 总计 − 尚未审结）",
            lambda r: _ratio(_v(r, "t4.review.corrected"), _concluded(r, ["review"])),
            higher_is_better=False,
        ),
        Indicator(
            "litigation_loss_rate",
            "诉讼败诉率",
            "表四 行政诉讼（未经复议直接起诉 + 复议后起诉）结果纠正 ÷（两组总计 − 两组尚未审结）",
            lambda r: _ratio(
                _sum(r, ["t4.litigation_direct.corrected", "t4.litigation_after_review.corrected"]),
                _concluded(r, ["litigation_direct", "litigation_after_review"]),
            ),
            higher_is_better=False,
        ),
        Indicator(
            "natural_person_share",
            "自然人申请占比",
            "表三 一、本年新收 自然人 ÷ 总计",
            lambda r: _ratio(_first_applicant(r), _role(r, Role.RECEIVED)),
        ),
    )
}
_BY_NAME = {i.name: i for i in INDICATORS.values()}


def indicator(name: str) -> Indicator:
    """By key (disclosure_rate) or Chinese name (公开率)."""
    found = INDICATORS.get(name) or _BY_NAME.get(name)
    if found is None:
        known = "、".join(i.name for i in INDICATORS.values())
        raise KeyError(f"未知指标“{name}”；可用：{known}")
    return found


def compute_all(report: Report) -> dict[str, float | None]:
    return {k: i.compute(report) for k, i in INDICATORS.items()}
