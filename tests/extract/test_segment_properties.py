"""Property tests: random tables consistent by construction, run together, split back.

The tables are drawn from the templates and made consistent with nianbao.arithmetic's relations
(the six applicant columns of each result row are drawn, everything else follows). Whatever the
digits, the solver may leave a cell null (listed as ambiguous) but never return a wrong value;
with a space between every two cells it must recover the table exactly.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.arithmetic import relations
from nianbao.extract.segment import Chunk, Solution, blanks_may_be_dropped, solve
from nianbao.templates import get_template

TEMPLATES = st.sampled_from(["2019", "2021"])
# mostly small counts, as in real reports, with some zeros and some large ones
COUNTS = st.integers(0, 0) | st.integers(0, 9) | st.integers(0, 150) | st.integers(0, 5000)
# NIANBAO_SEGMENT_EXAMPLES=1000 for a longer hunt
SETTINGS = settings(
    max_examples=int(os.environ.get("NIANBAO_SEGMENT_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

Table = tuple[list[list[str]], list[list[str]], dict[str, int | float]]  # rows of keys, rows of texts, truth


def _row_key(cell: str) -> str:
    return cell.rsplit(".", 1)[0]


def draw_t3(draw: st.DrawFn, tid: str) -> Table:
    table = get_template(tid).table("t3")
    block = table.blocks[0]
    cols = block.value_columns
    total_col = next(c for c in cols if c.total_of)
    parts = list(total_col.total_of)
    rows = block.data_rows
    results = [r for r in rows if r.result]
    total_row = next(r for r in rows if r.total_of_rows)
    # the balance 一 + 二 = （七）总计 + 四 names the other rows
    balance = next(r for r in relations(tid, "t3") if r.code == "T3_BALANCE")
    received, carried_over = (_row_key(k).split(".", 1)[1] for k in balance.lhs)
    carried_forward = next(_row_key(k).split(".", 1)[1] for k in balance.rhs if total_row.key not in k)

    vals: dict[str, dict[str, int]] = {}
    for r in results:
        vals[r.key] = dict(zip(parts, draw(st.lists(COUNTS, min_size=6, max_size=6)), strict=True))
    vals[total_row.key] = {p: sum(vals[r.key][p] for r in results) for p in parts}
    vals[carried_forward] = dict(zip(parts, draw(st.lists(COUNTS, min_size=6, max_size=6)), strict=True))
    vals[carried_over] = {
        p: draw(st.integers(0, vals[total_row.key][p] + vals[carried_forward][p])) for p in parts
    }
    vals[received] = {
        p: vals[total_row.key][p] + vals[carried_forward][p] - vals[carried_over][p] for p in parts
    }
    for row in vals.values():
        row[total_col.key] = sum(row[p] for p in parts)
    keys = [[f"t3.{r.key}.{c.key}" for c in cols] for r in rows]
    truth = {f"t3.{r}.{c}": v for r, row in vals.items() for c, v in row.items()}
    texts = [[str(truth[k]) for k in ks] for ks in keys]
    return keys, texts, truth


def draw_t4(draw: st.DrawFn, tid: str) -> Table:
    keys = list(get_template(tid).table("t4").cell_keys)
    truth: dict[str, int | float] = {}
    rels = relations(tid, "t4")
    for rel in rels:
        for k in rel.rhs:
            truth[k] = draw(COUNTS)
        truth[rel.lhs[0]] = sum(truth[k] for k in rel.rhs)
    assert set(truth) == set(keys)
    return [keys], [[str(truth[k]) for k in keys]], truth


def draw_t2(draw: st.DrawFn, tid: str) -> Table:
    table = get_template(tid).table("t2")
    keys, texts, truth = [], [], {}
    for block in table.blocks:
        for row in block.data_rows:
            row_keys, row_texts = [], []
            for col in block.value_columns:
                key = f"t2.{row.key}.{col.key}"
                if not col.integer:
                    fraction = draw(st.text("0123456789", min_size=1, max_size=6))
                    text = f"{draw(COUNTS)}.{fraction}" if draw(st.booleans()) else str(draw(COUNTS))
                    value: int | float = float(text) if "." in text else int(text)
                elif col.signed:
                    value = draw(st.integers(-300, 300))
                    text = str(value)
                else:
                    value = draw(COUNTS)
                    text = str(value)
                row_keys.append(key)
                row_texts.append(text)
                truth[key] = value
            keys.append(row_keys)
            texts.append(row_texts)
    return keys, texts, truth


DRAWERS = {"t2": draw_t2, "t3": draw_t3, "t4": draw_t4}


def chunks_of(tid: str, table: Table, spaces: list[list[bool]] | None) -> list[Chunk]:
    t = get_template(tid)
    out = []
    for r, (keys, texts) in enumerate(zip(table[0], table[1], strict=True)):
        text = texts[0]
        for g, piece in enumerate(texts[1:]):
            text += (" " if spaces is None or spaces[r][g] else "") + piece
        decimal = frozenset(k for k in keys if not t.tables[k.split(".")[0]].column(k).integer)
        signed = frozenset(k for k in keys if t.tables[k.split(".")[0]].column(k).signed)
        out.append(Chunk(keys, text, decimal_keys=decimal, signed_keys=signed))
    return out


def assert_never_wrong(sol: Solution, truth: dict[str, int | float]) -> None:
    assert set(sol.values) == set(truth)
    for key, val in sol.values.items():
        if val is None:
            assert key in sol.ambiguous, key
            assert not sol.ambiguous[key] or truth[key] in sol.ambiguous[key], key
        else:
            assert val == truth[key], key
            assert key not in sol.ambiguous


@st.composite
def tables(draw: st.DrawFn, table_ids: tuple[str, ...] = ("t2", "t3", "t4")) -> tuple[str, str, Table]:
    tid = draw(TEMPLATES)
    table_id = draw(st.sampled_from(table_ids))
    return tid, table_id, DRAWERS[table_id](draw, tid)


@SETTINGS
@given(tables(), st.data())
def test_run_together_is_never_wrong(case: tuple[str, str, Table], data: st.DataObject) -> None:
    tid, table_id, table = case
    # mostly no spaces, sometimes a few, as crawlers leave them
    p_space = data.draw(st.sampled_from([0.0, 0.0, 0.2, 0.5]))
    spaces = [[data.draw(st.floats(0, 1)) < p_space for _ in range(len(keys) - 1)] for keys in table[0]]
    sol = solve(chunks_of(tid, table, spaces), relations(tid, table_id))
    assert sol.consistent
    assert sol.n_solutions >= 1 or sol.unsplit
    assert_never_wrong(sol, table[2])


@SETTINGS
@given(tables(("t3", "t4")))
def test_t3_t4_rows_alone_are_never_wrong(case: tuple[str, str, Table]) -> None:
    tid, table_id, table = case
    for chunk in chunks_of(tid, table, [[False] * (len(keys) - 1) for keys in table[0]]):
        sol = solve([chunk], relations(tid, table_id))
        assert sol.consistent
        assert_never_wrong(sol, {k: table[2][k] for k in chunk.keys})


@SETTINGS
@given(tables())
def test_spaces_between_all_cells_recover_the_table(case: tuple[str, str, Table]) -> None:
    tid, table_id, table = case
    sol = solve(chunks_of(tid, table, None), relations(tid, table_id))
    assert sol.consistent and sol.n_solutions == 1
    assert sol.values == table[2]
    assert sol.ambiguous == {} and not sol.unsplit and not sol.recovered


# --- an exhaustive oracle on small cases: the solver must agree with brute force exactly ---


def _valid(piece: str, signed: bool) -> int | None:
    body = piece[1:] if signed and piece[:1] == "-" else piece
    if not body.isdigit() or (len(body) > 1 and body[0] == "0") or (body != piece and body == "0"):
        return None
    return int(piece)


def _all_splits(text: str, n: int, signed: set[int]) -> list[tuple[int, ...]]:
    tokens = text.split()
    out: list[tuple[int, ...]] = []

    def rec(t: int, pos: int, cell: int, acc: list[int]) -> None:
        if t == len(tokens):
            if cell == n:
                out.append(tuple(acc))
            return
        tok = tokens[t]
        for end in range(pos + 1, len(tok) + 1):
            v = _valid(tok[pos:end], cell in signed)
            if v is None or cell >= n:
                continue
            if end == len(tok):
                rec(t + 1, 0, cell + 1, [*acc, v])
            else:
                rec(t, end, cell + 1, [*acc, v])

    rec(0, 0, 0, [])
    return out


@st.composite
def small_cases(draw: st.DrawFn) -> tuple[list[Chunk], list, dict[str, int], dict[str, int]]:
    from itertools import count

    from nianbao.arithmetic import Relation

    ids = count()
    chunks, truth = [], {}
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 4))
        keys = [f"t9.c{next(ids)}" for _ in range(n)]
        signed = frozenset(k for k in keys if draw(st.integers(0, 5)) == 0)
        vals = [
            draw(st.integers(-30, 30) if k in signed else st.integers(0, 0) | st.integers(0, 130))
            for k in keys
        ]
        truth.update(zip(keys, vals, strict=True))
        text = str(vals[0]) + "".join(
            (" " if draw(st.integers(0, 3)) == 0 else "") + str(v) for v in vals[1:]
        )
        chunks.append(Chunk(keys, text, signed_keys=signed))
    all_keys = list(truth)
    rels, known = [], {}
    for r in range(draw(st.integers(0, 3))):
        lhs = draw(st.lists(st.sampled_from(all_keys), min_size=1, max_size=3, unique=True))
        rhs = draw(
            st.lists(
                st.sampled_from([k for k in all_keys if k not in lhs] or all_keys), max_size=3, unique=True
            )
        )
        rhs = [k for k in rhs if k not in lhs]
        slack = f"t9.known{r}"
        diff = sum(truth[k] for k in lhs) - sum(truth[k] for k in rhs)
        if diff >= 0:
            rels.append(Relation("X", tuple(lhs), (*rhs, slack), "测试"))
            known[slack] = diff
        else:
            rels.append(Relation("X", (*lhs, slack), tuple(rhs), "测试"))
            known[slack] = -diff
    return chunks, rels, known, truth


@SETTINGS
@given(small_cases())
def test_agrees_with_brute_force(case: tuple[list[Chunk], list, dict[str, int], dict[str, int]]) -> None:
    from itertools import product

    chunks, rels, known, truth = case
    per_chunk = [
        _all_splits(c.text, len(c.keys), {i for i, k in enumerate(c.keys) if k in c.signed_keys})
        for c in chunks
    ]
    joint = []
    for combo in product(*per_chunk):
        vals = dict(known)
        for c, sp in zip(chunks, combo, strict=True):
            vals.update(zip(c.keys, sp, strict=True))
        if all(r.holds(vals) for r in rels):
            joint.append(vals)
    assert joint  # the truth is one of them
    sol = solve(chunks, rels, known=known)
    assert sol.consistent
    assert sol.n_solutions == len(joint)
    for key in truth:
        cands = sorted({j[key] for j in joint})
        if len(cands) == 1:
            assert sol.values[key] == cands[0] == truth[key]
        else:
            assert sol.values[key] is None and sol.ambiguous[key] == cands


@SETTINGS
@given(small_cases(), st.integers(0, 2))
def test_broken_arithmetic_agrees_with_brute_force(
    case: tuple[list[Chunk], list, dict[str, int], dict[str, int]], bump: int
) -> None:
    chunks, rels, known, truth = case
    chunk = chunks[0]
    rels = [r for r in rels if all(k in chunk.keys or k in known for k in r.keys)]
    known = {k: v + bump for k, v in known.items()}  # bump > 0 may break every relation
    signed = {i for i, k in enumerate(chunk.keys) if k in chunk.signed_keys}
    splits = [
        dict(zip(chunk.keys, sp, strict=True)) for sp in _all_splits(chunk.text, len(chunk.keys), signed)
    ]
    holding = [s for s in splits if all(r.holds({**known, **s}) for r in rels)]
    sol = solve([chunk], rels, known=known)
    assert sol.consistent == bool(holding)
    assert sol.n_solutions == len(holding)
    if not holding and blanks_may_be_dropped([chunk]):
        # whole numbers a space apart, fewer than the cells: blank cells left out, as likely as
        # digits run together — a split the arithmetic rejects is no reading
        assert all(sol.values[k] is None for k in chunk.keys)
        return
    for key in chunk.keys:
        cands = sorted({s[key] for s in holding or splits})
        if len(cands) == 1:
            assert sol.values[key] == cands[0]
        else:
            assert sol.values[key] is None and sol.ambiguous[key] == cands
