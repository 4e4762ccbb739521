"""Shared fixtures, built once from the project's own sample files (never from ../shared)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from jixiao.model import ProjectTable
from jixiao.read import read_dataset
from jixiao.settings import Settings
from jixiao.summary.analysis import Analysis, analyze

ROOT = Path(__file__).resolve().parent.parent

# On CI the generated tables are the same every run (seeded per test), so a landing never hangs on a
# rare example; a local run keeps drawing new ones, which is where such examples are found. Set
# JX_RANDOM=1 on CI to draw new ones there too.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") and not os.environ.get("JX_RANDOM"):
    hypothesis_settings.load_profile("ci")
SAMPLE_DATA = ROOT / "sample_data"
HENAN_XLSX = SAMPLE_DATA / "henan_2023_summary.xlsx"
FINAL_XLSX = SAMPLE_DATA / "liangshan_2023_final_accounts.xlsx"


def edited(path: Path, edit) -> bytes:
    """The workbook at ``path`` with ``edit(worksheet)`` applied to its first sheet, as bytes."""
    import io

    import openpyxl

    wb = openpyxl.load_workbook(path)
    edit(wb.active)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def finding_codes(doc: dict) -> list[str]:
    return [f["code"] for f in doc["findings"]]


@pytest.fixture(scope="session")
def year_2023():
    """The 凉山 2023 决算 figures of the sample template (what 公开表 built from them must read back)."""
    from jixiao.final_accounts.template import read_template

    fa, _ = read_template(FINAL_XLSX.read_bytes(), FINAL_XLSX.name)
    return fa.year(2023)


def assert_henan_figures(doc: dict) -> None:
    """``inspect`` of the reference 汇总表, in whatever format it was saved, gives its expected figures."""
    import json

    expected = json.loads((ROOT / "tests" / "data" / "henan_2023_summary.expected.json").read_text("utf-8"))
    assert doc["projects"] == expected["projects"]
    assert doc["totals"] == {
        "budget": expected["budget_total"],
        "executed": expected["executed_total"],
        "execution_rate": expected["execution_rate_total_percent"],
    }
    assert [r["execution_rate"] for r in doc["rows"]] == expected["execution_rate_percent_by_row"]
    assert doc["scores"]["mean_simple"] == expected["score_mean_simple"]
    assert doc["scores"]["mean_budget_weighted"] == expected["score_mean_budget_weighted"]


APP = ROOT / "app.py"


@pytest.fixture(scope="session")
def henan_bytes() -> bytes:
    return HENAN_XLSX.read_bytes()


@pytest.fixture(scope="session")
def henan_table(henan_bytes: bytes) -> ProjectTable:
    ds = read_dataset(henan_bytes, HENAN_XLSX.name)
    assert ds.table is not None
    return ds.table


@pytest.fixture(scope="session")
def henan_analysis(henan_table: ProjectTable) -> Analysis:
    return analyze(henan_table, Settings())


@pytest.fixture(scope="session")
def unit_analysis(henan_table: ProjectTable) -> Analysis:
    """The henan projects spread over three units, for the unit-level views."""
    projects = henan_table.projects.copy()
    units = ["科协本级", "科技馆", "进修学院"]
    projects["unit"] = [units[i % 3] for i in range(len(projects))]
    table = dataclasses.replace(henan_table, projects=projects)
    return analyze(table, Settings())


@pytest.fixture
def apptest_navigation(monkeypatch):
    """Make AppTest run app.py the way the server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run and the PagesManager then
    sets it to True because a pages/ folder exists, so from the second run on AppTest executes the
    page file alone (the legacy pages/ mode) and app.py's sidebar never runs. In the server,
    st.navigation sets the flag to False for good; this does the same before each run.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    yield
    PagesManager.uses_pages_directory = None


@pytest.fixture(scope="session", autouse=True)
def _own_database(tmp_path_factory):
    """No test touches the developer's data/jixiao.db: the session gets its own SQLite file (also for the
    servers and CLI processes the tests start). A test that needs a database of its own sets
    JIXIAO_DB_URL again with monkeypatch."""
    import os

    from jixiao.store.db import ENV_URL

    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'jixiao.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_URL, url)
        mp.delenv("JIXIAO_ADMIN_PASSWORD_HASH", raising=False)
        assert os.environ[ENV_URL] == url
        yield url


@pytest.fixture
def offered(monkeypatch) -> list[tuple[str, object]]:
    """(file name, the callable a download button would run), in the order the runs offered them:
    AppTest cannot click a download button."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    got: list[tuple[str, object]] = []
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        got.append((file_name, data_callable))
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return got
