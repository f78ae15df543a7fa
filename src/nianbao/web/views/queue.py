"""The work queue (报告列表) and the findings page: filters, sorting, paging, the region tree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ...findings import CATALOGUE
from ...review.labels import beijing, cell_label
from ...store import Store
from ...store import review as repo
from ..auth import Principal

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
PER_PAGE = (20, 50, 100, 200)
COLUMNS = (  # sort key, heading
    ("organ", "机关"),
    ("region", "地区"),
    ("year", "年度"),
    ("errors", "错误"),
    ("warnings", "警告"),
    ("state", "审核状态"),
    ("added", "入库时间"),
)


def scope_of(p: Principal) -> repo.Scope:
    if p.role == "admin":
        return repo.Scope()
    if p.role == "reviewer":
        return repo.Scope(region_ids=frozenset(p.region_ids))
    return repo.Scope(organ_id=p.organ_id or -1)


def code_title(code: str) -> str:
    return CATALOGUE.get(code, (None, "其他问题"))[1]


@dataclass
class Filters:
    """The query string of the queue and findings pages, validated."""

    q: str = ""
    region: str = ""  # part of a region's name: 洪泽 finds 洪泽区 and everything below it
    region_id: int | None = None  # a node of the tree
    year: int | None = None
    severity: str = ""
    code: str = ""
    state: str = ""
    sort: str = "year"
    desc: bool = False
    page: int = 1
    per: int = 50
    accepted: bool = False  # findings page: include accepted findings
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        def num(name: str) -> int | None:
            v = (params.get(name) or "").strip()
            return int(v) if v.isdigit() else None

        per = num("per") or 50
        return cls(
            q=(params.get("q") or params.get("organ") or "").strip()[:100],
            region=(params.get("region") or "").strip()[:50],
            region_id=num("region_id"),
            year=num("year"),
            severity=p if (p := params.get("severity") or params.get("status") or "") in SEVERITY_ZH else "",
            code=c if (c := (params.get("code") or "").strip()) in CATALOGUE else "",
            state=s if (s := params.get("state") or "") in repo.STATES else "",
            sort=s if (s := params.get("sort") or "year") in repo.SORTS else "year",
            desc=params.get("desc") == "1",
            page=max(num("page") or 1, 1),
            per=per if per in PER_PAGE else 50,
            accepted=params.get("accepted") == "1",
        )

    def query(self, **changes: Any) -> str:
        """This filter as a query string, with some fields changed (links for sorting, paging)."""
        d = {
            "q": self.q,
            "region": self.region,
            "region_id": self.region_id,
            "year": self.year,
            "severity": self.severity,
            "code": self.code,
            "state": self.state,
            "sort": self.sort,
            "desc": "1" if self.desc else "",
            "page": self.page,
            "per": self.per,
            "accepted": "1" if self.accepted else "",
        }
        d.update(changes)
        defaults = {"sort": "year", "page": 1, "per": 50}
        return urlencode({k: v for k, v in d.items() if v not in (None, "", False) and defaults.get(k) != v})

    def to_repo(self, store: Store) -> repo.QueueFilter:
        region_ids: set[int] | None = None
        if self.region_id is not None:
            region_ids = set(repo.subtree(store, [self.region_id]))
        if self.region:
            matching = set(repo.regions_matching(store, self.region))
            region_ids = matching if region_ids is None else region_ids & matching
        return repo.QueueFilter(
            text=self.q or None,
            region_ids=region_ids,
            year=self.year,
            severity=self.severity or None,
            code=self.code or None,
            state=self.state or None,
        )

    @property
    def active(self) -> bool:
        return bool(
            self.q or self.region or self.region_id or self.year or self.severity or self.code or self.state
        )


def work_queue(store: Store, p: Principal, f: Filters) -> dict[str, Any]:
    scope = scope_of(p)
    rows, total = repo.queue(store, scope, f.to_repo(store), f.sort, f.desc, f.page, f.per)
    pages = max((total + f.per - 1) // f.per, 1)
    visible = None if scope.region_ids is None and scope.organ_id is None else set(scope.region_ids or ())
    tree = repo.region_tree(store, visible) if p.role != "writer" else []
    return {
        "rows": rows,
        "total": total,
        "pages": pages,
        "page": min(f.page, pages),
        "columns": COLUMNS,
        "tree": tree,
        "codes": [(c, code_title(c), n) for c, n in repo.codes_in_use(store, scope)],
        "years": repo.years(store),
        "states": repo.STATES,
        "severities": SEVERITY_ZH,
        "per_page": PER_PAGE,
        "region_name": repo.region_name(store, f.region_id) if f.region_id else None,
        "added": {r.id: beijing(r.added) for r in rows},
    }


def all_matching(store: Store, p: Principal, f: Filters) -> list[int]:
    return repo.queue_ids(store, scope_of(p), f.to_repo(store))


def findings_page(store: Store, p: Principal, f: Filters, limit: int = 5000) -> dict[str, Any]:
    """The findings of the matching reports, grouped by unit (one group per report)."""
    scope = scope_of(p)
    lines = repo.findings(store, scope, f.to_repo(store), include_accepted=f.accepted, limit=limit + 1)
    truncated = len(lines) > limit
    groups: list[dict[str, Any]] = []
    by_report: dict[int, dict[str, Any]] = {}
    for line in lines[:limit]:
        g = by_report.get(line.report_id)
        if g is None:
            g = {
                "report_id": line.report_id,
                "organ": line.organ or "（未识别机关）",
                "region": line.region or "",
                "year": line.year,
                "source": line.source,
                "findings": [],
                "counts": {},
            }
            by_report[line.report_id] = g
            groups.append(g)
        g["findings"].append(finding_line_view(line))
        if not line.accepted:
            g["counts"][line.severity] = g["counts"].get(line.severity, 0) + 1
    n = sum(len(g["findings"]) for g in groups)
    visible = None if scope.region_ids is None and scope.organ_id is None else set(scope.region_ids or ())
    return {
        "tree": repo.region_tree(store, visible) if p.role != "writer" else [],
        "groups": groups,
        "n": n,
        "truncated": truncated,
        "codes": [(c, code_title(c), k) for c, k in repo.codes_in_use(store, scope)],
        "years": repo.years(store),
        "severities": SEVERITY_ZH,
        "states": repo.STATES,
        "region_name": repo.region_name(store, f.region_id) if f.region_id else None,
    }


def finding_line_view(line: repo.FindingLine) -> dict[str, Any]:
    def template_of(key: str) -> str | None:
        return line.table_templates.get(key.split(".", 1)[0]) or line.template

    labels = [lbl for k in line.cells if (lbl := cell_label(template_of(k), k))]
    return {
        "id": line.id,
        "report_id": line.report_id,
        "code": line.code,
        "title": code_title(line.code),
        "severity": line.severity,
        "severity_zh": SEVERITY_ZH.get(line.severity, line.severity),
        "message": line.message,
        "where": line.where,
        "cells": [k for k in line.cells if cell_label(template_of(k), k)],
        "labels": labels,
        "accepted": line.accepted,
        "comment": line.comment,
        "accepted_by": line.accepted_by,
    }


def finding_table(store: Store, p: Principal, f: Filters) -> tuple[list[str], list[list[object]]]:
    """The findings page as a spreadsheet: one row per finding, the unit first."""
    header = [
        "地区",
        "机关",
        "年度",
        "级别",
        "问题",
        "说明",
        "涉及单元格",
        "位置",
        "状态",
        "接受说明",
        "报告编号",
    ]
    rows: list[list[object]] = []
    for line in repo.findings(store, scope_of(p), f.to_repo(store), include_accepted=f.accepted):
        v = finding_line_view(line)
        rows.append(
            [
                line.region or "",
                line.organ or "",
                line.year or "",
                v["severity_zh"],
                v["title"],
                line.message,
                "；".join(v["labels"]),
                line.where or "",
                "已接受" if line.accepted else "待处理",
                line.comment or "",
                line.report_id,
            ]
        )
    return header, rows
