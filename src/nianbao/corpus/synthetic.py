"""Synthetic but internally consistent reports: for tests, benchmarks and demos.

Every value is drawn from a seeded generator and every 勾稽 relation of the template holds, so a
synthetic report validates clean unless a test breaks it on purpose.
"""

from __future__ import annotations

import random

from ..model import CellValue, Report, Section
from ..templates import TABLE_IDS, ColumnDef, Role, Template, get_template, sections, template_for_year

_PROBLEM_SENTENCES = (
    "政府信息公开工作机制有待进一步完善，",
    "部分单位主动公开意识不强，",
    "政策解读形式较为单一，",
    "依申请公开答复的规范性仍需提升，",
    "信息更新不够及时，",
    "基层政务公开标准化规范化建设仍有差距，",
)


def make_report(
    organ: str,
    year: int,
    region: str | None = None,
    seed: int | None = None,
    carried_over: dict[str, int] | None = None,
) -> Report:
    """A complete report whose tables satisfy every relation of the year's template.

    `carried_over` fixes 二、上年结转 per applicant column (to chain years for the XY rules).
    """
    rng = random.Random(seed if seed is not None else hash((organ, year)))
    template = template_for_year(year)
    values: dict[str, float | int] = {}
    t3 = template.table("t3")
    block = t3.blocks[0]
    applicant_cols = list(template.applicants)
    result_rows = t3.result_rows
    for col in applicant_cols:
        results = 0
        for row in result_rows:
            # most applications come from the first kind of applicant (自然人)
            n = rng.choice((0, 0, 0, 1, 2, 5)) if col is not applicant_cols[0] else rng.randint(0, 30)
            values[f"t3.{row.key}.{col.key}"] = n
            results += n
        prev = (carried_over or {}).get(col.key, rng.choice((0, 0, 1)))
        prev = min(prev, results) if carried_over is None else prev
        forward = rng.choice((0, 0, 1, 2))
        values[template.role_key(Role.CARRIED_OVER, col.key)] = prev
        values[template.role_key(Role.CARRIED_FORWARD, col.key)] = forward
        values[template.role_key(Role.RESULTS_TOTAL, col.key)] = results
        values[template.role_key(Role.RECEIVED, col.key)] = results + forward - prev
    _fix_negative_new_received(template, values, applicant_cols)
    (total,) = t3.total_columns
    for row in block.data_rows:
        values[f"t3.{row.key}.{total.key}"] = sum(values[f"t3.{row.key}.{c.key}"] for c in applicant_cols)
    for block4 in template.table("t4").blocks:
        for row in block4.data_rows:
            parts = {c.key: rng.choice((0, 0, 1, 2)) for c in block4.value_columns if not c.total_of}
            for k, v in parts.items():
                values[f"t4.{row.key}.{k}"] = v
            values[f"t4.{row.key}.total"] = sum(parts.values())
    for key, _, _, col in template.table("t2").cells():
        if col.unit:
            values[key] = round(rng.uniform(0, 500), 2)
        elif col.signed:
            values[key] = rng.randint(-3, 3)
        else:
            values[key] = rng.randint(0, 200)
    for bound in template.table("t2").lower_bounds:  # what T2_IMPLAUSIBLE checks
        values[bound.cell] += max(0, bound.minimum(values) or 0)
    report = Report(
        source=f"synthetic:{organ}:{year}",
        format="synthetic",
        organ=organ,
        region=region,
        year=year,
        template=template.id,
        table_templates={t: template.id for t in TABLE_IDS},
        title=f"{organ}{year}年政府信息公开工作年度报告",
        published=f"{year + 1}-01-20",
        tables_present=set(TABLE_IDS),
    )
    for key in get_template(template.id).cell_keys:
        value = values[key]
        report.cells[key] = CellValue(value, raw=str(value))
    problems = "".join(rng.sample(_PROBLEM_SENTENCES, 3)) + f"{organ}将在{year + 1}年持续改进。"
    texts = {
        "overview": f"{year}年，{organ}认真贯彻落实《中华人民共和国政府信息公开条例》。",
        "problems": problems,
        "other": "本年度未收取信息处理费。",
    }
    for s in sections():
        report.sections.append(
            Section(s.key, f"{s.number}、{s.title}", f"{s.number}、", texts.get(s.key, ""))
        )
    return report


def _fix_negative_new_received(
    template: Template, values: dict[str, float | int], cols: list[ColumnDef]
) -> None:
    # a fixed carried_over larger than this year's work: push the surplus into the first result row
    first = template.table("t3").result_rows[0]
    for col in cols:
        k = template.role_key(Role.RECEIVED, col.key)
        if values[k] < 0:
            gap = -values[k]
            values[f"t3.{first.key}.{col.key}"] += gap
            values[template.role_key(Role.RESULTS_TOTAL, col.key)] += gap
            values[k] = 0


def to_text(report: Report) -> str:
    """A plain-text rendering (one table row per line, tab-separated) for ingest benchmarks."""
    lines = [report.title or "", ""]
    for s in report.sections:
        lines.append(s.heading)
        if s.text:
            lines.append(s.text)
        tdef = report.template_def
        if tdef is None:
            continue
        for t in tdef.tables.values():
            if t.section != s.key:
                continue
            for block in t.blocks:
                if block.heading:
                    lines.append(block.heading)
                lines.append("\t".join(["项目"] + [c.label.official for c in block.value_columns]))
                for row in block.rows:
                    vals = (
                        []
                        if row.group
                        else [str(report.value(f"{t.id}.{row.key}.{c.key}")) for c in block.value_columns]
                    )
                    lines.append("\t".join([row.label.official, *vals]))
    lines.append(report.organ or "")
    lines.append(report.published or "")
    return "\n".join(lines) + "\n"
