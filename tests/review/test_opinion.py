"""`nianbao opinion`: one DOCX per unit with each open finding's message, a 汇总, PDF by LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from nianbao.cli import _load_commands, app
from nianbao.store import Store


def _text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _run(*args: str) -> str:
    _load_commands(["opinion"])
    result = CliRunner().invoke(app, ["opinion", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_one_docx_per_unit_with_every_open_message(examples_store: Store, tmp_path: Path) -> None:
    reports = [sr for sr in examples_store.reports() if not sr.consolidated]
    # accept one finding: it must not be asked for again, but listed as 已说明 with the note
    target = next(sr for sr in reports if sr.report.findings)
    accepted_id, accepted = target.finding_ids[0], target.report.findings[0]
    examples_store.accept_finding(accepted_id, "rev", "该项已在报告附注中说明")
    url = str(examples_store.engine.url)
    out = tmp_path / "op"
    _run("--db", url, "-o", str(out), "--date", "2025-02-15", "--reviewer", "某某市政务公开办公室")
    docs = sorted(out.glob("*.docx"))
    assert len(docs) == len(reports)
    for sr in examples_store.reports():
        year = sr.report.year or "年度未识别"
        path = next(p for p in docs if p.name.startswith(f"{sr.organ_name}-{year}"))
        text = _text(path)
        assert sr.organ_name in text and "某某市政务公开办公室" in text and "2025年2月15日" in text
        for fid, f in zip(sr.finding_ids, sr.report.findings, strict=True):
            if fid == accepted_id:
                assert "已说明" in text and "该项已在报告附注中说明" in text
            else:
                assert f.message in text, (path.name, f.code)
        assert "t2." not in text and "t3." not in text and "t4." not in text
    head = [c.value for c in next(load_workbook(out / "审核意见汇总.xlsx").active.iter_rows(max_row=1))]
    assert head[:4] == ["单位", "地区", "年度", "错误"]
    rows = list(load_workbook(out / "审核意见汇总.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(reports)
    assert accepted.message  # the accepted one really had a message to leave out


@pytest.mark.libreoffice
def test_pdf_by_libreoffice(examples_store: Store, tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    out = tmp_path / "op"
    _run(
        "--db", str(examples_store.engine.url), "-o", str(out), "--region", "洪泽", "--year", "2024", "--pdf"
    )
    pdfs = list(out.glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(str(pdfs[0])).pages)
    assert "审核意见" in text.replace(" ", "")
