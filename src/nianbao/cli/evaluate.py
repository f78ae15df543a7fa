"""`nianbao evaluate`: score and rank a region's units with a rubric; the tidy table for research."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from . import app

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from ..evaluation import RegionEvaluation, Rubric
from ._db import DbOption, console, err_console, open_store


@app.command("evaluate")
def evaluate_cmd(
    region: Annotated[
        str | None, typer.Option("--region", help="评估的地区（含下级），如 洪泽区 或 淮安市/洪泽区")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="报告年度")] = None,
    rubric: Annotated[
        Path | None,
        typer.Option("--rubric", help="评估细则 YAML 文件（替换或以 extends: default 扩展默认细则）"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="输出文件：.xlsx（排名、明细、覆盖率、细则）/ .csv / .parquet"),
    ] = None,
    db: DbOption = None,
    tidy: Annotated[
        bool,
        typer.Option("--tidy", help="输出全库（或 --region/--year 范围内）每份报告 × 每个指标一行的明细表"),
    ] = False,
    show_rubric: Annotated[
        bool, typer.Option("--show-rubric", help="检查并列出评估细则的指标，不评估")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="终端显示前几名（0 为全部）")] = 30,
) -> None:
    """按评估细则给地区内各单位的年度报告打分、排名：每个指标的数值、得分与依据，总分，区域和层级排名，
    发布覆盖率，与上年相比的变化。"""
    from ..evaluation import EvaluationError, RubricError, evaluate_region, load_rubric
    from ..evaluation.output import OutputError, format_of, write_region, write_table

    try:
        rub = load_rubric(rubric)
    except RubricError as exc:
        err_console.print(f"[red]{exc}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if show_rubric:
        _print_rubric(rub)
        return
    try:
        if out is not None:
            format_of(out)
    except OutputError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    store = open_store(db)
    if tidy:
        from ..evaluation.tidy import TIDY_COLUMNS, tidy_rows

        if out is None:
            err_console.print("[red]--tidy 需要用 -o 指定输出文件（.parquet / .csv / .xlsx）[/red]")
            raise typer.Exit(2)
        try:
            n = write_table(tidy_rows(store, rub, region=region, year=year), out, TIDY_COLUMNS)
        except EvaluationError as exc:
            err_console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        console.print(
            f"已写出 {n} 行（{n // max(len(rub.indicators), 1)} 份报告 × {len(rub.indicators)} 个指标）：{out}"
        )
        return
    if region is None or year is None:
        err_console.print(
            "[red]请用 --region 和 --year 指定评估的地区和年度（或用 --tidy 输出全库明细）[/red]"
        )
        raise typer.Exit(2)
    try:
        ev = evaluate_region(store, region, year, rub)
    except EvaluationError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    _print_evaluation(ev, top)
    if out is not None:
        write_region(ev, out)
        console.print(f"已写出：{out}")


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def _print_evaluation(ev: RegionEvaluation, top: int) -> None:
    rub = ev.rubric
    prev = ev.previous_coverage
    prev_text = f"（上年 {prev[0]}/{prev[1]}）" if prev and prev[1] else ""
    console.print(
        f"[bold]{ev.region.name} {ev.year} 年度报告评估[/bold]（{rub.name}，{len(rub.indicators)} 个指标，"
        f"满分 {rub.total_weight:g}）"
    )
    console.print(
        f"应发布单位 {ev.expected} 个，已发布 {ev.published} 个，覆盖率 {_pct(ev.coverage)}{prev_text}；"
        f"平均分 {ev.mean_total() if ev.mean_total() is not None else '—'}"
    )
    t = Table(title="排名（百分制；不能评价的指标不计入满分）")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("名次", "right"),
        ("层级名次", "right"),
        ("单位", "left"),
        ("层级", "left"),
        ("总分", "right"),
        ("较上年", "right"),
        ("红/黄", "center"),
        ("主要问题", "left"),
    )
    for col, just in columns:
        t.add_column(col, justify=just)
    shown = [u for u in ev.units if u.published]
    for u in shown[: top or None]:
        reasons = [f"{ind.name} {ind.format(r.value)}" for ind, r in u.flagged(rub, ("red",))[:3]]
        move = "—" if u.movement is None else f"{u.movement:+.1f}"
        t.add_row(
            str(u.rank or "—"),
            str(u.level_rank or "—"),
            u.unit.name,
            u.unit.level,
            "—" if u.total is None else f"{u.total:.1f}",
            move,
            f"{len(u.score.colours('red'))}/{len(u.score.colours('yellow'))}",
            "；".join(reasons),
        )
    console.print(t)
    if ev.missing:
        names = "、".join(u.unit.name for u in ev.missing[:30])
        more = f"等 {len(ev.missing)} 个" if len(ev.missing) > 30 else ""
        console.print(f"[yellow]未发布 {ev.year} 年度报告的单位：{names}{more}[/yellow]")


def _print_rubric(rub: Rubric) -> None:
    console.print(
        f"[bold]{rub.name}[/bold]（{rub.source}；最小样本 {rub.min_sample:g}；满分 {rub.total_weight:g}）"
    )
    t = Table()
    for col in ("指标", "板块", "权重", "阈值", "公式"):
        t.add_column(col)
    for ind in rub.indicators:
        t.add_row(
            f"{ind.name}（{ind.key}）",
            ind.category,
            f"{ind.weight:g}",
            ind.threshold_text(),
            ind.value.source,
        )
    console.print(t)
