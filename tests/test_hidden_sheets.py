"""Hidden worksheets (an old year or a backup copy kept beside the sheet people see) and rows hidden
through ``<sheetFormatPr zeroHeight="1">`` (every unused row hidden below a table): the visible table
is the one read, and what was passed over is said."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

from jixiao.ingest import xlsxscan
from jixiao.ingest.workbook import load_sheets
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from tests import hostile_corpus as hc

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "henan_2023_summary.xlsx"
# The sample's own 合计 row: 7863.66 / 6780.62 万元 over 15 projects.
BUDGET, EXECUTED, PROJECTS = 7863.66, 6780.62, 15


def henan_rows() -> list[list]:
    return [list(r) for r in load_sheets(SAMPLE.read_bytes(), SAMPLE.name)[0].rows]


def old_rows() -> list[list]:
    """Last year's table: the same header, every budget and execution 10% lower, and two more
    projects (so an unguarded reader would gladly take it)."""
    rows = henan_rows()
    header = next(i for i, r in enumerate(rows) if r[1] == "项目名称")
    out = rows[: header + 1]
    projects = [r for r in rows[header + 1 :] if r[1] != "合计"]
    projects += [[16.0, "旧项目甲", 100.0, 90.0, 0.9], [17.0, "旧项目乙", 50.0, 50.0, 1.0]]
    for r in projects:
        out.append([r[0], r[1], round(r[2] * 0.9, 2), round(r[3] * 0.9, 2), *r[4:]])
    return out


def book(*sheets: tuple[str, list[list], str]) -> bytes:
    """(name, rows, state) per sheet, written by openpyxl."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows, state in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if x == "" else x for x in row])
        ws.sheet_state = state
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def codes(doc: dict, code: str) -> list[dict]:
    return [f for f in doc["findings"] if f["code"] == code]


# --- hidden worksheets -------------------------------------------------------------------------------
def test_a_hidden_old_year_first_is_passed_over_for_the_visible_table():
    data = book(("2022年", old_rows(), "hidden"), ("2023年", henan_rows(), "visible"))
    assert [s.hidden for s in load_sheets(data, "t.xlsx")] == [True, False]
    doc = inspect_bytes(data, "t.xlsx")
    assert doc["source"]["sheet"] == "2023年"
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert doc["projects"] == PROJECTS
    skipped = codes(doc, "HIDDEN_SHEET_SKIPPED")
    assert len(skipped) == 1 and "「2022年」" in skipped[0]["message"]
    assert skipped[0]["severity"] == "info"
    # the hidden sheet is no rival table and no block of unit totals
    assert not codes(doc, "TABLE_CHOSEN") and not codes(doc, "HIDDEN_SHEET_READ")
    assert not codes(doc, "TOTAL_MISMATCH")


def test_the_same_workbook_without_the_hidden_state_would_take_the_old_table():
    # why the guard matters: the older table ties on fields and comes first
    data = book(("Sheet1", old_rows(), "visible"), ("Sheet2", henan_rows(), "visible"))
    doc = inspect_bytes(data, "t.xlsx")
    assert doc["source"]["sheet"] == "Sheet1"
    assert doc["totals"]["budget"] != BUDGET


def test_sheets_named_by_year_give_the_latest_or_the_year_asked_for():
    data = book(("2022年", old_rows(), "visible"), ("2023年", henan_rows(), "visible"))
    doc = inspect_bytes(data, "t.xlsx")
    # before: the first sheet, 2022年, with a TABLE_CHOSEN warning only
    assert doc["source"]["sheet"] == "2023年" and doc["totals"]["budget"] == BUDGET
    chosen = codes(doc, "TABLE_CHOSEN")
    assert chosen and "2022年" in chosen[0]["message"]  # the other year is still named
    table = read_dataset(data, "t.xlsx", report_year=2022).table
    assert table.source.sheet == "2022年"
    # two years out of order: still the latest
    data = book(("2023年", henan_rows(), "visible"), ("2022年", old_rows(), "visible"))
    assert inspect_bytes(data, "t.xlsx")["source"]["sheet"] == "2023年"


