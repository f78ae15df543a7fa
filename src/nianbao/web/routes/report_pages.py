# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""Check: upload → job with live progress → report page; correct values, accept findings, export."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...corpus.inputs import is_zip
from ...findings import CATALOGUE
from ...review import originals
from ...review.labels import beijing, number
from ...store import review as repo
from ..app import CSP
from ..auth import Principal, audit
from ..deps import client_ip, get_store, page_reviewer, page_user, render, visible_report
from ..exports import LIST_FORMATS, REPORT_FORMATS, ExportError, export_list, export_report, table_bytes
from ..jobs import upload_scope
from ..uploads import save_upload
from ..views.corrections import recheck_corpus, revalidate, set_comment
from ..views.notices import notice
from ..views.queue import Filters, all_matching, finding_table, findings_page, scope_of, work_queue
from ..views.report import accepted_details
from ..views.report import report_page as report_view_page
from ..views.uploads import history, upload_view

router = APIRouter()


@router.get("/")
def home(p: Principal = Depends(page_user)):
    return RedirectResponse("/write" if p.role == "writer" else "/reports", status_code=303)


# --- upload and jobs -------------------------------------------------------------------------
MAX_FILES = 500


@router.get("/upload")
def upload_form(request: Request, p: Principal = Depends(page_reviewer)):
    return render(
        request, "upload.html", p, max_mb=request.app.state.max_upload // 1048576, max_files=MAX_FILES
    )


@router.post("/upload")
async def upload(request: Request, file: list[UploadFile] = File(...), p: Principal = Depends(page_reviewer)):
    """Many files (or ZIPs) at once: each is streamed to disk and becomes a job of its own."""
    if len(file) > MAX_FILES:
        raise HTTPException(413, f"一次最多上传 {MAX_FILES} 个文件，可打包为 ZIP 上传")
    runner = request.app.state.jobs
    ids = []
    for f in file:
        saved = await save_upload(request, f)
        if not is_zip(saved.path):  # a ZIP's members are kept by nobody: only the file itself
            await run_in_threadpool(originals.keep_file, saved.path)
        submit_file = getattr(runner, "submit_file", None)
        if submit_file is not None:
            job = await run_in_threadpool(submit_file, p.username, p.id, saved.path, upload_scope(p))
        else:  # the runner that takes bytes
            data = await run_in_threadpool(saved.path.read_bytes)
            saved.discard()
            job = runner.submit(p.username, p.id, saved.name, data, upload_scope(p))
        ids.append(job.id)
        audit(get_store(request), p.username, "upload", saved.name, {"job": job.id}, client_ip(request))
    if len(ids) == 1:
        return RedirectResponse(f"/jobs/{ids[0]}", status_code=303)
    return RedirectResponse(f"/uploads?{urlencode({'jobs': ','.join(ids)})}", status_code=303)


def _job(request: Request, p: Principal, job_id: str):
    job = request.app.state.jobs.get(job_id)
    if job is None or (job.owner_id != p.id and not p.is_admin):
        raise HTTPException(404, "任务不存在")
    return job


def _jobs(request: Request, p: Principal, ids: str) -> list:
    wanted = [i for i in ids.split(",") if i.isalnum()][:MAX_FILES]
    if not wanted:
        raise HTTPException(404, "任务不存在")
    return [_job(request, p, i) for i in wanted]


@router.get("/jobs")
def job_history(request: Request, p: Principal = Depends(page_reviewer)):
    return render(request, "jobs.html", p, jobs=history(get_store(request), None if p.is_admin else p.id))


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, p: Principal = Depends(page_user)):
    jobs = [_job(request, p, job_id)]
    return render(
        request, "job.html", p, u=upload_view(get_store(request), jobs), poll=f"/jobs/{job_id}/progress"
    )


