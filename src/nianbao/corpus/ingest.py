"""Batch ingest: parse files in parallel, write every result to the store from this process.

Each file is stored in its own transaction keyed by its content hash, so a run killed at any
point resumes where it stopped: stored files are skipped, nothing is stored twice. Parsing runs
in isolated worker processes (`nianbao.isolation`: per-file memory, CPU and time limits; a crash
costs only the file that caused it), locally or inside Ray tasks; only the parent writes to the
database, which keeps SQLite to one writer and the workers free of database connections.

A file whose error is the pool's, not its own (its worker could not be started, the run was
interrupted), is not recorded, so the next run tries it again.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import isolation
from ..errors import NianbaoError
from ..model import Report
from ..review.identify import not_a_report
from ..store import DocumentRecord, OrganCache, Store
from .inputs import InputItem, iter_items, list_inputs

ParseResult = tuple[Report | None, str | None]


def parse_item(name: str, data: bytes) -> ParseResult:
    """Parse one file's bytes; never raises. Runs in a worker."""
    from ..api import parse

    try:
        report = parse(data, name=name)
        refused = not_a_report(report)  # a README, a label file, a notice: an error row, no report
        if refused:
            return None, refused
        report.document = None  # the Document is large and not stored; don't ship it back
        report.source = name
        return report, None
    except NianbaoError as exc:
        return None, str(exc)
    except MemoryError:
        return None, isolation.memory_exhausted()
    except Exception as exc:  # a parser bug must not lose the batch
        from ..errorlog import log_exception

        log_exception(exc, f"parse {name}")
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return None, f"内部错误（请报告此问题）：{detail}"


# files recorded by earlier versions with an error that was a neighbour's crash, not their own
_POOL_ERRORS = ("解析进程异常退出", "解析任务失败")


@dataclass
class IngestStats:
    seen: int = 0
    skipped: int = 0  # already in the store
    stored: int = 0
    errors: int = 0
    seconds: float = 0.0
    retry_later: int = 0  # not recorded: the pool failed, not the file; the next run tries again
    error_files: list[tuple[str, str]] = field(default_factory=list)
    peak_worker_mb: float = 0.0  # the largest resident memory a worker reached on one file

    @property
    def rate(self) -> float:
        return self.stored / self.seconds if self.seconds else 0.0


@dataclass
class _Pending:
    item: InputItem
    sha: str
    size: int = 0


Progress = Callable[[IngestStats, int | None], None]


def ingest(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    workers: int | None = None,
    engine: str = "local",
    address: str | None = None,
    progress: Progress | None = None,
    batch: int = 16,
    limits: isolation.Limits | None = None,
) -> IngestStats:
    """Ingest files, folders and ZIPs into `store`. Returns counts; errors are stored, not raised.

    `limits`: what one file may cost (default `isolation.Limits.from_env()`)."""
    files = [f for f in list_inputs(paths) if not _is_own_database(f, store)]
    stats = IngestStats()
    store.forget_errors(starting_with=_POOL_ERRORS)  # earlier versions blamed a crash's neighbours
    known = store.known_hashes()
    start = time.perf_counter()
    total = len(files)

    writer = _BatchWriter(store, stats, batch)

    def todo() -> Iterator[_Pending]:
        for item in iter_items(files):
            stats.seen += 1
            sha = item.sha256
            if sha in known:
                stats.skipped += 1
                continue
            known.add(sha)  # the same content twice in one run is parsed once
            if item.data is None:
                writer.add(DocumentRecord(sha, item.name, 0, None, item.error))
                continue
            yield _Pending(item, sha, len(item.data))

    def done(p: _Pending, out: isolation.Outcome) -> None:
        stats.peak_worker_mb = max(stats.peak_worker_mb, out.peak_rss_mb)
        if not out.own:  # the pool's failure: leave the file for the next run
            known.discard(p.sha)
            stats.retry_later += 1
            stats.error_files.append((p.item.name, out.error or ""))
            return
        report, error = out.value if out.ok else (None, out.error)
        if writer.add(DocumentRecord(p.sha, p.item.name, p.size, report, error)):
            stats.seconds = time.perf_counter() - start
            if progress:
                progress(stats, total)

    runner = _run_ray if engine == "ray" else _run_local
    if engine not in ("local", "ray"):
        raise ValueError(f"未知的执行引擎：{engine}（可选 local、ray）")
    try:
        runner(todo(), done, workers or os.cpu_count() or 1, address, limits or isolation.Limits.from_env())
    finally:
        writer.flush()  # also on Ctrl-C: what was parsed is kept
    stats.seconds = time.perf_counter() - start
    if progress:
        progress(stats, total)
    return stats


