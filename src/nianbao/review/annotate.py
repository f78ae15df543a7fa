"""Marked-up originals: the unit's own file with every flagged cell marked and the message beside it.

- PDF: a highlight annotation over each flagged cell's box (the provenance holds page and box),
  its note carrying the finding's title and message;
- DOCX: a Word comment on each flagged table cell (python-docx ≥ 1.2 writes comments);
- HTML: a copy of the page with each flagged cell coloured and the message as its tooltip, and
  the list of problems at the top.

Only open findings are marked (an accepted one needs nothing from the unit).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import CATALOGUE
from ..model import Report
from .labels import report_cell_label

MEDIA = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html; charset=utf-8",
}
COLOURS = {"error": (0.85, 0.19, 0.15), "warning": (1.0, 0.75, 0.0), "info": (0.4, 0.6, 0.95)}
AUTHOR = "审核意见"


class CannotAnnotate(Exception):
    pass


@dataclass
class Mark:
    key: str
    label: str
    severity: str
    note: str  # every open finding on the cell, one per line
    page: int | None
    bbox: tuple[float, float, float, float] | None
    table: int | None
    row: int | None
    col: int | None


def marks(report: Report) -> list[Mark]:
    """One mark per flagged cell that the document located, worst severity first."""
    notes: dict[str, list[str]] = defaultdict(list)
    worst: dict[str, str] = {}
    rank = {"error": 2, "warning": 1, "info": 0}
    for f in report.findings:
        if f.data.get("accepted"):
            continue
        title = CATALOGUE.get(f.code, (None, f.title))[1]
        for key in f.cells:
            notes[key].append(f"【{f.severity.zh if f.severity else ''}】{title}：{f.message}")
            sev = str(f.severity)
            if rank.get(sev, 0) >= rank.get(worst.get(key, "info"), 0):
                worst[key] = sev
    out = []
    for key, lines in notes.items():
        cell = report.cells.get(key)
        prov = cell.prov if cell is not None else None
        if prov is None:
            continue
        label = report_cell_label(report, key) or key
        out.append(
            Mark(
                key,
                label,
                worst[key],
                f"{label}\n" + "\n".join(dict.fromkeys(lines)),
                prov.page,
                prov.bbox,
                prov.table,
                prov.row,
                prov.col,
            )
        )
    out.sort(key=lambda m: (-rank.get(m.severity, 0), m.page or 0, m.key))
    return out


def annotate_bytes(data: bytes, name: str, report: Report) -> tuple[bytes, str]:
    """The marked-up copy and its suffix (.pdf / .docx / .html)."""
    ms = marks(report)
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-"):
        return annotate_pdf(data, ms), ".pdf"
    if data.startswith(b"PK") and suffix in (".docx", ".docm", ".wps", ""):
        return annotate_docx(data, ms), ".docx"
    if suffix in (".html", ".htm", ".shtml", ".xhtml") or data.lstrip()[:1] == b"<":
        return annotate_html(data, ms), ".html"
    raise CannotAnnotate(f"无法在该类文件（{suffix or '未知类型'}）上标注：支持 PDF、Word（.docx）和网页")


# --- PDF --------------------------------------------------------------------------------------
def annotate_pdf(data: bytes, ms: list[Mark]) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Highlight
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    for m in ms:
        if m.page is None or m.bbox is None or not 1 <= m.page <= len(writer.pages):
            continue
        page = writer.pages[m.page - 1]
        box = page.mediabox
        x0, top, x1, bottom = m.bbox
        # the provenance measures from the top of the page (as pdfplumber does); PDF from the bottom
        left, right = float(box.left) + x0, float(box.left) + x1
        low, high = float(box.top) - bottom, float(box.top) - top
        quad = ArrayObject([FloatObject(v) for v in (left, high, right, high, left, low, right, low)])
        r, g, b = COLOURS.get(m.severity, COLOURS["warning"])
        colour = f"{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
        annotation = Highlight(rect=(left, low, right, high), quad_points=quad, highlight_color=colour)
        annotation[NameObject("/Contents")] = TextStringObject(m.note)
        annotation[NameObject("/T")] = TextStringObject(AUTHOR)
        annotation[NameObject("/NM")] = TextStringObject(f"nianbao:{m.key}")
        writer.add_annotation(page_number=m.page - 1, annotation=annotation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- DOCX -------------------------------------------------------------------------------------
def annotate_docx(data: bytes, ms: list[Mark]) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(data))
    tables = list(_all_tables(document))
    for m in ms:
        if m.table is None or m.row is None or m.col is None or not 0 <= m.table < len(tables):
            continue
        table = tables[m.table]
        try:
            cell = table.cell(m.row, m.col)
        except IndexError:
            continue
        paragraph = cell.paragraphs[0] if cell.paragraphs else cell.add_paragraph()
        runs = [r for p in cell.paragraphs for r in p.runs] or [paragraph.add_run("")]
        document.add_comment(runs, text=m.note, author=AUTHOR, initials="审")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _all_tables(document) -> Iterator:
    """Tables in document order, nested ones after their parent (the reader's numbering)."""

    def walk(tables):
        for t in tables:
            yield t
            for row in t.rows:
                for cell in row.cells:
                    yield from walk(cell.tables)

    yield from walk(document.tables)


# --- HTML -------------------------------------------------------------------------------------
STYLE = {
    "error": "background:#fde7e6;outline:3px solid #d93025;outline-offset:-3px",
    "warning": "background:#fef3d6;outline:3px solid #e0a000;outline-offset:-3px",
    "info": "background:#e3eefb;outline:2px solid #1a5fb4;outline-offset:-2px",
}


def annotate_html(data: bytes, ms: list[Mark]) -> bytes:
    import lxml.etree
    import lxml.html

    from ..readers.html import decode_html

    text, _ = decode_html(data)
    root = lxml.html.document_fromstring(text)
    tables = list(root.iter("table"))
    by_table: dict[int, list[Mark]] = defaultdict(list)
    for m in ms:
        if m.table is not None and m.row is not None and m.col is not None:
            by_table[m.table].append(m)
    marked = 0
    for index, todo in by_table.items():
        if not 0 <= index < len(tables):
            continue
        grid = _html_grid(tables[index])
        for m in todo:
            assert m.row is not None and m.col is not None  # by_table holds only placed marks
            el = grid.get((m.row, m.col))
            if el is None:
                continue
            el.set("style", (el.get("style") or "") + ";" + STYLE.get(m.severity, STYLE["warning"]))
            el.set("title", m.note)
            el.set("data-nianbao", m.key)
            marked += 1
    body = root.find("body")
    if body is not None:
        box = lxml.html.fragment_fromstring(
            '<div style="border:2px solid #d93025;padding:8px 12px;margin:8px;background:#fff;'
            'font-family:sans-serif"></div>'
        )
        head = lxml.etree.SubElement(box, "strong")
        head.text = f"审核标注：共 {len(ms)} 个单元格有问题（已在表格中标出 {marked} 个，鼠标停留可看说明）"
        lst = lxml.etree.SubElement(box, "ol")
        for m in ms:
            li = lxml.etree.SubElement(lst, "li")
            li.text = m.note.replace("\n", " ")
        body.insert(0, box)
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


def _html_grid(table) -> dict[tuple[int, int], Any]:  # lxml elements: lxml has no stubs
    """(row, col) → the cell covering it, rows and spans as a browser lays them out."""
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    grid: dict[tuple[int, int], Any] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), cell)
            c += colspan
    return grid


def _owner(tr):
    el = tr.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
