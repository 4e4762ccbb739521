"""部门决算公开表 (公开01–07表) read into the figures behind 图1–图7 (jixiao/final_accounts/official.py).

The tables are built from the sample's 2023 figures (seed 004, 凉山州科协) in the layouts units publish,
then read back: every figure the tables carry must come back to the cent, in 万元 or 元, with the title
in the rows or only in the sheet's name, in any sheet order, with one year or two."""

from __future__ import annotations

import copy
from dataclasses import asdict
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from jixiao.final_accounts.figures import YearFigures
from jixiao.final_accounts.template import read_template
from jixiao.model import IngestError
from jixiao.report import inspect_bytes
from tests.official_tables import Style, official_workbook, one_sheet
from tests.test_reader_choices import xlsx

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample_data" / "liangshan_2023_final_accounts.xlsx"
NAME = "凉山州科协2023年度部门决算公开表.xlsx"


@pytest.fixture(scope="module")
def sample_2023() -> YearFigures:
    fa, _ = read_template(SAMPLE.read_bytes(), SAMPLE.name)
    return fa.year(2023)


def _expected(yf: YearFigures, style: Style) -> dict:
    """What the seven tables carry: not 机关运行经费, and the 年初预算 only when 公开05 has its columns."""
    out = asdict(yf)
    out["admin_operating"] = None
    if not style.budget_columns:
        out["general_budget_initial_budget"] = None
    return out


