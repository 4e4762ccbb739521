"""Habits of offices in their 部门决算公开表 that were read wrong without a word (jixiao/final_accounts/
official.py, official_table.py): 上年数 | 本年数 columns, hidden draft rows, codes in brackets, a “三公”
table with 预算数 / 决算数 rows, 项-level rows without their 类, a “三公” table with 2022年 | 2023年 columns
taken for the project's own template, and 公开06 with 人员经费 / 公用经费 as columns.

Every workbook is built from the sample's real 2022 and 2023 figures (seed 004, 凉山州科协), and the
figures must come back to the cent."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from jixiao.final_accounts.figures import INCOME_SOURCES, FinalAccounts, YearFigures
from jixiao.final_accounts.template import read_template
from jixiao.model import Finding
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from tests.official_tables import FUNCTION_CODES, Style, official_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "liangshan_2023_final_accounts.xlsx"
NAME = "凉山州科协2023年度部门决算公开表.xlsx"


@pytest.fixture(scope="module")
def sample() -> FinalAccounts:
    fa, _ = read_template(SAMPLE.read_bytes(), SAMPLE.name)
    return fa


@pytest.fixture(scope="module")
def y23(sample) -> YearFigures:
    return sample.year(2023)


@pytest.fixture(scope="module")
def y22(sample) -> YearFigures:
    return sample.year(2022)


# --- building tables ------------------------------------------------------------------------------
def _v(x: float | None) -> Any:
    return "" if x is None else x


def _edited(data: bytes, edit: Callable[[Workbook], None]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _put(wb: Workbook, name: str, title: str, rows: list[list[Any]], merges=(), year: int = 2023):
    """Sheet ``name`` (replacing one of that name, in its place) holding a 公开表: its title, its number,
    the 部门 / 金额单位 line, then ``rows`` from the 4th row; ``merges`` are 0-based within ``rows``."""
    at = wb.sheetnames.index(name) if name in wb.sheetnames else len(wb.sheetnames)
    if name in wb.sheetnames:
        wb.remove(wb[name])
    ws = wb.create_sheet(name, at)
    width = max(len(r) for r in rows)
    ws.append([f"{year}年度{title}"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([""] * (width - 1) + [name])
    ws.append(["部门：凉山州科学技术协会"] + [""] * (width - 2) + ["金额单位：万元"])
    for row in rows:
        ws.append(list(row))
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 4, start_column=c0 + 1, end_row=r1 + 4, end_column=c1 + 1)
    return ws


FIRST_BODY = 7  # the Excel row of a table's first body row under _put's three lines and a 3-row header

GENERAL_HEAD = [
    ["项目", "", "本年支出", "", ""],
    ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ["栏次", "", 1, 2, 3],
]
GENERAL_MERGES = [(0, 0, 0, 1), (0, 2, 0, 4)]


def _general(wb: Workbook, body: list[list[Any]]) -> Any:
    return _put(wb, "公开05表", "一般公共预算财政拨款支出决算表", GENERAL_HEAD + body, GENERAL_MERGES)


def _total(yf: YearFigures) -> list[Any]:
    return ["合计", "", yf.general_budget_expenditure, yf.expenditure["基本支出"], yf.expenditure["项目支出"]]


def _class_rows(yf: YearFigures, label=lambda code, name: [code, name]) -> list[list[Any]]:
    return [[*label(FUNCTION_CODES[name], name), v, "", ""] for name, v in yf.by_function.items()]


def _read(data: bytes) -> tuple[FinalAccounts, list[Finding]]:
    return read_template(data, NAME)


def _codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- 1. 上年数 | 本年数 columns ---------------------------------------------------------------------
def _summary_two_years(y22: YearFigures, y23: YearFigures, prev: str, this: str) -> tuple[list, list]:
    rows: list[list[Any]] = [
        ["收入", "", "", "", "支出", "", "", ""],
        ["项目", "行次", prev, this, "项目", "行次", prev, this],
        ["栏次", "", 1, 2, "栏次", "", 3, 4],
    ]
    left = [
        (f"{n}、{s}", y22.income.get(s), y23.income.get(s))
        for n, s in zip("一二三四五六七八", INCOME_SOURCES)
    ]
    right = [
        (f"{n}、{k}", y22.by_function.get(k), v) for n, (k, v) in zip("一二三四", y23.by_function.items())
    ]
    for k, (a, was, now) in enumerate(left):
        b = right[k] if k < len(right) else ("", None, None)
        rows.append([a, k + 1, _v(was), now, b[0], 30 + k if b[0] else "", _v(b[1]), _v(b[2])])
    rows += [
        ["本年收入合计", "", _v(y22.income_current), y23.income_current]
        + ["本年支出合计", "", _v(y22.expenditure_current), y23.expenditure_current],
        [
            "总计",
            "",
            y22.income_total,
            y23.income_total,
            "总计",
            "",
            y22.expenditure_total,
            y23.expenditure_total,
        ],
    ]
    return rows, [(0, 0, 0, 3), (0, 4, 0, 7)]


def _fiscal_two_years(y22: YearFigures, y23: YearFigures, prev: str, this: str) -> tuple[list, list]:
    rows: list[list[Any]] = [
        ["收入", "", "", "", "支出", "", "", ""],
        ["项目", "行次", prev, this, "项目", "行次", prev, this],
        ["栏次", "", 1, 2, "栏次", "", 3, 4],
    ]
    left = [
        ("一、一般公共预算财政拨款", y22.fiscal_total, y23.fiscal_total),
        ("二、政府性基金预算财政拨款", 0, 0),
        ("三、国有资本经营预算财政拨款", 0, 0),
    ]
    right = [
        (f"{n}、{k}", y22.by_function.get(k), v) for n, (k, v) in zip("一二三四", y23.by_function.items())
    ]
    for k in range(len(right)):
        a = left[k] if k < len(left) else ("", None, None)
        b = right[k]
        rows.append([a[0], k + 1 if a[0] else "", _v(a[1]), _v(a[2]), b[0], 30 + k, b[1], b[2]])
    rows += [
        [
            "本年收入合计",
            "",
            y22.fiscal_total,
            y23.fiscal_total,
            "本年支出合计",
            "",
            y22.fiscal_total,
            y23.fiscal_total,
        ],
        ["总计", "", y22.fiscal_total, y23.fiscal_total, "总计", "", y22.fiscal_total, y23.fiscal_total],
    ]
    return rows, [(0, 0, 0, 3), (0, 4, 0, 7)]


def _general_two_years(y22: YearFigures, y23: YearFigures, prev: str, this: str, shift: float = 0.0):
    rows: list[list[Any]] = [
        ["项目", "", prev, "", "", this, "", ""],
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "合计", "基本支出", "项目支出"],
        ["栏次", "", 1, 2, 3, 4, 5, 6],
        ["合计", "", y22.general_budget_expenditure, "", "", *_total(y23)[2:]],
    ]
    for name, v in y23.by_function.items():
        rows.append([FUNCTION_CODES[name], name, round(y22.by_function[name] + shift, 2), "", "", v, "", ""])
    return rows, [(0, 0, 0, 1), (0, 2, 0, 4), (0, 5, 0, 7)]


TWO_YEAR_WORDS = [("上年数", "本年数"), ("2022年", "2023年"), ("上年决算数", "本年决算数")]


@pytest.mark.parametrize("prev,this", TWO_YEAR_WORDS)
def test_last_years_columns_beside_this_years(y22, y23, prev, this):
    """公开01/04/05 with 上年数 | 本年数: 2023 from its own column, 2022 from the 上年 column."""

    def edit(wb):
        _put(wb, "公开01表", "收入支出决算总表", *_summary_two_years(y22, y23, prev, this))
        _put(wb, "公开04表", "财政拨款收入支出决算总表", *_fiscal_two_years(y22, y23, prev, this))
        _put(wb, "公开05表", "一般公共预算财政拨款支出决算表", *_general_two_years(y22, y23, prev, this))

    fa, findings = _read(_edited(official_workbook(y23), edit))
    now = fa.year(2023)  # never last year's column for this year
    assert (now.income_total, now.expenditure_total, now.income_current, now.expenditure_current) == (
        874.05,
    ) * 4
    assert now.income == y23.income and now.by_function == y23.by_function
    assert (now.fiscal_total, now.general_budget_expenditure) == (874.05, 874.05)
    assert fa.years == [2022, 2023]
    was = fa.year(2022)
    assert (was.income_total, was.expenditure_total, was.fiscal_total) == (877.47, 877.47, 877.47)
    assert was.general_budget_expenditure == 877.47 and was.by_function == y22.by_function
    (said,) = [f for f in findings if f.code == "FA_PREVIOUS_YEAR_COLUMNS"]
    assert "「公开01表」" in said.message and "「公开05表」" in said.message and "2022年" in said.message
    assert "FA_ONE_YEAR" not in _codes(findings)


def test_a_years_own_tables_win_over_the_next_years_previous_columns(y22, y23):
    """2022's own 公开05表 in the workbook gives 2022's classes; 2023's 上年数 column (here 1.00 off each)
    only fills what 2022's tables lack."""

    def edit(wb):
        _put(
            wb,
            "公开05表",
            "一般公共预算财政拨款支出决算表",
            *_general_two_years(y22, y23, "上年数", "本年数", 1.0),
        )

    fa, _ = _read(_edited(official_workbook(y23, extra=(2022, y22)), edit))
    assert fa.year(2022).by_function == y22.by_function
    assert fa.year(2023).by_function == y23.by_function
    assert fa.year(2023).general_budget_expenditure == 874.05


