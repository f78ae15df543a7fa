"""Helpers shared by sub-commands."""

from __future__ import annotations

from typing import Annotated

import typer

from ..model import Report
from ._run import expand_paths, limits_from  # typer-free, for the fast `nianbao parse`

__all__ = ["MemoryOption", "TimeoutOption", "expand_paths", "limits_from", "parse_safely"]

TimeoutOption = Annotated[
    float | None,
    typer.Option("--timeout", help="每个文件的处理时限（秒；默认 300，或环境变量 NIANBAO_PARSE_TIMEOUT）"),
]
MemoryOption = Annotated[
    int | None,
    typer.Option(
        "--max-memory", help="每个文件的解析进程内存上限（MB；默认 1536，或环境变量 NIANBAO_PARSE_MEMORY_MB）"
    ),
]


def parse_safely(
    path: str, timeout: float | None = None, memory_mb: int | None = None
) -> tuple[Report | None, str | None]:
    """Parse one file in an isolated worker; never raises. `(report, None)` or `(None, a Chinese
    error message)`: a crash, a memory or time limit costs this file only."""
    from ..isolation import run_isolated
    from ..isolation.tasks import parse_path

    out = run_isolated(parse_path, path, limits=limits_from(timeout, memory_mb))
    return out.value if out.ok else (None, out.error)