@router.get("/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: str, p: Principal = Depends(page_user)):
    jobs = [_job(request, p, job_id)]
    return render(
        request,
        "_job_progress.html",
        p,
        u=upload_view(get_store(request), jobs),
        poll=f"/jobs/{job_id}/progress",
    )


@router.get("/uploads")
def uploads_page(request: Request, jobs: str = "", p: Principal = Depends(page_user)):
    found = _jobs(request, p, jobs)
    poll = f"/uploads/progress?{urlencode({'jobs': jobs})}"
    return render(request, "job.html", p, u=upload_view(get_store(request), found), poll=poll)


@router.get("/uploads/progress")
def uploads_progress(request: Request, jobs: str = "", p: Principal = Depends(page_user)):
    found = _jobs(request, p, jobs)
    poll = f"/uploads/progress?{urlencode({'jobs': jobs})}"
    return render(request, "_job_progress.html", p, u=upload_view(get_store(request), found), poll=poll)


# --- the work queue and the findings page -----------------------------------------------------
@router.get("/reports")
def reports(request: Request, p: Principal = Depends(page_user)):
    store = get_store(request)
    f = Filters.parse(request.query_params)
    return render(
        request, "reports.html", p, v=work_queue(store, p, f), f=f, msg=notice(request.query_params)
    )


@router.get("/reports/export.{fmt}")
def reports_export(request: Request, fmt: str, p: Principal = Depends(page_user)):
    if fmt not in LIST_FORMATS:
        raise HTTPException(404, "不支持的导出格式")
    store = get_store(request)
    ids = all_matching(store, p, Filters.parse(request.query_params))
    audit(store, p.username, "export", f"reports.{fmt}", {"n": len(ids)}, client_ip(request))
    return _download(export_list(store, [_Id(i) for i in ids], fmt), LIST_FORMATS[fmt], f"reports.{fmt}")


class _Id:
    def __init__(self, id: int) -> None:
        self.id = id


@router.post("/reports/batch")
async def reports_batch(request: Request, p: Principal = Depends(page_reviewer)):
    """Batch actions on the selected reports (or on every report that matches the filters)."""
    from ...review.opinion import default_reviewer, opinions, zip_bytes

    store = get_store(request)
    form = await request.form()
    back = str(form.get("back") or "")
    f = Filters.parse(dict(parse_qsl(back)))
    if form.get("all_matching") == "1":
        ids = all_matching(store, p, f)
    else:
        ids = repo.visible_ids(
            store, scope_of(p), [int(cast(str, i)) for i in form.getlist("ids") if str(i).isdigit()]
        )
    action = str(form.get("action") or "")

    def again(**params: object) -> RedirectResponse:
        extra = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return RedirectResponse(f"/reports?{back}{'&' if back and extra else ''}{extra}", status_code=303)

    if not ids:
        return again(done="none_selected")
    if action == "accept":
        code, reason = str(form.get("code") or ""), str(form.get("reason") or "").strip()[:2000]
        if code not in CATALOGUE or not reason:
            return again(done="need_code")
        n = repo.accept_code(store, ids, code, reason, p.username)
        audit(
            store,
            p.username,
            "accept_findings",
            f"code:{code}",
            {"reports": len(ids), "n": n},
            client_ip(request),
        )
        return again(done="accepted" if n else "accepted_none", n=n, code=code)
    if action in ("reviewed", "rework", "unreviewed"):
        n = repo.set_state(store, ids, action, p.username)
        audit(store, p.username, "review_state", action, {"reports": len(ids)}, client_ip(request))
        return again(done=action, n=n)
    if action == "export":
        audit(store, p.username, "export", "reports.xlsx", {"n": len(ids)}, client_ip(request))
        return _download(
            export_list(store, [_Id(i) for i in ids], "xlsx"), LIST_FORMATS["xlsx"], "所选报告.xlsx"
        )
    if action == "opinions":
        states = {rid: repo.STATES[s.state] for rid, s in repo.states(store, ids).items()}
        ops = opinions(store, ids, default_reviewer(reviewer_region(store, p)), None, states)
        audit(store, p.username, "opinions", "zip", {"n": len(ops)}, client_ip(request))
        return _download(zip_bytes(ops), "application/zip", "审核意见.zip")
    raise HTTPException(422, "未知的操作")


def reviewer_region(store, p: Principal) -> str | None:
    return repo.region_name(store, p.region_id) if p.region_id else None


@router.get("/findings")
def findings_list(request: Request, p: Principal = Depends(page_user)):
    store = get_store(request)
    f = Filters.parse(request.query_params)
    return render(request, "findings.html", p, v=findings_page(store, p, f), f=f, msg=None)


@router.get("/findings/export.{fmt}")
def findings_export(request: Request, fmt: str, p: Principal = Depends(page_user)):
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(404, "不支持的导出格式")
    store = get_store(request)
    header, rows = finding_table(store, p, Filters.parse(request.query_params))
    audit(store, p.username, "export", f"findings.{fmt}", {"n": len(rows)}, client_ip(request))
    return _download(table_bytes(header, rows, fmt), LIST_FORMATS[fmt], f"问题清单.{fmt}")


def _download(content: bytes, media: str, filename: str) -> Response:
    from urllib.parse import quote

    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


# --- one report ------------------------------------------------------------------------------
@router.get("/reports/{report_id}")
def report_page(request: Request, report_id: int, p: Principal = Depends(page_user)):
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    view = report_view_page(store, stored)
    template = stored.report.template
    return render(
        request,
        "report.html",
        p,
        v=view,
        accepted=accepted_details(store, report_id),
        msg=notice(request.query_params, template),
    )


def _panel(request: Request, p: Principal, report_id: int, key: str, **extra: Any):
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    view = report_view_page(store, stored)
    cell = view["cells"].get(key)
    if cell is None:
        raise HTTPException(404, "单元格不存在")
    edits = [e for e in store.cell_edits(report_id) if e.key == key]
    shown = [
        {
            "who": e.who,
            "at": beijing(e.at),
            "old": number(e.old_value) if e.old_value is not None else "（空）",
            "new": number(e.new_value) if e.new_value is not None else "（空）",
        }
        for e in edits
    ]
    return render(request, "_cell_panel.html", p, cell=cell, report_id=report_id, edits=shown, **extra)


@router.get("/reports/{report_id}/cells/{key}")
def cell_panel(request: Request, report_id: int, key: str, p: Principal = Depends(page_user)):
    return _panel(request, p, report_id, key)


def parse_number(text: str) -> float | int | None:
    text = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    if text == "":
        return None
    try:
        v = float(text)
    except ValueError:
        raise HTTPException(422, f"“{text[:40]}”不是数字，请输入阿拉伯数字（如 12 或 3.5）") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise HTTPException(422, f"“{text[:40]}”不是有效的数字")
    return int(v) if v.is_integer() else v


@router.post("/reports/{report_id}/cells/{key}")
def correct_cell(
    request: Request, report_id: int, key: str, value: str = Form(""), p: Principal = Depends(page_reviewer)
):
    store = get_store(request)
    stored = visible_report(store, p, report_id)
    if key not in stored.report.cells and key not in report_view_page(store, stored)["cells"]:
        raise HTTPException(404, "单元格不存在")
    htmx = bool(request.headers.get("hx-request"))
    try:
        new = parse_number(value)
    except HTTPException as exc:
        if not htmx:
            raise
        # the bad value is said next to the field; the page stays where it is
        return _panel(request, p, report_id, key, error=exc.detail, value=value[:40])
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
    target = f"/reports/{report_id}?{urlencode({'done': 'corrected', 'cell': key})}#cell-{key}"
    if htmx:
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/reports/{report_id}/state")
def report_state(
    request: Request, report_id: int, state: str = Form(""), p: Principal = Depends(page_reviewer)
):
    store = get_store(request)
    visible_report(store, p, report_id)
    if state not in ("reviewed", "rework", "unreviewed"):
        raise HTTPException(422, "未知的审核状态")
    repo.set_state(store, [report_id], state, p.username)
    audit(store, p.username, "review_state", f"report:{report_id}", {"state": state}, client_ip(request))
    return RedirectResponse(f"/reports/{report_id}?done=state_{state}", status_code=303)


@router.post("/reports/{report_id}/authoritative")
def report_authoritative(request: Request, report_id: int, p: Principal = Depends(page_reviewer)):
    store = get_store(request)
    visible_report(store, p, report_id)
    others = [v["id"] for v in repo.versions(store, report_id) if v["id"] != report_id]
    others = repo.visible_ids(store, scope_of(p), others)
    repo.choose_version(store, report_id, others, p.username)
    audit(store, p.username, "choose_version", f"report:{report_id}", {"others": others}, client_ip(request))
    return RedirectResponse(f"/reports/{report_id}?done=version_chosen", status_code=303)


@router.get("/reports/{report_id}/opinion.docx")
def report_opinion(request: Request, report_id: int, p: Principal = Depends(page_reviewer)):
    from ...review.opinion import default_reviewer, opinions, to_docx

    store = get_store(request)
    visible_report(store, p, report_id)
    states = {rid: repo.STATES[s.state] for rid, s in repo.states(store, [report_id]).items()}
    ops = opinions(store, [report_id], default_reviewer(reviewer_region(store, p)), None, states)
    if not ops:
        raise HTTPException(404, "汇总报告不出具审核意见")
    audit(store, p.username, "opinions", f"report:{report_id}", ip=client_ip(request))
    return _download(to_docx(ops[0]), REPORT_FORMATS["docx"], f"{ops[0].filename}.docx")


@router.get("/reports/{report_id}/original")
def report_original(request: Request, report_id: int, p: Principal = Depends(page_user)):
    from ...review import originals

    store = get_store(request)
    stored = visible_report(store, p, report_id)
    found = originals.find(store, report_id)
    if found is None:
        page = render(request, "original_missing.html", p, report=stored.report)
        page.headers["X-Frame-Options"] = "SAMEORIGIN"  # it is shown in the frame beside the tables
        page.headers["Content-Security-Policy"] = CSP.replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'"
        )
        return page
    data, media, name = originals.viewable(found)
    # the unit's own HTML must not run in our origin: a sandboxed, script-less view of it
    headers = {
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
        "X-Frame-Options": "SAMEORIGIN",
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
    }
    return Response(data, media_type=media, headers=headers)


