"""Upload jobs: parse uploaded files (or every member of an uploaded ZIP) in the background.

Each file is parsed in a separate process (forkserver, the package preloaded) with a time limit,
so a hostile or pathological document cannot hang the server; results go to the store exactly as
`nianbao ingest` stores them (by content hash, so re-uploading a file finds the stored report).
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..corpus.ingest import parse_item
from ..corpus.inputs import iter_items
from ..store import Store
from ..store.schema import Document, ReportRow

FILE_TIMEOUT_S = float(os.environ.get("NIANBAO_WEB_FILE_TIMEOUT", 120))
_ctx = mp.get_context("forkserver")
_ctx.set_forkserver_preload(["nianbao.api", "nianbao.corpus.ingest"])


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
    owner_id: int
    items: list[JobItem] = field(default_factory=list)
    done: bool = False
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def finished(self) -> int:
        return sum(1 for i in self.items if i.status in ("ok", "error"))

    @property
    def percent(self) -> int:
        return 100 if not self.items else round(100 * self.finished / len(self.items))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "done": self.done,
            "total": len(self.items),
            "finished": self.finished,
            "items": [i.__dict__ for i in self.items],
        }


def _child(conn: Any, name: str, data: bytes) -> None:  # runs in the worker process
    report, error = parse_item(name, data)
    conn.send((report, error))
    conn.close()


def parse_with_timeout(name: str, data: bytes, timeout: float = FILE_TIMEOUT_S) -> tuple[Any, str | None]:
    parent, child = _ctx.Pipe(duplex=False)
    proc = _ctx.Process(target=_child, args=(child, name, data), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                return parent.recv()
            except EOFError:
                return None, "解析进程意外退出（文件可能已损坏）"
        return None, f"处理超时（超过 {int(timeout)} 秒），已停止"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


class JobRunner:
    """Jobs of this server process; one background thread works through the queue."""

    def __init__(self, store: Store, timeout: float = FILE_TIMEOUT_S) -> None:
        self.store = store
        self.timeout = timeout
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, owner: str, owner_id: int, filename: str, data: bytes) -> Job:
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
        with self._lock:
            self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, items, tmpdir), daemon=True).start()
        return job

    def _run(self, job: Job, items: list[Any], tmpdir: Path) -> None:
        try:
            for ji, it in zip(job.items, items, strict=True):
                if it.data is None:
                    continue
                ji.status = "running"
                sha = hashlib.sha256(it.data).hexdigest()
                existing = self._existing(sha)
                if existing is not None:
                    ji.report_id, ji.status = existing, "ok"
                    self._count(ji)
                    continue
                report, error = parse_with_timeout(ji.name, it.data, self.timeout)
                self.store.record_document(sha, ji.name, len(it.data), report, error)
                if report is None:
                    ji.status, ji.error = "error", error
                else:
                    ji.report_id, ji.status = self._existing(sha), "ok"
                    self._count(ji)
        except Exception as exc:  # the job must end visibly, never hang at "running"
            for ji in job.items:
                if ji.status in ("waiting", "running"):
                    ji.status, ji.error = "error", f"内部错误：{exc}"
        finally:
            job.done = True
            for p in tmpdir.iterdir():
                p.unlink(missing_ok=True)
            tmpdir.rmdir()

    def _existing(self, sha: str) -> int | None:
        with self.store.session() as s:
            return s.scalar(
                select(ReportRow.id).join(Document, Document.id == ReportRow.document_id).where(
                    Document.sha256 == sha
                )
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
        return self.jobs.get(job_id)
