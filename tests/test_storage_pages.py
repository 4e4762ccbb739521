"""Datasets that last, through AppTest: 保存 on 数据导入, the sidebar picker, 数据管理, 历年对比, 单位对比,
an unreachable database, and the admin login. Each test has its own SQLite file (JIXIAO_DB_URL); a
fresh AppTest is a restart or another user: it shares nothing with the last one but the database.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from components import state, storage
from jixiao import model as m
from jixiao.auth import ENV_HASH, hash_password
from jixiao.store.db import ENV_URL, Store
from tests.conftest import APP, HENAN_XLSX, SAMPLE_DATA

pytestmark = pytest.mark.usefixtures("apptest_navigation")

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNIT = "河南省科学技术协会"
PAGES = {
    "overview": "pages/overview.py",
    "import": "pages/import_data.py",
    "manage": "pages/data_manage.py",
    "history": "pages/history.py",
    "units": "pages/units.py",
}
UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:9/x?connect_timeout=1"


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.delenv(ENV_HASH, raising=False)
    return url


@pytest.fixture(scope="module")
def henan() -> bytes:
    return HENAN_XLSX.read_bytes()


def variant(
    henan: bytes, *, title: str | None = None, scale: float = 1.0, rename: dict | None = None
) -> bytes:
    """The Henan workbook with other amounts / names / title: a 2022 or another unit's table."""
    wb = openpyxl.load_workbook(io.BytesIO(henan))
    ws = wb.active
    if title is not None:
        ws["A1"] = title
    for row in ws.iter_rows(min_row=4, max_row=18):
        name, budget, executed = row[1], row[2], row[3]
        if rename and name.value in rename:
            name.value = rename[name.value]
        if scale != 1.0 and isinstance(budget.value, int | float):
            budget.value = round(budget.value * scale, 2)
            executed.value = budget.value  # everything spent that year
    total = ws.cell(row=19, column=3)
    if scale != 1.0:
        budgets = [ws.cell(row=r, column=3).value for r in range(4, 19)]
        total.value = round(sum(budgets), 2)
        ws.cell(row=19, column=4).value = total.value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- helpers -----------------------------------------------------------------------------------------
def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert_clean(at)
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(PAGES[page]).run()
    assert_clean(at)
    return at


def text(at: AppTest) -> str:
    parts = [e.value for e in at.main.markdown] + [e.value for e in at.main.caption]
    parts += [e.value for e in at.main.info] + [e.value for e in at.main.success]
    parts += [e.value for e in at.main.warning] + [e.value for e in at.main.error]
    return "\n".join(parts)


def metrics(at: AppTest) -> dict[str, str]:
    return {mt.label: mt.value for mt in at.main.metric}


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    go(at, "import")
    at.file_uploader(key="upload_file").set_value((name, content, XLSX_MIME)).run()
    assert_clean(at)
    return at


def save(at: AppTest, unit: str | None = None, year: int | None = None, label: str | None = None) -> AppTest:
    if unit is not None:
        at.text_input(key="save_unit").set_value(unit)
    if year is not None:
        at.number_input(key="save_year").set_value(year)
    if label is not None:
        at.text_input(key="save_label").set_value(label)
    at.button(key="save_submit").click().run()
    assert_clean(at)
    return at


def picker(at: AppTest):
    return at.sidebar.selectbox(key=storage.PICKER_KEY)


def has_picker(at: AppTest) -> bool:
    return any(w.key == storage.PICKER_KEY for w in at.sidebar.selectbox)


def option_labels(at: AppTest) -> list[str]:
    return list(picker(at).options)


def stored(url: str) -> list:
    s = Store(url)
    try:
        return s.list_datasets(include_deleted=True)
    finally:
        s.dispose()


def seed(url: str, content: bytes, unit: str, year: int, name: str = "汇总表.xlsx") -> int:
    """Store a file the way the 保存 step does (used to prepare a database for another session)."""
    from jixiao.read import read_dataset
    from jixiao.store.db import summary_of

    table = read_dataset(content, name).table
    s = Store(url)
    try:
        return s.import_file(
            content, name, unit=unit, year=year, mapping=table.source.mapping, summary=summary_of(table)
        ).dataset_id
    finally:
        s.dispose()


