"""`nianbao findings`: the problems across reports (a region, a year, a severity, a code), by unit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app
from ._db import DbOption, console, err_console, open_store


def finding_rows(
    store,
    region: str | None,
    year: int | None,
    severity: str | None,
    code: str | None,
    accepted: bool = False,
    codes: set[str] | None = None,
):
    """(header, rows) of the matching findings, the same columns as the web's findings export."""
    from ..findings import CATALOGUE
    from ..review.labels import cell_label
    from ..store import review as repo

    region_ids = None
    if region:
        region_ids = store.region_ids(region) or repo.regions_matching(store, region)
        if not region_ids:
            err_console.print(f"[red]数据库中没有地区“{region}”[/red]")
            raise typer.Exit(1)
    if code and code not in CATALOGUE:
        err_console.print(f"[red]未知的问题类型“{code}”[/red]")
        raise typer.Exit(2)
    flt = repo.QueueFilter(region_ids=region_ids, year=year, severity=severity, code=code)
    lines = repo.findings(store, repo.Scope(), flt, include_accepted=accepted)
    zh = {"error": "错误", "warning": "警告", "info": "提示"}
    header = [
        "地区",
        "机关",
        "年度",
        "级别",
        "问题",
        "说明",
        "涉及单元格",
        "位置",
        "状态",
        "接受说明",
        "报告编号",
    ]
    rows = []
    for ln in lines:
        if codes is not None and ln.code not in codes:
            continue
        labels = [
            lbl
            for k in ln.cells
            if (lbl := cell_label(ln.table_templates.get(k.split(".", 1)[0]) or ln.template, k))
        ]
        rows.append(
            [
                ln.region or "",
                ln.organ or "",
                ln.year or "",
                zh.get(ln.severity, ln.severity),
                CATALOGUE.get(ln.code, (None, ln.code))[1],
                ln.message,
                "；".join(labels),
                ln.where or "",
                "已接受" if ln.accepted else "待处理",
                ln.comment or "",
                ln.report_id,
            ]
        )
    return header, rows


@app.command("findings")
def findings_cmd(
    region: Annotated[str | None, typer.Option("--region", help="地区（含下级），可写部分名称")] = None,
    year: Annotated[int | None, typer.Option("--year", help="报告年度")] = None,
    severity: Annotated[
        str | None, typer.Option("--severity", help="error（错误）/ warning（警告）/ info（提示）")
    ] = None,
    code: Annotated[str | None, typer.Option("--code", help="问题类型代码，如 XY_CARRY_MISMATCH")] = None,
    accepted: Annotated[bool, typer.Option("--accepted", help="包括已接受的问题")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="导出为 .xlsx 或 .csv 文件")] = None,
    db: DbOption = None,
) -> None:
    """列出各报告的问题（按单位分组），可按地区、年度、级别、类型筛选，并导出 Excel / CSV。"""
    if severity and severity not in ("error", "warning", "info"):
        err_console.print("[red]--severity 只能是 error、warning 或 info[/red]")
        raise typer.Exit(2)
    store = open_store(db)
    header, rows = finding_rows(store, region, year, severity, code, accepted)
    if out is not None:
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            err_console.print("[red]输出文件的扩展名应为 .xlsx 或 .csv[/red]")
            raise typer.Exit(2)
        from ..web.exports import table_bytes

        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(table_bytes(header, rows, fmt))
        console.print(f"已导出 {len(rows)} 个问题到 {out}")
        return
    print_grouped(rows)


def print_grouped(rows: list[list[object]]) -> None:
    if not rows:
        console.print("没有符合条件的问题")
        return
    units: dict[object, list[list[object]]] = {}
    for r in rows:
        units.setdefault(r[10], []).append(r)
    for group in units.values():
        region, organ, year = group[0][:3]
        console.print(f"[bold]{organ}[/bold] {region} {year}年度（{len(group)} 个问题，报告 {group[0][10]}）")
        for r in group:
            place = f"［{r[6]}］" if r[6] else ""
            console.print(f"  {r[3]}｜{r[4]}：{r[5]}{place}", highlight=False, markup=False)
    console.print(f"共 {len(rows)} 个问题，涉及 {len(units)} 份报告")


def print_corpus_findings(store, region: str | None = None, year: int | None = None) -> None:
    """What `nianbao crosscheck` found, report by report (not only the counts)."""
    from ..corpus.runner import corpus_rules

    codes = {c for spec in corpus_rules() for c in spec.codes}
    _, rows = finding_rows(store, region, year, None, None, codes=codes)
    print_grouped(rows)
