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
from tests.conftest import HENAN_XLSX, SAMPLE_DATA, assert_henan_figures, edited, finding_codes

ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST, TOTAL = 4, 18, 19  # the reference 汇总表's project rows and its 合计 (1-based)


def _henan(edit) -> bytes:
    return edited(HENAN_XLSX, edit)


_codes = finding_codes


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


# --- one table continued over sheets -------------------------------------------------------------
def _split(
    names: tuple[str, str], *, each_total: bool, grand: tuple[float, float, float] | None = None
) -> bytes:
    """The reference 汇总表 over two sheets, each with the title and header: the first 8 projects on the
    first, the other 7 and the 合计 (or each sheet its own 合计) on the second."""
    src = openpyxl.load_workbook(HENAN_XLSX).active
    rows = [[c.value for c in row] for row in src.iter_rows()]
    head, body, total = rows[:3], rows[FIRST - 1 : LAST], rows[TOTAL - 1]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, part in zip(names, (body[:8], body[8:])):
        ws = wb.create_sheet(name)
        for row in head + part:
            ws.append(row)
        if each_total:
            ws.append(
                [None, "本页合计", round(sum(r[2] for r in part), 2), round(sum(r[3] for r in part), 2)]
            )
    if not each_total:
        if grand is not None:  # budget, executed, score of the 合计
            total = list(total)
            total[2], total[3], total[head[2].index("自评得分")] = grand
        ws.append(total)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "names", [("上半部分", "下半部分"), ("第1页", "第2页"), ("1", "2"), ("续表1", "续表2")]
)
def test_a_table_continued_over_sheets_with_its_total_at_the_end(names):
    doc = inspect_bytes(_split(names, each_total=False), "汇总表.xlsx")
    assert_henan_figures(doc)
    assert {r["unit"] for r in doc["rows"]} == {None}  # before: the units were 上半部分 / 下半部分
    assert "TOTAL_MISMATCH" not in _codes(doc)  # before: two false errors, the 合计 against 7 projects
    (covers,) = [f for f in doc["findings"] if f["code"] == "TOTAL_COVERS_SHEETS"]
    assert "15 个项目" in covers["message"] and "7,863.66" in covers["message"]
    assert "分页" in next(f["message"] for f in doc["findings"] if f["code"] == "SHEETS_COMBINED")


def test_pages_each_with_their_own_total():
    doc = inspect_bytes(_split(("第1页", "第2页"), each_total=True), "汇总表.xlsx")
    assert doc["projects"] == 15 and doc["totals"]["budget"] == 7863.66
    assert {r["unit"] for r in doc["rows"]} == {None}
    assert "TOTAL_MISMATCH" not in _codes(doc) and "TOTAL_COVERS_SHEETS" not in _codes(doc)


def test_a_total_at_the_end_that_adds_up_to_neither_stays_an_error():
    doc = inspect_bytes(
        _split(("上半部分", "下半部分"), each_total=False, grand=(7000, 6780.62, 96.39)), "t.xlsx"
    )
    assert "TOTAL_COVERS_SHEETS" not in _codes(doc)
    assert [f["severity"] for f in doc["findings"] if f["code"] == "TOTAL_MISMATCH"][:1] == ["error"]


def test_the_score_of_a_total_at_the_end_is_checked_against_every_sheet():
    doc = inspect_bytes(
        _split(("上半部分", "下半部分"), each_total=False, grand=(7863.66, 6780.62, 80)), "t.xlsx"
    )
    assert "TOTAL_COVERS_SHEETS" in _codes(doc)
    (score,) = [f for f in doc["findings"] if f["code"] == "TOTAL_MISMATCH"]
    assert score["severity"] == "warning" and "96.39" in score["message"] and "92.06" in score["message"]


def test_sheets_named_for_units_still_name_the_units():
    doc = inspect_bytes(_split(("科协本级", "科技馆"), each_total=True), "汇总表.xlsx")
    assert {r["unit"] for r in doc["rows"]} == {"科协本级", "科技馆"}


