"""Evaluating a region for a year: every expected unit scored, ranked, compared with last year.

Units of a region are every organ in it and below it (departments, towns, the governments of the
regions beneath) that had reported by that year, plus, for each region in the tree whose
government has never reported, that government as a unit known only from the region list —
the same hierarchy `nianbao consolidate` uses, so coverage here and missing units there agree.
A unit with two reports for the year (a web page and its crawl) is scored on the one with the
fewest unaccepted errors, then the fewest blank cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..findings import Severity
from ..identity import normalise_text
from ..store import Store, StoredReport, acquire
from ..store import evaluation as queries
from ..store.evaluation import OrganNode, RegionNode
from .facts import Publication, ReportFacts
from .rubric import Indicator, Rubric, load_rubric
from .score import IndicatorResult, ReportScore, score_report, unpublished

GOVERNMENT_KINDS = ("政府", "乡镇", "街道")
OWN_LEVEL = "本级"


class EvaluationError(LookupError):
    """A region that cannot be evaluated (unknown or ambiguous name); the message is Chinese."""


@dataclass(frozen=True)
class Unit:
    organ_id: int | None  # None: a government known only from the region list
    name: str
    kind: str | None
    region_id: int | None
    region_name: str | None
    level: str  # 县级部门, 乡镇（街道）, 县级政府 …
    group: str  # the heatmap row: the sub-region of the evaluated region it lies in, or 本级

    @property
    def key(self) -> str:
        return f"o{self.organ_id}" if self.organ_id is not None else f"r{self.region_id}"


@dataclass
class UnitScore:
    unit: Unit
    year: int
    score: ReportScore
    report_id: int | None = None
    organ_printed: str | None = None
    template: str | None = None
    rank: int | None = None
    level_rank: int | None = None
    previous: ReportScore | None = None
    previous_report_id: int | None = None
    previous_rank: int | None = None

    @property
    def published(self) -> bool:
        return self.report_id is not None

    @property
    def total(self) -> float | None:
        return self.score.score

    @property
    def previous_total(self) -> float | None:
        return self.previous.score if self.previous is not None else None

    @property
    def movement(self) -> float | None:
        if self.total is None or self.previous_total is None:
            return None
        return round(self.total - self.previous_total, 2)

    @property
    def rank_change(self) -> int | None:
        """Places gained since last year (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    def flagged(
        self, rubric: Rubric, colours: Iterable[str] = ("red", "yellow")
    ) -> list[tuple[Indicator, IndicatorResult]]:
        """Every red, then yellow indicator (what a risk card lists), in rubric order."""
        out = []
        for colour in colours:
            for ind in rubric.indicators:
                r = self.score.results[ind.key]
                if r.colour == colour:
                    out.append((ind, r))
        return out


@dataclass
class RegionEvaluation:
    region: RegionNode
    year: int
    rubric: Rubric
    units: list[UnitScore]  # ranked: best first, units without a report last
    groups: list[str] = field(default_factory=list)  # heatmap rows, 本级 first
    previous_coverage: tuple[int, int] | None = None  # (published, expected) last year

    @property
    def expected(self) -> int:
        return len(self.units)

    @property
    def published(self) -> int:
        return sum(1 for u in self.units if u.published)

    @property
    def coverage(self) -> float | None:
        return self.published / self.expected if self.expected else None

    @property
    def missing(self) -> list[UnitScore]:
        return [u for u in self.units if not u.published]

    @property
    def levels(self) -> list[str]:
        return sorted({u.unit.level for u in self.units}, key=_level_order)

    def unit(self, key: str) -> UnitScore:
        for u in self.units:
            if u.unit.key == key:
                return u
        raise KeyError(key)

    def mean_total(self) -> float | None:
        vals = [u.total for u in self.units if u.published and u.total is not None]
        return round(sum(vals) / len(vals), 2) if vals else None

    def heatmap(self) -> list[dict[str, Any]]:
        """Per group × indicator: the mean share of the weight earned by its judged units."""
        cells: list[dict[str, Any]] = []
        for g in self.groups:
            members = [u for u in self.units if u.unit.group == g and u.published]
            for ind in self.rubric.indicators:
                shares = [s for u in members if (s := u.score.results[ind.key].share) is not None]
                cells.append(
                    {
                        "group": g,
                        "indicator": ind.key,
                        "value": round(sum(shares) / len(shares), 4) if shares else None,
                        "judged": len(shares),
                        "units": len(members),
                    }
                )
        return cells


_LEVEL_ORDER = ("省级政府", "省级部门", "市级政府", "市级部门", "县级政府", "县级部门", "乡镇（街道）")


def _level_order(level: str) -> tuple[int, str]:
    return (_LEVEL_ORDER.index(level) if level in _LEVEL_ORDER else len(_LEVEL_ORDER), level)


def level_label(kind: str | None, region_level: str | None) -> str:
    """县级部门, 乡镇（街道）, 市级政府 …: the peer group a unit is ranked in besides the region."""
    if kind in ("乡镇", "街道") or (kind == "政府" and region_level == "乡镇"):
        return "乡镇（街道）"
    if kind in ("政府", "部门") and region_level in ("省", "市", "县"):
        return f"{region_level}级{kind}"
    if kind == "部门":
        return "部门"
    if kind == "政府":
        return "政府"
    return "其他单位"


# --- the region tree ---------------------------------------------------------------------------
class _Tree:
    def __init__(self, nodes: list[RegionNode]) -> None:
        self.nodes = {n.id: n for n in nodes}
        self.children: dict[int | None, list[int]] = {}
        for n in nodes:
            self.children.setdefault(n.parent_id, []).append(n.id)

    def find(self, region: str | int) -> RegionNode:
        if isinstance(region, int) or (isinstance(region, str) and region.isdigit()):
            node = self.nodes.get(int(region))
            if node is None:
                raise EvaluationError(f"没有编号为 {region} 的地区")
            return node
        parts = [normalise_text(p) for p in str(region).replace("／", "/").split("/") if p.strip()]
        if not parts:
            raise EvaluationError("地区名称为空")
        found = [n for n in self.nodes.values() if n.name == parts[-1] and self._chain_matches(n, parts[:-1])]
        if not found:
            raise EvaluationError(
                f"数据库中没有地区“{region}”：请先导入报告或用 nianbao organs load-regions 加载区划"
            )
        if len(found) > 1:
            names = "、".join(self.path(n.id) for n in found)
            raise EvaluationError(
                f"地区名称“{region}”不唯一（{names}）：请写明上级，如 {self.path(found[0].id)}"
            )
        return found[0]

    def _chain_matches(self, node: RegionNode, parents: list[str]) -> bool:
        cur = node.parent_id
        for want in reversed(parents):
            if cur is None or self.nodes[cur].name != want:
                return False
            cur = self.nodes[cur].parent_id
        return True

    def path(self, region_id: int) -> str:
        names = []
        cur: int | None = region_id
        while cur is not None:
            names.append(self.nodes[cur].name)
            cur = self.nodes[cur].parent_id
        return "/".join(reversed(names))

    def subtree(self, region_id: int) -> list[int]:
        out, todo = [], [region_id]
        while todo:
            cur = todo.pop()
            out.append(cur)
            todo.extend(self.children.get(cur, []))
        return out

    def group_of(self, root: int, region_id: int | None) -> str:
        """The child of `root` that contains `region_id` (its name), or 本级."""
        cur, prev = region_id, None
        while cur is not None and cur != root:
            prev, cur = cur, self.nodes[cur].parent_id
        if cur is None or prev is None:
            return OWN_LEVEL
        return self.nodes[prev].name


# --- loading -----------------------------------------------------------------------------------
def _errors(sr: StoredReport) -> int:
    return sum(1 for f in sr.report.findings if f.severity == Severity.ERROR and not f.data.get("accepted"))


def _blanks(sr: StoredReport) -> int:
    return sum(1 for c in sr.report.cells.values() if c.value is None)


def best_reports(reports: Iterable[StoredReport]) -> dict[tuple[int | None, int | None], StoredReport]:
    """One report per (organ, year): the fewest unaccepted errors, then blanks, then the first stored."""
    best: dict[tuple[int | None, int | None], StoredReport] = {}
    for sr in reports:
        k = (sr.organ_id, sr.report.year)
        cur = best.get(k)
        if cur is None or (_errors(sr), _blanks(sr), sr.id) < (_errors(cur), _blanks(cur), cur.id):
            best[k] = sr
    return best


def publication_dates(store: Store, report_ids: list[int]) -> dict[int, date]:
    """The date each report's site showed when it was fetched (`nianbao fetch` / `watch`)."""
    out = {}
    for rid, text in acquire.published_dates(store, report_ids).items():
        d = _date(text)
        if d is not None:
            out[rid] = d
    return out


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def publication_of(sr: StoredReport, online: Mapping[int, date]) -> Publication | None:
    if sr.id in online:
        return Publication(online[sr.id], "网站发布日期")
    d = _date(sr.report.published)
    return Publication(d, "落款日期") if d else None


def facts_for(
    sr: StoredReport,
    rubric: Rubric,
    kind: str | None,
    previous: StoredReport | None,
    online: Mapping[int, date],
) -> ReportFacts:
    return ReportFacts(
        report=sr.report,
        report_id=sr.id,
        finding_ids=sr.finding_ids,
        kind=kind,
        previous=previous.report if previous is not None else None,
        previous_id=previous.id if previous is not None else None,
        publication=publication_of(sr, online),
        deadlines=rubric.deadlines,
    )


def cell_prefixes(rubric: Rubric) -> list[str]:
    return sorted(f"{t}." for t in rubric.tables)


# --- ranking -----------------------------------------------------------------------------------
def competition_ranks(items: list[UnitScore], key: Callable[[UnitScore], float | None]) -> dict[int, int]:
    """Standard competition ranking (1, 2, 2, 4) on `key`, highest first; None is not ranked."""
    scored = sorted(
        ((key(u), i) for i, u in enumerate(items) if key(u) is not None),
        key=lambda x: -x[0],  # type: ignore[operator]
    )
    ranks: dict[int, int] = {}
    prev: float | None = None
    rank = 0
    for n, (v, i) in enumerate(scored, start=1):
        if v != prev:
            rank, prev = n, v
        ranks[i] = rank
    return ranks


def _rank(units: list[UnitScore]) -> None:
    for i, r in competition_ranks(units, lambda u: u.total).items():
        units[i].rank = r
    by_level: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        by_level.setdefault(u.unit.level, []).append(i)
    for members in by_level.values():
        sub = [units[i] for i in members]
        for j, r in competition_ranks(sub, lambda u: u.total).items():
            sub[j].level_rank = r


# --- the evaluation ----------------------------------------------------------------------------
class RegionData:
    """A region's units and their best report per year, loaded once for any number of years."""

    def __init__(self, store: Store, region: str | int, years: Iterable[int], rubric: Rubric) -> None:
        self.tree = _Tree(queries.regions(store))
        self.root = self.tree.find(region)
        self.rubric = rubric
        region_ids = self.tree.subtree(self.root.id)
        organs = queries.organs(store, region_ids)
        self.organs = {o.id: o for o in organs}
        wanted = sorted(set(years))
        keys = queries.report_keys(store, self.organs, None)
        self.first_year: dict[int, int] = {}
        for k in keys:
            if k.organ_id is not None and k.year is not None:
                self.first_year[k.organ_id] = min(self.first_year.get(k.organ_id, k.year), k.year)
        load = [k.id for k in keys if k.year in wanted]
        reports = store.load_reports(load, cell_prefixes=cell_prefixes(rubric), provenance=False)
        self.best = best_reports(reports)
        self.online = publication_dates(store, [sr.id for sr in self.best.values()])
        self.region_ids = region_ids
        self.years_present = sorted({k.year for k in keys if k.year is not None})

    def units(self, year: int) -> list[Unit]:
        """The units expected to publish for `year`."""
        out = []
        governed: set[int] = set()
        for o in self.organs.values():
            first = self.first_year.get(o.id)
            if first is not None and first > year:
                continue  # first seen later: did not exist (or was not in scope) yet
            if o.kind in GOVERNMENT_KINDS and o.region_id is not None:
                governed.add(o.region_id)
            out.append(self._unit(o))
        for rid in self.region_ids:
            if rid not in governed:
                node = self.tree.nodes[rid]
                name = node.name + ("办事处" if node.name.endswith("街道") else "人民政府")
                out.append(
                    Unit(
                        None,
                        name,
                        "政府",
                        rid,
                        node.name,
                        level_label("政府", node.level),
                        self.tree.group_of(self.root.id, rid),
                    )
                )
        return out

    def _unit(self, o: OrganNode) -> Unit:
        region = self.tree.nodes.get(o.region_id) if o.region_id is not None else None
        return Unit(
            o.id,
            o.name,
            o.kind,
            o.region_id,
            region.name if region else None,
            level_label(o.kind, region.level if region else None),
            self.tree.group_of(self.root.id, o.region_id),
        )

    def score_year(self, year: int) -> list[UnitScore]:
        out = []
        for unit in self.units(year):
            sr = self.best.get((unit.organ_id, year)) if unit.organ_id is not None else None
            if sr is None:
                out.append(UnitScore(unit, year, unpublished(self.rubric, year)))
                continue
            prev = self.best.get((unit.organ_id, year - 1))
            facts = facts_for(sr, self.rubric, unit.kind, prev, self.online)
            score = score_report(self.rubric, facts)
            out.append(UnitScore(unit, year, score, sr.id, sr.report.organ, sr.report.template))
        _rank(out)
        return out

    def groups(self, units: list[UnitScore]) -> list[str]:
        names = {u.unit.group for u in units}
        ordered = [self.tree.nodes[c].name for c in self.tree.children.get(self.root.id, [])]
        return [g for g in [OWN_LEVEL, *ordered] if g in names]


def evaluate_region(
    store: Store, region: str | int, year: int, rubric: Rubric | None = None
) -> RegionEvaluation:
    """Score every expected unit of `region` for `year`, rank them, and set last year's scores."""
    rubric = rubric or load_rubric()
    data = RegionData(store, region, (year - 2, year - 1, year), rubric)
    return _evaluation(data, year)


def _evaluation(data: RegionData, year: int, previous: list[UnitScore] | None = None) -> RegionEvaluation:
    units = data.score_year(year)
    if previous is None:
        previous = data.score_year(year - 1)
    before = {u.unit.key: u for u in previous}
    for u in units:
        p = before.get(u.unit.key)
        if p is not None and p.published:
            u.previous, u.previous_report_id, u.previous_rank = p.score, p.report_id, p.rank
    units.sort(key=lambda u: (u.rank is None, u.rank or 0, not u.published, u.unit.name))
    prev_cov = (sum(1 for p in previous if p.published), len(previous)) if previous else None
    return RegionEvaluation(data.root, year, data.rubric, units, data.groups(units), prev_cov)


def evaluate_trend(
    store: Store, region: str | int, rubric: Rubric | None = None, years: Iterable[int] | None = None
) -> list[RegionEvaluation]:
    """One evaluation per year (oldest first), loaded once: the cockpit's trend lines."""
    rubric = rubric or load_rubric()
    if years is None:
        years = queries.years(store)
    ys = sorted(set(years))
    if not ys:
        return []
    data = RegionData(store, region, range(ys[0] - 2, ys[-1] + 1), rubric)
    out: list[RegionEvaluation] = []
    previous: tuple[int, list[UnitScore]] | None = None
    for y in ys:
        ev = _evaluation(data, y, previous[1] if previous is not None and previous[0] == y - 1 else None)
        out.append(ev)
        previous = (y, list(ev.units))
    return [ev for ev in out if ev.published]
