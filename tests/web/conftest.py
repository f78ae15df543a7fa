from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nianbao.corpus.synthetic import make_report
from nianbao.model import Section
from nianbao.rules import validate
from nianbao.store import Store
from nianbao.store.testing import db_url, pg_server  # noqa: F401
from nianbao.web import create_app
from nianbao.web.auth import create_user, set_password_hasher

PASSWORD = "correct-horse-42"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True, scope="session")
def _cheap_hashes() -> None:
    from argon2 import PasswordHasher, profiles

    set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))


@dataclass
class World:
    store: Store
    ids: dict[str, int]  # named reports
    regions: dict[str, int]
    organs: dict[str, int]


def _report(organ: str, year: int, seed: int, broken: bool = False, text: str | None = None):
    r = make_report(organ, year, seed=seed)
    r.source = f"{organ}{year}.txt"
    if broken:
        # 表三 row total no longer the sum of the applicant columns
        c = r.cells["t3.new_received.total"]
        c.value = (c.value or 0) + 7
        c.raw = str(c.value)
    if text is not None:
        r.sections = [Section("overview", "一、总体情况", "一、", text)]
    validate(r)
    return r


def _seed(store: Store) -> None:
    store.add_report(_report("淮安市洪泽区财政局", 2024, 1, broken=True, text=XSS))
    store.add_report(_report("淮安市洪泽区财政局", 2023, 2))
    store.add_report(_report("淮安市洪泽区教育局", 2024, 3))
    store.add_report(_report("平潭县交通运输局", 2024, 4))
    regions = _regions(store)
    organs = {o.name: o.id for o in store.organs()}
    create_user(store, "admin", PASSWORD, "admin")
    create_user(store, "rev_hz", PASSWORD, "reviewer", region_id=regions["洪泽区"])
    create_user(store, "rev_ha", PASSWORD, "reviewer", region_id=regions["淮安市"])
    create_user(store, "rev_pt", PASSWORD, "reviewer", region_id=regions["平潭县"])
    create_user(store, "writer_cz", PASSWORD, "writer", organ_id=organs["洪泽区财政局"])
    create_user(store, "writer_jy", PASSWORD, "writer", organ_id=organs["洪泽区教育局"])


def _regions(store: Store) -> dict[str, int]:
    """Regions by name, and namesakes by their path too (甲市兴隆县, 乙市兴隆县)."""
    from nianbao.store import organs as organ_repo

    out = {r.name: r.id for r in store.regions()}
    out.update({organ_repo.region_path(store, r.id): r.id for r in store.regions()})
    return out


def _key(organ: str) -> str:
    place = next(
        (
            k
            for k, needle in (("hz", "洪泽"), ("xa", "甲市"), ("xb", "乙市"), ("pt", "平潭"))
            if needle in organ
        ),
        "?",
    )
    unit = "cz" if "财政" in organ else "jy" if "教育" in organ else "jt"
    return f"{place}_{unit}"


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory, _cheap_hashes: None) -> Path:
    """One seeded SQLite file per session; each test works on its own copy."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    store = Store(f"sqlite:///{path}")
    _seed(store)
    store.close()
    return path


@pytest.fixture
def world(db_url: str, seeded_sqlite: Path, tmp_path: Path) -> Iterator[World]:  # noqa: F811
    if db_url.startswith("sqlite"):
        copy = tmp_path / "web.db"
        shutil.copyfile(seeded_sqlite, copy)
        store = Store(f"sqlite:///{copy}")
    else:
        store = Store(db_url)
        _seed(store)
    ids = {f"{_key(sr.report.organ or '')}_{sr.report.year}": sr.id for sr in store.reports()}
    regions = _regions(store)
    organs = {o.name: o.id for o in store.organs()}
    yield World(store, ids, regions, organs)
    store.close()


class Client(TestClient):
    csrf: str = ""

    def post_form(self, url: str, data: dict | None = None, **kw):
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=False, **kw)


@pytest.fixture
def namesakes(world: World) -> World:
    """Two counties of one name under two cities, 甲市兴隆县 and 乙市兴隆县, with their reports
    (xa_cz_2024; xb_cz_2024, xb_jy_2024) and a reviewer each (rev_xa, rev_xb)."""
    store = world.store
    for organ, seed in (("甲市兴隆县财政局", 5), ("乙市兴隆县财政局", 6), ("乙市兴隆县教育局", 7)):
        rid = store.add_report(_report(organ, 2024, seed))
        world.ids[f"{_key(organ)}_2024"] = rid
    world.regions.update(_regions(store))
    world.organs.update({o.name: o.id for o in store.organs()})
    create_user(store, "rev_xa", PASSWORD, "reviewer", region_id=world.regions["甲市兴隆县"])
    create_user(store, "rev_xb", PASSWORD, "reviewer", region_id=world.regions["乙市兴隆县"])
    return world


@pytest.fixture
def make_client(world: World) -> Iterator[Callable[..., Client]]:
    app = create_app(world.store, file_timeout=60, max_upload=5 * 1024 * 1024)
    clients: list[Client] = []

    def make(username: str | None = None) -> Client:
        c = Client(app, base_url="https://testserver")
        clients.append(c)
        if username:
            login(c, username)
        return c

    yield make
    for c in clients:
        c.close()


def login(c: Client, username: str, password: str = PASSWORD) -> None:
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    c.csrf = c.get("/api/me").json()["csrf"]


def api_headers(c: Client) -> dict[str, str]:
    return {"X-CSRF-Token": c.csrf}
