"""Grids as the extractor sees them: fragments of rows of cells, and runs of fragments.

A *fragment* is one physical grid of the document: a `Table` block (HTML, DOCX, PDF ruling lines,
spreadsheets, OCR, Markdown pipe or grid tables), or a block of consecutive tab-separated lines.
Each row lists the distinct cells that cover it, left to right, so that a label spanning rows
(三、本年度办理结果, （三）不予公开) heads every row it covers.

Converters cut one logical table into many fragments (a table per page, per row, per group; a
header band printed as a table of its own; a row label printed outside its one-row table), so
fragments that follow each other with only *glue* between them — blank lines, page numbers, 续表,
a unit line, a lone row label — form a *run*, which the grid reader walks as one table.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache

from ..document import Document, Paragraph, Provenance, Table
from . import browser_copy, csv_lines
from .labels import match_heading, template_words
from .normalize import core, has_cjk
from .numbers import is_blank, looks_like_value


class Kind(Enum):
    NUM = "num"  # a number, possibly annotated (22（其中修订16件）, 270.6万元)
    MULTI = "multi"  # several numbers in one cell: adjacent columns merged by a converter ("447 7")
    BLANK = "blank"  # empty, or a blank marker (/, —, 无)
    TEXT = "text"  # words: a label, a header, a remark
    PROSE = "prose"  # a sentence: no label or header is one (converters lay prose out as tables)


_MULTI_RE = re.compile(r"^[+-]?\d[\d.,]*(?:\s+[+-]?\d[\d.,]*)+$")
_WRAPPED_RE = re.compile(r"^[+-]?\d[\d.,]*(?:\n\d[\d.,]*)+$")
_HAS_DIGIT_RE = re.compile(r"\d")


@lru_cache(maxsize=1 << 15)
def kind_of(text: str, wraps: bool = False) -> Kind:
    """`wraps`: the text comes from a page (PDF, scan), where a number too wide for its cell
    continues on the next line — digits broken only by line breaks are then one number."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t or is_blank(t):
        return Kind.BLANK
    if _MULTI_RE.match(t) and not (wraps and _WRAPPED_RE.match(t)):
        return Kind.MULTI
    if looks_like_value(t) and _HAS_DIGIT_RE.search(t):
        return Kind.NUM
    if len(t) > 80 or _SENTENCE_RE.search(t):
        return Kind.PROSE
    return Kind.TEXT


_SENTENCE_RE = re.compile(r"[。；！？]")


@dataclass(frozen=True)
class Cell:
    """One cell of a fragment: its text, where it was printed, its row and column."""

    text: str
    prov: Provenance
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    kind: Kind = Kind.TEXT

    @property
    def end(self) -> int:
        return self.col + self.colspan

    @property
    def has_digits(self) -> bool:
        return self.kind in (Kind.NUM, Kind.MULTI)


@dataclass
class Fragment:
    """One grid: `rows[r]` are the distinct cells covering physical row r, left to right."""

    rows: list[list[Cell]]
    width: int
    prov: Provenance
    block: int  # index of the first document block it came from
    # short lines printed between the previous fragment and this one: a row label printed outside
    # its one-row table, or the halves of a wrapped label around it
    before: list[Paragraph] = field(default_factory=list)
    after: list[Paragraph] = field(default_factory=list)  # … and just after it, up to the next
    blocks: tuple[int, ...] = ()  # every document block it came from
    # whether a cell's column index means the same column in every row: true for real grids,
    # false for tab-separated lines, whose merged cells leave a varying number of tabs
    aligned: bool = True

    @property
    def cells(self) -> list[Cell]:
        seen: dict[int, Cell] = {}
        for row in self.rows:
            for c in row:
                seen.setdefault(id(c), c)
        return list(seen.values())


@dataclass
class Run:
    """Fragments that follow each other with only glue between them."""

    fragments: list[Fragment] = field(default_factory=list)


def _counting(texts: list[str], least: int = 3) -> bool:
    """0, 1, 2, … — a dataframe's default row or column numbers."""
    return len(texts) >= least and texts == [str(i) for i in range(len(texts))]


