"""Synthetic but internally consistent reports: for tests, benchmarks and demos.

Every value is drawn from a seeded generator and every 勾稽 relation of the template holds, so a
synthetic report validates clean unless a test breaks it on purpose.
"""

from __future__ import annotations

import random

from ..model import CellValue, Report, Section
from ..templates import TABLE_IDS, get_template, sections, template_for_year

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
    applicant_cols = [c for c in block.value_columns if not c.total_of]
    result_rows = [r for r in block.data_rows if r.result]
    for col in applicant_cols:
        results = 0
        for row in result_rows:
            n = rng.choice((0, 0, 0, 1, 2, 5)) if col.key != "natural_person" else rng.randint(0, 30)
            values[f"t3.{row.key}.{col.key}"] = n
            results += n
        prev = (carried_over or {}).get(col.key, rng.choice((0, 0, 1)))
        prev = min(prev, results) if carried_over is None else prev
        forward = rng.choice((0, 0, 1, 2))
        values[f"t3.carried_over.{col.key}"] = prev
        values[f"t3.carried_forward.{col.key}"] = forward
        values[f"t3.results_total.{col.key}"] = results
        values[f"t3.new_received.{col.key}"] = results + forward - prev
    _fix_negative_new_received(values, applicant_cols)
    for row in block.data_rows:
        values[f"t3.{row.key}.total"] = sum(values[f"t3.{row.key}.{c.key}"] for c in applicant_cols)
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
    if template.id == "2019":
        for r in ("rules", "normative_docs"):
            values[f"t2.{r}.total_published"] = (
                values[f"t2.{r}.total_published"] + values[f"t2.{r}.published"]
            )
    if template.id == "2021":
        for r in ("rules", "normative_docs"):
            values[f"t2.{r}.in_force"] = values[f"t2.{r}.in_force"] + values[f"t2.{r}.issued"]
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
        v = values[key]
        report.cells[key] = CellValue(v, raw=str(v))
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


def _fix_negative_new_received(values: dict[str, float | int], cols: list) -> None:  # type: ignore[type-arg]
    # a fixed carried_over larger than this year's work: push the surplus into results
    for col in cols:
        k = f"t3.new_received.{col.key}"
        if values[k] < 0:
            gap = -values[k]
            values[f"t3.granted.{col.key}"] += gap
            values[f"t3.results_total.{col.key}"] += gap
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
