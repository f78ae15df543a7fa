"""Loading a report's data from whatever the user has: YAML/JSON, the fill-in workbook, ledgers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .data import InputError, ReportData, load_mapping_file
from .ledger import table3_from_ledger, table4_from_ledger
from .workbook import read_workbook


def load_data(path: str | Path, overrides: Mapping[str, Any] | None = None) -> ReportData:
    """`overrides`: organ, year … given on the command line; for a JSON Lines file of several
    reports they select the one to write."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"文件不存在：{path}")
    ext = path.suffix.lower()
    if ext in (".yaml", ".yml", ".json", ".jsonl", ".ndjson"):
        return load_mapping_file(path, overrides)
    if ext in (".xlsx", ".xlsm"):
        return read_workbook(path)
    raise InputError(
        f"{path.name}：不支持的输入格式（可用 YAML、JSON、nianbao parse 输出的 JSON Lines，"
        "或 nianbao template 生成的 .xlsx 填报表）"
    )


def apply_ledgers(
    data: ReportData, ledger: str | Path | None = None, cases: str | Path | None = None
) -> ReportData:
    """Replace 表三 (and 表四) by the counts of the ledgers; problems of both are reported together."""
    cells = dict(data.cells)
    problems: list[str] = []
    for path, fn, prefix in ((ledger, table3_from_ledger, "t3."), (cases, table4_from_ledger, "t4.")):
        if path is None:
            continue
        path = Path(path)
        try:
            counted = fn(path.read_bytes(), data.year, data.template_id, name=path.name)
        except InputError as exc:
            problems += exc.problems
            continue
        except OSError as exc:
            problems.append(f"无法读取 {path}：{exc.strerror or exc}")
            continue
        cells = {k: v for k, v in cells.items() if not k.startswith(prefix)} | counted
    if problems:
        raise InputError(problems)
    return data.model_copy(update={"cells": cells})
