"""Reading a run of grid fragments onto one table definition, cell by cell.

A value is addressed by the labels that head its row and its column, never by its position in a
stream:

- a **block heading** row (第二十条第（一）项) selects the block of the definition;
- **header rows** (no numbers, words naming columns) form the *header band*: for every column
  position, the header cells above it, top to bottom (申请人情况 › 法人或其他组织 › 商业企业);
- in a **data row**, the *label cells* (words before the values, including labels spanning rows)
  name the row; each *value cell* takes the column its header path names. Without a usable header
  the value count decides (the canonical columns, or those plus an optional 小计), or the row is
  reported — never guessed;
- a table whose rows are printed as column groups (表四: 行政复议 | 行政诉讼 › 未经复议直接起诉)
  takes the row from the header path too, and the transposed print (a row per group) from the
  row label.

Every number is either placed in exactly one cell or returned in `unplaced` with its place and the
reason; the caller turns those into findings. The per-definition figures (`header_exact`,
`rows_matched`, `misfit`, …) are the evidence the template choice weighs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..arithmetic import relations
from ..document import Paragraph, Provenance
from ..templates import BlockDef, ColumnDef, RowDef, TableDef
from .fragments import Cell, Fragment, Kind, label_piece
from .headers import ColumnMatch, GroupMatch, HeaderIndex, header_index
from .labels import ALIAS, EXACT, FUZZY, VARIANT, LabelIndex, RowMatch, label_index
from .normalize import core, normalize, strip_numbering
from .numbers import STANDALONE_NUMBER, parse_number
from .tables import CellRead, Chunk

_NUMBER_RE = re.compile(r"[+-]?\d[\d.,]*")
_TWICE = "同一单元格出现两次，且数字不同"
_VERTICAL_PIECES = re.compile(r"^(?:[\u4e00-\u9fff、]{1,2}\s+)+(?=\S)")
_LEADING_NOTE = re.compile(r"^\s*[（(][^）)]{4,}[）)]")  # a parenthesised note at the head of a cell
_DIGIT_RE = re.compile(r"\d")
_CONTRADICTED = "的数字位置与表头栏目不一致（表格的栏目边界错位），无法确定各数字所属栏目"
_BLANKS_UNKNOWN = "的空白单元格多于空白栏目，且没有表头可以对照，无法确定各数字所属栏目"
_CARRIED = "的数字所在位置在表头所在的表格中没有数字，本表格的栏目边界可能与表头错位，无法确定各数字所属栏目"
_DISPLACED = "栏目名称中印有数字，表格的行与栏目可能错位，此行数字未予采用"


@dataclass
class LabelRow:
    """A row label as printed, for ROW_LABEL_NONSTANDARD."""

    row: RowDef
    block: BlockDef
    text: str
    prov: Provenance
    quality: str


@dataclass
class Unplaced:
    text: str
    prov: Provenance
    reason: str


@dataclass
class GridRead:
    table: TableDef
    cells: dict[str, CellRead] = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)
    header_exact: int = 0  # header cells naming a column of this definition in its own words
    header_other: int = 0  # … in a variant or a close wording
    rows_matched: int = 0  # data rows whose label names a row of this definition
    rows_exact: int = 0
    misfit: int = 0  # data rows whose values do not fit the row's columns
    outside_used: int = 0  # rows named by a label printed outside their table
    uncertain_rows: int = 0  # rows whose blank cells could not be placed
    contradicted: int = 0  # … of them, rows a header band above names other columns for
    labels_matched: int = 0  # row labels recognised, with or without values
    per_fragment: dict[int, float] = field(default_factory=dict)
    placed: int = 0  # canonical cells given a value or a blank (kept up to date by the reader)
    filled: int = 0  # … with a number in it: blank cells fit any reading and prove nothing
    digits_unplaced: int = 0  # numbers no cell took
    # rows named only by a line outside the grids, between rows read, with no number of their own
    blank_rows: list[tuple[RowDef, BlockDef, Provenance]] = field(default_factory=list)

    def values(self) -> dict[str, float | int | None]:
        """Every placed value; a chunk of separate numbers (`447 7 0 0 …`) split at its spaces."""
        out: dict[str, float | int | None] = {
            k: parse_number(c.raw or "", c.column.unit).value for k, c in self.cells.items()
        }
        for ch in self.chunks:
            parts = ch.text.split()
            if len(parts) == len(ch.keys):
                for k, p, col in zip(ch.keys, parts, ch.columns, strict=True):
                    out[k] = parse_number(p, col.unit).value
        return out

    @property
    def broken(self) -> int:
        """Relations of the table's arithmetic that the placed values break."""
        return self._verdicts().count(False)

    @property
    def held(self) -> int:
        """Relations of the table's arithmetic that the placed values satisfy."""
        return self._verdicts().count(True)

    def _verdicts(self) -> list[bool | None]:
        values = self.values()
        return [r.holds(values) for r in relations(self.table.template_id, self.table.id)]

    @property
    def duplicates(self) -> int:
        """Cells printed twice with different numbers."""
        return sum(1 for u in self.unplaced if u.reason == _TWICE)

    @property
    def score(self) -> float:
        return (
            self.filled
            + 2 * self.rows_matched
            + 0.5 * self.rows_exact
            + 3 * self.header_exact
            + self.header_other
            - 2 * self.digits_unplaced
            - 2 * self.misfit
        )


@dataclass
class _Band:
    """Header cells per column position, top to bottom, for fragments of one width."""

    width: int
    paths: dict[int, list[Cell]] = field(default_factory=dict)
    aligned: bool = True  # read from a grid whose column indexes mean columns
    # positions an empty header cell gave to the column label on its left (a flattened span)
    continued: dict[int, Cell] = field(default_factory=dict)
    fragments: set[int] = field(default_factory=set)  # the grids its header rows stand in
    printed: set[int] = field(default_factory=set)  # positions numbers stand at in those grids

    def named(self, headers: HeaderIndex) -> list[int]:
        """Positions whose header path names a column (computed once per band)."""
        cached = self.__dict__.get("_named")
        if cached is None or cached[0] != sum(len(p) for p in self.paths.values()):
            positions = [
                p
                for p, path in self.paths.items()
                if any(headers.columns(c.text) for c in path) or _joined_columns(headers, path)
            ]
            cached = (sum(len(p) for p in self.paths.values()), positions)
            self.__dict__["_named"] = cached
        return cached[1]

    def add_row(self, cells: list[Cell]) -> None:
        for c in cells:
            for pos in range(c.col, c.end):
                path = self.paths.setdefault(pos, [])
                if all(p is not c for p in path):
                    path.append(c)

    def path(self, cell: Cell) -> list[Cell]:
        out: list[Cell] = []
        for pos in range(cell.col, cell.end):
            for c in self.paths.get(pos, ()):
                if all(o is not c for o in out):
                    out.append(c)
        return out


@dataclass
class _State:
    block: int | None = None
    after: int = -1
    band: _Band | None = None
    pending: tuple[RowMatch, Cell | None] | None = None  # a label whose values may follow on the next row
    pending_blanks: list[Cell] = field(default_factory=list)
    pending_outside: bool = False  # the pending label was printed outside the table
    # a row of numbers with no label, whose label may stand on the next row with empty cells (a
    # text extractor that orders a tall row's label by its vertical centre prints it below)
    orphan: list[Cell] = field(default_factory=list)
    aligned: bool = True  # the current fragment's column indexes can be trusted
    in_band: bool = False  # the last row read was a header row
    reordered: set[int] = field(default_factory=set)  # blocks printed with their columns reordered
    row_off_band: bool = False  # the header band does not describe the row being read
    optional_seen: set[str] = field(default_factory=set)  # optional columns (小计) a header names
    # numbers printed inside the column headers: the grid's rows slipped against its labels (a
    # PDF table extractor half a row off), so no row of this block can be trusted to be its own
    displaced: bool = False
    # a column-group table (表四) printed as one table per group under a line naming it
    # (「行政诉讼（未经复议直接起诉）」): the group of the current fragment's columns
    outside_group: GroupMatch | None = None


