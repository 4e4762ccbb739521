"""A project name wrapped onto the row under it, the 序号 and the money merged over both rows (as a
table laid out by hand, or converted from PDF or Word, often is): one project with the whole name. The
second row was read as the project and the first dropped as its "parent": the name came out "（二期）"."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.test_reader_choices import xlsx
from tests.word_tables import document_bytes

HEADER = ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率", "自评得分"]
FIRST = [1, "科普活动经费", 100.0, 90.0, "90.00%", 92]
LAST = [3, "科技馆运行保障", 80.0, 60.0, "75.00%", 85]
TOTAL = ["", "合计", 230.0, 200.0, "86.96%", ""]
NAME = "中国科协“科创中国”试点城市建设（二期）"


def _wrapped(pieces: list[str], merge_columns: str = "ACDEF") -> tuple[list[list], list[str]]:
    """Project 2 with its name in ``pieces`` over as many rows, the other columns merged down them."""
    rows = [["2023年度项目支出绩效自评汇总表"], HEADER, FIRST]
    top = len(rows) + 1
    rows.append([2, pieces[0], 50.0, 50.0, "100.00%", 95])
    rows += [[None, piece, None, None, None, None] for piece in pieces[1:]]
    bottom = len(rows)
    rows += [LAST, TOTAL]
    return rows, [f"{c}{top}:{c}{bottom}" for c in merge_columns]


@pytest.mark.parametrize(
    "pieces",
    [
        ["中国科协“科创中国”试点城市建设", "（二期）"],
        ["中国科协“科创中国”", "试点城市建设", "（二期）"],
        ["中国科协“科创中国”试点", "城市建设（二期）"],
    ],
)
def test_a_name_wrapped_over_merged_rows_is_one_project(pieces):
    rows, merges = _wrapped(pieces)
    doc = inspect_bytes(xlsx(("Sheet1", rows), merges=merges), "汇总表.xlsx")
    assert [r["project"] for r in doc["rows"]] == ["科普活动经费", NAME, "科技馆运行保障"]
    assert doc["totals"]["budget"] == 230.0 and doc["totals"]["executed"] == 200.0
    assert doc["rows"][1]["budget"] == 50.0 and doc["rows"][1]["reported_score"] == 95
    (said,) = [f for f in doc["findings"] if f["code"] == "NAME_CONTINUED"]
    assert f"第{5}" in said["message"]
    assert not [f for f in doc["findings"] if f["severity"] == "error"]


def test_the_same_in_a_word_table():
    rows, _ = _wrapped(["中国科协“科创中国”试点城市建设", "（二期）"])
    grid = [["" if x is None else str(x) for x in r] + [""] * (6 - len(r)) for r in rows[1:]]
    merged = [(2, c, 3, c) for c in (0, 2, 3, 4, 5)]  # vMerge down the two rows
    doc = inspect_bytes(document_bytes([("p", rows[0][0]), ("table", (grid, merged))]), "报告.docx")
    assert [r["project"] for r in doc["rows"]] == ["科普活动经费", NAME, "科技馆运行保障"]


def test_money_merged_only_in_part_leaves_two_projects():
    # one budget shared by two lines, each with its own 执行数: two projects, not one name
    rows = [HEADER, FIRST, [2, "科普大篷车", 50.0, 20.0, "", 95], [None, "科普e站", None, 30.0, "", 90], LAST]
    doc = inspect_bytes(xlsx(("Sheet1", rows), merges=["C3:C4"]), "汇总表.xlsx")
    assert "科普大篷车" in [r["project"] for r in doc["rows"]]
    assert "科普e站" in [r["project"] for r in doc["rows"]]
    assert "NAME_CONTINUED" not in [f["code"] for f in doc["findings"]]


def test_a_unit_merged_down_many_rows_is_not_a_wrapped_name():
    rows = [["序号", "单位", "项目名称", "预算数（万元）", "执行数（万元）"]]
    rows += [[i, "科协本级" if i == 1 else None, f"项目{i}", 10.0 * i, 9.0 * i] for i in range(1, 6)]
    doc = inspect_bytes(xlsx(("Sheet1", rows), merges=["B2:B6"]), "汇总表.xlsx")
    assert [r["project"] for r in doc["rows"]] == [f"项目{i}" for i in range(1, 6)]
    assert {r["unit"] for r in doc["rows"]} == {"科协本级"}
    assert "NAME_CONTINUED" not in [f["code"] for f in doc["findings"]]
