"""How offices word and fill what jixiao already reads, found by probing it with files nobody here wrote:
a 合计 labelled in the 序号 column over a "—" in the name cell, "-" for a zero amount, the other
halves of 预算/实际 and 计划数/完成数 headers, a header without a 执行数, "单位：人民币元" lines, a
publication date above a 决算 title, and the 自评表's other words for its 合计 and 项目名称. Each was
read wrong, most without a word, before."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from tests.conftest import HENAN_XLSX, SAMPLE_DATA, assert_henan_figures, edited, finding_codes
from tests.official_tables import Style, official_workbook

ROOT = Path(__file__).resolve().parent.parent
TOTAL_ROW = 19  # the 合计 of the reference 汇总表 (1-based)
ZERO_ROW = 12  # 知识产权事业发展: spent nothing


def _henan(edit) -> bytes:
    return edited(HENAN_XLSX, edit)


_codes = finding_codes


# --- a 合计 in the 序号 column, a dash in the name cell ----------------------------------------------
@pytest.mark.parametrize("label", ["合计", "总计", "合  计"])
@pytest.mark.parametrize("name", ["—", "/", "——", "-", "无"])
def test_a_total_labelled_in_the_number_column_over_a_dash_is_the_total(label, name):
    def edit(ws):
        ws.cell(TOTAL_ROW, 1, label)
        ws.cell(TOTAL_ROW, 2, name)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: 16 projects, the totals doubled, not a word
    assert name not in [r["project"] for r in doc["rows"]]
    assert len(doc["reported_totals"]) == 1


def test_a_project_row_with_a_dash_for_its_name_is_unnamed_not_called_dash():
    def edit(ws):
        ws.cell(5, 2, "—")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert doc["projects"] == 15 and "—" not in [r["project"] for r in doc["rows"]]
    assert "MISSING_PROJECT_NAME" in _codes(doc)


# --- "-" for zero -------------------------------------------------------------------------------
@pytest.mark.parametrize("dash", ["-", "—", "－", "--"])
def test_a_dash_in_an_amount_cell_is_zero_and_said(dash):
    def edit(ws):
        assert ws.cell(ZERO_ROW, 4).value == 0
        ws.cell(ZERO_ROW, 4, dash)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)
    row = next(r for r in doc["rows"] if r["sheet_row"] == ZERO_ROW)
    assert row["executed"] == 0 and row["execution_rate"] == 0
    assert "LOW_EXECUTION" in [f["code"] for f in row["flags"]]
    (said,) = [f for f in doc["findings"] if f["code"] == "AMOUNT_DASH_AS_ZERO"]
    assert "1 个单元格" in said["message"] and "执行数" in said["message"]
    assert "EXECUTED_MISSING" not in _codes(doc)  # it was "执行数为空", of a cell that is not empty


def test_a_slash_in_an_amount_cell_stays_not_applicable():
    def edit(ws):
        ws.cell(ZERO_ROW, 4, "/")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    row = next(r for r in doc["rows"] if r["sheet_row"] == ZERO_ROW)
    assert row["executed"] is None
    assert "AMOUNT_DASH_AS_ZERO" not in _codes(doc) and "EXECUTED_MISSING" in _codes(doc)


# --- header words ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "budget, executed, rate",
    [
        ("预算数", "实际数", "完成率"),
        ("批复预算", "实际完成", "完成比例"),
        ("预算", "实际", "比例"),
        ("下达资金", "资金使用", "使用率"),
        ("计划数", "完成数", "完成率"),
        ("指标金额", "支付金额", "支付率"),
    ],
)
def test_the_other_words_for_budget_spending_and_rate(budget, executed, rate):
    def edit(ws):
        for c, label in ((3, budget), (4, executed), (5, rate)):
            ws.cell(3, c, f"{label}（万元）" if c < 5 else label)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: 执行数 empty, or no header found at all
    assert "AMOUNT_COLUMN_MISSING" not in _codes(doc)


def test_a_header_without_a_spending_column_says_so():
    def edit(ws):
        ws.cell(3, 4, "开销情况说明")
        ws.cell(3, 5, "备注")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert doc["totals"]["executed"] is None
    (said,) = [f for f in doc["findings"] if f["code"] == "AMOUNT_COLUMN_MISSING"]
    assert said["severity"] == "warning" and "执行数" in said["message"]


def test_a_header_with_both_amounts_says_nothing_of_missing_columns(henan_bytes):
    assert "AMOUNT_COLUMN_MISSING" not in _codes(inspect_bytes(henan_bytes, HENAN_XLSX.name))


@pytest.mark.parametrize("line", ["金额单位：人民币元", "单位：（元）", "单位：(元)", "单位：人民币 元"])
def test_a_units_line_with_renminbi_or_brackets_over_a_summary(line):
    def edit(ws):
        _scaled(ws, 10000, None)
        ws.insert_rows(3)
        ws.cell(3, 1, line)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert doc["source"]["amount_unit"] == "元"
    assert "AMOUNT_UNIT_ASSUMED" not in _codes(doc)  # read from the line, not guessed from the median
    assert doc["totals"]["budget"] == 7863.66 and doc["totals"]["executed"] == 6780.62


# --- 部门决算公开表 -------------------------------------------------------------------------------
def _public(yf, edit) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(official_workbook(yf, style=Style(unit="元"))))
    for ws in wb.worksheets:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("line", ["金额单位：人民币元", "金额单位：（元）", "单位：(元)"])
def test_public_tables_in_renminbi_yuan_are_converted(year_2023, line):
    def edit(ws):
        for row in ws.iter_rows():
            for c in row:
                if c.value == "金额单位：元":
                    c.value = line

    ds = read_dataset(_public(year_2023, edit), "凉山州科协2023年度部门决算.xlsx")
    assert ds.kind == "final_accounts"
    assert ds.detail.year(2023).income_current == year_2023.income_current == 874.05  # not 8,740,500


@pytest.mark.parametrize("line", ["公开日期：2024年9月30日", "编制日期：2024年4月15日", "2024年9月30日"])
def test_a_publication_date_above_the_title_is_not_the_year(year_2023, line):
    def edit(ws):
        ws.insert_rows(1)
        ws.cell(1, 1, line)

    ds = read_dataset(_public(year_2023, edit), "部门决算公开表.xlsx")
    assert ds.detail.years == [2023]
    assert ds.detail.year(2023).income_current == 874.05


# --- 项目支出绩效自评表 ----------------------------------------------------------------------------
FORMS = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
EXPECTED = json.loads(
    (ROOT / "tests" / "data" / "liangshan_2023_selfeval_forms.expected.json").read_text("utf-8")
)


def _forms(old: str, new: str) -> bytes:
    wb = openpyxl.load_workbook(FORMS)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value == old:
                    c.value = new
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("label", ["总得分", "综合得分", "自评总分", "得分合计", "自评得分", "评价总分"])
def test_the_forms_total_row_in_other_words(label):
    ds = read_dataset(_forms("合计", label), FORMS.name)
    forms = ds.detail.forms
    assert [f.reported_total for f in forms] == [e["reported_total_score"] for e in EXPECTED]
    assert [len(f.indicators) for f in forms] == [e["indicators"] for e in EXPECTED]
    assert "FORM_NO_TOTAL" not in [f.code for f in ds.table.findings]
    # the reference's one wrong 合计 (99 printed, parts 89) is still caught
    assert [f.code for f in ds.table.findings].count("FORM_TOTAL_MISMATCH") == 1


@pytest.mark.parametrize("label", ["项目（政策）名称", "项目(政策)名称"])
def test_the_ministry_templates_name_label(label):
    ds = read_dataset(_forms("项目名称", label), FORMS.name)
    forms = ds.detail.forms
    assert [f"{f.code}-{f.project}" for f in forms] == [e["sheet_project"] for e in EXPECTED]
    assert "FORM_NO_PROJECT_NAME" not in [f.code for f in ds.table.findings]


@pytest.mark.parametrize(
    "note", ["注：表中金额单位为元。", "说明：金额单位：元", "注：1.数据单位为元；2.执行率=执行数÷预算数。"]
)
def test_a_note_under_the_table_states_the_unit(note):
    def edit(ws):
        _scaled(ws, 10000, None)
        ws.cell(ws.max_row + 1, 2, note)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert doc["source"]["amount_unit"] == "元"
    assert doc["totals"]["budget"] == 7863.66 and doc["totals"]["executed"] == 6780.62
    assert "AMOUNT_UNIT_ASSUMED" not in _codes(doc)  # before: guessed from the median, a 警告


# --- round two: more words and marks ----------------------------------------------------------------
def _scaled(ws, factor: float, header_unit: str | None) -> None:
    """The reference's amounts times ``factor`` (its 合计 too), the headers' unit replaced."""
    for r in range(4, ws.max_row + 1):
        for c in (3, 4):
            x = ws.cell(r, c).value
            if isinstance(x, (int, float)):
                ws.cell(r, c, round(x * factor, 4))
    for c in (3, 4):
        label = str(ws.cell(3, c).value)
        ws.cell(3, c, label.replace("（万元）", f"（{header_unit}）" if header_unit else ""))


def test_amounts_in_thousands_of_yuan_by_the_header():
    doc = inspect_bytes(_henan(lambda ws: _scaled(ws, 10, "千元")), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: read as 元, 7.86 万元
    assert doc["source"]["amount_unit"] == "千元"


def test_amounts_in_thousands_of_yuan_by_a_units_line():
    def edit(ws):
        _scaled(ws, 10, None)
        ws.cell(2, 1, "项目单位自评汇总表    单位：千元")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: 万元, 78,636.60
    assert "AMOUNT_UNIT_ASSUMED" not in _codes(doc)


@pytest.mark.parametrize(
    "budget, executed",
    [
        ("全年预算（万）", "全年执行（万）"),
        ("预算数（万）", "支出（万）"),
        ("Budget(万元)", "Expenditure（万元）"),
    ],
)
def test_amount_headers_abbreviated_or_in_english(budget, executed):
    def edit(ws):
        ws.cell(3, 3, budget)
        ws.cell(3, 4, executed)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: the column was not found and worked out from the rate
    codes = _codes(doc)
    assert "EXECUTED_FROM_RATE" not in codes and "BUDGET_FROM_RATE" not in codes


@pytest.mark.parametrize(
    "letters", [list("ABCDEFGHIJKL"), ["A", "B", "C", "D", "E=D/C", "F", "G", "H", "I", "J", "K", "L"]]
)
def test_a_row_of_column_letters_under_the_header(letters):
    def edit(ws):
        ws.insert_rows(4)
        for c, x in enumerate(letters, start=1):
            ws.cell(4, c, x)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: a 16th project named "B"
    assert "UNPARSEABLE_VALUE" not in _codes(doc)


def test_amounts_typed_with_w_for_wan():
    def edit(ws):
        for r in range(4, 19):
            for c in (3, 4):
                ws.cell(r, c, f"{ws.cell(r, c).value:g}{'w' if r % 2 else 'W'}")
        for c in (3, 4):
            ws.cell(3, c, str(ws.cell(3, c).value).replace("（万元）", ""))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: every amount "不是数字"
    assert "UNPARSEABLE_VALUE" not in _codes(doc)


def test_a_total_labelled_with_its_unit_is_a_total_in_that_unit():
    def edit(ws):
        ws.cell(TOTAL_ROW, 1, 16)
        ws.cell(TOTAL_ROW, 2, "合计（元）")
        for c in (3, 4):
            ws.cell(TOTAL_ROW, c, round(ws.cell(TOTAL_ROW, c).value * 10000, 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: a 16th project of 78,636,600 万元
    assert "TOTAL_MISMATCH" not in _codes(doc) and "TOTAL_WORD_PROJECT" not in _codes(doc)


def test_money_returned_earns_no_points_rather_than_fewer():
    """执行数 -2.00 (a refund): its 执行率 part of the score is 0, not -1 point (a false SCORE_MISMATCH)."""

    def edit(ws):
        ws.cell(ZERO_ROW, 4, -2)
        ws.cell(ZERO_ROW, 5, -0.1)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    row = next(r for r in doc["rows"] if r["sheet_row"] == ZERO_ROW)
    assert row["execution_rate"] == -10.0
    assert "NEGATIVE_EXECUTED" in _codes(doc)
    assert not any(f["code"] == "SCORE_MISMATCH" and f"第{ZERO_ROW}行" in f["where"] for f in doc["findings"])


def test_a_remark_typed_after_the_number_in_its_cell():
    """ "100%(四舍五入)", "76.99%（含结转）": the number is read and checked (they were "not a number", so the
    printed 100% of 因公出国 against its recomputed 99.81% went unchecked)."""

    def edit(ws):
        ws.cell(8, 5, "100%(四舍五入)")
        ws.cell(10, 5, "76.99%（含结转）")
        ws.cell(4, 3, "20（追加）")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)
    assert "UNPARSEABLE_VALUE" not in _codes(doc)
    assert any(f["code"] == "RATE_MISMATCH" and "第8行" in f["where"] for f in doc["findings"])
