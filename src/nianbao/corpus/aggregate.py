"""AGG_MISMATCH: a consolidated report's cells against the sums of its units' reports."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Code, Finding, Severity
from ..plugins import corpus_rule
from .consolidate import unit_sums
from .context import CorpusContext

MAX_LISTED = 8


@corpus_rule(
    "agg_mismatch",
    codes=[Code("AGG_MISMATCH", Severity.ERROR, "汇总数与下级单位之和不符")],
)
def agg_mismatch(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    for entry in ctx.reports:
        if not entry.consolidated or entry.region_id is None or entry.report.year is None:
            continue
        sr = ctx.store.get_report(entry.id)  # in full: the context holds only the corpus cells
        keys = [k for k, c in sr.report.cells.items() if c.value is not None]
        found = unit_sums(ctx.store, entry.region_id, entry.report.year, keys)
        if found is None:
            continue
        sums, n_units = found
        bad = [
            (k, sr.report.value(k), sums[k])
            for k in keys
            if k in sums and abs(sums[k] - (sr.report.value(k) or 0)) > 1e-6
        ]
        if not bad:
            continue
        listed = "；".join(f"{k}：汇总 {v:g}，下级合计 {t:g}" for k, v, t in bad[:MAX_LISTED])
        more = f"；另有 {len(bad) - MAX_LISTED} 项" if len(bad) > MAX_LISTED else ""
        yield (
            sr.id,
            Finding(
                "AGG_MISMATCH",
                f"汇总数与 {n_units} 个下级单位报告之和不符：{listed}{more}",
                cells=[k for k, _, _ in bad],
                data={"units": n_units, "differences": {k: [v, t] for k, v, t in bad}},
            ),
        )
