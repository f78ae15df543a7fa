"""What a report is written from: `ReportData`, in the canonical keys of `nianbao.templates`.

It converts to and from `nianbao.model.Report`, so the validator checks exactly what will be
printed, and whatever `nianbao.parse()` reads back can be compared with what was written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from ..arithmetic import all_relations
from ..errors import ReadError
from ..model import CellValue, Report, Section
from ..templates import get_template, sections, template_for_year, templates

Number = int | float

SECTION_KEYS = tuple(s.key for s in sections())
# Chinese names users may give the parts in a YAML file, besides the keys
_SECTION_NAMES = {s.title: s.key for s in sections()} | {s.number: s.key for s in sections()}
_TOTAL_CODES = ("T3_ROW_TOTAL", "T3_RESULTS_TOTAL", "T4_GROUP_TOTAL")


class InputError(ReadError):
    """The input data cannot be turned into a report; the message lists every problem in Chinese."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class ReportData(BaseModel):
    """A report to write: metadata, the six parts' narrative text and the table cells."""

    organ: str
    year: int = Field(ge=2008, le=2100)
    region: str | None = None
    template: str | None = None  # a template id (nianbao.templates); follows the year when not given
    published: dt.date | None = None
    title: str | None = None
    sections: dict[str, str] = Field(default_factory=dict)  # section key -> narrative text
    cells: dict[str, Number | None] = Field(default_factory=dict)
    processing_fee: float | None = None  # 信息处理费 collected (元), drafted into part 六 when given

    @field_validator("template", mode="before")
    @classmethod
    def _template_str(cls, v: Any) -> Any:
        return None if v is None else str(v)

    @property
    def template_id(self) -> str:
        return self.template or template_for_year(self.year).id

    @property
    def title_text(self) -> str:
        return self.title or f"{self.organ}{self.year}年政府信息公开工作年度报告"

    def value(self, key: str) -> Number | None:
        return self.cells.get(key)

    def check_keys(self) -> list[str]:
        """Problems with the keys: unknown cells (often the other template's) and unknown parts."""
        tpl = get_template(self.template_id)
        known = set(tpl.cell_keys)
        problems = []
        for key in self.cells:
            if key not in known:
                other = [t for t in templates() if t != tpl.id and key in get_template(t).cell_keys]
                hint = f"（这是{other[0]}年版格式的单元格，本报告使用{tpl.id}年版格式）" if other else ""
                problems.append(f"未知的单元格“{key}”{hint}")
        for key in self.sections:
            if key not in SECTION_KEYS:
                problems.append(f"未知的报告组成部分“{key}”，可用：{'、'.join(SECTION_KEYS)}")
        return problems

    def with_totals(self) -> ReportData:
        """A copy where missing total cells (总计 columns and rows) are filled from their parts."""
        return self.model_copy(update={"cells": complete_totals(self.cells, self.template_id)})

    def to_report(self, source: str = "<data>") -> Report:
        tpl = get_template(self.template_id)
        report = Report(
            source=source,
            organ=self.organ,
            region=self.region,
            year=self.year,
            template=tpl.id,
            table_templates={t: tpl.id for t in tpl.tables},
            published=self.published.isoformat() if self.published else None,
            title=self.title_text,
            tables_present=set(tpl.tables),
        )
        for s in sections():
            report.sections.append(
                Section(s.key, f"{s.number}、{s.title}", f"{s.number}、", self.sections.get(s.key, ""))
            )
        for key in tpl.cell_keys:
            v = self.cells.get(key)
            report.cells[key] = CellValue(v, raw="" if v is None else format_value(v), method="manual")
        return report

    @classmethod
    def from_report(cls, report: Report) -> ReportData:
        return cls(
            organ=report.organ or "",
            year=report.year or 0,
            region=report.region,
            template=report.template,
            published=dt.date.fromisoformat(report.published) if report.published else None,
            title=report.title,
            sections={s.key: s.text for s in report.sections if s.key},
            cells={k: c.value for k, c in report.cells.items()},
        )


def format_value(v: Number | None) -> str:
    """A value as printed in the tables: integers plainly, amounts without trailing zeros."""
    if v is None:
        return ""
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(int(v))


def complete_totals(cells: Mapping[str, Number | None], template_id: str) -> dict[str, Number | None]:
    """Fill every total cell that is missing (absent or None) and whose parts are all known."""
    out = dict(cells)
    rels = [r for r in all_relations(template_id) if r.code in _TOTAL_CODES and len(r.lhs) == 1]
    changed = True
    while changed:
        changed = False
        for rel in rels:
            (total,) = rel.lhs
            if out.get(total) is not None:
                continue
            parts = [out.get(k) for k in rel.rhs]
            if all(p is not None for p in parts):
                out[total] = _tidy(sum(parts))  # type: ignore[arg-type]
                changed = True
    return out


def _tidy(v: Number) -> Number:
    return int(v) if float(v).is_integer() else round(float(v), 6)


