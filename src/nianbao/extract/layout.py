"""Tables laid out by position in plain text: `pdftotext -layout` and other fixed-width dumps.

The token walk reads a row as its label followed by its values. In text laid out by position
that is not enough:

- a row printed with blank cells shows fewer numbers than it has columns; only their character
  columns tell which cells they are;
- a wrapped label's numbers stand on a line of their own, between its two halves or above its
  first one, so the line a number is on does not say whose it is;
- a number too wide for its cell wraps: its digits stand above and below the label's line.

Here every line's numbers are placed by their character columns: against a line of the same
table that prints a number in every column (the nearest one above and below), or against the
column headers (their words' positions, a header broken over lines joined first). A line of
numbers without a label goes to the row whose label stands around it. Whatever cannot be told —
a number between two columns, two rows that could own a line, models that disagree, digits
joined across lines that break the row's total — is reported with the numbers and their place,
never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from ..arithmetic import relations
from ..document import Provenance, display_width, is_wide
from .headers import HeaderIndex, header_index
from .normalize import core, has_cjk, squash
from .numbers import parse_number
from .tokens import CELL, PAGE, PIECE, Token

if TYPE_CHECKING:
    from ..templates import ColumnDef, TableDef
    from .tables import RowRead, TableRead

_DIGIT_RE = re.compile(r"\d")
# a table is laid out by position when most of its lines with numbers are (runs of spaces)
_MIN_LINES = 3
_MIN_SHARE = 0.6
_HEADER_MAX_CHARS = 12


@dataclass
class Problem:
    """Cells the layout cannot decide, the numbers concerned and why."""

    keys: list[str]
    tokens: list[Token]
    reason: str


@dataclass
class Joined:
    """A number whose digits wrapped over lines in its cell, joined by column."""

    key: str
    pieces: list[Token]


@dataclass
class Layout:
    problems: list[Problem] = field(default_factory=list)
    joined: list[Joined] = field(default_factory=list)
    unplaced: list[tuple[Token, str]] = field(default_factory=list)


def _line(tok: Token) -> int | None:
    return tok.prov.line


_ITEM_NUMBER_RE = re.compile(r"^(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十]{1,2}[)）]?)$")


def _center(tok: Token) -> float:
    start, end = _span(tok)
    return start + (end - start - 1) / 2


# Where a token stands: its character column, or its display column where the text counts a CJK
# character as two columns (text browsers, inscriptis, html2text) — `relayout` decides which
_WIDE_BEFORE: ContextVar[dict[int, int] | None] = ContextVar("wide_before", default=None)


def _offset(tok: Token) -> int:
    wide = _WIDE_BEFORE.get()
    return (tok.prov.offset or 0) + (wide.get(id(tok), 0) if wide else 0)


def _width(text: str) -> int:
    return len(text) if _WIDE_BEFORE.get() is None else display_width(text)


def _span(tok: Token) -> tuple[int, int]:
    start = _offset(tok) + _width(tok.text) - _width(tok.text.lstrip())
    return start, start + _width(tok.text.strip())


def _display_columns(span: list[Token]) -> dict[int, int]:
    """For each token, the wide characters before it on its line (its display column minus its
    character column)."""
    by_line: dict[int, list[Token]] = {}
    for t in span:
        if t.prov.line is not None and t.prov.offset is not None:
            by_line.setdefault(t.prov.line, []).append(t)
    out: dict[int, int] = {}
    for toks in by_line.values():
        wide = 0
        for t in sorted(toks, key=lambda x: x.prov.offset or 0):
            out[id(t)] = wide
            wide += sum(1 for ch in t.text if is_wide(ch))
    return out


def _under_words(span: list[Token], is_value) -> int:
    """Numbers whose left or right edge is a header word's (a table whose numbers stand on one
    line, 表四, lines up with nothing but its headers)."""
    lefts, rights = set(), set()
    for t in span:
        if t.prov.offset is not None and not is_value(t) and has_cjk(t.text):
            left, right = _span(t)
            lefts.add(left)
            rights.add(right)
    return sum(
        1
        for t in span
        if t.prov.offset is not None
        and is_value(t)
        and not t.empty
        and (_span(t)[0] in lefts or _span(t)[1] in rights)
    )


def _coincidences(span: list[Token], is_value) -> int:
    """Pairs of numbers on different lines that stand on one position: how well the positions
    as measured line up into columns."""
    centers: dict[int, list[float]] = {}
    for t in span:
        if t.prov.line is not None and t.prov.offset is not None and is_value(t) and not t.empty:
            centers.setdefault(t.prov.line, []).append(_center(t))
    seen: list[float] = []
    hits = 0
    for xs in centers.values():
        hits += sum(1 for x in xs for y in seen if abs(x - y) <= 0.5)
        seen.extend(xs)
    return hits


def laid_out(tokens: list[Token], is_value, min_lines: int = _MIN_LINES) -> bool:
    """Whether the lines of this stretch that carry numbers are laid out by position."""
    lines: dict[int, bool] = {}
    for t in tokens:
        line = _line(t)
        if line is None or t.kind == CELL or t.prov.offset is None:
            if t.kind == CELL and not t.empty:
                return False  # a grid's cells, or tab-separated ones: not positions
            continue
        if is_value(t) and _DIGIT_RE.search(t.text):
            lines[line] = lines.get(line, False) or t.apart
    if len(lines) < min_lines:
        return False
    return sum(lines.values()) >= _MIN_SHARE * len(lines)


# --- column models ----------------------------------------------------------------------------


@dataclass
class _Model:
    positions: list[float | None]
    source: str  # "row" (a line printing every column) or "header"
    tokens: list[Token] | None = None  # the numbers of the line printing every column
    page: int = 0  # the page (counted by page-number lines) whose positions these are
    spans: list[tuple[int, int] | None] | None = None  # the header words' own extents
    # numbers the header words cannot place with certainty (`_header_doubts`)
    doubted: set[int] = field(default_factory=set)
    misordered: bool = False  # header words name columns out of the template's order

    def under(self, j: int, tok: Token) -> bool:
        """The number stands right under column j's position: centred on it, or on the header
        word's left or right edge (a dump that left-aligns its cells)."""
        p = self.positions[j]
        if p is None:
            return False
        return abs(_center(tok) - p) <= _ON_GRID or self._on_edge(tok, j)

    def tolerances(self) -> list[float]:
        known = [(i, p) for i, p in enumerate(self.positions) if p is not None]
        out = [0.0] * len(self.positions)
        for k, (i, p) in enumerate(known):
            gaps = []
            if k > 0:
                j, q = known[k - 1]
                gaps.append((p - q) / (i - j))
            if k + 1 < len(known):
                j, q = known[k + 1]
                gaps.append((q - p) / (j - i))
            out[i] = 0.45 * min(gaps) if gaps else 3.0
        return out

    def place(self, xs: list[float], toks: list[Token] | None = None) -> list[int] | None:
        """The column of each x, left to right, or None when any is not certain. With the
        numbers' tokens, a number on a header word's left or right edge fits its column too."""
        pos, tol = self.positions, self.tolerances()
        n = len(pos)
        known = [i for i in range(n) if pos[i] is not None]
        if len(known) < 2:
            return None
        out: list[int] = []
        last = -1
        edge = toks is not None and self.spans is not None
        for k, x in enumerate(xs):
            cands = [
                j
                for j in range(last + 1, n)
                if self._fits(x, j, pos, tol) or (edge and self._on_edge(toks[k], j))  # type: ignore[index]
            ]
            if len(cands) != 1:
                return None
            last = cands[0]
            out.append(last)
        return out

    def _on_edge(self, tok: Token, j: int) -> bool:
        span = self.spans[j] if self.spans else None
        if span is None:
            return False
        left, right = _span(tok)
        return left == span[0] or right == span[1]

    @staticmethod
    def _fits(x: float, j: int, pos: list[float | None], tol: list[float]) -> bool:
        p = pos[j]
        if p is not None:
            return abs(x - p) <= tol[j]
        # a column whose header was not found: between the neighbours that were, clear of them
        left = next(((pos[i], tol[i]) for i in range(j - 1, -1, -1) if pos[i] is not None), None)
        right = next(((pos[i], tol[i]) for i in range(j + 1, len(pos)) if pos[i] is not None), None)
        if left is not None and x <= left[0] + left[1]:  # type: ignore[operator]
            return False
        if right is not None and x >= right[0] - right[1]:  # type: ignore[operator]
            return False
        return left is not None or right is not None


