"""`nianbao write`: a report in the official layout from data, a workbook or ledgers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.console import Console

from . import app


@app.command("write")
def write_cmd(
    source: Annotated[
        str | None,
        typer.Argument(help="数据文件：YAML/JSON、nianbao parse/export 输出的 JSON Lines，或填报表 .xlsx"),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", help="输出文件：.docx .pdf .html .md .txt")
    ] = "report.docx",
    ledger: Annotated[
        str | None, typer.Option("--ledger", help="依申请公开台账（CSV/XLSX），据此计算表三")
    ] = None,
    cases: Annotated[
        str | None, typer.Option("--cases", help="行政复议、行政诉讼案件台账，据此计算表四")
    ] = None,
    organ: Annotated[str | None, typer.Option("--organ", help="机关名称（覆盖数据文件）")] = None,
    year: Annotated[int | None, typer.Option("--year", help="报告年度（覆盖数据文件）")] = None,
    template: Annotated[
        str | None, typer.Option("--template", help="表格格式的编号（默认按报告年度）")
    ] = None,
    published: Annotated[str | None, typer.Option("--published", help="发布日期，如 2025-01-20")] = None,
    allow_errors: Annotated[bool, typer.Option("--allow-errors", help="有错误也生成，并在附录列出")] = False,
    no_draft: Annotated[bool, typer.Option("--no-draft", help="不自动生成统计表述")] = False,
    official_fonts: Annotated[
        bool, typer.Option("--official-fonts", help="使用公文字体（方正小标宋、黑体、仿宋_GB2312，需已安装）")
    ] = False,
    body_font: Annotated[str | None, typer.Option("--body-font", help="正文字体名称")] = None,
    title_font: Annotated[str | None, typer.Option("--title-font", help="标题字体名称")] = None,
) -> None:
    """生成符合国家格式的年度报告：先检查数据，有错误时不生成（除非 --allow-errors）。"""
    from ..errors import NianbaoError
    from ..findings import Severity
    from ..writer import ReportData, ReportNotWritten, format_finding, write
    from ..writer.inputs import apply_ledgers, load_data
    from ..writer.render import OFFICIAL, Fonts

    console = Console(stderr=True, soft_wrap=True)
    try:
        if source:
            data = load_data(source, {"organ": organ, "year": year})
        elif organ and year:
            data = ReportData(organ=organ, year=year)
        else:
            raise NianbaoError(
                "请提供数据文件，或用 --organ 和 --year 给出机关名称与年度（配合 --ledger 使用）"
            )
        updates: dict[str, Any] = {
            k: v for k, v in {"organ": organ, "year": year, "template": template}.items() if v
        }
        if published:
            try:
                updates["published"] = dt.date.fromisoformat(published)
            except ValueError:
                raise NianbaoError(f"发布日期“{published}”无法识别，应如 2025-01-20") from None
        data = data.model_copy(update=updates)
        data = apply_ledgers(data, ledger, cases)
        fonts = OFFICIAL if official_fonts else Fonts()
        if body_font or title_font:
            fonts = Fonts(
                body=body_font or fonts.body,
                title=title_font or fonts.title,
                heading=fonts.heading,
                table=body_font or fonts.table,
            )
        written = write(data, output, allow_errors=allow_errors, draft=not no_draft, fonts=fonts)
    except ReportNotWritten as exc:
        console.print("[red]报告未生成[/red]，检查发现以下错误（可用 --allow-errors 强制生成）：")
        for f in exc.findings:
            if f.severity == Severity.ERROR:
                console.print("  " + format_finding(f), markup=False)
        raise typer.Exit(2) from None
    except NianbaoError as exc:
        console.print("[red]错误：[/red]", end="")
        console.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    for f in written.findings:
        console.print("  " + format_finding(f), markup=False)
    console.print(f"已生成：{written.path}")
