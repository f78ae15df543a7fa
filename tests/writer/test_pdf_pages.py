"""The PDF as a reader sees it: pages rendered to images, the text there, the tables ruled."""

import random
import shutil
import subprocess

import pytest
from PIL import Image

from nianbao.synth.generate import random_data
from nianbao.writer import render_report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="needs soffice, poppler"
    ),
]


def long_lines(img: Image.Image) -> tuple[int, int]:
    """(horizontal, vertical) dark pixel lines: rows longer than a third of the page width,
    columns longer than a sixth of its height."""
    gray = img.convert("L")
    w, h = gray.size
    px = gray.load()
    horizontal = sum(1 for y in range(h) if sum(px[x, y] < 100 for x in range(0, w, 2)) > w / 6)
    vertical = sum(1 for x in range(w) if sum(px[x, y] < 100 for y in range(0, h, 2)) > h / 12)
    return horizontal, vertical


def test_pdf_pages_have_text_and_ruled_tables(tmp_path):
    data = random_data(random.Random(4), year=2024)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report(data, "pdf").content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    compact = "".join(text.split())
    assert "".join(data.title_text.split()) in compact
    for heading in ("一、总体情况", "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项"):
        assert heading in compact
    assert "申请人情况" in compact and "结转下年度继续办理" in compact
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for page in pages:
        img = Image.open(page)
        assert img.size == (413, 585) or abs(img.size[0] / img.size[1] - 210 / 297) < 0.01  # A4
    rules = [long_lines(Image.open(p)) for p in pages]
    # the 表三 grid: a page ruled both ways, and many table rules over the document
    assert any(h >= 10 and v >= 8 for h, v in rules), rules
    assert sum(h for h, _ in rules) >= 30, rules
    assert Image.open(pages[0]).convert("L").getextrema()[0] < 50  # ink on the first page


def test_large_counts_stay_on_one_line_in_their_cells(tmp_path):
    # a 4- or 5-digit count in 表三's narrow value columns wrapped as 「293」 over 「2」: every
    # converter then reads two numbers, and the arithmetic no longer holds
    data = random_data(random.Random(7), year=2024)
    # every 表三 count times 100: the table's arithmetic still holds, its totals have 4–5 digits
    big = {k: v * 100 for k, v in data.cells.items() if k.startswith("t3.") and v}
    assert max(big.values()) >= 10_000
    data = data.model_copy(update={"cells": {**data.cells, **big}})
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report(data, "pdf").content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the table only: the narrative above it quotes some of the same numbers
    table = text[text.index("申请人情况") : text.index("四、政府信息公开行政复议")]
    assert {str(v) for v in big.values()} <= set(table.split())
