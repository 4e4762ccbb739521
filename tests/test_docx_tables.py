"""Tables in a Word document (.docx): a 自评报告 with the 汇总表 or the 自评表 pasted in reads as the
workbook would — the same figures and findings."""

from __future__ import annotations

import io
import json

import docx
import pytest
from word_tables import PROSE, document_bytes, workbook_as_document

from jixiao import model as m
from jixiao.ingest.workbook import load_sheets
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from tests.conftest import HENAN_XLSX, ROOT, SAMPLE_DATA, assert_henan_figures

FORMS_XLSX = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
FORMS = json.loads(
    (ROOT / "tests" / "data" / "liangshan_2023_selfeval_forms.expected.json").read_text("utf-8")
)


def codes(doc) -> list[tuple[str, str]]:
    return sorted((f["code"], f["severity"]) for f in doc["findings"])


@pytest.mark.parametrize("split_at", [None, 6, 12])
def test_the_henan_table_in_word_gives_the_reference_figures(split_at):
    doc = inspect_bytes(workbook_as_document(HENAN_XLSX, split_at=split_at), "河南自评报告.docx")
    assert doc["kind"] == m.KIND_PROJECT_TABLE
    assert_henan_figures(doc)
    # the findings the workbook gives (合计 row, 99.81% printed 100%, 80.34 without %)
    assert codes(doc) == codes(inspect_bytes(HENAN_XLSX.read_bytes(), HENAN_XLSX.name))


def test_a_unit_line_over_the_word_table_is_read():
    grid = [
        ["序号", "单位", "项目名称", "全年预算数", "全年执行数", "预算执行率"],
        ["1", "科协本级", "学术年会", "1,200,000.00", "1,080,000.00", "90.00%"],
        ["2", "", "科普宣传", "800,000.00", "800,000.00", "100.00%"],
        ["3", "科技馆", "展品更新", "500,000.00", "250,000.00", "50.00%"],
        ["", "", "合计", "2,500,000.00", "2,130,000.00", "85.20%"],
    ]
    merged = [(1, 1, 2, 1)]  # 科协本级 merged down its two projects (vMerge)
    data = document_bytes(
        [("p", PROSE), ("p", "2023年度项目单位自评汇总表"), ("p", "单位：元"), ("table", (grid, merged))]
    )
    doc = inspect_bytes(data, "report.docx")
    assert doc["source"]["amount_unit"] == "元"
    assert doc["totals"] == {"budget": 250.0, "executed": 213.0, "execution_rate": 85.2}
    assert [(u["unit"], u["projects"], u["budget"]) for u in doc["units"]] == [
        ("科协本级", 2, 200.0),
        ("科技馆", 1, 50.0),
    ]
    assert not [f for f in doc["findings"] if f["code"] == "TOTAL_MISMATCH"]


def test_merged_cells_in_word_become_merged_ranges():
    grid = [["项目", "预算执行情况", "", ""], ["", "预算数", "执行数", "执行率"], ["甲", "10", "9", "90%"]]
    data = document_bytes([("p", "标题"), ("table", (grid, [(0, 1, 0, 3), (0, 0, 1, 0)]))])
    (sheet,) = load_sheets(data, "a.docx")
    assert sheet.name == "Word 表格"
    assert sheet.rows[0][0] == "标题"  # the paragraph over the table
    assert sheet.rows[1][:2] == ["项目", "预算执行情况"] and sheet.rows[1][2:] == ["", ""]
    assert sorted(sheet.merged) == [(1, 0, 2, 0), (1, 1, 1, 3)]


def test_the_forms_in_word_give_the_reference_figures():
    ds = read_dataset(workbook_as_document(FORMS_XLSX), "凉山自评表.docx")
    assert ds.kind == m.KIND_SELFEVAL_FORMS
    forms = ds.detail.forms
    assert [f.project_label for f in forms] == [e["sheet_project"] for e in FORMS]
    for form, e in zip(forms, FORMS, strict=True):
        assert form.adjusted == pytest.approx(e["adjusted_budget"])
        assert form.executed == pytest.approx(e["executed"])
        assert form.reported_total == pytest.approx(e["reported_total_score"])
        assert form.parts_total == pytest.approx(e["sum_of_part_scores"])
        assert len(form.indicators) == e["indicators"]


def test_a_form_split_across_two_word_tables_is_one_form():
    ds = read_dataset(workbook_as_document(FORMS_XLSX, split_at=12), "凉山自评表.docx")
    first = ds.detail.forms[0]
    assert len(ds.detail.forms) == len(FORMS)
    assert len(first.indicators) == FORMS[0]["indicators"]
    assert first.reported_total == pytest.approx(FORMS[0]["reported_total_score"])


def _word(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, x in enumerate(row):
                t.cell(r, c).text = x
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_a_word_document_without_tables_says_so():
    with pytest.raises(m.IngestError, match="Word 文档里没有表格"):
        load_sheets(_word(["2023年度项目支出绩效自评报告", PROSE]), "报告.docx")


def test_a_word_table_that_is_no_table_of_ours_says_what_is_missing():
    data = _word(["会议签到表"], [["姓名", "单位", "签到"], ["张三", "科协", "✓"]])
    with pytest.raises(m.IngestError) as err:
        read_dataset(data, "签到.docx")
    assert "没有找到可识别的表头" in str(err.value)


def test_a_legacy_word_document_is_named():
    # an OLE compound file holding a WordDocument stream, as Word 97–2003 saves .doc
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 600
    )
    with pytest.raises(m.IngestError, match=r"旧版 Word 文档（\.doc）"):
        load_sheets(data, "报告.doc")


