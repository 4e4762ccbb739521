"""A workbook with a sheet per unit, every sheet the same table: read as one table, each unit named by
its sheet, each sheet's 合计 checked against its own rows, a 汇总 sheet checked against them all. Two
copies of one table, or last year beside this year, are not added together. Numbers are seed 002's."""

from __future__ import annotations

import pytest

from jixiao import model as m
from jixiao.read import read_dataset
from jixiao.report import analysis_doc, inspect_bytes
from jixiao.summary.analysis import analyze
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, TANGSHAN, codes, found, xlsx

HEAD = ["序号", "项目名称", "调整预算数（万元）", "实际执行数（万元）"]


def _sum(rows, k):
    return round(sum(r[k] for r in rows), 2)


def _unit_sheet(rows, total=True, off_by=0.0, title=None):
    out = [[title]] if title else []
    out += [HEAD, *([i, n, b, e] for i, (n, b, e) in enumerate(rows, 1))]
    if total:
        out.append([None, "合计", round(_sum(rows, 1) + off_by, 2), _sum(rows, 2)])
    return out


def _unit_of_each_row(doc):
    return [r["unit"] for r in doc["rows"]]


@pytest.mark.parametrize("total", [False, True], ids=["no-total", "合计"])
@pytest.mark.parametrize("title", [None, "2023年度项目支出绩效自评汇总表"], ids=["bare", "title"])
def test_a_sheet_per_unit_is_read_as_one_table(total, title):
    book = xlsx(*((u, _unit_sheet(rows, total, title=title)) for u, rows in TANGSHAN.items()))
    doc = inspect_bytes(book, "t.xlsx")
    assert doc["projects"] == len(PROJECTS)
    assert doc["totals"] == {
        "budget": BUDGET,
        "executed": EXECUTED,
        "execution_rate": round(EXECUTED / BUDGET * 100, 2),
    }
    assert _unit_of_each_row(doc) == [u for u, *_ in PROJECTS]
    assert [(u["unit"], u["projects"]) for u in doc["units"]] == [(u, len(r)) for u, r in TANGSHAN.items()]
    combined = found(doc, "SHEETS_COMBINED")
    assert len(combined) == 1 and all(f"「{u}」" in combined[0]["message"] for u in TANGSHAN)
    assert doc["source"]["combined_sheets"] == list(TANGSHAN)
    assert not {"TABLE_CHOSEN", "TOTAL_MISMATCH", "SHEETS_SPLIT"} & set(codes(doc))


def test_each_sheets_total_is_checked_against_its_own_rows_only():
    sheets = [(u, _unit_sheet(rows, off_by=1.0 if u == "科技馆" else 0.0)) for u, rows in TANGSHAN.items()]
    doc = inspect_bytes(xlsx(*sheets), "t.xlsx")
    mismatch = found(doc, "TOTAL_MISMATCH")
    assert len(mismatch) == 1 and mismatch[0]["where"].startswith("工作表「科技馆」")
    assert "相差 1.00 万元" in mismatch[0]["message"] and "3 个项目" in mismatch[0]["message"]


def test_a_finding_belongs_to_its_own_sheets_row():
    rows = {u: list(r) for u, r in TANGSHAN.items()}
    rows["科工中心"][0] = ("维修费", 0, 12.33)  # budget 0 on row 2 of one sheet only
    table = read_dataset(xlsx(*((u, _unit_sheet(r, total=False)) for u, r in rows.items())), "t.xlsx").table
    a = analyze(table)
    bad = [f for f in a.findings if f.code == "NONPOSITIVE_BUDGET"]
    assert len(bad) == 1 and bad[0].sheet == "科工中心" and bad[0].sheet_row == 2
    assert bad[0].where.startswith("工作表「科工中心」第2行")
    from components.detail import row_findings

    p = a.projects
    on_row_2 = p[p[m.SHEET_ROW] == 2]
    assert [len(row_findings(a, rec)) > 0 for _, rec in on_row_2.iterrows()] == [False, True, False]