def test_taking_hidden_content_in_lets_hidden_sheets_compete_and_says_which_was_read():
    # a tie stays with the visible sheet: ticking 包含隐藏的行和列 does not swap the table by itself
    data = book(("2022年", old_rows(), "hidden"), ("2023年", henan_rows(), "visible"))
    table = read_dataset(data, "t.xlsx", include_hidden=True).table
    assert table.source.sheet == "2023年"
    assert round(float(table.projects["budget"].sum()), 2) == BUDGET
    # a hidden sheet naming more fields wins then, and says it is hidden
    fewer = [r[:4] for r in henan_rows()]
    data = book(("2022年", old_rows(), "hidden"), ("2023年", fewer, "visible"))
    assert read_dataset(data, "t.xlsx").table.source.sheet == "2023年"
    table = read_dataset(data, "t.xlsx", include_hidden=True).table
    assert table.source.sheet == "2022年"
    read = [f for f in table.findings if f.code == "HIDDEN_SHEET_READ"]
    assert len(read) == 1 and read[0].severity == "info" and "「2022年」" in read[0].message


def test_a_very_hidden_backup_is_passed_over_too():
    data = book(("Sheet1", henan_rows(), "visible"), ("Sheet1 (2)", old_rows(), "veryHidden"))
    doc = inspect_bytes(data, "t.xlsx")
    assert doc["source"]["sheet"] == "Sheet1"
    assert doc["totals"]["budget"] == BUDGET
    assert "「Sheet1 (2)」" in codes(doc, "HIDDEN_SHEET_SKIPPED")[0]["message"]


def test_only_a_hidden_sheet_has_a_table_it_is_read_with_a_warning():
    data = book(("Sheet1 (2)", henan_rows(), "hidden"), ("说明", [["本表为2023年项目自评汇总。"]], "visible"))
    doc = inspect_bytes(data, "t.xlsx")
    assert doc["source"]["sheet"] == "Sheet1 (2)"
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    read = codes(doc, "HIDDEN_SHEET_READ")
    assert len(read) == 1 and read[0]["severity"] == "warning" and "「Sheet1 (2)」" in read[0]["message"]


def test_the_user_can_pick_the_hidden_sheet_by_name():
    data = book(("2022年", old_rows(), "hidden"), ("2023年", henan_rows(), "visible"))
    table = read_dataset(data, "t.xlsx", sheet="2022年").table
    assert table.source.sheet == "2022年"
    assert len(table.projects) == PROJECTS + 2
    assert round(float(table.projects["budget"].sum()), 2) == round(BUDGET * 0.9 + 135.0, 2)
    read = [f for f in table.findings if f.code == "HIDDEN_SHEET_READ"]
    assert len(read) == 1 and read[0].severity == "info"
    # picking the visible sheet by name says nothing about hidden ones
    table = read_dataset(data, "t.xlsx", sheet="2023年").table
    assert not [f for f in table.findings if f.code.startswith("HIDDEN_SHEET")]


def test_header_rows_without_a_sheet_apply_to_the_first_visible_sheet():
    data = book(("2022年", old_rows(), "hidden"), ("2023年", henan_rows(), "visible"))
    table = read_dataset(data, "t.xlsx", header_rows=[3]).table
    assert table.source.sheet == "2023年"
    assert round(float(table.projects["budget"].sum()), 2) == BUDGET


