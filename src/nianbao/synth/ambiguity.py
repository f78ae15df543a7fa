"""Which cells a run-together crawl leaves undetermined.

A crawler that drops every cell boundary turns a 表三 row 2,2,0,0,0,0,4 into `2200004`. A row is
determined when every way of splitting the row's digits into its cells — numbers without
leading zeros, decimals only where the column holds amounts — that satisfies the row's own
arithmetic gives the same values; otherwise all its cells are undetermined. The truth files list the others as `unknown`, as the corpus
gold does for the real crawls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..arithmetic import Relation, all_relations
from ..templates import ColumnDef, Template
from ..writer.data import format_value
from ..writer.layout import layouts

MAX_SOLUTIONS = 2000

_INT = re.compile(r"0|[1-9]\d*")
_DEC = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_SIGNED = re.compile(r"0|-?[1-9]\d*")


def undetermined_cells(tpl: Template, values: dict[str, int | float | None]) -> list[str]:
    """Keys of cells that the row arithmetic cannot pin down once each physical row is run together."""
    unknown: list[str] = []
    rels = [r for r in all_relations(tpl.id) if r.code in ("T3_ROW_TOTAL", "T4_GROUP_TOTAL")]
    for lay in layouts(tpl).values():
        rows: dict[int, list[tuple[int, str]]] = {}
        for key, (row, col, _) in lay.positions.items():
            rows.setdefault(row, []).append((col, key))
        for cells in rows.values():
            keys = [k for _, k in sorted(cells)]
            if any(values.get(k) is None for k in keys):
                continue  # a blank cell is not run together with digits
            text = "".join(format_value(values[k]) for k in keys)
            kinds = [_kind(lay.table_def.column(k)) for k in keys]
            row_rels = [r for r in rels if set(r.keys) <= set(keys)]
            seen: list[tuple[float, ...]] = []
            for split in _splits(text, kinds, keys, row_rels):
                seen.append(split)
                if len(seen) > MAX_SOLUTIONS:
                    break
            if len(seen) > MAX_SOLUTIONS or not seen:
                unknown += keys
                continue
            if len(set(seen)) > 1:
                unknown += keys  # as the corpus gold does: an ambiguous row is undetermined as a whole
    return sorted(unknown)


def _splits(
    text: str, kinds: list[re.Pattern[str]], keys: list[str], rels: list[Relation]
) -> Iterator[tuple[float, ...]]:
    n = len(keys)
    index = {k: i for i, k in enumerate(keys)}
    # check a relation as soon as its last cell is placed
    due: dict[int, list[Relation]] = {}
    for r in rels:
        due.setdefault(max(index[k] for k in r.keys), []).append(r)

    def walk(pos: int, i: int, acc: list[float]) -> Iterator[tuple[float, ...]]:
        if i == n:
            if pos == len(text):
                yield tuple(acc)
            return
        remaining = n - i - 1
        pattern = kinds[i]
        for end in range(pos + 1, len(text) - remaining + 1):
            token = text[pos:end]
            if not pattern.fullmatch(token):
                if token[0] == "0" and token[:2] != "0." and end > pos + 1:
                    break  # a leading zero only grows worse
                continue
            acc.append(float(token))
            if all(_holds(r, acc, index) for r in due.get(i, ())):
                yield from walk(end, i + 1, acc)
            acc.pop()

    yield from walk(0, 0, [])


def _kind(column: ColumnDef) -> re.Pattern[str]:
    return _DEC if column.unit else _SIGNED if column.signed else _INT


def _holds(rel: Relation, acc: list[float], index: dict[str, int]) -> bool:
    left = sum(acc[index[k]] for k in rel.lhs)
    right = sum(acc[index[k]] for k in rel.rhs)
    return abs(left - right) < 1e-6
