"""Where the project table really ends. A 合计 or 小计 row whose label cell was left blank (or lies in a merged cell outside the label
columns): a nameless row whose money is the sum of the projects it closes is a total, not a project.
Without this the headline doubles with only a 'missing name' warning. Seed 002's numbers."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, TANGSHAN, codes, found, xlsx

HEAD = ["序号", "单位", "项目名称", "预算数（万元）", "执行数（万元）"]
RATE = round(EXECUTED / BUDGET * 100, 2)


def _doc(rows):
    return inspect_bytes(xlsx(("Sheet1", [HEAD, *rows])), "t.xlsx")


def _projects():
    return [[i, u, n, b, e] for i, (u, n, b, e) in enumerate(PROJECTS, 1)]


def _right(doc):
    assert doc["projects"] == len(PROJECTS)
    assert doc["totals"] == {"budget": BUDGET, "executed": EXECUTED, "execution_rate": RATE}
    assert "MISSING_PROJECT_NAME" not in codes(doc) and "TOTAL_MISMATCH" not in codes(doc)


@pytest.mark.parametrize("seq", [None, 13, "合"], ids=["blank", "numbered", "stray-char"])
def test_a_nameless_grand_total_under_the_projects(seq):
    doc = _doc([*_projects(), [seq, None, None, BUDGET, EXECUTED]])
    _right(doc)
    assert len(found(doc, "UNLABELLED_TOTAL")) == 1 and len(doc["reported_totals"]) == 1


def test_a_nameless_grand_total_above_the_projects():
    doc = _doc([[None, None, None, BUDGET, EXECUTED], *_projects()])
    _right(doc)
    assert len(found(doc, "UNLABELLED_TOTAL")) == 1


def test_nameless_subtotals_and_a_nameless_total():
    rows = []
    for u, ps in TANGSHAN.items():
        rows += [[None, u, n, b, e] for n, b, e in ps]
        rows.append([None, None, None, round(sum(p[1] for p in ps), 2), round(sum(p[2] for p in ps), 2)])
    rows.append([None, None, None, BUDGET, EXECUTED])
    doc = _doc(rows)
    _right(doc)
    assert len(found(doc, "UNLABELLED_TOTAL")) == 4 and len(doc["reported_totals"]) == 4


def test_a_nameless_total_that_disagrees_stays_a_project_and_is_said():
    doc = _doc([*_projects(), [None, None, None, BUDGET + 100, EXECUTED]])
    assert doc["projects"] == len(PROJECTS) + 1 and len(found(doc, "MISSING_PROJECT_NAME")) == 1


def test_nameless_projects_are_not_taken_for_totals():
    rows = [[1, "科协本级", None, 10, 8], [2, "科协本级", None, 20, 19], [3, "科协本级", None, 30, 27]]
    doc = _doc(rows)
    assert doc["projects"] == 3 and len(found(doc, "MISSING_PROJECT_NAME")) == 3
    assert not found(doc, "UNLABELLED_TOTAL")


# --- another table under the project table ----------------------------------------------------------------
OTHER_TABLES = {
    "资金来源": [["资金来源", "金额（万元）"], ["财政拨款", 2000], ["其他资金", 710.75]],
    "绩效指标": [
        [None, "一级指标", "二级指标", "指标值", "完成值"],
        [None, "产出指标", "数量指标", 25, 27],
        [None, "效益指标", "社会效益", 90, 95],
    ],
    "资金来源 with title": [
        ["二、资金来源情况"],
        [None, "资金来源", "资金类别", "金额（万元）"],
        [None, "财政拨款", "一般公共预算", 2000],
    ],
}


@pytest.mark.parametrize("other", list(OTHER_TABLES))
@pytest.mark.parametrize("between", ["blank", "合计", "合计+blank"])
def test_another_table_under_the_projects_is_not_read_as_projects(other, between):
    gap = {
        "blank": [[]],
        "合计": [[None, "合计", None, BUDGET, EXECUTED]],
        "合计+blank": [[None, "合计", None, BUDGET, EXECUTED], []],
    }[between]
    doc = _doc([*_projects(), *gap, *OTHER_TABLES[other]])
    _right(doc)
    ends = found(doc, "TABLE_ENDS")
    assert len(ends) == 1 and "未作为项目读取" in ends[0]["message"]


def test_a_project_row_after_a_blank_row_is_still_a_project():
    """Text everywhere ("/", a remark) is a project whose money is not applicable, not a header."""
    rows = [
        *_projects(),
        [],
        [13, "科技馆", "科普大篷车巡展", "/", "/"],
        [14, "科技馆", "馆校合作", "未拨付", "资金未到位"],
    ]
    doc = _doc(rows)
    assert doc["projects"] == len(PROJECTS) + 2 and not found(doc, "TABLE_ENDS")


# --- another year's table stacked under this one ------------------------------------------------------------
def _year_block(title, scale=1.0, items=PROJECTS):
    rows = [[title], HEAD]
    rows += [[k, u, n, round(b * scale, 2), round(e * scale, 2)] for k, (u, n, b, e) in enumerate(items, 1)]
    b = round(sum(round(p[2] * scale, 2) for p in items), 2)
    e = round(sum(round(p[3] * scale, 2) for p in items), 2)
    return [*rows, ["合计", None, None, b, e]]


@pytest.mark.parametrize("blank", [True, False], ids=["blank row between", "right under the 合计"])
def test_last_years_table_under_this_years_is_not_added(blank):
    rows = (
        _year_block("2023年度项目支出执行表")
        + ([[]] if blank else [])
        + _year_block("2022年度项目支出执行表", 0.9)
    )
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    _right(doc)
    ends = found(doc, "TABLE_ENDS")
    assert len(ends) == 1 and ends[0]["severity"] == "warning" and "2022" in ends[0]["message"]


def test_two_blocks_of_the_same_year_are_one_table():
    """一、本级项目 and 二、下属单位项目, each with its header and 合计: both are this year's projects (the
    year from the file name and the second block's title agree)."""
    rows = [
        *_year_block("一、本级项目", items=PROJECTS[:5]),
        [],
        *_year_block("二、2023年度下属单位项目", items=PROJECTS[5:]),
    ]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "2023年汇总.xlsx")
    _right(doc)
    assert not found(doc, "TABLE_ENDS")
