"""The running app in headless Chromium: upload the sample through the real file input, visit every
page through the sidebar, check the key figures and that no exception box appears, and save a
screenshot per page in tests/artifacts/ (gitignored).

Needs Debian's chromium at /usr/bin/chromium (``make system-deps``); without it the tests fail with
that message instead of being skipped, so a CI without a browser cannot pass silently.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests import hostile_corpus as hc
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


@contextlib.contextmanager
def serve(log_path: Path, env: dict[str, str] | None = None):
    """``streamlit run app.py`` on a free port until the block ends; yields its URL."""
    port = _free_port()
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
        env=env,
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
def app_url(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


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
        # the chart toolbar speaks Chinese
        page.locator(".js-plotly-plot").first.hover()
        page.wait_for_timeout(400)
        titles = page.evaluate(
            "() => Array.from(document.querySelectorAll('.modebar-btn')).map(e => e.getAttribute('data-title'))"
        )
        assert "下载图片（PNG）" in titles and "Download plot as a PNG" not in titles
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
        # the sidebar overlays the page on a phone: it closes by itself once a page is chosen
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]')"
            ".getAttribute('data-collapsed') === 'true'",
            timeout=10_000,
        )
        page.wait_for_timeout(600)
        assert_no_exception(page, "phone execution")
        assert page.locator(".js-plotly-plot").count() == 3
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1
        # no chart toolbar over the labels, even after a tap on the chart
        page.locator(".js-plotly-plot").first.tap()
        page.wait_for_timeout(400)
        assert not page.locator(".js-plotly-plot .modebar").first.is_visible()
        screenshot(page, "phone_execution", PHONE)
    finally:
        context.close()


def test_a_saved_dataset_survives_a_restart(browser, tmp_path):
    """Upload and 保存 through the UI, stop the server, start it again: a new visitor picks the stored
    dataset in the sidebar and sees its figures; then 数据管理, 历年对比 and 单位对比 on that database."""
    from jixiao.auth import ENV_HASH
    from jixiao.store.db import ENV_URL
    from tests.test_storage_pages import seed, variant

    db = f"sqlite:///{tmp_path / 'office.db'}"
    env = {k: v for k, v in os.environ.items() if k != ENV_HASH}
    env[ENV_URL] = db
    stored = "河南省科学技术协会 · 2023 · 项目单位自评汇总表（第1版）"

    with serve(tmp_path / "first.log", env) as url:
        context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(url + "/")
            sidebar_link(page, "数据导入").click()
            page.get_by_role("heading", name="数据导入").wait_for(timeout=30_000)
            page.locator('input[type="file"]').set_input_files(str(HENAN_XLSX))
            page.get_by_text("识别结果").wait_for(timeout=30_000)
            wait_idle(page)
            form = page.get_by_test_id("stForm").filter(has_text="将保存")
            assert form.get_by_label("单位").input_value() == "河南省科学技术协会"
            assert form.get_by_label("年度").input_value() == "2023"
            form.get_by_test_id("stBaseButton-primaryFormSubmit").click()
            page.get_by_text("已保存为 河南省科学技术协会 2023年 第 1 版").wait_for(timeout=30_000)
            assert_no_exception(page, "保存")
        finally:
            context.close()

    # last year's table and a second unit, stored while the app is down (as another office would)
    henan = HENAN_XLSX.read_bytes()
    seed(
        db,
        variant(henan, scale=0.9, rename={"知识产权事业发展": "老旧设备报废处置"}),
        "河南省科学技术协会",
        2022,
    )
    seed(db, variant(henan, title="河南省科技馆", scale=0.5), "河南省科技馆", 2023)

    with serve(tmp_path / "second.log", env) as url:
        context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(url + "/")
            # a fresh visit opens the latest stored dataset (2023, the last imported: 河南省科技馆)
            page.get_by_role("heading", name="总览 · 河南省科技馆 · 2023年").wait_for(timeout=30_000)
            wait_idle(page)
            page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="选择数据").click()
            page.get_by_role("option", name=stored).click()
            page.get_by_text("86.23%").first.wait_for(timeout=30_000)
            wait_idle(page)
            assert_no_exception(page, "总览 (stored)")
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "96.39 分" in body and "7,863.66" in body

            for title, name, texts in (
                ("数据管理", "data_manage", ["这是当前打开的数据", "下载原文件", "选择版本"]),
                (
                    "历年对比",
                    "history",
                    ["2023年与2022年相比", "延续 14 个", "新增 1 个，取消 1 个", "-13.77 个百分点"],
                ),
                ("单位对比", "units", ["执行率最高的是「河南省科技馆」", "排名"]),
            ):
                sidebar_link(page, title).click()
                page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
                wait_idle(page)
                assert_no_exception(page, title)
                body = page.locator('[data-testid="stMain"]').inner_text()
                for t in texts:
                    assert t in body, f"{title}: {t!r} not shown"
                screenshot(page, name, LAPTOP)
            # the charts drew, with their labels
            svg_text = " ".join(page.locator(".js-plotly-plot text").all_text_contents())
            assert "河南省科技馆" in svg_text and "预警线 90.00%" in svg_text
        finally:
            context.close()


def _font_sizes(page, selector: str) -> list[float]:
    return page.eval_on_selector_all(
        selector, "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )


def test_presentation_mode(app_url, browser):
    """汇报模式 on a 1366×768 projector: no sidebar, one chart filling the screen in large type, 下一张
    and the → key turn the slides, 退出汇报 brings the dashboard back."""
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    main = page.get_by_test_id("stMain")
    try:
        page.goto(app_url + "/")
        page.get_by_role("button", name="使用示例数据").click()
        page.get_by_text("86.23%").first.wait_for(timeout=30_000)
        wait_idle(page)
        sidebar_link(page, "汇报模式").click()
        main.get_by_text("1 / 8", exact=True).wait_for(timeout=30_000)
        wait_idle(page)
        assert not page.get_by_test_id("stSidebar").is_visible()
        assert page.get_by_role("heading", name="封面").count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "presentation_0.png"))
        page.get_by_role("button", name="下一张").click()
        main.get_by_text("2 / 8", exact=True).wait_for(timeout=30_000)
        wait_idle(page)
        assert page.get_by_role("heading", name="主要指标").count() == 1
        page.screenshot(path=str(ARTIFACTS / "presentation_1.png"))

        for n in (3, 4):
            page.get_by_role("button", name="下一张").click()
            main.get_by_text(f"{n} / 8", exact=True).wait_for(timeout=30_000)
            wait_idle(page)
        assert_no_exception(page, "汇报模式 4")
        assert page.get_by_role("heading", name="执行率红绿灯").count() == 1
        page.screenshot(path=str(ARTIFACTS / "presentation_3.png"))
        # one chart, the width of the screen, its bottom on the screen
        charts = page.locator(".js-plotly-plot")
        assert charts.count() == 1
        box = charts.first.bounding_box()
        assert box["width"] > 1100 and box["height"] > 550
        assert box["y"] + box["height"] <= LAPTOP["height"]
        assert min(_font_sizes(page, ".js-plotly-plot .legendtext")) >= 20

        page.keyboard.press("ArrowRight")
        main.get_by_text("5 / 8", exact=True).wait_for(timeout=30_000)
        wait_idle(page)
        assert_no_exception(page, "汇报模式 5")
        assert page.get_by_role("heading", name="执行率最低的 8 个项目").count() == 1
        page.screenshot(path=str(ARTIFACTS / "presentation_4.png"))
        ticks = _font_sizes(page, ".js-plotly-plot .xtick text, .js-plotly-plot .ytick text")
        assert len(ticks) >= 8 + 5 and min(ticks) >= 20
        svg_text = " ".join(page.locator(".js-plotly-plot text").all_text_contents())
        assert "知识产权事业发展" in svg_text and "预警线 90.00%" in svg_text

        page.get_by_role("button", name="目录").click()
        page.get_by_role("link", name="退出汇报").click()
        page.get_by_role("heading", name="总览").first.wait_for(timeout=30_000)
        wait_idle(page)
        assert page.get_by_test_id("stSidebar").is_visible()
    finally:
        context.close()


def test_export_downloads_through_the_server(app_url, browser, tmp_path):
    """导出报告 builds a file when its button is clicked (a callable run by the server): the download
    arrives, with the report heading as its name, and opens."""
    import openpyxl
    from docx import Document
    from pptx import Presentation

    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(app_url + "/")
        page.get_by_role("button", name="使用示例数据").click()
        page.get_by_text("86.23%").first.wait_for(timeout=30_000)
        wait_idle(page)
        sidebar_link(page, "导出报告").click()
        page.get_by_role("heading", name="导出报告").wait_for(timeout=30_000)
        wait_idle(page)
        assert_no_exception(page, "导出报告")
        screenshot(page, "export", LAPTOP)
        heading = "河南省科学技术协会2023年度预算绩效分析报告"
        for label, name in (
            ("Excel 工作簿（XLSX）", f"{heading}.xlsx"),
            ("演示文稿（PPTX）", f"{heading}.pptx"),
            ("自评报告（Word）", "河南省科学技术协会2023年度项目支出绩效自评报告.docx"),
        ):
            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name=label).click()
            download = info.value
            assert download.suggested_filename == name
            path = tmp_path / download.suggested_filename
            download.save_as(path)
            if name.endswith(".xlsx"):
                assert "项目明细" in openpyxl.load_workbook(path).sheetnames
            elif name.endswith(".pptx"):
                assert len(Presentation(str(path)).slides) >= 5
            else:
                assert "86.23%" in "\n".join(p.text for p in Document(str(path)).paragraphs)
        assert_no_exception(page, "导出报告 after downloads")
    finally:
        context.close()


def _click_bar(page, chart, label: str) -> None:
    """Click the bar of the category ``label`` on a horizontal bar chart, where a user would."""
    tick = chart.locator(".ytick text").filter(has_text=label).first.bounding_box()
    y = tick["y"] + tick["height"] / 2
    bars = [b for b in (p.bounding_box() for p in chart.locator(".bars .point path").all()) if b]
    bar = min(bars, key=lambda b: abs(b["y"] + b["height"] / 2 - y))
    page.mouse.click(bar["x"] + min(bar["width"] / 2, 40), bar["y"] + bar["height"] / 2)


def _click_first_row(page, grid) -> None:
    """Tick the selection box of the first data row of an st.dataframe (a canvas grid)."""
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


def test_drill_down_and_a_link_opened_in_another_browser(browser, tmp_path):
    """总览 → click the slowest unit's bar → its projects → tick a project → its detail with the reason;
    the address bar's link, opened in a fresh browser context, shows the same unit and project."""
    from jixiao.auth import ENV_HASH
    from jixiao.store.db import ENV_URL
    from tests.test_drill import UNIT, UNITS_CSV
    from tests.test_drill import seed as seed_csv

    db = f"sqlite:///{tmp_path / 'links.db'}"
    env = {k: v for k, v in os.environ.items() if k != ENV_HASH}
    env[ENV_URL] = db
    dataset_id = seed_csv(db, UNITS_CSV, UNIT, 2023)
    with serve(tmp_path / "links.log", env) as url:
        # the first request a just-started server gets is a link to a page other than 总览
        cold = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        page = cold.new_page()
        try:
            page.goto(f"{url}/execution?dataset={dataset_id}&unit=科技馆")
            page.get_by_role("heading", name=f"预算执行 · {UNIT} · 2023年").wait_for(timeout=30_000)
            wait_idle(page)
            assert_no_exception(page, "cold link")
            assert "当前范围：2 个项目" in page.get_by_test_id("stMain").inner_text()
            assert "/execution" in page.url and "unit=" in page.url
            assert sidebar_link(page, "总览").count() == 1  # app.py's navigation, not the pages/ folder's
        finally:
            cold.close()

        context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        page = context.new_page()
        main = page.get_by_test_id("stMain")
        try:
            page.goto(url + "/")
            page.get_by_role("heading", name=f"总览 · {UNIT} · 2023年").wait_for(timeout=30_000)
            wait_idle(page)
            assert_no_exception(page, "总览")
            units_chart = page.locator(".stPlotlyChart, [data-testid='stPlotlyChart']").filter(
                has=page.locator(".ytick text", has_text="进修学院")
            )
            chart = units_chart.first.locator(".js-plotly-plot")
            chart.scroll_into_view_if_needed()
            _click_bar(page, chart, "科协本级")
            main.get_by_role("heading", name="科协本级的项目").wait_for(timeout=30_000)
            wait_idle(page)
            assert_no_exception(page, "科协本级的项目")
            assert "unit=" in page.url
            screenshot(page, "drill_unit", LAPTOP)
            grids = main.get_by_test_id("stDataFrame")
            _click_first_row(page, grids.last)
            main.get_by_role("heading", name="学术交流经费").wait_for(timeout=30_000)
            wait_idle(page)
            body = main.inner_text()
            assert "执行率偏低" in body and "未执行 50.00 万元" in body
            assert "project=" in page.url and "dataset=" in page.url
            screenshot(page, "drill_project", LAPTOP)
            link = page.url
        finally:
            context.close()

        other = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        page = other.new_page()
        main = page.get_by_test_id("stMain")
        try:
            page.goto(link)
            main.get_by_role("heading", name="学术交流经费").wait_for(timeout=30_000)
            wait_idle(page)
            assert_no_exception(page, "link in a new context")
            assert main.get_by_role("heading", name="科协本级的项目").count() == 1
            assert "执行率偏低" in main.inner_text()
            screenshot(page, "drill_link_reopened", LAPTOP)
        finally:
            other.close()