class _Reader:
    def __init__(self, table: TableDef, trace: list[str] | None = None, outside: str = "nearest"):
        self.trace = trace  # when given, every decision is appended to it (for developers)
        self._contested: set[str] = set()  # cells two different numbers were read for
        # which label printed outside a one-row table names it: "above" / "below" the table (a
        # text extractor orders a label by its vertical centre, consistently within a document),
        # or the one naming the "nearest" row to come
        self.outside = outside
        self.table = table
        self._used_outside: set[int] = set()  # lines outside the tables already taken as a label
        self._joined: dict[int, list[Paragraph]] = {}  # a label's first line -> all its lines
        self._outside_mark = 0
        self._seen_outside: dict[int, Paragraph] = {}  # every line outside the tables read so far
        self._orphan: list[Cell] = []  # the previous row's unlabelled numbers, while a row is read
        self._outside_label: tuple[str, Provenance] | None = None  # the row's label, printed outside
        self.labels: LabelIndex = label_index(table.template_id, table.id)
        self._fewest_columns = min(len(b.value_columns) for b in table.blocks)
        self._label_depth = _label_depth(table.template_id, table.id)
        # a grid with more positions than label levels and columns was cut finer than the table
        self._finest = self._label_depth + max(len(b.columns) for b in table.blocks)
        self.headers: HeaderIndex = header_index(table.template_id, table.id)
        self.out = GridRead(table)
        self.state = _State()
        self._fragment = 0
        self._row: list[Cell] = []  # the row being read
        self._refusal: str | None = None  # why `_columns` placed nothing, when not by count

    # --- the walk --------------------------------------------------------------------------------
    def read(self, fragments: list[Fragment]) -> GridRead:
        for fi, frag in enumerate(fragments):
            self._fragment = fi
            before = self._claim()
            self._read_fragment(frag)
            self.out.per_fragment[fi] = self._claim() - before
        self._commit_pending()
        self._drop_orphan(self.state.orphan)
        self.state.orphan = []
        self._blank_rows_outside()
        return self.out

    def _blank_rows_outside(self) -> None:
        """Rows whose label stands alone outside the grids, between rows that were read: a
        converter that drops a table's empty rows (markitdown of a PDF) keeps their labels as
        lines. Noted as rows printed blank when every number of the grids found its row; the
        extractor decides, once it has seen the numbers of the text around the grids."""
        if not self.out.rows_matched or self.out.digits_unplaced:
            return
        keys = {*self.out.cells, *(k for ch in self.out.chunks for k in ch.keys)}
        rows = {k.split(".", 1)[1].rsplit(".", 1)[0] for k in keys}
        read = sorted({e.index for e in self.labels.entries if e.row.key in rows})
        gaps = [(a, b) for a, b in zip(read, read[1:], strict=False) if b > a + 1]
        for p in self._seen_outside.values():
            if id(p) in self._used_outside:
                continue
            # a short label (3.其他) is only itself near where it is expected: just after a row read
            found = (_match_row(self.table.template_id, self.table.id, p.text, a) for a, _ in gaps)
            m = next(
                (m for m, (a, b) in zip(found, gaps, strict=True) if m is not None and m.index < b), None
            )
            if m is None or m.row.group or m.row.key in rows:
                continue
            rows.add(m.row.key)
            self.out.blank_rows.append((m.row, self.table.blocks[m.block], p.prov))

    def _aligned_band(self) -> _Band | None:
        """The header band, when its column positions and the current row's can be trusted."""
        band = self.state.band
        ok = band is not None and band.aligned and self.state.aligned and not self.state.row_off_band
        return band if ok else None

    def _claim(self) -> float:
        """How much of this table the fragments read so far hold: its cells, its row labels (a row
        printed blank still names its row) and its column headers."""
        out = self.out
        return out.placed + 2 * out.labels_matched + 3 * out.header_exact

    def _read_fragment(self, frag: Fragment) -> None:
        st = self.state
        if st.band is not None and st.band.width != frag.width:
            st.band = None  # positions of another grid mean nothing here
            st.in_band = False
        st.aligned = frag.aligned
        if self.table.layout == "flat":
            named = [g for p in frag.before if (g := self.headers.group(p.text)) is not None]
            st.outside_group = named[-1] if named else None
        # a header band printed as one-row tables of the same width continues across them
        in_band = st.in_band and st.band is not None
        for r, cells in enumerate(frag.rows):
            digits = [c for c in cells if c.has_digits]
            texts = [c for c in cells if c.kind is Kind.TEXT]
            if not digits and self._block_heading(texts):
                in_band = False
                continue
            if not digits and (
                self._is_header_row(cells, frag.rows[r + 1] if r + 1 < len(frag.rows) else None)
                or self._header_piece_row(cells, in_band)
            ):
                if not in_band:
                    st.band = _Band(frag.width, aligned=frag.aligned)
                    in_band = True
                self._drop_orphan(st.orphan)
                st.orphan = []
                st.displaced = self._numbers_in_headers(cells)
                st.band.fragments.add(self._fragment)  # type: ignore[union-attr]
                self._add_header_row(st.band, cells)  # type: ignore[arg-type]
                self._note_headers(texts)
                st.in_band = True
                continue
            if in_band and st.band is not None:
                self._refute_repeats(st.band, frag.rows[r:])
            in_band = st.in_band = False
            before = frag.before if r == 0 else []
            after = frag.after if r == len(frag.rows) - 1 else []
            if st.band is not None and self._fragment in st.band.fragments:
                st.band.printed.update(p for c in cells if c.has_digits for p in range(c.col, c.end))
            self._read_row(cells, before, after)

    def _block_heading(self, texts: list[Cell]) -> bool:
        if len({c.text for c in texts}) != 1:
            return False
        b = self.labels.heading_index(texts[0].text)
        if b is None:
            return False
        self._commit_pending()
        st = self.state
        st.block = b
        st.displaced = False
        first = self.table.blocks[b].rows[0].key
        st.after = next(e.index for e in self.labels.entries if e.row.key == first) - 1
        st.band = None
        return True

    def _add_header_row(self, band: _Band, cells: list[Cell]) -> None:
        """Add a header row; an empty cell right of a header text continues it (a converter wrote
        a spanning header as the text and empty cells: `| 行政复议 | | | | |`), unless the column
        already has a column label above (the empty cell under 总计 is not part of 其他)."""
        band.add_row(cells)
        last_text: Cell | None = None
        for c in cells:
            if c.kind is Kind.TEXT:
                # a piece of a broken header (「总」 of 总计) spans nothing: its rest is below it
                last_text = None if self._piece_only(c) else c
            elif last_text is not None and not c.text:
                for pos in range(c.col, c.end):
                    path = band.paths.setdefault(pos, [])
                    above = [h for h in path if h is not c and h.text.strip()]
                    # not over a column label, nor over a broken header's piece (「总」 of 总计)
                    if not any(self.headers.columns(h.text) or self._piece_only(h) for h in above):
                        path.append(last_text)
                        if self.headers.columns(last_text.text):
                            band.continued[pos] = last_text
            else:
                last_text = None
        self._note_order(band)

    def _refute_repeats(self, band: _Band, rows: list[list[Cell]]) -> None:
        """One column label over two positions — an empty header cell continuing it (`| 其他 | |`)
        or its text repeated (a converter filling a merged cell from the left) — heads one column
        only while no row prints numbers under both: when one does, the later position heads a
        column of its own whose label the band lacks (总计 left on the page before)."""
        naming: dict[int, Cell] = {}
        for pos, path in band.paths.items():
            head = next((h for h in reversed(path) if self.headers.columns(h.text)), None)
            if head is not None:
                naming[pos] = head
        # the same label under the same parents (表四 repeats 结果维持 … under each group)
        by_label: dict[tuple, list[int]] = {}
        for pos in sorted(naming):
            path = band.paths[pos]
            above = path[: next(i for i, h in enumerate(path) if h is naming[pos])]
            parents = tuple(id(h) for h in above if h.text)
            by_label.setdefault((core(naming[pos].text), parents), []).append(pos)
        changed = False
        for positions in by_label.values():
            first = naming[positions[0]]
            later = [p for p in positions if naming[p] is not first or p in band.continued]
            if not later:
                continue
            own = [p for p in positions if p not in later]
            for cells in rows:
                digits = {p for c in cells if c.has_digits for p in range(c.col, c.end)}
                printed = {
                    c.text for c in cells if c.has_digits and set(range(c.col, c.end)) & set(positions)
                }
                # the same number under every position is a merged cell a converter repeated
                if digits & set(own) and digits & set(later) and len(printed) > 1:
                    for p in later:
                        band.paths[p] = [h for h in band.paths.get(p, []) if core(h.text) != core(first.text)]
                        band.continued.pop(p, None)
                    changed = True
                    break
        if changed:
            self._note_order(band)

    def _note_order(self, band: _Band) -> None:
        """Blocks whose header prints its columns in another order than the template's: their
        rows can then only be placed by the header, never by counting values."""
        for b, block in enumerate(self.table.blocks):
            order: list[str] = []
            for pos in sorted(band.paths):
                for h in reversed(band.paths[pos]):
                    found = self.headers.columns(h.text, block=b)
                    if found:
                        key = _by_parent(found, band.paths[pos]).column.key
                        if not order or order[-1] != key:
                            order.append(key)
                        break
            template_order = [c.key for c in block.columns]
            ranks = [template_order.index(k) for k in order if k in template_order]
            if ranks != sorted(ranks):
                self.state.reordered.add(b)

    def _note_headers(self, texts: list[Cell]) -> None:
        """Header evidence that holds whatever the alignment: the template's own column words, and
        which optional columns (小计) the table prints."""
        for c in texts:
            found = self.headers.columns(c.text)
            if not found:
                if self.headers.group(c.text) is not None:
                    self._header_seen(c, EXACT)  # 行政复议 over its columns names this table too
                continue
            self._header_seen(c, found[0].quality)
            for m in found:
                if not m.column.canonical:
                    self.state.optional_seen.add(m.column.key)

    def _header_piece_row(self, cells: list[Cell], in_band: bool) -> bool:
        """A row of header pieces (「自然」 … 「总」, then 「人」 … 「计」: a PDF table extractor cut
        each wrapped header cell line by line), the corner note's lines aside: part of the header
        band when it continues one, or when it holds two pieces or a piece beside the note."""
        texts = [c for c in cells if c.kind is Kind.TEXT and c.text.strip()]
        if any(strip_numbering(normalize(c.text))[0] for c in texts):
            return False  # a numbered text is a row label
        own = [c for c in texts if not self._note_piece(c.text)]
        if not own or not all(self._is_header_text(c) for c in own):
            return False
        return in_band or len(own) >= 2 or len(own) < len(texts)

    def _piece_only(self, cell: Cell) -> bool:
        """A piece of a header, not a header word of its own (「总」, 「科研机」)."""
        return self._header_piece(cell) and not self.headers.is_header_word(cell.text)

    def _note_piece(self, text: str) -> bool:
        """A line of the table's corner note (（本列数据的勾稽关系为：…）)."""
        piece, note = core(text), core(self.table.note or "")
        return len(piece) >= 6 and piece in note

    def _is_header_row(self, cells: list[Cell], below: list[Cell] | None = None) -> bool:
        # a numbered text is a row label (3.其他, （七）总计), never a column header
        texts = [c for c in cells if c.kind is Kind.TEXT and not strip_numbering(normalize(c.text))[0]]
        if not texts:
            return False
        columns = sum(1 for c in texts if self.headers.columns(c.text))
        words = sum(1 for c in texts if self.headers.is_header_word(c.text))
        groups = sum(1 for c in texts if self.headers.group(c.text) is not None)
        # a row without numbers naming columns, or the column groups of a table whose rows are
        # printed as column groups (行政复议 | 行政诉讼, or 行政诉讼（复议后起诉） over its columns)
        if columns >= 1:
            return True
        # group names followed only by empty cells are that row's labels with blank values
        # (行政诉讼 | 复议后起诉 | | | | |) — unless the columns they head are named on the next row
        start = next((i for i, c in enumerate(cells) if c.kind is not Kind.BLANK), len(cells))
        first_blank = next((i for i in range(start, len(cells)) if cells[i].kind is Kind.BLANK), len(cells))
        if first_blank < len(cells) and all(c.kind is Kind.BLANK for c in cells[first_blank:]):
            return below is not None and not any(c.has_digits for c in below) and self._is_header_row(below)
        return words >= 2 or groups >= 1

    # --- one data row ---------------------------------------------------------------------------
    def _band_fits(self, cells: list[Cell]) -> bool:
        """Whether the header band describes this row. A number left of every column the header
        names, or a row label under a column header, means it does not (a converter's broken
        header band, one-row tables that only share a width): the row then speaks for itself."""
        band = self._aligned_band()
        if band is None:
            return False
        positions = band.named(self.headers)
        if not positions:
            return False
        start, stop = min(positions), max(positions)
        if len(positions) < self._fewest_columns and any(c.has_digits and c.col > stop for c in cells):
            # numbers right of a band that names fewer columns than any block has: the band lost
            # its other headers (merged into one cell, printed as lines), it does not place them
            return False
        # a number before the row's label is its serial number (a 序号 column), not a value
        label_at = max((c.col for c in cells if c.kind is Kind.TEXT and c.end <= start), default=-1)
        return not any(c.has_digits and c.end <= start and c.col > label_at for c in cells) and not any(
            c.kind is Kind.TEXT and c.col >= start and self._match_text(c.text) is not None for c in cells
        )

    def _split(self, cells: list[Cell]) -> tuple[list[Cell], list[Cell], list[Cell]]:
        """(index cells before the label, label cells, value cells)."""
        band = self._aligned_band()
        if band is not None:
            positions = band.named(self.headers)
            if positions:
                start, stop = min(positions), max(positions)
                labels = [c for c in cells if c.end <= start and c.kind is Kind.TEXT]
                prefix = [c for c in cells if c.end <= start and c.kind is not Kind.TEXT]
                values = [c for c in cells if c.col >= start and c.col <= stop]
                if labels and not any(c.has_digits for c in values):
                    # a wrapped label's last characters pushed into the first value column
                    # (「理 由 逾 期 不 | 补」): words that continue the label are no values
                    while (
                        values
                        and values[0].kind is Kind.TEXT
                        and label_piece("".join(c.text for c in labels) + values[0].text)
                    ):
                        piece = values.pop(0)
                        labels[-1] = replace(labels[-1], text=labels[-1].text + piece.text)
                extra = [c for c in cells if c.col > stop and c.has_digits]
                for c in extra:
                    self._unplaced(c, "数字位于表格规定栏目之外")
                cut = next((v for v in values if extra and _cut_number(v, extra[0])), None)
                if cut is not None:
                    # an amount's last digits and unit set in the cell beside the table's last
                    # column (pymupdf4llm: 「75394432.5 | 2元」): the amount as printed is not it
                    self._unplaced(cut, "与右侧栏目外的数字相邻，可能是同一个数字被拆开")
                    values = [v if v is not cut else replace(v, text="", kind=Kind.BLANK) for v in values]
                return prefix, labels, values
        # the label is every word before the first number (empty cells between a spanning group
        # label and the row's own label included); the values are what follows the last word
        first_digit = next((i for i, c in enumerate(cells) if c.has_digits), len(cells))
        words = [i for i in range(first_digit) if cells[i].kind is Kind.TEXT]
        if not words:
            return [], [], cells
        first_text, end = words[0], words[-1]
        return cells[:first_text], [cells[i] for i in words], cells[end + 1 :]

    def _read_row(self, cells: list[Cell], before: list[Paragraph], after: list[Paragraph]) -> None:
        # an unlabelled row of numbers waits one row for a label with empty cells, no longer
        self._orphan, self.state.orphan = self.state.orphan, []
        self._outside_label = None
        self._read_row_cells(cells, before, after)
        self._drop_orphan(self._orphan)
        self._orphan = []

    def _read_row_cells(self, cells: list[Cell], before: list[Paragraph], after: list[Paragraph]) -> None:
        """`before`/`after`: short lines printed just above / below this row's one-row table —
        its label, or the halves of its wrapped label, stand on either side."""
        st = self.state
        if self.trace is not None:
            self.trace.append(
                f"row {[c.text for c in cells]} before={[p.text for p in before]} "
                f"after={[p.text for p in after]} pending={st.pending and st.pending[0].row.key}"
            )
        self._row = cells
        outside = bool(before or after)
        self._outside_mark = len(self._seen_outside)  # the lines seen beside the rows before this one
        for p in (*before, *after):
            self._seen_outside.setdefault(id(p), p)
        if self._only_headers(cells) and self._numbers_in_headers(cells):
            # a row of column headers with numbers in them and no row label (`| | 制作数量 0 |`)
            st.displaced = True
            cells = [_without_numbers(c) if c.kind is Kind.TEXT else c for c in cells]
        st.row_off_band = False
        st.row_off_band = not self._band_fits(cells)
        prefix, label_cells, values = self._split(cells)
        for c in prefix:
            if c.has_digits:
                self._unplaced(c, "表格栏目前的数字（视为序号）")
        has_digits = any(c.has_digits for c in values)
        match: tuple[RowMatch, Cell | None] | None = None
        if label_cells:
            match = self._match_label(label_cells)
            if match is None and has_digits:
                match = self._continued_pending(label_cells[-1].text)
            fragment = all(_is_fragment(c.text) for c in label_cells)
            if match is None and outside and not fragment:
                own = label_cells[-1].text
                hit = self._match_outside(before, after, own, has_digits)
                shared = self._earlier_owner(own, hit[0]) if hit is not None and has_digits else None
                if hit is not None and shared is not None:
                    # the row's own words end the label of an earlier row as well as the one the
                    # line outside names (「行政机关不再处理其政府信息公」 ends （六）1 and （六）2):
                    # the line may be the next row's
                    self._in_doubt(values, f"栏目名称“{_short(own)}”", shared, hit[0], "")
                    return
                if hit is not None:
                    # the whole label, the line outside included, so its wrapped rest can follow
                    match = (self._take_outside(hit), replace(label_cells[-1], text=hit[2]))
            if match is None and fragment:
                # pieces of a vertical label (本 / （三）不 / 年 度 办) beside a row whose own label
                # is printed elsewhere: the row is unlabelled
                label_cells = []
            elif match is None:
                if not has_digits and self._extend_pending(label_cells[-1].text):
                    return
                self._commit_pending()
                for c in values:
                    if c.has_digits:
                        self._unplaced(c, f"栏目“{_short(label_cells[-1].text)}”不是{self.table.title}的栏目")
                return
        if (
            match is None
            and not label_cells
            and st.pending is not None
            and has_digits
            and not (st.pending_outside and self._match_outside(before, after, "", has_digits))
        ):
            # a label printed with empty cells, its numbers on the next row: that row's numbers
            # (not when the label was printed outside and this row has a label of its own there)
            match = st.pending
            st.pending, st.pending_blanks = None, []
        if match is None and not label_cells and outside and (has_digits or before):
            # a row of empty cells takes only a label printed above it: one below may as well
            # belong to the numbers that follow
            hit = self._match_outside(before, after if has_digits else [], "", has_digits)
            if hit is not None and has_digits:
                skipped = self._skipped_label(hit, before, after)
                if skipped is not None:
                    # a label printed earlier, not taken, names a row between the last one read
                    # and this one: a text extractor printed the labels out of their rows' order
                    # (a tall group's labels by column) — the numbers could be either row's
                    self._in_doubt(
                        values,
                        "这一行没有栏目名称，",
                        skipped,
                        hit[0],
                        "（表外的栏目名称顺序与行的顺序不符）",
                    )
                    return
            if hit is not None:
                match = (self._take_outside(hit), None)
        if match is None:
            self._commit_pending()
            if self.table.layout == "flat" and (has_digits or (values and st.band is not None)):
                # a column-group table's data row, numbers or blanks, under its header band
                self._flat_row(values)
                return
            if not has_digits:
                return
            if self.table.layout == "flat":
                self._flat_row(values)
                return
            st.orphan = values
            return
        m, label_cell = match
        if m.row.group and has_digits and outside:
            # a group label (（四）无法提供) beside the numbers of its first sub-row, whose own
            # label stands outside the table
            sub = self._match_outside(before, after, "", has_digits)
            if sub is not None and not sub[0].row.group:
                m, label_cell = self._take_outside(sub), None
        if self._orphan and not m.row.group and all(not c.text for c in values):
            # numbers printed on the row above their label, the label's own cells empty
            values, self._orphan = self._orphan, []
            has_digits = True
        self.out.labels_matched += 1
        self._commit_pending()
        st.after = m.index
        st.block = m.block
        if m.row.group:
            for c in values:
                if c.has_digits:
                    self._unplaced(c, f"“{_short(m.row.label.official)}”是分组栏目，不应填写数字")
            if has_digits:
                self.out.misfit += 1
            return
        if not values or not has_digits:
            st.pending_outside = label_cell is None and self._outside_label is not None
            if st.pending_outside:
                # the label printed outside above a row of empty cells: the row's numbers may
                # still come on the next row, under the rest of a vertical group label
                text, prov = self._outside_label  # type: ignore[misc]
                label_cell = Cell(text, prov, 0, 0, 1, 1, Kind.TEXT)
            if label_cell is not None and not values:
                st.pending = (m, label_cell)
                return
            if label_cell is not None and all(c.kind is Kind.BLANK for c in values):
                # printed blank — unless the next row carries this label's numbers (a wrapped label)
                st.pending, st.pending_blanks = (m, label_cell), values
                return
        self._place_row(m, label_cell, values)

    def _pending_continued_by(self, text: str) -> tuple[RowMatch, Cell] | None:
        """The label printed with empty cells just above, when `text` is its wrapped rest."""
        pending = self.state.pending
        if pending is None:
            return None
        m, cell = pending
        if cell is None:
            return None
        joined = _match_row(self.table.template_id, self.table.id, cell.text + text, m.index - 1)
        return (m, cell) if joined is not None and joined.row.key == m.row.key else None

    def _continued_pending(self, text: str) -> tuple[RowMatch, Cell | None] | None:
        """The row under a label printed with empty cells, its own label cell the wrapped rest of
        that label (「1.本机关不掌」 over 「握相关政府信」 beside the numbers): the label's row."""
        hit = self._pending_continued_by(text)
        if hit is not None:
            self.state.pending, self.state.pending_blanks = None, []
        return hit

    def _extend_pending(self, text: str) -> bool:
        """A row of empty cells whose label cell continues the pending label (「1.申请人无正当理由
        逾期」 over 「不补正、行政机关不再」): the label grows and its numbers may still follow."""
        hit = self._pending_continued_by(text)
        if hit is None:
            return False
        m, cell = hit
        self.state.pending = (m, replace(cell, text=cell.text + text))
        return True

    def _drop_orphan(self, values: list[Cell]) -> None:
        for c in values:
            if c.has_digits:
                self._unplaced(c, "这一行没有栏目名称，无法确定数字所属的行")

    def _commit_pending(self) -> None:
        """A label row with blank values and no numbers after it: the blanks are its cells."""
        st = self.state
        pending, blanks = st.pending, st.pending_blanks
        st.pending, st.pending_blanks = None, []
        if pending is not None and blanks:
            self._place_row(pending[0], pending[1], blanks)

    def _match_label(self, label_cells: list[Cell]) -> tuple[RowMatch, Cell] | None:
        for i, c in enumerate(reversed(label_cells)):
            m = self._match_text(c.text)
            if m is not None:
                if i > 0 and not m.row.group:
                    # the row's own label was not recognised, only a label spanning rows beside it
                    continue
                return m, c
        joined = "".join(c.text for c in label_cells)
        m = self._match_text(joined)
        if m is not None and len(label_cells) > 1:
            return m, label_cells[-1]
        return None

    def _match_outside(
        self, before: list[Paragraph], after: list[Paragraph], own: str, has_digits: bool
    ) -> tuple[RowMatch, Paragraph, str] | None:
        """A label printed outside a one-row table — above it or below it, alone or completing the
        row's own fragment of it (「（二）部分公开（区分处理」 + 「的，只计这一情形，不计其」): of the
        lines not yet taken, the one naming the row that comes next in the template. Only rows
        after the last one read qualify, so a stray wrapped tail never reaches back. A row of
        numbers is not named by a group label (（四）无法提供 printed beside its first sub-row's
        label) while a line naming a row that takes numbers stands beside it."""
        best: tuple[RowMatch, Paragraph, str] | None = None
        above = [(p, p.text + own) for p in reversed(before)]
        below = [(p, own + p.text) for p in after]
        candidates = above if self.outside == "above" else below if self.outside == "below" else above + below

        def rank(m: RowMatch) -> tuple[bool, int]:
            return (has_digits and m.row.group, m.index)

        for p, printed in candidates:
            if id(p) in self._used_outside:
                continue
            # a vertical label's piece (本 / 年 / 三) printed at the head of the line is not its words
            text = _VERTICAL_PIECES.sub("", printed)
            m = _match_row(self.table.template_id, self.table.id, text, self.state.after)
            if m is None and text != printed:
                text = printed
                m = _match_row(self.table.template_id, self.table.id, text, self.state.after)
            if m is not None and (best is None or rank(m) < rank(best[0])):
                best = (m, p, text)
        if best is None and self.outside != "below":
            best = self._match_joined_above(before, own)
        return best

    def _match_joined_above(
        self, before: list[Paragraph], own: str
    ) -> tuple[RowMatch, Paragraph, str] | None:
        """A label wrapped over several lines above its one-row table, the pieces of the vertical
        group label beside it printed between them (「2.申请人逾期未按收」「其他处」「费通知要求缴纳费」
        「理」, then 「用、行政机关不再处」 in the row): the nearest lines joined in order, the pieces
        left out, must begin the official wording of a row still to come."""
        lines: list[Paragraph] = []
        # the label may begin on a line printed after the table before (「2.申请人逾期未」 under
        # 「（六」, then 「其他处」's one-row table, then 「按收费通知要求」…): the lines seen so far
        here = {id(p) for p in before}
        seen = list(self._seen_outside.values())[: self._outside_mark]
        earlier = [p for p in seen if id(p) not in here]
        for p in reversed(earlier + before):
            if id(p) in self._used_outside:
                break
            if self._group_piece(p.text):
                continue
            lines.insert(0, p)
            if len(lines) > _MAX_JOINED_LINES:
                break
            if len(lines) < 2:
                continue
            text = "".join(q.text.strip() for q in lines) + own
            m = _match_row(self.table.template_id, self.table.id, text, self.state.after)
            if m is not None and not m.row.group:
                self._joined[id(lines[0])] = lines
                return (m, lines[0], text)
        return None

    def _group_piece(self, text: str) -> bool:
        """A few characters of a group label printed top to bottom beside its rows (「其他处」「理」
        「（六）」 of （六）其他处理)."""
        piece = core(text).replace(" ", "")
        return 0 < len(piece) <= 4 and any(
            piece in g for g in _group_labels(self.table.template_id, self.table.id)
        )

    def _in_doubt(self, values: list[Cell], what: str, first: RowMatch, second: RowMatch, why: str) -> None:
        """A row of numbers that could be either of two rows: reported, not placed."""
        self._commit_pending()
        a, b = _short(first.row.label.official), _short(second.row.label.official)
        for c in values:
            if c.has_digits:
                self._unplaced(c, f"{what}可能属于“{a}”或“{b}”{why}")

    def _skipped_label(
        self, hit: tuple[RowMatch, Paragraph, str], before: list[Paragraph], after: list[Paragraph]
    ) -> RowMatch | None:
        """A line outside the table seen beside an earlier row, not taken, that names a row after
        the last one read and before `hit`'s, whose cells are still empty."""
        here = {id(p) for p in (*before, *after)}
        for p in self._seen_outside.values():
            if id(p) in self._used_outside or id(p) in here:
                continue
            text = _VERTICAL_PIECES.sub("", p.text)
            m = _match_row(self.table.template_id, self.table.id, text, self.state.after)
            if m is None or m.row.group or not self.state.after < m.index < hit[0].index:
                continue
            if self._row_empty(m.row):
                return m
        return None

    def _earlier_owner(self, own: str, m: RowMatch) -> RowMatch | None:
        """A row after the last one read and before `m`, still empty, whose label holds the
        row's own words too."""
        piece = core(own).replace(" ", "")
        if len(piece) < 4:
            return None
        for e in self.labels.entries[self.state.after + 1 : m.index]:
            if not e.row.group and any(piece in form for form, _ in e.forms) and self._row_empty(e.row):
                return RowMatch(e.row, e.index, e.block, FUZZY)
        return None

    def _row_empty(self, row: RowDef) -> bool:
        """No cell of the row has been read yet."""
        prefix = f"{self.table.id}.{row.key}."
        return not any(k.startswith(prefix) for k in self.out.cells)

    def _take_outside(self, hit: tuple[RowMatch, Paragraph, str]) -> RowMatch:
        """The row takes the line outside the table as its label: no other row may, and the
        label is checked against the official wording like one printed in a cell."""
        m, p, text = hit
        self._used_outside.add(id(p))
        for q in self._joined.pop(id(p), ()):
            self._used_outside.add(id(q))
        self._outside_label = (text, p.prov)
        self.out.outside_used += 1
        return m

    def _match_text(self, text: str) -> RowMatch | None:
        st = self.state
        m = _match_row(self.table.template_id, self.table.id, text, st.after)
        if m is None and st.after >= 0:
            m = _match_row(self.table.template_id, self.table.id, text, -1)
        if m is None:
            rest = self._after_note(text)
            if rest:
                # the corner's note and the first row's label in one cell: the ruling between
                # them was not drawn (LibreOffice's PDF of a label column under a tall corner)
                return self._match_text(rest)
        if m is None and self.table.layout == "flat":
            # a column-group table printed a row per group: 行政诉讼（复议后起诉） | 12 | 1 | …
            g = self.headers.group(text)
            if g is not None:
                e = next(e for e in self.labels.entries if e.row.key == g.row.key)
                m = RowMatch(e.row, e.index, e.block, VARIANT)
        return m

    def _after_note(self, text: str) -> str | None:
        """What follows the table's corner note (（本列数据的勾稽关系为：…）) at the head of `text`."""
        note = self.table.note
        m = _LEADING_NOTE.match(text)
        if not note or m is None or core(m.group()) != core(note):
            return None
        return text[m.end() :]

    # --- values onto columns --------------------------------------------------------------------
    def _place_row(self, m: RowMatch, label_cell: Cell | None, values: list[Cell]) -> None:
        if self.trace is not None:
            self.trace.append(f"  -> {m.row.key} ({m.quality}) values {[c.text for c in values]}")
        block = self.table.blocks[m.block]
        self.out.rows_matched += 1
        if m.quality == EXACT:
            self.out.rows_exact += 1
        if self._outside_label is not None:
            text, prov = self._outside_label
            self.out.labels.append(LabelRow(m.row, block, text, prov, m.quality))
        elif label_cell is not None:
            self.out.labels.append(LabelRow(m.row, block, label_cell.text, label_cell.prov, m.quality))
        printed = label_cell.text if label_cell is not None and m.quality != EXACT else None
        assigned = self._columns(m.block, block, values)
        if self.state.displaced:
            # the row still shows which definition the table follows: its numbers fit its columns
            fits = assigned is not None
            for c in values:
                if c.has_digits:
                    self._unplaced(c, _DISPLACED, counted=not fits)
                    self.out.filled += fits
            return
        if assigned is None:
            self.out.misfit += 1
            why, self._refusal = self._refusal or "的数字个数与栏目不符，无法确定所属栏目", None
            for c in values:
                if c.has_digits:
                    self._unplaced(c, f"“{_short(m.row.label.official)}”行{why}")
            return
        if isinstance(assigned, Chunk):
            keys = [f"{self.table.id}.{m.row.key}.{c.key}" for c in assigned.columns]
            self._add_chunk(Chunk(keys, assigned.text, assigned.prov, assigned.columns, assigned.unit))
            return
        for cell, col in assigned:
            if col is None:
                if cell.has_digits:
                    self._unplaced(cell, f"“{_short(m.row.label.official)}”行的这个数字无法对应到栏目")
                continue
            self._put(f"{self.table.id}.{m.row.key}.{col.key}", cell, col, printed)

    def _is_header_text(self, cell: Cell) -> bool:
        """A column header, or a piece of one (its words only the headers' characters)."""
        return bool(cell.text) and bool(self.headers.columns(cell.text) or self._header_piece(cell))

    def _only_headers(self, cells: list[Cell]) -> bool:
        """Whether every text of the row is (a piece of) a column header once its numbers go."""
        texts = [_without_numbers(c) for c in cells if c.kind is Kind.TEXT]
        return bool(texts) and all(self._is_header_text(t) for t in texts)

    def _numbers_in_headers(self, cells: list[Cell]) -> bool:
        """Report the numbers printed inside column-header cells (`上一年项目数量 396`); True if
        there were any — such a cell holds a header and a data row's value run together."""
        found = False
        for c in cells:
            if c.kind is not Kind.TEXT or not STANDALONE_NUMBER.search(c.text):
                continue
            rest = _without_numbers(c)
            if not self._is_header_text(rest):
                continue
            found = True
            for number in STANDALONE_NUMBER.findall(c.text):
                # the same for every definition of the table: no evidence for or against one
                cell = replace(c, text=number, kind=Kind.NUM)
                self._unplaced(cell, f"数字印在栏目名称“{_short(rest.text)}”中", counted=False)
        return found

    def _header_piece(self, cell: Cell) -> bool:
        """Words only made of the characters of this table's column headers."""
        if cell.kind is not Kind.TEXT:
            return False
        text = core(cell.text)
        return bool(text) and set(text) <= _header_chars(self.table.template_id, self.table.id)

    def _flat_row(self, values: list[Cell]) -> None:
        """A row of a column-group table (表四) without a row label: each cell's row and column
        from its header path; when the header does not resolve every cell, by count."""
        band = self._aligned_band()
        if not any(c.has_digits for c in values) and any(self._header_piece(c) for c in values):
            # the lowest line of a header band the band did not take (「维持」「纠正」「结果 审结」):
            # its words are no values
            return
        if band is not None and not any(c.kind is Kind.MULTI for c in values):
            resolved = [self._flat_cell(band, cell) for cell in values]
            lost = [c for r, c in zip(resolved, values, strict=True) if r is None and c.has_digits]
            named = [r[0] for r in resolved if r is not None]
            # every number under a header naming its cell; or all of the table's cells so named,
            # once each, and a number under a header naming none (LibreOffice's HTML gives 行政复议's
            # 总计 a second column under 行政诉讼): that one is reported, not placed
            whole = len(set(named)) == len(named) == len(self.table.cell_keys)
            # two cells under one header path: a group label centred over its columns was taken
            # to span the next group's (未经复议直接起诉 continued over 复议后起诉's first columns)
            by_count = len(values) == len(self.table.cell_keys) and all(
                c.kind in (Kind.NUM, Kind.BLANK) for c in values
            )
            if (not lost or whole) and (len(set(named)) == len(named) or not by_count):
                placed_any = False
                for r, cell in zip(resolved, values, strict=True):
                    if r is not None:
                        self._put(r[0], cell, r[1], None)
                        placed_any = True
                for cell in lost:
                    self._unplaced(cell, f"{self.table.title}这一栏的栏目名称不对应任何栏目")
                if placed_any:
                    self.out.rows_matched += 1
                return
        if not any(c.has_digits for c in values) or any(c.kind in (Kind.TEXT, Kind.PROSE) for c in values):
            # by count only a row of numbers and blanks: words are no table values
            for c in values:
                if c.has_digits:
                    self._unplaced(c, f"{self.table.title}的这一行无法对应到栏目")
            return
        keys = [(k, col) for k, _b, _r, col in self.table.cells()]
        filled = [c for c in values if c.kind is not Kind.BLANK or c.text]
        cells = values if len(values) == len(keys) else filled
        parts = _expand(values)
        # a cell holding two numbers beside an empty one (`| | 0 0 |`: a converter put 尚未审结's
        # number into 总计's cell) is one number per column only as a chunk the arithmetic checks
        if len(cells) == len(keys) and not (parts is not None and len(parts) == len(keys)):
            for (key, col), cell in zip(keys, cells, strict=True):
                self._put(key, cell, col, None)
            self.out.rows_matched += 1
            return
        if parts is not None and len(parts) == len(keys):
            self._add_chunk(
                Chunk([k for k, _ in keys], " ".join(parts), values[0].prov, [c for _, c in keys])
            )
            self.out.rows_matched += 1
            return
        self.out.misfit += 1
        for c in values:
            if c.has_digits:
                self._unplaced(c, f"{self.table.title}的数字个数与栏目不符，无法确定所属栏目")

    def _flat_cell(self, band: _Band, cell: Cell) -> tuple[str, ColumnDef] | None:
        group = self.state.outside_group
        for h in band.path(cell):
            g = self.headers.group(h.text)
            if g is not None:
                group = g
        if group is None:
            return None
        path = band.path(cell)
        found = next(
            (f for h in reversed(path) if (f := self.headers.columns(h.text, block=group.block))), []
        )
        if not found and cell.end - cell.col == 1:
            found = _joined_columns(self.headers, path, group.block)
        if not found:
            return None
        return f"{self.table.id}.{group.row.key}.{found[0].column.key}", found[0].column

    def _columns(
        self, b: int, block: BlockDef, values: list[Cell]
    ) -> list[tuple[Cell, ColumnDef | None]] | Chunk | None:
        band = self._aligned_band()
        if any(c.kind is Kind.MULTI for c in values):
            band = None  # a cell holding two numbers covers two columns: only the count can tell
        by_header: list[ColumnDef | None] = []
        if band is not None and self._carried_elsewhere(band, values):
            self.out.uncertain_rows += 1
            self._refusal = _CARRIED
            return None
        if band is not None:
            by_header = [self._header_column(band, cell, b) for cell in values]
        canonical = list(block.value_columns)
        # optional columns (小计) only where the table's header prints them
        every = [c for c in block.columns if c.canonical or c.key in self.state.optional_seen]
        # header resolves every value cell, each to its own column (padding cells aside)
        if by_header and all(c is not None for c in by_header):
            deduped = _dedupe(values, by_header)
            if all(col is not None for _, col in deduped):
                return deduped
        if b in self.state.reordered:
            # the columns stand in another order than the template's: counting values would
            # put them in the wrong columns; only the header can place them
            if by_header and any(c is not None for c in by_header):
                return _dedupe(values, by_header)
            return None
        pairs = list(zip(values, by_header or [None] * len(values), strict=True))
        multi = any(c.kind is Kind.MULTI for c in values)
        refused: str | None = None
        for cols in () if multi else (canonical, every) if every != canonical else (canonical,):
            fitted = _fit(pairs, len(cols))
            if fitted is not None and all(
                h is None or h.key == c.key for (_, h), c in zip(fitted, cols, strict=True)
            ):
                if (
                    band is None
                    and len(cols) > 1
                    and _empty(fitted[0][0])
                    and any(c.has_digits for c, _ in fitted)
                ):
                    # without a header to place it, an empty first cell may be the padding of a
                    # label column as well as a blank first column: which cells are blank is unknown
                    self.out.uncertain_rows += 1
                    return None
                digits = any(c.has_digits for c, _ in fitted)
                if (
                    band is None
                    and digits
                    and _empty(fitted[-1][0])
                    and not self._padding_explained(pairs, fitted)
                ):
                    # cells dropped as padding and a blank kept at the end: without a header,
                    # which of the row's empty cells are blank columns is unknown (a PDF table
                    # extractor splits a column at a text edge as readily as it drops a blank one)
                    refused = refused or _BLANKS_UNKNOWN
                    continue
                if (
                    band is None
                    and digits
                    and len(pairs) > len(cols)
                    and self._band_contradicts(b, fitted, cols)
                ):
                    refused = _CONTRADICTED
                    continue
                return [(cell, col) for (cell, _), col in zip(fitted, cols, strict=True)]
        if refused is not None:
            # no column set fits the row as printed without a guess
            self.out.uncertain_rows += 1
            self.out.contradicted += refused == _CONTRADICTED
            self._refusal = refused
            return None
        parts = _expand([c for c, _ in (_fit(pairs, 0, edges_only=True) or pairs)])
        if parts is not None:
            for cols in (canonical, every):
                if len(parts) == len(cols):
                    return Chunk([], " ".join(parts), values[0].prov, cols)
        if by_header and any(c is not None for c in by_header):
            return _dedupe(values, by_header)
        return None

    def _carried_elsewhere(self, band: _Band, values: list[Cell]) -> bool:
        """A header band read in other grids, over a grid cut into more positions than the table
        has label levels and columns (a PDF table extractor draws each one-row table's column
        boundaries on its own), with a number where the band's own grids print none: the band's
        positions may be one off here. (A band printed without rows, a header repeated after a
        page break, has nothing to compare with.)"""
        if not band.printed or self._fragment in band.fragments or band.width <= self._finest:
            return False
        return any(c.has_digits and not set(range(c.col, c.end)) <= band.printed for c in values)

    def _padding_explained(
        self, pairs: list[tuple[Cell, ColumnDef | None]], fitted: list[tuple[Cell, ColumnDef | None]]
    ) -> bool:
        """Whether the cells counting dropped are the label columns the row's label leaves empty
        (「三、本年度办理结果 | （一）予以公开 | |」: the third label level), and no others."""
        if len(pairs) == len(fitted):
            return True
        first = next(i for i, p in enumerate(pairs) if p[0] is fitted[0][0])
        trailing = len(pairs) - first - len(fitted)
        labels = sum(1 for c in self._row if c.kind is Kind.TEXT and c.text.strip())
        return trailing == 0 and first <= self._label_depth - labels

    def _band_contradicts(
        self, b: int, fitted: list[tuple[Cell, ColumnDef | None]], cols: list[ColumnDef]
    ) -> bool:
        """Whether the header band above a row it does not describe as a whole still names, over
        one of the cells counting kept, another column than counting gives it: which of the row's
        extra cells are padding is then unknown (a PDF table extractor cut the header and the
        rows with their own column boundaries)."""
        band = self.state.band
        if band is None or not band.aligned or not self.state.aligned:
            return False
        positions = set(band.named(self.headers))
        if any(c.kind is Kind.TEXT and positions & set(range(c.col, c.end)) for c in self._row):
            return False  # the row's label under a column header: the band is not this row's
        for (cell, _), col in zip(fitted, cols, strict=True):
            if all(p in band.continued for p in range(cell.col, cell.end)):
                continue  # a label only continued over an empty header cell: a guess itself
            named = self._header_column(band, cell, b)
            if named is not None and named.key != col.key:
                return True
        return False

    def _header_column(self, band: _Band, cell: Cell, b: int) -> ColumnDef | None:
        """The column the header band names above `cell`: per position covered, the lowest header
        cell naming a column; a cell whose positions are named differently is not resolved."""
        named: dict[str, ColumnDef] = {}
        for pos in range(cell.col, cell.end):
            path = band.paths.get(pos, ())
            for i in range(len(path) - 1, -1, -1):
                h = path[i]
                found = self.headers.columns(h.text, block=b)
                if found:
                    best = _by_parent(found, path)
                    named.setdefault(best.column.key, best.column)
                    self._header_seen(h, best.quality)
                    # another column's label above it in the same position (总计 over 其他: a
                    # converter filled a merged cell with its neighbour's text): no header says
                    if any(
                        (up := self.headers.columns(a.text, block=b))
                        and best.column.key not in {u.column.key for u in up}
                        for a in path[:i]
                    ):
                        return None
                    break
            else:
                joined = _joined_columns(self.headers, path, b)
                if joined:
                    best = _by_parent(joined, path)
                    named.setdefault(best.column.key, best.column)
        return next(iter(named.values())) if len(named) == 1 else None

    def _header_seen(self, cell: Cell, quality: str) -> None:
        seen = self.__dict__.setdefault("_headers_counted", set())
        if id(cell) in seen:
            return
        seen.add(id(cell))
        if quality in (EXACT, "alias"):
            self.out.header_exact += 1
        else:
            self.out.header_other += 1

    def _put(self, key: str, cell: Cell, col: ColumnDef, printed: str | None) -> None:
        if cell.kind is Kind.MULTI:
            # two numbers are never one value (`447 7` is not 4477)
            self._unplaced(cell, "一个单元格中有多个数字，无法确定各自所属的栏目")
            return
        if key in self._contested:
            if cell.has_digits:
                self._unplaced(cell, _TWICE)
            return
        have = self.out.cells.get(key)
        if have is not None:
            if have.raw != cell.text and cell.has_digits:
                # two numbers for one cell: neither is its value (the first one read is no more
                # likely than the second) — both reported, the cell left null and named
                self._unplaced(cell, _TWICE)
                self.out.unplaced.append(Unplaced(have.raw or "", have.prov or cell.prov, _TWICE))
                self.out.digits_unplaced += bool(_DIGIT_RE.search(have.raw or ""))
                del self.out.cells[key]
                self._contested.add(key)
                if col.canonical:
                    self.out.placed -= 1
            return
        self.out.cells[key] = CellRead(key, cell.text, cell.prov, col, printed)
        if col.canonical:
            self.out.placed += 1
            self.out.filled += cell.has_digits or bool(_DIGIT_RE.search(cell.text))

    def _add_chunk(self, chunk: Chunk) -> None:
        self.out.chunks.append(chunk)
        self.out.placed += len(chunk.keys)
        self.out.filled += len(chunk.keys)

    def _unplaced(self, cell: Cell, reason: str, counted: bool = True) -> None:
        """Report a number no cell takes; `counted`: as evidence against this definition."""
        if self.trace is not None:
            self.trace.append(f"  unplaced {cell.text!r}: {reason}")
        self.out.unplaced.append(Unplaced(cell.text, cell.prov, reason))
        self.out.digits_unplaced += counted and bool(_DIGIT_RE.search(cell.text))


