"""A report page whose statistical tables are pictures, as sites publish them: the writer's HTML
report with each table replaced by a screenshot of it (Chromium, as a site's editor takes one),
embedded the four ways pages reach nianbao — a data: URI, a browser's saved page folder, an MHTML
archive, a page served by a site and fetched. Every cell comes back right or flagged, none silent."""

from __future__ import annotations

import base64
import re

import formats_fixtures as fx
import pytest

import nianbao

pytest.importorskip("rapidocr")
pytestmark = pytest.mark.slow

_TABLE = re.compile(r"<table\b.*?</table>", re.S)


@pytest.fixture(scope="module")
def pictured():
    """(the report's cells, its HTML page, a PNG screenshot of each of its tables at 1×)."""
    from nianbao.writer.compose import compose
    from nianbao.writer.render.html import render_html

    data = fx.report_data(2023, seed=11)
    page = render_html(compose(data))
    with fx.chromium_tab() as tab:
        shots = fx.table_screenshots(tab, page)
    assert len(shots) == 3
    return data.cells, page, shots


def _with_pictures(page: str, srcs: list[str]) -> str:
    it = iter(srcs)
    return _TABLE.sub(lambda _m: f'<p style="text-align:center"><img src="{next(it)}" alt="表"></p>', page)


def _right_or_flagged(report, cells: dict) -> None:
    assert report.tables_present == {"t2", "t3", "t4"}, report.document.warnings if report.document else None
    flagged = {k for f in report.findings for k in f.cells}
    wrong = {k: (v, report.value(k)) for k, v in cells.items() if report.value(k) != v}
    assert not {k: w for k, w in wrong.items() if k not in flagged}, "silent"
    assert len(wrong) <= len(cells) // 50, wrong  # OCR of a clean screenshot: at most 2 % flagged


def test_tables_as_data_uri_pictures(pictured):
    cells, page, shots = pictured
    html = _with_pictures(page, [f"data:image/png;base64,{base64.b64encode(s).decode()}" for s in shots])
    r = nianbao.parse(html.encode("utf-8"), "report.html")
    _right_or_flagged(r, cells)
    assert r.document.metadata["ocr_pictures"] == "3"


def test_tables_in_a_saved_page_folder(pictured, tmp_path):
    cells, page, shots = pictured
    folder = tmp_path / "年报_files"
    folder.mkdir()
    for i, shot in enumerate(shots):
        (folder / f"table{i}.png").write_bytes(shot)
    html = _with_pictures(page, [f"./%E5%B9%B4%E6%8A%A5_files/table{i}.png" for i in range(3)])
    (tmp_path / "年报.html").write_text(html, encoding="utf-8")
    _right_or_flagged(nianbao.parse(tmp_path / "年报.html"), cells)
    # the same page handed over as bytes reads no file: its tables are missing, and say so
    r = nianbao.parse((tmp_path / "年报.html").read_bytes(), "年报.html")
    assert not r.tables_present and {f.code for f in r.findings} >= {"TABLE_MISSING"}


def test_tables_in_an_mhtml_archive(pictured):
    from nianbao.acquire.pictures import bundle_mhtml

    cells, page, shots = pictured
    url = "http://www.example.gov.cn/art/2024/1/20/art_1.html"
    html = _with_pictures(page, [f"/picture/{i}.png" for i in range(3)])
    parts = [
        (f"http://www.example.gov.cn/picture/{i}.png", s, "image/png", None) for i, s in enumerate(shots)
    ]
    r = nianbao.parse(bundle_mhtml(url, html.encode("utf-8"), parts), "report.mhtml")
    assert r.format == "mhtml"
    _right_or_flagged(r, cells)


def test_a_served_report_page_is_fetched_with_its_pictures(pictured, tmp_path):
    from nianbao.acquire.fetch import fetch_urls
    from nianbao.acquire.fixture_site import FixtureSite
    from nianbao.acquire.policy import FetchPolicy

    cells, page, shots = pictured
    site = FixtureSite()
    site.page(
        "/art/2024/1/20/art_1.html", _with_pictures(page, [f"../../../../picture/{i}.png" for i in range(3)])
    )
    for i, shot in enumerate(shots):
        site.file(f"/picture/{i}.png", shot, "image/png")
    base = site.start()
    try:
        url = f"{base}/art/2024/1/20/art_1.html"
        (o,) = fetch_urls(
            [url], tmp_path, FetchPolicy(allow_private=True, respect_robots=False, min_interval=0)
        )
    finally:
        site.stop()
    assert o.ok and o.kind == "mhtml" and o.parse_error is None, (o.error, o.parse_error)
    assert all(site.bodies[f"/picture/{i}.png"] == 1 for i in range(3))
    _right_or_flagged(o.report, cells)