@pytest.mark.parametrize("where", ["first", "last"])
def test_a_summary_sheet_of_units_is_checked_against_every_unit_sheet(where):
    summary = [["单位", "项目个数", "预算数（万元）", "执行数（万元）"]]
    summary += [[u, len(r), _sum(r, 1), _sum(r, 2)] for u, r in TANGSHAN.items()]
    summary[2][2] += 5  # 科工中心 reported 5 万元 too much
    units = [(u, _unit_sheet(r)) for u, r in TANGSHAN.items()]
    sheets = [("汇总", summary), *units] if where == "first" else [*units, ("汇总", summary)]
    doc = inspect_bytes(xlsx(*sheets), "t.xlsx")
    assert doc["totals"]["budget"] == BUDGET and doc["projects"] == len(PROJECTS)
    block = found(doc, "UNIT_TOTALS_BLOCK")
    assert len(block) == 1 and "核对了 3 行" in block[0]["message"]
    mismatch = found(doc, "TOTAL_MISMATCH")
    assert (
        len(mismatch) == 1
        and "科工中心" in mismatch[0]["message"]
        and "相差 5.00 万元" in mismatch[0]["message"]
    )


@pytest.mark.parametrize(
    "names",
    [("2023年", "2022年"), ("科协本级", "科协本级 (2)"), ("本年", "备份")],
    ids=["years", "copy", "backup"],
)
def test_copies_and_other_years_are_not_added_together(names):
    rows = [(n, b, e) for _, n, b, e in PROJECTS]
    other = [(n, b, round(e * 0.9, 2)) for n, b, e in rows]
    doc = inspect_bytes(xlsx((names[0], _unit_sheet(rows)), (names[1], _unit_sheet(other))), "t.xlsx")
    assert doc["totals"]["budget"] == BUDGET and doc["projects"] == len(PROJECTS)
    assert not found(doc, "SHEETS_COMBINED") and "combined_sheets" not in doc["source"]


def test_sheets_that_share_most_projects_are_not_added_together():
    """Two units' sheets are parts; a third listing most of the same projects again is not."""
    units = list(TANGSHAN.items())
    again = units[0][1] + units[1][1][:2]
    doc = inspect_bytes(
        xlsx(*((u, _unit_sheet(r)) for u, r in units[:2]), ("其他", _unit_sheet(again))), "t.xlsx"
    )
    assert doc["source"]["combined_sheets"] == [units[0][0], units[1][0]]
    assert doc["projects"] == len(units[0][1]) + len(units[1][1])


def test_plain_sheet_names_are_not_units():
    doc = inspect_bytes(
        xlsx(*((f"Sheet{i}", _unit_sheet(r)) for i, r in enumerate(TANGSHAN.values(), 1))), "t.xlsx"
    )
    assert doc["totals"]["budget"] == BUDGET and set(_unit_of_each_row(doc)) == {None}
    assert "单位取工作表名" not in found(doc, "SHEETS_COMBINED")[0]["message"]


def test_choosing_one_sheet_reads_that_sheet_alone():
    book = xlsx(*((u, _unit_sheet(r)) for u, r in TANGSHAN.items()))
    table = read_dataset(book, "t.xlsx", sheet="科工中心").table
    doc = analysis_doc(analyze(table))
    assert doc["projects"] == len(TANGSHAN["科工中心"]) and not found(doc, "SHEETS_COMBINED")
    # the unit set on the import page applies to every sheet
    table = read_dataset(book, "t.xlsx", amount_unit="元").table
    assert table.source.combined_sheets == list(TANGSHAN)
    assert round(float(table.projects[m.BUDGET].sum()), 6) == round(BUDGET / 10000, 6)


def test_the_excel_export_names_each_rows_sheet_and_marks_the_right_cell():
    import io

    from openpyxl import load_workbook

    from jixiao.export.xlsx import SHEET_PROJECTS, build_xlsx

    rows = {u: list(r) for u, r in TANGSHAN.items()}
    rows["科工中心"][0] = ("维修费", 0, 12.33)  # budget 0 on row 2 of one sheet only
    table = read_dataset(xlsx(*((u, _unit_sheet(r, total=False)) for u, r in rows.items())), "t.xlsx").table
    book = load_workbook(io.BytesIO(build_xlsx(analyze(table))))
    ws = book[SHEET_PROJECTS]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["工作表", "行号"]
    sheets_rows = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=2) if r[1].value is not None]
    assert sheets_rows[: len(PROJECTS)] == [(u, k + 2) for u, r in TANGSHAN.items() for k in range(len(r))]
    budget_col = header.index("预算数（万元）")
    commented = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=2) if r[budget_col].comment]
    assert commented == [("科工中心", 2)]