def _optional_named(
    hidx: HeaderIndex, tokens: list[Token], columns: Sequence[ColumnDef], extra: list[str]
) -> list[str]:
    """Optional columns (小计) that the header words name, in their joined form, where the
    walk has not seen them already: without them a row's numbers outnumber its columns."""
    optional = [c for c in columns if not c.canonical and core(c.label.official) not in extra]
    if not optional:
        return []
    model = _header_model(hidx, tokens, list(columns), 1)
    return [
        core(c.label.official)
        for c, p in zip(columns, model.positions, strict=True)
        if c in optional and p is not None
    ]


def _header_model(hidx: HeaderIndex, tokens: list[Token], columns: list[ColumnDef], repeat: int) -> _Model:
    """Column positions from the header words above the rows. A header broken over lines (自然 /
    人, 社会 / 公益 / 组织) is joined by position first; words naming a parent (法人或其他组织) or a
    group of columns (行政诉讼) span several columns and place none."""
    stacks: list[tuple[list[str], int, int, int]] = []  # words, start, end, last line
    leaves: list[tuple[float, str, int, int]] = []  # centre, column key, start, end
    tid, table_id = hidx.table.template_id, hidx.table.id
    starts = _label_prefixes(tid, table_id)
    for text, start, end, line in _header_words(tokens, tid, table_id):
        key = _leaf(tid, table_id, text)
        if key is not None:
            leaves.append(((start + end - 1) / 2, key, start, end))
            continue
        if _spanning(tid, table_id, text):
            continue
        for k, (words, s, e, last) in enumerate(stacks):
            joined = "".join(words) + text
            if s < end and start < e and 0 < line - last <= 2 and core(joined) in starts:
                words.append(text)
                stacks[k] = (words, min(s, start), max(e, end), line)
                break
        else:
            if core(text) in starts:  # only the start of a column's label opens a stack
                stacks.append(([text], start, end, line))
    for words, s, e, _ in stacks:
        key = _leaf(tid, table_id, "".join(words))
        if key is not None:
            leaves.append(((s + e - 1) / 2, key, s, e))
    leaves.sort()
    expected = [c.key for c in columns] * repeat
    if _overlapping(leaves):
        # two columns' headers over the same characters: the text does not keep the page's
        # columns (a converter that lost the header's spans), so no header word places a number
        return _Model([None] * len(expected), "header")
    positions: list[float | None] = [None] * len(expected)
    spans: list[tuple[int, int] | None] = [None] * len(expected)
    found = [k for _, k, _, _ in leaves]
    # the longest run of header words in the order of the columns (a word the layout moved out
    # of its place — 总计 printed beside its parent's header, not over its column — is dropped,
    # its column left without a position)
    pairs = _common_order(found, expected)
    misordered = repeat == 1 and len(pairs) < len(found) - 1
    if misordered and sorted(found) == sorted(expected):
        # every column named once and two or more out of the template's order: the header is
        # the columns' order (a table printed with its columns rearranged)
        pairs, misordered = [(i, expected.index(k)) for i, k in enumerate(found)], False
    for i, j in pairs:
        positions[j] = leaves[i][0]
        spans[j] = (leaves[i][2], leaves[i][3])
    return _Model(positions, "header", spans=spans, misordered=misordered)


_WORD_RE = re.compile(r"\S+")


def _header_words(tokens: list[Token], tid: str, table_id: str) -> Iterator[tuple[str, int, int, int]]:
    """(text, start, end, line) of the header band's words. A token that is no header word as a
    whole is split at single spaces: a dump that sets columns one space apart (w3m) prints
    「商业 科研 社会公」 as one run of text."""
    run_together = _run_together(tokens)
    for t in tokens:
        text = t.text.strip()
        if not text or not has_cjk(text) or t.prov.offset is None:
            continue
        if id(t) in run_together:
            # a word cut out of run-together header text (商业企业科研机构…): its character
            # offset is not where the page prints it (a CJK character is wider than a digit)
            continue
        start, end = _span(t)
        line = _line(t) or 0
        if " " not in text or _leaf(tid, table_id, text) is not None or _spanning(tid, table_id, text):
            if len(text) <= _HEADER_MAX_CHARS:
                yield text, start, end, line
            continue
        for m in _WORD_RE.finditer(text):
            word = m.group()
            if has_cjk(word) and len(word) <= _HEADER_MAX_CHARS:
                at = start + _width(text[: m.start()])
                yield word, at, at + _width(word), line


def _run_together(tokens: list[Token]) -> set[int]:
    """The pieces cut out of header text with no space between them (商业企业科研机构…); pieces a
    space apart (「商业企业 科研机构」, a dump that sets columns one space apart) are words."""
    by_line: dict[int, list[Token]] = {}
    for t in tokens:
        if t.kind == PIECE and t.prov.offset is not None:
            by_line.setdefault(_line(t) or 0, []).append(t)
    out: set[int] = set()
    for pieces in by_line.values():
        pieces.sort(key=lambda t: t.prov.offset or 0)
        for a, b in zip(pieces, pieces[1:], strict=False):
            if (b.prov.offset or 0) <= (a.prov.offset or 0) + len(a.text.rstrip()):
                out.update((id(a), id(b)))
    return out


