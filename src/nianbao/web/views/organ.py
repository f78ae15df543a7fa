"""One organ year over year: changed cells and part-by-part text diffs."""

from __future__ import annotations

import difflib
from typing import Any

from ...store import Store, StoredReport
from ...store import reports as report_repo
from ...templates import get_template, sections
from ..tables import cell_label
from .report_api import table_template


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level diff as (op, text) pairs: equal / delete / insert."""
    out: list[tuple[str, str]] = []
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op == "equal":
            out.append(("equal", old[a0:a1]))
        else:
            if a1 > a0:
                out.append(("delete", old[a0:a1]))
            if b1 > b0:
                out.append(("insert", new[b0:b1]))
    return out


def year_over_year(store: Store, organ_id: int) -> list[dict[str, Any]]:
    reports = store.load_reports(report_repo.organ_report_ids(store, organ_id))
    by_year: dict[int, StoredReport] = {}
    for r in reports:
        if r.report.year:
            by_year[r.report.year] = r  # the latest stored report of a year wins
    ordered = [by_year[y] for y in sorted(by_year)]
    pairs = []
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        deltas = []
        for tid in ("t2", "t3", "t4"):
            tp, tc = table_template(prev.report, tid), table_template(cur.report, tid)
            if tp != tc:
                continue  # the two templates' keys do not line up
            for key in get_template(tc).table(tid).cell_keys:
                a, b = prev.report.value(key), cur.report.value(key)
                if a is None and b is None:
                    continue
                delta = None if a is None or b is None else b - a
                deltas.append({"key": key, "label": cell_label(tc, key), "prev": a, "cur": b, "delta": delta})
        texts = []
        for sdef in sections():
            sa = prev.report.section(sdef.key)
            sb = cur.report.section(sdef.key)
            ta, tb = (sa.text if sa else ""), (sb.text if sb else "")
            ratio = difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio() if ta or tb else 1.0
            texts.append(
                {
                    "key": sdef.key,
                    "title": f"{sdef.number}、{sdef.title}",
                    "ratio": ratio,
                    "diff": text_diff(ta, tb),
                }
            )
        pairs.append({"prev": prev, "cur": cur, "deltas": deltas, "texts": texts})
    return [{"reports": ordered, "pairs": pairs}]
