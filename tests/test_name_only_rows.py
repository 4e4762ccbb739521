"""Rows that carry a name and no money, in the 汇总表 and in the 月度执行表: a unit's name alone on a row
over its projects (with no 单位 column), a note or signature line, a page break's mark, the header
printed again, a remark under the 合计. None of them is a project. And, in the 月度执行表 with no 单位
column, "科协本级小计" names the unit of its rows whether it stands under them or above. Seed 002's numbers."""

from __future__ import annotations

import io

import openpyxl
import pytest

from jixiao import model as m
from jixiao.monitor.read import read_monthly
from jixiao.report import inspect_bytes
from tests.test_reader_choices import BUDGET, EXECUTED, TANGSHAN, codes, unit_rows, xlsx

UNITS = list(TANGSHAN)
N = sum(len(rows) for rows in TANGSHAN.values())
MONTH_HEAD = ["项目名称", "全年预算（万元）", *[f"1-{k}月累计" for k in range(1, 7)]]


def _months(e: float) -> list[float]:
    return [round(e * j / 6, 2) for j in range(1, 7)]


def _unit_sums(unit: str) -> tuple[float, float]:
    rows = TANGSHAN[unit]
    return round(sum(b for _, b, _ in rows), 2), round(sum(e for _, _, e in rows), 2)


def _monthly(rows: list[list]) -> object:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return read_monthly(buf.getvalue(), "月度执行.xlsx")


# --- a unit's name alone on a row, no 单位 column -------------------------------------------------------
HEADING_FORMS = {
    "name in the name column": lambda u: ["", u, "", ""],
    "name in the 序号 column": lambda u: [u, "", "", ""],
    "merged across the row": lambda u: [u, u, u, u],  # how calamine gives a merged A:D heading
    "name with a colon": lambda u: ["", f"{u}：", "", ""],
}


@pytest.mark.parametrize("form", list(HEADING_FORMS))
def test_unit_names_alone_on_a_row_head_their_projects(form):
    rows = [["序号", "项目名称", "预算数（万元）", "执行数（万元）"]]
    i = 0
    for unit, projects in TANGSHAN.items():
        rows.append(HEADING_FORMS[form](unit))
        for name, b, e in projects:
            i += 1
            rows.append([i, name, b, e])
    rows.append(["", "合计", BUDGET, EXECUTED])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == N
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert [(u, n) for u, n, _, _ in unit_rows(doc)] == [(u, len(TANGSHAN[u])) for u in UNITS]
    assert "BUDGET_MISSING" not in codes(doc)
    if form != "name with a colon":  # a colon made it a heading before this rule
        assert "UNIT_HEADING_ROWS" in codes(doc)


def test_a_project_without_money_among_projects_is_still_a_project():
    """Only a first row under the header that holds a name alone starts the rule: a project left blank in
    the middle of a table is a project (with its 预算数为空 warning), not a unit over the rows under it."""
    rows = [
        ["项目名称", "预算数（万元）", "执行数（万元）"],
        ["科普活动", 100, 90],
        ["新增项目", "", ""],
        ["学会服务", 50, 50],
    ]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == 3 and "BUDGET_MISSING" in codes(doc) and "UNIT_HEADING_ROWS" not in codes(doc)
    assert [r["unit"] for r in doc["rows"]] == [None, None, None]


@pytest.mark.parametrize("remark", ["以上数据未经审计", "数据截至2023年12月31日", "（此页无正文）"])
def test_a_remark_under_the_total_is_not_a_project(remark):
    rows = [["项目名称", "预算数（万元）", "执行数（万元）"]]
    rows += [[n, b, e] for projects in TANGSHAN.values() for n, b, e in projects]
    rows += [["合计", BUDGET, EXECUTED], [remark, "", ""]]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == N and "BUDGET_MISSING" not in codes(doc)


# --- the 月度执行表 ----------------------------------------------------------------------------------------
def _monthly_rows(heading=None, between=(), after=(), total=True) -> list[list]:
    rows = [["2023年1-6月项目支出执行进度表"], MONTH_HEAD]
    for k, (unit, projects) in enumerate(TANGSHAN.items()):
        if heading:
            rows.append(heading(unit))
        for name, b, e in projects:
            rows.append([name, b, *_months(e)])
        if k == 0:
            rows += [list(r) for r in between]
    if total:
        spent = [round(sum(_months(e)[j] for p in TANGSHAN.values() for _, _, e in p), 2) for j in range(6)]
        rows.append(["合计", BUDGET, *spent])
    return rows + [list(r) for r in after]