def _overlapping(leaves: list[tuple[float, str, int, int]]) -> bool:
    """Header words of different columns that share a character position."""
    return any(
        a[1] != b[1] and a[2] < b[3] and b[2] < a[3] for n, a in enumerate(leaves) for b in leaves[n + 1 :]
    )


@lru_cache(maxsize=1 << 12)
def _leaf(template_id: str, table_id: str, text: str) -> str | None:
    """The column this header text names in the definition's own words, if any."""
    named = header_index(template_id, table_id).columns(text)
    return named[0].column.key if named and named[0].rank >= 3 else None


@lru_cache(maxsize=64)
def _label_prefixes(template_id: str, table_id: str) -> frozenset[str]:
    """Every beginning of a column label's wordings (科, 科研, 科研机 …), for joining a header
    broken over lines."""
    out: set[str] = set()
    for block in header_index(template_id, table_id).table.blocks:
        for col in block.columns:
            for text in (col.label.official, *col.label.aliases, *col.label.variants):
                form = core(text)
                out.update(form[:i] for i in range(1, len(form) + 1))
    return frozenset(out)


@lru_cache(maxsize=1 << 12)
def _spanning(template_id: str, table_id: str, text: str) -> bool:
    """A header over several columns: a parent (法人或其他组织) or a group of columns (行政诉讼)."""
    index = header_index(template_id, table_id)
    return index.is_parent(text) or index.group(text) is not None


def _common_order(found: list[str], expected: list[str]) -> list[tuple[int, int]]:
    n, m = len(found), len(expected)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if found[i] == expected[j]:
                best[i][j] = 1 + best[i + 1][j + 1]
            else:
                best[i][j] = max(best[i + 1][j], best[i][j + 1])
    out = []
    i = j = 0
    while i < n and j < m:
        if found[i] == expected[j]:
            out.append((i, j))
            i += 1
            j += 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


# --- the rows ---------------------------------------------------------------------------------


@dataclass
class _Owner:
    """A row of the table on the page: its label's lines and the numbers placed so far."""

    row: RowRead | None  # None: the flat table's single row
    keys: list[str]
    columns: list[ColumnDef]
    line: int  # the label's (first) line
    span: tuple[int, int]
    own: set[int] = field(default_factory=set)  # columns printed on its label's line
    slots: dict[int, list[Token]] = field(default_factory=dict)
    tails: list[int] = field(default_factory=list)  # lines continuing its label
    printed: bool = False  # numbers stand on its label's line (placed or not)
    borrowed: set[int] = field(default_factory=set)  # columns filled from a line of numbers alone
    doubtful: bool = False
    # the columns in the order the header prints them (template indexes), when not the template's;
    # keys and columns are then in that order, and the values go back to the template's at the end
    order: list[int] | None = None
    unordered: bool = False  # the header names some columns out of order and not all of them


def relayout(read: TableRead, tokens: list[Token], is_value) -> Layout | None:
    """Re-read a table laid out by position; None when it is not."""
    table = read.table
    span = tokens[read.start :] if read.start is not None else []
    if not span or not laid_out(span, is_value, 1 if table.layout == "flat" else _MIN_LINES):
        return None
    out = Layout()
    hidx = header_index(table.template_id, table.id)
    wide = _display_columns(span)
    # display columns when they line the numbers up better than character columns do
    token = _WIDE_BEFORE.set(wide) if any(wide.values()) else None
    if token is not None:
        display = (_coincidences(span, is_value), _under_words(span, is_value))
        _WIDE_BEFORE.reset(token)
        chars = (_coincidences(span, is_value), _under_words(span, is_value))
        token = _WIDE_BEFORE.set(wide) if display > chars else None
    try:
        if table.layout == "flat":
            _relayout_flat(read, span, is_value, hidx, out)
        else:
            _relayout_rows(read, span, is_value, hidx, out)
    finally:
        if token is not None:
            _WIDE_BEFORE.reset(token)
    return out


def _keys(table: TableDef, row: RowRead, extra: list[str]) -> tuple[list[str], list[ColumnDef]]:
    cols = [c for c in row.block.columns if c.canonical or core(c.label.official) in extra]
    return [f"{table.id}.{row.row.key}.{c.key}" for c in cols], cols


