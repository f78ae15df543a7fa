"""Published spreadsheets: XLSX, XLS, ODS and Kingsoft ET.

Some organs publish the report (or just its tables) as a workbook. Each sheet becomes a run of
blocks: rectangular regions of rows that hold several cells become a `Table` (merged cells become
spans), rows with a single text cell outside such regions become `Paragraph`s. Values are given as
the sheet shows them: numbers stored as numbers print without a trailing ".0", numbers stored as
text stay as they are; recognising the template is the extractor's job.

python-calamine (Rust) reads the values and the merged ranges of all four formats; an ET file it
cannot open is converted to XLSX by LibreOffice first.

calamine builds a dense grid from A1 to the last cell and aborts the process when it cannot
allocate it (cells at A1 and XFD1048576: 17 billion cells, SIGABRT), and it inflates whatever the
archive holds. So an XLSX or ODS is checked first: the archive as a DOCX is (`_zipguard`), then
each sheet's extent, by streaming its XML: more than `NIANBAO_MAX_SHEET_CELLS` (1,000,000) cells
from A1 to the last cell with content is refused. A BIFF .xls holds at most 65,536 × 256 cells;
the isolated worker's memory limit bounds it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .. import plugins
from ..document import Block, Document, Paragraph, Provenance, Table, TableCell
from ..errors import MissingDependency, ReadError
from . import _libreoffice as lo
from . import _zipguard

_EXTENSIONS = ("xlsx", "xlsm", "xls", "et", "ett", "ods")
# A one-cell row this close to table rows (and this short) is a table row, e.g. 表三's
# 「三、本年度办理结果」 whose value cells are blank; a longer one is body text.
_MAX_TABLE_LABEL_CHARS = 40


def spreadsheet_format(data: bytes, name: str) -> str | None:
    ext = Path(name).suffix.lower().lstrip(".")
    if data[:4] == b"PK\x03\x04":
        if lo.odf_mimetype(data) == "application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        if b"xl/workbook.xml" in data and _zip_names(data) & {"xl/workbook.xml"}:
            return "xlsm" if ext == "xlsm" else "xlsx"
        return None
    if lo.ole2_kind(data) == "excel":
        return "et" if ext in ("et", "ett") else "xls"
    return None


def _zip_names(data: bytes) -> set[str]:
    """Top-level names of the zip (a DOCX may embed a workbook, whose names are not top-level)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def _sniff(data: bytes, name: str) -> bool:
    return spreadsheet_format(data, name) is not None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class _Sheet:
    name: str
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]]  # r0, c0, r1, c1 inclusive


MAX_SHEET_CELLS = 1_000_000
_XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})$")


def _max_cells() -> int:
    from . import env_limit

    return env_limit("NIANBAO_MAX_SHEET_CELLS", MAX_SHEET_CELLS)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _too_many(rows: int, cols: int, sheet: str) -> ReadError:
    return ReadError(
        f"表格“{sheet}”范围过大：从 A1 到最后一个有内容的单元格共 {rows} 行 × {cols} 列"
        f"（{rows * cols} 个单元格），上限为 {_max_cells()} 个单元格；文件可能已损坏或被恶意构造"
    )


