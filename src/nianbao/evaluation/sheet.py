"""The printable evaluation sheet of one unit (评估表): DOCX, and PDF through LibreOffice.

A4 portrait, the writer's fonts; one table row per indicator with its value, colour, points and
evidence, then the red and yellow items as 主要问题, so the sheet can be handed to the unit as is.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from ..writer.render.docx import _font
from ..writer.render.fonts import Fonts
from .region import RegionEvaluation, UnitScore
from .tidy import evidence_text

_FILL = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}


def _run(paragraph: Any, text: str, font: str, size: float, bold: bool = False) -> Any:
    run = paragraph.add_run(text)
    _font(run, font, size, bold)  # the writer's: sets the East Asian font too
    return run


def _shade(cell: Any, colour: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tcpr.append(shd)


def _cell(cell: Any, text: str, fonts: Fonts, size: float = 9, bold: bool = False) -> None:
    cell.text = ""
    _run(cell.paragraphs[0], text, fonts.table, size, bold)


def sheet_docx(ev: RegionEvaluation, unit: UnitScore, fonts: Fonts | None = None) -> bytes:
    fonts = fonts or Fonts()
    rubric = ev.rubric
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(18)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, f"{unit.unit.name}{ev.year}年政府信息公开工作年度报告评估表", fonts.title, 16, bold=True)

    meta = doc.add_table(rows=0, cols=4)
    meta.style = "Table Grid"
    meta.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = "—" if unit.total is None else f"{unit.total:.1f}"
    move = "—" if unit.movement is None else f"{unit.movement:+.1f}"
    rank = "—" if unit.rank is None else f"{unit.rank} / {ev.expected}"
    lrank = "—" if unit.level_rank is None else str(unit.level_rank)
    rows = [
        ("被评估单位", unit.unit.name, "所属地区", unit.unit.region_name or "—"),
        (
            "层级",
            unit.unit.level,
            "评估范围",
            f"{ev.region.name}（应发布 {ev.expected}，已发布 {ev.published}）",
        ),
        ("总分（百分制）", total, "较上年", move),
        ("区域排名", rank, "层级排名", lrank),
        (
            "得分 / 可评满分",
            f"{unit.score.points:.1f} / {unit.score.max_points:g}",
            "报告编号",
            str(unit.report_id) if unit.report_id else "未发布",
        ),
    ]
    for a, b, c, d in rows:
        cells = meta.add_row().cells
        for cell, text, bold in zip(cells, (a, b, c, d), (True, False, True, False), strict=True):
            _cell(cell, text, fonts, 10, bold)

    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("板块", "指标", "数值", "评价", "得分/权重", "依据"), strict=True
    ):
        _cell(cell, text, fonts, 9, bold=True)
    for ind in rubric.indicators:
        r = unit.score.results[ind.key]
        cells = table.add_row().cells
        points = "—" if r.points is None else f"{r.points:g}"
        values = (
            ind.category,
            ind.name,
            ind.format(r.value) if r.status == "rated" else "—",
            r.status_zh,
            f"{points}/{ind.weight:g}",
            evidence_text(r, limit=4),
        )
        for cell, text in zip(cells, values, strict=True):
            _cell(cell, text, fonts, 8)
        if r.colour:
            _shade(cells[3], _FILL[r.colour])
    widths = (Mm(18), Mm(24), Mm(18), Mm(14), Mm(16), Mm(84))
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w

    flagged = unit.flagged(rubric)
    p = doc.add_paragraph()
    _run(p, "主要问题", fonts.heading, 12, bold=True)
    if not flagged:
        _run(
            doc.add_paragraph(),
            "未发现红色、黄色指标。" if unit.published else f"未发布{ev.year}年度报告。",
            fonts.body,
            10,
        )
    for ind, r in flagged:
        colour = "红" if r.colour == "red" else "黄"
        _run(doc.add_paragraph(), f"【{colour}】{r.reason}。{ind.caliber}", fonts.body, 10)
    note = doc.add_paragraph()
    _run(
        note,
        f"评估细则：{rubric.name}（{rubric.version}）。比率类指标样本少于 {rubric.min_sample:g} 件记为“样本不足”，"
        "不计入满分；各指标口径见 docs/evaluation.md。",
        fonts.body,
        8,
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def sheet_pdf(ev: RegionEvaluation, unit: UnitScore, fonts: Fonts | None = None) -> bytes:
    from ..writer.render.pdf import docx_to_pdf

    return docx_to_pdf(sheet_docx(ev, unit, fonts))
