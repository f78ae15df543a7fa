"""The 评估驾驶舱 pages through the ASGI app: who may see what, every number linked to its evidence."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nianbao.store import Store
from nianbao.web import create_app
from nianbao.web.auth import create_user, set_password_hasher

from .synthetic_region import seed

PASSWORD = "correct-horse-42"
YEAR = 2024


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, int], dict[str, int]]]:
    from argon2 import PasswordHasher, profiles

    set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('cockpit') / 'web.db'}")
    ids = seed(store, YEAR)
    store.add_report(_other_county())
    regions = {r.name: r.id for r in store.regions()}
    create_user(store, "admin", PASSWORD, "admin")
    create_user(store, "rev_cs", PASSWORD, "reviewer", region_id=regions["测试县"])
    create_user(store, "rev_other", PASSWORD, "reviewer", region_id=regions["别的县"])
    create_user(store, "writer", PASSWORD, "writer", organ_id=store.find_organ("测试县财政局"))
    yield store, ids, regions
    store.close()


def _other_county():
    from .synthetic_region import A_GROUPS, build

    return build("别的县民政局", YEAR, f"{YEAR + 1}-01-10", A_GROUPS)


def client(store: Store, user: str) -> TestClient:
    c = TestClient(create_app(store), base_url="https://testserver")
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post(
        "/login", data={"username": user, "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    return c


def test_cockpit_numbers_link_to_their_evidence(site) -> None:
    store, ids, regions = site
    c = client(store, "rev_cs")
    home = c.get("/evaluation")
    assert home.status_code == 200 and "实质公开率" in home.text and "别的县" not in home.text
    r = c.get(f"/evaluation?region={regions['测试县']}&year={YEAR}", follow_redirects=False)
    assert r.headers["location"] == f"/evaluation/{regions['测试县']}/{YEAR}"
    page = c.get(f"/evaluation/{regions['测试县']}/{YEAR}")
    assert page.status_code == 200
    text = page.text
    assert "4 / 6" in text and "66.7%" in text  # published / expected, coverage
    data = json.loads(re.search(r'id="evaluation-data">(.*?)</script>', text, re.S).group(1))
    assert data["rows"] == ["本级", "城关镇", "河口镇"]
    assert len(data["heatmap"]) == 3 * 14
    assert all(h["value"] is None for h in data["heatmap"] if h["y"] == 2)  # 河口镇: nothing published
    assert data["trend"]["years"] == [YEAR - 1, YEAR]
    # risk cards: the units with a red indicator, each reason linked to the cell or finding behind it
    cards = re.findall(r'<article class="risk-card" data-unit="([^"]+)">', text)
    assert len(cards) == 4
    reasons = re.findall(r'<a class="reason" href="([^"]+)" title="[^"]*">([^<]+)</a>', text)
    review = next(href for href, t in reasons if t == "复议纠错率 25.0%（红：&gt; 15.0%）")
    assert review == f"/reports/{ids['A']}#cell-t4.review.corrected"
    narrative = next(href for href, t in reasons if t.startswith("正文与表格一致"))
    assert re.fullmatch(rf"/reports/{ids['B']}#finding-\d+", narrative)
    # the ranking: each indicator value links to the unit's sheet at that indicator
    assert f"/evaluation/{regions['测试县']}/{YEAR}/units/o" in text
    sheet = c.get(f"/evaluation/{regions['测试县']}/{YEAR}/units/o1")
    assert sheet.status_code == 200
    assert "测试县财政局2024年政府信息公开工作年度报告评估表" in sheet.text
    assert 'id="ind-review_correction_rate"' in sheet.text
    assert f'href="/reports/{ids["A"]}#cell-t4.review.corrected"' in sheet.text
    filtered = c.get(f"/evaluation/{regions['测试县']}/{YEAR}?level=县级部门")
    assert "测试县人民政府</a>" not in filtered.text.split('id="ranking"')[1]


def test_downloads(site) -> None:
    store, _, regions = site
    c = client(store, "admin")
    base = f"/evaluation/{regions['测试县']}/{YEAR}"
    for fmt, magic in (("xlsx", b"PK"), ("parquet", b"PAR1"), ("csv", "\ufeff".encode())):
        r = c.get(f"{base}/export.{fmt}")
        assert r.status_code == 200 and r.content.startswith(magic), fmt
        assert "attachment" in r.headers["content-disposition"]
    r = c.get(f"{base}/units/o3/sheet.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert c.get(f"{base}/units/o999/sheet.docx").status_code == 404
    assert c.get(f"{base}/export.exe").status_code == 404


def test_scope(site) -> None:
    store, _, regions = site
    other = client(store, "rev_other")
    assert other.get(f"/evaluation/{regions['测试县']}/{YEAR}").status_code == 404
    assert other.get(f"/evaluation/{regions['测试县']}/{YEAR}/export.xlsx").status_code == 404
    assert other.get(f"/evaluation/{regions['别的县']}/{YEAR}").status_code == 200
    writer = client(store, "writer")
    assert writer.get("/evaluation").status_code == 403
    anonymous = TestClient(create_app(store), base_url="https://testserver")
    assert anonymous.get("/evaluation", follow_redirects=False).status_code == 303


def test_a_bad_rubric_is_shown_with_its_line(site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _, regions = site
    bad = tmp_path / "rubric.yaml"
    bad.write_text(
        "extends: default\nindicators:\n  - key: x\n    name: 新指标\n    value: t3.nope.total\n", "utf-8"
    )
    monkeypatch.setenv("NIANBAO_RUBRIC", str(bad))
    r = client(store, "admin").get(f"/evaluation/{regions['测试县']}/{YEAR}")
    assert r.status_code == 500 and "第 5 行" in r.text and "t3.nope.total" in r.text


def test_a_change_in_the_data_is_seen_at_once(site) -> None:
    store, ids, regions = site
    c = client(store, "admin")
    url = f"/evaluation/{regions['测试县']}/{YEAR}/units/o2"  # 测试县教育局 (B)

    def narrative() -> str:
        row = c.get(url).text.split('id="ind-narrative_consistency"')[1].split("</tr>")[0]
        return re.findall(r'class="c-[a-z]+">([^<]+)</td>', row)[0]

    assert narrative() == "红"  # two NARRATIVE_MISMATCH
    fid = next(f.id for f in store.findings(report_id=ids["B"]) if f.code == "NARRATIVE_MISMATCH")
    store.accept_finding(fid, who="审核员", comment="正文数字为含上年结转的件数")
    try:
        assert narrative() == "黄"  # one left: the cached evaluation was not reused
    finally:
        store.accept_finding(fid, who="审核员", accepted=False)
    assert narrative() == "红"
