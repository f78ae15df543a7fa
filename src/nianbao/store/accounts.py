"""The web app's accounts: users, sessions, the audit log, drafts and login-attempt counters.

Password hashing and the policy (who may do what) stay in `nianbao.web.auth`; this module only
stores. The throttle counters are updated by single conditional UPDATE statements, so parallel
requests can never take more attempts than the limit, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from .db import insert_ignore
from .schema import AuditEntry, Draft, Throttle, User, WebSession, utcnow

if TYPE_CHECKING:
    from .store import Store


# --- users --------------------------------------------------------------------------------
def user_by_name(store: Store, username: str) -> User | None:
    with store.session() as s:
        return s.scalar(select(User).where(User.username == username))


def user(store: Store, user_id: int) -> User | None:
    with store.session() as s:
        return s.get(User, user_id)


def users(store: Store) -> list[User]:
    with store.session() as s:
        return list(s.scalars(select(User).order_by(User.id)))


def user_count(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def add_user(
    store: Store,
    username: str,
    password_hash: str,
    role: str,
    region_id: int | None = None,
    organ_id: int | None = None,
) -> int:
    """Add an account; ValueError when the name is taken (also by a concurrent request)."""
    try:
        with store.session() as s:
            row = User(
                username=username,
                password_hash=password_hash,
                role=role,
                region_id=region_id,
                organ_id=organ_id,
                active=True,
            )
            s.add(row)
            s.flush()
            return row.id
    except IntegrityError:
        raise ValueError(f"用户名“{username}”已存在") from None


# --- sessions -----------------------------------------------------------------------------
def add_session(store: Store, user_id: int, token_hash: str, csrf: str, expires_at: datetime) -> None:
    with store.session() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
        s.add(WebSession(token_hash=token_hash, user_id=user_id, csrf=csrf, expires_at=expires_at))


def end_session(store: Store, token_hash: str) -> None:
    with store.session() as s:
        s.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


def session_user(store: Store, token_hash: str) -> tuple[WebSession, User] | None:
    with store.session() as s:
        row = s.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == token_hash)
        ).first()
    return None if row is None else (row[0], row[1])


# --- audit --------------------------------------------------------------------------------
def audit(
    store: Store,
    who: str | None,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    with store.session() as s:
        s.add(AuditEntry(username=who, action=action, target=target, detail=detail or {}, ip=ip))


def audit_entries(store: Store, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    """The newest entries first."""
    with store.session() as s:
        q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action:
            q = q.where(AuditEntry.action == action)
        return list(s.scalars(q))


# --- drafts -------------------------------------------------------------------------------
def draft(store: Store, draft_id: int) -> Draft | None:
    with store.session() as s:
        return s.get(Draft, draft_id)


def drafts(store: Store) -> list[Draft]:
    with store.session() as s:
        return list(s.scalars(select(Draft).order_by(Draft.id)))


def save_draft(
    store: Store, draft_id: int | None, organ_id: int | None, year: int, data: dict[str, Any], who: str
) -> int:
    """Add a draft (`draft_id` None) or replace an existing one's year and content."""
    with store.session() as s:
        if draft_id is not None:
            row = s.get(Draft, draft_id)
            if row is None:
                raise KeyError(draft_id)
            row.data, row.year, row.updated_at = data, year, utcnow()
            if organ_id is not None:
                row.organ_id = organ_id
            return row.id
        row = Draft(organ_id=organ_id, year=year, data=data, created_by=who)
        s.add(row)
        s.flush()
        return row.id


# --- login throttle -----------------------------------------------------------------------
def throttle_reserve(store: Store, key: str, limit: int, window: float, now: float) -> int | None:
    """Take one attempt from a counter; None when `limit` attempts are already taken in its window.

    The window of a counter starts at its first attempt; once over, the counter restarts. One
    conditional UPDATE does the check and the increment, so concurrent requests serialise on the
    row: of 40 parallel attempts exactly `limit` succeed.
    """
    with store.session() as s:
        s.execute(
            insert_ignore(cast(Table, Throttle.__table__), s.get_bind().dialect.name, ["key"]),
            {"key": key, "count": 0, "reset_at": now + window, "strikes": 0},
        )
        expired = Throttle.reset_at <= now
        taken = s.execute(
            update(Throttle)
            .where(Throttle.key == key, expired | (Throttle.count < limit))
            .values(
                count=case((expired, 1), else_=Throttle.count + 1),
                reset_at=case((expired, now + window), else_=Throttle.reset_at),
                # a day without lock-outs forgives the earlier ones
                strikes=case((Throttle.reset_at + 86400 <= now, 0), else_=Throttle.strikes),
            )
            .returning(Throttle.count)
        ).scalar()
        return taken


def throttle_lock(store: Store, key: str, limit: int, window: float, now: float, max_lock: float) -> float:
    """After a failure, when the counter has just reached `limit`: lock it for window × 2^strikes
    (capped at `max_lock`), one strike more. Returns the seconds until it opens again (0: open).

    A locked counter holds limit + 1, so the lock is applied once however many failures end at
    the same moment; the read and the conditional write are separate statements (SQLite could
    not upgrade a read transaction another writer has moved past).
    """
    with store.session() as s:
        row = s.get(Throttle, key)
        if row is None:
            return 0.0
        count, strikes, reset_at = row.count, row.strikes, row.reset_at
    if count > limit:
        return max(0.0, reset_at - now)
    if count < limit:
        return 0.0
    until = now + min(window * 2**strikes, max_lock)
    with store.session() as s:
        s.execute(
            update(Throttle)
            .where(Throttle.key == key, Throttle.count == limit, Throttle.strikes == strikes)
            .values(reset_at=until, strikes=strikes + 1, count=limit + 1)
        )
    return until - now


def throttle_release(store: Store, key: str) -> None:
    """Give back an attempt (a success is not a failure)."""
    with store.session() as s:
        s.execute(
            update(Throttle).where(Throttle.key == key, Throttle.count > 0).values(count=Throttle.count - 1)
        )


def throttle_add(store: Store, key: str, window: float, now: float) -> int:
    """Count one more failure without a limit (a secondary counter); returns the count."""
    with store.session() as s:
        s.execute(
            insert_ignore(cast(Table, Throttle.__table__), s.get_bind().dialect.name, ["key"]),
            {"key": key, "count": 0, "reset_at": now + window, "strikes": 0},
        )
        expired = Throttle.reset_at <= now
        return (
            s.execute(
                update(Throttle)
                .where(Throttle.key == key)
                .values(
                    count=case((expired, 1), else_=Throttle.count + 1),
                    reset_at=case((expired, now + window), else_=Throttle.reset_at),
                )
                .returning(Throttle.count)
            ).scalar()
            or 0
        )


def throttle_state(store: Store, key: str, now: float) -> tuple[int, float]:
    """(attempts in the current window, seconds until it ends); (0, 0) when none or over."""
    with store.session() as s:
        row = s.get(Throttle, key)
    if row is None or row.reset_at <= now:
        return 0, 0.0
    return row.count, row.reset_at - now


def throttle_clear(store: Store, keys: Sequence[str]) -> None:
    with store.session() as s:
        s.execute(delete(Throttle).where(Throttle.key.in_(list(keys))))