def _relayout_rows(read: TableRead, span: list[Token], is_value, hidx: HeaderIndex, out: Layout) -> None:
    table = read.table
    label_of = {id(r.label): r for r in read.rows if r.label is not None}
    heading_lines = {_line(t) for t in read.heading_tokens}
    # lines in order: what stands on each
    lines: dict[int, list[Token]] = {}
    for t in span:
        if _line(t) is not None:
            lines.setdefault(_line(t), []).append(t)  # type: ignore[arg-type]
    breaks = sorted(_line(t) or 0 for t in span if t.kind == PAGE)
    owners: list[_Owner] = []
    owner_at: dict[int, _Owner] = {}
    for no in sorted(lines):
        for t in lines[no]:
            r = label_of.get(id(t))
            if r is not None:
                keys, cols = _keys(table, r, read.extra_columns)
                o = _Owner(r, keys, cols, no, _span(t))
                owners.append(o)
                owner_at[no] = o
    if not owners:
        return
    # header words of each block: the lines before its first row, after its heading
    models_by_block: dict[int, _Model] = {}
    first_line: dict[int, int] = {}
    for o in owners:
        b = id(o.row.block)  # type: ignore[union-attr]
        first_line.setdefault(b, o.line)
    for o in owners:
        b = id(o.row.block)  # type: ignore[union-attr]
        if b in models_by_block:
            continue
        top = max((h for h in heading_lines if h is not None and h < first_line[b]), default=-1)
        head = [t for no in sorted(lines) if top < no < first_line[b] for t in lines[no] if not is_value(t)]
        named = _optional_named(hidx, head, o.row.block.columns, read.extra_columns)  # type: ignore[union-attr]
        if named:
            # a header broken over lines (小 / 计) names an optional column the walk did not see
            read.extra_columns.extend(named)
            for other in owners:
                if other.row is not None and id(other.row.block) == b:
                    other.keys, other.columns = _keys(table, other.row, read.extra_columns)
        models_by_block[b] = _header_model(hidx, head, o.columns, 1)
        models_by_block[b].page = _page(breaks, first_line[b])
    for b, model in models_by_block.items():
        _follow_header_order(model, [o for o in owners if id(o.row.block) == b])  # type: ignore[union-attr]
    # numbers of each line placed on the columns: first the lines of the labels, then the lines
    # of numbers alone, which go to a row whose label stands around them
    order = sorted(lines)
    numbers = {no: [t for t in lines[no] if is_value(t) and not t.empty] for no in order}
    numbers = {no: vals for no, vals in numbers.items() if vals}
    for b, model in models_by_block.items():
        block_lines = [o.line for o in owners if id(o.row.block) == b]  # type: ignore[union-attr]
        lo, hi = min(block_lines), max(block_lines) + 2
        model.doubted = _header_doubts(
            model, [t for no, vals in numbers.items() if lo <= no <= hi for t in vals]
        )
    # tails: lines of words continuing a label, under it and overlapping it
    for no in order:
        if no in owner_at or no in heading_lines:
            continue
        above = [o for o in owners if o.line < no]
        if not above:
            continue
        o = above[-1]
        item_at = _item_column(o, lines[o.line])
        if any(_ITEM_NUMBER_RE.match(t.text) and _span(t)[0] >= item_at - 1 for t in lines[no]):
            # 「8.  属于行政查…」: a line that numbers an item in the label's column starts a label,
            # it continues none; a group label's piece left of it (（六 / ）其) does not
            continue
        if any(not is_value(t) and _continues(t, o) for t in lines[no]):
            o.tails.append(no)
    value_lines = sorted(numbers)
    alone = []
    for no in value_lines:
        vals = numbers[no]
        own = owner_at.get(no)
        if own is None:
            alone.append((no, vals))
            continue
        own.printed = True
        cols = _place_line(vals, own, no, owners, numbers, models_by_block, breaks)
        if cols is None:
            own.doubtful = True
            out.problems.append(Problem(own.keys, vals, f"“{_label(own)}”行的数字无法按列位置确定所属栏目"))
            continue
        for c, t in cols:
            own.slots.setdefault(c, []).append(t)
            own.own.add(c)
    _doubt_complements(owners, out)
    numbered = set(value_lines)
    for no, vals in alone:
        if _unknown_label(lines[no], no, owners, is_value):
            # words on the line that continue no label: the row of a label not recognised
            out.unplaced.extend((t, "这一行的栏目名称无法识别，无法确定数字所属的行") for t in vals)
            continue
        candidates = _candidates(no, owners, heading_lines, numbered)
        if not candidates:
            out.unplaced.extend((t, "这些数字不在本表任何一行的栏目名称旁") for t in vals)
            continue
        stacked = _stacked_rows(no, vals, numbers, owners, owner_at)
        if stacked:
            _unowned(
                out,
                stacked,
                vals,
                "数字逐个竖排在几个栏目名称之下（几行的数字叠在一起），无法确定各属于哪一行",
            )
            continue
        placements = {
            id(o): _place_line(vals, o, no, owners, numbers, models_by_block, breaks) for o in candidates
        }
        owner = _owner_of(no, placements, candidates)
        if owner is None:
            _unowned(out, candidates, vals, "这一行数字没有栏目名称，可能属于上一行或下一行，无法确定")
            continue
        cols = placements[id(owner)]
        if cols is None:
            _unowned(out, [owner], vals, "这一行数字无法按列位置确定所属栏目")
            continue
        for c, t in cols:
            owner.slots.setdefault(c, []).append(t)
            if owner.own:
                owner.borrowed.add(c)
    for o in owners:
        _settle(read, o, out)


def _item_column(o: _Owner, line: list[Token]) -> int:
    """Where the row's item number stands: its own token just left of the label (「8.」 set apart
    from 「属于行政查」), or the label's start when the number is part of it."""
    before = [_span(t)[0] for t in line if _ITEM_NUMBER_RE.match(t.text) and _span(t)[1] <= o.span[0] + 1]
    return max(before, default=o.span[0])


def _continues(t: Token, o: _Owner) -> bool:
    """A piece of words that starts under the label's extent. A token holding single spaces is
    looked at word by word: a label's wrapped tail printed one space after a group label's
    piece (「（五）不 物」, weasyprint) starts under the label though the token does not."""
    if not has_cjk(t.text):
        return False
    start, _end = _span(t)
    text = t.text.strip()
    for m in _WORD_RE.finditer(text):
        at = start + _width(text[: m.start()])
        if has_cjk(m.group()) and o.span[0] - 1 <= at < o.span[1] + 1:
            return True
    return False


def _label(o: _Owner) -> str:
    if o.row is None:
        return "表四"
    label = o.row.row.label.official
    return label if len(label) <= 16 else label[:15] + "…"


def _nearest(owners: list[_Owner], no: int) -> _Owner | None:
    above = [o for o in owners if o.line <= no]
    return above[-1] if above else (owners[0] if owners else None)


_ON_GRID = 1.5  # how far a number may stand from a number of another line in its column


def _follow_header_order(model: _Model, owners: list[_Owner]) -> None:
    """A header naming every column in another order than the template's (a table printed with
    its columns rearranged): the block's rows are read in the printed order. Naming only some,
    out of order: nothing of the block can be placed by position — a line printing every column
    would otherwise go to the columns in the template's order, silently wrong."""
    pos = model.positions
    known = [p for p in pos if p is not None]
    if known == sorted(known) and not model.misordered:
        return
    if len(known) < len(pos):
        for o in owners:
            o.unordered = True
        return
    order = sorted(range(len(pos)), key=lambda i: pos[i])  # type: ignore[arg-type, return-value]
    model.positions = [pos[i] for i in order]
    if model.spans is not None:
        model.spans = [model.spans[i] for i in order]
    for o in owners:
        if len(o.columns) == len(order):
            o.keys, o.columns, o.order = [o.keys[i] for i in order], [o.columns[i] for i in order], order
        else:
            o.unordered = True


def _in_template_order(o: _Owner, values: list[Token]) -> list[Token]:
    if o.order is None:
        return values
    out = list(values)
    for printed, template in enumerate(o.order):
        out[template] = values[printed]
    return out


def _page(breaks: list[int], no: int) -> int:
    """Which page a line is on, counting the page-number lines above it."""
    return bisect_right(breaks, no)


