"""Splitting run-together numbers on real rows of the crawled 平潭 reports (corpus/crawl of the shared folder)."""

from __future__ import annotations

import time

import pytest

from nianbao.arithmetic import Relation, relations
from nianbao.extract.segment import Chunk, Solution, blanks_may_be_dropped, chunk_for, findings, solve
from nianbao.templates import get_template
from nianbao.testing import corpus_dir

CRAWL = corpus_dir() / "crawl"

T3_COLS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)

# 平潭 2021 表三 as the crawler printed it (row label -> the text after it), and the truth (HTML page)
PT2021_T3 = {
    "new_received": ("640020470", [64, 0, 0, 2, 0, 4, 70]),
    "carried_over": ("0000000", [0] * 7),
    "granted": ("270020130", [27, 0, 0, 2, 0, 1, 30]),
    "partially_granted": ("500000 5", [5, 0, 0, 0, 0, 0, 5]),
    "denied.state_secret": ("0000000", [0] * 7),
    "denied.prohibited_by_law": ("0000000", [0] * 7),
    "denied.three_safety_one_stability": ("0000000", [0] * 7),
    "denied.third_party_rights": ("0000000", [0] * 7),
    "denied.internal_affairs": ("1000001", [1, 0, 0, 0, 0, 0, 1]),
    "denied.process_info": ("0000000", [0] * 7),
    "denied.law_enforcement_file": ("6000006", [6, 0, 0, 0, 0, 0, 6]),
    "denied.administrative_inquiry": ("1000001", [1, 0, 0, 0, 0, 0, 1]),
    "unable.not_held": ("220000325", [22, 0, 0, 0, 0, 3, 25]),
    "unable.needs_creation": ("0000000", [0] * 7),
    "unable.unclear_after_correction": ("0000000", [0] * 7),
    "not_processed.petition_complaint": ("0000000", [0] * 7),
    "not_processed.repeated": ("0000000", [0] * 7),
    "not_processed.publication": ("0000000", [0] * 7),
    "not_processed.massive_repeated": ("0000000", [0] * 7),
    "not_processed.confirm_or_reissue": ("0000000", [0] * 7),
    "other.no_correction": ("0000000", [0] * 7),
    "other.unpaid_fee": ("0000000", [0] * 7),
    "other.other": ("1000001", [1, 0, 0, 0, 0, 0, 1]),
    "results_total": ("630020469", [63, 0, 0, 2, 0, 4, 69]),
    "carried_forward": ("1000001", [1, 0, 0, 0, 0, 0, 1]),
}


def t3_chunk(row: str, text: str) -> Chunk:
    return Chunk([f"t3.{row}.{c}" for c in T3_COLS], text)


def t3_table(rows: dict[str, tuple[str, list[int]]]) -> list[Chunk]:
    return [t3_chunk(row, text) for row, (text, _) in rows.items()]


def truth_of(rows: dict[str, tuple[str, list[int]]]) -> dict[str, int]:
    return {f"t3.{row}.{c}": v for row, (_, vals) in rows.items() for c, v in zip(T3_COLS, vals, strict=True)}


def assert_never_wrong(sol: Solution, truth: dict[str, int | float]) -> None:
    for key, val in sol.values.items():
        if val is None:
            assert key in sol.ambiguous, key
        else:
            assert val == pytest.approx(truth[key]), key


def test_corpus_strings_are_real() -> None:
    if not CRAWL.exists():
        pytest.skip("corpus not available")
    text = (CRAWL / "pingtan-2021.txt").read_text(encoding="utf-8")
    for snippet in (
        "一、本年新收政府信息公开申请数量640020470",
        "（一）予以公开270020130",
        "不计其他情形）500000 5（三）",
        "1.本机关不掌握相关政府信息220000325",
        "（七）总计630020469",
        "尚未审结总计10203120001200000五、",
        "行政规范性文件693665第二十条",
        "行政事业性收费24252.311082三、",
    ):
        assert snippet in text, snippet
    text = (CRAWL / "pingtan-2019.txt").read_text(encoding="utf-8")
    for snippet in ("（六）其他处理0 0 0 0 0 00（七）总计23 0 00 0 023四、结转下年度继续办理 0 0 00 00 0 ",):
        assert snippet in text


