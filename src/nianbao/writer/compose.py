"""The report as an ordered list of typed blocks, ready for any renderer.

Composition decides what is printed (title, the six part headings in order, drafted sentences,
the user's narrative, the three tables in their parts, the signature, the findings appendix);
renderers only decide how it looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Document, Paragraph, Table
from ..findings import Finding
from ..templates import get_template, sections
from .data import ReportData, format_value
from .draft import drafted
from .layout import TableLayout, layouts


@dataclass
class Block:
    kind: str  # title | heading | paragraph | table | signature | appendix_heading | finding
    text: str = ""
    table: Table | None = None
    layout: TableLayout | None = None


@dataclass
class Composition:
    data: ReportData
    blocks: list[Block] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.data.title_text

    def to_document(self, source: str = "<written>", fmt: str = "written") -> Document:
        doc = Document(source=source, format=fmt, title=self.title)
        for b in self.blocks:
            doc.blocks.append(b.table if b.table is not None else Paragraph(b.text))
        return doc


def cell_texts(data: ReportData, lay: TableLayout) -> dict[str, str]:
    return {k: format_value(data.cells.get(k)) for k in lay.positions}


def compose(
    data: ReportData,
    draft: bool = True,
    findings: list[Finding] | None = None,
    signature: bool = True,
    omit: frozenset[str] = frozenset(),
) -> Composition:
    """The blocks of the report. `omit` leaves parts out entirely (the synthetic generator's
    deliberately incomplete reports)."""
    tpl = get_template(data.template_id)
    tables = layouts(tpl)
    by_section = {t.section: tid for tid, t in tpl.tables.items()}
    sentences = drafted(data) if draft else {}
    comp = Composition(data)
    add = comp.blocks.append
    add(Block("title", comp.title))
    for s in sections():
        if s.key in omit:
            continue
        add(Block("heading", f"{s.number}、{s.title}"))
        if s.key in sentences and s.key != "other":
            add(Block("paragraph", sentences[s.key]))
        for para in _paragraphs(data.sections.get(s.key, "")):
            add(Block("paragraph", para))
        if s.key in sentences and s.key == "other":
            add(Block("paragraph", sentences[s.key]))
        tid = by_section.get(s.key)
        if tid:
            lay = tables[tid]
            add(Block("table", table=lay.filled(cell_texts(data, lay)), layout=lay))
    if signature:
        add(Block("signature", data.organ))
        if data.published:
            p = data.published
            add(Block("signature", f"{p.year}年{p.month}月{p.day}日"))
    if findings:
        add(Block("appendix_heading", "附：检查发现的问题"))
        for f in findings:
            where = f"（{f.where}）" if f.where else ""
            add(Block("finding", f"【{f.severity.zh}】{f.title}{where}：{f.message}"))  # type: ignore[union-attr]
    return comp


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]
