# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""The REST API (documented at /docs and /openapi.json). Session cookie + X-CSRF-Token header."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...errors import NianbaoError
from ...store import accounts
from ...store import organs as organ_repo
from ...writer import ReportData, ReportNotWritten, check, render_report
from ..auth import Principal, audit, create_user
from ..deps import api_admin, api_reviewer, api_user, client_ip, get_store, visible_report
from ..exports import LIST_FORMATS, REPORT_FORMATS, ExportError, export_list, export_report
from ..jobs import upload_scope
from ..service import (
    consolidate_region,
    dashboard,
    finding_dict,
    list_reports,
    recheck_corpus,
    report_view,
    revalidate,
    save_consolidation,
    visible_regions,
    year_over_year,
)
from ..uploads import save_upload
from .report_pages import finding_report
from .write_pages import WRITE_FORMATS

router = APIRouter()


class CellCorrection(BaseModel):
    value: float | None = Field(description="新的数值；null 表示清空")


class Acceptance(BaseModel):
    accepted: bool = True
    comment: str | None = Field(default=None, max_length=2000)


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=10, max_length=200)
    role: str
    region_id: int | None = None
    organ_id: int | None = None


@router.get("/me", summary="当前用户与 CSRF 令牌")
def me(p: Principal = Depends(api_user)) -> dict[str, Any]:
    return {
        "username": p.username,
        "role": p.role,
        "region_id": p.region_id,
        "organ_id": p.organ_id,
        "csrf": p.csrf,
    }


@router.get("/reports", summary="报告列表（按地区、年度、机关、状态筛选）")
def reports(
    request: Request,
    region: str | None = None,
    year: int | None = None,
    organ: str | None = None,
    status: str | None = None,
    p: Principal = Depends(api_user),
) -> list[dict[str, Any]]:
    rows = list_reports(get_store(request), p, region, year, organ, status)
    return [
        {
            "id": r.id,
            "organ": r.organ,
            "organ_id": r.organ_id,
            "region": r.region,
            "year": r.year,
            "template": r.template,
            "status": r.status,
            "counts": r.counts,
            "consolidated": r.consolidated,
        }
        for r in rows
    ]


@router.get("/reports/export.{fmt}", summary="导出报告列表（csv / xlsx / jsonl）")
def reports_export(
    request: Request,
    fmt: str,
    region: str | None = None,
    year: int | None = None,
    organ: str | None = None,
    status: str | None = None,
    p: Principal = Depends(api_user),
) -> Response:
    if fmt not in LIST_FORMATS:
        raise HTTPException(404, "不支持的导出格式")
    store = get_store(request)
    rows = list_reports(store, p, region, year, organ, status, limit=100000)
    return Response(export_list(store, rows, fmt), media_type=LIST_FORMATS[fmt])


@router.get("/reports/{report_id}", summary="一份报告：单元格、正文、问题")
def report(request: Request, report_id: int, p: Principal = Depends(api_user)) -> dict[str, Any]:
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    view = report_view(stored, store.cell_edits(report_id))
    d = stored.report.to_dict(provenance=True)
    d["id"] = report_id
    d["findings"] = view["findings"]
    d["edits"] = [
        {"key": e.key, "old": e.old_value, "new": e.new_value, "who": e.who, "at": e.at.isoformat()}
        for e in view["edits"]
    ]
    return d


@router.get("/reports/{report_id}/export.{fmt}", summary="导出一份报告（json / docx / html / md / pdf）")
def report_export(request: Request, report_id: int, fmt: str, p: Principal = Depends(api_user)) -> Response:
    if fmt not in REPORT_FORMATS:
        raise HTTPException(404, "不支持的导出格式")
    stored = visible_report(get_store(request), p, report_id)
    try:
        return Response(export_report(stored.report, fmt), media_type=REPORT_FORMATS[fmt])
    except ExportError as exc:
        raise HTTPException(503, str(exc)) from None


@router.put(
    "/reports/{report_id}/cells/{key}", summary="更正一个单元格（保留原值、更正人和时间），并立即重新检查"
)
def correct(
    request: Request, report_id: int, key: str, body: CellCorrection, p: Principal = Depends(api_reviewer)
) -> dict[str, Any]:
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    if key not in stored.report.cells:
        raise HTTPException(404, "单元格不存在")
    value = body.value
    new = int(value) if value is not None and float(value).is_integer() else value
    store.edit_cell(report_id, key, new, who=p.username)
    findings = revalidate(store, report_id)
    recheck_corpus(store, report_id)
    audit(
        store,
        p.username,
        "correct_cell",
        f"report:{report_id}:{key}",
        {"old": stored.report.value(key), "new": new},
        client_ip(request),
    )
    return {"key": key, "value": new, "findings": [f.to_dict() for f in findings]}


