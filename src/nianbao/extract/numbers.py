"""Reading one printed table cell as a number.

The spec's rules: full-width digits, thousands separators and units are normalised; `万元`/`元`
amounts are stored in 万元; a number with extra text (`22（其中修订16件）`) keeps its raw text and is
flagged; blank, `/`, `—`, `无` are null with a finding, never a silent 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from ..templates import is_blank_marker
from .normalize import unwrap_markup


class CellStatus(StrEnum):
    OK = "ok"
    BLANK = "blank"  # nothing printed, or a blank marker
    ANNOTATED = "annotated"  # a number plus extra words
    CONVERTED = "converted"  # an amount printed in 元, stored in 万元
    NOT_NUMERIC = "not_numeric"


@dataclass(frozen=True)
class ParsedNumber:
    """A cell's value as read, and how it was read."""

    value: int | float | None
    status: CellStatus


# no count or amount in a report has more digits; a longer run is no number (and would overflow a
# float beyond 308 digits or int() beyond 4,300)
MAX_DIGITS = 15
# a number standing on its own among words (`上一年项目数量 396`), as a table value prints: not a
# list number (`1.`), nor part of a word or a date (`2021年`, `2/4`, `7:16`)
STANDALONE_NUMBER = re.compile(r"(?<!\S)\d[\d,]*(?:\.\d+)?(?!\S)")
_NUM_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_LEADING_NUM_RE = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(.*)$")
_SPACES_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_MINUS = str.maketrans({"−": "-", "－": "-", "—": "-", "–": "-", "＋": "+"})


def clean(raw: str) -> str:
    text = unwrap_markup(unicodedata.normalize("NFKC", raw).strip())
    return _SPACES_RE.sub("", text).translate(_MINUS)


_DASHES_RE = re.compile(r"^[-/\\*×.。]+$")


def _blank(text: str) -> bool:
    # the one definition of a blank marker is the template's (`blank_markers` in formats.yaml)
    return is_blank_marker(text) or bool(_DASHES_RE.match(text))


def is_blank(raw: str) -> bool:
    return _blank(clean(raw))


def _too_long(number: str) -> bool:
    return sum(ch.isdigit() for ch in number.split(".", 1)[0]) > MAX_DIGITS or len(number) > 3 * MAX_DIGITS


def _to_number(text: str) -> int | float:
    text = text.replace(",", "")
    if "." in text:
        value = float(text)
        return int(value) if value.is_integer() and not text.split(".")[1].strip("0") else value
    return int(text)


@lru_cache(maxsize=1 << 15)
def parse_number(raw: str, unit: str | None = None) -> ParsedNumber:
    """Parse a printed cell. `unit` is the column's unit (万元 for amounts), None for counts."""
    text = clean(raw)
    if _blank(text):
        return ParsedNumber(None, CellStatus.BLANK)
    if _NUM_RE.match(text):
        if _too_long(text):
            return ParsedNumber(None, CellStatus.NOT_NUMERIC)
        return ParsedNumber(_to_number(text), CellStatus.OK)
    m = _LEADING_NUM_RE.match(text)
    if not m or _too_long(m.group(1)):
        return ParsedNumber(None, CellStatus.NOT_NUMERIC)
    number, rest = _to_number(m.group(1)), m.group(2)
    if unit == "万元":
        if rest in ("元", "元整"):
            return ParsedNumber(round(number / 10000, 6), CellStatus.CONVERTED)
        if rest == "万元":
            return ParsedNumber(number, CellStatus.ANNOTATED)
    if rest in ("件", "个", "项", "次", "条"):
        return ParsedNumber(number, CellStatus.ANNOTATED)
    # "22（其中修订16件）": the leading number is the cell, the remark stays in the raw text
    if rest.startswith(("(", "（", "[", "，", ",", "其中", "含")):
        return ParsedNumber(number, CellStatus.ANNOTATED)
    return ParsedNumber(None, CellStatus.NOT_NUMERIC)


@lru_cache(maxsize=1 << 15)
def looks_like_value(raw: str) -> bool:
    """True for text that belongs in a value cell: a number (possibly annotated) or a blank marker."""
    text = clean(raw)
    if _blank(text):
        return True
    if _NUM_RE.match(text):
        return True
    m = _LEADING_NUM_RE.match(text)
    return bool(m) and parse_number(raw, "万元").status is not CellStatus.NOT_NUMERIC
