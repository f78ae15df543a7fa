"""Test helpers for the rule tests: builders for reports made directly from model objects (and, where the corpus is present, its gold cells)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pytest

from nianbao.findings import Finding
from nianbao.model import CellValue, Report, Section
from nianbao.templates import get_template
from nianbao.testing import corpus_dir

CORPUS = corpus_dir()


def make_report(
    template: str = "2021",
    year: int | None = None,
    values: dict[str, float | int | None] | None = None,
    fill: float | int | None = 0,
    tables: Iterable[str] = ("t2", "t3", "t4"),
    **kwargs: object,
) -> Report:
    """A report whose every cell of `tables` reads `fill`, overridden by `values` (printed as given)."""
    tables = set(tables)
    cells: dict[str, CellValue] = {}
    for key in get_template(template).cell_keys:
        if key.split(".")[0] not in tables:
            continue
        v = (values or {}).get(key, fill)
        cells[key] = CellValue(v, raw="" if v is None else str(v))
    year = year or (2023 if template == "2021" else 2020)
    return Report(source="test", year=year, template=template, cells=cells, tables_present=tables, **kwargs)


def gold_report(name: str) -> Report:
    """The gold cells of a corpus document as a report (sections and text are added by the test)."""
    path = CORPUS / "gold" / f"{name}.json"
    if not path.exists():
        pytest.skip("corpus not present")
    gold = json.loads(path.read_text(encoding="utf-8"))
    absent = set(gold.get("absent", []))
    present = {t for t in ("t2", "t3", "t4") if not any(k.startswith(t + ".") for k in absent)}
    cells = {
        k: CellValue(v, raw="" if v is None else str(v)) for k, v in gold["cells"].items() if k not in absent
    }
    return Report(
        source=gold["file"],
        organ=gold.get("organ"),
        year=gold["year"],
        template=gold["template"],
        published=gold.get("published"),
        cells=cells,
        tables_present=present,
    )


def six_sections(**texts: str) -> list[Section]:
    """The six parts, headings as printed (number included), with the given texts."""
    from nianbao.templates import sections

    return [
        Section(s.key, f"{s.number}、{s.title}", f"{s.number}、", texts.get(s.key, "")) for s in sections()
    ]


def run(check: Callable[[Report], Iterable[Finding]], report: Report) -> list[Finding]:
    return list(check(report))


def codes(findings: Iterable[Finding]) -> list[str]:
    return [f.code for f in findings]


def corpus_text(relpath: str) -> str:
    path = CORPUS / relpath
    if not path.exists():
        pytest.skip("corpus not present")
    return path.read_text(encoding="utf-8")
