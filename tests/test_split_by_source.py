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
