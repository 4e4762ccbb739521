"""Every kind of file the reader accepts exports: through the CLI's ``export`` and through
``jixiao.export.bundle``, and the three files open again in python-pptx and openpyxl."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from jixiao import cli
from jixiao import model as m
from jixiao.export.bundle import build_all, export_file
from jixiao.read import Dataset, read_dataset
from jixiao.settings import Settings
from jixiao.summary.analysis import analyze
from tests.form_layouts import one_form
from tests.layouts import Layout, Project, render

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".xls", ".csv"))
PROJECTS = [
    Project("某单位", '=HYPERLINK("http://x","点我")', 100.0, 80.0, 1.0, 0.9, 0.95, 1.0, 91.0, True),
    Project("某单位", "科普活动经费", 50.0, 50.0, 1.0, 1.0, 1.0, 1.0, 100.0, False),
]


def _fixtures(tmp: Path) -> list[Path]:
    """One file of every kind the tests build: a CSV project table, a one-form 自评表 workbook and a
    legacy .xls, besides the samples."""
    data, name = render(PROJECTS, Layout(fmt="csv-gbk"))
    csv = tmp / ("table" + Path(name).suffix)
    csv.write_bytes(data)
    form = tmp / "一张自评表.xlsx"
    form.write_bytes(one_form())
    return [*SAMPLES, csv, form, ROOT / "tests" / "data" / "henan_units_legacy.xls"]


def _opens(pptx: bytes, xlsx: bytes, html: bytes) -> int:
    """The number of slides; every file must open again."""
    prs = Presentation(io.BytesIO(pptx))
    assert load_workbook(io.BytesIO(xlsx)).sheetnames
    assert html.decode("utf-8").startswith("<!DOCTYPE html>")
    return len(prs.slides)


def test_sample_data_holds_every_kind():
    kinds = {read_dataset(p.read_bytes(), p.name).kind for p in SAMPLES}
    assert {m.KIND_PROJECT_TABLE, m.KIND_SELFEVAL_FORMS, m.KIND_FINAL_ACCOUNTS} <= kinds


def test_cli_exports_every_sample_and_fixture(tmp_path, capsys):
    for i, path in enumerate(_fixtures(tmp_path)):
        out = tmp_path / f"out{i}"
        assert cli.main(["export", str(path), "--out", str(out)]) == 0, (path, capsys.readouterr().err)
        doc = json.loads(capsys.readouterr().out)
        files = {k: Path(v).read_bytes() for k, v in doc.items()}
        assert _opens(files["pptx"], files["xlsx"], files["html"]) >= 2, path


def test_bundle_exports_every_kind(tmp_path):
    for path in _fixtures(tmp_path):
        ds = read_dataset(path.read_bytes(), path.name)
        if ds.table is not None:
            files = build_all(analyze(ds.table, Settings()))
        else:
            files = build_all(None, final_accounts=ds.detail)
        assert _opens(files["report.pptx"], files["report.xlsx"], files["report.html"]) >= 2, path


def test_forms_score_slides_show_the_forms_own_components(tmp_path):
    path = ROOT / "sample_data" / "liangshan_2023_selfeval_forms.xlsx"
    ds = read_dataset(path.read_bytes(), path.name)
    prs = Presentation(io.BytesIO(build_all(analyze(ds.table, Settings()))["report.pptx"]))
    names = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart and shape.chart.chart_type is not None:
                names |= {s.name for s in shape.chart.plots[0].series}
    # the forms' 一级指标 (成本 included), each without a scheme weight, and the points lost
    assert {"预算执行率", "产出指标", "效益指标", "满意度指标", "成本指标", "失分"} <= names


def test_final_accounts_alone_export_figures_1_to_7(tmp_path):
    path = ROOT / "sample_data" / "liangshan_2023_final_accounts.xlsx"
    written = export_file(path, tmp_path)
    prs = Presentation(written["pptx"])
    charts = sum(1 for s in prs.slides for sh in s.shapes if sh.has_chart)
    assert charts >= 7
    html = Path(written["html"]).read_text("utf-8")
    assert "图1" in html and "图7" in html
    # the workbook is the figures in the template's layout: it reads back as the same figures
    again = read_dataset(Path(written["xlsx"]).read_bytes(), "report.xlsx")
    assert again.kind == m.KIND_FINAL_ACCOUNTS
    assert again.detail.years == read_dataset(path.read_bytes(), path.name).detail.years


def test_any_kind_with_a_project_table_exports(tmp_path, monkeypatch, henan_table):
    """A kind this module has never heard of (部门整体 forms, say) exports through its project table."""
    import jixiao.read

    monkeypatch.setattr(
        jixiao.read, "read_dataset", lambda data, name: Dataset("department_form", henan_table)
    )
    written = export_file(ROOT / "sample_data" / "henan_2023_summary.xlsx", tmp_path)
    assert load_workbook(written["xlsx"]).sheetnames[0] == "项目明细"


def test_nothing_to_export_is_a_chinese_message(tmp_path, monkeypatch):
    import jixiao.read

    monkeypatch.setattr(jixiao.read, "read_dataset", lambda data, name: Dataset("other", None))
    with pytest.raises(m.IngestError, match="没有可以导出"):
        export_file(ROOT / "sample_data" / "henan_2023_summary.xlsx", tmp_path)
