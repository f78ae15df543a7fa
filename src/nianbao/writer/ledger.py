"""Ledgers → tables: the application ledger (依申请公开台账) gives 表三, the case ledger 表四.

One row per application: 申请人类型, 收到日期, 办理结果, 办结日期 (or 未办结). For report year Y:
- received in Y → 一、本年新收; received before Y and still open on 1 January Y → 二、上年结转;
- concluded in Y → its 办理结果 row; open at the end of Y (or concluded later) → 四、结转下年度;
- anything else (received after Y, concluded before Y, concluded before received, an unknown
  category, a date that cannot be read) is an error naming the row — nothing is dropped silently.

Category names come from the template labels (numbering stripped), plus the short forms staff use.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..templates import Template, get_template, template_for_year
from .data import InputError, complete_totals
from .draft import short_label

APPLICANT_ALIASES = {
    "natural_person": ["个人", "公民", "自然人申请"],
    "commercial": ["企业", "公司", "商业"],
    "research": ["科研", "科研单位", "高校", "研究机构"],
    "social_welfare": ["公益组织", "社会组织"],
    "legal_service": ["律师事务所", "律所", "法律服务", "律师"],
    "other_org": ["其他组织", "其它组织", "其他法人", "其它"],
}
# short forms of the result rows (keyed by the last part of the row key)
RESULT_ALIASES = {
    "granted": ["公开", "全部公开", "同意公开", "予以公开"],
    "partially_granted": ["部分公开"],
    "state_secret": ["国家秘密", "涉密"],
    "prohibited_by_law": ["法律法规禁止公开", "其他法律行政法规禁止公开", "法律禁止公开"],
    "three_safety_one_stability": ["三安全一稳定", "危及三安全一稳定"],
    "third_party_rights": ["第三方合法权益", "保护第三方合法权益", "涉及第三方"],
    "internal_affairs": ["内部事务信息", "三类内部事务信息", "内部事务"],
    "process_info": ["过程性信息", "四类过程性信息"],
    "law_enforcement_file": ["行政执法案卷", "执法案卷"],
    "administrative_inquiry": ["行政查询事项", "行政查询"],
    "not_held": ["本机关不掌握", "不掌握", "信息不存在", "不掌握相关政府信息"],
    "needs_creation": ["需要另行制作", "另行制作", "没有现成信息"],
    "unclear_after_correction": ["补正后仍不明确", "申请内容不明确", "内容不明确"],
    "petition_complaint": ["信访举报投诉", "信访举报投诉类", "信访"],
    "repeated": ["重复申请"],
    "publication": ["公开出版物", "要求提供公开出版物"],
    "massive_repeated": ["大量反复申请", "无正当理由大量反复申请"],
    "confirm_or_reissue": ["确认或重新出具", "要求确认或重新出具已获取信息"],
    "no_correction": ["逾期不补正", "未补正", "申请人逾期不补正"],
    "unpaid_fee": ["逾期未缴费", "未缴纳费用", "逾期未缴纳信息处理费"],
}
OPEN_MARKERS = {"未办结", "办理中", "正在办理", "尚未办结", "在办", "未结"}

HEADERS = {
    "applicant": ["申请人类型", "申请人类别", "申请人", "申请人性质"],
    "received": ["收到日期", "收到申请日期", "受理日期", "申请日期", "收到时间", "登记日期"],
    "result": ["办理结果", "处理结果", "答复结果", "办理结果类型"],
    "concluded": ["办结日期", "答复日期", "办结时间", "答复时间", "办理完成日期"],
}
CASE_HEADERS = {
    "kind": ["案件类型", "类型", "救济方式"],
    "result": ["结果", "审理结果", "办理结果", "案件结果"],
    "filed": ["立案日期", "收到日期", "受理日期", "申请日期"],
}
CASE_KINDS = {
    "review": ["行政复议", "复议"],
    "litigation_direct": ["未经复议直接起诉", "直接起诉", "行政诉讼（未经复议直接起诉）", "行政诉讼", "诉讼"],
    "litigation_after_review": ["复议后起诉", "经复议后起诉", "行政诉讼（复议后起诉）"],
}
CASE_RESULTS = {
    "upheld": ["结果维持", "维持", "驳回", "驳回诉讼请求", "驳回复议申请"],
    "corrected": ["结果纠正", "纠正", "撤销", "确认违法", "责令履行", "变更"],
    "other": ["其他结果", "其他", "其它", "撤回", "终止"],
    "pending": ["尚未审结", "未审结", "审理中", "在审", "未结"],
}


def normalise(text: str) -> str:
    """Compare category names without numbering, brackets, punctuation or whitespace."""
    text = short_label(str(text).strip())
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"[\s\"“”'‘’、，,.．:：;；()\-—_/]", "", text)


@dataclass
class LedgerRow:
    number: int  # the row number as the user sees it in the file (header = 1)
    values: dict[str, str]


# --- reading the file ---------------------------------------------------------------------------
def read_rows(source: str | Path | bytes, name: str | None = None) -> tuple[list[str], list[LedgerRow]]:
    label = name or (Path(source).name if not isinstance(source, bytes) else "台账")
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    if data[:2] == b"PK":
        return _xlsx_rows(data, label)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{label}：无法识别文件编码，请保存为 UTF-8 编码的 CSV")
    dialect = (
        "excel-tab" if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",") else "excel"
    )
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    rows = list(reader)
    if not rows:
        raise InputError(f"{label}：文件为空")
    header = [h.strip() for h in rows[0]]
    return header, [
        LedgerRow(i + 2, dict(zip(header, (v.strip() for v in r), strict=False)))
        for i, r in enumerate(rows[1:])
        if any(v.strip() for v in r)
    ]


def _xlsx_rows(data: bytes, label: str) -> tuple[list[str], list[LedgerRow]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"{label}：无法打开工作簿（{type(exc).__name__}）") from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise InputError(f"{label}：工作表为空")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    out = []
    for i, r in enumerate(rows[1:]):
        if not any(v not in (None, "") for v in r):
            continue
        out.append(LedgerRow(i + 2, {h: _cell_text(v) for h, v in zip(header, r, strict=False)}))
    return header, out


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def _columns(
    header: list[str], wanted: dict[str, list[str]], label: str, optional: Iterable[str] = ()
) -> dict[str, str]:
    found: dict[str, str] = {}
    normal = {normalise(h): h for h in header if h}
    for field, names in wanted.items():
        for n in names:
            if normalise(n) in normal:
                found[field] = normal[normalise(n)]
                break
    missing = [wanted[f][0] for f in wanted if f not in found and f not in optional]
    if missing:
        raise InputError(
            f"{label}：缺少列“{'”“'.join(missing)}”（表头为：{'、'.join(h for h in header if h)}）"
        )
    return found


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial date that lost its format
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(float(text)))
    return None


# --- categories ---------------------------------------------------------------------------------
def applicant_names(tpl: Template) -> dict[str, str]:
    out = {}
    for col in tpl.table("t3").blocks[0].value_columns:
        if col.total_of:
            continue
        for name in (col.label.official, *col.label.variants, *APPLICANT_ALIASES.get(col.key, ())):
            out.setdefault(normalise(name), col.key)
    out[normalise("其他")] = "other_org"
    return out


def result_names(tpl: Template) -> dict[str, str]:
    """Every accepted name of a result row -> the row key (template labels first, then short forms)."""
    rows = [r for r in tpl.table("t3").blocks[0].rows if r.result]
    out: dict[str, str] = {}
    for r in rows:
        for name in (r.label.official, *r.label.variants, *r.label.aliases):
            out.setdefault(normalise(name), r.key)
    for r in rows:
        for name in RESULT_ALIASES.get(r.key.rsplit(".", 1)[-1], ()):
            out.setdefault(normalise(name), r.key)
    # （六）其他处理: one row in 2019, split in 2021 (its "3.其他" takes the plain name)
    other = [r.key for r in rows if r.key == "other" or r.key == "other.other"]
    if other:
        out.setdefault(normalise("其他处理"), other[0])
    return out


def _result_key(text: str, names: dict[str, str]) -> str | None:
    key = names.get(normalise(text))
    if key:
        return key
    # "不予公开-属于国家秘密", "（三）不予公开/1.属于国家秘密": the last part names the row
    parts = [p for p in re.split(r"[-—/／>＞|]+", text) if p.strip()]
    if len(parts) > 1:
        return names.get(normalise(parts[-1]))
    return None


# --- 表三 -----------------------------------------------------------------------------------------
def table3_from_ledger(
    source: str | Path | bytes, year: int, template_id: str | None = None, name: str | None = None
) -> dict[str, int]:
    """表三 cells computed from an application ledger; raises InputError listing every bad row."""
    tpl = get_template(template_id) if template_id else template_for_year(year)
    label = name or (Path(source).name if not isinstance(source, bytes) else "台账")
    header, rows = read_rows(source, label)
    cols = _columns(header, HEADERS, label, optional=("concluded",))
    applicants = applicant_names(tpl)
    results = result_names(tpl)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts: dict[str, int] = {
        k: 0
        for k in tpl.table("t3").cell_keys
        if not k.endswith(".total") and not k.startswith("t3.results_total.")
    }
    problems: list[str] = []

    def bad(row: LedgerRow, message: str) -> None:
        problems.append(f"第{row.number}行：{message}")

    for row in rows:
        v = row.values
        applicant = applicants.get(normalise(v.get(cols["applicant"], "")))
        if applicant is None:
            bad(
                row,
                f"申请人类型“{v.get(cols['applicant'], '')}”无法识别（应为自然人、商业企业、科研机构、"
                "社会公益组织、法律服务机构或其他）",
            )
            continue
        received = parse_date(v.get(cols["received"], ""))
        if received is None:
            bad(row, f"收到日期“{v.get(cols['received'], '')}”无法识别（应如 {year}-03-15）")
            continue
        if received > end:
            bad(row, f"收到日期 {received.isoformat()} 晚于 {year} 年，不属于本年度")
            continue
        result_text = v.get(cols["result"], "").strip()
        concluded_text = v.get(cols.get("concluded", ""), "").strip() if "concluded" in cols else ""
        is_open = (
            concluded_text in OPEN_MARKERS
            or result_text in OPEN_MARKERS
            or (not concluded_text and not result_text)
        )
        concluded = None
        if not is_open:
            if not concluded_text:
                bad(row, f"已填写办理结果“{result_text}”，但未填写办结日期（未办结请填“未办结”）")
                continue
            concluded = parse_date(concluded_text)
            if concluded is None:
                bad(row, f"办结日期“{concluded_text}”无法识别（应如 {year}-04-01，未办结请填“未办结”）")
                continue
            if concluded < received:
                bad(row, f"办结日期 {concluded.isoformat()} 早于收到日期 {received.isoformat()}")
                continue
            if concluded < start:
                bad(
                    row,
                    f"已于 {concluded.isoformat()} 办结，不属于 {year} 年度（请从台账中移出上年已办结的申请）",
                )
                continue
        result_key = None
        if concluded is not None and concluded <= end:
            result_key = _result_key(result_text, results)
            if result_key is None:
                bad(
                    row,
                    f"办理结果“{result_text}”无法识别（应为表三的办理结果之一，如“予以公开”“本机关不掌握相关政府信息”）",
                )
                continue
        counts[f"t3.{'new_received' if received >= start else 'carried_over'}.{applicant}"] += 1
        if result_key:
            counts[f"t3.{result_key}.{applicant}"] += 1
        else:
            counts[f"t3.carried_forward.{applicant}"] += 1
    if problems:
        raise InputError([f"{label}：{p}" for p in problems])
    return {k: v for k, v in complete_totals(counts, tpl.id).items() if k.startswith("t3.")}  # type: ignore[misc]


# --- 表四 -----------------------------------------------------------------------------------------
def table4_from_ledger(
    source: str | Path | bytes, year: int, template_id: str | None = None, name: str | None = None
) -> dict[str, int]:
    """表四 cells from a case ledger: 案件类型 (行政复议/未经复议直接起诉/复议后起诉), 结果."""
    tpl = get_template(template_id) if template_id else template_for_year(year)
    label = name or (Path(source).name if not isinstance(source, bytes) else "案件台账")
    header, rows = read_rows(source, label)
    cols = _columns(header, CASE_HEADERS, label, optional=("filed", "result"))
    kinds = {normalise(n): k for k, names in CASE_KINDS.items() for n in names}
    outcome = {normalise(n): k for k, names in CASE_RESULTS.items() for n in names}
    counts = {k: 0 for k in tpl.table("t4").cell_keys if not k.endswith(".total")}
    problems = []
    for row in rows:
        v = row.values
        kind = kinds.get(normalise(v.get(cols["kind"], "")))
        if kind is None:
            problems.append(
                f"第{row.number}行：案件类型“{v.get(cols['kind'], '')}”无法识别"
                "（应为行政复议、未经复议直接起诉或复议后起诉）"
            )
            continue
        text = v.get(cols["result"], "") if "result" in cols else ""
        result = outcome.get(normalise(text)) if text else "pending"
        if result is None:
            problems.append(
                f"第{row.number}行：结果“{text}”无法识别（应为结果维持、结果纠正、其他结果或尚未审结）"
            )
            continue
        if "filed" in cols and v.get(cols["filed"]):
            filed = parse_date(v[cols["filed"]])
            if filed is None:
                problems.append(f"第{row.number}行：日期“{v[cols['filed']]}”无法识别")
                continue
            if filed.year > year:
                problems.append(f"第{row.number}行：日期 {filed.isoformat()} 晚于 {year} 年，不属于本年度")
                continue
        counts[f"t4.{kind}.{result}"] += 1
    if problems:
        raise InputError([f"{label}：{p}" for p in problems])
    return complete_totals(counts, tpl.id)  # type: ignore[return-value]


def ledger_csv(rows: list[dict[str, str]]) -> str:
    """CSV text of a ledger, header first (used by the synthetic generator and tests)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else list(HEADERS))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
