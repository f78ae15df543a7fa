"""Recognising the template's labels in printed text.

All label knowledge comes from the template definition (formats.yaml): official wording, accepted
aliases and known variants. This module compiles it into
- `LabelIndex.match_row()`: is this whole cell/line the label of one of these rows, and how
  standard is its wording (exact / alias / variant / fuzzy)?
- `splitter()`: a regex that finds labels inside run-together text (crawled pages), used to cut
  one long paragraph into label and value pieces.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import NamedTuple

from ..templates import RowDef, SectionDef, TableDef, sections, templates
from .normalize import CN_NUMERALS, core, has_cjk, normalize, numeral_value, strip_numbering

EXACT, ALIAS, VARIANT, FUZZY = "exact", "alias", "variant", "fuzzy"
FUZZY_MIN_RATIO = 0.8


# the small records here are NamedTuples, not frozen dataclasses: each frozen dataclass costs
# `import` some 0.7 ms (its methods are generated as source and compiled), paid by every start
class RowMatch(NamedTuple):
    row: RowDef
    index: int  # type: ignore[assignment]  # position in the table's row sequence (shadows tuple.index)
    block: int
    quality: str  # exact | alias | variant | fuzzy


def _forms(official: str, variants: tuple[str, ...], aliases: tuple[str, ...]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for text, quality in (
        [(official, EXACT)] + [(a, ALIAS) for a in aliases] + [(v, VARIANT) for v in variants]
    ):
        form = core(text)
        if form and form not in seen:
            seen.add(form)
            out.append((form, quality))
    return out


class _RowEntry(NamedTuple):
    row: RowDef
    index: int  # type: ignore[assignment]  # shadows tuple.index, never called here
    block: int
    forms: tuple[tuple[str, str], ...]
    number: str  # the innermost numbering of the official label: "1." of (三)1.属于国家秘密


_INNER_NUMBER_RE = re.compile(rf"(?:\d{{1,2}}\.(?!\d)|\([{CN_NUMERALS}]{{1,3}}\))")


def _numbers_differ(printed: str, official: str) -> bool:
    """A printed list number that names another item than the official one (both given)."""
    inner = _INNER_NUMBER_RE.findall(printed)
    a, b = numeral_value(inner[-1] if inner else printed), numeral_value(official)
    return a is not None and b is not None and a != b


def _last_number(label: str) -> str:
    """Innermost list number of a label, normalised: "（三）1.属于国家秘密" -> "1."."""
    number, _ = strip_numbering(normalize(label))
    found = _INNER_NUMBER_RE.findall(number)
    return found[-1] if found else number


class LabelIndex:
    """Row labels of one table definition, in template order."""

    def __init__(self, table: TableDef):
        self.table = table
        entries = []
        i = 0
        for b, block in enumerate(table.blocks):
            for row in block.rows:
                forms = tuple(_forms(row.label.official, row.label.variants, row.label.aliases))
                entries.append(_RowEntry(row, i, b, forms, _last_number(row.label.official)))
                i += 1
        self.entries: tuple[_RowEntry, ...] = tuple(entries)
        # exact wording -> the entries (in template order) that print it, for O(1) lookups
        self._memo: dict[tuple[str, int, int], RowMatch | None] = {}
        self._exact: dict[str, list[tuple[_RowEntry, str]]] = {}
        for e in self.entries:
            for form, quality in e.forms:
                self._exact.setdefault(form, []).append((e, quality))

    def match_row(self, text: str, after: int = -1, window: int = 8) -> RowMatch | None:
        """Match a whole cell or line against the rows following position `after`.

        Short labels (其他, 总计) are only accepted near the expected position, long ones anywhere
        after it, so that column headers are not mistaken for rows. A label preceded by the
        characters of a vertical group label (「不 予 公 2. 其他法律…」) is tried from its numbering.
        """
        key = (text, after, window)
        if key in self._memo:  # every definition reads a region's lines more than once
            return self._memo[key]
        norm = normalize(text)
        m = None
        if norm and len(norm) <= 90:
            m = self._match(norm, after, window)
            if m is None:
                inner = _INNER_NUMBER_RE.search(norm, 1)
                if inner is not None and has_cjk(norm[: inner.start()]):
                    m = self._match(norm[inner.start() :], after, window)
        if len(self._memo) < 1 << 14:
            self._memo[key] = m
        return m

    def _match(self, norm: str, after: int, window: int) -> RowMatch | None:
        number, label = strip_numbering(norm)
        if not label:
            return None
        for e, quality in self._exact.get(label, ()):
            if len(label) < 4 and _numbers_differ(number, e.number):
                continue  # 「（六）其他」 (（六）其他处理 cut by its wrap) is not 「3.其他」
            numbered = bool(number) and bool(e.number) and not _numbers_differ(number, e.number)
            # a short label far from where the walk stands only with its own numbering: a column
            # header never prints 「（七）总计」, a table read from its middle row does
            if e.index > after and (len(label) >= 4 or e.index <= after + window or numbered):
                return RowMatch(e.row, e.index, e.block, quality)
        # wrapped or annotated labels: a distinctive fragment anywhere after, a short one nearby
        reach = len(self.entries) if len(label) >= 6 else after + 1 + 2 * window
        for e in self.entries[after + 1 : reach]:
            for form, quality in e.forms:
                if _prefix_match(label, form, bool(number) and number == e.number):
                    return RowMatch(e.row, e.index, e.block, quality)
        # typos and broken wording: closest long label near the expected position
        if len(label) >= 5:
            scored = []
            for e in self.entries[after + 1 : after + 1 + window]:
                form = e.forms[0][0]
                if len(form) < 5 or not 0.7 * len(form) <= len(label) <= 1.4 * len(form):
                    continue
                ratio = SequenceMatcher(None, label, form).ratio()
                if ratio >= FUZZY_MIN_RATIO:
                    scored.append((ratio, -e.index, e))
            if scored:
                _, _, e = max(scored)
                return RowMatch(e.row, e.index, e.block, FUZZY)
        return None

    def heading_index(self, text: str) -> int | None:
        """Index of the block whose heading (第二十条第（一）项) this text is."""
        norm = normalize(text)
        for b, block in enumerate(self.table.blocks):
            if block.heading and normalize(block.heading) == norm:
                return b
        return None


def _prefix_match(label: str, form: str, same_number: bool = False) -> bool:
    if len(form) < 6:
        return False
    # the official wording plus a remark: "部分公开(区分处理的,…)"
    if label.startswith(form):
        return label[len(form) :][:1] in ("(", "")
    if not form.startswith(label):
        return False
    # a label wrapped over lines: its first line is a good part of the official wording
    # ("5.要求行政机关确认或重新出" / "具已获取信息"); the printed list number vouches for shorter
    # fragments, and so does a started remark ("部分公开(区分处理")
    if same_number or "(" in label:
        return len(label) >= 4
    return len(label) >= max(4, min(10, 0.4 * len(form)))


class TemplateWords(NamedTuple):
    """The printed words of every template's tables, normalised (`core`): what text outside a
    parsed grid is compared with to tell a table's pieces from the report's prose."""

    row_labels: frozenset[str]  # row labels with their variants and aliases
    headings: frozenset[str]  # block headings (第二十条第（一）项): a row of one cell
    # whole column headers — labels, their groups (法人或其他组织), the headers over the row labels
    # (信息内容) and the columns (申请人情况), the row groups of 表四 (行政诉讼)
    column_words: frozenset[str]


@cache
def template_words() -> TemplateWords:
    labels: set[str] = set()
    headings: set[str] = set()
    words: set[str] = set()
    for template in templates().values():
        for table in template.tables.values():
            words.update(core(t) for t in (table.header, table.note) if t)
            for block in table.blocks:
                if block.heading:
                    headings.add(core(block.heading))
                for row in block.rows:
                    labels.update(
                        core(t) for t in (row.label.official, *row.label.variants, *row.label.aliases)
                    )
                    if row.parent:
                        words.add(core(row.parent))
                for col in block.columns:
                    words.update(
                        core(t) for t in (col.label.official, *col.label.variants, *col.label.aliases)
                    )
                    if col.parent:
                        words.add(core(col.parent))
    return TemplateWords(*(frozenset(s - {""}) for s in (labels, headings, words)))


@cache
def label_index(template_id: str, table_id: str) -> LabelIndex:
    return LabelIndex(templates()[template_id].tables[table_id])


# --- section headings -----------------------------------------------------------------------

_NUM = rf"(?:[{CN_NUMERALS}]+\.|\d{{1,2}}\.|\([{CN_NUMERALS}\d]{{1,3}}\)|第[{CN_NUMERALS}]+部分[.:]?)"


class HeadingMatch(NamedTuple):
    section: SectionDef
    number: str  # numbering as printed (normalised), "" when none
    quality: str


@cache
def _section_forms() -> list[tuple[str, SectionDef, str]]:
    out = []
    for s in sections():
        out.append((normalize(s.title), s, EXACT))
        for v in s.variants:
            out.append((normalize(v), s, VARIANT))
    out.sort(key=lambda t: -len(t[0]))
    return out


@lru_cache(maxsize=1 << 14)
def match_heading(text: str) -> HeadingMatch | None:
    """Is this line one of the six part headings? Accepts numbering variants and wording variants."""
    norm = normalize(text)
    if not norm or len(norm) > 60:
        return None
    number, rest = strip_numbering(norm)
    rest = rest.rstrip(":.")
    for form, section, quality in _section_forms():
        if rest == form:
            return HeadingMatch(section, number, quality)
        # "二、主动公开政府信息情况（表二）" and similar short suffixes
        if number and rest.startswith(form) and len(rest) - len(form) <= 8 and not re.search(r"[,;。]", rest):
            return HeadingMatch(section, number, quality)
    # unlisted wordings of a numbered top-level heading: its key words, in a short line
    if number and not number.startswith("(") and len(rest) <= 30 and not re.search(r"[,;。]", rest):
        for s in sections():
            if any(all(word in rest for word in words) for words in s.keywords):
                return HeadingMatch(s, number, VARIANT)
    return None


# --- finding labels inside run-together text ------------------------------------------------


@cache
def splitter() -> re.Pattern[str]:
    """Regex over normalised text matching any label worth cutting run-together text at.

    Section headings and 表三 rows need their numbering (一.总体情况, 1.属于国家秘密) so that the
    same words inside sentences are not cut; 表二 rows and block headings are distinctive enough.
    """
    forms: set[str] = set()
    for s in sections():
        for title in (s.title, *s.variants):
            forms.add(_NUM + re.escape(normalize(title)))
    for tpl in templates().values():
        for table in tpl.tables.values():
            for block in table.blocks:
                if block.heading:
                    forms.add(re.escape(normalize(block.heading)))
                for col in block.columns:
                    for text in (col.label.official, *col.label.aliases, *col.label.variants):
                        if len(core(text)) >= 4:
                            forms.add(re.escape(normalize(text)))
                for row in block.rows:
                    for text in (row.label.official, *row.label.aliases, *row.label.variants):
                        norm = normalize(text)
                        number, rest = strip_numbering(norm)
                        if table.id == "t3" and not number:
                            continue  # 表三 wording without numbering is too common in sentences
                        forms.add(re.escape(norm if len(rest) >= 2 else norm))
    return re.compile(_trie_pattern(forms) + "|" + _keyword_headings())


# a part heading in a wording not listed: a top-level number, the section's key words in order,
# and the word that ends a heading (情况, 事项, 措施), without a digit in between
_HEADING_END = "(?:情况|事项|措施)"
_GAP = r"[^\d]{0,20}?"


def _keyword_headings() -> str:
    """Headings of the six parts by their key words (formats.yaml `keywords`), for text run
    together: 「四、政府信息公开行政复议和行政诉讼情况」 is cut out as a heading although its
    wording is not listed. The number must not continue another (（四）, 第四)."""
    alternatives = []
    for s in sections():
        for words in s.keywords:
            body = _GAP.join(re.escape(normalize(w)) for w in words)
            end = "" if re.search(_HEADING_END + "$", words[-1]) else _GAP + _HEADING_END
            alternatives.append(f"{_GAP}{body}{end}")
    return rf"(?<![{CN_NUMERALS}(第])[{CN_NUMERALS}]{{1,2}}\.(?:" + "|".join(alternatives) + ")"


def _trie_pattern(forms: set[str]) -> str:
    """One regex for many alternatives, factored by common prefix so that matching is fast.

    A plain alternation of ~300 labels makes the regex engine try every label at every position
    of a long crawled page; a prefix tree tries only the labels that start with the current char.
    Forms are regex fragments already (escaped literals, or the numbering group for headings), so
    they are split into atoms first.
    """
    trie: dict = {}
    for form in forms:
        node = trie
        for atom in _atoms(form):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _emit(trie)


_ATOM_RE = re.compile(r"\(\?:[^()]*(?:\([^()]*\)[^()]*)*\)|\\.|.", re.S)


def _atoms(form: str) -> list[str]:
    return _ATOM_RE.findall(form)


def _emit(node: dict) -> str:
    ends = "" in node
    branches = [atom + _emit(child) for atom, child in sorted(node.items()) if atom != ""]
    if not branches:
        return ""
    # longest match first: a branch that continues beats stopping here
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body
