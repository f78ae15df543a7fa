"""The authorisation matrix: every role against every kind of resource.

rev_hz sees 洪泽区; rev_ha sees 淮安市 and so 洪泽区 below it; rev_pt sees 平潭县 only;
writer_cz sees 洪泽区财政局 only; writer_jy 洪泽区教育局 only. rev_xa and rev_xb review two counties
of one name, 甲市兴隆县 and 乙市兴隆县: each sees his own and nothing of the other's.
"""

from __future__ import annotations

import pytest

from .conftest import api_headers

pytestmark = pytest.mark.usefixtures("namesakes")

USERS = ("admin", "rev_hz", "rev_ha", "rev_pt", "writer_cz", "writer_jy", "rev_xa", "rev_xb")

# report name -> users that may read it
READ = {
    "hz_cz_2024": {"admin", "rev_hz", "rev_ha", "writer_cz"},
    "hz_jy_2024": {"admin", "rev_hz", "rev_ha", "writer_jy"},
    "pt_jt_2024": {"admin", "rev_pt"},
    "xa_cz_2024": {"admin", "rev_xa"},
    "xb_cz_2024": {"admin", "rev_xb"},
    "xb_jy_2024": {"admin", "rev_xb"},
}
REVIEWERS = {"admin", "rev_hz", "rev_ha", "rev_pt", "rev_xa", "rev_xb"}
REGIONS = {
    "洪泽区": {"admin", "rev_hz", "rev_ha"},
    "淮安市": {"admin", "rev_ha"},
    "平潭县": {"admin", "rev_pt"},
    "甲市兴隆县": {"admin", "rev_xa"},
    "乙市兴隆县": {"admin", "rev_xb"},
}


@pytest.mark.parametrize("user", USERS)
def test_report_pages_api_and_exports(make_client, world, user):
    c = make_client(user)
    for name, allowed in READ.items():
        rid = world.ids[name]
        expected = 200 if user in allowed else 404
        assert c.get(f"/reports/{rid}").status_code == expected, (user, name, "page")
        assert c.get(f"/api/reports/{rid}").status_code == expected, (user, name, "api")
        assert c.get(f"/reports/{rid}/export.json").status_code == expected, (user, name, "export")
        key = "t3.new_received.total"
        assert c.get(f"/reports/{rid}/cells/{key}").status_code == expected, (user, name, "cell")


@pytest.mark.parametrize("user", USERS)
def test_lists_show_only_what_the_user_may_see(make_client, world, user):
    c = make_client(user)
    seen = {r["id"] for r in c.get("/api/reports").json()}
    expected = {world.ids[n] for n, allowed in READ.items() if user in allowed}
    if user in ("admin", "rev_hz", "rev_ha", "writer_cz"):
        expected.add(world.ids["hz_cz_2023"])
    assert seen == expected
    csv_ids = {line.split(",")[0] for line in c.get("/reports/export.csv").text.splitlines()[1:]}
    assert csv_ids == {str(i) for i in expected}


@pytest.mark.parametrize("user", USERS)
def test_corrections_and_acceptance(make_client, world, user):
    c = make_client(user)
    for name, allowed in READ.items():
        rid = world.ids[name]
        r = c.put(f"/api/reports/{rid}/cells/t2.rules.issued", json={"value": 3}, headers=api_headers(c))
        if user not in REVIEWERS:
            assert r.status_code == 403, (user, name)
        else:
            assert r.status_code == (200 if user in allowed else 404), (user, name)
        fid = world.store.findings(report_id=rid)[0].id if world.store.findings(report_id=rid) else None
        if fid is None:
            continue
        r = c.post(f"/api/findings/{fid}/accept", json={"comment": "ok"}, headers=api_headers(c))
        expected = 403 if user not in REVIEWERS else (200 if user in allowed else 404)
        assert r.status_code == expected, (user, name, "accept")


@pytest.mark.parametrize("user", USERS)
def test_regions_and_consolidation(make_client, world, user):
    c = make_client(user)
    for region, allowed in REGIONS.items():
        rid = world.regions[region]
        page = c.get(f"/regions/{rid}/2024")
        api = c.get(f"/api/regions/{rid}/2024/consolidated")
        if user.startswith("writer"):
            assert page.status_code == 403 and api.status_code == 403
        else:
            expected = 200 if user in allowed else 404
            assert page.status_code == expected and api.status_code == expected, (user, region)