def test_whole_2021_table_is_recovered_exactly() -> None:
    sol = solve(t3_table(PT2021_T3), relations("2021", "t3"))
    assert sol.consistent
    assert sol.n_solutions == 1
    assert sol.ambiguous == {}
    assert sol.values == truth_of(PT2021_T3)
    # the gold marks 予以公开 unknown by row arithmetic: the column sums decide it here
    assert "t3.granted.natural_person" in sol.recovered
    # 0000000: seven digits for seven cells, nothing to recover
    assert "t3.carried_over.total" not in sol.recovered


@pytest.mark.parametrize(
    ("row", "candidates"),
    [
        ("granted", {"natural_person": [2, 27], "commercial": [0, 7], "legal_service": [0, 20]}),
        ("unable.not_held", {"natural_person": [2, 22], "commercial": [0, 20]}),
    ],
)
def test_row_alone_stays_ambiguous(row: str, candidates: dict[str, list[int]]) -> None:
    # the gold lists these rows as unknown: alone, the row total allows two splits
    text, truth = PT2021_T3[row]
    sol = solve([t3_chunk(row, text)], relations("2021", "t3"))
    assert sol.consistent and sol.n_solutions == 2
    for col, cands in candidates.items():
        assert sol.values[f"t3.{row}.{col}"] is None
        assert sol.ambiguous[f"t3.{row}.{col}"] == cands
    assert_never_wrong(sol, truth_of({row: PT2021_T3[row]}))
    assert sol.values[f"t3.{row}.total"] == truth[-1]


def test_space_is_a_hard_boundary() -> None:
    sol = solve([t3_chunk("partially_granted", "500000 5")], relations("2021", "t3"))
    assert [sol.values[f"t3.partially_granted.{c}"] for c in T3_COLS] == [5, 0, 0, 0, 0, 0, 5]
    # without the space 5000005 is still unique, but in "5 0 0 0 0 0 05" the spaces leave "05" as one cell
    assert solve([t3_chunk("granted", "5 0 0 0 0 0 05")], []).unsplit


def test_2019_rows_with_some_spaces() -> None:
    rows = {
        "other": ("0 0 0 0 0 00", [0] * 7),
        "results_total": ("23 0 00 0 023", [23, 0, 0, 0, 0, 0, 23]),
        "carried_forward": ("0 0 00 00 0", [0] * 7),
        "new_received": ("230 000023", [23, 0, 0, 0, 0, 0, 23]),
    }
    sol = solve(t3_table(rows), relations("2019", "t3"))
    assert sol.values == truth_of(rows)


def test_t4_flat_row() -> None:
    keys = list(get_template("2021").table("t4").cell_keys)
    cases = {
        "10203120001200000": [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0],  # 平潭 2021
        "110024001510102": [1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2],  # 平潭 2023
        "25380363300630003": [25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3],  # 平潭 2025
    }
    for text, truth in cases.items():
        sol = solve([Chunk(keys, text)], relations("2021", "t4"))
        assert [sol.values[k] for k in keys] == truth, text
        assert sol.n_solutions == 1


def test_t2_without_relations() -> None:
    keys = ["t2.normative_docs.issued", "t2.normative_docs.repealed", "t2.normative_docs.in_force"]
    sol = solve([Chunk(keys, "693665")], relations("2021", "t2"))
    assert all(v is None for v in sol.values.values())  # gold: unknown
    assert 69 in sol.ambiguous[keys[0]] and 665 in sol.ambiguous[keys[2]] and 3 in sol.ambiguous[keys[1]]
    rules = ["t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force"]
    sol = solve([Chunk(rules, "000"), Chunk(["t2.licensing.decisions"], "2293")], relations("2021", "t2"))
    assert sol.values == {**dict.fromkeys(rules, 0), "t2.licensing.decisions": 2293}


