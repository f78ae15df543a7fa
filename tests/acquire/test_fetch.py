"""`nianbao fetch`: refusals in Chinese, nothing else in the batch lost; the fetcher's HTTP rules."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from nianbao.acquire.client import Fetcher
from nianbao.acquire.errors import FetchError
from nianbao.acquire.fixture_site import FixtureSite, Resource
from nianbao.store import Store
from nianbao.store import acquire as acquire_db

from .conftest import CAP_MB, fast_policy, run


def test_private_address_refused_without_allow_private(cms, tmp_path: Path) -> None:
    site, _ = cms
    path = "/hongze/zfxxgknb/202501/t20250120_1001.html"
    before = site.hits[path]
    proc = run("fetch", site.url(path), "--out", tmp_path)
    assert proc.returncode == 1
    assert "拒绝访问内网或本机地址" in proc.stderr and "--allow-private" in proc.stderr
    assert site.hits[path] == before  # not even asked


def test_batch_keeps_going_past_refusals(cms, tmp_path: Path) -> None:
    site, _ = cms
    db = f"sqlite:///{tmp_path / 'f.db'}"
    urls = [
        site.url("/big/report.pdf"),  # over the cap, declared
        site.url("/hongze/zfxxgknb/202501/t20250120_1001.html"),  # page → PDF attachment
        site.url("/nowhere.html"),  # 404
        site.url("/gsz/xxgk/nb/20250124.html"),  # page → DOCX attachment
        site.url("/hzzrzy/files/nb2024.pdf"),  # over the cap, streamed without a length
    ]
    proc = run("fetch", *urls, "--allow-private", "--max-size", CAP_MB, "--db", db, "--out", tmp_path / "o")
    assert proc.returncode == 1
    assert proc.stderr.count("超过大小上限 2 MB") == 2
    assert "HTTP 404（页面不存在）" in proc.stderr
    assert "成功 2 个，失败 3 个" in proc.stdout
    assert "网站发布日期 2025-01-20（发布时间）" in proc.stdout
    with Store(db) as store:
        sources = sorted(sr.report.source for sr in store.reports())
        assert sources == [
            site.url("/gsz/uploadfiles/202501/gsz2024nb.docx"),
            site.url("/hongze/files/P020250120.pdf"),
        ]
        dates = acquire_db.published_dates(store, store.report_ids())
        assert sorted(dates.values()) == ["2025-01-20", "2025-01-24"]
    kept = sorted(p.suffix for p in (tmp_path / "o" / "files").rglob("*.*"))
    assert kept == [".docx", ".html", ".html", ".pdf"]  # the reports and the pages they came from
    assert list((tmp_path / "o").glob("fetch-*.warc.gz"))


@pytest.fixture()
def tiny_site():
    s = FixtureSite()
    s.page("/robots.txt", "User-agent: *\nDisallow:\n")
    s.page("/a.html", "<html><body>甲</body></html>")
    s.add("/r1", Resource(status=301, location="/r2"))
    for i in range(2, 9):
        s.add(f"/r{i}", Resource(status=302, location=f"/r{i + 1}"))
    s.page("/r9", "<html>end</html>")
    flaky = {"n": 0}
    s.add("/flaky", Resource(b"<html>ok</html>"))
    original = s._serve

    def serve(h):
        if h.path == "/flaky" and flaky["n"] < 2:
            flaky["n"] += 1
            h.send_response(503)
            h.send_header("Retry-After", "0")
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        return original(h)

    s._serve = serve  # type: ignore[method-assign]
    s.start()
    yield s
    s.stop()


def test_conditional_refetch_redirect_limit_and_retries(tiny_site: FixtureSite) -> None:
    async def go() -> None:
        async with Fetcher(fast_policy(max_redirects=5, retries=2)) as f:
            first = await f.get(tiny_site.url("/a.html"))
            assert first.kind == "html" and first.validators
            again = await f.get(tiny_site.url("/a.html"), first.validators)
            assert again.not_modified and again.content is None
            with pytest.raises(FetchError, match="重定向次数过多"):
                await f.get(tiny_site.url("/r1"))
            ok = await f.get(tiny_site.url("/flaky"))
            assert ok.status == 200 and f.stats.retries >= 2

    asyncio.run(go())
