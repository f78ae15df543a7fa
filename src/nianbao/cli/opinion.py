"""`nianbao opinion`: 审核意见 for every unit of a region and year, and their 汇总."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from . import app
from ._db import DbOption, console, err_console, open_store


@app.command("opinion")
def opinion_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")],
    region: Annotated[str | None, typer.Option("--region", help="地区（含下级地区），可写部分名称")] = None,
    year: Annotated[int | None, typer.Option("--year", help="报告年度")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时生成 PDF（需要 LibreOffice）")] = False,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="审核机关名称，默认“<地区>政务公开办公室”")
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="审核日期，如 2025-02-15（默认今天）")] = None,
    db: DbOption = None,
) -> None:
    """为每个单位生成审核意见（Word，可选 PDF），并生成审核意见汇总表（Excel）。"""
    from ..review.opinion import default_reviewer, opinions, write_all
    from ..store import review as repo

    store = open_store(db)
    region_ids = None
    if region:
        exact = store.region_ids(region)
        region_ids = exact or repo.regions_matching(store, region)
        if not region_ids:
            err_console.print(f"[red]数据库中没有地区“{region}”[/red]")
            raise typer.Exit(1)
    try:
        when = date.fromisoformat(on) if on else date.today()
    except ValueError:
        err_console.print(f"[red]日期“{on}”无法识别，应如 2025-02-15[/red]")
        raise typer.Exit(2) from None
    flt = repo.QueueFilter(region_ids=region_ids, year=year, consolidated=False)
    ids = [i for i in repo.queue_ids(store, repo.Scope(), flt) if i not in repo.superseded(store)]
    if not ids:
        err_console.print("[red]没有符合条件的报告[/red]")
        raise typer.Exit(1)
    states = {rid: repo.STATES[s.state] for rid, s in repo.states(store, ids).items()}
    ops = opinions(store, ids, reviewer or default_reviewer(region), when, states)
    try:
        written = write_all(ops, out, pdf=pdf)
    except Exception as exc:  # LibreOffice missing or failing: the DOCX files are already written
        err_console.print(f"[red]生成 PDF 失败：{exc}[/red]")
        raise typer.Exit(1) from None
    errors = sum(o.count("error") for o in ops)
    console.print(
        f"已为 {len(ops)} 个单位生成审核意见（共 {sum(len(o.items) for o in ops)} 个待整改问题，其中错误 {errors} 个），"
        f"写入 {out}：{len(written)} 个文件，汇总表 审核意见汇总.xlsx"
    )
    for op in ops:
        console.print(
            f"  {op.unit} {op.year or ''}：{op.filename}.docx（{op.state}，{len(op.items)} 个问题）"
        )
