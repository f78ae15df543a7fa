"""Statistical sentences drafted from the table data, so that text and tables never disagree.

Row and column names come from the template labels; only the sentence frames are written here.
"""

from __future__ import annotations

import re

from ..templates import Template, get_template
from .data import Number, ReportData, format_value

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])\s*")


def short_label(label: str) -> str:
    """`（二）部分公开（区分处理的…）` → `部分公开`; `1.属于国家秘密` → `属于国家秘密`."""
    text = _NUMBERING.sub("", label)
    return re.sub(r"（[^）]*）$", "", text)


def _n(v: Number | None) -> str:
    return f"{format_value(v or 0)}件"


def _breakdown(parts: list[tuple[str, Number | None]]) -> str:
    nonzero = [f"{name}{_n(v)}" for name, v in parts if v]
    return "，其中" + "、".join(nonzero) if nonzero else ""


def draft_requests(data: ReportData, template: Template | None = None) -> str:
    """Part 三: applications received, carried over, concluded by result, carried forward."""
    tpl = template or get_template(data.template_id)
    t3 = tpl.table("t3")
    (block,) = t3.blocks
    cols = [c for c in block.value_columns if not c.total_of]
    v = data.value
    received = v("t3.new_received.total")
    needed = ("new_received", "carried_over", "results_total", "carried_forward")
    if any(v(f"t3.{r}.total") is None for r in needed):
        return ""  # never print a figure the table does not give
    text = f"本年度共新收政府信息公开申请{_n(received)}"
    text += _breakdown(
        [
            (c.label.official if c.key != "other_org" else "其他组织", v(f"t3.new_received.{c.key}"))
            for c in cols
        ]
    )
    text += f"；上年结转政府信息公开申请{_n(v('t3.carried_over.total'))}。"
    # results by top-level category: a group's figure is the sum of its children
    groups: list[tuple[str, Number | None]] = []
    rows = list(block.rows)
    for r in rows:
        if not (r.result or r.group) or "." in r.key or r.key == "results":
            continue
        members = [r] if r.result else [c for c in rows if c.key.startswith(r.key + ".") and c.result]
        values = [v(f"t3.{m.key}.total") for m in members]
        groups.append((short_label(r.label.official), sum(x or 0 for x in values)))
    text += f"本年度办结政府信息公开申请{_n(v('t3.results_total.total'))}" + _breakdown(groups)
    text += f"；结转下年度继续办理{_n(v('t3.carried_forward.total'))}。"
    return text


def draft_appeals(data: ReportData, template: Template | None = None) -> str:
    """Part 四: administrative reviews and lawsuits by result."""
    tpl = template or get_template(data.template_id)
    t4 = tpl.table("t4")
    (block,) = t4.blocks
    cols = [c for c in block.value_columns if not c.total_of]
    v = data.value
    sentences = []
    for r in block.data_rows:
        total = v(f"t4.{r.key}.total")
        if total is None:
            continue
        what = "被申请行政复议" if r.key == "review" else f"被提起行政诉讼（{r.label.official}）"
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
    if tpl.id == "2019":
        return (
            f"本年度新制作规章{_n(v('t2.rules.made'))}、规范性文件{_n(v('t2.normative_docs.made'))}，"
            f"新公开规章{_n(v('t2.rules.published'))}、规范性文件{_n(v('t2.normative_docs.published'))}。"
        )
    return (
        f"本年度制发规章{_n(v('t2.rules.issued'))}、行政规范性文件{_n(v('t2.normative_docs.issued'))}，"
        f"废止规章{_n(v('t2.rules.repealed'))}、行政规范性文件{_n(v('t2.normative_docs.repealed'))}，"
        f"现行有效规章{_n(v('t2.rules.in_force'))}、行政规范性文件{_n(v('t2.normative_docs.in_force'))}。"
    )


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
