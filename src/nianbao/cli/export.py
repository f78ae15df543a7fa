"""`nianbao export`: the stored reports as XLSX, CSV, Parquet or JSON Lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..corpus.export import export
from ..store import ReportFilter
from . import app
from ._db import DbOption, console, err_console, open_store


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="输出文件：.xlsx / .csv / .parquet / .jsonl")],
    db: DbOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="xlsx、csv、parquet 或 jsonl（默认按扩展名）")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="只导出该地区（含下级）")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    organ: Annotated[str | None, typer.Option("--organ", help="只导出该机关（任一写法）")] = None,
    severity: Annotated[
        str | None, typer.Option("--severity", help="只导出有该级别及以上问题的报告：error / warning / info")
    ] = None,
) -> None:
    """导出数据库中的报告：XLSX 每张统计表一个工作表、一行一份报告，另附问题清单（错误单元格标红）。"""
    if severity and severity not in ("error", "warning", "info"):
        err_console.print("[red]--severity 只能是 error、warning 或 info[/red]")
        raise typer.Exit(2)
    store = open_store(db)
    try:
        n = export(store, out, ReportFilter(region=region, year=year, organ=organ, severity=severity), fmt)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"已导出 {n} 份报告到 {out}")
