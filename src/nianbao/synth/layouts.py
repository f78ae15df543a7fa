"""The writer's report in the table layouts real reports and their converters come in.

The official layout (`nianbao.writer.layout`) is one way to print the three tables. Real reports
print them in many others — different header wordings, an extra 小计 column, blank 法人 columns,
（六）其他处理 as a row-spanning label, one table per row, 表四 as three tables or a row per group,
表二 as four tables, placeholder and dummy header tables, columns in another order, the header
repeated after a page break, no header at all. `compose_layout` composes the report as the writer
does and then replaces each table block by the blocks of the layout asked for; any renderer
(DOCX, HTML, Markdown, text) then prints it. The truth is what was printed: `LaidOut.data`
(blank-printed cells are None there).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ..document import Table, TableCell
from ..templates import ColumnDef, RowDef, TableDef, Template, get_template
from ..writer.compose import Block, Composition, compose
from ..writer.data import ReportData, format_value
from ..writer.layout import T2_ITEM_HEADER, T3_APPLICANTS, T3_NOTE

LAYOUTS = (
    "official",
    "wording",  # header and row labels in the other wordings the templates accept
    "t3-subtotal",  # an 8th column 小计 (sum of the five 法人 columns) in 表三
    "blank-legal",  # the 法人或其他组织 columns printed blank where they are all zero
    "t3-other-span",  # two label columns: group labels (（三）…（六）) spanning their sub-rows
    "t3-flat-labels",  # one label column, sub-row labels only, no group label rows
    "col-order",  # 表三's columns in another order, a one-row header naming each
    "header-repeat",  # 表三 split by a page break, its header printed again on top of the rest
    "no-header",  # 表三 and 表四 without their header rows
    "placeholder-header",  # a made-up header row (数据1 … 数据6 | 总计) above the real one
    "per-row",  # every table row its own table (a converter's per-row fragments)
    "labels-outside",  # per-row tables of 表三 with the row label printed before the table
    "dummy-tables",  # a table full of `-` before each real table
    "t2-four",  # 表二 as four tables, one per block
    "t4-three",  # 表四 as three tables: 行政复议, 未经复议直接起诉, 复议后起诉
    "t4-transposed",  # 表四 with a row per group and the five result columns
)
SUBTOTAL = "小计"


@dataclass
class LaidOut:
    comp: Composition
    data: ReportData  # the truth: the cells as printed


# --------------------------------------------------------------------------------- grid helpers


class _Grid:
    def __init__(self) -> None:
        self.cells: list[TableCell] = []

    def put(self, text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> None:
        self.cells.append(TableCell(text, row, col, rowspan, colspan))

    def table(self) -> Table:
        return Table(sorted(self.cells, key=lambda c: (c.row, c.col)))


def _rows_of(table: Table, start: int, stop: int) -> Table:
    """Physical rows [start, stop) as a table of their own; row-spanning cells clipped to it."""
    cells = []
    for c in table.cells:
        top, bottom = c.row, c.row + c.rowspan
        lo, hi = max(top, start), min(bottom, stop)
        if lo >= hi:
            continue
        # a spanning cell keeps its text only where it starts, as converters print it
        text = c.text if top >= start else ""
        cells.append(TableCell(text, lo - start, c.col, hi - lo, c.colspan))
    return Table(sorted(cells, key=lambda c: (c.row, c.col)))


def _per_row(table: Table) -> list[Table]:
    return [_rows_of(table, r, r + 1) for r in range(table.n_rows)]


def _dummy(n_cols: int) -> Table:
    g = _Grid()
    for r in range(2):
        for c in range(n_cols):
            g.put("-", r, c)
    return g.table()


def _label(lab, wording: bool) -> str:
    if wording:
        for alt in (*lab.aliases, *lab.variants):
            return alt
    return lab.official


# --------------------------------------------------------------------------------- 表二


def _t2_tables(tpl: Template, cells: dict, wording: bool, split: bool) -> list[Table]:
    table = tpl.table("t2")
    width = max(len(b.value_columns) for b in table.blocks)
    out: list[Table] = []
    g = _Grid()
    row = 0
    for block in table.blocks:
        cols = block.value_columns
        if split and g.cells:
            out.append(g.table())
            g, row = _Grid(), 0
        if block.heading:
            g.put(block.heading, row, 0, colspan=width + 1)
            row += 1
        g.put(T2_ITEM_HEADER, row, 0)
        for i, col in enumerate(cols):
            g.put(
                _label(col.label, wording),
                row,
                1 + i,
                colspan=width - len(cols) + 1 if i == len(cols) - 1 else 1,
            )
        row += 1
        for r in block.data_rows:
            g.put(_label(r.label, wording), row, 0)
            for i, col in enumerate(cols):
                span = width - len(cols) + 1 if i == len(cols) - 1 else 1
                g.put(format_value(cells.get(f"t2.{r.key}.{col.key}")), row, 1 + i, colspan=span)
            row += 1
    out.append(g.table())
    return out


# --------------------------------------------------------------------------------- 表三


@dataclass
class _T3Style:
    order: tuple[str, ...] | None = None  # value column keys in print order (None: official)
    subtotal: bool = False
    header: str = "official"  # official | flat | none
    labels: str = "nested"  # nested (results label + group + child) | span (group + child) | flat
    wording: bool = False


def _t3_columns(table: TableDef, style: _T3Style) -> list[tuple[str, str, str | None]]:
    """(key, header text, parent) for each printed value column; key SUBTOTAL for 小计."""
    cols: list[ColumnDef] = list(table.blocks[0].value_columns)
    if style.order:
        by_key = {c.key: c for c in cols}
        cols = [by_key[k] for k in style.order]
    out: list[tuple[str, str, str | None]] = []
    for i, c in enumerate(cols):
        out.append((c.key, _label(c.label, style.wording), c.parent))
        last_org = c.parent and (i + 1 == len(cols) or cols[i + 1].parent != c.parent)
        if style.subtotal and last_org:
            out.append((SUBTOTAL, SUBTOTAL, c.parent))
    return out


def _t3_rows(table: TableDef) -> list[tuple[RowDef, RowDef | None]]:
    """(row, its group or None) for every row that carries values, in order."""
    rows = list(table.blocks[0].rows)
    out: list[tuple[RowDef, RowDef | None]] = []
    for r in rows:
        if r.group:
            continue  # a group is only a label: 三、本年度办理结果, （三）不予公开 …
        parent = next((p for p in rows if "." in r.key and p.key == r.key.rsplit(".", 1)[0]), None)
        out.append((r, parent))
    return out


def _t3_value(cells: dict, row: RowDef, key: str, org_keys: list[str]) -> str:
    if key == SUBTOTAL:
        parts = [cells.get(f"t3.{row.key}.{k}") for k in org_keys]
        return "" if any(p is None for p in parts) else format_value(sum(parts))  # type: ignore[arg-type]
    return format_value(cells.get(f"t3.{row.key}.{key}"))


def _t3_table(tpl: Template, cells: dict, style: _T3Style) -> tuple[Table, int]:
    """表三 in the style asked for, and how many header rows it has."""
    table = tpl.table("t3")
    cols = _t3_columns(table, style)
    org_keys = [k for k, _, p in cols if p and k != SUBTOTAL]
    rows = _t3_rows(table)
    all_rows = list(table.blocks[0].rows)
    # the results group (三、本年度办理结果) is the group row whose members are not dotted keys
    results = next(
        r for r in all_rows if r.group and not any(c.key.startswith(r.key + ".") for c in all_rows)
    )
    n_label = {"nested": 3, "span": 2, "flat": 1}[style.labels]
    g = _Grid()
    # header
    if style.header == "official":
        g.put(T3_NOTE, 0, 0, rowspan=3, colspan=n_label)
        g.put(T3_APPLICANTS, 0, n_label, colspan=len(cols))
        i = 0
        while i < len(cols):
            key, text, col_parent = cols[i]
            if col_parent:
                members = [c for c in cols[i:] if c[2] == col_parent]
                n = 0
                for c in members:  # contiguous members only
                    if cols[i + n] != c:
                        break
                    n += 1
                g.put(col_parent, 1, n_label + i, colspan=n)
                for k in range(n):
                    g.put(cols[i + k][1], 2, n_label + i + k)
                i += n
            else:
                g.put(text, 1, n_label + i, rowspan=2)
                i += 1
        head = 3
    elif style.header == "flat":
        g.put(T3_APPLICANTS, 0, 0, colspan=n_label)
        for i, (_, text, _) in enumerate(cols):
            g.put(text, 0, n_label + i)
        head = 1
    else:
        head = 0
    # body
    phys = head
    results_rows = [r for r, _ in rows if r.result or r.total_of_rows]
    group_started: set[str] = set()
    for r, parent in rows:
        if style.labels == "nested":
            if r is results_rows[0]:
                g.put(results.label.official, phys, 0, rowspan=len(results_rows))
            left = 1 if r in results_rows else 0
        else:
            left = 0
        if style.labels == "flat":
            g.put(_label(r.label, style.wording), phys, 0)
        elif parent is not None:
            if parent.key not in group_started:
                n = sum(1 for x, p in rows if p is parent)
                g.put(_label(parent.label, style.wording), phys, left, rowspan=n)
                group_started.add(parent.key)
            g.put(_label(r.label, style.wording), phys, left + 1, colspan=n_label - left - 1)
        else:
            g.put(_label(r.label, style.wording), phys, left, colspan=n_label - left)
        for j, (key, _, _) in enumerate(cols):
            g.put(_t3_value(cells, r, key, org_keys), phys, n_label + j)
        phys += 1
    return g.table(), head


# --------------------------------------------------------------------------------- 表四


def _t4_tables(tpl: Template, cells: dict, mode: str, header: bool = True) -> list[Table]:
    table = tpl.table("t4")
    block = table.blocks[0]
    cols = block.value_columns
    rows = list(block.data_rows)
    if mode == "three":
        out = []
        for r in rows:
            g = _Grid()
            title = f"{r.parent}（{r.label.official}）" if r.parent else r.label.official
            g.put(title, 0, 0, colspan=len(cols))
            for j, c in enumerate(cols):
                g.put(c.label.official, 1, j)
                g.put(format_value(cells.get(f"t4.{r.key}.{c.key}")), 2, j)
            out.append(g.table())
        return out
    # transposed: a row per group
    g = _Grid()
    top = 0
    if header:
        g.put("", 0, 0, colspan=2)
        for j, c in enumerate(cols):
            g.put(c.label.official, 0, 2 + j)
        top = 1
    parents_done: set[str] = set()
    for i, r in enumerate(rows):
        at = top + i
        if r.parent:
            if r.parent not in parents_done:
                g.put(r.parent, at, 0, rowspan=sum(1 for x in rows if x.parent == r.parent))
                parents_done.add(r.parent)
            g.put(r.label.official, at, 1)
        else:
            g.put(r.label.official, at, 0, colspan=2)
        for j, c in enumerate(cols):
            g.put(format_value(cells.get(f"t4.{r.key}.{c.key}")), at, 2 + j)
    return [g.table()]


# --------------------------------------------------------------------------------- composing


def blank_legal(data: ReportData) -> ReportData:
    """The 法人或其他组织 columns printed blank where every row of them is zero."""
    tpl = get_template(data.template_id)
    t3 = tpl.table("t3")
    cells = dict(data.cells)
    for col in t3.blocks[0].value_columns:
        if not col.parent:
            continue
        keys = [k for k in t3.cell_keys if k.endswith("." + col.key)]
        if all((cells.get(k) or 0) == 0 for k in keys):
            for k in keys:
                cells[k] = None
    return data.model_copy(update={"cells": cells})


def _official_table(comp: Composition, tid: str) -> Block:
    return next(b for b in comp.blocks if b.layout is not None and b.layout.table_def.id == tid)


def compose_layout(
    data: ReportData, layout: str, draft: bool = False, rng: random.Random | None = None
) -> LaidOut:
    """The report with its tables printed in `layout` (one of LAYOUTS)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
    rng = rng or random.Random(0)
    data = data.with_totals()
    if layout == "blank-legal":
        data = blank_legal(data)
    comp = compose(data, draft=draft)
    if layout in ("official", "blank-legal"):
        return LaidOut(comp, data)
    tpl = get_template(data.template_id)
    cells = dict(data.cells)
    t3_cols = [c.key for c in tpl.table("t3").blocks[0].value_columns]
    replace: dict[str, list[Block]] = {}

    def tables(*ts: Table) -> list[Block]:
        return [Block("table", table=t) for t in ts]

    if layout == "wording":
        t3, _ = _t3_table(tpl, cells, _T3Style(wording=True))
        replace = {"t2": tables(*_t2_tables(tpl, cells, True, False)), "t3": tables(t3)}
    elif layout == "t3-subtotal":
        replace = {"t3": tables(_t3_table(tpl, cells, _T3Style(subtotal=True))[0])}
    elif layout == "t3-other-span":
        replace = {"t3": tables(_t3_table(tpl, cells, _T3Style(labels="span"))[0])}
    elif layout == "t3-flat-labels":
        replace = {"t3": tables(_t3_table(tpl, cells, _T3Style(labels="flat", header="flat"))[0])}
    elif layout == "col-order":
        order = list(t3_cols)
        orgs = order[1:-1]
        rng.shuffle(orgs)
        order = [order[-1], *orgs, order[0]] if rng.random() < 0.5 else [*orgs, order[0], order[-1]]
        replace = {"t3": tables(_t3_table(tpl, cells, _T3Style(order=tuple(order), header="flat"))[0])}
    elif layout == "header-repeat":
        t3, head = _t3_table(tpl, cells, _T3Style())
        cut = rng.randint(head + 3, t3.n_rows - 3)
        header = _rows_of(t3, 0, head)
        # the second part re-prints the header; row-spanning labels cut by the break start again
        rest = _rows_of(t3, cut, t3.n_rows)
        second = Table(
            [
                *header.cells,
                *(TableCell(c.text, c.row + head, c.col, c.rowspan, c.colspan) for c in rest.cells),
            ]
        )
        _restore_cut_labels(t3, cut, second, head)
        replace = {"t3": tables(_rows_of(t3, 0, cut), second)}
    elif layout == "no-header":
        t3, head = _t3_table(tpl, cells, _T3Style())
        replace = {
            "t3": tables(_rows_of(t3, head, t3.n_rows)),
            "t4": tables(*_t4_tables(tpl, cells, "transposed", header=False)),
        }
    elif layout == "placeholder-header":
        t3, _ = _t3_table(tpl, cells, _T3Style())
        g = _Grid()
        n_label = 3
        g.put("项目", 0, 0, colspan=n_label)
        for j in range(len(t3_cols) - 1):
            g.put(f"数据{j + 1}", 0, n_label + j)
        g.put("总计", 0, n_label + len(t3_cols) - 1)
        for c in t3.cells:
            g.put(c.text, c.row + 1, c.col, c.rowspan, c.colspan)
        replace = {"t3": tables(g.table())}
    elif layout == "per-row":
        for tid in ("t2", "t3", "t4"):
            replace[tid] = tables(*_per_row(_official_table(comp, tid).table))  # type: ignore[arg-type]
    elif layout == "labels-outside":
        t3, head = _t3_table(tpl, cells, _T3Style(labels="flat", header="flat"))
        t3_blocks = tables(_rows_of(t3, 0, head))
        for r in range(head, t3.n_rows):
            row = _rows_of(t3, r, r + 1)
            label = next(c.text for c in row.cells if c.col == 0)
            values = [TableCell(c.text, 0, c.col - 1, 1, c.colspan) for c in row.cells if c.col > 0]
            t3_blocks += [Block("paragraph", label), Block("table", table=Table(values))]
        replace = {"t3": t3_blocks}
    elif layout == "dummy-tables":
        for tid in ("t2", "t3", "t4"):
            official = _official_table(comp, tid)
            assert official.table is not None  # a block with a layout is a filled table (compose)
            replace[tid] = [
                Block("table", table=_dummy(official.table.n_cols)),
                Block("table", table=official.table),
            ]
    elif layout == "t2-four":
        replace = {"t2": tables(*_t2_tables(tpl, cells, False, True))}
    elif layout == "t4-three":
        replace = {"t4": tables(*_t4_tables(tpl, cells, "three"))}
    elif layout == "t4-transposed":
        replace = {"t4": tables(*_t4_tables(tpl, cells, "transposed"))}

    blocks: list[Block] = []
    for b in comp.blocks:
        block_tid = b.layout.table_def.id if b.layout is not None else None
        if block_tid in replace:
            blocks += replace[block_tid]
        else:
            blocks.append(b)
    comp.blocks = blocks
    return LaidOut(comp, data)


def _restore_cut_labels(t3: Table, cut: int, second: Table, head: int) -> None:
    """A group label spanning the page break is printed again at the top of the second part."""
    for c in t3.cells:
        if c.row < cut < c.row + c.rowspan and c.text:
            for s in second.cells:
                if s.row == head and s.col == c.col and not s.text:
                    s.text = c.text


Renderer = Callable[[Composition], bytes]
