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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..arithmetic import relations
from ..document import Provenance
from .headers import HeaderIndex, header_index
from .normalize import core, has_cjk
from .numbers import parse_number
from .tokens import CELL, Token

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


def _center(tok: Token) -> float:
    return (tok.prov.offset or 0) + (len(tok.text) - 1) / 2


def _span(tok: Token) -> tuple[int, int]:
    start = tok.prov.offset or 0
    return start, start + len(tok.text)


def laid_out(tokens: list[Token], is_value) -> bool:  # type: ignore[no-untyped-def]
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
    if len(lines) < _MIN_LINES:
        return False
    return sum(lines.values()) >= _MIN_SHARE * len(lines)


# --- column models ----------------------------------------------------------------------------


@dataclass
class _Model:
    positions: list[float | None]
    source: str  # "row" (a line printing every column) or "header"

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

    def place(self, xs: list[float]) -> list[int] | None:
        """The column of each x, left to right, or None when any is not certain."""
        pos, tol = self.positions, self.tolerances()
        n = len(pos)
        known = [i for i in range(n) if pos[i] is not None]
        if len(known) < 2:
            return None
        out: list[int] = []
        last = -1
        for x in xs:
            cands = [j for j in range(last + 1, n) if self._fits(x, j, pos, tol)]
            if len(cands) != 1:
                return None
            last = cands[0]
            out.append(last)
        return out

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


def _header_model(hidx: HeaderIndex, tokens: list[Token], columns: list[ColumnDef], repeat: int) -> _Model:
    """Column positions from the header words above the rows. A header broken over lines (自然 /
    人, 社会 / 公益 / 组织) is joined by position first; words naming a parent (法人或其他组织) or a
    group of columns (行政诉讼) span several columns and place none."""
    stacks: list[tuple[list[Token], int, int, int]] = []  # tokens, start, end, last line
    leaves: list[tuple[float, str]] = []
    for t in tokens:
        text = t.text.strip()
        if not text or not has_cjk(text) or len(text) > _HEADER_MAX_CHARS or t.prov.offset is None:
            continue
        named = hidx.columns(text)
        if named and core(text) == core(named[0].column.label.official) or named and named[0].rank >= 3:
            leaves.append((_center(t), named[0].column.key))
            continue
        if hidx.is_parent(text) or hidx.group(text) is not None:
            continue
        start, end = _span(t)
        line = _line(t) or 0
        for k, (toks, s, e, last) in enumerate(stacks):
            if s < end and start < e and 0 < line - last <= 2:
                toks.append(t)
                stacks[k] = (toks, min(s, start), max(e, end), line)
                break
        else:
            stacks.append(([t], start, end, line))
    for toks, s, e, _ in stacks:
        text = "".join(t.text.strip() for t in toks)
        named = hidx.columns(text)
        if named and named[0].rank >= 3:
            leaves.append(((s + e - 1) / 2, named[0].column.key))
    leaves.sort()
    expected = [c.key for c in columns] * repeat
    positions: list[float | None] = [None] * len(expected)
    # the longest run of header words in the order of the columns (a word the layout moved out
    # of its place is dropped, its column left without a position)
    for i, j in _common_order([k for _, k in leaves], expected):
        positions[j] = leaves[i][0]
    return _Model(positions, "header")


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
    own: bool = False  # numbers on its label's line
    slots: dict[int, list[Token]] = field(default_factory=dict)
    tails: list[int] = field(default_factory=list)  # lines continuing its label
    doubtful: bool = False


def relayout(read: TableRead, tokens: list[Token], is_value) -> Layout | None:  # type: ignore[no-untyped-def]
    """Re-read a table laid out by position; None when it is not."""
    table = read.table
    span = tokens[read.start :] if read.start is not None else []
    if not span or not laid_out(span, is_value):
        return None
    out = Layout()
    hidx = header_index(table.template_id, table.id)
    if table.layout == "flat":
        _relayout_flat(read, span, is_value, hidx, out)
    else:
        _relayout_rows(read, span, is_value, hidx, out)
    return out


def _keys(table: TableDef, row: RowRead, extra: list[str]) -> tuple[list[str], list[ColumnDef]]:
    cols = [c for c in row.block.columns if c.canonical or core(c.label.official) in extra]
    return [f"{table.id}.{row.row.key}.{c.key}" for c in cols], cols