@pytest.mark.parametrize("user", USERS)
def test_organ_year_over_year(make_client, world, user):
    c = make_client(user)
    oid = world.organs["洪泽区财政局"]
    expected = 200 if user in {"admin", "rev_hz", "rev_ha", "writer_cz"} else 404
    assert c.get(f"/organs/{oid}").status_code == expected
    assert c.get(f"/api/organs/{oid}/years").status_code == expected


@pytest.mark.parametrize("user", USERS)
def test_upload_and_admin_only_pages(make_client, user):
    c = make_client(user)
    up = c.get("/upload")
    assert up.status_code == (200 if user in REVIEWERS else 403)
    r = c.post("/api/jobs", files={"file": ("a.txt", "一、总体情况\n无".encode())}, headers=api_headers(c))
    assert r.status_code == (202 if user in REVIEWERS else 403)
    assert c.get("/admin").status_code == (200 if user == "admin" else 403)
    assert c.get("/api/audit").status_code == (200 if user == "admin" else 403)
    r = c.post(
        "/api/users",
        json={"username": f"x{user}", "password": "0123456789a", "role": "admin"},
        headers=api_headers(c),
    )
    assert r.status_code == (201 if user == "admin" else 403)


def test_jobs_belong_to_their_owner(make_client):
    a, b = make_client("rev_hz"), make_client("rev_pt")
    job = a.post(
        "/api/jobs", files={"file": ("a.txt", "一、总体情况\n无".encode())}, headers=api_headers(a)
    ).json()
    assert a.get(f"/api/jobs/{job['id']}").status_code == 200
    assert b.get(f"/api/jobs/{job['id']}").status_code == 404
    assert b.get(f"/jobs/{job['id']}").status_code == 404


def test_drafts_are_scoped_to_the_writers_organ(make_client, world):
    cz, jy, hz, pt = (make_client(u) for u in ("writer_cz", "writer_jy", "rev_hz", "rev_pt"))
    r = cz.post_form("/write/save", {"year": "2024", "section:overview": "草稿正文"})
    assert r.status_code == 303
    draft = int(r.headers["location"].split("=")[-1])
    assert cz.get(f"/write?draft={draft}").status_code == 200
    assert "草稿正文" in cz.get(f"/write?draft={draft}").text
    assert jy.get(f"/write?draft={draft}").status_code == 404
    assert jy.get(f"/api/drafts/{draft}").status_code == 404
    assert hz.get(f"/api/drafts/{draft}").status_code == 200  # the organ lies in the reviewer's region
    assert pt.get(f"/api/drafts/{draft}").status_code == 404
    assert [d["id"] for d in jy.get("/api/drafts").json()] == []
    # a writer cannot save over someone else's draft either
    assert jy.post_form("/write/save", {"year": "2024", "draft_id": str(draft)}).status_code == 404


@pytest.mark.parametrize("user", USERS)
def test_namesake_regions_never_mix(make_client, world, user):
    """Two 兴隆县: the consolidation of each has its own units, report ids and sums; saving one
    leaves the other's saved consolidation alone and files the new one under the same region."""
    c = make_client(user)
    key = "t3.new_received.total"
    own = {"甲市兴隆县": ["xa_cz_2024"], "乙市兴隆县": ["xb_cz_2024", "xb_jy_2024"]}
    saved = {}
    for region, names in own.items():
        rid = world.regions[region]
        got = c.get(f"/api/regions/{rid}/2024/consolidated")
        if user.startswith("writer"):
            assert got.status_code == 403
            continue
        if user not in REGIONS[region]:
            assert got.status_code == 404, (user, region)
            assert c.post(f"/api/regions/{rid}/2024/consolidated", headers=api_headers(c)).status_code == 404
            continue
        body = got.json()
        ids = {world.ids[n] for n in names}
        assert {u["report_id"] for u in body["units"]} == ids, (user, region)
        units = [world.store.get_report(i).report for i in ids]
        assert body["cells"][key] == sum(u.value(key) for u in units)
        r = c.post(f"/api/regions/{rid}/2024/consolidated", headers=api_headers(c))
        assert r.status_code == 201
        saved[region] = r.json()["report_id"]
        assert world.store.get_report(saved[region]).region_id == rid
        assert c.get(f"/reports/{saved[region]}").status_code == 200
    # both saved consolidations exist side by side (admin saved both, each reviewer his own)
    stored = {sr.id: sr.region_id for sr in world.store.reports(consolidated=True)}
    assert stored == {v: world.regions[k] for k, v in saved.items()}
    for region, rid in saved.items():
        other = next(r for r in own if r != region)
        if user != "admin":
            assert c.get(f"/reports/{rid}").status_code == 200
            assert other not in saved