def _dedupe(values: list[Cell], cols: list[ColumnDef | None]) -> list[tuple[Cell, ColumnDef | None]]:
    """Value cells whose header names the same column (a span flattened into several cells): the
    one with content is the cell, empty ones are padding."""
    out: list[tuple[Cell, ColumnDef | None]] = []
    seen: dict[str, int] = {}
    for cell, col in zip(values, cols, strict=True):
        if col is None:
            out.append((cell, None))
            continue
        if col.key in seen:
            j = seen[col.key]
            if out[j][0].kind is Kind.BLANK and not out[j][0].text and cell.kind is not Kind.BLANK:
                out[j] = (cell, col)
            elif cell.kind is Kind.BLANK and not cell.text:
                pass
            else:
                out.append((cell, None))
            continue
        seen[col.key] = len(out)
        out.append((cell, col))
    return out


def _without_numbers(cell: Cell) -> Cell:
    return replace(cell, text=" ".join(STANDALONE_NUMBER.sub(" ", cell.text).split()))


def _empty(cell: Cell) -> bool:
    return cell.kind is Kind.BLANK and not cell.text


_CUT_TAIL = re.compile(r"^\d+(?:元|万元)?$")


def _cut_number(value: Cell, beside: Cell) -> bool:
    """A decimal amount whose last digits (and unit) stand in the next cell, right of the table's
    last column — not a merged cell repeated (the same text twice)."""
    a, b = value.text.strip(), beside.text.strip()
    return value.end == beside.col and "." in a and a != b and bool(_CUT_TAIL.match(b))


