"""Layouts offices send that were read wrong before, found by probing with files nobody here wrote: a
单位 column that holds the amounts' unit (万元 on every row), "其中：" under a 合计 printed above the
projects, one month's 执行数 beside the 累计, an outline (分级显示) collapsed over every project row,
and 自评表 with hidden rows and columns (a stale 合计, a deleted indicator, last draft's 得分)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from tests.conftest import HENAN_XLSX, SAMPLE_DATA, assert_henan_figures

ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST, TOTAL = 4, 18, 19  # the reference 汇总表's project rows and its 合计 (1-based)


def _henan(edit) -> bytes:
    wb = openpyxl.load_workbook(HENAN_XLSX)
    edit(wb.active)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _codes(doc: dict) -> list[str]:
    return [f["code"] for f in doc["findings"]]


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_a_unit_column_that_holds_the_amount_unit(unit):
    def edit(ws):
        ws.insert_cols(3)
        ws.cell(3, 3, "单位")
        for r in range(FIRST, LAST + 1):
            ws.cell(r, 3, unit)
            for c in (4, 5):
                if unit == "元":
                    ws.cell(r, c, round(ws.cell(r, c).value * 10000, 2))
        for c in (4, 5):
            ws.cell(3, c, str(ws.cell(3, c).value).replace("（万元）", ""))
            if unit == "元":
                ws.cell(TOTAL, c, round(ws.cell(TOTAL, c).value * 10000, 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert doc["totals"]["budget"] == 7863.66 and doc["totals"]["executed"] == 6780.62
    assert {r["unit"] for r in doc["rows"]} == {None}  # before: every project's unit was "万元"
    assert doc["source"]["amount_unit"] == unit
    (said,) = [f for f in doc["findings"] if f["code"] == "UNIT_COLUMN_IS_AMOUNT_UNIT"]
    assert f"“{unit}”" in said["message"]
    assert "AMOUNT_UNIT_ASSUMED" not in _codes(doc)


def test_a_unit_column_of_unit_names_stays_one():
    doc = inspect_bytes(SAMPLE_DATA.joinpath("tangshan_2023_monthly_execution.xlsx").read_bytes(), "t.xlsx")
    assert "科协本级" in {r["unit"] for r in doc["rows"]}
    assert "UNIT_COLUMN_IS_AMOUNT_UNIT" not in _codes(doc)


@pytest.mark.parametrize("mark", ["其中：", "其中:", "（其中）"])
def test_a_breakdown_mark_under_a_total_printed_on_top(mark):
    def edit(ws):
        total = [c.value for c in ws[TOTAL]]
        ws.delete_rows(TOTAL)
        ws.insert_rows(FIRST, 2)
        for c, x in enumerate(total, start=1):
            ws.cell(FIRST, c, x)
        ws.cell(FIRST + 1, 2, mark)

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)
    assert not any(r["project"].startswith("其中") for r in doc["rows"])  # before: "其中：培训-科协机关"


def test_one_months_spending_beside_the_cumulative():
    def edit(ws):
        ws.insert_cols(4)
        ws.cell(3, 4, "12月执行数（万元）")
        ws.cell(3, 5, "累计执行数（万元）")
        for r in range(FIRST, TOTAL + 1):
            ws.cell(r, 4, round((ws.cell(r, 5).value or 0) / 12, 2))

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: December's column, 813.68 万元, with a warning
    assert doc["source"]["columns"]["executed"] == "累计执行数(万元)"


def test_every_project_row_collapsed_in_an_outline():
    def edit(ws):
        for r in range(FIRST, LAST + 1):
            ws.row_dimensions[r].outline_level = 1
            ws.row_dimensions[r].hidden = True

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: refused, "表头下面没有项目数据"
    (said,) = [f for f in doc["findings"] if f["code"] == "PROJECT_ROWS_HIDDEN"]
    assert said["severity"] == "warning" and "15 行" in said["message"]


def test_some_project_rows_hidden_stay_left_out():
    def edit(ws):
        ws.row_dimensions[FIRST].hidden = True

    doc = inspect_bytes(_henan(edit), "汇总表.xlsx")
    assert doc["projects"] == 14
    assert "HIDDEN_LEFT_OUT" in _codes(doc) and "PROJECT_ROWS_HIDDEN" not in _codes(doc)


# --- 自评表 with hidden content -------------------------------------------------------------------
FORMS = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
EXPECTED = json.loads(
    (ROOT / "tests" / "data" / "liangshan_2023_selfeval_forms.expected.json").read_text("utf-8")
)


def _forms(edit) -> bytes:
    """The sample forms rebuilt sheet by sheet through ``edit(grid, merges, ws)`` (openpyxl moves no
    merged range when rows or columns are inserted, so the grid is edited and written anew)."""
    src = openpyxl.load_workbook(FORMS)
    out = openpyxl.Workbook()
    out.remove(out.active)
    for ws in src.worksheets:
        grid = [[c.value for c in row] for row in ws.iter_rows()]
        merges = [(g.min_row, g.min_col, g.max_row, g.max_col) for g in ws.merged_cells.ranges]
        new = out.create_sheet(ws.title)
        grid, merges = edit(grid, merges, new)
        for r, row in enumerate(grid, start=1):
            for c, x in enumerate(row, start=1):
                if x is not None:
                    new.cell(r, c, x)
        for r0, c0, r1, c1 in merges:
            new.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def _insert_row(grid, merges, at: int, values):
    """A row inserted before row ``at`` (1-based), merged ranges moved or stretched."""
    grid = grid[: at - 1] + [values] + grid[at - 1 :]
    moved = [(r0 + (r0 >= at), c0, r1 + (r1 >= at), c1) for r0, c0, r1, c1 in merges]
    return grid, moved


def _total_row(grid) -> int:
    return next(r for r, row in enumerate(grid, start=1) if row and row[0] == "合计")


def _check(data: bytes):
    ds = read_dataset(data, FORMS.name)
    forms = ds.detail.forms
    assert [f.reported_total for f in forms] == [e["reported_total_score"] for e in EXPECTED]
    assert [len(f.indicators) for f in forms] == [e["indicators"] for e in EXPECTED]
    codes = [f.code for f in ds.table.findings]
    assert codes.count("FORM_TOTAL_MISMATCH") == 1  # the reference's own 99-for-89, nothing more
    assert "WEIGHTS_NOT_100" not in codes
    assert codes.count("HIDDEN_LEFT_OUT") == len(forms)
    return ds


def test_a_hidden_stale_total_row_above_the_real_one():
    def edit(grid, merges, ws):
        at = _total_row(grid)
        grid, merges = _insert_row(grid, merges, at, ["合计", 100, 80])
        ws.row_dimensions[at].hidden = True
        return grid, merges

    _check(_forms(edit))  # before: 80 for every form, five false FORM_TOTAL_MISMATCH errors


def test_a_hidden_deleted_indicator_row():
    def edit(grid, merges, ws):
        at = _total_row(grid)
        width = len(grid[at - 2])
        row = ["绩效指标", "产出指标", "数量指标", "旧指标（已删除）", "≥", 50, "人", 50, 10, 10][:width]
        grid, merges = _insert_row(grid, merges, at, row + [None] * (width - len(row)))
        ws.row_dimensions[at].hidden = True
        return grid, merges

    _check(_forms(edit))  # before: one indicator more, weights 110, five false errors


def test_a_hidden_stale_score_column_before_the_real_one():
    def edit(grid, merges, ws):
        at = _total_row(grid)
        header = next(r for r, row in enumerate(grid) if "一级指标" in [str(x) for x in row])
        score = next(c for c, x in enumerate(grid[header]) if x == "得分")
        grid = [
            row[:score] + [(0 if r > header and r < at - 1 else None)] + row[score:]
            for r, row in enumerate(grid)
        ]
        grid[header][score] = "得分"
        merges = [(r0, c0 + (c0 > score), r1, c1 + (c1 > score)) for r0, c0, r1, c1 in merges]
        ws.column_dimensions[openpyxl.utils.get_column_letter(score + 1)].hidden = True
        return grid, merges

    _check(_forms(edit))  # before: the stale column's scores, dozens of false findings
