"""Which grids are which table, and in which template: decided by evidence, per table.

Every run of fragments is read with every table definition of every template. Each fragment goes
to the table whose definition places most of its numbers (表二, 表三 and 表四 printed one after the
other without a word between them are still three tables). For each table, the templates are then
weighed on what the grid shows — column headers in a template's own words, row labels, values per
row, the （六） sub-rows — and the report's year is only the tie-breaker. When the headers point to
one template and the rows to the other, the choice is reported with both readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..templates import TABLE_IDS, TableDef, templates
from .fragments import Fragment, Run
from .gridmap import GridRead, read_grid

# a fragment must place at least this much (cells + 3 per header cell) to belong to a table
_MIN_CLAIM = 2.0


@dataclass
class TableChoice:
    table_id: str
    read: GridRead
    fragments: list[Fragment]
    readings: dict[str, GridRead] = field(default_factory=dict)  # every template's reading
    conflict: bool = False  # headers and rows favour different templates
    others: list[GridRead] = field(default_factory=list)  # further grids read as the same table

    @property
    def template_id(self) -> str:
        return self.read.table.template_id


def _header_evidence(g: GridRead) -> float:
    return 3 * g.header_exact + g.header_other


def _row_evidence(g: GridRead) -> float:
    return g.filled + 2 * g.rows_matched - 2 * g.digits_unplaced - 2 * g.misfit


def _read_all(fragments: list[Fragment], table_id: str) -> dict[str, GridRead]:
    return {tid: _read_one(fragments, t.tables[table_id]) for tid, t in templates().items()}


def _read_one(fragments: list[Fragment], table: TableDef) -> GridRead:
    """Labels printed outside one-row tables stand above their rows, or below them, or either:
    when the document has such labels, read each way and keep the reading under which more of the
    table's arithmetic holds (a reading that places fewer values breaks fewer relations only
    because less of it can be checked), then the better-placed one."""
    nearest = read_grid(fragments, table)
    if not nearest.outside_used:
        return nearest
    readings = [
        nearest,
        read_grid(fragments, table, outside="above"),
        read_grid(fragments, table, outside="below"),
    ]
    return min(readings, key=lambda g: (g.broken - g.held, -g.score))


def _weigh(reads: dict[str, GridRead], prefer: str | None) -> tuple[GridRead, bool]:
    ranked = sorted(reads.values(), key=lambda g: (g.score, g.table.template_id == prefer), reverse=True)
    best = ranked[0]
    conflict = False
    if len(ranked) > 1:
        # both kinds of evidence decisive, and pointing to different templates
        by_header = sorted(reads.values(), key=_header_evidence, reverse=True)
        by_rows = sorted(reads.values(), key=_row_evidence, reverse=True)
        h_margin = _header_evidence(by_header[0]) - _header_evidence(by_header[1])
        r_margin = _row_evidence(by_rows[0]) - _row_evidence(by_rows[1])
        conflict = h_margin >= 3 and r_margin >= 4 and by_header[0] is not by_rows[0]
    return best, conflict


def choose_tables(runs: list[Run], prefer: str | None) -> dict[str, TableChoice]:
    """The grid reading of 表二/表三/表四, for the tables the document prints as grids."""
    found: dict[str, list[TableChoice]] = {}
    for run in runs:
        reads = {tid: _read_all(run.fragments, tid) for tid in TABLE_IDS}
        owner: list[str | None] = []
        for fi in range(len(run.fragments)):
            best_tid, best = None, _MIN_CLAIM - 1e-9
            for tid in TABLE_IDS:
                claim = max(g.per_fragment.get(fi, 0.0) for g in reads[tid].values())
                if claim > best:
                    best_tid, best = tid, claim
            owner.append(best_tid)
        for tid in TABLE_IDS:
            frags = [f for f, o in zip(run.fragments, owner, strict=True) if o == tid]
            if not frags:
                continue
            readings = _read_all(frags, tid) if len(frags) != len(run.fragments) else reads[tid]
            best, conflict = _weigh(readings, prefer)
            found.setdefault(tid, []).append(TableChoice(tid, best, frags, readings, conflict))
    out: dict[str, TableChoice] = {}
    for tid, choices in found.items():
        if len(choices) > 1:
            joined = _joined(tid, choices, prefer)
            if joined is not None:
                choices = [joined]
        choices.sort(key=lambda c: c.read.score, reverse=True)
        main = choices[0]
        main.others = [c.read for c in choices[1:]]
        out[tid] = main
    return out


def _joined(tid: str, choices: list[TableChoice], prefer: str | None) -> TableChoice | None:
    """One table whose parts landed in separate runs (a page break with a footer line between, a
    paragraph a converter moved inside): read them as one when that places more of it than any
    part alone, each cell once."""
    fragments = sorted((f for c in choices for f in c.fragments), key=lambda f: f.block)
    readings = _read_all(fragments, tid)
    best, conflict = _weigh(readings, prefer)
    alone = max(choices, key=lambda c: c.read.score)
    if best.placed > alone.read.placed and best.score > alone.read.score and not best.duplicates:
        return TableChoice(tid, best, fragments, readings, conflict)
    return None


__all__ = ["TableChoice", "choose_tables"]
