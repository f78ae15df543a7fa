# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""报送进度: who published the year's report on their site, who is late, who is missing — fed by
`nianbao watch` (store/acquire.py) — with the WARC evidence and the 催报清单 export."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ...acquire.export import CHASE_HEADERS, chase_list, chase_row, progress_xlsx
from ...acquire.status import CHASE, STATE_ZH, STATES, label
from ...store import acquire as acquire_db
from ..auth import Principal, audit
from ..deps import client_ip, get_store, page_reviewer, render
from ..exports import table_bytes

if TYPE_CHECKING:
    from ...store.schema import Region

router = APIRouter()

_PAYLOAD_SHOWN = 200_000  # characters of a recorded page shown inline


def _regions(request: Request, p: Principal) -> tuple[dict[int, Region], dict[int | None, list[int]]]:
    regions = {r.id: r for r in get_store(request).regions()}
    children: dict[int | None, list[int]] = {}
    for r in regions.values():
        children.setdefault(r.parent_id, []).append(r.id)
    return regions, children


def _subtree(children: dict[int | None, list[int]], root: int) -> set[int]:
    out, todo = set(), [root]
    while todo:
        cur = todo.pop()
        if cur not in out:
            out.add(cur)
            todo.extend(children.get(cur, []))
    return out


def _allowed(p: Principal, region_id: int | None) -> bool:
    return p.is_admin or (region_id is not None and region_id in p.region_ids)


@router.get("/progress")
def progress_index(request: Request, p: Principal = Depends(page_reviewer)):
    store = get_store(request)
    regions, _ = _regions(request, p)
    years = acquire_db.years(store)
    year = int(request.query_params.get("year") or (years[0] if years else 0)) or None
    counts = acquire_db.counts_by_region(store, year) if year else {}
    shown = [r for rid, r in regions.items() if _allowed(p, rid) and rid in counts]
    return render(
        request,
        "progress.html",
        p,
        index=True,
        regions=shown,
        counts=counts,
        years=years,
        year=year,
        zh=STATE_ZH,
    )


@router.get("/progress/go")
def progress_go(request: Request, region: int, year: int, p: Principal = Depends(page_reviewer)):
    return RedirectResponse(f"/progress/{region}/{year}", status_code=303)


def _rows(request: Request, p: Principal, region_id: int, year: int):
    if not _allowed(p, region_id):
        raise HTTPException(404, "地区不存在或无权查看")
    regions, children = _regions(request, p)
    if region_id not in regions:
        raise HTTPException(404, "地区不存在或无权查看")
    ids = _subtree(children, region_id)
    return regions[region_id], acquire_db.statuses(get_store(request), year, ids)


# before /progress/{region_id}/{year}, which would take "evidence" for a region id
@router.get("/progress/evidence/{status_id}")
def evidence(request: Request, status_id: int, p: Principal = Depends(page_reviewer)):
    from ...acquire.warc import read_record

    row = acquire_db.status(get_store(request), status_id)
    if row is None or not _allowed(p, row.region_id):
        raise HTTPException(404, "记录不存在或无权查看")
    if not row.evidence_path:
        raise HTTPException(404, "该单位没有留存的网页证据")
    try:
        entry = read_record(row.evidence_path, int(row.evidence_offset or 0))
    except (OSError, ValueError) as exc:
        raise HTTPException(404, f"证据文件无法读取：{exc}") from None
    if request.query_params.get("download"):
        # the page as the site served it, never rendered in our origin
        return Response(
            entry.payload,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": "attachment; filename=evidence.bin",
                "Content-Security-Policy": "sandbox",
            },
        )
    text = entry.payload[: _PAYLOAD_SHOWN * 4].decode("utf-8", errors="replace")[:_PAYLOAD_SHOWN]
    return render(
        request,
        "progress_evidence.html",
        p,
        row=row,
        entry=entry,
        text=text,
        label=label,
        truncated=len(text) >= _PAYLOAD_SHOWN,
    )


@router.get("/progress/{region_id}/{year}")
def progress_page(request: Request, region_id: int, year: int, p: Principal = Depends(page_reviewer)):
    region, rows = _rows(request, p, region_id, year)
    groups = {s: [r for r in rows if r.state == s] for s in STATES}
    counts = Counter(r.state for r in rows)
    _, children = _regions(request, p)
    all_counts = acquire_db.counts_by_region(get_store(request), year)
    regions, _ = _regions(request, p)
    subs = [
        (regions[c], all_counts.get(c, Counter())) for c in children.get(region_id, []) if c in all_counts
    ]
    return render(
        request,
        "progress.html",
        p,
        index=False,
        region=region,
        year=year,
        groups=groups,
        counts=counts,
        total=len(rows),
        subs=subs,
        zh=STATE_ZH,
        chase=CHASE,
        label=label,
        years=acquire_db.years(get_store(request)),
    )


@router.get("/progress/{region_id}/{year}/chase.{fmt}")
def chase_export(
    request: Request, region_id: int, year: int, fmt: str, p: Principal = Depends(page_reviewer)
):
    region, rows = _rows(request, p, region_id, year)
    if fmt == "csv":
        content = table_bytes(CHASE_HEADERS, [chase_row(r) for r in chase_list(rows)], "csv")
        media = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = progress_xlsx(rows, year)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise HTTPException(404, "不支持的导出格式")
    audit(
        get_store(request), p.username, "export", f"progress:{region_id}:{year}.{fmt}", ip=client_ip(request)
    )
    from urllib.parse import quote

    name = quote(f"{region.name}{year}催报清单.{fmt}")
    return Response(
        content, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )
