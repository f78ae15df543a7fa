"""A report page whose tables are pictures, fetched: its same-site pictures come with it, through
the fetcher, bundled with the page as one MHTML file the reader OCRs."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from PIL import Image

from nianbao.acquire.client import Fetcher
from nianbao.acquire.fixture_site import FixtureSite
from nianbao.acquire.listing import Crawler
from nianbao.acquire.pages import parse_page, same_site
from nianbao.acquire.pictures import with_pictures
from nianbao.document import Document, Paragraph
from nianbao.readers import image, ocr, read_document

from .conftest import fast_policy

TITLE = "某某区人民政府2023年政府信息公开工作年度报告"


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, "PNG")
    return buf.getvalue()


def _page(*srcs: str) -> str:
    imgs = "".join(f'<p><img src="{s}"></p>' for s in srcs)
    return f"<html><head><title>{TITLE}</title></head><body><p>{TITLE}</p>{imgs}</body></html>"


def test_same_site_is_the_registrable_domain():
    assert same_site("http://img.pingtan.gov.cn/a.png", "https://www.pingtan.gov.cn/x.html")
    assert not same_site("http://www.other.gov.cn/a.png", "https://www.pingtan.gov.cn/x.html")
    assert same_site("http://static.example.com/a.png", "http://www.example.com/")
    assert not same_site("ftp://www.example.com/a.png", "http://www.example.com/")


def test_the_page_lists_its_pictures_a_report_of_pictures_is_a_report():
    page = parse_page(
        _page("/t2.png", "http://cdn.elsewhere.cn/t3.png", "data:image/png;base64,AAAA", "t2.png").encode()
        + b'<img src="/icon.png" width="16" height="16">',
        "http://www.x.gov.cn/art/1.html",
    )
    assert page.pictures == ["http://www.x.gov.cn/t2.png", "http://www.x.gov.cn/art/t2.png"]
    assert page.report_like  # no 总体情况 … in its text, but titled as a report and pictured


def test_pictures_are_fetched_politely_and_a_failed_one_is_named(tmp_path: Path, monkeypatch):
    site = FixtureSite()
    site.page("/art/1.html", _page("/pic/t.png", "/pic/gone.png", "/pic/logo.png"))
    site.file("/pic/t.png", _png(700, 500), "image/png")
    site.file("/pic/logo.png", _png(120, 40), "image/png")
    base = site.start()

    async def go():
        async with Fetcher(fast_policy(respect_robots=False)) as fetcher:
            crawler = Crawler(fetcher, None, tmp_path)
            first = await with_pictures(crawler, await crawler.fetch(f"{base}/art/1.html"))
            plain = FixtureSite()
            plain.page("/a.html", _page("/logo.png"))
            plain.file("/logo.png", _png(120, 40), "image/png")
            alone = await with_pictures(crawler, await crawler.fetch(f"{plain.start()}/a.html"))
            plain.stop()
            return first, alone

    try:
        got, alone = asyncio.run(go())
    finally:
        site.stop()
    assert alone.kind == "html"  # a logo only: the page alone is the report
    assert got.kind == "mhtml" and got.local_file and Path(got.local_file).read_bytes() == got.content
    assert site.bodies["/pic/t.png"] == 1 and site.hits["/pic/gone.png"] >= 1

    seen: list[tuple[int, int]] = []

    def fake_read_image(data: bytes, source: str) -> Document:
        seen.append(image.picture_size(data))
        return Document(source=source, format="png", blocks=[Paragraph("表格图片")] * 400)

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(image, "read_image", fake_read_image)
    doc = read_document(got.content, "1.mhtml")
    assert doc.format == "mhtml" and seen == [(700, 500)]
    (warning,) = [w for w in doc.warnings if "无法读取" in w]
    assert "/pic/gone.png（服务器返回 HTTP 404" in warning
