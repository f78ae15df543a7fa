"""Scoring one report against a rubric: each indicator's value, sample, status, colour and points.

Status of an indicator:
- ``rated``: a value and, for a rate, at least `min_sample` cases — it gets a colour and points;
- ``insufficient`` (样本不足): fewer cases than `min_sample` — no colour, no points, and its
  weight leaves the maximum, so a town with three applications is not ranked on a 33 % rate;
- ``undefined`` (无法计算): a cell it needs (or its sample) is blank, its table is missing, a
  date or the previous year is unknown —
  also out of the maximum (the completeness and format indicators already penalise the blanks);
- ``unpublished`` (未发布): the unit has no report for the year — every indicator 0 points,
  the full weight in the maximum.

Points: by `score` (a fraction 0–1 of the weight, over `value`) when the indicator has one, else
by colour (green the weight, yellow `yellow_points` × weight, red 0). The total on 100 is
points ÷ the weights of the indicators that could be judged × 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .facts import Evidence, ReportFacts
from .rubric import COLOUR_ZH, Indicator, Rubric

STATUS_ZH = {
    "rated": "已评价",
    "insufficient": "样本不足",
    "undefined": "无法计算",
    "unpublished": "未发布",
}


@dataclass(frozen=True)
class IndicatorResult:
    key: str
    value: float | None
    sample: float | None
    status: str  # rated | insufficient | undefined | unpublished
    colour: str | None  # green | yellow | red, only when rated
    points: float | None  # None when the indicator is not counted
    weight: float
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""  # one line, Chinese: why this colour / status

    @property
    def counted(self) -> bool:
        return self.status in ("rated", "unpublished")

    @property
    def status_zh(self) -> str:
        if self.status == "rated" and self.colour:
            return COLOUR_ZH[self.colour]
        return STATUS_ZH[self.status]

    @property
    def share(self) -> float | None:
        """Points as a share of the weight (for heatmaps), None when not counted."""
        if self.points is None or not self.weight:
            return None
        return self.points / self.weight

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "sample": self.sample,
            "status": self.status,
            "colour": self.colour,
            "points": self.points,
            "weight": self.weight,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class ReportScore:
    results: dict[str, IndicatorResult] = field(default_factory=dict)

    @property
    def points(self) -> float:
        return sum(r.points or 0.0 for r in self.results.values())

    @property
    def max_points(self) -> float:
        return sum(r.weight for r in self.results.values() if r.counted)

    @property
    def score(self) -> float | None:
        """On 100: points over the weights that could be judged."""
        return None if self.max_points <= 0 else round(100 * self.points / self.max_points, 2)

    def colours(self, colour: str) -> list[IndicatorResult]:
        return [r for r in self.results.values() if r.colour == colour]


def _dedupe(items: list[Evidence]) -> tuple[Evidence, ...]:
    seen: set[tuple[str, str, int | None, int | None]] = set()
    out = []
    for e in items:
        k = (e.kind, e.ref, e.finding_id, e.report_id)
        if k not in seen:
            seen.add(k)
            out.append(e)
    return tuple(out)


def score_indicator(rubric: Rubric, ind: Indicator, facts: ReportFacts) -> IndicatorResult:
    facts.trace = []
    value = _float(ind.value(facts))  # first, so its cells lead the evidence (the numerator of a rate)
    sample = _float(ind.sample(facts)) if ind.sample is not None else None
    evidence = _dedupe(facts.trace)
    need = rubric.min_sample_of(ind)
    if ind.sample is not None and sample is not None and sample < need:
        return IndicatorResult(
            ind.key,
            value,
            sample,
            "insufficient",
            None,
            None,
            ind.weight,
            evidence,
            f"样本 {sample:g} 件，少于 {need:g} 件，不作评价",
        )
    if value is None or (ind.sample is not None and sample is None):
        return IndicatorResult(
            ind.key, None, sample, "undefined", None, None, ind.weight, evidence, _why_undefined(evidence)
        )
    colour = ind.colour(value)
    if ind.score is not None:
        facts.variables = {"value": value, "sample": sample}
        facts.trace = []
        share = _float(ind.score(facts))
        facts.variables = {}
        if share is None:
            share = _colour_share(rubric, colour)
        share = min(max(share, 0.0), 1.0)
    else:
        share = _colour_share(rubric, colour)
    points = round(ind.weight * share, 4)
    reason = f"{ind.name} {ind.format(value)}（{ind.threshold_text()}）"
    return IndicatorResult(ind.key, value, sample, "rated", colour, points, ind.weight, evidence, reason)


def _colour_share(rubric: Rubric, colour: str) -> float:
    return {"green": 1.0, "yellow": rubric.yellow_points, "red": 0.0}[colour]


def _why_undefined(evidence: tuple[Evidence, ...]) -> str:
    for e in evidence:
        if e.kind == "meta" and e.value is None:
            return e.text
    missing = sorted(
        {e.text.split("“")[0] for e in evidence if e.kind == "cell" and e.text.endswith("= 缺表")}
    )
    if missing:
        return f"报告缺少{'、'.join(missing)}，无法计算"
    blanks = [e.text for e in evidence if e.kind == "cell" and e.value is None]
    if blanks:
        return "所需单元格无数值：" + "；".join(blanks[:3])
    return "分母为 0 或所需数据缺失，无法计算"


def _float(v: object) -> float | None:
    if v is None:
        return None
    return float(v)  # type: ignore[arg-type]


def score_report(rubric: Rubric, facts: ReportFacts) -> ReportScore:
    out = ReportScore()
    for ind in rubric.indicators:
        out.results[ind.key] = score_indicator(rubric, ind, facts)
    return out


def unpublished(rubric: Rubric, year: int) -> ReportScore:
    out = ReportScore()
    for ind in rubric.indicators:
        out.results[ind.key] = IndicatorResult(
            ind.key, None, None, "unpublished", None, 0.0, ind.weight, (), f"未发布{year}年度报告"
        )
    return out
