"""Markdown and the text that converters write: every kind of table they emit becomes a grid.

Converters (markitdown, pandoc, markdownify, spreadsheet exporters) write tables four ways, and a
report arrives in any of them, often in a file named `.txt`:

- pipe tables, with or without the `| --- |` delimiter line (markdownify writes one only under a
  header row), rows of any length (a row-spanned label is simply left out of the rows it spans);
- raw HTML `<table>` blocks, one tag per line (pandoc's GFM for tables with merged cells), read by
  the HTML reader's own grid builder;
- grid tables drawn with `+---+` and `|` (pandoc `plain`, `markdown`, `rst`), or with the box-drawing
  characters `┌─┬┐│├┼┤└┴┘` (text browsers: w3m, elinks), where a cell spans the columns and rows
  its borders enclose and wraps its text over lines. Widths are display widths: a CJK character
  takes two columns;
- AsciiDoc tables between `|===` lines (pandoc `asciidoc`): a cell starts at `|` with its spans
  before it (`3.2+|` spans 3 columns and 2 rows, `.2+|` 2 rows, `4+|` 4 columns), rows are filled
  left to right by the column count of the `cols` attribute, a cell's text may run over lines;
- inline markup inside cells and lines (`<u>23</u>`, `<br>`, `**…**`, links, `\\|`), removed so that
  it never breaks a number.

Every other line is a paragraph, with heading markers, list bullets and emphasis removed.
"""

from __future__ import annotations

import re
import unicodedata

from ..document import Document, Paragraph, Provenance, Table, TableCell, is_wide
from ..lazyre import lazy
from ..plugins import reader
from ._encoding import decode_text, looks_like_text
from .text import read_text

