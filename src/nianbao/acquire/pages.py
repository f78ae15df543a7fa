"""A fetched HTML page, seen as a crawler needs it: links (with the date printed beside each in a
list), attachments, the pages of a paginated list, the publication date, and whether the page
itself carries a report's text."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

from ..readers.html import decode_html
from .dates import PublishedDate, from_meta, from_text, parse_date
from .matching import is_annual_report_title
from .sniff import ATTACHMENT_EXTENSIONS, extension_of


@dataclass
class Link:
    url: str
    text: str
    date: str | None = None  # a date printed beside the link (list pages)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Page:
    url: str
    title: str | None = None
    links: list[Link] = field(default_factory=list)
    attachments: list[Link] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)  # the following list pages, in order
    published: PublishedDate | None = None
    report_like: bool = False  # the page's own text is an annual report
    pictures: list[str] = field(default_factory=list)  # same-site <img> addresses, in page order

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = asdict(self.published) if self.published else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Page:
        return cls(
            url=d["url"],
            title=d.get("title"),
            links=[Link(**x) for x in d.get("links", [])],
            attachments=[Link(**x) for x in d.get("attachments", [])],
            next_pages=list(d.get("next_pages", [])),
            published=PublishedDate(**d["published"]) if d.get("published") else None,
            report_like=bool(d.get("report_like")),
            pictures=list(d.get("pictures", [])),
        )


_NEXT = re.compile(r"^(?:下一?页|下页|后页|next|›|»|>|>>)$", re.I)
_ATTACH_TEXT = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")\s*$", re.I)
_DOWNLOAD_HINT = re.compile(r"(?:附件|下载|download|attach|getfile|fileid)", re.I)
# TRS WCM and its copies: createPageHTML(count, current, "index", "shtml") or with a target id first
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?:['\"][\w-]+['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_REPORT_MARKS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
_IMG_SOURCES = ("src", "data-src", "data-original")
_SECOND_LEVEL = frozenset({"gov", "com", "net", "org", "edu", "ac"})
MAX_PAGE_PICTURES = 30  # pictures fetched with one report page (a report's tables, some logos)


def parse_page(data: bytes, url: str) -> Page:
    text, _ = decode_html(data)
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (lxml.etree.ParserError, ValueError):
        return Page(url)
    base = url
    base_el = root.find(".//base")
    if base_el is not None and base_el.get("href"):
        base = urljoin(url, base_el.get("href").strip())
    page = Page(url)
    title = root.find(".//title")
    if title is not None:
        page.title = _squash(title.text_content()) or None
    meta: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if key and m.get("content") and key not in meta:
            meta[key] = m.get("content")
    for script in root.iter("script"):  # kept out of the text; pagination is read from it below
        _pagination_script(script.text or "", url, page)
        script.text = ""
    for style in root.iter("style"):
        style.text = ""
    page.published = from_meta(meta)
    body = root.find("body")
    lines = [x for x in (_squash(t) for t in (body if body is not None else root).itertext()) if x]
    if page.published is None:
        page.published = from_text(lines[:400])
    joined = "".join(lines)
    page.pictures = _pictures(root, base, url)
    # a report whose text is all pictures still has its title
    page.report_like = sum(mark in joined for mark in _REPORT_MARKS) >= 3 or bool(
        page.pictures and page.title and is_annual_report_title(page.title)
    )
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        target = urldefrag(urljoin(base, href))[0]
        label = _squash(a.get("title") or "") or _squash(a.text_content())
        shown = _squash(a.text_content())
        if _NEXT.match(shown) or shown in ("下一页", "下页"):
            if target != url and target not in page.next_pages:
                page.next_pages.insert(0, target)
            continue
        if target in seen:
            continue
        seen.add(target)
        link = Link(target, label, _date_beside(a))
        page.links.append(link)
        ext = extension_of(target)
        if (
            ext in ATTACHMENT_EXTENSIONS
            or _ATTACH_TEXT.search(label)
            or (_DOWNLOAD_HINT.search(href) and _ATTACH_TEXT.search(shown))
        ):
            page.attachments.append(link)
    return page


def _pictures(root: lxml.html.HtmlElement, base: str, url: str) -> list[str]:
    """The page's pictures worth fetching with it: on the page's own site (a picture elsewhere
    is someone else's), not a data: URI (already in the page), not an icon by its declared size."""
    found: list[str] = []
    for img in root.iter("img"):
        if any(a.tag in ("noscript", "script", "template") for a in img.iterancestors()):
            continue
        src = next(
            (v for a in _IMG_SOURCES if (v := (img.get(a) or "").strip()) and v[:5].lower() != "data:"), ""
        )
        if not src or _declared_small(img):
            continue
        target = urldefrag(urljoin(base, src))[0]
        if same_site(target, url) and target not in found:
            found.append(target)
        if len(found) >= MAX_PAGE_PICTURES:
            break
    return found


def same_site(a: str, b: str) -> bool:
    """Same registrable domain (www.x.gov.cn and img.x.gov.cn), over http(s)."""
    pa, pb = urlsplit(a), urlsplit(b)
    if pa.scheme not in ("http", "https") or not pa.hostname or not pb.hostname:
        return False
    return _site(pa.hostname) == _site(pb.hostname)


def _site(host: str) -> str:
    labels = host.lower().rstrip(".").split(".")
    # x.gov.cn, x.com.cn …: the public suffix has two labels
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _declared_small(img: lxml.html.HtmlElement) -> bool:
    try:
        return int(img.get("width", "").strip()) * int(img.get("height", "").strip()) < 2000
    except ValueError:
        return False


def _pagination_script(js: str, url: str, page: Page) -> None:
    m = _CREATE_PAGE.search(js)
    if not m:
        return
    count, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    # page 0 is stem.ext, page n is stem_n.ext, all in the list's folder
    for n in range(current + 1, min(count, current + 50)):
        target = urljoin(url, f"{stem}_{n}.{ext}")
        if target not in page.next_pages:
            page.next_pages.append(target)


def _date_beside(a: lxml.html.HtmlElement) -> str | None:
    """The date a list prints next to a link: in the link's list item or table row, not in it."""
    parent = a.getparent()
    for _ in range(3):
        if parent is None:
            return None
        if parent.tag in ("li", "tr", "dd", "dl", "p") or len(parent.findall(".//a")) == 1:
            own = _squash(a.text_content())
            rest = _squash(parent.text_content()).replace(own, "", 1)
            d = parse_date(rest)
            if d:
                return d
            if parent.tag in ("li", "tr"):
                return None
        parent = parent.getparent()
    return None


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()