def _place_line(vals, o: _Owner, no: int, owners, numbers, models_by_block, breaks):
    """Each number of a line with its column index, or None when that cannot be told.

    A line printing every column needs no positions. Otherwise its numbers are placed against
    the nearest lines printing every column (all that can place them must agree), or the
    column headers. Text laid out by position is not always true to the page — a line can come
    out shifted or stretched — so every number must also stand where numbers of other lines
    stand (or, placed by the headers, right under its column's header, with another number of
    its line in place).
    """
    n = len(o.columns)
    if o.unordered:
        return None
    if len(vals) == n:
        return list(enumerate(vals))
    if len(vals) > n:
        return None
    if any(t.prov.offset is None for t in vals):
        return None  # a line not laid out in columns (single spaces): its numbers have no position
    xs = [_center(t) for t in vals]
    block = id(o.row.block)  # type: ignore[union-attr]
    others_t = [t for line, toks in numbers.items() if line != no for t in toks]
    others = [_center(t) for t in others_t]
    on_grid = [any(abs(x - y) <= _ON_GRID for y in others) for x in xs]
    results = []
    page = _page(breaks, no)
    models = [m for m in _row_models(no, n, block, owners, numbers, breaks) if m.page == page]
    for model in models:
        cols = model.place(xs)
        # under the numbers of that line, as a column of one page prints them: the same left
        # edge, right edge or centre (a line from another page merely near them does not count)
        if cols is not None and all(_aligned(t, model.tokens[c]) for t, c in zip(vals, cols, strict=True)):  # type: ignore[index]
            results.append(tuple(cols))
    if models:
        # the full lines above and below must both place it, the same way: one that cannot
        # (another page, a shifted line) makes the other's placement a coincidence; and each
        # number must stand where a number of a third line stands too (a shifted model line
        # agrees with nothing else)
        if len(results) != len(models) or len(set(results)) > 1:
            return None
        used = {id(t) for m in models for t in m.tokens or ()}
        third = [_center(t) for t in others_t if id(t) not in used]
        if not all(any(abs(x - y) <= _ON_GRID for y in third) for x in xs):
            return None
        return list(zip(results[0], vals, strict=True))
    header = models_by_block.get(block)
    if header is not None and header.page != page:
        return None  # the header stands on another page: its positions mean nothing here
    if header is not None and any(id(t) in header.doubted for t in vals):
        return None  # the block's numbers do not stand where its header words are (`_header_doubts`)
    cols = header.place(xs, vals) if header is not None else None
    if cols is None or header is None or not any(on_grid):
        return None
    tol = header.tolerances()
    typical = min((tol[i] for i in range(n) if header.positions[i] is not None), default=_ON_GRID)
    for t, x, c in zip(vals, xs, cols, strict=True):
        anchor = header.positions[c]
        reach = tol[c] if anchor is not None else typical
        if anchor is not None and not header.under(c, t):
            return None  # not right under its header: the page may have moved (a page break)
        near = [o for o in others_t if abs(_center(o) - x) <= reach]
        if near:
            if not _tight([t, *near]):
                return None  # numbers of more than one alignment here: lines shifted on the page
        elif anchor is None:
            return None
    return list(zip(cols, vals, strict=True))


def _stacks(toks: list[Token]) -> list[list[Token]]:
    """The numbers of a block grouped into the columns they stand in as laid out: numbers of
    different lines that share a centre, a left or a right edge, joined transitively."""
    groups: list[list[Token]] = []
    for t in sorted(toks, key=_center):
        joined = [g for g in groups if any(_line(u) != _line(t) and _tight([t, u]) for u in g)]
        for g in joined:
            groups.remove(g)
        groups.append([t for g in joined for t in g] + [t])
    return [g for g in groups if len({_line(u) for u in g}) > 1]


_SQUEEZED = 0.6  # two columns of numbers nearer than this share of their headers' distance


def _header_doubts(model: _Model, toks: list[Token]) -> set[int]:
    """The numbers of a block whose column its header words cannot tell.

    Text laid out by position is not always true to the page: a long label can push the
    numbers after it a column's width to the right, a header can be laid out on a scale of its
    own. When numbers of several lines stand together where no header word is, the header does
    not describe these lines: none of them is placed by it; so too when two columns of numbers
    stand under one header word (the rows laid out narrower than the header). When two stand
    much nearer each other than their header words (each pulled toward the other within its
    column's reach), which of them is which column cannot be told: neither is placed by it.
    """
    if sum(p is not None for p in model.positions) < 2:
        return set()
    tol = model.tolerances()
    n = len(model.positions)
    placed: list[tuple[float, int, list[Token]]] = []  # centre, column, numbers
    for stack in _stacks(toks):
        x = sum(_center(t) for t in stack) / len(stack)
        cols = [
            j
            for j in range(n)
            if _Model._fits(x, j, model.positions, tol) or any(model._on_edge(t, j) for t in stack)
        ]
        if len(cols) != 1 or any(c == cols[0] for _, c, _ in placed):
            # a column of numbers under no header word (or two), or two under one
            return {id(t) for t in toks}
        placed.append((x, cols[0], stack))
    out: set[int] = set()
    placed.sort(key=lambda p: p[0])
    for (x, c, a), (y, d, b) in zip(placed, placed[1:], strict=False):
        pc, pd = model.positions[c], model.positions[d]
        if c != d and pc is not None and pd is not None and y - x < _SQUEEZED * abs(pd - pc):
            out.update(id(t) for t in a + b)
    return out


def _aligned(a: Token, b: Token) -> bool:
    (la, ra), (lb, rb) = _span(a), _span(b)
    return la == lb or ra == rb or abs(_center(a) - _center(b)) <= 0.5


def _tight(toks: list[Token]) -> bool:
    """Numbers of one column, as laid out: centred, left- or right-aligned on one position."""
    centers = [_center(t) for t in toks]
    lefts = [_offset(t) for t in toks]
    rights = [_offset(t) + _width(t.text) for t in toks]
    return max(centers) - min(centers) <= 1.0 or len(set(lefts)) == 1 or len(set(rights)) == 1


def _row_models(
    no: int, n: int, block: int, owners: list[_Owner], numbers: dict[int, list[Token]], breaks: list[int]
) -> list[_Model]:
    """The nearest line above and below printing a number in every column of this block."""
    full: list[tuple[int, _Model]] = []
    block_lines = {o.line for o in owners if o.row is not None and id(o.row.block) == block}
    lo, hi = min(block_lines), max(block_lines)
    for other, vals in numbers.items():
        if other == no or not lo - 3 <= other <= hi + 3:
            continue
        if len(vals) == n:
            full.append((other, _Model([_center(t) for t in vals], "row", vals, _page(breaks, other))))
    above = [m for line, m in sorted(full) if line < no]
    below = [m for line, m in sorted(full) if line > no]
    return ([above[-1]] if above else []) + ([below[0]] if below else [])


