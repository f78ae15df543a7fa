"""The corpus store: every ingested report in SQLite or PostgreSQL, one schema, migrated on open."""

from .store import DocumentRecord, ReportFilter, Store, StoredReport
from .url import DEFAULT_URL, normalise_url

__all__ = ["DEFAULT_URL", "DocumentRecord", "ReportFilter", "Store", "StoredReport", "normalise_url"]
