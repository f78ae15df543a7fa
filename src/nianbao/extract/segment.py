"""Split run-together table numbers using the table's own arithmetic, and never guess.

Web crawlers flatten report tables so that the cells of a row run together: the 表三 row
``一、本年新收政府信息公开申请数量640020470`` is the seven cells 64 0 0 2 0 4 70, and the whole
表四 can become ``10203120001200000``. The extractor finds the row labels and hands over, per row, a
:class:`Chunk`: the cell keys that row covers and the text found between its label and the next.
:func:`solve` splits every chunk into numbers so that the relations of
:mod:`nianbao.arithmetic` hold, and reports a value only where *every* consistent split agrees.

Rules of a split
    * whitespace inside a chunk is a hard boundary between cells (a chunk may have fewer spaces
      than cells, never a cell across a space);
    * a number has no leading zero unless it is exactly ``0`` (or ``0.x`` in a decimal cell);
    * decimals only in ``decimal_keys`` cells, a sign (``-``/``+``) only in ``signed_keys`` cells,
      and ``-0`` is not a number;
    * the text of a chunk is consumed exactly; any other character makes the chunk unsplittable.

How it works
    1. Per chunk, every split that honours the chunk's *internal* relations (those whose keys all
       lie in this chunk or in ``known``, e.g. a 表三 row total) is enumerated right to left, so
       that a row's 总计 is fixed first and bounds the cells before it (a cell never exceeds the
       sum it belongs to; ``m`` digits in ``c`` cells sum to at least ``10**(ceil(m/c)-1)``).
    2. Chunks linked by relations across rows (（七）总计 column sums, the 一+二=七+四 balance)
       form components; in each, bound propagation prunes the splits and a backtracking search
       counts joint solutions up to ``max_solutions``.
    3. A component with no joint solution (the report's own arithmetic is broken) falls back to
       each chunk's internal splits; if even those fail, to the splits the text alone allows.

Usage::

    from nianbao.arithmetic import relations
    from nianbao.extract.segment import chunk_for, findings, solve

    keys = [k for k in template.table("t3").cell_keys if k.startswith("t3.new_received.")]
    sol = solve([chunk_for("2021", keys, "640020470"), ...], relations("2021", "t3"))
    sol.values["t3.new_received.total"]      # 70, or None when the digits stay ambiguous
    sol.ambiguous                            # key -> the candidate values, for a CELL_AMBIGUOUS finding
    sol.recovered                            # keys the text alone left open: CELL_RECOVERED
    findings(chunks, sol, "表三")             # those two findings, in Chinese, one per chunk

Blow-up guards: a chunk may try ``CHUNK_NODE_BUDGET`` pieces and list ``max_solutions`` splits,
after which all its cells are reported unknown (``unsplit``); a component's search stops at
``max_solutions`` joint splits (then only what bound propagation proves is reported) or after
``JOINT_NODE_BUDGET`` nodes (then only what each chunk's own relations prove).

When the arithmetic is broken, :func:`explain_broken` names the relation codes the report breaks
(the one smallest set whose removal makes a split possible). Its solves over the relation
subsets share one :class:`_Solver` (a chunk's splits under the same internal relations are listed
once), stop at the first joint split, skip chunks that no relation ties to another, and together
spend at most ``EXPLAIN_NODE_BUDGET`` search nodes; past that nothing is named. The search
propagates bounds incrementally (only the joints of the chunk just fixed, to the same fixpoint)
and prunes large domains with numpy.

The module is pure (no I/O) and raises only ``ValueError`` for a malformed call (a key given twice).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from ..arithmetic import Relation
from ..findings import CATALOGUE, Finding
from ..templates import get_template

if TYPE_CHECKING:
    from typing import TypeAlias

    import numpy as np

    from ..model import Report

    _Domain: TypeAlias = list[int] | np.ndarray

Number = int | float

#: Pieces one chunk may try before it is declared too ambiguous to split (about 0.3 s).
CHUNK_NODE_BUDGET = 100_000
#: Search nodes one joint component may cost before the solver stops counting.
JOINT_NODE_BUDGET = 50_000

_EPS = 1e-6
#: No cell is longer (numbers.MAX_DIGITS digits, a sign, a point and decimals): bounds stay finite.
_MAX_CELL_CHARS = 20
_DEC = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_ALLOWED = re.compile(r"[0-9.+\-]+")
_EMPTY: Mapping[str, Number | None] = MappingProxyType({})


@dataclass
class Chunk:
    """Text that covers ``keys`` (in reading order), as the extractor found it."""

    keys: list[str]
    text: str
    decimal_keys: frozenset[str] = frozenset()  # cells that may hold a decimal amount (万元)
    signed_keys: frozenset[str] = frozenset()  # cells that may be negative (本年增/减)


def chunk_for(template_id: str, keys: Sequence[str], text: str) -> Chunk:
    """A Chunk whose decimal and signed cells are those the template says (本年收费金额, 本年增/减)."""
    tpl = get_template(template_id)
    cols = [tpl.table(k.split(".", 1)[0]).column(k) for k in keys]
    return Chunk(
        list(keys),
        text,
        decimal_keys=frozenset(k for k, c in zip(keys, cols, strict=True) if not c.integer),
        signed_keys=frozenset(k for k, c in zip(keys, cols, strict=True) if c.signed),
    )


@dataclass
class Solution:
    """What the arithmetic determines about the chunks' cells.

    ``values`` has every chunk key: its value where all consistent splits agree, else None.
    ``ambiguous`` lists every key whose value is None with its sorted candidate values; the list
    is empty when the candidates are unknown (the chunk cannot be split, or has too many splits).
    ``n_solutions`` counts consistent joint splits, capped at ``max_solutions``: 0 when there is
    none (a chunk cannot be split, or the arithmetic is broken), ``max_solutions`` when counting
    stopped (too many, or a chunk with too many splits to list).
    ``consistent`` is False when no split satisfies all relations: the report's own arithmetic is
    broken and only each chunk's internal relations were used.
    ``unsplit`` names the keys of chunks that could not be split at all (or had too many splits).
    ``recovered`` names determined keys whose text alone allowed several splits: the arithmetic
    chose (CELL_RECOVERED), as opposed to cells whose spaces or digit count already fixed them.
    """

    values: dict[str, Number | None]
    ambiguous: dict[str, list[Number]]
    n_solutions: int
    consistent: bool
    unsplit: frozenset[str] = field(default_factory=frozenset)
    recovered: frozenset[str] = field(default_factory=frozenset)


class _Overflow(Exception):
    """Raised inside an enumeration that exceeded its cap or node budget."""


@dataclass
class _Budget:
    """Search nodes left to a solve, or to the search for what broke a table's arithmetic (all
    the solves it makes together): spent, the search gives up as after JOINT_NODE_BUDGET."""

    left: int

    def spend(self, n: int) -> bool:
        self.left -= n
        return self.left >= 0


# ---------------------------------------------------------------------------------------------
# numbers


def _normalise(text: str) -> str:
    # full-width digits, points and minus signs are common in Chinese pages
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-")


def _parse(piece: str, decimal: bool, signed: bool) -> Number | None:
    """The value of one cell's text, or None when the text cannot be a single cell."""
    if len(piece) > _MAX_CELL_CHARS:
        return None
    sign = 1
    if signed and piece[:1] in "+-":
        sign = -1 if piece[0] == "-" else 1
        piece = piece[1:]
        if not piece or piece.strip("0.") == "":  # no "-0": a sign marks a change
            return None
    if piece.isdigit() and (piece[0] != "0" or len(piece) == 1):  # tokens hold ASCII only
        return sign * int(piece)
    if decimal and "." in piece and _DEC.fullmatch(piece):
        return sign * float(piece)
    return None


