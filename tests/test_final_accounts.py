"""部门决算 figures: changes, shares, checks, the template workbook and the JSON form (jixiao.final_accounts.figures)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import read as fa_read
from jixiao.final_accounts import template as fa_template
from jixiao.final_accounts import validate as fa_validate
from jixiao.final_accounts.figures import FIG1, FIG3, FIG4, FIG5, FIG6, FIG7, FinalAccounts, YearFigures
from jixiao.ingest.workbook import load_sheets
from jixiao.model import IngestError

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parent.parent / "sample_data" / fa_template.SAMPLE_FILE


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((DATA / "liangshan_2023_final_accounts.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fa(reference: dict) -> FinalAccounts:
    return fa_template.from_dict(reference)


def _xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the reference figures and what they must give ---------------------------------------------
def test_json_round_trip_is_exact(reference: dict, fa: FinalAccounts) -> None:
    assert fa_template.to_dict(fa) == reference["figures"]
    assert fa.unit == "凉山州科学技术协会"
    assert fa.years == [2022, 2023]


def test_from_dict_accepts_the_whole_document_or_the_figures(reference: dict) -> None:
    assert fa_template.from_dict(reference) == fa_template.from_dict(reference["figures"])


def test_fig1_change(reference: dict, fa: FinalAccounts) -> None:
    ch = fam.chart_change(fa, FIG1, 2023)
    expected = reference["expected"]["fig1_change"]
    assert (ch.amount, ch.percent) == (expected["amount"], expected["percent"]) == (-3.42, -0.39)
    assert ch.direction == "减少"
    assert fam.chart_change(fa, FIG4, 2023).percent == -0.39
    assert fam.chart_change(fa, FIG5, 2023).amount == -3.42


def test_fig3_shares(reference: dict, fa: FinalAccounts) -> None:
    shares = {r.item: r.share for r in fam.structure_rows(fa, FIG3, 2023)}
    assert shares == {
        "基本支出": 53.66,
        "项目支出": 46.34,
        "上缴上级支出": 0,
        "经营支出": 0,
        "对附属单位补助支出": 0,
    }
    assert {k: shares[k] for k in ("基本支出", "项目支出")} == reference["expected"]["fig3_shares_2023"]


def test_fig6_shares(reference: dict, fa: FinalAccounts) -> None:
    shares = {r.item: r.share for r in fam.structure_rows(fa, FIG6, 2023)}
    assert shares == reference["expected"]["fig6_shares_2023"]
    assert shares == {
        "科学技术支出": 80.22,
        "社会保障和就业支出": 14.33,
        "卫生健康支出": 2.50,
        "住房保障支出": 2.94,
    }


def test_fig7_totals_with_the_combined_car_figure_of_2022(reference: dict, fa: FinalAccounts) -> None:
    assert fam.round2(fam.three_public_total(fa, 2022)) == 56.79
    assert fam.round2(fam.three_public_total(fa, 2023)) == 7.60
    ch = fam.chart_change(fa, FIG7, 2023)
    assert (ch.amount, ch.percent) == (-49.19, -86.62)
    expected = reference["expected"]["fig7_total"]
    assert (ch.previous, round(ch.current, 2), ch.amount, ch.percent) == (
        expected["2022"],
        expected["2023"],
        expected["change"],
        expected["percent"],
    )
    # 2022 has only the combined car figure, 2023 the two parts: the combined row compares them.
    rows = {r.item: r for r in fam.structure_rows(fa, FIG7, 2023)}
    combined = rows[fam.CAR_COMBINED + "（合计）"]
    assert (combined.amount, combined.previous, combined.change.amount, combined.change.percent) == (
        7.41,
        56.64,
        -49.23,
        -86.92,
    )
    assert rows[fam.CAR_OPERATION].previous is None
    assert rows[fam.RECEPTION].change.percent == 26.67
    assert fam.structure_items(fa, FIG7, 2022) == {
        fam.OVERSEAS: 0,
        fam.CAR_COMBINED: 56.64,
        fam.RECEPTION: 0.15,
    }


def test_completion_of_the_initial_budget(reference: dict, fa: FinalAccounts) -> None:
    assert (
        fam.completion_rate(fa, 2023) == reference["expected"]["general_budget_completion_of_initial_budget"]
    )
    assert fam.completion_rate(fa, 2023) == 142.24
    assert fam.completion_rate(fa, 2022) is None  # no 2022 budget in the reference


def test_reference_figures_are_consistent(fa: FinalAccounts) -> None:
    codes = [f.code for f in fa_validate.validate(fa)]
    assert codes == ["FA_OVER_INITIAL_BUDGET"]  # 142.24% of the 年初预算 is worth a note, not an error


# --- arithmetic --------------------------------------------------------------------------------
def test_change_percent_is_none_when_last_year_is_zero() -> None:
    ch = fam.change(0, 12.5)
    assert (ch.amount, ch.percent, ch.direction) == (12.5, None, "增加")
    assert fam.change(None, 3).amount is None
    assert fam.change(5, 5).direction == "持平"


def test_change_rounds_half_up() -> None:
    # 0.125 / 100 = 0.125%: half-up gives 0.13, banker's rounding would give 0.12
    assert fam.change(100, 100.125).percent == 0.13
    assert fam.change(100, 99.875).percent == -0.13


def test_shares_default_total_and_zero_items() -> None:
    assert fam.shares({"a": 1, "b": 2, "c": 0}) == {"a": 33.33, "b": 66.67, "c": 0.0}
    assert fam.shares({"a": 0, "b": 0}) == {"a": 0.0, "b": 0.0}  # "0万元，占0%" even of a zero total
    assert fam.shares({"a": 5}, total=0) == {"a": None}
    assert fam.share(1, 8) == 12.5


# --- consistency checks ------------------------------------------------------------------------
def _inconsistent() -> FinalAccounts:
    yf = YearFigures(
        income_total=100,
        expenditure_total=100.5,
        income_current=100,
        expenditure_current=100,
        income={"一般公共预算财政拨款收入": 90, "事业收入": 5},
        expenditure={"基本支出": 60, "项目支出": 40.02},
        general_budget_expenditure=90,
        by_function={"科学技术支出": 80, "住房保障支出": 5},
        three_public={fam.CAR_PURCHASE: 1, fam.CAR_OPERATION: 2, fam.CAR_COMBINED: 3.5},
        personnel=50,
        public_use=9,
        fiscal_total=80,
    )
    return FinalAccounts(unit="测试单位", years=[2023], data={2023: yf})


def test_validation_finds_every_inconsistency() -> None:
    findings = {f.code: f for f in fa_validate.validate(_inconsistent())}
    assert set(findings) == {
        "FA_INCOME_SUM_MISMATCH",
        "FA_EXPENDITURE_SUM_MISMATCH",
        "FA_BASIC_SPLIT_MISMATCH",
        "FA_FUNCTION_SUM_MISMATCH",
        "FA_CAR_SUM_MISMATCH",
        "FA_TOTALS_UNBALANCED",
        "FA_GENERAL_EXCEEDS_FISCAL",
    }
    income = findings["FA_INCOME_SUM_MISMATCH"]
    assert income.severity == "error"
    assert "95.00万元" in income.message and "100.00万元" in income.message
    assert "100.02万元" in findings["FA_EXPENDITURE_SUM_MISMATCH"].message
    assert "59.00万元" in findings["FA_BASIC_SPLIT_MISMATCH"].message
    assert "85.00万元" in findings["FA_FUNCTION_SUM_MISMATCH"].message
    assert "90.00万元" in findings["FA_FUNCTION_SUM_MISMATCH"].message
    assert findings["FA_FUNCTION_SUM_MISMATCH"].where == "2023年 图6 功能分类"


def test_validation_tolerates_one_cent() -> None:
    yf = YearFigures(expenditure_current=100, expenditure={"基本支出": 60, "项目支出": 40.01})
    assert fa_validate.validate(FinalAccounts(years=[2023], data={2023: yf})) == []
    yf.expenditure["项目支出"] = 40.02
    assert [f.code for f in fa_validate.validate(FinalAccounts(years=[2023], data={2023: yf}))] == [
        "FA_EXPENDITURE_SUM_MISMATCH"
    ]


def test_income_sources_may_fall_short_of_the_total_by_the_carry_over() -> None:
    # 收入总计 includes 年初结转和结余: sources below it are fine, above it are not.
    fine = YearFigures(income_total=100, income={"事业收入": 80})
    bad = YearFigures(income_total=100, income={"事业收入": 120})
    assert fa_validate.validate(FinalAccounts(years=[2023], data={2023: fine})) == []
    assert [f.code for f in fa_validate.validate(FinalAccounts(years=[2023], data={2023: bad}))] == [
        "FA_INCOME_SUM_MISMATCH"
    ]


# --- template workbook -------------------------------------------------------------------------
def test_template_round_trip(fa: FinalAccounts) -> None:
    back, findings = fa_template.read_template(fa_template.write_template(fa), "决算.xlsx")
    assert back == fa
    assert findings == []


def test_template_round_trip_of_the_inconsistent_set() -> None:
    fa = _inconsistent()
    back, _ = fa_template.read_template(fa_template.write_template(fa), "x.xlsx")
    assert back == fa


def test_template_layout_is_one_sheet_of_items_by_years_and_notes(fa: FinalAccounts) -> None:
    wb = load_workbook(io.BytesIO(fa_template.write_template(fa)))
    assert wb.sheetnames == [fa_template.TEMPLATE_SHEET, fa_read.NOTES_SHEET]
    ws = wb[fa_template.TEMPLATE_SHEET]
    assert [c.value for c in ws[5]] == ["分组", "项目", "2022年", "2023年"]
    assert ws["B3"].value == "万元"
    items = [ws.cell(r, 2).value for r in range(6, ws.max_row + 1)]
    assert items[:2] == ["收入总计", "支出总计"]
    assert {"科学技术支出", fam.CAR_COMBINED, fam.CAR_PURCHASE, "一般公共预算财政拨款年初预算"} <= set(items)
    notes = " ".join(str(c.value) for c in wb[fa_read.NOTES_SHEET]["A"])
    assert "万元" in notes and "公务用车购置及运行维护费" in notes


def test_blank_template_offers_years_and_is_refused_until_filled() -> None:
    data = fa_template.write_template(years=[2023, 2024])
    ws = load_workbook(io.BytesIO(data))[fa_template.TEMPLATE_SHEET]
    assert [c.value for c in ws[5]][2:] == ["2023年", "2024年"]
    with pytest.raises(IngestError, match="没有填写任何金额"):
        fa_template.read_template(data, "空白.xlsx")


def test_sample_workbook_is_the_regenerated_one(reference: dict) -> None:
    committed, findings = fa_template.read_template(SAMPLE.read_bytes(), SAMPLE.name)
    regenerated, _ = fa_template.read_template(fa_template.make_sample(reference), "x.xlsx")
    assert committed == regenerated == fa_template.liangshan_sample(reference)
    assert findings == []
    assert committed.year(2023).admin_operating == 51.17


def test_reader_tolerates_blanks_text_numbers_units_and_other_spellings() -> None:
    rows = [
        ["2023年度部门决算图表数据"],
        ["单位名称：某某局"],
        ["", "金额单位：元"],
        ["", "项目", "2022年度", "2023年度"],
        ["", "收、支总计", "8,774,700.00", 8740500],
        ["", "其中：基本支出", " 4,689,900 ", ""],
        ["", "因公出国(境)费", "-", 0],
        ["", "公务用车购置及运行费", 566400, ""],
        ["", "公务用车运行维护费", "", "74,100"],
        ["", "", "", ""],
        ["", "教育支出", 1000, 2000],
        ["注：本表由财务科填报"],
    ]
    fa, findings = fa_template.read_template(_xlsx(rows), "别人做的表.xlsx")
    assert fa.unit == "某某局"
    assert fa.year(2022).income_total == fa.year(2022).expenditure_total == 877.47
    assert fa.year(2023).income_total == 874.05
    assert fa.year(2022).expenditure == {"基本支出": 468.99}
    assert fam.OVERSEAS not in fa.year(2022).three_public  # "-" is not a number: unknown, not 0
    assert fa.year(2023).three_public == {fam.OVERSEAS: 0, fam.CAR_OPERATION: 7.41}
    assert fa.year(2022).three_public[fam.CAR_COMBINED] == 56.64
    assert fa.year(2023).by_function == {"教育支出": 0.2}
    assert findings == []


def test_reader_reports_bad_numbers_and_unknown_items_in_chinese() -> None:
    rows = [
        ["分组", "项目", "2022年", "2023年"],
        ["图1 收支总计", "收入总计", "八百", 874.05],
        ["", "奇怪的项目", 1, 2],
        ["图6 功能分类", "援藏支出", 3, 4],
        ["", "收入总计", 1, 1],
    ]
    fa, findings = fa_template.read_template(_xlsx(rows), "x.xlsx")
    codes = {f.code: f for f in findings}
    assert codes["FA_BAD_NUMBER"].message == "「八百」不是数字，已按空白处理。"
    assert "第2行「收入总计」" in codes["FA_BAD_NUMBER"].where
    assert "奇怪的项目" in codes["FA_UNKNOWN_ITEM"].message
    assert "第5行" in codes["FA_DUPLICATE_ITEM"].where
    assert codes["FA_UNIT_ASSUMED"].severity == "info"
    assert fa.year(2022).income_total is None
    assert fa.year(2023).income_total == 874.05
    # Rows under the 图6 group are 功能分类 even when the name is not in the standard list.
    assert fa.year(2023).by_function == {"援藏支出": 4}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.xlsx", "空的"),
        (b"PK\x03\x04broken", "x.xlsx", "损坏"),
        ("项目,金额\n甲,1\n".encode("gbk"), "x.csv", "年度表头"),
        (_xlsx([["项目", "2023年"], ["张三", 1], ["李四", 2]]), "x.xlsx", "没有识别出任何决算项目"),
    ],
)
def test_bad_template_inputs_raise_ingest_error_in_chinese(data: bytes, name: str, message: str) -> None:
    with pytest.raises(IngestError) as info:
        fa_template.read_template(data, name)
    assert message in info.value.message


def test_looks_like_final_accounts(fa: FinalAccounts) -> None:
    assert fa_read.looks_like_final_accounts(load_sheets(fa_template.write_template(fa), "x.xlsx"))
    assert fa_read.looks_like_final_accounts(load_sheets(fa_template.write_template(), "blank.xlsx"))
    summary = _xlsx(
        [
            ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率"],
            [1, "科普宣传活动业务经费", 12, 12, "100%"],
        ]
    )
    assert not fa_read.looks_like_final_accounts(load_sheets(summary, "summary.xlsx"))
    for other in ("henan_2023_summary.xlsx", "liangshan_2023_selfeval_forms.xlsx"):
        path = SAMPLE.parent / other
        assert not fa_read.looks_like_final_accounts(load_sheets(path.read_bytes(), path.name)), other
    # Items without a year header are a 财决 table of another shape, not the template.
    no_years = _xlsx([["项目", "决算数"], *[[k, 1] for k in fam.EXPENDITURE_ITEMS]])
    assert not fa_read.looks_like_final_accounts(load_sheets(no_years, "x.xlsx"))


def test_csv_template_in_gbk_is_read() -> None:
    text = "项目,2022年,2023年\n收入总计,877.47,874.05\n支出总计,877.47,874.05\n基本支出,,468.99\n"
    fa, _ = fa_template.read_template(text.encode("gbk"), "决算.csv")
    assert fa.year(2023).expenditure == {"基本支出": 468.99}
    assert fam.chart_change(fa, FIG1, 2023).percent == -0.39


def test_editor_frame_round_trip(fa: FinalAccounts) -> None:
    df = fa_read.to_frame(fa)
    assert list(df.columns) == ["分组", "项目", "2022年", "2023年"]
    back, findings = fa_read.from_frame(df, fa.unit)
    assert back == fa and findings == []
    df.loc[df["项目"] == "基本支出", "2023年"] = 470.0
    edited, _ = fa_read.from_frame(df, fa.unit)
    assert edited.year(2023).expenditure["基本支出"] == 470.0
    assert [f.code for f in fa_validate.validate(edited) if f.code == "FA_BASIC_SPLIT_MISMATCH"]


# --- JSON errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([1, 2], "顶层"),
        ({"fig1_total_income_expenditure": [1]}, "按年度"),
        ({"fig1_total_income_expenditure": {"二〇二三": 1}}, "年份"),
        ({"fig5_general_budget_expenditure": {"2023": "很多"}}, "不是数字"),
        ({"currency_unit": "美元"}, "金额单位"),
    ],
)
def test_malformed_json_raises_ingest_error(doc: object, message: str) -> None:
    with pytest.raises(IngestError) as info:
        fa_template.from_dict(doc)  # type: ignore[arg-type]
    assert message in info.value.message


def test_json_in_yuan_is_converted() -> None:
    fa = fa_template.from_dict({"currency_unit": "元", "fig5_general_budget_expenditure": {"2023": 8740500}})
    assert fa.year(2023).general_budget_expenditure == 874.05


def test_load_figures_takes_json_or_workbook(reference: dict, fa: FinalAccounts) -> None:
    from_json, _ = fa_template.load_figures(json.dumps(reference).encode(), "ref.json")
    from_xlsx, _ = fa_template.load_figures(fa_template.write_template(fa), "ref.xlsx")
    assert from_json == from_xlsx == fa
    with pytest.raises(IngestError, match="不是有效的 JSON"):
        fa_template.load_figures(b"{not json", "x.json")


def test_summary_doc_is_json_ready(fa: FinalAccounts) -> None:
    doc = fa_template.summary_doc(fa)
    json.dumps(doc, ensure_ascii=False)
    assert doc["charts"][FIG1]["收入总计"]["percent"] == -0.39
    assert doc["charts"][FIG6]["shares"]["科学技术支出"] == 80.22
    assert doc["completion_of_initial_budget"] == 142.24


def test_round2_is_half_up_at_any_size() -> None:
    assert fam.round2(2.675) == 2.68
    assert fam.round2(-2.675) == -2.68
    assert fam.round2(5_000_000.0) == 5_000_000.0
    assert fam.round2(8_740_500.004) == 8_740_500.0
    assert fam.percent_of(1, 8) == 12.5
    assert fam.percent_of(12.345, 100) == 12.35  # 12.345 is 12.3449999… as a binary float