@router.post("/findings/{finding_id}/accept", summary="接受（或重新打开）一个问题，附说明")
def accept(
    request: Request, finding_id: int, body: Acceptance, p: Principal = Depends(api_reviewer)
) -> dict[str, Any]:
    store = get_store(request)
    finding_report(store, p, finding_id)
    store.accept_finding(finding_id, p.username, body.comment, body.accepted)
    audit(
        store,
        p.username,
        "accept_finding" if body.accepted else "reopen_finding",
        f"finding:{finding_id}",
        ip=client_ip(request),
    )
    return {"id": finding_id, "accepted": body.accepted}


@router.post("/jobs", summary="上传一份报告或 ZIP 压缩包进行检查", status_code=202)
async def upload(
    request: Request, file: UploadFile = File(...), p: Principal = Depends(api_reviewer)
) -> dict[str, Any]:
    saved = await save_upload(request, file)
    jobs = request.app.state.jobs
    job = await run_in_threadpool(jobs.submit_file, p.username, p.id, saved.path, upload_scope(p))
    await run_in_threadpool(
        audit, get_store(request), p.username, "upload", saved.name, {"job": job.id}, client_ip(request)
    )
    return job.to_dict()


@router.get("/jobs/{job_id}", summary="上传任务的进度")
def job(request: Request, job_id: str, p: Principal = Depends(api_user)) -> dict[str, Any]:
    j = request.app.state.jobs.get(job_id)
    if j is None or (j.owner_id != p.id and not p.is_admin):
        raise HTTPException(404, "任务不存在")
    return j.to_dict()


@router.get("/regions", summary="可查看的地区")
def regions(request: Request, p: Principal = Depends(api_user)) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "name": r.name, "level": r.level, "parent_id": r.parent_id}
        for r in visible_regions(get_store(request), p)
    ]


@router.get(
    "/regions/{region_id}/{year}/consolidated", summary="地区年度汇总：汇总表、未报送单位、有错误的单位"
)
def consolidated(
    request: Request, region_id: int, year: int, p: Principal = Depends(api_reviewer)
) -> dict[str, Any]:
    store = get_store(request)
    if region_id not in {r.id for r in visible_regions(store, p)}:
        raise HTTPException(404, "地区不存在或无权查看")
    try:
        c = consolidate_region(store, region_id, year)
    except LookupError as exc:
        raise HTTPException(404, f"无法汇总：{exc}") from None
    return {
        "region": c.region,
        "year": year,
        "cells": c.report.values(),
        "units": [
            {"name": u.name, "organ_id": u.organ_id, "report_id": u.report.id if u.report else None}
            for u in c.units
        ],
        "missing": [{"name": u.name, "organ_id": u.organ_id} for u in c.missing],
        "unreliable": [{"name": u.name, "organ_id": u.organ_id, "codes": u.problems} for u in c.unreliable],
    }


@router.post(
    "/regions/{region_id}/{year}/consolidated",
    status_code=201,
    summary="把地区年度汇总保存为汇总报告（替换此前保存的），并核对其与下级之和",
)
def save_consolidated(
    request: Request, region_id: int, year: int, p: Principal = Depends(api_reviewer)
) -> dict[str, Any]:
    store = get_store(request)
    if region_id not in {r.id for r in visible_regions(store, p)}:
        raise HTTPException(404, "地区不存在或无权查看")
    try:
        rid = save_consolidation(store, region_id, year)
    except LookupError as exc:
        raise HTTPException(404, f"无法汇总：{exc}") from None
    audit(
        store,
        p.username,
        "save_consolidation",
        f"region:{region_id}:{year}",
        {"report": rid},
        client_ip(request),
    )
    saved = store.get_report(rid)
    return {
        "report_id": rid,
        "findings": [
            finding_dict(f, fid) for fid, f in zip(saved.finding_ids, saved.report.findings, strict=True)
        ],
    }