def blanks_may_be_dropped(chunks: Sequence[Chunk]) -> bool:
    """Every number of the table's chunks stands a space apart and could be a cell as printed, and
    some row has fewer numbers than cells: the text may be whole cells with the blank ones left
    out (a converter writing a table as one line), not digits run together. A crawl has a run
    that must be split (「0000000」, 「230 000023」) somewhere."""
    tokens = [_normalise(ch.text).split() for ch in chunks]
    if not any(len(t) < len(ch.keys) for t, ch in zip(tokens, chunks, strict=True)):
        return False
    return all(_standalone(x) for t in tokens for x in t)


_STANDALONE_DIGITS = 8  # a longer run of digits is no count of one cell (an amount has its point)


def _standalone(token: str) -> bool:
    return _parse(token, True, True) is not None and sum(c.isdigit() for c in token) <= _STANDALONE_DIGITS


# ---------------------------------------------------------------------------------------------
# bounds on the cells not yet assigned


def _joint_hi(m: int, c: int, lmax: int) -> int:
    """An upper bound on the sum of ``c`` cells made from ``m`` characters, none longer than ``lmax``."""
    lmax = min(lmax, m - c + 1)
    if lmax <= 1:
        return 9 * c
    extra = m - c  # characters beyond one per cell; the sum is largest with the extra piled up
    k = min(c, extra // (lmax - 1))
    if k >= c:
        return c * 10**lmax
    rem = extra - k * (lmax - 1)
    return k * 10**lmax + 10 ** (rem + 1) + (c - k - 1) * 10


def _joint_lo(m: int, c: int) -> int:
    """A lower bound on the sum of ``c`` non-negative integer cells made from ``m`` digits."""
    longest = -(-m // c)  # some cell has at least this many digits, hence no leading zero
    return 10 ** (longest - 1) if longest >= 2 else 0


@dataclass
class _Rel:
    """One relation between a chunk's cells, as coefficients over its unknown keys."""

    coef: list[int]  # per key index of the chunk: +1 lhs, -1 rhs, 0 not involved
    const: Number  # contribution of known cells
    # per prefix end i: the lhs/rhs keys among 0..i and whether they are all of 0..i
    n_pos: list[int] = field(default_factory=list)
    n_neg: list[int] = field(default_factory=list)


def _prepare(rel: _Rel) -> None:
    pos = neg = 0
    for c in rel.coef:
        pos += c > 0
        neg += c < 0
        rel.n_pos.append(pos)
        rel.n_neg.append(neg)


# ---------------------------------------------------------------------------------------------
# one chunk


_EXACT_FROM_EXTRA = 6  # digits beyond one per cell from which _SumRanges pays for itself


class _SumRanges:
    """Exact least and greatest sums of the first ``g`` characters split into ``c`` integer cells.

    Cells are at most ``width`` characters long (no cell can exceed the sum it belongs to),
    never cross a token boundary and have no leading zero. One table per width, built lazily.
    """

    def __init__(self, tokens: list[str], n: int) -> None:
        self.flat = "".join(tokens)
        self.n = n
        self.token_start: list[int] = [0]  # token_start[g]: start of the token holding char g-1
        pos = 0
        for t in tokens:
            self.token_start.extend([pos] * len(t))
            pos += len(t)
        self.tables: dict[int, tuple[list[list[float]], list[list[float]]]] = {}

    def range(self, c: int, g: int, width: int) -> tuple[float, float]:
        if width not in self.tables:
            self.tables[width] = self._build(width)
        lo, hi = self.tables[width]
        return lo[c][g], hi[c][g]

    def _build(self, width: int) -> tuple[list[list[float]], list[list[float]]]:
        m, flat = len(self.flat), self.flat
        inf = math.inf
        lo = [[inf] * (m + 1) for _ in range(self.n + 1)]
        hi = [[-inf] * (m + 1) for _ in range(self.n + 1)]
        lo[0][0] = hi[0][0] = 0
        for c in range(1, self.n + 1):
            prev_lo, prev_hi, cur_lo, cur_hi = lo[c - 1], hi[c - 1], lo[c], hi[c]
            for g in range(c, m + 1):
                for a in range(g - 1, max(self.token_start[g], g - width) - 1, -1):
                    if prev_lo[a] == inf or (flat[a] == "0" and g - a > 1):
                        continue
                    v = int(flat[a:g])
                    cur_lo[g] = min(cur_lo[g], prev_lo[a] + v)
                    cur_hi[g] = max(cur_hi[g], prev_hi[a] + v)
        return lo, hi


@dataclass
class _ChunkSplits:
    """The ways one chunk of digits can be split into cell values."""

    splits: list[tuple[Number, ...]]  # every split honouring the relations given
    overflow: bool = False  # too many to list: nothing is known


def _enumerate(
    chunk: Chunk, tokens: list[str], rels: list[_Rel], cap: int, budget: int = CHUNK_NODE_BUDGET
) -> _ChunkSplits:
    """Every split of ``tokens`` into the chunk's cells that satisfies ``rels`` exactly."""
    keys = chunk.keys
    n = len(keys)
    if not tokens or len(tokens) > n or any(not _ALLOWED.fullmatch(t) for t in tokens):
        return _ChunkSplits([])
    if sum(map(len, tokens)) > n * _MAX_CELL_CHARS:  # more characters than the cells can hold
        return _ChunkSplits([])
    kinds = [(k in chunk.decimal_keys, k in chunk.signed_keys) for k in keys]
    # prefix i (keys 0..i) holds a decimal or signed cell: the digit-length lower bound fails there
    loose: list[bool] = []
    acc = False
    for dec, sig in kinds:
        acc = acc or dec or sig
        loose.append(acc)
    signed_prefix: list[bool] = []
    acc = False
    for _, sig in kinds:
        acc = acc or sig
        signed_prefix.append(acc)
    cum = [0]
    pmax = [0]
    for t in tokens:
        cum.append(cum[-1] + len(t))
        pmax.append(min(max(pmax[-1], len(t)), _MAX_CELL_CHARS))
    partial = [r.const for r in rels]
    digit_sum = [0]
    for ch in "".join(tokens):
        digit_sum.append(digit_sum[-1] + (int(ch) if ch.isdigit() else 0))
    # long chunks (many more digits than cells) get exact sum ranges; short ones are cheap anyway
    # (integers only: signs and decimal points would need their own arithmetic)
    plain = all(t.isdigit() for t in tokens)
    exact = _SumRanges(tokens, n) if rels and plain and cum[-1] - n >= _EXACT_FROM_EXTRA else None
    # caps_at[i]: (relation, sign) where cell i, an unsigned integer, can at most balance the partial
    # sum alone: every other cell still open in that relation (0..i-1) is unsigned and on its side
    caps_at: list[list[tuple[int, int]]] = []
    for i, (dec, sig) in enumerate(kinds):
        caps: list[tuple[int, int]] = []
        if not (dec or sig or (i > 0 and loose[i - 1])):
            for q, r in enumerate(rels):
                c = r.coef[i]
                opposite = (r.n_pos[i - 1] if c < 0 else r.n_neg[i - 1]) if i > 0 else 0
                if c and not opposite:
                    caps.append((q, 1 if c < 0 else -1))
        caps_at.append(caps)
    values: list[Number] = [0] * n
    out: list[tuple[Number, ...]] = []
    nodes = 0

    def feasible(i: int, m: int, lmax: int) -> bool:
        """Can keys 0..i, made from ``m`` characters, still satisfy every relation?"""
        c = i + 1
        if c == 0:
            return all(abs(p) < _EPS for p in partial)
        if c == 1:
            # one cell left: it is the rest of the first token, so check it exactly
            if m > len(tokens[0]):
                return False
            v = _parse(tokens[0][:m], *kinds[0])
            return v is not None and all(
                abs(p + r.coef[0] * v) < _EPS for r, p in zip(rels, partial, strict=True)
            )
        hi_all = -1
        for r, p in zip(rels, partial, strict=True):
            n_pos, n_neg = r.n_pos[i], r.n_neg[i]
            if not loose[i] and (n_pos == c or n_neg == c):
                # every open cell is a non-negative integer on one side: they sum to `total`,
                # so none is longer than `total`; and a number is congruent to its digit sum
                # mod 9, whatever the split
                total_f = -p if n_pos == c else p
                total = int(round(total_f))
                if total < 0 or abs(total - total_f) > _EPS or (total - digit_sum[m]) % 9:
                    return False
                width = len(str(total))
                if not _joint_lo(m, c) <= total <= _joint_hi(m, c, min(lmax, width)):
                    return False
                if exact is not None:
                    lo_x, hi_x = exact.range(c, m, width)
                    if not lo_x <= total <= hi_x:
                        return False
                continue
            if hi_all < 0:
                hi_all = _joint_hi(m, c, lmax)
                lo_all = 0 if loose[i] else _joint_lo(m, c)
                cell_hi = 10 ** min(lmax, m - c + 1)
            bounds = []
            for cnt in (n_pos, n_neg):
                if cnt == 0:
                    bounds.append((0, 0))
                    continue
                hi = hi_all if cnt == c else min(hi_all, cnt * cell_hi)
                lo = lo_all if cnt == c else 0
                if signed_prefix[i]:
                    lo = -hi
                bounds.append((lo, hi))
            (lo_p, hi_p), (lo_n, hi_n) = bounds
            need = -p  # sum(pos) - sum(neg) over the open cells must equal this
            if need < lo_p - hi_n - _EPS or need > hi_p - lo_n + _EPS:
                return False
        return True

    def rec(i: int, j: int, e: int) -> None:
        # keys 0..i remain; they must use tokens 0..j-1 and tokens[j][:e]
        nonlocal nodes
        if i < 0:
            if j < 0:
                out.append(tuple(values))
                if len(out) > cap:
                    raise _Overflow
            return
        if j < 0:
            return
        dec, sig = kinds[i]
        tok = tokens[j]
        coefs = [r.coef[i] for r in rels]
        caps = caps_at[i]
        if i == 0 and j > 0:
            return  # the first cell cannot span tokens
        for s in (0,) if i == 0 else range(e - 1, -1, -1):
            if cum[j] + s < i:  # fewer characters left than cells: shorter pieces only get worse
                break
            nodes += 1
            if nodes > budget:
                raise _Overflow
            v = _parse(tok[s:e], dec, sig)
            if v is None:
                continue
            # a longer piece is a larger integer: once it exceeds what its sum leaves, stop
            if any(v > sign * partial[q] + _EPS for q, sign in caps):
                break
            if s == 0:
                nj, ne, ntok = j - 1, (len(tokens[j - 1]) if j > 0 else 0), j
            else:
                nj, ne, ntok = j, s, j + 1
            if i < ntok:  # a token left over with no cell for it
                continue
            m = cum[j] + s
            lmax = min(max(pmax[j], s), _MAX_CELL_CHARS)
            values[i] = v
            for q, cf in enumerate(coefs):
                partial[q] += cf * v
            if feasible(i - 1, m, lmax):
                rec(i - 1, nj, ne)
            for q, cf in enumerate(coefs):
                partial[q] -= cf * v

    try:
        if feasible(n - 1, cum[-1], pmax[-1]):
            rec(n - 1, len(tokens) - 1, len(tokens[-1]))
    except _Overflow:
        return _ChunkSplits([], overflow=True)
    return _ChunkSplits(out)


def _internal_relations(chunk: Chunk, rels: Sequence[Relation], known: Mapping[str, Number]) -> list[_Rel]:
    index = {k: i for i, k in enumerate(chunk.keys)}
    out = []
    for rel in rels:
        keys = rel.keys
        if not any(k in index for k in keys) or not all(k in index or k in known for k in keys):
            continue
        r = _Rel([0] * len(chunk.keys), 0)
        for side, sign in ((rel.lhs, 1), (rel.rhs, -1)):
            for k in side:
                if k in index:
                    r.coef[index[k]] += sign
                else:
                    r.const += sign * known[k]
        if any(r.coef) or abs(r.const) > _EPS:
            _prepare(r)
            out.append(r)
    return out


# ---------------------------------------------------------------------------------------------
# chunks together


@dataclass
class _Joint:
    """A relation across chunks: sum over chunks of contrib[chunk][split] + const == 0.

    ``contrib`` holds, per chunk, one value per split; ``arrays`` the same as numpy arrays
    (int64 when every value is an integer, exact as Python's; float64 otherwise, as Python's
    int + float), used for large domains.
    """

    contrib: dict[int, list[Number]]
    const: Number
    arrays: dict[int, np.ndarray] = field(default_factory=dict)
    # per chunk: the last domain object seen, its extreme contributions and their array (domains
    # are replaced when pruned, never changed, so the same object has the same extremes)
    seen: dict[int, tuple[object, tuple[Number, Number], np.ndarray | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c, col in self.contrib.items():
            if len(col) >= _LARGE:
                ints = all(isinstance(v, int) for v in col)
                import numpy  # only large domains need it: not a cost of every start-up

                self.arrays[c] = numpy.array(col, dtype=numpy.int64 if ints else numpy.float64)


#: A domain at least this large is pruned with numpy; smaller ones cost less in plain Python.
_LARGE = 48


def _propagate(
    domains: list[_Domain],
    joints: list[_Joint],
    by_chunk: dict[int, list[int]],
    start: Iterable[int] | None = None,
) -> bool:
    """Drop splits that no choice in the other chunks' domains can balance. False if one empties.

    A domain is the ascending list of a chunk's splits still possible: a numpy array from
    ``_LARGE`` splits up (pruned with array operations), a plain list below.
    ``start`` names the joints to look at first (default: all); the others must already be at
    their fixpoint (a search node after its parent's propagation, where only the chunk it picked
    changed): pruning only shrinks domains, so the fixpoint reached is the same in any order.
    ``domains`` entries are replaced, never changed in place: a shallow copy stays as it was.
    """
    queue = list(range(len(joints))) if start is None else list(start)
    queued = set(queue)
    while queue:
        q = queue.pop()
        queued.discard(q)
        jr = joints[q]
        lo = hi = jr.const
        ext: dict[int, tuple[Number, Number]] = {}
        picked: dict[int, np.ndarray] = {}
        seen = jr.seen
        for c, contrib in jr.contrib.items():
            dom = domains[c]
            last = seen.get(c)
            if last is not None and last[0] is dom:  # this domain's extremes are known
                ext[c] = last[1]
                if last[2] is not None:
                    picked[c] = last[2]
            elif type(dom) is not list:  # an array
                v = picked[c] = jr.arrays[c][dom]
                ext[c] = (v.min().item(), v.max().item())
                seen[c] = (dom, ext[c], v)
            else:
                vals = [contrib[s] for s in dom]
                ext[c] = (min(vals), max(vals))
                seen[c] = (dom, ext[c], None)
            lo += ext[c][0]
            hi += ext[c][1]
        if lo > _EPS or hi < -_EPS:
            return False
        for c, contrib in jr.contrib.items():
            lo_o, hi_o = lo - ext[c][0], hi - ext[c][1]
            # nothing to drop when every split of c fits between the others' extremes
            if lo_o + ext[c][1] <= _EPS and hi_o + ext[c][0] >= -_EPS:
                continue
            dom = domains[c]
            keep: _Domain
            if type(dom) is not list:
                v = picked[c]
                keep = cast("np.ndarray", dom)[(lo_o + v <= _EPS) & (hi_o + v >= -_EPS)]
                if len(keep) < _LARGE:
                    keep = keep.tolist()
            else:
                keep = [s for s in dom if lo_o + contrib[s] <= _EPS and hi_o + contrib[s] >= -_EPS]
            if len(keep) < len(dom):
                if not len(keep):
                    return False
                domains[c] = keep
                for q2 in by_chunk[c]:
                    if q2 not in queued:
                        queue.append(q2)
                        queued.add(q2)
    return True


def _domain(n: int) -> _Domain:
    if n < _LARGE:
        return list(range(n))
    import numpy

    return numpy.arange(n)


def _as_list(dom: _Domain) -> list[int]:
    return dom if type(dom) is list else cast("np.ndarray", dom).tolist()


@dataclass
class _Search:
    """State of the search for splits of every chunk that hold together."""

    used: list[set[int]]  # per chunk: the splits that occur in some joint solution
    count: int = 0
    nodes: int = 0
    capped: bool = False
    gave_up: bool = False  # a node budget ran out: the count is unknown


def _search(
    domains: list[_Domain],
    members: list[int],
    joints: list[_Joint],
    by_chunk: dict[int, list[int]],
    st: _Search,
    cap: int,
    budget: _Budget | None = None,
    start: Iterable[int] | None = None,
) -> None:
    st.nodes += 1
    if st.nodes > JOINT_NODE_BUDGET or (budget is not None and not budget.spend(1)):
        st.gave_up = True
        raise _Overflow
    if not _propagate(domains, joints, by_chunk, start):
        return
    open_ = [c for c in members if len(domains[c]) > 1]
    if not open_:
        st.count += 1
        for c in members:
            st.used[c].add(domains[c][0])
        if st.count >= cap:
            st.capped = True
            raise _Overflow
        return
    pick = min(open_, key=lambda c: len(domains[c]))
    for s in _as_list(domains[pick]):
        trial = list(domains)  # entries are replaced, never changed: a shallow copy will do
        trial[pick] = [s]
        _search(trial, members, joints, by_chunk, st, cap, budget, by_chunk.get(pick, ()))


def _components(n: int, joints: list[_Joint]) -> list[list[int]]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for jr in joints:
        cs = list(jr.contrib)
        for c in cs[1:]:
            parent[find(c)] = find(cs[0])
    groups: dict[int, list[int]] = {}
    for c in range(n):
        groups.setdefault(find(c), []).append(c)
    return list(groups.values())


def _assign(
    chunk: Chunk,
    splits: list[tuple[Number, ...]],
    chosen: Iterable[int],
    values: dict[str, Number | None],
    ambiguous: dict[str, list[Number]],
) -> None:
    picked = [splits[s] for s in chosen]
    for i, key in enumerate(chunk.keys):
        cands = sorted({sp[i] for sp in picked})
        if len(cands) == 1:
            values[key] = cands[0]
        else:
            values[key] = None
            ambiguous[key] = cands


def solve(
    chunks: list[Chunk],
    relations: Iterable[Relation],
    known: Mapping[str, Number | None] = _EMPTY,
    max_solutions: int = 10_000,
) -> Solution:
    """Split every chunk so that ``relations`` hold; report the cells all consistent splits agree on.

    ``known`` holds cells read elsewhere (None = not read); relations touching a key that is in
    neither the chunks nor ``known`` are ignored. See the module docstring for the rules.
    """
    solution = _Solver(chunks, known, max_solutions).solve(list(relations))
    assert solution is not None
    return solution


class _Solver:
    """Solves over one set of chunks: what does not depend on the relations is done once, and a
    chunk's splits under the same relations are enumerated once for all the solves (the search
    for what broke a table's arithmetic solves the same chunks under many relation subsets)."""

    def __init__(self, chunks: list[Chunk], known: Mapping[str, Number | None], max_solutions: int) -> None:
        self.chunks = chunks
        self.max_solutions = max_solutions
        self.known_vals = {k: v for k, v in known.items() if v is not None}
        self.owner: dict[str, tuple[int, int]] = {}
        for ci, ch in enumerate(chunks):
            for ki, k in enumerate(ch.keys):
                if k in self.owner:
                    raise ValueError(f"cell key {k} appears in two chunks")
                self.owner[k] = (ci, ki)
        clash = set(self.owner) & set(self.known_vals)
        if clash:
            raise ValueError(f"cell keys both in a chunk and known: {', '.join(sorted(clash))}")
        self.tokens = [_normalise(ch.text).split() for ch in chunks]
        self.index = [frozenset(ch.keys) for ch in chunks]
        self._splits: dict[tuple[int, tuple[int, ...]], tuple[_ChunkSplits, bool]] = {}
        self._joints: dict[tuple[int, tuple[int, ...]], _Joint] = {}
        self._alone: dict[int, int] = {}  # chunk -> how many splits its text alone allows (max 2)
        self.blanks_dropped = blanks_may_be_dropped(chunks)
        self.rejected: set[int] = set()  # chunks left unsplit because the arithmetic rejects every split

    def _internal(self, ci: int, near: list[Relation]) -> tuple[_ChunkSplits, bool]:
        """The chunk's splits under its internal relations, and whether those cannot hold (then
        the splits its text alone allows)."""
        ch = self.chunks[ci]
        # the relations that can be internal (the others do not change the enumeration)
        index, known = self.index[ci], self.known_vals
        inside = [r for r in near if all(k in index or k in known for k in r.keys)]
        key = (ci, tuple(id(r) for r in inside))
        hit = self._splits.get(key)
        if hit is None:
            toks = self.tokens[ci]
            own = _internal_relations(ch, inside, self.known_vals)
            found = _enumerate(ch, toks, own, self.max_solutions)
            broken = False
            if not found.splits and not found.overflow and own:
                broken = True
                # a table whose every number stands a space apart as a cell could (「258 12 1 1」
                # for seven cells): a converter that dropped the blank cells wrote the same text,
                # so a split the arithmetic rejects tells nothing — the row stays undetermined
                if not (self.blanks_dropped and len(toks) < len(ch.keys)):
                    found = _enumerate(ch, toks, [], self.max_solutions)
                elif (alone := _enumerate(ch, toks, [], 1)).splits or alone.overflow:
                    self.rejected.add(ci)  # splittable, but no split keeps the arithmetic
            hit = self._splits[key] = (found, broken)
        return hit

    def _linked(self, rels: list[Relation]) -> set[int]:
        """The chunks some relation ties to another chunk (those a joint may involve)."""
        out: set[int] = set()
        for rel in rels:
            involved = {self.owner[k][0] for k in rel.keys if k in self.owner}
            if len(involved) >= 2 and all(k in self.owner or k in self.known_vals for k in rel.keys):
                out |= involved
        return out

    def _may_break(self, ci: int, near: list[Relation]) -> bool:
        """Could the chunk's internal relations fail (no split honours them)? Only the first
        split is looked for: a chunk that has one (or too many to list) does not break."""
        index, known = self.index[ci], self.known_vals
        inside = [r for r in near if all(k in index or k in known for k in r.keys)]
        if not inside:
            return False
        key = (ci, tuple(id(r) for r in inside))
        hit = self._splits.get(key)
        if hit is not None:
            return hit[1]
        own = _internal_relations(self.chunks[ci], inside, known)
        if not own:
            return False
        found = _enumerate(self.chunks[ci], self.tokens[ci], own, 1)
        return not found.splits and not found.overflow

    def _joint(self, rel: Relation, internal: list[_ChunkSplits], involved: set[int]) -> _Joint:
        key = (id(rel), tuple(id(internal[ci]) for ci in sorted(involved)))
        joint = self._joints.get(key)
        if joint is None:
            const: Number = 0
            contrib: dict[int, list[Number]] = {}
            for side, sign in ((rel.lhs, 1), (rel.rhs, -1)):
                for k in side:
                    if k not in self.owner:
                        const += sign * self.known_vals[k]
                        continue
                    ci, ki = self.owner[k]
                    col = contrib.setdefault(ci, [0] * len(internal[ci].splits))
                    for s, sp in enumerate(internal[ci].splits):
                        col[s] += sign * sp[ki]
            joint = self._joints[key] = _Joint(contrib, const)
        return joint

    def solve(
        self, rels: list[Relation], consistency_only: bool = False, budget: _Budget | None = None
    ) -> Solution | None:
        """The solution under ``rels``. With ``consistency_only``, only whether the relations can
        hold: the search stops at the first joint split, and None is returned when ``budget``
        ran out before that could be told."""
        chunks, owner, known_vals = self.chunks, self.owner, self.known_vals
        max_solutions = self.max_solutions
        values: dict[str, Number | None] = {}
        ambiguous: dict[str, list[Number]] = {}
        unsplit: set[str] = set()
        recovered: set[str] = set()
        tokens = self.tokens

        # 1. each chunk on its own, honouring its internal relations
        touching: dict[str, list[int]] = {}
        for q, rel in enumerate(rels):
            for k in rel.keys:
                touching.setdefault(k, []).append(q)
        internal: list[_ChunkSplits] = []
        broken: list[bool] = []  # the chunk's internal relations cannot hold
        linked = self._linked(rels) if consistency_only else None
        for ci, ch in enumerate(chunks):
            near = [rels[q] for q in sorted({q for k in ch.keys for q in touching.get(k, ())})]
            if linked is not None and ci not in linked and not self._may_break(ci, near):
                # in no relation with another chunk and its own relations can hold: whatever its
                # splits, it cannot make the table inconsistent, so they need not be listed
                internal.append(_ChunkSplits([]))
                broken.append(False)
                continue
            found, is_broken = self._internal(ci, near)
            internal.append(found)
            broken.append(is_broken)

        # 2. relations across chunks, over chunks whose splits are listed
        usable = {ci for ci, f in enumerate(internal) if f.splits}
        joints: list[_Joint] = []
        for rel in rels:
            involved = {owner[k][0] for k in rel.keys if k in owner}
            if len(involved) < 2 or not involved <= usable:
                continue
            if not all(k in owner or k in known_vals for k in rel.keys):
                continue
            joints.append(self._joint(rel, internal, involved))
        by_chunk: dict[int, list[int]] = {}
        for q, jr in enumerate(joints):
            for c in jr.contrib:
                by_chunk.setdefault(c, []).append(q)

        consistent = True
        n_total = 1
        for members in _components(len(chunks), joints):
            for ci in members:
                if not internal[ci].splits:
                    consistent = consistent and ci not in self.rejected
                    for k in chunks[ci].keys:
                        values[k] = None
                        ambiguous[k] = []
                        unsplit.add(k)
                    # no split at all, or more than anyone can list
                    n_total = min(n_total * max_solutions, max_solutions) if internal[ci].overflow else 0
            members = [ci for ci in members if internal[ci].splits]
            if not members:
                continue
            domains = [_domain(len(f.splits)) for f in internal]
            st = _Search([set() for _ in chunks])
            comp_ok = not any(broken[ci] for ci in members)
            chosen: dict[int, Iterable[int]] = {}
            comp_count = 0
            if comp_ok:
                try:
                    _search(
                        domains,
                        members,
                        joints,
                        by_chunk,
                        st,
                        1 if consistency_only else max_solutions,
                        budget,
                    )
                except _Overflow:
                    pass
                if st.capped:
                    # too many to list: the root-propagated domains still hold every solution
                    root = list(domains)
                    _propagate(root, joints, by_chunk)
                    chosen = {ci: _as_list(root[ci]) for ci in members}
                    comp_count = max_solutions
                elif st.gave_up:
                    if consistency_only and budget is not None and budget.left < 0:
                        return None  # out of budget: cannot tell
                    # gave up counting: claim no more than each chunk's own relations fix
                    chosen = {ci: range(len(internal[ci].splits)) for ci in members}
                    comp_count = max_solutions
                elif st.count == 0:
                    comp_ok = False  # the exhaustive search found nothing: the arithmetic is broken
                else:
                    chosen = {ci: st.used[ci] for ci in members}
                    comp_count = st.count
            if not comp_ok:
                consistent = False
                if consistency_only:
                    break
                chosen = {ci: range(len(internal[ci].splits)) for ci in members}
            if consistency_only:
                continue
            n_total = min(n_total * comp_count, max_solutions)
            for ci in members:
                _assign(chunks[ci], internal[ci].splits, chosen[ci], values, ambiguous)
                ch = chunks[ci]
                if len(tokens[ci]) < len(ch.keys) and self._splits_alone(ci) != 1:
                    recovered.update(k for k in ch.keys if values[k] is not None)
        if not consistent:
            n_total = 0
        if consistency_only:
            return Solution({}, {}, 0, consistent)
        return Solution(
            values={k: values[k] for ch in chunks for k in ch.keys},
            ambiguous=ambiguous,
            n_solutions=min(n_total, max_solutions),
            consistent=consistent,
            unsplit=frozenset(unsplit),
            recovered=frozenset(recovered),
        )

    def _splits_alone(self, ci: int) -> int:
        n = self._alone.get(ci)
        if n is None:
            n = self._alone[ci] = len(_enumerate(self.chunks[ci], self.tokens[ci], [], 1).splits)
        return n


#: Search nodes all the solves naming what broke one table's arithmetic may cost together.
EXPLAIN_NODE_BUDGET = 3_000


def explain_broken(
    chunks: list[Chunk], relations: Iterable[Relation], known: Mapping[str, Number | None] = _EMPTY
) -> list[str] | None:
    """The relation codes a table's printed numbers break, when no split satisfies all its
    relations: the one smallest set of codes whose removal makes a split possible, or None when
    there is no single such set (or the search ran out of its budget).

    Subsets are tried by size; all the solves share the chunks' enumerations, stop at the first
    joint split, and together cost at most ``EXPLAIN_NODE_BUDGET`` search nodes.
    """
    rels = list(relations)
    solver = _Solver(chunks, known, 10_000)
    budget = _Budget(EXPLAIN_NODE_BUDGET)
    codes = sorted({r.code for r in rels})
    for size in range(1, len(codes)):
        restoring = []
        for dropped in combinations(codes, size):
            sol = solver.solve(
                [r for r in rels if r.code not in dropped], consistency_only=True, budget=budget
            )
            if sol is None:
                return None
            if sol.consistent:
                restoring.append(dropped)
                if len(restoring) > 1:
                    return None  # more than one explanation: do not name one
        if restoring:
            return list(restoring[0])
    return None


def report_broken_arithmetic(
    report: Report, title: str, chunks: list[Chunk], relations: Iterable[Relation], known: Mapping
) -> None:
    """No split of the run-together digits satisfies the table's arithmetic: the printed table is
    inconsistent. When dropping exactly one kind of relation makes a split possible, that kind is
    the one the report breaks, whatever the split; say so."""
    if blanks_may_be_dropped(chunks):
        return  # numbers a space apart may be cells beside dropped blank ones: nothing is run together
    rels = list(relations)
    codes = explain_broken(chunks, rels, known)
    if not codes:
        return
    in_chunks = {k for ch in chunks for k in ch.keys}
    for code in codes:
        keys = sorted({k for r in rels if r.code == code for k in r.keys if k in in_chunks})
        report.add(
            Finding(
                code,
                f"{title}的数字粘连在一起，但无论怎样拆分都不能满足“{CATALOGUE[code][1]}”对应的勾稽关系，"
                "说明报告本身的数据有误，请核对原表",
                cells=keys,
                data={"inferred_from": "segmentation"},
            )
        )


def _fmt(v: Number) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def findings(chunks: list[Chunk], solution: Solution, where: str = "") -> list[Finding]:
    """The findings a solution calls for, one per chunk: CELL_AMBIGUOUS for the cells left null,
    CELL_RECOVERED for the cells the arithmetic split. ``where`` names the table (表三)."""
    out: list[Finding] = []
    place = where or "表格"
    dropped = blanks_may_be_dropped(chunks)
    for ch in chunks:
        open_keys = [k for k in ch.keys if solution.values.get(k) is None]
        if open_keys and set(open_keys) & solution.unsplit:
            out.append(
                Finding(
                    "CELL_AMBIGUOUS",
                    f"{place}中的数字“{ch.text}”少于该行的{len(ch.keys)}个单元格，可能有空白单元格未印出，"
                    "无法确定各数字所属栏目，已留空。"
                    if dropped
                    else f"{place}中粘连的数字“{ch.text}”无法拆分为{len(ch.keys)}个单元格，已留空。",
                    cells=open_keys,
                    where=where or None,
                    data={"text": ch.text},
                )
            )
        elif open_keys:
            cands = {k: [_fmt(v) for v in solution.ambiguous.get(k, [])] for k in open_keys}
            out.append(
                Finding(
                    "CELL_AMBIGUOUS",
                    f"{place}中粘连的数字“{ch.text}”按表内勾稽关系仍有多种拆分方式，"
                    f"{len(open_keys)}个单元格无法确定，已留空（可能的值："
                    + "；".join("或".join(c) for c in cands.values() if c)
                    + "）。",
                    cells=open_keys,
                    where=where or None,
                    data={"text": ch.text, "candidates": cands},
                )
            )
        done = [k for k in ch.keys if k in solution.recovered]
        if done:
            out.append(
                Finding(
                    "CELL_RECOVERED",
                    f"{place}中粘连的数字“{ch.text}”已按表内勾稽关系拆分为"
                    + "、".join(_fmt(v) if (v := solution.values[k]) is not None else "？" for k in ch.keys)
                    + "。",
                    cells=done,
                    where=where or None,
                    data={"text": ch.text},
                )
            )
    return out


__all__ = [
    "CHUNK_NODE_BUDGET",
    "EXPLAIN_NODE_BUDGET",
    "JOINT_NODE_BUDGET",
    "Chunk",
    "Solution",
    "chunk_for",
    "explain_broken",
    "findings",
    "report_broken_arithmetic",
    "solve",
]
