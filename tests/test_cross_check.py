"""A file holding the 自评表 and the 汇总表 that lists them again: every project is checked against its
form, and what does not agree is said (the figures stay the forms')."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from word_tables import document_bytes, title_and_table

from jixiao import model as m
from jixiao.cross_check import name_key
from jixiao.read import read_dataset
from tests.conftest import HENAN_XLSX, ROOT, SAMPLE_DATA

FORMS_XLSX = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
FORMS = json.loads(
    (ROOT / "tests" / "data" / "liangshan_2023_selfeval_forms.expected.json").read_text("utf-8")
)
HEADER = ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率", "自评得分"]


def summary_rows(
    *, executed_off: float = 0.0, drop: int | None = None, extra: bool = False, codes: bool = False
):
    """The five forms as a 汇总表: the fourth project's 执行数 moved by ``executed_off``, project ``drop``
    left out, an extra project listed, names with or without their codes."""
    rows = []
    for k, e in enumerate(FORMS):
        if k == drop:
            continue
        name = e["sheet_project"] if codes else e["sheet_project"].split("-", 1)[1]
        executed = e["executed"] + (executed_off if k == 3 else 0.0)
        rows.append(
            [
                len(rows) + 1,
                name,
                e["adjusted_budget"],
                executed,
                executed / e["adjusted_budget"],
                e["reported_total_score"],
            ]
        )
    if extra:
        rows.append([len(rows) + 1, "科技工作者状况调查", 8.0, 8.0, 1.0, 95])
    total_b = sum(r[2] for r in rows)
    total_e = sum(r[3] for r in rows)
    rows.append(["", "合计", total_b, total_e, total_e / total_b, ""])
    return [["2023年度项目支出绩效自评汇总表"], HEADER, *rows]


def workbook(rows, first: bool = True) -> bytes:
    wb = openpyxl.load_workbook(FORMS_XLSX)
    ws = wb.create_sheet("汇总", 0 if first else None)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def found(ds, code: str) -> list[m.Finding]:
    return [f for f in ds.table.findings if f.code == code]


def test_a_summary_that_agrees_with_its_forms_is_said_to_agree():
    ds = read_dataset(workbook(summary_rows()), "自评表.xlsx")
    assert ds.kind == m.KIND_SELFEVAL_FORMS
    assert len(ds.detail.forms) == 5
    (checked,) = found(ds, "SUMMARY_SHEET_CHECKED")
    assert "5 个项目对上，数字一致" in checked.message
    assert not found(ds, "SUMMARY_FORM_MISMATCH") and not found(ds, "SHEET_SKIPPED")
    assert not found(ds, "FORM_NOT_IN_SUMMARY") and not found(ds, "SUMMARY_PROJECT_WITHOUT_FORM")


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("codes", [False, True])
def test_a_summary_that_disagrees_with_a_form_is_an_error_naming_both_numbers(first, codes):
    ds = read_dataset(workbook(summary_rows(executed_off=-0.5, codes=codes), first=first), "自评表.xlsx")
    (wrong,) = found(ds, "SUMMARY_FORM_MISMATCH")
    assert wrong.severity == "error" and wrong.field == m.EXECUTED
    assert "科普宣传活动业务经费" in wrong.where
    assert (
        "11.50 万元" in wrong.message and "12.00 万元" in wrong.message and "相差 0.50 万元" in wrong.message
    )
    # the figures are the forms'
    assert ds.table.projects[m.EXECUTED].sum() == pytest.approx(sum(e["executed"] for e in FORMS))


def test_projects_missing_on_either_side_are_named():
    ds = read_dataset(workbook(summary_rows(drop=0, extra=True)), "自评表.xlsx")
    (no_form,) = found(ds, "SUMMARY_PROJECT_WITHOUT_FORM")
    assert "科技工作者状况调查" in no_form.where
    (unlisted,) = found(ds, "FORM_NOT_IN_SUMMARY")
    assert "州本级单位缴费" in unlisted.where
    (checked,) = found(ds, "SUMMARY_SHEET_CHECKED")
    assert "4 个项目对上" in checked.message and "1 个项目没有自评表" in checked.message
    assert "1 张自评表未列入汇总表" in checked.message


def test_another_units_summary_is_not_checked_project_by_project():
    wb = openpyxl.load_workbook(FORMS_XLSX)
    henan = openpyxl.load_workbook(HENAN_XLSX).active
    ws = wb.create_sheet("汇总")
    for row in henan.iter_rows(values_only=True):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    ds = read_dataset(buf.getvalue(), "自评表.xlsx")
    (checked,) = found(ds, "SUMMARY_SHEET_CHECKED")
    assert "没有一个项目与文件中的 5 张自评表同名" in checked.message
    assert not found(ds, "SUMMARY_PROJECT_WITHOUT_FORM") and not found(ds, "FORM_NOT_IN_SUMMARY")


def test_the_check_works_on_a_word_report_too():
    blocks = []
    for ws in openpyxl.load_workbook(FORMS_XLSX).worksheets:
        titles, grid, merged = title_and_table(ws)
        blocks += [("p", t) for t in titles] + [("table", (grid, merged))]
    rows = summary_rows(executed_off=1.0)
    grid = [
        [f"{x:.2%}" if k == 4 and isinstance(x, float) else str(x) for k, x in enumerate(r)] for r in rows[1:]
    ]
    blocks += [("p", rows[0][0]), ("table", (grid, []))]
    ds = read_dataset(document_bytes(blocks), "自评报告.docx")
    (wrong,) = found(ds, "SUMMARY_FORM_MISMATCH")
    assert "13.00 万元" in wrong.message and "12.00 万元" in wrong.message


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("51340022T000000278908-凉山州级科普专项经费", "凉山州级科普专项经费"),
        ("凉山州级科普专项经费 ", "凉山州级 科普专项经费"),
        ("５１３４００２２T０００-青少年科技活动", "青少年科技活动"),
    ],
)
def test_project_names_match_with_or_without_their_codes(a, b):
    assert name_key(a) == name_key(b)


def test_a_shortened_name_in_the_summary_is_paired_with_its_form_and_said():
    rows = summary_rows(executed_off=-0.5)
    rows[2 + 1][1] = "科普专项经费"  # held in "凉山州级科普专项经费": paired
    ds = read_dataset(workbook(rows), "自评表.xlsx")
    (differs,) = found(ds, "SUMMARY_NAME_DIFFERS")
    assert "科普专项经费" in differs.where and "凉山州级科普专项经费" in differs.message
    assert len(found(ds, "SUMMARY_FORM_MISMATCH")) == 1
    assert not found(ds, "SUMMARY_PROJECT_WITHOUT_FORM") and not found(ds, "FORM_NOT_IN_SUMMARY")


@pytest.mark.parametrize(
    "reworded",
    ["科普宣传活动经费", "科普宣传业务经费", "2023年科普宣传活动业务费", "科普宣传活动（业务）经费"],
)
def test_a_reworded_name_with_the_forms_budget_is_paired_and_its_numbers_checked(reworded):
    rows = summary_rows(executed_off=-0.5)
    rows[2 + 3][1] = reworded  # the form says 科普宣传活动业务经费; neither name holds the other
    ds = read_dataset(workbook(rows), "自评表.xlsx")
    (differs,) = found(ds, "SUMMARY_NAME_DIFFERS")
    assert reworded in differs.where and "科普宣传活动业务经费" in differs.message
    (wrong,) = found(ds, "SUMMARY_FORM_MISMATCH")  # the changed 执行数 is on that row
    assert reworded in wrong.where and wrong.field == m.EXECUTED
    assert not found(ds, "SUMMARY_PROJECT_WITHOUT_FORM") and not found(ds, "FORM_NOT_IN_SUMMARY")


@pytest.mark.parametrize("budget_off", [1.0, -0.5, 100.0])
def test_a_reworded_name_with_other_money_stays_two_projects(budget_off):
    rows = summary_rows()
    rows[2 + 3][1] = "科普宣传活动经费"
    rows[2 + 3][2] += budget_off  # another 预算数: nothing says it is the same project
    ds = read_dataset(workbook(rows), "自评表.xlsx")
    (no_form,) = found(ds, "SUMMARY_PROJECT_WITHOUT_FORM")
    assert "科普宣传活动经费" in no_form.where
    (unlisted,) = found(ds, "FORM_NOT_IN_SUMMARY")
    assert "科普宣传活动业务经费" in unlisted.where
    assert not found(ds, "SUMMARY_FORM_MISMATCH") and not found(ds, "SUMMARY_NAME_DIFFERS")


def test_an_unlike_name_with_the_same_money_is_not_paired():
    rows = summary_rows()
    rows[2 + 3][1] = "科技工作者状况调查"  # the form's 预算数, another project's name
    ds = read_dataset(workbook(rows), "自评表.xlsx")
    assert len(found(ds, "SUMMARY_PROJECT_WITHOUT_FORM")) == 1
    assert len(found(ds, "FORM_NOT_IN_SUMMARY")) == 1
    assert not found(ds, "SUMMARY_NAME_DIFFERS")
