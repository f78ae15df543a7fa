"""The canonical report: what every reader's output is extracted onto and every later stage reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .document import Document, Provenance
from .findings import Finding, Severity
from .templates import Template, get_template


@dataclass
class CellValue:
    """One table cell of the template: its value, what was printed, and where.

    Conventions every stage relies on:
    - `raw is None`: the cell was not found in the document at all (a short table) — the
      TABLE_INCOMPLETE rule looks for these; `value` is None.
    - `raw == ""` or a blank marker (`/`, `—`, `无`): printed blank — CELL_BLANK; `value` is None.
    - `method == "ambiguous"`: run-together digits that the arithmetic cannot split uniquely; the
      extractor has already reported CELL_AMBIGUOUS, `value` is None, `raw` holds the run.
    - `method == "recovered"`: split from run-together digits, unique under the arithmetic.
    - `method == "inferred"`: not printed, implied by the template (e.g. 2021 （六） sub-rows of a
      2019-style （六）其他处理 row that is 0).
    """

    value: float | int | None
    raw: str | None = None  # the text as printed; None when the cell was not found at all
    prov: Provenance | None = None
    method: str = "read"  # read | recovered (digit segmentation) | inferred | converted | manual
    label: str | None = None  # the row label as printed, when it differs from the official one

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "raw": self.raw, "method": self.method}
        if self.prov is not None:
            d["prov"] = self.prov.to_dict()
        if self.label:
            d["label"] = self.label
        return d


@dataclass
class Section:
    """One of the six parts as found in the document."""

    key: str | None  # overview … other; None for a part that is not one of the six
    heading: str  # the heading as printed, e.g. 五、存在的主要问题及改进情况
    number: str | None  # the numbering as printed: 一、 / 1、 / （一）
    text: str = ""
    prov: Provenance | None = None


@dataclass
class Report:
    source: str
    format: str | None = None
    organ: str | None = None
    region: str | None = None
    year: int | None = None
    template: str | None = None  # the template of the report as a whole (by its tables, else its year)
    table_templates: dict[str, str] = field(default_factory=dict)  # per table: its template id
    published: str | None = None  # ISO date signed at the end, when printed
    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    cells: dict[str, CellValue] = field(default_factory=dict)
    tables_present: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = field(default=None, repr=False)

    # --- convenient views -------------------------------------------------------------------
    @property
    def template_def(self) -> Template | None:
        return get_template(self.template) if self.template else None

    def value(self, key: str) -> float | int | None:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def values(self) -> dict[str, float | int | None]:
        return {k: c.value for k, c in self.cells.items()}

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def full_text(self) -> str:
        return "\n".join(s.heading + "\n" + s.text for s in self.sections)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def findings_by_severity(self) -> dict[Severity, list[Finding]]:
        out: dict[Severity, list[Finding]] = {s: [] for s in Severity}
        for f in self.findings:
            out[f.severity].append(f)  # type: ignore[index]
        return out

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)  # type: ignore[union-attr]

    def iter_table(self, table_id: str) -> Iterator[tuple[str, CellValue]]:
        prefix = table_id + "."
        for k, v in self.cells.items():
            if k.startswith(prefix):
                yield k, v

    # --- the output contract ----------------------------------------------------------------
    def to_dict(self, provenance: bool = False) -> dict[str, Any]:
        """The machine-readable contract of the spec; `provenance=True` adds where each cell came from."""
        d: dict[str, Any] = {
            "source": self.source,
            "organ": self.organ,
            "region": self.region,
            "year": self.year,
            "template": self.template,
            "table_templates": dict(self.table_templates),
            "published": self.published,
            "title": self.title,
            "format": self.format,
            "cells": {k: c.value for k, c in self.cells.items()},
            "findings": [f.to_dict() for f in self.findings],
            "sections": [
                {"key": s.key, "heading": s.heading, "number": s.number, "chars": len(s.text)}
                for s in self.sections
            ],
        }
        if provenance:
            d["provenance"] = {k: c.to_dict() for k, c in self.cells.items()}
            d["section_text"] = {s.key or s.heading: s.text for s in self.sections}
        return d
