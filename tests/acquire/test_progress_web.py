"""The 报送进度 page fed by a real watch: counts, the units in each state, evidence, 催报清单, scope."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from nianbao.store import Store
from nianbao.store import acquire as acquire_db
from nianbao.web import create_app
from nianbao.web.auth import create_user, set_password_hasher

PASSWORD = "correct-horse-42"


@pytest.fixture()
def client_for(watched, tmp_path: Path):
    from argon2 import PasswordHasher, profiles

    set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    d = watched[0]
    shutil.copyfile(d / "nb.db", tmp_path / "web.db")
    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    regions = {r.name: r.id for r in store.regions()}
    create_user(store, "admin", PASSWORD, "admin")
    create_user(store, "rev_pt", PASSWORD, "reviewer", region_id=regions["平潭综合实验区"])
    app = create_app(store)
    clients: list[TestClient] = []

    def make(user: str) -> TestClient:
        c = TestClient(app, base_url="https://testserver")
        clients.append(c)
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = c.post(
            "/login",
            data={"username": user, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
        return c

    yield make, store, regions
    for c in clients:
        c.close()
    store.close()


def test_region_counts_roll_up_the_tree(client_for) -> None:
    _, store, regions = client_for
    counts = acquire_db.counts_by_region(store, 2024)
    hz = counts[regions["洪泽区"]]
    assert (hz["on_time"], hz["late"], hz["unreachable"]) == (1, 1, 4)
    ha = counts[regions["淮安市"]]  # 淮安市人民政府 itself plus everything in 洪泽区
    assert ha["late"] == 2 and sum(ha.values()) == sum(hz.values()) + 1
    assert acquire_db.region_progress(store, regions["洪泽区"], 2024).missing == 4


def test_progress_page_units_evidence_and_chase_list(client_for) -> None:
    make, _, regions = client_for
    c = make("admin")
    index = c.get("/progress")
    assert index.status_code == 200 and "洪泽区" in index.text
    page = c.get(f"/progress/{regions['洪泽区']}/2024")
    assert page.status_code == 200
    text = page.text
    for name in ("淮安市洪泽区教育局", "淮安市洪泽区民政局", "逾期 10 天", "重定向循环", "按时发布"):
        assert name in text
    assert re.search(r'<tr class="sev-error">\s*<td>淮安市洪泽区教育局', text)  # missing units in red
    evidence = re.findall(r'href="(/progress/evidence/\d+)"', text)
    assert evidence
    shown = [c.get(u) for u in evidence]
    assert any("发布时间：2025-01-20" in r.text for r in shown)
    raw = c.get(evidence[0] + "?download=1")
    assert (
        raw.headers["content-disposition"].startswith("attachment")
        and "sandbox" in raw.headers["content-security-policy"]
    )
    chase = c.get(f"/progress/{regions['洪泽区']}/2024/chase.csv")
    rows = list(csv.reader(io.StringIO(chase.content.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {
        "淮安市洪泽区教育局",
        "淮安市洪泽区交通运输局",
        "淮安市洪泽区卫生健康委员会",
        "淮安市洪泽区民政局",
        "淮安市洪泽区自然资源局",
    }
    assert c.get(f"/progress/{regions['洪泽区']}/2024/chase.xlsx").content[:2] == b"PK"


def test_reviewer_sees_only_their_region(client_for) -> None:
    make, store, regions = client_for
    c = make("rev_pt")
    assert c.get(f"/progress/{regions['洪泽区']}/2024").status_code == 404
    own = c.get(f"/progress/{regions['平潭综合实验区']}/2024")
    assert own.status_code == 200 and "平潭综合实验区管理委员会" in own.text
    hz_row = next(r for r in acquire_db.statuses(store, 2024) if r.organ == "淮安市洪泽区人民政府")
    assert c.get(f"/progress/evidence/{hz_row.id}").status_code == 404
