"""Linearising a Document into tokens: the unit the extractor walks.

A token is a table cell, a piece of a text line (tab-separated cells, `label  0  0  0`), or a
piece of a run-together paragraph cut at the template's labels. Tokens of one physical row or
line share a `group`, so that section text can be put back together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..document import Document, Paragraph, Provenance, Table
from .labels import splitter
from .normalize import has_cjk, normalize
from .numbers import looks_like_value

CELL, LINE, PIECE = "cell", "line", "piece"
PAGE = "page"  # a line that only says which page this is: no content, but the page changed

_WS_RE = re.compile(r"[ \t\u3000\u00a0]+")
# lines that only say which page this is
_PAGE_NO_RE = re.compile(
    r"^\s*(?:[-—－–]\s*\d{1,3}\s*[-—－–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


@dataclass
class Token:
    """A piece of printed text (a word, a cell, a cut-out label) with where it was printed."""

    text: str
    prov: Provenance
    group: int
    kind: str  # cell | line | piece
    label_cut: bool = False  # this piece was cut out of run-together text as a label
    block: int = -1  # index of the document block it came from
    # set apart from its neighbours by a run of spaces: a column of text laid out by position
    # (pdftotext -layout), whose `prov.offset` is its character column in the line
    apart: bool = False

    @property
    def empty(self) -> bool:
        return not self.text.strip(" \t\u3000\u00a0\r\n")


def tokenize(doc: Document) -> list[Token]:
    tokens: list[Token] = []
    group = 0
    for t_index, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            for row in block.rows():
                group += 1
                for cell in row:
                    prov = cell.prov
                    if prov.table is None:
                        prov = replace(prov, table=t_index, row=cell.row, col=cell.col)
                    tokens.append(Token(cell.text.strip(), prov, group, CELL, block=t_index))
        elif isinstance(block, Paragraph):
            group += 1
            for tok in _line_tokens(block.text, block.prov, group):
                tok.block = t_index
                tokens.append(tok)
    return tokens


def _line_tokens(text: str, prov: Provenance, group: int) -> list[Token]:
    # report lines repeat a lot ("\t0"): the shape of a line is computed once
    shape = _line_shape(text)
    return [
        Token(t, prov if off is None else replace(prov, offset=off), group, kind, cut, apart=apart)
        for t, kind, cut, off, apart in shape
    ]


@lru_cache(maxsize=1 << 14)
def _line_shape(text: str) -> tuple[tuple[str, str, bool, int | None, bool], ...]:
    empty = Provenance()
    # the character column is kept where it means something: lines laid out in columns or set in
    # by spaces (a number alone under its column), and pieces cut out of run-together text (a
    # Provenance copy per token is not free)
    keep = len(text) - len(text.lstrip(_PAD)) >= 2
    return tuple(
        (t.text, t.kind, t.label_cut, t.prov.offset if keep or t.apart or t.kind == PIECE else None, t.apart)
        for t in _line_tokens_uncached(text, empty, 0)
    )


_PAD = " \u3000\u00a0\r"


def _line_tokens_uncached(text: str, prov: Provenance, group: int) -> list[Token]:
    raw = text.rstrip("\r\n")
    if not raw.strip(" \t\u3000\u00a0"):
        # a line of only tabs or non-breaking spaces is an empty cell of a one-cell-per-line
        # dump; a truly empty line only separates rows
        return [Token("", prov, group, CELL)] if any(c in raw for c in "\t\u00a0\u3000") else []
    if _PAGE_NO_RE.match(raw):
        return [Token("", prov, group, PAGE)]
    base = 0  # where `raw` starts in the line
    if "\t" in raw:
        pieces = raw.split("\t")
        starts = []
        pos = 0
        for p in pieces:
            starts.append(pos)
            pos += len(p) + 1
        while pieces and not pieces[0].strip(_PAD):
            pieces.pop(0)  # indentation, not an empty cell
            starts.pop(0)
        if len(pieces) > 1:
            return [
                Token(p.strip(_PAD), replace(prov, offset=at + len(p) - len(p.lstrip(_PAD))), group, CELL)
                for p, at in zip(pieces, starts, strict=True)
            ]
        raw, base = pieces[0], starts[0]
    lead = len(raw) - len(raw.lstrip(_PAD))
    stripped = raw.strip(_PAD)
    tokens: list[Token] = []
    # columns laid out with runs of spaces (pdftotext -layout, fixed-width exports): every token
    # of such a line keeps its character column
    many = _WIDE_GAP_RE.search(stripped) is not None
    pos = 0
    for gap in _WIDE_GAP_RE.finditer(stripped):
        if gap.start() > pos:
            tokens.extend(_segment_tokens(stripped[pos : gap.start()], prov, group, base + lead + pos, many))
        pos = gap.end()
    if pos < len(stripped):
        tokens.extend(_segment_tokens(stripped[pos:], prov, group, base + lead + pos, many))
    tokens = _units_joined(tokens)
    trailing = raw[len(raw.rstrip(_PAD)) :]
    if tokens and (len(trailing) >= 2 or "\u3000" in trailing) and not looks_like_value(tokens[-1].text):
        tokens.append(Token("", prov, group, CELL))  # a label followed by empty columns
    return tokens


def _units_joined(tokens: list[Token]) -> list[Token]:
    """A currency unit set apart from its amount by a run of spaces (「75394432.52   元」 in a
    text laid out by position) is the amount's: alone it would leave the amount in 元 unsaid."""
    out: list[Token] = []
    for tok in tokens:
        if (
            out
            and tok.text in CURRENCY_UNITS
            and looks_like_value(out[-1].text)
            and out[-1].text[-1:].isdigit()
        ):
            out[-1] = replace(out[-1], text=out[-1].text + tok.text)
            continue
        out.append(tok)
    return out


