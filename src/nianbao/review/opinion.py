"""审核意见: what the reviewing office sends back to each unit, and the 汇总 of all units.

The wording comes from the finding itself — the catalogue's title for its code, the rule's
message, the cells it names (labelled from the template) and the page they were read on — and a
closing request chosen by severity. A new rule therefore appears in opinions with no code here.
Accepted findings are not asked for again: they are listed under 已说明 with the reviewer's note.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..findings import CATALOGUE, Severity
from ..store import Store, StoredReport
from .labels import number, report_cell_label

# what the unit is asked to do, by severity; the finding says what is wrong
REQUEST = {
    "error": "请核对原始台账和统计数据，更正后重新发布报告，并将更正情况报送审核机关。",
    "warning": "请核实；确需修改的请更正，确有合理原因的请书面说明。",
    "info": "请在今后的报告中规范表述。",
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class OpinionItem:
    severity: str
    title: str
    message: str
    cells: list[str]  # Chinese labels: 表三·（七）总计·总计
    pages: list[int]
    where: str | None
    request: str
    comment: str | None = None  # the reviewer's note on an accepted finding

    @property
    def severity_zh(self) -> str:
        return SEVERITY_ZH.get(self.severity, self.severity)

    @property
    def place(self) -> str:
        parts = []
        if self.cells:
            shown = "、".join(self.cells[:6]) + (f" 等 {len(self.cells)} 处" if len(self.cells) > 6 else "")
            parts.append(f"涉及：{shown}")
        if self.pages:
            parts.append("原件第 " + "、".join(str(p) for p in self.pages) + " 页")
        elif self.where:
            parts.append(f"位置：{self.where}")
        return "；".join(parts)


@dataclass
class Opinion:
    report_id: int
    unit: str
    region: str
    year: int | None
    title: str
    source: str
    reviewer: str
    on: date
    items: list[OpinionItem] = field(default_factory=list)  # open: to correct or explain
    explained: list[OpinionItem] = field(default_factory=list)  # accepted: 已说明
    state: str = "未审"

    def count(self, severity: str) -> int:
        return sum(1 for i in self.items if i.severity == severity)

    @property
    def heading(self) -> str:
        year = f"{self.year}年度" if self.year else ""
        return f"关于{self.unit}{year}政府信息公开工作年度报告的审核意见"

    @property
    def filename(self) -> str:
        return safe_name(f"{self.unit}-{self.year or '年度未识别'}-审核意见")


def safe_name(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text).strip("._")[:120] or "审核意见"


def build(
    stored: StoredReport,
    reviewer: str,
    on: date | None = None,
    state: str = "未审",
    notes: dict[int, str | None] | None = None,
) -> Opinion:
    report = stored.report
    op = Opinion(
        stored.id,
        stored.organ_name or report.organ or "（未识别机关）",
        stored.region_name or report.region or "",
        report.year,
        report.title or "",
        report.source or "",
        reviewer,
        on or date.today(),
        state=state,
    )
    ids = list(stored.finding_ids) + [None] * (len(report.findings) - len(stored.finding_ids))
    findings = sorted(
        zip(ids, report.findings, strict=True),
        key=lambda x: (-Severity(x[1].severity).rank, x[1].code),  # type: ignore[arg-type]
    )
    for fid, f in findings:
        labels = [lbl for k in f.cells if (lbl := report_cell_label(report, k))]
        pages = sorted(
            {
                c.prov.page
                for k in f.cells
                if (c := report.cells.get(k)) is not None and c.prov is not None and c.prov.page
            }
        )
        severity = str(f.severity)
        item = OpinionItem(
            severity,
            CATALOGUE.get(f.code, (None, f.title))[1],
            f.message,
            labels,
            pages,
            f.where,
            REQUEST.get(severity, REQUEST["warning"]),
            comment=(notes or {}).get(fid) if fid is not None else None,
        )
        (op.explained if f.data.get("accepted") else op.items).append(item)
    return op


# --- DOCX ------------------------------------------------------------------------------------
def to_docx(op: Opinion) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Serif CJK SC"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")
    doc.core_properties.title = op.heading
    doc.core_properties.author = op.reviewer

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(op.heading)
    run.bold, run.font.size = True, Pt(16)

    doc.add_paragraph(f"{op.unit}：")
    head = doc.add_table(rows=0, cols=2)
    head.style = "Table Grid"
    for k, v in (
        ("被审核单位", op.unit + (f"（{op.region}）" if op.region else "")),
        ("报告", op.title or f"{op.year or ''}年度政府信息公开工作年度报告"),
        ("报告来源", op.source),
        ("审核机关", op.reviewer),
        ("审核日期", f"{op.on.year}年{op.on.month}月{op.on.day}日"),
        ("审核结论", summary_line(op)),
    ):
        cells = head.add_row().cells
        cells[0].text, cells[1].text = k, v

    doc.add_paragraph()
    if op.items:
        doc.add_paragraph(f"经审核，你单位报告存在以下 {len(op.items)} 个问题，请逐项核实整改：").runs[
            0
        ].bold = True
        for i, item in enumerate(op.items, 1):
            p = doc.add_paragraph()
            p.add_run(f"{i}．【{item.severity_zh}】{item.title}。").bold = True
            p.add_run(item.message)
            if item.place:
                doc.add_paragraph(item.place)
            doc.add_paragraph(f"整改要求：{item.request}")
    else:
        doc.add_paragraph("经审核，未发现需要整改的问题。")
    if op.explained:
        doc.add_paragraph()
        doc.add_paragraph(f"已说明（{len(op.explained)} 项，不再要求整改）：").runs[0].bold = True
        for item in op.explained:
            note = f"（说明：{item.comment}）" if item.comment else ""
            doc.add_paragraph(f"{item.title}：{item.message}{note}")
    doc.add_paragraph()
    sign = doc.add_paragraph(op.reviewer)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    when = doc.add_paragraph(f"{op.on.year}年{op.on.month}月{op.on.day}日")
    when.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def summary_line(op: Opinion) -> str:
    if not op.items:
        return "未发现需要整改的问题" + (f"（{len(op.explained)} 项已说明）" if op.explained else "")
    parts = [f"{SEVERITY_ZH[s]} {op.count(s)} 个" for s in ("error", "warning", "info") if op.count(s)]
    return "需整改：" + "，".join(parts)


# --- 汇总 ------------------------------------------------------------------------------------
SUMMARY_HEADER = [
    "单位",
    "地区",
    "年度",
    "错误",
    "警告",
    "提示",
    "已说明",
    "审核状态",
    "审核意见文件",
    "报告编号",
]


def summary_rows(ops: Sequence[Opinion]) -> list[list[object]]:
    return [
        [
            op.unit,
            op.region,
            op.year or "",
            op.count("error"),
            op.count("warning"),
            op.count("info"),
            len(op.explained),
            op.state,
            op.filename + ".docx",
            op.report_id,
        ]
        for op in ops
    ]


def summary_xlsx(ops: Sequence[Opinion]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("审核意见汇总")
    bold = wb.add_format({"bold": True, "bg_color": "#F0F1F3", "border": 1})
    ws.write_row(0, 0, SUMMARY_HEADER, bold)
    for i, row in enumerate(summary_rows(ops), 1):
        ws.write_row(i, 0, row)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 14)
    ws.set_column(8, 8, 36)
    ws.freeze_panes(1, 0)
    wb.close()
    return out.getvalue()


def to_pdf(docx_files: dict[str, bytes]) -> dict[str, bytes]:
    """DOCX → PDF through LibreOffice, all in one start (stem → bytes)."""
    from ..writer.render.pdf import convert_many

    stems = {f"o{i}": name for i, name in enumerate(docx_files)}
    converted = convert_many([(k, docx_files[v]) for k, v in stems.items()], ".docx", "pdf")
    return {stems[k]: v for k, v in converted.items()}


# --- from the store ------------------------------------------------------------------------
def opinions(
    store: Store,
    report_ids: Iterable[int],
    reviewer: str,
    on: date | None = None,
    states: dict[int, str] | None = None,
) -> list[Opinion]:
    from ..store import review as repo

    ids = list(report_ids)
    notes = repo.finding_notes(store, ids)
    out = [
        build(sr, reviewer, on, (states or {}).get(sr.id, "未审"), notes)
        for sr in store.load_reports(ids)
        if not sr.consolidated
    ]
    out.sort(key=lambda o: (o.region, o.unit, -(o.year or 0)))
    return out


def write_all(ops: Sequence[Opinion], out_dir: Path, pdf: bool = False) -> list[Path]:
    """One DOCX (and PDF) per unit plus 审核意见汇总.xlsx; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    docs: dict[str, bytes] = {}
    seen: dict[str, int] = {}
    for op in ops:
        name = op.filename
        if name in seen:  # two versions of one organ and year
            seen[name] += 1
            name = f"{name}-{op.report_id}"
        seen.setdefault(name, 1)
        docs[name] = to_docx(op)
        path = out_dir / f"{name}.docx"
        path.write_bytes(docs[name])
        written.append(path)
    if pdf and docs:
        for name, data in to_pdf(docs).items():
            path = out_dir / f"{name}.pdf"
            path.write_bytes(data)
            written.append(path)
    summary = out_dir / "审核意见汇总.xlsx"
    summary.write_bytes(summary_xlsx(ops))
    written.append(summary)
    return written


def zip_bytes(ops: Sequence[Opinion]) -> bytes:
    """The web's download for a selection: every DOCX and the 汇总 in one ZIP."""
    import zipfile

    buf = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for op in ops:
            name = op.filename if op.filename not in names else f"{op.filename}-{op.report_id}"
            names.add(name)
            z.writestr(f"{name}.docx", to_docx(op))
        z.writestr("审核意见汇总.xlsx", summary_xlsx(ops))
    return buf.getvalue()


def default_reviewer(region: str | None) -> str:
    return f"{region}政务公开办公室" if region else "政务公开办公室"


__all__ = ["Opinion", "OpinionItem", "build", "number", "opinions", "summary_xlsx", "to_docx", "write_all"]
