"""End to end in Debian's Chromium (Playwright's Python package; no browser download).

A uvicorn server on a free localhost port, a seeded SQLite database, screenshots in
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
from nianbao.testing import corpus_dir
from nianbao.web import create_app
from nianbao.web.auth import create_user

from .conftest import PASSWORD, XSS, _report

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
CORPUS_FILE = corpus_dir() / "seeds/003_9062bfdbeadefa61.txt"  # gold: CELL_BLANK on 表二


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn
    from argon2 import PasswordHasher, profiles

    from nianbao.web.auth import set_password_hasher

    set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('web') / 'nianbao.db'}")
    store.add_report(_report("淮安市洪泽区财政局", 2024, 1, broken=True, text=XSS))
    store.add_report(_report("淮安市洪泽区财政局", 2023, 2))
    store.add_report(_report("淮安市洪泽区教育局", 2024, 3))
    create_user(store, "admin", PASSWORD, "admin")
    create_user(store, "writer_cz", PASSWORD, "writer", organ_id=store.find_organ("洪泽区财政局"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    # "localhost", not 127.0.0.1: Chromium treats it as a secure context, so Secure cookies work over http
    yield f"http://localhost:{port}"
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
    ctx = browser.new_context(
        base_url=server, viewport={"width": 1500, "height": 1000}, accept_downloads=True
    )
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, user: str = "admin") -> None:
    page.goto("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_upload_see_flag_correct_and_clear(page):
    if not CORPUS_FILE.exists():
        pytest.skip("corpus absent")
    log_in(page)
    page.goto("/upload")
    page.set_input_files("input[type=file]", str(CORPUS_FILE))
    page.click("main button[type=submit]")
    page.wait_for_url("**/jobs/*")
    link = page.locator("#job-progress a").first
    link.wait_for()  # appears when htmx polling reports the file done
    shot(page, "01-job")
    link.click()
    page.wait_for_url("**/reports/*")
    cell = page.locator('td[data-key="t2.enforcement.decisions"]')
    assert "sev-warning" in cell.get_attribute("class")
    assert "空白" in cell.get_attribute("title")
    cell.click()
    panel = page.locator("#cell-panel")
    panel.get_by_text("单元格空白").wait_for()
    shot(page, "02-report-flagged-cell")
    page.fill("#correct-value", "0")
    page.click("#cell-panel button[type=submit]")
    page.wait_for_url("**done=corrected**")  # the correction is sent by htmx, then the page reloads
    cell = page.locator('td[data-key="t2.enforcement.decisions"]')
    assert "sev-warning" not in (cell.get_attribute("class") or "")
    assert "edited" in cell.get_attribute("class")
    assert cell.inner_text() == "0"
    open_findings = page.locator("ol.findings li:not(.accepted)").all_inner_texts()
    assert not any("单元格空白" in t for t in open_findings)
    assert page.locator("text=更正记录").count() == 1
    shot(page, "03-report-corrected")


def test_script_in_document_renders_as_text(page):
    log_in(page)
    page.goto("/reports?organ=洪泽区财政局&year=2024")
    page.locator("#queue tbody td.col-organ a").first.click()
    page.wait_for_url("**/reports/*")
    assert page.get_by_text('<script>alert("x")</script>', exact=False).count() >= 1
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.locator("main script").count() == 0


def test_consolidate_a_region_and_dashboard(page):
    log_in(page)
    page.goto("/regions")
    page.select_option("select[name=region]", label="洪泽区（县）")
    page.select_option("select[name=year]", "2024")
    page.click("text=查看汇总")
    page.wait_for_url("**/regions/*/2024")
    assert "已汇总 2 个单位" in page.inner_text("main")
    assert page.locator(".error-units li").first.inner_text().startswith("洪泽区财政局")
    shot(page, "04-region")
    page.goto("/dashboard")
    page.locator("#chart-applicants canvas").wait_for()
    page.locator("#chart-years canvas").wait_for()
    shot(page, "05-dashboard")


def test_fill_check_and_download_a_report(page):
    log_in(page, "writer_cz")
    page.goto("/write?year=2024")
    page.fill('textarea[name="section:overview"]', "本机关认真贯彻《中华人民共和国政府信息公开条例》。")
    page.click("#fill-zeros")
    page.fill('input[name="cell:t3.new_received.natural_person"]', "5")
    page.fill('input[name="cell:t3.new_received.total"]', "9")
    page.locator("#check-result").get_by_text("表三行总计不等于各类申请人之和").first.wait_for()
    flagged = page.locator('td:has(input[name="cell:t3.new_received.total"])')
    assert "sev-error" in flagged.get_attribute("class")
    shot(page, "06-write-error")
    page.fill('input[name="cell:t3.new_received.total"]', "5")
    # the five applications were granted: 表三 balances (一 + 二 = （七）总计 + 四)
    for key in (
        "granted.natural_person",
        "granted.total",
        "results_total.natural_person",
        "results_total.total",
    ):
        page.fill(f'input[name="cell:t3.{key}"]', "5")
    # the live check catches up within a second of the last keystroke
    page.wait_for_function("() => document.querySelector('#check-result').innerText.includes('（0 个错误）')")
    assert "表三行总计不等于" not in page.inner_text("#check-result")
    with page.expect_download() as dl:
        page.click("button[name=fmt][value=docx]")
    path = dl.value.path()
    assert Path(path).read_bytes()[:2] == b"PK"
    assert dl.value.suggested_filename.endswith(".docx") and "洪泽区财政局" in dl.value.suggested_filename
    shot(page, "07-write-ok")
