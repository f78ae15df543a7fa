"""What a formula can read about one report, and the evidence each reading leaves behind.

Cells are named by canonical key (`t3.granted.total`) or by a 表三 row role
(`t3.received.total`, `t3.carried_forward.natural_person`); both resolve through the report's own
template (`nianbao.templates`), so a formula written once scores 2019 and 2021 reports alike.
Result groups (`results("denied")`) are the template's result groups, never a key list here.

Every cell, finding or date a formula reads is recorded as `Evidence`, so a score can always
say which numbers produced it and link to them (`/reports/<id>#cell-<key>`, `#finding-<id>`).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from ..findings import CATALOGUE, Severity
from ..model import Report
from ..templates import Role, Template, all_cell_keys, get_template, sections, template_for_year, templates
from .expr import Function, Value

REUSE_MIN_CHARS = 40  # as XY_TEXT_REUSE: shorter parts ("无") are identical by nature, not by copying
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Evidence:
    """One thing a score rests on: a cell, a finding, or a piece of metadata (a date, a part)."""

    kind: str  # cell | finding | meta
    ref: str  # the cell key, the finding code, or the metadata field
    text: str  # what it says, in Chinese: 表三“（七）总计”行“总计”列 = 40
    value: float | str | None = None
    report_id: int | None = None
    finding_id: int | None = None

    @property
    def anchor(self) -> str:
        """The element id on the report page (`/reports/<id>#…`)."""
        if self.kind == "cell":
            return f"cell-{self.ref}"
        if self.kind == "finding" and self.finding_id is not None:
            return f"finding-{self.finding_id}"
        return ""

    @property
    def href(self) -> str | None:
        if self.report_id is None:
            return None
        return f"/reports/{self.report_id}" + (f"#{self.anchor}" if self.anchor else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ref": self.ref,
            "text": self.text,
            "value": self.value,
            "report_id": self.report_id,
            "finding_id": self.finding_id,
            "href": self.href,
        }


@dataclass(frozen=True)
class Publication:
    """When the report was published and how we know: the site's date, else the date signed."""

    date: date
    source: str  # 网站发布日期 / 落款日期


# --- cell references ---------------------------------------------------------------------------
def resolve(template_id: str, ref: str) -> str | None:
    """The canonical key `ref` means in `template_id`: the key itself, or a role's row."""
    return _resolve(get_template(template_id), ref)


# Cached on the Template object, not its id: `templates.reload()` (a changed NIANBAO_TEMPLATES)
# gives new objects, so nothing stale is ever answered.
@cache
def _resolve(tpl: Template, ref: str) -> str | None:
    if ref in _keys(tpl):
        return ref
    table, _, rest = ref.partition(".")
    row, _, column = rest.rpartition(".")
    if table not in tpl.tables or not row:
        return None
    try:
        role = Role(row)
    except ValueError:
        return None
    try:
        key = tpl.role_key(role, column)
    except KeyError:
        return None
    return key if key.startswith(table + ".") and key in _keys(tpl) else None


@cache
def _keys(tpl: Template) -> frozenset[str]:
    return frozenset(tpl.cell_keys)


def _group_keys(template_id: str, group: str, column: str) -> tuple[str, ...] | None:
    return _group_cells(get_template(template_id), group, column)


@cache
def _group_cells(tpl: Template, group: str, column: str) -> tuple[str, ...] | None:
    """The cells a result group sums (`Template.result_groups` is computed on every call)."""
    found = next((g for g in tpl.result_groups if g.key == group), None)
    return None if found is None else found.cell_keys(column)


def check_cell(ref: str) -> str | None:
    """None when `ref` names a cell of at least one template; else a Chinese error with a hint."""
    if any(resolve(tid, ref) for tid in templates()):
        return None
    table, _, rest = ref.partition(".")
    row = rest.rpartition(".")[0]
    for tpl in templates().values():
        group = next((g for g in tpl.result_groups if g.key == row and g.rows != (row,)), None)
        if table == "t3" and group is not None:
            return f'“{group.short}”是分组行，本身没有数值：其各项之和请写 results("{row}")'
    near = difflib.get_close_matches(ref, sorted(all_cell_keys()), n=1, cutoff=0.75)
    hint = (
        f"，是否应为“{near[0]}”？" if near else "（见 ../shared/spec/keys-2021.tsv 或 nianbao template keys）"
    )
    return f"未知单元格“{ref}”：各年度格式的表格中都没有这个单元格{hint}"


