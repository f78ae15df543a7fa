"""Helpers shared by sub-commands."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from ..isolation import Limits
from ..model import Report

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


def limits_from(timeout: float | None = None, memory_mb: int | None = None) -> Limits:
    """The per-file limits: command-line options over environment variables over defaults.
    A time limit given on the command line bounds CPU time as well as elapsed time."""
    return Limits.from_env(wall_seconds=timeout, cpu_seconds=timeout, memory_mb=memory_mb)


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files as given; folders expanded to the files inside them, sorted."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield str(child)
        else:
            yield p


def parse_safely(
    path: str, timeout: float | None = None, memory_mb: int | None = None
) -> tuple[Report | None, str | None]:
    """Parse one file in an isolated worker; never raises. `(report, None)` or `(None, a Chinese
    error message)`: a crash, a memory or time limit costs this file only."""
    from ..isolation import run_isolated
    from ..isolation.tasks import parse_path

    out = run_isolated(parse_path, path, limits=limits_from(timeout, memory_mb))
    return out.value if out.ok else (None, out.error)
