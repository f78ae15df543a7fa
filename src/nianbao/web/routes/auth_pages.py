# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""Login and logout."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from ..auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_HOURS,
    Principal,
    attempt_login,
    audit,
    end_session,
    same,
    start_session,
)
from ..deps import client_ip, get_store, page_user, render

router = APIRouter()


def _login_page(request: Request, error: str | None = None, status: int = 200):
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", None, status_code=status, error=error, login_csrf=token)
    # double-submit token: there is no session yet to keep a CSRF token in
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.secure_cookies,
        max_age=3600,
    )
    return response


@router.get("/login")
def login_form(request: Request):
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    csrf_token: str = Form(""),
):
    if not same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise HTTPException(403, "安全校验失败（CSRF），请刷新页面后重试")
    store = get_store(request)
    result = attempt_login(store, username.strip(), password, client_ip(request))
    if result.refused:
        audit(store, username.strip()[:100], "login_blocked", ip=client_ip(request))
        response = _login_page(request, f"登录失败次数过多，请 {result.retry_minutes} 分钟后再试", status=429)
        response.headers["Retry-After"] = str(int(result.retry_after) + 1)
        return response
    user = result.user
    if user is None:
        audit(store, username.strip()[:100], "login_failed", ip=client_ip(request))
        return _login_page(request, "用户名或密码错误", status=401)
    token = start_session(store, user.id)
    audit(store, user.username, "login", ip=client_ip(request))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.secure_cookies,
        max_age=SESSION_HOURS * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, p: Principal = Depends(page_user)):
    store = get_store(request)
    end_session(store, request.cookies.get(SESSION_COOKIE))
    audit(store, p.username, "logout", ip=client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
