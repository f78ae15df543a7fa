"""The report templates as data.

`formats.yaml` beside this file is the single definition of both national formats. This module
turns it into small immutable objects that every other stage reads:

    >>> from nianbao.templates import template_for_year
    >>> t = template_for_year(2024)
    >>> t.id, len(t.cell_keys)
    ('2021', 200)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

TABLE_IDS = ("t2", "t3", "t4")


@dataclass(frozen=True)
class Label:
    """An official label plus the other wordings real reports use for it."""

    official: str
    variants: tuple[str, ...] = ()  # accepted, reported as ROW_LABEL_NONSTANDARD
    aliases: tuple[str, ...] = ()  # accepted silently


@dataclass(frozen=True)
class ColumnDef:
    key: str
    label: Label
    parent: str | None = None
    canonical: bool = True
    optional: bool = False
    integer: bool = True
    signed: bool = False
    unit: str | None = None
    total_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowDef:
    key: str
    label: Label
    group: bool = False
    result: bool = False
    parent: str | None = None
    total_of_rows: str | None = None


@dataclass(frozen=True)
class BlockDef:
    heading: str | None
    columns: tuple[ColumnDef, ...]
    rows: tuple[RowDef, ...]

    @property
    def value_columns(self) -> tuple[ColumnDef, ...]:
        return tuple(c for c in self.columns if c.canonical)

    @property
    def data_rows(self) -> tuple[RowDef, ...]:
        return tuple(r for r in self.rows if not r.group)


@dataclass(frozen=True)
class TableDef:
    id: str
    template_id: str
    title: str
    section: str
    layout: str  # "grid": a physical row per template row; "flat": all values in one row
    blocks: tuple[BlockDef, ...]
    anchors: tuple[str, ...] = ()  # printed text that starts the table when its part heading is missing

    def cells(self) -> Iterator[tuple[str, BlockDef, RowDef, ColumnDef]]:
        """Every canonical cell of the table in reading order: (key, block, row, column)."""
        for block in self.blocks:
            for row in block.data_rows:
                for col in block.value_columns:
                    yield f"{self.id}.{row.key}.{col.key}", block, row, col

    @property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(self._cell_index())

    def column(self, key: str) -> ColumnDef:
        return self._cell_index()[key][2]

    def row(self, key: str) -> RowDef:
        return self._cell_index()[key][1]

    def _cell_index(self) -> dict[str, tuple[BlockDef, RowDef, ColumnDef]]:
        index = self.__dict__.get("_index")
        if index is None:
            index = {k: (b, r, c) for k, b, r, c in self.cells()}
            object.__setattr__(self, "_index", index)
        return index


@dataclass(frozen=True)
class SectionDef:
    key: str
    number: str
    title: str
    variants: tuple[str, ...] = ()
    keywords: tuple[tuple[str, ...], ...] = ()  # any conjunction of words identifies the heading


@dataclass(frozen=True)
class Template:
    id: str
    notice: str
    first_year: int
    last_year: int | None
    tables: dict[str, TableDef] = field(hash=False)

    @property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(k for t in self.tables.values() for k in t.cell_keys)

    def table(self, table_id: str) -> TableDef:
        return self.tables[table_id]

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


def _label(raw: dict[str, Any]) -> Label:
    return Label(raw["label"], tuple(raw.get("variants", ())), tuple(raw.get("aliases", ())))


def _flatten(items: list[Any]) -> Iterator[dict[str, Any]]:
    # YAML anchors splice shared row lists in as nested lists
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _column(raw: dict[str, Any], integer_default: bool) -> ColumnDef:
    return ColumnDef(
        key=raw["key"],
        label=_label(raw),
        parent=raw.get("parent"),
        canonical=raw.get("canonical", True),
        optional=raw.get("optional", False),
        integer=raw.get("integer", integer_default and raw.get("unit") is None),
        signed=raw.get("signed", False),
        unit=raw.get("unit"),
        total_of=tuple(raw.get("total_of", ())),
    )


def _row(raw: dict[str, Any]) -> RowDef:
    return RowDef(
        key=raw["key"],
        label=_label(raw),
        group=raw.get("group", False),
        result=raw.get("result", False),
        parent=raw.get("parent"),
        total_of_rows=raw.get("total_of_rows"),
    )


def _table(table_id: str, template_id: str, raw: dict[str, Any]) -> TableDef:
    shared_columns = raw.get("columns")
    blocks = []
    for b in raw["blocks"]:
        cols = b.get("columns", shared_columns)
        blocks.append(
            BlockDef(
                heading=b.get("heading"),
                columns=tuple(_column(c, integer_default=True) for c in cols),
                rows=tuple(_row(r) for r in _flatten(b["rows"])),
            )
        )
    return TableDef(
        id=table_id,
        template_id=template_id,
        title=raw["title"],
        section=raw["section"],
        layout=raw.get("layout", "grid"),
        blocks=tuple(blocks),
        anchors=tuple(raw.get("anchors", ())),
    )


@cache
def _raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("formats.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def templates() -> dict[str, Template]:
    out = {}
    for tid, raw in _raw()["templates"].items():
        first, last = raw["years"]
        out[tid] = Template(
            id=tid,
            notice=raw["notice"],
            first_year=first,
            last_year=last,
            tables={t: _table(t, tid, raw["tables"][t]) for t in TABLE_IDS},
        )
    return out


@cache
def sections() -> tuple[SectionDef, ...]:
    return tuple(
        SectionDef(
            s["key"],
            s["number"],
            s["title"],
            tuple(s.get("variants", ())),
            tuple(tuple(words) for words in s.get("keywords", ())),
        )
        for s in _raw()["sections"]
    )


def get_template(template_id: str | int) -> Template:
    try:
        return templates()[str(template_id)]
    except KeyError:
        raise KeyError(f"unknown template {template_id!r}; known: {', '.join(templates())}") from None


def template_for_year(year: int) -> Template:
    """The template the national notices prescribe for reports about `year`."""
    matching = [t for t in templates().values() if t.covers(year)]
    if not matching:
        # before 2019 there was no national table format; the trial format is the closest
        return min(templates().values(), key=lambda t: t.first_year)
    return max(matching, key=lambda t: t.first_year)


def all_cell_keys() -> set[str]:
    return {k for t in templates().values() for k in t.cell_keys}


__all__ = [
    "TABLE_IDS",
    "BlockDef",
    "ColumnDef",
    "Label",
    "RowDef",
    "SectionDef",
    "TableDef",
    "Template",
    "all_cell_keys",
    "get_template",
    "sections",
    "template_for_year",
    "templates",
]
