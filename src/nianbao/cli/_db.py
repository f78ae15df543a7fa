"""The `--db` option, opening the store and the consoles of the CLI commands that use the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from ..store import Store

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="数据库地址：默认 ./nianbao.db（SQLite），或 postgresql://用户:密码@主机/库名"),
]


def open_store(db: str | None) -> Store:
    try:
        return Store(db)
    except Exception as exc:  # a wrong URL or an unreachable server: say so plainly
        err_console.print(f"[red]无法打开数据库 {db or './nianbao.db'}：{exc}[/red]")
        raise typer.Exit(2) from None
