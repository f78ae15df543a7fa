"""`nianbao stats`: a summary of the corpus, PNG charts, and rankings on an indicator."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..corpus.charts import cjk_font, summarise, write_charts
from ..corpus.compare import ranking
from ..corpus.indicators import indicator
from ..findings import CATALOGUE, Severity
from ..store import ReportFilter
from . import app
from ._db import DbOption, console, err_console, open_store


@app.command("stats")
def stats_cmd(
    db: DbOption = None,
    region: Annotated[str | None, typer.Option("--region", help="只统计该地区（含下级）")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    charts: Annotated[Path | None, typer.Option("--charts", help="把 PNG 图表写到该文件夹")] = Path(
        "nianbao-charts"
    ),
    no_charts: Annotated[bool, typer.Option("--no-charts", help="不生成图表")] = False,
    rank: Annotated[
        str | None,
        typer.Option("--rank", help="按指标排名，如 公开率、不予公开率、复议纠错率、诉讼败诉率、结转率"),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="排名显示前几名")] = 20,
) -> None:
    """统计概况：报告数、申请人类型、办理结果、历年趋势、常见问题；生成图表；按指标排名。"""
    store = open_store(db)
    flt = ReportFilter(region=region, year=year)
    reports = store.reports(flt)
    s = summarise(reports)
    console.print(
        f"[bold]报告 {s.reports} 份，机关 {s.organs} 个[/bold]；年度："
        + "、".join(f"{y}年 {n} 份" for y, n in sorted(s.years.items()))
    )
    if s.severities:
        console.print("问题：" + "，".join(f"{Severity(k).zh} {v}" for k, v in s.severities.most_common()))
    t = Table(title="本年新收申请：按申请人类型")
    t.add_column("申请人")
    t.add_column("件数", justify="right")
    for k, v in s.by_applicant.items():
        t.add_row(k, f"{v:g}")
    console.print(t)
    t = Table(title="办理结果")
    t.add_column("结果")
    t.add_column("件数", justify="right")
    for k, v in sorted(s.by_outcome.items(), key=lambda x: -x[1]):
        t.add_row(k, f"{v:g}")
    console.print(t)
    if s.findings:
        t = Table(title="最常见的问题")
        t.add_column("代码")
        t.add_column("问题")
        t.add_column("次数", justify="right")
        for code, n in s.findings.most_common(10):
            t.add_row(code, CATALOGUE.get(code, (None, code))[1], str(n))
        console.print(t)
    if rank:
        try:
            ind = indicator(rank)
        except KeyError as exc:
            err_console.print(f"[red]{exc.args[0]}[/red]")
            raise typer.Exit(2) from None
        t = Table(title=f"{ind.name}排名（{ind.formula}）")
        t.add_column("名次", justify="right")
        t.add_column("机关")
        t.add_column("年度")
        t.add_column(ind.name, justify="right")
        for n, (sr, v) in enumerate(ranking(store, ind, region, year)[:top], start=1):
            t.add_row(str(n), sr.organ_name or sr.report.organ or "?", str(sr.report.year), ind.format(v))
        console.print(t)
    if charts and not no_charts:
        paths = write_charts(s, charts)
        if not cjk_font():
            err_console.print(
                "[yellow]未找到中文字体（建议安装 fonts-noto-cjk），图中汉字可能无法显示[/yellow]"
            )
        for p in paths:
            console.print(f"图表：{p}")
