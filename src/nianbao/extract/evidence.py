"""Which grids are which table, and in which template: decided by evidence, per table.

Every run of fragments is read with every table definition of every template. Each fragment goes
to the table whose definition places most of its numbers (表二, 表三 and 表四 printed one after the
other without a word between them are still three tables). For each table, the templates are then
weighed on what the grid shows — column headers in a template's own words, row labels, values per
row, the （六） sub-rows — and the report's year is only the tie-breaker. When the headers point to
one template and the rows to the other, the choice is reported with both readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from ..templates import TABLE_IDS, TableDef, templates
from .fragments import Fragment, Kind, Run
from .gridmap import GridRead, read_grid
from .headers import header_index
from .labels import label_index
from .normalize import core

# a fragment must place at least this much (cells + 3 per header cell) to belong to a table
_MIN_CLAIM = 2.0


@dataclass
class TableChoice:
    """One table's reading and the fragments it came from."""

    table_id: str
    read: GridRead
    fragments: list[Fragment]
    readings: dict[str, GridRead] = field(default_factory=dict)  # every template's reading
    conflict: bool = False  # headers and rows favour different templates
    others: list[GridRead] = field(default_factory=list)  # further grids read as the same table

    @property
    def template_id(self) -> str:
        return self.read.table.template_id


def header_evidence(g: GridRead) -> float:
    return 3 * g.header_exact + g.header_other


def _row_evidence(g: GridRead) -> float:
    return g.filled + 2 * g.rows_matched - 2 * g.digits_unplaced - 2 * g.misfit


def _read_all(fragments: list[Fragment], table_id: str, prefer: str | None = None) -> dict[str, GridRead]:
    """The fragments read with this table's definition in every template — once per distinct
    definition (表四 is the same in both templates). A reading that places every cell with
    nothing left over and every header word its own is proof enough: no other template can
    fit better, and none is read."""
    out: dict[str, GridRead] = {}
    by_shape: dict[tuple[object, ...], GridRead] = {}
    ordered = sorted(templates().items(), key=lambda item: item[0] != prefer)
    for tid, template in ordered:
        table = template.tables[table_id]
        shape = _shape(table)
        if shape in by_shape:
            out[tid] = replace(by_shape[shape], table=table)
            continue
        out[tid] = by_shape[shape] = _read_one(fragments, table)
        if _perfect(out[tid]):
            break
    return out


def _perfect(g: GridRead) -> bool:
    return (
        g.placed == len(g.table.cell_keys)
        and not g.unplaced
        and not g.misfit
        and not g.header_other
        and g.header_exact > 0
    )


_SHAPES: dict[int, tuple[object, ...]] = {}


def _shape(table: TableDef) -> tuple[object, ...]:
    """What a reading depends on: the rows, columns and their wordings (not the template id)."""
    shape = _SHAPES.get(id(table))
    if shape is None:
        shape = _SHAPES[id(table)] = _shape_of(table)
    return shape


def _shape_of(table: TableDef) -> tuple[object, ...]:
    return tuple(
        (
            b.heading,
            tuple((c.key, c.label, c.canonical, c.parent) for c in b.columns),
            tuple((r.key, r.label, r.group) for r in b.rows),
        )
        for b in table.blocks
    ) + (table.layout,)


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
        by_header = sorted(reads.values(), key=header_evidence, reverse=True)
        by_rows = sorted(reads.values(), key=_row_evidence, reverse=True)
        h_margin = header_evidence(by_header[0]) - header_evidence(by_header[1])
        r_margin = _row_evidence(by_rows[0]) - _row_evidence(by_rows[1])
        conflict = h_margin >= 3 and r_margin >= 4 and by_header[0] is not by_rows[0]
    return best, conflict


def choose_tables(runs: list[Run], prefer: str | None) -> dict[str, TableChoice]:
    """The grid reading of 表二/表三/表四, for the tables the document prints as grids."""
    found: dict[str, list[TableChoice]] = {}
    for run in runs:
        owner = _owners(run.fragments)
        for tid in TABLE_IDS:
            frags = [f for f, o in zip(run.fragments, owner, strict=True) if o == tid]
            if not frags:
                continue
            readings = _read_all(frags, tid, prefer)
            best, conflict = _weigh(readings, prefer)
            if best.per_fragment and max(best.per_fragment.values()) >= _MIN_CLAIM:
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


