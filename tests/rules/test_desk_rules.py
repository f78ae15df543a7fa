"""Findings a reviewer needs: part 五 written for real, versions that disagree, lateness by the
publication date when one is known."""

from __future__ import annotations

from pathlib import Path

from nianbao.corpus.runner import run_corpus_rules
from nianbao.corpus.synthetic import make_report
from nianbao.document import Document
from nianbao.model import Section
from nianbao.rules import validate
from nianbao.store import Store
from nianbao.store import review as repo

REAL = (
    "一是政策解读形式不够丰富，图解、视频解读数量偏少；二是部分栏目更新不及时。下一步，我们将加强"
    "解读队伍建设，建立栏目更新提醒机制，每季度检查一次各栏目更新情况，确保信息发布及时准确，并将"
    "检查结果纳入年度考核。"
)


def _codes(report) -> set[str]:
    return {f.code for f in report.findings}


def _with_part5(text: str, year: int = 2024, organ: str = "淮安市洪泽区财政局", seed: int = 1):
    r = make_report(organ, year, seed=seed)
    r.source = f"{organ}{year}-{seed}.txt"
    r.sections = [s for s in r.sections if s.key != "problems"] + [
        Section("problems", "五、存在的主要问题及改进情况", "五、", text)
    ]
    r.findings = []
    validate(r)
    return r


def test_part5_empty_none_token_and_real() -> None:
    assert "PART5_EMPTY" in _codes(_with_part5(""))
    none = _with_part5("无。")
    assert "PART5_NONE" in _codes(none) and "PART5_TOKEN" not in _codes(none)
    token = _with_part5("我单位存在的问题是公开不够及时，今后将加以改进。")
    (f,) = [f for f in token.findings if f.code == "PART5_TOKEN"]
    assert "敷衍了事" in f.message and f.data["chars"] < 80
    assert not _codes(_with_part5(REAL)) & {"PART5_EMPTY", "PART5_NONE", "PART5_TOKEN"}


def test_part5_copied_from_last_year(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    short = "个别栏目更新不及时，将加强管理。"  # too short for the general reuse check
    a = store.add_report(_with_part5(short, 2023, seed=2))
    b = store.add_report(_with_part5(short, 2024, seed=3))
    counts = run_corpus_rules(store)
    assert counts["PART5_COPIED"] == 1
    (row,) = [f for f in store.findings(report_id=b) if f.code == "PART5_COPIED"]
    assert "2023年度" in row.message and not [
        f for f in store.findings(report_id=a) if f.code == "PART5_COPIED"
    ]
    store.close()


def test_two_versions_that_disagree_and_the_reviewer_picks_one(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    first = make_report("淮安市洪泽区财政局", 2024, seed=5)
    first.source = "网页.html"
    second = make_report("淮安市洪泽区财政局", 2024, seed=5)
    second.source = "附件.pdf"
    key = "t4.review.total"
    second.cells[key].value = (first.cells[key].value or 0) + 2
    same = make_report("淮安市洪泽区教育局", 2024, seed=6)
    twin = make_report("淮安市洪泽区教育局", 2024, seed=6)
    twin.source = "twin.txt"
    ids = [store.add_report(r) for r in (first, second, same, twin)]
    run_corpus_rules(store)
    conflict = {
        rid: [f for f in store.findings(report_id=rid) if f.code == "REPORT_VERSION_CONFLICT"] for rid in ids
    }
    assert len(conflict[ids[0]]) == 1 and len(conflict[ids[1]]) == 1
    assert not conflict[ids[2]] and not conflict[ids[3]]  # identical versions do not conflict
    f = conflict[ids[0]][0]
    assert key in f.cells and "附件.pdf" in f.message and "表四·行政复议·总计" in f.message
    # the reviewer keeps the PDF: the other is superseded, both findings settled, and stay so
    repo.choose_version(store, ids[1], [ids[0]], "rev")
    run_corpus_rules(store)
    for rid in ids[:2]:
        (row,) = [f for f in store.findings(report_id=rid) if f.code == "REPORT_VERSION_CONFLICT"]
        assert row.accepted and "为准" in row.comment
    assert repo.states(store, [ids[0]])[ids[0]].state == "superseded"
    store.close()


def test_lateness_by_publication_date_when_known() -> None:
    r = make_report("淮安市洪泽区财政局", 2024, seed=7)
    r.published = "2025-01-20"  # signed in time
    r.findings = []
    validate(r)
    assert "LATE_PUBLICATION" not in _codes(r)
    r.document = Document("x.html", "html", metadata={"published": "2025-02-10 09:30"})
    r.findings = []
    validate(r)
    (f,) = [f for f in r.findings if f.code == "LATE_PUBLICATION"]
    assert "网页发布日期" in f.message and f.data["basis"] == "网页发布日期" and f.data["days_late"] == 10
    r.document = None
    r.published = "2025-02-03"
    r.findings = []
    validate(r)
    (f,) = [f for f in r.findings if f.code == "LATE_PUBLICATION"]
    assert "落款日期" in f.message