def _fit(
    pairs: list[tuple[Cell, ColumnDef | None]], n: int, edges_only: bool = False
) -> list[tuple[Cell, ColumnDef | None]] | None:
    """The row's value cells, fitted to `n` columns: empty cells at either end are padding (a
    label column, trailing tabs); so are empty cells between values when dropping all of them
    leaves exactly `n` (the filler cells of a span that a converter flattened)."""
    out = list(pairs)
    while len(out) > n and out and _empty(out[0][0]):
        out.pop(0)
    while len(out) > n and out and _empty(out[-1][0]):
        out.pop()
    if edges_only:
        return out
    if len(out) > n:
        filled = [p for p in out if not _empty(p[0])]
        if len(filled) == n:
            out = filled
    return out if len(out) == n else None


def _expand(values: list[Cell]) -> list[str] | None:
    """The numbers of a row whose cells hold several each (`447 7 | 0 0`), in order. Empty cells
    between them are skipped: the caller accepts the numbers only when there is exactly one per
    column, so an empty cell can only have been padding (and every cell of the split is named by
    the CELL_RECOVERED finding the solver's result carries)."""
    if not any(c.kind is Kind.MULTI for c in values):
        return None
    parts: list[str] = []
    for c in values:
        if c.kind is Kind.BLANK and not c.text:
            continue
        if c.kind not in (Kind.NUM, Kind.MULTI):
            return None
        parts.extend(_NUMBER_RE.findall(unicodedata.normalize("NFKC", c.text)))
    return parts


