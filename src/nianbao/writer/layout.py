"""The official table grids, derived from the template definition.

Every renderer (DOCX, HTML, Markdown, text dumps) and the fill-in workbook draw the tables from
the `TableLayout`s built here, so the merged cells of the official format are defined once, and
only from `nianbao.templates`:

- 表二: one grid; each block is a heading row spanning the table, a header row (信息内容 + the
  block's columns) and its data rows. Blocks with fewer columns stretch their last column.
- 表三: the header (the 勾稽关系 note, 申请人情况 over all seven columns, 法人或其他组织 over its five
  children), then one physical row per template row; the label takes up to three columns: a
  group row whose children are dotted keys (（三）不予公开 → denied.*) spans its children, and the
  results group (三、本年度办理结果) is a vertical label over every row up to the row totalling them.
- 表四: the flat two-level header (行政复议 | 行政诉讼 → 未经复议直接起诉 / 复议后起诉) and one row of values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Table, TableCell
from ..templates import BlockDef, ColumnDef, RowDef, TableDef, Template, latest_template

# the printed header texts of the official grids (formats.yaml `header` / `note`)
T3_NOTE = latest_template().table("t3").note or ""
T3_APPLICANTS = latest_template().table("t3").header or ""
T2_ITEM_HEADER = latest_template().table("t2").header or ""


@dataclass
class TableLayout:
    """A table of the official format: label cells with spans, and where each value goes."""

    table_def: TableDef
    cells: list[TableCell] = field(default_factory=list)
    positions: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # key -> (row, col, colspan)
    vertical: set[tuple[int, int]] = field(default_factory=set)  # label cells printed top to bottom
    header_rows: int = 0

    def label(self, text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> TableCell:
        cell = TableCell(text, row, col, rowspan, colspan)
        self.cells.append(cell)
        return cell

    def value(self, key: str, row: int, col: int, colspan: int = 1) -> None:
        self.positions[key] = (row, col, colspan)

    @property
    def n_rows(self) -> int:
        rows = [c.row + c.rowspan for c in self.cells] + [r + 1 for r, _, _ in self.positions.values()]
        return max(rows, default=0)

    @property
    def n_cols(self) -> int:
        cols = [c.col + c.colspan for c in self.cells] + [c + s for _, c, s in self.positions.values()]
        return max(cols, default=0)

    def filled(self, texts: dict[str, str]) -> Table:
        """The grid as a `Document` table, value cells holding `texts[key]` ("" when absent)."""
        cells = [TableCell(c.text, c.row, c.col, c.rowspan, c.colspan) for c in self.cells]
        for key, (row, col, span) in self.positions.items():
            cells.append(TableCell(texts.get(key, ""), row, col, 1, span))
        cells.sort(key=lambda c: (c.row, c.col))
        return Table(cells)


def table_layout(template: Template, table_id: str) -> TableLayout:
    table = template.table(table_id)
    if table.layout == "flat":
        return _flat_layout(table)
    if table_id == "t3":
        return _applicant_layout(table)
    return _block_layout(table)


def layouts(template: Template) -> dict[str, TableLayout]:
    return {tid: table_layout(template, tid) for tid in template.tables}


# --- 表二: blocks stacked in one grid -----------------------------------------------------------
def _block_layout(table: TableDef) -> TableLayout:
    lay = TableLayout(table)
    width = max(len(b.value_columns) for b in table.blocks)
    row = 0
    for block in table.blocks:
        cols = block.value_columns
        if block.heading:
            lay.label(block.heading, row, 0, colspan=width + 1)
            row += 1
        lay.label(table.header or "", row, 0)
        for i, col in enumerate(cols):
            lay.label(col.label.official, row, 1 + i, colspan=_stretch(i, len(cols), width))
        row += 1
        for r in block.data_rows:
            lay.label(r.label.official, row, 0)
            for i, col in enumerate(cols):
                lay.value(f"{table.id}.{r.key}.{col.key}", row, 1 + i, _stretch(i, len(cols), width))
            row += 1
    return lay


def _stretch(i: int, n: int, width: int) -> int:
    return width - n + 1 if i == n - 1 else 1


# --- 表三: applicant columns, three label columns --------------------------------------------------
def _applicant_layout(table: TableDef) -> TableLayout:
    (block,) = table.blocks
    lay = TableLayout(table)
    cols = block.value_columns
    label_cols = 3
    header_rows = 3 if any(c.parent for c in cols) else 2
    lay.header_rows = header_rows
    lay.label(table.note or "", 0, 0, rowspan=header_rows, colspan=label_cols)
    lay.label(table.header or "", 0, label_cols, colspan=len(cols))
    _column_headers(lay, cols, top=1, left=label_cols, depth=header_rows - 1)

    rows = list(block.rows)
    phys = header_rows
    results_until = -1  # index of the last row under the vertical results label
    i = 0
    while i < len(rows):
        r = rows[i]
        children = [c for c in rows if c.key.startswith(r.key + ".")]
        if r.group and not children:
            # the results group: a vertical label over every row up to the one totalling them
            end = next((j for j in range(i + 1, len(rows)) if rows[j].total_of_rows), len(rows) - 1)
            members = rows[i + 1 : end + 1]
            height = sum(1 for m in members if not (m.group and _has_children(m, rows)))
            lay.label(r.label.official, phys, 0, rowspan=height)
            lay.vertical.add((phys, 0))
            results_until = end
            i += 1
            continue
        left = 1 if i <= results_until else 0
        if children:
            lay.label(r.label.official, phys, left, rowspan=len(children))
            for k, child in enumerate(children):
                lay.label(child.label.official, phys + k, left + 1, colspan=label_cols - left - 1)
                _values(lay, table, child, cols, phys + k, label_cols)
            phys += len(children)
            i += 1 + len(children)
            continue
        lay.label(r.label.official, phys, left, colspan=label_cols - left)
        _values(lay, table, r, cols, phys, label_cols)
        phys += 1
        i += 1
    return lay


def _has_children(row: RowDef, rows: list[RowDef]) -> bool:
    return any(c.key.startswith(row.key + ".") for c in rows)


def _column_headers(lay: TableLayout, cols: tuple[ColumnDef, ...], top: int, left: int, depth: int) -> None:
    i = 0
    while i < len(cols):
        col = cols[i]
        if col.parent:
            members = [c for c in cols[i:] if c.parent == col.parent]
            lay.label(col.parent, top, left + i, colspan=len(members))
            for k, m in enumerate(members):
                lay.label(m.label.official, top + 1, left + i + k, rowspan=depth - 1)
            i += len(members)
        else:
            lay.label(col.label.official, top, left + i, rowspan=depth)
            i += 1


def _values(
    lay: TableLayout, table: TableDef, row: RowDef, cols: tuple[ColumnDef, ...], at: int, left: int
) -> None:
    for j, col in enumerate(cols):
        lay.value(f"{table.id}.{row.key}.{col.key}", at, left + j)


# --- 表四: one flat row under a two-level header ---------------------------------------------------
def _flat_layout(table: TableDef) -> TableLayout:
    lay = TableLayout(table)
    block: BlockDef = table.blocks[0]
    cols = block.value_columns
    n = len(cols)
    lay.header_rows = 3
    col = 0
    rows = list(block.data_rows)
    i = 0
    while i < len(rows):
        r = rows[i]
        if r.parent:
            members = [x for x in rows[i:] if x.parent == r.parent]
            lay.label(r.parent, 0, col, colspan=n * len(members))
            for k, m in enumerate(members):
                lay.label(m.label.official, 1, col + k * n, colspan=n)
                for j, c in enumerate(cols):
                    lay.label(c.label.official, 2, col + k * n + j)
                    lay.value(f"{table.id}.{m.key}.{c.key}", 3, col + k * n + j)
            col += n * len(members)
            i += len(members)
        else:
            lay.label(r.label.official, 0, col, colspan=n)
            for j, c in enumerate(cols):
                lay.label(c.label.official, 1, col + j, rowspan=2)
                lay.value(f"{table.id}.{r.key}.{c.key}", 3, col + j)
            col += n
            i += 1
    return lay