FULL_HD = {"width": 1920, "height": 1080}


def test_presentation_fills_a_1920_by_1080_screen(app_url, browser):
    """At 1920×1080 the slide is sized from the window: the chart fills the screen below the title,
    type of 28 px and more, notes of 20 px and more, no plotly toolbar; the flagged-projects slide."""
    context = browser.new_context(viewport=FULL_HD, locale="zh-CN")
    page = context.new_page()
    main = page.get_by_test_id("stMain")
    try:
        page.goto(app_url + "/")
        page.get_by_role("button", name="使用示例数据").click()
        page.get_by_text("86.23%").first.wait_for(timeout=30_000)
        wait_idle(page)
        sidebar_link(page, "汇报模式").click()
        main.get_by_text("1 / 8", exact=True).wait_for(timeout=30_000)
        wait_idle(page)
        for n in range(2, 6):
            page.keyboard.press("ArrowRight")
            main.get_by_text(f"{n} / 8", exact=True).wait_for(timeout=30_000)
        wait_idle(page)
        assert_no_exception(page, "汇报模式 1080")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "presentation_1080_slowest.png"))
        chart = page.locator(".js-plotly-plot").first
        box = chart.bounding_box()
        assert box["height"] >= 820 and box["y"] + box["height"] <= FULL_HD["height"]
        assert box["width"] > 1700
        ticks = _font_sizes(page, ".js-plotly-plot .xtick text, .js-plotly-plot .ytick text")
        assert min(ticks) >= 28
        assert page.locator(".modebar-container .modebar").count() == 0
        assert min(_font_sizes(page, '[data-testid="stMain"] [data-testid="stCaptionContainer"] p')) >= 20
        # nothing scrolls: the slide is one screen
        scroll = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return m.scrollHeight - m.clientHeight; }"
        )
        assert scroll <= 2
        page.keyboard.press("ArrowRight")
        main.get_by_text("6 / 8", exact=True).wait_for(timeout=30_000)
        wait_idle(page)
        assert page.get_by_role("heading", name="偏差项目（涉及金额最大的 6 个）").count() == 1
        page.screenshot(path=str(ARTIFACTS / "presentation_1080_flagged.png"))
        for n in range(5, 0, -1):
            page.keyboard.press("ArrowLeft")
            main.get_by_text(f"{n} / 8", exact=True).wait_for(timeout=30_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "presentation_1080_cover.png"))
    finally:
        context.close()


