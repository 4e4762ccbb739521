"""Each amount column in its own unit: "预算数（元）" beside "执行数（万元）", cells written "390000元",
a 年初预算数 in 元 beside a 调整预算数 in 万元. Every column is turned into 万元 on its own, so the headline
rate is right, and the mix is said. Numbers are seed 002's (唐山市科学技术协会, 万元)."""

from __future__ import annotations

import pytest

from jixiao import model as m
from jixiao.read import read_dataset
from jixiao.report import analysis_doc, inspect_bytes
from jixiao.summary.analysis import analyze
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, codes, found, xlsx

RATE = round(EXECUTED / BUDGET * 100, 2)


def _yuan(x: float) -> float:
    return round(x * 10000, 2)


def _doc(rows, **kw):
    if kw:
        table = read_dataset(xlsx(("Sheet1", rows)), "t.xlsx", **kw).table
        return analysis_doc(analyze(table))
    return inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")


def _right(doc) -> None:
    assert doc["projects"] == len(PROJECTS)
    assert doc["totals"] == {"budget": BUDGET, "executed": EXECUTED, "execution_rate": RATE}
    assert "AMOUNT_UNIT_SUSPECT" not in codes(doc) and "TOTAL_MISMATCH" not in codes(doc)


@pytest.mark.parametrize(
    "budget_head,executed_head,to_b,to_e",
    [
        ("预算数（元）", "执行数（万元）", _yuan, float),
        ("调整预算数（万元）", "实际执行数(元)", float, _yuan),
        ("全年预算数（元）", "全年执行数（万元）", _yuan, float),
    ],
)
def test_columns_in_different_units_are_each_turned_into_wan(budget_head, executed_head, to_b, to_e):
    rows = [["序号", "单位名称", "项目名称", budget_head, executed_head]]
    rows += [[i, u, n, to_b(b), to_e(e)] for i, (u, n, b, e) in enumerate(PROJECTS, 1)]
    rows.append([None, "合计", None, to_b(BUDGET), to_e(EXECUTED)])  # the 合计 in each column's unit too
    doc = _doc(rows)
    _right(doc)
    mixed = found(doc, "AMOUNT_UNITS_MIXED")
    said = mixed[0]["message"] if len(mixed) == 1 else ""
    assert "按元" in said and "按万元" in said and budget_head[:3] in said and executed_head[:3] in said


def test_an_initial_budget_in_yuan_beside_an_adjusted_one_in_wan():
    rows = [["项目名称", "年初预算数（元）", "调整后预算数（万元）", "实际执行数（万元）"]]
    rows += [[n, _yuan(b * 0.8), b, e] for _, n, b, e in PROJECTS]
    table = read_dataset(xlsx(("Sheet1", rows)), "t.xlsx").table
    assert table.projects[m.INITIAL_BUDGET].round(2).tolist() == [round(p[2] * 0.8, 2) for p in PROJECTS]
    assert round(float(table.projects[m.BUDGET].sum()), 2) == BUDGET


@pytest.mark.parametrize("suffix", ["元", " 元"])
def test_cells_written_in_yuan_without_a_unit_in_the_header(suffix):
    rows = [["项目名称", "预算数", "执行数"]]
    rows += [[n, f"{_yuan(b):.0f}{suffix}", f"{_yuan(e):,.2f}{suffix}"] for _, n, b, e in PROJECTS]
    doc = _doc(rows)
    _right(doc)
    assert "AMOUNT_UNIT_ASSUMED" not in codes(doc)


def test_cells_written_in_wan_beat_a_unit_line_that_says_yuan():
    rows = [["单位：元"], ["项目名称", "预算数", "执行数"]]
    rows += [[n, f"{b}万元", f"{e}万元"] for _, n, b, e in PROJECTS]
    _right(_doc(rows))


def test_one_unit_chosen_on_the_import_page_applies_to_every_column():
    rows = [["项目名称", "预算数（元）", "执行数（万元）"]]
    rows += [[n, _yuan(b), _yuan(e)] for _, n, b, e in PROJECTS]  # the 万元 in the header is wrong
    doc = _doc(rows, amount_unit="元")
    assert doc["totals"] == {"budget": BUDGET, "executed": EXECUTED, "execution_rate": RATE}
    assert not found(doc, "AMOUNT_UNITS_MIXED")


