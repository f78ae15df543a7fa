"""`nianbao watch SITES.csv --year Y`: 报送进度 of every unit listed — who published, who is late,
who is missing — from the units' own sites."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..errors import NianbaoError
from . import app
from ._db import console, err_console, open_store

_STYLE = {"on_time": "green", "late": "yellow", "missing": "red", "unreachable": "magenta"}


@app.command("watch")
def watch_cmd(
    sites: Annotated[Path, typer.Argument(help="单位清单 SITES.csv：机关,地区,年报栏目[,截止日期]")],
    year: Annotated[int, typer.Option("--year", help="检查哪一年度的年度报告（如 2024）")],
    db: Annotated[
        str | None,
        typer.Option("--db", help="导入数据库：SQLite 文件或 postgresql://…（不给则只下载和检查，不导入）"),
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline", help="截止日期 YYYY-MM-DD（默认按机关类别：部门、乡镇次年1月31日，政府3月31日）"
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="工作目录：状态、证据 WARC、下载的原件（默认 ./watch-年度）")
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="报送进度表（默认 工作目录/报送进度-年度.xlsx）")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", help="同时检查的单位数")] = 16,
    per_host: Annotated[int, typer.Option("--per-host", help="同一网站同时进行的请求数")] = 2,
    interval: Annotated[float, typer.Option("--interval", help="同一网站两次请求的最小间隔（秒）")] = 0.5,
    timeout: Annotated[float, typer.Option("--timeout", help="连接和读取超时（秒）")] = 30.0,
    max_size: Annotated[float, typer.Option("--max-size", help="单个文件大小上限（MB）")] = 50.0,
    retries: Annotated[int, typer.Option("--retries", help="网络错误、超时、5xx 时的重试次数")] = 2,
    max_pages: Annotated[int, typer.Option("--max-pages", help="每个栏目最多翻阅的列表页数")] = 10,
    recheck: Annotated[bool, typer.Option("--recheck", help="已找到报告的单位也重新检查")] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="允许访问内网和本机地址（内网站点、测试）")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", help="解析进程数（默认：全部 CPU 核）")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度条")] = False,
) -> None:
    """检查各单位网站的年报栏目：是否按时发布年度报告，下载、导入并记录报送进度（可中断后续跑）。"""
    from ..acquire.export import chase_list, progress_xlsx
    from ..acquire.policy import FetchPolicy
    from ..acquire.sites import parse_deadline, read_sites
    from ..acquire.watch import WatchOptions, run_watch

    try:
        units = read_sites(sites)
    except FileNotFoundError:
        err_console.print(f"[red]文件不存在：{sites}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    except NianbaoError as exc:
        err_console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    limit: date | None = None
    if deadline:
        try:
            limit = parse_deadline(deadline, year)
        except ValueError as exc:
            err_console.print(f"[red]--deadline：{exc}[/red]", soft_wrap=True)
            raise typer.Exit(2) from None
    policy = FetchPolicy(
        connect_timeout=min(timeout, 10.0),
        read_timeout=timeout,
        total_timeout=max(timeout * 4, 60.0),
        max_bytes=int(max_size * 1048576),
        retries=max(retries, 0),
        per_host=max(per_host, 1),
        min_interval=max(interval, 0.0),
        allow_private=allow_private,
    )
    store = open_store(db) if db else None
    work = out or Path(f"watch-{year}")
    opts = WatchOptions(
        year, work, limit, max(concurrency, 1), max(max_pages, 1), recheck, workers or os.cpu_count() or 1
    )
    progress = Progress(
        TextColumn("[bold]检查"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )
    with progress:
        task = progress.add_task("watch", total=len(units), last="")

        def update(done: int, total: int, r) -> None:
            last = f"{r.organ}：{r.label}" if r is not None else ""
            progress.update(task, completed=done, total=total, last=last[:40])

        try:
            summary = run_watch(units, opts, policy, store, update)
        except KeyboardInterrupt:
            err_console.print(
                "[yellow]已中断：已完成的单位已保存，再次运行同一命令将从中断处继续[/yellow]", soft_wrap=True
            )
            raise typer.Exit(130) from None
    results = summary.results
    target = xlsx or work / f"报送进度-{year}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(progress_xlsx(results, year))

    counts = summary.counts
    head = Table(title=f"{year} 年度报告报送进度（{len(results)} 个单位）")
    for name in ("按时发布", "逾期", "未找到", "站点无法访问"):
        head.add_column(name, justify="right")
    head.add_row(*(str(counts.get(s, 0)) for s in ("on_time", "late", "missing", "unreachable")))
    console.print(head)
    shown = results if len(results) <= 60 else chase_list(results)
    wide = console.width >= 120  # a narrow terminal gets the reasons as lines under the table
    table = Table(title="各单位情况" if shown is results else "需催报的单位（完整名单见报送进度表）")
    for col in ("机关", "地区", "状态", "发布日期"):
        table.add_column(col, no_wrap=True)
    if wide:
        table.add_column("报告地址 / 原因", overflow="fold")
    notes = []
    for r in shown:
        detail = r.report_url or ""
        if r.state in ("missing", "unreachable") or not detail:
            detail = r.reason or ""
        elif r.reason:
            detail += f"\n{r.reason}"
        cells = [r.organ, r.region or "", f"[{_STYLE.get(r.state, 'white')}]{r.label}[/]", r.published or ""]
        table.add_row(*cells, *([detail] if wide else []))
        if not wide and r.reason:
            notes.append(f"  {r.organ}：{r.reason}")
    if shown:
        console.print(table)
    for line in notes:
        console.print(line, soft_wrap=True, highlight=False)
    parts = [f"本次检查 {summary.checked} 个单位"]
    if summary.reused:
        parts.append(f"沿用此前结果 {summary.reused} 个（已找到报告，加 --recheck 重新检查）")
    if summary.resumed_units:
        parts.append(f"续跑跳过已完成的 {summary.resumed_units} 个")
    parts.append(f"新下载 {summary.new} 个页面或文件，未变化 {summary.unchanged} 个")
    if store is not None:
        parts.append(f"新导入数据库 {summary.ingested} 份")
    console.print("；".join(parts), soft_wrap=True)
    console.print(f"报送进度表：{target}", soft_wrap=True)
    console.print(f"证据（WARC）：{summary.warc}", soft_wrap=True)