def _candidates(no: int, owners: list[_Owner], heading_lines: set, numbered: set[int]) -> list[_Owner]:
    """The rows whose labels stand just above and just below a line of numbers, with no other
    line of numbers and no block heading between."""
    above = [o for o in owners if o.line < no]
    below = [o for o in owners if o.line > no]
    out = []
    if above:
        between = range(above[-1].line + 1, no)
        if not any(h in heading_lines or h in numbered for h in between):
            out.append(above[-1])
    if below:
        between = range(no + 1, below[0].line)
        if not any(h in heading_lines or h in numbered for h in between):
            out.append(below[0])
    return out


_LABEL_MIN_CHARS = 5  # shorter words beside numbers are pieces of a group label (（四）, 无法提)


def _doubt_complements(owners: list[_Owner], out: Layout) -> None:
    """A row's numbers broken over its label's line and the next label's (pdftotext at a page
    break: 「1.本机关不掌握… 10 0」 over 「2.没有现成… 0 0 0 0 10」): when the two lines print
    complementary columns, each line's numbers may be either row's — both rows reported."""
    printed = [o for o in owners if o.printed and o.own and not o.doubtful]
    for a, b in zip(printed, printed[1:], strict=False):
        n = len(a.keys)
        if len(b.keys) != n or a.own & b.own or len(a.own | b.own) != n or len(a.own) == n:
            continue
        if b.line - a.line > 2 or any(a.line < o.line < b.line for o in owners):
            continue
        values = [t for o in (a, b) for ts in o.slots.values() for t in ts]
        keys = [k for o in (a, b) for k, c in zip(o.keys, o.columns, strict=True) if c.canonical]
        for o in (a, b):
            o.doubtful, o.slots, o.own = True, {}, set()
        out.problems.append(
            Problem(
                keys,
                values,
                f"“{_label(a)}”与“{_label(b)}”两行的数字各印出一部分栏目，互相补全，无法确定各属于哪一行",
            )
        )


def _stacked_rows(
    no: int, vals: list[Token], numbers: dict[int, list[Token]], owners: list[_Owner], owner_at: dict
) -> list[_Owner]:
    """Two labels without numbers above a column of numbers printed one line each (pdftotext
    at a page break: 「30」「5」「1」「0」… — two rows' numbers stacked in their columns): the
    labels, since which number is whose cannot be told; else nothing."""
    later = [n for n in numbers if n > no]
    if not later or len(vals) > 1:
        return []
    nxt = min(later)
    if any(no < o.line <= nxt for o in owners) or nxt in owner_at or len(numbers[nxt]) > 2:
        return []
    if not any(_tight([a, b]) for a in vals for b in numbers[nxt]):
        return []
    above = [o for o in owners if o.line < no]
    if len(above) < 2:
        return []
    p, o = above[-2], above[-1]
    if p.printed or o.printed or any(p.line < n < no for n in numbers):
        return []
    return [p, o]


def _unknown_label(toks: list[Token], no: int, owners: list[_Owner], is_value) -> bool:
    above = [o for o in owners if o.line < no]
    for t in toks:
        if is_value(t) or not has_cjk(t.text) or len(squash(t.text)) < _LABEL_MIN_CHARS:
            continue
        if above and no in above[-1].tails:
            continue
        return True
    return False


def _owner_of(no: int, placements: dict, candidates: list[_Owner]) -> _Owner | None:
    """Whose numbers a line without a label holds.

    A row with no numbers yet may take it; a row printed on its own line only when the line
    fills its empty columns (digits wrapped in their cell). When both rows could: the line
    between a label's two halves is that label's; a label on one line has its numbers on its
    line, so the line is the wrapped label's below it; otherwise it cannot be told.
    """
    ok = []
    for o in candidates:
        cols = placements.get(id(o))
        if not o.slots and (not o.printed or o.doubtful):
            # a row left in doubt — by the line before, or by numbers on its own line that could
            # not be placed — may still own this one: it is no reason to give the line to the
            # other candidate (that shifts every row after it by one)
            ok.append(o)
        elif 0 < len(o.own) < len(o.columns) and cols is not None and not {c for c, _ in cols} & o.own:
            ok.append(o)  # fills the empty columns of a row printed on its own line: wrapped digits
    owner = _tie_break(no, ok)
    return None if owner is None or owner.doubtful else owner


def _tie_break(no: int, ok: list[_Owner]) -> _Owner | None:
    if len(ok) == 1:
        return ok[0]
    if len(ok) != 2:
        return None
    p, n = ok
    if p.slots or n.slots:
        return None  # one of them only by wrapped digits: two readings
    if any(t >= no for t in p.tails):
        return p  # between the halves of the label above
    # a label counts as on one line only when it prints its whole wording: one short of it by a
    # character may go on in a tail the layout printed where no test sees it (「（五）不 物」)
    if not _may_wrap(p) and _wrapped(n):
        return n  # above the first half of a wrapped label; the label above is on one line
    if _wrapped(p) and not _may_wrap(n):
        return p  # under a wrapped label, above a label on one line
    return None


def _wrapped(o: _Owner) -> bool:
    """The label goes on over more lines: tails found under it, or its first line short of the
    official wording (a tail printed where the span test does not see it)."""
    if o.tails:
        return True
    if o.row is None or o.row.label is None:
        return False
    return len(core(o.row.label.text)) < len(core(o.row.row.label.official)) - 1


def _may_wrap(o: _Owner) -> bool:
    """The label may go on over more lines: `_wrapped`, or its first line short of the official
    wording at all."""
    if _wrapped(o):
        return True
    if o.row is None or o.row.label is None:
        return False
    return len(core(o.row.label.text)) < len(core(o.row.row.label.official))


def _unowned(out: Layout, candidates: list[_Owner], vals: list[Token], reason: str) -> None:
    if not candidates:
        out.unplaced.extend((t, reason) for t in vals)
        return
    keys: list[str] = []
    for o in candidates:
        o.doubtful = True
        keys += [k for i, k in enumerate(o.keys) if not o.slots.get(i) and o.columns[i].canonical]
    names = "、".join(f"“{_label(o)}”" for o in candidates)
    out.problems.append(Problem(keys, vals, f"{reason}（{names}）"))