def _is_own_database(path: Path, store: Store) -> bool:
    """`nianbao ingest .` beside nianbao.db must not ingest the database (or its WAL) itself."""
    db = store.engine.url.database if store.dialect == "sqlite" else None
    if not db:
        return False
    base = Path(db).resolve()
    try:
        resolved = path.resolve()
    except OSError:
        return False
    return resolved in {base, Path(f"{base}-wal"), Path(f"{base}-shm"), Path(f"{base}-journal")}


class _BatchWriter:
    """Commit parsed files in small batches: fewer commits, still all-or-nothing per batch."""

    def __init__(self, store: Store, stats: IngestStats, size: int, max_wait: float = 1.0) -> None:
        self.store, self.stats, self.size, self.max_wait = store, stats, max(size, 1), max_wait
        self.pending: list[DocumentRecord] = []
        self.last = time.monotonic()
        self.organs = OrganCache()  # each printed organ resolved once per run

    def add(self, record: DocumentRecord) -> bool:
        """Queue a record; returns True when the queue was written."""
        self.pending.append(record)
        if len(self.pending) >= self.size or time.monotonic() - self.last >= self.max_wait:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        if not self.pending:
            return
        self.store.record_documents(self.pending, self.organs)
        for r in self.pending:
            if r.report is None:
                self.stats.errors += 1
                self.stats.error_files.append((r.path, r.error or "未知错误"))
            else:
                self.stats.stored += 1
        self.pending = []
        self.last = time.monotonic()


def _run_local(
    items: Iterator[_Pending],
    done: Callable[[_Pending, isolation.Outcome], None],
    workers: int,
    _address: str | None,
    limits: isolation.Limits,
) -> None:
    isolation.preload(__name__)

    def jobs() -> Iterator[tuple[_Pending, tuple[str, bytes]]]:
        for p in items:
            data, p.item.data = p.item.data or b"", None  # the worker gets its copy; drop ours after
            yield p, (p.item.name, data)

    # bounded: a 100,000-file folder must not sit in memory; a worker's file waits in its pipe
    with isolation.Pool(workers, limits) as pool:
        for p, out in pool.imap_unordered(parse_item, jobs(), window=workers * 2):
            done(p, out)


def parse_item_isolated(name: str, data: bytes, limits: isolation.Limits) -> isolation.Outcome:
    """`parse_item` in an isolated worker of the calling process (a Ray worker's own pool)."""
    isolation.preload(__name__)
    return isolation.run_isolated(parse_item, name, data, limits=limits)


def _run_ray(
    items: Iterator[_Pending],
    done: Callable[[_Pending, isolation.Outcome], None],
    workers: int,
    address: str | None,
    limits: isolation.Limits,
) -> None:
    try:
        import ray
    except ImportError:
        raise NianbaoError("未安装 Ray：请执行 pip install 'nianbao[ray]'") from None
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False}
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = workers
        ray.init(**kwargs)
    # each Ray task parses in an isolated worker of its own Ray worker process: the same limits,
    # the same error rows as the local engine; a Ray worker that dies anyway is the pool's failure
    remote = ray.remote(num_cpus=1, max_retries=1)(parse_item_isolated)
    window = max(int(ray.available_resources().get("CPU", workers)), 1) * 4
    running: dict[Any, _Pending] = {}

    def collect(refs: list[Any]) -> None:
        for ref in refs:
            p = running.pop(ref)
            try:
                out = ray.get(ref)
            except Exception as exc:  # the task's Ray worker died
                why = f"Ray 任务失败：{type(exc).__name__}"
                out = isolation.Outcome(
                    error=isolation.NOT_STARTED.format(why=why), own=False, kind="not-started"
                )
            done(p, out)

    for p in items:
        running[remote.remote(p.item.name, p.item.data or b"", limits)] = p
        p.item.data = None
        if len(running) >= window:
            ready, _ = ray.wait(list(running), num_returns=1)
            collect(ready)
    while running:
        ready, _ = ray.wait(list(running), num_returns=len(running), timeout=1.0)
        collect(ready)
