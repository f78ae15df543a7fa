"""The audit names every null cell of a printed table that no other finding explains."""

from __future__ import annotations

from nianbao.findings import Finding
from nianbao.model import CellValue, Report
from nianbao.rules import validate
from nianbao.templates import get_template


def _report() -> Report:
    template = get_template("2021")
    report = Report(source="x", organ="某镇人民政府", year=2022, template=template.id)
    report.table_templates = {"t4": template.id}
    report.tables_present = {"t4"}
    for key in template.table("t4").cell_keys:
        report.cells[key] = CellValue(0, "0")
    return report


def test_a_null_cell_no_finding_names_is_named_by_the_audit():
    report = _report()
    # left undetermined by some stage that forgot to say so: the worst kind of error
    report.cells["t4.review.pending"] = CellValue(None, "0", method="ambiguous")
    validate(report)
    unread = [f for f in report.findings if f.code == "CELL_UNREAD"]
    assert len(unread) == 1 and unread[0].cells == ["t4.review.pending"]
    assert "行政复议" in unread[0].message


def test_cells_other_findings_explain_are_left_to_them():
    report = _report()
    report.cells["t4.review.pending"] = CellValue(None, "")  # printed blank: CELL_BLANK names it
    report.add(Finding("CELL_AMBIGUOUS", "…", cells=["t4.review.total"]))
    report.cells["t4.review.total"] = CellValue(None, "11", method="ambiguous")
    validate(report)
    assert not [f for f in report.findings if f.code == "CELL_UNREAD"]
    assert any(f.code == "CELL_BLANK" and "t4.review.pending" in f.cells for f in report.findings)