def _owners(fragments: list[Fragment]) -> list[str | None]:
    """Which table each fragment belongs to, by the words it prints: every cell or nearby line
    that names a row or a column of a table votes for it (a word several tables use, 总计, splits
    its vote). A fragment that prints no such word — a row of numbers whose label stands outside,
    a header band's lower row — belongs with its neighbours: the table before it in the run, or
    the one after it when it comes first."""
    votes: list[dict[str, float]] = []
    for frag in fragments:
        tally: dict[str, float] = {}
        texts = {c.text for c in frag.cells if c.kind is Kind.TEXT}
        texts.update(p.text for p in (*frag.before, *frag.after))
        for text in texts:
            tables = _tables_named(text)
            # a two-character word (其他, 总计) says nothing: several tables print it, and a
            # broken header leaves such pieces everywhere
            size = len(core(text))
            weight = 1.0 if size >= 4 else 0.25 if size == 3 else 0.0
            for tid in tables:
                tally[tid] = tally.get(tid, 0.0) + weight / len(tables)
        if not any(tally.values()):
            # no word names a table, but a row holds as many numbers as one table has cells (表四's
            # 15 printed without its header, or under a header broken into pieces): that table's
            for tid in _tables_of_width(_widest_number_row(frag)):
                tally[tid] = tally.get(tid, 0.0) + 1.0
        votes.append({tid: v for tid, v in tally.items() if v > 0})
    owner: list[str | None] = []
    for tally in votes:
        if not tally:
            owner.append(None)
            continue
        top = max(tally.values())
        tied = [tid for tid in TABLE_IDS if tally.get(tid) == top]
        # a tie (总计 names a column of 表三 and of 表四) goes to the table before it
        previous = owner[-1] if owner else None
        owner.append(previous if previous in tied else tied[0] if len(tied) == 1 else None)
    for i in range(len(owner)):
        if owner[i] is None and i > 0:
            owner[i] = owner[i - 1]
    for i in range(len(owner) - 2, -1, -1):
        if owner[i] is None:
            owner[i] = owner[i + 1]
    return owner


def _widest_number_row(frag: Fragment) -> int:
    """The count of numbers of the fragment's rows that hold numbers only, when they all hold as
    many; else 0."""
    counts = {
        sum(1 for c in row if c.has_digits)
        for row in frag.rows
        if any(c.has_digits for c in row) and all(c.kind in (Kind.NUM, Kind.BLANK) for c in row)
    }
    return counts.pop() if len(counts) == 1 else 0


@cache
def _tables_of_width(n: int) -> frozenset[str]:
    """The tables printed as one row (表四) whose cells number `n`, in any template."""
    return frozenset(
        tid
        for template in templates().values()
        for tid, table in template.tables.items()
        if n and table.layout == "flat" and len(table.cell_keys) == n
    )


@cache
def _tables_named(text: str) -> frozenset[str]:
    """The tables (t2/t3/t4) a printed text names a row, a column or a block of, in any template."""
    out = set()
    for template in templates().values():
        for tid in template.tables:
            if tid in out:
                continue
            headers = header_index(template.id, tid)
            labels = label_index(template.id, tid)
            if (
                labels.heading_index(text) is not None
                or headers.is_header_word(text)
                or labels.match_row(text, -1, window=100) is not None
            ):
                out.add(tid)
    return frozenset(out)


def _joined(tid: str, choices: list[TableChoice], prefer: str | None) -> TableChoice | None:
    """One table whose parts landed in separate runs (a page break with a footer line between, a
    paragraph a converter moved inside): read them as one when that places more of it than any
    part alone, each cell once."""
    fragments = sorted((f for c in choices for f in c.fragments), key=lambda f: f.block)
    readings = _read_all(fragments, tid, prefer)
    best, conflict = _weigh(readings, prefer)
    alone = max(choices, key=lambda c: c.read.score)
    if best.placed > alone.read.placed and best.score > alone.read.score and not best.duplicates:
        return TableChoice(tid, best, fragments, readings, conflict)
    if best.contradicted > sum(c.read.contradicted for c in choices):
        # a part without a header of its own was placed by counting, and the header band of
        # another part, over grids of the same width, names other columns above those cells:
        # the count was a guess (which of the extra cells are padding is unknown)
        return TableChoice(tid, best, fragments, readings, conflict)
    return None


__all__ = ["TableChoice", "choose_tables"]