_TUPLE_RE = re.compile(r"^\((?:'[^']*'|\"[^\"]*\")(?:, (?:'[^']*'|\"[^\"]*\"))+,?\)$")
_MANGLED_RE = re.compile(r"\.\d+$")


def _tuple_header(table: Table) -> Table:
    """A dataframe whose columns had a header of several rows prints each column's header as one
    tuple (`('申请人情况', '法人或其他组织', '商业企业')`, duplicates suffixed `.1`): its rows again."""
    top = [c for c in table.cells if c.row == 0]
    if not top or any(c.rowspan > 1 or c.colspan > 1 for c in table.cells):
        return table
    parts: dict[int, tuple[str, ...]] = {}
    for c in top:
        text = c.text.strip()
        if text and _TUPLE_RE.match(text):
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                return table
            parts[c.col] = tuple(_MANGLED_RE.sub("", str(v)) for v in value)
        elif text:
            return table
    depth = {len(p) for p in parts.values()}
    if len(parts) < 2 or len(depth) != 1:
        return table
    n = depth.pop()
    cells = [replace(c, row=c.row + n - 1) for c in table.cells if c.row > 0]
    for c in top:
        for i in range(n):
            cells.append(replace(c, text=parts[c.col][i] if c.col in parts else "", row=i))
    return replace(table, cells=cells)


def _without_frame_numbers(table: Table) -> Table:
    """A table as a dataframe dump prints it (pandas `to_csv`, `to_markdown`, `to_excel` with
    their defaults): the column numbers as a first row (`| | 0 | 1 | 2 |`) and the row numbers as
    a first column — numbers of nobody's table, which would be read as its cells."""
    if not any(c.text.strip() == "0" and (c.row == 0 or c.col == 0) for c in table.cells):
        return table  # numbering starts at 0 in the first row or column, or there is none
    n_rows, n_cols = table.n_rows, table.n_cols
    at = {
        (r, k): c.text.strip()
        for r, row in enumerate(table.grid())
        for k, c in enumerate(row)
        if c is not None
    }
    top = [at.get((0, k), "") for k in range(n_cols)]
    drop_row = _counting(top) or (top[0] == "" and _counting(top[1:]))
    first = [at.get((r, 0), "") for r in range(int(drop_row), n_rows)]
    heads = next((i for i, t in enumerate(first) if t), len(first))  # the header rows' empty corner
    # under an empty corner of a header band that heads the other columns, even one row's 0 is
    # its number: a row label column never holds a number
    band = [[at.get((r, k)) for k in range(1, n_cols)] for r in range(int(drop_row), int(drop_row) + heads)]
    cornered = any(all(row) for row in band) and all(all(row) or not any(row) for row in band)
    drop_col = _counting(first[heads:], 1 if cornered else 3) and (drop_row or heads > 0 or len(first) >= 5)
    if not (drop_row or drop_col):
        return table
    r0, c0 = int(drop_row), int(drop_col)
    cells = []
    for c in table.cells:
        # a cell spanning into the dropped row or column keeps the rest of its span
        row, rowspan = (c.row - r0, c.rowspan) if c.row >= r0 else (0, c.rowspan - r0)
        col, colspan = (c.col - c0, c.colspan) if c.col >= c0 else (0, c.colspan - c0)
        if rowspan > 0 and colspan > 0:
            cells.append(replace(c, row=row, col=col, rowspan=rowspan, colspan=colspan))
    return replace(table, cells=cells)


