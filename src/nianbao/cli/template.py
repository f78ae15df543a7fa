"""`nianbao template`: the fill-in workbook (填报表.xlsx) for a report year."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from . import app


@app.command("template")
def template_cmd(
    year: Annotated[int, typer.Option("--year", "-y", help="报告年度，如 2024")],
    output: Annotated[str, typer.Option("--output", "-o", help="输出的 .xlsx 文件")] = "填报表.xlsx",
    template: Annotated[
        str | None, typer.Option("--template", help="表格格式的编号，见 formats.yaml（默认按报告年度）")
    ] = None,
    prefill: Annotated[
        str | None, typer.Option("--from", help="用已有数据（YAML/JSON/填报表）预先填好")
    ] = None,
) -> None:
    """生成与官方表格版式一致的填报表（Excel），填好后用 nianbao write 生成报告。"""
    from ..errors import NianbaoError
    from ..writer.inputs import load_data
    from ..writer.workbook import write_workbook

    console = Console(stderr=True, soft_wrap=True)
    try:
        data = load_data(prefill) if prefill else None
        path = write_workbook(output, year, template, data)
    except (NianbaoError, KeyError) as exc:
        console.print(f"[red]错误：[/red]{exc}")
        raise typer.Exit(1) from None
    console.print(f"已生成填报表：{path}（黄色单元格填写，合计自动计算）")
