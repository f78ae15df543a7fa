"""Golden tests: every labelled corpus report, held to the spec's scoring rules."""

import json

import pytest

import nianbao
from nianbao.testing import corpus_dir

CORPUS = corpus_dir()
GOLD = sorted((CORPUS / "gold").glob("*.json")) if (CORPUS / "gold").is_dir() else []


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_report_matches_gold(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    report = nianbao.parse(CORPUS / gold["file"])
    out = report.to_dict()
    flagged = {k for f in out["findings"] for k in f["cells"]}
    unknown = set(gold.get("unknown", []))
    wrong = []
    for key, want in gold["cells"].items():
        got = out["cells"].get(key, "<missing>")
        if key in unknown:
            if want is not None and got is not None and not _same(got, want):
                wrong.append((key, want, got))
            elif got is None:
                assert key in flagged, f"{key}: an undetermined cell left null needs a finding"
            continue
        if got == "<missing>" or not _same(got, want):
            wrong.append((key, want, got))
    for key in gold.get("absent", []):
        assert out["cells"].get(key) is None, f"{key}: a table the document lacks must not be invented"
    assert wrong == []
    codes = {f["code"] for f in out["findings"]}
    errors = {f["code"] for f in out["findings"] if f["severity"] == "error"}
    assert set(gold.get("findings", [])) <= codes
    assert errors <= set(gold.get("findings", [])), "an error the hand-checked label does not list"
    assert out["year"] == gold["year"]
    assert str(out["template"]) == str(gold["template"])
    assert gold.get("organ", "") in (out["organ"] or "")
    if gold.get("published"):
        assert out["published"] == gold["published"]


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_every_cell_has_provenance(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    report = nianbao.parse(CORPUS / gold["file"])
    for key, cell in report.cells.items():
        if cell.value is not None and cell.method in ("read", "recovered", "converted"):
            assert cell.prov is not None, key
            assert cell.raw, key
