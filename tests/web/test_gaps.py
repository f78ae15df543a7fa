"""Closing issue 5: corrections re-check the neighbouring reports, persistent jobs, uploads outside
the reviewer's region, saving a consolidation."""

from __future__ import annotations

from nianbao.corpus.runner import run_corpus_rules
from nianbao.templates import get_template

from .conftest import api_headers


def _open(store, rid: int, code: str):  # noqa: ANN001, ANN202
    return [f for f in store.findings(report_id=rid, code=code) if not f.accepted]


def test_correcting_carry_over_clears_the_cross_year_finding(make_client, world):
    store = world.store
    r23, r24 = world.ids["hz_cz_2023"], world.ids["hz_cz_2024"]
    prev, cur = store.get_report(r23).report, store.get_report(r24).report
    cols = [c.key for c in get_template(cur.template).table("t3").blocks[0].value_columns]
    # make sure 2024's 上年结转 differs from 2023's 结转下年度 in one column at least
    first = f"t3.carried_over.{cols[0]}"
    store.edit_cell(r24, first, (prev.value(f"t3.carried_forward.{cols[0]}") or 0) + 5, who="seed")
    run_corpus_rules(store)
    (finding,) = _open(store, r24, "XY_CARRY_MISMATCH")
    bad = [k for k in finding.cells]
    assert first in bad
    other = world.ids["pt_jt_2024"]
    untouched = {f.id for f in store.findings(report_id=other)}

    c = make_client("rev_hz")
    for key in bad:
        want = prev.value(key.replace("carried_over", "carried_forward"))
        r = c.put(f"/api/reports/{r24}/cells/{key}", json={"value": want}, headers=api_headers(c))
        assert r.status_code == 200
    assert _open(store, r24, "XY_CARRY_MISMATCH") == []
    # a report of another organ and region was not re-checked (its finding rows are the same)
    assert {f.id for f in store.findings(report_id=other)} == untouched

    # breaking it again from the page's form brings the finding back, on that column only
    wrong = prev.value(first.replace("carried_over", "carried_forward")) + 1
    r = c.post_form(f"/reports/{r24}/cells/{first}", {"value": str(wrong)})
    assert r.status_code in (200, 303)
    (again,) = _open(store, r24, "XY_CARRY_MISMATCH")
    assert again.cells == [first]
