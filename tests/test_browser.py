"""The running app in headless Chromium: upload the sample through the real file input, visit every
page through the sidebar, check the key figures and that no exception box appears, and save a
screenshot per page in tests/artifacts/ (gitignored).

Needs Debian's chromium at /usr/bin/chromium (``make system-deps``); without it the tests fail with
that message instead of being skipped, so a CI without a browser cannot pass silently.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import HENAN_XLSX, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 60
EXCEPTION = '[data-testid="stException"]'
# page title in the sidebar -> (screenshot name, texts that must appear)
PAGES = {
    "总览": ("overview", ["86.23%", "96.39 分", "92.06 分", "7,863.66", "执行最慢的项目"]),
    "预算执行": ("execution", ["执行率 86.23%", "预算规模与执行率", "预算数与执行数"]),
    "偏差预警": ("deviations", ["预警清单（10 个项目）", "自报与判定不一致"]),
    "得分分析": ("scores", ["96.39", "92.06", "河南汇总表口径"]),
    "项目自评表": ("selfeval_forms", []),
    "决算图表": ("final_accounts", []),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}"
                )
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer within {STARTUP_SECONDS}s:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with `make system-deps` "
            "(Debian packages chromium and fonts-noto-cjk); the browser tests never skip."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def wait_idle(page) -> None:
    """Streamlit shows a running indicator while the script runs; wait until it is gone and the
    plotly charts have drawn."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_timeout(800)


def screenshot(page, name: str, viewport: dict[str, int]) -> Path:
    """The first screen as the user sees it, and the whole page (the app scrolls inside stMain, so
    the viewport is stretched to its height for the second one)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    first = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(first))
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], int(height))})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(ARTIFACTS / f"{name}_full.png"))
    page.set_viewport_size(viewport)
    page.wait_for_timeout(300)
    return first


def sidebar_link(page, title: str):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def assert_no_exception(page, where: str) -> None:
    boxes = page.locator(EXCEPTION)
    assert boxes.count() == 0, f"{where}: {boxes.first.inner_text()}"


def test_upload_and_visit_every_page(app_url, browser):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(app_url + "/")
        page.get_by_text("还没有数据").wait_for(timeout=30_000)
        wait_idle(page)
        assert_no_exception(page, "empty overview")
        screenshot(page, "empty_overview", LAPTOP)

        sidebar_link(page, "数据导入").click()
        page.get_by_role("heading", name="数据导入").wait_for(timeout=30_000)
        page.locator('input[type="file"]').set_input_files(str(HENAN_XLSX))
        page.get_by_text("识别结果").wait_for(timeout=30_000)
        wait_idle(page)
        assert_no_exception(page, "数据导入")
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "henan_2023_summary.xlsx" in body
        assert "警告（3）" in body
        assert "henan_2023_summary.xlsx" in page.get_by_test_id("stSidebar").inner_text()
        screenshot(page, "import_data", LAPTOP)

        for title, (name, texts) in PAGES.items():
            sidebar_link(page, title).click()
            page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
            wait_idle(page)
            assert_no_exception(page, title)
            body = page.locator('[data-testid="stMain"]').inner_text()
            for t in texts:
                assert t in body, f"{title}: {t!r} not shown"
            screenshot(page, name, LAPTOP)

        # the charts really drew, with Chinese labels (text lives in the plotly SVG, not the DOM text)
        sidebar_link(page, "预算执行").click()
        page.get_by_role("heading", name="预算执行").wait_for()
        wait_idle(page)
        assert page.locator(".js-plotly-plot").count() == 3
        svg_text = " ".join(page.locator(".js-plotly-plot text").all_text_contents())
        assert "预警线 90.00%" in svg_text and "知识产权事业发展" in svg_text
    finally:
        context.close()


def test_phone_width(app_url, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(app_url + "/")
        page.get_by_role("button", name="使用示例数据").click()
        page.get_by_text("86.23%").first.wait_for(timeout=30_000)
        wait_idle(page)
        assert_no_exception(page, "phone overview")
        # nothing wider than the phone: no sideways scrolling of the page itself
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1
        # KPI cards two across, so a leader sees the key figures without scrolling through eight cards
        first, second = (page.get_by_test_id("stMetric").nth(i).bounding_box() for i in (0, 1))
        assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]
        screenshot(page, "phone_overview", PHONE)
        # on a phone the sidebar starts collapsed: open it, then follow the link (a new URL would
        # start a new session without the data)
        page.get_by_test_id("stExpandSidebarButton").click()
        sidebar_link(page, "预算执行").click()
        page.get_by_role("heading", name="预算执行").wait_for(timeout=30_000)
        wait_idle(page)
        # the sidebar overlays the page on a phone and stays open after a link: close it, as a user would
        collapse = page.get_by_test_id("stSidebarCollapseButton")
        if collapse.count() and collapse.first.is_visible():
            collapse.first.click()
            page.wait_for_timeout(600)
        assert_no_exception(page, "phone execution")
        assert page.locator(".js-plotly-plot").count() == 3
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1
        screenshot(page, "phone_execution", PHONE)
    finally:
        context.close()
