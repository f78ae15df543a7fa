"""The official tables as HTML grids: label cells with their spans and where each value goes.

The grids come from `nianbao.writer.layout`, which derives them from the template definition,
so the page shows the tables exactly as the official format prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..templates import TABLE_IDS, get_template, table_title
from ..writer.layout import table_layout

TABLE_NAMES = {tid: table_title(tid) for tid in TABLE_IDS}  # a view for the page templates


@dataclass(frozen=True)
class GridCell:
    text: str
    rowspan: int
    colspan: int
    key: str | None  # a value cell's canonical key; None for labels
    header: bool


@cache
def grid(template_id: str, table_id: str) -> tuple[tuple[GridCell, ...], ...]:
    """Rows of cells, each listed in the row where it starts (HTML rowspan/colspan semantics)."""
    lay = table_layout(get_template(template_id), table_id)
    starts: dict[int, list[tuple[int, GridCell]]] = {}
    for c in lay.cells:
        starts.setdefault(c.row, []).append(
            (c.col, GridCell(c.text, c.rowspan, c.colspan, None, c.row < lay.header_rows))
        )
    for key, (row, col, span) in lay.positions.items():
        starts.setdefault(row, []).append((col, GridCell("", 1, span, key, False)))
    return tuple(
        tuple(cell for _, cell in sorted(starts.get(r, []), key=lambda x: x[0])) for r in range(lay.n_rows)
    )


def cell_label(template_id: str, key: str) -> str:
    """表三 · 一、本年新收政府信息公开申请数量 · 自然人"""
    try:
        return get_template(template_id).cell_title(key)
    except KeyError:
        return key
