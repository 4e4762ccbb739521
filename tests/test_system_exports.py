"""Tables exported by a system (一体化系统, 绩效管理系统, OA) as an HTML page under an .xls name: the
title, the table number and the 金额单位 printed as lines of the page above the <table> (or in its
<caption>), and rows or columns hidden the way Excel's web export hides them (``display:none``)."""

from __future__ import annotations

import io
from html import escape

import openpyxl
import pytest

from jixiao import model as m
from jixiao.final_accounts.template import read_template
from jixiao.ingest.htmltable import read_html_text
from jixiao.report import inspect_bytes
from tests.conftest import FINAL_XLSX, HENAN_XLSX, assert_henan_figures
from tests.official_tables import Style, official_workbook
from tests.web_archive import sheet_html


def _henan_rows() -> tuple[list, list[list]]:
    ws = openpyxl.load_workbook(HENAN_XLSX).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r[0] == "序号")
    return rows[at], rows[at + 1 :]


def _td(value, attrs: str = "") -> str:
    return f"<td{attrs}>{escape('' if value is None else str(value))}</td>"


def _page(body: str) -> bytes:
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode()


def _henan_in_yuan(above: str) -> bytes:
    """The reference table in 元 as a system prints it: no x:num, the unit only in a line above."""
    header, rows = _henan_rows()
    head = "".join(_td(h.replace("（万元）", "")) for h in header)
    body = "".join(
        "<tr>" + "".join(_td(f"{v * 10000:,.2f}" if k in (2, 3) else v) for k, v in enumerate(r)) + "</tr>"
        for r in rows
    )
    return _page(f"{above}<table border=1><tr>{head}</tr>{body}</table>")


@pytest.mark.parametrize(
    "above",
    [
        "<div>项目单位自评汇总表</div><div>单位：元</div>",
        "<h3>项目单位自评汇总表</h3><p>填报单位：河南省科学技术协会&nbsp;&nbsp;金额单位：元</p>",
    ],
)
def test_the_amount_unit_printed_above_an_html_table_is_read(above):
    doc = inspect_bytes(_henan_in_yuan(above), "汇总表.xls")
    assert_henan_figures(doc)
    assert doc["source"]["amount_unit"] == "元"
    # it was a guess from the size of the amounts, with a warning asking to check it
    assert "AMOUNT_UNIT_ASSUMED" not in {f["code"] for f in doc["findings"]}


def test_the_lines_above_each_table_are_its_own_first_rows():
    page = (
        "<html><head><title>导出</title><style>td{}</style></head><body>"
        "<div>2023年度收入决算表</div><div>公开02表</div><table><tr><td>a</td></tr></table>"
        f"<p>{'很长的说明' * 60}</p><div>金额单位：元</div>"
        "<table><caption>支出决算表</caption><tr><td>b</td></tr></table><div>制表人：张三</div></body></html>"
    )
    (_, first, *_), (_, second, *_) = read_html_text(page)
    assert first == [["2023年度收入决算表"], ["公开02表"], ["a"]]
    # a paragraph of prose is no title; the page's <title> and <style> are no lines of it
    assert second == [["金额单位：元"], ["支出决算表"], ["b"]]


def _public_tables_with_titles_in_divs(unit: str) -> bytes:
    """The seven 公开表, each printed as its title, "公开0X表" and the 部门/金额单位 line above a
    table holding only the header and the figures."""
    wb = openpyxl.load_workbook(io.BytesIO(official_workbook(_figures_2023(), style=Style(unit=unit))))
    parts = []
    for ws in wb.worksheets:
        lead = 0
        for row in ws.iter_rows(values_only=True):
            values = [v for v in row if v not in (None, "")]
            if len(values) > 1 or not values:
                break
            lead += 1
        lines = ["".join(str(v) for v in row if v) for row in ws.iter_rows(max_row=lead, values_only=True)]
        ranges = list(ws.merged_cells.ranges)
        for rng in ranges:
            ws.merged_cells.remove(rng)
        ws.delete_rows(1, lead)
        for rng in ranges:
            if rng.min_row > lead:
                ws.merge_cells(
                    start_row=rng.min_row - lead,
                    start_column=rng.min_col,
                    end_row=rng.max_row - lead,
                    end_column=rng.max_col,
                )
        html = sheet_html(ws, "utf-8")
        table = html[html.index("<table") : html.index("</body>")]
        parts.append("".join(f"<div>{escape(line)}</div>" for line in lines) + table)
    return _page("".join(parts))


