"""数据导入 shows what the reader chose when two columns fit a field, the report year and the hidden rows
left out, and lets the user change each (AppTest)."""

from __future__ import annotations

from components import state
from tests.test_pages import assert_clean, go, metrics, new_app, submit, text, upload
from tests.test_reader_choices import BUDGET, PROJECTS, _two_years, _with_hidden


def _key(at, prefix: str) -> str:
    widgets = [*at.main.selectbox, *at.main.number_input, *at.main.checkbox]
    keys = [w.key for w in widgets if w.key and w.key.startswith(prefix)]
    assert len(keys) == 1, keys
    return keys[0]


def _correct(at, prefix: str, value) -> None:
    """On 数据导入, set one choice of “识别有误？” and submit it."""
    go(at, "import")
    at.selectbox(key=_key(at, prefix)).set_value(value)
    submit(at)
    assert_clean(at)


def test_the_panel_names_the_column_passed_over_and_the_year_changes_it():
    at = upload(new_app(), "唐山.xlsx", _two_years("prior_first", "2022年", "2023年", ""))
    body = text(at)
    assert "**报告年度**：2023年" in body
    mapping = at.main.dataframe[0].value
    row = mapping[mapping["字段"] == "预算数"].iloc[0]
    assert row["表头文字"] == "2023年预算数(万元)" and "2022年预算数(万元)" in row["未采用的候选列"]
    # the header names only years: the choice is a 警告, shown with both columns (md-escaped in the panel)
    assert "采用F列「2023年预算数(万元)」，未采用D列「2022年预算数(万元)」" in text(at).replace("\\", "")
    at.number_input(key=_key(at, "remap_year_")).set_value(2022)
    submit(at)
    assert_clean(at)
    assert at.session_state[state.OVERRIDES]["report_year"] == 2022
    assert "columns" not in at.session_state[state.OVERRIDES]  # a new year lets the reader choose again
    go(at, "overview")
    expected = round(sum(round(p[2] * 1.1, 2) for p in PROJECTS), 2)
    assert metrics(at)["预算总额（万元）"] == f"{expected:,.2f}"


def test_the_hidden_switch_takes_hidden_rows_in():
    data, stale = _with_hidden()
    at = upload(new_app(), "t.xlsx", data)
    assert f"**隐藏的行和列**：{stale + 1} 个未计入" in text(at)
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == f"{BUDGET:,.2f}"
    go(at, "import")
    at.checkbox(key=_key(at, "remap_hidden_")).check()
    submit(at)
    assert_clean(at)
    assert at.session_state[state.OVERRIDES]["include_hidden"] is True
    # what 保存 stores with the file, so a stored dataset is re-read with hidden rows in
    assert at.session_state[state.SESSION_FILE]["overrides"]["include_hidden"] is True
    assert "已按你的选择计入" in text(at)
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == f"{BUDGET + 100 * stale:,.2f}"


def test_a_hidden_sheet_is_marked_in_the_sheet_choice_and_can_be_read():
    from tests.test_hidden_sheets import book, henan_rows, old_rows

    data = book(("2022年", old_rows(), "hidden"), ("2023年", henan_rows(), "visible"))
    at = upload(new_app(), "两年.xlsx", data)
    key = _key(at, "remap_sheet_")
    choice = at.selectbox(key=key)
    assert choice.format_func("2022年") == "2022年（隐藏的工作表）"
    assert choice.format_func("2023年") == "2023年"
    assert choice.value == "2023年"
    choice.set_value("2022年")
    submit(at)
    assert_clean(at)
    assert at.session_state[state.OVERRIDES]["sheet"] == "2022年"
    go(at, "overview")
    old = [r for r in old_rows() if isinstance(r[0], float)]
    assert metrics(at)["预算总额（万元）"] == f"{round(sum(r[2] for r in old), 2):,.2f}"


def test_a_sheet_per_unit_is_shown_combined_and_stays_combined_when_the_unit_changes():
    from tests.test_reader_choices import EXECUTED, TANGSHAN, xlsx
    from tests.test_sheet_per_unit import _unit_sheet

    data = xlsx(*((u, _unit_sheet(r)) for u, r in TANGSHAN.items()))
    at = upload(new_app(), "分单位.xlsx", data)
    body = text(at)
    assert "科协本级、科工中心、科技馆（3 个工作表合并为一张表）" in body
    mapping = at.main.dataframe[0].value
    assert mapping[mapping["字段"] == "单位"].iloc[0]["表头文字"] == "取自各工作表的名称"
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == f"{BUDGET:,.2f}"
    _correct(at, "remap_unit_", "元")
    assert "sheet" not in at.session_state[state.OVERRIDES]  # every sheet read again, now in 元
    assert "3 个工作表合并为一张表" in text(at)
    go(at, "overview")
    assert metrics(at)["执行总额（万元）"] == f"{EXECUTED / 10000:,.2f}"
    _correct(at, "remap_sheet_", "科工中心")
    go(at, "overview")
    one = TANGSHAN["科工中心"]
    assert metrics(at)["预算总额（万元）"] == f"{round(sum(r[1] for r in one), 2) / 10000:,.2f}"


def test_columns_in_different_units_are_said_as_mixed_on_the_page_and_in_the_sidebar():
    from tests.test_reader_choices import EXECUTED, xlsx

    rows = [["项目名称", "预算数（元）", "执行数（万元）"]]
    rows += [[n, round(b * 10000), e] for _, n, b, e in PROJECTS]
    at = upload(new_app(), "混用.xlsx", xlsx(("Sheet1", rows)))
    assert "**金额单位**：元与万元混用（各列已分别换算为万元）" in text(at)
    sidebar = "\n".join(e.value for e in at.sidebar.markdown)
    assert "金额单位：元与万元混用" in sidebar
    go(at, "overview")
    assert metrics(at)["执行总额（万元）"] == f"{EXECUTED:,.2f}"


def test_pages_of_one_table_are_combined_without_a_unit_column_said():
    """第1页 / 第2页 are pages, not units: the mapping does not say the unit comes from the sheets' names."""
    from tests.test_office_layouts import _split

    at = upload(new_app(), "汇总表.xlsx", _split(("第1页", "第2页"), each_total=False))
    assert "第1页、第2页（2 个工作表合并为一张表）" in text(at)
    mapping = at.main.dataframe[0].value
    assert mapping[mapping["字段"] == "单位"].iloc[0]["表头文字"] == "未找到"
