"""The corpus store: every ingested report in SQLite or PostgreSQL, one schema, migrated on open.

`Store` is the facade; the repository modules (`documents`, `reports`, `findings`, `organs`,
`accounts`, `jobs`, …) hold the queries, as functions taking the store first:
`from nianbao.store import reports; reports.place(store, report_id)`.
"""

from .bulk import OrganCache
from .documents import DocumentRecord
from .reports import ReportFilter, ReportSummary, Scope, StoredReport
from .store import Store
from .url import DEFAULT_URL, normalise_url

__all__ = [
    "DEFAULT_URL",
    "DocumentRecord",
    "OrganCache",
    "ReportFilter",
    "ReportSummary",
    "Scope",
    "Store",
    "StoredReport",
    "normalise_url",
]
