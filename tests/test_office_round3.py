"""Round three of 汇总表 habits nobody here wrote, built from the reference figures: amounts in 亿元 or
百万元, an 调整预算数 that is the adjustment beside 调整后预算数, 上年结转 beside 本年预算 with no 合计
column, next year's budget beside this year's spending, share columns (预算数占比) and a rate named
"执行数占预算数比例", figures copied with thin spaces, and one row typed in 元 in a 万元 table."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.conftest import HENAN_XLSX, assert_henan_figures, edited, finding_codes

FIRST, LAST, TOTAL = 4, 18, 19  # the reference 汇总表's project rows and its 合计 (1-based)
BUDGET, EXECUTED = 7863.66, 6780.62


def _henan(edit) -> bytes:
    return edited(HENAN_XLSX, edit)


def _scaled(ws, divisor: float) -> None:
    for r in range(FIRST, TOTAL + 1):
        for c in (3, 4):
            ws.cell(r, c, ws.cell(r, c).value / divisor)


@pytest.mark.parametrize("unit, divisor", [("亿元", 10000), ("百万元", 100)])
def test_amounts_in_hundred_millions_or_millions_by_the_header(unit, divisor):
    def edit(ws):
        _scaled(ws, divisor)
        for c in (3, 4):
            ws.cell(3, c, str(ws.cell(3, c).value).replace("（万元）", f"（{unit}）"))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: 亿元 read as 元 (0.00 万元), 百万元 as 万元 (78.64)
    assert doc["source"]["amount_unit"] == unit


@pytest.mark.parametrize("unit, divisor", [("亿元", 10000), ("百万元", 100)])
def test_amounts_in_hundred_millions_or_millions_by_a_units_line(unit, divisor):
    def edit(ws):
        _scaled(ws, divisor)
        for c in (3, 4):
            ws.cell(3, c, str(ws.cell(3, c).value).replace("（万元）", ""))
        ws.cell(2, 1, f"项目单位自评汇总表    金额单位：{unit}")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: "表中没有注明金额单位，已按“万元”处理", 0.79 or 78.64 万元
    assert "AMOUNT_UNIT_ASSUMED" not in finding_codes(doc)


def _initial_adjustment_adjusted(ws) -> None:
    """年初预算数 | 调整预算数 (the change) | 调整后预算数 where the budget was."""
    ws.insert_cols(3, 2)
    ws.cell(3, 3, "年初预算数（万元）")
    ws.cell(3, 4, "调整预算数（万元）")
    ws.cell(3, 5, "调整后预算数（万元）")
    for r in range(FIRST, LAST + 1):
        budget = ws.cell(r, 5).value
        initial = round(budget * 0.8, 2)
        ws.cell(r, 3, initial)
        ws.cell(r, 4, round(budget - initial, 2))


def test_an_adjustment_column_beside_the_adjusted_budget_is_not_the_budget():
    doc = inspect_bytes(_henan(_initial_adjustment_adjusted), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: the leftmost of the two, the adjustment (1,572.73 万元, 431%)
    assert doc["source"]["columns"]["budget"] == "调整后预算数(万元)"
    (said,) = [f for f in doc["findings"] if f["code"] == "COLUMN_CHOSEN" and "“预算数”" in f["message"]]
    assert said["severity"] == "info" and "增减额" in said["message"]


def test_an_adjusted_budget_alone_beside_the_initial_one_is_still_the_budget():
    def edit(ws):
        ws.insert_cols(3)
        ws.cell(3, 3, "年初预算数（万元）")
        ws.cell(3, 4, "调整预算数（万元）")
        for r in range(FIRST, LAST + 1):
            ws.cell(r, 3, round(ws.cell(r, 4).value * 0.8, 2))

    assert_henan_figures(inspect_bytes(_henan(edit), "汇总表.xlsx"))


@pytest.mark.parametrize(
    "carry, current", [("上年结转（万元）", "本年预算（万元）"), ("上年结转资金", "本年安排资金")]
)
def test_last_years_carry_over_beside_this_years_budget_with_no_total_column(carry, current):
    def edit(ws):
        ws.insert_cols(3)
        ws.cell(3, 3, carry)
        ws.cell(3, 4, current)
        for r in range(FIRST, LAST + 1):
            budget = ws.cell(r, 4).value
            ws.cell(r, 3, round(budget * 0.1, 2))
            ws.cell(r, 4, round(budget - round(budget * 0.1, 2), 2))
        ws.cell(TOTAL, 3, None)
        ws.cell(TOTAL, 4, BUDGET)  # the 合计 row prints the whole budget under 本年预算

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: 本年预算 alone (7,077.29 万元, 95.81%), or no budget at all
    (said,) = [f for f in doc["findings"] if f["code"] == "AMOUNT_PARTS_ADDED"]
    assert carry.replace("（万元）", "") in said["message"]


def test_a_budget_group_over_carry_over_and_this_years_budget():
    def edit(ws):
        ws.insert_rows(4)
        ws.insert_cols(3)
        ws.cell(3, 3, "预算数（万元）")
        ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=4)
        ws.cell(4, 3, "上年结转")
        ws.cell(4, 4, "本年预算")
        for c in (1, 2, *range(5, 14)):
            ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
        for r in range(FIRST + 1, TOTAL + 1):
            budget = ws.cell(r, 4).value
            ws.cell(r, 3, round(budget * 0.1, 2))
            ws.cell(r, 4, round(budget - round(budget * 0.1, 2), 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    # before: the leftmost part, 上年结转 alone (786.37 万元, 862%)
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert "AMOUNT_PARTS_ADDED" in finding_codes(doc)


@pytest.mark.parametrize("label", ["其中：上年结转", "上年结转"])
def test_a_carry_over_beside_a_whole_budget_is_not_added(label):
    def edit(ws):
        ws.insert_cols(4)
        ws.cell(3, 4, label)
        for r in range(FIRST, LAST + 1):
            ws.cell(r, 4, round(ws.cell(r, 3).value * 0.1, 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)
    assert "AMOUNT_PARTS_ADDED" not in finding_codes(doc)


def test_next_years_budget_beside_this_years_spending_does_not_make_the_year():
    def edit(ws):
        ws.cell(2, 1, "项目单位自评汇总表（单位：万元）")  # no year anywhere but in the header
        ws.cell(3, 3, "2023年预算数")
        ws.cell(3, 4, "2023年执行数")
        ws.insert_cols(5)
        ws.cell(3, 5, "2024年预算数")
        for r in range(FIRST, LAST + 1):
            ws.cell(r, 5, round(ws.cell(r, 3).value * 1.05, 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: 2024 taken as the report year (8,256.85 万元, 82.12%)
    (said,) = [f for f in doc["findings"] if f["code"] == "COLUMN_CHOSEN" and "“预算数”" in f["message"]]
    assert "2023年" in said["message"] and "有执行数" in said["message"]


def test_share_columns_left_of_the_amounts_are_no_amounts():
    def edit(ws):
        ws.insert_cols(3)
        ws.cell(3, 3, "预算数占比")
        ws.insert_cols(5)
        ws.cell(3, 5, "执行数占比")
        for r in range(FIRST, LAST + 1):
            ws.cell(r, 3, round(ws.cell(r, 4).value / BUDGET, 4))
            ws.cell(r, 5, round(ws.cell(r, 6).value / EXECUTED, 4))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: the shares, 1.00 and 1.00 万元
    assert "COLUMN_CHOSEN" not in finding_codes(doc)


def test_the_rate_named_as_spending_over_budget():
    def edit(ws):
        ws.insert_cols(4)
        ws.cell(3, 4, "执行数占预算数比例")  # left of the 执行数 it would have been taken for
        for r in range(FIRST, TOTAL + 1):
            ws.cell(r, 4, ws.cell(r, 6).value)
        ws.delete_cols(6)
        ws.cell(3, 5, "执行数（万元）")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: taken as the 执行数, every cell "不是数字"
    assert doc["source"]["columns"]["reported_execution_rate"] == "执行数占预算数比例"


@pytest.mark.parametrize("space", ["\u2009", "\u202f"])
def test_figures_copied_with_thin_spaces_between_thousands(space):
    def edit(ws):
        for r in range(FIRST, TOTAL + 1):
            for c in (3, 4):
                ws.cell(r, c, f"{ws.cell(r, c).value:,.2f}".replace(",", space))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: "2 119.00" not a number, 2,119 万元 left out of the budget
    assert "UNPARSEABLE_VALUE" not in finding_codes(doc)


def test_one_row_typed_in_yuan_in_a_table_in_wan_is_said():
    def edit(ws):
        ws.delete_rows(TOTAL)  # no 合计 to catch it
        for c in (3, 4):
            ws.cell(LAST, c, round(ws.cell(LAST, c).value * 10000, 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    (said,) = [f for f in doc["findings"] if f["code"] == "AMOUNT_IN_YUAN_SUSPECT"]  # before: nothing
    assert said["severity"] == "warning" and f"第{LAST}行" in said["where"]
    assert "284.00 万元" in said["message"] and "40.38 万元" in said["message"]


def test_the_reference_table_has_no_row_in_yuan(henan_bytes):
    assert "AMOUNT_IN_YUAN_SUSPECT" not in finding_codes(inspect_bytes(henan_bytes, "汇总表.xlsx"))


@pytest.mark.parametrize("typed", ["{s} 优", "{s}分/良好", "{s}，等级：优", "{s}（优）", "{s}合格"])
def test_a_score_typed_with_its_grade(typed):
    def edit(ws):
        for r in range(FIRST, LAST + 1):
            score = ws.cell(r, 11).value
            ws.cell(r, 11, typed.format(s=f"{score:g}"))

    plain = inspect_bytes(HENAN_XLSX.read_bytes(), "汇总表.xlsx")
    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    # before: "单元格内容“100 优”不是数字" on every row, and the averages moved to the recomputed scores
    assert_henan_figures(doc)
    assert [r["reported_score"] for r in doc["rows"]] == [r["reported_score"] for r in plain["rows"]]
    assert doc["scores"] == plain["scores"]
    assert "UNPARSEABLE_VALUE" not in finding_codes(doc)


def test_a_grade_alone_is_still_no_score():
    def edit(ws):
        ws.cell(FIRST, 11, "优")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    said = [f for f in doc["findings"] if f["code"] == "UNPARSEABLE_VALUE"]
    assert len(said) == 1 and "“优”" in said[0]["message"]


def _with_grades(grades: dict[int, str], label: str = "自评等级"):
    """A 自评等级 column after 是否有较大偏差: each project's grade as its score earns it, but the rows in
    ``grades`` (1-based sheet rows) typed otherwise."""

    def edit(ws):
        ws.cell(3, 13, label)
        for r in range(FIRST, LAST + 1):
            score = ws.cell(r, 11).value
            ws.cell(
                r,
                13,
                grades.get(
                    r, "优秀" if score >= 90 else "良好" if score >= 80 else "合格" if score >= 60 else "差"
                ),
            )

    return edit


def test_a_grade_column_that_agrees_with_the_scores_says_nothing():
    doc = inspect_bytes(_henan(_with_grades({})), "汇总表.xlsx")
    assert_henan_figures(doc)
    assert doc["source"]["columns"]["reported_grade"] == "自评等级"
    assert "GRADE_MISMATCH" not in finding_codes(doc)


@pytest.mark.parametrize("label", ["自评等级", "评价等级", "等级"])
def test_a_grade_typed_against_its_score_is_said(label):
    # row 6 scores 99.88 (优), row 12 scores 20 (差)
    doc = inspect_bytes(_henan(_with_grades({6: "良", 12: "合格"}, label)), "汇总表.xlsx")
    assert_henan_figures(doc)
    said = [f for f in doc["findings"] if f["code"] == "GRADE_MISMATCH"]  # before: the column was not read
    assert [f["severity"] for f in said] == ["warning", "warning"]
    assert (
        "第6行" in said[0]["where"]
        and "「良」" in said[0]["message"]
        and "99.88 分应为「优」" in said[0]["message"]
    )
    assert "第12行" in said[1]["where"] and "20.00 分应为「差」" in said[1]["message"]


def test_the_spending_is_the_execution_column_before_payments_and_allocations():
    def edit(ws):
        ws.insert_cols(4, 2)
        ws.cell(3, 4, "拨付数（万元）")
        ws.cell(3, 5, "支付数（万元）")
        for r in range(FIRST, LAST + 1):
            budget = ws.cell(r, 3).value
            ws.cell(r, 4, budget)
            ws.cell(r, 5, round(budget * 0.95, 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: the leftmost, 拨付数, was read as the spending (the budget again)
    assert doc["source"]["columns"]["executed"] == "全年执行数(万元)"

    def without_execution(ws):
        edit(ws)
        ws.delete_cols(6)

    doc = inspect_bytes(_henan(without_execution), "汇总表.xlsx")
    assert doc["source"]["columns"]["executed"] == "支付数(万元)"  # paid before passed down


@pytest.mark.parametrize(
    "first, second",
    [("其中：财政拨款", "其他资金"), ("财政拨款", "其他资金"), ("（1）财政拨款", "（2）自筹资金")],
)
def test_rows_under_a_project_naming_its_sources_of_money_are_not_projects(first, second):
    def edit(ws):
        ws.insert_rows(6, 2)  # under 科协事业发展工作经费 (50 / 50)
        ws.cell(6, 2, first), ws.cell(6, 3, 40), ws.cell(6, 4, 40)
        ws.cell(7, 2, second), ws.cell(7, 3, 10), ws.cell(7, 4, 10)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    # before: 16 projects, 科协事业发展工作经费 gone and two projects named 财政拨款 / 其他资金 in its place
    assert_henan_figures(doc)
    assert "科协事业发展工作经费" in [r["project"] for r in doc["rows"]]
    assert not {"财政拨款", "其他资金", "自筹资金"} & {r["project"] for r in doc["rows"]}
    assert finding_codes(doc).count("FUNDING_BREAKDOWN") == 1


def test_the_printed_rate_under_a_group_header_in_wan_is_the_rate():
    def edit(ws):
        ws.insert_rows(3)  # a group row over the header: 预算执行情况（万元） over 预算数 | 执行数 | 执行率
        for c in range(1, 13):
            if c not in (3, 4, 5):
                ws.cell(3, c, ws.cell(4, c).value)
                ws.cell(4, c, None)
                ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
        ws.cell(3, 3, "预算执行情况（万元）")
        ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=5)
        ws.cell(4, 3, "全年预算数")
        ws.cell(4, 4, "全年执行数")

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)
    # before: the rate column was a passed-over budget candidate, so the printed rates went unchecked
    assert doc["source"]["columns"]["reported_execution_rate"].endswith("预算执行率")
    codes = finding_codes(doc)
    assert "RATE_MISMATCH" in codes and "RATE_WITHOUT_PERCENT" in codes  # row 8's 100%, row 15's 80.34
