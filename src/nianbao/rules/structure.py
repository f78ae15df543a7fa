"""The report's shape: its six parts, their order and numbering, the title, the tables and their template."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Code, Finding, Severity
from ..model import Report, Section
from ..plugins import report_rule
from ..templates import TABLE_IDS, Template, get_template, sections, template_for_year, templates
from ._common import TABLE_NAMES, list_places, template_of

_STANDARD_NUMBER = re.compile(r"^[一二三四五六七八九十]+、$")


def _printed(section: Section) -> str:
    """The heading as the reader sees it: extractors keep the printed number in `heading`."""
    number = (section.number or "").strip()
    heading = section.heading.strip()
    if not number:
        return f"（未编号）{heading}"
    return heading if heading.startswith(number) else f"{number}{heading}"


def _section_name(key: str) -> str:
    sec = next(s for s in sections() if s.key == key)
    return f"{sec.number}、{sec.title}"


@report_rule(
    "sections",
    codes=[
        Code("SECTION_MISSING", Severity.ERROR, "缺少报告组成部分"),
        Code("SECTION_EXTRA", Severity.WARNING, "多出的报告组成部分"),
        Code("SECTION_ORDER", Severity.WARNING, "组成部分顺序不规范"),
    ],
)
def check_sections(report: Report) -> Iterator[Finding]:
    found = [s.key for s in report.sections if s.key]
    for sec in sections():
        if sec.key not in found:
            yield Finding(
                "SECTION_MISSING",
                f"报告缺少第{sec.number}部分“{sec.title}”",
                where=_section_name(sec.key),
                data={"section": sec.key},
            )
    for s in report.sections:
        if s.key is None:
            yield Finding(
                "SECTION_EXTRA",
                f"报告在规定的六个部分之外另设了一部分“{_printed(s)}”",
                where=s.heading,
                data={"heading": s.heading},
            )
    standard = [sec.key for sec in sections()]
    seen: list[str] = []
    for key in found:
        if key not in seen:
            seen.append(key)
    if seen != sorted(seen, key=standard.index):
        printed = "、".join(_section_name(k).split("、", 1)[1] for k in seen)
        yield Finding(
            "SECTION_ORDER",
            f"报告各部分的顺序与规定格式不一致：实际顺序为 {printed}",
            data={"order": seen},
        )


@report_rule(
    "section_numbering",
    codes=[Code("SECTION_NUMBERING", Severity.INFO, "组成部分编号不规范")],
)
def check_section_numbering(report: Report) -> Iterator[Finding]:
    """The six parts are numbered 一、二、… ; 1、 / （一） / unnumbered / a mix is non-standard.

    Only the numbering style is judged: a part renumbered because an extra part was inserted
    (四、收到和处理… after an extra 三、) is SECTION_EXTRA's business, not this rule's.
    """
    parts = [s for s in report.sections if s.key is not None or s.number]
    if not parts:
        return
    odd = [s for s in parts if not (s.number and _STANDARD_NUMBER.match(s.number.strip()))]
    if not odd:
        return
    shown = "、".join(f"“{_printed(s)}”" for s in odd[:6])
    mixed = "编号方式混用，" if len(odd) < len(parts) else ""
    yield Finding(
        "SECTION_NUMBERING",
        f"报告各部分应依次以“一、”“二、”……编号，{mixed}以下部分编号不规范：{shown}",
        data={"numbers": [s.number for s in parts]},
    )


# <机关><年份>年政府信息公开工作年度报告; the year may also open the title (2019年上海市人民政府办公厅…),
# and 关于…的 wording (江左镇人民政府关于2019年政府信息公开工作的年度报告) is accepted.
_TITLE = re.compile(r"^(?P<pre>.*?)(?:关于)?(?P<year>\d{4})年(?P<mid>.*?)政府信息公开工作(?:的)?年度报告$")


@report_rule(
    "title",
    codes=[Code("TITLE_NONSTANDARD", Severity.INFO, "标题不规范")],
)
def check_title(report: Report) -> Iterator[Finding]:
    if not report.title:
        return
    title = re.sub(r"\s+", "", report.title)
    m = _TITLE.match(title)
    problem = None
    if m is None:
        problem = "不符合“<机关名称><年份>年政府信息公开工作年度报告”的格式"
    elif not (m["pre"] or m["mid"]):
        problem = "缺少机关名称"
    elif report.year and int(m["year"]) != report.year:
        problem = f"标题中的年份 {m['year']} 与报告年度 {report.year} 不符"
    if problem:
        yield Finding(
            "TITLE_NONSTANDARD",
            f"标题“{report.title.strip()}”{problem}",
            where="标题",
            data={"title": report.title},
        )


@report_rule(
    "template_year",
    codes=[Code("TEMPLATE_YEAR_MISMATCH", Severity.ERROR, "表格格式与报告年度不符")],
)
def check_template_year(report: Report) -> Iterator[Finding]:
    if not report.year or not report.tables_present:
        return
    expected = template_for_year(report.year).id
    wrong = {}
    for tid in TABLE_IDS:
        if tid not in report.tables_present:
            continue
        used = report.table_templates.get(tid) or report.template
        if used and used != expected:
            wrong[tid] = used
    if not wrong:
        return
    names = "、".join(TABLE_NAMES[t] for t in wrong)
    used_ids = sorted(set(wrong.values()))
    detail = "".join(_unsplit_groups(get_template(expected), tid, other) for tid, other in wrong.items())
    # every cell of these tables is named, the year's format's and the one read: if the year is
    # right and a table was misjudged, its values were read with the wrong columns and the year's
    # cells are absent — none of them may stand unmarked
    named = [k for tid in wrong for k in get_template(expected).table(tid).cell_keys]
    named += [k for tid, used in wrong.items() for k in get_template(used).table(tid).cell_keys]
    named = list(dict.fromkeys(named))
    yield Finding(
        "TEMPLATE_YEAR_MISMATCH",
        f"{report.year}年度报告应使用{get_template(expected).notice}规定的{expected}年格式，"
        f"但{names}使用的是{'、'.join(used_ids)}年格式{detail}",
        cells=named,
        where=names,
        data={"year": report.year, "expected": expected, "tables": wrong},
    )


@report_rule(
    "tables",
    codes=[
        Code("TABLE_MISSING", Severity.ERROR, "缺少统计表"),
        Code("TABLE_INCOMPLETE", Severity.ERROR, "统计表数据不全"),
    ],
)
def check_tables(report: Report) -> Iterator[Finding]:
    template = template_of(report)
    for tid in TABLE_IDS:
        if tid not in report.tables_present:
            section = template.table(tid).section if template else None
            where = f"（应在“{_section_name(section)}”部分）" if section else ""
            # the cells it leaves without a value are named, so that none is silently absent
            yield Finding(
                "TABLE_MISSING",
                f"报告缺少{TABLE_NAMES[tid]}{where}",
                cells=_missing_cells(report, template, tid),
                where=TABLE_NAMES[tid],
                data={"table": tid},
            )
            continue
        if template is None:
            continue
        missing = [k for k in template.table(tid).cell_keys if _not_found(report, k)]
        if missing:
            total = len(template.table(tid).cell_keys)
            yield Finding(
                "TABLE_INCOMPLETE",
                f"{TABLE_NAMES[tid]}共 {total} 个数据单元格，"
                f"{'全部' if len(missing) == total else f'其中 {len(missing)} 个'}在文档中找不到对应的数值"
                f"（数值个数少于单元格，无法对应到栏目）：{list_places(template, missing)}",
                cells=missing,
                where=TABLE_NAMES[tid],
                data={"expected": total, "found": total - len(missing)},
            )


def _missing_cells(report: Report, template: Template | None, tid: str) -> list[str]:
    """The cells a missing table leaves without a value. When neither the year nor a table read
    says which template the report follows, the template is only assumed: the cells of every
    template are named, so that none is silently absent whichever it is; otherwise those of the
    report's template and of its year's."""
    keys = list(template.table(tid).cell_keys) if template else []
    if report.year is None and not report.table_templates:
        others = list(templates().values())
    else:
        # the year's format too, when the tables read follow another (TEMPLATE_YEAR_MISMATCH)
        others = [template_for_year(report.year)] if report.year else []
    for other in others:
        keys += [k for k in other.table(tid).cell_keys if k not in keys]
    return keys


_COUNTS = dict(enumerate("零一二三四五六七八九十"))


def _unsplit_groups(expected: Template, table_id: str, used_id: str) -> str:
    """（表三仍只有一行“（六）其他处理”，未按2021年格式分列三项）: a group row of the expected
    template that the table's template prints as a single row."""
    try:
        used = get_template(used_id).table(table_id)
    except KeyError:
        return ""
    table = expected.table(table_id)
    single = {r.key for r in used.data_rows}
    notes = []
    for row in table.rows:
        n = sum(1 for r in table.data_rows if r.key.startswith(row.key + "."))
        if row.group and n and row.key in single:
            notes.append(
                f"（{table.title}仍只有一行“{row.label.short}”，未按{expected.id}年格式分列{_COUNTS.get(n, n)}项）"
            )
    return "".join(notes)


def _not_found(report: Report, key: str) -> bool:
    cell = report.cells.get(key)
    if cell is None:
        return True
    if cell.raw is not None or cell.method in ("inferred", "ambiguous", "manual"):
        return False
    # a cell the table's own (other) template does not have: TEMPLATE_YEAR_MISMATCH says it
    used = report.table_templates.get(key.split(".")[0])
    if used and used in templates() and key not in get_template(used).cell_keys:
        return False
    return True