def test_monitor_page(app_url, browser):
    """监控 with the sample: the headline, every chart drawn with Chinese labels, and the screenshot a
    projector would show (tests/artifacts/monitor.png)."""
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(app_url + "/")
        wait_idle(page)
        sidebar_link(page, "监控").click()
        page.get_by_role("heading", name="监控").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="使用示例数据").click()
        page.get_by_text("全系统支出进度").first.wait_for(timeout=30_000)
        # the last element of the page: everything above it is drawn
        page.get_by_text("下载通报（Word）").wait_for(timeout=30_000)
        wait_idle(page)
        assert_no_exception(page, "监控")
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "1–9月全系统支出进度" in body and "待说明" in body and "下载通报（Word）" in body
        assert page.locator(".js-plotly-plot").count() == 5
        svg_text = " ".join(page.locator(".js-plotly-plot text").all_text_contents())
        for words in ("序时进度", "科技馆", "与序时进度差（个百分点）", "9月30日", "红灯"):
            assert words in svg_text, words
        screenshot(page, "monitor", LAPTOP)
    finally:
        context.close()


# --- a file that makes the parser abort, in one session, while another session reads -------------
CRASH = ROOT / "tests" / "data" / "hostile" / "xls_asks_8gb.xls"  # calamine aborts asking for 4 GB