# --- 2. hidden rows ------------------------------------------------------------------------------
DRAFT = [
    ["合计", "", 860.00, 460.00, 400.00],
    ["206", "科学技术支出", 690.00, 290.00, 400.00],
    ["208", "社会保障和就业支出", 123.00, 123.00, 0],
    ["210", "卫生健康支出", 21.50, 21.50, 0],
    ["221", "住房保障支出", 25.50, 25.50, 0],
]


def test_hidden_draft_rows_are_left_out_and_said(y23):
    def edit(wb):
        ws = _general(wb, DRAFT + [_total(y23)] + _class_rows(y23))
        for r in range(FIRST_BODY, FIRST_BODY + len(DRAFT)):
            ws.row_dimensions[r].hidden = True

    fa, findings = _read(_edited(official_workbook(y23), edit))
    yf = fa.year(2023)
    assert yf.general_budget_expenditure == 874.05
    assert yf.by_function == y23.by_function
    (said,) = [f for f in findings if f.code == "HIDDEN_LEFT_OUT"]
    assert said.severity == "warning"
    assert "公开05表" in said.message and "5 个隐藏行（第7、8、9、10、11行）" in said.message


def test_rows_an_active_filter_hides_stay(y23):
    def edit(wb):
        ws = _general(wb, [_total(y23)] + _class_rows(y23))
        last = FIRST_BODY + len(y23.by_function)
        ws.auto_filter.ref = f"A5:E{last}"
        ws.auto_filter.add_filter_column(1, [n for n in y23.by_function if n != "卫生健康支出"])
        health = FIRST_BODY + 1 + list(y23.by_function).index("卫生健康支出")
        ws.row_dimensions[health].hidden = True

    fa, findings = _read(_edited(official_workbook(y23), edit))
    assert fa.year(2023).by_function == y23.by_function
    assert "HIDDEN_LEFT_OUT" not in _codes(findings)


