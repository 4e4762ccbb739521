"""A 汇总表 printed over several pages, as it comes back from a scan-and-retype or a copy of the printout:
the header repeated, a continuation mark ("续表", "（续上页）", "接上页", "续表一") on a row of its own, a
本页小计 under each page. None of them is a project. Seed 002's numbers."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, codes, xlsx

HEAD = ["序号", "单位", "项目名称", "预算数（万元）", "执行数（万元）"]


def _pages(between):
    body = [[i, u, n, b, e] for i, (u, n, b, e) in enumerate(PROJECTS, 1)]
    first, second = body[:6], body[6:]
    return [
        ["2023年度项目支出执行情况表"],
        HEAD,
        *first,
        *between(first),
        *second,
        ["合计", "", "", BUDGET, EXECUTED],
    ]


def _page_total(rows):
    return ["本页小计", "", "", round(sum(r[3] for r in rows), 2), round(sum(r[4] for r in rows), 2)]


BETWEEN = {
    "header again": lambda first: [HEAD],
    "续表 then the header": lambda first: [["续表"], HEAD],
    "（续上页） in the name column": lambda first: [["", "", "（续上页）", "", ""]],
    "接上页": lambda first: [["接上页"]],
    "续表一 and the header": lambda first: [["", "续表一"], HEAD],
    "本页小计, 续表, header": lambda first: [_page_total(first), ["续表"], HEAD],
}


@pytest.mark.parametrize("between", list(BETWEEN))
def test_what_a_page_break_leaves_is_not_a_project(between):
    doc = inspect_bytes(xlsx(("Sheet1", _pages(BETWEEN[between]))), "t.xlsx")
    assert doc["projects"] == len(PROJECTS)
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
    assert not {"BUDGET_MISSING", "EXECUTED_MISSING", "TOTAL_MISMATCH", "MISSING_PROJECT_NAME"} & set(
        codes(doc)
    )


def test_a_project_named_like_a_continuation_with_money_stays_a_project():
    rows = _pages(lambda first: [])
    rows.insert(3, [0, "科协本级", "续表", 1, 1])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == len(PROJECTS) + 1
