"""The report templates as data.

`formats.yaml` beside this file is the single definition of the national formats. This module
turns it into small immutable objects that every other stage reads, so that no code outside this
package names a template id, a row key or a label:

    >>> from nianbao.templates import Role, template_for_year
    >>> t = template_for_year(2024)
    >>> t.id, len(t.cell_keys)
    ('2021', 200)
    >>> t.role_key(Role.RECEIVED)
    't3.new_received.total'
    >>> [g.name for g in t.result_groups][:3]
    ['予以公开', '部分公开', '不予公开']
    >>> t.cell_title("t4.review.total")
    '表四 · 行政复议 · 总计'

More template files (a new year before it is added here) can be given in the environment variable
`NIANBAO_TEMPLATES` (paths separated by `os.pathsep`); call `reload()` after changing it in-process.
"""

from __future__ import annotations

import marshal
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

TABLE_IDS = ("t2", "t3", "t4")
TEMPLATES_ENV = "NIANBAO_TEMPLATES"


class Role(StrEnum):
    """What a 表三 row is for, whatever its key."""

    RECEIVED = "received"  # 一、本年新收
    CARRIED_OVER = "carried_over"  # 二、上年结转
    RESULTS_TOTAL = "results_total"  # （七）总计
    CARRIED_FORWARD = "carried_forward"  # 四、结转下年度继续办理
    OTHER_PROCESSING = "other_processing"  # （六）其他处理, a row (2019) or a group (2021)


# the rows of the balance the template prints above 表三: 一 + 二 = （七） + 四
BALANCE_ROLES = (Role.RECEIVED, Role.CARRIED_OVER, Role.RESULTS_TOTAL, Role.CARRIED_FORWARD)


class ColumnRole(StrEnum):
    APPLICANT = "applicant"  # 表三: one kind of applicant (自然人, 商业企业 …), not a total


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])\s*")
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")


def short_form(label: str) -> str:
    """`（二）部分公开（区分处理的…）` → `（二）部分公开`: the label without its trailing explanation."""
    text = _TRAILING_NOTE.sub("", label)
    return text or label


def bare_name(label: str) -> str:
    """`（二）部分公开（区分处理的…）` → `部分公开`; `1.属于国家秘密` → `属于国家秘密`."""
    return _NUMBERING.sub("", short_form(label)) or label


@dataclass(frozen=True)
class Label:
    """An official label plus the other wordings real reports use for it."""

    official: str
    variants: tuple[str, ...] = ()  # accepted, reported as ROW_LABEL_NONSTANDARD
    aliases: tuple[str, ...] = ()  # accepted silently
    short: str = ""  # as cited in a finding: （二）部分公开
    name: str = ""  # as a chart or a sentence says it: 部分公开

    def __post_init__(self) -> None:
        if not self.short:
            object.__setattr__(self, "short", short_form(self.official))
        if not self.name:
            object.__setattr__(self, "name", bare_name(self.short))


@dataclass(frozen=True)
class ColumnDef:
    """One column of a table definition: its key and printed label."""

    key: str
    label: Label
    parent: str | None = None
    canonical: bool = True
    optional: bool = False
    integer: bool = True
    signed: bool = False
    unit: str | None = None
    total_of: tuple[str, ...] = ()
    role: ColumnRole | None = None
    draft: str | None = None  # the verb of a drafted sentence (表二: 新制作, 制发 …)


@dataclass(frozen=True)
class RowDef:
    """One row of a table definition: its key and printed label."""

    key: str
    label: Label
    group: bool = False
    result: bool = False
    parent: str | None = None
    total_of_rows: str | None = None
    role: Role | None = None


@dataclass(frozen=True)
class ResultGroup:
    """A top-level outcome of 表三 (（一）予以公开 … （六）其他处理) and the result rows it sums."""

    key: str
    short: str
    name: str
    rows: tuple[str, ...]  # row keys of its result rows: itself, or its sub-rows
    role: Role | None = None

    def cell_keys(self, column: str = "total") -> tuple[str, ...]:
        return tuple(f"t3.{r}.{column}" for r in self.rows)