# --- 保存 and the picker ------------------------------------------------------------------------------
def test_save_prefills_unit_and_year_and_lists_the_dataset(db, henan):
    at = new_app()
    upload(at, "henan_2023_summary.xlsx", henan)
    assert at.text_input(key="save_unit").value == UNIT
    assert at.number_input(key="save_year").value == 2023
    assert "单机模式：未设置管理员密码" in "\n".join(c.value for c in at.sidebar.caption)
    save(at)
    assert "已保存为 河南省科学技术协会 2023年 第 1 版" in at.main.success[0].value
    # the current data is that version now: no second save offered, the picker shows it
    assert not [b for b in at.main.button if b.key == "save_submit"]
    assert "无需再次保存" in text(at)
    [info] = stored(db)
    assert (info.unit, info.year, info.kind, info.version, info.projects) == (
        UNIT,
        2023,
        m.KIND_PROJECT_TABLE,
        1,
        15,
    )
    assert round(info.execution_rate, 2) == 86.23 and info.label == "项目单位自评汇总表"
    assert picker(at).value == info.id
    assert option_labels(at) == [
        "本次上传：henan_2023_summary.xlsx",
        f"{UNIT} · 2023 · 项目单位自评汇总表（第1版）",
    ]
    go(at, "manage")
    table = at.main.dataframe[0].value
    row = table.iloc[0]
    assert (row["单位"], row["年度"], row["类型"], row["版本"], row["项目数"]) == (
        UNIT,
        2023,
        "项目单位自评汇总表",
        "第1版（共1版）",
        15,
    )
    assert (row["预算数（万元）"], row["执行数（万元）"], row["执行率（%）"]) == (7863.66, 6780.62, 86.23)
    assert "这是当前打开的数据" in text(at)


def test_save_needs_a_unit_and_a_year(db, henan):
    at = new_app()
    upload(at, "汇总表.xlsx", variant(henan, title="项目单位自评汇总表"))  # names neither unit nor year
    assert at.text_input(key="save_unit").value == "" and at.number_input(key="save_year").value is None
    save(at, unit="河南省科技馆")
    assert "请填写年度" in at.main.error[0].value
    assert at.text_input(key="save_unit").value == "河南省科技馆"  # what was typed stays
    save(at, unit="  ", year=2023)
    assert "请填写单位名称" in at.main.error[0].value
    assert stored(db) == []
    save(at, unit="河南省科技馆", year=2023)
    assert "已保存为 河南省科技馆 2023年 第 1 版" in at.main.success[0].value


def test_identical_bytes_are_not_saved_twice(db, henan):
    first = new_app()
    upload(first, "henan_2023_summary.xlsx", henan)
    save(first)
    other = new_app()  # another user uploads the same file
    upload(other, "河南2023.xlsx", henan)
    save(other, unit=UNIT, year=2023)
    assert (
        "这个文件已经导入过（河南省科学技术协会 2023年，第 1 版），没有重复保存" in other.main.info[0].value
    )
    assert [(i.version, i.versions) for i in stored(db)] == [(1, 1)]


def test_a_new_user_opens_the_stored_dataset_after_a_restart(db, henan):
    at = new_app()
    upload(at, "henan_2023_summary.xlsx", henan)
    save(at, label="2023年度终版")
    [info] = stored(db)
    storage._open_store.clear()  # a restart: the process's Store is gone, the database stays
    fresh = new_app()
    # a fresh visit opens the latest stored dataset by itself
    assert option_labels(fresh) == [f"{UNIT} · 2023 · 2023年度终版（第1版）"]
    assert picker(fresh).value == info.id
    k = metrics(fresh)
    assert k["总体执行率"] == "86.23%" and k["金额加权平均分"] == "96.39 分"
    assert fresh.session_state[state.STORED_ID] == info.id
    assert "henan\\_2023\\_summary.xlsx" in "\n".join(e.value for e in fresh.sidebar.markdown)
    # every page works on it as on an upload
    go(fresh, "import")
    assert "识别结果" in [e.value for e in fresh.main.subheader]
    assert "第 1 版" in text(fresh)


