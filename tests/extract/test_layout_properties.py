"""Property: a 表三 laid out by position (the text `pdftotext -layout` gives) comes back exact or
flagged, cell by cell.

Random consistent tables of both templates are printed the way layout text shows real ones:
columns at random positions and widths, numbers left-aligned, centred or right-aligned, header
words broken over lines (自然/人, 社会/公益/组织), 总计 printed out of its place at random, cells
printed blank at random, long labels wrapped with their numbers on a line of their own (between
the label's halves, or above its first), the columns moving after a page break, and now and
then a row whose numbers came out shifted on the page. Every printed number must be read into
its cell or named by a finding; a blank cell must read blank (null) or be named.

Derandomized under the CI profile (tests/conftest.py).
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao.synth.generate import consistent_cells
from nianbao.templates import get_template

HEAD = "某某县人民政府办公室\n{year}年政府信息公开工作年度报告\n一、总体情况\n概述。\n二、主动公开政府信息情况\n无。\n"
TAIL = "\n四、政府信息公开行政复议、行政诉讼情况\n无。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"
LEAVES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def _put(line: list[str], x: int, text: str) -> None:
    while len(line) < x + len(text):
        line.append(" ")
    for i, ch in enumerate(text):
        line[x + i] = ch


def _lines(n: int) -> list[list[str]]:
    return [[] for _ in range(n)]


def _text(lines: list[list[str]]) -> list[str]:
    return ["".join(line).rstrip() for line in lines]


class _Page:
    def __init__(self, rng: random.Random, label_width: int, digits: int) -> None:
        self.start = label_width + rng.randint(3, 8)
        # numbers of two cells never touch: a PDF wraps a number too wide for its cell
        self.width = max(rng.randint(5, 9), digits + 2)
        self.align = rng.choice(("left", "center", "right"))
        self.shift = rng.choice((1, 2, self.width // 2, self.width + 2))

    def x(self, col: int, text: str) -> int:
        base = self.start + col * self.width
        if self.align == "left":
            return base
        if self.align == "right":
            return base + 4 - len(text)
        return base + 2 - len(text) // 2


def _header(page: _Page, rng: random.Random, misplace_total: bool) -> list[str]:
    lines = _lines(5)
    _put(lines[0], page.start + 2 * page.width, "申请人情况")
    _put(lines[1], page.start + 2 * page.width, "法人或其他组织")
    for col, word in enumerate(LEAVES):
        pieces = [word[i : i + 2] for i in range(0, len(word), 2)] if rng.random() < 0.7 else [word]
        if col == 6 and misplace_total:
            _put(lines[1], page.start + 4 * page.width + 1, word)  # 总计 out of its place
            continue
        for k, piece in enumerate(pieces):
            _put(
                lines[2 + k],
                page.x(col, piece) if page.align != "left" else page.start + col * page.width,
                piece,
            )
    _put(lines[0], 0, "（本列数据的勾稽关系为：第一项加第二")
    _put(lines[1], 1, "项之和，等于第三项加第四项之和）")
    return _text(lines)


def _numbers(page: _Page, values: list[str | None], shift: int = 0) -> list[str]:
    line: list[str] = []
    for col, v in enumerate(values):
        if v is not None:
            _put(line, page.x(col, v) + shift, v)
    return line


def render(template_id: str, cells: dict, rng: random.Random) -> tuple[str, dict]:
    """The 表三 as layout text, and the truth as printed (blank cells None)."""
    table = get_template(template_id).table("t3")
    label_width = 30
    digits = max(len(str(v)) for k, v in cells.items() if k.startswith("t3."))
    page = _Page(rng, label_width, digits)
    out = ["三、收到和处理政府信息公开申请情况"]
    out += _header(page, rng, misplace_total=rng.random() < 0.3)
    truth: dict[str, int | float | None] = {}
    blank_share = rng.choice((0.0, 0.15, 0.4))
    rows = [r for b in table.blocks for r in b.rows]
    break_at = rng.randint(3, len(rows) - 3) if rng.random() < 0.5 else None
    for i, row in enumerate(rows):
        if i == break_at:
            out += ["", "- 2 -", ""]
            old, page = page, _Page(rng, label_width, digits)  # the next page puts the columns elsewhere
            if page.width == old.width and (page.start - old.start) % page.width == 0:
                page.start += 1  # (not a whole column over: that no text can tell)
        label = row.label.official
        if row.group:
            out.append("   " + label)
            continue
        values: list[str | None] = []
        for col in table.blocks[0].value_columns:
            key = f"t3.{row.key}.{col.key}"
            v = cells[key]
            printed = None if rng.random() < blank_share else str(v)
            truth[key] = None if printed is None else v
            values.append(printed)
        # a row shifted on the page (never by a whole column: that no text can tell). Every
        # shifted row of a page moves by the same amount: two moved by 2 and by a column + 2 stand
        # a whole column apart, and each then vouches for the other's wrong columns
        shift = page.shift if rng.random() < 0.08 else 0
        numbers = _numbers(page, values, shift)
        if len(label) > 14 and rng.random() < 0.7:
            first, second = label[:13], label[13:]
            where = rng.choice(("between", "above", "first"))
            if where == "between":
                out += ["  " + first, "".join(numbers).rstrip(), "    " + second]
            elif where == "above":
                out += ["".join(numbers).rstrip(), "  " + first, "    " + second]
            else:
                line = list("  " + first)
                for k, ch in enumerate(numbers):
                    if ch != " ":
                        _put(line, k, ch)
                out += ["".join(line).rstrip(), "    " + second]
        else:
            line = list("  " + label)
            if len(line) >= page.start - 1:
                line = line[: page.start - 2]  # the label runs under the numbers: cut, as printed
            for k, ch in enumerate(numbers):
                if ch != " ":
                    _put(line, k, ch)
            out.append("".join(line).rstrip())
    return "\n".join(out), truth


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), template_id=st.sampled_from(["2019", "2021"]))
def test_layout_text_comes_back_exact_or_flagged(seed: int, template_id: str) -> None:
    rng = random.Random(seed)
    cells = consistent_cells(template_id, rng, high=rng.choice((1, 20, 3000)))
    text, truth = render(template_id, cells, rng)
    year = 2020 if template_id == "2019" else 2022
    report = nianbao.parse((HEAD.format(year=year) + text + TAIL).encode("utf-8"), "layout.txt")
    named = {k for f in report.findings for k in f.cells}
    silent = [
        f"{key}: printed {want}, read {report.value(key)}"
        for key, want in truth.items()
        if report.value(key) != want and key not in named
    ]
    assert silent == [], text
