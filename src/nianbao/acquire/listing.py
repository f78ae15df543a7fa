"""Walking a unit's column: list pages (with their pagination) to the link of year Y's report,
and the detail page to the report itself (an attachment, or the page's own text).

`Crawler.fetch` is the one way pages are read here: conditional when the URL was seen before
(a 304 gives back the page as parsed last time, from the watch state), the page parsed once,
the saved copy of a file found again by its hash.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .client import Fetcher, FetchResult, Validators
from .dates import PublishedDate
from .errors import FetchError
from .matching import Match, best, is_annual_report_title
from .pages import Link, Page, parse_page
from .sniff import extension_of
from .state import WatchState

# pages are parsed in this process (not in the isolated workers): no page a CMS serves is this big
MAX_PAGE_BYTES = 10 * 1024 * 1024

# which attachment to take when a page offers several formats of the report
FORMAT_PREFERENCE = ("docx", "pdf", "xlsx", "xls", "doc", "wps", "et", "ofd")


@dataclass
class Fetched:
    url: str
    final_url: str
    kind: str
    sha256: str | None
    content: bytes | None  # None when unchanged and no saved copy was found
    page: Page | None  # HTML pages, parsed
    changed: bool  # False: the server said 304 (nothing new)
    evidence: tuple[str, int] | None
    local_file: str | None = None


class Crawler:
    def __init__(
        self, fetcher: Fetcher, state: WatchState | None = None, files: str | os.PathLike[str] | None = None
    ):
        self.fetcher, self.state = fetcher, state
        self.files = Path(files) if files is not None else None
        self.new = 0  # responses with new content
        self.unchanged = 0  # 304s

    async def fetch(self, url: str) -> Fetched:
        known = self.state.remembered(url) if self.state else None
        validators = self.state.validators(url) if self.state and known else Validators()
        result: FetchResult = await self.fetcher.get(url, validators or None)
        if result.not_modified and known:
            self.unchanged += 1
            page = Page.from_dict(known["page"]) if known.get("page") else None
            local = self._saved(known["sha256"], known["kind"])
            content = Path(local).read_bytes() if local else None
            ev = tuple(known["evidence"]) if known.get("evidence") else None
            return Fetched(
                url,
                known.get("final_url") or url,
                known["kind"],
                known["sha256"],
                content,
                page,
                False,
                ev,
                local,
            )
        if result.content is None:  # 304 to a request we did not make conditional: the server is confused
            raise FetchError("http", f"服务器返回 304 但此前没有记录：{url}", url)
        self.new += 1
        if result.kind == "html" and len(result.content) > MAX_PAGE_BYTES:
            raise FetchError(
                "too_large",
                f"网页过大（{len(result.content) // 1048576} MB），不作为栏目或报告页面读取：{url}",
                url,
            )
        page = parse_page(result.content, result.final_url) if result.kind == "html" else None
        ev = (result.evidence.path, result.evidence.offset) if result.evidence else None
        local = self.save(result.sha256 or "", result.kind, result.content)
        if self.state is not None:
            self.state.remember(
                url,
                result.validators,
                result.sha256,
                result.kind,
                result.final_url,
                page.to_dict() if page else None,
                ev,
            )
        return Fetched(
            url, result.final_url, result.kind, result.sha256, result.content, page, True, ev, local
        )

    def _path(self, sha: str, kind: str) -> Path | None:
        if self.files is None or not sha:
            return None
        return self.files / sha[:2] / f"{sha}.{'txt' if kind == 'text' else kind}"

    def save(self, sha: str, kind: str, data: bytes) -> str | None:
        """Keep a copy of `data` under its hash (when the crawler keeps files); its path."""
        path = self._path(sha, kind)
        if path is None:
            return None
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        return str(path)

    def _saved(self, sha: str | None, kind: str) -> str | None:
        path = self._path(sha or "", kind)
        return str(path) if path is not None and path.exists() else None


@dataclass
class Walk:
    link: Link | None  # the report's link on a list page
    match: Match | None
    pages: int  # list pages read
    evidence: tuple[str, int] | None  # the list page the link was on (or the first one)
    list_url: str | None = None
    note: str | None = None  # a later list page that could not be read


async def walk_column(crawler: Crawler, url: str, organ: str, year: int, max_pages: int = 10) -> Walk:
    """Read the column's list pages in order until year Y's report is listed, the list has gone
    back past year Y, or there are no more pages. The first page failing raises FetchError."""
    queue, seen = [url], {url}
    pages, first_evidence, note = 0, None, None
    while queue and pages < max_pages:
        current = queue.pop(0)
        try:
            got = await crawler.fetch(current)
        except FetchError as exc:
            if pages == 0:
                raise
            note = f"第 {pages + 1} 个列表页无法读取：{exc}"
            break
        pages += 1
        if got.page is None:
            if pages == 1:
                raise FetchError("not_html", f"栏目地址不是网页（{got.kind}）：{current}", current)
            continue
        first_evidence = first_evidence or got.evidence
        found = best([(lk.text, lk) for lk in got.page.links], organ, year)
        if found is not None:
            m, lk = found
            return Walk(lk, m, pages, got.evidence, current)  # type: ignore[arg-type]
        if _past_year(got.page, year):
            break
        for nxt in got.page.next_pages:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return Walk(None, None, pages, first_evidence, note=note)


def _past_year(page: Page, year: int) -> bool:
    """Every dated item on this list page is older than year Y itself: a report on Y, published
    in Y+1, cannot be further down a newest-first list."""
    dates = [lk.date for lk in page.links if lk.date]
    return len(dates) >= 3 and max(dates) < f"{year}-01-01"


def choose_attachment(page: Page, organ: str | None = None, year: int | None = None) -> Link | None:
    """The attachment that is the report: one titled like it (for this organ and year when known),
    else the only one, in the preferred format when the report is offered in several."""
    atts = page.attachments
    if not atts:
        return None

    def fmt_rank(lk: Link) -> int:
        ext = extension_of(lk.url) or extension_of(lk.text.strip())
        return FORMAT_PREFERENCE.index(ext) if ext in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)

    titled = [a for a in atts if is_annual_report_title(a.text)]
    if titled and organ and year:
        ours = [a for a in titled if best([(a.text, a)], organ, year)]
        titled = ours or titled
    pool = titled or (atts if len(atts) == 1 else [a for a in atts if fmt_rank(a) < 2] or atts)
    return sorted(pool, key=fmt_rank)[0]


def page_date(page: Page | None, link: Link | None) -> PublishedDate | None:
    """The detail page's date, else the date printed beside the link in the list."""
    if page is not None and page.published is not None:
        return page.published
    if link is not None and link.date:
        return PublishedDate(link.date, "列表日期")
    return None
