"""Finding codes: the rule catalogue of the spec plus the few codes the parser adds.

The severity of a code is fixed here, once; rules and the extractor only choose the message and
the cells a finding concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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

# code -> (severity, short Chinese name shown in summaries)
CATALOGUE: dict[str, tuple[Severity, str]] = {
    "SECTION_MISSING": (E, "缺少报告组成部分"),
    "SECTION_EXTRA": (W, "多出的报告组成部分"),
    "SECTION_ORDER": (W, "组成部分顺序不规范"),
    "SECTION_NUMBERING": (I, "组成部分编号不规范"),
    "TITLE_NONSTANDARD": (I, "标题不规范"),
    "TEMPLATE_YEAR_MISMATCH": (E, "表格格式与报告年度不符"),
    "TABLE_MISSING": (E, "缺少统计表"),
    "TABLE_INCOMPLETE": (E, "统计表数据不全"),
    "CELL_BLANK": (W, "单元格空白"),
    "CELL_NOT_NUMERIC": (E, "单元格不是数字"),
    "CELL_ANNOTATED": (I, "单元格数字带有附注"),
    "CELL_NEGATIVE": (E, "单元格为负数"),
    "CELL_NOT_INTEGER": (E, "件数不是整数"),
    "ROW_LABEL_NONSTANDARD": (I, "表格栏目名称不规范"),
    "T3_ROW_TOTAL": (E, "表三行总计不等于各类申请人之和"),
    "T3_RESULTS_TOTAL": (E, "表三（七）总计不等于各办理结果之和"),
    "T3_BALANCE": (E, "表三勾稽关系不成立"),
    "T4_GROUP_TOTAL": (E, "表四总计不等于各结果之和"),
    "T2_IMPLAUSIBLE": (W, "表二数据相互矛盾"),
    "NARRATIVE_MISMATCH": (W, "正文数字与表格不一致"),
    "REGULATION_MISCITED": (I, "条例名称引用错误"),
    "OVERVIEW_TOO_LONG": (I, "总体情况篇幅过长"),
    "FEE_NOT_REPORTED": (W, "未报告信息处理费收取情况"),
    "OTHER_PROCESSING_HIGH": (W, "“其他处理”占比过高"),
    "LATE_PUBLICATION": (W, "发布日期晚于规定时限"),
    "XY_CARRY_MISMATCH": (E, "上年结转与上年度报告不衔接"),
    "XY_IN_FORCE_MISMATCH": (W, "现行有效件数与上年度不衔接"),
    "XY_PROJECT_COUNT_MISMATCH": (W, "上一年项目数量与上年度不衔接"),
    "XY_TEXT_REUSE": (W, "与上年度报告内容雷同"),
    "AGG_MISMATCH": (E, "汇总数与下级单位之和不符"),
    "CONSOLIDATION_MISSING_UNIT": (W, "下级单位未报送"),
    "CONSOLIDATION_UNRELIABLE_UNIT": (W, "下级单位数据有误，汇总数不可靠"),
    # added by nianbao
    "CELL_AMBIGUOUS": (W, "数字粘连，无法唯一拆分"),
    "CELL_RECOVERED": (I, "粘连数字已按表内勾稽关系拆分"),
    "CELL_INFERRED": (I, "单元格数值由表内关系推定"),
    "CELL_UNIT_CONVERTED": (I, "金额单位已换算为万元"),
    "METADATA_MISSING": (W, "无法识别机关名称或报告年度"),
    "CELL_OCR_REPAIRED": (I, "识别错误的字符已按勾稽关系更正"),
    "CELL_OCR_UNCERTAIN": (W, "识别结果不确定，请核对原件"),
    "VALUE_UNPLACED": (W, "表格中的数字未能对应到栏目"),
    "TEMPLATE_EVIDENCE_CONFLICT": (W, "表格格式判断依据相互矛盾"),
    "CELL_UNREAD": (W, "单元格未能读取"),
}


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
        return CATALOGUE.get(self.code, (None, self.code))[1]

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
