"""`nianbao parse`: the machine-readable output contract."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from . import app
from ._common import expand_paths, parse_safely


@app.command("parse")
def parse_cmd(
    files: Annotated[list[str], typer.Argument(help="报告文件或文件夹")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="每个文件输出一行 JSON（默认）")] = True,
    provenance: Annotated[bool, typer.Option("--provenance", help="附带每个单元格的来源位置")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="每个文件的处理时限（秒）")] = 120,
) -> None:
    """读取报告，按规范输出 JSON Lines：每个文件一行。"""
    out = sys.stdout
    for path in expand_paths(files):
        report, error = parse_safely(path, timeout)
        if report is None:
            obj = {"source": path, "error": error}
        else:
            obj = report.to_dict(provenance=provenance)
            obj["source"] = path
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()