# a rule between rows: `---`, `:--:`, and links' `-----+----` where the rule crosses a column line
_DELIMITER_CELL = lazy(r"^\s*:?-+(?:\+-+)*:?\s*$")
_HEADING = lazy(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$")
_BULLET = lazy(r"^\s{0,3}(?:[-*+]|>)\s+")
# a PDF's page footer 「- 2 -」 reads as a list item「2 -」: it is kept whole, a page number
_PAGE_FOOTER = lazy(r"^\s*[-—－–]\s*\d{1,4}\s*[-—－–]\s*$")
_SPLIT = lazy(r"(?<!\\)\|")
_TAG = lazy(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BREAK_TAG = lazy(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)
_LINK = lazy(r"!?\[([^\]]*)\]\([^)]*\)")
_SPAN = lazy(r"\[([^\[\]]*)\]\{[^{}]*\}")
_QUOTE = lazy(r"^(?:>\s?)+")
_EMPHASIS = lazy(r"(\*\*|__|~~|\*(?![ \t]))(.+?)\1")
_ESCAPE = lazy(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_GRID_BORDER = lazy(r"^\s*\+(?:[-=:]+\+)+\s*$")
_HTML_TABLE_OPEN = lazy(r"<table\b", re.I)
_HTML_TABLE_CLOSE = lazy(r"</table\s*>", re.I)
_EMPTY_MARKERS = frozenset({"NaN", "nan", "None"})  # pandas' empty cell in spreadsheet exports


def _box_table() -> dict[int, str]:
    """Box-drawing characters (U+2500–U+257F) as the ASCII of a grid table: lines, bars, corners."""
    out: dict[int, str] = {}
    for cp in range(0x2500, 0x2580):
        name = unicodedata.name(chr(cp), "")
        if "HORIZONTAL" in name and "VERTICAL" not in name and "AND" not in name:
            out[cp] = "-"
        elif "VERTICAL" in name and "HORIZONTAL" not in name and "AND" not in name:
            out[cp] = "|"
        else:
            out[cp] = "+"
    return out


_BOX = _box_table()
_BOX_CHARS = lazy("[\u2500-\u257f]")


def ascii_boxes(line: str) -> str:
    """A table line drawn with box characters in the `+-|` of a grid table (same display width:
    the characters are narrow, as the text browsers count them)."""
    s = line.strip()
    return line.translate(_BOX) if s and _BOX_CHARS.match(s) and _BOX_CHARS.match(s[-1]) else line


def inline_text(text: str) -> str:
    """A line or cell without its Markdown/HTML inline markup."""
    if "]{" in text:
        text = _SPAN.sub(r"\1", text)  # pandoc's bracketed spans: [23]{.underline}
    if "\\<" in text:
        text = text.replace("\\<", "<").replace("\\>", ">")  # tags a converter escaped: \<u\>23\</u\>
    if "<" in text:
        text = _BREAK_TAG.sub("\n", text)
        text = _TAG.sub("", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "*" in text or "_" in text or "~" in text:
        text = _EMPHASIS.sub(r"\2", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "&" in text:
        import html  # an entity is rare in Markdown; html.entities is a large table to import

        text = html.unescape(text)
    return text


def split_row(line: str) -> list[str]:
    """Cells of a pipe-table row; `\\|` is a literal bar inside a cell."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip().replace("\\|", "|") for c in _SPLIT.split(s)]


def _is_delimiter(line: str) -> bool:
    if "-" not in line or "|" not in line and not line.strip().startswith("-"):
        return False
    cells = split_row(line)
    return bool(cells) and all(_DELIMITER_CELL.match(c) for c in cells)


_ROW_LINES = 40  # a pipe row whose cells hold line breaks (python-docx, jira) runs over at most this many


def _row_end(lines: list[str], i: int) -> int:
    """The last line of a pipe row that starts on line i: i itself, or the line closing a row
    whose cells' line breaks were written as they are (「| 结 果 维 持 | 结 果」 / 「纠 正 | 其 他」 / …|)."""
    first = lines[i].strip()
    if not first.startswith("|") or first.endswith("|") and len(first) >= 2:
        return i
    for k in range(i + 1, min(len(lines), i + _ROW_LINES)):
        s = lines[k].strip()
        if not s or s.startswith("|"):
            return i
        if s.endswith("|"):
            return k
    return i


def _loose_cells(line: str) -> list[str]:
    # no outer bars: a bar at either end sets off an empty first or last cell
    return [c.strip().replace("\\|", "|") for c in _SPLIT.split(line.strip())]


def _has_outer_bar(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") or s.endswith("|") and not s.endswith("\\|")


def _same_width(line: str, rows: list[tuple[int, list[str]]]) -> bool:
    """A line with a bar at both ends inside rows joined by " | ": the row whose first and last
    cells are empty (「 |  |  | 」), when it has the previous row's number of cells."""
    return bool(rows) and len(_loose_cells(line)) == len(rows[-1][1])


def _is_loose_row(line: str) -> bool:
    return " | " in line or line.rstrip().endswith(" |") or line.lstrip().startswith("| ")


_NUMBER_CELL = lazy(r"\s*[\d,.]+\s*")


def _lone_row(line: str) -> bool:
    """A pipe row standing alone is a one-row table when it has at least three cells, one a
    number (a converter writing each table row as a table of its own: `| 一、本年新收… | 3746 | …`)."""
    cells = split_row(line)
    return len(cells) >= 3 and any(_NUMBER_CELL.fullmatch(c) for c in cells)


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return len(s) >= 2 and s.startswith("|") and s.endswith("|")


def _cell(text: str) -> str:
    t = _QUOTE.sub("", inline_text(text).strip()).strip()  # a cell's content indented as a quote
    return "" if t in _EMPTY_MARKERS else t


# --- grid tables ------------------------------------------------------------------------------


_DRAWING = lazy(r"\||-{3,}|\+-|-\+")


def _display(line: str, wide: bool = True) -> list[str | None]:
    """A line as display columns: a wide character fills two, the second holding None (`wide`
    False: one column per character, as a tool that pads by `len()` draws it)."""
    out: list[str | None] = []
    for ch in line.rstrip("\n"):
        out.append(ch)
        if wide and is_wide(ch):
            out.append(None)
    return out


def _grid_cells(lines: list[str]) -> list[tuple[int, int, int, int, str]] | None:
    """Cells of a grid table as (top, left, bottom, right, text), or None when the drawing is not
    a consistent grid: in display columns (pandoc), or in characters when that closes more cells
    (tabulate without wcwidth pads CJK text by its length)."""
    found = [cells for wide in (True, False) if (cells := _grid_cells_in(lines, wide))]
    # a reading that leaves pieces of the drawing inside cells measured it wrong
    clean = [cells for cells in found if not any(_DRAWING.search(text) for *_, text in cells)]
    return max(clean, key=len) if clean else None


def _grid_cells_in(lines: list[str], wide: bool) -> list[tuple[int, int, int, int, str]] | None:
    g = [_display(ln, wide) for ln in lines]
    height = len(g)

    def at(r: int, c: int) -> str | None:
        return g[r][c] if 0 <= r < height and 0 <= c < len(g[r]) else None

    cells: list[tuple[int, int, int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    corners = [(0, next((i for i, ch in enumerate(g[0]) if ch == "+"), 0))]
    while corners:
        top, left = corners.pop()
        if (top, left) in seen or top >= height - 1:
            continue
        seen.add((top, left))
        found = _scan_cell(at, top, left, height)
        if found is None:
            continue
        bottom, right = found
        text_lines = []
        for r in range(top + 1, bottom):
            piece = "".join(ch for ch in g[r][left + 1 : right] if ch is not None)
            text_lines.append(piece.strip())
        text = "\n".join(t for t in text_lines if t)
        cells.append((top, left, bottom, right, text))
        corners.append((top, right))
        corners.append((bottom, left))
    return cells or None


def _scan_cell(at, top: int, left: int, height: int) -> tuple[int, int] | None:
    """From the top-left corner, the nearest bottom-right corner that closes a rectangle."""
    c = left + 1
    while at(top, c) in ("-", "=", ":", "+"):
        if at(top, c) == "+":
            # go down the right edge
            r = top + 1
            while at(r, c) in ("|", "+"):
                if at(r, c) == "+" and _closes(at, top, left, r, c):
                    return r, c
                r += 1
        c += 1
    return None


def _closes(at, top: int, left: int, bottom: int, right: int) -> bool:
    for c in range(left + 1, right):
        if at(bottom, c) not in ("-", "=", ":", "+"):
            return False
    for r in range(top + 1, bottom):
        if at(r, left) not in ("|", "+"):
            return False
    return at(bottom, left) == "+"


def grid_table(lines: list[str], first_line: int, index: int) -> Table | None:
    cells = _grid_cells(lines)
    if not cells:
        return None
    tops = sorted({t for t, _, _, _, _ in cells})
    lefts = sorted({lf for _, lf, _, _, _ in cells})
    row_of = {t: i for i, t in enumerate(tops)}
    col_of = {lf: i for i, lf in enumerate(lefts)}
    out = []
    for top, left, bottom, right, text in sorted(cells):
        r, c = row_of[top], col_of[left]
        rowspan = max(1, sum(1 for t in tops if top <= t < bottom))
        colspan = max(1, sum(1 for lf in lefts if left <= lf < right))
        prov = Provenance(line=first_line + top + 1, table=index, row=r, col=c)
        out.append(TableCell(_cell(text), r, c, rowspan, colspan, prov))
    return Table(out, Provenance(line=first_line + 1, table=index))


# --- raw HTML tables ----------------------------------------------------------------------------


def _html_blocks(chunk: str, source: str, first_line: int) -> list[Paragraph | Table]:
    from .html import read as read_html

    doc = read_html(chunk.encode("utf-8"), source)
    out: list[Paragraph | Table] = []
    for block in doc.blocks:
        line = (block.prov.line or 1) + first_line - 1
        if isinstance(block, Table):
            block.prov = Provenance(line=line, table=block.prov.table)
            for c in block.cells:
                c.prov = Provenance(line=line, table=c.prov.table, row=c.row, col=c.col)
        else:
            block.prov = Provenance(line=line)
        out.append(block)
    return out


# --- the reader ---------------------------------------------------------------------------------


_ADOC_FENCE = lazy(r"^\|===\s*$")
_ADOC_ATTRS = lazy(r"^\[.*\bcols=\"([^\"]*)\"")
# a cell's start: [colspan][.rowspan]+ or .rowspan+, then alignment and style, then the bar
_ADOC_CELL = lazy(
    r"(?:^|(?<=\s))(?:(\d+)(?:\.(\d+))?\+|\.(\d+)\+)?(?:[<^>])?(?:\.[<^>])?[adehlmsv]?(?<!\\)\|"
)


def _adoc_columns(attrs: str | None, first: str) -> int:
    if attrs:
        n = 0
        for part in attrs.split(","):
            m = re.match(r"^\s*(\d+)\*", part)
            n += int(m.group(1)) if m else 1
        return n
    return max(1, len(_ADOC_CELL.findall(first)))


def asciidoc_table(lines: list[str], first_line: int, index: int, attrs: str | None) -> Table | None:
    """The cells between two `|===` fences, placed on the grid by their spans."""
    cells: list[tuple[int, int, str, int]] = []  # colspan, rowspan, text, line

    def go_on(more: str) -> None:
        """Text before the line's first bar goes on with the cell before it."""
        if cells and more.strip():
            cs, rs, text, ln = cells[-1]
            cells[-1] = (cs, rs, f"{text}\n{more.strip()}" if text else more.strip(), ln)

    for k, line in enumerate(lines):
        starts = list(_ADOC_CELL.finditer(line))
        go_on(line[: starts[0].start()] if starts else line)
        for j, m in enumerate(starts):
            end = starts[j + 1].start() if j + 1 < len(starts) else len(line)
            colspan = int(m.group(1) or 1)
            rowspan = int(m.group(2) or m.group(3) or 1)
            cells.append((colspan, rowspan, line[m.end() : end].strip(), first_line + k + 1))
    if not cells:
        return None
    width = _adoc_columns(attrs, next((ln for ln in lines if ln.strip()), ""))
    taken: set[tuple[int, int]] = set()
    out: list[TableCell] = []
    r = c = 0
    for colspan, rowspan, text, ln in cells:
        colspan = min(colspan, width)
        while True:
            if c + colspan > width:
                r, c = r + 1, 0
                continue
            if any((r, c + d) in taken for d in range(colspan)):
                c += 1
                continue
            break
        for dr in range(rowspan):
            for dc in range(colspan):
                taken.add((r + dr, c + dc))
        prov = Provenance(line=ln, table=index, row=r, col=c)
        out.append(TableCell(_cell(text.replace("\n", " ").strip()), r, c, rowspan, colspan, prov=prov))
        c += colspan
    return Table(out, Provenance(line=first_line + 1, table=index))


def parse_lines(doc: Document, lines: list[str]) -> Document:
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        attrs = _ADOC_ATTRS.match(line)
        fence = i + 1 if attrs and i + 1 < n and _ADOC_FENCE.match(lines[i + 1]) else i
        if _ADOC_FENCE.match(lines[fence]):
            # the `[cols=…]` line before the fence is the table's, no paragraph of the report
            j = fence + 1
            while j < n and not _ADOC_FENCE.match(lines[j]):
                j += 1
            cols = attrs.group(1) if attrs and fence > i else None
            table = asciidoc_table(lines[fence + 1 : j], fence + 1, len(doc.tables), cols) if j < n else None
            if table is not None:
                doc.blocks.append(table)
                i = j + 1
                continue
        if _HTML_TABLE_OPEN.search(line):
            depth, j = 0, i
            while j < n:
                depth += len(_HTML_TABLE_OPEN.findall(lines[j])) - len(_HTML_TABLE_CLOSE.findall(lines[j]))
                j += 1
                if depth <= 0:
                    break
            doc.blocks.extend(_html_blocks("\n".join(lines[i:j]), doc.source, i + 1))
            i = j
            continue
        if _GRID_BORDER.match(line) and i + 1 < n and lines[i + 1].strip().startswith(("|", "+")):
            j = i + 1
            while j < n and lines[j].strip().startswith(("|", "+")):
                j += 1
            table = grid_table([ln.strip() for ln in lines[i:j]], i, len(doc.tables))
            if table is not None:
                doc.blocks.append(table)
                i = j
                continue
        delimited = "|" in line and i + 1 < n and _is_delimiter(lines[i + 1])
        # html2text's tables: no outer bars, a one-cell row as its bare text (its first row too,
        # over a `---` line), the table ended by a blank line
        bare = (
            not line.lstrip().startswith("|")
            and bool(line.strip())
            and i + 2 < n
            and _is_delimiter(lines[i + 1])
            and "|" in (lines[i + 2] if "|" not in line else line)
        )
        delimited = delimited or bare
        # a table whose header and delimiter lines have no outer bars (html2text's) writes an
        # empty first or last cell as a bar at that end: 「（二）部分公开| 3| | | | | |」 has 8 cells
        unbarred = delimited and not any(_has_outer_bar(lines[k]) for k in (i, i + 1))
        # rows of cells joined by " | " with no outer bars and no delimiter line: what a script
        # printing python-docx's tables writes
        first_end = _row_end(lines, i)
        loose = (
            not delimited
            and _is_loose_row(line)
            and i + 1 < n
            and _is_loose_row(lines[i + 1])
            and not (_is_pipe_row(line) or _is_pipe_row(lines[i + 1]))
            and first_end == i  # 「| 结 果 维 持 | 结 果」 is a pipe row going on below
        )
        piped = _is_pipe_row(line) or first_end > i
        after = first_end + 1
        if (
            loose
            or delimited
            or (piped and after < n and (_is_pipe_row(lines[after]) or _row_end(lines, after) > after))
            or (
                piped
                and first_end == i
                and _lone_row(line)
                and not any("|" in lines[k] for k in (i - 1, i + 1) if 0 <= k < n)
            )
        ):
            rows: list[tuple[int, list[str]]] = []
            j = i
            while j < n:
                end = j if loose else _row_end(lines, j)
                text = lines[j] if end == j else "\n".join(ln.strip() for ln in lines[j : end + 1])
                if not (
                    (_is_pipe_row(text) and not loose)
                    or (delimited and "|" in text and text.strip())
                    or (bare and text.strip() and not _HEADING.match(text))
                    or (loose and _is_loose_row(text) and (not _is_pipe_row(text) or _same_width(text, rows)))
                ):
                    break
                if loose or unbarred and not _is_delimiter(text):
                    rows.append((j, _loose_cells(text)))
                elif not _is_delimiter(text):
                    rows.append((j, split_row(text)))
                j = end + 1
            index = len(doc.tables)
            cells = [
                TableCell(_cell(text), r, c, prov=Provenance(line=ln + 1, table=index, row=r, col=c))
                for r, (ln, row) in enumerate(rows)
                for c, text in enumerate(row)
            ]
            if cells:
                doc.blocks.append(Table(cells, Provenance(line=rows[0][0] + 1, table=index)))
            i = max(j, i + 1)
            continue
        m = _HEADING.match(line)
        text = m.group(1) if m else line if _PAGE_FOOTER.match(line) else _BULLET.sub("", line)
        doc.blocks.append(Paragraph(inline_text(text), Provenance(line=i + 1)))
        i += 1
    return doc


_PIPE_LINE = lazy(r"^\s*\|.*\|\s*$", re.M)
_GRID_LINE = lazy(r"^\s*\+(?:[-=:]+\+)+\s*$", re.M)
_ADOC_FENCE_LINE = lazy(r"^\|===\s*$", re.M)
_LOOSE_ROWS = lazy(r"(?:^[^\n]* \| [^\n]*\n){3}", re.M)


def looks_like_markdown(text: str) -> bool:
    """Tables a converter wrote: three pipe rows, a grid-table border (ASCII or box-drawing), or a
    raw HTML table in text that is not itself a web page."""
    if _BOX_CHARS.search(text):
        text = "\n".join(ascii_boxes(ln) for ln in text.splitlines())
    if len(_PIPE_LINE.findall(text)) >= 3 or len(_GRID_LINE.findall(text)) >= 2:
        return True
    if _LOOSE_ROWS.search(text):
        return True  # three rows of cells joined by " | " in a row
    if len(_ADOC_FENCE_LINE.findall(text)) >= 2:
        return True  # AsciiDoc tables
    head = text[:2048].lstrip().lower()
    return "<table" in text.lower() and not head.startswith(("<!doctype", "<html", "<?xml"))


def _sniff(data: bytes, name: str) -> bool:
    if not looks_like_text(data):
        return False
    try:
        text, _ = decode_text(data[: 1 << 20])
    except Exception:
        return False
    return looks_like_markdown(text)


@reader("markdown", extensions=("md", "markdown"), sniff=_sniff, priority=10)
def read(data: bytes, source: str) -> Document:
    doc, lines = read_text(data, source, fmt="markdown")
    return parse_lines(doc, [ascii_boxes(ln) for ln in lines])
