"""A 部门决算 report with its 自评表 annexed (seed 004 is one): the forms are the dataset, and the 公开表
beside them are read too — not dismissed as "no form here", not taken for 汇总表 of other projects."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook, load_workbook

from jixiao.read import FINAL_BESIDE, read_dataset
from jixiao.report import inspect_bytes
from tests.official_tables import Style, official_workbook, one_sheet
from tests.test_pages import go, metrics, new_app, text, upload
from tests.word_tables import workbook_as_document

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "sample_data" / "liangshan_2023_selfeval_forms.xlsx"
FINAL = ROOT / "sample_data" / "liangshan_2023_final_accounts.xlsx"
NAME = "凉山州科协2023年度部门决算.xlsx"


def combined(*parts: bytes) -> bytes:
    """The sheets of several workbooks, in order, in one workbook (values and merged ranges)."""
    out = Workbook()
    out.remove(out.active)
    for data in parts:
        for ws in load_workbook(io.BytesIO(data)).worksheets:
            new = out.create_sheet(ws.title[:31])
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        new.cell(c.row, c.column, c.value)
            for rng in ws.merged_cells.ranges:
                new.merge_cells(str(rng))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def _layouts(yf) -> dict[str, bytes]:
    forms = FORMS.read_bytes()
    return {
        "决算在前": combined(official_workbook(yf), forms),
        "自评表在前": combined(forms, official_workbook(yf)),
        "公开表在一个工作表": combined(one_sheet(official_workbook(yf)), forms),
        "元": combined(official_workbook(yf, style=Style(unit="元")), forms),
        "只有三张公开表": combined(official_workbook(yf, order=[0, 2, 6]), forms),
    }


LAYOUTS = ["决算在前", "自评表在前", "公开表在一个工作表", "元", "只有三张公开表"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_forms_are_the_dataset_and_the_final_accounts_are_read_beside_them(year_2023, layout):
    data = _layouts(year_2023)[layout]
    ds = read_dataset(data, NAME)
    assert ds.kind == "selfeval_forms"
    assert len(ds.detail.forms) == 5
    assert round(float(ds.table.projects["budget"].sum()), 2) == 293.59
    fa = ds.final_accounts
    assert fa is not None and fa.years == [2023]
    assert fa.year(2023).income_current == year_2023.income_current == 874.05
    assert fa.year(2023).expenditure == year_2023.expenditure  # 公开03 is read in every layout
    codes = [f.code for f in ds.table.findings]
    assert codes.count(FINAL_BESIDE) == 1
    # the 公开表 are neither "sheets without a form" nor 汇总表 of other projects
    public = [f for f in ds.table.findings if "公开0" in f.where and f.code != FINAL_BESIDE]
    assert public == []
    assert "SUMMARY_SHEET_CHECKED" not in codes
    beside = next(f for f in ds.table.findings if f.code == FINAL_BESIDE)
    assert beside.severity == "info" and "2023年" in beside.message and "决算图表" in beside.message


def test_a_word_report_with_both(year_2023, tmp_path):
    path = tmp_path / "both.xlsx"
    path.write_bytes(combined(official_workbook(year_2023), FORMS.read_bytes()))
    ds = read_dataset(workbook_as_document(path), NAME.replace(".xlsx", ".docx"))
    assert ds.kind == "selfeval_forms" and len(ds.detail.forms) == 5
    assert ds.final_accounts.year(2023).income_current == 874.05
    assert [f.code for f in ds.table.findings].count(FINAL_BESIDE) == 1


def test_public_tables_without_a_year_are_named_and_the_forms_still_read(year_2023):
    data = combined(official_workbook(year_2023, style=Style(title_in_rows=False)), FORMS.read_bytes())
    ds = read_dataset(data, "决算与自评表.xlsx")  # no year in titles, sheet names or file name
    assert ds.kind == "selfeval_forms" and len(ds.detail.forms) == 5
    assert ds.final_accounts is None
    beside = [f for f in ds.table.findings if f.code == FINAL_BESIDE]
    assert len(beside) == 1 and beside[0].severity == "warning"
    assert "未能读取" in beside[0].message and "年度" in beside[0].message


def test_forms_alone_say_nothing_of_final_accounts():
    ds = read_dataset(FORMS.read_bytes(), FORMS.name)
    assert ds.final_accounts is None
    assert FINAL_BESIDE not in [f.code for f in ds.table.findings]
    assert "final_accounts" not in inspect_bytes(FORMS.read_bytes(), FORMS.name)


def test_the_cli_document_carries_both(year_2023):
    doc = inspect_bytes(combined(official_workbook(year_2023), FORMS.read_bytes()), NAME)
    assert doc["kind"] == "selfeval_forms" and len(doc["forms"]) == 5
    final = doc["final_accounts"]
    assert final["year"] == 2023
    assert final["charts"]["fig3"]["total"] == year_2023.expenditure_current


def test_one_upload_fills_both_pages(year_2023):
    at = upload(new_app(), NAME, combined(official_workbook(year_2023), FORMS.read_bytes()))
    body = text(at)
    assert "部门决算公开表也已读取" in body
    assert "final_accounts" in [link.proto.page for link in at.main.get("page_link")]
    go(at, "overview")
    assert metrics(at)["项目数"].startswith("5")
    go(at, "final")
    assert "单位：凉山州科学技术协会　年度：2023" in [t.value for t in at.main.text]
    assert "还没有决算数据" not in text(at)


def test_the_cli_export_writes_both_reports(year_2023, tmp_path):
    from jixiao.export.bundle import export_file

    path = tmp_path / NAME
    path.write_bytes(combined(official_workbook(year_2023), FORMS.read_bytes()))
    written = export_file(path, tmp_path / "out")
    assert set(written) == {
        "pptx",
        "xlsx",
        "html",
        "docx",
        "final_docx",
    }  # the forms' reports and the 决算说明
    text = "\n".join(p.text for p in docx.Document(written["final_docx"]).paragraphs)
    assert "凉山州科学技术协会2023年度部门决算说明" in text and "874.05万元" in text
    assert "图1：收、支决算总计变动情况" in Path(written["html"]).read_text("utf-8")


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_report_with_the_public_tables_a_summary_and_the_forms(year_2023, tmp_path, fmt):
    """All three in one file, as a full 决算 report with its 绩效自评 annexes: the forms are the dataset, the
    汇总表 is checked against them and the 公开表 are read."""
    from tests.test_cross_check import summary_rows

    wb = Workbook()
    wb.active.title = "汇总"
    for row in summary_rows(executed_off=-0.5):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    data = combined(official_workbook(year_2023), buf.getvalue(), FORMS.read_bytes())
    if fmt == "docx":
        path = tmp_path / "all.xlsx"
        path.write_bytes(data)
        data = workbook_as_document(path)
    ds = read_dataset(data, f"凉山州科协2023年度部门决算.{fmt}")
    assert ds.kind == "selfeval_forms" and len(ds.detail.forms) == 5
    assert ds.final_accounts.year(2023).income_current == 874.05
    codes = [f.code for f in ds.table.findings]
    assert codes.count(FINAL_BESIDE) == 1 and codes.count("SUMMARY_SHEET_CHECKED") == 1
    (wrong,) = [f for f in ds.table.findings if f.code == "SUMMARY_FORM_MISMATCH"]
    assert "科普宣传活动业务经费" in wrong.where
