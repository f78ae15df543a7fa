"""`nianbao organs`: the organs and regions of the corpus, and corrections to them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from . import app
from ._db import DbOption, console, err_console, open_store

organs_app = typer.Typer(
    help="机关与行政区划：查看、纠正同一机关的不同写法、加载区划表", no_args_is_help=True
)
app.add_typer(organs_app, name="organs")

_COLUMNS = {
    "name": ("name", "名称", "地区", "区划名称"),
    "parent": ("parent", "上级", "上级地区", "上级区划"),
    "level": ("level", "级别", "层级"),
    "code": ("code", "代码", "区划代码"),
}


@organs_app.command("list")
def list_cmd(db: DbOption = None, region: Annotated[str | None, typer.Option("--region")] = None) -> None:
    """列出机关、所属地区、别名和各年度报告。"""
    store = open_store(db)
    regions = {r.id: r.name for r in store.regions()}
    region_ids = set(store.region_ids(region)) if region else None
    t = Table()
    for col in ("编号", "机关", "类别", "地区", "写法", "年度"):
        t.add_column(col)
    aliases, years = store.organ_overview()
    for o in store.organs():
        if region_ids is not None and o.region_id not in region_ids:
            continue
        t.add_row(
            str(o.id),
            o.name,
            o.kind or "",
            regions.get(o.region_id, "") if o.region_id else "",
            "、".join(aliases.get(o.id, [])),
            "、".join(map(str, years.get(o.id, []))),
        )
    console.print(t)


@organs_app.command("link")
def link_cmd(alias: str, target: str, db: DbOption = None) -> None:
    """把 ALIAS（一种写法或一个机关）并入 TARGET：以后该写法的报告都归入同一机关。"""
    store = open_store(db)
    oid = store.link_organs(alias, target)
    console.print(f"已将“{alias}”并入机关 {oid}（{target}）")


@organs_app.command("load-regions")
def load_regions_cmd(file: Path, db: DbOption = None) -> None:
    """从 CSV 加载行政区划：列 name/名称, parent/上级, level/级别（省/市/县/乡镇）, code/代码（可选）。"""
    store = open_store(db)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = file.read_text(encoding="gb18030")
    except OSError as exc:
        err_console.print(f"[red]无法读取 {file}：{exc.strerror or exc}[/red]")
        raise typer.Exit(1) from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        err_console.print("[red]CSV 文件为空[/red]")
        raise typer.Exit(1)
    header = {k.strip(): k for k in rows[0]}
    cols = {want: next((header[h] for h in names if h in header), None) for want, names in _COLUMNS.items()}
    if cols["name"] is None:
        err_console.print(f"[red]CSV 缺少“名称”列（可用列名：{'、'.join(_COLUMNS['name'])}）[/red]")
        raise typer.Exit(1)
    n = 0
    for row in rows:  # parents first in the file is usual; unknown parents are created on the way
        name = (row.get(cols["name"]) or "").strip()
        if not name:
            continue
        store.ensure_region(
            name,
            level=_field(row, cols, "level"),
            parent=_field(row, cols, "parent"),
            code=_field(row, cols, "code"),
        )
        n += 1
    console.print(f"已加载 {n} 个行政区划")


def _field(row: dict[str, str], cols: dict[str, str | None], name: str) -> str | None:
    col = cols[name]
    return ((row.get(col) or "").strip() or None) if col else None
