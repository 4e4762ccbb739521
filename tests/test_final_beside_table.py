"""A 部门决算 report with its 项目绩效自评汇总表 annexed (many units publish the summary of their projects'
self-evaluation in the 决算公开 report): the projects are the dataset and the 决算 figures are read
beside them. Before, the workbook was read as 决算 figures alone and its 15 projects vanished without
a word."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from jixiao.read import FINAL_BESIDE, read_dataset
from jixiao.report import inspect_bytes
from tests.conftest import HENAN_XLSX, assert_henan_figures
from tests.official_tables import official_workbook, one_sheet
from tests.test_final_beside_forms import combined
from tests.test_pages import go, metrics, new_app, text, upload
from tests.word_tables import workbook_as_document

ROOT = Path(__file__).resolve().parent.parent
FINAL = ROOT / "sample_data" / "liangshan_2023_final_accounts.xlsx"
NAME = "某省科协2023年度部门决算.xlsx"


def _layouts(yf) -> dict[str, bytes]:
    summary = HENAN_XLSX.read_bytes()
    return {
        "决算在前": combined(official_workbook(yf), summary),
        "汇总表在前": combined(summary, official_workbook(yf)),
        "公开表在一个工作表": combined(one_sheet(official_workbook(yf)), summary),
        "决算模板": combined(FINAL.read_bytes(), summary),
    }


@pytest.mark.parametrize("layout", ["决算在前", "汇总表在前", "公开表在一个工作表", "决算模板"])
def test_the_summary_is_the_dataset_and_the_figures_are_read_beside_it(year_2023, layout):
    data = _layouts(year_2023)[layout]
    ds = read_dataset(data, NAME)
    assert ds.kind == "project_table"
    assert ds.final_accounts is not None and 2023 in ds.final_accounts.years
    assert ds.final_accounts.year(2023).income_current == year_2023.income_current == 874.05
    beside = [f for f in ds.table.findings if f.code == FINAL_BESIDE]
    assert len(beside) == 1 and beside[0].severity == "info"
    assert "2023年" in beside[0].message and "决算图表" in beside[0].message
    assert "项目单位自评汇总表" in beside[0].message  # where the projects were read from
    doc = inspect_bytes(data, NAME)
    assert_henan_figures(doc)
    assert doc["kind"] == "project_table"
    assert doc["final_accounts"]["charts"]["fig3"]["total"] == year_2023.expenditure_current


def test_a_word_report_with_both(year_2023, tmp_path):
    path = tmp_path / "both.xlsx"
    path.write_bytes(combined(official_workbook(year_2023), HENAN_XLSX.read_bytes()))
    data = workbook_as_document(path)
    ds = read_dataset(data, NAME.replace(".xlsx", ".docx"))
    assert ds.kind == "project_table" and len(ds.table.projects) == 15
    assert ds.final_accounts.year(2023).income_current == 874.05
    assert [f.code for f in ds.table.findings].count(FINAL_BESIDE) == 1
    assert_henan_figures(inspect_bytes(data, NAME.replace(".xlsx", ".docx")))


def _plain_list() -> bytes:
    """A 项目支出 list of 决算 numbers (预算数 / 支出数, no score, no 绩效 in its title)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出明细"
    ws.append(["项目支出明细表"])
    ws.append(["项目名称", "预算数", "支出数"])
    ws.append(["科普活动经费", 120.5, 118.2])
    ws.append(["学会能力提升", 80, 79.5])
    ws.append(["信息化运维", 35.2, 30])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_list_of_projects_that_is_not_a_performance_table_leaves_the_figures_alone(year_2023):
    ds = read_dataset(combined(official_workbook(year_2023), _plain_list()), NAME)
    assert ds.kind == "final_accounts" and ds.table is None
    assert ds.detail.year(2023).income_current == 874.05


def test_the_same_list_titled_as_a_self_evaluation_is_read(year_2023):
    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评情况"
    ws.append(["2023年度项目支出绩效自评情况表"])
    ws.append(["项目名称", "预算数", "执行数", "执行率"])
    ws.append(["科普活动经费", 120.5, 118.2, "98.09%"])
    ws.append(["学会能力提升", 80, 79.5, "99.38%"])
    buf = io.BytesIO()
    wb.save(buf)
    ds = read_dataset(combined(official_workbook(year_2023), buf.getvalue()), NAME)
    assert ds.kind == "project_table" and ds.table.projects["budget"].tolist() == [120.5, 80.0]
    assert ds.final_accounts.year(2023).income_current == 874.05


def test_final_accounts_alone_are_still_their_own_kind(year_2023):
    ds = read_dataset(official_workbook(year_2023), NAME)
    assert ds.kind == "final_accounts" and ds.table is None and ds.final_accounts is None


def test_one_upload_fills_both_pages(year_2023):
    at = upload(new_app(), NAME, combined(official_workbook(year_2023), HENAN_XLSX.read_bytes()))
    assert "部门决算公开表也已读取" in text(at)
    assert "final_accounts" in [link.proto.page for link in at.main.get("page_link")]
    go(at, "overview")
    assert metrics(at)["项目数"].startswith("15")
    go(at, "final")
    assert "还没有决算数据" not in text(at)
    assert any("年度：2023" in t.value for t in at.main.text)


def test_the_cli_export_writes_both_reports(year_2023, tmp_path):
    from jixiao.export.bundle import export_file

    path = tmp_path / NAME
    path.write_bytes(combined(official_workbook(year_2023), HENAN_XLSX.read_bytes()))
    written = export_file(path, tmp_path / "out")
    assert {"docx", "final_docx"} <= set(written)
    final = "\n".join(p.text for p in docx.Document(written["final_docx"]).paragraphs)
    assert "2023年度部门决算说明" in final and "874.05万元" in final
    report = "\n".join(p.text for p in docx.Document(written["docx"]).paragraphs)
    assert "7,863.66" in report
