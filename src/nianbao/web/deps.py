# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""Request dependencies: the store, the logged-in principal (with CSRF checked), rendering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from ..store import Store, StoredReport
from ..store import reports as report_repo
from .auth import SESSION_COOKIE, LoginRequired, Principal, check_csrf, principal_for
from .models import ROLE_ZH

HERE = Path(__file__).parent
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")),
    autoescape=True,  # every document-derived string is escaped; no template uses |safe on it
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["ROLE_ZH"] = ROLE_ZH
templates = Jinja2Templates(env=_env)


def get_store(request: Request) -> Store:
    return request.app.state.store


def _principal(request: Request) -> Principal | None:
    p = getattr(request.state, "principal", None)
    if p is None:
        p = principal_for(get_store(request), request.cookies.get(SESSION_COOKIE))
        request.state.principal = p
    return p


async def page_user(request: Request) -> Principal:
    p = _principal(request)
    if p is None:
        raise LoginRequired()
    await check_csrf(request, p)
    return p


async def api_user(request: Request) -> Principal:
    p = _principal(request)
    if p is None:
        raise HTTPException(401, "请先登录")
    await check_csrf(request, p)
    return p


def reviewer(p: Principal) -> Principal:
    if not p.can_review:
        raise HTTPException(403, "只有管理员和审核人员可以执行此操作")
    return p


def admin(p: Principal) -> Principal:
    if not p.is_admin:
        raise HTTPException(403, "只有管理员可以执行此操作")
    return p


async def page_reviewer(p: Principal = Depends(page_user)) -> Principal:
    return reviewer(p)


async def page_admin(p: Principal = Depends(page_user)) -> Principal:
    return admin(p)


async def api_reviewer(p: Principal = Depends(api_user)) -> Principal:
    return reviewer(p)


async def api_admin(p: Principal = Depends(api_user)) -> Principal:
    return admin(p)


def visible_report(store: Store, p: Principal, report_id: int) -> StoredReport:
    """The report if this user may see it; 404 otherwise (not revealing that it exists)."""
    place = report_repo.place(store, report_id)
    if place is None or not p.can_see(place.region_id, place.organ_id):
        raise HTTPException(404, "报告不存在或无权查看")
    (stored,) = store.load_reports([report_id])
    return stored


def render(request: Request, name: str, p: Principal | None, status_code: int = 200, **ctx: Any):
    ctx.update(request=request, user=p, csrf=p.csrf if p else "")
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None
