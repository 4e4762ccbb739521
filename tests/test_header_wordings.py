"""The ways offices head the money spent, each read as 执行数 on a table of seed 002's numbers."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, xlsx


@pytest.mark.parametrize(
    "spent",
    [
        "全年支出（万元）",
        "累计支出",
        "实际使用资金",
        "已使用资金",
        "使用金额",
        "实际支付",
        "已支付",
        "支付数",
        "已拨付",
        "完成金额",
        "支出合计",
    ],
)
def test_money_spent_in_other_words(spent):
    rows = [["项目名称", "全年预算数（万元）", spent], *([n, b, e] for _, n, b, e in PROJECTS)]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["totals"] == {
        "budget": BUDGET,
        "executed": EXECUTED,
        "execution_rate": round(EXECUTED / BUDGET * 100, 2),
    }


def test_this_years_spending_beside_last_years():
    rows = [["2023年项目支出汇总"], ["项目名称", "全年预算数", "上年支出", "本年支出"]]
    rows += [[n, b, round(e * 0.5, 2), e] for _, n, b, e in PROJECTS]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["totals"]["executed"] == EXECUTED
