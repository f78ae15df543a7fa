"""DOCX in the official layout: A4, 公文 margins, the template's merged cells exactly.

Pagination follows the 公文 rules a reader checks: the page number in the footer (「－ 1 －」), a
part heading never alone at the foot of a page (kept with what follows), no widowed or orphaned
lines, and the 落款 (organ and date) never alone on the last page: the last paragraph before it is
kept with it. The PDF is this DOCX laid out by LibreOffice, which honours the same properties.
"""

from __future__ import annotations

import copy
import io
import re
from functools import lru_cache
from typing import Any, cast

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import _Cell
from docx.text.run import Run

from ..compose import Composition
from .fonts import Fonts

# 「（一）…」「1. …」「一、…」 as a short line without a full stop
_SUBHEADING = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、]|[一二三四五六七八九十]、)[^。；;]{0,30}$"
)

# 公文 sizes: 二号 title, 三号 text; the tables use 五号/小五 to fit A4
TITLE_PT, TEXT_PT, TABLE_PT, WIDE_TABLE_PT = 22, 16, 10.5, 8
PAGE_NUMBER_PT = 14  # 四号


def _font(run, name: str, size: float, bold: bool = False) -> None:
    if run._r.rPr is None:
        # a fresh run: a copy of the properties built once (python-docx's setters walk the
        # schema for every element; a report's tables have thousands of runs)
        run._r.insert(0, copy.deepcopy(_run_properties(name, size, bold)))
        return
    _set_font(run, name, size, bold)


def _set_font(run, name: str, size: float, bold: bool) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


@lru_cache(maxsize=64)
def _run_properties(name: str, size: float, bold: bool):
    run = Run(OxmlElement("w:r"), cast(Any, None))  # a detached run: no story part needed
    _set_font(run, name, size, bold)
    return run._r.rPr


def _merge(grid: list[list[_Cell]], row: int, col: int, rowspan: int, colspan: int) -> None:
    """What `_Cell.merge` makes of an empty rectangle (gridSpan, vMerge, summed widths), written
    directly: python-docx finds each cell's grid position again by walking the rows, for every
    merge, and the tables have hundreds."""
    for r in range(row, row + rowspan):
        first = grid[r][col]._tc
        for c in range(col + 1, col + colspan):
            tc = grid[r][c]._tc
            if first.width and tc.width:
                first.width = Length(first.width + tc.width)
            first.grid_span += tc.grid_span
            tc.getparent().remove(tc)
        first.vMerge = None if rowspan == 1 else "restart" if r == row else "continue"


def _vertical(cell) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "tbRlV")
    tcpr.append(direction)


def _page_number_footer(section, fonts: Fonts) -> None:
    """「－ N －」centred in the footer, N a PAGE field (updated by every renderer)."""
    footer = section.footer
    para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(para.add_run("－ "), fonts.body, PAGE_NUMBER_PT)
    run = para.add_run()
    _font(run, fonts.body, PAGE_NUMBER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif cast(str, text).strip() == "PAGE":  # kind None: text is set
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    _font(para.add_run(" －"), fonts.body, PAGE_NUMBER_PT)


def _keeps_with_next(blocks: list, i: int) -> bool:
    """Whether block i must stay on the page of the block after it."""
    kind = blocks[i].kind
    nxt = blocks[i + 1].kind if i + 1 < len(blocks) else None
    if kind in ("title", "heading", "appendix_heading"):
        return nxt is not None
    if nxt == "signature":  # the last paragraph, and the organ with its date: the 落款 block
        return True
    # a sub-heading the user wrote as a line of its own (「（一）主动公开方面」) leads its paragraph
    return kind == "paragraph" and nxt == "paragraph" and _SUBHEADING.match(blocks[i].text) is not None


def render_docx(comp: Composition, fonts: Fonts | None = None) -> bytes:
    fonts = fonts or Fonts()
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = fonts.body
    normal.font.size = Pt(TEXT_PT)
    normal.element.get_or_add_rPr()
    doc.core_properties.title = comp.title
    doc.core_properties.author = comp.data.organ
    _page_number_footer(section, fonts)

    for i, block in enumerate(comp.blocks):
        if block.kind == "table" and block.table is not None:
            _table(doc, block.table, block.layout, fonts)
            continue
        p = doc.add_paragraph()
        run = p.add_run(block.text)
        fmt = p.paragraph_format
        fmt.widow_control = True
        if _keeps_with_next(comp.blocks, i):
            fmt.keep_with_next = True
            if block.kind != "paragraph":
                fmt.keep_together = True
        if block.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, fonts.title, TITLE_PT)
            fmt.space_after = Pt(12)
        elif block.kind in ("heading", "appendix_heading"):
            _font(run, fonts.heading, TEXT_PT)
            fmt.first_line_indent = Pt(TEXT_PT * 2)
        elif block.kind == "signature":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(run, fonts.body, TEXT_PT)
        else:
            _font(run, fonts.body, TEXT_PT)
            fmt.first_line_indent = Pt(TEXT_PT * 2)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


