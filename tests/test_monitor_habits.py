"""月度执行表 as offices fill them, each read wrong before without a word: months after the 截至 date that
a template's formulas fill with 0 or September's total, a refund that makes one cumulative amount
fall, last year's December printed before this year's months, and months typed as numbers 1 2 3 under
a group label. Built from the 唐山 sample's real numbers."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest

from jixiao.monitor.habit import CUMULATIVE, MONTHLY
from jixiao.monitor.read import read_monthly
from jixiao.report import inspect_bytes
from tests.conftest import SAMPLE_DATA, edited

MONTHLY_FILE = SAMPLE_DATA / "tangshan_2023_monthly_execution.xlsx"
FIRST, MONTH1 = 5, 4  # first project row; column of 1月 (1-based)
TITLE = "2023年唐山市科学技术协会项目支出月度执行表（截至2023年9月30日）"


@pytest.fixture(scope="module")
def sample():
    return read_monthly(MONTHLY_FILE.read_bytes(), MONTHLY_FILE.name)


def _edit(edit) -> bytes:
    return edited(MONTHLY_FILE, edit)


def _total(t, month: int) -> float:
    return round(float(np.nansum(t.projects[f"m{month}"])), 2)


def _fill_late(ws, how: str, title: bool = True) -> None:
    if title:
        ws.cell(1, 1, TITLE)
    for r in range(FIRST, ws.max_row + 1):
        sept = ws.cell(r, MONTH1 + 8).value
        for k in (10, 11, 12):
            ws.cell(r, MONTH1 + k - 1, 0 if how == "zero" else sept)


@pytest.mark.parametrize("how", ["zero", "carried"])
def test_months_after_the_as_of_date_are_not_spending(sample, how):
    t = read_monthly(_edit(lambda ws: _fill_late(ws, how)), "执行表.xlsx")
    assert t.months == list(range(1, 10))
    assert t.habit == CUMULATIVE
    assert _total(t, 9) == _total(sample, 9)
    (said,) = [f for f in t.findings if f.code == "MONTHS_AFTER_AS_OF"]
    assert "10–12月" in said.message and "截至2023年9月30日" in said.message
    doc = inspect_bytes(_edit(lambda ws: _fill_late(ws, how)), "执行表.xlsx")
    assert doc["totals"]["executed"] == _total(sample, 9)  # before: 0.00, or December's 0


def test_the_as_of_date_in_the_file_name_counts_too(sample):
    t = read_monthly(
        _edit(lambda ws: _fill_late(ws, "carried", title=False)), "唐山科协2023年1-9月执行表.xlsx"
    )
    assert t.months == list(range(1, 10)) and _total(t, 9) == _total(sample, 9)


def test_months_at_the_end_that_are_all_zero_are_not_filled_in_yet(sample):
    t = read_monthly(_edit(lambda ws: _fill_late(ws, "zero", title=False)), "执行表.xlsx")
    assert t.months == list(range(1, 10)) and _total(t, 9) == _total(sample, 9)
    assert [f.code for f in t.findings].count("MONTHS_ALL_ZERO") == 1


def test_a_full_year_says_nothing_of_months_not_yet(sample):
    assert sample.months == list(range(1, 13))
    codes = [f.code for f in sample.findings]
    assert "MONTHS_AFTER_AS_OF" not in codes and "MONTHS_ALL_ZERO" not in codes


def _plain_header_with_refund(ws) -> None:
    ws.cell(1, 1, "2023年唐山市科学技术协会项目支出月度执行表")
    ws.cell(3, MONTH1, "执行数（万元）")  # the header no longer says 累计
    r = FIRST + 1  # 唐山市老科协经费: 0.50 returned in August
    ws.cell(r, MONTH1 + 7, round(ws.cell(r, MONTH1 + 6).value - 0.5, 2))


def test_one_refund_in_a_cumulative_table_keeps_it_cumulative(sample):
    t = read_monthly(_edit(_plain_header_with_refund), "执行表.xlsx")
    assert t.habit == CUMULATIVE  # before: 当月, and 执行数 138.68% of the budget
    assert _total(t, 12) == _total(sample, 12)
    assert "资金收回" in t.habit_reason and "超过预算" in t.habit_reason


def test_a_table_of_each_months_own_spending_stays_monthly(sample):
    def monthly(ws):
        ws.cell(3, MONTH1, "执行数（万元）")
        ws.cell(1, 1, "2023年唐山市科学技术协会项目支出执行表")
        for r in range(FIRST, ws.max_row + 1):
            cum = [ws.cell(r, MONTH1 + k).value for k in range(12)]
            prev = 0.0
            for k, x in enumerate(cum):
                if x is not None:
                    ws.cell(r, MONTH1 + k, round(x - prev, 2))
                    prev = x

    t = read_monthly(_edit(monthly), "执行表.xlsx")
    assert t.habit == MONTHLY
    assert abs(_total(t, 12) - _total(sample, 12)) < 0.1


def test_last_years_december_before_the_months_is_passed_over(sample):
    def earlier(ws):
        ws.unmerge_cells("D3:O3")
        ws.insert_cols(MONTH1)  # (openpyxl moves no merged range)
        ws.merge_cells("E3:P3")
        ws.cell(3, MONTH1, "2022年")
        ws.cell(4, MONTH1, "12月")
        for r in range(FIRST, ws.max_row + 1):
            ws.cell(r, MONTH1, 99.0)
        ws.cell(3, MONTH1 + 1, "2023年累计执行数（万元）")

    t = read_monthly(_edit(earlier), "执行表.xlsx")
    assert t.habit == CUMULATIVE and t.months == list(range(1, 13))
    assert _total(t, 12) == _total(sample, 12)  # before: 2022's column was December, the rest 当月
    (said,) = [f for f in t.findings if f.code == "EARLIER_YEAR_MONTHS"]
    assert "2022年" in said.message


def test_months_typed_as_numbers_under_a_group_label(sample):
    def numbers(ws):
        ws.cell(3, MONTH1, "2023年各月累计执行数（万元）")
        for k in range(1, 13):
            ws.cell(4, MONTH1 + k - 1, k)

    data = _edit(numbers)
    t = read_monthly(data, "执行表.xlsx")
    assert t.months == list(range(1, 13)) and _total(t, 12) == _total(sample, 12)
    doc = inspect_bytes(data, "执行表.xlsx")
    assert doc["totals"]["executed"] == _total(sample, 12)  # before: January's column


def test_a_row_of_column_numbers_under_a_header_is_not_months():
    """栏次 1 2 3 … under a 汇总表's header, whose labels say nothing of months, stay what they are."""
    from tests.conftest import HENAN_XLSX, assert_henan_figures

    wb = openpyxl.load_workbook(HENAN_XLSX)
    ws = wb.active
    ws.insert_rows(4)
    for c in range(1, 13):
        ws.cell(4, c, c)
    buf = io.BytesIO()
    wb.save(buf)
    assert_henan_figures(inspect_bytes(buf.getvalue(), HENAN_XLSX.name))