def _with_workbook_xml(data: bytes, workbook: str) -> bytes:
    """``data`` with its xl/workbook.xml replaced."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = workbook.encode() if info.filename == "xl/workbook.xml" else src.read(info)
            out.writestr(info.filename, body)
    return buf.getvalue()


def _raw_sheet(rows: list[list]) -> str:
    cells = []
    for r, row in enumerate(rows, 1):
        tds = []
        for c, x in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(x, (int, float)):
                tds.append(f'<c r="{ref}"><v>{x}</v></c>')
            elif x:
                tds.append(f'<c r="{ref}" t="inlineStr"><is><t>{x}</t></is></c>')
        cells.append(f'<row r="{r}">{"".join(tds)}</row>')
    return f"<sheetData>{''.join(cells)}</sheetData>"


def test_the_sheet_state_is_read_whatever_the_attribute_order_quotes_or_prefix():
    entries = (
        "<x:sheet state='veryHidden' name='Sheet1 (2)' sheetId='1' r:id='rId1'/>",
        '<x:sheet r:id = "rId2" sheetId="2" name="2023年" state = "visible"/>',
        '<x:sheet name="2022年" x:state="hidden" sheetId="3" r:id="rId3"/>',
        '<x:sheet name="空表" sheetId="4" r:id="rId4"/>',
    )
    workbook = (
        f'<?xml version="1.0"?><x:workbook xmlns:x="{hc.NS}" xmlns:r="{hc.REL}">'
        f"<x:sheets>{''.join(entries)}</x:sheets></x:workbook>"
    )
    short = [r[:5] for r in henan_rows()]
    data = hc.xlsx(
        [
            ("Sheet1 (2)", _raw_sheet([r[:5] for r in old_rows()])),
            ("2023年", _raw_sheet(short)),
            ("2022年", _raw_sheet([r[:5] for r in old_rows()])),
            ("空表", _raw_sheet([["备注"]])),
        ]
    )
    data = _with_workbook_xml(data, workbook)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = xlsxscan.sheet_parts(zf)
    assert [(p.name, p.hidden) for p in parts] == [
        ("Sheet1 (2)", True),
        ("2023年", False),
        ("2022年", True),
        ("空表", False),
    ]
    doc = inspect_bytes(data, "t.xlsx")
    assert doc["source"]["sheet"] == "2023年"
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    message = codes(doc, "HIDDEN_SHEET_SKIPPED")[0]["message"]
    assert "「Sheet1 (2)」" in message and "「2022年」" in message and "空表" not in message


# --- rows hidden by zeroHeight -------------------------------------------------------------------------
STALE = [99.0, "已取消的旧项目", 500.0, 480.0, 0.96]


def zero_height_book(stale_at: int) -> tuple[bytes, int]:
    """The sample table on a sheet with zeroHeight="1": every row has its own height but one stale
    project row inserted before the 合计 row (``stale_at`` 0-based), which therefore is hidden.
    Returns the bytes and the stale row's 1-based number."""
    rows = henan_rows()
    rows.insert(stale_at, STALE)
    wb = Workbook()
    ws = wb.active
    ws.title = "2023年"
    for row in rows:
        ws.append([None if x == "" else x for x in row])
    ws.sheet_format.zeroHeight = True
    for r in range(1, len(rows) + 1):
        if r != stale_at + 1:
            ws.row_dimensions[r].height = 18
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), stale_at + 1


def test_openpyxl_writes_zero_height_and_heights_only_for_visible_rows():
    data, stale = zero_height_book(10)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert b'zeroHeight="1"' in xml
    assert xlsxscan.scan_sheet(xml).hidden_rows == {stale - 1}


def test_a_row_hidden_by_zero_height_is_left_out_and_said():
    data, stale = zero_height_book(10)
    assert load_sheets(data, "t.xlsx")[0].hidden_rows == frozenset({stale - 1})
    doc = inspect_bytes(data, "t.xlsx")
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert doc["projects"] == PROJECTS
    assert "已取消的旧项目" not in {p["project"] for p in doc["rows"]}
    hidden = codes(doc, "HIDDEN_LEFT_OUT")
    assert len(hidden) == 1 and f"1 个隐藏行（第{stale}行）" in hidden[0]["message"]
    assert not codes(doc, "TOTAL_MISMATCH")  # the 合计 row agrees with the visible projects


def test_taking_hidden_rows_in_reads_the_zero_height_row():
    data, _ = zero_height_book(10)
    table = read_dataset(data, "t.xlsx", include_hidden=True).table
    assert len(table.projects) == PROJECTS + 1
    assert round(float(table.projects["budget"].sum()), 2) == round(BUDGET + STALE[2], 2)
    assert not [f for f in table.findings if f.code == "HIDDEN_LEFT_OUT"]


def _rows_xml(fmt: str, rows: list[str]) -> bytes:
    return (f'<worksheet xmlns="{hc.NS}">{fmt}<sheetData>{"".join(rows)}</sheetData></worksheet>').encode()


