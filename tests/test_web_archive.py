"""A web archive (.mht, Excel's "单个文件网页") under an .xls name, as some systems export: read for its
tables like the workbook it was saved from — it was refused."""

from __future__ import annotations

import json

import openpyxl
import pytest

from jixiao import model as m
from jixiao.ingest.workbook import load_sheets, sniff_kind
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from tests.conftest import HENAN_XLSX, ROOT, SAMPLE_DATA, assert_henan_figures
from tests.web_archive import workbook_as_mht

FORMS_XLSX = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
FORMS = json.loads(
    (ROOT / "tests" / "data" / "liangshan_2023_selfeval_forms.expected.json").read_text("utf-8")
)
ENCODINGS = [("utf-8", "quoted-printable"), ("gb2312", "base64"), ("gb2312", "quoted-printable")]


def codes(doc) -> list[tuple[str, str]]:
    return sorted((f["code"], f["severity"]) for f in doc["findings"])


@pytest.mark.parametrize(("charset", "transfer"), ENCODINGS)
def test_the_henan_table_as_a_web_archive_gives_the_reference_figures(charset, transfer):
    data = workbook_as_mht(openpyxl.load_workbook(HENAN_XLSX), charset=charset, transfer=transfer)
    assert sniff_kind(data, "河南汇总表.xls") == "mhtml"
    doc = inspect_bytes(data, "河南汇总表.xls")
    assert doc["kind"] == m.KIND_PROJECT_TABLE
    assert_henan_figures(doc)
    assert codes(doc) == codes(inspect_bytes(HENAN_XLSX.read_bytes(), HENAN_XLSX.name))


@pytest.mark.parametrize(("charset", "transfer"), ENCODINGS)
def test_a_workbook_of_forms_keeps_its_sheet_names_and_not_the_tab_strip(charset, transfer):
    wb = openpyxl.load_workbook(FORMS_XLSX)
    data = workbook_as_mht(wb, charset=charset, transfer=transfer)
    sheets = load_sheets(data, "凉山自评表.xls")
    assert [s.name for s in sheets] == wb.sheetnames  # the tab strip's table is not a sheet
    ds = read_dataset(data, "凉山自评表.mht")
    assert ds.kind == m.KIND_SELFEVAL_FORMS
    assert [f.project_label for f in ds.detail.forms] == [e["sheet_project"] for e in FORMS]
    for form, e in zip(ds.detail.forms, FORMS, strict=True):
        assert form.adjusted == pytest.approx(e["adjusted_budget"])
        assert form.reported_total == pytest.approx(e["reported_total_score"])
        assert len(form.indicators) == e["indicators"]


def test_a_web_archive_without_a_table_says_so():
    data = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>\xe6\x97\xa0</p></body></html>\r\n--b--\r\n"
    )
    with pytest.raises(m.IngestError) as err:
        load_sheets(data, "导出.xls")
    assert "网页存档" in err.value.message and "没有表格" in err.value.message


def test_a_web_archive_uploads_on_the_import_page():
    from tests.test_pages import go, metrics, new_app, text, upload

    at = upload(
        new_app(), "河南汇总表.mht", workbook_as_mht(openpyxl.load_workbook(HENAN_XLSX)), "message/rfc822"
    )
    assert "15" in text(at)
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


def test_a_web_archive_of_thousands_of_pages_stops_at_the_sheet_cap():
    from jixiao.ingest.caps import MAX_SHEETS

    page = "Content-Type: text/html\r\n\r\n<table><tr><td>项目</td><td>1</td></tr></table>\r\n"
    body = "".join(f"--b\r\n{page}" for _ in range(3000))
    data = (
        f'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n{body}--b--\r\n'.encode()
    )
    sheets = load_sheets(data, "导出.xls")
    assert len(sheets) == MAX_SHEETS
    assert any("只读取了前" in n for n in sheets[0].notes)


def test_parts_nested_thousands_deep_are_a_message():
    n = 5000
    text = 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b0"\r\n\r\n'
    text += "".join(
        f'--b{i}\r\nContent-Type: multipart/related; boundary="b{i + 1}"\r\n\r\n' for i in range(n)
    )
    text += f"--b{n}\r\nContent-Type: text/html\r\n\r\n<table><tr><td>a</td></tr></table>\r\n"
    with pytest.raises(m.IngestError) as err:
        load_sheets(text.encode(), "导出.xls")
    assert "网页存档" in err.value.message and "结构异常" in err.value.message
