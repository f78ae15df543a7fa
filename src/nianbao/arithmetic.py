"""The tables' arithmetic (勾稽关系), derived from the template definition.

One list of linear relations per table serves the validator (T3_ROW_TOTAL, T3_RESULTS_TOTAL,
T3_BALANCE, T4_GROUP_TOTAL), the digit-segmentation solver (which splits run-together numbers
only in ways these relations allow), and the writers (formulas and totals by construction).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .templates import BALANCE_ROLES, TABLE_IDS, Role, TableDef, Template, get_template


@dataclass(frozen=True)
class Relation:
    """sum(lhs) == sum(rhs), over cell keys. `code` is the finding raised when it fails."""

    code: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    where: str  # Chinese description of the place: 表三“（一）予以公开”行

    def holds(self, values: dict[str, float | int | None]) -> bool | None:
        """True/False when every cell has a value; None when a cell is missing (cannot tell)."""
        try:
            left = sum(values[k] for k in self.lhs)  # type: ignore[misc]
            right = sum(values[k] for k in self.rhs)  # type: ignore[misc]
        except (KeyError, TypeError):
            return None
        return abs(left - right) < 1e-6

    def exceeded(self, values: dict[str, float | int | None]) -> tuple[bool, float, float] | None:
        """The relation broken although some of its cells are missing: one side is known in full
        and the known cells of the other already add up to more (the cells are counts, never
        negative) — a 总计 of 0 over a result row of 23 needs no other cell. (whether the known
        side is the left one, its sum, the other side's known sum); None when nothing is proven."""
        for left, whole, part in ((True, self.lhs, self.rhs), (False, self.rhs, self.lhs)):
            known = [values.get(k) for k in whole]
            if any(v is None for v in known):
                continue
            some = [v for v in (values.get(k) for k in part) if v is not None]
            total, partial = sum(known), sum(some)  # type: ignore[arg-type]
            if len(some) < len(part) and partial > total + 1e-6:
                return left, total, partial
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@cache
def relations(template_id: str, table_id: str) -> tuple[Relation, ...]:
    template = get_template(template_id)
    return tuple(_relations(template, template.table(table_id)))


def _relations(template: Template, table: TableDef) -> list[Relation]:
    out: list[Relation] = []
    title = table.title
    for block in table.blocks:
        cols = block.value_columns
        # a column that is the total of other columns, in every data row (表三 总计, 表四 总计)
        for total in (c for c in cols if c.total_of):
            code = "T3_ROW_TOTAL" if table.id == "t3" else "T4_GROUP_TOTAL"
            for row in block.data_rows:
                out.append(
                    Relation(
                        code,
                        (f"{table.id}.{row.key}.{total.key}",),
                        tuple(f"{table.id}.{row.key}.{c}" for c in total.total_of),
                        f"{title}“{row.label.short}”行",
                    )
                )
        # a row that is the total of the result rows (表三 （七）总计), in every column
        for total_row in (r for r in block.data_rows if r.total_of_rows):
            parts = [r for r in block.data_rows if r.result]
            for col in cols:
                out.append(
                    Relation(
                        "T3_RESULTS_TOTAL",
                        (f"{table.id}.{total_row.key}.{col.key}",),
                        tuple(f"{table.id}.{r.key}.{col.key}" for r in parts),
                        f"{title}“{col.label.official}”列",
                    )
                )
    if {row.role for row in table.rows} >= set(BALANCE_ROLES):
        # 一 + 二 = （七）总计 + 四: the relation the template itself prints above the table
        for col in table.blocks[0].value_columns:
            out.append(
                Relation(
                    "T3_BALANCE",
                    (
                        template.role_key(Role.RECEIVED, col.key),
                        template.role_key(Role.CARRIED_OVER, col.key),
                    ),
                    (
                        template.role_key(Role.RESULTS_TOTAL, col.key),
                        template.role_key(Role.CARRIED_FORWARD, col.key),
                    ),
                    f"{title}“{col.label.official}”列",
                )
            )
    return out


def all_relations(template_id: str) -> tuple[Relation, ...]:
    return tuple(r for t in TABLE_IDS for r in relations(template_id, t))
