"""The `nianbao` command. Each sub-command is a module of this package that adds itself to `app`."""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="nianbao",
    help="年报：政府信息公开工作年度报告的读取、检查、汇总与编写工具",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """年报：政府信息公开工作年度报告的读取、检查、汇总与编写工具"""


def _load_commands() -> None:
    for mod in pkgutil.iter_modules(__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")


def main() -> None:
    _load_commands()
    app()
