"""Confirmations after an action: the action redirects with `?done=<what>&n=<count>`, the page
says in words what happened. Only these fixed sentences are shown; nothing from the URL is echoed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...findings import CATALOGUE
from ...review.labels import cell_label

_TEXT = {
    "accepted": "已接受 {n} 条“{code}”问题，理由已记入每条问题。",
    "accepted_none": "所选报告中没有待处理的“{code}”问题，未作更改。",
    "reviewed": "已将 {n} 份报告标记为“已审”。",
    "rework": "已将 {n} 份报告标记为“待整改”。",
    "unreviewed": "已将 {n} 份报告改回“未审”。",
    "none_selected": "请先勾选报告，或勾选“全部符合条件的报告”。",
    "need_code": "请选择要接受的问题类型，并填写接受理由。",
    "corrected": "已更正{cell}，并已重新检查本报告及相关报告。",
    "finding_accepted": "已接受该问题，理由已记录。",
    "finding_reopened": "已撤销接受，该问题重新列为待处理。",
    "comment_saved": "说明已保存。",
    "state_reviewed": "本报告已标记为“已审”。",
    "state_rework": "本报告已标记为“待整改”。",
    "state_unreviewed": "本报告已改回“未审”。",
    "consolidation_saved": "已保存为汇总报告，并已核对汇总数与下级单位报告之和。",
    "version_chosen": "已选定本报告为该机关本年度的正式版本，其他版本标记为“已被替代”。",
}
_ERRORS = {"none_selected", "need_code"}


@dataclass(frozen=True)
class Notice:
    text: str
    error: bool = False


def notice(params: Mapping[str, str], template: str | None = None) -> Notice | None:
    what = params.get("done") or ""
    if what not in _TEXT:
        return None
    n = params.get("n") or "0"
    code = params.get("code") or ""
    key = params.get("cell") or ""
    label = cell_label(template, key) if key else None
    return Notice(
        _TEXT[what].format(
            n=int(n) if n.isdigit() else 0,
            code=CATALOGUE[code][1] if code in CATALOGUE else "所选",
            cell=f"“{label}”" if label else "单元格",
        ),
        what in _ERRORS,
    )
