"""The 决算图表 page (pages/final_accounts.py) through streamlit.testing.v1.AppTest.

AppTest cannot see plotly charts, so the checks are on text, code blocks and dataframes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import template as fa_template

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "pages" / "final_accounts.py")
SAMPLE = ROOT / "sample_data" / fa_template.SAMPLE_FILE
SEED = Path(__file__).parent / "data" / "seed_004.txt"
WRONG = "2023年度收、支总计均为874.05万元。与2022年度相比，收、支总计各减少3.42万元，下降4%。"


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    return [c.value for c in at.code] + [m.value for m in at.markdown] + [t.value for t in at.text]


def _statement_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "结论" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def test_empty_page_says_what_to_do(page: AppTest) -> None:
    assert any("还没有决算数据" in i.value for i in page.info)
    assert page.button(key="fa_sample").label == "使用示例数据"
    assert not page.code


def test_sample_button_shows_sentences_tables_and_findings(page: AppTest) -> None:
    page.button(key="fa_sample").click().run()
    assert not page.exception
    fa = page.session_state[state.FINAL_ACCOUNTS]
    assert isinstance(fa, fam.FinalAccounts) and fa.unit == "凉山州科学技术协会"
    sentences = [c.value for c in page.code]
    assert (
        sentences[0]
        == "2023年度收、支总计均为874.05万元。与2022年度相比，收、支总计各减少3.42万元，下降0.39%。"
    )
    assert any("基本支出468.99万元，占53.66%" in s for s in sentences)
    assert any("完成年初预算的142.24%" in s for s in sentences)
    tables = [d.value for d in page.dataframe]
    structure = [t for t in tables if "占比（%）" in t.columns]
    assert len(structure) == 4  # 图2 图3 图6 图7
    findings = [t for t in tables if "说明" in t.columns and "级别" in t.columns]
    assert len(findings) == 1 and "142.24%" in findings[0]["说明"].iloc[0]
    assert any("凉山州科学技术协会" in t for t in _texts(page))


def test_pasted_wrong_sentence_is_marked(page: AppTest) -> None:
    page.text_area(key="fa_text").input(WRONG).run()
    assert not page.exception
    table = _statement_table(page)
    assert table["结论"].tolist() == ["不一致"]
    assert table["正确值"].tolist() == ["减少3.42万元，下降0.39%"]
    assert any("不一致 1 处" in m.value for m in page.markdown)


def test_checker_uses_the_figures_once_loaded(page: AppTest) -> None:
    page.button(key="fa_sample").click().run()
    page.text_area(key="fa_text").input("2023年度一般公共预算支出决算数为874.05，完成预算142.24%。").run()
    table = _statement_table(page)
    assert table["结论"].tolist() == ["一致"]
    assert "614.51" in table["说明"].iloc[0]


def test_upload_of_the_sample_template(page: AppTest) -> None:
    page.file_uploader(key="fa_upload").upload(SAMPLE.name, SAMPLE.read_bytes()).run()
    assert not page.exception
    assert page.code and "874.05" in page.code[0].value
    assert page.session_state[state.FINAL_ACCOUNTS].year(2023).admin_operating == 51.17


def test_upload_of_a_bad_file_gives_a_chinese_message(page: AppTest) -> None:
    page.file_uploader(key="fa_upload").upload("坏文件.xlsx", b"PK\x03\x04 truncated").run()
    assert not page.exception
    assert any("文件读取失败" in e.value and "损坏" in e.value for e in page.error)
    assert any("还没有决算数据" in i.value for i in page.info)


def test_report_file_upload_in_the_checker(page: AppTest) -> None:
    page.file_uploader(key="fa_text_upload").upload(SEED.name, SEED.read_bytes(), "text/plain").run()
    assert not page.exception
    table = _statement_table(page)
    assert table["结论"].tolist().count("不一致") == 5
    page.toggle(key="fa_only_problems").set_value(True).run()
    assert set(_statement_table(page)["结论"]) == {"不一致", "舍入差异"}


def test_editing_the_figures_updates_sentences_and_findings(page: AppTest) -> None:
    page.button(key="fa_sample").click().run()
    editor = page.data_editor[0]
    frame = editor.value
    row = int(frame.index[frame["项目"] == "基本支出"][0])
    page.session_state[editor.key] = {
        "edited_rows": {row: {"2023年": 470.0}},
        "added_rows": [{"分组": "", "项目": "教育支出", "2023年": 1.0}],
        "deleted_rows": [],
    }
    next(b for b in page.button if b.label == "应用修改").click().run()
    assert not page.exception
    fa = page.session_state[state.FINAL_ACCOUNTS]
    assert fa.year(2023).expenditure["基本支出"] == 470.0
    assert fa.year(2023).by_function["教育支出"] == 1.0
    assert any("基本支出470万元，占53.77%" in c.value for c in page.code)
    findings = next(d.value for d in page.dataframe if "级别" in d.value.columns)
    messages = " ".join(findings["说明"])
    assert "与本年支出合计874.05万元不符" in messages  # 470 + 405.06 = 875.06
    assert "各功能分类支出之和为875.05万元" in messages


def test_something_else_in_the_state_is_not_a_crash() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[state.FINAL_ACCOUNTS] = {"kind": "not figures"}
    at.run()
    assert not at.exception
    assert any("还没有决算数据" in i.value for i in at.info)
