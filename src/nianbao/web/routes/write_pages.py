# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""Write: a form generated from the template of the year, live 勾稽 checks, downloads, imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from ...errors import NianbaoError
from ...findings import Severity
from ...review.labels import cell_label
from ...store import accounts
from ...store import organs as organ_repo
from ...templates import sections, template_for_year
from ...writer import ReportData, ReportNotWritten, check, render_report
from ...writer.data import InputError, format_value
from ..auth import Principal, audit
from ..deps import client_ip, get_store, page_user, render
from ..exports import REPORT_FORMATS
from ..service import finding_dict
from ..tables import TABLE_NAMES, grid
from ..uploads import read_upload
from .report_pages import _download, parse_number

router = APIRouter()
WRITE_FORMATS = ("docx", "html", "md", "pdf")


def own_organ(request: Request, p: Principal) -> Any:
    return organ_repo.organ(get_store(request), p.organ_id)


def data_from_form(request: Request, form: FormData, p: Principal) -> ReportData:
    organ = own_organ(request, p)
    year_text = str(form.get("year") or dt.date.today().year - 1)
    if not year_text.isdigit():
        raise HTTPException(422, "年度应为数字")
    year = int(year_text)
    tpl = template_for_year(year)
    cells: dict[str, Any] = {}
    for key in tpl.cell_keys:
        raw = form.get(f"cell:{key}")
        if isinstance(raw, str):
            cells[key] = parse_number(raw)
    published = str(form.get("published") or "").strip()
    try:
        return ReportData(
            organ=organ.name if p.role == "writer" and organ else str(form.get("organ") or "").strip()[:200],
            year=year,
            region=str(form.get("region") or "").strip()[:200] or None,
            published=dt.date.fromisoformat(published) if published else None,
            sections={s.key: str(form.get(f"section:{s.key}") or "") for s in sections()},
            cells=cells,
        )
    except ValueError as exc:
        raise HTTPException(422, f"填写有误：{exc}") from None


def _draft(request: Request, p: Principal, draft_id: int) -> Any:
    store = get_store(request)
    d = accounts.draft(store, draft_id)
    organ = organ_repo.organ(store, d.organ_id) if d else None
    allowed = d is not None and (
        p.is_admin
        or (p.role == "writer" and d.organ_id == p.organ_id)
        or (p.role == "reviewer" and organ is not None and organ.region_id in p.region_ids)
    )
    if not allowed:
        raise HTTPException(404, "草稿不存在或无权查看")
    return d


def _form_page(
    request: Request,
    p: Principal,
    data: ReportData | None,
    year: int,
    draft_id: int | None = None,
    message: str | None = None,
    status: int = 200,
):
    tpl = template_for_year(year)
    organ = own_organ(request, p)
    values = {k: format_value(v) for k, v in (data.cells if data else {}).items()}
    findings = [finding_dict(f, None) for f in check(data)] if data and data.organ else []
    return render(
        request,
        "write.html",
        p,
        status_code=status,
        tpl=tpl,
        year=year,
        data=data,
        values=values,
        grids={t: grid(tpl.id, t) for t in tpl.tables},
        labels={k: cell_label(tpl.id, k) or k for k in tpl.cell_keys},
        table_names=TABLE_NAMES,
        sections=sections(),
        organ=organ,
        draft_id=draft_id,
        findings=findings,
        message=message,
        years=list(range(dt.date.today().year, 2018, -1)),
        formats=WRITE_FORMATS,
    )


@router.get("/write")
def write_form(request: Request, p: Principal = Depends(page_user)):
    q = request.query_params
    draft_id = int(q["draft"]) if q.get("draft", "").isdigit() else None
    data = None
    if draft_id is not None:
        data = ReportData(**_draft(request, p, draft_id).data)
    year = (
        data.year if data else (int(q["year"]) if q.get("year", "").isdigit() else dt.date.today().year - 1)
    )
    return _form_page(request, p, data, year, draft_id)


@router.post("/write/check")
async def write_check(request: Request, p: Principal = Depends(page_user)):
    form = await request.form()
    data = data_from_form(request, form, p)
    findings = [finding_dict(f, None) for f in check(data)] if data.organ else []
    totals = {
        k: format_value(v)
        for k, v in data.with_totals().cells.items()
        if data.cells.get(k) is None and v is not None
    }
    return render(
        request, "_write_check.html", p, findings=findings, totals=totals, organ_missing=not data.organ
    )