def test_one_unit_for_the_whole_table_is_not_called_mixed():
    rows = [["单位：元"], ["项目名称", "预算数", "执行数（元）"]]
    rows += [[n, _yuan(b), _yuan(e)] for _, n, b, e in PROJECTS]
    doc = _doc(rows)
    _right(doc)
    assert not found(doc, "AMOUNT_UNITS_MIXED")


@pytest.mark.parametrize(
    "head",
    [["项目名称", "预算数（元）", "执行数（元）"], ["项目名称", "预算金额(元)", "实际支出(元)"]],
    ids=["header", "header-ascii"],
)
def test_wan_values_under_a_yuan_header_are_said(head):
    """A template's "（元）" kept over figures typed in 万元: budgets of a few dozen 元 are no projects."""
    rows = [head, *([n, b, e] for _, n, b, e in PROJECTS)]
    doc = _doc(rows)
    suspect = found(doc, "AMOUNT_UNIT_SUSPECT")
    assert len(suspect) == 1 and suspect[0]["severity"] == "warning" and "万元" in suspect[0]["message"]
    median = sorted(p[2] for p in PROJECTS)[len(PROJECTS) // 2 - 1 : len(PROJECTS) // 2 + 1]
    assert f"{sum(median) / 2:,.2f} 元" in suspect[0]["message"]
    # the figures as typed stay as read until the user says otherwise; then they are right
    assert _doc(rows, amount_unit="万元")["totals"]["budget"] == BUDGET


def test_a_unit_line_saying_yuan_over_wan_figures_is_said():
    rows = [["单位：元"], ["项目名称", "预算数", "执行数"], *([n, b, e] for _, n, b, e in PROJECTS)]
    assert len(found(_doc(rows), "AMOUNT_UNIT_SUSPECT")) == 1


def test_small_yuan_projects_are_not_called_wan():
    rows = [
        ["项目名称", "预算数（元）", "执行数（元）"],
        *([n, _yuan(b), _yuan(e)] for _, n, b, e in PROJECTS),
    ]
    assert not found(_doc(rows), "AMOUNT_UNIT_SUSPECT")


@pytest.mark.parametrize(
    "units_row",
    [
        ["", "（元）", "（元）"],
        ["", "元", "元"],
        ["", "单位：元", "单位：元"],
        ["", "(元)", "（万元）"],
    ],
    ids=["（元）", "元", "单位：元", "元 and 万元"],
)
@pytest.mark.parametrize("with_column_numbers", [False, True])
def test_a_row_of_units_under_the_header(units_row, with_column_numbers):
    """预算数 / 执行数 with the units on a row of their own under them (and under a 栏次 row 1 2 3)."""
    to_e = float if "万元" in units_row[2] else _yuan
    rows = [["项目名称", "预算数", "执行数"], *([[None, 1, 2]] if with_column_numbers else []), units_row]
    rows += [[n, _yuan(b), to_e(e)] for _, n, b, e in PROJECTS]
    doc = _doc(rows)
    _right(doc)


@pytest.mark.parametrize(
    "units_row",
    [["", "元", "元", "%", "分"], ["", "（元）", "（元）", "（%）", ""], ["", "元", "元", "％", "分"]],
)
def test_a_row_of_units_with_percent_and_points_beside_small_yuan_amounts(units_row):
    """Small projects in 元 (under the 10,000 that would make the size say 元), the units on a row of their
    own with "%" and "分" over the other columns: read as 元 (it was 万元, ten thousand times too much)."""
    rows = [["项目名称", "预算数", "执行数", "预算执行率", "自评得分"], units_row]
    rows += [
        ["科普讲座", 5000, 4500, 90, 95],
        ["学会年会", 8000, 8000, 100, 98],
        ["科技周", 3000, 1500, 50, 80],
    ]
    doc = _doc(rows)
    assert doc["source"]["amount_unit"] == "元"
    assert doc["totals"] == {"budget": 1.6, "executed": 1.4, "execution_rate": 87.5}
    assert "AMOUNT_UNIT_ASSUMED" not in codes(doc)


# --- no unit written anywhere: the figures' size decides -----------------------------------------------
@pytest.mark.parametrize("written", ["numbers", "text with commas"])
def test_yuan_figures_with_no_unit_anywhere_are_read_as_yuan(written):
    """832,520.00 for a project, and no 元 or 万元 on the sheet: as 万元 that is 83 亿元. Read in
    元, said as a warning, and the headline is the seed's."""
    cell = (lambda x: _yuan(x)) if written == "numbers" else (lambda x: f"{_yuan(x):,.2f}")
    rows = [["项目名称", "预算数", "执行数"], *([n, cell(b), cell(e)] for _, n, b, e in PROJECTS)]
    doc = _doc(rows)
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
    assumed = found(doc, "AMOUNT_UNIT_ASSUMED")
    assert len(assumed) == 1 and assumed[0]["severity"] == "warning" and "按“元”读取" in assumed[0]["message"]
    assert "AMOUNT_UNIT_SUSPECT" not in codes(doc) and doc["source"]["amount_unit"] == "元"
    # the import page's choice still wins
    forced = _doc(rows, amount_unit="万元")
    assert forced["totals"]["budget"] == _yuan(BUDGET) and "AMOUNT_UNIT_SUSPECT" not in codes(forced)


def test_wan_figures_with_no_unit_anywhere_stay_wan():
    rows = [["项目名称", "预算数", "执行数"], *([n, b, e] for _, n, b, e in PROJECTS)]
    doc = _doc(rows)
    assert doc["totals"]["budget"] == BUDGET
    assert found(doc, "AMOUNT_UNIT_ASSUMED")[0]["severity"] == "info"


@pytest.mark.parametrize(("median", "unit"), [(10_000, "万元"), (10_000.01, "元")])
def test_the_line_between_wan_and_yuan(median, unit):
    rows = [["项目名称", "预算数", "执行数"], ["甲", median - 1, 1], ["乙", median, 1], ["丙", median + 1, 1]]
    assert _doc(rows)["source"]["amount_unit"] == unit


def test_small_yuan_projects_with_no_unit_anywhere_are_read_as_yuan():
    """Projects of 2–10 万元 typed in 元 (20,000–100,000) with nothing saying 元: as 万元 each would be
    2–10 亿元, which no 科协 project is."""
    rows = [
        ["项目名称", "预算数", "执行数"],
        ["培训", 20000, 19500],
        ["会议", 50000, 50000],
        ["调研", 100000, 80000],
    ]
    doc = _doc(rows)
    assert doc["source"]["amount_unit"] == "元" and doc["totals"]["budget"] == 17


@pytest.mark.parametrize(
    ("row", "field", "said"),
    [
        (["学会服务", 50.0, 500000.0], "全年执行数", "执行数 500,000.00 万元是预算数 50.00 万元的 10,000 倍"),
        (["学会服务", 480000.0, 50.0], "全年预算数", "预算数 480,000.00 万元是执行数 50.00 万元的 9,600 倍"),
        (
            ["学会服务", 50.0, "600,000.00"],
            "全年执行数",
            "执行数 600,000.00 万元是预算数 50.00 万元的 12,000 倍",
        ),
    ],
)
def test_one_cell_typed_in_yuan_in_a_wan_table_is_named(row, field, said):
    """One project's 执行数 (or 预算数) typed in 元 in a 万元 table: about 10,000 times the other amount. It
    showed only as a rate of 1,000,000% and, with a 合计, a total that does not add up."""
    rows = [["项目名称", "全年预算数（万元）", "全年执行数（万元）"], ["科普活动", 100.0, 90.0], row]
    doc = _doc(rows)
    (suspect,) = found(doc, "AMOUNT_IN_YUAN_SUSPECT")
    assert suspect["severity"] == "warning" and field in suspect["where"] and "学会服务" in suspect["where"]
    assert said in suspect["message"] and "元" in suspect["message"]


@pytest.mark.parametrize("executed", [55.0, 4000.0, 200000.0])
def test_other_overspending_is_not_called_yuan(executed):
    doc = _doc([["项目名称", "全年预算数（万元）", "全年执行数（万元）"], ["学会服务", 50.0, executed]])
    assert not found(doc, "AMOUNT_IN_YUAN_SUSPECT")
