"""Reports made for the format tests: written by nianbao's writer, converted by LibreOffice,
rendered to page images and degraded like a phone photo or a cheap scan.

Nothing here is stored: every fixture is made from a seed, so the truth (the cell values) is known.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.templates import get_template

HAVE_SOFFICE = shutil.which("soffice") is not None
HAVE_PDFTOPPM = shutil.which("pdftoppm") is not None


def report_cells(template_id: str, seed: int) -> dict[str, int | float]:
    """Cell values that satisfy every relation of the template's arithmetic."""
    rnd = random.Random(seed)
    tpl = get_template(template_id)

    def count(big: bool = False) -> int:
        # mostly small, some zeros, now and then a three-digit number (digits are what OCR confuses)
        r = rnd.random()
        if r < 0.3:
            return 0
        if r < 0.85 or not big:
            return rnd.randint(1, 40)
        return rnd.randint(100, 999)

    cells: dict[str, int | float] = {}
    for key, _block, _row, col in tpl.table("t2").cells():
        cells[key] = round(rnd.uniform(0.5, 300), 2) if col.unit else count(big=True)
        if col.key == "in_force" and key.replace("in_force", "issued") in cells:
            cells[key] = cells[key.replace("in_force", "issued")] + rnd.randint(0, 300)
    t3 = tpl.table("t3")
    block = t3.blocks[0]
    parts = [c.key for c in block.value_columns if not c.total_of]
    total_col = next(c.key for c in block.value_columns if c.total_of)
    result_rows = [r.key for r in block.data_rows if r.result]
    for col in parts:
        for r in result_rows:
            cells[f"t3.{r}.{col}"] = count(big=r == "granted")
        results_total = sum(cells[f"t3.{r}.{col}"] for r in result_rows)
        cells[f"t3.results_total.{col}"] = results_total
        carried_forward = rnd.randint(0, 12)
        carried_over = rnd.randint(0, min(12, results_total + carried_forward))
        cells[f"t3.carried_forward.{col}"] = carried_forward
        cells[f"t3.carried_over.{col}"] = carried_over
        cells[f"t3.new_received.{col}"] = results_total + carried_forward - carried_over
    for row in block.data_rows:
        cells[f"t3.{row.key}.{total_col}"] = sum(cells[f"t3.{row.key}.{c}"] for c in parts)
    for row in tpl.table("t4").blocks[0].data_rows:
        vals = [count() for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending"), vals, strict=True):
            cells[f"t4.{row.key}.{col}"] = v
        cells[f"t4.{row.key}.total"] = sum(vals)
    assert set(cells) == set(tpl.cell_keys)
    return cells


@dataclass
class WrittenReport:
    cells: dict[str, int | float]
    docx: bytes
    tables: dict[str, list[str]]  # table id -> the printed value texts, row by row


def report_data(year: int = 2023, seed: int = 1):
    """The writer's input for a report of `year` whose cells satisfy the arithmetic."""
    from nianbao.writer.data import ReportData

    template_id = "2021" if year >= 2021 else "2019"
    return ReportData(
        organ="某某市某某区某某镇人民政府",
        year=year,
        published=f"{year + 1}-01-20",
        cells=report_cells(template_id, seed),
        sections={
            "overview": "本镇认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开标准化规范化建设。",
            "problems": "一是公开内容不够全面；二是解读形式较为单一。下一步将加强培训，提升工作水平。",
            "other": "本年度未收取信息处理费。",
        },
    )


def written_report(year: int = 2023, seed: int = 1) -> WrittenReport:
    """A report written by nianbao's writer (DOCX), with its truth."""
    from nianbao.writer.compose import compose
    from nianbao.writer.data import format_value
    from nianbao.writer.render.docx import render_docx

    template_id = "2021" if year >= 2021 else "2019"
    data = report_data(year, seed)
    cells = data.cells
    comp = compose(data)
    tables = {}
    for block in comp.blocks:
        if block.table is not None and block.layout is not None:
            tid = next(
                t for t, lay in _layouts(template_id).items() if lay.positions == block.layout.positions
            )
            order = sorted(block.layout.positions.items(), key=lambda kv: kv[1])
            tables[tid] = [format_value(cells[k]) for k, _pos in order]
    return WrittenReport(cells, render_docx(comp), tables)


def _layouts(template_id: str) -> dict:
    from nianbao.writer.layout import layouts

    return layouts(get_template(template_id))


def pdf_pages(pdf: bytes, dpi: int = 150) -> list:
    """The PDF's pages as PIL images (pdftoppm, as a scanner driver would produce)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in.pdf")
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp, "p"))], check=True)
        return [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("p-*.png"))]


def degrade(img, seed: int, rotate: float = 1.2, blur: float = 0.7, noise: float = 10, quality: int = 55):
    """What a phone photo or a cheap scan does to a page: tilt, blur, uneven light, noise, JPEG."""
    import numpy as np
    from PIL import Image, ImageFilter

    rnd = np.random.default_rng(seed)
    img = img.rotate(rotate, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    light = np.linspace(0.0, 1.0, w)[None, :, None] * np.linspace(0.0, 1.0, h)[:, None, None]
    a = a * (0.86 + 0.14 * (1 - light))  # a shadow towards one corner
    a += rnd.normal(0, noise, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def as_jpeg(img, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def as_tiff(pages: list) -> bytes:
    # copies: Pillow 13 hands an appended page the encoder settings of its last save, and a page
    # of a session fixture another test saved as JPEG then breaks the TIFF encoder
    pages = [p.copy() for p in pages]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    return buf.getvalue()


def table_values(doc, numeric_only: bool = True) -> list[tuple[str, float | None]]:
    """Every value-looking cell of the document's tables in reading order, with its confidence."""
    import re

    out = []
    for t in doc.tables:
        for row in t.rows():
            for c in row:
                text = c.text.strip()
                conf = getattr(c.prov, "confidence", None)
                looks_numeric = bool(re.fullmatch(r"[0-9OoIl|SBZg.,，\-]+", text)) if text else conf == 0.0
                if not numeric_only or looks_numeric:
                    out.append((text, conf))
    return out


@dataclass
class CellScore:
    expected: int
    correct: int
    flagged_wrong: int  # wrong or missing, but the reader marked it (low confidence / empty with ink)
    silent: list[tuple[str, str, float | None]]  # (expected, got, confidence): wrong and not flagged

    @property
    def accuracy(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


LOW_CONFIDENCE = 0.9


def score_cells(expected: list[str], got: list[tuple[str, float | None]]) -> CellScore:
    """Align the printed value sequence with the recognised one and count right, flagged and silent."""
    import difflib

    got_texts = [t for t, _ in got]
    sm = difflib.SequenceMatcher(a=expected, b=got_texts, autojunk=False)
    correct = flagged = 0
    silent: list[tuple[str, str, float | None]] = []
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op == "equal":
            correct += a1 - a0
            continue
        for i in range(a0, a1):
            j = b0 + (i - a0)
            if op == "replace" and j < b1:
                text, conf = got[j]
                if conf is not None and conf < LOW_CONFIDENCE:
                    flagged += 1
                else:
                    silent.append((expected[i], text, conf))
            else:
                silent.append((expected[i], "<missing>", None))
    return CellScore(len(expected), correct, flagged, silent)


def page_with(pdf: bytes, text: str) -> int:
    """The 0-based index of the last page of the PDF whose text layer contains `text`."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    hits = [i for i in range(len(doc)) if text in doc[i].get_textpage().get_text_range().replace(" ", "")]
    assert hits, text
    return hits[-1]


CHROMIUM = "/usr/bin/chromium"


@contextmanager
def chromium_tab(width: int = 1000, height: int = 1200) -> Iterator[Any]:
    """A Playwright page in Debian's Chromium at 1× (the test is skipped without it)."""
    import pytest

    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        finally:
            browser.close()


def table_screenshots(tab: Any, page: str) -> list[bytes]:
    """A PNG of each table of the HTML page, as a site's editor takes one."""
    tab.set_content(page)
    tables = tab.locator("table")
    return [tables.nth(i).screenshot() for i in range(tables.count())]
