"""Organs and regions: identity across spellings, the region tree, always addressed by id.

Names are not unique (two counties called 兴隆县 under 甲市 and 乙市): a name given by a user is
resolved with `find_regions`, which takes a chain (甲市兴隆县, 甲市/兴隆县) as well, and every
later step works with ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..identity import GOVERNMENT, OrganIdentity, identify, level_of, normalise_text, split_regions
from .schema import Organ, OrganAlias, Region, ReportRow

if TYPE_CHECKING:
    from .store import Store

GOVERNMENT_KINDS = ("政府", "乡镇", "街道")


@contextmanager
def session_of(store: Store, s: Session | None) -> Iterator[Session]:
    """The caller's session when it has one, else a new transaction."""
    if s is not None:
        yield s
    else:
        with store.session() as new:
            yield new


# --- resolving printed names (inside a caller's transaction) --------------------------------
def resolve(s: Session, ident: OrganIdentity) -> tuple[int, int | None]:
    """(organ id, region id) of an identity, adding the organ, its spelling and its regions."""
    alias = s.scalar(select(OrganAlias).where(OrganAlias.alias == ident.printed))
    if alias is not None:
        organ = s.get(Organ, alias.organ_id)
        assert organ is not None
        return organ.id, organ.region_id
    region_id = ensure_region_chain(s, [(r.name, r.level) for r in ident.regions])
    key = f"{region_id or 0}|{ident.remainder}"
    organ = s.scalar(select(Organ).where(Organ.key == key))
    if organ is None:
        organ = Organ(key=key, name=ident.name, kind=ident.kind, region_id=region_id)
        s.add(organ)
        s.flush()
    s.add(OrganAlias(alias=ident.printed, organ_id=organ.id))
    s.flush()
    return organ.id, region_id


def government_of(s: Session, region_id: int) -> int:
    """The id of a region's government organ (人民政府), added when the region has none."""
    found = s.scalar(
        select(Organ.id)
        .where(Organ.region_id == region_id, Organ.kind.in_(GOVERNMENT_KINDS))
        .order_by(Organ.id)
        .limit(1)
    )
    if found is not None:
        return found
    region = s.get(Region, region_id)
    assert region is not None
    ident = identify(region.name + GOVERNMENT)
    assert ident is not None
    key = f"{region_id}|{ident.remainder}"
    organ = s.scalar(select(Organ).where(Organ.key == key))
    if organ is None:
        organ = Organ(key=key, name=ident.name, kind=ident.kind, region_id=region_id)
        s.add(organ)
        s.flush()
    return organ.id


def ensure_region_chain(s: Session, chain: Sequence[tuple[str, str | None]]) -> int | None:
    parent: Region | None = None
    for name, level in chain:
        candidates = list(s.scalars(select(Region).where(Region.name == name).order_by(Region.id)))
        if parent is not None:
            pick = next((c for c in candidates if c.parent_id == parent.id), None)
            if pick is None:
                orphans = [c for c in candidates if c.parent_id is None]
                if len(orphans) == 1:  # first seen without its parent (洪泽区政府), now we know it
                    pick = orphans[0]
                    pick.parent_id = parent.id
        elif len(candidates) == 1:
            pick = candidates[0]
        else:
            # ambiguous without a parent (兴隆县 under two cities): the one parentless region
            pick = next((c for c in candidates if c.parent_id is None), None)
        if pick is None:
            pick = Region(name=name, level=level, parent_id=parent.id if parent else None)
            s.add(pick)
            s.flush()
        parent = pick
    return parent.id if parent else None


def resolve_regions(store: Store, organ: str | None, region: str | None = None) -> list[int]:
    """The known regions a report of this organ would be filed under, innermost first.

    Nothing is stored (the web app asks before accepting an upload); regions the report would
    add are left out, their known parents are listed.
    """
    ident = identify(organ, region) if organ else None
    if ident is None:
        return []
    with store._sessions() as s:  # rolled back: nothing is stored
        try:
            known = s.scalar(select(func.max(Region.id))) or 0
            _, rid = resolve(s, ident)
            chain = []
            while rid is not None:
                if rid <= known:
                    chain.append(rid)
                r = s.get(Region, rid)
                rid = r.parent_id if r else None
            return chain
        finally:
            s.rollback()


