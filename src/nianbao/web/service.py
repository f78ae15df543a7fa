"""What the pages and the REST API show, computed from the store — one module per view in
`nianbao.web.views`; this module keeps the names the REST API and older callers import."""

from __future__ import annotations

from ..store import ReportSummary
from .views.consolidation import consolidate_region, save_consolidation, saved_consolidation, visible_regions
from .views.corrections import neighbours, recheck_corpus, revalidate, set_comment
from .views.dashboard import dashboard
from .views.lists import list_reports, years
from .views.organ import text_diff, year_over_year
from .views.report_api import acceptance_details, finding_dict, report_view, table_template

__all__ = [
    "ReportSummary",
    "acceptance_details",
    "consolidate_region",
    "dashboard",
    "finding_dict",
    "list_reports",
    "neighbours",
    "recheck_corpus",
    "report_view",
    "revalidate",
    "save_consolidation",
    "saved_consolidation",
    "set_comment",
    "table_template",
    "text_diff",
    "visible_regions",
    "year_over_year",
    "years",
]
