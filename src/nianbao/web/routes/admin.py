# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""Administration: accounts and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...store import accounts
from ...store import organs as organ_repo
from ..auth import Principal, audit, create_user
from ..deps import client_ip, get_store, page_admin, render

router = APIRouter()


def _page(request: Request, p: Principal, error: str | None = None, status: int = 200):
    store = get_store(request)
    users = accounts.users(store)
    organs = organ_repo.organs(store, order_by_name=True)
    entries = accounts.audit_entries(store, 200)
    regions = {r.id: r.name for r in store.regions()}
    return render(
        request,
        "admin.html",
        p,
        status_code=status,
        users=users,
        organs=organs,
        regions=regions,
        organ_names={o.id: o.name for o in organs},
        entries=entries,
        error=error,
    )


@router.get("/admin")
def admin_page(request: Request, p: Principal = Depends(page_admin)):
    return _page(request, p)


@router.post("/admin/users")
def add_user(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    role: str = Form(...),
    region_id: str = Form(""),
    organ_id: str = Form(""),
    p: Principal = Depends(page_admin),
):
    store = get_store(request)
    if len(password) < 10:
        return _page(request, p, "密码至少 10 位", 422)
    try:
        uid = create_user(
            store,
            username.strip()[:100],
            password,
            role,
            int(region_id) if region_id.isdigit() else None,
            int(organ_id) if organ_id.isdigit() else None,
        )
    except ValueError as exc:
        return _page(request, p, str(exc), 422)
    audit(
        store,
        p.username,
        "create_user",
        f"user:{uid}",
        {"username": username, "role": role},
        client_ip(request),
    )
    return RedirectResponse("/admin", status_code=303)
