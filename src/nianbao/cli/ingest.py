"""`nianbao ingest`: files, folders and ZIPs into the corpus database, in parallel, resumable."""

from __future__ import annotations

import os
from collections import Counter
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ..corpus.ingest import IngestStats, ingest
from ..corpus.runner import run_corpus_rules
from ..findings import CATALOGUE
from ..store import ReportFilter
from . import app
from ._common import MemoryOption, TimeoutOption, limits_from
from ._db import DbOption, console, err_console, open_store


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} 个/秒" if speed else "— 个/秒", style="cyan")


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[str], typer.Argument(help="报告文件、文件夹或 ZIP 压缩包")],
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help="并行解析进程数（默认：全部 CPU 核）")] = 0,
    engine: Annotated[str, typer.Option("--engine", help="执行引擎：local（本机多进程）或 ray")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Ray 集群地址（--engine ray 时）")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度条")] = False,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="导入后运行跨年度、汇总一致性检查")
    ] = True,
    retry_errors: Annotated[bool, typer.Option("--retry-errors", help="重新尝试以前失败的文件")] = False,
    timeout: TimeoutOption = None,
    memory: MemoryOption = None,
) -> None:
    """批量导入报告到数据库：并行解析，按内容哈希去重，可中断后续跑。

    每个文件在独立的子进程中解析，受内存、CPU 时间和处理时限约束：某个文件导致崩溃或超限，
    只记录该文件的错误，其余文件照常入库。"""
    store = open_store(db)
    if retry_errors:
        console.print(f"将重新尝试 {store.forget_errors()} 个以前失败的文件")
    progress = Progress(
        TextColumn("[bold]导入"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn("[red]错误 {task.fields[errors]}"),
        TextColumn("跳过 {task.fields[skipped]}"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
    )
    with progress:
        task = progress.add_task("ingest", total=None, errors=0, skipped=0)

        def update(stats: IngestStats, total: int | None) -> None:
            progress.update(
                task,
                completed=stats.stored + stats.errors + stats.skipped,
                total=max(total or 0, stats.seen),
                errors=stats.errors,
                skipped=stats.skipped,
            )

        try:
            stats = ingest(
                store,
                paths,
                workers=workers or os.cpu_count() or 1,
                engine=engine,
                address=address,
                progress=update,
                limits=limits_from(timeout, memory),
            )
        except KeyboardInterrupt:
            progress.stop()
            err_console.print("已中断：已解析完的文件已入库，其余文件下次导入时继续")
            raise typer.Exit(130) from None
    console.print(
        f"完成：新导入 {stats.stored} 份，失败 {stats.errors} 份，已存在跳过 {stats.skipped} 份，"
        f"用时 {stats.seconds:.1f} 秒（{stats.rate:.1f} 份/秒）"
    )
    if stats.retry_later:
        console.print(
            f"[yellow]{stats.retry_later} 个文件因解析进程故障未处理，下次导入时将自动重试[/yellow]"
        )
    for name, error in stats.error_files[:20]:
        console.print(f"  [red]✗[/red] {name}：{error}")
    if len(stats.error_files) > 20:
        console.print(f"  …另有 {len(stats.error_files) - 20} 个文件失败（见数据库 documents 表）")
    if check and stats.stored:
        _print_corpus_check(run_corpus_rules(store))


def _print_corpus_check(counts: Counter[str]) -> None:
    if not counts:
        console.print("跨报告检查：未发现问题")
        return
    console.print(
        "跨报告检查："
        + "，".join(f"{CATALOGUE.get(c, (None, c))[1]}（{c}）{n} 处" for c, n in counts.items())
    )


@app.command("crosscheck")
def crosscheck_cmd(
    db: DbOption = None,
    region: Annotated[str | None, typer.Option("--region", help="只检查该地区（含下级）")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只检查该年度")] = None,
) -> None:
    """跨报告检查：上下年度衔接（结转、现行有效、项目数量）、内容雷同、汇总数与下级之和。"""
    store = open_store(db)
    _print_corpus_check(run_corpus_rules(store, ReportFilter(region=region, year=year)))
    from .findings import print_corpus_findings  # what was found, report by report

    print_corpus_findings(store, region, year)
