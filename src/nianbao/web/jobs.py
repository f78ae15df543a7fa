"""Upload jobs: parse uploaded files (or every member of an uploaded ZIP) in the background.

Each file is parsed in a separate process (forkserver, the package preloaded) with a time limit,
so a hostile or pathological document cannot hang the server; results go to the store exactly as
`nianbao ingest` stores them (by content hash, so re-uploading a file finds the stored report).
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from ..corpus.ingest import parse_item
from ..corpus.inputs import iter_items
from ..store import Store
from ..store.schema import Document, ReportRow
from .models import JobRow

FILE_TIMEOUT_S = float(os.environ.get("NIANBAO_WEB_FILE_TIMEOUT", 120))
_ctx = mp.get_context("forkserver")
_ctx.set_forkserver_preload(["nianbao.api", "nianbao.corpus.ingest"])


INTERRUPTED = "服务器重启或工作进程退出，任务已中断；已完成的文件已入库，其余文件请重新上传"
OUT_OF_SCOPE = "报告所属机关“{organ}”不在您的审核范围内，未入库；请由该地区的审核人员或管理员上传"
NO_REGION = "无法确定报告所属地区（机关：{organ}），不在您的审核范围内，未入库；请由管理员上传"
HEARTBEAT_S = 10.0  # a running job touches its row this often
STALE_S = 90.0  # a queued or running job silent this long belongs to a process that is gone
_LIVE_WORKERS: set[str] = set()  # runners of this process, to tell a restarted process from a live one


@dataclass
class JobItem:
    name: str
    status: str = "waiting"  # waiting / running / ok / error
    report_id: int | None = None
    error: str | None = None
    findings: dict[str, int] = field(default_factory=dict)


@dataclass
class Job:
    id: str
    owner: str
    owner_id: int | None
    items: list[JobItem] = field(default_factory=list)
    status: str = "queued"  # queued / running / done / failed
    error: str | None = None
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def done(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def finished(self) -> int:
        return sum(1 for i in self.items if i.status in ("ok", "error"))

    @property
    def percent(self) -> int:
        return 100 if not self.items or self.done else round(100 * self.finished / len(self.items))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner": self.owner,
            "status": self.status,
            "error": self.error,
            "done": self.done,
            "total": len(self.items),
            "finished": self.finished,
            "items": [dict(i.__dict__) for i in self.items],
        }

    @classmethod
    def from_row(cls, row: JobRow) -> Job:
        return cls(
            row.id,
            row.owner,
            row.owner_id,
            [JobItem(**i) for i in row.items or []],
            row.status,
            row.error,
            row.created_at,
        )


def _child(conn: Any, name: str, data: bytes) -> None:  # runs in the worker process
    report, error = parse_item(name, data)
    conn.send((report, error))
    conn.close()


def parse_with_timeout(
    name: str, data: bytes, timeout: float = FILE_TIMEOUT_S, tick: Callable[[], None] | None = None
) -> tuple[Any, str | None]:
    """Parse in a child process; `tick` is called every HEARTBEAT_S seconds while waiting."""
    parent, child = _ctx.Pipe(duplex=False)
    proc = _ctx.Process(target=_child, args=(child, name, data), daemon=True)
    proc.start()
    child.close()
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            if parent.poll(min(left, HEARTBEAT_S)):
                try:
                    return parent.recv()
                except EOFError:
                    return None, "解析进程意外退出（文件可能已损坏）"
            if tick is not None:
                tick()
        return None, f"处理超时（超过 {int(timeout)} 秒），已停止"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


def upload_scope(p: Any) -> set[int] | None:
    """The regions a principal may add reports to: an admin anywhere, a reviewer their subtree."""
    return None if p.is_admin else set(p.region_ids)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_gone(worker: str | None, host: str) -> bool:
    """Whether the process that ran a job is known to be gone (same host only)."""
    if not worker or worker.count(":") < 2:
        return True
    w_host, w_pid, _ = worker.rsplit(":", 2)
    if w_host != host or not w_pid.isdigit():
        return False  # another machine: only the heartbeat tells
    if int(w_pid) == os.getpid():
        return worker not in _LIVE_WORKERS  # this pid, but an earlier life of it (a restart)
    return not _pid_alive(int(w_pid))


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite gives naive datetimes back


class JobRunner:
    """Upload jobs, kept in `web_jobs`; this process's background threads work through its own.

    Any worker process can show any job. A job whose process is gone (a restart, a crash) is
    marked failed with `INTERRUPTED`: at start-up for this host's dead processes, and when its
    heartbeat is older than STALE_S otherwise. Interrupted jobs are not resumed: the uploaded
    bytes live only in a temporary folder of the process that received them.
    """

    def __init__(self, store: Store, timeout: float = FILE_TIMEOUT_S) -> None:
        self.store = store
        self.timeout = timeout
        self.host = socket.gethostname()
        self.worker = f"{self.host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        _LIVE_WORKERS.add(self.worker)
        self.recover()

    def recover(self) -> int:
        """Mark failed the unfinished jobs whose process is gone; returns how many."""
        now = datetime.now(UTC)
        n = 0
        with self.store.session() as s:
            for row in s.scalars(select(JobRow).where(JobRow.status.in_(("queued", "running")))):
                stale = (now - _aware(row.updated_at)).total_seconds() > max(STALE_S, self.timeout + 30)
                if _worker_gone(row.worker, self.host) or stale:
                    _fail(row)
                    n += 1
        return n

    def submit(
        self, owner: str, owner_id: int, filename: str, data: bytes, scope: set[int] | None = None
    ) -> Job:
        """Queue a file (or a ZIP of files). `scope`: the region ids the uploader reviews (None: all)."""
        job = Job(uuid.uuid4().hex, owner, owner_id)
        tmpdir = Path(tempfile.mkdtemp(prefix="nianbao-upload-"))
        # the file keeps only a safe base name: the uploader chooses the name, not the path
        safe = Path(filename).name.replace("\x00", "") or "upload"
        path = tmpdir / safe
        path.write_bytes(data)
        items = list(iter_items([path]))  # a ZIP expands here, with the zip-bomb checks of ingest
        for it in items:
            shown = it.name.replace(str(tmpdir) + os.sep, "")
            job.items.append(JobItem(shown, "error" if it.data is None else "waiting", error=it.error))
        with self.store.session() as s:
            s.add(
                JobRow(
                    id=job.id,
                    owner=owner,
                    owner_id=owner_id,
                    status="queued",
                    worker=self.worker,
                    items=[dict(i.__dict__) for i in job.items],
                )
            )
        threading.Thread(target=self._run, args=(job, items, tmpdir, scope), daemon=True).start()
        return job

    def _save(self, job: Job) -> None:
        with self.store.session() as s:
            s.execute(
                update(JobRow)
                .where(JobRow.id == job.id)
                .values(
                    status=job.status,
                    error=job.error,
                    items=[dict(i.__dict__) for i in job.items],
                    updated_at=datetime.now(UTC),
                )
            )

    def _run(self, job: Job, items: list[Any], tmpdir: Path, scope: set[int] | None) -> None:
        try:
            job.status = "running"
            self._save(job)
            for ji, it in zip(job.items, items, strict=True):
                if it.data is None:
                    continue
                ji.status = "running"
                self._save(job)
                self._one(job, ji, it.data, scope)
                self._save(job)
            job.status = "done"
        except Exception as exc:  # the job must end visibly, never hang at "running"
            job.status, job.error = "failed", f"内部错误：{exc}"
            for ji in job.items:
                if ji.status in ("waiting", "running"):
                    ji.status, ji.error = "error", f"内部错误：{exc}"
        finally:
            self._save(job)
            for p in tmpdir.iterdir():
                p.unlink(missing_ok=True)
            tmpdir.rmdir()

    def _one(self, job: Job, ji: JobItem, data: bytes, scope: set[int] | None) -> None:
        sha = hashlib.sha256(data).hexdigest()
        existing = self._existing(sha)
        if existing is not None:
            if scope is not None and not self._stored_in_scope(existing, scope):
                ji.status, ji.error = "error", OUT_OF_SCOPE.format(organ=self._organ_of(existing))
                return
            ji.report_id, ji.status = existing, "ok"
            self._count(ji)
            return
        report, error = parse_with_timeout(ji.name, data, self.timeout, tick=lambda: self._save(job))
        if report is not None and scope is not None:
            chain = self.store.resolve_regions(report.organ, report.region)
            if not chain or not set(chain) & scope:
                # refused before storing: the reviewer could not open it, and it is not theirs to add
                template = NO_REGION if not chain else OUT_OF_SCOPE
                ji.status, ji.error = "error", template.format(organ=report.organ or "未识别")
                return
        self.store.record_document(sha, ji.name, len(data), report, error)
        if report is None:
            ji.status, ji.error = "error", error
        else:
            ji.report_id, ji.status = self._existing(sha), "ok"
            self._count(ji)

    def _stored_in_scope(self, report_id: int, scope: set[int]) -> bool:
        with self.store.session() as s:
            return s.scalar(select(ReportRow.region_id).where(ReportRow.id == report_id)) in scope

    def _organ_of(self, report_id: int) -> str:
        with self.store.session() as s:
            return s.scalar(select(ReportRow.organ).where(ReportRow.id == report_id)) or "未识别"

    def _existing(self, sha: str) -> int | None:
        with self.store.session() as s:
            return s.scalar(
                select(ReportRow.id)
                .join(Document, Document.id == ReportRow.document_id)
                .where(Document.sha256 == sha)
            )

    def _count(self, ji: JobItem) -> None:
        if ji.report_id is None:
            return
        counts: dict[str, int] = {}
        for f in self.store.findings(report_id=ji.report_id):
            if not f.accepted:
                counts[f.severity] = counts.get(f.severity, 0) + 1
        ji.findings = counts

    def get(self, job_id: str) -> Job | None:
        with self.store.session() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                return None
            if row.status in ("queued", "running"):
                silent = (datetime.now(UTC) - _aware(row.updated_at)).total_seconds()
                if silent > max(STALE_S, self.timeout + 30) or (
                    row.worker != self.worker and _worker_gone(row.worker, self.host)
                ):
                    _fail(row)
            return Job.from_row(row)


def _fail(row: JobRow) -> None:
    row.status, row.error = "failed", INTERRUPTED
    row.items = [
        {**i, "status": "error", "error": INTERRUPTED} if i.get("status") in ("waiting", "running") else i
        for i in row.items or []
    ]
    row.updated_at = datetime.now(UTC)
