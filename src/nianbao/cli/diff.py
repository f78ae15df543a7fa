"""`nianbao diff`: two reports side by side, or one organ year over year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..corpus.compare import cell_deltas, part_diffs, year_over_year
from ..corpus.indicators import INDICATORS
from ..model import Report
from . import app
from ._db import DbOption, console, err_console, open_store


def _load(ref: str, db: str | None) -> Report:
    """A file path is parsed; a number is a report id in the database."""
    if Path(ref).exists():
        from ._common import parse_safely

        report, error = parse_safely(ref)
        if report is None:
            err_console.print(f"[red]{ref}：{error}[/red]")
            raise typer.Exit(1)
        return report
    if ref.isdigit():
        try:
            return open_store(db).get_report(int(ref)).report
        except KeyError as exc:
            err_console.print(f"[red]{exc.args[0]}[/red]")
            raise typer.Exit(1) from None
    err_console.print(f"[red]“{ref}”既不是文件，也不是报告编号[/red]")
    raise typer.Exit(1)


def _fmt(v: float | int | None) -> str:
    return "—" if v is None else f"{v:g}"


@app.command("diff")
def diff_cmd(
    a: Annotated[str | None, typer.Argument(help="报告 A：文件或数据库中的报告编号")] = None,
    b: Annotated[str | None, typer.Argument(help="报告 B：文件或报告编号")] = None,
    organ: Annotated[str | None, typer.Option("--organ", help="按年度比较同一机关（逐年指标与变化）")] = None,
    db: DbOption = None,
    text: Annotated[bool, typer.Option("--text/--no-text", help="显示各部分文字差异")] = True,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="写出对比文件：.docx / .pdf / .html（两年并排，变化处高亮）"),
    ] = None,
) -> None:
    """比较两份报告：统计表逐格差异和各部分文字差异；或用 --organ 比较同一机关历年报告。"""
    if organ:
        _year_over_year(organ, db)
        return
    if not a or not b:
        err_console.print("[red]请给出两份报告（文件或编号），或使用 --organ[/red]")
        raise typer.Exit(2)
    ra, rb = _load(a, db), _load(b, db)
    if out is not None:
        _write_comparison(ra, rb, out)
        return
    console.print(
        f"[bold]A[/bold] {ra.organ or '?'} {ra.year or '?'}年  ⇄  [bold]B[/bold] {rb.organ or '?'} {rb.year or '?'}年"
    )
    deltas = cell_deltas(ra, rb)
    t = Table(title=f"统计表差异（{len(deltas)} 项）")
    for col, just in (("单元格", "left"), ("A", "right"), ("B", "right"), ("B − A", "right")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for d in deltas:
        t.add_row(d.label, _fmt(d.a), _fmt(d.b), "" if d.delta is None else f"{d.delta:+g}")
    console.print(t)
    for part in part_diffs(ra, rb):
        console.print(f"[bold]{part.title}[/bold] 文字相似度 {part.similarity:.0%}")
        if text:
            for line in part.diff:
                if line.startswith("@@"):
                    continue
                style = "red" if line.startswith("-") else "green" if line.startswith("+") else ""
                console.print(
                    f"  [{style}]{line}[/{style}]" if style else f"  {line}",
                    markup=bool(style),
                    highlight=False,
                )


def _year_over_year(organ: str, db: str | None) -> None:
    rows = year_over_year(open_store(db), organ)
    if not rows:
        err_console.print(f"[red]数据库中没有“{organ}”的报告[/red]")
        raise typer.Exit(1)
    t = Table(title=f"{rows[-1][1].organ_name or organ} 历年指标")
    t.add_column("指标")
    for y, _, _ in rows:
        t.add_column(str(y), justify="right")
    for key, ind in INDICATORS.items():
        t.add_row(ind.name, *[ind.format(vals[key]) for _, _, vals in rows])
    console.print(t)


def _write_comparison(ra: Report, rb: Report, out: Path) -> None:
    from ..review.compare import render

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf", "html"):
        err_console.print("[red]对比文件的扩展名应为 .docx、.pdf 或 .html[/red]")
        raise typer.Exit(2)
    try:
        data = render(ra, rb, fmt)
    except Exception as exc:  # LibreOffice missing or failing for PDF
        err_console.print(f"[red]生成对比文件失败：{exc}[/red]")
        raise typer.Exit(1) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"已写出对比文件 {out}")
