"""The Excel export (jixiao.export.xlsx): reopened with openpyxl, values, formats, fills, and text
that looks like a formula staying text."""

from __future__ import annotations

import dataclasses
import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.escape import unescape

from jixiao import model as m
from jixiao.export.xlsx import (
    AMOUNT_FORMAT,
    FLAG_FILL,
    RATE_FORMAT,
    SHEET_FINDINGS,
    SHEET_FLAGGED,
    SHEET_NOTES,
    SHEET_PROJECTS,
    SHEET_UNITS,
    build_xlsx,
    flagged_xlsx,
)
from jixiao.fmt import round_half_up
from jixiao.read import read_dataset
from jixiao.settings import Settings
from jixiao.summary.analysis import analyze

INJECTION = ["=1+1", "+SUM(A1)", "-2", "@cmd"]


def _load(data: bytes):
    return load_workbook(io.BytesIO(data))


def _headers(ws, row: int = 1) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if c.value is not None}


def _row_of(ws, col: int, value) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=col).value == value:
            return r
    raise AssertionError(f"{value!r} not in column {col}")


def _small_workbook(names: list[str]) -> bytes:
    """A tiny 汇总表 whose project names are the given texts, written as text (not formulas)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["测试单位2024年度项目单位自评汇总表"])
    ws.append(["序号", "项目名称", "预算数（万元）", "执行数（万元）", "自评得分"])
    for i, name in enumerate(names):
        ws.append([i + 1, name, 100, 50 + 10 * i, 80 + i])
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def henan_wb(henan_analysis):
    return _load(build_xlsx(henan_analysis))


def test_sheets_in_order_without_units(henan_wb):
    assert henan_wb.sheetnames == [SHEET_PROJECTS, SHEET_FINDINGS, SHEET_NOTES]


def test_project_rows_carry_recomputed_and_reported_values(henan_wb, henan_analysis):
    ws = henan_wb[SHEET_PROJECTS]
    h = _headers(ws)
    p = henan_analysis.projects
    assert (
        sum(1 for r in range(2, ws.max_row + 1) if isinstance(ws.cell(r, h["行号"]).value, int))
        == len(p)
        == 15
    )
    r8 = _row_of(ws, h["行号"], 8)  # 因公出国（境）: printed 100%, recomputed 99.81%
    assert ws.cell(r8, h["项目名称"]).value == "因公出国（境）"
    assert ws.cell(r8, h["执行率（重新计算）"]).value == pytest.approx(0.9981)
    assert ws.cell(r8, h["填报执行率"]).value == pytest.approx(1.0)
    assert ws.cell(r8, h["填报自评得分"]).value == pytest.approx(99.98)
    assert ws.cell(r8, h["重新计算得分"]).value == pytest.approx(99.98)
    assert ws.cell(r8, h["成本指标得分率"]).value == "/"  # '/' on the source: not applicable
    r12 = _row_of(ws, h["行号"], 12)  # 知识产权事业发展: 0% spent
    assert ws.cell(r12, h["评价等级"]).value == "差"
    assert "执行率偏低" in ws.cell(r12, h["偏差类型"]).value
    assert "0.00%" in ws.cell(r12, h["原因说明"]).value
    for r in range(2, 17):
        rec = p[p[m.SHEET_ROW] == ws.cell(r, h["行号"]).value].iloc[0]
        assert ws.cell(r, h["执行率（重新计算）"]).value == pytest.approx(
            round_half_up(rec[m.EXECUTION_RATE], 2) / 100
        )


def test_total_row_and_means(henan_wb):
    ws = henan_wb[SHEET_PROJECTS]
    h = _headers(ws)
    r = _row_of(ws, h["项目名称"], "合计")
    assert ws.cell(r, h["预算数（万元）"]).value == pytest.approx(7863.66)
    assert ws.cell(r, h["执行数（万元）"]).value == pytest.approx(6780.62)
    assert round(ws.cell(r, h["执行率（重新计算）"]).value, 4) == 0.8623
    assert ws.cell(r + 1, h["采用得分（填报优先）"]).value == pytest.approx(96.39)
    assert "加权" in ws.cell(r + 1, h["项目名称"]).value
    assert ws.cell(r + 2, h["采用得分（填报优先）"]).value == pytest.approx(92.06)


def test_number_formats(henan_wb):
    ws = henan_wb[SHEET_PROJECTS]
    h = _headers(ws)
    for r in (2, 10, 16):
        assert ws.cell(r, h["预算数（万元）"]).number_format == AMOUNT_FORMAT
        assert ws.cell(r, h["执行数（万元）"]).number_format == AMOUNT_FORMAT
        assert ws.cell(r, h["执行率（重新计算）"]).number_format == RATE_FORMAT
        assert ws.cell(r, h["产出指标得分率"]).number_format == RATE_FORMAT
        assert ws.cell(r, h["重新计算得分"]).number_format == "0.00"
    total = _row_of(ws, h["项目名称"], "合计")
    assert ws.cell(total, h["预算数（万元）"]).number_format == AMOUNT_FORMAT
    assert ws.cell(total, h["执行率（重新计算）"]).number_format == RATE_FORMAT


def test_flagged_rows_are_filled_red_and_others_not(henan_wb, henan_analysis):
    ws = henan_wb[SHEET_PROJECTS]
    h = _headers(ws)
    flagged_rows = set(henan_analysis.flagged[m.SHEET_ROW].tolist())
    assert len(flagged_rows) == 10
    red = FLAG_FILL.fgColor.rgb[-6:]  # RGB: writers differ in the alpha byte they put before it
    for r in range(2, 17):
        row = ws.cell(r, h["行号"]).value
        fill = ws.cell(r, h["原因说明"]).fill
        if row in flagged_rows:
            assert fill.fill_type == "solid" and fill.fgColor.rgb[-6:] == red, row
        else:
            assert fill.fill_type is None, row
    # the offending cell itself is in red type
    r10 = _row_of(ws, h["行号"], 10)
    assert ws.cell(r10, h["执行率（重新计算）"]).font.color.rgb.endswith("9C0006")
    r4 = _row_of(ws, h["行号"], 4)
    assert not ws.cell(r4, h["执行率（重新计算）"]).font.bold


def test_finding_cell_is_marked_with_its_message(henan_wb):
    ws = henan_wb[SHEET_PROJECTS]
    h = _headers(ws)
    r8 = _row_of(ws, h["行号"], 8)
    cell = ws.cell(r8, h["填报执行率"])
    assert cell.fill.fgColor.rgb.endswith("FFEB9C")
    assert cell.comment is not None and "99.81%" in cell.comment.text


def test_freeze_panes_filter_and_widths(henan_wb):
    ws = henan_wb[SHEET_PROJECTS]
    h = _headers(ws)
    col = chr(ord("A") + h["项目名称"])  # the column right of the name
    assert ws.freeze_panes == f"{col}2"
    last = chr(ord("A") + len(h) - 1)
    assert ws.auto_filter.ref == f"A1:{last}16"  # header + 15 projects, not the 合计 rows
    assert ws.column_dimensions[chr(ord("A") + h["项目名称"] - 1)].width >= 30
    assert ws.column_dimensions[chr(ord("A") + h["原因说明"] - 1)].width >= 50
    assert henan_wb[SHEET_FINDINGS].freeze_panes == "A2"


def test_findings_and_notes_sheets(henan_wb, henan_analysis):
    ws = henan_wb[SHEET_FINDINGS]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(henan_analysis.findings) == 4
    assert {r[1] for r in rows} >= {"RATE_MISMATCH", "RATE_WITHOUT_PERCENT", "DUPLICATE_PROJECT"}
    assert rows[0][0] == "警告"
    notes = {r[0]: r[1] for r in henan_wb[SHEET_NOTES].iter_rows(values_only=True) if r[0]}
    assert "河南汇总表口径" in notes["方案"]
    assert notes["权重：产出指标"] == "40 分"
    assert notes["权重：成本指标"] == "不计分"
    assert "90.00%" in notes["执行率预警线"]
    assert "执行数 ÷ 预算数" in notes["预算执行率"]
    assert "Σ 权重 × 得分率" in notes["自评得分（重新计算）"]


def test_units_sheet_when_the_table_has_units(unit_analysis):
    wb = _load(build_xlsx(unit_analysis))
    assert SHEET_UNITS in wb.sheetnames
    ws = wb[SHEET_UNITS]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [*unit_analysis.units["unit"].tolist(), "合计"]
    assert sum(r[1] for r in rows[:-1]) == rows[-1][1] == 15
    assert rows[-1][2] == pytest.approx(7863.66)
    assert ws.cell(2, 5).number_format == RATE_FORMAT
    assert "单位" in _headers(wb[SHEET_PROJECTS])


def test_formula_like_names_from_an_uploaded_workbook_stay_text():
    table = read_dataset(_small_workbook(INJECTION), "injection.xlsx").table
    assert table is not None and table.projects[m.PROJECT].tolist() == INJECTION
    a = analyze(table, Settings())
    for data, sheet, header_row in (
        (build_xlsx(a), SHEET_PROJECTS, 1),
        (flagged_xlsx(a), SHEET_FLAGGED, 1),
    ):
        ws = _load(data)[sheet]
        col = _headers(ws, header_row)["项目名称"]
        cells = [ws.cell(r, col) for r in range(header_row + 1, header_row + 1 + len(INJECTION))]
        assert [c.value for c in cells] == INJECTION
        for c in cells:
            assert c.data_type == "s", (sheet, c.value)
            assert c.quotePrefix or not c.value.startswith("=")
        assert cells[0].quotePrefix  # "=1+1" carries Excel's quote prefix


def test_tab_and_cr_prefixed_text_is_text(henan_analysis):
    names = ["\tcmd", "\r=2+3", '=HYPERLINK("x")']
    p = henan_analysis.projects.copy()
    p.loc[p.index[:3], m.PROJECT] = names
    a = dataclasses.replace(henan_analysis, projects=p)
    ws = _load(build_xlsx(a))[SHEET_PROJECTS]
    col = _headers(ws)["项目名称"]
    cells = [ws.cell(r, col) for r in (2, 3, 4)]
    # a CR is stored as OOXML's escape _x000D_ (Excel, WPS and LibreOffice show the CR; openpyxl
    # leaves the escape for its reader to undo)
    assert [unescape(c.value) for c in cells] == names
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_control_characters_do_not_break_the_file(henan_analysis):
    p = henan_analysis.projects.copy()
    p.loc[p.index[0], m.PROJECT] = "项目\x01名称\x0b"
    a = dataclasses.replace(henan_analysis, projects=p)
    ws = _load(build_xlsx(a))[SHEET_PROJECTS]
    assert ws.cell(2, _headers(ws)["项目名称"]).value == "项目名称"


def test_flagged_xlsx_lists_only_flagged_projects(henan_analysis):
    ws = _load(flagged_xlsx(henan_analysis, title="偏差项目清单"))[SHEET_FLAGGED]
    assert ws["A1"].value == "偏差项目清单"
    h = _headers(ws, 2)
    assert "单位" not in h  # the table has no units
    rows = [r for r in range(3, ws.max_row + 1) if ws.cell(r, h["行号"]).value is not None]
    assert len(rows) == 10
    assert {ws.cell(r, h["行号"]).value for r in rows} == set(henan_analysis.flagged[m.SHEET_ROW])
    r = next(r for r in rows if ws.cell(r, h["行号"]).value == 18)
    assert ws.cell(r, h["执行率"]).value == pytest.approx(0.1422)
    assert ws.cell(r, h["执行率"]).number_format == RATE_FORMAT
    assert ws.cell(r, h["执行率"]).font.color.rgb.endswith("9C0006")
    assert ws.cell(r, h["预算数（万元）"]).number_format == AMOUNT_FORMAT
    assert "执行率偏低" in ws.cell(r, h["偏差类型"]).value
    assert ws.freeze_panes is not None and ws.auto_filter.ref.startswith("A2:")


def test_flagged_xlsx_of_a_filtered_view(henan_analysis):
    view = henan_analysis.projects[henan_analysis.projects[m.SHEET_ROW].isin([4, 12, 18])]
    ws = _load(flagged_xlsx(henan_analysis, view))[SHEET_FLAGGED]
    h = _headers(ws)
    assert sorted(ws.cell(r, h["行号"]).value for r in range(2, ws.max_row + 1)) == [
        12,
        18,
    ]  # row 4 has no flag


def _initial_budget_workbook(initial: list[object]) -> bytes:
    """年初预算数 beside 调整后预算数: the rate uses the adjusted budget; the export shows both."""
    wb = Workbook()
    ws = wb.active
    ws.append(["科协2023年度项目单位自评汇总表"])
    ws.append(
        ["序号", "项目名称", "年初预算数（万元）", "调整后预算数（万元）", "执行数（万元）", "自评得分"]
    )
    rows = [
        ("学术交流", 120.5, 135.25, 130.1, 95),
        ("科普活动", 80, 80, 64.2, 88),
        ("学会服务", 45.3, 52.7, 52.7, 97),
    ]
    for i, ((name, _, adjusted, spent, score), first) in enumerate(zip(rows, initial, strict=True)):
        ws.append([i + 1, name, first, adjusted, spent, score])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_initial_budget_is_exported_beside_the_budget_the_rate_uses():
    ds = read_dataset(_initial_budget_workbook([120.5, 80, 45.3]), "initial.xlsx")
    ws = _load(build_xlsx(analyze(ds.table, Settings())))[SHEET_PROJECTS]
    h = _headers(ws)
    assert h["年初预算数（万元）"] == h["预算数（万元）"] - 1
    r = _row_of(ws, h["项目名称"], "学术交流")
    assert ws.cell(row=r, column=h["年初预算数（万元）"]).value == 120.5
    assert ws.cell(row=r, column=h["预算数（万元）"]).value == 135.25
    assert ws.cell(row=r, column=h["年初预算数（万元）"]).number_format == AMOUNT_FORMAT
    total = _row_of(ws, h["项目名称"], "合计")
    assert ws.cell(row=total, column=h["年初预算数（万元）"]).value == round_half_up(120.5 + 80 + 45.3, 2)
    assert ws.cell(row=total, column=h["预算数（万元）"]).value == round_half_up(135.25 + 80 + 52.7, 2)


def test_no_initial_budget_column_when_the_sheet_has_none():
    ws = _load(build_xlsx(analyze(read_dataset(_small_workbook(["甲", "乙"]), "s.xlsx").table, Settings())))
    assert "年初预算数（万元）" not in _headers(ws[SHEET_PROJECTS])
