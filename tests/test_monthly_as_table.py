"""A 月度执行表 uploaded where a project table is expected (数据导入, inspect): 执行数 is what was spent up
to the latest month with data — the latest cumulative column, or the months' sum when each month holds
its own spending — not the first month column the header offered, and not nothing when the months are
headed "1月" alone. Seed 002's numbers spent evenly over six months."""

from __future__ import annotations

import io

import openpyxl
import pytest

from jixiao.monitor.read import read_monthly
from jixiao.report import inspect_bytes
from tests.conftest import SAMPLE_DATA
from tests.test_reader_choices import BUDGET, EXECUTED, TANGSHAN, codes

N = sum(len(v) for v in TANGSHAN.values())

HEADS = {
    "1月累计执行数": lambda k: f"{k}月累计执行数",
    "1-k月": lambda k: f"1-{k}月",
    "1月 alone": lambda k: f"{k}月",
    "1月当月执行数": lambda k: f"{k}月当月执行数",
    "本月支出（k月）": lambda k: f"本月支出（{k}月）",
}


def _table(head, total: bool, months: int = 6) -> bytes:
    per_month = "当月" in head(1) or "本月" in head(1)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年项目支出进度表"])
    ws.append(["单位", "项目名称", "全年预算（万元）", *[head(k) for k in range(1, months + 1)]])
    sums = [0.0] * months
    for unit, rows in TANGSHAN.items():
        for name, b, e in rows:
            cum = [round(e * j / 6, 2) for j in range(1, months + 1)]
            vals = [cum[0]] + [round(cum[j] - cum[j - 1], 2) for j in range(1, months)] if per_month else cum
            sums = [round(a + x, 2) for a, x in zip(sums, vals)]
            ws.append([unit, name, b, *vals])
    if total:
        ws.append(["合计", "", BUDGET, *sums])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("total", [True, False])
@pytest.mark.parametrize("head", list(HEADS))
def test_a_monthly_table_read_as_a_project_table_gives_the_latest_month(head, total):
    doc = inspect_bytes(_table(HEADS[head], total), "进度表.xlsx")
    assert doc["projects"] == N
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert "MONTHLY_TABLE" in codes(doc) and "截至6月" in next(
        f["message"] for f in doc["findings"] if f["code"] == "MONTHLY_TABLE"
    )
    assert not [f for f in doc["findings"] if f["severity"] == "error"]


def test_the_sample_monthly_file_on_the_project_pages_matches_its_monitor_reading():
    data = (SAMPLE_DATA / "tangshan_2023_monthly_execution.xlsx").read_bytes()
    doc = inspect_bytes(data, "tangshan_2023_monthly_execution.xlsx")
    t = read_monthly(data, "tangshan_2023_monthly_execution.xlsx")
    last = f"m{t.months[-1]}"
    assert doc["projects"] == len(t.projects)
    assert doc["totals"]["executed"] == round(float(t.projects[last].sum()), 2)
    assert "COLUMN_CHOSEN" not in codes(doc)


def test_a_summary_table_with_one_executed_column_is_left_as_it_is():
    """ "1-6月执行数" as the only 执行数 column is a 汇总表 at June, not a series."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "全年预算（万元）", "1-6月执行数（万元）"])
    for rows in TANGSHAN.values():
        for name, b, e in rows:
            ws.append([name, b, e])
    buf = io.BytesIO()
    wb.save(buf)
    doc = inspect_bytes(buf.getvalue(), "t.xlsx")
    assert doc["totals"]["executed"] == EXECUTED and "MONTHLY_TABLE" not in codes(doc)