STYLES = {
    "万元": Style(),
    "元": Style(unit="元"),
    "title only in the sheet name": Style(title_in_rows=False),
    "公开05 with 年初预算数 and 小计": Style(budget_columns=True, subtotal_word="小计"),
    "三公 items down the rows": Style(three_public_down=True),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_the_seven_tables_give_back_every_figure(sample_2023, style):
    fa, findings = read_template(official_workbook(sample_2023, style=STYLES[style]), NAME)
    assert fa.years == [2023]
    assert fa.unit == "凉山州科学技术协会"
    assert asdict(fa.year(2023)) == _expected(sample_2023, STYLES[style])
    codes = [f.code for f in findings]
    assert codes.count("FA_OFFICIAL_TABLES") == 1 and "FA_ONE_YEAR" in codes
    assert "收入支出决算总表" in next(f.message for f in findings if f.code == "FA_OFFICIAL_TABLES")


def test_sheet_order_does_not_matter(sample_2023):
    data = official_workbook(sample_2023, order=[6, 4, 2, 0, 5, 3, 1])
    fa, _ = read_template(data, NAME)
    assert asdict(fa.year(2023)) == _expected(sample_2023, Style())


def test_tables_one_under_another_on_one_sheet(sample_2023):
    fa, findings = read_template(one_sheet(official_workbook(sample_2023)), NAME)
    assert asdict(fa.year(2023)) == _expected(sample_2023, Style())
    assert "第7个表" in next(f.message for f in findings if f.code == "FA_OFFICIAL_TABLES")


@pytest.mark.parametrize(
    "head",
    [
        ["收入", "金额", "支出", "金额"],
        ["收入项目", "决算数", "支出项目", "决算数"],
        ["项目", "决算数", "项目（按功能分类）", "决算数"],
    ],
)
def test_a_short_summary_table_in_other_words(head):
    """收入支出决算总表 without 行次, its sides named 收入 / 支出, the right side by 基本 / 项目支出."""
    rows = [
        ["2023年度收入支出决算总表"],
        ["单位：元"],
        head,
        ["一、一般公共预算财政拨款收入", 8740500, "一、基本支出", 4689900],
        ["二、上级补助收入", 0, "二、项目支出", 4050600],
        ["本年收入合计", 8740500, "本年支出合计", 8740500],
        ["年初结转和结余", 0, "年末结转和结余", 0],
        ["收入总计", 8740500, "支出总计", 8740500],
    ]
    fa, _ = read_template(xlsx(("Sheet1", rows)), "t.xlsx")
    yf = fa.year(2023)
    assert (yf.income_total, yf.expenditure_total, yf.income_current, yf.expenditure_current) == (874.05,) * 4
    assert yf.income == {"一般公共预算财政拨款收入": 874.05, "上级补助收入": 0}
    assert yf.expenditure == {"基本支出": 468.99, "项目支出": 405.06}


def test_only_some_tables(sample_2023):
    """支出决算表 alone gives 图3; the 总表's income split is missing, the rest is not made up."""
    fa, _ = read_template(official_workbook(sample_2023, order=[2]), NAME)
    yf = fa.year(2023)
    assert yf.expenditure_current == 874.05
    assert yf.expenditure == {
        "基本支出": 468.99,
        "项目支出": 405.06,
        "上缴上级支出": 0,
        "经营支出": 0,
        "对附属单位补助支出": 0,
    }
    assert yf.income == {} and yf.income_total is None and yf.by_function == {}


def test_two_years_in_one_workbook_give_the_changes(sample_2023):
    earlier = copy.deepcopy(sample_2023)
    for name in (
        "income_total",
        "expenditure_total",
        "income_current",
        "expenditure_current",
        "fiscal_total",
        "general_budget_expenditure",
    ):
        setattr(earlier, name, 877.47)
    earlier.income["一般公共预算财政拨款收入"] = 877.47
    earlier.expenditure.update({"基本支出": 470.0, "项目支出": 407.47})
    earlier.by_function = {
        "科学技术支出": 707.91,
        "社会保障和就业支出": 128.01,
        "卫生健康支出": 19.61,
        "住房保障支出": 21.94,
    }
    data = official_workbook(sample_2023, extra=(2022, earlier))
    fa, findings = read_template(data, "部门决算公开表.xlsx")
    assert fa.years == [2022, 2023]
    assert fa.year(2022).income_total == 877.47 and fa.year(2023).income_total == 874.05
    assert fa.year(2022).by_function["卫生健康支出"] == 19.61
    assert "FA_ONE_YEAR" not in [f.code for f in findings]
    doc = inspect_bytes(data, "部门决算公开表.xlsx")
    assert doc["kind"] == "final_accounts" and doc["year"] == 2023
    assert doc["charts"]["fig1"]["收入总计"] == {
        "previous": 877.47,
        "current": 874.05,
        "amount": -3.42,
        "percent": -0.39,
    }


def test_the_cli_document_and_checks(sample_2023):
    doc = inspect_bytes(official_workbook(sample_2023), NAME)
    assert doc["kind"] == "final_accounts"
    assert doc["charts"]["fig3"]["shares"]["基本支出"] == 53.66
    assert not [f for f in doc["findings"] if f["severity"] == "error"]


def test_a_table_that_does_not_add_up_is_found(sample_2023):
    wrong = copy.deepcopy(sample_2023)
    wrong.expenditure["基本支出"] = 478.99  # 10 万元 more than 基本 + 项目 = 本年支出合计 allows
    doc = inspect_bytes(official_workbook(wrong, order=[2]), NAME)
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert errors and any("10.00" in f["message"] for f in errors)


def test_no_year_anywhere_is_a_chinese_message(sample_2023):
    data = official_workbook(sample_2023, style=Style(title_in_rows=False))
    with pytest.raises(IngestError, match="年度"):
        read_template(data, "公开表.xlsx")


def test_a_project_table_titled_like_a_final_account_stays_a_project_table():
    rows = [
        ["2023年度项目支出决算表"],
        ["序号", "项目名称", "预算数（万元）", "执行数（万元）"],
        [1, "科普活动", 100, 90],
        [2, "学会服务", 50, 50],
        ["合计", None, 150, 140],
    ]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["kind"] == "project_table" and doc["projects"] == 2


def test_upload_on_the_page(sample_2023):
    at = AppTest.from_file(str(ROOT / "pages" / "final_accounts.py"), default_timeout=60)
    at.run()
    at.file_uploader(key="fa_upload").upload(NAME, official_workbook(sample_2023)).run()
    assert not at.exception
    fa = at.session_state[state.FINAL_ACCOUNTS]
    assert fa.years == [2023] and fa.year(2023).expenditure["基本支出"] == 468.99
    assert any("基本支出468.99万元，占53.66%" in c.value for c in at.code)
    assert any(
        "公开表只有本年数" in str(d.value["说明"].tolist()) for d in at.dataframe if "说明" in d.value.columns
    )


def test_text_where_an_amount_belongs_is_named(sample_2023):
    wrong = copy.deepcopy(sample_2023)
    wrong.expenditure["基本支出"] = "四百六十八万"
    fa, findings = read_template(official_workbook(wrong, order=[2]), NAME)
    assert "基本支出" not in fa.year(2023).expenditure and fa.year(2023).expenditure["项目支出"] == 405.06
    bad = [f for f in findings if f.code == "FA_BAD_NUMBER"]
    assert len(bad) == 1 and bad[0].severity == "error"
    assert (
        "「四百六十八万」不是数字" in bad[0].message and "D列" in bad[0].where and "公开03表" in bad[0].where
    )


def test_the_owner_and_the_unit_in_one_cell():
    rows = [
        ["2023年度收入支出决算总表"],
        ["编制单位：凉山州科学技术协会          单位：元"],
        ["项目", "金额", "项目", "金额"],
        ["一、一般公共预算财政拨款收入", 8740500, "一、基本支出", 4689900],
        ["本年收入合计", 8740500, "本年支出合计", 8740500],
    ]
    fa, _ = read_template(xlsx(("Sheet1", rows)), "t.xlsx")
    assert fa.unit == "凉山州科学技术协会" and fa.year(2023).income_current == 874.05


def test_this_years_and_last_years_files_uploaded_together(sample_2023):
    """Two workbooks of 公开表, 2023 and 2022, chosen together on the page: both years, the changes, and
    no "one year only" note."""
    earlier = copy.deepcopy(sample_2023)
    for name in ("income_total", "expenditure_total", "income_current", "expenditure_current"):
        setattr(earlier, name, 877.47)
    earlier.income["一般公共预算财政拨款收入"] = 877.47
    earlier.expenditure.update({"基本支出": 470.0, "项目支出": 407.47})
    at = AppTest.from_file(str(ROOT / "pages" / "final_accounts.py"), default_timeout=60)
    at.run()
    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="fa_upload").set_value(
        [
            ("凉山州科协2023年度部门决算公开表.xlsx", official_workbook(sample_2023), xlsx_mime),
            ("凉山州科协2022年度部门决算公开表.xlsx", official_workbook(earlier, year=2022), xlsx_mime),
        ]
    ).run()
    assert not at.exception
    fa = at.session_state[state.FINAL_ACCOUNTS]
    assert fa.years == [2022, 2023] and fa.year(2022).income_total == 877.47
    assert any("与2022年度相比，收、支总计各减少3.42万元，下降0.39%" in c.value for c in at.code)
    notes = [str(d.value["说明"].tolist()) for d in at.dataframe if "说明" in d.value.columns]
    assert not any("公开表只有本年数" in n for n in notes)


