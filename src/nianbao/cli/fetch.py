"""`nianbao fetch URL...`: download reports from their pages, keep the originals, parse, store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app
from ._db import console, err_console, open_store


@app.command("fetch")
def fetch_cmd(
    urls: Annotated[list[str], typer.Argument(help="报告页面或文件的网址（可多个）")],
    db: Annotated[
        str | None,
        typer.Option("--db", help="导入数据库：SQLite 文件或 postgresql://…（不给则只下载和检查，不导入）"),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="保存原件、页面和证据 WARC 的目录")] = Path("fetched"),
    timeout: Annotated[float, typer.Option("--timeout", help="连接和读取超时（秒）")] = 30.0,
    max_size: Annotated[float, typer.Option("--max-size", help="单个文件大小上限（MB）")] = 50.0,
    retries: Annotated[int, typer.Option("--retries", help="网络错误、超时、5xx 时的重试次数")] = 2,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="允许访问内网和本机地址（内网站点、测试）")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", help="解析进程数（默认：全部 CPU 核）")] = 0,
) -> None:
    """下载报告：网页上的附件（PDF、DOC/DOCX/WPS、XLS）或网页正文，识别网站发布日期，保存原件并解析；加 --db 导入数据库。"""
    from ..acquire.fetch import fetch_urls
    from ..acquire.policy import FetchPolicy

    policy = FetchPolicy(
        connect_timeout=min(timeout, 10.0),
        read_timeout=timeout,
        total_timeout=max(timeout * 4, 60.0),
        max_bytes=int(max_size * 1048576),
        retries=max(retries, 0),
        allow_private=allow_private,
    )
    store = open_store(db) if db else None
    outcomes = fetch_urls(urls, out, policy, store, workers)
    failed = 0
    for o in outcomes:
        if not o.ok:
            failed += 1
            err_console.print(f"[red]✗[/red] {o.url}\n  {o.error}", soft_wrap=True)
            continue
        r = o.report
        what = f"{r.organ or '（未识别机关）'} {r.year or '？'} 年度" if r else "未能解析"
        date = (
            f"，网站发布日期 {o.published}（{o.published_source}）" if o.published else "，网站未标明发布日期"
        )
        console.print(
            f"[green]✓[/green] {o.url}\n  {what}{date}\n  报告：{o.report_url}（{o.kind}）→ {o.local_file}",
            soft_wrap=True,
        )
        if o.parse_error:
            console.print(f"  [yellow]解析失败：{o.parse_error}[/yellow]", soft_wrap=True)
        elif r is not None:
            n = {s: sum(1 for f in r.findings if str(f.severity) == s) for s in ("error", "warning")}
            console.print(f"  检查：错误 {n['error']} 处，警告 {n['warning']} 处", soft_wrap=True)
        if store is not None and o.document_id is not None:
            console.print("  已导入数据库", soft_wrap=True)
    console.print(
        f"完成：成功 {len(outcomes) - failed} 个，失败 {failed} 个；原件与证据保存在 {out}", soft_wrap=True
    )
    if failed:
        raise typer.Exit(1)