def _group_check(args: list[Any], kwargs: dict[str, Any]) -> str | None:
    group = args[0]
    known = {g.key for t in templates().values() for g in t.result_groups}
    if group not in known:
        return f"未知办理结果类别“{group}”；可用：{'、'.join(sorted(known))}"
    column = kwargs.get("column", "total")
    columns = {c.key for t in templates().values() for c in t.table("t3").blocks[0].value_columns}
    if column not in columns:
        return f"表三没有“{column}”列；可用：{'、'.join(sorted(columns))}"
    return None


def _code_check(args: list[Any], kwargs: dict[str, Any]) -> str | None:
    if not args:
        return 'findings() 至少需要一个问题代码，如 findings("T3_*")'
    for pattern in args:
        if not fnmatch.filter(CATALOGUE, pattern):
            near = difflib.get_close_matches(pattern, list(CATALOGUE), n=1)
            hint = f"，是否应为“{near[0]}”？" if near else ""
            return f"未知问题代码“{pattern}”（不匹配任何已登记的代码）{hint}"
    sev = kwargs.get("severity")
    if sev is not None and _severity(sev) is None:
        return f"未知严重程度“{sev}”；可用：error/warning/info 或 错误/警告/提示"
    return None


def _part_check(args: list[Any], kwargs: dict[str, Any]) -> str | None:
    keys = {s.key for s in sections()}
    part = args[0] if args else kwargs.get("part", "problems")
    if part not in keys:
        return f"未知报告部分“{part}”；可用：{'、'.join(s.key + '（' + s.title + '）' for s in sections())}"
    return None


def _table_check(args: list[Any], kwargs: dict[str, Any]) -> str | None:
    ids = {t for tpl in templates().values() for t in tpl.tables}
    if args[0] not in ids:
        return f"未知表格“{args[0]}”；可用：{'、'.join(sorted(ids))}"
    return None


def _severity(name: str) -> Severity | None:
    zh = {"错误": "error", "警告": "warning", "提示": "info"}
    try:
        return Severity(zh.get(name, name))
    except ValueError:
        return None


# The context functions a rubric formula may call (the pure ones are in expr.PURE).
FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "results",
            1,
            1,
            strings=frozenset({0}),
            keywords=frozenset({"column"}),
            check=_group_check,
            doc='表三某一办理结果类别各行之和，如 results("denied")；column= 指定列（默认 total）',
        ),
        Function(
            "findings",
            1,
            None,
            strings=frozenset({-1}),
            keywords=frozenset({"severity"}),
            check=_code_check,
            doc='未被审核人员接受的问题条数，代码可用通配符，如 findings("T3_*", severity="error")',
        ),
        Function("days_late", 0, 0, doc="发布日期晚于规定时限的天数（提前为负）；日期或时限未知则无值"),
        Function("parts", 0, 0, doc="六个组成部分中具备的个数"),
        Function("has_part", 1, 1, strings=frozenset({0}), check=_part_check, doc="具备该部分为 1，否则 0"),
        Function("tables", 0, 0, doc="表二、表三、表四中具备的张数"),
        Function(
            "filled",
            1,
            1,
            strings=frozenset({0}),
            check=_table_check,
            doc="该表有数值的单元格占格式规定单元格的比例；表格缺失则无值",
        ),
        Function(
            "part_chars",
            1,
            1,
            strings=frozenset({0}),
            check=_part_check,
            doc="该部分的汉字字数（不计标点、数字）；缺少该部分为 0",
        ),
        Function(
            "similarity_last_year",
            1,
            1,
            strings=frozenset({0}),
            check=_part_check,
            doc="该部分与同一单位上一年度报告同一部分的文字相似度（0–1）；无上年报告或任一方不足 40 字则无值",
        ),
    )
}