def _draft_organ(request: Request, p: Principal, data: ReportData) -> int | None:
    """The organ a draft is filed under; HTTP 403 when a reviewer names one outside his regions
    (he could neither see the draft afterwards nor is it his to write)."""
    if p.role == "writer":
        return p.organ_id
    store = get_store(request)
    if not data.organ:
        if p.is_admin:
            return None
        raise HTTPException(422, "请填写机关名称")
    organ_id = organ_repo.find_organ(store, data.organ)
    if p.is_admin:
        return organ_id
    if organ_id is None:
        chain = organ_repo.resolve_regions(store, data.organ, data.region)
        if set(chain) & p.region_ids:
            organ_id = organ_repo.ensure_organ(store, data.organ, data.region)
    organ = organ_repo.organ(store, organ_id)
    if organ is None or organ.region_id not in p.region_ids:
        raise HTTPException(403, f"机关“{data.organ}”不在您的审核范围内，不能保存其草稿")
    return organ_id


@router.post("/write/save")
async def write_save(request: Request, p: Principal = Depends(page_user)):
    form = await request.form()
    data = data_from_form(request, form, p)
    store = get_store(request)
    draft_text = str(form.get("draft_id") or "")
    organ_id = _draft_organ(request, p, data)
    payload = data.model_dump(mode="json")
    existing = _draft(request, p, int(draft_text)).id if draft_text.isdigit() else None
    draft_id = accounts.save_draft(store, existing, organ_id, data.year, payload, p.username)
    audit(store, p.username, "save_draft", f"draft:{draft_id}", ip=client_ip(request))
    return RedirectResponse(f"/write?draft={draft_id}", status_code=303)


@router.post("/write/download")
async def write_download(request: Request, p: Principal = Depends(page_user)):
    form = await request.form()
    fmt = str(form.get("fmt") or "docx")
    if fmt not in WRITE_FORMATS:
        raise HTTPException(404, "不支持的格式")
    data = data_from_form(request, form, p)
    if not data.organ:
        return _form_page(request, p, data, data.year, message="请填写机关名称", status=422)
    try:
        written = render_report(data, fmt, allow_errors=form.get("allow_errors") == "1")
    except ReportNotWritten as exc:
        n = sum(1 for f in exc.findings if f.severity == Severity.ERROR)
        return _form_page(
            request,
            p,
            data,
            data.year,
            message=f"报告存在 {n} 个错误，未生成文件。请修改，或勾选“仍然生成”。",
            status=422,
        )
    except NianbaoError as exc:
        return _form_page(request, p, data, data.year, message=str(exc), status=503)
    audit(get_store(request), p.username, "write", f"{data.organ}{data.year}.{fmt}", ip=client_ip(request))
    return _download(
        written.content, REPORT_FORMATS[fmt], f"{data.organ}{data.year}年政府信息公开工作年度报告.{fmt}"
    )


@router.post("/write/import")
async def write_import(
    request: Request,
    file: UploadFile = File(...),
    kind: str = Form("workbook"),
    year: int = Form(...),
    p: Principal = Depends(page_user),
):
    from ...writer.ledger import table3_from_ledger, table4_from_ledger
    from ...writer.workbook import read_workbook

    name, content = await read_upload(request, file, sniff=False)
    form = await request.form()
    base = data_from_form(request, form, p) if form.get("organ") or p.role == "writer" else None
    try:
        if kind == "workbook":
            data = read_workbook(content, name)
            organ = own_organ(request, p)
            if p.role == "writer" and organ is not None:
                data = data.model_copy(update={"organ": organ.name})
        elif kind in ("ledger", "cases"):
            fn, prefix = (table3_from_ledger, "t3.") if kind == "ledger" else (table4_from_ledger, "t4.")
            counted = fn(content, year, None, name=name)
            if base is None:
                organ = own_organ(request, p)
                base = ReportData(organ=organ.name if p.role == "writer" and organ else "待填写", year=year)
            data = base
            cells = {k: v for k, v in data.cells.items() if not k.startswith(prefix)} | counted
            data = data.model_copy(update={"cells": cells})
        else:
            raise HTTPException(422, "未知的导入类型")
    except InputError as exc:
        return _form_page(
            request, p, base, year, message="导入失败：" + "；".join(exc.problems[:20]), status=422
        )
    except NianbaoError as exc:
        return _form_page(request, p, base, year, message=f"导入失败：{exc}", status=422)
    audit(get_store(request), p.username, "import", f"{kind}:{name}", ip=client_ip(request))
    return _form_page(request, p, data, data.year, message=f"已导入 {name}")
