"""A file that makes the parser abort, uploaded through the real server in one browser, costs that user
a message; a second browser on the same server then loads a good file and sees its figures."""

from __future__ import annotations

import urllib.request

import pytest

from tests import hostile_corpus as hc
from tests.test_browser import LAPTOP, ROOT, assert_no_exception, browser, serve, sidebar_link, wait_idle

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with test_browser.py

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
