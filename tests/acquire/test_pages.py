"""Reading government pages: pagination, dates, attachments, titles, addresses, robots, sniffing."""

from __future__ import annotations

import asyncio

import pytest

from nianbao.acquire.addresses import check_address
from nianbao.acquire.dates import from_text, parse_date
from nianbao.acquire.errors import FetchError
from nianbao.acquire.listing import choose_attachment
from nianbao.acquire.matching import match
from nianbao.acquire.pages import parse_page
from nianbao.acquire.robots import RobotsRules
from nianbao.acquire.sites import parse_deadline, parse_sites
from nianbao.acquire.sniff import sniff
from nianbao.errors import NianbaoError


def test_trs_list_page_links_dates_and_pagination() -> None:
    html = """<html><head><title>年报</title></head><body><ul>
    <li><a href="./202501/t20250120_1.html" title="洪泽区人民政府2024年政府信息公开工作年度报告">洪泽区人民政府2024年政府信…</a>
        <span>2025-01-20</span></li>
    <li><a href="/x/t2.html">通知</a><span>2025/02/03</span></li></ul>
    <script>createPageHTML(3, 0, "index", "shtml");</script></body></html>"""
    page = parse_page(html.encode(), "http://a.gov.cn/col/index.shtml")
    first = page.links[0]
    assert first.url == "http://a.gov.cn/col/202501/t20250120_1.html"
    assert (
        first.text == "洪泽区人民政府2024年政府信息公开工作年度报告"
    )  # the title attribute, not the cut text
    assert first.date == "2025-01-20"
    assert page.links[1].date == "2025-02-03"
    assert page.next_pages == ["http://a.gov.cn/col/index_1.shtml", "http://a.gov.cn/col/index_2.shtml"]


def test_next_page_link_and_gbk_page() -> None:
    html = '<html><head><meta charset="gbk"></head><body><a href="p2.html">下一页</a></body></html>'
    page = parse_page(html.encode("gbk"), "http://b.gov.cn/nb/")
    assert page.next_pages == ["http://b.gov.cn/nb/p2.html"]
    assert page.links == []


@pytest.mark.parametrize(
    ("text", "date", "source"),
    [
        ("来源：区政府办 发布时间：2025-01-20 10:12 浏览次数：", "2025-01-20", "发布时间"),
        ("发布日期：2025年01月24日", "2025-01-24", "发布日期"),
        ("日期：2025.2.5", "2025-02-05", "日期"),
    ],
)
def test_published_line(text: str, date: str, source: str) -> None:
    found = from_text(["首页 > 政务公开", text])
    assert found is not None and (found.date, found.source) == (date, source)


def test_meta_pubdate_beats_text_and_signed_date_is_not_published() -> None:
    html = '<html><head><meta name="PubDate" content="2025-04-07 16:05"></head><body>成文日期：2025-03-01</body></html>'
    page = parse_page(html.encode(), "http://c.gov.cn/a.html")
    assert page.published is not None and page.published.date == "2025-04-07"
    assert page.published.source == "meta:pubdate"
    assert from_text(["成文日期：2025-03-01"]) is None
    assert parse_date("2025-13-01") is None


def test_attachment_choice_prefers_the_report_over_forms() -> None:
    html = """<html><body><p>附件：<a href="/f/sqb.xls">政府信息公开申请表.xls</a></p>
    <p><a href="/f/nb.pdf">淮安市人民政府2024年政府信息公开工作年度报告.pdf</a></p>
    <p><a href="/download?fileid=9">淮安市人民政府2024年政府信息公开工作年度报告.docx</a></p></body></html>"""
    page = parse_page(html.encode(), "http://d.gov.cn/x.html")
    assert len(page.attachments) == 3
    chosen = choose_attachment(page, "淮安市人民政府", 2024)
    assert chosen is not None and chosen.url == "http://d.gov.cn/download?fileid=9"  # DOCX over PDF


@pytest.mark.parametrize(
    ("title", "organ", "year", "score"),
    [
        ("洪泽区人民政府2024年政府信息公开工作年度报告", "淮安市洪泽区人民政府", 2024, 2),
        ("淮安市洪泽区财政局2024年政府信息公开工作年度报告", "淮安市洪泽区财政局", 2024, 3),
        ("2024年度政府信息公开年报", "淮安市洪泽区财政局", 2024, 1),
        ("关于2024年政务公开工作年度报告", "某县民政局", 2024, 1),
        ("平潭综合实验区2023年政府信息公开工作年度报告", "平潭综合实验区管理委员会", 2023, 2),
        # not ours, not this year, not the report
        ("洪泽区教育局2024年政府信息公开工作年度报告", "淮安市洪泽区财政局", 2024, None),
        ("淮安市洪泽区财政局2024年政府信息公开工作年度报告", "淮安市洪泽区人民政府", 2024, None),
        ("洪泽区人民政府2023年政府信息公开工作年度报告", "淮安市洪泽区人民政府", 2024, None),
        ("关于报送2024年度政府信息公开工作年度报告的通知", "淮安市洪泽区人民政府", 2024, None),
        ("洪泽区2024年度政府信息公开工作年度报告解读", "淮安市洪泽区人民政府", 2024, None),
        ("洪泽区2025年政务公开工作要点", "淮安市洪泽区人民政府", 2025, None),
    ],
)
def test_title_matching(title: str, organ: str, year: int, score: int | None) -> None:
    m = match(title, organ, year)
    assert (m.score if m else None) == score


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/x",
        "http://169.254.169.254/",
        "http://[::1]/",
        "http://localhost/",
    ],
)
def test_private_addresses_refused(url: str) -> None:
    with pytest.raises(FetchError) as err:
        asyncio.run(check_address(url, allow_private=False))
    assert err.value.kind == "private" and "--allow-private" in str(err.value)
    asyncio.run(check_address(url, allow_private=True))


def test_non_http_refused() -> None:
    with pytest.raises(FetchError, match="只支持 http"):
        asyncio.run(check_address("file:///etc/passwd", allow_private=True))


def test_robots_rules() -> None:
    rules = RobotsRules("User-agent: *\nDisallow: /private/\n")
    assert rules.allowed("http://a/x.html", "nianbao") and not rules.allowed("http://a/private/x", "nianbao")
    assert not RobotsRules(None, disallow_all=True).allowed("http://a/x", "nianbao")
    assert RobotsRules("User-agent: *\nCrawl-delay: 3\n").crawl_delay("nianbao") == 3.0
    assert rules.crawl_delay("nianbao") == 0.0


def test_sniff_by_content_not_by_label() -> None:
    assert sniff(b"%PDF-1.7 ...", "text/html", "http://a/x.htm") == "pdf"
    assert (
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "application/octet-stream", "http://a/f.wps")
        == "wps"
    )
    assert sniff(b"<!DOCTYPE html><html>", "application/msword", "http://a/f.doc") == "html"


def test_sites_csv_headers_deadlines_and_errors() -> None:
    units = parse_sites(
        "机关,地区,年报栏目,截止日期\n甲局,甲县,http://a.gov.cn/nb/,03-31\n乙镇,,https://b.gov.cn/,\n"
    )
    assert [u.organ for u in units] == ["甲局", "乙镇"]
    assert units[0].deadline_for(2024).isoformat() == "2025-03-31" and units[1].region is None
    assert parse_deadline("2025年2月20日", 2024).isoformat() == "2025-02-20"
    with pytest.raises(NianbaoError, match="缺少列"):
        parse_sites("name_x,url_y\n")
    with pytest.raises(NianbaoError, match="不是 http"):
        parse_sites("机关,年报栏目\n甲局,ftp://a/\n")