# --- regions ------------------------------------------------------------------------------
def ensure_region(
    store: Store, name: str, level: str | None = None, parent: str | None = None, code: str | None = None
) -> int:
    """Add or update one region (the CSV loader's unit of work). `parent` may be a chain."""
    with store.session() as s:
        chain: list[tuple[str, str | None]] = []
        if parent:
            found = find_regions(store, parent, session=s)
            if len(found) == 1:
                chain.extend(_chain_of(s, found[0]))
            else:
                chain.append((normalise_text(parent), level_of(normalise_text(parent))))
        chain.append((name, level or level_of(name)))
        rid = ensure_region_chain(s, chain)
        assert rid is not None
        region = s.get(Region, rid)
        assert region is not None
        if level:
            region.level = level
        if code:
            region.code = code
        return rid


def _chain_of(s: Session, region_id: int) -> list[tuple[str, str | None]]:
    chain = []
    cur: int | None = region_id
    while cur is not None:
        r = s.get(Region, cur)
        assert r is not None
        chain.append((r.name, r.level))
        cur = r.parent_id
    return chain[::-1]


def find_regions(store: Store, text: str, session: Session | None = None) -> list[int]:
    """The regions a user's name denotes: 兴隆县 (every one so named), 甲市兴隆县 or 甲市/兴隆县 (one)."""
    with session_of(store, session) as s:
        rows = list(s.execute(select(Region.id, Region.name, Region.parent_id).order_by(Region.id)))
    name = normalise_text(text.replace("/", ""))
    exact = [rid for rid, n, _ in rows if n == name]
    if exact:
        return exact
    parts = [normalise_text(p) for p in text.split("/") if normalise_text(p)]
    if len(parts) <= 1:
        parts = [r.name for r in split_regions(name)[0]]
        if "".join(parts) != name:
            return []
    parent_of = {rid: parent for rid, _, parent in rows}
    name_of = {rid: n for rid, n, _ in rows}
    out = []
    for rid, n, _ in rows:
        if n != parts[-1]:
            continue
        cur: int | None = parent_of[rid]
        ok = True
        for want in reversed(parts[:-1]):
            # each part given must be the direct parent of the next
            if cur is None or name_of.get(cur) != want:
                ok = False
                break
            cur = parent_of[cur]
        if ok:
            out.append(rid)
    return out


def region_id(store: Store, name: str, session: Session | None = None) -> int | None:
    """The region a name denotes when it denotes exactly one."""
    found = find_regions(store, name, session)
    return found[0] if len(found) == 1 else None


def subtree(store: Store, region_id: int, session: Session | None = None) -> set[int]:
    """A region and every region below it."""
    return subtrees(store, [region_id], session)


def subtrees(store: Store, region_ids: Sequence[int], session: Session | None = None) -> set[int]:
    with session_of(store, session) as s:
        rows = list(s.execute(select(Region.id, Region.parent_id)))
    children: dict[int | None, list[int]] = {}
    for rid, parent in rows:
        children.setdefault(parent, []).append(rid)
    out: set[int] = set()
    todo = list(region_ids)
    while todo:
        cur = todo.pop()
        if cur not in out:
            out.add(cur)
            todo.extend(children.get(cur, []))
    return out


def region_ids(store: Store, name: str, session: Session | None = None) -> list[int]:
    """The regions a name denotes and every region below them."""
    with session_of(store, session) as s:
        return sorted(subtrees(store, find_regions(store, name, s), s))


def regions(store: Store) -> list[Region]:
    with store.session() as s:
        return list(s.scalars(select(Region).order_by(Region.id)))


def region(store: Store, region_id: int) -> Region | None:
    with store.session() as s:
        return s.get(Region, region_id)


def child_regions(store: Store, region_id: int) -> list[Region]:
    with store.session() as s:
        return list(s.scalars(select(Region).where(Region.parent_id == region_id).order_by(Region.id)))


def region_names(store: Store) -> dict[int, str]:
    with store.session() as s:
        return {k: v for k, v in s.execute(select(Region.id, Region.name))}


def region_path(store: Store, region_id: int) -> str:
    """The region with its parents, outermost first: 甲市兴隆县 (how a user tells namesakes apart)."""
    with store.session() as s:
        return "".join(name for name, _ in _chain_of(s, region_id))


@dataclass
class RegionUnits:
    """What a region's consolidation is built from (`corpus.consolidate`)."""

    region: Region
    own_organs: list[Organ]  # organs of the region itself
    children: list[Region]
    child_governments: dict[int, list[Organ]]  # child region id -> its government organs


