"""Issue 15: one definition of 偏差, drill-down from a unit to its projects to one project's detail, links
that reopen a view, and a fresh visit opening on the latest stored dataset.

AppTest cannot click a plotly bar or a dataframe row, so the clicks are tested in two halves: the
figure builders put the key a click reports last in each bar's customdata (read back here through
components.drill, as Streamlit hands it over), and the pages react to the shared focus that the click
callbacks set. The real clicks run in tests/test_browser.py.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components import charts, data, drill, state
from jixiao import model as m
from jixiao.export import common as bundle
from jixiao.naming import unit_in
from jixiao.read import read_dataset
from jixiao.settings import Settings
from jixiao.store.db import ENV_URL, Store, summary_of
from jixiao.summary.analysis import analyze
from jixiao.summary.flags import NO_RATE, OVER_EXECUTION
from tests.conftest import APP

pytestmark = pytest.mark.usefixtures("apptest_navigation")

CSV_MIME = "text/csv"
# Three units; 其他交通费 twice (once 130% executed), one budget of 0 with money spent.
UNITS_CSV = (
    "单位,项目名称,预算数（万元）,执行数（万元）\n"
    "科协本级,学术交流经费,100,50\n"
    "科协本级,其他交通费,10,13\n"
    "科技馆,其他交通费,20,20\n"
    "科技馆,展品更新,0,5\n"
    "进修学院,培训经费,200,190\n"
).encode()
UNIT = "某市科学技术协会"


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    monkeypatch.setenv(ENV_URL, url)
    return url


def seed(url: str, content: bytes, unit: str, year: int, name: str = "units.csv") -> int:
    table = read_dataset(content, name).table
    s = Store(url)
    try:
        return s.import_file(content, name, unit=unit, year=year, summary=summary_of(table)).dataset_id
    finally:
        s.dispose()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def new_app(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    assert_clean(at)
    return at


def upload(at: AppTest, content: bytes = UNITS_CSV, name: str = "units.csv") -> AppTest:
    at.switch_page("pages/import_data.py").run()
    at.file_uploader(key="upload_file").set_value((name, content, CSV_MIME)).run()
    assert_clean(at)
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert_clean(at)
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {mt.label: mt.value for mt in at.main.metric}


def body(at: AppTest) -> str:
    parts = [e.value for e in at.main.markdown] + [e.value for e in at.main.caption]
    parts += [e.value for e in at.main.subheader] + [e.value for e in at.main.title]
    parts += [e.value for e in at.main.info] + [e.value for e in at.main.success]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def units_analysis():
    return analyze(read_dataset(UNITS_CSV, "units.csv").table, Settings())


def row_of(a, unit: str, name: str) -> int:
    p = a.projects
    return int(p[(p[m.UNIT] == unit) & (p[m.PROJECT] == name)].index[0])


# --- 1. one definition of 偏差 ----------------------------------------------------------------------
def test_over_execution_and_no_rate_are_deviations_and_never_green(units_analysis):
    a = units_analysis
    over = a.projects.loc[row_of(a, "科协本级", "其他交通费")]
    assert [f.code for f in over[m.FLAGS]] == [OVER_EXECUTION]
    assert bool(over["deviates"]) and over["band"] == "over"
    no_rate = a.projects.loc[row_of(a, "科技馆", "展品更新")]
    assert NO_RATE in [f.code for f in no_rate[m.FLAGS]] and bool(no_rate["deviates"])
    assert no_rate["band"] == "none"
    # the exports count exactly the projects the pages count
    kpi = {k.label: k.value for k in bundle.kpis(a)}
    assert kpi["偏差项目数"] == str(len(a.deviating)) == "3"
    # and the 偏差预警 list says 有偏差 beside the 130% project
    table = data.flagged_table(a.flagged)
    row = table[(table["单位"] == "科协本级") & (table["项目名称"] == "其他交通费")].iloc[0]
    assert row["按规则判定"] == "有偏差"


def test_overview_and_deviations_agree_and_the_cards_follow_the_filters(db):
    at = upload(new_app())
    at = go(at, "pages/overview.py")
    k = metrics(at)
    assert k["偏差项目数"] == "3 个"
    # no 是否有较大偏差 column: not "单位自报 0 个"
    assert {mt.label: mt.delta for mt in at.main.metric}["偏差项目数"] == "单位未填报"
    assert "超预算 1 个" in body(at)
    # 4. a total resting on a budget of 0 says so beside the number
    d = {mt.label: mt.delta for mt in at.main.metric}
    assert d["预算总额（万元）"] == "合计含异常金额" and d["执行总额（万元）"] == "合计含异常金额"
    assert "1 个项目预算为 0 或负数" in body(at)
    # 5. no scores in the table: no "复现 0/0 行"
    side = "\n".join(e.value for e in at.sidebar.caption)
    assert "0/0" not in side and "没有填报得分" in side
    at = go(at, "pages/deviations.py")
    assert metrics(at)["按规则有偏差"] == "3 个"
    # by money at stake: 学术交流经费 (50 万元 unspent) first, 培训经费 is not flagged at all
    listed = at.main.dataframe[0].value
    assert listed["项目名称"].iloc[0] == "学术交流经费"
    at.multiselect(key="dev_units").set_value(["科技馆"]).run()
    assert_clean(at)
    assert metrics(at)["预警项目"] == "1 个"
    assert metrics(at)["按规则有偏差"] == "1 个"


# --- 6. drill-down --------------------------------------------------------------------------------
def test_a_click_on_a_unit_bar_reports_the_unit(units_analysis):
    a = units_analysis
    fig = charts.unit_execution_bars(a.units, a.settings)
    names = {str(c[-1]) for trace in fig.data for c in trace.customdata}
    assert names == {"科协本级", "科技馆", "进修学院"}
    bar = next(trace for trace in fig.data if any(c[-1] == "科技馆" for c in trace.customdata))
    point = next(list(c) for c in bar.customdata if c[-1] == "科技馆")
    event = {"selection": {"points": [{"curve_number": 0, "point_index": 0, "customdata": point}]}}
    assert drill._picked_keys(event) == ["科技馆"]
    # project bars report the project's index in Analysis.projects
    fig = charts.execution_bars(a.projects, a.settings)
    keys = {int(c[-1]) for trace in fig.data for c in trace.customdata}
    assert keys == set(a.projects.index)


def test_unit_focus_lists_its_projects_and_a_project_opens_its_detail(db, units_analysis):
    at = upload(new_app())
    at = go(at, "pages/overview.py")
    ranking = at.main.dataframe[0].value
    assert list(ranking["单位"]) == ["科协本级", "进修学院", "科技馆"]  # slowest first (科技馆 125%)
    assert list(ranking["未执行（万元）"]) == [47.0, 10.0, -5.0]  # 科技馆 spent 5 万元 over
    at.session_state[state.FOCUS_UNITS] = ["科技馆"]  # what a click on its bar sets
    at.run()
    assert_clean(at)
    assert "科技馆的项目" in body(at)
    listed = at.main.dataframe[1].value
    assert set(listed["项目名称"]) == {"展品更新", "其他交通费"}
    at.session_state[state.FOCUS_PROJECT] = row_of(units_analysis, "科技馆", "展品更新")
    at.run()
    assert_clean(at)
    text = body(at)
    assert "展品更新" in [e.value for e in at.main.subheader]
    assert "无法计算执行率：预算为 0.00 万元却支出 5.00 万元" in text
    assert "按规则：**有偏差**" in text
    # the execution page shares the filter
    at = go(at, "pages/execution.py")
    assert at.multiselect(key="exec_units").value == ["科技馆"]
    assert "当前范围：2 个项目" in body(at)


# --- 7, 8. links and the latest stored dataset ------------------------------------------------------
def test_a_fresh_visit_opens_the_latest_stored_dataset(db):
    seed(db, UNITS_CSV.replace(b"200,190", b"300,100"), UNIT, 2022)
    seed(db, UNITS_CSV, UNIT, 2023)
    at = new_app()
    assert at.main.title[0].value == f"总览 · {UNIT} · 2023年"
    assert metrics(at)["项目数"] == "5 个"
    assert at.query_params.get("dataset")  # the address bar names it


def test_a_link_reopens_dataset_page_unit_and_project(db, units_analysis):
    old = seed(db, UNITS_CSV.replace(b"200,190", b"300,100"), UNIT, 2022)
    seed(db, UNITS_CSV, UNIT, 2023)  # the latest: the link must still open the 2022 one
    project = row_of(units_analysis, "科技馆", "展品更新")
    at = new_app({"dataset": str(old), "unit": "科技馆", "project": str(project)}, page="pages/execution.py")
    assert at.main.title[0].value == f"预算执行 · {UNIT} · 2022年"
    assert at.multiselect(key="exec_units").value == ["科技馆"]
    assert "展品更新" in [e.value for e in at.main.subheader]
    # the same link comes back out of the app
    assert at.query_params["dataset"] == str(old)
    assert at.query_params["unit"] == "科技馆"
    assert at.query_params["project"] == str(project)
    # the detail names the project's other stored year
    hist = at.main.dataframe[-1].value
    assert list(hist["年度"]) == ["2022年", "2023年"]


def test_a_link_to_a_dataset_that_is_gone_says_so(db):
    at = new_app({"dataset": "999"})
    warning = "\n".join(e.value for e in at.main.warning)
    assert "链接中的数据集（编号 999）无法打开" in warning
    assert "还没有数据" in at.main.info[0].value  # and the page still works


# --- 11. the unit from the title --------------------------------------------------------------------
def test_unit_name_drops_the_words_after_it():
    assert unit_in("某某科学技术协会纳入绩效评价项目自评汇总表") == "某某科学技术协会"
    assert unit_in("河南省科学技术协会2023年度项目单位自评汇总表") == "河南省科学技术协会"


def test_import_page_names_the_file_its_findings_belong_to(db):
    from tests.conftest import SAMPLE_DATA

    at = upload(new_app())
    final = (SAMPLE_DATA / "liangshan_2023_final_accounts.xlsx").read_bytes()
    at.file_uploader(key="upload_file").set_value(("决算.xlsx", final, "application/octet-stream")).run()
    assert_clean(at)
    assert "部门决算图表数据" in at.main.success[0].value
    assert "以下是项目表「units.csv」的识别结果和审核发现" in body(at)


# --- 15. polish ----------------------------------------------------------------------------------------
def test_a_csv_is_not_called_a_sheet_and_findings_are_counted_in_tiao(db):
    at = upload(new_app())
    # 13. the uploader's English is Streamlit's: a Chinese line above it says what it takes
    assert "单个文件不超过 20 MB" in "\n".join(e.value for e in at.main.caption)
    side = "\n".join(e.value for e in at.sidebar.markdown)
    assert "表头第 1 行" in side and "工作表" not in side
    assert "工作表" not in "\n".join(e.value for e in at.main.markdown)
    at = go(at, "pages/overview.py")
    assert metrics(at)["审核问题数"].endswith(" 条")


def test_years_with_nothing_changed_say_so(db):
    seed(db, UNITS_CSV, UNIT, 2022, name="2022.csv")
    seed(db, UNITS_CSV.replace(b"\n", b"\r\n"), UNIT, 2023, name="2023.csv")  # same figures, other bytes
    at = go(new_app(), "pages/history.py")
    assert "执行率都没有变化，不再作图" in body(at)


def test_delete_asks_first(db):
    dataset_id = seed(db, UNITS_CSV, UNIT, 2023)
    at = go(new_app(), "pages/data_manage.py")
    # named by unit and year by default
    assert at.main.dataframe[0].value.iloc[0]["名称"] == f"{UNIT} 2023年 项目单位自评汇总表"
    confirm = at.button(key="dm_delete")
    assert confirm.label == "确认删除"
    assert any("确定删除" in e.value for e in at.main.markdown)
    confirm.click().run()
    assert_clean(at)
    s = Store(db)
    try:
        assert [i.deleted for i in s.list_datasets(include_deleted=True) if i.id == dataset_id] == [True]
    finally:
        s.dispose()


def test_means_built_on_reported_scores_the_audit_disputes_say_so(db):
    """3. A reported 自评得分 that the recomputation does not reproduce is marked on the mean cards."""
    at = new_app()
    at.switch_page("pages/import_data.py").run()
    at.button(key="sample_import").click().run()
    at = go(at, "pages/overview.py")
    d = {mt.label: mt.delta for mt in at.main.metric}
    assert not d["金额加权平均分"]  # the sample's scores all reproduce (15/15)
    # under another scheme some reported scores are not reproduced: the cards say how many
    at.sidebar.selectbox(key="set_scheme").set_value("mof").run()
    assert_clean(at)
    d = {mt.label: mt.delta for mt in at.main.metric}
    assert (
        d["金额加权平均分"] and d["金额加权平均分"].startswith("含 ") and "与复核不符" in d["金额加权平均分"]
    )
