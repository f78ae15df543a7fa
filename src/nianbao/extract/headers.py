"""Recognising a table's column headers: which printed header names which column of a definition.

Everything comes from the template definition: a column's official label, aliases and variants;
its parent (法人或其他组织 over 商业企业 …); and, for a table printed with its rows as column
groups (表四: 行政复议 | 行政诉讼 › 未经复议直接起诉 / 复议后起诉), the row labels that head groups
of columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from itertools import combinations

from ..templates import ColumnDef, RowDef, TableDef, get_template
from .labels import ALIAS, EXACT, FUZZY, VARIANT
from .normalize import core

_QUALITY_RANK = {EXACT: 3, ALIAS: 3, VARIANT: 2, FUZZY: 1}


@dataclass(frozen=True)
class ColumnMatch:
    block: int
    column: ColumnDef
    quality: str

    @property
    def rank(self) -> int:
        return _QUALITY_RANK[self.quality]


@dataclass(frozen=True)
class GroupMatch:
    """A header naming a row of a table whose rows are printed as column groups (表四)."""

    row: RowDef
    block: int
    quality: str


class HeaderIndex:
    def __init__(self, table: TableDef):
        self.table = table
        self._columns: dict[str, list[ColumnMatch]] = {}
        self._long: list[tuple[str, ColumnMatch]] = []
        self.parents: set[str] = set()
        for b, block in enumerate(table.blocks):
            for col in block.columns:
                forms = [(col.label.official, EXACT)]
                forms += [(a, ALIAS) for a in col.label.aliases]
                forms += [(v, VARIANT) for v in col.label.variants]
                for text, quality in forms:
                    form = core(text)
                    if not form:
                        continue
                    m = ColumnMatch(b, col, quality)
                    bucket = self._columns.setdefault(form, [])
                    if all(x.block != b or x.column.key != col.key for x in bucket):
                        bucket.append(m)
                    if len(form) >= 4:
                        self._long.append((form, m))
                if col.parent:
                    self.parents.add(core(col.parent))
        self._cache: dict[str, tuple[ColumnMatch, ...]] = {}
        self._groups: dict[str, list[GroupMatch]] = {}
        if table.layout == "flat":
            for b, block in enumerate(table.blocks):
                for row in block.data_rows:
                    for text in (row.label.official, *row.label.aliases, *row.label.variants):
                        self._groups.setdefault(core(text), []).append(GroupMatch(row, b, EXACT))
                    if row.parent:
                        self.parents.add(core(row.parent))

    def columns(self, text: str, block: int | None = None) -> list[ColumnMatch]:
        """Columns this header text names (in `block` when given), best first."""
        found = self._columns_of(core(text))
        if block is not None:
            return [m for m in found if m.block == block]
        return list(found)

    def _columns_of(self, form: str) -> tuple[ColumnMatch, ...]:
        # every grid asks about the same few header words, for every definition: answer once
        cached = self._cache.get(form)
        if cached is None:
            found = list(self._columns.get(form, ())) if form else []
            if form and not found and len(form) >= 4:
                found = self._near(form)
            cached = self._cache[form] = tuple(sorted(found, key=lambda m: -m.rank))
            if len(self._cache) > 1 << 14:
                self._cache.clear()
        return cached

    def _near(self, form: str) -> list[ColumnMatch]:
        """A wording that contains or is contained in a long label (处理决定数量 / 本年处理决定数量),
        or a close typo of one."""
        if self._names_two(form):
            return []  # two columns' headers in one cell (「科研机构 社会公益组织」): neither's
        out: list[ColumnMatch] = []
        for label, m in self._long:
            if form in label or label in form:
                shorter, longer = sorted((form, label), key=len)
                if len(shorter) >= 0.6 * len(longer):
                    out.append(ColumnMatch(m.block, m.column, FUZZY))
            elif 0.75 * len(label) <= len(form) <= 1.3 * len(label):
                if SequenceMatcher(None, form, label).ratio() >= 0.8:
                    out.append(ColumnMatch(m.block, m.column, FUZZY))
        return out

    def _names_two(self, form: str) -> bool:
        """Whether `form` holds the words of two different columns side by side."""
        spans: dict[str, tuple[int, int]] = {}
        for label, matches in self._columns.items():
            at = form.find(label) if len(label) >= 2 else -1
            if at >= 0:
                for m in matches:
                    spans.setdefault(m.column.key, (at, at + len(label)))
        return any(a[1] <= b[0] or b[1] <= a[0] for a, b in combinations(spans.values(), 2))

    def group(self, text: str) -> GroupMatch | None:
        """The row a column-group header names: its label, or the longest label inside it
        (行政诉讼（未经复议直接起诉） names 未经复议直接起诉)."""
        if not self._groups:
            return None
        form = core(text)
        found = self._groups.get(form)
        if found:
            return found[0]
        inside = [
            (len(label), m[0]) for label, m in self._groups.items() if len(label) >= 4 and label in form
        ]
        return max(inside, key=lambda t: t[0])[1] if inside else None

    def is_parent(self, text: str) -> bool:
        return core(text) in self.parents

    def is_header_word(self, text: str) -> bool:
        return bool(self.columns(text)) or self.group(text) is not None or self.is_parent(text)


@cache
def header_index(template_id: str, table_id: str) -> HeaderIndex:
    return HeaderIndex(get_template(template_id).table(table_id))


__all__ = ["ColumnMatch", "GroupMatch", "HeaderIndex", "header_index"]