def region_units(store: Store, region_id: int) -> RegionUnits | None:
    with store.session() as s:
        reg = s.get(Region, region_id)
        if reg is None:
            return None
        children = list(s.scalars(select(Region).where(Region.parent_id == reg.id).order_by(Region.id)))
        own = list(s.scalars(select(Organ).where(Organ.region_id == reg.id).order_by(Organ.id)))
        govs = {
            c.id: list(
                s.scalars(
                    select(Organ)
                    .where(Organ.region_id == c.id, Organ.kind.in_(GOVERNMENT_KINDS))
                    .order_by(Organ.id)
                )
            )
            for c in children
        }
    return RegionUnits(reg, own, children, govs)


# --- organs -------------------------------------------------------------------------------
def organs(store: Store, region_id: int | None = None, order_by_name: bool = False) -> list[Organ]:
    with store.session() as s:
        q = select(Organ).order_by(Organ.name if order_by_name else Organ.id)
        if region_id is not None:
            q = q.where(Organ.region_id == region_id)
        return list(s.scalars(q))


def organ(store: Store, organ_id: int | None) -> Organ | None:
    if organ_id is None:
        return None
    with store.session() as s:
        return s.get(Organ, organ_id)


def organ_names(store: Store) -> dict[int, str]:
    with store.session() as s:
        return {k: v for k, v in s.execute(select(Organ.id, Organ.name))}


def organ_regions(store: Store) -> dict[int, int | None]:
    """organ id -> region id, for scope checks over many organs."""
    with store.session() as s:
        return {k: v for k, v in s.execute(select(Organ.id, Organ.region_id))}


def overview(store: Store) -> tuple[dict[int, list[str]], dict[int, list[int]]]:
    """(organ id -> spellings, organ id -> years with a report), in two queries."""
    aliases: dict[int, list[str]] = {}
    years: dict[int, set[int]] = {}
    with store.session() as s:
        for oid, alias in s.execute(select(OrganAlias.organ_id, OrganAlias.alias).order_by(OrganAlias.id)):
            aliases.setdefault(oid, []).append(alias)
        for report_oid, year in s.execute(select(ReportRow.organ_id, ReportRow.year).distinct()):
            if report_oid is not None and year is not None:
                years.setdefault(report_oid, set()).add(year)
    return aliases, {k: sorted(v) for k, v in years.items()}


def aliases(store: Store, organ_id: int) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(OrganAlias.alias).where(OrganAlias.organ_id == organ_id)))


def find_organ(store: Store, name: str, session: Session | None = None) -> int | None:
    """An organ by any spelling seen, its canonical name, or its identity."""
    text = normalise_text(name)
    with session_of(store, session) as s:
        oid = s.scalar(select(OrganAlias.organ_id).where(OrganAlias.alias == text))
        if oid is not None:
            return oid
        oid = s.scalar(select(Organ.id).where(Organ.name == text).order_by(Organ.id).limit(1))
        if oid is not None:
            return oid
        ident = identify(text)
        if ident is None:
            return None
        inner = ident.regions[-1].name if ident.regions else None
        for o in s.scalars(
            select(Organ).where(Organ.key.endswith(f"|{ident.remainder}", autoescape=True)).order_by(Organ.id)
        ):
            reg = s.get(Region, o.region_id) if o.region_id else None
            if (reg.name if reg else None) == inner:
                return o.id
        return None


def ensure_organ(store: Store, name: str, region: str | None = None) -> int:
    with store.session() as s:
        ident = identify(name, region)
        if ident is None:
            raise ValueError("机关名称为空")
        return resolve(s, ident)[0]


def link_organs(store: Store, alias: str, target: str) -> int:
    """Make `alias` (a spelling or an organ) the same organ as `target`; returns the target id.

    Reports, spellings and findings of the alias's organ move to the target's organ.
    """
    target_id = find_organ(store, target) or ensure_organ(store, target)
    source_id = find_organ(store, alias)
    with store.session() as s:
        text = normalise_text(alias)
        if source_id is not None and source_id != target_id:
            s.execute(update(ReportRow).where(ReportRow.organ_id == source_id).values(organ_id=target_id))
            s.execute(update(OrganAlias).where(OrganAlias.organ_id == source_id).values(organ_id=target_id))
            s.execute(delete(Organ).where(Organ.id == source_id))
        existing = s.scalar(select(OrganAlias).where(OrganAlias.alias == text))
        if existing is None:
            s.add(OrganAlias(alias=text, organ_id=target_id, manual=True))
        else:
            existing.organ_id = target_id
            existing.manual = True
    return target_id
