"""Report lists for the REST API (the pages use `views.queue`)."""

from __future__ import annotations

from ...store import ReportFilter, ReportSummary, Store
from ...store import organs as organ_repo
from ...store import reports as report_repo
from ..auth import Principal


def list_reports(
    store: Store,
    principal: Principal,
    region: str | None = None,
    year: int | None = None,
    organ: str | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[ReportSummary]:
    """The reports this user may see, filtered; `organ` is a spelling of an organ or part of one
    (its characters are matched literally: `_` and `%` are no wildcards)."""
    oid = organ_repo.find_organ(store, organ) if organ else None
    flt = ReportFilter(
        scope=principal.scope,
        year=year or None,
        region=region or None,
        organ_id=oid,
        organ_text=organ if organ and oid is None else None,
    )
    out = report_repo.summaries(store, flt)
    if status:
        out = [r for r in out if r.status == status]
    return out[:limit]


def years(store: Store) -> list[int]:
    return report_repo.years(store)
