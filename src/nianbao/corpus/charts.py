"""Corpus statistics and PNG charts (matplotlib, headless, with a CJK font when one is installed)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..findings import CATALOGUE
from ..store import StoredReport
from ..templates import Role, get_template

# preferred CJK families, best first (fonts-noto-cjk, then the arphic fallback scripts/install.sh adds)
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "AR PL SungtiL GB",
    "AR PL UMing CN",
    "SimHei",
)


@cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None (charts then fall back to the default)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for fam in _CJK_FAMILIES:
        if fam in names:
            return fam
    for f in font_manager.fontManager.ttflist:  # anything that looks CJK
        if any(tag in f.name for tag in ("CJK", "Hei", "Song", "Ming", "Kai")):
            return f.name
    return None


@dataclass
class Summary:
    reports: int = 0
    organs: int = 0
    years: Counter[int] = field(default_factory=Counter)
    by_applicant: dict[str, float] = field(default_factory=dict)  # label -> applications
    by_outcome: dict[str, float] = field(default_factory=dict)  # group label -> results
    applications_by_year: dict[int, float] = field(default_factory=dict)
    findings: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)


def summarise(reports: list[StoredReport]) -> Summary:
    s = Summary(reports=len(reports), organs=len({r.organ_id for r in reports if r.organ_id}))
    applicant: dict[str, float] = defaultdict(float)
    outcome: dict[str, float] = defaultdict(float)
    per_year: dict[int, float] = defaultdict(float)
    for sr in reports:
        r = sr.report
        if r.year is not None:
            s.years[r.year] += 1
        for f in r.findings:
            s.findings[f.code] += 1
            s.severities[str(f.severity)] += 1
        tid = r.table_templates.get("t3") or r.template
        if not tid:
            continue
        tpl = get_template(tid)
        for col in tpl.applicants:
            v = r.value(tpl.role_key(Role.RECEIVED, col.key))
            if v is not None:
                applicant[col.label.name] += v
        for group in tpl.result_groups:
            for key in group.cell_keys():
                v = r.value(key)
                if v is not None:
                    outcome[group.name] += v
        total = r.value(tpl.role_key(Role.RECEIVED))
        if total is not None and r.year is not None:
            per_year[r.year] += total
    s.by_applicant = dict(applicant)
    s.by_outcome = dict(outcome)
    s.applications_by_year = dict(sorted(per_year.items()))
    return s


def write_charts(summary: Summary, out_dir: str | Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.family"] = [font]
    plt.rcParams["axes.unicode_minus"] = False
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(fig: Any, name: str) -> None:
        path = out / name
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)

    if summary.by_applicant:
        fig, ax = plt.subplots(figsize=(7, 4))
        labels, values = zip(*summary.by_applicant.items(), strict=True)
        ax.bar(labels, values, color="#4472C4")
        ax.set_title("本年新收申请：按申请人类型")
        ax.set_ylabel("件")
        save(fig, "applications_by_applicant.png")
    if summary.by_outcome:
        fig, ax = plt.subplots(figsize=(7, 4))
        items = sorted(summary.by_outcome.items(), key=lambda x: -x[1])
        ax.barh([k for k, _ in items][::-1], [v for _, v in items][::-1], color="#70AD47")
        ax.set_title("办理结果分布")
        ax.set_xlabel("件")
        save(fig, "results_by_outcome.png")
    if summary.applications_by_year:
        fig, ax = plt.subplots(figsize=(7, 4))
        years = list(summary.applications_by_year)
        ax.plot(years, list(summary.applications_by_year.values()), marker="o", color="#ED7D31")
        ax.set_xticks(years)
        ax.set_title("历年新收申请数量")
        ax.set_xlabel("年度")
        ax.set_ylabel("件")
        save(fig, "applications_by_year.png")
    if summary.findings:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        top = summary.findings.most_common(12)
        names = [CATALOGUE.get(c, (None, c))[1] for c, _ in top]
        ax.barh(names[::-1], [n for _, n in top][::-1], color="#C00000")
        ax.set_title("最常见的问题")
        ax.set_xlabel("次数")
        save(fig, "top_findings.png")
    return written
