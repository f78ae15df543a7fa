"""The acquisition repository: 报送进度 per unit and year, and where fetched documents came from.

Tables (migration `0006_acquire`):
- `acquire_status`: one row per unit (SITES.csv line: organ + region) and report year, the latest
  watch result — state (on_time / late / missing / unreachable), days late, the deadline applied,
  the publication date the site shows, the report's address, why (for missing / unreachable), the
  stored report, and the WARC record that proves it.
- `acquire_fetches`: per fetched document (content hash) and URL, the page it was linked from and
  the publication date the site showed — the site's date for any report that came from the web.

Functions take the `Store` first and open their own sessions, like the other repository modules:
`from nianbao.store import acquire; acquire.statuses(store, 2024, region_ids)`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, Document, Organ, Region, ReportRow, utcnow
from .store import Store


class AcquireStatus(Base):
    __tablename__ = "acquire_status"
    __table_args__ = (UniqueConstraint("unit_key", "year", name="uq_acquire_status_unit_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_key: Mapped[str] = mapped_column(String(400))
    year: Mapped[int] = mapped_column(Integer, index=True)
    organ: Mapped[str] = mapped_column(String(200))
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.id", ondelete="SET NULL"), index=True)
    region: Mapped[str | None] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"), index=True)
    column_url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), index=True)
    days_late: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[str | None] = mapped_column(String(10))
    published: Mapped[str | None] = mapped_column(String(10))
    published_source: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    report_url: Mapped[str | None] = mapped_column(Text)
    page_url: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    evidence_path: Mapped[str | None] = mapped_column(Text)
    evidence_offset: Mapped[int | None] = mapped_column(BigInteger)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AcquireFetch(Base):
    __tablename__ = "acquire_fetches"
    __table_args__ = (UniqueConstraint("sha256", "url", name="uq_acquire_fetches_sha256_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    page_url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    published_source: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str | None] = mapped_column(String(10))
    evidence_path: Mapped[str | None] = mapped_column(Text)
    evidence_offset: Mapped[int | None] = mapped_column(BigInteger)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass
class StatusRecord:
    """One unit's result for a year, as the watch hands it over."""

    organ: str
    region: str | None
    year: int
    column_url: str
    state: str
    days_late: int | None = None
    deadline: str | None = None
    published: str | None = None
    published_source: str | None = None
    title: str | None = None
    report_url: str | None = None
    page_url: str | None = None
    reason: str | None = None
    sha256: str | None = None
    evidence_path: str | None = None
    evidence_offset: int | None = None
    checked_at: datetime | None = None

    @property
    def unit_key(self) -> str:
        return f"{self.region or ''}|{self.organ}"


@dataclass
class RegionProgress:
    """Counts by state for a region (its sub-regions included) and year."""

    region_id: int
    year: int
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def missing(self) -> int:
        return self.counts.get("missing", 0) + self.counts.get("unreachable", 0)


# --- writing ---------------------------------------------------------------------------------
_COPIED = (
    "organ",
    "region",
    "column_url",
    "state",
    "days_late",
    "deadline",
    "published",
    "published_source",
    "title",
    "report_url",
    "page_url",
    "reason",
    "sha256",
    "evidence_path",
    "evidence_offset",
)


def record_status(store: Store, records: Iterable[StatusRecord]) -> list[int]:
    """Upsert each unit's latest result for its year; links the stored report by content hash."""
    ids: list[int] = []
    for rec in records:
        organ_id = _organ_id(store, rec.organ, rec.region)
        with store.session() as s:
            region_id = s.scalar(select(Organ.region_id).where(Organ.id == organ_id)) if organ_id else None
            report_id = None
            if rec.sha256:
                report_id = s.scalar(
                    select(ReportRow.id)
                    .join(Document, ReportRow.document_id == Document.id)
                    .where(Document.sha256 == rec.sha256)
                )
            row = s.scalar(
                select(AcquireStatus).where(
                    AcquireStatus.unit_key == rec.unit_key, AcquireStatus.year == rec.year
                )
            )
            if row is None:
                row = AcquireStatus(unit_key=rec.unit_key, year=rec.year)
                s.add(row)
            for name in _COPIED:
                setattr(row, name, getattr(rec, name))
            row.organ_id, row.region_id, row.report_id = organ_id, region_id, report_id
            row.checked_at = rec.checked_at or utcnow()
            s.flush()
            ids.append(row.id)
    return ids


