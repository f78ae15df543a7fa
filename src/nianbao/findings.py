"""Findings and their codes: the rule catalogue of the spec plus the few codes the parser adds.

The severity of a code is fixed once, where the code is declared (a rule's registration, or the
list below for codes no rule owns); rules and the extractor only choose the message and the cells
a finding concerns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar, overload

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

_T = TypeVar("_T")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Code:
    """A finding code: its fixed severity and the short Chinese name shown in summaries."""

    code: str
    severity: Severity
    title: str


class Catalogue(dict[str, tuple[Severity, str]]):
    """code -> (severity, title), built from declarations: the rules' (`nianbao.plugins`) and the
    codes below that no rule owns. A lookup of a code not declared yet loads the rules first, so
    `CATALOGUE[code]` works before any rule module was imported."""

    _complete = False

    def _load_rules(self) -> None:
        if not Catalogue._complete:
            Catalogue._complete = True
            from . import plugins

            plugins.load()
            plugins.corpus_rules()

    def __missing__(self, code: str) -> tuple[Severity, str]:
        self._load_rules()
        if dict.__contains__(self, code):
            return dict.__getitem__(self, code)
        raise KeyError(code)

    def __contains__(self, code: object) -> bool:
        if not dict.__contains__(self, code):
            self._load_rules()
        return dict.__contains__(self, code)

    @overload
    def get(self, code: str, default: None = None) -> tuple[Severity, str] | None: ...
    @overload
    def get(self, code: str, default: _T) -> tuple[Severity, str] | _T: ...
    def get(self, code: str, default: object = None) -> object:
        return self[code] if code in self else default

    def __iter__(self) -> Iterator[str]:
        self._load_rules()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._load_rules()
        return dict.__len__(self)

    def keys(self) -> dict_keys[str, tuple[Severity, str]]:
        self._load_rules()
        return dict.keys(self)

    def items(self) -> dict_items[str, tuple[Severity, str]]:
        self._load_rules()
        return dict.items(self)

    def values(self) -> dict_values[str, tuple[Severity, str]]:
        self._load_rules()
        return dict.values(self)


CATALOGUE: Catalogue = Catalogue()
_DECLARED_BY: dict[str, str] = {}


def declare(code: Code, by: str = "nianbao") -> Code:
    """Add a code to the catalogue; declaring it again is fine only with the same severity and title."""
    known = dict.get(CATALOGUE, code.code)
    if known is not None and known != (code.severity, code.title):
        raise ValueError(
            f"finding code {code.code} declared by {by} as {code.severity}/{code.title}, "
            f"but {_DECLARED_BY.get(code.code)} declared it as {known[0]}/{known[1]}"
        )
    dict.__setitem__(CATALOGUE, code.code, (Severity(code.severity), code.title))
    _DECLARED_BY.setdefault(code.code, by)
    return code


# Codes no report or corpus rule emits: the parser's, the consolidation's. A rule declares its own
# codes where it is registered (`@report_rule(..., codes=[Code(...)])`); adding one here is fine
# too (one entry per code), for codes raised outside a rule.
_OWN: dict[str, tuple[Severity, str]] = {
    "ROW_LABEL_NONSTANDARD": (I, "表格栏目名称不规范"),
    "CONSOLIDATION_MISSING_UNIT": (W, "下级单位未报送"),
    "CONSOLIDATION_UNRELIABLE_UNIT": (W, "下级单位数据有误，汇总数不可靠"),
    # added by nianbao
    "CELL_AMBIGUOUS": (W, "数字粘连，无法唯一拆分"),
    "CELL_RECOVERED": (I, "粘连数字已按表内勾稽关系拆分"),
    "CELL_INFERRED": (I, "单元格数值由表内关系推定"),
    "CELL_UNIT_CONVERTED": (I, "金额单位已换算为万元"),
    "METADATA_MISSING": (W, "无法识别机关名称或报告年度"),
    "VALUE_UNPLACED": (W, "表格中的数字未能对应到栏目"),
    "DOCUMENT_READ_NOTE": (W, "文件有部分内容未能直接读取"),
    "TEMPLATE_EVIDENCE_CONFLICT": (W, "表格格式判断依据相互矛盾"),
}
for _code, (_severity, _title) in _OWN.items():
    declare(Code(_code, _severity, _title), by="nianbao.findings")


@dataclass
class Finding:
    code: str
    message: str
    cells: list[str] = field(default_factory=list)
    where: str | None = None  # human-readable place: 表三 第5行, 第3页 …
    severity: Severity | None = None  # defaults to the catalogue's
    data: dict[str, object] = field(default_factory=dict)  # numbers involved, for UIs

    def __post_init__(self) -> None:
        if self.severity is None:
            self.severity = CATALOGUE[self.code][0] if self.code in CATALOGUE else Severity.WARNING
        elif not isinstance(self.severity, Severity):
            self.severity = Severity(self.severity)

    @property
    def title(self) -> str:
        known = CATALOGUE.get(self.code)
        return known[1] if known else self.code

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,  # type: ignore[union-attr]
            "cells": list(self.cells),
            "message": self.message,
        }
        if self.where:
            d["where"] = self.where
        if self.data:
            d["data"] = self.data
        return d