ROWS = [
    '<row r="1" ht="18" customHeight="1"><c r="A1"><v>1</v></c></row>',
    '<row r="2"><c r="A2"><v>2</v></c></row>',  # no height of its own
    '<row r="3" ht="0" customHeight="1"><c r="A3"><v>3</v></c></row>',
    '<row r="4" ht="15" hidden="1"><c r="A4"><v>4</v></c></row>',
    '<row r="6" ht="15"><c r="A6"><v>6</v></c></row>',
]


def test_zero_height_spellings_and_the_rows_it_hides():
    for fmt in (
        '<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>',
        "<sheetFormatPr zeroHeight = 'true' defaultRowHeight='15'/>",
        '<sheetFormatPr zeroHeight="TRUE"></sheetFormatPr>',
    ):
        assert xlsxscan.scan_sheet(_rows_xml(fmt, ROWS)).hidden_rows == {1, 2, 3}, fmt
    prefixed = f'<x:worksheet xmlns:x="{hc.NS}"><x:sheetFormatPr x:zeroHeight="1"/><x:sheetData>'
    prefixed += "".join(r.replace("<row", "<x:row").replace("</row>", "</x:row>") for r in ROWS)
    prefixed += "</x:sheetData></x:worksheet>"
    assert xlsxscan.scan_sheet(prefixed.encode()).hidden_rows == {1, 2, 3}


def test_without_zero_height_a_row_lacking_a_height_is_visible():
    for fmt in ("", '<sheetFormatPr defaultRowHeight="15"/>', '<sheetFormatPr zeroHeight="0"/>'):
        assert xlsxscan.scan_sheet(_rows_xml(fmt, ROWS)).hidden_rows == {2, 3}, fmt
    # the word in a cell's text, not in the sheet's head, changes nothing
    text = ROWS + ['<row r="7"><c r="A7" t="inlineStr"><is><t>zeroHeight="1"</t></is></c></row>']
    assert xlsxscan.scan_sheet(_rows_xml("", text)).hidden_rows == {2, 3}


# --- forms and 决算 figures beside hidden sheets --------------------------------------------------------
def _sample_with(name: str, change) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(SAMPLE.parent / name)
    change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORMS = "liangshan_2023_selfeval_forms.xlsx"
FIGURES = "liangshan_2023_final_accounts.xlsx"


def _backup(state: str):
    def change(wb):
        copy = wb.copy_worksheet(wb.worksheets[1])
        copy.title = "10凉山州级科普专项经费 (2)"
        copy.sheet_state = state

    return change


def test_a_hidden_backup_copy_of_a_form_is_not_read_twice():
    plain = read_dataset((SAMPLE.parent / FORMS).read_bytes(), FORMS).detail
    assert len(read_dataset(_sample_with(FORMS, _backup("visible")), FORMS).detail.forms) == 6
    ds = read_dataset(_sample_with(FORMS, _backup("hidden")), FORMS)
    assert ds.kind == "selfeval_forms"
    assert [f.project for f in ds.detail.forms] == [f.project for f in plain.forms]
    skipped = [f for f in ds.detail.findings if f.code == "HIDDEN_SHEET_SKIPPED"]
    assert len(skipped) == 1 and "「10凉山州级科普专项经费 (2)」" in skipped[0].message


def test_forms_only_on_hidden_sheets_are_read_with_a_warning():
    def hide_all(wb):
        wb.create_sheet("说明", 0)["A1"] = "自评表见隐藏的工作表"
        for ws in wb.worksheets[1:]:
            ws.sheet_state = "hidden"

    ds = read_dataset(_sample_with(FORMS, hide_all), FORMS)
    assert ds.kind == "selfeval_forms" and len(ds.detail.forms) == 5
    read = [f for f in ds.detail.findings if f.code == "HIDDEN_SHEET_READ"]
    assert len(read) == 1 and read[0].severity == "warning"