def signed_sum(
    terms: tuple[tuple[str, int], ...], values: Mapping[str, float | int | None]
) -> float | int | None:
    """sum(sign * values[key]); None when a cell is missing or blank."""
    total: float | int = 0
    for key, sign in terms:
        v = values.get(key)
        if v is None:
            return None
        total += sign * v
    return total


@dataclass(frozen=True)
class CrossYearRelation:
    """sum(this year's cells) == sum(last year's cells), signed terms, for one row or column.

    The first `this` term is the cell being checked; `expected()` is the value it should hold.
    """

    code: str
    table: str
    this: tuple[tuple[str, int], ...]  # (cell key, +1 / -1)
    last: tuple[tuple[str, int], ...]

    @property
    def checked(self) -> str:
        return self.this[0][0]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.this + self.last)

    def expected(
        self, this: Mapping[str, float | int | None], last: Mapping[str, float | int | None]
    ) -> float | int | None:
        """The checked cell's value the relation implies; None when a cell is missing."""
        rest = signed_sum(self.this[1:], this)
        before = signed_sum(self.last, last)
        if rest is None or before is None:
            return None
        return (before - rest) * self.this[0][1]


@dataclass(frozen=True)
class BlockDef:
    """A run of rows sharing one set of columns, under an optional heading."""

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
class LowerBound:
    """Within one report: `cell` >= the signed sum of `terms` (表二 现行有效 >= 本年制发 − 本年废止)."""

    cell: str
    terms: tuple[tuple[str, int], ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return (*(k for k, _ in self.terms), self.cell)

    def minimum(self, values: Mapping[str, float | int | None]) -> float | int | None:
        return signed_sum(self.terms, values)


@dataclass(frozen=True)
class TableDef:
    """One table of a template (表二, 表三, 表四): its blocks of rows and columns."""

    id: str
    template_id: str
    title: str
    section: str
    layout: str  # "grid": a physical row per template row; "flat": all values in one row
    blocks: tuple[BlockDef, ...]
    anchors: tuple[str, ...] = ()  # printed text that starts the table when its part heading is missing
    lower_bounds: tuple[LowerBound, ...] = ()
    header: str | None = None  # printed header text (表三 申请人情况, 表二 信息内容)
    note: str | None = None  # printed note (表三's balance, in the corner of its grid)

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

    def block(self, key: str) -> BlockDef:
        return self._cell_index()[key][0]

    def _cell_index(self) -> dict[str, tuple[BlockDef, RowDef, ColumnDef]]:
        index: dict[str, tuple[BlockDef, RowDef, ColumnDef]] | None = self.__dict__.get("_index")
        if index is None:
            index = {k: (b, r, c) for k, b, r, c in self.cells()}
            object.__setattr__(self, "_index", index)
        return index

    @property
    def rows(self) -> tuple[RowDef, ...]:
        return tuple(r for b in self.blocks for r in b.rows)

    @property
    def data_rows(self) -> tuple[RowDef, ...]:
        return tuple(r for b in self.blocks for r in b.data_rows)

    def row_def(self, row_key: str) -> RowDef:
        """A row by its own key (`denied.state_secret`), group rows included."""
        for r in self.rows:
            if r.key == row_key:
                return r
        raise KeyError(f"{self.id}.{row_key}")

    def group_of(self, row: RowDef) -> RowDef | None:
        """The group row (（三）不予公开 …) a sub-row like `denied.state_secret` belongs to."""
        if "." not in row.key:
            return None
        head = row.key.split(".")[0]
        return next((r for r in self.rows if r.key == head and r.group), None)

    @property
    def total_columns(self) -> tuple[ColumnDef, ...]:
        """Columns that are the sum of other columns (表三 总计, 表四 总计)."""
        return tuple(c for b in self.blocks for c in b.value_columns if c.total_of)

    @property
    def result_rows(self) -> tuple[RowDef, ...]:
        return tuple(r for r in self.data_rows if r.result)

    @property
    def caption(self) -> str:
        """The title of the part the table belongs to (主动公开政府信息情况 …)."""
        return next(s.title for s in sections() if s.key == self.section)

    # --- the display labels of a cell, one definition for findings, pages and exports --------
    def row_name(self, key: str) -> str:
        """The row as a finding cites it: （三）不予公开1.属于国家秘密, 行政诉讼·未经复议直接起诉."""
        row = self.row(key)
        label = row.label.short
        group = self.group_of(row)
        if group is not None:
            label = f"{group.label.short}{label}"
        if row.parent:
            label = f"{row.parent}·{label}"
        return label


@dataclass(frozen=True)
class SectionDef:
    """One of the report's six part headings, with its wording variants and key words."""

    key: str
    number: str
    title: str
    variants: tuple[str, ...] = ()
    keywords: tuple[tuple[str, ...], ...] = ()  # any conjunction of words identifies the heading


@dataclass(frozen=True)
class Template:
    """One notice's report format: its tables, and the years it applies to."""

    id: str
    notice: str
    first_year: int
    last_year: int | None
    tables: dict[str, TableDef] = field(hash=False)
    cross_year: tuple[CrossYearRelation, ...] = ()
    overview_max_chars: int | None = None  # the notice's limit on 总体情况, if any
    fee_reported: bool = False  # the notice asks for 信息处理费 in part 六

    @property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(k for t in self.tables.values() for k in t.cell_keys)

    def table(self, table_id: str) -> TableDef:
        return self.tables[table_id]

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    # --- roles ------------------------------------------------------------------------------
    def role_row(self, role: Role | str) -> RowDef:
        """The row that plays `role` (Role.RECEIVED → 一、本年新收…)."""
        for table in self.tables.values():
            for row in table.rows:
                if row.role == role:
                    return row
        raise KeyError(f"template {self.id} has no row for role {role!r}")

    def role_key(self, role: Role | str, column: str | None = None) -> str:
        """The cell key of a role's row in `column` (default: the 总计 column)."""
        row = self.role_row(role)
        table = next(t for t in self.tables.values() if row in t.rows)
        col = column if column is not None else table.total_columns[0].key
        return f"{table.id}.{row.key}.{col}"

    @property
    def applicants(self) -> tuple[ColumnDef, ...]:
        """表三's applicant columns, in printed order (自然人, 商业企业 … 其他)."""
        return tuple(
            c for b in self.table("t3").blocks for c in b.value_columns if c.role == ColumnRole.APPLICANT
        )

    @cached_property
    def result_groups(self) -> tuple[ResultGroup, ...]:
        """表三's top-level outcomes with the result rows each sums, in printed order."""
        t3 = self.table("t3")
        out = []
        for row in t3.rows:
            if "." in row.key:
                continue
            if row.result:
                members: tuple[str, ...] = (row.key,)
            elif row.group:
                members = tuple(r.key for r in t3.result_rows if r.key.startswith(row.key + "."))
                if not members:
                    continue  # 三、本年度办理结果: a heading, not an outcome
            else:
                continue
            out.append(ResultGroup(row.key, row.label.short, row.label.name, members, row.role))
        return tuple(out)

    def result_group(self, role: Role | str) -> ResultGroup:
        for g in self.result_groups:
            if g.role == role:
                return g
        raise KeyError(f"template {self.id} has no result group for role {role!r}")

    def cross_year_for(self, code: str) -> tuple[CrossYearRelation, ...]:
        return tuple(r for r in self.cross_year if r.code == code)

    # --- the display labels of a cell -------------------------------------------------------
    def cell_label(self, key: str) -> str:
        """表三“（一）予以公开”行“自然人”列 — where a cell is, in a finding's words."""
        return _cell_label(self.id, key)

    def cell_place(self, key: str) -> str:
        """The short form used inside lists: （一）予以公开/自然人."""
        return _cell_place(self.id, key)

    def cell_title(self, key: str) -> str:
        """表三 · 一、本年新收政府信息公开申请数量 · 自然人 — a cell as a page heads it."""
        return _cell_title(self.id, key)

    def cell_name(self, key: str) -> str:
        """表四·行政复议·总计 — a cell in a reviewer's short note or a notice."""
        return _cell_name(self.id, key)

    def cell_heading(self, key: str) -> str:
        """表三 （一）予以公开｜自然人 — a cell as a comparison or a spreadsheet column heads it
        (表二's cells name their block: 表二 第二十条第（一）项 规章｜本年制发件数)."""
        return _cell_heading(self.id, key)


@lru_cache(maxsize=8192)
def _cell_label(template_id: str, key: str) -> str:
    table = get_template(template_id).table(key.split(".")[0])
    return f"{table.title}“{table.row_name(key)}”行“{table.column(key).label.official}”列"


@lru_cache(maxsize=8192)
def _cell_place(template_id: str, key: str) -> str:
    table = get_template(template_id).table(key.split(".")[0])
    return f"{table.row_name(key)}/{table.column(key).label.official}"


@lru_cache(maxsize=8192)
def _cell_title(template_id: str, key: str) -> str:
    table = get_template(template_id).table(key.split(".", 1)[0])
    row, col = table.row(key), table.column(key)
    parts = [table.title]
    if row.parent:
        parts.append(row.parent)
    parts.append(row.label.official)
    if col.parent:
        parts.append(col.parent)
    parts.append(col.label.official)
    return " · ".join(parts)


@lru_cache(maxsize=8192)
def _cell_name(template_id: str, key: str) -> str:
    table = get_template(template_id).table(key.split(".", 1)[0])
    column = table.column(key)
    column_name = f"{column.parent}·{column.label.short}" if column.parent else column.label.short
    return f"{table.title}·{table.row_name(key)}·{column_name}"


@lru_cache(maxsize=8192)
def _cell_heading(template_id: str, key: str) -> str:
    table = get_template(template_id).table(key.split(".", 1)[0])
    block, row, col = table.block(key), table.row(key), table.column(key)
    head = f"{block.heading} " if block.heading else ""
    parent = f"{col.parent}·" if col.parent else ""
    return f"{table.title} {head}{row.label.short}｜{parent}{col.label.official}"


def _label(raw: dict[str, Any]) -> Label:
    return Label(
        raw["label"],
        tuple(raw.get("variants", ())),
        tuple(raw.get("aliases", ())),
        raw.get("short", ""),
        raw.get("name", ""),
    )


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
        role=ColumnRole(raw["role"]) if raw.get("role") else None,
        draft=raw.get("draft"),
    )


