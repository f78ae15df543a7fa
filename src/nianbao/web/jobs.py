"""Upload jobs: parse uploaded files (or every member of an uploaded ZIP) in the background.

Each file is parsed in an isolated worker process (`nianbao.isolation`: memory, CPU and time
limits per file, killed with its subprocesses at a limit), so a hostile or pathological document
can neither hang nor crash the server; results go to the store exactly as `nianbao ingest` stores
them (by content hash, so re-uploading a file finds the stored report).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import isolation
from ..corpus.ingest import parse_item
from ..corpus.inputs import is_zip, iter_items
from ..store import Store
from ..store import jobs as job_repo
from ..store import reports as report_repo

FILE_TIMEOUT_S = float(os.environ.get("NIANBAO_WEB_FILE_TIMEOUT", 120))
isolation.preload("nianbao.corpus.ingest")


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
        if self.done:
            return 100
        return round(100 * self.finished / len(self.items)) if self.items else 0  # 0: still unpacking

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
    def from_row(cls, row: Any) -> Job:
        return cls(
            row.id,
            row.owner,
            row.owner_id,
            [JobItem(**i) for i in row.items or []],
            row.status,
            row.error,
            row.created_at,
        )


def parse_with_timeout(
    name: str, data: bytes, timeout: float = FILE_TIMEOUT_S, tick: Callable[[], None] | None = None
) -> tuple[Any, str | None]:
    """Parse in an isolated worker (`timeout`: wall and CPU seconds; memory per
    `NIANBAO_PARSE_MEMORY_MB`); `tick` is called every HEARTBEAT_S seconds while waiting."""
    limits = isolation.Limits.from_env(wall_seconds=timeout, cpu_seconds=timeout)
    out = isolation.run_isolated(parse_item, name, data, limits=limits, tick=tick)
    return out.value if out.ok else (None, out.error)


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

    def _gone(self, row: Any, now: datetime | None = None) -> bool:
        silent = ((now or datetime.now(UTC)) - _aware(row.updated_at)).total_seconds()
        return silent > max(STALE_S, self.timeout + 30) or (
            row.worker != self.worker and _worker_gone(row.worker, self.host)
        )

    def recover(self) -> int:
        """Mark failed the unfinished jobs whose process is gone; returns how many."""
        now = datetime.now(UTC)
        return job_repo.check_unfinished(
            self.store,
            lambda row: (
                _worker_gone(row.worker, self.host)
                or (now - _aware(row.updated_at)).total_seconds() > max(STALE_S, self.timeout + 30)
            ),
            INTERRUPTED,
        )

    def submit(
        self, owner: str, owner_id: int, filename: str, data: bytes, scope: set[int] | None = None
    ) -> Job:
        """Queue a file's bytes (or a ZIP's); see `submit_file`."""
        tmpdir = Path(tempfile.mkdtemp(prefix="nianbao-upload-"))
        # the file keeps only a safe base name: the uploader chooses the name, not the path
        safe = Path(filename.replace("\x00", "")).name
        path = tmpdir / (safe if safe not in ("", ".", "..") else "upload")
        path.write_bytes(data)
        return self.submit_file(owner, owner_id, path, scope)

    def submit_file(self, owner: str, owner_id: int, path: Path, scope: set[int] | None = None) -> Job:
        """Queue an uploaded file (or a ZIP of files) saved alone in its own temporary folder,
        which the job removes when it ends. A ZIP is unpacked by the job's thread, not here (this
        runs for a request), with the zip-bomb checks of ingest. `scope`: the region ids the
        uploader reviews (None: all)."""
        job = Job(uuid.uuid4().hex, owner, owner_id)
        try:
            job_repo.add(self.store, job.id, owner, owner_id, self.worker, [])
        except BaseException:
            _remove_folder(path.parent)
            raise
        threading.Thread(target=self._run, args=(job, path, scope), daemon=True).start()
        return job

    def _save(self, job: Job) -> None:
        job_repo.save(self.store, job.id, job.status, job.error, [dict(i.__dict__) for i in job.items])

    def _unpack(self, job: Job, path: Path) -> list[Path | None]:
        """The job's items, one per file (a ZIP's members written to disk one at a time, so that
        at most one member is in memory); None for an item that is an error row."""
        tmpdir = path.parent
        if not is_zip(path):
            job.items.append(JobItem(path.name))
            return [path]
        files: list[Path | None] = []
        members = tmpdir / "members"
        members.mkdir()
        for n, it in enumerate(iter_items([path])):
            shown = it.name.replace(str(tmpdir) + os.sep, "")
            job.items.append(JobItem(shown, "error" if it.data is None else "waiting", error=it.error))
            if it.data is None:
                files.append(None)
                continue
            member = members / f"{n:06d}"
            member.write_bytes(it.data)
            files.append(member)
            if n % 200 == 199:
                self._save(job)  # the heartbeat, while a large archive unpacks
        path.unlink()  # the archive is no longer needed: its members are on disk
        return files

    def _run(self, job: Job, path: Path, scope: set[int] | None) -> None:
        try:
            job.status = "running"
            self._save(job)
            files = self._unpack(job, path)
            self._save(job)
            for ji, file in zip(job.items, files, strict=True):
                if file is None:
                    continue
                ji.status = "running"
                self._save(job)
                data = file.read_bytes()
                self._one(job, ji, data, scope)
                del data
                file.unlink(missing_ok=True)
                self._save(job)
            job.status = "done"
        except Exception as exc:  # the job must end visibly, never hang at "running"
            job.status, job.error = "failed", f"内部错误：{exc}"
            for ji in job.items:
                if ji.status in ("waiting", "running"):
                    ji.status, ji.error = "error", f"内部错误：{exc}"
        finally:
            self._save(job)
            _remove_folder(path.parent)

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
        place = report_repo.place(self.store, report_id)
        return place is not None and place.region_id in scope

    def _organ_of(self, report_id: int) -> str:
        place = report_repo.place(self.store, report_id)
        return (place.organ if place else None) or "未识别"

    def _existing(self, sha: str) -> int | None:
        return report_repo.of_document(self.store, sha)

    def _count(self, ji: JobItem) -> None:
        if ji.report_id is None:
            return
        counts: dict[str, int] = {}
        for f in self.store.findings(report_id=ji.report_id):
            if not f.accepted:
                counts[f.severity] = counts.get(f.severity, 0) + 1
        ji.findings = counts

    def get(self, job_id: str) -> Job | None:
        row = job_repo.get(self.store, job_id, self._gone, INTERRUPTED)
        return None if row is None else Job.from_row(row)


def _remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
