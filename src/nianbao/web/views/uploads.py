"""Uploads as a reviewer sees them: each file with its organ and year, 已在库中 for a file stored
before, a summary of the whole upload, and the history of one's uploads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...review.identify import NOT_A_REPORT
from ...review.labels import beijing
from ...store import Store
from ...store import review as repo

STATUS_ZH = {"waiting": "等待", "running": "处理中…", "ok": "完成", "error": "失败"}
JOB_ZH = {"queued": "排队中", "running": "正在处理", "done": "已完成", "failed": "已中断"}


def _aware(t: datetime | None) -> datetime | None:
    return t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t


def upload_view(store: Store, jobs: list[Any]) -> dict[str, Any]:
    """The files of one or more jobs (one per uploaded file or ZIP) with a summary."""
    ids = {it.report_id for j in jobs for it in j.items if it.report_id}
    briefs = repo.report_briefs(store, ids)
    rows = []
    summary = {"files": 0, "new": 0, "known": 0, "failed": 0, "not_report": 0, "errors": 0, "warnings": 0}
    for job in jobs:
        started = _aware(job.started)
        for it in job.items:
            b = briefs.get(it.report_id or -1, {})
            added = _aware(b.get("added"))
            known = it.status == "ok" and added is not None and started is not None and added < started
            rows.append(
                {
                    "name": it.name,
                    "status": it.status,
                    "status_zh": "已在库中" if known else STATUS_ZH.get(it.status, it.status),
                    "known": known,
                    "report_id": it.report_id,
                    "organ": b.get("organ") or "",
                    "year": b.get("year") or "",
                    "error": it.error,
                    "findings": it.findings,
                }
            )
            summary["files"] += 1
            if it.status == "ok":
                summary["known" if known else "new"] += 1
                summary["errors"] += it.findings.get("error", 0)
                summary["warnings"] += it.findings.get("warning", 0)
            elif it.status == "error":
                summary["failed"] += 1
                if (it.error or "").startswith(NOT_A_REPORT):
                    summary["not_report"] += 1
    done = all(j.done for j in jobs)
    finished = sum(1 for r in rows if r["status"] in ("ok", "error"))
    return {
        "rows": rows,
        "summary": summary,
        "done": done,
        "percent": 100 if done else (round(100 * finished / len(rows)) if rows else 0),
        "errors": [j.error for j in jobs if j.error],
    }


def history(store: Store, owner_id: int | None) -> list[dict[str, Any]]:
    out = []
    for j in repo.recent_jobs(store, owner_id):
        items = j["items"]
        out.append(
            {
                "id": j["id"],
                "owner": j["owner"],
                "at": beijing(j["created_at"]),
                "status_zh": JOB_ZH.get(j["status"], j["status"]),
                "files": len(items),
                "names": "、".join(i.get("name", "") for i in items[:3]) + ("…" if len(items) > 3 else ""),
                "ok": sum(1 for i in items if i.get("status") == "ok"),
                "failed": sum(1 for i in items if i.get("status") == "error"),
            }
        )
    return out
