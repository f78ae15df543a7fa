"""`nianbao demo`: the main job on the bundled example reports, then the web app."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import app


@app.command("demo")
def demo_cmd(
    db: Annotated[str | None, typer.Option("--db", help="数据库地址：默认 ./nianbao.db（SQLite）")] = None,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="最后启动网页版")] = True,
    port: Annotated[int, typer.Option("--port", help="网页版端口")] = 8000,
) -> None:
    """用内置示例报告演示：逐份检查、导入数据库、跨年度比对，然后启动网页版。"""
    from ..corpus.ingest import ingest
    from ..corpus.runner import run_corpus_rules
    from ..examples import example_dir, example_files
    from ..findings import Severity
    from ..store import Store
    from ._common import parse_safely

    console = Console()
    files = example_files()
    table = Table(title=f"示例报告（{example_dir()}）", title_justify="left")
    for col in ("文件", "机关", "年度", "格式", "错误", "警告", "提示"):
        table.add_column(col)
    for path in files:
        report, error = parse_safely(str(path))
        if report is None:
            table.add_row(path.name, f"[red]无法读取：{error}[/]", "", "", "", "", "")
            continue
        counts = report.findings_by_severity()
        table.add_row(
            path.name,
            report.organ or "？",
            str(report.year or "？"),
            report.template or "？",
            f"[red]{len(counts[Severity.ERROR])}[/]",
            f"[yellow]{len(counts[Severity.WARNING])}[/]",
            str(len(counts[Severity.INFO])),
        )
    console.print(table)
    console.print("逐份详细检查：[bold]nianbao check[/] 文件名\n")

    store = Store(db)
    stats = ingest(store, [str(p) for p in files])
    found = run_corpus_rules(store)
    console.print(
        f"已导入数据库 {db or './nianbao.db'}：{stats.seen} 份，新增 {stats.stored}，"
        f"已在库中跳过 {stats.skipped}，无法读取 {stats.errors}，用时 {stats.seconds:.1f} 秒"
    )
    if found:
        console.print("跨年度、汇总检查发现：" + "，".join(f"{code} {n} 处" for code, n in found.items()))
    else:
        console.print("跨年度、汇总检查未发现问题")
    store.close()
    if serve:
        from .serve import serve as serve_cmd

        serve_cmd(db=db, port=port)
