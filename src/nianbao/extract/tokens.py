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

_WS_RE = re.compile(r"[ \t\u3000\u00a0]+")
# lines that only say which page this is
_PAGE_NO_RE = re.compile(
    r"^\s*(?:[-—－–]\s*\d{1,3}\s*[-—－–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


@dataclass
class Token:
    text: str
    prov: Provenance
    group: int
    kind: str  # cell | line | piece
    label_cut: bool = False  # this piece was cut out of run-together text as a label
    block: int = -1  # index of the document block it came from

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
        Token(t, prov if off is None else replace(prov, offset=off), group, kind, cut)
        for t, kind, cut, off in shape
    ]


@lru_cache(maxsize=1 << 14)
def _line_shape(text: str) -> tuple[tuple[str, str, bool, int | None], ...]:
    empty = Provenance()
    return tuple((t.text, t.kind, t.label_cut, t.prov.offset) for t in _line_tokens_uncached(text, empty, 0))


def _line_tokens_uncached(text: str, prov: Provenance, group: int) -> list[Token]:
    raw = text.rstrip("\r\n")
    if not raw.strip(" \t\u3000\u00a0"):
        # a line of only tabs or non-breaking spaces is an empty cell of a one-cell-per-line
        # dump; a truly empty line only separates rows
        return [Token("", prov, group, CELL)] if any(c in raw for c in "\t\u00a0\u3000") else []
    if _PAGE_NO_RE.match(raw):
        return []
    if "\t" in raw:
        pieces = raw.split("\t")
        while pieces and not pieces[0].strip(" \u3000\u00a0"):
            pieces.pop(0)  # indentation, not an empty cell
        if len(pieces) > 1:
            return [Token(p.strip(" \u3000\u00a0\r"), prov, group, CELL) for p in pieces]
        raw = pieces[0]
    stripped = raw.strip(" \u3000\u00a0\r")
    tokens: list[Token] = []
    # columns laid out with runs of spaces (pdftotext -layout, fixed-width exports)
    for segment in _WIDE_GAP_RE.split(stripped):
        if segment:
            tokens.extend(_segment_tokens(segment, prov, group))
    trailing = raw[len(raw.rstrip(" \u3000\u00a0\r")) :]
    if tokens and (len(trailing) >= 2 or "\u3000" in trailing) and not looks_like_value(tokens[-1].text):
        tokens.append(Token("", prov, group, CELL))  # a label followed by empty columns
    return tokens


_WIDE_GAP_RE = re.compile(r"[ \u00a0]{2,}|\u3000+")


def _segment_tokens(text: str, prov: Provenance, group: int) -> list[Token]:
    words = _WS_RE.split(text)
    # values at the end of the segment, separated by single spaces: "规章 0 0 0", "0 0 0 0 0 0 4",
    # "理结果 的，只计这一情形，不计其 5"
    k = len(words)
    while k > 0 and looks_like_value(words[k - 1]):
        k -= 1
    if k == len(words) or len(words) == 1:
        return _cut_run_together(text, prov, group)
    head = [] if k == 0 else _cut_run_together(" ".join(words[:k]), prov, group)
    return head + [Token(w, prov, group, LINE) for w in words[k:]]


def _cut_run_together(text: str, prov: Provenance, group: int) -> list[Token]:
    """Cut a line at every label found inside it; a line that is just a label stays whole."""
    if len(text) < 6 or splitter().search(normalize(text)) is None:
        return [Token(text, prov, group, LINE)]
    norm, index = _normalize_with_index(text)
    cuts: list[tuple[int, int]] = []
    for m in splitter().finditer(norm):
        start, end = index[m.start()], index[m.end() - 1] + 1
        while end < len(text) and text[end] in _DROPPED_BY_NORMALIZE:
            end += 1  # a closing quote the label's normal form leaves out: 危及“三安全一稳定”
        cuts.append((start, end))
    if not cuts or (len(cuts) == 1 and cuts[0] == (0, len(text))):
        return [Token(text, prov, group, LINE)]
    out: list[Token] = []
    pos = 0
    for start, end in cuts:
        if start > pos and text[pos:start].strip():
            out.extend(_between(text[pos:start], replace(prov, offset=pos), group))
        out.append(Token(text[start:end], replace(prov, offset=start), group, PIECE, label_cut=True))
        pos = end
    if pos < len(text) and text[pos:].strip():
        out.extend(_between(text[pos:], replace(prov, offset=pos), group))
    return out


_TRAILING_DIGITS_RE = re.compile(r"^(.*?[^\d\s.,])\s*(\d[\d\s.,]*(?:万?元)?)$")


def _between(text: str, prov: Provenance, group: int) -> list[Token]:
    """Text between two labels: values, or words (a column header) followed by values."""
    text = text.strip()
    m = _TRAILING_DIGITS_RE.match(text)
    if m and not looks_like_value(text) and has_cjk(m.group(1)):
        return [Token(m.group(1), prov, group, PIECE), Token(m.group(2).strip(), prov, group, PIECE)]
    return [Token(text, prov, group, PIECE)]


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