def test_a_sheet_whose_every_row_is_hidden_is_read_whole(y23):
    def edit(wb):
        ws = wb["公开05表"]
        for r in range(1, ws.max_row + 1):
            ws.row_dimensions[r].hidden = True

    fa, findings = _read(_edited(official_workbook(y23), edit))
    assert fa.year(2023).by_function == y23.by_function
    assert fa.year(2023).general_budget_expenditure == 874.05
    assert "HIDDEN_LEFT_OUT" not in _codes(findings)


# --- 3. codes in brackets ------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["[{code}]{name}", "【{code}】{name}", "［{code}］ {name}"])
def test_function_codes_in_brackets(y23, form):
    def edit(wb):
        rows = _class_rows(y23, label=lambda code, name: [form.format(code=code, name=name), ""])
        _general(wb, [_total(y23)] + rows)

    fa, _ = _read(_edited(official_workbook(y23), edit))
    assert fa.year(2023).by_function == {
        "科学技术支出": 701.17,
        "社会保障和就业支出": 125.26,
        "卫生健康支出": 21.88,
        "住房保障支出": 25.74,
    }


# --- 4. “三公” table: items across, 预算数 and 决算数 rows ------------------------------------------------
def test_three_public_rows_budget_then_spent(y23):
    tp = y23.three_public
    car = round(tp["公务用车购置费"] + tp["公务用车运行维护费"], 2)
    spent = [round(tp["因公出国（境）费"] + car + tp["公务接待费"], 2), tp["因公出国（境）费"], car]
    spent += [tp["公务用车购置费"], tp["公务用车运行维护费"], tp["公务接待费"]]
    rows = [
        ["项目", "合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"],
        ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", ""],
        ["预算数", 9.50, 0, 9.00, 0, 9.00, 0.50],
        ["决算数", *spent],
    ]
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 5), (0, 6, 1, 6)]

    def edit(wb):
        _put(wb, "公开07表", "一般公共预算财政拨款“三公”经费支出决算表", rows, merges)

    fa, _ = _read(_edited(official_workbook(y23), edit))
    assert fa.year(2023).three_public == {
        "因公出国（境）费": 0,
        "公务用车购置费": 0,
        "公务用车运行维护费": 7.41,
        "公务接待费": 0.19,
    }


