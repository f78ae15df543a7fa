"""`nianbao fetch URL...`: each URL to the report it leads to — the file itself, or the page's
attachment, or the page when it carries the report — kept as fetched, parsed, and stored.

Each URL is independent: one refused (a private address, a file over the cap, a 404) is reported
with its reason and the others go on.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..model import Report
from ..store import Store
from ..store import acquire as acquire_db
from .client import Fetcher
from .errors import FetchError
from .ingest import parse_isolated_fetched, store_fetched
from .listing import Crawler, Fetched, choose_attachment, page_date
from .pictures import with_pictures
from .policy import FetchPolicy
from .warc import WarcRecorder


@dataclass
class FetchOutcome:
    url: str
    error: str | None = None
    error_kind: str | None = None
    report_url: str | None = None
    page_url: str | None = None
    kind: str | None = None
    local_file: str | None = None
    page_file: str | None = None
    published: str | None = None
    published_source: str | None = None
    sha256: str | None = None
    report: Report | None = None
    parse_error: str | None = None
    document_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


Progress = Callable[[FetchOutcome], None]


def fetch_urls(
    urls: list[str],
    out_dir: str | os.PathLike[str],
    policy: FetchPolicy | None = None,
    store: Store | None = None,
    workers: int = 0,
    concurrency: int = 4,
    progress: Progress | None = None,
) -> list[FetchOutcome]:
    return asyncio.run(
        _fetch_all(urls, Path(out_dir), policy or FetchPolicy(), store, workers, concurrency, progress)
    )


async def _fetch_all(
    urls: list[str],
    out: Path,
    policy: FetchPolicy,
    store: Store | None,
    workers: int,
    concurrency: int,
    progress: Progress | None,
) -> list[FetchOutcome]:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    recorder = WarcRecorder(out / f"fetch-{stamp}.warc.gz")
    fetcher = Fetcher(policy, recorder)
    crawler = Crawler(fetcher, None, out / "files")
    # threads that wait on the isolated parse workers
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers or os.cpu_count() or 1, len(urls))))
    slots = asyncio.Semaphore(max(concurrency, 1))

    async def one(url: str) -> FetchOutcome:
        async with slots:
            o = await _fetch_one(crawler, url)
            if o.ok and o.local_file:
                data = Path(o.local_file).read_bytes()
                meta = {
                    "published": o.published or "",
                    "published_source": o.published_source or "",
                    "url": o.report_url or "",
                    "page_url": o.page_url or "",
                }
                loop = asyncio.get_running_loop()
                (report, error), own = await loop.run_in_executor(
                    pool, parse_isolated_fetched, o.report_url or url, o.kind or "", data, meta
                )
                o.report, o.parse_error = report, error
                if store is not None and own:
                    o.document_id = store_fetched(store, o.report_url or url, data, (report, error), o.kind)
                    acquire_db.record_fetch(
                        store,
                        o.sha256 or hashlib.sha256(data).hexdigest(),
                        o.report_url or url,
                        page_url=o.page_url,
                        published=o.published,
                        published_source=o.published_source,
                        kind=o.kind,
                    )
            if progress:
                progress(o)
            return o

    try:
        return list(await asyncio.gather(*(one(u) for u in urls)))
    finally:
        await fetcher.aclose()
        recorder.close()
        pool.shutdown(cancel_futures=True)


async def _fetch_one(crawler: Crawler, url: str) -> FetchOutcome:
    o = FetchOutcome(url)
    try:
        got = await crawler.fetch(url)
        report: Fetched = got
        if got.page is not None:
            o.page_url, o.page_file = got.final_url, got.local_file
            found = page_date(got.page, None)
            if found is not None:
                o.published, o.published_source = found.date, found.source
            att = choose_attachment(got.page)
            if att is not None:
                report = await crawler.fetch(att.url)
            elif not got.page.report_like:
                o.error_kind = "no_report"
                o.error = f"页面中没有找到报告正文或附件（PDF、DOC/DOCX/WPS、XLS）：{got.final_url}"
                return o
            else:  # the page is the report: its tables may be pictures
                report = await with_pictures(crawler, got)
        o.report_url, o.kind, o.local_file, o.sha256 = (
            report.final_url,
            report.kind,
            report.local_file,
            report.sha256,
        )
    except FetchError as exc:
        o.error, o.error_kind = str(exc), exc.kind
    return o
