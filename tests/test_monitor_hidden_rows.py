"""Rows hidden in a 月度执行表 (a stale copy of a project, last month's draft) are left out and said, as
the project table's reader leaves them out; rows an active filter hides are data and stay; a sheet
whose every row is hidden is read whole. Before, a hidden stale row was one more project in every
month's snapshot."""

from __future__ import annotations

import io

import openpyxl
import pytest

from jixiao.monitor.read import read_monthly
from tests.conftest import SAMPLE_DATA

MONTHLY = SAMPLE_DATA / "tangshan_2023_monthly_execution.xlsx"
FIRST = 5  # the first project row of the sample (1-based)


def _sample() -> tuple[float, int]:
    t = read_monthly(MONTHLY.read_bytes(), MONTHLY.name)
    return round(float(t.projects["m12"].sum()), 2), len(t.projects)


def _with_stale(how: str) -> bytes:
    """The sample with a stale copy of its first project inserted under it, hidden ``how``."""
    wb = openpyxl.load_workbook(MONTHLY)
    ws = wb.active
    stale = [c.value for c in ws[FIRST]]
    ws.insert_rows(FIRST + 1)
    for c, x in enumerate(stale, start=1):
        ws.cell(FIRST + 1, c, x * 3 if isinstance(x, (int, float)) else x)
    if how == "hidden":
        ws.row_dimensions[FIRST + 1].hidden = True
    elif how == "zero height":
        ws.row_dimensions[FIRST + 1].height = 0
        ws.row_dimensions[FIRST + 1].hidden = True
    elif how == "all":
        for r in range(FIRST, ws.max_row + 1):
            ws.row_dimensions[r].hidden = True
    elif how == "filter":
        ws.auto_filter.ref = f"A4:O{ws.max_row}"
        ws.auto_filter.add_filter_column(0, ["科协本级"])
        ws.row_dimensions[FIRST + 1].hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("how", ["hidden", "zero height"])
def test_a_hidden_stale_row_is_left_out_and_said(how):
    total, n = _sample()
    t = read_monthly(_with_stale(how), MONTHLY.name)
    assert len(t.projects) == n
    assert round(float(t.projects["m12"].sum()), 2) == total
    (said,) = [f for f in t.findings if f.code == "HIDDEN_LEFT_OUT"]
    assert said.severity == "warning" and f"第{FIRST + 1}行" in said.message and "1 个隐藏行" in said.message


def test_a_shown_stale_row_counts():
    total, n = _sample()
    t = read_monthly(_with_stale("shown"), MONTHLY.name)
    assert len(t.projects) == n + 1 and round(float(t.projects["m12"].sum()), 2) > total
    assert "HIDDEN_LEFT_OUT" not in [f.code for f in t.findings]


def test_rows_an_active_filter_hides_are_data():
    total, n = _sample()
    t = read_monthly(_with_stale("filter"), MONTHLY.name)
    assert len(t.projects) == n + 1
    assert "HIDDEN_LEFT_OUT" not in [f.code for f in t.findings]


def test_every_row_hidden_reads_them_all_and_says_so():
    t = read_monthly(_with_stale("all"), MONTHLY.name)
    total, n = _sample()
    assert len(t.projects) == n + 1
    assert [f.severity for f in t.findings if f.code == "ALL_ROWS_HIDDEN"] == ["warning"]