def test_switching_between_the_upload_and_a_stored_dataset(db, henan):
    seed(db, variant(henan, scale=0.5), "科技馆", 2023)
    at = new_app()
    [info] = stored(db)
    assert at.session_state[state.STORED_ID] == info.id  # opened on arrival
    go(at, "import")
    at.button(key="sample_import").click().run()
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == "7,863.66"
    assert at.session_state[state.STORED_ID] is None
    picker(at).set_value(info.id).run()
    assert_clean(at)
    assert metrics(at)["总体执行率"] == "100.00%"
    assert at.session_state[state.STORED_ID] == info.id
    picker(at).set_value(storage.UPLOAD_OPTION).run()
    assert_clean(at)
    assert metrics(at)["预算总额（万元）"] == "7,863.66"
    assert at.session_state[state.STORED_ID] is None


def test_opening_applies_the_settings_saved_with_the_data(db, henan):
    at = new_app()
    upload(at, "henan_2023_summary.xlsx", henan)
    at.sidebar.number_input(key="set_low_threshold").set_value(99.0).run()
    save(at)
    [info] = stored(db)
    fresh = new_app()  # opens the stored dataset on arrival, under the settings saved with it
    assert fresh.session_state[state.STORED_ID] == info.id
    assert fresh.sidebar.number_input(key="set_low_threshold").value == 99.0
    assert "执行率低于预警线 99.00% 的项目 6 个" in text(fresh)


def test_corrections_are_saved_and_reapplied(db, henan):
    at = new_app()
    upload(at, "henan_2023_summary.xlsx", henan)
    key = next(w.key for w in at.main.selectbox if w.key and w.key.startswith("remap_unit_"))
    at.selectbox(key=key).set_value("元")
    next(b for b in at.main.button if b.label == "按更正重新识别").click().run()
    assert_clean(at)
    save(at)
    [info] = stored(db)
    assert round(info.budget, 2) == 0.79  # the summary is of the corrected table
    fresh = new_app()
    picker(fresh).set_value(info.id).run()
    assert metrics(fresh)["预算总额（万元）"] == "0.79"


