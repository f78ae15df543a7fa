"""The reviewer's desk in Debian's Chromium: queue, batch accept, findings page, keyboard-only
correction, the cell panel inside the viewport, 390 px, no internal code on any page, axe-core.

One server and one browser for the module; each test opens its own context.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.findings import CATALOGUE
from nianbao.store import Store
from nianbao.web import create_app
from nianbao.web.auth import create_user

from .conftest import PASSWORD, _report
from .test_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
INTERNAL = re.compile(r"t[234]\.[a-z_]+|\b(?:" + "|".join(sorted(CATALOGUE, key=len, reverse=True)) + r")\b")
CODE_LIKE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b")

HZ = ["财政局", "教育局", "民政局", "卫生健康委员会", "交通运输局", "自然资源局", "水利局", "商务局", "司法局",
      "审计局", "统计局", "应急管理局", "城市管理局"]  # fmt: skip
PT = ["交通运输局", "财政局", "教育局", "市场监督管理局", "文化和旅游局", "生态环境局"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    import uvicorn
    from argon2 import PasswordHasher, profiles

    from nianbao.web.auth import set_password_hasher

    set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('desk') / 'desk.db'}")
    seed = 10
    for i, name in enumerate(HZ):
        for year in (2023, 2024):
            seed += 1
            store.add_report(_report(f"淮安市洪泽区{name}", year, seed, broken=(i % 3 == 0 and year == 2024)))
    for i, name in enumerate(PT):
        seed += 1
        store.add_report(_report(f"平潭县{name}", 2024, seed, broken=i % 2 == 0))
    create_user(store, "admin", PASSWORD, "admin")
    regions = {r.name: r.id for r in store.regions()}
    create_user(store, "rev_ha", PASSWORD, "reviewer", region_id=regions["淮安市"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield {"url": f"http://localhost:{port}", "store": store, "regions": regions, "n": len(HZ) * 2 + len(PT)}
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


def _page(browser, desk, width: int = 1400, height: int = 900, user: str = "admin"):
    ctx = browser.new_context(base_url=desk["url"], viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return ctx, page


def shot(page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def _count(page) -> int:
    return int(re.search(r"共 (\d+) 份", page.inner_text("#queue-count")).group(1))


def _organs(page) -> list[str]:
    return page.locator("#queue tbody td.col-organ a").all_inner_texts()


def test_queue_sorts_pages_searches_and_filters_by_region_tree(browser, desk) -> None:
    ctx, page = _page(browser, desk)
    page.goto("/reports?per=20")
    assert _count(page) == desk["n"]
    assert page.locator("#queue tbody tr").count() == 20
    shot(page, "desk-01-queue")
    page.click("nav.pager a[rel=next]")
    page.wait_for_url("**page=2**")
    assert page.locator("#queue tbody tr").count() == desk["n"] - 20
    # sort by errors, most first: the first rows are the broken reports
    page.goto("/reports?per=20")
    page.click("th.col-errors a")  # counts sort most first
    page.wait_for_url("**desc=1**")
    first = page.locator("#queue tbody tr").first
    assert int(first.locator("td.col-errors").inner_text()) > 0
    assert page.locator("th.col-errors").get_attribute("aria-sort") == "descending"
    page.click("th.col-errors a")  # a second click turns the order round
    page.wait_for_url(lambda url: "sort=errors" in url and "desc=1" not in url)
    assert page.locator("th.col-errors").get_attribute("aria-sort") == "ascending"
    # sort by organ: alphabetical
    page.click("th.col-organ a")
    page.wait_for_url("**sort=organ**")
    names = _organs(page)
    assert names == sorted(names)
    # search by part of the organ's name
    page.goto("/reports")
    page.fill("input[name=q]", "教育")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=**")
    assert _count(page) == 3 and all("教育" in n for n in _organs(page))
    # the region tree: 淮安市 › 洪泽区
    page.goto("/reports")
    tree = page.locator(".tree-card")
    tree.get_by_role("link", name="洪泽区").click()
    page.wait_for_url("**region_id=**")
    assert _count(page) == len(HZ) * 2
    assert "洪泽区及下辖地区" in page.inner_text("#queue-count")
    # a partial region name finds the region
    page.goto("/reports")
    page.fill("input[name=region]", "平潭")
    page.select_option("select[name=year]", "2024")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**region=**")
    assert _count(page) == len(PT)
    ctx.close()


def test_batch_accept_and_the_findings_page(browser, desk) -> None:
    ctx, page = _page(browser, desk, user="rev_ha")
    page.goto("/reports?code=T3_ROW_TOTAL")
    n = _count(page)
    assert n >= 2
    page.check("#select-all")
    assert page.inner_text("#selected-count") == str(min(n, 50))
    page.select_option("#batch-code", "T3_ROW_TOTAL")
    page.fill("#batch-reason", "原件如此，已电话核实")
    shot(page, "desk-02-batch")
    page.click("button[value=accept]")
    page.wait_for_url("**done=accepted**")
    assert f"已接受 {n} 条" in page.inner_text("#notice")
    page.goto("/reports?code=T3_ROW_TOTAL")
    assert _count(page) == 0
    # the findings page, across reports, grouped by unit; accepted ones only on request
    page.goto("/findings?year=2024")
    units = page.locator("section.unit")
    assert units.count() >= 1
    assert page.locator("text=表三行总计不等于各类申请人之和").count() == 0
    page.goto("/findings?year=2024&accepted=1&code=T3_ROW_TOTAL")
    assert page.locator("section.unit").count() == n
    assert page.locator(".accepted-note").first.inner_text().startswith("已接受")
    assert "原件如此" in page.inner_text("main")
    shot(page, "desk-03-findings")
    ctx.close()


def _report_id(desk, organ: str, year: int) -> int:
    return next(sr.id for sr in desk["store"].reports() if sr.organ_name == organ and sr.report.year == year)


def test_keyboard_only_correction(browser, desk) -> None:
    ctx, page = _page(browser, desk)
    rid = _report_id(desk, "洪泽区水利局", 2023)
    page.goto(f"/reports/{rid}")
    for _ in range(80):  # Tab from the top of the page until a value cell has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.cell')"):
            break
    else:
        pytest.fail("no value cell reachable by Tab")
    first = page.evaluate("document.activeElement.dataset.key")
    page.keyboard.press("ArrowRight")
    key = page.evaluate("document.activeElement.dataset.key")
    assert key != first and key.startswith("t2.")
    page.keyboard.press("ArrowDown")
    key = page.evaluate("document.activeElement.dataset.key")
    page.keyboard.press("Enter")
    page.locator("#cell-dialog[open] #correct-value").wait_for()
    assert page.evaluate("document.activeElement.id") == "correct-value"
    page.keyboard.type("x1")
    page.keyboard.press("Enter")  # a bad value is said inline; the dialog stays
    page.locator("#correct-error").wait_for()
    assert "不是数字" in page.inner_text("#correct-error")
    assert page.evaluate("document.activeElement.id") == "correct-value"
    page.keyboard.press("Control+A")
    page.keyboard.type("17")
    page.keyboard.press("Enter")
    page.wait_for_url("**done=corrected**")
    assert page.locator(f'td[data-key="{key}"]').inner_text().strip() == "17"
    assert "已更正" in page.inner_text("#notice")
    assert "edited" in page.locator(f'td[data-key="{key}"]').get_attribute("class")
    ctx.close()


def test_panel_inside_the_viewport_for_a_t4_cell_at_the_bottom(browser, desk) -> None:
    ctx, page = _page(browser, desk, width=1280, height=720)
    rid = _report_id(desk, "洪泽区财政局", 2024)
    page.goto(f"/reports/{rid}")
    cell = page.locator('td[data-key="t4.litigation_after_review.total"] button.cell')
    cell.evaluate("el => el.scrollIntoView({block: 'end'})")
    box = cell.bounding_box()
    assert box["y"] + box["height"] > 720 - 80  # the cell really is at the bottom of the window
    cell.click()
    dialog = page.locator("#cell-dialog[open]")
    dialog.locator("h3").wait_for()
    assert "表四·行政诉讼·复议后起诉·总计" in dialog.inner_text()
    d = dialog.bounding_box()
    assert d["x"] >= 0 and d["y"] >= 0
    assert d["x"] + d["width"] <= 1280 and d["y"] + d["height"] <= 720, d
    shot(page, "desk-04-panel")
    page.keyboard.press("Escape")
    assert page.locator("#cell-dialog[open]").count() == 0
    # the original opens beside the tables (this seeded report has none: the frame says so)
    assert not page.locator("#original").is_visible()
    page.click("#open-original")
    page.locator("#original").wait_for(state="visible")
    page.frame_locator("#original-frame").get_by_text("原件不可用").wait_for()
    ctx.close()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_390px_list_and_report_without_horizontal_scroll(browser, desk) -> None:
    ctx, page = _page(browser, desk, width=390, height=844)
    page.goto("/reports")
    assert _no_horizontal_scroll(page)
    shot(page, "desk-05-queue-390")
    page.goto(f"/reports/{_report_id(desk, '洪泽区财政局', 2024)}")
    assert _no_horizontal_scroll(page)
    shot(page, "desk-06-report-390")
    ctx.close()


def test_every_page_speaks_chinese_and_passes_axe(browser, desk) -> None:
    from axe_playwright_python.sync_playwright import Axe

    store = desk["store"]
    rid = _report_id(desk, "洪泽区财政局", 2024)
    organ = next(sr.organ_id for sr in store.reports() if sr.id == rid)
    hz = desk["regions"]["洪泽区"]
    ctx, page = _page(browser, desk)
    # actions first, so that the pages show confirmations, audit entries and saved reports
    page.goto(f"/reports/{rid}")
    page.locator('td[data-key="t4.review.total"] button.cell').click()
    page.locator("#correct-value").wait_for()
    page.fill("#correct-value", "3")
    page.press("#correct-value", "Enter")
    page.wait_for_url("**done=corrected**")
    page.goto(f"/regions/{hz}/2024")
    page.click("form.save-consolidation button")
    page.wait_for_url("**/reports/*")
    saved = page.url
    pages = [
        "/reports",
        "/reports?per=20&sort=errors&desc=1",
        "/findings",
        "/findings?accepted=1",
        f"/reports/{rid}",
        f"/reports/{rid}?done=corrected&cell=t4.review.total",
        saved,
        "/regions",
        f"/regions/{hz}/2024",
        f"/organs/{organ}",
        "/dashboard",
        "/write?year=2024",
        "/upload",
        "/jobs",
        "/admin",
    ]
    axe = Axe()
    problems: list[str] = []
    for url in pages:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        text = page.inner_text("body")
        for pattern in (INTERNAL, CODE_LIKE):
            found = pattern.findall(text)
            if found:
                problems.append(f"{url}: internal code visible: {sorted(set(found))[:5]}")
        result = axe.run(page)
        bad = [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        for v in bad:
            targets = [n["target"] for n in v["nodes"][:3]]
            problems.append(f"{url}: axe {v['id']} ({v['impact']}): {targets}")
    # the open cell panel too
    page.goto(f"/reports/{rid}")
    page.locator('td[data-key="t3.new_received.total"] button.cell').click()
    page.locator("#cell-dialog[open] h3").wait_for()
    if INTERNAL.findall(page.inner_text("#cell-dialog")):
        problems.append("cell panel: internal code visible")
    result = axe.run(page)
    problems += [
        f"cell panel: axe {v['id']}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    ctx.close()
    # the login page, before anyone has logged in
    ctx = browser.new_context(base_url=desk["url"], viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    page.goto("/login")
    result = axe.run(page)
    problems += [
        f"login: axe {v['id']}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    ctx.close()
    assert not problems, "\n".join(problems)