CURRENCY_UNITS = frozenset({"元", "万元"})
_WIDE_GAP_RE = re.compile(r"[ \u00a0]{2,}|\u3000+")
_WORD_RE = re.compile(r"[^ \t\u3000\u00a0]+")


def _segment_tokens(text: str, prov: Provenance, group: int, at: int, apart: bool) -> list[Token]:
    """`at`: where the segment starts in its line; `apart`: the line is laid out in columns."""
    words = [(m.group(), m.start()) for m in _WORD_RE.finditer(text)]
    # values at the end of the segment, separated by single spaces: "规章 0 0 0", "0 0 0 0 0 0 4",
    # "理结果 的，只计这一情形，不计其 5"
    k = len(words)
    if _letter_spaced_end(words):
        return _cut_run_together(text, prov, group, at, apart)  # its last character is no blank cell
    while k > 0 and looks_like_value(words[k - 1][0]):
        k -= 1
    if k == len(words) or len(words) == 1:
        return _cut_run_together(text, prov, group, at, apart)
    head = (
        []
        if k == 0
        else _cut_run_together(text[: words[k - 1][1] + len(words[k - 1][0])], prov, group, at, apart)
    )
    return head + [Token(w, replace(prov, offset=at + off), group, LINE, apart=apart) for w, off in words[k:]]


def _cut_run_together(
    text: str, prov: Provenance, group: int, at: int = 0, apart: bool = False
) -> list[Token]:
    """Cut a line at every label found inside it; a line that is just a label stays whole."""
    if len(text) < 6 or splitter().search(normalize(text)) is None:
        return [Token(text, replace(prov, offset=at), group, LINE, apart=apart)]
    norm, index = _normalize_with_index(text)
    cuts: list[tuple[int, int]] = []
    for m in splitter().finditer(norm):
        start, end = index[m.start()], index[m.end() - 1] + 1
        while end < len(text) and text[end] in _DROPPED_BY_NORMALIZE:
            end += 1  # a closing quote the label's normal form leaves out: 危及“三安全一稳定”
        cuts.append((start, end))
    if not cuts or (len(cuts) == 1 and cuts[0] == (0, len(text))):
        return [Token(text, replace(prov, offset=at), group, LINE, apart=apart)]
    out: list[Token] = []
    pos = 0
    for start, end in cuts:
        if start > pos and text[pos:start].strip():
            out.extend(_between(text[pos:start], replace(prov, offset=at + pos), group, apart))
        out.append(
            Token(
                text[start:end].rstrip(_PAD),
                replace(prov, offset=at + start),
                group,
                PIECE,
                label_cut=True,
                apart=apart,
            )
        )
        pos = end
    if pos < len(text) and text[pos:].strip():
        out.extend(_between(text[pos:], replace(prov, offset=at + pos), group, apart))
    return out


_TRAILING_DIGITS_RE = re.compile(r"^(.*?[^\d\s.,])\s*(\d[\d\s.,]*(?:万?元)?)$")


def _letter_spaced_end(words: list[tuple[str, int]]) -> bool:
    """A label set one character apart (a justified table cell in a PDF: 「3. 危 及 “ 三 安 全 一」)
    whose last character is one a blank cell is printed with (一, 无, 空): a character of the label,
    the one before it being a character of the label as well."""
    if len(words) < 3:
        return False
    last, before = words[-1][0], words[-2][0]
    return (
        has_cjk(last)
        and len(last) == 1
        and looks_like_value(last)
        and len(before) == 1
        and has_cjk(before)
        and not looks_like_value(before)
    )


def _between(text: str, prov: Provenance, group: int, apart: bool = False) -> list[Token]:
    """Text between two labels: values, or words (a column header) followed by values."""
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    at = (prov.offset or 0) + lead
    m = _TRAILING_DIGITS_RE.match(text)
    if m and not looks_like_value(text) and has_cjk(m.group(1)):
        value_at = at + m.start(2)
        return [
            Token(m.group(1), replace(prov, offset=at), group, PIECE, apart=apart),
            Token(m.group(2).strip(), replace(prov, offset=value_at), group, PIECE, apart=apart),
        ]
    m = _LEADING_DIGITS_RE.match(text)
    if m and not looks_like_value(text) and has_cjk(m.group(2)):
        # a row's run of digits, then words no label starts (a heading in an unknown wording)
        return [
            Token(m.group(1).strip(), replace(prov, offset=at), group, PIECE, apart=apart),
            Token(m.group(2), replace(prov, offset=at + m.start(2)), group, PIECE, apart=apart),
        ]
    return [Token(text, replace(prov, offset=at), group, PIECE, apart=apart)]


_LEADING_DIGITS_RE = re.compile(r"^(\d[\d.,]*)\s+(\S.*)$")


_DROPPED_BY_NORMALIZE = frozenset("”’\"'」 \u3000")


@lru_cache(maxsize=8192)
def _char(ch: str) -> str:
    return normalize(ch)


def _normalize_with_index(text: str) -> tuple[str, list[int]]:
    """normalize() character by character, remembering where each output char came from."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        n = _char(ch)
        for c in n:
            out.append(c)
            index.append(i)
    return "".join(out), index