def _figures_2023():
    fa, _ = read_template(FINAL_XLSX.read_bytes(), FINAL_XLSX.name)
    return fa.year(2023)


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_public_tables_titled_above_each_html_table_are_the_final_accounts(unit):
    data = _public_tables_with_titles_in_divs(unit)
    doc = inspect_bytes(data, "部门决算公开表.xls")
    # without the titles the page was read as a project table of 4 "projects" and two errors
    assert doc["kind"] == m.KIND_FINAL_ACCOUNTS
    want = inspect_bytes(official_workbook(_figures_2023(), style=Style(unit=unit)), "公开表.xlsx")
    assert doc["figures"] == want["figures"]
    assert doc["figures"]["fig1_total_income_expenditure"] == {"2023": 874.05}


def _henan_html(stale_row: bool = False, stale_col: bool = False) -> bytes:
    header, rows = _henan_rows()
    cols = "".join("<col style='display:none'>" if stale_col and k == 2 else "<col>" for k in range(13))

    def tr(values, stale_value, attrs=""):
        cells = [_td(v) for v in values]
        if stale_col:
            cells.insert(2, _td(stale_value, " style='display:none'"))
        return f"<tr{attrs}>{''.join(cells)}</tr>"

    body = [tr(header, "全年预算数（万元）")]
    for k, r in enumerate(rows):
        if stale_row and k == 5:  # a deleted draft kept as a hidden row, as Excel's web export writes it
            draft = ["", "旧草稿项目", 999.0, 999.0, 1, 1, "/", 1, 1, 1, 100, "否"]
            body.append(tr(draft, 999.0, " style='display:none'"))
        stale = float(r[2]) * 2 if isinstance(r[2], (int, float)) else r[2]
        body.append(tr(r, stale))
    return _page(f"<table border=1><colgroup>{cols}</colgroup>{''.join(body)}</table>")


def test_a_row_hidden_in_an_html_export_is_left_out_and_said():
    doc = inspect_bytes(_henan_html(stale_row=True), "汇总表.xls")
    assert_henan_figures(doc)  # it was counted: 16 projects and two TOTAL_MISMATCH errors
    hidden = [f for f in doc["findings"] if f["code"] == "HIDDEN_LEFT_OUT"]
    assert hidden and "隐藏行" in hidden[0]["message"]


def test_a_stale_budget_column_hidden_in_an_html_export_is_not_read():
    doc = inspect_bytes(_henan_html(stale_col=True), "汇总表.xls")
    assert_henan_figures(doc)
    assert doc["source"]["columns"]["budget"] == "全年预算数(万元)"
    assert any(f["code"] == "HIDDEN_LEFT_OUT" for f in doc["findings"])


def test_hidden_rows_and_columns_are_facts_of_the_html_sheet():
    page = (
        "<table><colgroup><col><col style='display: none'></colgroup>"
        "<tr><td>a</td><td>b</td><td style='display:none'>c</td></tr>"
        "<tr height=0><td>d</td><td>e</td><td style='display:none'>f</td></tr>"
        "<tr style='DISPLAY:NONE'><td>g</td><td>h</td><td>i</td></tr></table>"
    )
    (_, rows, _, _, facts), *_ = read_html_text(page)
    assert rows[0] == ["a", "b", "c"]  # the values are kept: the import page can count them back in
    assert facts["hidden_rows"] == [1, 2]
    assert facts["hidden_cols"] == [1]  # column C has a shown cell (i): not hidden


def test_the_reference_table_as_plain_html_reads_as_before():
    header, rows = _henan_rows()
    body = "".join("<tr>" + "".join(_td(v) for v in r) + "</tr>" for r in [header, *rows])
    doc = inspect_bytes(_page(f"<table><caption>项目单位自评汇总表</caption>{body}</table>"), "表.xls")
    assert_henan_figures(doc)
    assert not any(f["code"].startswith("HIDDEN") for f in doc["findings"])
