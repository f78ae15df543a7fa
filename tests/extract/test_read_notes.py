"""What a reader could not read is shown to the reviewer: each of the document's read warnings
becomes a DOCUMENT_READ_NOTE finding on the report (it used to stay on the Document, unseen)."""

from __future__ import annotations

import nianbao
from nianbao.findings import CATALOGUE, Severity
from nianbao.readers.html import MAX_COLS


def test_cells_a_reader_dropped_are_reported_on_the_report():
    wide = "<tr>" + "<td>1</td>" * (MAX_COLS + 5) + "</tr>"
    page = (
        "<html><body><p>某某县财政局2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>概述。</p>"
        f"<table>{wide}</table></body></html>"
    )
    report = nianbao.parse(page.encode("utf-8"), "report.html")
    notes = [f for f in report.findings if f.code == "DOCUMENT_READ_NOTE"]
    assert len(notes) == 1 and "已忽略 5 个单元格" in notes[0].message
    assert notes[0].severity is Severity.WARNING and CATALOGUE["DOCUMENT_READ_NOTE"][0] is Severity.WARNING


def test_a_clean_document_has_no_read_note():
    page = "<html><body><p>某某县财政局2023年政府信息公开工作年度报告</p><p>一、总体情况</p></body></html>"
    report = nianbao.parse(page.encode("utf-8"), "report.html")
    assert not [f for f in report.findings if f.code == "DOCUMENT_READ_NOTE"]