def _table_fragment(table: Table, block: int) -> Fragment | None:
    table = _without_frame_numbers(_tuple_header(table))
    n_rows, n_cols = table.n_rows, table.n_cols
    if n_rows == 0 or n_cols == 0:
        return None
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for tc in table.cells:
        if _is_page_number(tc.text):
            continue  # a page number caught inside the table (「- 3 -」, 「- 3」): not a cell
        prov = tc.prov
        if prov.table is None:
            prov = replace(prov, table=block, row=tc.row, col=tc.col)
        kind = kind_of(tc.text, wraps=prov.bbox is not None)
        cell = Cell(tc.text.strip(), prov, tc.row, tc.col, tc.rowspan, tc.colspan, kind)
        for r in range(tc.row, min(tc.row + tc.rowspan, n_rows)):
            for k in range(tc.col, min(tc.col + tc.colspan, n_cols)):
                grid[r][k] = cell
    rows = []
    for r in range(n_rows):
        seen: list[Cell] = []
        ids: set[int] = set()
        for c in grid[r]:
            if c is not None and id(c) not in ids:
                ids.add(id(c))
                seen.append(c)
        printed = " ".join(c.text for c in seen if c.text)
        if printed and _is_page_number(printed) and all(c.rowspan == 1 for c in seen if c.text):
            # a page footer a PDF table finder took in as a row, cut over cells: 「-」 「3 -」
            seen = [replace(c, text="", kind=Kind.BLANK) if c.text else c for c in seen]
        rows.append(seen)
    # a row shorter than the others (a converter left out the cells a label spans) puts its
    # cells at other column indexes than the rows around it
    widths = {sum(c.colspan for c in row) for row in rows if row}
    aligned = len(widths) <= 1
    if not aligned and all(c.rowspan == 1 and c.colspan == 1 for c in table.cells):
        rows, aligned = _right_aligned(rows, n_cols)
    prov = table.prov if table.prov.table is not None else replace(table.prov, table=block)
    return Fragment(rows, n_cols, prov, block, blocks=(block,), aligned=aligned)


@lru_cache(maxsize=1 << 12)
def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NO_RE.match(text) and re.search(r"[-—－–]", text))


def _right_aligned(rows: list[list[Cell]], width: int) -> tuple[list[list[Cell]], bool]:
    """A table written without spans (a pipe table) whose short rows lost the cells a label or a
    header spans from above — those cells sit at the left, so the row's own cells are its last
    ones. Shifted to the right end, the columns line up again when every row holding numbers is
    full width (only header rows were short), or when every such row's values, shifted, start
    at one column: a sub-row without its group's label (「（二）部分公开 | 3 | | …」 under
    「三、本年度办理结果 | （一）予以公开 | 258 | …」) then sits under the row that has it."""
    out = []
    for row in rows:
        shift = width - len(row)
        out.append([replace(c, col=c.col + shift) for c in row] if shift > 0 else row)
    numbered = [row for row in rows if any(c.has_digits for c in row)]
    if all(len(row) == width for row in numbered):
        return out, True
    starts = {width - len(row) + _leading_labels(row) for row in numbered}
    if len(starts) == 1 and all(_leading_labels(row) for row in numbered):
        return out, True
    return rows, False


def _leading_labels(row: list[Cell]) -> int:
    n = 0
    for c in row:
        if c.kind not in (Kind.TEXT, Kind.PROSE):
            break
        n += 1
    return n


def _tab_row(paragraph: Paragraph) -> list[Cell] | None:
    """A tab-separated line as a row of cells. Leading tabs are indentation; trailing ones are
    the empty cells of the row (「行政强制\t\t\t」 is a label and three blank cells)."""
    text = paragraph.text.rstrip("\r\n")
    if "\t" not in text:
        return None
    pieces = text.split("\t")
    while pieces and not pieces[0].strip(" \u3000\u00a0"):
        pieces.pop(0)
    if len(pieces) < 2:
        return None
    return [
        Cell(p.strip(" \u3000\u00a0\r"), replace(paragraph.prov, col=i), 0, i, 1, 1, kind_of(p))
        for i, p in enumerate(pieces)
    ]


# glue: what may stand between two fragments of one table
_PAGE_NO_RE = re.compile(
    r"^\s*(?:[-—－–]\s+\d{1,3}\s*[-—－–]?|[-—－–]\s*\d{1,3}\s*[-—－–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})\s*$"
)
_GLUE_WORDS_RE = re.compile(r"^\s*(?:[（(]?续表?[)）]?|单位[:：].{0,6}|[（(]单位[:：].{0,6}[)）])\s*$")
_RULE_RE = re.compile(r"^[\s\-=_+|:—–]*$")


def is_glue(text: str) -> bool:
    t = text.strip()
    return not t or bool(_PAGE_NO_RE.match(t) or _GLUE_WORDS_RE.match(t) or _RULE_RE.match(t))


