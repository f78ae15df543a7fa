"""Findings: stored once each (a content fingerprint is unique per report), accepted with who and why."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from ..findings import Finding, Severity
from .db import clean, insert_ignore
from .schema import FindingRow, utcnow

if TYPE_CHECKING:
    from .store import Store

# two concurrent corpus checks replace the same findings: PostgreSQL serialises them on this lock
# (SQLite has one writer anyway); the unique fingerprint keeps each finding once regardless
_CORPUS_LOCK = 4244


def fingerprint(
    scope: str, code: str, cells: Sequence[str], where: str | None, message: str, other: int | None
) -> str:
    """A finding's identity: the same check finding the same thing twice is one finding.

    Migration 0005 holds a frozen copy of this function; change both or neither.
    """
    text = json.dumps(
        [scope, code, list(cells or []), where, message, other], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def row_values(report_id: int, f: Finding, scope: str, other: int | None = None) -> dict[str, Any]:
    other_id = other if other is not None else f.data.get("other_report_id")
    other_id = other_id if isinstance(other_id, int) else None
    message, where, cells = clean(f.message), clean(f.where), clean(list(f.cells))
    return {
        "report_id": report_id,
        "code": f.code,
        "severity": str(f.severity),
        "message": message,
        "cells": cells,
        "where": where,
        "data": clean(_jsonable(f.data)),
        "scope": scope,
        "other_report_id": other_id,
        "accepted": False,
        "comment": None,
        "accepted_by": None,
        "accepted_at": None,
        "fingerprint": fingerprint(scope, f.code, cells, where, message, other_id),
    }


def _insert_rows(s: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        stmt = insert_ignore(
            cast(Table, FindingRow.__table__), s.get_bind().dialect.name, ["report_id", "fingerprint"]
        )
        s.connection().execute(stmt, rows)


def insert(
    s: Session, report_id: int, findings: Iterable[Finding], scope: str, other: int | None = None
) -> None:
    _insert_rows(s, [row_values(report_id, f, scope, other) for f in findings])


def to_finding(f: FindingRow) -> Finding:
    data = dict(f.data or {})
    if f.accepted:
        data["accepted"] = True
    return Finding(f.code, f.message, list(f.cells or []), f.where, Severity(f.severity), data)


def of_reports(s: Session, report_ids: Sequence[int]) -> dict[int, list[tuple[int, Finding]]]:
    """report id -> [(finding id, Finding)], in id order."""
    out: dict[int, list[tuple[int, Finding]]] = {i: [] for i in report_ids}
    for f in s.scalars(
        select(FindingRow).where(FindingRow.report_id.in_(list(report_ids))).order_by(FindingRow.id)
    ):
        out[f.report_id].append((f.id, to_finding(f)))
    return out


def open_counts(s: Session, report_ids: Sequence[int]) -> dict[int, Counter[str]]:
    """report id -> open (not accepted) findings by severity."""
    counts: dict[int, Counter[str]] = {}
    ids = list(report_ids)
    for i in range(0, len(ids), 500):
        for rid, sev, n in s.execute(
            select(FindingRow.report_id, FindingRow.severity, func.count())
            .where(FindingRow.report_id.in_(ids[i : i + 500]), FindingRow.accepted.is_(False))
            .group_by(FindingRow.report_id, FindingRow.severity)
        ):
            counts.setdefault(rid, Counter())[sev] = n
    return counts


def list_findings(
    store: Store, report_id: int | None = None, code: str | None = None, scope: str | None = None
) -> list[FindingRow]:
    with store.session() as s:
        q = select(FindingRow).order_by(FindingRow.id)
        if report_id is not None:
            q = q.where(FindingRow.report_id == report_id)
        if code:
            q = q.where(FindingRow.code == code)
        if scope:
            q = q.where(FindingRow.scope == scope)
        return list(s.scalars(q))


def report_of(store: Store, finding_id: int) -> int | None:
    """The report a finding belongs to."""
    with store.session() as s:
        return s.scalar(select(FindingRow.report_id).where(FindingRow.id == finding_id))


def code_counts(store: Store, report_ids: Sequence[int]) -> Counter[str]:
    """Open findings of these reports by code."""
    out: Counter[str] = Counter()
    ids = list(report_ids)
    with store.session() as s:
        for i in range(0, len(ids), 500):
            for code, n in s.execute(
                select(FindingRow.code, func.count())
                .where(FindingRow.report_id.in_(ids[i : i + 500]), FindingRow.accepted.is_(False))
                .group_by(FindingRow.code)
            ):
                out[code] += n
    return out


def _carry_acceptance(row: dict[str, Any], prev: FindingRow | None) -> None:
    if prev is not None and prev.accepted:
        row.update(
            accepted=True, comment=prev.comment, accepted_by=prev.accepted_by, accepted_at=prev.accepted_at
        )


def replace_corpus(
    store: Store,
    codes: Iterable[str],
    found: Iterable[tuple[int, Finding]],
    report_ids: Collection[int] | None = None,
) -> int:
    """Replace the corpus-scope findings of these codes, for `report_ids` (default: every report).

    A finding equal to an accepted one (same report, code and cells) stays accepted.
    """
    codes = list(codes)
    scope = [FindingRow.scope == "corpus", FindingRow.code.in_(codes)]
    with store.session() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(_CORPUS_LOCK)))
        batches = [None] if report_ids is None else list(_chunks(sorted(report_ids), 500))
        old: dict[tuple[int, str, tuple[str, ...]], FindingRow] = {}
        for batch in batches:
            cond = scope if batch is None else [*scope, FindingRow.report_id.in_(batch)]
            for old_row in s.scalars(select(FindingRow).where(*cond)):
                old[(old_row.report_id, old_row.code, tuple(old_row.cells or []))] = old_row
            s.execute(delete(FindingRow).where(*cond))
        rows = []
        for rid, f in found:
            if report_ids is not None and rid not in report_ids:
                continue
            row = row_values(rid, f, "corpus")
            _carry_acceptance(row, old.get((rid, f.code, tuple(f.cells))))
            rows.append(row)
        _insert_rows(s, rows)
        return len(rows)


def replace_report(store: Store, report_id: int, findings: Iterable[Finding]) -> list[int]:
    """Replace a report's report-scope findings (after a correction); returns the new ids.

    As for the corpus findings, a finding equal to an accepted one (same code and cells) stays
    accepted with its comment, who and when.
    """
    cond = [FindingRow.report_id == report_id, FindingRow.scope == "report"]
    with store.session() as s:
        old = {(f.code, tuple(f.cells or [])): f for f in s.scalars(select(FindingRow).where(*cond))}
        s.execute(delete(FindingRow).where(*cond))
        rows = []
        for f in findings:
            row = row_values(report_id, f, "report")
            _carry_acceptance(row, old.get((f.code, tuple(f.cells))))
            rows.append(row)
        _insert_rows(s, rows)
        ids = {fp: i for fp, i in s.execute(select(FindingRow.fingerprint, FindingRow.id).where(*cond))}
        return list(dict.fromkeys(ids[r["fingerprint"]] for r in rows))


def accept(
    store: Store, finding_id: int, who: str, comment: str | None = None, accepted: bool = True
) -> None:
    """The web app's "accept this finding" (with who, when and why)."""
    with store.session() as s:
        s.execute(
            update(FindingRow)
            .where(FindingRow.id == finding_id)
            .values(accepted=accepted, comment=comment, accepted_by=who, accepted_at=utcnow())
        )


def set_comment(store: Store, finding_id: int, comment: str | None) -> None:
    with store.session() as s:
        s.execute(
            update(FindingRow)
            .where(FindingRow.id == finding_id)
            .values(comment=comment, accepted_at=utcnow())
        )


def _chunks(items: list[int], n: int) -> Iterator[list[int]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _jsonable(data: dict[str, object]) -> dict[str, Any]:
    return {str(k): _json_value(v) for k, v in (data or {}).items()}


def _json_value(v: Any) -> Any:
    if isinstance(v, str | int | float | bool | type(None)):
        return v
    if isinstance(v, list | tuple):
        return [_json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    if hasattr(v, "item"):  # a numpy number from a reader
        return v.item()
    return str(v)
