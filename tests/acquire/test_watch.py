"""`nianbao watch` against the fixture CMS on 127.0.0.1: states, dates, storage, evidence, re-runs."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from nianbao.acquire.fixture_site import sites_csv
from nianbao.acquire.sites import parse_sites
from nianbao.acquire.warc import iter_responses, read_record
from nianbao.acquire.watch import WatchOptions, run_watch
from nianbao.store import Store
from nianbao.store import acquire as acquire_db

from .conftest import fast_policy

# the slow page is answered after the client gave up, and robots.txt is read once per run
_NOT_CONTENT = {"/robots.txt", "/hzjt/nb/index.html"}


def test_watch_states_dates_and_reasons(watched) -> None:
    d, db, expected, first, *_ = watched
    assert first.returncode == 0, first.stderr
    with Store(db) as store:
        rows = {r.organ: r for r in acquire_db.statuses(store, 2024)}
        assert set(rows) == {e.organ for e in expected}
        for e in expected:
            r = rows[e.organ]
            assert (r.state, r.days_late, r.published) == (e.state, e.days_late, e.published), e.organ
            if e.reason:
                assert e.reason in (r.reason or ""), (e.organ, r.reason)
            assert (r.report_id is not None) == e.stored, e.organ
    # the terminal names the late and missing units
    out = first.stdout
    for name in (
        "淮安市人民政府",
        "逾期 7 天",
        "平潭综合实验区管理委员会",
        "未找到",
        "站点无法访问",
        "重定向循环",
    ):
        assert name in out


def test_watch_stores_each_report_once_with_url_source_and_site_date(watched, cms) -> None:
    d, db, expected, *_ = watched
    site, _ = cms
    with Store(db) as store:
        reports = {sr.report.source: sr for sr in store.reports(year=2024)}
        assert set(reports) == {
            site.url("/hongze/files/P020250120.pdf"),
            site.url("/huaian/xxgk/P020250407.pdf"),
            site.url("/gsz/uploadfiles/202501/gsz2024nb.docx"),
            site.url("/xcz/zwgk/nb/c_2025_88.html"),
        }
        assert store.counts()["documents"] == 4  # the second run stored nothing again
        by_id = acquire_db.published_dates(store, [sr.id for sr in reports.values()])
        assert by_id[reports[site.url("/huaian/xxgk/P020250407.pdf")].id] == "2025-04-07"
        assert reports[site.url("/hongze/files/P020250120.pdf")].report.organ == "淮安市洪泽区人民政府"
        # the site's date reached the rules: LATE_PUBLICATION judged by it (the PDF itself is unsigned)
        late = [
            f
            for f in reports[site.url("/huaian/xxgk/P020250407.pdf")].report.findings
            if f.code == "LATE_PUBLICATION"
        ]
        assert late and "2025-04-07" in late[0].message and "网页发布日期" in late[0].message
        fetched = acquire_db.site_published(store, _sha(d, "P020250120"))
        assert fetched is not None and fetched.page_url.endswith("t20250120_1001.html")


def _sha(d: Path, stem: str) -> str:
    with Store(f"sqlite:///{d / 'nb.db'}") as store:
        return next(doc.sha256 for doc in store.documents() if stem in doc.path)


def test_second_run_fetches_nothing_new(watched) -> None:
    d, db, expected, first, second, first_bodies, second_bodies = watched
    assert second.returncode == 0, second.stderr
    assert {p for p in first_bodies if p not in _NOT_CONTENT}  # the first run did download
    assert {p for p in second_bodies if p not in _NOT_CONTENT} == set()
    assert "新下载 0 个" in second.stdout and "新导入数据库 0 份" in second.stdout
    with Store(db) as store:
        assert {r.organ: r.state for r in acquire_db.statuses(store, 2024)} == {
            e.organ: e.state for e in expected
        }


def test_xlsx_progress_and_chase_list(watched) -> None:
    d, _, expected, *_ = watched
    wb = openpyxl.load_workbook(d / "w" / "报送进度-2024.xlsx", read_only=True)
    progress, chase = (list(ws.iter_rows(values_only=True)) for ws in wb.worksheets)
    assert len(progress) == 1 + len(expected)
    chased = {row[0] for row in chase[1:]}
    assert chased == {e.organ for e in expected if e.state != "on_time"}
    row = next(r for r in progress if r[0] == "淮安市人民政府")
    assert row[2] == "逾期 7 天" and row[4] == "2025-04-07" and row[6] == "2025-03-31"


def test_warc_evidence_of_what_the_site_said(watched) -> None:
    d, db, *_ = watched
    with Store(db) as store:
        row = next(r for r in acquire_db.statuses(store, 2024) if r.organ == "淮安市洪泽区人民政府")
    entry = read_record(row.evidence_path, row.evidence_offset)
    assert entry.url.endswith("t20250120_1001.html") and entry.status == 200
    assert "发布时间：2025-01-20" in entry.payload.decode("utf-8")
    urls = [e.url for _, e in iter_responses(row.evidence_path)]
    assert any(u.endswith("/hongze/zfxxgknb/index_1.html") for u in urls)  # the list's second page
    assert any(u.endswith("P020250120.pdf") for u in urls)


def test_interrupted_watch_resumes_where_it_stopped(cms, tmp_path: Path) -> None:
    site, expected = cms
    units = [
        u for u in parse_sites(sites_csv(site.base, expected)) if "交通" not in u.organ
    ]  # not the slow one
    opts = WatchOptions(2024, tmp_path, concurrency=1)
    seen: list[str] = []

    def stop_after_three(done: int, total: int, r) -> None:
        if r is not None:
            seen.append(r.organ)
            if len(seen) == 3:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_watch(units, opts, fast_policy(), progress=stop_after_three)
    again = run_watch(units, opts, fast_policy())
    assert again.resumed and again.resumed_units == 3
    assert again.checked == len(units) - 3
    assert [r.organ for r in again.results] == [u.organ for u in units]
    third = run_watch(units, opts, fast_policy())  # a finished run: a new one, found units carried over
    assert not third.resumed and third.reused == sum(e.state in ("on_time", "late") for e in expected)
    assert third.new == 0


def test_other_year_and_deadline_from_sites_csv(cms, tmp_path: Path) -> None:
    site, _ = cms
    text = (
        "机关,地区,年报栏目,截止日期\n"
        f"淮安市洪泽区人民政府,洪泽区,{site.url('/hongze/zfxxgknb/index.html')},\n"
        f"平潭综合实验区管理委员会,平潭综合实验区,{site.url('/pingtan/zwgk/nb/')},\n"
        f"平潭综合实验区管理委员会,平潭,{site.url('/pingtan/zwgk/nb/')},03-31\n"
    )
    s = run_watch(parse_sites(text), WatchOptions(2023, tmp_path), fast_policy())
    hz, pt_default, pt_march = s.results
    assert (hz.state, hz.published, hz.kind) == ("on_time", "2024-01-26", "pdf")
    # the page itself is the report (PubDate meta), 37 days after 31 January
    assert (pt_default.state, pt_default.days_late, pt_default.kind) == ("late", 37, "html")
    assert pt_default.published_source == "meta:pubdate"
    assert (pt_march.state, pt_march.deadline) == ("on_time", "2024-03-31")
