"""A government CMS on 127.0.0.1, built from real report files, for the tests and the benchmark.

It serves what the watch meets in the field, laid out the way TRS-style CMSs lay out a
政府信息公开年报 column: list pages with `createPageHTML` or 下一页 pagination, dates beside each
link, detail pages with `<meta name="PubDate">` or a 发布时间 line and the report attached, reports
printed on the page itself, and the failures: a 404, a page slower than any sane timeout, a
redirect loop, a file over the size cap (declared, and one streamed without a length), and a
robots.txt that disallows a path. Responses carry ETag and Last-Modified and honour conditional
requests, so a second crawl can be told apart from the first. It is a real HTTP server (the
standard library's, one thread per connection); the optional latency makes concurrency matter.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import threading
import time
import typing
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

if typing.TYPE_CHECKING:
    import socket

_MODIFIED = "Wed, 05 Mar 2025 08:00:00 GMT"


@dataclass
class Resource:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None  # a redirect
    delay: float = 0.0  # seconds before answering
    stream_size: int = 0  # >0: a generated body of this size, sent chunked with no Content-Length
    conditional: bool = True


@dataclass
class FixtureSite:
    resources: dict[str, Resource] = field(default_factory=dict)
    latency: float = 0.0  # added to every response
    hits: Counter[str] = field(default_factory=Counter)  # requests per path
    bodies: Counter[str] = field(default_factory=Counter)  # 200 responses with a body, per path
    not_modified: Counter[str] = field(default_factory=Counter)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, resource: Resource) -> None:
        self.resources[path] = resource

    def page(self, path: str, text: str) -> None:
        self.add(path, Resource(text.encode("utf-8")))

    def file(self, path: str, data: bytes, content_type: str) -> None:
        self.add(path, Resource(data, content_type))

    # --- serving ---------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                site._serve(self)

        self._server = _QuietServer((host, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.base

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{typing.cast(str, host)}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset_counts(self) -> None:
        with self._lock:
            self.hits.clear()
            self.bodies.clear()
            self.not_modified.clear()

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(h.path).path)
        with self._lock:
            self.hits[path] += 1
        res = self.resources.get(path)
        if self.latency:
            time.sleep(self.latency)
        if res is None:
            body = "<html><head><title>404</title></head><body>页面不存在</body></html>".encode()
            return _send(h, 404, "text/html; charset=utf-8", body)
        if res.delay:
            time.sleep(res.delay)
        if res.location is not None:
            h.send_response(res.status or 302)
            h.send_header("Location", res.location)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        if res.stream_size:
            h.send_response(200)
            h.send_header("Content-Type", res.content_type)
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"%PDF-1.4\n" + b"0" * 65527
            sent = 0
            try:
                while sent < res.stream_size:
                    part = chunk[: min(len(chunk), res.stream_size - sent)]
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    sent += len(part)
                h.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                h.close_connection = True  # the client stopped reading at its cap: expected
            return None
        etag = '"' + hashlib.sha1(res.body).hexdigest()[:16] + '"'
        if res.conditional and res.status == 200:
            if h.headers.get("If-None-Match") == etag or (
                h.headers.get("If-None-Match") is None and h.headers.get("If-Modified-Since") == _MODIFIED
            ):
                with self._lock:
                    self.not_modified[path] += 1
                h.send_response(304)
                h.send_header("ETag", etag)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return None
        extra = {"ETag": etag, "Last-Modified": _MODIFIED} if res.conditional else {}
        if res.status == 200:
            with self._lock:
                self.bodies[path] += 1
        return _send(h, res.status, res.content_type, res.body, extra)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: typing.Any
    ) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # a client that hung up is no error


def _send(
    h: BaseHTTPRequestHandler, status: int, ctype: str, body: bytes, extra: dict[str, str] | None = None
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (extra or {}).items():
        h.send_header(k, v)
    h.end_headers()
    try:
        h.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        h.close_connection = True


# --- building government-style pages ------------------------------------------------------------
_CHROME = (
    '<div class="top"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a> '
    '<a href="/hdjl/">互动交流</a></div><div class="crumb">当前位置：首页 &gt; 政务公开 &gt; {column}</div>'
)


def list_page(site: str, column: str, items: list[tuple[str, str, str]], pager: str = "") -> str:
    """items: (href, title, date). Titles are cut in the link text, whole in its title attribute."""
    rows = "\n".join(
        f'<li><a href="{html.escape(href)}" title="{html.escape(title)}" target="_blank">'
        f'{html.escape(title[:22] + ("…" if len(title) > 22 else ""))}</a><span class="date">{date}</span></li>'
        for href, title, date in items
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{column}_{site}</title></head><body>'
        f'{_CHROME.format(column=column)}<div class="list"><ul>{rows}</ul></div>'
        f'<div class="pager">{pager}</div><div class="foot">主办：{site} 网站标识码：3208130001</div></body></html>'
    )


def trs_pager(count: int, current: int, stem: str = "index", ext: str = "html") -> str:
    return f'<script type="text/javascript">createPageHTML({count}, {current}, "{stem}", "{ext}");</script>'


def detail_page(
    site: str,
    title: str,
    published: str | None = None,
    meta_pubdate: str | None = None,
    attachments: list[tuple[str, str]] = (),  # type: ignore[assignment]
    body_html: str = "",
    info_label: str = "发布时间",
) -> str:
    meta = f'<meta name="PubDate" content="{meta_pubdate}">' if meta_pubdate else ""
    info = f"<span>{info_label}：{published}</span> " if published else ""
    links = "".join(f'<p>附件：<a href="{html.escape(h)}">{html.escape(t)}</a></p>' for h, t in attachments)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{html.escape(title)}">'
        f"{meta}<title>{html.escape(title)}_{site}</title></head><body>{_CHROME.format(column='政府信息公开年报')}"
        f'<h1>{html.escape(title)}</h1><div class="info">{info}<span>来源：{site}</span> <span>浏览次数：</span></div>'
        f'<div class="TRS_Editor">{body_html}{links}</div></body></html>'
    )


def text_as_html(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def text_as_docx(text: str) -> bytes:
    """A Word file with the text's lines as paragraphs (the seeds are text dumps of Word files)."""
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line.replace("\t", " "))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def shift_years(text: str, by: int) -> str:
    """The same report dated `by` years later (2021 → 2024): the 2021 template is still current."""
    return re.sub(r"(?<!\d)(20[12]\d)(?=\s*年|\s*-|\s*\.)", lambda m: str(int(m.group(1)) + by), text)


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Expected:
    """What a correct watch reports for a unit."""

    organ: str
    region: str
    path: str  # the column, below the site's base URL
    state: str
    days_late: int | None = None
    published: str | None = None
    reason: str | None = None  # a word the reason must contain
    stored: bool = False


