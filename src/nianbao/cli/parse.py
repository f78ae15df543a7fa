"""`nianbao parse`: the machine-readable output contract."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Annotated

import typer

from ..isolation import Limits
from . import app
from ._common import MemoryOption, TimeoutOption, expand_paths, limits_from


@app.command("parse")
def parse_cmd(
    files: Annotated[list[str], typer.Argument(help="报告文件或文件夹")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="每个文件输出一行 JSON（默认）")] = True,
    provenance: Annotated[bool, typer.Option("--provenance", help="附带每个单元格的来源位置")] = False,
    timeout: TimeoutOption = None,
    memory: MemoryOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行进程数（0 = 全部 CPU 核）")] = 1,
) -> None:
    """读取报告，按规范输出 JSON Lines：每个文件一行（顺序与输入相同）。

    每个文件在独立的子进程中解析，受内存、CPU 时间和处理时限约束；某个文件导致崩溃或超限时，
    只有该文件输出一行错误，其余文件照常输出。"""
    paths = list(expand_paths(files))
    out = sys.stdout
    for line in _lines(paths, provenance, jobs, limits_from(timeout, memory)):
        out.write(line + "\n")
        out.flush()


def _lines(paths: list[str], provenance: bool, jobs: int, limits: Limits) -> Iterator[str]:
    from ..isolation import Pool
    from ..isolation.tasks import error_line, parse_line

    if not paths:
        return
    workers = min(jobs or os.cpu_count() or 1, len(paths))
    with Pool(workers, limits) as pool:
        outcomes = pool.map(parse_line, ((p, provenance) for p in paths))
        for path, out in zip(paths, outcomes, strict=True):
            yield out.value if out.ok else error_line(path, out.error or "未知错误")