def test_a_second_sheet_that_goes_on_without_a_header_is_named():
    """Rows 9–15 and the 合计 pasted on a second sheet with no header: not read (nothing says which
    column is which), but never passed over in silence."""
    src = openpyxl.load_workbook(HENAN_XLSX).active
    rows = [[c.value for c in row] for row in src.iter_rows()]
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Sheet1"
    for row in rows[: FIRST - 1 + 8]:
        first.append(row)
    second = wb.create_sheet("Sheet2")
    for row in rows[FIRST - 1 + 8 : TOTAL]:
        second.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), "汇总表.xlsx")
    assert doc["projects"] == 8
    (said,) = [f for f in doc["findings"] if f["code"] == "CONTINUATION_SHEET_NOT_READ"]
    assert said["severity"] == "warning" and "7 行" in said["message"] and "2,484.00" in said["message"]


def test_another_table_on_a_second_sheet_is_not_a_continuation(henan_bytes):
    wb = openpyxl.load_workbook(HENAN_XLSX)
    notes = wb.create_sheet("说明")
    notes.append(["填表说明"])
    notes.append([1, "预算数填调整后预算", 100, 90])
    notes.append([2, "执行数填全年实际支出", 50, 40])
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), "汇总表.xlsx")
    assert_henan_figures(doc)
    assert "CONTINUATION_SHEET_NOT_READ" not in _codes(doc)


def test_a_table_printed_in_two_halves_side_by_side_is_named():
    src = openpyxl.load_workbook(HENAN_XLSX).active
    rows = [[c.value for c in row][:5] for row in src.iter_rows()]
    head, body = rows[2], rows[FIRST - 1 : LAST]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目单位自评汇总表"])
    ws.append([*head, None, *head])
    for k in range(8):
        right = body[8 + k] if 8 + k < len(body) else [None, "合计", 7863.66, 6780.62, 0.8623]
        ws.append([*body[k], None, *right])
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), "汇总表.xlsx")
    assert doc["projects"] == 8
    (said,) = [f for f in doc["findings"] if f["code"] == "SIDE_BY_SIDE_NOT_READ"]
    assert "7 个项目" in said["message"] and "2,484.00" in said["message"] and "H列" in said["message"]


def test_a_table_without_a_second_half_says_nothing_of_one(henan_bytes):
    doc = inspect_bytes(henan_bytes, HENAN_XLSX.name)
    assert "SIDE_BY_SIDE_NOT_READ" not in _codes(doc) and "CONTINUATION_SHEET_NOT_READ" not in _codes(doc)


@pytest.mark.parametrize("seq", ["一", "（一）", "一、"])
def test_unit_headings_numbered_in_the_number_column_over_a_breakdown_mark(seq):
    """ "一 | 科协机关 | 5379.66 …" then a "其中：" row, then the unit's projects: the units are named (they
    were all empty; the same table without the "其中：" rows named them)."""
    src = openpyxl.load_workbook(HENAN_XLSX).active
    rows = [[c.value for c in row] for row in src.iter_rows()]
    body = rows[FIRST - 1 : LAST]
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows[:3]:
        ws.append(row)
    second = seq.replace("一", "二")
    for mark, name, part in ((seq, "科协机关", body[:8]), (second, "科技馆", body[8:])):
        ws.append([mark, name, round(sum(r[2] for r in part), 2), round(sum(r[3] for r in part), 2)])
        ws.append([None, "其中："])
        for row in part:
            ws.append(row)
    ws.append(rows[TOTAL - 1])
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), "汇总表.xlsx")
    assert_henan_figures(doc)
    units = [r["unit"] for r in doc["rows"]]
    assert units == ["科协机关"] * 8 + ["科技馆"] * 7