def test_forms_workbook_is_saved_with_its_kind(db):
    content = (SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx").read_bytes()
    at = new_app()
    upload(at, "liangshan_2023_selfeval_forms.xlsx", content)
    # no unit in the title or file name: the forms' own 单位 fills it in
    assert at.text_input(key="save_unit").value == "凉山州科学技术协会"
    assert at.number_input(key="save_year").value == 2023
    save(at)
    [info] = stored(db)
    assert (info.kind, info.projects, info.label) == (m.KIND_SELFEVAL_FORMS, 5, "项目支出绩效自评表")
    fresh = new_app()
    picker(fresh).set_value(info.id).run()
    assert_clean(fresh)
    assert fresh.session_state[state.KIND] == m.KIND_SELFEVAL_FORMS
    assert metrics(fresh)["项目数"] == "5 个"


def test_a_final_accounts_workbook_can_be_saved(db, henan):
    content = (SAMPLE_DATA / "liangshan_2023_final_accounts.xlsx").read_bytes()
    at = new_app()
    upload(at, "决算.xlsx", content)
    assert at.session_state[state.LAST_KIND] == m.KIND_FINAL_ACCOUNTS
    assert "将保存：决算.xlsx（部门决算图表数据）" in text(at)
    assert at.text_input(key="save_unit").value == "凉山州科学技术协会"
    assert at.number_input(key="save_year").value == 2023
    save(at)
    assert "已保存为 凉山州科学技术协会 2023年 第 1 版" in at.main.success[1].value
    [info] = stored(db)
    assert info.kind == m.KIND_FINAL_ACCOUNTS and info.projects is None
    # a 决算 dataset is not a project table: the picker does not offer it, 数据管理 lists it
    assert not has_picker(at)
    go(at, "manage")
    assert at.main.dataframe[0].value.iloc[0]["类型"] == "部门决算图表数据"


# --- 数据管理 -----------------------------------------------------------------------------------------
def test_rename_delete_and_restore(db, henan):
    dataset_id = seed(db, henan, UNIT, 2023)
    at = new_app()
    go(at, "manage")
    at.text_input(key=f"dm_label_{dataset_id}").set_value("2023 汇总（终版）")
    at.button(key="dm_rename").click().run()
    assert_clean(at)
    assert "已改名为「2023 汇总（终版）」" in at.main.success[0].value
    assert at.main.dataframe[0].value.iloc[0]["名称"] == "2023 汇总（终版）"
    assert option_labels(at) == [f"{UNIT} · 2023 · 2023 汇总（终版）（第1版）"]
    at.button(key="dm_delete").click().run()
    assert_clean(at)
    assert "已删除" in at.main.success[0].value
    assert "还没有保存的数据集" in text(at)
    # it was open (a fresh visit opened it): the picker still names it, as deleted, and nothing else
    assert option_labels(at) == [f"{UNIT} · 2023 · 2023 汇总（终版）（第1版）（已删除）"]
    at.toggle(key="dm_show_deleted").set_value(True).run()
    assert at.main.dataframe[0].value.iloc[0]["状态"] == "已删除"
    assert at.button(key="dm_open").disabled
    at.button(key="dm_restore").click().run()
    assert_clean(at)
    assert "已恢复" in at.main.success[0].value
    assert [i.deleted for i in stored(db)] == [False]
    assert option_labels(at) == [f"{UNIT} · 2023 · 2023 汇总（终版）（第1版）"]


def test_open_and_download_from_the_manage_page(db, henan):
    seed(db, henan, UNIT, 2023, name="原始文件.xlsx")
    at = new_app()
    go(at, "manage")
    downloads = {b.proto.label: b for b in at.main.get("download_button")}
    assert set(downloads) == {"下载原文件", "下载此版本原文件"}
    at.button(key="dm_open").click().run()
    assert_clean(at)
    assert "已打开「河南省科学技术协会 · 2023 · " in at.main.success[0].value
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


def test_versions_and_restoring_an_older_one(db, henan):
    dataset_id = seed(db, henan, UNIT, 2023)
    at = new_app()
    upload(at, "河南2023第二稿.xlsx", variant(henan, scale=0.5))
    save(at, unit=UNIT, year=2023)
    assert "第 2 版" in at.main.success[0].value
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "100.00%"
    go(at, "manage")
    versions = at.main.dataframe[1].value
    assert list(versions["版本"]) == ["第2版", "第1版"] and list(versions["当前"]) == ["当前", ""]
    assert not [b for b in at.main.button if b.key == "dm_make_current"]  # the current one is current
    at.selectbox(key=f"dm_version_{dataset_id}").set_value(1).run()
    at.button(key="dm_make_current").click().run()
    assert_clean(at)
    assert "已恢复为第 1 版" in at.main.success[0].value
    assert [(i.version, i.versions) for i in stored(db)] == [(1, 2)]
    # the open dataset follows: the pages show version 1 again
    assert at.session_state[state.STORED_VERSION] == 1
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


# --- an unreachable database ---------------------------------------------------------------------------
def test_an_unreachable_database_is_a_message_and_the_upload_still_works(monkeypatch, henan):
    monkeypatch.setenv(ENV_URL, UNREACHABLE)
    at = new_app()
    warning = at.sidebar.warning[0].value
    assert "无法连接数据库服务器" in warning and "本次会话" in warning
    upload(at, "henan_2023_summary.xlsx", henan)
    assert "识别结果" in [e.value for e in at.main.subheader]
    assert not [b for b in at.main.button if b.key == "save_submit"]
    assert "无法连接数据库服务器" in "\n".join(e.value for e in at.main.warning)
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"
    for page in ("manage", "history", "units"):
        go(at, page)
        assert "无法连接数据库服务器" in "\n".join(e.value for e in at.main.error), page


def test_a_database_that_fails_after_the_form_was_shown(db, henan, monkeypatch):
    at = new_app()
    upload(at, "henan_2023_summary.xlsx", henan)
    monkeypatch.setenv(ENV_URL, UNREACHABLE)  # the server went away while the user typed
    save(at)
    assert "无法连接数据库服务器" in at.main.error[0].value
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


# --- admin login ---------------------------------------------------------------------------------------
@pytest.fixture
def protected(db, monkeypatch) -> str:
    monkeypatch.setenv(ENV_HASH, hash_password("正确的密码"))
    return db


def login(at: AppTest, password: str) -> AppTest:
    at.sidebar.text_input(key=storage.LOGIN_KEY).set_value(password)
    at.sidebar.button(key="admin_login_submit").click().run()
    assert_clean(at)
    return at


def test_with_a_password_saving_needs_the_login(protected, henan):
    at = new_app()
    captions = "\n".join(c.value for c in at.sidebar.caption)
    assert "单机模式" not in captions
    upload(at, "henan_2023_summary.xlsx", henan)
    assert not [b for b in at.main.button if b.key == "save_submit"]
    assert "需要管理员登录" in text(at)
    login(at, "错误的密码")
    assert "密码不正确" in at.sidebar.error[0].value
    assert not [b for b in at.main.button if b.key == "save_submit"]
    assert at.session_state[state.ADMIN] is False
    login(at, "正确的密码")
    assert not at.sidebar.error
    assert "已以管理员身份登录" in "\n".join(c.value for c in at.sidebar.caption)
    assert not [t for t in at.sidebar.text_input if t.key == storage.LOGIN_KEY]
    save(at)
    assert "已保存为" in at.main.success[0].value
    assert len(stored(protected)) == 1
    at.sidebar.button(key="admin_logout").click().run()
    assert_clean(at)
    assert at.session_state[state.ADMIN] is False
    go(at, "manage")
    assert not [b for b in at.main.button if b.key in ("dm_delete", "dm_rename", "dm_make_current")]
    assert "需要管理员登录" in text(at)


def test_with_a_password_a_visitor_browses_but_cannot_change(protected, henan):
    dataset_id = seed(protected, henan, UNIT, 2023)
    seed(protected, variant(henan, scale=0.5), UNIT, 2023)  # version 2
    at = new_app()
    go(at, "manage")
    at.selectbox(key=f"dm_version_{dataset_id}").set_value(1).run()
    changing = ("dm_delete", "dm_restore", "dm_rename", "dm_make_current")
    assert not [b for b in at.main.button if b.key in changing]
    assert not [t for t in at.main.text_input if t.key == f"dm_label_{dataset_id}"]
    assert {b.proto.label for b in at.main.get("download_button")} == {"下载原文件", "下载此版本原文件"}
    at.button(key="dm_open").click().run()  # browsing is open to everyone
    assert_clean(at)
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "100.00%"  # version 2 is current
    login(at, "正确的密码")
    go(at, "manage")
    at.selectbox(key=f"dm_version_{dataset_id}").set_value(1).run()
    assert {b.key for b in at.main.button} >= {"dm_delete", "dm_rename", "dm_make_current"}
    at.button(key="dm_delete").click().run()
    assert_clean(at)
    assert [i.deleted for i in stored(protected)] == [True]
    # the callbacks check again: a control drawn while logged in refuses once the login is gone
    at.toggle(key="dm_show_deleted").set_value(True).run()
    at.session_state[state.ADMIN] = False
    at.button(key="dm_restore").click().run()
    assert_clean(at)
    assert "需要管理员登录" in at.main.error[0].value
    assert [i.deleted for i in stored(protected)] == [True]


# --- 历年对比 and 单位对比 --------------------------------------------------------------------------------
def test_history_compares_two_years(db, henan):
    last = variant(henan, scale=0.9, rename={"知识产权事业发展": "老旧设备报废处置"})
    seed(db, last, UNIT, 2022, name="henan_2022.xlsx")
    seed(db, henan, UNIT, 2023)
    at = new_app()
    go(at, "history")
    k = metrics(at)
    assert k["2023年执行率"] == "86.23%"
    assert k["2023年预算总额（万元）"] == "7,863.66"
    assert k["2023年金额加权平均分"] == "96.39 分" and k["2023年简单平均分"] == "92.06 分"
    deltas = {mt.label: mt.delta for mt in at.main.metric}
    assert deltas["2023年执行率"] == "-13.77 个百分点（比2022年）"  # 2022: everything spent
    body = text(at)
    assert "2023年与2022年相比：预算总额 7,863.66 万元，增加 " in body
    assert "执行率 86.23%，降低 13.77 个百分点" in body
    years = at.main.dataframe[0].value
    assert list(years["年度"]) == ["2022年", "2023年"]
    assert list(years["执行率（%）"]) == [100.0, 86.23]
    assert "延续 14 个（按编码匹配 0 个，按名称匹配 14 个），新增 1 个，取消 1 个" in body
    changes = at.main.dataframe[1].value
    assert list(changes["状态"].head(2)) == ["新增", "取消"]
    assert list(changes["项目名称"].head(2)) == ["知识产权事业发展", "老旧设备报废处置"]
    assert changes.iloc[0]["预算数（万元）·2023年"] == "20.00"
    assert changes.iloc[0]["预算数（万元）·2022年"] == "—"  # a new project has no last year
    at.segmented_control(key="hist_status").set_value("取消").run()
    assert_clean(at)
    only = at.main.dataframe[1].value
    assert list(only["项目名称"]) == ["老旧设备报废处置"]
    assert only.iloc[0]["预算数（万元）·2022年"] == "18.00"


def test_history_with_one_year_says_what_is_missing(db, henan):
    seed(db, henan, UNIT, 2023)
    at = new_app()
    go(at, "history")
    assert "只保存了 2023 年度的数据" in text(at)
    assert not at.main.metric


def test_units_side_by_side(db, henan):
    seed(db, henan, UNIT, 2023)
    seed(db, variant(henan, title="河南省科技馆", scale=0.5), "河南省科技馆", 2023, name="kjg.xlsx")
    seed(db, henan, UNIT, 2022, name="old.xlsx")
    at = new_app()
    go(at, "units")
    assert at.selectbox(key="units_year").value == 2023
    k = metrics(at)
    assert k["单位数"] == "2 个"
    assert k["低于预警线的单位"] == "1 个"
    ranking = at.main.dataframe[0].value
    assert list(ranking["单位"]) == ["河南省科技馆", UNIT]
    assert list(ranking["排名"]) == [1, 2]
    assert list(ranking["执行率（%）"]) == [100.0, 86.23]
    assert list(ranking["红绿灯"]) == ["正常", "关注"]
    assert list(ranking["金额加权平均分"]) == [96.39, 96.39]
    assert "执行率最高的是「河南省科技馆」（100.00%），最低的是「河南省科学技术协会」（86.23%）" in text(at)
    at.selectbox(key="units_year").set_value(2022).run()
    assert_clean(at)
    assert metrics(at)["单位数"] == "1 个"
    assert "只保存了一个单位的数据" in text(at)


def test_units_opens_a_dataset_with_its_own_unit_column(db, monkeypatch, unit_analysis, henan):
    from components import data
    from jixiao.read import Dataset, read_dataset

    def fake(data_bytes, filename, **overrides):
        if filename == "units.xlsx":
            return Dataset(m.KIND_PROJECT_TABLE, unit_analysis.table)
        return read_dataset(data_bytes, filename, **overrides)

    monkeypatch.setattr(data, "read_dataset", fake)
    s = Store(db)
    s.import_file(b"three units stand-in", "units.xlsx", unit="省科协", year=2023, summary={"projects": 15})
    s.dispose()
    at = new_app()
    go(at, "units")
    assert at.toggle(key="units_internal").value is True  # one dataset: its own units are the point
    ranking = at.main.dataframe[0].value
    assert sorted(ranking["单位"]) == ["省科协 · 科协本级", "省科协 · 科技馆", "省科协 · 进修学院"]
    assert ranking["项目数"].sum() == 15
    at.toggle(key="units_internal").set_value(False).run()
    assert list(at.main.dataframe[0].value["单位"]) == ["省科协"]


# --- the same on a real PostgreSQL ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def postgres():
    from tests.pg import PostgresServer

    server = PostgresServer()
    server.start()
    yield server
    server.stop()


def test_save_and_reopen_on_postgresql(postgres, monkeypatch, henan):
    url = postgres.new_database()
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.delenv(ENV_HASH, raising=False)
    at = new_app()
    upload(at, "henan_2023_summary.xlsx", henan)
    save(at)
    assert "已保存为 河南省科学技术协会 2023年 第 1 版" in at.main.success[0].value
    [info] = stored(url)
    storage._open_store.clear()
    fresh = new_app()
    picker(fresh).set_value(info.id).run()
    assert_clean(fresh)
    assert metrics(fresh)["总体执行率"] == "86.23%"
    go(fresh, "manage")
    assert fresh.main.dataframe[0].value.iloc[0]["执行率（%）"] == 86.23