def test_a_bad_file_beside_a_good_one_is_named_and_the_good_one_read(sample_2023):
    at = AppTest.from_file(str(ROOT / "pages" / "final_accounts.py"), default_timeout=60)
    at.run()
    at.file_uploader(key="fa_upload").set_value(
        [
            ("公开表2023.xlsx", official_workbook(sample_2023), "application/octet-stream"),
            ("坏文件.xlsx", b"PK\x03\x04 truncated", "application/octet-stream"),
        ]
    ).run()
    assert not at.exception
    assert any("坏文件.xlsx" in e.value and "读取失败" in e.value for e in at.error)
    assert at.session_state[state.FINAL_ACCOUNTS].years == [2023]


def test_a_published_final_account_in_word_uploads_on_the_page(sample_2023):
    """部门决算公开 is published as a Word document: its 公开01–07表 read on 决算图表 as the workbook's."""
    import io

    import openpyxl

    from tests.word_tables import document_bytes, title_and_table

    blocks = [("p", "第二部分 2023年度部门决算表")]
    for ws in openpyxl.load_workbook(io.BytesIO(official_workbook(sample_2023))).worksheets:
        titles, grid, merged = title_and_table(ws)
        blocks += [("p", t) for t in titles] + [("table", (grid, merged)), ("break", None)]
    at = AppTest.from_file(str(ROOT / "pages" / "final_accounts.py"), default_timeout=60)
    at.run()
    at.file_uploader(key="fa_upload").upload("凉山州科协2023年度部门决算.docx", document_bytes(blocks)).run()
    assert not at.exception
    fa = at.session_state[state.FINAL_ACCOUNTS]
    assert fa.years == [2023] and fa.year(2023).expenditure["基本支出"] == 468.99
    assert any("基本支出468.99万元，占53.66%" in c.value for c in at.code)


def _relabelled(data: bytes, names: dict[str, tuple[str, ...]]) -> bytes:
    """Each label in ``names`` rewritten, its n-th appearance on a row by the n-th wording given."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            seen: dict[str, int] = {}
            for c in row:
                if isinstance(c.value, str) and c.value in names:
                    words = names[c.value]
                    k = seen[c.value] = seen.get(c.value, -1) + 1
                    c.value = words[min(k, len(words) - 1)]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "names",
    [
        # function classes named without 支出
        {
            "科学技术支出": ("科学技术",),
            "社会保障和就业支出": ("社会保障和就业",),
            "住房保障支出": ("住房保障",),
        },
        {"一、一般公共预算财政拨款收入": ("一、一般公共预算拨款收入",)},
        {"总计": ("收入总计", "支出总计"), "本年收入合计": ("本年收入",), "本年支出合计": ("本年支出",)},
        {
            "因公出国（境）费": ("因公出国(境)费用",),
            "公务接待费": ("公务接待费用",),
            "公务用车运行费": ("公务用车运行维护费",),
        },
        {"事业收入": ("事 业 收 入",), "基本支出": ("基 本 支 出",), "项目支出": ("项　目　支　出",)},
    ],
    ids=["类 without 支出", "一般公共预算拨款", "收入总计 / 支出总计", "三公 wordings", "spaced labels"],
)
def test_other_wordings_of_the_public_tables_give_the_same_figures(sample_2023, names):
    fa, findings = read_template(_relabelled(official_workbook(sample_2023), names), NAME)
    plain, _ = read_template(official_workbook(sample_2023), NAME)
    assert asdict(fa.year(2023)) == asdict(plain.year(2023))
    assert [f.message for f in findings if f.severity != "info"] == []
