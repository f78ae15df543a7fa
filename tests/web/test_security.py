"""The web defects of issue 10, each reproduced: oversized bodies (chunked too), upload names,
ZIP member names, LIKE wildcards in searches, drafts outside a reviewer's scope, and password
guessing (per account, per client, per both; atomic under parallel attempts; back-off)."""

from __future__ import annotations

import io
import re
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from nianbao.store import Store, accounts
from nianbao.web import auth, create_app
from nianbao.web.auth import create_user, set_password_hasher
from nianbao.web.uploads import UPLOAD_PREFIX

from .conftest import PASSWORD, api_headers

REPORT = "一、总体情况\n本机关认真贯彻落实条例。\n".encode()


@pytest.fixture
def tmpdir_for_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploads' temporary folders go here, so that a leftover one is seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _leftovers(folder: Path) -> list[Path]:
    return list(folder.glob(UPLOAD_PREFIX + "*"))  # not the worker pool's own (pymp-…)


def _wait(c: TestClient, job_id: str, timeout: float = 90) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["done"]:
            return job
        time.sleep(0.1)
    raise AssertionError("job did not finish")


# --- bodies and names ------------------------------------------------------------------------
def _chunked(size: int, boundary: str = "XyZ"):
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    for _ in range(size // 65536):
        yield b"x" * 65536
    yield f"\r\n--{boundary}--\r\n".encode()


def test_every_oversized_body_gets_413_in_chinese(make_client, tmpdir_for_uploads):
    c = make_client("admin")  # the app's limit here: 5 MB
    headers = {**api_headers(c), "Content-Type": "multipart/form-data; boundary=XyZ"}
    for url in ("/api/jobs", "/upload"):
        r = c.post(url, content=_chunked(8 * 1024 * 1024), headers=headers)  # no Content-Length
        assert r.status_code == 413, (url, r.text[:200])
        assert "上传内容过大，上限为 5 MB" in r.text
    r = c.post("/api/jobs", files={"file": ("a.txt", b"x" * (7 * 1024 * 1024))}, headers=api_headers(c))
    assert r.status_code == 413 and r.json()["detail"] == "上传内容过大，上限为 5 MB"
    # within the body limit but over the file limit: the upload's own check
    r = c.post("/api/jobs", files={"file": ("a.txt", b"x" * (5 * 1024 * 1024 + 10))}, headers=api_headers(c))
    assert r.status_code == 413 and "文件过大" in r.json()["detail"]
    assert _leftovers(tmpdir_for_uploads) == []


@pytest.mark.parametrize("name", ["..", ".", "...", ".hidden.txt"])
def test_bad_upload_names_get_a_clear_error_and_leave_nothing(make_client, tmpdir_for_uploads, name):
    c = make_client("admin")
    r = c.post("/api/jobs", files={"file": (name, REPORT)}, headers=api_headers(c))
    assert r.status_code == 422, r.text
    assert "文件名" in r.json()["detail"] or "隐藏文件" in r.json()["detail"]
    page = c.post_form("/upload", files={"file": (name, REPORT)})
    assert page.status_code == 422 and "<!doctype html>" in page.text
    assert _leftovers(tmpdir_for_uploads) == []


def test_a_path_in_the_name_keeps_only_the_base_name(make_client, tmpdir_for_uploads):
    c = make_client("admin")
    r = c.post("/api/jobs", files={"file": ("../../etc/报告.txt", REPORT)}, headers=api_headers(c))
    assert r.status_code == 202
    job = _wait(c, r.json()["id"])
    assert [i["name"] for i in job["items"]] == ["报告.txt"]
    assert _leftovers(tmpdir_for_uploads) == []


def test_zip_member_names_dot_files_and_traversal(make_client, tmpdir_for_uploads, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(".hidden.txt", REPORT)
        z.writestr("sub/.DS_Store", b"junk")
        z.writestr("../../escaped.txt", REPORT + b"1")
        z.writestr("/abs/path.txt", REPORT + b"2")
        z.writestr("ok.txt", REPORT + b"3")
    c = make_client("admin")
    r = c.post("/api/jobs", files={"file": ("pack.zip", buf.getvalue())}, headers=api_headers(c))
    assert r.status_code == 202
    job = _wait(c, r.json()["id"])
    items = {i["name"].split("!", 1)[1]: i for i in job["items"]}
    assert len(items) == 5, items  # every member has its row, none is dropped
    hidden = [i for n, i in items.items() if n.rsplit("/", 1)[-1].startswith(".")]
    assert len(hidden) == 2 and all(i["status"] == "error" and "隐藏文件" in i["error"] for i in hidden)
    for name, item in items.items():
        assert item["status"] in ("ok", "error") and "内部错误" not in (item["error"] or ""), name
    assert _leftovers(tmpdir_for_uploads) == []
    assert not list(tmp_path.rglob("escaped.txt")) and not Path("/abs/path.txt").exists()


# --- searches and drafts -----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["_", "%", "%%", "洪泽_财政局", "\\"])
def test_organ_search_wildcards_are_literal(make_client, world, text):
    c = make_client("admin")
    assert c.get("/api/reports", params={"organ": text}).json() == []
    assert c.get("/api/reports/export.jsonl", params={"organ": text}).text.strip() == ""


def test_organ_search_still_finds_parts_and_spellings(make_client, world):
    c = make_client("admin")
    found = {r["id"] for r in c.get("/api/reports", params={"organ": "财政"}).json()}
    assert found == {world.ids["hz_cz_2024"], world.ids["hz_cz_2023"]}
    assert {r["id"] for r in c.get("/api/reports", params={"organ": "淮安市洪泽区财政局"}).json()} == found


def test_a_reviewer_cannot_save_a_draft_outside_his_scope(make_client, world):
    pt, hz = make_client("rev_pt"), make_client("rev_hz")
    form = {"year": "2024", "organ": "淮安市洪泽区财政局", "section:overview": "草稿"}
    r = pt.post_form("/write/save", form)
    assert r.status_code == 403 and "不在您的审核范围内" in r.text
    r = pt.post_form("/write/save", {**form, "organ": "某省某县某局"})  # unknown, and not his either
    assert r.status_code == 403
    assert accounts.drafts(world.store) == []
    r = hz.post_form("/write/save", form)
    assert r.status_code == 303
    draft = int(r.headers["location"].split("=")[-1])
    # nor move his own draft to an organ outside his scope
    r = hz.post_form("/write/save", {**form, "organ": "平潭县交通运输局", "draft_id": str(draft)})
    assert r.status_code == 403
    assert accounts.draft(world.store, draft).organ_id == world.organs["洪泽区财政局"]


# --- password guessing -------------------------------------------------------------------------
@pytest.fixture
def app(world):
    return create_app(world.store, file_timeout=60)


def _client(app, ip: str) -> TestClient:
    return TestClient(app, base_url="https://testserver", client=(ip, 40000))


def _try(c: TestClient, username: str, password: str):
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def _failures(store: Store, username: str) -> int:
    return sum(1 for e in accounts.audit_entries(store, 5000, "login_failed") if e.username == username)


def test_guessing_locks_the_guesser_not_the_owner(app, world):
    attacker, owner = _client(app, "203.0.113.7"), _client(app, "198.51.100.2")
    for _ in range(auth.PAIR_LIMIT):
        assert _try(attacker, "admin", "guess").status_code == 401
    r = _try(attacker, "admin", PASSWORD)  # even the right password, from the guessing client
    assert r.status_code == 429 and "失败次数过多" in r.text and int(r.headers["retry-after"]) > 0
    # the attacker moves to another address: past the account's limit, one guess each
    other = _client(app, "203.0.113.8")
    assert _try(other, "admin", "guess").status_code == 401
    assert _try(other, "admin", "guess2").status_code == 429
    assert _failures(world.store, "admin") == auth.PAIR_LIMIT + 1
    # the owner, from a client that has not failed, is never locked out
    assert _try(owner, "admin", PASSWORD).status_code == 303


def test_the_account_limit_refuses_failed_clients_only(app, world, monkeypatch):
    monkeypatch.setattr(auth, "ACCOUNT_LIMIT", 3)
    for n in range(3):  # three clients, one wrong guess each: the account is now at its limit
        assert _try(_client(app, f"192.0.2.{n}"), "rev_hz", "guess").status_code == 401
    assert _try(_client(app, "192.0.2.0"), "rev_hz", PASSWORD).status_code == 429  # it has failed
    assert _try(_client(app, "192.0.2.99"), "rev_hz", PASSWORD).status_code == 303  # it has not
    # a success clears the account's count: the failed clients may try again
    assert _try(_client(app, "192.0.2.1"), "rev_hz", PASSWORD).status_code == 303


def test_one_client_spraying_many_accounts_is_stopped(app, world):
    spray, bystander = _client(app, "203.0.113.50"), _client(app, "203.0.113.51")
    for n in range(auth.CLIENT_LIMIT):
        assert _try(spray, f"user{n}", "guess").status_code == 401
    assert _try(spray, "rev_pt", PASSWORD).status_code == 429
    assert _try(bystander, "rev_pt", PASSWORD).status_code == 303


def test_the_lock_backs_off(app, world, monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(auth, "_now", lambda: now[0])
    c = _client(app, "203.0.113.9")
    window = auth.FAILED_LOGIN_WINDOW.total_seconds()
    waits = []
    for _ in range(3):
        for _ in range(auth.PAIR_LIMIT):
            assert _try(c, "rev_ha", "guess").status_code == 401
        r = _try(c, "rev_ha", "guess")
        assert r.status_code == 429
        waits.append(int(r.headers["retry-after"]))
        now[0] += waits[-1] + 1  # wait it out
    assert waits[0] <= window + 1 and waits[1] >= 2 * window - 1 and waits[2] >= 4 * window - 1
    assert _try(c, "rev_ha", PASSWORD).status_code == 303  # the lock has passed


def test_parallel_wrong_attempts_never_exceed_the_limit(app, world):
    # a realistic hash cost, so that the checks overlap as they would in production
    set_password_hasher(PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1))
    try:
        create_user(world.store, "target", "right-password-1", "admin")
        codes: list[int] = []
        barrier = threading.Barrier(40)

        def attempt() -> None:
            c = _client(app, "203.0.113.77")
            page = c.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            barrier.wait()
            r = c.post(
                "/login",
                data={"username": "target", "password": "wrong", "csrf_token": token},
                follow_redirects=False,
            )
            codes.append(r.status_code)

        threads = [threading.Thread(target=attempt) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        from argon2 import profiles

        set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    assert sorted(set(codes)) == [401, 429] and len(codes) == 40
    assert codes.count(401) == auth.PAIR_LIMIT
    assert _failures(world.store, "target") == auth.PAIR_LIMIT  # password checks: exactly the limit


def test_the_counter_is_atomic_in_the_database(world):
    taken: list[int | None] = []
    barrier = threading.Barrier(24)

    def take() -> None:
        barrier.wait()
        taken.append(accounts.throttle_reserve(world.store, "pair:x|y", 10, 900.0, time.time()))

    threads = [threading.Thread(target=take) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(n for n in taken if n is not None) == list(range(1, 11))
    assert taken.count(None) == 14
