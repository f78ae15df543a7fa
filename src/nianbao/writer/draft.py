"""Statistical sentences drafted from the table data, so that text and tables never disagree.

Row and column names come from the template labels; only the sentence frames are written here.
"""

from __future__ import annotations

from ..templates import BALANCE_ROLES, Role, Template, bare_name, get_template
from .data import Number, ReportData, format_value

short_label = bare_name  # kept for callers of the old name


def _n(v: Number | None) -> str:
    return f"{format_value(v or 0)}件"


def _breakdown(parts: list[tuple[str, Number | None]]) -> str:
    nonzero = [f"{name}{_n(v)}" for name, v in parts if v]
    return "，其中" + "、".join(nonzero) if nonzero else ""


def draft_requests(data: ReportData, template: Template | None = None) -> str:
    """Part 三: applications received, carried over, concluded by result, carried forward."""
    tpl = template or get_template(data.template_id)
    total = tpl.table("t3").total_columns[0].key
    v = data.value
    if any(v(tpl.role_key(role)) is None for role in BALANCE_ROLES):
        return ""  # never print a figure the table does not give
    text = f"本年度共新收政府信息公开申请{_n(v(tpl.role_key(Role.RECEIVED)))}"
    text += _breakdown([(c.label.name, v(tpl.role_key(Role.RECEIVED, c.key))) for c in tpl.applicants])
    text += f"；上年结转政府信息公开申请{_n(v(tpl.role_key(Role.CARRIED_OVER)))}。"
    # results by top-level category: a group's figure is the sum of its children
    groups: list[tuple[str, Number | None]] = [
        (g.name, sum(v(k) or 0 for k in g.cell_keys(total))) for g in tpl.result_groups
    ]
    text += f"本年度办结政府信息公开申请{_n(v(tpl.role_key(Role.RESULTS_TOTAL)))}" + _breakdown(groups)
    text += f"；结转下年度继续办理{_n(v(tpl.role_key(Role.CARRIED_FORWARD)))}。"
    return text


def draft_appeals(data: ReportData, template: Template | None = None) -> str:
    """Part 四: administrative reviews and lawsuits by result."""
    tpl = template or get_template(data.template_id)
    t4 = tpl.table("t4")
    (block,) = t4.blocks
    cols = [c for c in block.value_columns if not c.total_of]
    (total_col,) = t4.total_columns
    v = data.value
    sentences = []
    for r in block.data_rows:
        total = v(f"t4.{r.key}.{total_col.key}")
        if total is None:
            continue
        # 行政复议 stands alone; the 行政诉讼 rows name their kind of suit
        what = f"被提起{r.parent}（{r.label.official}）" if r.parent else f"被申请{r.label.official}"
        parts = [(c.label.official, v(f"t4.{r.key}.{c.key}")) for c in cols]
        sentences.append(f"{what}{_n(total)}" + _breakdown(parts))
    return "本年度因政府信息公开工作" + "；".join(sentences) + "。" if sentences else ""


def draft_proactive(data: ReportData, template: Template | None = None) -> str:
    """Part 二: the documents of 第二十条第（一）项 and the decisions counted in 表二."""
    tpl = template or get_template(data.template_id)
    v = data.value
    first = tpl.table("t2").blocks[0]
    if any(v(f"t2.{r.key}.{c.key}") is None for r in first.data_rows for c in first.value_columns):
        return ""
    # 本年度制发规章1件、行政规范性文件2件，废止…: one clause per column the template gives a verb
    clauses = [
        c.draft + "、".join(f"{r.label.official}{_n(v(f't2.{r.key}.{c.key}'))}" for r in first.data_rows)
        for c in first.value_columns
        if c.draft
    ]
    return "本年度" + "，".join(clauses) + "。" if clauses else ""


def draft_fee(data: ReportData) -> str | None:
    if data.processing_fee is None:
        return None
    if not data.processing_fee:
        return "本年度未收取信息处理费。"
    return (
        f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费{format_value(data.processing_fee)}元。"
    )


def drafted(data: ReportData) -> dict[str, str]:
    """The drafted sentences per part (section key → text)."""
    tpl = get_template(data.template_id)
    out = {
        "proactive": draft_proactive(data, tpl),
        "requests": draft_requests(data, tpl),
        "appeals": draft_appeals(data, tpl),
    }
    out = {k: text for k, text in out.items() if text}
    fee = draft_fee(data)
    if fee and "信息处理费" not in data.sections.get("other", ""):
        out["other"] = fee
    return out
