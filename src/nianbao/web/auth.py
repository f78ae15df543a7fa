"""Accounts: argon2 password hashing, server-side sessions, CSRF tokens, roles and scopes.

A session cookie holds a random token; the database keeps only its SHA-256, so a leaked
database does not leak live sessions. Each session has its own CSRF token, sent back by every
form (hidden field `csrf_token`) and every htmx/API request (header `X-CSRF-Token`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import delete, select

from ..store import Store
from ..store.schema import Region, utcnow
from .models import AuditEntry, User, WebSession

SESSION_COOKIE = "nianbao_session"
LOGIN_CSRF_COOKIE = "nianbao_login_csrf"
SESSION_HOURS = 12
_hasher = PasswordHasher()  # argon2id with the library's recommended (RFC 9106 low-memory) parameters
# verified against when the user does not exist, so both paths take the same time
_DUMMY_HASH = _hasher.hash("not-a-password")


def set_password_hasher(hasher: PasswordHasher) -> None:
    """Tests use argon2's CHEAPEST profile; production keeps the default parameters."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass
class Principal:
    """The logged-in user and what they may see."""

    id: int
    username: str
    role: str
    region_id: int | None = None
    organ_id: int | None = None
    csrf: str = ""
    region_ids: set[int] = field(default_factory=set)  # the reviewer's region and every sub-region

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_see(self, region_id: int | None, organ_id: int | None) -> bool:
        if self.role == "admin":
            return True
        if self.role == "reviewer":
            return region_id is not None and region_id in self.region_ids
        if self.role == "writer":
            return organ_id is not None and organ_id == self.organ_id
        return False

    @property
    def can_review(self) -> bool:
        return self.role in ("admin", "reviewer")


def subtree(store: Store, region_id: int) -> set[int]:
    with store.session() as s:
        rows = list(s.execute(select(Region.id, Region.parent_id)))
    children: dict[int | None, list[int]] = {}
    for rid, parent in rows:
        children.setdefault(parent, []).append(rid)
    out, todo = set(), [region_id]
    while todo:
        cur = todo.pop()
        if cur not in out:
            out.add(cur)
            todo.extend(children.get(cur, []))
    return out


def create_user(
    store: Store,
    username: str,
    password: str,
    role: str,
    region_id: int | None = None,
    organ_id: int | None = None,
) -> int:
    if role not in ("admin", "reviewer", "writer"):
        raise ValueError(f"未知角色：{role}")
    if role == "reviewer" and region_id is None:
        raise ValueError("审核人员必须指定所辖地区")
    if role == "writer" and organ_id is None:
        raise ValueError("填报人员必须指定所属机关")
    with store.session() as s:
        if s.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValueError(f"用户名“{username}”已存在")
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=role,
            region_id=region_id if role == "reviewer" else None,
            organ_id=organ_id if role == "writer" else None,
            active=True,
        )
        s.add(user)
        s.flush()
        return user.id


def user_count(store: Store) -> int:
    with store.session() as s:
        return len(list(s.scalars(select(User.id))))


def authenticate(store: Store, username: str, password: str) -> User | None:
    with store.session() as s:
        user = s.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


def too_many_failures(store: Store, username: str) -> bool:
    """Password guessing: refuse a name after MAX_FAILED_LOGINS failures within the window."""
    since = utcnow() - FAILED_LOGIN_WINDOW
    with store.session() as s:
        n = len(
            list(
                s.scalars(
                    select(AuditEntry.id).where(
                        AuditEntry.action == "login_failed",
                        AuditEntry.username == username[:100],
                        AuditEntry.at >= since,
                    )
                )
            )
        )
    return n >= MAX_FAILED_LOGINS


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    with store.session() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
        s.add(
            WebSession(
                token_hash=_token_hash(token),
                user_id=user_id,
                csrf=secrets.token_urlsafe(32),
                expires_at=utcnow() + timedelta(hours=SESSION_HOURS),
            )
        )
    return token


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.session() as s:
            s.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))


def principal_for(store: Store, token: str | None) -> Principal | None:
    if not token:
        return None
    with store.session() as s:
        row = s.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == _token_hash(token))
        ).first()
    if row is None:
        return None
    sess, user = row
    expires = sess.expires_at if sess.expires_at.tzinfo else sess.expires_at.replace(tzinfo=UTC)
    if expires < datetime.now(UTC) or not user.active:
        return None
    p = Principal(user.id, user.username, user.role, user.region_id, user.organ_id, sess.csrf)
    if user.role == "reviewer" and user.region_id is not None:
        p.region_ids = subtree(store, user.region_id)
    return p


def audit(
    store: Store,
    who: str | None,
    action: str,
    target: str | None = None,
    detail: dict | None = None,
    ip: str | None = None,
) -> None:
    with store.session() as s:
        s.add(AuditEntry(username=who, action=action, target=target, detail=detail or {}, ip=ip))


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to /login."""


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def check_csrf(request: Request, principal: Principal) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not same(sent, principal.csrf):
        raise HTTPException(403, "安全校验失败（CSRF），请刷新页面后重试")
