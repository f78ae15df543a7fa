# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""Check: upload → job with live progress → report page; correct values, accept findings, export."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from ...store.schema import FindingRow
from ..auth import Principal, audit
from ..deps import client_ip, get_store, page_reviewer, page_user, render, visible_report
from ..exports import LIST_FORMATS, REPORT_FORMATS, ExportError, export_list, export_report
from ..jobs import upload_scope
from ..service import list_reports, recheck_corpus, report_view, revalidate, set_comment, years
from ..uploads import read_upload

router = APIRouter()


@router.get("/")
def home(p: Principal = Depends(page_user)):  # noqa: ANN201
    return RedirectResponse("/write" if p.role == "writer" else "/reports", status_code=303)


# --- upload and jobs -------------------------------------------------------------------------
@router.get("/upload")
def upload_form(request: Request, p: Principal = Depends(page_reviewer)):  # noqa: ANN201
    return render(request, "upload.html", p, max_mb=request.app.state.max_upload // 1048576)


@router.post("/upload")
async def upload(request: Request, file: UploadFile = File(...), p: Principal = Depends(page_reviewer)):  # noqa: ANN201
    name, data = await read_upload(request, file)
    job = request.app.state.jobs.submit(p.username, p.id, name, data, upload_scope(p))
    audit(
        get_store(request),
        p.username,
        "upload",
        name,
        {"job": job.id, "files": len(job.items)},
        client_ip(request),
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _job(request: Request, p: Principal, job_id: str):  # noqa: ANN202
    job = request.app.state.jobs.get(job_id)
    if job is None or (job.owner_id != p.id and not p.is_admin):
        raise HTTPException(404, "任务不存在")
    return job


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, p: Principal = Depends(page_user)):  # noqa: ANN201
    return render(request, "job.html", p, job=_job(request, p, job_id))


@router.get("/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: str, p: Principal = Depends(page_user)):  # noqa: ANN201
    return render(request, "_job_progress.html", p, job=_job(request, p, job_id))


# --- report list -----------------------------------------------------------------------------
def _filters(request: Request) -> dict:
    q = request.query_params
    year = q.get("year")
    return {
        "region": q.get("region") or None,
        "year": int(year) if year and year.isdigit() else None,
        "organ": q.get("organ") or None,
        "status": q.get("status") if q.get("status") in ("error", "warning", "ok") else None,
    }


@router.get("/reports")
def reports(request: Request, p: Principal = Depends(page_user)):  # noqa: ANN201
    store = get_store(request)
    flt = _filters(request)
    rows = list_reports(store, p, **flt)
    return render(request, "reports.html", p, rows=rows, flt=flt, years=years(store), query=request.url.query)


@router.get("/reports/export.{fmt}")
def reports_export(request: Request, fmt: str, p: Principal = Depends(page_user)):  # noqa: ANN201
    if fmt not in LIST_FORMATS:
        raise HTTPException(404, "不支持的导出格式")
    store = get_store(request)
    rows = list_reports(store, p, **_filters(request), limit=100000)
    audit(store, p.username, "export", f"reports.{fmt}", {"n": len(rows)}, client_ip(request))
    return _download(export_list(store, rows, fmt), LIST_FORMATS[fmt], f"reports.{fmt}")


def _download(content: bytes, media: str, filename: str) -> Response:
    from urllib.parse import quote

    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


# --- one report ------------------------------------------------------------------------------
@router.get("/reports/{report_id}")
def report_page(request: Request, report_id: int, p: Principal = Depends(page_user)):  # noqa: ANN201
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    view = report_view(stored, store.cell_edits(report_id))
    accepted = {f.id: f for f in store.findings(report_id=report_id) if f.accepted}
    return render(request, "report.html", p, v=view, accepted=accepted)


@router.get("/reports/{report_id}/cells/{key}")
def cell_panel(request: Request, report_id: int, key: str, p: Principal = Depends(page_user)):  # noqa: ANN201
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    view = report_view(stored, store.cell_edits(report_id))
    cell = next((t["cells"][key] for t in view["tables"] if not t["missing"] and key in t["cells"]), None)
    if cell is None:
        raise HTTPException(404, "单元格不存在")
    edits = [e for e in view["edits"] if e.key == key]
    return render(request, "_cell_panel.html", p, cell=cell, report_id=report_id, edits=edits)


def parse_number(text: str) -> float | int | None:
    text = text.strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    try:
        v = float(text)
    except ValueError:
        raise HTTPException(422, f"“{text[:40]}”不是数字") from None
    return int(v) if v.is_integer() else v


@router.post("/reports/{report_id}/cells/{key}")
def correct_cell(
    request: Request, report_id: int, key: str, value: str = Form(""), p: Principal = Depends(page_reviewer)
):  # noqa: ANN201
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    if key not in stored.report.cells:
        raise HTTPException(404, "单元格不存在")
    new = parse_number(value)
    old = stored.report.value(key)
    store.edit_cell(report_id, key, new, who=p.username)
    revalidate(store, report_id)
    recheck_corpus(store, report_id)
    audit(
        store,
        p.username,
        "correct_cell",
        f"report:{report_id}:{key}",
        {"old": old, "new": new},
        client_ip(request),
    )
    return RedirectResponse(f"/reports/{report_id}#cell-{key}", status_code=303)


def finding_report(store, p: Principal, finding_id: int) -> int:  # noqa: ANN001
    with store.session() as s:
        row = s.get(FindingRow, finding_id)
        rid = row.report_id if row else None
    if rid is None:
        raise HTTPException(404, "问题不存在")
    visible_report(store, p, rid)
    return rid


@router.post("/findings/{finding_id}/accept")
def accept(
    request: Request,
    finding_id: int,
    comment: str = Form(""),
    accepted: str = Form("1"),
    p: Principal = Depends(page_reviewer),
):  # noqa: ANN201
    store = get_store(request)
    rid = finding_report(store, p, finding_id)
    store.accept_finding(finding_id, p.username, comment.strip()[:2000] or None, accepted == "1")
    audit(
        store,
        p.username,
        "accept_finding" if accepted == "1" else "reopen_finding",
        f"finding:{finding_id}",
        {"comment": comment[:200]},
        client_ip(request),
    )
    return RedirectResponse(f"/reports/{rid}#findings", status_code=303)


@router.post("/findings/{finding_id}/comment")
def comment(
    request: Request, finding_id: int, comment: str = Form(""), p: Principal = Depends(page_reviewer)
):  # noqa: ANN201
    store = get_store(request)
    rid = finding_report(store, p, finding_id)
    set_comment(store, finding_id, comment.strip()[:2000] or None)
    return RedirectResponse(f"/reports/{rid}#findings", status_code=303)


@router.get("/reports/{report_id}/export.{fmt}")
def report_export(request: Request, report_id: int, fmt: str, p: Principal = Depends(page_user)):  # noqa: ANN201
    if fmt not in REPORT_FORMATS:
        raise HTTPException(404, "不支持的导出格式")
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    try:
        content = export_report(stored.report, fmt)
    except ExportError as exc:
        raise HTTPException(503, str(exc)) from None
    audit(store, p.username, "export", f"report:{report_id}.{fmt}", ip=client_ip(request))
    name = f"{stored.report.organ or '报告'}{stored.report.year or ''}.{fmt}"
    return _download(content, REPORT_FORMATS[fmt], name)
