"""Closing issue 5: corrections re-check the neighbouring reports, persistent jobs, uploads outside
the reviewer's region, saving a consolidation."""

from __future__ import annotations

import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from nianbao.corpus.runner import run_corpus_rules
from nianbao.store.schema import JobRow, User
from nianbao.templates import get_template
from nianbao.testing import corpus_dir
from nianbao.web import create_app
from nianbao.web.auth import create_user
from nianbao.web.jobs import INTERRUPTED

from .conftest import PASSWORD, Client, api_headers, login


def _open(store, rid: int, code: str):
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


# --- upload jobs in the database ---------------------------------------------------------------
def _wait(c, job_id: str, timeout: float = 90) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["done"]:
            return job
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def _restarted(world, username: str) -> Client:
    """A client of a second app on the same database: a restarted server or another worker."""
    app = create_app(world.store, file_timeout=60)
    c = Client(app, base_url="https://testserver")
    login(c, username)
    return c


def test_a_finished_job_is_shown_by_another_worker(make_client, world):
    c = make_client("rev_hz")
    job = c.post("/api/jobs", files={"file": ("a.txt", "一、总体情况\n无".encode())}, headers=api_headers(c))
    done = _wait(c, job.json()["id"])
    assert done["status"] in ("done", "failed") and done["owner"] == "rev_hz"
    other = _restarted(world, "rev_hz")
    try:
        again = other.get(f"/api/jobs/{done['id']}").json()
        assert again["items"] == done["items"] and again["status"] == done["status"]
        assert other.get(f"/jobs/{done['id']}").status_code == 200
    finally:
        other.close()
    # still the uploader's own: another reviewer does not see it
    assert make_client("rev_pt").get(f"/api/jobs/{done['id']}").status_code == 404


def _job_row(world, status: str, worker: str, age_s: float = 0) -> str:
    with world.store.session() as s:
        owner = s.scalar(select(User).where(User.username == "rev_hz"))
        jid = uuid.uuid4().hex
        at = datetime.now(UTC) - timedelta(seconds=age_s)
        s.add(
            JobRow(
                id=jid,
                owner="rev_hz",
                owner_id=owner.id,
                status=status,
                worker=worker,
                created_at=at,
                updated_at=at,
                items=[
                    {"name": "a.pdf", "status": "ok", "report_id": None, "error": None, "findings": {}},
                    {"name": "b.pdf", "status": "running", "report_id": None, "error": None, "findings": {}},
                ],
            )
        )
    return jid


def test_jobs_interrupted_by_a_restart_are_marked_failed(make_client, world):
    host = socket.gethostname()
    # this process in an earlier life (same pid after a restart), and a process that is gone
    earlier = _job_row(world, "running", f"{host}:{os.getpid()}:earlier1")
    gone = _job_row(world, "queued", f"{host}:{2**22 + 7}:gone0001")
    elsewhere_alive = _job_row(world, "running", "other-host:123:abcd1234")
    elsewhere_silent = _job_row(world, "running", "other-host:124:abcd1234", age_s=3600)
    c = make_client("rev_hz")  # creating the app is the restart
    for jid in (earlier, gone, elsewhere_silent):
        job = c.get(f"/api/jobs/{jid}").json()
        assert job["status"] == "failed" and job["done"], jid
        assert job["error"] == INTERRUPTED
        assert [i["status"] for i in job["items"]] == ["ok", "error"]
        assert "已中断" in c.get(f"/jobs/{jid}/progress").text
        assert "任务已中断" in c.get(f"/jobs/{jid}/progress").text
    # another machine's worker that is still beating keeps its job
    assert c.get(f"/api/jobs/{elsewhere_alive}").json()["status"] == "running"


# --- uploads outside the reviewer's region -----------------------------------------------------
SEED = corpus_dir() / "seeds/000_99c313048ea6a297.txt"  # 同江市乐业镇 2020