def _may_be_label(text: str) -> bool:
    """A short line that could be a row label printed outside its one-row table, or a piece of
    one (a wrapped half, one character of a vertical label)."""
    t = text.strip()
    if _LABEL_PUNCTUATION.fullmatch(t):
        return True  # the 「、」 of a vertical 「三、本年度办理结果」, on a line of its own
    return 1 <= len(t) <= 60 and has_cjk(t) and not re.search(r"[。；！？]", t)


_LABEL_PUNCTUATION = re.compile(r"[、，（）()]{1,2}")


# short lines that may stand between two fragments of one table: the halves of wrapped labels and
# the characters of vertical ones printed between one-row tables. Lines that are pieces of the
# templates' row labels do not count (a PDF extractor prints a group's five wrapped sub-labels, nine
# lines, between its one-row tables), up to a bound on all lines
_MAX_BETWEEN = 8
_MAX_LABEL_PIECES = 40


@lru_cache(maxsize=1 << 12)
def label_piece(text: str) -> bool:
    """A line that is part of some row label: `期不补正、行政机关不`, `重新出具已获取信息`."""
    piece = core(text).replace(" ", "")
    return bool(piece) and any(piece in label for label in template_words().row_labels)


def _crowded(between: list[Paragraph]) -> bool:
    """Too many lines between two fragments for them to be one table's."""
    others = sum(1 for p in between if not label_piece(p.text))
    return others >= _MAX_BETWEEN or len(between) >= _MAX_LABEL_PIECES


def fragments_of(doc: Document) -> list[Run]:
    """Every grid of the document, in reading order, grouped into runs."""
    runs: list[Run] = []
    current = Run()
    between: list[Paragraph] = []
    tab_rows: list[list[Cell]] = []
    tab_start = -1

    def flush_tabs() -> None:
        nonlocal tab_rows, between
        if tab_rows:
            width = max(c.end for row in tab_rows for c in row)
            rows = [[replace(c, row=r) for c in row] for r, row in enumerate(tab_rows)]
            widths = {sum(c.colspan for c in row) for row in rows}
            frag = Fragment(
                rows,
                width,
                rows[0][0].prov,
                tab_start,
                between,
                # no `blocks`: lines of tab-separated text stay open to the token walk, which
                # completes what their grid reading leaves unfound (a table's last block printed
                # as plain lines); marking them as grid blocks loses 表四 of a python-docx dump
                aligned=len(widths) <= 1,
            )
            add(frag)
        tab_rows = []

    def add(frag: Fragment) -> None:
        nonlocal between
        frag.before = between
        if current.fragments:
            current.fragments[-1].after = between
        current.fragments.append(frag)
        between = []

    def close_run() -> None:
        nonlocal current, between
        flush_tabs()
        if current.fragments:
            current.fragments[-1].after = between
            runs.append(current)
        current = Run()

    # blocks rebuilt from several lines (a browser's copy, CSV lines) keep the lines' indices in
    # the document, which the token walk's tokens carry
    items = csv_lines.rebuild_items(browser_copy.rebuild_items([((i,), b) for i, b in enumerate(doc.blocks)]))
    for origin, block in items:
        i = origin[0]
        if isinstance(block, Table):
            flush_tabs()
            frag = _table_fragment(block, i)
            if frag is None:
                continue
            frag.blocks = origin
            add(frag)
            continue
        row = _tab_row(block)
        if row is not None:
            if not tab_rows:
                tab_start = i
            tab_rows.append(row)
            continue
        if is_glue(block.text):
            continue
        flush_tabs()
        # a part heading (四、政府信息公开行政复议…) starts the next table's run: the lines under it
        # are that table's, never the tail of the table before
        if _may_be_label(block.text) and not _crowded(between) and match_heading(block.text) is None:
            between.append(block)
            continue
        close_run()
        between = [block] if _may_be_label(block.text) else []
    close_run()
    return runs


__all__ = ["Cell", "Fragment", "Kind", "Run", "fragments_of", "is_glue", "kind_of", "label_piece"]