@router.get("/reports/{report_id}/annotated")
def report_annotated(request: Request, report_id: int, p: Principal = Depends(page_user)):
    from ...review import annotate, originals

    store = get_store(request)
    stored = visible_report(store, p, report_id)
    found = originals.find(store, report_id)
    if found is None:
        return render(request, "original_missing.html", p, report=stored.report)
    try:
        data, suffix = annotate.annotate_bytes(found.read_bytes(), found.name, stored.report)
    except annotate.CannotAnnotate as exc:
        raise HTTPException(415, str(exc)) from None
    audit(store, p.username, "export", f"report:{report_id}.annotated", ip=client_ip(request))
    return _download(
        data, annotate.MEDIA.get(suffix, "application/octet-stream"), f"{found.stem}-标注{suffix}"
    )


def finding_report(store, p: Principal, finding_id: int) -> int:
    rid = repo.finding_report_id(store, finding_id)
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
):
    store = get_store(request)
    rid = finding_report(store, p, finding_id)
    if accepted == "1" and not comment.strip():
        raise HTTPException(422, "接受问题时必须填写理由")
    store.accept_finding(finding_id, p.username, comment.strip()[:2000] or None, accepted == "1")
    audit(
        store,
        p.username,
        "accept_finding" if accepted == "1" else "reopen_finding",
        f"finding:{finding_id}",
        {"comment": comment[:200]},
        client_ip(request),
    )
    done = "finding_accepted" if accepted == "1" else "finding_reopened"
    return RedirectResponse(f"/reports/{rid}?done={done}#finding-{finding_id}", status_code=303)


@router.post("/findings/{finding_id}/comment")
def comment(
    request: Request, finding_id: int, comment: str = Form(""), p: Principal = Depends(page_reviewer)
):
    store = get_store(request)
    rid = finding_report(store, p, finding_id)
    set_comment(store, finding_id, comment.strip()[:2000] or None)
    return RedirectResponse(f"/reports/{rid}?done=comment_saved#finding-{finding_id}", status_code=303)


@router.get("/reports/{report_id}/export.{fmt}")
def report_export(request: Request, report_id: int, fmt: str, p: Principal = Depends(page_user)):
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
