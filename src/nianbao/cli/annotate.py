"""`nianbao annotate`: the unit's own file with every flagged cell marked and its message."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app
from ._db import DbOption, console, err_console, open_store


@app.command("annotate")
def annotate_cmd(
    report: Annotated[str, typer.Argument(help="报告文件（PDF、Word、网页），或数据库中的报告编号")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件（扩展名按原件类型）或文件夹")],
    db: DbOption = None,
) -> None:
    """在原件上标注问题：PDF 加高亮批注，Word 加批注，网页生成标注副本。"""
    from ..review import annotate, originals

    path = Path(report)
    if path.is_file():
        from ._common import parse_safely

        parsed, error = parse_safely(str(path))
        if parsed is None:
            err_console.print(f"[red]{path}：{error}[/red]")
            raise typer.Exit(1)
        data, name = path.read_bytes(), path.name
    elif report.isdigit():
        store = open_store(db)
        try:
            parsed = store.get_report(int(report)).report
        except KeyError:
            err_console.print(f"[red]数据库中没有编号为 {report} 的报告[/red]")
            raise typer.Exit(1) from None
        found = originals.find(store, int(report))
        if found is None:
            err_console.print(f"[red]找不到报告 {report} 的原件（{parsed.source}），或原件已被修改[/red]")
            raise typer.Exit(1)
        data, name = found.read_bytes(), found.name
    else:
        err_console.print(f"[red]“{report}”既不是文件，也不是报告编号[/red]")
        raise typer.Exit(2)
    try:
        marked, suffix = annotate.annotate_bytes(data, name, parsed)
    except annotate.CannotAnnotate as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    target = out / f"{Path(name).stem}-标注{suffix}" if out.is_dir() else out
    if target.suffix.lower() != suffix:
        target = target.with_suffix(suffix)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(marked)
    n = len(annotate.marks(parsed))
    console.print(f"已标注 {n} 个有问题的单元格，写入 {target}")
