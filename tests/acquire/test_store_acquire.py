"""store/acquire.py on SQLite and PostgreSQL: upsert per unit and year, roll-up over the region tree,
the site's publication date of a stored report."""

from __future__ import annotations

import hashlib

from nianbao.corpus.synthetic import make_report
from nianbao.store import Store
from nianbao.store import acquire as acquire_db
from nianbao.store.testing import db_url, pg_server  # noqa: F401


def test_status_upsert_rollup_and_site_dates(db_url: str) -> None:  # noqa: F811
    with Store(db_url) as store:
        data = b"report bytes"
        sha = hashlib.sha256(data).hexdigest()
        report = make_report("淮安市洪泽区财政局", 2024, seed=1)
        store.record_document(sha, "http://x.gov.cn/f/nb.pdf", len(data), report)
        rec = acquire_db.StatusRecord(
            "淮安市洪泽区财政局",
            "洪泽区",
            2024,
            "http://x.gov.cn/nb/",
            "late",
            days_late=3,
            published="2025-02-03",
            sha256=sha,
            evidence_path="/w/e.warc.gz",
            evidence_offset=2**33,  # offsets past 4 GB
        )
        (first,) = acquire_db.record_status(store, [rec])
        rec.state, rec.days_late = "on_time", None
        (again,) = acquire_db.record_status(store, [rec])  # the unit's latest result, not a second row
        acquire_db.record_status(
            store,
            [
                acquire_db.StatusRecord(
                    "淮安市洪泽区教育局", "洪泽区", 2024, "http://y.gov.cn/", "unreachable"
                )
            ],
        )
        assert first == again
        rows = {r.organ: r for r in acquire_db.statuses(store, 2024)}
        assert (
            rows["淮安市洪泽区财政局"].state == "on_time" and rows["淮安市洪泽区财政局"].report_id is not None
        )
        assert rows["淮安市洪泽区财政局"].evidence_offset == 2**33
        regions = {r.name: r.id for r in store.regions()}
        counts = acquire_db.counts_by_region(store, 2024)
        assert counts[regions["洪泽区"]] == counts[regions["淮安市"]] == {"on_time": 1, "unreachable": 1}
        assert acquire_db.region_progress(store, regions["淮安市"], 2024).missing == 1
        assert [r.organ for r in acquire_db.statuses(store, 2024, states=["unreachable"])] == [
            "淮安市洪泽区教育局"
        ]
        assert acquire_db.statuses(store, 2024, region_ids=set()) == []
        acquire_db.record_fetch(
            store, sha, "http://x.gov.cn/f/nb.pdf", published="2025-02-03", published_source="发布时间"
        )
        rid = rows["淮安市洪泽区财政局"].report_id
        assert acquire_db.published_dates(store, [rid]) == {rid: "2025-02-03"}
        assert acquire_db.years(store) == [2024]
