"""Markdown: GitHub pipe tables become tables, every other line a paragraph.

Only the table syntax is interpreted; other lines are kept as written (heading markers and list
bullets removed), since a report in Markdown is mostly a text dump with tables.
"""

from __future__ import annotations

import re

from ..document import Document, Paragraph, Provenance, Table, TableCell
from ..plugins import reader
from .text import read_text

_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$")
_SPLIT = re.compile(r"(?<!\\)\|")


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


def _is_row(line: str) -> bool:
    return "|" in line and bool(line.strip())


@reader("markdown", extensions=("md", "markdown"), priority=10)
def read(data: bytes, source: str) -> Document:
    doc, lines = read_text(data, source, fmt="markdown")
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            _is_row(line)
            and i + 1 < len(lines)
            and _is_delimiter(lines[i + 1])
            and len(split_row(line)) == len(split_row(lines[i + 1]))
        ):
            index = len(doc.tables)
            rows = [(i, split_row(line))]
            i += 2
            while i < len(lines) and _is_row(lines[i]):
                rows.append((i, split_row(lines[i])))
                i += 1
            width = len(rows[0][1])
            cells = [
                TableCell(text, r, c, prov=Provenance(line=n + 1, table=index, row=r, col=c))
                for r, (n, row) in enumerate(rows)
                for c, text in enumerate((row + [""] * width)[:width])  # GFM: pad or cut to header
            ]
            doc.blocks.append(Table(cells, Provenance(line=rows[0][0] + 1, table=index)))
            continue
        m = _HEADING.match(line)
        doc.blocks.append(Paragraph(m.group(1) if m else line, Provenance(line=i + 1)))
        i += 1
    return doc
