"""The amount unit of a 项目支出绩效自评表: said in the budget header, on a line over the form, in a
cell of its own, or not at all (then judged by size, and said)."""

from __future__ import annotations

import pytest
from form_layouts import FormSpec, one_form, workbook_bytes

from jixiao.forms.read import read_forms

YUAN_BUDGET = [1_000_000, 1_000_000, 950_000, "95.00%", 10, 9.5, ""]  # the default form's 100 / 95 万元 in 元


def read_one(spec: FormSpec, **options):
    ds = read_forms(one_form(spec, **options), "forms.xlsx")
    assert len(ds.forms) == 1
    return ds.forms[0]


def codes(form) -> list[str]:
    return [f.code for f in form.findings]


@pytest.mark.parametrize("line", ["单位：元", "金额单位：元", "（单位：元）", "单位: 元"])
@pytest.mark.parametrize("two_row_budget", [False, True])
def test_a_unit_line_over_the_title_is_the_forms_unit(line, two_row_budget):
    form = read_one(FormSpec(money_unit=None, budget=YUAN_BUDGET, above=line), two_row_budget=two_row_budget)
    assert form.amount_unit == "元"
    assert form.adjusted == pytest.approx(100.0)
    assert form.executed == pytest.approx(95.0)
    assert "AMOUNT_UNIT_ASSUMED" not in codes(form)


def test_each_stacked_form_takes_the_unit_line_over_its_own_title():
    yuan = FormSpec(label="51340099T000000000001-甲", money_unit=None, budget=YUAN_BUDGET, above="单位：元")
    wan = FormSpec(label="51340099T000000000002-乙", money_unit=None, above="单位：万元")
    ds = read_forms(workbook_bytes({"自评表": [(yuan, {}), (wan, {}), (yuan, {"col": 3})]}), "f.xlsx")
    assert [f.amount_unit for f in ds.forms] == ["元", "万元", "元"]
    assert [round(f.adjusted, 2) for f in ds.forms] == [100.0, 100.0, 100.0]


@pytest.mark.parametrize(
    ("budget", "unit", "adjusted"),
    [
        (YUAN_BUDGET, "元", 100.0),  # 1,000,000 as 万元 would be 100 亿元
        ([20_000, 12_000, 11_000, "91.67%", 10, 9, ""], "元", 1.2),  # 1.2 万元 in 元
        ([100, 100, 95, "95.00%", 10, 9.5, ""], "万元", 100.0),
        ([9_000, 9_000, 8_000, "88.89%", 10, 8.9, ""], "万元", 9000.0),  # 9,000 万元 is possible
    ],
)
def test_a_form_that_says_no_unit_is_judged_by_size_and_says_so(budget, unit, adjusted):
    form = read_one(FormSpec(money_unit=None, budget=budget))
    assert form.amount_unit == unit
    assert form.adjusted == pytest.approx(adjusted)
    assert (unit == "元") == ("AMOUNT_UNIT_ASSUMED" in codes(form))


def test_a_cell_that_writes_its_own_unit_is_read_in_it():
    budget = ["100万元", "1,000,000", "95万元", "95.00%", 10, 9.5, ""]
    form = read_one(FormSpec(money_unit="元", budget=budget))
    assert form.initial == pytest.approx(100.0)
    assert form.adjusted == pytest.approx(100.0)
    assert form.executed == pytest.approx(95.0)
    assert form.execution_rate == pytest.approx(95.0)


@pytest.mark.parametrize(
    ("unit", "budget"),
    [
        ("万元", [2_000_000, 2_000_000, 1_900_000, "95.00%", 10, 9.5, ""]),  # 200 亿元 for one project
        ("元", [500, 500, 400, "80.00%", 10, 8, ""]),  # 500 元 for one project
    ],
)
def test_a_said_unit_that_makes_the_project_absurd_is_doubted(unit, budget):
    form = read_one(FormSpec(money_unit=unit, budget=budget))
    assert form.amount_unit == unit
    assert "AMOUNT_UNIT_SUSPECT" in codes(form)


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_a_plausible_said_unit_is_not_doubted(unit):
    budget = YUAN_BUDGET if unit == "元" else [100, 100, 95, "95.00%", 10, 9.5, ""]
    form = read_one(FormSpec(money_unit=unit, budget=budget))
    assert form.adjusted == pytest.approx(100.0)
    assert not {"AMOUNT_UNIT_SUSPECT", "AMOUNT_UNIT_ASSUMED"} & set(codes(form))


@pytest.mark.parametrize(
    ("lines", "unit", "whole"),
    [
        # the culture bureau's 元 figures with the unit taken off: 2,345.67 万元 as 元, said
        (None, "元", 2345.67),
        # a whole department of 2 亿元 in 万元 that says no unit: a department may pass 1 亿元
        (
            [
                ["部门整体支出", "20,000.00", "20,000.00", "19,000.00", "95.00%"],
                ["基本支出", "15,000.00", "15,000.00", "15,000.00", "100.00%"],
                ["项目支出", "5,000.00", "5,000.00", "4,000.00", "80.00%"],
            ],
            "万元",
            20000.0,
        ),
    ],
)
def test_a_department_form_that_says_no_unit_is_judged_by_a_departments_size(lines, unit, whole):
    from dataclasses import replace

    from department_forms import culture_spec, department_workbook

    spec = replace(culture_spec(), money_unit=None, **({"budget": lines} if lines else {}))
    ds = read_forms(department_workbook({"部门整体": [(spec, {})]}), "dept.xlsx")
    (form,) = ds.forms
    assert form.is_department
    assert form.amount_unit == unit
    assert form.adjusted == pytest.approx(whole)
    assert ("AMOUNT_UNIT_ASSUMED" in codes(form)) == (unit == "元")
    assert "AMOUNT_UNIT_SUSPECT" not in codes(form)
