"""What each page shows, one module per view; `nianbao.web.service` re-exports them for the API.

Views read the store through query functions (`nianbao.store.review`, the `Store` facade), never
through ORM tables, and hand the templates plain values already in the reviewer's words.
"""

from ...findings import CATALOGUE
from ...review.labels import beijing, cell_label, number
from ..deps import templates as _templates

AUDIT_ZH = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "upload": "上传",
    "correct_cell": "更正数值",
    "accept_finding": "接受问题",
    "reopen_finding": "撤销接受",
    "accept_findings": "批量接受问题",
    "review_state": "更改审核状态",
    "choose_version": "选定正式版本",
    "opinions": "生成审核意见",
    "export": "导出",
    "consolidate": "查看汇总",
    "save_consolidation": "保存汇总报告",
    "draft": "保存草稿",
    "draft_saved": "保存草稿",
    "write": "生成报告",
    "render": "生成报告",
    "create_user": "新建用户",
    "login_blocked": "登录被暂时禁止",
    "save_draft": "保存草稿",
    "import": "导入填报表",
    "evaluate": "评测",
    "zip": "上传压缩包",
    "user_created": "新建用户",
}
DETAIL_ZH = {
    "old": "原值",
    "new": "新值",
    "n": "数量",
    "files": "文件数",
    "job": "任务",
    "comment": "说明",
    "reports": "报告数",
    "state": "状态",
    "report": "报告",
    "others": "其他版本",
    "role": "角色",
    "fmt": "格式",
}


def code_title(code: str) -> str:
    return CATALOGUE.get(code, (None, "其他问题"))[1]


def audit_target(target: str | None) -> str:
    """report:12:t4.review.total → 报告 12 · 表四·行政复议·总计; code:X → the code's title."""
    if not target:
        return ""
    parts = target.split(":")
    out = []
    for i, p in enumerate(parts):
        if p == "report" or p == "finding" or p == "region" or p == "code" or p == "job":
            continue
        prev = parts[i - 1] if i else ""
        if prev == "code":
            out.append(code_title(p))
        elif prev in ("report", "finding", "region", "job"):
            out.append({"report": "报告", "finding": "问题", "region": "地区", "job": "任务"}[prev] + " " + p)
        elif "." in p and p.split(".", 1)[0] in ("t2", "t3", "t4"):
            out.append(cell_label(None, p) or "单元格")
        else:
            out.append(p)
    return " · ".join(out)


def audit_detail(detail: dict | None) -> str:
    if not detail:
        return ""
    shown = []
    for k, v in detail.items():
        if isinstance(v, float):
            v = number(v)
        shown.append(f"{DETAIL_ZH.get(k, '')}{'：' if k in DETAIL_ZH else ''}{v}")
    return "；".join(shown)


_templates.env.filters["num"] = number
_templates.env.globals.update(
    beijing=beijing,
    cell_label=cell_label,
    code_title=code_title,
    audit_target=audit_target,
    audit_detail=audit_detail,
    AUDIT_ZH=AUDIT_ZH,
)