def record_fetch(
    store: Store,
    sha256: str,
    url: str,
    *,
    page_url: str | None = None,
    published: str | None = None,
    published_source: str | None = None,
    kind: str | None = None,
    evidence: tuple[str, int] | None = None,
) -> None:
    """Where a fetched document came from and the publication date its site showed."""
    with store.session() as s:
        row = s.scalar(select(AcquireFetch).where(AcquireFetch.sha256 == sha256, AcquireFetch.url == url))
        if row is None:
            row = AcquireFetch(sha256=sha256, url=url)
            s.add(row)
        row.page_url, row.published, row.published_source, row.kind = (
            page_url,
            published,
            published_source,
            kind,
        )
        if evidence:
            row.evidence_path, row.evidence_offset = evidence
        row.fetched_at = utcnow()


def _organ_id(store: Store, organ: str, region: str | None) -> int | None:
    try:
        return store.ensure_organ(organ, region)
    except ValueError:
        return None


# --- reading ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredDocument:
    year: int | None
    signed: str | None  # the date signed at the end of the report
    error: str | None


def stored_document(store: Store, sha256: str) -> StoredDocument | None:
    """What the store holds for a file of this content: its report's year and signed date, or its error."""
    with store.session() as s:
        row = s.execute(
            select(ReportRow.year, ReportRow.published, Document.error)
            .select_from(Document)
            .outerjoin(ReportRow, ReportRow.document_id == Document.id)
            .where(Document.sha256 == sha256)
        ).first()
    return StoredDocument(row[0], row[1], row[2]) if row is not None else None


def statuses(
    store: Store, year: int, region_ids: Collection[int] | None = None, states: Collection[str] | None = None
) -> list[AcquireStatus]:
    """The units' results for a year, in region and name order; `region_ids` already expanded."""
    with store.session() as s:
        q = select(AcquireStatus).where(AcquireStatus.year == year)
        if region_ids is not None:
            q = q.where(AcquireStatus.region_id.in_(sorted(region_ids) or [-1]))
        if states:
            q = q.where(AcquireStatus.state.in_(list(states)))
        return list(s.scalars(q.order_by(AcquireStatus.region, AcquireStatus.organ)))


def status(store: Store, status_id: int) -> AcquireStatus | None:
    with store.session() as s:
        return s.get(AcquireStatus, status_id)


def years(store: Store) -> list[int]:
    with store.session() as s:
        return sorted(s.scalars(select(AcquireStatus.year).distinct()), reverse=True)


def counts_by_region(store: Store, year: int) -> dict[int, Counter[str]]:
    """region id -> states counted over the region and every region below it.

    For the region tree: a node shows how many of its units published (on_time + late), and in
    red how many are missing (missing + unreachable)."""
    with store.session() as s:
        own: dict[int, Counter[str]] = {}
        for rid, state, n in s.execute(
            select(AcquireStatus.region_id, AcquireStatus.state, func.count())
            .where(AcquireStatus.year == year, AcquireStatus.region_id.is_not(None))
            .group_by(AcquireStatus.region_id, AcquireStatus.state)
        ):
            own.setdefault(cast(int, rid), Counter())[state] += n  # not NULL: filtered in the query
        parents = dict(s.execute(select(Region.id, Region.parent_id)).all())
    out: dict[int, Counter[str]] = {}
    for rid, counts in own.items():
        cur: int | None = rid
        seen: set[int] = set()
        while cur is not None and cur not in seen:
            seen.add(cur)
            out.setdefault(cur, Counter()).update(counts)
            cur = parents.get(cur)
    return out


def region_progress(store: Store, region_id: int, year: int) -> RegionProgress:
    return RegionProgress(region_id, year, counts_by_region(store, year).get(region_id, Counter()))


def site_published(store: Store, sha256: str) -> AcquireFetch | None:
    """Where and when the site published the document with this content hash (first fetch)."""
    with store.session() as s:
        return s.scalar(
            select(AcquireFetch).where(AcquireFetch.sha256 == sha256).order_by(AcquireFetch.id).limit(1)
        )


def published_dates(store: Store, report_ids: Collection[int]) -> dict[int, str]:
    """report id -> the publication date its site showed, for reports that came from the web."""
    if not report_ids:
        return {}
    with store.session() as s:
        rows = s.execute(
            select(ReportRow.id, AcquireFetch.published)
            .join(Document, ReportRow.document_id == Document.id)
            .join(AcquireFetch, AcquireFetch.sha256 == Document.sha256)
            .where(ReportRow.id.in_(sorted(report_ids)), AcquireFetch.published.is_not(None))
            .order_by(AcquireFetch.id)
        )
        out: dict[int, str] = {}
        for rid, published in rows:
            out.setdefault(rid, cast(str, published))  # not NULL: filtered in the query
        return out