def _settle(read: TableRead, o: _Owner, out: Layout) -> None:
    """The row's values, one per column (empty where nothing was printed), for the walk's fit;
    a row in doubt keeps only the numbers placed with certainty (the rest is in a Problem)."""
    r = o.row
    assert r is not None
    if o.doubtful:
        r.values = []
        r.doubt = {k: _joined(o.slots[i]) for i, k in enumerate(o.keys) if o.slots.get(i)}
        return
    if len(o.own) == len(o.keys) and all(len(v) == 1 for v in o.slots.values()):
        r.values = _in_template_order(o, [o.slots[i][0] for i in range(len(o.keys))])  # printed in full
        return
    lone = [c for c in o.borrowed if len(o.slots.get(c, ())) == 1]
    if lone:
        # a number of a line alone put into an empty column of a row printed on its own line is
        # a wrapped number only with its other half on the other side of the label
        r.values = []
        r.doubt = {k: _joined(o.slots[i]) for i, k in enumerate(o.keys) if i in o.own}
        out.problems.append(
            Problem(
                [o.keys[c] for c in sorted(o.borrowed)],
                [o.slots[c][0] for c in sorted(lone)],
                f"“{_label(o)}”行旁另有一行数字，不能确定是否属于该行",
            )
        )
        return
    values: list[Token] = []
    joined: dict[str, list[Token]] = {}
    blank = Token("", Provenance(line=o.line), -1, CELL)
    for i, key in enumerate(o.keys):
        pieces = o.slots.get(i, [])
        if not pieces:
            values.append(blank)
            continue
        values.append(_joined(pieces))
        if len(pieces) > 1:
            joined[key] = pieces
    if joined and not _row_holds(read.table, o, values):
        # digits joined across lines that break the row's own total: not one number each
        r.values = []
        r.doubt = {}
        out.problems.append(
            Problem(
                [k for k, c in zip(o.keys, o.columns, strict=True) if c.canonical],
                [t for ps in o.slots.values() for t in ps],
                f"“{_label(o)}”行的数字分在几行印出，按列拼接后不符合该行合计，无法确定",
            )
        )
        return
    out.joined.extend(Joined(k, ps) for k, ps in joined.items())
    r.values = _in_template_order(o, values)


def _joined(pieces: list[Token]) -> Token:
    if len(pieces) == 1:
        return _as_cell(pieces[0])
    ordered = sorted(pieces, key=lambda p: _line(p) or 0)
    return _as_cell(ordered[0], "".join(p.text for p in ordered))


def _as_cell(tok: Token, text: str | None = None) -> Token:
    return Token(tok.text if text is None else text, tok.prov, tok.group, CELL, block=tok.block)


def _row_holds(table: TableDef, o: _Owner, values: list[Token]) -> bool:
    """The row's relations (its total) hold, and at least one could be checked."""
    got = {k: parse_number(v.text).value for k, v in zip(o.keys, values, strict=True)}
    rels = [r for r in relations(table.template_id, table.id) if set(r.keys) <= set(got)]
    checks = [r.holds(got) for r in rels]
    return bool(checks) and all(c is not False for c in checks) and any(checks)