def test_a_visible_project_table_wins_over_hidden_forms():
    def add_forms(wb):
        for ws in wb.worksheets:
            ws.sheet_state = "hidden"
        ws = wb.create_sheet("汇总", 0)
        for row in henan_rows():
            ws.append([None if x == "" else x for x in row])

    ds = read_dataset(_sample_with(FORMS, add_forms), FORMS)
    assert ds.kind == "project_table"
    assert ds.table.source.sheet == "汇总"
    assert round(float(ds.table.projects["budget"].sum()), 2) == BUDGET


def _older_copy_first(state: str):
    def change(wb):
        copy = wb.copy_worksheet(wb["决算数据"])
        copy.title = "决算数据（旧）"
        copy.sheet_state = state
        wb.move_sheet(copy, offset=-2)
        for row in copy.iter_rows():
            for cell in row:
                x = cell.value
                if isinstance(x, (int, float)) and not isinstance(x, bool) and not 2000 <= x <= 2100:
                    cell.value = x + 1000  # every figure, not the years of the header

    return _sample_with(FIGURES, change)


def test_a_hidden_older_copy_of_the_figures_is_passed_over():
    plain = read_dataset((SAMPLE.parent / FIGURES).read_bytes(), FIGURES).detail
    assert plain.data[2023].income_total == 874.05
    # shown, the copy would be read: it comes first
    shown = read_dataset(_older_copy_first("visible"), FIGURES).detail
    assert shown.data[2023].income_total == 1874.05
    data = _older_copy_first("hidden")
    assert [s.hidden for s in load_sheets(data, FIGURES)] == [True, False, False]
    ds = read_dataset(data, FIGURES)
    assert ds.kind == "final_accounts"
    assert ds.detail.data[2023].income_total == 874.05
    assert ds.detail.data[2022].expenditure_total == plain.data[2022].expenditure_total
    skipped = [f for f in ds.extra_doc["findings"] if f["code"] == "HIDDEN_SHEET_SKIPPED"]
    assert len(skipped) == 1 and "「决算数据（旧）」" in skipped[0]["message"]


def test_every_row_under_the_header_hidden_is_read_with_a_warning():
    """zeroHeight with heights only on the title and header rows (a writer that sets zeroHeight and
    no row heights would hide the whole table): nothing would be left, so everything is read."""
    rows = henan_rows()
    header = next(i for i, r in enumerate(rows) if r[1] == "项目名称")
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append([None if x == "" else x for x in row])
    ws.sheet_format.zeroHeight = True
    for r in range(1, header + 2):
        ws.row_dimensions[r].height = 18
    buf = io.BytesIO()
    wb.save(buf)
    assert len(load_sheets(buf.getvalue(), "t.xlsx")[0].hidden_rows) >= PROJECTS
    doc = inspect_bytes(buf.getvalue(), "t.xlsx")
    assert doc["projects"] == PROJECTS
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert len(codes(doc, "ALL_ROWS_HIDDEN")) == 1 and not codes(doc, "HIDDEN_LEFT_OUT")


def test_a_hidden_sheet_of_a_legacy_xls_is_known_too():
    """A .xls says a sheet is hidden in its BOUNDSHEET record (0x0085: stream offset, then the
    visibility byte): the test file's 汇总表 record, patched to hidden, is read with a warning."""
    data = bytearray((Path(__file__).resolve().parent / "data" / "henan_units_legacy.xls").read_bytes())
    at = [i for i in range(len(data) - 12) if data[i : i + 2] == b"\x85\x00" and data[i + 9] == 0]
    summary = next(
        i for i in at if data[i + 10] == 3 and data[i + 12 : i + 18] == "汇总表".encode("utf-16-le")
    )
    assert data[summary + 8] == 0
    shown = load_sheets(bytes(data), "t.xls")
    assert [s.hidden for s in shown] == [False, False]
    data[summary + 8] = 1
    sheets = load_sheets(bytes(data), "t.xls")
    assert [s.name for s in sheets if s.hidden] == ["汇总表"]
    doc = inspect_bytes(bytes(data), "t.xls")
    assert doc["source"]["sheet"] == "汇总表" and len(codes(doc, "HIDDEN_SHEET_READ")) == 1
    data[summary + 8] = 0
    assert doc["totals"] == inspect_bytes(bytes(data), "t.xls")["totals"]
