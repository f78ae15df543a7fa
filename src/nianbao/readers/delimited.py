"""CSV: a spreadsheet saved as comma-separated text, or the tables a script pulled out of a PDF.

Excel's "CSV (UTF-8)" and "CSV" (GBK on a Chinese Windows), LibreOffice's export, and the
tables pdfplumber, camelot or tabula extract (one table after another, a blank row between
them) arrive as `.csv`. The rows are laid out as a sheet is — runs of rows with several cells
become a `Table`, a row of one text cell a `Paragraph` — by the spreadsheet reader's own rules,
so a CSV reads like the workbook it was saved from. A CSV has no merged cells: a label that
spanned rows is in its first row only, which the extractor handles as it does in a pipe table.
"""

from __future__ import annotations

import csv
import io

from .. import plugins
from ..document import Document
from ..errors import ReadError
from ._encoding import decode_text, looks_like_text
from .spreadsheet import MAX_SHEET_CELLS, _Sheet, sheets_to_blocks

_DELIMITERS = ",;\t"


def _delimiter(text: str) -> str:
    """The separator the first lines use most consistently (Excel writes `;` in some locales)."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_rows = ",", -1
    for d in _DELIMITERS:
        rows = sum(1 for ln in lines if d in ln)
        if rows > best_rows:
            best, best_rows = d, rows
    return best


def rows_of(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in reader:
            cells += len(row)
            if cells > MAX_SHEET_CELLS:
                raise ReadError(f"CSV 文件的单元格超过 {MAX_SHEET_CELLS:,} 个，不像一份年度报告，已拒绝读取")
            rows.append([c.replace("\r", "").strip() for c in row])
    except csv.Error as exc:
        raise ReadError(f"CSV 文件格式有误（{exc}）") from None
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _sniff(data: bytes, name: str) -> bool:
    return name.lower().endswith(".csv") and looks_like_text(data)


@plugins.reader("csv", extensions=("csv",), sniff=_sniff, priority=5)
def read(data: bytes, source: str) -> Document:
    if not data.strip():
        raise ReadError("文件为空")
    text, encoding = decode_text(data)
    doc = Document(source=source, format="csv", blocks=sheets_to_blocks([_Sheet(source, rows_of(text), [])]))
    doc.metadata["encoding"] = encoding
    if not doc.blocks:
        doc.warnings.append("CSV 文件中没有任何内容")
    return doc