# --- 5. 项 (and 款) rows without their 类 ----------------------------------------------------------------
XIANG = [
    ("2060101", "行政运行", 296.11),
    ("2060702", "科普活动", 360.22),
    ("2060799", "其他科学技术普及支出", 44.84),
    ("2080501", "行政单位离退休", 60.12),
    ("2080505", "机关事业单位基本养老保险缴费支出", 45.14),
    ("2080506", "机关事业单位职业年金缴费支出", 20.00),
    ("2101101", "行政单位医疗", 21.88),
    ("2210201", "住房公积金", 25.74),
]
KUAN = [
    ("20601", "科学技术管理事务", 296.11),
    ("20607", "科学技术普及", 405.06),
    ("20805", "行政事业单位养老支出", 125.26),
    ("21011", "行政事业单位医疗", 21.88),
    ("22102", "住房改革支出", 25.74),
]
DETAILS = {
    "项 rows only": sorted(XIANG),
    "款 and 项 rows": sorted(XIANG + KUAN),
    "类 | 款 | 项 columns, 项 rows only": sorted(XIANG),
}


@pytest.mark.parametrize("layout", list(DETAILS))
def test_only_detail_rows_are_added_up_into_their_class(y23, layout):
    split = "columns" in layout

    def edit(wb):
        if split:
            head = [
                ["项目", "", "", "", "本年支出", "", ""],
                ["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"],
            ]
            body = [["合计", "", "", "", *_total(y23)[2:]]]
            body += [[c[:3], c[3:5], c[5:], name, v, "", ""] for c, name, v in DETAILS[layout]]
            _put(wb, "公开05表", "一般公共预算财政拨款支出决算表", head + body, [(0, 0, 0, 3), (0, 4, 0, 6)])
        else:
            _general(wb, [_total(y23)] + [[c, name, v, "", ""] for c, name, v in DETAILS[layout]])

    fa, findings = _read(_edited(official_workbook(y23), edit))
    yf = fa.year(2023)
    assert yf.by_function == {
        "科学技术支出": 701.17,
        "社会保障和就业支出": 125.26,
        "卫生健康支出": 21.88,
        "住房保障支出": 25.74,
    }
    assert yf.general_budget_expenditure == 874.05
    (said,) = [f for f in findings if f.code == "FA_CLASS_FROM_DETAIL"]
    assert said.severity == "info" and "科学技术支出701.17万元" in said.message


