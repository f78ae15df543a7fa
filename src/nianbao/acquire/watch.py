"""`nianbao watch`: every unit of SITES.csv, its column walked, year Y's report found, fetched,
ingested, and its 报送进度 recorded — concurrently, politely, incrementally and resumably.

Concurrency: N unit workers share one fetcher, whose per-host limiter keeps any one site at its
own pace, so many hosts proceed at once while none is hammered. Parsing runs in worker processes
and the store is written from one thread, so the event loop only waits on the network.

Incremental: a unit whose report was found before is not fetched again (unless `recheck`); the
others are re-read with conditional requests, so an unchanged site answers 304 and nothing is
downloaded. Resumable: each unit's result is committed to the watch state as it completes; a run
that did not finish is picked up by the next invocation for the same year, which skips the units
it had done.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..store import Store
from ..store import acquire as acquire_db
from .client import Fetcher
from .errors import FetchError
from .ingest import parse_isolated_fetched, store_fetched
from .listing import Crawler, Fetched, choose_attachment, page_date, walk_column
from .pictures import with_pictures
from .policy import FetchPolicy
from .sites import Unit
from .state import WatchState
from .status import LATE, MISSING, ON_TIME, UNREACHABLE, deadline, judge, label
from .warc import WarcRecorder


@dataclass
class WatchOptions:
    year: int
    out_dir: Path
    deadline: date | None = None  # for every unit without its own in SITES.csv
    concurrency: int = 16  # units in flight
    max_pages: int = 10  # list pages read per column
    recheck: bool = False  # fetch again units whose report was already found
    workers: int = 0  # parsing processes (0: every core)


@dataclass
class UnitResult:
    organ: str
    region: str | None
    column_url: str
    state: str = MISSING
    days_late: int | None = None
    deadline: str | None = None
    deadline_why: str | None = None
    published: str | None = None
    published_source: str | None = None
    title: str | None = None
    report_url: str | None = None
    page_url: str | None = None
    reason: str | None = None
    sha256: str | None = None
    kind: str | None = None
    local_file: str | None = None
    evidence: list[Any] | None = None  # [warc path, offset]
    checked_at: str | None = None
    stored: bool = False  # ingested into a database
    report_year: int | None = None  # the year the report's own text states
    reused: bool = False  # taken over from an earlier run, nothing fetched

    @property
    def key(self) -> str:
        return f"{self.region or ''}|{self.organ}"

    @property
    def label(self) -> str:
        return label(self.state, self.days_late)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> UnitResult:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})

    def add_reason(self, text: str) -> None:
        self.reason = f"{self.reason}；{text}" if self.reason else text


@dataclass
class WatchSummary:
    year: int
    results: list[UnitResult]
    run_id: int = 0
    resumed: bool = False
    resumed_units: int = 0  # done by the interrupted run being resumed
    reused: int = 0  # found by an earlier run, not fetched again
    checked: int = 0  # fetched in this run
    new: int = 0  # responses with new content
    unchanged: int = 0  # 304 Not Modified
    requests: int = 0
    bytes: int = 0
    ingested: int = 0  # documents new to the database
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    warc: str | None = None
    state_file: str | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.state for r in self.results)


Progress = Callable[[int, int, UnitResult | None], None]


def run_watch(
    units: list[Unit],
    opts: WatchOptions,
    policy: FetchPolicy | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> WatchSummary:
    return asyncio.run(_run(units, opts, policy or FetchPolicy(), store, progress))


@dataclass
class _Parsed:
    year: int | None = None
    signed: str | None = None
    error: str | None = None


class _Ingester:
    """Parse in isolated workers (one waiting thread each), write from one thread; each content
    hash parsed once."""

    def __init__(self, store: Store, workers: int) -> None:
        self.store = store
        self.pool = ThreadPoolExecutor(
            max_workers=max(workers or os.cpu_count() or 1, 1), thread_name_prefix="nianbao-parse"
        )
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianbao-db")
        self.known = store.known_hashes()
        self.pending: dict[str, asyncio.Future[_Parsed]] = {}
        self.stored = 0

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        self.db.shutdown()

    async def in_db(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.db, fn, *args)

    async def ingest(self, url: str, kind: str, data: bytes, meta: dict[str, str]) -> _Parsed:
        sha = hashlib.sha256(data).hexdigest()
        if sha in self.pending:
            return await self.pending[sha]
        fut: asyncio.Future[_Parsed] = asyncio.get_running_loop().create_future()
        self.pending[sha] = fut
        try:
            if sha in self.known:
                parsed = await self.in_db(self._stored_info, sha)
            else:
                loop = asyncio.get_running_loop()
                (report, error), own = await loop.run_in_executor(
                    self.pool, parse_isolated_fetched, url, kind, data, meta
                )
                if not own:  # the pool's failure, not the file's: record nothing, try next run
                    parsed = _Parsed(error=error)
                    fut.set_result(parsed)
                    del self.pending[sha]
                    return parsed
                await self.in_db(store_fetched, self.store, url, data, (report, error), kind)
                self.known.add(sha)
                self.stored += 1
                parsed = _Parsed(report.year, report.published, None) if report else _Parsed(error=error)
            fut.set_result(parsed)
            return parsed
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # retrieved: a waiter that never comes must not log it
            raise

    def _stored_info(self, sha: str) -> _Parsed:
        found = acquire_db.stored_document(self.store, sha)
        return _Parsed(found.year, found.signed, found.error) if found else _Parsed()


async def _run(
    units: list[Unit], opts: WatchOptions, policy: FetchPolicy, store: Store | None, progress: Progress | None
) -> WatchSummary:
    t0, c0 = time.perf_counter(), time.process_time()
    out = Path(opts.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state = WatchState(out / "state.sqlite")
    run_id, resumed = state.open_run(opts.year, len(units))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    recorder = WarcRecorder(out / "evidence" / f"watch-{opts.year}-run{run_id}-{stamp}.warc.gz")
    fetcher = Fetcher(policy, recorder)
    crawler = Crawler(fetcher, state, out / "files")
    ingester = _Ingester(store, opts.workers) if store is not None else None
    summary = WatchSummary(
        opts.year, [], run_id, resumed, warc=str(recorder.path), state_file=str(state.path)
    )
    results: dict[str, UnitResult] = {}
    done = state.done_in_run(run_id) if resumed else {}
    latest = state.latest(opts.year)
    todo: list[Unit] = []
    carried: list[UnitResult] = []
    for u in units:
        if u.key in done:
            results[u.key] = UnitResult.from_dict(done[u.key])
            summary.resumed_units += 1
            continue
        prev = latest.get(u.key)
        if (
            prev
            and not opts.recheck
            and prev.get("state") in (ON_TIME, LATE)
            and prev.get("column_url") == u.url
            and (store is None or prev.get("stored"))
        ):
            r = UnitResult.from_dict(prev)
            _judge(r, u, opts)  # the deadline may have been given differently this time
            r.reused = True
            results[u.key] = r
            state.record(run_id, opts.year, u.key, r.to_dict())
            carried.append(r)
            summary.reused += 1
            continue
        todo.append(u)
    total = len(units)
    finished = len(results)
    if progress:
        progress(finished, total, None)
    try:
        if ingester is not None and carried:
            await ingester.in_db(_record_db, ingester, carried, opts.year)
        queue: asyncio.Queue[Unit] = asyncio.Queue()
        for u in todo:
            queue.put_nowait(u)

        async def worker() -> None:
            nonlocal finished
            while True:
                try:
                    u = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                r = await _check_unit(crawler, ingester, u, opts)
                results[u.key] = r
                state.record(run_id, opts.year, u.key, r.to_dict())
                if ingester is not None:
                    await ingester.in_db(_record_db, ingester, [r], opts.year)
                finished += 1
                summary.checked += 1
                if progress:
                    progress(finished, total, r)

        await asyncio.gather(*(worker() for _ in range(max(1, min(opts.concurrency, len(todo) or 1)))))
        state.finish_run(run_id)
    finally:
        await fetcher.aclose()
        recorder.close()
        if ingester is not None:
            summary.ingested = ingester.stored
            ingester.close()
        state.close()
    summary.results = [results[u.key] for u in units if u.key in results]
    summary.new, summary.unchanged = crawler.new, crawler.unchanged
    summary.requests, summary.bytes = fetcher.stats.requests, fetcher.stats.bytes
    summary.seconds = time.perf_counter() - t0
    summary.cpu_seconds = time.process_time() - c0
    return summary


def _record_db(ingester: _Ingester, results: list[UnitResult], year: int) -> None:
    acquire_db.record_status(
        ingester.store,
        (
            acquire_db.StatusRecord(
                organ=r.organ,
                region=r.region,
                year=year,
                column_url=r.column_url,
                state=r.state,
                days_late=r.days_late,
                deadline=r.deadline,
                published=r.published,
                published_source=r.published_source,
                title=r.title,
                report_url=r.report_url,
                page_url=r.page_url,
                reason=r.reason,
                sha256=r.sha256,
                evidence_path=r.evidence[0] if r.evidence else None,
                evidence_offset=r.evidence[1] if r.evidence else None,
                checked_at=datetime.fromisoformat(r.checked_at) if r.checked_at else None,
            )
            for r in results
        ),
    )


def _judge(r: UnitResult, u: Unit, opts: WatchOptions) -> None:
    limit, why = deadline(u.organ, opts.year, u.deadline_for(opts.year), opts.deadline)
    r.deadline, r.deadline_why = limit.isoformat(), why
    if r.state in (ON_TIME, LATE):
        r.state, r.days_late = judge(r.published, limit)


async def _check_unit(
    crawler: Crawler, ingester: _Ingester | None, u: Unit, opts: WatchOptions
) -> UnitResult:
    year = opts.year
    r = UnitResult(u.organ, u.region, u.url, checked_at=datetime.now(UTC).isoformat(timespec="seconds"))
    _judge(r, u, opts)
    try:
        walk = await walk_column(crawler, u.url, u.organ, year, opts.max_pages)
    except FetchError as exc:
        r.state, r.reason = UNREACHABLE, str(exc)
        ev = exc.evidence
        r.evidence = [ev.path, ev.offset] if ev is not None else None  # type: ignore[attr-defined]
        return r
    r.evidence = list(walk.evidence) if walk.evidence else None
    if walk.link is None:
        r.state = MISSING
        r.reason = f"栏目前 {walk.pages} 页中没有标题为 {year} 年度政府信息公开工作年度报告的条目"
        if walk.note:
            r.add_reason(walk.note)
        return r
    link = walk.link
    r.title, r.page_url = link.text, link.url
    try:
        detail = await crawler.fetch(link.url)
    except FetchError as exc:
        listed = page_date(None, link)
        if listed is None:
            r.state, r.reason = UNREACHABLE, f"栏目列出了报告，但报告页面无法打开：{exc}"
            return r
        r.published, r.published_source, r.report_url = listed.date, listed.source, link.url
        r.state = ON_TIME
        r.add_reason(f"报告页面无法打开，发布日期取自栏目列表：{exc}")
        _judge(r, u, opts)
        return r
    report: Fetched | None = None
    found = page_date(detail.page, link)
    if detail.page is not None:
        r.evidence = list(detail.evidence) if detail.evidence else r.evidence
        att = choose_attachment(detail.page, u.organ, year)
        if att is not None:
            r.report_url = att.url
            try:
                report = await crawler.fetch(att.url)
            except FetchError as exc:
                r.add_reason(f"报告附件无法下载：{exc}")
        elif detail.page.report_like:  # the page is the report: its tables may be pictures
            report, r.report_url = await with_pictures(crawler, detail), detail.url
        else:
            r.report_url = detail.url
            r.add_reason("报告页面中没有找到报告正文或附件")
    else:
        report, r.report_url = detail, detail.url
    if found is not None:
        r.published, r.published_source = found.date, found.source
    if report is not None:
        r.sha256, r.kind, r.local_file = report.sha256, report.kind, report.local_file
        if ingester is not None:
            if report.content is None:
                r.add_reason("服务器称内容未变，但本地副本缺失，未能导入")
            else:
                meta = {
                    "published": r.published or "",
                    "published_source": r.published_source or "",
                    "url": r.report_url or "",
                    "page_url": r.page_url or "",
                }
                parsed = await ingester.ingest(r.report_url or link.url, report.kind, report.content, meta)
                r.report_year = parsed.year
                if parsed.error:
                    r.add_reason(f"报告无法解析：{parsed.error}")
                else:
                    r.stored = True
                if r.published is None and parsed.signed:
                    r.published, r.published_source = parsed.signed, "落款日期"
                if parsed.year and parsed.year != year:
                    r.add_reason(f"报告正文所写年度为 {parsed.year} 年")
                await ingester.in_db(
                    _record_fetch, ingester, report, r, tuple(detail.evidence) if detail.evidence else None
                )
    r.state = ON_TIME
    _judge(r, u, opts)
    if r.published is None:
        r.add_reason("网站未标明发布日期，无法判断是否逾期")
    return r


def _record_fetch(
    ingester: _Ingester, report: Fetched, r: UnitResult, evidence: tuple[str, int] | None
) -> None:
    if report.sha256:
        acquire_db.record_fetch(
            ingester.store,
            report.sha256,
            r.report_url or report.url,
            page_url=r.page_url,
            published=r.published,
            published_source=r.published_source,
            kind=report.kind,
            evidence=evidence or report.evidence,
        )
