"""`nianbao serve`: the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from . import app


@app.command("serve")
def serve(
    db: Annotated[
        str | None, typer.Option("--db", help="数据库地址：默认 ./nianbao.db（SQLite），或 postgresql://…")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    insecure_cookies: Annotated[
        bool,
        typer.Option("--insecure-cookies", help="允许经纯 HTTP（非 localhost）传送会话 Cookie；仅供内网测试"),
    ] = False,
) -> None:
    """启动网页版：上传检查、更正、地区汇总、逐年对比、统计看板、编写报告。"""
    try:
        import uvicorn  # noqa: F401

        from ..web.bootstrap import run
    except ImportError as exc:
        typer.echo(f"缺少网页版依赖（{exc.name}），请安装：pip install 'nianbao[web]'", err=True)
        raise typer.Exit(2) from None
    try:
        run(db, host, port, secure_cookies=not insecure_cookies, say=typer.echo)
    except OSError as exc:
        typer.echo(f"无法启动网页版：{exc}", err=True)
        raise typer.Exit(2) from None
