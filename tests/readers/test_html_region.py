"""The HTML reader reads only the report's region of a page (`html.report_region`).

The region must keep every paragraph and table of the report: on the corpus pages, which are
mostly site navigation, the region's Document is an unbroken run of the whole page's blocks
that holds every table, the title, the publication line and everything from the first heading
to the last sentence; only menu, breadcrumb and footer text is left out. Snippets built from the
corpus pages' own structure check each way the descent must stop.
"""

from __future__ import annotations

import lxml.etree
import pytest

from nianbao.document import Document, Paragraph, Table
from nianbao.readers import html


def _whole(data: bytes) -> Document:
    saved = html.report_region
    html.report_region = lambda body: None
    try:
        return html.read(data, "x.html")
    finally:
        html.report_region = saved


def _region(data: bytes) -> lxml.etree._Element | None:
    root = lxml.etree.fromstring(data, html._parser())
    return html.report_region(root.find("body"))


def test_region_keeps_every_paragraph_and_table_of_the_report(corpus_dir):
    pages = sorted((corpus_dir / "html").glob("pingtan-*.html"))
    assert pages
    for path in pages:
        data = path.read_bytes()
        assert _region(data) is not None, path.name  # these pages are mostly navigation
        ours, whole = html.read(data, path.name), _whole(data)
        n = len(ours.blocks)
        assert n < len(whole.blocks) / 2, path.name
        starts = [i for i in range(len(whole.blocks) - n + 1) if whole.blocks[i : i + n] == ours.blocks]
        assert starts, f"{path.name}: the region's blocks are not a run of the page's"
        # every table of the page, and everything from the title to the report's last sentence
        assert [b for b in whole.blocks if isinstance(b, Table)] == ours.tables, path.name
        texts = [b.text if isinstance(b, Paragraph) else None for b in whole.blocks]
        title = next(i for i, t in enumerate(texts) if t and t.endswith("年度报告"))
        last = max(i for i, t in enumerate(texts) if t and "。" in t and "浏览器" not in t)
        assert starts[0] <= title and last < starts[0] + n, path.name
        assert any(t and t.startswith("来源：") for t in texts[starts[0] : starts[0] + n])
        # what is left out is the site's: short link texts and the footer
        left_out = [t for t in texts[: starts[0]] + texts[starts[0] + n :] if t]
        assert "首页" in left_out and not any("报告" in t and "工作报告" not in t for t in left_out)
        assert ours.warnings == whole.warnings and ours.metadata == whole.metadata


def test_region_and_walk_agree_on_the_corpus_pages(corpus_dir):
    for path in sorted((corpus_dir / "html").glob("*.html")):
        data = path.read_bytes()
        saved = html._fast_blocks
        html._fast_blocks = lambda *args: None
        try:
            walk = html.read(data, path.name)
        finally:
            html._fast_blocks = saved
        assert html.read(data, path.name) == walk, path.name


_MENU = (
    '<div class="header"><ul>'
    + "".join(f'<li><a href="/{i}">栏目{i}</a></li>' for i in range(30))
    + "</ul></div>"
)
_SITES = (
    "福建省人民政府",
    "福州市政府网站",
    "厦门市政府网站",
    "泉州市政府网站",
    "漳州市政府网站",
    "莆田市政府网站",
    "三明市政府网站",
    "南平市政府网站",
    "中国新闻网",
    "人民网",
    "新华网",
)
_FOOTER = (  # the shape of the 平潭 pages' footer: link lists, then the site's own lines
    '<div class="footer">'
    + "".join(f'<a href="/{i}">{name}</a> ' for i, name in enumerate(_SITES))
    + "<p>版权所有：某某管委会 网站标识码：3590000001</p>"
    + "<p>为确保最佳浏览效果，建议您使用以下浏览器。</p></div>"
)
_REPORT = (
    '<div class="article"><div class="title">某某区2023年度政府信息公开工作年度报告</div>'
    '<div class="content"><p>一、总体情况</p><p>本年度，我区认真贯彻落实。</p>'
    "<table><tr><td>信息内容</td><td>本年新制作数量</td></tr><tr><td>规章</td><td>0</td></tr></table>"
    "<p>某某区人民政府办公室</p><p>2024年1月20日</p></div></div>"
)


def _page(*parts: str) -> bytes:
    return f"<html><head><title>t</title></head><body>{''.join(parts)}</body></html>".encode()


def _texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def test_region_drops_menus_and_footer_and_keeps_title_and_signature():
    data = _page(_MENU, '<div class="main">', _REPORT, "</div>", _FOOTER)
    texts = _texts(html.read(data, "x.html"))
    assert texts[0] == "某某区2023年度政府信息公开工作年度报告"
    assert texts[-2:] == ["某某区人民政府办公室", "2024年1月20日"]
    assert "栏目1" not in texts and not any("版权所有" in t for t in texts)


@pytest.mark.parametrize(
    "outside",
    [
        '<div class="sign"><p>某某区人民政府办公室</p><p>2024年1月20日</p></div>',  # not links
        '<div class="more"><p>（一）主动公开方面。本年度共主动公开信息。</p></div>',  # a sentence
        "<div><table><tr><td>1</td><td>2</td></tr></table></div>",  # a table
        '<h1><a href="/x">某某区2023年度政府信息公开工作年度报告</a></h1>',  # a title as a link
        '<div><a href="/x">附件</a><a href="/y">下载</a>本报告电子版</div>',  # names the report
        '<div><script>var content = "<p>正文</p>";</script></div>',  # a script carrying the page
        "<div>" + "".join(f"<p>第{i}段文字</p>" for i in range(5)) + "</div>",  # text, no links
    ],
)
def test_region_stops_at_anything_that_may_be_the_report(outside):
    for page in (
        _page(outside, '<div class="main">', _REPORT, "</div>"),
        _page('<div class="main">', _REPORT, "</div>", outside),
    ):
        region = _region(page)
        whole = _whole(page)
        assert region is None or region.tag == "body", outside
        assert html.read(page, "x.html") == whole


def test_text_between_blocks_keeps_the_parent():
    page = _page(_MENU, "本页说明文字", '<div class="main">', _REPORT, "</div>")
    assert _region(page) is None
    assert "本页说明文字" in _texts(html.read(page, "x.html"))


def test_pictures_outside_the_region_still_say_they_cannot_be_read():
    bad = '<div class="nav"><a href="/p"><img src="data:image/png;base64,iVBORw0KGgoAAAAA" width=400 height=300></a></div>'
    page = _page(bad, '<div class="main">', _REPORT, "</div>")
    assert html.read(page, "x.html").warnings == _whole(page).warnings
