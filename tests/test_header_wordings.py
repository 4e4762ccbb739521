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


LEFT_OVER = [
    "未执行数",
    "未执行金额（万元）",
    "未支出数",
    "待支付数",
    "未拨付数",
    "尚未支出",
    "结余资金",
    "预算结余",
    "余额",
]


@pytest.mark.parametrize("left", LEFT_OVER)
@pytest.mark.parametrize("where", ["before", "after"])
def test_what_is_left_unspent_is_never_the_spending(left, where):
    """A 未执行数 column left of 执行数 used to be taken for it (the leftmost of two 执行 columns): the
    headline spending became the money not spent."""
    money = (
        ["全年预算数（万元）", left, "执行数（万元）"]
        if where == "before"
        else ["全年预算数（万元）", "执行数（万元）", left]
    )
    rows = [["项目名称", *money]]
    for _, n, b, e in PROJECTS:
        rows.append([n, b, round(b - e, 2), e] if where == "before" else [n, b, e, round(b - e, 2)])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
    assert not any(f["code"] == "COLUMN_CHOSEN" for f in doc["findings"])
