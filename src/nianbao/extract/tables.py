"""Aligning a table region's tokens with a table definition of the template.

The walk is the same for every format: a token that is a row label opens that row; the value-like
tokens after it (numbers, blanks, blank markers) are its cells, until the next label. Text that is
neither (column headers, a vertical label printed one character per line, the tail of a wrapped
label) is skipped. Rows whose values are run together are handed to the segmentation solver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..document import Provenance
from ..findings import Finding
from ..templates import BlockDef, ColumnDef, RowDef, TableDef
from .headers import header_index
from .labels import EXACT, label_index
from .layout import Layout, Problem, relayout, respace
from .normalize import core, has_cjk
from .numbers import clean, is_blank, looks_like_value
from .tokens import CELL, CURRENCY_UNITS, LINE, PAGE, PIECE, Token

_DIGITS_RE = re.compile(r"^[\d.\s+\-]+$")
_UNIT_SUFFIX_RE = re.compile(r"万?元$")
_UNIT_WORDS = CURRENCY_UNITS | {"件", "个", "项"}


@dataclass
class RowRead:
    """What was read for one template row: its label and values."""

    row: RowDef
    block: BlockDef
    label: Token | None
    quality: str
    values: list[Token] = field(default_factory=list)
    # laid out by position and in doubt (extract.layout): the cells placed with certainty only
    doubt: dict[str, Token] | None = None
    held: int = 0  # the first values were printed above the label, after a complete row


@dataclass
class TableRead:
    """What was read for one table: its rows, or its values in order (表四)."""

    table: TableDef
    rows: list[RowRead]
    flat_values: list[Token]  # for flat tables (表四): every value of the region in order
    extra_columns: list[str]  # non-canonical columns printed (小计)
    headings_seen: int
    header_exact: int = 0  # column headers naming a column of this definition in its own words
    header_other: int = 0  # … in a variant or a close wording (处理决定数量 for 本年处理决定数量)
    # numbers read after the table began that no row took (after a group label, a row label
    # that is not this definition's)
    orphans: list[Token] = field(default_factory=list)
    start: int | None = None  # index of the region's first token that belongs to the table
    heading_tokens: list[Token] = field(default_factory=list)  # block headings (第二十条第（一）项)
    layout: Layout | None = None  # the placement by character columns, for text laid out so
    # rows of a one-cell-per-paragraph dump whose numbers' cells its blank lines cannot tell
    problems: list[Problem] = field(default_factory=list)
    _assigned: Assignment | None = None

    @property
    def assigned(self) -> Assignment:
        if self._assigned is None:
            self._assigned = _assign(self)
        return self._assigned

    @property
    def score(self) -> float:
        """How well the region fits this definition, weighed as the grid reader weighs a grid:
        the definition's own column headers, its row labels, and rows whose values fit their
        cells; a row whose values do not fit and a number no row takes count against it."""
        rows = {r.row.key for r in self.rows}
        exact = {r.row.key for r in self.rows if r.quality == EXACT}
        a = self.assigned
        return (
            a.filled
            + 2 * len(rows)
            + 0.5 * len(exact)
            + self.headings_seen
            + 3 * self.header_exact
            + self.header_other
            - 2 * a.misfit
            - 2 * self.lost
        )

    @property
    def lost(self) -> int:
        """Numbers no row of this definition takes (read by position, the layout's count)."""
        if self.layout is not None:
            return sum(1 for t, _ in self.layout.unplaced if _HAS_DIGIT_RE.search(t.text))
        return sum(1 for t in self.orphans if _HAS_DIGIT_RE.search(t.text))


def read_table(tokens: list[Token], table: TableDef) -> TableRead:
    index = label_index(table.template_id, table.id)
    header_exact = header_other = 0
    orphans: list[Token] = []
    started = False  # a heading or row label of the table was seen
    first: int | None = None
    heading_tokens: list[Token] = []
    rows: list[RowRead] = []
    flat: list[Token] = []
    current: RowRead | None = None
    held: list[Token] = []  # numbers waiting for the label below them
    after = -1
    headings = 0
    extra: list[str] = []
    row_positions = {e.row.key: e.index for e in index.entries}
    # per physical row: empty cells appended so far, and whether the row only continues a label
    group_empties: list[tuple[RowRead | None, Token]]
    group, group_empties, group_has_label, group_fragment, group_filled = None, [], False, False, False

    def end_group() -> None:
        # a grid row holding only the wrapped tail of the label above ("内容仍不明确") and empty
        # cells: those empties belong to no row
        if group_fragment and not group_has_label and not group_filled:
            for owner, tok in group_empties:
                if owner is not None and tok in owner.values:
                    owner.values.remove(tok)
                if tok in flat:
                    flat.remove(tok)

    for i, tok in enumerate(tokens):
        if tok.kind == PAGE:
            continue
        if tok.group != group:
            end_group()
            group, group_empties, group_has_label, group_fragment, group_filled = (
                tok.group,
                [],
                False,
                False,
                False,
            )
        text = tok.text
        if _is_value(tok):
            if (
                current is not None
                and table.layout != "flat"
                and not tok.apart  # text laid out by position: extract.layout places it
                and _HAS_DIGIT_RE.search(tok.text) is not None
                and _complete_on_its_line(current, tok)
            ):
                # a line of numbers under a row that printed all its numbers beside its label:
                # the numbers of the next row, printed above its label (a tall row whose label
                # a text extractor placed by its middle)
                held.append(tok)
            elif current is not None:
                current.values.append(tok)
            elif started and table.layout != "flat":
                orphans.append(tok)
            if table.layout == "flat":
                flat.append(tok)
            if tok.kind == CELL and tok.empty:
                group_empties.append((current, tok))
            else:
                group_filled = True
            continue
        h = index.heading_index(text)
        if h is not None:
            started = True
            first = i if first is None else first
            heading_tokens.append(tok)
            headings += 1
            group_has_label = True
            current = None
            orphans.extend(held)
            held = []
            first_row = table.blocks[h].rows[0].key
            after = row_positions[first_row] - 1
            continue
        m = index.match_row(text, after)
        if m is not None and tok.label_cut and _in_sentence(tokens, i):
            m = None  # 「本年制发行政规范性文件33件，废止…」: the row's name in a sentence
        if m is not None:
            started = True
            first = i if first is None else first
            group_has_label = True
            current = None
            after = m.index
            if not m.row.group:
                current = RowRead(m.row, table.blocks[m.block], tok, m.quality, values=held, held=len(held))
                rows.append(current)
                held = []
            continue
        header_word = False
        if len(text) <= _MAX_HEADER_CHARS:
            rank, header_word = _header_names(table.template_id, table.id, text)
            if first is None and header_word:
                first = i
            if rank:
                if rank >= _EXACT_RANK:
                    header_exact += 1
                else:
                    header_other += 1
        if (
            tok.kind == LINE
            and not tok.apart
            and current is not None
            and not header_word
            and _is_words(text)
            and any(v.kind == CELL for v in current.values)
            and _digits(current.values)
        ):
            # words no row or header owns after a row's numbers, in a dump of a cell per line: a
            # label the walk does not know (cut off by the page), whose numbers follow; they are
            # not the row above's
            current = None
        if tok.kind == CELL and has_cjk(text):
            group_fragment = True
            if not group_has_label:
                # a grid row whose label we cannot place: its numbers belong to no known row,
                # certainly not to the row above
                current = None
        if not rows and _is_extra_column(text, table):
            extra.append(core(text))
        if table.layout == "flat" and len(flat) < len(table.cell_keys) and has_cjk(text):
            flat = []  # numbers in a sentence or header before the data row are not its cells
    end_group()
    orphans.extend(held)
    read = TableRead(table, rows, flat, extra, headings, header_exact, header_other, orphans)
    read.heading_tokens = heading_tokens
    if first is not None:
        read.start = _band_start(tokens, first)
        read.layout = relayout(read, tokens, _is_value)
        if read.layout is None:
            respace(read, tokens, _is_value)
    return read


_HEADER_LINES = 12  # a header band printed over lines reaches this far above its first word


def _band_start(tokens: list[Token], first: int) -> int:
    """The table starts at its first heading, label or header word; in text laid out by
    position, a header word broken over lines starts a few lines above the first one found."""
    line = tokens[first].prov.line
    if line is None:
        return first
    i = first
    while i > 0 and (tokens[i - 1].prov.line or 0) >= line - _HEADER_LINES:
        i -= 1
    return i


_MAX_HEADER_CHARS = 24
_EXACT_RANK = 3
_HAS_DIGIT_RE = re.compile(r"\d")


def _in_sentence(tokens: list[Token], i: int) -> bool:
    """A label cut out of run-together text that is followed by words, not by numbers or by the
    next label, was mentioned in a sentence."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or nxt.group != tokens[i].group or nxt.label_cut:
        return False
    if not _is_value(nxt):
        return True
    # 「废止规章0件」 wrapped after the 0: a count word after the number is prose, not a table
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    return after is not None and not after.label_cut and after.text[:1] in _COUNT_WORDS


_COUNT_WORDS = frozenset("件个项次条人家元%％，、。；")


def _is_value(tok: Token) -> bool:
    if tok.label_cut:
        return False
    if tok.kind == CELL and tok.empty:
        return True
    if tok.kind == PIECE and _RUN_RE.match(tok.text):
        return True  # run-together digits, signs of 本年增/减 included: "0-689"
    return _value_text(tok.text)


@lru_cache(maxsize=1 << 14)
def _value_text(text: str) -> bool:
    return looks_like_value(text)


@lru_cache(maxsize=1 << 14)
def _header_names(template_id: str, table_id: str, text: str) -> tuple[int, bool]:
    """(rank of the best column this text names or 0, whether it is a header word at all)."""
    index = header_index(template_id, table_id)
    named = index.columns(text)
    return (named[0].rank if named else 0), bool(named) or index.is_header_word(text)


_RUN_RE = re.compile(r"^[\d.\s]*\d[\d.\s+\-]*$")


def _is_extra_column(text: str, table: TableDef) -> bool:
    label = core(text)
    for block in table.blocks:
        for col in block.columns:
            if not col.canonical and label in {core(col.label.official), *map(core, col.label.variants)}:
                return True
    return False


@dataclass
class CellRead:
    """The value read for one cell of a table, and where it was printed."""

    key: str
    raw: str | None
    prov: Provenance | None
    column: ColumnDef
    label: str | None = None  # row label as printed when not the official wording
    method: str | None = None  # how the value was had when not plainly read ("ambiguous", "recovered")


@dataclass
class Chunk:
    """Values of one row that are run together and need the arithmetic to be split."""

    keys: list[str]
    text: str
    prov: Provenance | None
    columns: list[ColumnDef]
    unit: str | None = None  # a unit printed after the run (元 / 万元) for the amount columns


@dataclass
class Assignment:
    """A table read onto its cells: what was placed, what the solver must split, and every
    number of the table that went nowhere, with the reason (conservation: nothing is dropped
    without a word)."""

    cells: dict[str, CellRead]
    chunks: list[Chunk]
    unplaced: list[tuple[Token, str]] = field(default_factory=list)
    misfit: int = 0  # rows whose values do not fit their cells
    filled: int = 0  # cells placed with a number in them (blank cells fit any reading)
    findings: list[Finding] = field(default_factory=list)  # what the reading itself must say


def assign(read: TableRead) -> tuple[dict[str, CellRead], list[Chunk]]:
    """Map the read rows onto cell keys: (cells read, run-together chunks for the solver).

    A row whose values cannot be placed leaves its cells out; the TABLE_INCOMPLETE rule reports
    them, and `read.assigned.unplaced` holds its numbers.
    """
    a = read.assigned
    return a.cells, a.chunks


def _digits(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if _HAS_DIGIT_RE.search(t.text)]


def _assign(read: TableRead) -> Assignment:
    table = read.table
    out = Assignment({}, [])
    cells, chunks = out.cells, out.chunks
    if read.layout is None:  # laid out by position, the layout says where they went
        for tok in _digits(read.orphans):
            out.unplaced.append((tok, "这些数字前没有本表的栏目名称，无法确定所属的行"))
    if table.layout == "flat":
        by_rows = _flat_by_rows(read)
        if by_rows is not None:
            # 表四 printed transposed: a row per group, its label first (行政复议 | 1 | 0 | 0 | 0 | 1)
            cells.update(by_rows)
        else:
            keys = [(k, col) for k, _, _, col in table.cells()]
            chunk = _fit(read.flat_values, keys, None)
            if isinstance(chunk, Chunk):
                chunks.append(chunk)
            elif chunk is not None:
                cells.update(chunk)
            elif _digits(read.flat_values):
                out.misfit += 1
                n = len(_digits(read.flat_values))
                reason = f"{table.title}的数字个数（{n}）与栏目数（{len(keys)}）不符，无法确定所属栏目"
                out.unplaced.extend((t, reason) for t in _digits(read.flat_values))
            elif _printed_blank(read):
                # the header printed and not one number under it: every cell printed blank
                prov = read.rows[0].label.prov if read.rows and read.rows[0].label else None
                for key, col in keys:
                    cells[key] = CellRead(key, "", prov, col)
        _settle_layout(read, out)
        _count(out)
        return out
    # rows read from a grid or a line of their own win over rows cut out of run-together text
    for r in sorted(read.rows, key=lambda r: r.label is not None and r.label.label_cut):
        cols = list(r.block.columns)
        if read.extra_columns and any(not c.canonical for c in cols):
            printed = [c for c in cols if c.canonical or core(c.label.official) in read.extra_columns]
        else:
            printed = [c for c in cols if c.canonical]
        keys = [(f"{table.id}.{r.row.key}.{c.key}", c) for c in printed]
        label = r.label.text if r.label is not None and r.quality != EXACT else None
        crawled = r.label is not None and r.label.label_cut
        if r.doubt is not None:
            # laid out by position, in doubt: only the numbers placed with certainty
            for key, col in keys:
                if key in r.doubt and col.canonical:
                    tok = r.doubt[key]
                    cells.setdefault(key, CellRead(key, tok.text, tok.prov, col, label))
            continue
        if not r.values and (crawled or _label_alone(read, r)):
            # a crawler or a text dump prints nothing for a blank cell: a label straight after
            # another label
            for key, col in keys:
                if col.canonical and key not in cells:
                    cells[key] = CellRead(key, "", r.label.prov, col, label)  # type: ignore[union-attr]
            continue
        if read.layout is None and r.held and len(r.values) > r.held:
            # numbers above the label and numbers beside or below it: which are the row's is
            # not known (the ones above may be the row's above, its label wrapped)
            reason = f"“{_short(r.row.label.official)}”行上方和下方各有一行数字，无法确定哪一行属于该行"
            out.unplaced.extend((t, reason) for t in _digits(r.values))
            out.misfit += 1
            continue
        if any(k in cells for k, _ in keys):
            # the row was read already; a second mention is not its data, and is said so when
            # it prints other numbers
            if _other_numbers(r.values, [cells[k] for k, _ in keys if k in cells]):
                reason = f"“{_short(r.row.label.official)}”行再次出现，数字与已读取的不同，未采用"
                out.unplaced.extend((t, reason) for t in _digits(r.values))
            continue
        fitted = _fit(r.values, keys, label)
        if isinstance(fitted, Chunk):
            chunks.append(fitted)
            if sum(ch.isdigit() for ch in fitted.text) < len(fitted.keys):
                out.misfit += 1  # fewer digits than cells: blanks somewhere, or not this row
        elif fitted is not None:
            for k, cell in fitted.items():
                cells.setdefault(k, cell)
        elif _digits(r.values):
            out.misfit += 1
            n = len(_pieces(r.values))
            reason = (
                f"“{_short(r.row.label.official)}”行有 {n} 个数值，"
                f"与该行 {sum(1 for _, c in keys if c.canonical)} 个栏目不符，无法确定所属栏目"
            )
            out.unplaced.extend((t, reason) for t in _digits(r.values))
    kept = []
    for c in chunks:
        if any(k in cells for k in c.keys):
            if _other_numbers([], [cells[k] for k in c.keys if k in cells], c.text):
                out.unplaced.append((_chunk_token(c), "粘连的数字所在行已在别处读取，数字不同，未采用"))
        else:
            kept.append(c)
    out.chunks[:] = kept
    _settle_layout(read, out)
    _count(out)
    return out


def _label_alone(read: TableRead, r: RowRead) -> bool:
    """A row label on a line of its own with another label or a block heading straight after
    it, in text not laid out by position where every number found its row: the row's cells
    were printed blank (a text dump prints nothing for an empty cell)."""
    label = r.label
    if label is None or label.kind != LINE or label.prov.line is None or read.layout is not None:
        return False
    if _digits(read.orphans) or any(_surplus(o) for o in read.rows):
        # numbers no row took, or piled on one row (a dump by columns prints every label first)
        return False
    later = [t.prov.line for t in read.heading_tokens] + [
        o.label.prov.line for o in read.rows if o.label is not None and o is not r
    ]
    return any(line is not None and line > label.prov.line for line in later)


def _settle_layout(read: TableRead, out: Assignment) -> None:
    """What the placement by character columns could not decide, or joined, said in findings."""
    lay = read.layout
    table = read.table
    if lay is not None:
        out.unplaced.extend(lay.unplaced)
    stored = set(table.cell_keys)  # an optional column's cells (小计) are read, never stored
    for p in [*(lay.problems if lay is not None else ()), *read.problems]:
        keys = [
            k for k in p.keys if k in stored and (k not in out.cells or out.cells[k].method == "ambiguous")
        ]
        if not keys:
            continue
        prov = p.tokens[0].prov if p.tokens else None
        for k in keys:
            out.cells[k] = CellRead(k, "", prov, table.column(k), method="ambiguous")
        values = [{"text": t.text, "where": t.prov.to_dict()} for t in p.tokens]
        printed = " ".join(t.text for t in p.tokens)
        where = p.tokens[0].prov.describe() if p.tokens else ""
        out.findings.append(
            Finding(
                "CELL_AMBIGUOUS",
                f"{table.title}{p.reason}：印出的数字为“{printed}”（{where or '位置不明'}），相关单元格已留空，请核对原表",
                cells=keys,
                where=where or table.title,
                data={"values": values},
            )
        )
    if lay is None:
        return
    joined = [j for j in lay.joined if j.key in out.cells]
    if joined:
        texts = "；".join("+".join(p.text for p in j.pieces) + f"→{out.cells[j.key].raw}" for j in joined)
        for j in joined:
            out.cells[j.key].method = "recovered"
        out.findings.append(
            Finding(
                "CELL_RECOVERED",
                f"{table.title}有 {len(joined)} 个数字在单元格内折行印出，已按所在列拼接（{texts}），拼接后符合该行合计",
                cells=[j.key for j in joined],
            )
        )


def _printed_blank(read: TableRead) -> bool:
    """A flat table (表四) whose header is printed — its groups named, or its column headers —
    with no number anywhere after it in its part."""
    if read.flat_values and any(not t.empty for t in read.flat_values):
        return False
    if read.layout is not None and read.layout.problems:
        return False
    groups = {r.row.key for r in read.rows}
    return len(groups) >= 2 or read.header_exact >= 3


def _count(out: Assignment) -> None:
    out.filled = sum(
        1 for c in out.cells.values() if c.column.canonical and _HAS_DIGIT_RE.search(c.raw or "")
    ) + sum(len(ch.keys) for ch in out.chunks if sum(d.isdigit() for d in ch.text) >= len(ch.keys))


def _other_numbers(values: list[Token], placed: list[CellRead], text: str | None = None) -> bool:
    """Whether a second printing of a row holds digits other than the ones read."""
    if text is None:
        text = " ".join(t.text for t in values)
    again = re.sub(r"\D", "", text)
    read = re.sub(r"\D", "", "".join(c.raw or "" for c in placed))
    return bool(again) and again != read


def _chunk_token(c: Chunk) -> Token:
    return Token(c.text, c.prov or Provenance(), -1, PIECE)


def _short(label: str) -> str:
    return label if len(label) <= 16 else label[:15] + "…"


def _is_words(text: str) -> bool:
    return len(core(text)) >= 2 and has_cjk(text)


def _surplus(row: RowRead) -> bool:
    """More numbers than the row has columns."""
    return len(_digits(row.values)) > len(row.block.value_columns)


def _complete_on_its_line(row: RowRead, tok: Token) -> bool:
    """`tok` starts or continues a line after `row`'s label line, which already holds a number
    for every column of the row."""
    if row.label is None or tok.group == row.label.group or row.held:
        return False
    own = [v for v in row.values if v.group == row.label.group]
    if len(own) != len(row.values):
        return False
    return len(_pieces(own)) >= len(row.block.value_columns)


def _pieces(values: list[Token]) -> list[str]:
    return [w for v in values for w in ([v.text] if v.kind == CELL else v.text.split())]


def _flat_by_rows(read: TableRead) -> dict[str, CellRead] | None:
    """A flat table whose every row label is followed by exactly that row's values, or None."""
    table = read.table
    wanted = [r.key for b in table.blocks for r in b.data_rows]
    rows = {r.row.key: r for r in read.rows}
    if set(rows) != set(wanted):
        return None
    out: dict[str, CellRead] = {}
    for key in wanted:
        r = rows[key]
        keys = [(f"{table.id}.{key}.{c.key}", c) for c in r.block.value_columns]
        fitted = _fit(r.values, keys, None)
        if not isinstance(fitted, dict) or any(not (c.raw or "").strip() for c in fitted.values()):
            return None
        out.update(fitted)
    return out


def _fit(values: list[Token], keys: list[tuple[str, ColumnDef]], label: str | None):
    """Fit the value tokens of a row onto its cells.

    Returns {key: CellRead}, a Chunk for run-together digits, or None when the count is wrong
    in a way the arithmetic cannot fix (the cells are then left unread).
    """
    n = len(keys)
    pieces: list[tuple[str, Provenance]] = []
    for v in values:
        if v.kind == CELL:
            pieces.append((v.text, v.prov))
        else:
            for w in v.text.split():
                if pieces and w in _UNIT_WORDS and v.kind != CELL:
                    pieces[-1] = (pieces[-1][0] + w, pieces[-1][1])  # "75394432.52 元"
                else:
                    pieces.append((w, v.prov))
    # surplus empty cells: an extra label column, padding tabs at the end of a line
    while len(pieces) > n and pieces and is_blank(pieces[0][0]) and not clean(pieces[0][0]):
        pieces.pop(0)
    while len(pieces) > n and pieces and not clean(pieces[-1][0]):
        pieces.pop()
    if len(pieces) > n:
        # filler columns of a flattened colspan (Markdown, text exports): when dropping the
        # empty cells leaves exactly the row's values, those were not blank cells
        filled = [p for p in pieces if clean(p[0])]
        if len(filled) == n:
            pieces = filled
    if len(pieces) == n:
        out = {}
        for (key, col), (raw, prov) in zip(keys, pieces, strict=True):
            if col.canonical:
                out[key] = CellRead(key, raw, prov, col, label)
        return out
    if 0 < len(pieces) < n:
        text = " ".join(clean_keep_spaces(p) for p, _ in pieces)
        unit = None
        m = _UNIT_SUFFIX_RE.search(text)
        if m and any(c.unit for _, c in keys):
            unit, text = m.group(0), text[: m.start()]
        digits = sum(ch.isdigit() for ch in text)
        # run together only if there are enough digits to make every cell ("0 0 0 0 0 0" for
        # fifteen cells is a short table, not a crawl), and only text a crawler flattened or a
        # single cell: separate cells of a grid are never split further
        run_together = all(v.kind == PIECE for v in values) or len(values) == 1
        # (a crawled row with fewer digits than cells has blanks somewhere: the solver then
        # reports every cell of it as undetermined rather than the row as missing)
        crawled = all(v.kind == PIECE for v in values)
        if _DIGITS_RE.match(text) and (digits >= n or crawled) and run_together:
            return Chunk([k for k, _ in keys], text, pieces[0][1], [c for _, c in keys], unit)
    return None


def clean_keep_spaces(raw: str) -> str:
    return " ".join(clean(w) for w in raw.split())


@lru_cache(maxsize=64)
def _shape(table: TableDef) -> tuple:
    """Everything of a definition the walk reads by: its blocks, rows, columns and their wordings."""
    return (
        table.id,
        table.layout,
        tuple(
            (
                b.heading,
                tuple((r.key, r.group, r.label) for r in b.rows),
                tuple((c.key, c.canonical, c.label, c.unit, c.integer, c.signed) for c in b.columns),
            )
            for b in table.blocks
        ),
    )


def best_read(tokens: list[Token], candidates: list[TableDef], prefer: str | None) -> TableRead | None:
    """Read the region with each template's definition and keep the one that fits best (a
    definition two templates share, 表四, is read once, as the preferred template's)."""
    distinct: dict[tuple, TableDef] = {}
    for t in sorted(candidates, key=lambda t: t.template_id != prefer):
        distinct.setdefault(_shape(t), t)
    reads = [read_table(tokens, t) for t in distinct.values()]
    reads = [r for r in reads if r.rows or r.flat_values]
    if not reads:
        return None
    return max(reads, key=lambda r: (r.score, r.table.template_id == prefer))
