"""`nianbao parse`: the machine-readable output contract."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Annotated

import typer

from . import app
from ._common import expand_paths, parse_safely


def _line(path: str, timeout: float, provenance: bool) -> str:
    report, error = parse_safely(path, timeout)
    if report is None:
        obj = {"source": path, "error": error}
    else:
        obj = report.to_dict(provenance=provenance)
        obj["source"] = path
    return json.dumps(obj, ensure_ascii=False)


@app.command("parse")
def parse_cmd(
    files: Annotated[list[str], typer.Argument(help="报告文件或文件夹")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="每个文件输出一行 JSON（默认）")] = True,
    provenance: Annotated[bool, typer.Option("--provenance", help="附带每个单元格的来源位置")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="每个文件的处理时限（秒）")] = 120,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行进程数（0 = 全部 CPU 核）")] = 1,
) -> None:
    """读取报告，按规范输出 JSON Lines：每个文件一行（顺序与输入相同）。"""
    paths = list(expand_paths(files))
    out = sys.stdout
    for line in _lines(paths, timeout, provenance, jobs):
        out.write(line + "\n")
        out.flush()


def _lines(paths: list[str], timeout: float, provenance: bool, jobs: int) -> Iterator[str]:
    work = partial(_line, timeout=timeout, provenance=provenance)
    if jobs == 1 or len(paths) < 2:
        yield from map(work, paths)
        return
    # each worker is its own process, so the per-file time limit (an alarm signal) works there too
    with ProcessPoolExecutor(max_workers=jobs or None) as pool:
        yield from pool.map(work, paths, chunksize=4)
