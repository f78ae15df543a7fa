"""A region's consolidation: computed, saved, and which regions a user may see."""

from __future__ import annotations

from typing import Any

from ...store import Store
from ...store import reports as report_repo
from ..auth import Principal
from .corrections import recheck_corpus


def consolidate_region(store: Store, region_id: int, year: int):
    """逐级汇总 of a region, by its id (two regions may share a name)."""
    from ...corpus.consolidate import consolidate

    return consolidate(store, region_id, year)


def saved_consolidation(store: Store, region_id: int, year: int) -> int | None:
    """The consolidated report last saved from the region × year page, if any."""
    return report_repo.saved_consolidation(store, region_id, year)


def save_consolidation(store: Store, region_id: int, year: int) -> int:
    """Store the region's consolidation as its consolidated report (`nianbao consolidate --save`).

    Saving again replaces the report saved before, so there is one consolidated report per region
    and year; AGG_MISMATCH then checks it against its units, now and after every correction.
    """
    from ...corpus.consolidate import save_consolidation as save

    rid = save(store, consolidate_region(store, region_id, year))
    recheck_corpus(store, rid)
    return rid


def visible_regions(store: Store, principal: Principal) -> list[Any]:
    from ..auth import subtree

    regions = store.regions()
    if principal.role == "admin":
        return regions
    if principal.role == "reviewer" and principal.region_id is not None:
        ids = subtree(store, principal.region_id)
        return [r for r in regions if r.id in ids]
    return []