def test_a_word_report_uploads_on_the_import_page():
    from tests.test_pages import go, metrics, new_app, text, upload

    at = new_app()
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    upload(at, "河南自评报告.docx", workbook_as_document(HENAN_XLSX), mime=mime)
    assert "Word 表格" in text(at)  # the sheet it was read from
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


def test_a_word_zip_bomb_is_refused_before_inflating():
    from hostile_corpus import docx_bomb

    with pytest.raises(m.IngestError, match="Word 文件解压后.*压缩炸弹"):
        load_sheets(docx_bomb(), "报告.docx")
    with pytest.raises(m.IngestError, match="Word 文件已损坏"):
        load_sheets(docx_bomb(lie=True), "报告.docx")  # sizes that lie: the worker's limits stop it


@pytest.mark.parametrize("numbering", ["（{}）", "{}、", "{}."])
def test_one_word_table_per_unit_under_its_heading_reads_as_one_table_of_units(numbering):
    header = ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率", "自评得分"]
    units = {
        "科协本级": [("学术年会", 120, 108), ("科普宣传", 80, 80)],
        "科技馆": [("展品更新", 50, 25)],
        "科工中心": [("平台维护", 30, 29.5), ("调研", 10, 10)],
    }
    blocks = [("p", PROSE), ("p", "2023年度项目单位自评汇总表")]
    for k, (unit, projects) in enumerate(units.items()):
        mark = "一二三"[k] if numbering != "{}." else str(k + 1)
        blocks.append(("p", numbering.format(mark) + unit))
        rows = [
            [str(i + 1), n, f"{b:.2f}", f"{e:.2f}", f"{e / b:.2%}", "95"]
            for i, (n, b, e) in enumerate(projects)
        ]
        blocks.append(("table", ([header, *rows], [])))
    doc = inspect_bytes(document_bytes(blocks), "报告.docx")
    assert doc["projects"] == 5
    assert doc["totals"] == {"budget": 290.0, "executed": 252.5, "execution_rate": 87.07}
    assert [(u["unit"], u["projects"], u["budget"], u["executed"]) for u in doc["units"]] == [
        ("科协本级", 2, 200.0, 188.0),
        ("科技馆", 1, 50.0, 25.0),
        ("科工中心", 2, 40.0, 39.5),
    ]


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_the_final_accounts_tables_in_a_word_report_give_every_figure(unit):
    """部门决算公开 is published as a Word document: the 公开01–07表 in it read as the workbook's."""
    from dataclasses import asdict

    import openpyxl
    from word_tables import title_and_table

    from jixiao.final_accounts.template import read_template
    from tests.official_tables import Style, official_workbook

    sample = SAMPLE_DATA / "liangshan_2023_final_accounts.xlsx"
    year = read_template(sample.read_bytes(), sample.name)[0].year(2023)
    wb = openpyxl.load_workbook(io.BytesIO(official_workbook(year, style=Style(unit=unit))))
    blocks = [("p", "第二部分 2023年度部门决算表")]
    for ws in wb.worksheets:
        titles, grid, merged = title_and_table(ws)
        blocks += [("p", t) for t in titles] + [("table", (grid, merged)), ("break", None)]
    fa, findings = read_template(document_bytes(blocks), "凉山州科协2023年度部门决算.docx")
    want = asdict(year)
    want["admin_operating"] = want["general_budget_initial_budget"] = None  # not in 公开01–07
    assert fa.years == [2023]
    assert asdict(fa.year(2023)) == want
    assert "FA_OFFICIAL_TABLES" in [f.code for f in findings]


def test_cells_and_rows_inside_content_controls_keep_their_places():
    """Government templates wrap fill-in cells (and whole rows) in content controls (w:sdt)."""
    from docx.oxml import OxmlElement

    grid = [
        ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）"],
        ["1", "学术年会", "120", "108"],
        ["2", "科普宣传", "80", "80"],
    ]
    document = docx.Document()
    document.add_paragraph("2023年度项目单位自评汇总表")
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate(grid):
        for c, x in enumerate(row):
            table.cell(r, c).text = x

    def wrap(el):
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        el.addprevious(sdt)
        content.append(el)
        sdt.append(content)

    wrap(table.rows[1]._tr.tc_lst[2])  # one cell of a row
    wrap(table.rows[2]._tr)  # a whole row
    buf = io.BytesIO()
    document.save(buf)
    (sheet,) = load_sheets(buf.getvalue(), "a.docx")
    assert sheet.rows[1:] == grid
    doc = inspect_bytes(buf.getvalue(), "a.docx")
    assert doc["totals"]["budget"] == 200.0 and doc["totals"]["executed"] == 188.0


def test_tables_without_a_heading_are_named_by_their_place():
    grid = [["项目", "预算数"], ["甲", "10"]]
    one = load_sheets(document_bytes([("p", PROSE), ("table", (grid, []))]), "a.docx")
    two = load_sheets(document_bytes([("table", (grid, [])), ("p", PROSE), ("table", (grid, []))]), "b.docx")
    assert [s.name for s in one] == ["Word 表格"]
    assert [s.name for s in two] == ["第1个表格", "第2个表格"]