NOT_PROJECTS = {
    "note under the table": {"after": [["注：本表由财务科填报，金额单位为万元。"]]},
    "signature line": {"after": [["填表人：张三", None, "审核人：李四", None, "日期：2023年7月5日"]]},
    "（续上页） between pages": {"between": [["（续上页）"]]},
    "续表 and the header again": {"between": [["续表"], MONTH_HEAD]},
    "the header again": {"between": [MONTH_HEAD]},
    "remark under the 合计": {"after": [["以上数据来源于财务系统"]]},
}


@pytest.mark.parametrize("habit", list(NOT_PROJECTS))
def test_monthly_rows_without_money_are_not_projects(habit):
    table = _monthly(_monthly_rows(**NOT_PROJECTS[habit]))
    assert len(table.projects) == N
    assert round(table.projects[m.BUDGET].sum(), 2) == BUDGET
    assert round(table.projects["m6"].sum(), 2) == EXECUTED
    # the header's "1-6月累计" printed again is not a number that failed to read
    assert not [f for f in table.findings if f.severity != "info"]


@pytest.mark.parametrize("form", ["alone", "with a colon"])
def test_monthly_unit_names_alone_on_a_row_head_their_projects(form):
    table = _monthly(_monthly_rows(heading=lambda u: [u if form == "alone" else f"{u}："]))
    assert len(table.projects) == N and round(table.projects[m.BUDGET].sum(), 2) == BUDGET
    got = table.projects.groupby(m.UNIT, sort=False)[m.PROJECT].count()
    assert got.to_dict() == {u: len(p) for u, p in TANGSHAN.items()}
    assert any(f.code == "UNIT_HEADING_ROWS" for f in table.findings)


@pytest.mark.parametrize("where", ["under its rows", "above its rows"])
@pytest.mark.parametrize("label", ["{u}小计", "{u} 小计", "小计（{u}）"])
def test_monthly_subtotals_name_the_unit_of_their_rows(where, label):
    rows = [MONTH_HEAD]
    if where == "above its rows":
        rows.append(["合计", BUDGET, *[None] * 6])
    for unit, projects in TANGSHAN.items():
        b, e = _unit_sums(unit)
        sub = [label.format(u=unit), b, *[None] * 5, e]
        body = [[name, pb, *_months(pe)] for name, pb, pe in projects]
        rows += [sub, *body] if where == "above its rows" else [*body, sub]
    if where == "under its rows":
        rows.append(["合计", BUDGET, *[None] * 5, EXECUTED])
    table = _monthly(rows)
    assert len(table.projects) == N and round(table.projects[m.BUDGET].sum(), 2) == BUDGET
    got = table.projects.groupby(m.UNIT, sort=False)[m.PROJECT].count()
    assert got.to_dict() == {u: len(p) for u, p in TANGSHAN.items()}


@pytest.mark.parametrize("line", ["单位：元", "金额单位：元", "单位: 元", "（单位：元）"])
def test_a_unit_line_just_under_the_header_is_the_unit_not_a_project(line):
    """Seed 002 in 元 with its unit written on the first row under the header, in both readers."""
    rows = [["项目名称", "预算数", "执行数"], [line, "", ""]]
    rows += [[n, round(b * 10000), round(e * 10000)] for p in TANGSHAN.values() for n, b, e in p]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == N and doc["source"]["amount_unit"] == "元"
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert "BUDGET_MISSING" not in codes(doc)
    monthly = [["项目名称", "全年预算", *MONTH_HEAD[2:]], [line]]
    monthly += [
        [n, round(b * 10000), *[round(x * 10000) for x in _months(e)]]
        for p in TANGSHAN.values()
        for n, b, e in p
    ]
    table = _monthly(monthly)
    assert len(table.projects) == N and round(table.projects[m.BUDGET].sum(), 2) == BUDGET
    assert not any(f.code == "AMOUNT_UNIT_ASSUMED" for f in table.findings)


