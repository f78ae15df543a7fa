"""Finding the six parts (and any extra ones) and the regions of the three tables.

Headings are chosen in two passes: every line that could be a part heading is a candidate, then
for each part the candidate that looks most like a top-level heading wins. This keeps sub-headings
such as 「（一）主动公开情况」 inside 总体情况 from being taken for part 二.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..model import Report, Section
from ..templates import TABLE_IDS, Role, is_blank_marker, sections, templates
from .labels import EXACT, HeadingMatch, label_index, match_heading
from .normalize import CN_NUMERALS, core, has_cjk, numeral_value
from .tokens import CELL, PAGE, PIECE, Token

REGION_OF_SECTION = {"proactive": "t2", "requests": "t3", "appeals": "t4"}
_CN = CN_NUMERALS
# numbering as printed at the start of a heading: 一、 / （一） / 1. / 第一部分
RAW_NUMBER_RE = re.compile(
    rf"^(?:第[{_CN}]+部分[、.．:：]?|[（(][{_CN}\d]+[)）][、.．]?|[{_CN}\d]+\s*[、.．)）]?)"
)
_TOP_LEVEL_RE = re.compile(rf"^\s*([{_CN}]{{1,2}}|\d{{1,2}})\s*[、.．]\s*(\S.*)$")
_SENTENCE_RE = re.compile(r"[。；！？]")


@dataclass
class _Candidate:
    """A line that may be a part heading, and how likely."""

    index: int
    match: HeadingMatch | None  # None: a numbered top-level line that is not one of the six
    score: float
    numeral: int | None


def _official_position(key: str) -> int:
    return [s.key for s in sections()].index(key) + 1


def _heading_candidate(i: int, tok: Token, section_tables: frozenset[int] = frozenset()) -> _Candidate | None:
    if tok.kind == CELL and not (tok.block in section_tables and tok.prov.col == 0):
        return None
    if len(tok.text) > 60 or len(tok.text) < 4 or not has_cjk(tok.text):
        return None
    if tok.kind == PIECE and not tok.label_cut:
        return None
    m = match_heading(tok.text)
    if m is None:
        return None
    raw = RAW_NUMBER_RE.match(tok.text.strip())
    number = raw.group(0) if raw else ""
    numeral = numeral_value(number)
    score = 0.0
    if not number:
        score += 1
    elif "(" in number or "（" in number:
        score -= 1  # （一） numbers sub-headings, not parts
    else:
        score += 2
        if numeral == _official_position(m.section.key):
            score += 1
    if m.quality == EXACT:
        score += 1
    return _Candidate(i, m, score, numeral)


def _is_table_label(text: str) -> bool:
    for template_id in templates():
        for table_id in TABLE_IDS:
            m = label_index(template_id, table_id).match_row(text, window=100)
            if m is not None:
                return True
    return False


def split_parts(tokens: list[Token], report: Report) -> dict[str, list[Token]]:
    """Fill report.sections and return the tokens of each table region (t2, t3, t4)."""
    section_tables = _section_tables(tokens)
    candidates = [
        c for i, t in enumerate(tokens) if (c := _heading_candidate(i, t, section_tables)) is not None
    ]
    best: dict[str, _Candidate] = {}
    for c in candidates:
        key = c.match.section.key  # type: ignore[union-attr]
        if key not in best or c.score > best[key].score:
            best[key] = c
    chosen = sorted(best.values(), key=lambda c: c.index)
    chosen = _with_extra_parts(tokens, chosen)
    heading_at = {c.index: c for c in chosen}

    regions: dict[str, list[Token]] = {}
    region: str | None = None
    seen: set[str] = set()
    current: Section | None = None
    pieces: list[str] = []
    last_group: int | None = None
    t3_done = False  # 表三's last row (四、结转下年度继续办理) was printed
    for i, tok in enumerate(tokens):
        cand = heading_at.get(i)
        if cand is not None:
            if current is not None:
                current.text = "".join(pieces).strip()
            raw = RAW_NUMBER_RE.match(tok.text.strip())
            number = raw.group(0) if raw else None
            key = cand.match.section.key if cand.match else None
            current = Section(key, tok.text.strip(), number, "", tok.prov)
            report.sections.append(current)
            pieces, last_group = [], tok.group
            region = REGION_OF_SECTION.get(key) if key else None
            if region:
                seen.add(region)
            continue
        if region == "t3" and not t3_done and core(tok.text) in _t3_last_rows():
            t3_done = True
        anchor = _table_anchor(tok, region, seen, t3_done)
        if anchor:
            region = anchor
            seen.add(anchor)
        if region:
            regions.setdefault(region, []).append(tok)
        if tok.block in section_tables and tok.kind == CELL:
            # a part's text in the cell beside its heading (a workbook's 正文 sheet)
            if current is not None and not _empty_cell(tok.text):
                pieces.append("\n" + tok.text)
            continue
        # a part's text is its prose: the cells of its statistical table are data, kept apart
        if current is not None and tok.kind != PAGE and not (region and tok.kind == CELL):
            if tok.group != last_group:
                pieces.append("\n")
            elif tok.kind == CELL:
                pieces.append("\t")
            pieces.append(tok.text)
            last_group = tok.group
    if current is not None:
        current.text = "".join(pieces).strip()
    return regions


def _section_tables(tokens: list[Token]) -> frozenset[int]:
    """Tables that hold the parts themselves, a heading in the first column and its text beside
    it (the 正文 sheet of a fill-in workbook, a form's 组成部分 | 正文): three or more different
    parts named in column 0 of rows that have a second cell."""
    named: dict[int, set[str]] = {}
    wide: set[tuple[int, int]] = set()
    for tok in tokens:
        if tok.kind != CELL or tok.prov.row is None:
            continue
        if tok.prov.col == 0:
            if 4 <= len(tok.text) <= 60 and (m := match_heading(tok.text)) is not None:
                named.setdefault(tok.block, set()).add(m.section.key)
        else:
            wide.add((tok.block, tok.prov.row))
    rows_with_text = {b for b, _ in wide}
    return frozenset(b for b, keys in named.items() if len(keys) >= 3 and b in rows_with_text)


def _empty_cell(text: str) -> bool:
    # pandas, under markitdown, prints an empty spreadsheet cell as NaN
    return not text.strip() or text.strip() in ("NaN", "nan") or is_blank_marker(text)


def _with_extra_parts(tokens: list[Token], chosen: list[_Candidate]) -> list[_Candidate]:
    """Add numbered top-level lines that continue the parts' numbering but are not one of the six
    (「三、公开平台建设和信息发布情况」): SECTION_EXTRA needs to see them."""
    if not chosen:
        return chosen
    out = list(chosen)
    taken = {c.index for c in chosen}
    for i, tok in enumerate(tokens):
        if i in taken or tok.kind == CELL or tok.kind == PIECE:
            continue
        m = _TOP_LEVEL_RE.match(tok.text)
        if not m or len(tok.text) > 40 or _SENTENCE_RE.search(tok.text) or "，" in m.group(2):
            continue
        numeral = numeral_value(m.group(1))
        before = [c for c in out if c.index < i]
        if not before or numeral is None or before[-1].numeral is None or numeral != before[-1].numeral + 1:
            continue
        if _is_table_label(tok.text) or len(core(tok.text)) < 4:
            continue
        out.append(_Candidate(i, None, 0, numeral))
        out.sort(key=lambda c: c.index)
    return out


def _table_anchor(tok: Token, region: str | None, seen: set[str], t3_done: bool = False) -> str | None:
    """Tables found without their part heading (a dropped or renamed part), by the text that
    starts each table in the template definition."""
    if tok.kind == PIECE and not tok.label_cut:
        return None
    text = core(tok.text)
    if not text or len(text) > 40:
        return None
    anchors = _anchors()
    if "t2" not in seen and text in anchors["t2"]:
        return "t2"
    if "t3" not in seen and text in anchors["t3"]:
        return "t3"
    # 表四's first header cell (行政复议) is common in prose: only as a table cell after 表三, or
    # cut out of run-together text once 表三's last row was printed
    if "t4" not in seen and "t3" in seen and region == "t3" and text in anchors["t4"]:
        if tok.kind == CELL or (t3_done and tok.label_cut):
            return "t4"
    return None


@cache
def _t3_last_rows() -> frozenset[str]:
    """The wordings of 表三's last row (its carried_forward role), in every template."""
    out: set[str] = set()
    for template in templates().values():
        row = template.role_row(Role.CARRIED_FORWARD)
        out.update(core(w) for w in (row.label.official, *row.label.aliases, *row.label.variants))
    return frozenset(out)


@cache
def _anchors() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for template in templates().values():
        for tid, table in template.tables.items():
            out.setdefault(tid, set()).update(core(a) for a in table.anchors)
    return {tid: frozenset(v) for tid, v in out.items()}