def test_upload_outside_the_reviewers_region_is_refused(make_client, world):
    if not SEED.exists():
        pytest.skip("corpus absent")
    before = world.store.counts()
    hz = make_client("rev_hz")
    job = _wait(
        hz,
        hz.post("/api/jobs", files={"file": (SEED.name, SEED.read_bytes())}, headers=api_headers(hz)).json()[
            "id"
        ],
    )
    (item,) = job["items"]
    assert item["status"] == "error" and item["report_id"] is None
    assert "乐业镇" in item["error"] and "不在您的审核范围内" in item["error"]
    assert world.store.counts() == before  # nothing stored, not even the document

    # the reviewer of 同江市 may add it and open it afterwards
    create_user(world.store, "rev_tj", PASSWORD, "reviewer", region_id=world.store.ensure_region("同江市"))
    tj = make_client("rev_tj")
    job = _wait(
        tj,
        tj.post("/api/jobs", files={"file": (SEED.name, SEED.read_bytes())}, headers=api_headers(tj)).json()[
            "id"
        ],
    )
    (item,) = job["items"]
    assert item["status"] == "ok", item
    rid = item["report_id"]
    assert tj.get(f"/reports/{rid}").status_code == 200
    assert tj.get(f"/api/reports/{rid}").status_code == 200

    # uploading the stored file again does not hand its link to someone who cannot open it
    again = _wait(
        hz,
        hz.post("/api/jobs", files={"file": (SEED.name, SEED.read_bytes())}, headers=api_headers(hz)).json()[
            "id"
        ],
    )
    assert again["items"][0]["report_id"] is None and "不在您的审核范围内" in again["items"][0]["error"]
    assert hz.get(f"/reports/{rid}").status_code == 404
    admin = make_client("admin")
    assert (
        _wait(
            admin,
            admin.post(
                "/api/jobs", files={"file": (SEED.name, SEED.read_bytes())}, headers=api_headers(admin)
            ).json()["id"],
        )["items"][0]["report_id"]
        == rid
    )


# --- saving the consolidation --------------------------------------------------------------------
def test_save_the_consolidation_then_agg_mismatch_checks_it(make_client, world):
    store = world.store
    hz = world.regions["洪泽区"]
    c = make_client("rev_hz")
    page = c.get(f"/regions/{hz}/2024").text
    assert f'action="/regions/{hz}/2024/save"' in page and "保存为汇总报告" in page
    r = c.post_form(f"/regions/{hz}/2024/save")
    assert r.status_code == 303
    rid = int(r.headers["location"].split("?")[0].rsplit("/", 1)[-1])
    saved = store.get_report(rid)
    assert saved.consolidated and saved.report.year == 2024
    units = [store.get_report(world.ids[n]).report for n in ("hz_cz_2024", "hz_jy_2024")]
    key = "t3.new_received.total"
    assert saved.report.value(key) == sum(u.value(key) for u in units)
    assert c.get(f"/reports/{rid}").status_code == 200
    assert f'href="/reports/{rid}"' in c.get(f"/regions/{hz}/2024").text
    assert _open(store, rid, "AGG_MISMATCH") == []  # it is the sum of its units

    # a correction in a unit makes the saved consolidation disagree: AGG_MISMATCH names the cell
    jy = world.ids["hz_jy_2024"]
    new = units[1].value("t2.rules.issued") + 4
    assert (
        c.put(
            f"/api/reports/{jy}/cells/t2.rules.issued", json={"value": new}, headers=api_headers(c)
        ).status_code
        == 200
    )
    (agg,) = _open(store, rid, "AGG_MISMATCH")
    assert agg.cells == ["t2.rules.issued"]

    # saving again (here through the API) replaces the saved report, which agrees again
    r = c.post(f"/api/regions/{hz}/2024/consolidated", headers=api_headers(c))
    assert r.status_code == 201
    rid2 = r.json()["report_id"]
    assert rid2 != rid and store.load_reports([rid]) == []
    assert _open(store, rid2, "AGG_MISMATCH") == []
    assert (
        store.get_report(rid2).report.value("t2.rules.issued")
        == sum(u.value("t2.rules.issued") for u in units) + 4
    )


@pytest.mark.parametrize("user", ["admin", "rev_hz", "rev_ha", "rev_pt", "writer_cz"])
def test_saving_a_consolidation_is_scoped(make_client, world, user):
    c = make_client(user)
    hz = world.regions["洪泽区"]
    page = c.post_form(f"/regions/{hz}/2024/save")
    api = c.post(f"/api/regions/{hz}/2024/consolidated", headers=api_headers(c))
    if user.startswith("writer"):
        assert page.status_code == 403 and api.status_code == 403
    elif user == "rev_pt":
        assert page.status_code == 404 and api.status_code == 404
    else:
        assert page.status_code == 303 and api.status_code == 201
    saved = [r for r in world.store.reports(consolidated=True)]
    assert len(saved) == (0 if user in ("rev_pt", "writer_cz") else 1)