@pytest.mark.parametrize("remark", ["以上数据未经审计", "本表数据未经审计（仅供参考）"])
def test_a_remark_at_the_end_with_no_total_is_not_a_project(remark):
    rows = [["项目名称", "预算数（万元）", "执行数（万元）"]]
    rows += [[n, b, e] for projects in TANGSHAN.values() for n, b, e in projects]
    rows += [[remark, "", ""]]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == N and "BUDGET_MISSING" not in codes(doc)
    assert "TRAILING_TEXT_ROWS" in codes(doc)
    table = _monthly(_monthly_rows(total=False, after=[[remark]]))
    assert len(table.projects) == N
    assert any(f.code == "TRAILING_TEXT_ROWS" for f in table.findings)


def test_monthly_unit_names_alone_under_a_total_printed_on_top():
    rows = _monthly_rows(heading=lambda u: [u], total=False)
    spent = [round(sum(_months(e)[j] for p in TANGSHAN.values() for _, _, e in p), 2) for j in range(6)]
    rows.insert(2, ["合计", BUDGET, *spent])
    table = _monthly(rows)
    assert len(table.projects) == N and round(table.projects["m6"].sum(), 2) == EXECUTED
    got = table.projects.groupby(m.UNIT, sort=False)[m.PROJECT].count()
    assert got.to_dict() == {u: len(p) for u, p in TANGSHAN.items()}


@pytest.mark.parametrize("line", ["填报单位：唐山市科学技术协会", "金额单位：万元", "2023年6月30日"])
def test_monthly_line_above_the_header_is_not_part_of_it(line):
    """A line of its own above the header is not the upper row of a two-row header: the header printed
    again on a page break is still recognised as the header."""
    rows = _monthly_rows(between=[MONTH_HEAD])
    rows.insert(1, [line])
    table = _monthly(rows)
    assert len(table.projects) == N and round(table.projects[m.BUDGET].sum(), 2) == BUDGET
    assert not [f for f in table.findings if f.severity != "info"]


@pytest.mark.parametrize(
    "months", [["2023-01", "2023-02", "2023-03"], ["一月", "二月", "三月"], ["1月", "2月", "3月"]]
)
@pytest.mark.parametrize("again", ["lower row", "both rows"])
def test_monthly_two_row_header_with_months_under_a_merged_label(months, again):
    """累计执行数 merged over the months, written as dates, 一月 or 1月; a page break prints the header again."""
    wb = openpyxl.Workbook()
    ws = wb.active
    top = ["项目名称", "全年预算（万元）", "累计执行数", "", ""]
    low = ["", "", *months]
    ws.append(top)
    ws.append(low)
    ws.merge_cells("C1:E1")
    flat = [(n, b, e) for p in TANGSHAN.values() for n, b, e in p]
    for k, (n, b, e) in enumerate(flat):
        ws.append([n, b, *[round(e * j / 3, 2) for j in range(1, 4)]])
        if k == 5:
            for r in [low] if again == "lower row" else [top, low]:
                ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    table = read_monthly(buf.getvalue(), "月度.xlsx")
    assert len(table.projects) == N and round(table.projects[m.BUDGET].sum(), 2) == BUDGET
    assert round(table.projects["m3"].sum(), 2) == EXECUTED and table.habit == "cumulative"
    assert not [f for f in table.findings if f.severity != "info"]


# --- a project whose name ends in a total word ------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["科技统计数据汇总", "学术年会合计", "年度科普活动总计", "全省学会数据汇总", "年度工作汇总"]
)
@pytest.mark.parametrize("seq", [int, str])
def test_a_numbered_project_named_like_a_total_is_a_project(name, seq):
    rows = [["序号", "项目名称", "预算数（万元）", "执行数（万元）"]]
    flat = [(n, b, e) for p in TANGSHAN.values() for n, b, e in p]
    flat[3] = (name, flat[3][1], flat[3][2])
    rows += [[seq(i), n, b, e] for i, (n, b, e) in enumerate(flat, 1)]
    rows.append(["", "合计", BUDGET, EXECUTED])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert (
        doc["projects"] == N and doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    )
    assert "TOTAL_WORD_PROJECT" in codes(doc) and "TOTAL_MISMATCH" not in codes(doc)


