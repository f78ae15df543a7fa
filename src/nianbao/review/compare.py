"""The comparison document: two reports (usually one organ's two years) side by side.

Every cell of the three tables with a value in either report, the changed ones highlighted with
their change; then each of the six parts with its text similarity and both texts. Written as
HTML, DOCX or PDF (the DOCX through LibreOffice).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

from ..corpus.similarity import ratio
from ..model import Report
from ..templates import TABLE_IDS, get_template, sections
from .labels import number, table_template


@dataclass
class Row:
    label: str
    a: str
    b: str
    delta: str
    changed: bool


@dataclass
class Part:
    title: str
    similarity: float
    a: str
    b: str


@dataclass
class Comparison:
    title_a: str
    title_b: str
    tables: list[tuple[str, list[Row]]]
    parts: list[Part]

    @property
    def changed(self) -> int:
        return sum(r.changed for _, rows in self.tables for r in rows)


def _name(r: Report) -> str:
    return f"{r.organ or '未识别机关'} {r.year or ''}年度"


def compare(a: Report, b: Report) -> Comparison:
    tables = []
    for tid in TABLE_IDS:
        ta, tb = table_template(a, tid), table_template(b, tid)
        keys = list(get_template(tb).table(tid).cell_keys)
        if ta != tb:  # different formats: compare the cells both formats have
            keys = [k for k in keys if k in set(get_template(ta).table(tid).cell_keys)]
        table = get_template(tb).table(tid)
        rows = []
        for key in keys:
            va, vb = a.value(key), b.value(key)
            if va is None and vb is None:
                continue
            changed = va != vb
            delta = "" if va is None or vb is None or not changed else f"{vb - va:+g}"
            col = table.column(key)
            label = f"{table.row_name(key)}·{col.label.short}"
            rows.append(Row(label, number(va) or "—", number(vb) or "—", delta, changed))
        tables.append((table.title, rows))
    parts = []
    for sdef in sections():
        sa, sb = a.section(sdef.key), b.section(sdef.key)
        xa, xb = (sa.text if sa else ""), (sb.text if sb else "")
        parts.append(Part(f"{sdef.number}、{sdef.title}", ratio(xa, xb) if xa or xb else 1.0, xa, xb))
    return Comparison(_name(a), _name(b), tables, parts)


# --- HTML --------------------------------------------------------------------------------------
_CSS = (
    "body{font-family:'Noto Sans CJK SC',sans-serif;margin:24px;color:#1f2328}"
    "table{border-collapse:collapse;width:100%;margin:8px 0 18px}td,th{border:1px solid #888;padding:3px 6px}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}tr.changed td{background:#fff3c4}"
    "tr.changed td.d{font-weight:bold;color:#a3160d}.cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}"
    ".text{white-space:pre-wrap;border:1px solid #ddd;padding:8px;background:#fafafa}.high{color:#a3160d}"
)


def to_html(c: Comparison) -> bytes:
    e = html.escape
    out = [
        f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{e(c.title_a)} 与 {e(c.title_b)} 对比</title>',
        f"<style>{_CSS}</style><h1>{e(c.title_a)} 与 {e(c.title_b)} 对比</h1>",
        f"<p>统计表共 {c.changed} 项数值有变化（黄色标出）。</p>",
    ]
    for title, rows in c.tables:
        out.append(
            f"<h2>{e(title)}</h2><table><tr><th>栏目</th><th>{e(c.title_a)}</th><th>{e(c.title_b)}</th><th>增减</th></tr>"
        )
        for r in rows:
            cls = ' class="changed"' if r.changed else ""
            out.append(
                f'<tr{cls}><td>{e(r.label)}</td><td class="n">{e(r.a)}</td><td class="n">{e(r.b)}</td>'
                f'<td class="n d">{e(r.delta)}</td></tr>'
            )
        out.append("</table>")
    out.append("<h2>正文各部分</h2>")
    for p in c.parts:
        high = ' <span class="high">与上年高度雷同</span>' if p.similarity >= 0.9 and p.a and p.b else ""
        out.append(
            f"<h3>{e(p.title)} · 文字相似度 {p.similarity:.0%}{high}</h3><div class='cols'>"
            f"<div class='text'>{e(p.a) or '（无）'}</div><div class='text'>{e(p.b) or '（无）'}</div></div>"
        )
    out.append("</html>")
    return "".join(out).encode("utf-8")


# --- DOCX / PDF --------------------------------------------------------------------------------
def to_docx(c: Comparison) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Noto Sans CJK SC", Pt(9)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading(f"{c.title_a} 与 {c.title_b} 对比", level=1)
    doc.add_paragraph(f"统计表共 {c.changed} 项数值有变化（底色标出）。")

    def shade(cell) -> None:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:fill"), "FFF3C4")
        cell._tc.get_or_add_tcPr().append(shd)

    for title, rows in c.tables:
        doc.add_heading(title, level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("栏目", c.title_a, c.title_b, "增减"), strict=True):
            cell.text = text
        for r in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, (r.label, r.a, r.b, r.delta), strict=True):
                cell.text = text
                if r.changed:
                    shade(cell)
    doc.add_heading("正文各部分", level=2)
    for p in c.parts:
        doc.add_heading(f"{p.title} · 文字相似度 {p.similarity:.0%}", level=3)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = p.a or "（无）"
        table.rows[0].cells[1].text = p.b or "（无）"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render(a: Report, b: Report, fmt: str) -> bytes:
    c = compare(a, b)
    if fmt == "html":
        return to_html(c)
    if fmt == "docx":
        return to_docx(c)
    if fmt == "pdf":
        from ..writer.render.pdf import docx_to_pdf

        return docx_to_pdf(to_docx(c))
    raise ValueError(fmt)