TEXT_WIDTH_MM = 156  # A4 less the 公文 margins


# a digit at most 0.6 em in the fonts the tables use; the cell margins of "Table Grid" are
# 1.9 mm a side, and LibreOffice wants a little more than that to keep a line whole
_DIGIT_EM, _CELL_MARGINS_MM, _PT_MM = 0.6, 4.4, 25.4 / 72
_MIN_LABEL_SHARE = 0.55  # a label column gives up at most this share of its width to the values


def _widths(n_cols: int, table_id: str, widest_value: int = 0, size_pt: float = TABLE_PT) -> list[float]:
    """Label columns wide enough for the official wording, value columns equal and wide enough
    that the longest number printed stays on one line (a 4-digit count wrapped as 「293」 over
    「2」 in a narrow cell is read as two numbers by every converter)."""
    labels = {"t3": [10.0, 18.0, 44.0], "t2": [44.0]}.get(table_id, [])
    n_values = max(n_cols - len(labels), 1)
    need = widest_value * _DIGIT_EM * size_pt * _PT_MM + _CELL_MARGINS_MM
    rest = (TEXT_WIDTH_MM - sum(labels)) / n_values
    if labels and need > rest:
        # take the room from the label columns (their wording wraps, a number must not)
        spare = sum(w * _MIN_LABEL_SHARE for w in labels)
        give = min((need - rest) * n_values, spare)
        labels = [w - give * (w * _MIN_LABEL_SHARE) / spare for w in labels]
        rest = (TEXT_WIDTH_MM - sum(labels)) / n_values
    return labels + [rest] * (n_cols - len(labels))


def _table(doc, table, layout, fonts: Fonts) -> None:
    size = WIDE_TABLE_PT if table.n_cols > 10 else TABLE_PT
    t = doc.add_table(rows=table.n_rows, cols=table.n_cols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    vertical = layout.vertical if layout is not None else set()
    t.autofit = False
    label_texts = {(c.row, c.col) for c in layout.cells} if layout is not None else set()
    widest = max((len(c.text) for c in table.cells if (c.row, c.col) not in label_texts), default=0)
    widths = _widths(table.n_cols, layout.table_def.id if layout is not None else "", widest, size)
    for width, column in zip(widths, t.columns, strict=False):
        column.width = Mm(width)  # the grid LibreOffice lays out by; Word reads the cells' widths
    # Table.cell() and _Row.cells rebuild the whole cell list on every call (quadratic); take the
    # grid once. Merges never overlap, so the corner cells of each later merge stay in the XML.
    grid = [[_Cell(tc, t) for tc in tr.tc_lst] for tr in t._tbl.tr_lst]
    for tr, row in zip(t._tbl.tr_lst, grid, strict=True):
        # a row never breaks across pages: a label split over two pages reads as two rows
        tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for width, cell in zip(widths, row, strict=False):
            cell.width = Mm(width)
    for c in table.cells:
        cell = grid[c.row][c.col]
        if c.rowspan > 1 or c.colspan > 1:
            _merge(grid, c.row, c.col, c.rowspan, c.colspan)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        para = cell.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(para.add_run(c.text), fonts.table, size)
        if (c.row, c.col) in vertical:
            _vertical(cell)
    doc.add_paragraph()
