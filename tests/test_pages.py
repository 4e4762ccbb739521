"""Every page through streamlit's AppTest, plus the pure helpers of components/data.py and the template.

AppTest cannot see plotly charts, so the assertions read metrics, markdown, captions and messages.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from components import data, state
from components.template import COLUMNS, build_template
from jixiao import model as m
from jixiao.export.xlsx import flagged_xlsx
from jixiao.fmt import col_letter
from jixiao.forms.compute import FormsDataset
from jixiao.read import Dataset, read_dataset
from tests.conftest import APP, HENAN_XLSX, SAMPLE_DATA

# app.py (with its sidebar) must run on every rerun, as in the server: see the fixture's docstring.
pytestmark = pytest.mark.usefixtures("apptest_navigation")

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = {
    "overview": "pages/overview.py",
    "import": "pages/import_data.py",
    "execution": "pages/execution.py",
    "deviations": "pages/deviations.py",
    "scores": "pages/scores.py",
    "forms": "pages/selfeval_forms.py",
    "final": "pages/final_accounts.py",
}


@pytest.fixture(autouse=True)
def _empty_store(tmp_path, monkeypatch):
    """An empty store per test: a fresh visit opens the latest stored dataset, and these tests start
    from no data."""
    from jixiao.store.db import ENV_URL

    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'jixiao.db'}")


# --- helpers --------------------------------------------------------------------------------------
def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(PAGES[page]).run()
    assert_clean(at)
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {mt.label: mt.value for mt in at.main.metric}


def deltas(at: AppTest) -> dict[str, str]:
    return {mt.label: mt.delta for mt in at.main.metric}


def text(at: AppTest) -> str:
    """All markdown, captions, info/success/warning/error text of the page body, joined."""
    parts = [e.value for e in at.main.markdown]
    parts += [e.value for e in at.main.caption]
    parts += [e.value for e in at.main.info] + [e.value for e in at.main.success]
    parts += [e.value for e in at.main.warning] + [e.value for e in at.main.error]
    parts += [e.value for e in at.main.subheader] + [e.value for e in at.main.title]
    return "\n".join(parts)


def sidebar_text(at: AppTest) -> str:
    return "\n".join([e.value for e in at.sidebar.markdown] + [e.value for e in at.sidebar.caption])


def loaded_app() -> AppTest:
    at = new_app()
    at.button(key="sample_overview").click().run()
    assert_clean(at)
    return at


def upload(at: AppTest, name: str, content: bytes, mime: str = XLSX_MIME) -> AppTest:
    go(at, "import")
    at.file_uploader(key="upload_file").set_value((name, content, mime)).run()
    assert_clean(at)
    return at


# --- empty state and the sample -------------------------------------------------------------------
def test_overview_empty_state_offers_the_sample():
    at = new_app()
    assert at.main.title[0].value == "总览"
    assert "还没有数据" in at.main.info[0].value
    assert at.button(key="sample_overview").label == "使用示例数据"
    assert not at.main.metric
    assert "尚未导入数据" in sidebar_text(at)


@pytest.mark.parametrize("page", ["execution", "deviations", "scores"])
def test_dashboard_pages_without_data_show_the_empty_state(page):
    at = new_app()
    go(at, page)
    assert "还没有数据" in at.main.info[0].value
    at.button(key=f"sample_{page}").click().run()
    assert_clean(at)
    assert not at.main.info or "还没有数据" not in at.main.info[0].value
    assert at.session_state[state.TABLE] is not None


def test_sample_button_fills_the_overview():
    at = loaded_app()
    k = metrics(at)
    assert k["预算总额（万元）"] == "7,863.66"
    assert k["执行总额（万元）"] == "6,780.62"
    assert k["总体执行率"] == "86.23%"
    assert k["项目数"] == "15 个"
    assert k["金额加权平均分"] == "96.39 分"
    assert k["简单平均分"] == "92.06 分"
    assert k["偏差项目数"] == "10 个"
    assert k["审核问题数"] == "3 条"
    d = deltas(at)
    assert d["偏差项目数"] == "单位自报 9 个"
    assert d["审核问题数"] == "错误 0 · 警告 3 · 提示 1"
    body = text(at)
    assert "执行率低于预警线 90.00% 的项目 4 个" in body
    assert "正常 11 个" in body and "关注 2 个" in body and "预警 2 个" in body
    # the slowest projects table starts with the slowest
    slow = at.main.dataframe[0].value
    assert slow["项目名称"].iloc[0] == "知识产权事业发展"
    assert list(slow["执行率（%）"].head(2)) == [0.0, 14.22]
    side = sidebar_text(at)
    assert "henan\\_2023\\_summary" in side and "项目单位自评汇总表" in side and "万元" in side


def test_sample_button_on_the_import_page():
    at = new_app()
    go(at, "import")
    at.button(key="sample_import").click().run()
    assert_clean(at)
    body = text(at)
    assert "识别结果" in body
    assert "第 3 行" in body
    mapping = at.main.dataframe[0].value
    row = mapping[mapping["字段"] == "预算数"].iloc[0]
    assert row["列"] == "C" and row["表头文字"] == "全年预算数(万元)"
    assert mapping[mapping["字段"] == "单位"].iloc[0]["表头文字"] == "未找到"


# --- upload ----------------------------------------------------------------------------------------
def test_upload_through_the_file_uploader(henan_bytes):
    at = new_app()
    upload(at, "河南汇总.xlsx", henan_bytes)
    assert "河南汇总" in text(at)
    assert "河南汇总" in sidebar_text(at)
    labels = [e.label for e in at.main.expander]
    assert "错误（0）" in labels and "警告（3）" in labels and "提示（1）" in labels
    body = text(at)
    # each finding points at its row
    assert "第8行「因公出国（境）」" in body
    assert "第15行" in body and "80\\.34" not in body.split("第15行")[0][-5:]
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


def test_switching_pages_keeps_the_data():
    at = loaded_app()
    for page in ("import", "execution", "deviations", "scores", "forms", "final", "overview"):
        go(at, page)
        assert at.session_state[state.TABLE] is not None
    assert metrics(at)["总体执行率"] == "86.23%"
    go(at, "execution")
    assert "执行率 86.23%" in text(at)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.xlsx", b"not a workbook", "不是有效的 Excel 工作簿"),
        ("empty.csv", b"", "文件是空的"),
        ("blank.csv", b"\r\n\r\n", "没有任何数据"),
        ("notes.csv", "说明,备注\n无,无\n".encode(), "没有找到可识别的表头"),
    ],
)
def test_a_bad_file_shows_chinese_and_keeps_the_previous_data(name, content, message):
    at = loaded_app()
    upload(at, name, content, "text/csv" if name.endswith(".csv") else XLSX_MIME)
    errors = [e.value for e in at.main.error]
    assert len(errors) == 1
    assert message in errors[0]
    assert "已保留之前导入的数据" in errors[0]
    assert "henan\\_2023\\_summary" in sidebar_text(at)
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


def test_a_bad_file_first_shows_the_error_without_data():
    at = new_app()
    upload(at, "x.xlsx", b"not a workbook")
    errors = [e.value for e in at.main.error]
    assert len(errors) == 1 and "不是有效的 Excel 工作簿" in errors[0]
    assert "已保留" not in errors[0]
    assert state.TABLE not in at.session_state or at.session_state[state.TABLE] is None


def test_an_unexpected_parser_crash_is_a_message_not_a_traceback(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(data, "read_dataset", boom)
    at = new_app()
    upload(at, "crash.xlsx", b"PK\x03\x04 unique bytes for the cache 1")
    assert "意外错误" in at.main.error[0].value


def test_a_final_accounts_file_goes_to_its_page_and_keeps_the_table():
    from jixiao.final_accounts.figures import FinalAccounts

    at = loaded_app()
    upload(at, "决算.xlsx", (SAMPLE_DATA / "liangshan_2023_final_accounts.xlsx").read_bytes())
    figures = at.session_state[state.FINAL_ACCOUNTS]
    assert isinstance(figures, FinalAccounts) and figures.unit == "凉山州科学技术协会"
    assert "部门决算图表数据" in at.main.success[0].value
    assert at.main.get("page_link")[0].proto.label == "打开决算图表"
    assert "决算.xlsx" in sidebar_text(at)
    go(at, "final")
    assert "874.05" in text(at) + "\n".join(str(c.value) for c in at.main.code)
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"  # the project table loaded before is kept


def test_a_forms_workbook_rolls_up_and_keeps_its_detail_for_the_forms_page():
    content = (SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx").read_bytes()
    at = new_app()
    upload(at, "凉山自评表.xlsx", content)
    assert at.session_state[state.KIND] == m.KIND_SELFEVAL_FORMS
    assert isinstance(at.session_state[state.FORMS], FormsDataset)
    assert "项目支出绩效自评表" in at.main.success[0].value
    body = text(at)
    assert "**自评表**：5 张" in body
    assert not [w for w in at.main.selectbox if w.key and w.key.startswith("remap_")]  # nothing to re-map
    go(at, "overview")
    assert metrics(at)["项目数"] == "5 个"
    go(at, "scores")
    assert "各自评表自身权重" in text(at)
    go(at, "forms")  # the forms page finds the same forms
    assert at.main.title


def test_a_summary_table_after_forms_leaves_the_forms_alone():
    content = (SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx").read_bytes()
    at = new_app()
    upload(at, "凉山自评表.xlsx", content)
    forms = at.session_state[state.FORMS]
    at.button(key="sample_import").click().run()
    assert at.session_state[state.KIND] == m.KIND_PROJECT_TABLE
    assert at.session_state[state.FORMS] is forms or at.session_state[state.FORMS] == forms


# --- settings --------------------------------------------------------------------------------------
def test_changing_the_threshold_changes_the_numbers():
    at = loaded_app()
    assert "执行率低于预警线 90.00% 的项目 4 个" in text(at)
    at.sidebar.number_input(key="set_low_threshold").set_value(99.0).run()
    assert_clean(at)
    body = text(at)
    assert "执行率低于预警线 99.00% 的项目 6 个" in body
    assert metrics(at)["偏差项目数"] == "12 个"
    assert "正常 9 个" in body and "关注 4 个" in body
    # every page obeys it
    go(at, "deviations")
    assert metrics(at)["预警项目"] == "12 个"
    assert "低于预警线 99%" in text(at)
    go(at, "execution")
    assert "预警线 99.00%" in text(at)


def test_red_floor_above_threshold_is_refused_in_chinese():
    at = loaded_app()
    at.sidebar.number_input(key="set_amber_floor").set_value(95.0).run()
    assert_clean(at)
    err = at.sidebar.error[0].value
    assert "红灯线（95%）不能高于预警线（90%）" in err
    assert at.session_state[state.SETTINGS].amber_floor == 60.0
    assert "关注 2 个" in text(at)


def test_time_progress_gap_on_the_rate_card():
    at = loaded_app()
    at.sidebar.date_input(key="set_as_of").set_value(date(2023, 6, 30)).run()
    assert_clean(at)
    # 181/365 = 49.59%; 86.23 − 49.59 = 36.64
    assert deltas(at)["总体执行率"] == "快于序时进度 36.64 个百分点"
    assert "序时进度为 49.59%" in text(at)
    at.sidebar.date_input(key="set_as_of").set_value(date(2023, 12, 31)).run()
    assert deltas(at)["总体执行率"] == "慢于序时进度 13.77 个百分点"
    go(at, "execution")
    assert "序时进度 100.00%" in text(at)


def test_custom_weights_must_sum_to_100_and_the_last_valid_scheme_stays():
    at = loaded_app()
    go(at, "scores")
    assert "河南汇总表口径" in text(at)
    at.sidebar.selectbox(key="set_scheme").set_value("custom").run()
    assert_clean(at)
    # prefilled from the scheme in force (河南: 10/20/0/40/20/10), which sums to 100
    assert at.sidebar.number_input(key="set_w_output").value == 40.0
    assert not at.sidebar.error
    assert "自定义权重" in text(at) and "一致的有 15 个" in text(at)
    at.sidebar.number_input(key="set_w_execution").set_value(20.0).run()
    assert_clean(at)
    err = at.sidebar.error[0].value
    assert "各项权重合计为 110，应为 100" in err and "仍按上一次有效的方案计算" in err
    assert "一致的有 15 个" in text(at)  # still the valid 10/20/40/20/10
    at.sidebar.number_input(key="set_w_output").set_value(30.0).run()
    assert not at.sidebar.error
    body = text(at)
    assert "预算执行率 20、资金管理 20、产出指标 30" in body
    assert "一致的有 15 个" not in body


def test_a_preset_scheme_changes_the_reproduced_count():
    at = loaded_app()
    go(at, "scores")
    at.sidebar.selectbox(key="set_scheme").set_value("mof").run()
    assert_clean(at)
    assert "得分按「财政部通用口径」计算" in text(at)
    assert "一致的有 6 个" in text(at)
    assert "不一致" in text(at)
    diffs = at.main.dataframe[0].value
    assert len(diffs) == 9 and "差额（填报−计算）" in diffs.columns


# --- the import page's corrections -----------------------------------------------------------------
def _remap_key(at: AppTest, prefix: str) -> str:
    """The correction widgets carry a token of the file in their key; find it by prefix."""
    widgets = [*at.main.selectbox, *at.main.text_input]
    keys = [w.key for w in widgets if w.key and w.key.startswith(prefix)]
    assert len(keys) == 1, keys
    return keys[0]


def submit(at: AppTest) -> None:
    buttons = [b for b in at.main.button if b.label == "按更正重新识别"]
    assert len(buttons) == 1
    buttons[0].click().run()


def test_correcting_the_amount_unit_rereads_the_file():
    at = loaded_app()
    go(at, "import")
    at.selectbox(key=_remap_key(at, "remap_unit_")).set_value("元")
    submit(at)
    assert_clean(at)
    assert "元（已按 ÷10,000 换算为万元）" in text(at)
    assert at.session_state[state.OVERRIDES]["amount_unit"] == "元"
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == "0.79"
    go(at, "import")
    at.button(key="remap_reset").click().run()
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == "7,863.66"


def test_correcting_a_column_mapping_rereads_the_file():
    at = loaded_app()
    go(at, "import")
    # map 执行数 to the 预算 column (C = index 2): every project then spends 100%
    at.selectbox(key=_remap_key(at, "remap_col_executed_")).set_value(2)
    submit(at)
    assert_clean(at)
    assert at.session_state[state.OVERRIDES]["columns"]["executed"] == 2
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "100.00%"


def test_a_bad_header_row_is_refused_and_the_data_kept():
    at = loaded_app()
    go(at, "import")
    at.text_input(key=_remap_key(at, "remap_rows_")).set_value("三")
    submit(at)
    assert_clean(at)
    assert "表头行号应为数字" in at.main.error[0].value
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


def test_the_template_download_is_offered():
    at = new_app()
    go(at, "import")
    labels = [b.proto.label for b in at.main.get("download_button")]
    assert "下载空白模板" in labels


# --- pages with data ------------------------------------------------------------------------------
def test_execution_page():
    at = loaded_app()
    go(at, "execution")
    body = text(at)
    assert "当前范围：15 个项目，预算 7,863.66 万元，执行 6,780.62 万元，执行率 86.23%" in body
    assert "此表没有单位列" in body
    table = at.main.dataframe[0].value
    assert len(table) == 15 and table["项目名称"].iloc[0] == "知识产权事业发展"
    at.text_input(key="exec_search").set_value("科协").run()
    assert_clean(at)
    assert "当前范围：6 个项目" in text(at)
    at.text_input(key="exec_search").set_value("不存在的项目").run()
    assert "没有符合条件的项目" in text(at)


def test_execution_page_with_1200_projects_uses_top_n():
    rows = ["项目名称,预算数（万元）,执行数（万元）"]
    rows += [f"项目{i:04d},{100 + i % 7},{(i * 37) % 100 + 1}" for i in range(1200)]
    content = "\n".join(rows).encode("utf-8")
    at = new_app()
    upload(at, "big.csv", content, "text/csv")
    go(at, "execution")
    body = text(at)
    assert "当前范围：1200 个项目" in body
    assert "共 1200 个项目，图中显示执行率最低的前 30 个" in body
    at.slider(key="exec_top_n").set_value(50).run()
    assert "执行率最低的前 50 个" in text(at)
    at.text_input(key="exec_search").set_value("项目000").run()
    assert "当前范围：10 个项目" in text(at)


def test_execution_page_unit_view(monkeypatch, unit_analysis):
    def fake(data_bytes, filename, **overrides):
        return Dataset(m.KIND_PROJECT_TABLE, unit_analysis.table)

    monkeypatch.setattr(data, "read_dataset", fake)
    at = new_app()
    upload(at, "units.xlsx", b"units stand-in bytes")
    go(at, "execution")
    at.multiselect(key="exec_units").set_value(["科技馆"]).run()
    assert_clean(at)
    assert "当前范围：5 个项目" in text(at)
    at.segmented_control(key="exec_view").set_value("按单位").run()
    assert_clean(at)
    assert "当前范围：5 个项目" in text(at)


def test_deviations_page():
    at = loaded_app()
    go(at, "deviations")
    k = metrics(at)
    assert k == {
        "预警项目": "10 个",
        "按规则有偏差": "10 个",
        "单位自报有偏差": "9 个",
        "自报与判定不一致": "1 个",
    }
    body = text(at)
    assert "预警清单（10 个项目）" in body
    assert "预算执行率 76\\.99%" not in body  # numbers are not escaped away
    assert (
        "预算执行率 76.99%，低于 90.00%（预算 2,691.00 万元，执行 2,071.67 万元，未执行 619.33 万元）" in body
    )
    assert "自报与判定不一致" in body
    table = at.main.dataframe[0].value
    mismatch = table[table["是否一致"] == "不一致"]
    assert list(mismatch["行号"]) == [7]
    assert mismatch["单位自报偏差"].iloc[0] == "否" and mismatch["按规则判定"].iloc[0] == "有偏差"
    assert "单位" not in table.columns  # no unit column in this table
    at.multiselect(key="dev_reasons").set_value(["LOW_EXECUTION"]).run()
    assert_clean(at)
    assert "预警清单（4 个项目）" in text(at)
    at.toggle(key="dev_only_mismatch").set_value(True).run()
    assert "没有符合筛选条件的项目" in text(at)


def test_scores_page():
    at = loaded_app()
    go(at, "scores")
    k = metrics(at)
    assert k["金额加权平均分"] == "96.39 分" and k["简单平均分"] == "92.06 分"
    assert k["90 分及以上"] == "86.67%"
    body = text(at)
    assert "金额加权平均分 96.39 按预算金额加权，简单平均分 92.06 是 15 个项目得分的算术平均" in body
    assert "「知识产权事业发展」20.00 分" in body
    assert "得分按「河南汇总表口径」计算" in body
    assert "在 15 个有填报得分的项目中，按此方案重新计算与填报一致的有 15 个" in body
    assert "优 13 个　良 1 个　中 0 个　差 1 个" in body
    assert "15 个项目的填报得分与按「河南汇总表口径」重新计算的得分一致" in at.main.success[0].value


def test_other_engineers_pages_render_with_the_sample_loaded():
    at = loaded_app()
    for page in ("forms", "final"):
        go(at, page)
        assert at.main.title, page


# --- pure helpers ---------------------------------------------------------------------------------
def test_xlsx_download_writes_formula_like_text_as_text(henan_analysis):
    """The 偏差预警 download: a project name can never run as a formula."""
    flagged = henan_analysis.flagged.copy()
    names = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)"]
    flagged.loc[flagged.index[:4], m.PROJECT] = names
    wb = openpyxl.load_workbook(io.BytesIO(flagged_xlsx(henan_analysis, flagged, title="偏差项目清单")))
    ws = wb.active
    assert ws["A1"].value == "偏差项目清单"
    header = [c.value for c in ws[2]]
    col = header.index("项目名称") + 1
    cells = [ws.cell(row=r, column=col) for r in range(3, 7)]
    assert [c.value for c in cells] == names
    assert all(c.data_type == "s" for c in cells)
    budget = ws.cell(row=3, column=header.index("预算数（万元）") + 1)
    assert budget.data_type == "n" and budget.value == 50.0
    assert ws.max_row == 2 + len(flagged)


def test_flagged_table_states_both_verdicts(henan_analysis):
    t = data.flagged_table(henan_analysis.flagged)
    assert len(t) == 10
    row = t[t["行号"] == 12].iloc[0]
    assert row["偏差类型"] == "执行率偏低、指标未满分"
    assert "预算执行率 0.00%" in row["原因说明"]
    assert row["单位自报偏差"] == "是" and row["是否一致"] == "一致"


def test_pick_projects(henan_analysis):
    p = henan_analysis.projects
    assert list(data.pick_projects(p, top_n=2)[m.PROJECT]) == [
        "知识产权事业发展",
        "科普与学会服务能力提升专项-省级",
    ]
    assert data.pick_projects(p, order="largest", top_n=1)[m.BUDGET].iloc[0] == 2691.0
    assert data.pick_projects(p, order="lowest_score", top_n=1)[m.SCORE].iloc[0] == 20.0
    assert len(data.pick_projects(p, query="会议")) == 2


def test_col_letter():
    assert [col_letter(i) for i in (0, 2, 25, 26, 27, 701, 702)] == [
        "A",
        "C",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_template_is_read_without_corrections():
    content = build_template()
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["项目单位自评汇总表", "填表说明"]
    assert [c.value for c in wb["项目单位自评汇总表"][3]] == [c[0] for c in COLUMNS]
    assert wb["填表说明"]["A1"].value == "填表说明"
    ds = read_dataset(content, "模板.xlsx")
    table = ds.table
    assert len(table.projects) == 1
    row = table.projects.iloc[0]
    assert row[m.BUDGET] == 100.0 and row[m.EXECUTED] == 95.0 and row[m.REPORTED_SCORE] == 99.5
    assert set(table.source.columns) >= {m.PROJECT, m.BUDGET, m.EXECUTED, m.UNIT, m.SELF_FLAG}
    assert not [f for f in table.findings if f.severity != "info"]


def test_committed_template_matches_the_builder():
    committed = openpyxl.load_workbook(HENAN_XLSX.parent / "template_project_summary.xlsx")
    built = openpyxl.load_workbook(io.BytesIO(build_template()))
    for name in built.sheetnames:
        a = [[c.value for c in row] for row in committed[name].iter_rows()]
        b = [[c.value for c in row] for row in built[name].iter_rows()]
        assert a == b, name


def test_sample_copy_is_the_project_own_file():
    assert HENAN_XLSX.is_file()
    assert data.SAMPLE_PATH == HENAN_XLSX
    assert "shared" not in str(data.SAMPLE_PATH)


def test_md_escape_shows_uploaded_text_literally():
    from components.widgets import md_escape

    assert md_escape("**粗体** [链接](http://x) :red[红] <b>") == (
        "\\*\\*粗体\\*\\* \\[链接\\](http\\://x) \\:red\\[红\\] \\<b\\>"
    )
    assert md_escape("- 列表") == "\\- 列表"
    assert md_escape("1. 序号") == "1\\. 序号"
    assert md_escape("两行\n文字") == "两行 文字"
    assert md_escape("科普与学会服务能力提升专项-省级") == "科普与学会服务能力提升专项-省级"


def test_the_overview_says_how_many_impossible_values_were_left_out():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年度项目单位自评汇总表"])
    ws.append(["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "自评得分"])
    ws.append([1, "科普活动", 100, 90, 95])
    ws.append([2, "学会建设", "1e308", 50, 1000])
    ws.append([3, "培训", 200, 50, 90])
    buf = io.BytesIO()
    wb.save(buf)
    at = upload(new_app(), "t.xlsx", buf.getvalue())
    go(at, "overview")
    assert "已剔除 2 个异常值" in text(at)
    assert metrics(at)["预算总额（万元）"] == "300.00"  # 100 + 200: the 1e308 is not in it


def test_every_table_shows_a_missing_value_as_a_dash():
    """Streamlit writes "None" in an empty cell unless told otherwise: every table goes through
    components.tables.show_table, and no page calls st.dataframe itself."""
    at = loaded_app()
    seen = 0
    for page in ("overview", "import", "execution", "deviations", "scores"):
        go(at, page)
        for table in at.dataframe:
            assert table.proto.placeholder == "—", page
            seen += 1
    assert seen >= 3
    for path in [*sorted(APP.parent.glob("pages/*.py")), *sorted(APP.parent.glob("components/*.py"))]:
        if path.name != "tables.py":
            assert "st.dataframe(" not in path.read_text(encoding="utf-8"), path.name


def test_the_slowest_projects_caption_counts_what_a_small_table_has():
    from tests.test_reader_choices import xlsx

    rows = [["项目名称", "预算数（万元）", "执行数（万元）"], ["甲", 100, 90], ["乙", 50, 20], ["丙", 80, 80]]
    at = go(upload(new_app(), "小表.xlsx", xlsx(("Sheet1", rows))), "overview")
    captions = [c.value for c in at.main.caption]
    assert any(c.startswith("执行率最低的 3 个项目") for c in captions), captions