def _joined_columns(
    headers: HeaderIndex, path: list[Cell] | tuple[Cell, ...], block: int | None = None
) -> list[ColumnMatch]:
    """The column a header broken into pieces within one position names (「科研机」 over 「构」:
    a PDF table extractor cut the wrapped header cell line by line), in its own words only — the
    pieces below the lowest header word, joined top to bottom, at least two of them."""
    pieces: list[str] = []
    for h in reversed(path):
        if not h.text.strip():
            continue
        if headers.is_header_word(h.text):
            break
        pieces.insert(0, h.text)
    for i in range(len(pieces) - 1):
        found = headers.columns("".join(pieces[i:]), block=block)
        good = [m for m in found if m.quality in (EXACT, ALIAS)]
        if good:
            return good
    return []


def _by_parent(found: list[ColumnMatch], path: list[Cell] | tuple[Cell, ...]) -> ColumnMatch:
    """One wording for two columns (合计: the 小计 under 法人或其他组织, or the 总计): the one whose
    parent heads this column, else one without a parent."""
    if len(found) == 1:
        return found[0]
    above = {core(h.text) for h in path}
    for m in found:
        if m.column.parent and core(m.column.parent) in above:
            return m
    return next((m for m in found if not m.column.parent), found[0])


@lru_cache(maxsize=1 << 16)
def _match_row(template_id: str, table_id: str, text: str, after: int) -> RowMatch | None:
    # each grid is read with every definition: the same labels are asked about many times
    return label_index(template_id, table_id).match_row(text, after)


