# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults
"""评估驾驶舱: a region's units scored with the rubric — heatmap, risk cards, ranking, trends,
and a printable evaluation sheet per unit; every number links to the cells or findings behind it.

The rubric is the built-in one, or the file named by `NIANBAO_RUBRIC` (checked when first used;
a bad file is shown as the page's error, with its line).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ...evaluation import EvaluationError, RegionEvaluation, Rubric, RubricError, evaluate_trend, load_rubric
from ...evaluation.output import detail_columns, detail_rows, region_xlsx, write_table
from ...evaluation.region import UnitScore, evaluate_region
from ...evaluation.tidy import evidence_text
from ...store import evaluation as queries
from ..auth import Principal, audit
from ..deps import client_ip, get_store, page_reviewer, render

router = APIRouter()

RUBRIC_ENV = "NIANBAO_RUBRIC"
_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@lru_cache(maxsize=4)
def _rubric_cached(path: str | None, mtime: float | None) -> Rubric:
    return load_rubric(path)


def rubric() -> Rubric:
    path = os.environ.get(RUBRIC_ENV) or None
    mtime = Path(path).stat().st_mtime if path and Path(path).exists() else None
    try:
        return _rubric_cached(path, mtime)
    except RubricError as exc:
        raise HTTPException(500, f"评估细则有误：{exc}") from None


def _visible(p: Principal, region_id: int) -> bool:
    return p.is_admin or region_id in p.region_ids


def _check(request: Request, p: Principal, region_id: int) -> None:
    if not _visible(p, region_id):
        raise HTTPException(404, "地区不存在或无权查看")


@router.get("/evaluation")
def evaluation_home(request: Request, p: Principal = Depends(page_reviewer)) -> Response:
    store = get_store(request)
    nodes = {r.id: r for r in queries.regions(store)}
    regions = [r for r in nodes.values() if _visible(p, r.id)]
    years = queries.years(store)
    region = request.query_params.get("region")
    year = request.query_params.get("year")
    if region and year and region.isdigit() and year.isdigit():
        return RedirectResponse(f"/evaluation/{int(region)}/{int(year)}", status_code=303)
    names = {r.id: r.name for r in regions}
    paths = {r.id: _path(r.id, nodes) for r in regions}
    return _page(
        request,
        "evaluation_home.html",
        p,
        regions=sorted(regions, key=lambda r: paths[r.id]),
        paths=paths,
        names=names,
        years=years,
        rubric=rubric(),
    )


def _path(region_id: int, nodes: dict[int, Any]) -> str:
    names = []
    cur = region_id
    while cur is not None and cur in nodes:
        names.append(nodes[cur].name)
        cur = nodes[cur].parent_id
    return " / ".join(reversed(names))


MAX_CARDS = 60  # the riskiest first; a province's hundreds more are in the ranking table
TREND_YEARS = 6  # the cockpit's trend lines: the year shown and up to five before it
_CACHE_SIZE = 8
_cache: OrderedDict[tuple[Any, ...], tuple[RegionEvaluation, list[RegionEvaluation]]] = OrderedDict()
_cache_lock = threading.Lock()


def _evaluate(request: Request, region_id: int, year: int) -> tuple[RegionEvaluation, list[RegionEvaluation]]:
    """The year's evaluation and the trend, from a small cache while the data has not changed
    (a province is seconds of work; the sheet, the exports and the page ask for the same)."""
    store = get_store(request)
    rub = rubric()
    key = (id(store), region_id, year, id(rub), queries.data_version(store))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    try:
        years = [y for y in sorted(queries.years(store)) if y <= year][-TREND_YEARS:] or [year]
        trend = evaluate_trend(store, region_id, rub, years)
        ev = next((e for e in trend if e.year == year), None) or evaluate_region(store, region_id, year, rub)
    except EvaluationError as exc:
        raise HTTPException(404, str(exc)) from None
    with _cache_lock:
        _cache[key] = (ev, trend)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return ev, trend


@router.get("/evaluation/{region_id}/{year}")
def cockpit(request: Request, region_id: int, year: int, p: Principal = Depends(page_reviewer)) -> Response:
    _check(request, p, region_id)
    ev, trend = _evaluate(request, region_id, year)
    group = request.query_params.get("group") or None
    level = request.query_params.get("level") or None
    audit(get_store(request), p.username, "evaluate", f"region:{region_id}:{year}", ip=client_ip(request))
    return _page(
        request,
        "evaluation.html",
        p,
        ev=ev,
        region_id=region_id,
        group=group,
        level=level,
        ranking=[
            u
            for u in ev.units
            if (group is None or u.unit.group == group) and (level is None or u.unit.level == level)
        ],
        cards=(cards := risk_cards(ev))[:MAX_CARDS],
        cards_total=len(cards),
        data=cockpit_data(ev, trend, region_id),
        years=queries.years(get_store(request)),
    )


def unit_href(region_id: int, year: int, u: UnitScore) -> str:
    return f"/evaluation/{region_id}/{year}/units/{u.unit.key}"


def risk_cards(ev: RegionEvaluation) -> list[dict[str, Any]]:
    """One card per published unit with a red indicator (reds first, then the most yellows)."""
    cards: list[dict[str, Any]] = []
    for u in ev.units:
        if not u.published:
            continue
        flagged = u.flagged(ev.rubric)
        reds = [x for x in flagged if x[1].colour == "red"]
        if not reds:
            continue
        reasons = []
        for ind, r in flagged:
            ev_first = next((e for e in r.evidence if e.kind == "cell"), None) or next(
                (e for e in r.evidence if e.href), None
            )
            reasons.append(
                {
                    "colour": r.colour,
                    "name": ind.name,
                    "text": ind.verdict(r.value) if r.value is not None else r.reason,
                    "title": r.reason,
                    "href": ev_first.href if ev_first else f"/reports/{u.report_id}",
                    "evidence": [e for e in r.evidence if e.href][:6],
                }
            )
        cards.append({"unit": u, "reasons": reasons, "reds": len(reds), "yellows": len(flagged) - len(reds)})
    cards.sort(key=lambda c: (-c["reds"], -c["yellows"], c["unit"].total or 0))
    return cards


def cockpit_data(ev: RegionEvaluation, trend: list[RegionEvaluation], region_id: int) -> dict[str, Any]:
    """What the charts draw (embedded as JSON; /static/evaluation.js draws it)."""
    rub = ev.rubric
    by_unit = len(ev.groups) < 2
    if by_unit:
        rows = [u for u in ev.units if u.published]
        row_names = [u.unit.name for u in rows]
        cells = []
        for i, u in enumerate(rows):
            for j, ind in enumerate(rub.indicators):
                r = u.score.results[ind.key]
                cells.append(
                    {
                        "x": j,
                        "y": i,
                        "value": None if r.share is None else round(r.share * 100, 1),
                        "label": r.status_zh if r.status != "rated" else ind.format(r.value),
                        "href": unit_href(region_id, ev.year, u) + f"#ind-{ind.key}",
                    }
                )
    else:
        row_names = list(ev.groups)
        cells = []
        for c in ev.heatmap():
            i = row_names.index(str(c["group"]))
            j = [ind.key for ind in rub.indicators].index(str(c["indicator"]))
            v = c["value"]
            cells.append(
                {
                    "x": j,
                    "y": i,
                    "value": None if v is None else round(float(v) * 100, 1),
                    "label": f"{c['judged']}/{c['units']} 个单位可评",
                    "href": f"/evaluation/{region_id}/{ev.year}?group={quote(str(c['group']))}#ranking",
                }
            )
    return {
        "indicators": [ind.name for ind in rub.indicators],
        "rows": row_names,
        "by_unit": by_unit,
        "heatmap": cells,
        "trend": {
            "years": [e.year for e in trend],
            "mean": [e.mean_total() for e in trend],
            "coverage": [None if e.coverage is None else round(e.coverage * 100, 1) for e in trend],
            "indicators": [
                {
                    "name": ind.name,
                    "data": [_mean_share(e, ind.key) for e in trend],
                }
                for ind in rub.indicators
            ],
        },
    }


def _mean_share(ev: RegionEvaluation, key: str) -> float | None:
    shares = [s for u in ev.units if u.published and (s := u.score.results[key].share) is not None]
    return round(100 * sum(shares) / len(shares), 1) if shares else None


def _unit(ev: RegionEvaluation, unit_key: str) -> UnitScore:
    try:
        return ev.unit(unit_key)
    except KeyError:
        raise HTTPException(404, "该地区没有这个单位") from None


@router.get("/evaluation/{region_id}/{year}/units/{unit_key}")
def unit_sheet(
    request: Request, region_id: int, year: int, unit_key: str, p: Principal = Depends(page_reviewer)
) -> Response:
    _check(request, p, region_id)
    ev, _ = _evaluate(request, region_id, year)
    u = _unit(ev, unit_key)
    rows = []
    for ind in ev.rubric.indicators:
        r = u.score.results[ind.key]
        rows.append({"ind": ind, "r": r, "evidence": evidence_text(r, limit=0)})
    return _page(request, "evaluation_unit.html", p, ev=ev, u=u, rows=rows, region_id=region_id)


@router.get("/evaluation/{region_id}/{year}/units/{unit_key}/sheet.{fmt}")
def unit_sheet_file(
    request: Request,
    region_id: int,
    year: int,
    unit_key: str,
    fmt: str,
    p: Principal = Depends(page_reviewer),
) -> Response:
    from ...errors import NianbaoError
    from ...evaluation.sheet import sheet_docx, sheet_pdf

    _check(request, p, region_id)
    if fmt not in ("docx", "pdf"):
        raise HTTPException(404, "不支持的格式")
    ev, _ = _evaluate(request, region_id, year)
    u = _unit(ev, unit_key)
    try:
        content = sheet_docx(ev, u) if fmt == "docx" else sheet_pdf(ev, u)
    except NianbaoError as exc:  # no LibreOffice, or a conversion that failed
        raise HTTPException(503, str(exc)) from None
    audit(
        get_store(request),
        p.username,
        "export",
        f"evaluation:{region_id}:{year}:{unit_key}.{fmt}",
        ip=client_ip(request),
    )
    return _download(content, _MEDIA[fmt], f"{u.unit.name}{year}评估表.{fmt}")


@router.get("/evaluation/{region_id}/{year}/export.{fmt}")
def export(
    request: Request, region_id: int, year: int, fmt: str, p: Principal = Depends(page_reviewer)
) -> Response:
    import tempfile

    _check(request, p, region_id)
    if fmt not in ("xlsx", "csv", "parquet"):
        raise HTTPException(404, "不支持的导出格式")
    ev, _ = _evaluate(request, region_id, year)
    if fmt == "xlsx":
        content = region_xlsx(ev)
    else:
        with tempfile.TemporaryDirectory(prefix="nianbao-eval-") as tmp:
            path = Path(tmp) / f"scores.{fmt}"
            write_table(detail_rows(ev), path, detail_columns())
            content = path.read_bytes()
    audit(
        get_store(request),
        p.username,
        "export",
        f"evaluation:{region_id}:{year}.{fmt}",
        ip=client_ip(request),
    )
    return _download(content, _MEDIA[fmt], f"{ev.region.name}{year}评估.{fmt}")


def _page(request: Request, name: str, p: Principal, **ctx: Any) -> Response:
    page: Response = render(request, name, p, **ctx)
    return page


def _download(content: bytes, media: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
