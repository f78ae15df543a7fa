"""Comma-separated lines inside a text: a table a script wrote as CSV between the page's paragraphs
(pandas `to_csv()` of each table of a page, the narrative kept as lines).

A run of at least two consecutive lines that parse as CSV rows with the same number of fields (at
least three), no field a sentence, becomes a `Table` — read like any grid (a dataframe's row and
column numbers are dropped there). A line of prose with commas in it (`1,234` in a sentence, an
English remark) is no such run: its fields differ in number from the next line's, or it stands
alone.
"""

from __future__ import annotations

import csv
import re

from ..document import Block, Paragraph, Provenance, Table, TableCell
from ..lazyre import lazy

_MIN_FIELDS = 3
_MAX_FIELD = 80  # a cell, not a paragraph
_SENTENCE = re.compile(r"[。；！？]")
_CONTENT = lazy(r"[\d\u4e00-\u9fff]")  # the CJK range costs a millisecond to compile


def _fields(text: str) -> list[str] | None:
    """The fields of a line that reads as a CSV row, or None."""
    if "\t" in text or text.count(",") < _MIN_FIELDS - 1:
        return None
    try:
        (fields,) = list(csv.reader([text]))
    except (csv.Error, ValueError):
        return None
    if len(fields) < _MIN_FIELDS or any(len(f) > _MAX_FIELD or _SENTENCE.search(f) for f in fields):
        return None
    # a writer of CSV puts no space after its commas, prose does; a table's row holds a number or
    # a Chinese word
    if any(f[:1] == " " for f in fields[1:]) or not any(_CONTENT.search(f) for f in fields):
        return None
    return fields


# a block and the indices in the document's blocks of the lines it was made of
Item = tuple[tuple[int, ...], Block]


def rebuild_items(items: list[Item]) -> list[Item]:
    """`items` with each run of CSV lines as a `Table` (cells' provenance: their line), its
    origin every line of the run."""
    out: list[Item] = []
    i, n = 0, len(items)
    while i < n:
        origin, block = items[i]
        first = _fields(block.text) if isinstance(block, Paragraph) else None
        if first is None or not isinstance(block, Paragraph):
            out.append(items[i])
            i += 1
            continue
        rows: list[tuple[tuple[int, ...], Paragraph, list[str]]] = [(origin, block, first)]
        j = i + 1
        while j < n:
            nxt_origin, nxt = items[j]
            fields = _fields(nxt.text) if isinstance(nxt, Paragraph) else None
            if not isinstance(nxt, Paragraph) or fields is None or len(fields) != len(first):
                break
            rows.append((nxt_origin, nxt, fields))
            j += 1
        if len(rows) < 2:
            out.append(items[i])
            i += 1
            continue
        cells = [
            TableCell(text.strip(), r, c, prov=p.prov)
            for r, (_, p, fields) in enumerate(rows)
            for c, text in enumerate(fields)
        ]
        lines = tuple(k for o, _, _ in rows for k in o)
        out.append((lines, Table(cells, Provenance(line=block.prov.line))))
        i = j
    return out


def rebuild(blocks: list[Block]) -> list[Block]:
    """`rebuild_items` on blocks alone."""
    return [b for _, b in rebuild_items([((i,), b) for i, b in enumerate(blocks)])]


__all__ = ["Item", "rebuild", "rebuild_items"]
