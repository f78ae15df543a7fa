"""`nianbao synth`: a synthetic corpus with truth files, for tests and benchmarks."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from . import app


@app.command("synth")
def synth_cmd(
    n: Annotated[int, typer.Option("-n", help="生成报告的数量")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（相同种子生成相同内容）")] = 1,
    output: Annotated[
        str, typer.Option("--output", "-o", help="输出文件夹（真值在其 gold/ 子文件夹）")
    ] = "synth",
    layouts: Annotated[
        str | None,
        typer.Option(
            "--layouts", help="版式，逗号分隔：docx,html,md,txt-rows,txt-cells,crawl,pdf（默认全部）"
        ),
    ] = None,
    broken: Annotated[float, typer.Option("--broken", help="故意出错的报告比例，0 到 1")] = 0.2,
    units: Annotated[
        int | None, typer.Option("--units", help="报告分属的单位数（每个单位逐年各一份报告；默认随机单位）")
    ] = None,
) -> None:
    """生成随机但自洽（或故意出错）的年度报告及其真值 JSON，用于测试与基准。"""
    from ..synth.corpus import DEFAULT_LAYOUTS, LAYOUTS, generate_corpus

    console = Console(stderr=True, soft_wrap=True)
    chosen = tuple(x.strip() for x in layouts.split(",")) if layouts else DEFAULT_LAYOUTS
    unknown = [x for x in chosen if x not in LAYOUTS]
    if unknown or not 0 <= broken <= 1 or n < 0 or (units is not None and units < 1):
        console.print(
            f"[red]错误：[/red]未知的版式 {'、'.join(unknown)}（可用：{','.join(LAYOUTS)}）"
            if unknown
            else "[red]错误：[/red]-n 不能为负，--broken 应在 0 到 1 之间，--units 至少为 1"
        )
        raise typer.Exit(1)
    items = generate_corpus(n, seed, output, chosen, broken, units=units)
    bad = sum(1 for i in items if i.truth["findings"])
    console.print(f"已生成 {len(items)} 份报告（其中 {bad} 份故意出错）：{output}，真值在 {output}/gold/")
