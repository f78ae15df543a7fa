"""`nianbao parse`: the machine-readable output contract."""

from __future__ import annotations

from typing import Annotated

import typer

from . import app
from ._common import MemoryOption, TimeoutOption
from ._run import run_parse


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
    run_parse(files, provenance=provenance, jobs=jobs, timeout=timeout, memory=memory)