def _iterparse(fh: object, tags: tuple[str, ...]):
    from lxml import etree

    # no entities, no network, no DTD: a sheet is data, never instructions
    return etree.iterparse(
        fh,
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


def _drop(el: object) -> None:
    """Free a streamed element and the siblings before it (else the tree still grows)."""
    el.clear()  # type: ignore[attr-defined]
    parent = el.getparent()  # type: ignore[attr-defined]
    if parent is not None:
        while el.getprevious() is not None:  # type: ignore[attr-defined]
            del parent[0]


def _check_xlsx_sheet(zf: zipfile.ZipFile, member: str) -> None:
    """Rows × columns from A1 to the last cell that holds something (what calamine allocates)."""
    from lxml import etree

    max_row = max_col = -1
    row = -1
    col = -1
    limit = _max_cells()
    with zf.open(member) as fh:
        try:
            for event, el in _iterparse(fh, (f"{_XLSX_NS}row", f"{_XLSX_NS}c")):
                if el.tag == f"{_XLSX_NS}row":
                    if event == "start":
                        r = el.get("r")
                        row = int(r) - 1 if r and r.isdigit() else row + 1
                        col = -1
                    else:
                        _drop(el)
                    continue
                if event == "start":
                    continue
                m = _CELL_REF.match(el.get("r") or "")
                if m:
                    col, row = _col_index(m.group(1)), int(m.group(2)) - 1
                else:
                    col += 1
                if len(el) or el.text:  # a value, an inline string or a formula
                    max_row, max_col = max(max_row, row), max(max_col, col)
                    if (max_row + 1) * (max_col + 1) > limit:
                        raise _too_many(max_row + 1, max_col + 1, member.rsplit("/", 1)[-1])
                _drop(el)
        except etree.XMLSyntaxError:
            return  # calamine reports a broken sheet itself


def _check_ods(zf: zipfile.ZipFile) -> None:
    """The same extent for every table of content.xml, repeated rows and columns expanded."""
    from lxml import etree

    limit = _max_cells()
    t_table, t_row, t_cell = f"{_ODS_TABLE}table", f"{_ODS_TABLE}table-row", f"{_ODS_TABLE}table-cell"
    rows_rep, cols_rep = f"{_ODS_TABLE}number-rows-repeated", f"{_ODS_TABLE}number-columns-repeated"
    value_type = f"{_ODS_OFFICE}value-type"

    def count(el: object, attr: str) -> int:
        raw = el.get(attr) or "1"  # type: ignore[attr-defined]
        return max(int(raw), 1) if raw.isdigit() else 1

    try:
        fh = zf.open("content.xml")
    except KeyError:
        return
    with fh:
        name, row, col, max_row, max_col, row_has = "", 0, 0, -1, -1, False
        try:
            for event, el in _iterparse(fh, (t_table, t_row, t_cell, f"{_ODS_TABLE}covered-table-cell")):
                if el.tag == t_table:
                    if event == "start":
                        name, row, max_row, max_col = el.get(f"{_ODS_TABLE}name") or "", 0, -1, -1
                    else:
                        _drop(el)
                    continue
                if el.tag == t_row:
                    if event == "start":
                        col, row_has = 0, False
                        continue
                    n = count(el, rows_rep)
                    if row_has:
                        max_row = row + n - 1
                    row, row_has = row + n, False
                    _drop(el)
                elif event == "end":
                    n = count(el, cols_rep)
                    if el.get(value_type) or len(el):
                        row_has = True
                        max_col = max(max_col, col + n - 1)
                    col += n
                    _drop(el)
                else:
                    continue
                # this row's own repetition is known only at its end: until then it counts once
                rows = max(max_row, row if row_has else -1) + 1
                if rows * (max_col + 1) > limit:
                    raise _too_many(rows, max_col + 1, name)
        except etree.XMLSyntaxError:
            return


def check_workbook(data: bytes) -> None:
    """Refuse an XLSX or ODS that would make calamine inflate or allocate without bound."""
    if data[:4] != b"PK\x03\x04":
        return  # BIFF (.xls / .et): bounded by the format itself
    zf = _zipguard.open_zip(data, "表格文件")
    try:
        with zf:
            names = zf.namelist()
            if "content.xml" in names and "xl/workbook.xml" not in names:
                _check_ods(zf)
                return
            for member in names:
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    _check_xlsx_sheet(zf, member)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ReadError(f"表格文件已损坏，无法打开（{exc}）") from None


def _load_sheets(data: bytes) -> list[_Sheet]:
    check_workbook(data)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a declared dependency
        raise MissingDependency("缺少 python-calamine：pip install python-calamine") from None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types per format
        raise ReadError(f"表格文件已损坏或无法解析（{type(exc).__name__}）") from None
    sheets = []
    for name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(name)
            raw = sheet.to_python(skip_empty_area=False)
            merges = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        except Exception:
            continue  # a chart sheet or a sheet calamine cannot parse holds no report text
        rows = [[_cell_text(v) for v in r] for r in raw]
        # the value range ends at the last value; a merge may reach further (a blank last row)
        n_rows = max([len(rows)] + [m[2] + 1 for m in merges])
        n_cols = max([len(r) for r in rows] + [m[3] + 1 for m in merges] + [0])
        rows += [[] for _ in range(n_rows - len(rows))]
        rows = [r + [""] * (n_cols - len(r)) for r in rows]
        sheets.append(_Sheet(name, rows, merges))
    return sheets


def _regions(sheet: _Sheet) -> list[tuple[str, int, int]]:
    """Split the sheet's rows into ("table", first, last) and ("text", row, row) runs."""
    covered: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for m in sheet.merges:
        r0, c0, r1, c1 = m
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                covered[(r, c)] = m
    multi_row_merge = {r for m in sheet.merges if m[2] > m[0] for r in range(m[0], m[2] + 1)}

    def filled(r: int) -> list[int]:
        return [c for c, t in enumerate(sheet.rows[r]) if t]

    kinds: list[str] = []
    for r in range(len(sheet.rows)):
        cols = filled(r)
        if not cols and r not in multi_row_merge:
            kinds.append("blank")
        elif len(cols) >= 2 or r in multi_row_merge:
            kinds.append("table")
        else:
            kinds.append("single")
    # a short single-cell row with table rows on both sides is a table row (a group row, a
    # header cell on its own line); one at the edge of a table is a caption or body text
    for r, kind in enumerate(kinds):
        if kind != "single":
            continue
        text = next(t for t in sheet.rows[r] if t)
        before = next((k for k in reversed(kinds[:r]) if k != "single"), None)
        after = next((k for k in kinds[r + 1 :] if k != "single"), None)
        if before == "table" and after == "table" and len(text) <= _MAX_TABLE_LABEL_CHARS:
            kinds[r] = "table-single"
    _bridge_header_gaps(sheet, kinds)
    out: list[tuple[str, int, int]] = []
    r = 0
    while r < len(kinds):
        if kinds[r] in ("table", "table-single"):
            end = r
            while end + 1 < len(kinds) and kinds[end + 1] in ("table", "table-single"):
                end += 1
            if out and out[-1] == ("text", r - 1, r - 1) and _heads_table(sheet, r - 1, r, end):
                out.pop()
                r -= 1
            out.append(("table", r, end))
            r = end + 1
        else:
            if kinds[r] == "single":
                out.append(("text", r, r))
            r += 1
    return out


def _bridge_header_gaps(sheet: _Sheet, kinds: list[str]) -> None:
    """A blank row between a header band (table rows without a digit) and the table rows under
    it is the table's: a dataframe written with a header of several rows leaves one there (the
    row of its index's name), which would part the header from its numbers."""
    for r in range(1, len(kinds) - 1):
        if kinds[r] != "blank" or kinds[r - 1] != "table" or kinds[r + 1] != "table":
            continue
        top = r - 1
        while top > 0 and kinds[top - 1] == "table":
            top -= 1
        if not any(any(ch.isdigit() for ch in t) for row in sheet.rows[top:r] for t in row if t):
            kinds[r] = "table"


def _used_columns(sheet: _Sheet, first: int, last: int) -> tuple[int, int]:
    merges = [m for m in sheet.merges if m[0] >= first and m[2] <= last]
    used = [c for r in range(first, last + 1) for c, t in enumerate(sheet.rows[r]) if t]
    used += [c for m in merges for c in (m[1], m[3])]
    return min(used), max(used)


def _heads_table(sheet: _Sheet, row: int, first: int, last: int) -> bool:
    """A one-cell row right above a table, merged across exactly its width, is the table's own
    first row (表二's 「第二十条第（一）项」); a title merged across the page is not."""
    c_min, c_max = _used_columns(sheet, first, last)
    return any(m[0] == m[2] == row and (m[1], m[3]) == (c_min, c_max) for m in sheet.merges)


def _table(sheet: _Sheet, first: int, last: int, index: int) -> Table:
    merges = [m for m in sheet.merges if m[0] >= first and m[2] <= last]
    c_min, c_max = _used_columns(sheet, first, last)
    anchor: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    hidden: set[tuple[int, int]] = set()
    for m in merges:
        anchor[(m[0], m[1])] = m
        for r in range(m[0], m[2] + 1):
            for c in range(m[1], m[3] + 1):
                if (r, c) != (m[0], m[1]):
                    hidden.add((r, c))
    cells = []
    for r in range(first, last + 1):
        row = sheet.rows[r]
        for c in range(c_min, c_max + 1):
            if (r, c) in hidden:
                continue
            text = row[c] if c < len(row) else ""
            merge = anchor.get((r, c))
            rowspan = merge[2] - merge[0] + 1 if merge else 1
            colspan = min(merge[3], c_max) - merge[1] + 1 if merge else 1
            cells.append(
                TableCell(
                    text,
                    r - first,
                    c - c_min,
                    rowspan,
                    colspan,
                    Provenance(line=r + 1, table=index, row=r - first, col=c - c_min),
                )
            )
    return Table(cells, Provenance(line=first + 1, table=index))


def sheets_to_blocks(sheets: list[_Sheet]) -> list[Block]:
    blocks: list[Block] = []
    n_tables = 0
    for sheet in sheets:
        for kind, first, last in _regions(sheet):
            if kind == "table":
                blocks.append(_table(sheet, first, last, n_tables))
                n_tables += 1
            else:
                text = next(t for t in sheet.rows[first] if t)
                blocks.append(Paragraph(text, Provenance(line=first + 1)))
    return blocks


def read_spreadsheet(data: bytes, source: str) -> Document:
    fmt = spreadsheet_format(data, source)
    if fmt is None:
        raise ReadError("不是可识别的 XLS/XLSX/ODS/ET 表格文件")
    try:
        sheets = _load_sheets(data)
    except ReadError:
        if fmt not in ("et", "xls"):
            raise
        # calamine reads BIFF; Kingsoft's own ET variants need LibreOffice
        sheets = _load_sheets(lo.convert(data, "xls", "xlsx"))
    doc = Document(source=source, format=fmt, blocks=sheets_to_blocks(sheets))
    if len(sheets) > 1:
        doc.metadata["sheets"] = "、".join(s.name for s in sheets)
    if not doc.blocks:
        doc.warnings.append("表格文件中没有任何内容")
    return doc


plugins.reader("spreadsheet", extensions=_EXTENSIONS, sniff=_sniff, priority=10)(read_spreadsheet)