def test_decimal_cells() -> None:
    fee = Chunk(["t2.fees.amount"], "24252.311082", decimal_keys=frozenset({"t2.fees.amount"}))
    assert solve([fee], []).values == {"t2.fees.amount": 24252.311082}
    # a point in a count cell is not a number
    assert solve([Chunk(["t2.licensing.decisions"], "24252.311082")], []).unsplit
    # 平潭 2019 政府集中采购 13575394432.52元: which digits are the count is not determined
    keys = ["t2.procurement.count", "t2.procurement.amount"]
    sol = solve([Chunk(keys, "13575394432.52", decimal_keys=frozenset(keys[1:]))], [])
    assert sol.values == dict.fromkeys(keys, None)
    assert 135 in sol.ambiguous[keys[0]] and 75394432.52 in sol.ambiguous[keys[1]]
    assert all(isinstance(v, int) for v in sol.ambiguous[keys[0]])


def test_signed_cells() -> None:
    keys = ["t2.licensing.prev_count", "t2.licensing.change", "t2.licensing.decisions"]
    signed = frozenset({keys[1]})
    assert list(solve([Chunk(keys, "12-35", signed_keys=signed)], []).values.values()) == [12, -3, 5]
    assert list(solve([Chunk(keys, "12 －3 5", signed_keys=signed)], []).values.values()) == [12, -3, 5]
    # a minus sign only where the template allows one
    assert solve([Chunk(keys, "-12 3 5", signed_keys=signed)], []).unsplit
    # 平潭 2019 行政许可3960181: 396 0 181 in truth, the text allows more
    sol = solve([Chunk(keys, "3960181", signed_keys=signed)], relations("2019", "t2"))
    assert all(v is None for v in sol.values.values())
    assert 396 in sol.ambiguous[keys[0]] and 181 in sol.ambiguous[keys[2]]


def test_known_cells_take_part() -> None:
    keys = [f"t3.granted.{c}" for c in T3_COLS[:6]]
    rels = relations("2021", "t3")
    assert solve([Chunk(keys, "6400204")], rels).values[keys[0]] is None  # total unknown: ignored
    assert solve([Chunk(keys, "6400204")], rels, known={"t3.granted.total": 70}).values[keys[0]] == 64
    assert solve([Chunk(keys, "6400204")], rels, known={"t3.granted.total": 52}).values[keys[1]] == 40
    assert solve([Chunk(keys, "6400204")], rels, known={"t3.granted.total": None}).values[keys[0]] is None


def test_broken_arithmetic_falls_back_to_each_row() -> None:
    rows = dict(PT2021_T3)
    rows["results_total"] = ("640020470", [64, 0, 0, 2, 0, 4, 70])  # 一+二 ≠ 七+四 now
    sol = solve(t3_table(rows), relations("2021", "t3"))
    assert not sol.consistent and sol.n_solutions == 0
    # the column sums are no longer trusted: 予以公开 is ambiguous again, never guessed
    assert sol.values["t3.granted.natural_person"] is None
    assert sol.ambiguous["t3.granted.natural_person"] == [2, 27]
    assert_never_wrong(sol, truth_of(rows))


def test_broken_row_total_keeps_what_the_spaces_say() -> None:
    sol = solve([t3_chunk("granted", "1 0 0 0 0 0 5")], relations("2021", "t3"))
    assert not sol.consistent
    assert [sol.values[f"t3.granted.{c}"] for c in T3_COLS] == [1, 0, 0, 0, 0, 0, 5]
    # in a crawl (a run that must be split stands elsewhere in the table) the space is a boundary
    sol = solve(
        [t3_chunk("granted", "100000 5"), t3_chunk("carried_over", "0000000")], relations("2021", "t3")
    )
    assert not sol.consistent
    assert sol.values["t3.granted.total"] == 5 and sol.values["t3.granted.natural_person"] == 1


