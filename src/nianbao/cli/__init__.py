"""The `nianbao` command. Each sub-command is a module of this package that adds itself to `app`."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

    app: typer.Typer


def _make_app() -> typer.Typer:
    import typer

    made = typer.Typer(
        name="nianbao",
        help="年报：政府信息公开工作年度报告的读取、检查、汇总与编写工具",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @made.callback()
    def _root() -> None:
        """年报：政府信息公开工作年度报告的读取、检查、汇总与编写工具"""

    return made


def __getattr__(name: str) -> Any:
    # `app` (and typer with it) is made when a command module first asks for it: `nianbao parse`
    # usually runs without typer (see `_run`), and importing typer costs more than the parse
    if name == "app":
        made = globals().get("app")
        if made is None:
            globals()["app"] = made = _make_app()
        return made
    raise AttributeError(name)


def _load_commands(argv: list[str] | None = None) -> None:
    """Import the command modules. When the command line names one whose module has its name,
    import just that one: the corpus and web commands pull in SQLAlchemy, Alembic and FastAPI,
    which would otherwise cost every `nianbao parse` a third of a second."""
    argv = sys.argv[1:] if argv is None else argv
    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    first = next((a for a in argv if not a.startswith("-")), None)
    for name in [first] if first in names else names:
        importlib.import_module(f"{__name__}.{name}")


_gc_paused = False


def _pause_gc() -> None:
    global _gc_paused
    _gc_paused = gc.isenabled()
    gc.disable()


def resume_gc(freeze: bool = False) -> None:
    """The command's modules are loaded: the cycle collector, paused by `main` while they were
    imported, runs again. `freeze`: what is loaded so far is kept out of its sight for good (it
    lives as long as the process): no collection walks it again, neither in this process nor in
    the workers forked from it, whose pages it then leaves shared (the `gc.freeze` recipe)."""
    global _gc_paused
    if freeze:
        gc.freeze()
    if _gc_paused:
        _gc_paused = False
        gc.enable()


def main() -> None:
    """Run the command. No traceback reaches the user: an unexpected error prints one Chinese
    line naming the log file that holds the details (`nianbao.errorlog`)."""
    # importing a command's modules makes some hundred thousand objects that live as long as the
    # process, and next to no garbage: the cycle collector, run every 700 allocations, would walk
    # them again and again (a twentieth of `nianbao parse one.txt`); it waits for `resume_gc`
    _pause_gc()
    try:
        from ._run import fast_parse

        if fast_parse(sys.argv[1:]):  # `nianbao parse FILE…` without typer's start-up
            return
        _load_commands()
        app = __getattr__("app")
        resume_gc()
        app()
    except KeyboardInterrupt:
        sys.stderr.write("\n已中断\n")
        sys.exit(130)
    except Exception as exc:
        from ..errorlog import log_exception

        where = log_exception(exc, " ".join(sys.argv))
        detail = f"{type(exc).__name__}: {exc}"[:300]
        hint = f"详细信息已写入 {where}" if where else "详细信息无法写入日志文件"
        sys.stderr.write(f"内部错误（请报告此问题）：{detail}\n{hint}\n")
        sys.exit(2)
    finally:
        resume_gc()