def _row(raw: dict[str, Any]) -> RowDef:
    return RowDef(
        key=raw["key"],
        label=_label(raw),
        group=raw.get("group", False),
        result=raw.get("result", False),
        parent=raw.get("parent"),
        total_of_rows=raw.get("total_of_rows"),
        role=Role(raw["role"]) if raw.get("role") else None,
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
    bounds = []
    for bound in raw.get("at_least", ()):
        terms = _terms(bound["sum"])
        for block in blocks:
            have = {c.key for c in block.value_columns}
            if bound["column"] in have and all(k in have for k, _ in terms):
                for row in block.data_rows:
                    prefix = f"{table_id}.{row.key}."
                    bounds.append(
                        LowerBound(prefix + bound["column"], tuple((prefix + k, sign) for k, sign in terms))
                    )
    return TableDef(
        id=table_id,
        template_id=template_id,
        title=raw["title"],
        section=raw["section"],
        layout=raw.get("layout", "grid"),
        blocks=tuple(blocks),
        anchors=tuple(raw.get("anchors", ())),
        lower_bounds=tuple(bounds),
        header=raw.get("header"),
        note=raw.get("note"),
    )


def _terms(words: list[str]) -> tuple[tuple[str, int], ...]:
    return tuple((w[1:], -1) if w.startswith("-") else (w.lstrip("+"), 1) for w in words)


def _cross_year(raw: list[dict[str, Any]], tables: dict[str, TableDef]) -> tuple[CrossYearRelation, ...]:
    out = []
    for rel in raw:
        table = tables[rel["table"]]
        this, last = _terms(rel["this"]), _terms(rel["last"])
        keys = set(table.cell_keys)
        if rel["each"] == "column":  # terms are rows, repeated in every column
            lines = [(f"{table.id}.{{}}.{c.key}", c.key) for c in table.blocks[0].value_columns]
        else:  # terms are columns, repeated in every row that has them all
            lines = [(f"{table.id}.{r.key}.{{}}", r.key) for r in table.data_rows]
        for pattern, _ in lines:
            t = tuple((pattern.format(k), s) for k, s in this)
            la = tuple((pattern.format(k), s) for k, s in last)
            if all(k in keys for k, _ in t + la):
                out.append(CrossYearRelation(rel["code"], table.id, t, la))
    return tuple(out)


def _formats_files() -> list[Path]:
    extra = os.environ.get(TEMPLATES_ENV, "")
    return [Path(p) for p in extra.split(os.pathsep) if p]


def _load_yaml(path: Path | Any) -> Any:
    """A YAML file's data, from its compiled form when that is current.

    The compiled form (marshal) lives next to the file in `__pycache__/` and holds the YAML's
    bytes with the data: it is used only when those bytes are the file's, so an edited (or
    replaced, or reverted) file is compiled again and never read stale. It is written on first use
    and skipped where the folder is read-only. Reading it costs a tenth of a millisecond and no
    import of the YAML parser (which, with parsing, was most of a command's start-up).
    """
    data = path.read_bytes()
    cached = Path(str(path)).parent / "__pycache__" / f"{path.name}.marshal"
    try:
        source, out = marshal.loads(cached.read_bytes())
        if source == data:
            return out
    except (OSError, ValueError, EOFError, TypeError):
        pass
    out = _parse_yaml(data)
    try:
        blob = marshal.dumps((data, out))
        cached.parent.mkdir(exist_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, cached)
    except (OSError, ValueError):  # read-only install, or data marshal cannot hold
        pass
    return out


def _parse_yaml(data: bytes) -> Any:
    import yaml

    # libyaml's parser when PyYAML has it (ten times faster; the same data: the constructors
    # and resolvers are the same Python code)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(data.decode("utf-8"), Loader=loader)


def _packaged(name: str) -> Any:
    """A definition file of this package: the file beside this module, or the resource when the
    package is not a folder (importing `importlib.resources` costs a command's start-up ~5 ms)."""
    here = Path(__file__).with_name(name)
    if here.is_file():
        return here
    from importlib import resources

    return resources.files(__package__).joinpath(name)


@cache
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = _load_yaml(_packaged("formats.yaml"))
    for path in _formats_files():
        more = _load_yaml(path) or {}
        data["templates"] = {**data["templates"], **more.get("templates", {})}
    return data


@cache
def templates() -> dict[str, Template]:
    out = {}
    for tid, raw in _raw()["templates"].items():
        tid = str(tid)
        first, last = raw["years"]
        tables = {t: _table(t, tid, raw["tables"][t]) for t in TABLE_IDS}
        out[tid] = Template(
            id=tid,
            notice=raw["notice"],
            first_year=first,
            last_year=last,
            tables=tables,
            cross_year=_cross_year(raw.get("cross_year", ()), tables),
            overview_max_chars=raw.get("requires", {}).get("overview_max_chars"),
            fee_reported=bool(raw.get("requires", {}).get("fee_reported", False)),
        )
    return out


def reload() -> None:
    """Read the definitions again (after `NIANBAO_TEMPLATES` changed in this process)."""
    for fn in (
        _raw,
        templates,
        sections,
        _blank_markers,
        _cell_label,
        _cell_place,
        _cell_title,
        _cell_heading,
        _cell_name,
        table_title,
        ledger_words,
    ):
        fn.cache_clear()


@cache
def table_title(table_id: str) -> str:
    """表二 / 表三 / 表四: the same in every template (a table without a template still has a name)."""
    titles = {t.table(table_id).title for t in templates().values()}
    return min(titles)


# --- blank cells ------------------------------------------------------------------------------
_DASH_RUN = re.compile(r"^[-/\\*×.。…—–―─]+$")
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_MINUS = str.maketrans({"−": "-", "－": "-", "＋": "+"})


@cache
def _blank_markers() -> frozenset[str]:
    return frozenset(_compact(m) for m in _raw()["blank_markers"])


def _compact(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).translate(_MINUS)


def blank_markers() -> frozenset[str]:
    """What a value cell may print to mean "nothing here" (normalised; see `is_blank_marker`)."""
    return _blank_markers()


def is_blank_marker(raw: str) -> bool:
    """True for a printed cell that means blank: nothing, `/`, `—`, `无`, `暂无` … (the one definition)."""
    text = _compact(raw)
    return text in _blank_markers() or bool(_DASH_RUN.match(text))


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


@dataclass(frozen=True)
class LedgerWords:
    """The ledger vocabulary of `ledger.yaml`: template key -> the short forms staff write."""

    applicants: dict[str, tuple[str, ...]]
    results: dict[str, tuple[str, ...]]  # by the last part of a 表三 result row key
    open_markers: frozenset[str]
    headers: dict[str, tuple[str, ...]]
    case_headers: dict[str, tuple[str, ...]]
    case_kinds: dict[str, tuple[str, ...]]
    case_results: dict[str, tuple[str, ...]]
    case_pending: str


@cache
def ledger_words() -> LedgerWords:
    raw = _load_yaml(_packaged("ledger.yaml"))

    def words(name: str) -> dict[str, tuple[str, ...]]:
        return {str(k): tuple(v) for k, v in raw[name].items()}

    return LedgerWords(
        applicants=words("applicants"),
        results=words("results"),
        open_markers=frozenset(raw["open_markers"]),
        headers=words("headers"),
        case_headers=words("case_headers"),
        case_kinds=words("case_kinds"),
        case_results=words("case_results"),
        case_pending=raw["case_pending"],
    )


def latest_template() -> Template:
    """The template in force now: the fallback when neither a report's tables nor its year tell."""
    return max(templates().values(), key=lambda t: t.first_year)


def template_of(template_id: str | None = None, year: int | None = None) -> Template:
    """The template by id when known, else the one `year` prescribes, else the latest."""
    if template_id:
        return get_template(template_id)
    return template_for_year(year) if year else latest_template()


def all_cell_keys() -> set[str]:
    return {k for t in templates().values() for k in t.cell_keys}


__all__ = [
    "TABLE_IDS",
    "TEMPLATES_ENV",
    "BALANCE_ROLES",
    "BlockDef",
    "ColumnDef",
    "ColumnRole",
    "CrossYearRelation",
    "Label",
    "LowerBound",
    "ResultGroup",
    "Role",
    "RowDef",
    "SectionDef",
    "TableDef",
    "Template",
    "all_cell_keys",
    "bare_name",
    "blank_markers",
    "get_template",
    "is_blank_marker",
    "latest_template",
    "ledger_words",
    "LedgerWords",
    "reload",
    "sections",
    "short_form",
    "table_title",
    "template_for_year",
    "template_of",
    "templates",
]
