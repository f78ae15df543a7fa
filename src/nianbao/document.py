"""The format-neutral document every reader produces.

A `Document` is a flat sequence of blocks — paragraphs and tables — in reading order. Tables are
grids: each `TableCell` sits at (row, col) and may span rows and columns, as in HTML or DOCX.
Everything carries a `Provenance` so that any value extracted later can say where it was read.

Readers should not try to understand the report: a text dump whose table is one cell per line is
a sequence of paragraphs here; recognising the table is the extractor's job.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


def is_wide(ch: str) -> bool:
    """A character a fixed-width dump sets two columns wide (CJK ideographs and punctuation)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def display_width(text: str) -> int:
    """The columns a text takes where a wide character takes two: how text browsers, grid tables
    and the pages' lines of positioned boxes lay text out (`Provenance.offset` counts characters)."""
    return sum(2 if is_wide(ch) else 1 for ch in text)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a piece of text was read. Only the fields that make sense for the format are set."""

    line: int | None = None  # 1-based line in a text file
    page: int | None = None  # 1-based page in a PDF or image
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    table: int | None = None  # 0-based index of the table in the document
    row: int | None = None  # 0-based grid row within the table
    col: int | None = None  # 0-based grid column within the table
    offset: int | None = None  # character offset within the line or paragraph
    method: str | None = None  # how it was read when not plainly: "ocr", "segmentation", …
    confidence: float | None = None  # the recogniser's confidence (0–1) for text read by OCR

    def describe(self) -> str:
        """A short Chinese description for messages: 第3页 第12行 表2第4行第5列."""
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.table is not None:
            cell = f"表格{self.table + 1}"
            if self.row is not None:
                cell += f"第{self.row + 1}行"
            if self.col is not None:
                cell += f"第{self.col + 1}列"
            parts.append(cell)
        return " ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The set fields, as JSON values (a reader's numpy numbers become Python ones)."""
        out: dict[str, object] = {}
        for k in self.__slots__:
            v = getattr(self, k)
            if v is None:
                continue
            if k == "bbox":
                v = [float(x) for x in v]
            elif k == "confidence":
                v = float(v)
            out[k] = v
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        """The inverse of `to_dict`, from JSON: keys this version does not know are ignored (a
        database written by a newer version still loads), a bbox list becomes a tuple again."""
        known = {k: v for k, v in data.items() if k in _PROVENANCE_FIELDS}
        bbox = known.get("bbox")
        if bbox is not None:
            known["bbox"] = tuple(float(x) for x in bbox)
        return cls(**known)


_PROVENANCE_FIELDS = frozenset(Provenance.__slots__)


@dataclass(slots=True)
class Paragraph:
    text: str
    prov: Provenance = field(default_factory=Provenance)


@dataclass(slots=True)
class TableCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    prov: Provenance = field(default_factory=Provenance)


@dataclass
class Table:
    """A table as a grid of cells; each physical cell appears once, at its top-left position."""

    cells: list[TableCell]
    prov: Provenance = field(default_factory=Provenance)

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[TableCell]]:
        """Physical rows, each with the cells that start in it, left to right."""
        out: list[list[TableCell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out

    def grid(self) -> list[list[TableCell | None]]:
        """The expanded grid: a spanning cell fills every position it covers."""
        g: list[list[TableCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    g[r][k] = c
        return g

    def to_text_rows(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows()]


Block = Paragraph | Table


@dataclass
class Document:
    source: str
    format: str  # reader name: "text", "html", "docx", "pdf", …
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None  # a title the container states (HTML <title>, DOCX core properties)
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. published date from a page header
    warnings: list[str] = field(default_factory=list)  # reader-level problems worth reporting

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def text(self) -> str:
        """The document as plain text: paragraphs as lines, table rows as tab-separated lines."""
        return "\n".join(self.lines())

    def lines(self) -> Iterator[str]:
        for b in self.blocks:
            if isinstance(b, Paragraph):
                yield b.text
            else:
                for row in b.to_text_rows():
                    yield "\t".join(t.replace("\n", "") for t in row)