@pytest.mark.parametrize("label", ["序时进度", "时间进度（%）"])
@pytest.mark.parametrize("as_text", [False, True])
def test_a_row_of_the_time_progress_is_not_a_project(sample, label, as_text):
    def progress(ws):
        ws.insert_rows(FIRST)
        ws.cell(FIRST, 2, label)
        for k in range(1, 13):
            share = round(k / 12, 4)
            ws.cell(FIRST, MONTH1 + k - 1, f"{share * 100:.2f}%" if as_text else share)

    data = _edit(progress)
    t = read_monthly(data, "执行表.xlsx")
    assert len(t.projects) == len(sample.projects) and _total(t, 12) == _total(sample, 12)
    assert [f.code for f in t.findings].count("TIME_PROGRESS_ROW") == 1
    doc = inspect_bytes(data, "执行表.xlsx")
    assert doc["projects"] == len(sample.projects)  # before: one project more, 0.75 万元 spent
    assert doc["totals"]["executed"] == _total(sample, 12)
    assert "TIME_PROGRESS_ROW" in [f["code"] for f in doc["findings"]]


def _per_unit() -> bytes:
    """The sample a sheet per unit (科协本级 / 科工中心 / …), each with the title and header, no 单位 column:
    units whose expense items share names (其他交通费, 维修费) are still different units."""
    src = openpyxl.load_workbook(MONTHLY_FILE).active
    rows = [[c.value for c in row] for row in src.iter_rows()]
    by_unit: dict[str, list] = {}
    for row in rows[FIRST - 1 :]:
        if row[1]:
            by_unit.setdefault(row[0], []).append(row[1:])
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for unit, body in by_unit.items():
        ws = wb.create_sheet(unit)
        ws.append([f"2023年{unit}项目支出月度执行表"])
        ws.append(["单位：万元"])
        ws.append(["项目名称", "调整预算数", *[f"{k}月累计执行数" for k in range(1, 13)]])
        for row in body:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_sheet_per_unit_is_one_monthly_table(sample):
    t = read_monthly(_per_unit(), "执行表.xlsx")
    assert len(t.projects) == len(sample.projects)  # before: the first sheet's 11 projects alone
    assert _total(t, 12) == _total(sample, 12) and t.months == sample.months
    assert set(t.projects["unit"]) == set(sample.projects["unit"])
    assert "SHEETS_COMBINED" in [f.code for f in t.findings]
    doc = inspect_bytes(_per_unit(), "执行表.xlsx")
    assert doc["projects"] == len(sample.projects)
    assert doc["totals"]["executed"] == _total(sample, 12)
    assert {r["unit"] for r in doc["rows"]} == set(sample.projects["unit"])


@pytest.mark.parametrize(("unit", "per_wan"), [("千元", 10), ("百万元", 0.01), ("亿元", 0.0001)])
def test_a_table_in_thousands_or_hundred_millions_is_read_in_wan(sample, unit, per_wan):
    def edit(ws):
        ws.cell(2, 1, f"单位：{unit}")
        for r in range(1, 5):
            for c in range(1, ws.max_column + 1):
                if isinstance(ws.cell(r, c).value, str) and "万元" in ws.cell(r, c).value:
                    ws.cell(r, c).value = ws.cell(r, c).value.replace("万元", unit)
        for r in range(FIRST, ws.max_row + 1):
            for c in range(MONTH1 - 1, MONTH1 + 12):
                x = ws.cell(r, c).value
                if isinstance(x, (int, float)):
                    ws.cell(r, c, round(x * per_wan, 6))

    t = read_monthly(_edit(edit), MONTHLY_FILE.name)
    # before: 千元 read as 万元 (ten times too much), 百万元 and 亿元 read as 元 or 万元
    assert _total(t, 9) == _total(sample, 9) and _total(t, 12) == _total(sample, 12)
    assert round(float(np.nansum(t.projects["budget"])), 2) == round(
        float(np.nansum(sample.projects["budget"])), 2
    )
