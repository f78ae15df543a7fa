# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""Corpus: region × year consolidation, an organ year over year, dashboards."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from ...review.labels import cell_label, number
from ...store import organs as organ_repo
from ...templates import template_for_year
from ..auth import Principal, audit
from ..deps import client_ip, get_store, page_reviewer, page_user, render
from ..exports import REPORT_FORMATS, ExportError, export_report, table_bytes
from ..views.consolidation import consolidate_region, save_consolidation, saved_consolidation, visible_regions
from ..views.dashboard import dashboard
from ..views.lists import years
from ..views.organ import year_over_year
from ..views.region import chase_list, region_view
from .report_pages import _download

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _region_allowed(request: Request, p: Principal, region_id: int) -> None:
    if region_id not in {r.id for r in visible_regions(get_store(request), p)}:
        raise HTTPException(404, "地区不存在或无权查看")


@router.get("/regions")
def regions(request: Request, p: Principal = Depends(page_reviewer)):
    store = get_store(request)
    regs = visible_regions(store, p)
    ys = years(store)
    return render(request, "regions.html", p, regions=regs, years=ys, default_year=ys[0] if ys else None)


@router.get("/regions/go")
def region_go(request: Request, region: int, year: int, p: Principal = Depends(page_reviewer)):
    return RedirectResponse(f"/regions/{region}/{year}", status_code=303)


def _consolidation(request: Request, p: Principal, region_id: int, year: int):
    _region_allowed(request, p, region_id)
    try:
        return consolidate_region(get_store(request), region_id, year)
    except LookupError as exc:
        raise HTTPException(404, f"无法汇总：{exc}") from None


@router.get("/regions/{region_id}/{year}")
def region_year(request: Request, region_id: int, year: int, p: Principal = Depends(page_reviewer)):
    c = _consolidation(request, p, region_id, year)
    store = get_store(request)
    audit(store, p.username, "consolidate", f"region:{region_id}:{year}", ip=client_ip(request))
    return render(
        request,
        "region.html",
        p,
        c=c,
        v=region_view(store, c, region_id),
        region_id=region_id,
        saved=saved_consolidation(store, region_id, year),
    )


@router.get("/regions/{region_id}/{year}/missing.{fmt}")
def region_missing(
    request: Request, region_id: int, year: int, fmt: str, p: Principal = Depends(page_reviewer)
):
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(404, "不支持的导出格式")
    c = _consolidation(request, p, region_id, year)
    header, rows = chase_list(c)
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return _download(table_bytes(header, rows, fmt), media, f"{c.region}{year}催报清单.{fmt}")


@router.post("/regions/{region_id}/{year}/save")
def region_save(request: Request, region_id: int, year: int, p: Principal = Depends(page_reviewer)):
    _consolidation(request, p, region_id, year)  # scope and a region that can be consolidated
    store = get_store(request)
    rid = save_consolidation(store, region_id, year)
    audit(
        store,
        p.username,
        "save_consolidation",
        f"region:{region_id}:{year}",
        {"report": rid},
        client_ip(request),
    )
    return RedirectResponse(f"/reports/{rid}?done=consolidation_saved", status_code=303)


@router.get("/regions/{region_id}/{year}/export.{fmt}")
def region_export(
    request: Request, region_id: int, year: int, fmt: str, p: Principal = Depends(page_reviewer)
):
    c = _consolidation(request, p, region_id, year)
    if fmt == "xlsx":
        # the official table layout, as the fill-in workbook prints it, with the sums filled in
        from ...writer import ReportData
        from ...writer.workbook import build_workbook

        content = build_workbook(year, c.report.template, ReportData.from_report(c.report))
        media = XLSX
    elif fmt == "csv":
        tpl = c.report.template or template_for_year(year).id
        rows = [[cell_label(tpl, k) or k, number(cv.value)] for k, cv in c.report.cells.items()]
        content = table_bytes(["栏目", "汇总数"], rows, fmt)
        media = "text/csv; charset=utf-8"
    elif fmt in REPORT_FORMATS:
        try:
            content = export_report(c.report, fmt)
        except ExportError as exc:
            raise HTTPException(503, str(exc)) from None
        media = REPORT_FORMATS[fmt]
    else:
        raise HTTPException(404, "不支持的导出格式")
    audit(get_store(request), p.username, "export", f"region:{region_id}:{year}.{fmt}", ip=client_ip(request))
    return _download(content, media, f"{c.region}{year}汇总.{fmt}")


@router.get("/organs/{organ_id}")
def organ_page(request: Request, organ_id: int, p: Principal = Depends(page_user)):
    store = get_store(request)
    organ = organ_repo.organ(store, organ_id)
    if organ is None or not p.can_see(organ.region_id, organ.id):
        raise HTTPException(404, "机关不存在或无权查看")
    (yoy,) = year_over_year(store, organ_id)
    return render(request, "organ.html", p, organ=organ, yoy=yoy)


@router.get("/organs/{organ_id}/compare.{fmt}")
def organ_compare(
    request: Request, organ_id: int, fmt: str, a: int, b: int, p: Principal = Depends(page_user)
):
    """The comparison document of two of the organ's reports (逐年对比 as Word, PDF or a web page)."""
    from ...review.compare import render as render_comparison
    from ..deps import visible_report

    if fmt not in ("docx", "pdf", "html"):
        raise HTTPException(404, "不支持的导出格式")
    store = get_store(request)
    ra, rb = visible_report(store, p, a), visible_report(store, p, b)
    if ra.organ_id != organ_id or rb.organ_id != organ_id:
        raise HTTPException(404, "报告不属于该机关")
    try:
        content = render_comparison(ra.report, rb.report, fmt)
    except Exception as exc:  # LibreOffice missing or failing (PDF)
        raise HTTPException(503, f"无法生成对比文件：{exc}") from None
    audit(store, p.username, "export", f"organ:{organ_id}:compare.{fmt}", ip=client_ip(request))
    media = {
        "html": "text/html; charset=utf-8",
        "pdf": REPORT_FORMATS["pdf"],
        "docx": REPORT_FORMATS["docx"],
    }[fmt]
    name = f"{ra.report.organ or '机关'}{ra.report.year}-{rb.report.year}对比.{fmt}"
    return _download(content, media, name)


@router.get("/dashboard")
def dashboard_page(request: Request, p: Principal = Depends(page_user)):
    store = get_store(request)
    y = request.query_params.get("year")
    year = int(y) if y and y.isdigit() else None
    return render(request, "dashboard.html", p, d=dashboard(store, p, year), years=years(store), year=year)