def _relayout_flat(read: TableRead, span: list[Token], is_value, hidx: HeaderIndex, out: Layout) -> None:
    """表四: one row of fifteen numbers under three groups of five column headers."""
    table = read.table
    keys = [k for k, _, _, _ in table.cells()]
    vals = [t for t in span if is_value(t) and not t.empty and _line(t) is not None]
    if not vals:
        return
    first = min(_line(t) or 0 for t in vals)
    head = [t for t in span if not is_value(t) and (_line(t) or 0) < first]
    block_cols = list(table.blocks[0].value_columns)
    model = _header_model(hidx, head, block_cols, len(keys) // max(1, len(block_cols)))
    by_line: dict[int, list[Token]] = {}
    for t in vals:
        by_line.setdefault(_line(t) or 0, []).append(t)
    slots: dict[int, list[Token]] = {}
    for _no, toks in sorted(by_line.items()):
        placed = list(range(len(keys))) if len(toks) == len(keys) else _under_headers(model, toks)
        if placed is None:
            out.problems.append(Problem(keys, vals, f"{table.title}的数字无法按列位置确定所属栏目"))
            read.flat_values = []
            return
        for c, t in zip(placed, toks, strict=True):
            slots.setdefault(c, []).append(t)
    values = []
    for i in range(len(keys)):
        pieces = slots.get(i, [])
        if not pieces:
            values.append(Token("", Provenance(line=first), -1, CELL))
            continue
        values.append(_joined(pieces))
        if len(pieces) > 1:
            out.joined.append(Joined(keys[i], pieces))
    read.flat_values = values


def _under_headers(model: _Model, toks: list[Token]) -> list[int] | None:
    """A line of 表四 with blank cells: each number right under its column's header words."""
    xs = [_center(t) for t in toks]
    cols = model.place(xs, toks)
    if cols is None:
        return None
    for x, c, t in zip(xs, cols, toks, strict=True):
        anchor = model.positions[c]
        if anchor is None or (abs(x - anchor) > 2 * _ON_GRID and not model.under(c, t)):
            return None
    return cols


# --- one cell per paragraph ---------------------------------------------------------------------
# docx2txt writes every table cell as a paragraph followed by a blank line, an empty cell as one
# more pair of line breaks: between two numbers, k empty cells show as 2k + 1 blank lines.

_ODD_SHARE = 0.9


def paragraph_cells(span: list[Token], is_value) -> bool:
    """Whether this stretch prints one cell per paragraph, blank lines between, its empty cells as
    more blank lines: no number stands on the line right after another cell, the runs of blank
    lines around numbers are odd, and some run beside a number is long enough to hold an empty
    cell (3 or more) — a converter that drops empty cells altogether (mammoth) prints one blank
    line everywhere, and then no count of blank lines says where a row's blank cells are.

    A page-number line is a line, not a blank one (a PDF's text dumped by columns, pdfminer)."""
    lines = _printed_lines(span)
    numbered = {_line(t) for t in span if is_value(t) and not t.empty and _DIGIT_RE.search(t.text)}
    gaps = [b - a - 1 for a, b in zip(lines, lines[1:], strict=False)]
    near = [b - a - 1 for a, b in zip(lines, lines[1:], strict=False) if a in numbered or b in numbered]
    if len(near) < _MIN_LINES or 0 in near or max(near) < 3:
        return False
    # a cell of two paragraphs has no blank line inside; most have one after them
    return sum(g % 2 for g in gaps) >= _ODD_SHARE * len(gaps)


def _printed_lines(span: list[Token]) -> list[int]:
    """The lines that print something: a cell's text, or a page number."""
    return cast(
        list[int],
        sorted({_line(t) for t in span if _line(t) is not None and (not t.empty or t.kind == PAGE)}),
    )


def respace(read: TableRead, tokens: list[Token], is_value) -> bool:
    """Give each row of a one-cell-per-paragraph dump its empty cells back, from the blank lines.
    A row whose blank lines do not add up to its cells is left to the walk (and reported there);
    a row whose numbers so placed break its own total is not re-read.

    When some row's blank lines do not add up, the dump does not keep every blank line (calibre
    keeps at most five in a row): a run as long as the longest of the stretch then says only that
    at least so many cells are empty, and so does a run before the next row. A row whose numbers
    can then stand in more than one way keeps only the cells every way agrees on (its total
    taken into account); the rest is reported, never filled left to right."""
    span = tokens[read.start :] if read.start is not None else []
    if not span or not paragraph_cells(span, is_value):
        return False
    lines = _printed_lines(span)
    after = {a: b for a, b in zip(lines, lines[1:], strict=False)}
    table = read.table
    if table.layout == "flat":
        vals = [t for t in read.flat_values if not t.empty]
        if not vals:
            return True
        printed = [t for t in span if is_value(t) and not t.empty and _DIGIT_RE.search(t.text)]
        if [id(t) for t in printed] != [id(t) for t in vals if _DIGIT_RE.search(t.text)]:
            return True  # numbers of the table the walk did not keep as its row: not respaced
        first = _line(vals[0]) or 0
        before = max((ln for ln in lines if ln < first), default=None)
        keys = list(table.cell_keys)
        ways = _ways(vals, before, after, len(keys))
        if ways is not None and len(ways) == 1:
            cells = _cells(vals, ways[0], len(keys), before or 0)
            if not _total_breaks(table, keys, cells):
                read.flat_values = cells
        return True
    rows: list[tuple[RowRead, list[Token], list[str], list[ColumnDef], int | None, bool]] = []
    previous: list[Token] = []
    for r in read.rows:
        # the row before printed no number: labels then numbers, a dump by columns (pdfminer),
        # whose last row cannot end in blank cells the region's end would count
        open_end, previous = any(not t.empty for t in previous), r.values
        if r.label is None or r.doubt is not None or r.label.label_cut:
            continue
        vals = [t for t in r.values if not t.empty]
        keys, cols = _keys(table, r, read.extra_columns)
        if len(vals) >= len(keys):
            continue
        # blank lines count from the label's last line: a merged label cell a dump repeats
        # (「（二）部分公开」 twice) or a label's wrapped tail stands between it and the numbers
        start = _line(r.label)
        if vals and start is not None:
            start = max((ln for ln in lines if start <= ln < (_line(vals[0]) or 0)), default=start)
        rows.append((r, vals, keys, cols, start, open_end))
    exact = [_ways(vals, start, after, len(keys), open_end) for _r, vals, keys, _c, start, open_end in rows]
    # a row with numbers whose blank lines do not add up: the dump lost blank lines
    lossy = any(vals and not ways for (_r, vals, *_), ways in zip(rows, exact, strict=True))
    cap = max((b - a - 1 for a, b in after.items()), default=0) if lossy else None
    for (r, vals, keys, cols, start, open_end), ways in zip(rows, exact, strict=True):
        if cap is not None:
            ways = _ways(vals, start, after, len(keys), open_end, cap)
        if not ways:
            continue
        readings = [_cells(vals, w, len(keys), start or 0) for w in ways]
        readings = [c for c in readings if not _total_breaks(table, keys, c)]
        if len(readings) == 1:
            r.values = readings[0]
        elif len(readings) > 1 and vals:
            _in_doubt(read, r, keys, cols, readings, vals)
    return True


def _ways(
    vals: list[Token],
    start: int | None,
    after: dict[int, int],
    n: int,
    open_end: bool = True,
    cap: int | None = None,
) -> list[tuple[int, ...]] | None:
    """Every way the numbers can stand in the row's n cells by the blank lines: the cell index of
    each number. None when the lines do not read as cells at all (an even run, words between two
    numbers). k empty cells print as 2k + 1 blank lines; with `cap`, a run that long is at least
    that many. `open_end`: the row may end the region with its blank cells (nothing printed
    after them to count its blank lines against)."""
    if start is None:
        return None
    bounds: list[tuple[int, int | None]] = []  # empty cells before each number, and after the last
    prev = start
    for i, v in enumerate(vals):
        gap = (_line(v) or 0) - prev - 1
        if gap < 1 or gap % 2 == 0:
            return None
        if i and after.get(prev) != _line(v):
            return None  # words printed between two of its numbers: not one row's cells
        lo = (gap - 1) // 2
        bounds.append((lo, None if cap is not None and gap >= cap else lo))
        prev = _line(v) or 0
    end = after.get(prev)
    if end is None:
        bounds.append((0, None if open_end else 0))
    else:
        # the blank lines after the last number may hold the next row's empty label cell too
        room = (end - prev - 2) // 2
        bounds.append((0, None if cap is not None and end - prev - 1 >= cap else room))
    out: list[tuple[int, ...]] = []

    def walk(i: int, at: int, placed: tuple[int, ...]) -> None:
        lo, hi = bounds[i]
        if i == len(vals):
            rest = n - at
            if lo <= rest and (hi is None or rest <= hi):
                out.append(placed)
            return
        for e in range(lo, (n - at) if hi is None else min(hi, n - at) + 1):
            if at + e < n:
                walk(i + 1, at + e + 1, (*placed, at + e))

    walk(0, 0, ())
    return out


def _cells(vals: list[Token], where: tuple[int, ...], n: int, line: int) -> list[Token]:
    out = [Token("", Provenance(line=line + 1), -1, CELL) for _ in range(n)]
    for i, v in zip(where, vals, strict=True):
        out[i] = _as_cell(v)
    return out


def _in_doubt(
    read: TableRead,
    r: RowRead,
    keys: list[str],
    cols: list[ColumnDef],
    readings: list[list[Token]],
    vals: list[Token],
) -> None:
    """The row's numbers can stand in more than one way: the cells every way agrees on are kept,
    the rest reported with the numbers."""
    sure = {
        k: readings[0][i]
        for i, k in enumerate(keys)
        if len({c.text for c in (reading[i] for reading in readings)}) == 1
    }
    r.values = []
    r.doubt = sure
    unsure = [k for k, c in zip(keys, cols, strict=True) if c.canonical and k not in sure]
    label = r.row.label.official
    label = label if len(label) <= 16 else label[:15] + "…"
    read.problems.append(
        Problem(unsure, vals, f"“{label}”行的空白单元格未全部印出（空行不足以表示），数字所属栏目无法确定")
    )


def _total_breaks(table: TableDef, keys: list[str], cells: list[Token]) -> bool:
    """Do the cells, their blank terms taken as 0, break a total they print? (Numbers in the wrong
    cells break it unless they are the terms of one sum; a blank total says nothing.)"""
    got = {k: parse_number(v.text).value for k, v in zip(keys, cells, strict=True)}
    for r in relations(table.template_id, table.id):
        if not set(r.keys) <= set(got) or len(r.lhs) != 1 or got[r.lhs[0]] is None:
            continue
        if r.holds({k: got[k] or 0 for k in r.keys}) is False:
            return True
    return False


__all__ = ["Layout", "Problem", "laid_out", "paragraph_cells", "relayout", "respace"]
