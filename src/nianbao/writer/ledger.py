"""Ledgers → tables: the application ledger (依申请公开台账) gives 表三, the case ledger 表四.

One row per application: 申请人类型, 收到日期, 办理结果, 办结日期 (or 未办结). For report year Y:
- received in Y → 一、本年新收; received before Y and still open on 1 January Y → 二、上年结转;
- concluded in Y → its 办理结果 row; open at the end of Y (or concluded later) → 四、结转下年度;
- anything else (received after Y, concluded before Y, concluded before received, an unknown
  category, a date that cannot be read) is an error naming the row — nothing is dropped silently.

Category names come from the template labels (numbering stripped), plus the short forms staff use
(`nianbao/templates/ledger.yaml`).
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

from ..templates import Role, Template, bare_name, ledger_words, template_of
from .data import InputError, complete_totals

_WORDS = ledger_words()  # templates/ledger.yaml
OPEN_MARKERS = _WORDS.open_markers
HEADERS = {k: list(v) for k, v in _WORDS.headers.items()}
CASE_HEADERS = {k: list(v) for k, v in _WORDS.case_headers.items()}


def normalise(text: str) -> str:
    """Compare category names without numbering, brackets, punctuation or whitespace."""
    text = bare_name(str(text).strip())
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
    out: dict[str, str] = {}
    for col in tpl.applicants:
        for name in (
            col.label.official,
            col.label.name,
            *col.label.variants,
            *_WORDS.applicants.get(col.key, ()),
        ):
            out.setdefault(normalise(name), col.key)
    return out


def result_names(tpl: Template) -> dict[str, str]:
    """Every accepted name of a result row -> the row key (template labels first, then short forms)."""
    rows = tpl.table("t3").result_rows
    out: dict[str, str] = {}
    for r in rows:
        for name in (r.label.official, *r.label.variants, *r.label.aliases):
            out.setdefault(normalise(name), r.key)
    for r in rows:
        for name in _WORDS.results.get(r.key.rsplit(".", 1)[-1], ()):
            out.setdefault(normalise(name), r.key)
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
    tpl = template_of(template_id, year)
    label = name or (Path(source).name if not isinstance(source, bytes) else "台账")
    header, rows = read_rows(source, label)
    cols = _columns(header, HEADERS, label, optional=("concluded",))
    applicants = applicant_names(tpl)
    results = result_names(tpl)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    t3 = tpl.table("t3")
    totals = {c.key for c in t3.total_columns}
    results_total = tpl.role_row(Role.RESULTS_TOTAL)
    counts: dict[str, int] = {
        k: 0 for k in t3.cell_keys if t3.column(k).key not in totals and t3.row(k) is not results_total
    }
    kinds = "、".join(c.label.official for c in tpl.applicants)
    problems: list[str] = []

    def bad(row: LedgerRow, message: str) -> None:
        problems.append(f"第{row.number}行：{message}")

    for row in rows:
        v = row.values
        applicant = applicants.get(normalise(v.get(cols["applicant"], "")))
        if applicant is None:
            bad(
                row,
                f"申请人类型“{v.get(cols['applicant'], '')}”无法识别（应为{kinds}之一）",
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
        counts[tpl.role_key(Role.RECEIVED if received >= start else Role.CARRIED_OVER, applicant)] += 1
        if result_key:
            counts[f"t3.{result_key}.{applicant}"] += 1
        else:
            counts[tpl.role_key(Role.CARRIED_FORWARD, applicant)] += 1
    if problems:
        raise InputError([f"{label}：{p}" for p in problems])
    return {k: v for k, v in complete_totals(counts, tpl.id).items() if k.startswith("t3.")}  # type: ignore[misc]


# --- 表四 -----------------------------------------------------------------------------------------
def table4_from_ledger(
    source: str | Path | bytes, year: int, template_id: str | None = None, name: str | None = None
) -> dict[str, int]:
    """表四 cells from a case ledger: 案件类型 (行政复议/未经复议直接起诉/复议后起诉), 结果."""
    tpl = template_of(template_id, year)
    label = name or (Path(source).name if not isinstance(source, bytes) else "案件台账")
    header, rows = read_rows(source, label)
    cols = _columns(header, CASE_HEADERS, label, optional=("filed", "result"))
    t4 = tpl.table("t4")
    kinds: dict[str, str] = {}
    for kind in t4.data_rows:
        for n in (kind.label.official, *_WORDS.case_kinds.get(kind.key, ())):
            kinds.setdefault(normalise(n), kind.key)
    outcome: dict[str, str] = {}
    for col in t4.blocks[0].value_columns:
        if not col.total_of:
            for n in (col.label.official, *_WORDS.case_results.get(col.key, ())):
                outcome.setdefault(normalise(n), col.key)
    totals = {c.key for c in t4.total_columns}
    counts = {k: 0 for k in t4.cell_keys if t4.column(k).key not in totals}
    kind_names = "、".join(r.label.official for r in t4.data_rows)
    result_names_ = "、".join(c.label.official for c in t4.blocks[0].value_columns if not c.total_of)
    problems = []
    for row in rows:
        v = row.values
        kind_key = kinds.get(normalise(v.get(cols["kind"], "")))
        if kind_key is None:
            problems.append(
                f"第{row.number}行：案件类型“{v.get(cols['kind'], '')}”无法识别（应为{kind_names}之一）"
            )
            continue
        text = v.get(cols["result"], "") if "result" in cols else ""
        result = outcome.get(normalise(text)) if text else _WORDS.case_pending
        if result is None:
            problems.append(f"第{row.number}行：结果“{text}”无法识别（应为{result_names_}之一）")
            continue
        if "filed" in cols and v.get(cols["filed"]):
            filed = parse_date(v[cols["filed"]])
            if filed is None:
                problems.append(f"第{row.number}行：日期“{v[cols['filed']]}”无法识别")
                continue
            if filed.year > year:
                problems.append(f"第{row.number}行：日期 {filed.isoformat()} 晚于 {year} 年，不属于本年度")
                continue
        counts[f"t4.{kind_key}.{result}"] += 1
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