def flatten_cells(raw: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Accept nested mappings ({t3: {granted: {natural_person: 1}}}) as well as dotted keys."""
    out: dict[str, Any] = {}
    for k, v in raw.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            out.update(flatten_cells(v, key))
        else:
            out[key] = v
    return out


def _cell_number(key: str, v: Any) -> Number | None:
    if v is None or (isinstance(v, str) and v.strip() in ("", "/", "—", "-", "无")):
        return None
    if isinstance(v, bool):
        raise InputError(f"单元格“{key}”的值“{v}”不是数字")
    if isinstance(v, (int, float)):
        return _tidy(v)
    try:
        return _tidy(float(str(v).strip().replace(",", "")))
    except ValueError:
        raise InputError(f"单元格“{key}”的值“{v}”不是数字") from None


# what `nianbao parse` and `nianbao export --format jsonl` add beside the report's data
_OUTPUT_ONLY = ("source", "format", "table_templates", "findings", "provenance", "id", "organ_canonical")


def _sections_of(raw: dict[str, Any]) -> Mapping[str, Any]:
    """The parts' texts: a mapping (YAML, JSON written by hand), or nianbao's own output, where
    `sections` is a list of {key, heading, number, chars} and the texts (with --provenance) are
    in `section_text`."""
    sections = raw.pop("sections", None) or {}
    texts = raw.pop("section_text", None) or {}
    if isinstance(sections, list):
        keys = [s.get("key") for s in sections if isinstance(s, Mapping)]
        return {k: texts.get(k, "") for k in keys if k}
    return sections if isinstance(sections, Mapping) else {}


def data_from_mapping(
    raw: Mapping[str, Any], source: str = "<data>", overrides: Mapping[str, Any] | None = None
) -> ReportData:
    """Build `ReportData` from a parsed YAML/JSON document; every problem is reported in Chinese.

    Accepts what nianbao itself writes (`nianbao parse` lines, with or without `--provenance`,
    `nianbao export --format jsonl` lines) as well as hand-written data. `overrides` (organ, year,
    … from the command line) apply before the data is checked."""
    if not isinstance(raw, Mapping):
        raise InputError(f"{source}：内容应为键值对（organ、year、cells …）")
    raw = dict(raw)
    if raw.get("error") and not raw.get("cells"):
        raise InputError(f"{source}：这是一条解析失败的记录（{raw['error']}），没有可写入报告的数据")
    raw.pop("error", None)
    for key in _OUTPUT_ONLY:
        raw.pop(key, None)
    # nianbao writes null for what it could not read; the command line may supply it
    raw = {k: v for k, v in raw.items() if v is not None} | {k: v for k, v in (overrides or {}).items() if v}
    problems: list[str] = []
    cells: dict[str, Number | None] = {}
    for key, v in flatten_cells(raw.pop("cells", None) or {}).items():
        try:
            cells[key] = _cell_number(key, v)
        except InputError as exc:
            problems.extend(exc.problems)
    parts = {}
    for k, text in _sections_of(raw).items():
        parts[_SECTION_NAMES.get(str(k), str(k))] = "" if text is None else str(text).strip()
    try:
        data = ReportData(**raw, sections=parts, cells=cells)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            problems.append(f"字段“{field}”有误：{_zh_pydantic(err)}")
        raise InputError([f"{source}：{p}" for p in problems]) from None
    problems += data.check_keys()
    if problems:
        raise InputError([f"{source}：{p}" for p in problems])
    return data


def _zh_pydantic(err: Any) -> str:
    kind = err.get("type", "")
    return {
        "missing": "缺少此项",
        "int_parsing": "应为整数",
        "date_from_datetime_parsing": "应为日期（如 2025-01-20）",
        "date_parsing": "应为日期（如 2025-01-20）",
        "greater_than_equal": "数值过小",
        "less_than_equal": "数值过大",
        "extra_forbidden": "不认识的字段",
    }.get(kind, str(err.get("msg", kind)))


def _records(text: str, path: Path) -> list[Any]:
    """The documents of a YAML, JSON or JSON Lines file (`nianbao parse` writes one line a file)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".json", ".jsonl", ".ndjson"):
            try:
                return [json.loads(text)]
            except json.JSONDecodeError:
                return [json.loads(line) for line in text.splitlines() if line.strip()]
        return [yaml.safe_load(text)]
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path.name}：格式错误，无法解析（{exc}）") from None


def load_mapping_file(path: str | Path, overrides: Mapping[str, Any] | None = None) -> ReportData:
    """A report's data from YAML, JSON or JSON Lines. A file of several reports (JSON Lines) needs
    `overrides` naming the organ and/or year of the one to write."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    records = _records(text, path)
    if len(records) > 1:
        want = {k: v for k, v in (overrides or {}).items() if k in ("organ", "year") and v}
        chosen = [
            r for r in records if isinstance(r, Mapping) and all(r.get(k) == v for k, v in want.items())
        ]
        if not want or len(chosen) != 1:
            found = "、".join(
                f"{r.get('organ') or '未识别机关'} {r.get('year') or ''}"
                for r in records[:5]
                if isinstance(r, Mapping)
            )
            why = "没有一条符合" if want and not chosen else "请用 --organ 和/或 --year 选定一条"
            raise InputError(f"{path.name}：包含 {len(records)} 条报告记录（{found} …），{why}")
        records = chosen
    return data_from_mapping(records[0] if records else None, path.name, overrides)  # type: ignore[arg-type]


def dump_mapping(data: ReportData) -> dict[str, Any]:
    """The YAML/JSON form of `data` (what `load_mapping_file` reads)."""
    d = data.model_dump(mode="json", exclude_none=True)
    d["cells"] = dict(data.cells)
    return d
