"""Word reports as offices save them, each read wrong or refused before: the table inside a frame table
or a text box, text moved away under tracked changes or formatted hidden, a text box's second copy,
"续表" between the two parts of a split table, a heading then "单位：元" over each unit's table, a
name typed over two paragraphs of its cell, a macro-enabled .docm. Built from the reference 汇总表."""

from __future__ import annotations

import copy
import io
import zipfile

import docx
import openpyxl
import pytest
from lxml import etree

from jixiao.ingest.workbook import read_docx_text
from jixiao.report import inspect_bytes
from tests.conftest import HENAN_XLSX, assert_henan_figures
from tests.word_tables import PROSE, document_bytes, title_and_table, workbook_as_document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = (
    f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _xml(fragment: str):
    head, _, rest = fragment.partition(">")
    return etree.fromstring(f"{head.rstrip('/')} {NS}" + ("/>" if head.endswith("/") else ">") + rest)


def _henan_doc() -> docx.Document:
    return docx.Document(io.BytesIO(workbook_as_document(HENAN_XLSX)))


def _bytes(document: docx.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _cell(document: docx.Document, text: str):
    """The w:tc of the table's cell holding ``text``."""
    for tc in document.element.body.iter(W + "tc"):
        if "".join(t.text or "" for t in tc.iter(W + "t")) == text:
            return tc
    raise LookupError(text)


def _runs(tc, *runs: str) -> None:
    """The cell's text as the given runs (XML fragments), in one paragraph."""
    p = tc.find(W + "p")
    for r in p.findall(W + "r"):
        p.remove(r)
    for run in runs:
        p.append(_xml(run))


def test_a_table_inside_a_frame_table():
    document = _henan_doc()
    body = document.element.body
    table = body.find(W + "tbl")
    frame = document.add_table(rows=1, cols=1)._tbl
    tc = frame.find(f"{W}tr/{W}tc")
    table.addprevious(frame)
    tc.append(table)  # the real table now sits in the frame's one cell
    tc.append(_xml("<w:p/>"))  # a cell ends with a paragraph
    assert_henan_figures(inspect_bytes(_bytes(document), "自评报告.docx"))  # before: "没有找到可识别的表头"


def test_a_table_inside_a_text_box_read_once():
    document = _henan_doc()
    body = document.element.body
    table = body.find(W + "tbl")
    box = _xml(
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing/></mc:Choice>'
        "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    # Word writes the box twice: its content in the drawing (Choice) and again in the VML copy (Fallback)
    choice = box.find(f".//{{http://schemas.openxmlformats.org/markup-compatibility/2006}}Choice/{W}drawing")
    content = etree.SubElement(choice, W + "txbxContent")
    content.append(copy.deepcopy(table))
    content.append(_xml("<w:p/>"))
    box.find(f".//{W}txbxContent").append(copy.deepcopy(table))
    table.addprevious(box)
    body.remove(table)
    doc = inspect_bytes(_bytes(document), "自评报告.docx")
    assert_henan_figures(doc)  # before: "Word 文档里没有表格"; the second copy is not a second table


@pytest.mark.parametrize("how", ["moved", "hidden"])
def test_text_not_on_the_page_is_not_read(how):
    """会议-科协事业's budget 55 with a "1" in front that was moved away (tracked) or is formatted hidden."""
    document = _henan_doc()
    tc = _cell(document, "55")
    gone = (
        '<w:moveFrom w:id="7" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>1</w:t></w:r></w:moveFrom>'
        if how == "moved"
        else "<w:r><w:rPr><w:vanish/></w:rPr><w:t>1</w:t></w:r>"
    )
    _runs(tc, gone, "<w:r><w:t>55</w:t></w:r>")
    assert_henan_figures(inspect_bytes(_bytes(document), "自评报告.docx"))  # before: 155, the total 7963.66


def test_a_hidden_draft_row_is_not_a_project():
    document = _henan_doc()
    table = document.element.body.find(W + "tbl")
    draft = copy.deepcopy(table.findall(W + "tr")[3])
    for t in draft.iter(W + "t"):
        t.text = {"会议-科协机关": "旧草稿项目", "20": "680", "3": ""}.get(t.text, t.text)
    for r in draft.iter(W + "r"):
        r.insert(0, _xml("<w:rPr><w:vanish/></w:rPr>"))
    table.findall(W + "tr")[3].addnext(draft)
    doc = inspect_bytes(_bytes(document), "自评报告.docx")
    assert_henan_figures(doc)
    assert "旧草稿项目" not in [r["project"] for r in doc["rows"]]


def test_the_checker_reads_hidden_and_moved_text_as_the_page_shows_it():
    document = docx.Document()
    document.add_paragraph("2023年度收入总计874.05万元。")
    p = document.add_paragraph()
    p._p.append(_xml("<w:r><w:rPr><w:vanish/></w:rPr><w:t>旧稿：比上年增长50%。</w:t></w:r>"))
    p._p.append(_xml("<w:r><w:t>比上年减少3.42万元。</w:t></w:r>"))
    text = read_docx_text(_bytes(document))
    assert "旧稿" not in text and "比上年减少3.42万元" in text


def _split_with_mark(mark: str) -> bytes:
    wb = openpyxl.load_workbook(HENAN_XLSX)
    titles, grid, merged = title_and_table(wb.active)
    head, first, rest = grid[:1], grid[1:9], grid[9:]
    blocks = [("p", PROSE), *(("p", t) for t in titles), ("table", (head + first, merged))]
    blocks += [("break", None), ("p", mark), ("table", (head + rest, []))]
    return document_bytes(blocks)


@pytest.mark.parametrize(
    "mark", ["续表", "（续表）", "续表1", "表1（续）", "项目单位自评汇总表（续）", "附表2（续表）"]
)
def test_a_table_split_with_a_continued_mark_and_its_header_repeated(mark):
    doc = inspect_bytes(_split_with_mark(mark), "自评报告.docx")
    assert_henan_figures(doc)
    assert {r["unit"] for r in doc["rows"]} == {None}  # before: units "第1个表格" / "第2个表格"
    assert "SHEETS_COMBINED" not in [f["code"] for f in doc["findings"]]
    assert "DUPLICATE_PROJECT" in [f["code"] for f in doc["findings"]]  # rows 10 and 18, on both parts


@pytest.mark.parametrize("line", ["单位：万元", "金额单位：万元"])
def test_a_heading_then_a_units_line_over_each_units_table(line):
    wb = openpyxl.load_workbook(HENAN_XLSX)
    _, grid, _ = title_and_table(wb.active)
    head, body = grid[:1], grid[1:16]
    blocks = [("p", PROSE)]
    for heading, part in (("（一）科协机关", body[:8]), ("（二）科技馆", body[8:])):
        blocks += [("p", heading), ("p", line), ("table", (head + part, []))]
    doc = inspect_bytes(document_bytes(blocks), "自评报告.docx")
    assert doc["projects"] == 15 and doc["totals"]["budget"] == 7863.66
    assert [r["unit"] for r in doc["rows"]] == ["科协机关"] * 8 + ["科技馆"] * 7  # before: "第1个表格"


def test_a_name_typed_over_two_paragraphs_of_its_cell():
    document = _henan_doc()
    tc = _cell(document, "科普与学会服务能力提升专项-省级")
    p = tc.find(W + "p")
    _runs(tc, "<w:r><w:t>科普与学会服务能力</w:t></w:r>")
    p.addnext(_xml("<w:p><w:r><w:t>提升专项-省级</w:t></w:r></w:p>"))
    doc = inspect_bytes(_bytes(document), "自评报告.docx")
    assert_henan_figures(doc)
    assert "科普与学会服务能力提升专项-省级" in [r["project"] for r in doc["rows"]]
    assert "DUPLICATE_PROJECT" in [f["code"] for f in doc["findings"]]  # the same name at row 18


def macro_enabled(data: bytes) -> bytes:
    """A .docx saved again as a macro-enabled .docm (only its content types differ)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
                ).replace(
                    b"application/vnd.openxmlformats-officedocument.ms-word", b"application/vnd.ms-word"
                )
            out.writestr(info, body)
    return buf.getvalue()


def test_a_macro_enabled_document():
    data = macro_enabled(workbook_as_document(HENAN_XLSX))
    assert_henan_figures(inspect_bytes(data, "自评报告.docm"))  # before: "已损坏或不是 .docx 格式"


def test_the_upload_boxes_take_a_macro_enabled_document():
    from tests.test_pages import go, metrics, new_app, upload

    at = new_app()
    data = macro_enabled(workbook_as_document(HENAN_XLSX))
    upload(at, "自评报告.docm", data, "application/vnd.ms-word.document.macroEnabled.12")
    # before: the upload box refused the file type before jixiao saw it
    go(at, "overview")
    assert metrics(at)["总体执行率"] == "86.23%"


def _public_tables_report(title: str) -> bytes:
    """A 决算 report in Word: the document's title, then each 公开表 under a numbered heading without a year
    ("一、公开01表 收入支出决算总表"), as the tables' own titles name no year."""
    from jixiao.final_accounts.template import read_template
    from tests.conftest import SAMPLE_DATA
    from tests.official_tables import Style, official_workbook
    from tests.word_tables import sheet_grid

    final = SAMPLE_DATA / "liangshan_2023_final_accounts.xlsx"
    yf = read_template(final.read_bytes(), final.name)[0].year(2023)
    wb = openpyxl.load_workbook(io.BytesIO(official_workbook(yf, style=Style(title_in_rows=False))))
    blocks = [
        ("p", title),
        ("p", "目录"),
        ("p", "第一部分 部门概况"),
        ("p", PROSE),
        ("p", "第二部分 部门决算表"),
    ]
    for k, ws in enumerate(wb.worksheets):
        blocks += [("p", f"{'一二三四五六七'[k]}、{ws.title}"), ("table", sheet_grid(ws))]
    return document_bytes(blocks)


def test_a_reports_year_said_only_in_its_title():
    from jixiao.read import read_dataset

    ds = read_dataset(_public_tables_report("凉山州科学技术协会2023年度部门决算"), "部门决算.docx")
    assert ds.kind == "final_accounts" and ds.detail.years == [2023]  # before: refused, "没有年度"
    assert ds.detail.year(2023).income_current == 874.05


def test_a_report_whose_title_names_no_year_is_still_asked_for_one():
    from jixiao.model import IngestError
    from jixiao.read import read_dataset

    with pytest.raises(IngestError, match="年度"):
        read_dataset(_public_tables_report("凉山州科学技术协会部门决算"), "部门决算.docx")