def test_whole_numbers_a_space_apart_fewer_than_the_cells_are_not_split():
    # unstructured's text of a DOCX table: one line, the blank cells left out — 「258 12 1 1」 is
    # 自然人 258, 商业企业 12, 法律服务机构 1, 其他 1, not 2 5 8 1 2 1 1 with a broken total
    chunks = [t3_chunk("granted", "258 12 1 1"), t3_chunk("new_received", "821 35 2 1 859")]
    assert blanks_may_be_dropped(chunks)
    sol = solve(chunks, relations("2019", "t3"))
    assert all(v is None for v in sol.values.values())
    assert not sol.consistent or sol.values == dict.fromkeys(sol.values)
    (f, *_) = findings(chunks, sol, "表三")
    assert f.code == "CELL_AMBIGUOUS" and "空白单元格" in f.message
    assert not blanks_may_be_dropped([t3_chunk("granted", "230 000023")])


def test_unsplittable_chunks() -> None:
    for text in ("1 2 3 4 5 6 7 8", "12a3456", "", "00123"):
        sol = solve([t3_chunk("granted", text)], relations("2021", "t3"))
        assert sol.unsplit == {f"t3.granted.{c}" for c in T3_COLS}, text
        assert all(v is None for v in sol.values.values())
        assert sol.ambiguous == {f"t3.granted.{c}": [] for c in T3_COLS}
        assert sol.n_solutions == 0 and sol.consistent  # nothing to split, but no broken arithmetic


def test_same_key_twice_is_a_caller_error() -> None:
    with pytest.raises(ValueError):
        solve([t3_chunk("granted", "0000000"), t3_chunk("granted", "0000000")], [])
    with pytest.raises(ValueError):
        solve([t3_chunk("granted", "0000000")], [], known={"t3.granted.total": 0})


def test_long_chunks_do_not_blow_up() -> None:
    # 40 digits into 7 cells has ~3.8M splits; the row total prunes them
    applicants = [912345, 823456, 734567, 98765, 87654, 76543]
    text = "".join(map(str, applicants)) + str(sum(applicants))
    assert len(text) == 40
    truth = dict(zip([f"t3.granted.{c}" for c in T3_COLS], [*applicants, sum(applicants)], strict=True))
    t0 = time.perf_counter()
    sol = solve([t3_chunk("granted", text)], relations("2021", "t3"))
    assert time.perf_counter() - t0 < 2.0
    assert sol.consistent
    assert_never_wrong(sol, truth)
    # without any relation the same text has far too many splits: reported, not guessed
    t0 = time.perf_counter()
    sol = solve([t3_chunk("granted", "1234567890" * 4)], [])
    assert time.perf_counter() - t0 < 3.0
    assert sol.unsplit and all(v is None for v in sol.values.values())
    assert sol.n_solutions == 10_000  # counting stopped


def test_long_row_with_true_total_is_found() -> None:
    applicants = [1234, 567, 89, 1011, 1213, 1415]
    text = "".join(map(str, applicants)) + str(sum(applicants))
    sol = solve([t3_chunk("granted", text)], relations("2021", "t3"))
    truth = dict(zip([f"t3.granted.{c}" for c in T3_COLS], [*applicants, sum(applicants)], strict=True))
    assert sol.consistent
    assert_never_wrong(sol, truth)
    assert sol.values["t3.granted.total"] == sum(applicants)


def test_many_joint_solutions_are_capped_soundly() -> None:
    # twelve rows "110" (1|10 or 11|0) tied by one sum over their first cells
    keys = [[f"t9.r{i}.a", f"t9.r{i}.b"] for i in range(12)]
    chunks = [Chunk(k, "110") for k in keys]
    total = Relation("X", ("t9.sum.a",), tuple(k[0] for k in keys), "测试")
    # six rows take 11: C(12, 6) = 924 joint splits, more than the cap
    sol = solve(chunks, [total], known={"t9.sum.a": 12 + 6 * 10}, max_solutions=100)
    assert sol.consistent and sol.n_solutions == 100
    for a, b in keys:
        assert sol.values[a] is None and sol.ambiguous[a] == [1, 11]
        assert sol.values[b] is None and sol.ambiguous[b] == [0, 10]
    # below the cap the count is exact
    sol = solve(chunks, [total], known={"t9.sum.a": 12 + 10}, max_solutions=100)
    assert sol.n_solutions == 12
    # a sum only one choice reaches decides every row
    sol = solve(chunks, [total], known={"t9.sum.a": 12}, max_solutions=100)
    assert sol.n_solutions == 1
    assert all(sol.values[a] == 1 and sol.values[b] == 10 for a, b in keys)
    # independent rows multiply
    assert solve(chunks, [], max_solutions=100).n_solutions == 100
    assert solve(chunks[:3], []).n_solutions == 8