def _upload(page, url: str, path) -> None:
    page.goto(url + "/")
    sidebar_link(page, "数据导入").click()
    page.get_by_role("heading", name="数据导入").wait_for(timeout=30_000)
    page.locator('input[type="file"]').set_input_files(str(path))


def test_a_crash_file_in_one_session_leaves_the_server_serving_another(browser, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(hc.good_xlsx())
    log = tmp_path / "server.log"
    with serve(log) as url:
        first = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        try:
            page = first.new_page()
            _upload(page, url, CRASH)
            page.get_by_text("文件过大或结构异常，已停止读取").wait_for(timeout=60_000)
            wait_idle(page)
            assert_no_exception(page, "crash upload")
            assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()
        finally:
            first.close()

        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
            assert r.read().strip() == b"ok"

        second = browser.new_context(viewport=LAPTOP, locale="zh-CN")
        try:
            page = second.new_page()
            _upload(page, url, good)
            page.get_by_text("识别结果").wait_for(timeout=30_000)
            wait_idle(page)
            sidebar_link(page, "总览").click()
            page.get_by_text("73.33%").first.wait_for(timeout=30_000)
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "600.00" in body and "440.00" in body
            assert_no_exception(page, "good upload after the crash")
        finally:
            second.close()
    # the reason is in the server log for the operator, not in the user's browser
    assert "memory allocation" in log.read_text(errors="replace")
