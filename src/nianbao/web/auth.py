"""Accounts: argon2 password hashing, server-side sessions, CSRF tokens, roles and scopes.

A session cookie holds a random token; the database keeps only its SHA-256, so a leaked
database does not leak live sessions. Each session has its own CSRF token, sent back by every
form (hidden field `csrf_token`) and every htmx/API request (header `X-CSRF-Token`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request

from ..store import Scope, Store, accounts
from ..store import organs as organ_repo
from .models import ROLES

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

    @property
    def scope(self) -> Scope:
        """The reports this user may see, as the store's repositories take it."""
        if self.role == "admin":
            return Scope()
        if self.role == "reviewer":
            return Scope(region_ids=frozenset(self.region_ids))
        if self.role == "writer" and self.organ_id is not None:
            return Scope(organ_id=self.organ_id)
        return Scope(region_ids=frozenset())


def subtree(store: Store, region_id: int) -> set[int]:
    return organ_repo.subtree(store, region_id)


def create_user(
    store: Store,
    username: str,
    password: str,
    role: str,
    region_id: int | None = None,
    organ_id: int | None = None,
) -> int:
    if role not in ROLES:
        raise ValueError(f"未知角色：{role}")
    if role == "reviewer" and region_id is None:
        raise ValueError("审核人员必须指定所辖地区")
    if role == "writer" and organ_id is None:
        raise ValueError("填报人员必须指定所属机关")
    if accounts.user_by_name(store, username) is not None:
        raise ValueError(f"用户名“{username}”已存在")
    return accounts.add_user(
        store,
        username,
        hash_password(password),
        role,
        region_id=region_id if role == "reviewer" else None,
        organ_id=organ_id if role == "writer" else None,
    )


def user_count(store: Store) -> int:
    return accounts.user_count(store)


def authenticate(store: Store, username: str, password: str) -> Any:
    """The active user with this name and password, else None (in the same time either way)."""
    user = accounts.user_by_name(store, username)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


# Password guessing. Three counters, each taken atomically before the password is checked:
# - one client against one account: PAIR_LIMIT attempts per window, then locked with back-off;
# - one client against any account: CLIENT_LIMIT (a client spraying many names);
# - one account from every client: past ACCOUNT_LIMIT failures only clients that have not
#   failed may still try, so nobody can lock the owner (or the administrator) out by guessing.
PAIR_LIMIT = 10
CLIENT_LIMIT = 30
ACCOUNT_LIMIT = 10
FAILED_LOGIN_WINDOW = timedelta(minutes=15)
MAX_LOCK = timedelta(hours=4)  # the back-off doubles the lock per lock-out, up to this
MAX_FAILED_LOGINS = PAIR_LIMIT
_now = time.time  # tests move the clock


@dataclass
class LoginResult:
    user: Any = None  # the user when the password was right
    retry_after: float = 0.0  # seconds: > 0 when the attempt was refused without checking

    @property
    def refused(self) -> bool:
        return self.retry_after > 0

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def attempt_login(store: Store, username: str, password: str, client: str | None) -> LoginResult:
    """Check a password under the throttle; a refused attempt never reaches the password check."""
    now = _now()
    window = FAILED_LOGIN_WINDOW.total_seconds()
    name, who = username[:100], (client or "unknown")[:100]
    pair, by_client, account = f"pair:{name}|{who}", f"client:{who}", f"account:{name}"
    client_failures, _ = accounts.throttle_state(store, by_client, now)
    account_failures, account_left = accounts.throttle_state(store, account, now)

    def refused(*waits: float) -> LoginResult:
        # the longest of the locks that apply, so that trying again then is not refused again
        locks = [
            left
            for key, limit in ((pair, PAIR_LIMIT), (by_client, CLIENT_LIMIT))
            for n, left in [accounts.throttle_state(store, key, now)]
            if n >= limit
        ]
        return LoginResult(retry_after=max(1.0, *waits, *locks))

    if client_failures and account_failures >= ACCOUNT_LIMIT:
        return refused(account_left)
    if accounts.throttle_reserve(store, pair, PAIR_LIMIT, window, now) is None:
        return refused()
    if accounts.throttle_reserve(store, by_client, CLIENT_LIMIT, window, now) is None:
        accounts.throttle_release(store, pair)
        return refused()
    user = authenticate(store, name, password)
    if user is not None:
        accounts.throttle_clear(store, [pair, account])
        accounts.throttle_release(store, by_client)
        return LoginResult(user=user)
    accounts.throttle_add(store, account, window, now)
    longest = MAX_LOCK.total_seconds()
    accounts.throttle_lock(store, pair, PAIR_LIMIT, window, now, longest)
    accounts.throttle_lock(store, by_client, CLIENT_LIMIT, window, now, longest)
    return LoginResult()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    accounts.add_session(
        store,
        user_id,
        _token_hash(token),
        secrets.token_urlsafe(32),
        datetime.now(UTC) + timedelta(hours=SESSION_HOURS),
    )
    return token


def end_session(store: Store, token: str | None) -> None:
    if token:
        accounts.end_session(store, _token_hash(token))


def principal_for(store: Store, token: str | None) -> Principal | None:
    if not token:
        return None
    found = accounts.session_user(store, _token_hash(token))
    if found is None:
        return None
    sess, user = found
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
    accounts.audit(store, who, action, target, detail, ip)


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