def cms_site(corpus: Path, cap: int) -> tuple[FixtureSite, list[Expected]]:
    """The test site, for report year 2024 (and 2023 for 洪泽区 and 平潭). `cap` is the size cap
    the tests fetch with: the oversized files exceed it."""
    s = FixtureSite()
    s.page("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    s.resources["/robots.txt"].content_type = "text/plain"
    exp: list[Expected] = []

    # 洪泽区人民政府: a TRS column over two pages; the 2024 report on page 2 behind a notice and a
    # work plan; PDF attachments; 发布时间 lines
    hz = "淮安市洪泽区人民政府"
    s.file("/hongze/files/P020250120.pdf", (corpus / "pdf/huaian-hongze-2024.pdf").read_bytes(), PDF)
    s.file("/hongze/files/P020240126.pdf", (corpus / "pdf/huaian-hongze-2023.pdf").read_bytes(), PDF)
    noise = [
        (f"./202502/t202502{d:02d}_{900 + d}.html", t, f"2025-02-{d:02d}")
        for d, t in (
            (20, "洪泽区2025年政务公开工作要点"),
            (18, "关于报送2024年度政府信息公开工作年度报告的通知"),
            (14, "洪泽区2024年度政府信息公开工作年度报告解读"),
            (11, "洪泽区政府信息公开指南"),
            (9, "洪泽区2025年重点民生实事项目"),
        )
    ]
    s.page("/hongze/zfxxgknb/index.html", list_page(hz, "政府信息公开年报", noise, trs_pager(2, 0)))
    s.page(
        "/hongze/zfxxgknb/index_1.html",
        list_page(
            hz,
            "政府信息公开年报",
            [
                (
                    "./202501/t20250120_1001.html",
                    "洪泽区人民政府2024年政府信息公开工作年度报告",
                    "2025-01-20",
                ),
                ("./202401/t20240126_801.html", "洪泽区人民政府2023年政府信息公开工作年度报告", "2024-01-26"),
            ],
            trs_pager(2, 1),
        ),
    )
    s.page(
        "/hongze/zfxxgknb/202501/t20250120_1001.html",
        detail_page(
            hz,
            "洪泽区人民政府2024年政府信息公开工作年度报告",
            "2025-01-20 10:12",
            attachments=[
                ("/hongze/files/P020250120.pdf", "洪泽区人民政府2024年政府信息公开工作年度报告.pdf")
            ],
        ),
    )
    s.page(
        "/hongze/zfxxgknb/202401/t20240126_801.html",
        detail_page(
            hz,
            "洪泽区人民政府2023年政府信息公开工作年度报告",
            "2024-01-26 09:30",
            attachments=[
                ("/hongze/files/P020240126.pdf", "洪泽区人民政府2023年政府信息公开工作年度报告.pdf")
            ],
        ),
    )
    exp.append(
        Expected(hz, "洪泽区", "/hongze/zfxxgknb/index.html", "on_time", None, "2025-01-20", stored=True)
    )

    # 淮安市人民政府: PubDate meta only, two attachments (the report and an application form); late
    city = "淮安市人民政府"
    s.file("/huaian/xxgk/P020250407.pdf", (corpus / "pdf/huaian-city-2024.pdf").read_bytes(), PDF)
    s.file(
        "/huaian/xxgk/sqb.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "application/vnd.ms-excel"
    )
    s.page(
        "/huaian/xxgk/nb/index.shtml",
        list_page(
            city,
            "年度报告",
            [
                (
                    "/huaian/xxgk/nb/202504/t20250407_77.shtml",
                    "淮安市人民政府2024年政府信息公开工作年度报告",
                    "2025-04-07",
                ),
                (
                    "/huaian/xxgk/nb/202403/t20240329_51.shtml",
                    "淮安市人民政府2023年政府信息公开工作年度报告",
                    "2024-03-29",
                ),
            ],
        ),
    )
    s.page(
        "/huaian/xxgk/nb/202504/t20250407_77.shtml",
        detail_page(
            city,
            "淮安市人民政府2024年政府信息公开工作年度报告",
            meta_pubdate="2025-04-07 16:05",
            attachments=[
                ("/huaian/xxgk/sqb.xls", "淮安市政府信息公开申请表.xls"),
                ("/huaian/xxgk/P020250407.pdf", "淮安市人民政府2024年政府信息公开工作年度报告.pdf"),
            ],
        ),
    )
    exp.append(Expected(city, "淮安市", "/huaian/xxgk/nb/index.shtml", "late", 7, "2025-04-07", stored=True))

    # 樟树市阁山镇: a town site, table list with 下一页, the report as DOCX (a corpus seed, dated +3 years)
    gs = "樟树市阁山镇人民政府"
    seed = (corpus / "seeds/004_e35715c91d6cc432.txt").read_text(encoding="utf-8")
    s.file("/gsz/uploadfiles/202501/gsz2024nb.docx", text_as_docx(shift_years(seed, 3)), DOCX)
    rows = [
        ("/gsz/xxgk/nb/20250124.html", "阁山镇2024年政府信息公开工作年度报告", "2025-01-24"),
        ("/gsz/xxgk/nb/20240125.html", "阁山镇2023年政府信息公开工作年度报告", "2024-01-25"),
    ]
    table = "".join(f'<tr><td><a href="{h}">{t}</a></td><td>{d}</td></tr>' for h, t, d in rows)
    s.page(
        "/gsz/xxgk/nb/",
        f'<html><head><meta charset="utf-8"><title>年报_阁山镇</title></head><body><table>{table}</table>'
        '<a href="/gsz/xxgk/nb/list2.html">下一页</a></body></html>',
    )
    s.page(
        "/gsz/xxgk/nb/20250124.html",
        detail_page(
            "樟树市阁山镇人民政府",
            "阁山镇2024年政府信息公开工作年度报告",
            "2025年01月24日",
            attachments=[
                ("/gsz/uploadfiles/202501/gsz2024nb.docx", "阁山镇2024年政府信息公开工作年度报告.docx")
            ],
            info_label="发布日期",
        ),
    )
    exp.append(Expected(gs, "樟树市", "/gsz/xxgk/nb/", "on_time", None, "2025-01-24", stored=True))

    # 宝清县小城子镇: the report printed on the page (a corpus seed, +3 years); late
    xc = "宝清县小城子镇人民政府"
    seed3 = shift_years((corpus / "seeds/003_9062bfdbeadefa61.txt").read_text(encoding="utf-8"), 3)
    s.page(
        "/xcz/zwgk/nb/index.html",
        list_page(
            xc,
            "政府信息公开年报",
            [("/xcz/zwgk/nb/c_2025_88.html", "2024年度政府信息公开工作年度报告", "2025-02-05")],
        ),
    )
    s.page(
        "/xcz/zwgk/nb/c_2025_88.html",
        detail_page(
            xc,
            "小城子镇2024年度政府信息公开工作年度报告",
            "2025年02月05日",
            body_html=text_as_html(seed3),
            info_label="发布日期",
        ),
    )
    exp.append(Expected(xc, "宝清县", "/xcz/zwgk/nb/index.html", "late", 5, "2025-02-05", stored=True))

    # 平潭: reports printed on the page (the corpus pages themselves), 2023 and 2025 but no 2024
    pt = "平潭综合实验区管理委员会"
    s.file("/pingtan/zwgk/nb/t20240308.html", (corpus / "html/pingtan-2023.html").read_bytes(), "text/html")
    s.file("/pingtan/zwgk/nb/t20260310.html", (corpus / "html/pingtan-2025.html").read_bytes(), "text/html")
    s.page(
        "/pingtan/zwgk/nb/",
        list_page(
            pt,
            "政府信息公开年报",
            [
                ("t20260310.html", "平潭综合实验区2025年政府信息公开工作年度报告", "2026-03-10"),
                ("t20240308.html", "平潭综合实验区2023年政府信息公开工作年度报告", "2024-03-08"),
            ],
        ),
    )
    exp.append(Expected(pt, "平潭综合实验区", "/pingtan/zwgk/nb/", "missing", reason="没有"))

    # 洪泽区自然资源局: late, and its attachment is over the cap, streamed without a length
    zr = "淮安市洪泽区自然资源局"
    s.add("/hzzrzy/files/nb2024.pdf", Resource(content_type=PDF, stream_size=cap + 512 * 1024))
    s.page(
        "/hzzrzy/nb/index.html",
        list_page(
            zr,
            "年报",
            [("/hzzrzy/nb/t20250210.html", "洪泽区自然资源局2024年政府信息公开工作年度报告", "2025-02-10")],
        ),
    )
    s.page(
        "/hzzrzy/nb/t20250210.html",
        detail_page(
            zr,
            "洪泽区自然资源局2024年政府信息公开工作年度报告",
            "2025-02-10 08:00",
            attachments=[("/hzzrzy/files/nb2024.pdf", "洪泽区自然资源局2024年政府信息公开工作年度报告.pdf")],
        ),
    )
    exp.append(Expected(zr, "洪泽区", "/hzzrzy/nb/index.html", "late", 10, "2025-02-10", reason="大小上限"))

    # failures
    exp.append(Expected("淮安市洪泽区教育局", "洪泽区", "/hzjy/nb/index.html", "unreachable", reason="404"))
    s.add("/hzjt/nb/index.html", Resource(b"<html><body>slow</body></html>", delay=3.0))
    exp.append(
        Expected("淮安市洪泽区交通运输局", "洪泽区", "/hzjt/nb/index.html", "unreachable", reason="超时")
    )
    s.add("/loop/a.html", Resource(status=302, location="/loop/b.html"))
    s.add("/loop/b.html", Resource(status=302, location="/loop/a.html"))
    exp.append(
        Expected("淮安市洪泽区卫生健康委员会", "洪泽区", "/loop/a.html", "unreachable", reason="重定向循环")
    )
    s.page("/private/hzmz/nb/index.html", list_page("洪泽区民政局", "年报", []))
    exp.append(
        Expected(
            "淮安市洪泽区民政局", "洪泽区", "/private/hzmz/nb/index.html", "unreachable", reason="robots"
        )
    )

    # for `nianbao fetch`: a file over the cap with an honest Content-Length
    s.file("/big/report.pdf", b"%PDF-1.4\n" + b"0" * (cap + 1024), PDF)
    return s, exp


def sites_csv(base: str, expected: list[Expected]) -> str:
    lines = ["机关,地区,年报栏目"]
    lines += [f"{e.organ},{e.region},{base}{e.path}" for e in expected]
    return "\n".join(lines) + "\n"


def bench_site(corpus: Path, units: int, hosts: int, latency: float) -> tuple[list[FixtureSite], list[str]]:
    """`units` units spread over `hosts` sites (ports), each column a list page, a detail page and a
    PDF (a corpus report); returns the started sites and SITES.csv lines (without the header)."""
    pdf = (corpus / "pdf/huaian-hongze-2024.pdf").read_bytes()
    sites = [FixtureSite(latency=latency) for _ in range(hosts)]
    rows: list[str] = []
    for s in sites:
        s.page("/robots.txt", "User-agent: *\nDisallow: /private/\n")
        s.resources["/robots.txt"].content_type = "text/plain"
        s.start()
    for i in range(units):
        s = sites[i % hosts]
        organ = f"测试市第{i + 1}区人民政府"
        col = f"/u{i}/nb/index.html"
        title = f"{organ}2024年政府信息公开工作年度报告"
        s.page(col, list_page(organ, "政府信息公开年报", [(f"/u{i}/nb/t{i}.html", title, "2025-01-20")]))
        s.page(
            f"/u{i}/nb/t{i}.html",
            detail_page(organ, title, "2025-01-20 10:00", attachments=[(f"/u{i}/f/nb.pdf", title + ".pdf")]),
        )
        s.file(f"/u{i}/f/nb.pdf", pdf, PDF)
        rows.append(f"{organ},测试市,{s.url(col)}")
    return sites, rows
