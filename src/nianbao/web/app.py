"""The FastAPI application: `create_app(store)`; `nianbao serve` runs it with uvicorn."""

from __future__ import annotations

import json
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..store import Store
from .auth import LoginRequired
from .deps import HERE, render
from .jobs import FILE_TIMEOUT_S, JobRunner

MAX_UPLOAD_BYTES = int(os.environ.get("NIANBAO_WEB_MAX_UPLOAD", 100 * 1024 * 1024))

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class BodyLimit:
    """Refuse request bodies over the limit with 413 and a Chinese message, whether the client
    declares its length or streams it in chunks (no Content-Length)."""

    def __init__(self, app: ASGIApp, limit: int, shown: int | None = None) -> None:
        self.app, self.limit, self.shown = app, limit, shown or limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope.get("path", "").startswith("/api/")
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.shown, api)
            return
        seen = 0
        refused = started = False

        async def limited() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # answer now and tell the app the client is gone: whatever it makes of the
                    # broken body (FastAPI: an English 400) is never sent
                    refused = True
                    if not started:
                        await _too_large(send, self.shown, api)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not refused:
                raise


def _too_large_text(limit: int) -> str:
    return f"上传内容过大，上限为 {max(1, limit // 1048576)} MB"


async def _too_large(send: Send, limit: int, api: bool = False) -> None:
    text = _too_large_text(limit)
    body = json.dumps({"detail": text}, ensure_ascii=False).encode() if api else text.encode()
    kind = b"application/json" if api else b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", kind)]})
    await send({"type": "http.response.body", "body": body})


def create_app(
    store: Store | str | None = None,
    *,
    secure_cookies: bool = True,
    file_timeout: float = FILE_TIMEOUT_S,
    max_upload: int = MAX_UPLOAD_BYTES,
) -> FastAPI:
    if not isinstance(store, Store):
        store = Store(store)
    app = FastAPI(
        title="年报 nianbao",
        description="政府信息公开工作年度报告的检查、汇总与编写。REST 接口需登录（会话 Cookie），"
        "修改类请求需在请求头 X-CSRF-Token 中携带 /api/me 返回的 csrf。",
        version=__version__,
        docs_url=None,  # Swagger UI would load from a CDN; the schema itself is at /openapi.json
        redoc_url=None,
    )
    app.state.store = store
    app.state.jobs = JobRunner(store, timeout=file_timeout)
    app.state.secure_cookies = secure_cookies
    app.state.max_upload = max_upload
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from .routes import admin, api, auth_pages, corpus_pages, evaluation_pages, report_pages, write_pages

    for module in (auth_pages, report_pages, corpus_pages, write_pages, admin, evaluation_pages):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api.router, prefix="/api", tags=["api"])
    from .routes import progress_pages  # 报送进度, fed by nianbao watch

    app.include_router(progress_pages.router, include_in_schema=False)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Any:
        if request.headers.get("hx-request"):
            return HTMLResponse("", headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)  # FastAPI's and Starlette's (unknown paths)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(
            request,
            "error.html",
            getattr(request.state, "principal", None),
            status_code=exc.status_code,
            message=exc.detail,
            status=exc.status_code,
        )

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    # room for the form around the file; the message names the file limit
    app.add_middleware(BodyLimit, limit=max_upload + 1024 * 1024, shown=max_upload)
    return app
