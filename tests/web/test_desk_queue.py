"""The work queue and the findings page over HTTP, on SQLite and PostgreSQL: filters, sorting,
paging, batch actions limited to the user's scope."""

from __future__ import annotations

import re

from nianbao.store import review as repo


def _count(page: str) -> int:
    return int(re.search(r"共 (\d+) 份", page).group(1))


def _organs(page: str) -> list[str]:
    return re.findall(r'<td class="col-organ"><a href="/reports/\d+">([^<]+)</a>', page)


def test_queue_filters_sorts_and_pages(make_client, world) -> None:
    c = make_client("admin")
    assert _count(c.get("/reports").text) == 4
    assert _count(c.get("/reports", params={"region": "洪泽"}).text) == 3
    assert _count(c.get("/reports", params={"region_id": world.regions["淮安市"]}).text) == 3
    assert _count(c.get("/reports", params={"q": "交通"}).text) == 1
    assert _count(c.get("/reports", params={"q": "100%_"}).text) == 0  # LIKE wildcards are literal
    assert _count(c.get("/reports", params={"severity": "error"}).text) == 1
    assert _count(c.get("/reports", params={"code": "T3_ROW_TOTAL"}).text) == 1
    assert _count(c.get("/reports", params={"state": "unreviewed"}).text) == 4
    names = _organs(c.get("/reports", params={"sort": "organ"}).text)
    assert names == sorted(names) and len(names) == 4
    assert _organs(c.get("/reports", params={"sort": "organ", "desc": "1"}).text) == names[::-1]
    first = _organs(c.get("/reports", params={"sort": "errors", "desc": "1"}).text)[0]
    assert first == "洪泽区财政局"
    page = c.get("/reports", params={"per": "20", "page": "1"}).text
    assert "第 1 / 1 页" not in page  # one page: no pager
    findings = c.get("/findings", params={"region": "洪泽", "year": "2024"}).text
    assert "洪泽区财政局" in findings and "表三行总计不等于各类申请人之和" in findings


def test_batch_actions_stay_in_scope(make_client, world) -> None:
    c = make_client("rev_hz")
    pt = world.ids["pt_jt_2024"]
    cz = world.ids["hz_cz_2024"]
    r = c.post_form(
        "/reports/batch",
        {"ids": [str(cz), str(pt)], "action": "reviewed", "back": ""},
    )
    assert (
        r.status_code == 303 and "done=reviewed" in r.headers["location"] and "n=1" in r.headers["location"]
    )
    states = repo.states(world.store, [cz, pt])
    assert states[cz].state == "reviewed" and pt not in states  # the other region's report untouched
    assert _count(c.get("/reports", params={"state": "reviewed"}).text) == 1
    r = c.post_form(
        "/reports/batch",
        {
            "all_matching": "1",
            "action": "accept",
            "code": "T3_ROW_TOTAL",
            "reason": "原件如此",
            "back": "year=2024",
        },
    )
    assert "done=accepted" in r.headers["location"]
    assert all(
        f.accepted and f.comment == "原件如此"
        for f in world.store.findings(report_id=cz, code="T3_ROW_TOTAL")
    )
    # accepting needs a reason
    r = c.post_form(
        "/reports/batch", {"ids": [str(cz)], "action": "accept", "code": "T3_ROW_TOTAL", "back": ""}
    )
    assert "done=need_code" in r.headers["location"]
    zipped = c.post_form("/reports/batch", {"ids": [str(cz)], "action": "opinions", "back": ""})
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
