"""The arithmetic-checked review of OCR readings: a repair only when the relations confirm exactly
one reading; every other doubtful cell flagged, so no OCR error passes silently."""

from __future__ import annotations

from formats_fixtures import report_cells
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.document import Provenance
from nianbao.model import CellValue, Report
from nianbao.rules.ocr_repair import DIGIT_CONFUSIONS, LOOKALIKE_LETTERS, review
from nianbao.templates import get_template

TEMPLATE = "2021"
KEYS = get_template(TEMPLATE).cell_keys


def scanned_report(
    cells: dict[str, int | float], reads: dict[str, tuple[str, float]] | None = None
) -> Report:
    """A report as the extractor builds it from an OCR'd document; `reads` overrides cells."""
    report = Report(
        source="scan.png", template=TEMPLATE, table_templates=dict.fromkeys(("t2", "t3", "t4"), TEMPLATE)
    )
    for key, value in cells.items():
        raw, conf = (reads or {}).get(key, (str(value), 0.99))
        try:
            parsed: int | float | None = float(raw) if "." in raw else int(raw)
        except ValueError:
            parsed = None
        prov = Provenance(page=2, method="ocr", confidence=conf)
        report.cells[key] = CellValue(parsed, raw, prov)
    return report


def test_lookalike_letter_is_repaired_when_the_row_and_column_confirm_it():
    truth = report_cells(TEMPLATE, seed=3)
    key = "t3.granted.natural_person"
    truth[key] = 10
    _rebalance(truth)
    report = scanned_report(truth, {key: ("1O", 0.55)})
    findings = list(review(report))
    assert [f.code for f in findings] == ["CELL_OCR_REPAIRED"]
    assert report.cells[key].value == 10 and report.cells[key].raw == "10"
    assert findings[0].data["read"] == "1O"


def test_confident_correct_cells_raise_nothing():
    report = scanned_report(report_cells(TEMPLATE, seed=4))
    assert list(review(report)) == []


def test_doubtful_cell_without_relations_stays_flagged():
    # 表二 has no arithmetic: a doubtful reading there can never be confirmed
    truth = report_cells(TEMPLATE, seed=5)
    report = scanned_report(truth, {"t2.licensing.decisions": ("3B", 0.4)})
    findings = list(review(report))
    assert [(f.code, f.cells) for f in findings] == [("CELL_OCR_UNCERTAIN", ["t2.licensing.decisions"])]
    assert report.cells["t2.licensing.decisions"].value is None


def test_unreadable_cell_is_flagged_not_guessed():
    truth = report_cells(TEMPLATE, seed=6)
    report = scanned_report(truth, {"t3.denied.state_secret.research": ("", 0.0)})
    findings = list(review(report))
    assert [f.code for f in findings] == ["CELL_OCR_UNCERTAIN"]
    assert report.cells["t3.denied.state_secret.research"].value is None


def _rebalance(cells: dict[str, int | float]) -> None:
    """Recompute the totals after a test changed a part (the arithmetic must hold in the truth)."""
    tpl = get_template(TEMPLATE)
    block = tpl.table("t3").blocks[0]
    parts = [c.key for c in block.value_columns if not c.total_of]
    results = [r.key for r in block.data_rows if r.result]
    for col in parts:
        cells[f"t3.results_total.{col}"] = sum(cells[f"t3.{r}.{col}"] for r in results)
        cells[f"t3.new_received.{col}"] = (
            cells[f"t3.results_total.{col}"]
            + cells[f"t3.carried_forward.{col}"]
            - cells[f"t3.carried_over.{col}"]
        )
        if cells[f"t3.new_received.{col}"] < 0:
            cells[f"t3.carried_over.{col}"] += cells[f"t3.new_received.{col}"]
            cells[f"t3.new_received.{col}"] = 0
    for row in block.data_rows:
        cells[f"t3.{row.key}.total"] = sum(cells[f"t3.{row.key}.{c}"] for c in parts)


def _misread(text: str, draw) -> str:
    i = draw(st.integers(0, len(text) - 1))
    ch = text[i]
    letters = [k for k, v in LOOKALIKE_LETTERS.items() if v == ch]
    options = letters + list(DIGIT_CONFUSIONS.get(ch, ""))
    return text[:i] + draw(st.sampled_from(options)) + text[i + 1 :] if options else text


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_misread_is_ever_silent(data):
    """Misread one to three cells (low confidence, as the recogniser reports them): after the
    review every cell is either right, or pointed at by a finding."""
    truth = report_cells(TEMPLATE, seed=data.draw(st.integers(0, 10_000)))
    n_wrong = data.draw(st.integers(1, 3))
    keys = data.draw(st.lists(st.sampled_from(KEYS), min_size=n_wrong, max_size=n_wrong, unique=True))
    reads = {}
    for key in keys:
        text = str(truth[key]) if not isinstance(truth[key], float) else f"{truth[key]:g}"
        reads[key] = (_misread(text, data.draw), data.draw(st.floats(0.3, 0.89)))
    report = scanned_report(truth, reads)
    findings = list(review(report))
    flagged = {k for f in findings for k in f.cells if f.code == "CELL_OCR_UNCERTAIN"}
    for key in KEYS:
        assert report.cells[key].value == truth[key] or key in flagged, (key, reads)
    repaired = {k for f in findings for k in f.cells if f.code == "CELL_OCR_REPAIRED"}
    assert all(report.cells[k].value == truth[k] for k in repaired)