def _relayout_rows(read: TableRead, span: list[Token], is_value, hidx: HeaderIndex, out: Layout) -> None:  # type: ignore[no-untyped-def]
    table = read.table
    label_of = {id(r.label): r for r in read.rows if r.label is not None}
    heading_lines = {_line(t) for t in read.heading_tokens}
    # lines in order: what stands on each
    lines: dict[int, list[Token]] = {}
    for t in span:
        if _line(t) is not None:
            lines.setdefault(_line(t), []).append(t)  # type: ignore[arg-type]
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
        models_by_block[b] = _header_model(hidx, head, o.columns, 1)
    # tails: lines of words continuing a label, under it and overlapping it
    order = sorted(lines)
    for i, no in enumerate(order):
        if no in owner_at or no in heading_lines:
            continue
        above = [o for o in owners if o.line < no]
        if not above:
            continue
        o = above[-1]
        for t in lines[no]:
            if is_value(t) or not has_cjk(t.text):
                continue
            s, e = _span(t)
            if s < o.span[1] + 1 and o.span[0] - 1 < e:
                o.tails.append(no)
                break
    # numbers of each line: placed on the columns
    placed: dict[int, list[tuple[int, Token]] | None] = {}
    value_lines = [no for no in order if any(is_value(t) and not t.empty for t in lines[no])]
    for no in value_lines:
        vals = [t for t in lines[no] if is_value(t) and not t.empty]
        o = owner_at.get(no) or _nearest(owners, no)
        if o is None:
            placed[no] = None
            continue
        placed[no] = _place_line(vals, o, no, owners, lines, is_value, models_by_block)
    for no in value_lines:
        vals = [t for t in lines[no] if is_value(t) and not t.empty]
        cols = placed[no]
        own = owner_at.get(no)
        if own is not None:
            own.own = True
            if cols is None:
                out.problems.append(
                    Problem(own.keys, vals, f"“{_label(own)}”行的数字无法按列位置确定所属栏目")
                )
                own.doubtful = True
                continue
            for c, t in cols:
                own.slots.setdefault(c, []).append(t)
            continue
        candidates = _candidates(no, owners, heading_lines)
        if cols is None:
            _unowned(out, candidates, vals, "这一行数字无法按列位置确定所属栏目")
            continue
        owner = _owner_of(no, cols, candidates)
        if owner is None:
            _unowned(out, candidates, vals, "这一行数字没有栏目名称，可能属于上一行或下一行，无法确定")
            continue
        for c, t in cols:
            owner.slots.setdefault(c, []).append(t)
    for o in owners:
        _settle(read, o, out)


def _label(o: _Owner) -> str:
    if o.row is None:
        return "表四"
    label = o.row.row.label.official
    return label if len(label) <= 16 else label[:15] + "…"


def _nearest(owners: list[_Owner], no: int) -> _Owner | None:
    above = [o for o in owners if o.line <= no]
    return above[-1] if above else (owners[0] if owners else None)


def _place_line(vals, o: _Owner, no: int, owners, lines, is_value, models_by_block):  # type: ignore[no-untyped-def]
    """Each number of a line with its column index, or None when that cannot be told."""
    n = len(o.columns)
    if len(vals) == n:
        return list(enumerate(vals))
    if len(vals) > n:
        return None
    xs = [_center(t) for t in vals]
    block = id(o.row.block)  # type: ignore[union-attr]
    results = []
    for model in _row_models(no, n, block, owners, lines, is_value):
        cols = model.place(xs)
        if cols is not None:
            results.append(tuple(cols))
    if not results:
        header = models_by_block.get(block)
        cols = header.place(xs) if header is not None else None
        if cols is not None:
            results.append(tuple(cols))
    if not results or len(set(results)) > 1:
        return None
    return list(zip(results[0], vals, strict=True))


def _row_models(no: int, n: int, block: int, owners: list[_Owner], lines, is_value) -> list[_Model]:  # type: ignore[no-untyped-def]
    """The nearest line above and below printing a number in every column of this block."""
    full: list[tuple[int, _Model]] = []
    block_lines = {o.line for o in owners if o.row is not None and id(o.row.block) == block}
    lo, hi = min(block_lines), max(block_lines)
    for other, toks in lines.items():
        if other == no or not lo - 3 <= other <= hi + 3:
            continue
        vals = [t for t in toks if is_value(t) and not t.empty]
        if len(vals) == n:
            full.append((other, _Model([_center(t) for t in vals], "row")))
    above = [m for line, m in sorted(full) if line < no]
    below = [m for line, m in sorted(full) if line > no]
    return ([above[-1]] if above else []) + ([below[0]] if below else [])


def _candidates(no: int, owners: list[_Owner], heading_lines: set) -> list[_Owner]:  # type: ignore[type-arg]
    """The rows whose labels stand just above and just below a line of numbers (not across a
    block heading)."""
    above = [o for o in owners if o.line < no]
    below = [o for o in owners if o.line > no]
    out = []
    if above and not any(h is not None and above[-1].line < h < no for h in heading_lines):
        out.append(above[-1])
    if below and not any(h is not None and no < h < below[0].line for h in heading_lines):
        out.append(below[0])
    return out


