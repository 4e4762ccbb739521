"""AppTest smoke tests of pages/selfeval_forms.py (项目自评表)."""

from __future__ import annotations

from pathlib import Path

import pytest
from form_layouts import FormSpec, one_form
from streamlit.testing.v1 import AppTest

from components import state
from jixiao.settings import Settings

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "selfeval_forms.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_empty_page_offers_the_sample_and_an_upload(app):
    assert any("还没有导入自评表" in t for t in texts(app.info))
    assert app.button(key="forms_sample").label == "使用示例数据"
    assert app.file_uploader(key="forms_upload") is not None
    assert state.FORMS not in app.session_state or app.session_state[state.FORMS] is None


def test_sample_loads_five_forms_and_shows_the_mismatch(app):
    app.button(key="forms_sample").click().run()
    assert not app.exception
    ds = app.session_state[state.FORMS]
    assert len(ds.forms) == 5
    listing = app.dataframe[0].value
    assert len(listing) == 5
    assert listing["项目名称"].tolist()[3] == "科普宣传活动业务经费"
    assert listing["合计得分（填报）"].tolist()[3] == "99.00"
    assert listing["分项相加"].tolist()[3] == "89.00"
    assert listing["错误"].tolist() == [0, 0, 0, 1, 0]

    app.selectbox(key="forms_pick").set_value(3).run()
    assert not app.exception
    errors = texts(app.error)
    assert len(errors) == 1
    assert "科普宣传活动业务经费" in errors[0] and "合计得分填报 99 分" in errors[0] and "89 分" in errors[0]
    # Info findings (blank 完成值 and the like) sit in an expander, not in the error/warning boxes.
    assert any(e.label.startswith("提示 5 条") for e in app.expander)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["合计得分（填报）"] == "99.00" and metrics["分项相加"] == "89.00"
    indicators = app.dataframe[-1].value
    assert indicators["填报得分"].tolist()[5] == "9.00" and indicators["公式得分"].tolist()[5] == "9.47"
    assert indicators["可按公式复核"].tolist()[2] == "否"
    # The finding sits on the row it concerns.
    assert "没有填写未完成原因分析" in indicators["审核提示"].tolist()[6]
    [download] = app.get("download_button")
    assert download.proto.label == "下载生成的项目单位自评汇总表（xlsx）"


def test_the_deviation_setting_reaudits(app):
    app.button(key="forms_sample").click().run()
    app.selectbox(key="forms_pick").set_value(2).run()
    assert any("偏离超过 ±20%" in t for t in texts(app.warning))
    app.session_state[state.SETTINGS] = Settings(target_deviation=100.0)
    app.run()
    assert not app.exception
    assert not any("偏离" in t for t in texts(app.warning))
    assert any("±100%" in t for t in texts(app.caption))


def test_a_bad_upload_shows_a_chinese_error(app):
    app.file_uploader(key="forms_upload").set_value(("坏文件.xlsx", b"PK\x03\x04 broken", XLSX)).run()
    assert not app.exception
    assert any("Excel 文件已损坏" in t for t in texts(app.error))


def test_an_upload_is_read_and_user_text_is_not_markup(app):
    spec = FormSpec(label="51340099T000000000001-<b>项目</b>*甲*")
    app.file_uploader(key="forms_upload").set_value(("自评表.xlsx", one_form(spec), XLSX)).run()
    assert not app.exception
    ds = app.session_state[state.FORMS]
    assert [f.project for f in ds.forms] == ["<b>项目</b>*甲*"]
    heading = texts(app.subheader)[-1]
    assert "<b>" not in heading and "\\<b\\>" in heading and "\\*甲\\*" in heading
    # The sample button still replaces the uploaded file.
    app.button(key="forms_sample").click().run()
    assert len(app.session_state[state.FORMS].forms) == 5


@pytest.mark.usefixtures("apptest_navigation")
def test_forms_loaded_on_this_page_become_the_current_dataset():
    from tests.conftest import APP

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("pages/selfeval_forms.py").run()
    at.button(key="forms_sample").click().run()
    assert not at.exception
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    values = {mt.label: mt.value for mt in at.main.metric}
    assert values["项目数"].startswith("5")
    sidebar = "\n".join(e.value for e in at.sidebar.markdown)
    assert "liangshan" in sidebar and "项目支出绩效自评表" in sidebar
    assert "自评表：5 张（5 个工作表）" in sidebar and "表头第" not in sidebar  # forms have no one header row


def test_a_summary_sheet_that_disagrees_with_the_forms_is_shown_as_an_error(app):
    from test_cross_check import summary_rows, workbook

    data = workbook(summary_rows(executed_off=-0.5, drop=0))
    app.file_uploader(key="forms_upload").set_value(("自评表.xlsx", data, XLSX)).run()
    assert not app.exception
    errors = [t for t in texts(app.error) if "汇总表的执行数" in t]
    assert len(errors) == 1 and "11.50 万元" in errors[0] and "12.00 万元" in errors[0]
    assert any("没有列出这个项目" in t and "州本级单位缴费" in t for t in texts(app.warning))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["错误"] == "2"  # the form's own 合计 mismatch and the 汇总表's
