import io
import re

import docx
import pytest
from lxml import html as lxml_html

from nianbao.findings import Severity
from nianbao.templates import get_template
from nianbao.writer import ReportData, ReportNotWritten, render_report
from nianbao.writer.draft import draft_requests


def test_drafted_sentence_matches_the_table(sample_data):
    data = sample_data.with_totals()
    text = draft_requests(data)
    received = data.cells["t3.new_received.total"]
    assert text.startswith(f"本年度共新收政府信息公开申请{received}件")
    if data.cells["t3.new_received.natural_person"]:
        assert f"自然人{data.cells['t3.new_received.natural_person']}件" in text
    assert f"结转下年度继续办理{data.cells['t3.carried_forward.total']}件" in text
    # the per-category figures add up to the concluded total
    concluded = re.search(r"本年度办结政府信息公开申请(\d+)件(?:，其中([^；]*))?", text)
    parts = [int(n) for n in re.findall(r"(\d+)件", concluded.group(2) or "")]
    assert sum(parts) == int(concluded.group(1)) == data.cells["t3.results_total.total"]


def test_no_sentence_when_a_total_is_unknown():
    assert draft_requests(ReportData(organ="甲", year=2024, cells={"t3.granted.natural_person": 1})) == ""


def test_html_escapes_text_and_keeps_the_merged_cells(sample_data):
    page = render_report(sample_data, "html").content.decode()
    assert "&lt;公开&gt;不够及时 &amp; 解读偏少" in page
    assert "<公开>" not in page
    tree = lxml_html.fromstring(page)
    tables = tree.findall(".//table")
    assert len(tables) == 3
    spans = {c.text_content(): (c.get("rowspan"), c.get("colspan")) for c in tables[1].iter("th", "td")}
    assert spans["申请人情况"] == (None, "7")
    assert spans["三、本年度办理结果"] == ("22", None)
    assert [h.text_content() for h in tree.findall(".//h2")][3] == "四、政府信息公开行政复议、行政诉讼情况"


def test_docx_has_a4_official_tables_and_the_six_parts(sample_data):
    content = render_report(sample_data, "docx").content
    doc = docx.Document(io.BytesIO(content))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    texts = [p.text for p in doc.paragraphs]
    for heading in ("一、总体情况", "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项"):
        assert heading in texts
    t3 = doc.tables[1]
    assert len(t3.rows) == 28 and len(t3.columns) == 10
    # a merged cell is the same cell object across its span
    assert t3.cell(0, 3).text == t3.cell(0, 9).text == "申请人情况"
    assert t3.cell(5, 0)._tc is t3.cell(26, 0)._tc
    assert t3.cell(3, 3).text == str(sample_data.with_totals().cells["t3.new_received.natural_person"])
    assert 'w:val="tbRlV"' in t3.cell(5, 0)._tc.xml


def test_markdown_tables(sample_data):
    md = render_report(sample_data, "md").content.decode()
    assert "## 五、存在的主要问题及改进情况" in md
    row = next(line for line in md.splitlines() if line.startswith("| 规章 |"))
    assert row.count("|") == 5


def test_inconsistent_report_is_not_written_unless_allowed(sample_data):
    data = sample_data.with_totals()
    broken = data.model_copy(
        update={"cells": {**data.cells, "t4.review.total": data.cells["t4.review.total"] + 1}}
    )
    with pytest.raises(ReportNotWritten) as exc:
        render_report(broken, "html")
    assert "T4_GROUP_TOTAL" in str(exc.value) and "未生成文件" in str(exc.value)
    written = render_report(broken, "html", allow_errors=True)
    assert any(f.code == "T4_GROUP_TOTAL" and f.severity == Severity.ERROR for f in written.findings)
    assert "附：检查发现的问题" in written.content.decode()


@pytest.mark.parametrize("template_id", ["2019", "2021"])
def test_totals_are_completed_before_writing(template_id):
    tpl = get_template(template_id)
    cells = {k: 0 for k in tpl.cell_keys if not k.endswith(".total")}
    cells["t3.granted.natural_person"] = cells["t3.new_received.natural_person"] = 2
    cells.pop("t3.results_total.natural_person")
    data = ReportData(organ="甲", year=2020 if template_id == "2019" else 2022, cells=cells)
    written = render_report(data, "md")
    assert written.data.cells["t3.results_total.total"] == 2
    assert not [f for f in written.findings if f.severity == Severity.ERROR]


def test_pdf_without_libreoffice_is_a_clear_error(sample_data, monkeypatch):
    from nianbao.errors import MissingDependency

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingDependency, match="未找到 LibreOffice"):
        render_report(sample_data, "pdf")


def test_official_fonts_can_be_named(sample_data):
    from nianbao.writer.render import OFFICIAL

    content = render_report(sample_data, "docx", fonts=OFFICIAL).content
    xml = docx.Document(io.BytesIO(content)).element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml
    page = render_report(sample_data, "html", fonts=OFFICIAL).content.decode()
    assert '"仿宋_GB2312", "Noto Serif CJK SC"' in page
