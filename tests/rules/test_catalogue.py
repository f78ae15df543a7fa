from nianbao import plugins
from nianbao.findings import CATALOGUE
from nianbao.rules import validate

# raised by the extractor (it sees the labels and the printed digits), or by corpus-scope rules
NOT_REPORT_RULES = {
    "ROW_LABEL_NONSTANDARD",
    "CELL_AMBIGUOUS",
    "CELL_RECOVERED",
    "CELL_INFERRED",
    "CELL_UNIT_CONVERTED",
    "METADATA_MISSING",
    "VALUE_UNPLACED",
    "DOCUMENT_READ_NOTE",
    "TEMPLATE_EVIDENCE_CONFLICT",
    "AGG_MISMATCH",
    "CONSOLIDATION_MISSING_UNIT",
    "CONSOLIDATION_UNRELIABLE_UNIT",
}


def test_every_report_level_code_has_a_rule():
    plugins.load()
    emitted = {code for spec in plugins.RULES.values() if spec.scope == "report" for code in spec.codes}
    corpus = {code for spec in plugins.corpus_rules() for code in spec.codes}
    wanted = {c for c in CATALOGUE if not c.startswith("XY_") and c not in NOT_REPORT_RULES | corpus}
    assert wanted - emitted == set()
    assert emitted <= set(CATALOGUE)


def test_validate_runs_every_rule_on_an_empty_report():
    from nianbao.model import Report

    report = Report(source="empty")
    found = validate(report)
    assert {f.code for f in found} == {"SECTION_MISSING", "TABLE_MISSING"}
    assert report.findings == found
