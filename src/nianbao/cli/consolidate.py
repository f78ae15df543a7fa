"""`nianbao consolidate`: 逐级汇总 of a region's units into its consolidated tables."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..corpus.compare import cell_label
from ..corpus.consolidate import consolidate, save_consolidation
from ..corpus.runner import run_corpus_rules
from ..store import ReportFilter
from ..templates import BALANCE_ROLES, Role, template_of
from . import app
from ._db import DbOption, console, err_console, open_store


@app.command("consolidate")
def consolidate_cmd(
    region: Annotated[
        str, typer.Option("--region", help="汇总的地区，如 洪泽区；同名地区连同上级写出，如 淮安市洪泽区")
    ],
    year: Annotated[int, typer.Option("--year", help="报告年度")],
    db: DbOption = None,
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="写出汇总报告（.docx/.html/.md/.pdf，经报告编写模块）")
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="把汇总报告存入数据库（供上一级汇总和一致性检查）")
    ] = False,
    check_report: Annotated[
        int | None,
        typer.Option("--check-report", help="把数据库中该编号的报告视为本级汇总报告，核对其与下级之和"),
    ] = None,
) -> None:
    """把下级单位报告的统计表逐项相加，得到本级汇总表；列出未报送和数据有误的单位。"""
    store = open_store(db)
    try:
        c = consolidate(store, region, year)
    except LookupError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"[bold]{c.region} {c.year} 年度汇总[/bold]：汇总 {len(c.units)} 个单位")
    for u in c.units:
        console.print(
            f"  ✓ {u.name}" + (f"（{len(u.blank_cells)} 个空白单元格按 0 计）" if u.blank_cells else "")
        )
    if c.missing:
        console.print(f"[yellow]未报送（{len(c.missing)}）：[/yellow]" + "、".join(u.name for u in c.missing))
    if c.unreliable:
        console.print("[red]数据有误、汇总数可能不准确：[/red]")
        for u in c.unreliable:
            console.print(f"  ✗ {u.name}：{'、'.join(u.problems)}")
    t = Table(title="汇总表主要数据")
    t.add_column("项目")
    t.add_column("汇总数", justify="right")
    tpl = template_of(c.report.template, c.report.year)
    t3, t4 = tpl.table("t3"), tpl.table("t4")
    main = [(cell_label(tpl.id, tpl.role_key(r)), [tpl.role_key(r)]) for r in BALANCE_ROLES[:2]]
    main += [(f"{t3.title} {g.short}", list(g.cell_keys(t3.total_columns[0].key))) for g in tpl.result_groups]
    main += [
        (cell_label(tpl.id, tpl.role_key(r)), [tpl.role_key(r)])
        for r in (Role.RESULTS_TOTAL, Role.CARRIED_FORWARD)
    ]
    main += [
        (cell_label(tpl.id, k), [k]) for k in (f"t4.{r.key}.{t4.total_columns[0].key}" for r in t4.data_rows)
    ]
    for label, keys in main:
        values = [c.report.value(k) for k in keys]
        shown = "—" if any(v is None for v in values) else f"{sum(v for v in values if v is not None):g}"
        t.add_row(label, shown)
    console.print(t)
    if check_report is not None:
        store.set_consolidated(check_report)
        run_corpus_rules(store, ReportFilter(ids=[check_report]))
        found = store.findings(report_id=check_report, code="AGG_MISMATCH")
        if found:
            console.print(f"[red]报告 {check_report} 与下级单位之和不符：[/red]{found[0].message}")
        else:
            console.print(f"报告 {check_report} 与下级单位之和一致")
    if save:
        rid = save_consolidation(store, c)  # replaces the one saved before for this region and year
        console.print(f"汇总报告已存入数据库，编号 {rid}")
    if out:
        from ..writer import ReportData, write

        written = write(ReportData.from_report(c.report), out, allow_errors=True)
        console.print(f"汇总报告已写出：{written.path}")