_MAX_JOINED_LINES = 3


@lru_cache(maxsize=64)
def _label_depth(template_id: str, table_id: str) -> int:
    """How many label columns the table's rows can take: the row's own, its group's (（三）不予公开)
    and, for result rows, the outcome's (三、本年度办理结果)."""
    table = header_index(template_id, table_id).table
    return max((1 + r.key.count(".") + r.result for r in table.rows if not r.group), default=1)


@lru_cache(maxsize=64)
def _group_labels(template_id: str, table_id: str) -> tuple[str, ...]:
    """The official wording of the table's group rows (（六）其他处理), as compared by `core`."""
    table = header_index(template_id, table_id).table
    return tuple(core(r.label.official).replace(" ", "") for r in table.rows if r.group)


@lru_cache(maxsize=64)
def _header_chars(template_id: str, table_id: str) -> frozenset[str]:
    """Every character of the table's column headers, in any of their wordings."""
    return frozenset(
        ch
        for b in header_index(template_id, table_id).table.blocks
        for c in b.columns
        for label in (c.label.official, *c.label.variants, *c.label.aliases)
        for ch in core(label)
    )


def _is_fragment(text: str) -> bool:
    """A few characters of a label broken over lines or printed vertically, not a label."""
    return len(strip_numbering(normalize(text))[1]) <= 4


def _short(text: str) -> str:
    t = text.strip().replace("\n", "")
    return t if len(t) <= 24 else t[:22] + "…"


def read_grid(
    fragments: list[Fragment], table: TableDef, trace: list[str] | None = None, outside: str = "nearest"
) -> GridRead:
    """Read `fragments` (one logical table, in order) with `table`'s definition."""
    return _Reader(table, trace, outside).read(fragments)


__all__ = ["GridRead", "LabelRow", "Unplaced", "read_grid"]
