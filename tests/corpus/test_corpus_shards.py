"""The corpus check holds whole organs a shard at a time: the findings do not depend on the shard size."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nianbao.corpus import runner
from nianbao.corpus.consolidate import consolidate
from nianbao.corpus.runner import organ_shards, run_corpus_rules
from nianbao.corpus.synthetic import make_report
from nianbao.model import CellValue, Section
from nianbao.store import Store


@given(
    organs=st.lists(st.one_of(st.none(), st.integers(1, 6)), max_size=40),
    size=st.integers(1, 12),
)
def test_shards_cover_every_report_once_and_never_split_an_organ(organs: list[int | None], size: int) -> None:
    pairs = [(rid, organ) for rid, organ in enumerate(organs, start=1)]
    shards = list(organ_shards(pairs, size))
    assert sorted(r for s in shards for r in s) == [r for r, _ in pairs]
    where = {r: n for n, s in enumerate(shards) for r in s}
    organ_of = dict(pairs)
    for organ in {o for o in organs if o is not None}:
        assert len({where[r] for r, o in pairs if o == organ}) == 1
    for s in shards:  # a shard outgrows `size` only to keep one organ whole
        assert len(s) <= size or len({organ_of[r] for r in s}) == 1


def _corpus(store: Store) -> None:
    """Three organs over three years, each with a break the cross-year rules find, and a region
    with a consolidated report that disagrees with its units."""
    for n, organ in enumerate(("甲镇人民政府", "乙县财政局", "丙县教育局")):
        prev = None
        for year in (2022, 2023, 2024):
            r = make_report(organ, year, region="某某市", seed=10 * n + year)
            if prev is not None and year == 2024:
                r.cells["t3.carried_over.natural_person"] = CellValue(
                    (prev.value("t3.carried_forward.natural_person") or 0) + n + 1
                )
                r.sections = [Section(s.key, s.heading, s.number, s.text) for s in prev.sections]
            store.add_report(r)
            prev = r
    store.ensure_region("淮安市", "市")
    store.ensure_region("洪泽区", "县", parent="淮安市")
    for i, unit in enumerate(("洪泽区教育局", "洪泽区财政局", "岔河镇人民政府")):
        store.add_report(make_report(unit, 2024, region="淮安市洪泽区", seed=100 + i))
    c = consolidate(store, "洪泽区", 2024).report
    c.cells["t3.granted.total"] = CellValue((c.value("t3.granted.total") or 0) + 5)
    store.add_report(c, consolidated=True)


def _found(store: Store) -> list[tuple[int, str, str]]:
    return sorted((f.report_id, f.code, f.message) for f in store.findings(scope="corpus"))


def test_findings_do_not_depend_on_the_shard_size(db_url: str, monkeypatch) -> None:
    store = Store(db_url)
    _corpus(store)
    counts = run_corpus_rules(store)
    assert counts["XY_CARRY_MISMATCH"] >= 3 and counts["AGG_MISMATCH"] == 1 and counts["XY_TEXT_REUSE"] >= 3
    whole = _found(store)
    for size in (1, 2, 4):
        monkeypatch.setattr(runner, "SHARD_REPORTS", size)
        assert run_corpus_rules(store) == counts
        assert _found(store) == whole
