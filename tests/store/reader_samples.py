"""One report file per reader, made at test time from the corpus and nianbao's writer.

`sample(name, corpus)` returns (file name, bytes). The OCR samples are page images of a corpus
PDF rendered by pdfium: an image file, and an image-only ("scanned") PDF whose first page is the
title strip of the report (organ and year) and whose second page carries its 表二 and 表三.
"""

from __future__ import annotations

import io
import shutil
from functools import cache
from pathlib import Path

READERS = ("text", "markdown", "html", "docx", "pdf", "office", "spreadsheet", "image", "scanned_pdf")
SCAN_SOURCE = "pdf/huaian-hongze-2024.pdf"
SCAN_DPI = 100  # enough for the recogniser on this print; OCR time grows with the pixels


def have_soffice() -> bool:
    return shutil.which("soffice") is not None


def have_ocr() -> bool:
    from nianbao.readers import ocr

    return ocr.available()


@cache
def _written(fmt: str) -> bytes:
    from nianbao.corpus.synthetic import make_report
    from nianbao.writer import ReportData, render_report

    report = make_report("淮安市洪泽区财政局", 2024, seed=11)
    data = ReportData.from_report(report)
    data = data.model_copy(
        update={
            "sections": {
                "overview": "本局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开各类信息。",
                "problems": "一是公开内容不够全面；二是解读形式较为单一。下一步将加强培训。",
                "other": "本年度未收取信息处理费。",
            }
        }
    )
    return render_report(data, fmt, allow_errors=True).content


@cache
def _pages(corpus: Path) -> list:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(corpus / SCAN_SOURCE))
    title = pdf[0].render(scale=SCAN_DPI / 72).to_pil().convert("RGB")
    title = title.crop((0, 0, title.width, title.height * 3 // 10))  # the title and the first lines
    tables = pdf[2].render(scale=SCAN_DPI / 72).to_pil().convert("RGB")
    return [title, tables]


def scanned_pdf(corpus: Path) -> bytes:
    """An image-only PDF: pages that are pictures, no text layer."""
    title, tables = _pages(corpus)
    buf = io.BytesIO()
    title.save(buf, "PDF", save_all=True, append_images=[tables], resolution=SCAN_DPI)
    return buf.getvalue()


def sample(name: str, corpus: Path) -> tuple[str, bytes]:
    if name == "text":
        return "pingtan-2023.txt", (corpus / "crawl" / "pingtan-2023.txt").read_bytes()
    if name == "markdown":
        return "report.md", _written("md")
    if name == "html":
        return "pingtan-2021.html", (corpus / "html" / "pingtan-2021.html").read_bytes()
    if name == "docx":
        return "report.docx", _written("docx")
    if name == "pdf":
        return "huaian-hongze-2024.pdf", (corpus / SCAN_SOURCE).read_bytes()
    if name == "office":
        from nianbao.readers import _libreoffice as lo

        return "report.odt", lo.convert(_written("docx"), "docx", "odt")
    if name == "spreadsheet":
        from nianbao.corpus.synthetic import make_report
        from nianbao.writer import ReportData
        from nianbao.writer.workbook import build_workbook

        data = ReportData.from_report(make_report("淮安市洪泽区教育局", 2024, seed=12))
        return "填报表.xlsx", build_workbook(2024, data=data)
    if name == "image":
        buf = io.BytesIO()
        _pages(corpus)[1].save(buf, "PNG")
        return "scan.png", buf.getvalue()
    if name == "scanned_pdf":
        return "scan.pdf", scanned_pdf(corpus)
    raise KeyError(name)
