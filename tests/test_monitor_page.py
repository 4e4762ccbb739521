"""The 监控 page through AppTest: the sample, snapshots saved from the page, reasons, the bulletin."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from components import state
from jixiao.monitor import sample
from tests.conftest import APP

pytestmark = pytest.mark.usefixtures("apptest_navigation")


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/monitor.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {mt.label: mt.value for mt in at.main.metric}


def text(at: AppTest) -> str:
    parts = [e.value for e in at.main.markdown] + [e.value for e in at.main.caption]
    parts += [e.value for e in at.main.info] + [e.value for e in at.main.success]
    parts += [e.value for e in at.main.warning] + [e.value for e in at.main.error]
    return "\n".join(parts)


def test_sample_one_click():
    at = new_app()
    assert "还没有监控数据" in text(at)
    at.button(key="sample_monitor").click().run()
    assert not at.exception, [e.value for e in at.exception]
    k = metrics(at)
    print(k)
    print(text(at))