# --- units named on rows of their own over a blank 单位 column; 重点项目 listed again -----------------
def _with_unit_column(unit_rows: str) -> bytes:
    """The reference with a 单位 column left blank on the project rows and each unit named on a row of
    its own: in the 单位 cell, merged over 单位 and 项目名称, or merged across the row."""
    src = openpyxl.load_workbook(HENAN_XLSX).active
    rows = [[c.value for c in row] for row in src.iter_rows()]
    body = rows[FIRST - 1 : LAST]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(rows[0])
    ws.append(rows[1])
    ws.append([rows[2][0], "单位", *rows[2][1:]])
    width = len(rows[2]) + 1
    for unit, part in (("科协机关", body[:8]), ("科技馆", body[8:])):
        ws.append([None, unit] if unit_rows != "whole row" else [unit])
        r = ws.max_row
        if unit_rows == "unit and name":
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        elif unit_rows == "whole row":
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        for row in part:
            ws.append([row[0], None, *row[1:]])
    ws.append([None, None, *rows[TOTAL - 1][1:]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("unit_rows", ["unit cell", "unit and name", "whole row"])
def test_units_named_on_their_own_rows_over_a_blank_unit_column(unit_rows):
    doc = inspect_bytes(_with_unit_column(unit_rows), "汇总表.xlsx")
    assert_henan_figures(doc)
    assert [r["unit"] for r in doc["rows"]] == ["科协机关"] * 8 + ["科技馆"] * 7  # before: all None


def _key_projects(where: str) -> bytes:
    src = openpyxl.load_workbook(HENAN_XLSX).active
    rows = [[c.value for c in row] for row in src.iter_rows()]
    key = [rows[r - 1] for r in (7, 10, 15)]  # three of the projects again, as a 重点项目 list
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows[:LAST]:
        ws.append(row)
    if where == "below":
        ws.append(rows[TOTAL - 1])
        ws.append([])
        ws.append(["附：重点项目"])
    else:
        ws.append(["三", "重点项目（已含在上述项目中）"])
    for k, row in enumerate(key, start=1):
        ws.append([k, *row[1:]])
    if where != "below":
        ws.append(rows[TOTAL - 1])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("where", ["below", "before the total"])
def test_key_projects_listed_again_are_counted_once(where):
    doc = inspect_bytes(_key_projects(where), "汇总表.xlsx")
    assert_henan_figures(doc)  # before: 18 projects, 13,673.66 万元
    (said,) = [f for f in doc["findings"] if f["code"] == "REPEATED_ROWS"]
    assert "3 个项目" in said["message"]
    assert "TOTAL_MISMATCH" not in _codes(doc)


def test_a_project_entered_twice_by_mistake_is_still_counted_and_warned(henan_bytes):
    """One repeated row is not a block: it stays, with DUPLICATE_PROJECT (the 合计 decides nothing)."""
    src = openpyxl.load_workbook(HENAN_XLSX)
    ws = src.active
    ws.insert_rows(LAST + 1)
    for c, x in enumerate([c.value for c in ws[FIRST + 1]], start=1):
        ws.cell(LAST + 1, c, x)
    buf = io.BytesIO()
    src.save(buf)
    doc = inspect_bytes(buf.getvalue(), "汇总表.xlsx")
    assert doc["projects"] == 16 and "REPEATED_ROWS" not in _codes(doc)
    assert "DUPLICATE_PROJECT" in _codes(doc)


def test_a_repeated_name_on_the_same_row_of_two_sheets_is_told_apart_by_the_sheet():
    """Both 科普与学会服务能力提升专项-省级 rows sit on row 10 of their page: labels name the page too (the
    charts read "（第10行）" twice, and "(2)")."""
    from components.charts import unique_labels
    from jixiao.export.common import project_labels
    from jixiao.read import read_dataset
    from jixiao.summary.analysis import analyze

    projects = analyze(read_dataset(_split(("第1页", "第2页"), each_total=False), "t.xlsx").table).projects
    wanted = ["（第1页第10行）", "（第2页第10行）"]
    assert [x[x.index("（") :] for x in project_labels(projects) if "第10行" in x] == wanted
    charted = unique_labels(
        projects["project"], projects["sheet_row"], projects["unit"], projects.get("sheet")
    )
    assert [x[x.index("（") :] for x in charted if "第10行" in x] == wanted