@router.get("/organs/{organ_id}/years", summary="机关逐年对比：数值增减与正文差异")
def organ_years(request: Request, organ_id: int, p: Principal = Depends(api_user)) -> dict[str, Any]:
    store = get_store(request)
    organ = organ_repo.organ(store, organ_id)
    if organ is None or not p.can_see(organ.region_id, organ.id):
        raise HTTPException(404, "机关不存在或无权查看")
    (yoy,) = year_over_year(store, organ_id)
    return {
        "organ": organ.name,
        "reports": [{"id": r.id, "year": r.report.year} for r in yoy["reports"]],
        "pairs": [
            {
                "from": pr["prev"].report.year,
                "to": pr["cur"].report.year,
                "deltas": [d for d in pr["deltas"] if d["delta"] not in (0, None) or d["prev"] != d["cur"]],
                "text_similarity": {t["key"]: round(t["ratio"], 3) for t in pr["texts"]},
            }
            for pr in yoy["pairs"]
        ],
    }


@router.get("/dashboard", summary="统计看板数据")
def dashboard_data(
    request: Request, year: int | None = None, p: Principal = Depends(api_user)
) -> dict[str, Any]:
    return dashboard(get_store(request), p, year)


def _own(request: Request, p: Principal, data: ReportData) -> ReportData:
    if p.role == "writer":
        organ = organ_repo.organ(get_store(request), p.organ_id)
        return data.model_copy(update={"organ": organ.name if organ else data.organ})
    return data


@router.post("/write/check", summary="检查一份待编写的报告（勾稽关系等）")
def write_check(request: Request, data: ReportData, p: Principal = Depends(api_user)) -> list[dict[str, Any]]:
    return [finding_dict(f, None) for f in check(_own(request, p, data))]


@router.post("/write/render", summary="生成报告文件（docx / html / md / pdf）")
def write_render(
    request: Request,
    data: ReportData,
    fmt: str = "docx",
    allow_errors: bool = False,
    p: Principal = Depends(api_user),
) -> Response:
    if fmt not in WRITE_FORMATS:
        raise HTTPException(404, "不支持的格式")
    try:
        written = render_report(_own(request, p, data), fmt, allow_errors=allow_errors)
    except ReportNotWritten as exc:
        raise HTTPException(422, str(exc)) from None
    except NianbaoError as exc:
        raise HTTPException(503, str(exc)) from None
    audit(get_store(request), p.username, "write", f"{data.organ}{data.year}.{fmt}", ip=client_ip(request))
    return Response(written.content, media_type=REPORT_FORMATS[fmt])


@router.get("/drafts", summary="可查看的草稿")
def drafts(request: Request, p: Principal = Depends(api_user)) -> list[dict[str, Any]]:
    store = get_store(request)
    region_of = organ_repo.organ_regions(store)
    out = []
    for d in accounts.drafts(store):
        if p.can_see(region_of.get(d.organ_id) if d.organ_id else None, d.organ_id) or p.is_admin:
            out.append({"id": d.id, "organ_id": d.organ_id, "year": d.year, "created_by": d.created_by})
    return out


@router.get("/drafts/{draft_id}", summary="一份草稿")
def draft(request: Request, draft_id: int, p: Principal = Depends(api_user)) -> dict[str, Any]:
    from .write_pages import _draft

    d = _draft(request, p, draft_id)
    return {"id": d.id, "organ_id": d.organ_id, "year": d.year, "data": d.data}


@router.get("/audit", summary="审计日志（管理员）")
def audit_log(request: Request, limit: int = 200, p: Principal = Depends(api_admin)) -> list[dict[str, Any]]:
    rows = accounts.audit_entries(get_store(request), min(max(limit, 1), 5000))
    return [
        {
            "at": e.at.isoformat(),
            "user": e.username,
            "action": e.action,
            "target": e.target,
            "detail": e.detail,
            "ip": e.ip,
        }
        for e in rows
    ]


@router.post("/users", summary="新建用户（管理员）", status_code=201)
def new_user(request: Request, body: NewUser, p: Principal = Depends(api_admin)) -> dict[str, Any]:
    store = get_store(request)
    try:
        uid = create_user(store, body.username, body.password, body.role, body.region_id, body.organ_id)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    audit(
        store,
        p.username,
        "create_user",
        f"user:{uid}",
        {"username": body.username, "role": body.role},
        client_ip(request),
    )
    return {"id": uid, "username": body.username, "role": body.role}