def test_a_numbered_subtotal_that_adds_up_stays_a_subtotal():
    """Some offices number every row, 小计 included: a 小计 equal to its rows' sum is still a 小计."""
    rows = [["序号", "单位", "项目名称", "预算数（万元）", "执行数（万元）"]]
    i = 0
    for unit, projects in TANGSHAN.items():
        for name, b, e in projects:
            i += 1
            rows.append([i, unit, name, b, e])
        i += 1
        rows.append([i, "", f"{unit}小计", *(round(sum(p[k] for p in projects), 2) for k in (1, 2))])
    rows.append(["", "", "合计", BUDGET, EXECUTED])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == N and doc["totals"]["budget"] == BUDGET
    assert "TOTAL_WORD_PROJECT" not in codes(doc) and "TOTAL_MISMATCH" not in codes(doc)


@pytest.mark.parametrize(
    "name", ["科技统计数据汇总", "学术年会合计", "年度科普活动总计", "全省学会数据汇总", "年度工作汇总"]
)
@pytest.mark.parametrize("where", [0, 3, -1])  # the first, a middle and the last project
def test_an_unnumbered_project_named_like_a_total_is_a_project_when_the_total_needs_it(name, where):
    """No 序号 column to tell: the 合计 under the table adds up only with the row counted as a project."""
    flat = [(n, b, e) for p in TANGSHAN.values() for n, b, e in p]
    k = where % len(flat)
    flat[k] = (name, flat[k][1], flat[k][2])
    rows = [
        ["项目名称", "预算数（万元）", "执行数（万元）"],
        *[list(p) for p in flat],
        ["合计", BUDGET, EXECUTED],
    ]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    if k == 0:  # a total-like first row reads as a total printed over the table: wrong, and not silently
        assert doc["projects"] == N - 1 and "TOTAL_MISMATCH" in codes(doc)
        return
    assert doc["projects"] == N and (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
    assert [r["project"] for r in doc["rows"]][k] == name
    assert "TOTAL_WORD_PROJECT" in codes(doc) and "TOTAL_MISMATCH" not in codes(doc)


@pytest.mark.parametrize("grand", ["sum", "twice"])
def test_an_unnumbered_subtotal_stays_a_subtotal(grand):
    """A "科协本级合计" equal to the rows above it is a subtotal — also under a 合计 that counts it twice
    (then the 合计 is wrong, and said so)."""
    units = list(TANGSHAN.items())
    (unit, projects) = units[0]
    sub = [round(sum(p[i] for p in projects), 2) for i in (1, 2)]
    rows = [
        ["项目名称", "预算数（万元）", "执行数（万元）"],
        *[list(p) for p in projects],
        [f"{unit}合计", *sub],
    ]
    total = sub if grand == "sum" else [round(2 * x, 2) for x in sub]
    rows.append(["合计", *total])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == len(projects) and doc["totals"]["budget"] == sub[0]
    assert "TOTAL_WORD_PROJECT" not in codes(doc)
    assert ("TOTAL_MISMATCH" in codes(doc)) == (grand == "twice")


# --- a 月度执行表 with a column of the months added up ---------------------------------------------------
def _cum(e: float) -> list[float]:
    return [round(e * j / 6, 2) for j in range(1, 7)]


def _own(e: float) -> list[float]:
    c = _cum(e)
    return [c[0]] + [round(c[j] - c[j - 1], 2) for j in range(1, 6)]


@pytest.mark.parametrize("label", ["1-6月累计", "累计执行", "合计", "累计支出（万元）"])
@pytest.mark.parametrize("months_are", ["own", "cumulative"])
def test_monthly_a_column_of_the_months_added_up_decides_the_habit(label, months_are):
    """Each month's own spending with a "1-6月累计" column beside them: the 累计 in that column's label is
    not about the months (they were taken as cumulative: June's own spending became the year's)."""
    head = ["项目名称", "全年预算（万元）", *[f"{k}月" for k in range(1, 7)], label]
    rows = [head]
    for projects in TANGSHAN.values():
        for name, b, e in projects:
            rows.append([name, b, *(_own(e) if months_are == "own" else _cum(e)), e])
    table = _monthly(rows)
    assert table.habit == ("monthly" if months_are == "own" else "cumulative")
    assert round(table.projects["m6"].sum(), 2) == EXECUTED and len(table.projects) == N
