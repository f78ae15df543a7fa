"""`nianbao check`: a readable Chinese review of each report in the terminal."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..findings import Severity
from ..model import Report
from ..templates import TableDef
from . import app
from ._common import expand_paths, parse_safely

STYLE = {Severity.ERROR: "bold white on red", Severity.WARNING: "black on yellow", Severity.INFO: "cyan"}
ICON = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "●"}


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


@app.command("check")
def check_cmd(
    files: Annotated[list[str], typer.Argument(help="报告文件或文件夹")],
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="出现该级别问题时以非零状态退出")
    ] = FailOn.error,
    tables: Annotated[bool, typer.Option("--tables/--no-tables", help="显示统计表")] = True,
    info: Annotated[bool, typer.Option("--info/--no-info", help="显示“提示”级别的问题")] = True,
    timeout: Annotated[float, typer.Option("--timeout", help="每个文件的处理时限（秒）")] = 120,
) -> None:
    """检查报告：显示三张统计表（标出有问题的单元格）并按严重程度列出问题。"""
    console = Console()
    worst: Severity | None = None
    unreadable = 0
    for path in expand_paths(files):
        report, error = parse_safely(path, timeout)
        if report is None:
            unreadable += 1
            console.print(
                Panel(Text(error or "", style="red"), title=f"[bold]{path}[/] 无法读取", border_style="red")
            )
            continue
        console.print(render_report(report, show_tables=tables, show_info=info))
        w = report.worst()
        if w is not None and (worst is None or w.rank > worst.rank):
            worst = w
    threshold = {FailOn.error: 2, FailOn.warning: 1, FailOn.never: 99}[fail_on]
    if unreadable and fail_on is not FailOn.never:
        raise typer.Exit(2)
    if worst is not None and worst.rank >= threshold:
        raise typer.Exit(1)


def render_report(report: Report, show_tables: bool = True, show_info: bool = True) -> Panel:
    head = Text()
    head.append(f"{report.organ or '（未识别机关）'}  ", style="bold")
    head.append(f"{report.year or '？'}年度  ")
    head.append(f"{report.template or '？'}年格式  ")
    head.append(f"发布日期 {report.published or '未注明'}\n", style="dim")
    head.append(f"标题：{report.title or '（未识别）'}", style="dim")
    parts: list = [head]
    flagged = _flagged_cells(report)
    template = report.template_def
    if show_tables and template is not None:
        for tid in ("t2", "t3", "t4"):
            if tid in report.tables_present:
                parts.append(_render_table(report, template.tables[tid], flagged))
            else:
                parts.append(Text(f"{template.tables[tid].title}：文档中没有找到", style="red"))
    parts.append(_render_findings(report, show_info))
    counts = report.findings_by_severity()
    summary = "  ".join(f"{s.zh} {len(counts[s])}" for s in Severity)
    return Panel(
        Group(*parts), title=f"[bold]{report.source}[/]", subtitle=summary, border_style=_border(report)
    )


def _border(report: Report) -> str:
    worst = report.worst()
    return {Severity.ERROR: "red", Severity.WARNING: "yellow"}.get(worst, "green")  # type: ignore[arg-type]


def _flagged_cells(report: Report) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for f in report.findings:
        for key in f.cells:
            if key not in out or f.severity.rank > out[key].rank:  # type: ignore[union-attr]
                out[key] = f.severity  # type: ignore[assignment]
    return out


def _render_table(report: Report, table: TableDef, flagged: dict[str, Severity]) -> Table:
    out = Table(title=table.title, title_justify="left", show_lines=False, expand=False, pad_edge=False)
    if table.layout == "flat":
        out.add_column("")
        block = table.blocks[0]
        for col in block.value_columns:
            out.add_column(col.label.official, justify="right")
        for row in block.data_rows:
            label = f"{row.parent}·{row.label.official}" if row.parent else row.label.official
            out.add_row(
                label, *[_cell(report, f"{table.id}.{row.key}.{c.key}", flagged) for c in block.value_columns]
            )
        return out
    widest = max(len(b.value_columns) for b in table.blocks)
    out.add_column("栏目")
    for i in range(widest):
        out.add_column(
            table.blocks[0].value_columns[i].label.official if len(table.blocks) == 1 else "", justify="right"
        )
    for block in table.blocks:
        if block.heading:
            out.add_row(
                Text(block.heading, style="bold"),
                *[Text(c.label.official, style="dim") for c in block.value_columns],
            )
        for row in block.rows:
            if row.group:
                out.add_row(Text(row.label.official, style="bold"))
                continue
            cells = [_cell(report, f"{table.id}.{row.key}.{c.key}", flagged) for c in block.value_columns]
            out.add_row(row.label.official[:28], *cells)
    return out


def _cell(report: Report, key: str, flagged: dict[str, Severity]) -> Text:
    cell = report.cells.get(key)
    value = None if cell is None else cell.value
    text = "—" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    sev = flagged.get(key)
    return Text(text, style=STYLE[sev]) if sev else Text(text)


def _render_findings(report: Report, show_info: bool) -> Group | Text:
    if not report.findings:
        return Text("✔ 未发现问题", style="green")
    lines: list[Text] = []
    for sev, items in report.findings_by_severity().items():
        if not items or (sev is Severity.INFO and not show_info):
            continue
        lines.append(
            Text(
                f"{sev.zh}（{len(items)}）",
                style="bold " + {"error": "red", "warning": "yellow", "info": "cyan"}[sev.value],
            )
        )
        for f in items:
            t = Text(f" {ICON[sev]} ", style=STYLE[sev] if sev is not Severity.INFO else "cyan")
            t.append(f"[{f.code}] ", style="dim")
            t.append(f.message)
            if f.where and f.where not in f.message:
                t.append(f"（{f.where}）", style="dim")
            lines.append(t)
    return Group(*lines)