@pytest.mark.parametrize(
    "page",
    [
        "pages/overview.py",
        "pages/execution.py",
        "pages/deviations.py",
        "pages/scores.py",
        "pages/units.py",
        "pages/history.py",
        "pages/presentation.py",
        "pages/export.py",
        "pages/data_manage.py",
    ],
)
def test_every_page_shows_a_table_combined_from_a_sheet_per_unit(page, tmp_path, monkeypatch):
    from jixiao.store.db import ENV_URL
    from tests.test_pages import assert_clean, new_app, text, upload

    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'jixiao.db'}")
    sheets = [(u, _unit_sheet(r, off_by=1.0 if u == "科技馆" else 0.0)) for u, r in TANGSHAN.items()]
    at = upload(new_app(), "分单位.xlsx", xlsx(*sheets))
    at.switch_page(page).run()
    assert_clean(at)
    assert not [e.value for e in at.main.error], page
    if page in ("pages/overview.py", "pages/execution.py"):
        assert f"{BUDGET:,.2f}" in text(at) or f"{BUDGET:,.2f}" in str([x.value for x in at.main.metric])


@pytest.mark.parametrize(
    "names,combined",
    [
        (("科协本级2023", "科工中心2023", "科技馆2023"), True),  # the same year on every unit's sheet
        (("科协本级（2023年）", "科工中心（2023年）", "科技馆（2023年）"), True),
        (("科协本级2023", "科工中心2022", "科技馆2023"), False),  # years differ: not parts of one table
    ],
)
def test_a_year_in_every_unit_sheets_name(names, combined):
    sheets = [(n, _unit_sheet(r)) for n, r in zip(names, TANGSHAN.values(), strict=True)]
    doc = inspect_bytes(xlsx(*sheets), "t.xlsx")
    if combined:
        assert doc["source"]["combined_sheets"] == list(names) and doc["totals"]["budget"] == BUDGET
    else:
        assert names[1] not in doc["source"].get("combined_sheets", [])


def test_every_habit_at_once():
    """A sheet per unit, each with a title, 元 beside 万元, a 其中 part marked in the 序号 column, a 合计
    with its label left blank and an indicator table under it: the seed's totals, all said."""
    sheets = []
    for u, ps in TANGSHAN.items():
        rows = [
            [f"{u}2023年项目支出绩效自评表"],
            ["序号", "项目名称", "调整预算数（元）", "实际执行数（万元）"],
        ]
        rows += [[i, n, b * 10000, e] for i, (n, b, e) in enumerate(ps, 1)]
        if u == "科协本级":
            rows.insert(4, ["其中", "会议费（老科协）", 3 * 10000, 3])
        rows.append([None, None, round(sum(p[1] for p in ps), 2) * 10000, round(sum(p[2] for p in ps), 2)])
        rows += [
            [],
            [None, "一级指标", "二级指标", "指标值", "完成值"],
            [None, "产出指标", "数量指标", 25, 27],
        ]
        sheets.append((u, rows))
    doc = inspect_bytes(xlsx(*sheets), "t.xlsx")
    assert doc["source"]["combined_sheets"] == list(TANGSHAN)
    assert doc["projects"] == len(PROJECTS) and doc["totals"]["budget"] == BUDGET
    assert doc["totals"]["executed"] == EXECUTED
    said = codes(doc)
    assert said.count("UNLABELLED_TOTAL") == 3 and said.count("TABLE_ENDS") == 3
    assert said.count("PARTIAL_BREAKDOWN") == 1 and "AMOUNT_UNITS_MIXED" in said
    assert not {"MISSING_PROJECT_NAME", "TOTAL_MISMATCH"} & set(said)


def test_the_combined_tables_title_keeps_the_year_and_drops_the_first_units_name():
    from jixiao.naming import guess_unit_year

    sheets = [(u, _unit_sheet(r, title=f"{u}2023年项目支出绩效自评表")) for u, r in TANGSHAN.items()]
    table = read_dataset(xlsx(*sheets), "唐山市科协.xlsx").table
    assert guess_unit_year(table.source.title, "唐山市科协.xlsx") == ("唐山市科协", 2023)
