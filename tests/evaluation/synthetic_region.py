"""A synthetic county of known numbers, for checking every indicator by hand.

测试县 (year Y, and Y−1 for the year-over-year figures):

| unit | kind | Y | Y−1 |
|---|---|---|---|
| 测试县财政局 (A) | 县级部门 | on time, one CELL_BLANK, review 10/40 corrected | the same numbers, no finding |
| 测试县教育局 (B) | 县级部门 | 15 days late, no part 五, small numbers, findings | — |
| 测试县城关镇人民政府 (C) | 乡镇 | 33 days late, no 表四, part 五 as last year | on time |
| 测试县人民政府 (D) | 县级政府 | on time (31 March), large numbers | — |
| 测试县交通运输局 (E) | 县级部门 | not published | as A's Y−1 |
| 河口镇 (known only from the region list) | 乡镇 | no government report ever | — |

Findings are put on the reports directly (not produced by the rules), so the expectations test the
evaluation and nothing else. The expected values are written out in tests/evaluation/test_region.py.
"""

from __future__ import annotations

from nianbao.findings import Finding
from nianbao.model import CellValue, Report, Section
from nianbao.store import Store
from nianbao.templates import TABLE_IDS, sections, template_for_year

GROUPS = ("granted", "partially_granted", "denied", "unable", "not_processed", "other")


def build(
    organ: str,
    year: int,
    published: str,
    groups: dict[str, int],
    carried_over: int = 0,
    carried_forward: int = 0,
    t4: dict[str, tuple[int, int, int, int]] | None = None,  # group -> (upheld, corrected, other, pending)
    problems: str | None = "问题" * 80,
    tables: tuple[str, ...] = TABLE_IDS,
    findings: tuple[str, ...] = (),
) -> Report:
    tpl = template_for_year(year)
    t3 = tpl.table("t3")
    applicants = [c.key for c in tpl.applicants]
    result_groups = {g.key: g for g in tpl.result_groups}
    rows: dict[str, int] = {r.key: 0 for r in t3.data_rows}
    for group, n in groups.items():
        rows[result_groups[group].rows[0]] = n  # the group's first result row carries its count
    results = sum(rows[r.key] for r in t3.result_rows)
    rows[tpl.role_row("results_total").key] = results
    rows[tpl.role_row("carried_over").key] = carried_over
    rows[tpl.role_row("carried_forward").key] = carried_forward
    rows[tpl.role_row("received").key] = results + carried_forward - carried_over
    cells: dict[str, int] = {}
    for row, n in rows.items():
        for col in applicants:
            cells[f"t3.{row}.{col}"] = n if col == "natural_person" else 0
        cells[f"t3.{row}.total"] = n
    for key in tpl.table("t2").cell_keys:
        cells[key] = 0
    for row in tpl.table("t4").data_rows:
        upheld, corrected, other, pending = (t4 or {}).get(row.key, (0, 0, 0, 0))
        for col, v in zip(
            ("upheld", "corrected", "other", "pending"), (upheld, corrected, other, pending), strict=True
        ):
            cells[f"t4.{row.key}.{col}"] = v
        cells[f"t4.{row.key}.total"] = upheld + corrected + other + pending
    report = Report(
        source=f"synthetic:{organ}:{year}",
        format="synthetic",
        organ=organ,
        year=year,
        template=tpl.id,
        table_templates={t: tpl.id for t in tables},
        published=published,
        title=f"{organ}{year}年政府信息公开工作年度报告",
        tables_present=set(tables),
    )
    for key, v in cells.items():
        if key.split(".", 1)[0] in tables:
            report.cells[key] = CellValue(v, raw=str(v))
    texts = {
        "overview": f"{year}年，{organ}认真贯彻落实条例。",
        "problems": problems,
        "other": "本年度未收取信息处理费。",
    }
    for s in sections():
        if s.key == "problems" and problems is None:
            continue
        report.sections.append(
            Section(s.key, f"{s.number}、{s.title}", f"{s.number}、", texts.get(s.key) or "")
        )
    for n, code in enumerate(findings):
        # distinct messages: the store keeps one finding per content
        report.add(Finding(code, f"测试用问题 {code} 第{n + 1}处", cells=["t3.granted.total"]))
    return report


A_GROUPS = {
    "granted": 50,
    "partially_granted": 10,
    "denied": 10,
    "unable": 20,
    "not_processed": 5,
    "other": 5,
}
A_T4 = {"review": (30, 10, 0, 0), "litigation_direct": (2, 1, 0, 0)}
C_GROUPS = {"granted": 10, "denied": 15, "unable": 5}
D_GROUPS = {
    "granted": 300,
    "partially_granted": 50,
    "denied": 20,
    "unable": 100,
    "not_processed": 20,
    "other": 10,
}
D_T4 = {"review": (20, 3, 2, 5), "litigation_direct": (28, 1, 0, 0), "litigation_after_review": (1, 0, 0, 1)}


def seed(store: Store, year: int) -> dict[str, int]:
    """Store the county for `year` (and `year − 1`); returns report ids by name (A, A_prev, …)."""
    y, p = year, year - 1
    ids = {}
    ids["A"] = store.add_report(
        build("测试县财政局", y, f"{y + 1}-01-20", A_GROUPS, t4=A_T4, findings=("CELL_BLANK",))
    )
    ids["A_prev"] = store.add_report(
        build("测试县财政局", p, f"{p + 1}-01-20", A_GROUPS, t4=A_T4, problems="改进" * 80)
    )
    b = build(
        "测试县教育局",
        y,
        f"{y + 1}-02-15",
        {"granted": 5},
        problems=None,
        findings=("T3_ROW_TOTAL", "T4_GROUP_TOTAL", "NARRATIVE_MISMATCH", "NARRATIVE_MISMATCH"),
    )
    ids["B"] = store.add_report(b)
    same = "问题" * 40
    ids["C"] = store.add_report(
        build(
            "测试县城关镇人民政府",
            y,
            f"{y + 1}-03-05",
            C_GROUPS,
            carried_over=2,
            carried_forward=8,
            problems=same,
            tables=("t2", "t3"),
        )
    )
    ids["C_prev"] = store.add_report(
        build(
            "测试县城关镇人民政府",
            p,
            f"{p + 1}-01-25",
            C_GROUPS,
            carried_over=2,
            carried_forward=8,
            problems=same,
            tables=("t2", "t3"),
        )
    )
    ids["D"] = store.add_report(
        build(
            "测试县人民政府", y, f"{y + 1}-03-01", D_GROUPS, carried_forward=25, t4=D_T4, problems="问题" * 75
        )
    )
    ids["E_prev"] = store.add_report(
        build("测试县交通运输局", p, f"{p + 1}-01-20", A_GROUPS, t4=A_T4, problems="改进" * 80)
    )
    store.ensure_region("河口镇", "乡镇", parent="测试县")
    # B's T4_GROUP_TOTAL is accepted by a reviewer: it no longer counts
    (fid,) = [f.id for f in store.findings(report_id=ids["B"]) if f.code == "T4_GROUP_TOTAL"]
    store.accept_finding(fid, who="审核员", comment="已核实，原件如此")
    return ids
