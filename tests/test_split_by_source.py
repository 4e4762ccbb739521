"""Amounts split by source of funds: "预算数" over "合计 / 财政拨款 / 其他资金", in every arrangement
offices send. The 合计 column is the amount; the parts are never taken for it, and the row naming the
parts is a header row, not a project. Numbers are seed 002's (唐山市科学技术协会, 万元)."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, codes, found, xlsx

RATE = round(EXECUTED / BUDGET * 100, 2)
WHOLE, CZ, QT = "合计", "财政拨款", "其他资金"


def _parts(x: float) -> dict[str, float]:
    cz = round(x * 0.7, 2)
    return {WHOLE: x, CZ: cz, QT: round(x - cz, 2), "小计": x}


def _right(doc) -> None:
    assert doc["projects"] == len(PROJECTS)
    assert [r["project"] for r in doc["rows"]] == [p[1] for p in PROJECTS]
    assert doc["totals"] == {"budget": BUDGET, "executed": EXECUTED, "execution_rate": RATE}
    assert not {"UNPARSEABLE_VALUE", "BUDGET_MISSING", "EXECUTED_MISSING", "TOTAL_MISMATCH"} & set(codes(doc))


@pytest.mark.parametrize(
    "order", [(WHOLE, CZ, QT), (CZ, QT, WHOLE), (CZ, "小计", QT), ("小计", CZ, QT)], ids=str
)
@pytest.mark.parametrize("merged", [True, False], ids=["merged", "not-merged"])
def test_two_row_header_with_the_parts_below(order, merged):
    top = ["序号", "项目名称", "年度预算数（万元）", None, None, "全年执行数（万元）", None, None]
    rows = [top, [None, None, *order, *order]]
    for i, (_, name, b, e) in enumerate(PROJECTS, 1):
        pb, pe = _parts(b), _parts(e)
        rows.append([i, name, *(pb[k] for k in order), *(pe[k] for k in order)])
    rows.append([None, "合计", *(_parts(BUDGET)[k] for k in order), *(_parts(EXECUTED)[k] for k in order)])
    merges = ["A1:A2", "B1:B2", "C1:E1", "F1:H1"] if merged else []
    doc = inspect_bytes(xlsx(("Sheet1", rows), merges=merges), "t.xlsx")
    _right(doc)
    if order[0] != WHOLE and order[0] != "小计":
        chosen = found(doc, "COLUMN_CHOSEN")
        assert chosen and all(c["severity"] == "info" and "合计列" in c["message"] for c in chosen)


@pytest.mark.parametrize(
    "labels",
    [
        ["财政拨款预算", "其他资金预算", "预算合计", "财政拨款执行", "其他资金执行", "执行合计"],
        [
            "预算数（财政拨款）",
            "预算数（其他资金）",
            "预算数（合计）",
            "执行数（财政拨款）",
            "执行数（其他资金）",
            "执行数（合计）",
        ],
        [
            "其中：财政拨款预算",
            "其中：其他资金",
            "预算总额",
            "其中：财政拨款执行数",
            "其中：其他资金执行数",
            "执行数",
        ],
    ],
    ids=["suffix", "brackets", "其中"],
)
def test_one_row_header_naming_each_part(labels):
    rows = [["项目名称", *labels]]
    for _, name, b, e in PROJECTS:
        pb, pe = _parts(b), _parts(e)
        rows.append([name, pb[CZ], pb[QT], b, pe[CZ], pe[QT], e])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    _right(doc)


def test_a_text_row_under_a_one_row_header_stays_a_project_when_nothing_is_merged_over_it():
    """A project whose every value is "/" is not a second header row."""
    rows = [["项目名称", "预算数（万元）", "执行数（万元）", "备注"], ["科普活动", "/", "/", "未执行"]]
    rows += [[n, b, e, ""] for _, n, b, e in PROJECTS]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == len(PROJECTS) + 1 and doc["rows"][0]["project"] == "科普活动"


# --- parts with no 合计 column: added row by row ----------------------------------------------------------
def _parts_only_rows(group_by_source: bool):
    if group_by_source:  # 财政拨款 → 预算数 / 执行数, 其他资金 → 预算数 / 执行数
        rows = [["项目名称", CZ, None, QT, None], [None, "预算数", "执行数", "预算数", "执行数"]]
        merges = ["A1:A2", "B1:C1", "D1:E1"]
        cells = lambda pb, pe: [pb[CZ], pe[CZ], pb[QT], pe[QT]]  # noqa: E731
    else:
        rows = [["项目名称", "预算数（万元）", None, "执行数（万元）", None], [None, CZ, QT, CZ, QT]]
        merges = ["A1:A2", "B1:C1", "D1:E1"]
        cells = lambda pb, pe: [pb[CZ], pb[QT], pe[CZ], pe[QT]]  # noqa: E731
    for _, name, b, e in PROJECTS:
        rows.append([name, *cells(_parts(b), _parts(e))])
    rows.append(["合计", *cells(_parts(BUDGET), _parts(EXECUTED))])
    return rows, merges


@pytest.mark.parametrize("group_by_source", [False, True], ids=["amount-first", "source-first"])
@pytest.mark.parametrize("merged", [True, False], ids=["merged", "not-merged"])
def test_parts_with_no_total_column_are_added(group_by_source, merged):
    rows, merges = _parts_only_rows(group_by_source)
    doc = inspect_bytes(xlsx(("Sheet1", rows), merges=merges if merged else []), "t.xlsx")
    _right(doc)
    added = found(doc, "AMOUNT_PARTS_ADDED")
    assert len(added) == 2 and all(CZ in a["message"] and QT in a["message"] for a in added)
    assert not found(doc, "COLUMN_CHOSEN")
    assert [t["budget"] for t in doc["reported_totals"]] == [BUDGET]


def test_a_blank_or_slash_part_adds_nothing_and_a_text_part_is_quoted():
    rows, merges = _parts_only_rows(False)
    rows[2][2] = None  # 科技工作者之家建设活动: no 其他资金 budget
    rows[2][1] = KEJI_BUDGET = 10  # all of it 财政拨款
    rows[3][2] = "/"
    rows[3][1] = 39
    rows[4][2] = "约1万"  # text in a part: quoted, the project's budget unread
    doc = inspect_bytes(xlsx(("Sheet1", rows), merges=merges), "t.xlsx")
    budgets = [r["budget"] for r in doc["rows"]]
    assert budgets[0] == KEJI_BUDGET and budgets[1] == 39 and budgets[2] is None
    bad = found(doc, "UNPARSEABLE_VALUE")
    assert len(bad) == 1 and "约1万" in bad[0]["message"]
    assert f"{CZ}＋预算数(万元)·{QT}" in bad[0]["where"]  # the cell is in one of the parts: both named
    assert doc["source"]["columns"]["budget"] == f"预算数(万元)·{CZ}＋预算数(万元)·{QT}"


def test_choosing_one_part_on_the_import_page_stops_the_adding():
    from jixiao.read import read_dataset

    rows, merges = _parts_only_rows(False)
    book = xlsx(("Sheet1", rows), merges=merges)
    auto = read_dataset(book, "t.xlsx").table
    cols = dict(auto.source.columns)
    table = read_dataset(book, "t.xlsx", sheet="Sheet1", header_rows=[1, 2], columns=cols).table
    assert round(float(table.projects["budget"].sum()), 2) == BUDGET  # the columns as detected: still added
    cols["budget"] = 2  # C: 其他资金 alone
    table = read_dataset(book, "t.xlsx", sheet="Sheet1", header_rows=[1, 2], columns=cols).table
    assert round(float(table.projects["budget"].sum()), 2) == round(
        sum(_parts(p[2])[QT] for p in PROJECTS), 2
    )


# --- 上年结转 beside 本年 and 合计: one year's money, not two years ---------------------------------------------
@pytest.mark.parametrize(
    "head",
    [
        ["项目名称", "上年结转资金", "本年预算数", "全年预算数合计", "执行数"],
        ["项目名称", "上年结转", "本年预算", "预算合计", "实际执行数"],
        ["项目名称", "预算数·上年结转", "预算数·本年安排", "预算数·合计", "执行数"],
    ],
    ids=["flat", "short", "joined"],
)
def test_carry_over_beside_this_years_money_takes_the_total(head):
    rows = [head]
    for _, name, b, e in PROJECTS:
        carry = round(b * 0.2, 2)
        rows.append([name, carry, round(b - carry, 2), b, e])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    _right(doc)
    chosen = found(doc, "COLUMN_CHOSEN")
    assert chosen and chosen[0]["severity"] == "info" and "上年结转" in chosen[0]["message"]


def test_two_years_of_budget_beside_a_surplus_column_still_take_the_report_year():
    rows = [["2023年项目绩效自评汇总表"], ["项目名称", "上年预算数", "本年预算数", "执行数", "结余资金"]]
    rows += [[name, round(b * 0.9, 2), b, e, round(b - e, 2)] for _, name, b, e in PROJECTS]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    _right(doc)


# --- 一级项目 / 二级项目 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["一级first", "二级first"])
def test_the_second_level_projects_are_the_projects(order):
    head = ["一级项目名称", "二级项目名称"] if order == "一级first" else ["二级项目名称", "一级项目名称"]
    rows = [[*head, "预算数（万元）", "执行数（万元）"]]
    for _, name, b, e in PROJECTS:
        pair = ["科协事业发展经费", name] if order == "一级first" else [name, "科协事业发展经费"]
        rows.append([*pair, b, e])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    _right(doc)
    assert not found(doc, "DUPLICATE_PROJECT")


# --- three header rows: 预算执行情况 → 预算数 / 执行数 → 合计 / 财政拨款 / 其他资金 ------------------------------------
def _three_rows(order):
    head = [
        ["序号", "项目名称", "预算执行情况", None, None, None, None, None, "自评得分"],
        [None, None, "预算数（万元）", None, None, "执行数（万元）", None, None, None],
        [None, None, *order, *order, None],
    ]
    body = []
    for i, (_, name, b, e) in enumerate(PROJECTS, 1):
        pb, pe = _parts(b), _parts(e)
        body.append([i, name, *(pb[k] for k in order), *(pe[k] for k in order), 95])
    return head + body


@pytest.mark.parametrize("order", [(WHOLE, CZ, QT), (CZ, QT, WHOLE)], ids=str)
@pytest.mark.parametrize("merged", [True, False], ids=["merged", "not-merged"])
def test_three_header_rows(order, merged):
    merges = ["A1:A3", "B1:B3", "C1:H1", "C2:E2", "F2:H2", "I1:I3"] if merged else []
    doc = inspect_bytes(xlsx(("Sheet1", _three_rows(order)), merges=merges), "t.xlsx")
    _right(doc)
    assert doc["source"]["header_rows"] == [1, 2, 3]


def test_three_header_rows_typed_on_the_import_page():
    from jixiao.read import read_dataset

    book = xlsx(("Sheet1", _three_rows((CZ, WHOLE, QT))), merges=["C1:H1", "C2:E2", "F2:H2"])
    table = read_dataset(book, "t.xlsx", sheet="Sheet1", header_rows=[1, 2, 3]).table
    assert table.source.header_rows == [1, 2, 3]
    assert round(float(table.projects["budget"].sum()), 2) == BUDGET
