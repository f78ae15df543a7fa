"""Login, sessions, cookies, CSRF and the audit log."""

from __future__ import annotations

import re

from sqlalchemy import select

from nianbao.store.schema import AuditEntry, User
from nianbao.web.auth import hash_password, verify_password

from .conftest import PASSWORD, api_headers, login


def test_passwords_are_argon2_hashes(world):
    with world.store.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "x")
    assert hash_password("a") != hash_password("a")  # salted


def test_login_sets_secure_httponly_samesite_cookie(make_client):
    c = make_client()
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert (
        "nianbao_session=" in cookie
        and "httponly" in cookie
        and "secure" in cookie
        and "samesite=lax" in cookie
    )


def test_wrong_password_and_missing_login_csrf(make_client, world):
    c = make_client()
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"username": "admin", "password": "nope", "csrf_token": token})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403
    with world.store.session() as s:
        actions = list(s.scalars(select(AuditEntry.action)))
    assert "login_failed" in actions


def test_anonymous_is_sent_to_login_and_api_refuses(make_client, world):
    c = make_client()
    r = c.get("/reports", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get(f"/api/reports/{world.ids['hz_cz_2024']}").status_code == 401
    assert c.get("/api/reports").status_code == 401


def test_state_changing_requests_need_the_csrf_token(make_client, world):
    c = make_client("admin")
    rid = world.ids["hz_cz_2024"]
    r = c.post(f"/reports/{rid}/cells/t3.new_received.total", data={"value": "1"}, follow_redirects=False)
    assert r.status_code == 403
    r = c.put(f"/api/reports/{rid}/cells/t3.new_received.total", json={"value": 1})
    assert r.status_code == 403
    r = c.put(
        f"/api/reports/{rid}/cells/t3.new_received.total",
        json={"value": 1},
        headers={"X-CSRF-Token": "wrong"},
    )
    assert r.status_code == 403
    assert world.store.cell_edits(rid) == []


def test_logout_ends_the_session(make_client):
    c = make_client("admin")
    assert c.get("/api/me").status_code == 200
    assert c.post_form("/logout").status_code == 303
    assert c.get("/api/me").status_code == 401


def test_session_cookie_from_another_session_is_useless(make_client):
    a = make_client("admin")
    b = make_client()
    b.cookies.set("nianbao_session", "made-up-token", domain="testserver")
    assert b.get("/api/me").status_code == 401
    assert a.get("/api/me").json()["role"] == "admin"


def test_admin_creates_users_and_sees_the_audit_log(make_client, world):
    c = make_client("admin")
    r = c.post_form(
        "/admin/users",
        {
            "username": "neu",
            "password": "long-enough-pw",
            "role": "writer",
            "organ_id": str(world.organs["平潭县交通运输局"]),
        },
    )
    assert r.status_code == 303
    n = make_client()
    login(n, "neu", "long-enough-pw")
    assert n.get("/api/me").json()["organ_id"] == world.organs["平潭县交通运输局"]
    log = c.get("/api/audit").json()
    assert any(e["action"] == "create_user" and e["user"] == "admin" for e in log)
    assert any(e["action"] == "login" and e["user"] == "neu" for e in log)
    r = c.post(
        "/api/users", json={"username": "short", "password": "x", "role": "admin"}, headers=api_headers(c)
    )
    assert r.status_code == 422


def test_password_guessing_is_throttled(make_client):
    c = make_client()
    for _ in range(10):
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        assert (
            c.post(
                "/login", data={"username": "rev_hz", "password": "guess", "csrf_token": token}
            ).status_code
            == 401
        )
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"username": "rev_hz", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429 and "失败次数过多" in r.text
    login(make_client(), "rev_pt")  # other accounts are not affected