def test_class_rows_given_are_not_added_up_again(y23):
    def edit(wb):
        rows = []
        for name, v in y23.by_function.items():
            rows.append([FUNCTION_CODES[name], name, v, "", ""])
            rows += [[c, n, x, "", ""] for c, n, x in XIANG if c[:3] == FUNCTION_CODES[name]]
        _general(wb, [_total(y23)] + rows)

    fa, findings = _read(_edited(official_workbook(y23), edit))
    assert fa.year(2023).by_function == y23.by_function
    assert "FA_CLASS_FROM_DETAIL" not in _codes(findings)


# --- 6. a “三公” table with 2022年 | 2023年 columns is not the project's template -----------------------
def _three_public_down_two_years(y22: YearFigures) -> Callable[[Workbook], None]:
    tp = y22.three_public
    total = round(sum(tp.values()), 2)
    was = [total, tp["因公出国（境）费"], tp["公务用车购置及运行维护费"], "", "", tp["公务接待费"]]

    def edit(wb):
        ws = wb["公开07表"]
        header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "预算数")
        ws.cell(header, 2, "2022年决算数")
        ws.cell(header, 3, "2023年决算数")
        for k, x in enumerate(was):
            ws.cell(header + 1 + k, 2, x)

    return edit


def test_three_public_down_with_two_years_keeps_the_other_tables(y22, y23):
    data = _edited(
        official_workbook(y23, style=Style(three_public_down=True)), _three_public_down_two_years(y22)
    )
    fa, findings = _read(data)
    assert fa.years == [2022, 2023]
    expected = asdict(y23) | {"admin_operating": None, "general_budget_initial_budget": None}
    assert asdict(fa.year(2023)) == expected
    assert fa.year(2022).three_public == y22.three_public
    assert "FA_UNKNOWN_ITEM" not in _codes(findings)
    doc = inspect_bytes(data, NAME)
    assert doc["kind"] == "final_accounts"
    assert doc["figures"]["fig1_total_income_expenditure"] == {"2023": 874.05}
    assert doc["figures"]["fig6_general_budget_by_function"]["2023"] == y23.by_function


# --- 7. 公开06 with 合计 | 人员经费 | 公用经费 columns -------------------------------------------------
def test_basic_table_with_personnel_and_public_use_as_columns(y23):
    rows = [
        ["项目", "", "决算数", "", ""],
        ["科目编码", "科目名称", "合计", "人员经费", "公用经费"],
        ["合计", "", 468.99, 417.82, 51.17],
        ["301", "工资福利支出", 357.70, 357.70, ""],
        ["303", "对个人和家庭的补助", 60.12, 60.12, ""],
        ["302", "商品和服务支出", 51.17, "", 51.17],
    ]

    def edit(wb):
        _put(wb, "公开06表", "一般公共预算财政拨款基本支出决算表", rows, [(0, 0, 0, 1), (0, 2, 0, 4)])

    fa, _ = _read(_edited(official_workbook(y23), edit))
    assert (fa.year(2023).personnel, fa.year(2023).public_use) == (417.82, 51.17)


def test_a_unit_stated_over_the_first_table_only_holds_for_the_others(y23):
    """ "金额单位：元" printed over 公开01 and nowhere else: every table is in 元 (the others were read as 万元,
    10,000 times too large, with only a sum-mismatch error to show for it)."""

    def first_only(wb: Workbook) -> None:
        for ws in wb.worksheets[1:]:
            for row in ws.iter_rows():
                for c in row:
                    if c.value == "金额单位：元":
                        c.value = None

    data = _edited(official_workbook(y23, style=Style(unit="元")), first_only)
    doc = inspect_bytes(data, NAME)
    fa = read_dataset(data, NAME).detail.year(2023)
    assert fa.income_current == 874.05 and fa.expenditure == y23.expenditure
    assert fa.general_budget_expenditure == y23.general_budget_expenditure
    assert not any(f["severity"] == "error" for f in doc["findings"])