def test_findings_name_the_cells() -> None:
    chunks = [
        t3_chunk("granted", "270020130"),
        t3_chunk("carried_over", "0000000"),
        t3_chunk("other.other", "1 2"),
    ]
    sol = solve(chunks, relations("2021", "t3"))
    found = findings(chunks, sol, "表三")
    by_code = {}
    for f in found:
        by_code.setdefault(f.code, []).append(f)
    ambiguous, unsplit = by_code["CELL_AMBIGUOUS"]
    assert set(ambiguous.cells) == {
        f"t3.granted.{c}" for c in ("natural_person", "commercial", "social_welfare", "legal_service")
    }
    assert "270020130" in ambiguous.message and "2或27" in ambiguous.message
    assert unsplit.cells == [f"t3.other.other.{c}" for c in T3_COLS] and "无法拆分" in unsplit.message
    (recovered,) = by_code["CELL_RECOVERED"]
    assert set(recovered.cells) == {"t3.granted.research", "t3.granted.other_org", "t3.granted.total"}
    assert "？、？、0、？、？、1、30" in recovered.message
    assert recovered.severity == "info" and ambiguous.severity == "warning"


def test_cells_on_either_side_of_a_relation() -> None:
    # a + b == k with k known: the cells sit on the left-hand side this time
    keys = ["t9.r.a", "t9.r.b"]
    left = Relation("X", tuple(keys), ("t9.k",), "测试")
    right = Relation("X", ("t9.k",), tuple(keys), "测试")
    for rel in (left, right):
        assert solve([Chunk(keys, "110")], [rel], known={"t9.k": 11}).ambiguous == {
            "t9.r.a": [1, 11],
            "t9.r.b": [0, 10],
        }
        assert list(solve([Chunk(keys, "1210")], [rel], known={"t9.k": 22}).values.values()) == [12, 10]
        assert list(solve([Chunk(keys, "1210")], [rel], known={"t9.k": 211}).values.values()) == [1, 210]
        assert list(solve([Chunk(keys, "1210")], [rel], known={"t9.k": 121}).values.values()) == [121, 0]


def test_chunk_for_reads_the_template() -> None:
    fee = chunk_for("2021", ["t2.fees.amount"], "24252.311082")
    assert fee.decimal_keys == {"t2.fees.amount"} and not fee.signed_keys
    row = chunk_for("2019", ["t2.fees.prev_count", "t2.fees.change"], "35-2")
    assert row.signed_keys == {"t2.fees.change"} and not row.decimal_keys
    assert list(solve([row], relations("2019", "t2")).values.values()) == [35, -2]
    assert not chunk_for("2021", [f"t3.granted.{c}" for c in T3_COLS], "0000000").decimal_keys


def test_long_signed_chunk_is_split_without_the_integer_shortcut():
    # found by the brute-force property test: a minus sign in a chunk long enough for the
    # sum-range shortcut once crashed it
    chunk = Chunk(["t9.c0", "t9.c1", "t9.c2", "t9.c3"], "0 100 -10 100", signed_keys=frozenset({"t9.c2"}))
    rel = Relation("X", ("t9.c0", "t9.c1"), ("t9.known0",), "测试")
    sol = solve([chunk], [rel], known={"t9.known0": 100})
    assert sol.values == {"t9.c0": 0, "t9.c1": 100, "t9.c2": -10, "t9.c3": 100}
