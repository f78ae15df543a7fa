"""What a corpus-scope rule sees: the stored reports of some organs, grouped by organ and year.

A context holds every report of each organ in it, and no others (`runner.organ_shards`): a rule
relates an organ's reports to each other, and asks the store for anything wider (a region's units
for AGG_MISMATCH), so a check over any number of reports holds one shard at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..findings import Severity
from ..store import Store, StoredReport

Found = tuple[int, "object"]  # (report id, Finding)


@dataclass
class CorpusContext:
    store: Store
    reports: list[StoredReport]
    by_organ: dict[int, dict[int, list[StoredReport]]] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store, reports: Iterable[StoredReport]) -> CorpusContext:
        reports = list(reports)
        by_organ: dict[int, dict[int, list[StoredReport]]] = defaultdict(lambda: defaultdict(list))
        for r in reports:
            if r.organ_id is not None and r.report.year is not None and not r.consolidated:
                by_organ[r.organ_id][r.report.year].append(r)
        return cls(store, reports, {k: dict(v) for k, v in by_organ.items()})

    def best(self, organ_id: int, year: int) -> StoredReport | None:
        """The organ's report for a year; with duplicates (a page and its crawl), the most complete."""
        found = self.by_organ.get(organ_id, {}).get(year, [])
        return min(found, key=_quality, default=None)

    def previous(self, sr: StoredReport, consecutive: bool = True) -> StoredReport | None:
        """The same organ's report for the year before (or the nearest earlier year)."""
        if sr.organ_id is None or sr.report.year is None:
            return None
        years = self.by_organ.get(sr.organ_id, {})
        if consecutive:
            return self.best(sr.organ_id, sr.report.year - 1)
        earlier = [y for y in years if y < sr.report.year]
        return self.best(sr.organ_id, max(earlier)) if earlier else None

    def pairs(self, consecutive: bool = True) -> Iterable[tuple[StoredReport, StoredReport]]:
        for sr in self.reports:
            if sr.consolidated:
                continue
            prev = self.previous(sr, consecutive)
            if prev is not None:
                yield sr, prev


def _quality(sr: StoredReport) -> tuple[int, int, int]:
    errors = sum(1 for f in sr.report.findings if f.severity == Severity.ERROR)
    blanks = sum(1 for c in sr.report.cells.values() if c.value is None)
    return errors, blanks, sr.id
