"""`nianbao annotate`: a highlight over every flagged cell's box, on its page; comments; HTML marks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
from pypdf import PdfReader
from typer.testing import CliRunner

from nianbao.cli import _load_commands, app
from nianbao.corpus.ingest import ingest
from nianbao.findings import Finding
from nianbao.store import Store
from nianbao.web.service import revalidate


def _cli(*args: str) -> str:
    _load_commands(["annotate"])
    result = CliRunner().invoke(app, ["annotate", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _covers(rect: list[float], box: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = rect
    bx0, by0, bx1, by1 = box
    eps = 0.5
    return x0 <= bx0 + eps and y0 <= by0 + eps and x1 >= bx1 - eps and y1 >= by1 - eps


def test_pdf_with_a_planted_error_gets_a_highlight_on_every_flagged_cell(
    corpus_dir: Path, tmp_path: Path
) -> None:
    src = tmp_path / "huaian-hongze-2024.pdf"
    shutil.copyfile(corpus_dir / "pdf" / "huaian-hongze-2024.pdf", src)
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    ingest(store, [src], workers=1)
    (sr,) = store.reports()
    # plant an error: 表四 行政复议 总计 no longer the sum of its results
    key = "t4.review.total"
    store.edit_cell(sr.id, key, (sr.report.value(key) or 0) + 5, who="test")
    revalidate(store, sr.id)
    report = store.get_report(sr.id).report
    flagged = {
        k
        for f in report.findings
        if not f.data.get("accepted")
        for k in f.cells
        if report.cells.get(k) and report.cells[k].prov and report.cells[k].prov.bbox
    }
    assert key in flagged
    out = tmp_path / "marked.pdf"
    _cli(str(sr.id), "--db", str(store.engine.url), "-o", str(out))
    pdf = PdfReader(str(out))
    with pdfplumber.open(str(src)) as plumber:
        for k in flagged:
            prov = report.cells[k].prov
            page = pdf.pages[prov.page - 1]
            height = float(page.mediabox.top)
            x0, top, x1, bottom = prov.bbox
            want = (x0, height - bottom, x1, height - top)
            highlights = [
                a.get_object() for a in page.get("/Annots", []) if a.get_object()["/Subtype"] == "/Highlight"
            ]
            hit = [h for h in highlights if _covers([float(v) for v in h["/Rect"]], want)]
            assert hit, k
            assert any(str(h.get("/NM")) == f"nianbao:{k}" for h in hit)
            # the box really is where the value is printed (the provenance convention is right)
            raw = report.cells[k].raw
            if raw:  # an inferred cell was not printed
                printed = plumber.pages[prov.page - 1].crop(prov.bbox).extract_text() or ""
                assert raw.strip() in printed.replace(" ", ""), k
    note = next(
        a.get_object()["/Contents"]
        for a in pdf.pages[report.cells[key].prov.page - 1]["/Annots"]
        if str(a.get_object().get("/NM")) == f"nianbao:{key}"
    )
    assert "表四·行政复议·总计" in note and "表四总计不等于各结果之和" in note
    store.close()


def test_html_copy_marks_the_flagged_cells(corpus_dir: Path, tmp_path: Path) -> None:
    from nianbao.api import parse
    from nianbao.review.annotate import annotate_bytes

    path = corpus_dir / "html" / "pingtan-2023.html"
    report = parse(path)
    key = "t4.review.total"
    report.cells[key].value = (report.cells[key].value or 0) + 3
    report.findings = [Finding("T4_GROUP_TOTAL", "表四总计不等于各结果之和（测试）", [key])]
    data, suffix = annotate_bytes(path.read_bytes(), path.name, report)
    assert suffix == ".html"
    import lxml.html

    root = lxml.html.document_fromstring(data.decode("utf-8"))
    (cell,) = root.xpath(f'//*[@data-nianbao="{key}"]')
    assert "表四总计不等于各结果之和" in cell.get("title")
    assert cell.text_content().strip() == report.cells[key].raw.strip()


def test_docx_gets_a_word_comment_on_each_flagged_cell(tmp_path: Path) -> None:
    import io

    import docx

    from nianbao.api import parse
    from nianbao.corpus.synthetic import make_report
    from nianbao.review.annotate import annotate_bytes
    from nianbao.writer import ReportData, render_report

    written = render_report(
        ReportData.from_report(make_report("淮安市洪泽区财政局", 2024, seed=3)),
        "docx",
        draft=False,
        allow_errors=True,
    )
    path = tmp_path / "洪泽区财政局2024.docx"
    path.write_bytes(written.content)
    report = parse(path)
    key = "t4.review.total"
    report.findings = [Finding("T4_GROUP_TOTAL", "表四总计不等于各结果之和（测试）", [key])]
    data, suffix = annotate_bytes(path.read_bytes(), path.name, report)
    assert suffix == ".docx"
    document = docx.Document(io.BytesIO(data))
    (comment,) = list(document.comments)
    assert "表四·行政复议·总计" in comment.text and "表四总计不等于各结果之和" in comment.text
    prov = report.cells[key].prov
    cell = document.tables[prov.table].cell(prov.row, prov.col)
    assert "commentRangeStart" in cell._tc.xml and cell.text.strip() == report.cells[key].raw