# --- the environment of one report -------------------------------------------------------------
@dataclass
class ReportFacts:
    """One report as formulas see it. `trace` collects the evidence of the formula being run."""

    report: Report
    report_id: int | None = None
    finding_ids: Sequence[int | None] = ()
    kind: str | None = None  # the organ's kind (部门/乡镇/街道/政府/其他), for its deadline
    previous: Report | None = None  # the same organ's report for the year before
    previous_id: int | None = None
    publication: Publication | None = None
    deadlines: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (month, day)
    variables: dict[str, Value] = field(default_factory=dict)
    trace: list[Evidence] = field(default_factory=list)

    def __post_init__(self) -> None:
        tid = self.report.table_templates.get("t3") or self.report.template
        if tid is None and self.report.year:
            tid = template_for_year(self.report.year).id
        self.template: Template | None = get_template(tid) if tid else None

    # Env protocol ------------------------------------------------------------------------------
    def var(self, name: str) -> Value:
        return self.variables.get(name)

    def cell(self, ref: str) -> float | None:
        table = ref.split(".", 1)[0]
        tid = self.report.table_templates.get(table) or (self.template.id if self.template else None)
        key = resolve(tid, ref) if tid else None
        if key is None:
            self._meta(ref, f"单元格 {ref} 不属于本报告的表格格式", None)
            return None
        return self._cell(key, tid)

    def _cell(self, key: str, tid: str | None) -> float | None:
        v = self.report.value(key)
        label = get_template(tid).cell_label(key) if tid else key
        shown = "空白" if v is None else _fmt(v)
        if key.split(".", 1)[0] not in self.report.tables_present:
            shown = "缺表"
        self.trace.append(Evidence("cell", key, f"{label} = {shown}", v, self.report_id))
        return None if v is None else float(v)

    def call(self, name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Value:
        fn: Callable[..., Value] = getattr(self, "_fn_" + name)
        return fn(*args, **kwargs)

    # context functions --------------------------------------------------------------------------
    def _fn_results(self, group: str, column: str = "total") -> Value:
        if self.template is None:
            return None
        keys = _group_keys(self.template.id, group, column)
        if keys is None:
            return None
        vals = [self._cell(k, self.template.id) for k in keys]
        return None if any(v is None for v in vals) else float(sum(vals))  # type: ignore[arg-type]

    def _fn_findings(self, *patterns: str, severity: str | None = None) -> Value:
        sev = _severity(severity) if severity else None
        n = 0
        ids = list(self.finding_ids) + [None] * (len(self.report.findings) - len(self.finding_ids))
        for f, fid in zip(self.report.findings, ids, strict=False):
            if f.data.get("accepted"):
                continue  # a reviewer has accepted it: not a defect any more
            if sev is not None and f.severity != sev:
                continue
            if any(fnmatch.fnmatchcase(f.code, p) for p in patterns):
                n += 1
                self.trace.append(
                    Evidence("finding", f.code, f"{f.code} {f.message}", None, self.report_id, fid)
                )
        return float(n)

    def _fn_days_late(self) -> Value:
        pub = self.publication
        deadline = self.deadline()
        if pub is None:
            self._meta("published", "发布日期未知（网站未记录发布日期，报告无落款日期）", None)
            return None
        if deadline is None:
            self._meta("deadline", f"{pub.source} {pub.date.isoformat()}；无法判断该单位的发布时限", None)
            return None
        days = (pub.date - deadline[0]).days
        self._meta(
            "published",
            f"{pub.source} {pub.date.isoformat()}，规定时限 {deadline[0].isoformat()}（{deadline[1]}）",
            pub.date.isoformat(),
        )
        return float(days)

    def deadline(self) -> tuple[date, str] | None:
        year = self.report.year
        if not year:
            return None
        if self.kind and self.kind in self.deadlines:
            month, day = self.deadlines[self.kind]
            return date(year + 1, month, day), f"{self.kind}：次年{month}月{day}日前"
        from ..rules.compliance import deadline_for

        return deadline_for(self.report.organ, year)

    def _fn_parts(self) -> Value:
        present = {s.key for s in self.report.sections if s.key}
        missing = [f"{s.number}、{s.title}" for s in sections() if s.key not in present]
        n = sum(1 for s in sections() if s.key in present)
        text = f"具备 {n} 个组成部分" + (f"，缺少：{'、'.join(missing)}" if missing else "")
        self._meta("sections", text, float(n))
        self._fn_findings("SECTION_MISSING")
        return float(n)

    def _fn_has_part(self, part: str) -> Value:
        found = self.report.section(part) is not None
        title = next(s.title for s in sections() if s.key == part)
        self._meta(f"section:{part}", f"{'具备' if found else '缺少'}“{title}”部分", float(found))
        return float(found)

    def _fn_tables(self) -> Value:
        ids = self.template.tables if self.template else ("t2", "t3", "t4")
        present = [t for t in ids if t in self.report.tables_present]
        missing = [_table_title(t) for t in ids if t not in self.report.tables_present]
        text = f"具备 {len(present)} 张统计表" + (f"，缺少：{'、'.join(missing)}" if missing else "")
        self._meta("tables", text, float(len(present)))
        self._fn_findings("TABLE_MISSING")
        return float(len(present))

    def _fn_filled(self, table: str) -> Value:
        if self.template is None or table not in self.report.tables_present:
            self._meta(f"table:{table}", f"缺少{_table_title(table)}", None)
            return None
        tid = self.report.table_templates.get(table) or self.template.id
        keys = get_template(tid).table(table).cell_keys
        blank = [k for k in keys if self.report.value(k) is None]
        share = 1 - len(blank) / len(keys) if keys else None
        tpl = get_template(tid)
        shown = "、".join(tpl.cell_place(k) for k in blank[:5]) + ("等" if len(blank) > 5 else "")
        self._meta(
            f"table:{table}",
            f"{_table_title(table)} {len(keys) - len(blank)}/{len(keys)} 个单元格有数值"
            + (f"；空白：{shown}" if blank else ""),
            share,
        )
        for k in blank[:5]:
            self.trace.append(Evidence("cell", k, f"{tpl.cell_label(k)} = 空白", None, self.report_id))
        return share

    def _fn_part_chars(self, part: str) -> Value:
        sec = self.report.section(part)
        n = len(_CJK.findall(sec.text)) if sec is not None else 0
        title = next(s.title for s in sections() if s.key == part)
        self._meta(f"section:{part}", f"“{title}”部分 {n} 字" if sec else f"缺少“{title}”部分", float(n))
        return float(n)

    def _fn_similarity_last_year(self, part: str) -> Value:
        from ..corpus.similarity import ratio

        title = next(s.title for s in sections() if s.key == part)
        if self.previous is None:
            self._meta(f"reuse:{part}", "无同一单位上一年度的报告，无法比较", None)
            return None
        a, b = self.report.section(part), self.previous.section(part)
        if a is None or b is None or min(len(a.text), len(b.text)) < REUSE_MIN_CHARS:
            self._meta(f"reuse:{part}", f"本年或上年“{title}”不足 {REUSE_MIN_CHARS} 字，不作比较", None)
            return None
        sim = ratio(a.text, b.text)
        self.trace.append(
            Evidence(
                "meta",
                f"reuse:{part}",
                f"“{title}”与{self.previous.year}年度报告相似度 {sim:.0%}",
                round(sim, 4),
                self.previous_id,
            )
        )
        self._fn_findings("XY_TEXT_REUSE")
        return sim

    def _meta(self, ref: str, text: str, value: float | str | None) -> None:
        self.trace.append(Evidence("meta", ref, text, value, self.report_id))


def _table_title(table_id: str) -> str:
    from ..templates import table_title

    try:
        return table_title(table_id)
    except KeyError:
        return table_id


def _fmt(v: float | int) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return f"{v:g}"
