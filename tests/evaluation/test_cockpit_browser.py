"""The 评估驾驶舱 in Debian's Chromium (Playwright's Python package, no browser download).

A uvicorn server on a free localhost port over the synthetic county; screenshots in
test-artifacts/web/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.store import Store
from nianbao.web import create_app
from nianbao.web.auth import create_user

from .synthetic_region import seed

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
PASSWORD = "correct-horse-42"
YEAR = 2024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int], int]]:
    import uvicorn
    from argon2 import PasswordHasher, profiles

    from nianbao.web.auth import set_password_hasher

    set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('cockpit') / 'nianbao.db'}")
    ids = seed(store, YEAR)
    region = next(r.id for r in store.regions() if r.name == "测试县")
    create_user(store, "admin", PASSWORD, "admin")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    # "localhost": a secure context for Chromium, so the Secure session cookie works over http
    yield f"http://localhost:{port}", ids, region
    srv.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(base_url=server[0], viewport={"width": 1500, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # what the page asks for and does not get (a missing script, style or chart library)
    pg.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("favicon.ico")
            else None
        ),
    )
    pg.errors = errors
    pg.goto("/login")
    pg.fill("input[name=username]", "admin")
    pg.fill("input[name=password]", PASSWORD)
    pg.click("main button[type=submit]")
    pg.wait_for_url(lambda url: "/login" not in url)
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_heatmap_cards_and_a_reason_that_opens_its_cell(page, server) -> None:
    _, ids, region = server
    page.goto("/evaluation")
    page.click("nav >> text=评估排名")
    page.select_option("select[name=region]", str(region))
    page.select_option("select[name=year]", str(YEAR))
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/evaluation/{region}/{YEAR}")
    page.locator("#eval-heatmap canvas").wait_for()  # ECharts drew the heatmap
    assert page.locator("#eval-heatmap").get_attribute("data-cells") == str(3 * 14)
    page.locator("#eval-trend canvas").wait_for()
    assert page.locator(".risk-card").count() == 4
    shot(page, "eval-01-cockpit")
    card = page.locator(".risk-card", has=page.locator("h3", has_text="测试县财政局"))
    reason = card.locator("a.reason", has_text="复议纠错率")
    assert reason.get_attribute("href") == f"/reports/{ids['A']}#cell-t4.review.corrected"
    reason.click()
    page.wait_for_url(f"**/reports/{ids['A']}#cell-t4.review.corrected")
    target = page.locator('[id="cell-t4.review.corrected"]')
    target.wait_for()
    assert target.inner_text().strip() == "10"  # the corrected reviews the rate was computed from
    shot(page, "eval-02-evidence-cell")
    assert page.errors == []


def test_heatmap_click_and_the_printable_sheet(page, server) -> None:
    _, ids, region = server
    page.goto(f"/evaluation/{region}/{YEAR}")
    chart = page.locator("#eval-heatmap canvas")
    chart.wait_for()
    # the 城关镇 row (second) of the heatmap: click it and land on that sub-region's ranking
    box = page.locator("#eval-heatmap").bounding_box()
    grid = page.evaluate(
        "() => { const c = echarts.getInstanceByDom(document.getElementById('eval-heatmap'));"
        " return c.convertToPixel({seriesIndex: 0}, [0, 1]); }"
    )
    page.mouse.click(box["x"] + grid[0], box["y"] + grid[1])
    page.wait_for_url("**group=*")
    assert "（城关镇）" in page.inner_text("#ranking h2")
    page.goto(f"/evaluation/{region}/{YEAR}/units/o3")
    assert "城关镇人民政府2024年政府信息公开工作年度报告评估表" in page.inner_text("h1")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()  # printable: no navigation on paper
    shot(page, "eval-03-sheet-print")
    assert page.errors == []
