import csv
import datetime as dt
import io
import random
from collections import Counter

import openpyxl
import pytest

from nianbao.templates import get_template
from nianbao.writer.data import InputError
from nianbao.writer.ledger import ledger_csv, table3_from_ledger, table4_from_ledger

YEAR = 2024
APPLICANTS = {
    "自然人": "natural_person",
    "商业企业": "commercial",
    "科研机构": "research",
    "社会公益组织": "social_welfare",
    "法律服务机构": "legal_service",
    "其他": "other_org",
}
# result wording as staff write it -> the 2021 row key (official labels and short forms)
RESULTS = {
    "予以公开": "granted",
    "（二）部分公开": "partially_granted",
    "1.属于国家秘密": "denied.state_secret",
    "不予公开-属于四类过程性信息": "denied.process_info",
    "本机关不掌握": "unable.not_held",
    "2.没有现成信息需要另行制作": "unable.needs_creation",
    "信访举报投诉类申请": "not_processed.petition_complaint",
    "重复申请": "not_processed.repeated",
    "逾期不补正": "other.no_correction",
    "其他处理": "other.other",
}


def _day(rng, year):
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def generated_ledger(n, seed):
    """Rows of a ledger and the 表三 an independent count gives."""
    rng = random.Random(seed)
    rows, count = [], Counter()
    for _ in range(n):
        applicant = rng.choice(list(APPLICANTS))
        col = APPLICANTS[applicant]
        carried = rng.random() < 0.15
        received = _day(rng, YEAR - 1 if carried else YEAR)
        fate = rng.random()
        count[("carried_over" if carried else "new_received", col)] += 1
        if fate < 0.1:
            rows.append(
                {
                    "申请人类型": applicant,
                    "收到日期": received.strftime("%Y年%m月%d日"),
                    "办理结果": "",
                    "办结日期": "未办结",
                }
            )
            count[("carried_forward", col)] += 1
        elif fate < 0.15:  # concluded next year: still carried forward this year
            rows.append(
                {
                    "申请人类型": applicant,
                    "收到日期": received.isoformat(),
                    "办理结果": "予以公开",
                    "办结日期": f"{YEAR + 1}-01-{rng.randint(5, 28)}",
                }
            )
            count[("carried_forward", col)] += 1
        else:
            wording = rng.choice(list(RESULTS))
            concluded = max(received, dt.date(YEAR, 1, 1)) + dt.timedelta(days=rng.randrange(20))
            concluded = min(concluded, dt.date(YEAR, 12, 31))
            rows.append(
                {
                    "申请人类型": applicant,
                    "收到日期": received.strftime("%Y/%m/%d"),
                    "办理结果": wording,
                    "办结日期": concluded.isoformat(),
                }
            )
            count[(RESULTS[wording], col)] += 1
    return rows, count


def test_a_few_hundred_rows_give_the_independent_count():
    rows, count = generated_ledger(400, seed=11)
    cells = table3_from_ledger(ledger_csv(rows).encode(), YEAR, name="台账.csv")
    t3 = get_template("2021").table("t3")
    assert set(cells) == set(t3.cell_keys)
    for key in t3.cell_keys:
        _, row, col = key.split(".", 1)[0], key.split(".", 1)[1].rsplit(".", 1)[0], key.rsplit(".", 1)[1]
        if col == "total" or row == "results_total":
            continue
        assert cells[key] == count[(row, col)], key
    assert cells["t3.new_received.total"] + cells["t3.carried_over.total"] == 400
    assert cells["t3.results_total.total"] + cells["t3.carried_forward.total"] == 400


def test_xlsx_ledger_with_real_dates():
    rows, count = generated_ledger(50, seed=3)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "申请人类型", "收到日期", "办理结果", "办结日期"])
    for i, r in enumerate(rows):
        received = dt.datetime.strptime(
            r["收到日期"].replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-"),
            "%Y-%m-%d",
        )
        ws.append([i + 1, r["申请人类型"], received, r["办理结果"], r["办结日期"]])
    buf = io.BytesIO()
    wb.save(buf)
    cells = table3_from_ledger(buf.getvalue(), YEAR, name="台账.xlsx")
    assert cells["t3.granted.total"] == sum(v for (row, _), v in count.items() if row == "granted")


def test_bad_rows_are_reported_with_their_row_numbers():
    rows, _ = generated_ledger(30, seed=5)
    rows[3] = {**rows[3], "申请人类型": "外星人"}
    rows[7] = {**rows[7], "收到日期": "去年春天"}
    rows[10] = {**rows[10], "收到日期": f"{YEAR + 1}-02-01"}
    rows[12] = {**rows[12], "办理结果": "看情况", "办结日期": f"{YEAR}-06-01", "收到日期": f"{YEAR}-05-01"}
    rows[20] = {
        **rows[20],
        "收到日期": f"{YEAR - 1}-03-01",
        "办结日期": f"{YEAR - 1}-04-01",
        "办理结果": "予以公开",
    }
    with pytest.raises(InputError) as exc:
        table3_from_ledger(ledger_csv(rows).encode(), YEAR, name="台账.csv")
    problems = exc.value.problems
    assert [p.split("：")[1] for p in problems] == ["第5行", "第9行", "第12行", "第14行", "第22行"]
    assert "外星人" in problems[0] and "去年春天" in problems[1] and "晚于 2024 年" in problems[2]
    assert "看情况" in problems[3] and "不属于 2024 年度" in problems[4]


def test_missing_column_is_named():
    text = "申请人类型,收到日期\n自然人,2024-01-01\n"
    with pytest.raises(InputError, match="缺少列“办理结果”"):
        table3_from_ledger(text.encode(), YEAR)


def test_2019_template_has_a_single_other_row():
    text = ledger_csv(
        [{"申请人类型": "个人", "收到日期": "2020-03-01", "办理结果": "其他处理", "办结日期": "2020-03-10"}]
    )
    cells = table3_from_ledger(text.encode(), 2020)
    assert cells["t3.other.natural_person"] == 1 and cells["t3.results_total.total"] == 1


def test_case_ledger_gives_table_four():
    rows = [
        {"案件类型": k, "结果": r}
        for k, r in [
            ("行政复议", "维持"),
            ("行政复议", "撤销"),
            ("复议后起诉", ""),
            ("未经复议直接起诉", "驳回诉讼请求"),
            ("行政复议", "尚未审结"),
        ]
    ]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["案件类型", "结果"])
    w.writeheader()
    w.writerows(rows)
    cells = table4_from_ledger(buf.getvalue().encode(), YEAR)
    assert (cells["t4.review.upheld"], cells["t4.review.corrected"], cells["t4.review.pending"]) == (1, 1, 1)
    assert cells["t4.review.total"] == 3 and cells["t4.litigation_after_review.pending"] == 1
    assert cells["t4.litigation_direct.upheld"] == 1
    with pytest.raises(InputError, match="第2行.*仲裁"):
        table4_from_ledger("案件类型,结果\n仲裁,维持\n".encode(), YEAR)
