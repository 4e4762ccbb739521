"""A 汇总表 that prints 预算数 and 执行率 but no 执行数 (or 执行数 and 执行率 but no 预算数): the missing amount
comes from the printed rate, with a warning (jixiao/summary/derived.py). It used to give no 执行数, no
headline 执行率 and no word about why. Seed 002's projects, rates printed in three shapes."""

from __future__ import annotations

import pytest

from jixiao.fmt import round_half_up
from jixiao.report import inspect_bytes
from tests.test_reader_choices import PROJECTS, codes, found, xlsx

RATE_SHAPES = {
    "86.23%": lambda r: f"{r * 100:.2f}%",
    "0.8623": lambda r: round(r, 4),
    "86.23 (no %)": lambda r: round(r * 100, 2),
}


def _rows(head, cells):
    body = [[i, unit, name, *cells(b, e)] for i, (unit, name, b, e) in enumerate(PROJECTS, 1)]
    return [["2023年度项目支出执行情况"], ["序号", "单位", "项目名称", *head], *body]


@pytest.mark.parametrize("shape", list(RATE_SHAPES))
def test_executed_from_budget_and_rate(shape):
    write = RATE_SHAPES[shape]
    doc = inspect_bytes(
        xlsx(("Sheet1", _rows(["预算数（万元）", "预算执行率"], lambda b, e: [b, write(e / b)]))), "t.xlsx"
    )
    rates = {unit_name: round(e / b, 4) for _, unit_name, b, e in PROJECTS}
    expected = {name: round_half_up(b * rates[name], 2) for _, name, b, _ in PROJECTS}
    assert {r["project"]: r["executed"] for r in doc["rows"]} == expected
    assert doc["totals"]["executed"] == round_half_up(sum(expected.values()), 2)
    assert doc["totals"]["execution_rate"] == 53.76  # the seed's own 53.76%
    warning = found(doc, "EXECUTED_FROM_RATE")
    assert len(warning) == 1 and warning[0]["severity"] == "warning" and "12 个项目" in warning[0]["message"]
    # the recomputed rates are the printed ones: no mismatch is made up
    assert "RATE_MISMATCH" not in codes(doc)


def test_budget_from_executed_and_rate_and_a_zero_rate_stays_unknown():
    def cells(b, e):
        return [e, f"{e / b * 100:.2f}%"] if e else [0, "0.00%"]

    rows = _rows(["执行数（万元）", "执行率"], cells)
    rows.append([13, "科技馆", "未开工项目", 0, "0.00%"])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    by_name = {r["project"]: r for r in doc["rows"]}
    printed = float(f"{802.51 / 832.52 * 100:.2f}")  # 96.40
    assert by_name["唐山市总工会房屋租金"]["budget"] == round_half_up(802.51 / (printed / 100), 2) == 832.48
    assert by_name["未开工项目"]["budget"] is None
    assert found(doc, "BUDGET_FROM_RATE")[0]["severity"] == "warning"


def test_a_table_with_both_amounts_derives_nothing():
    rows = _rows(["预算数（万元）", "执行数（万元）", "执行率"], lambda b, e: [b, e, f"{e / b * 100:.2f}%"])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert not {"EXECUTED_FROM_RATE", "BUDGET_FROM_RATE"} & set(codes(doc))
    assert doc["totals"]["executed"] == 1457.37


def test_a_total_keeps_what_it_prints():
    """The 合计's 执行率 is rounded too: its 执行数 is not derived, so no rounding is called a mismatch."""
    rows = _rows(["预算数（万元）", "执行率"], lambda b, e: [b, f"{e / b * 100:.2f}%"])
    rows.append(["合计", None, None, 2710.75, "53.76%"])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert "TOTAL_MISMATCH" not in codes(doc)
    assert doc["reported_totals"][0]["executed"] is None and doc["reported_totals"][0]["budget"] == 2710.75
