"""The comparison document: the two years side by side, changed cells highlighted, part similarity."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from nianbao.api import parse
from nianbao.review.compare import compare, render

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "nianbao" / "examples"


def test_html_and_docx_comparison_of_two_years() -> None:
    a, b = parse(EXAMPLES / "平潭综合实验区-2021.html"), parse(EXAMPLES / "平潭综合实验区-2023.html")
    c = compare(a, b)
    changed = [r for _, rows in c.tables for r in rows if r.changed]
    assert changed and c.changed == len(changed)
    page = render(a, b, "html").decode("utf-8")
    assert page.count('class="changed"') == len(changed)
    assert "文字相似度" in page and "t3." not in page
    doc = Document(__import__("io").BytesIO(render(a, b, "docx")))
    fills = sum(1 for t in doc.tables for row in t.rows for cell in row.cells if "FFF3C4" in cell._tc.xml)
    assert fills == 4 * len(changed)  # every cell of a changed row
    texts = [p.text for p in doc.paragraphs]
    assert any("文字相似度" in t for t in texts)