def _owner_of(no: int, cols: list[tuple[int, Token]], candidates: list[_Owner]) -> _Owner | None:
    """Whose numbers a line without a label holds.

    A row with nothing yet may take it; a row that has numbers only when the line fills its
    empty columns (digits wrapped in their cell). When both rows could: the line between a
    label's two halves is that label's; a label on one line has its numbers on its line, so the
    line is the wrapped label's below it; otherwise it cannot be told.
    """
    used = {c for c, _ in cols}
    ok = []
    for o in candidates:
        if not o.slots:
            ok.append(o)
        elif not used & {c for c, v in o.slots.items() if v and o.own} and o.own and len(o.slots) < len(o.columns):
            ok.append(o)  # fills the empty columns of a row printed on its own line: wrapped digits
    if len(ok) == 1:
        return ok[0]
    if len(ok) != 2:
        return None
    p, n = ok
    if p.slots or n.slots:
        return None  # one of them only by wrapped digits: two readings
    if any(t >= no for t in p.tails):
        return p  # between the halves of the label above
    if not p.tails and n.tails:
        return n  # above the first half of a wrapped label; the label above is on one line
    if p.tails and not n.tails and all(t < no for t in p.tails):
        return p  # under a wrapped label whose last half is done, above a label on one line
    return None


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
    """The row's values, one per column (empty where nothing was printed), for the walk's fit."""
    r = o.row
    assert r is not None
    if o.doubtful:
        keys = [k for i, k in enumerate(o.keys) if not o.slots.get(i) and o.columns[i].canonical]
        r.values = []
        r.layout_cells = {k: o.slots[i] for i, k in enumerate(o.keys) if o.slots.get(i)}
        r.layout_doubt = keys
        return
    values: list[Token] = []
    joined: dict[str, list[Token]] = {}
    for i, key in enumerate(o.keys):
        pieces = o.slots.get(i, [])
        if not pieces:
            values.append(Token("", Provenance(line=o.line), -1, CELL))
        elif len(pieces) == 1:
            values.append(_as_cell(pieces[0]))
        else:
            text = "".join(p.text for p in sorted(pieces, key=lambda p: _line(p) or 0))
            values.append(_as_cell(pieces[0], text))
            joined[key] = pieces
    if joined and not _row_holds(read.table, o, values):
        # digits joined across lines that break the row's own total: not one number
        r.values = []
        r.layout_cells = {}
        r.layout_doubt = [k for k, c in zip(o.keys, o.columns, strict=True) if c.canonical]
        out.problems.append(
            Problem(
                r.layout_doubt,
                [t for ps in o.slots.values() for t in ps],
                f"“{_label(o)}”行的数字分在几行印出，拼接后不符合该行合计，无法确定",
            )
        )
        return
    out.joined.extend(Joined(k, ps) for k, ps in joined.items())
    r.values = values
    r.layout_cells = None
    r.layout_doubt = []


def _as_cell(tok: Token, text: str | None = None) -> Token:
    return Token(tok.text if text is None else text, tok.prov, tok.group, CELL, block=tok.block)


def _row_holds(table: TableDef, o: _Owner, values: list[Token]) -> bool:
    got = {k: parse_number(v.text).value for k, v in zip(o.keys, values, strict=True)}
    rels = [r for r in relations(table.template_id, table.id) if set(r.keys) <= set(got)]
    return all(r.holds(got) is not False for r in rels) and any(r.holds(got) for r in rels)


def _relayout_flat(read: TableRead, span: list[Token], is_value, hidx: HeaderIndex, out: Layout) -> None:  # type: ignore[no-untyped-def]
    """表四: one row of fifteen numbers under three groups of five column headers."""
    table = read.table
    keys = [k for k, _, _, _ in table.cells()]
    cols = [c for _, _, _, c in table.cells()]
    vals = [t for t in span if is_value(t) and not t.empty and _line(t) is not None]
    if not vals:
        return
    first = min(_line(t) for t in vals)  # type: ignore[type-var]
    head = [t for t in span if not is_value(t) and (_line(t) or 0) < first]
    block_cols = list(table.blocks[0].value_columns)
    model = _header_model(hidx, head, block_cols, len(keys) // max(1, len(block_cols)))
    by_line: dict[int, list[Token]] = {}
    for t in vals:
        by_line.setdefault(_line(t), []).append(t)  # type: ignore[arg-type]
    slots: dict[int, list[Token]] = {}
    for _no, toks in sorted(by_line.items()):
        if len(toks) == len(keys):
            placed = list(range(len(keys)))
        else:
            placed = model.place([_center(t) for t in toks])  # type: ignore[assignment]
        if placed is None:
            out.problems.append(Problem(keys, vals, "表四的数字无法按列位置确定所属栏目"))
            read.flat_values = []
            read.flat_doubt = keys
            return
        for c, t in zip(placed, toks, strict=True):
            slots.setdefault(c, []).append(t)
    values = []
    for i in range(len(keys)):
        pieces = sorted(slots.get(i, []), key=lambda p: _line(p) or 0)
        if not pieces:
            values.append(Token("", Provenance(line=first), -1, CELL))
        else:
            values.append(_as_cell(pieces[0], "".join(p.text for p in pieces)))
            if len(pieces) > 1:
                out.joined.append(Joined(keys[i], pieces))
    del cols
    read.flat_values = values


__all__ = ["Layout", "Problem", "laid_out", "relayout"]
