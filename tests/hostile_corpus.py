"""Generates the hostile corpus (issue 12) into a folder: crafted files that once aborted, hung or
misread, and real-world formats that must read with the right figures. Small on disk: every file is
built here at test time.

    python tests/hostile_corpus.py OUT_DIR      # writes the files, prints their names

``HOSTILE`` maps a file name to words its Chinese refusal must contain (or None: read with a note);
``GOOD`` maps a file name to the (projects, total budget, total executed) it must read as.
"""

from __future__ import annotations

import io
import sys
import warnings
import zipfile
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

HEADER = ["项目名称", "预算数", "执行数"]
PROJECTS = [("甲项目", 100, 90), ("乙项目", 200, 200), ("丙项目", 300, 150)]
FIGURES = (3, 600.0, 440.0)


def xlsx(
    sheets: list[tuple[str, str]],
    *,
    strings: list[str] | None = None,
    folder: str = "worksheets",
    list_strings: bool = True,
) -> bytes:
    """A minimal workbook from raw sheet XML: (name, XML inside <worksheet>), sheets stored in
    xl/``folder``/ and found through the workbook's relationships."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, (name, _) in enumerate(sheets)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" Target="{folder}/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        if strings is not None:
            if list_strings:  # calamine finds xl/sharedStrings.xml without the relationship too
                rels += f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            items = "".join(f"<si><t>{s}</t></si>" for s in strings)
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{NS}" count="{len(strings)}">{items}</sst>')
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}">{rels}</Relationships>',
        )
        for i, (_, body) in enumerate(sheets):
            root = (
                f'<worksheet xmlns="{NS}">' if not body.startswith("<x:") else f'<x:worksheet xmlns:x="{NS}">'
            )
            close = "</worksheet>" if not body.startswith("<x:") else "</x:worksheet>"
            z.writestr(f"xl/{folder}/sheet{i + 1}.xml", f'<?xml version="1.0"?>{root}{body}{close}')
    return buf.getvalue()


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(ref: str, value, extra: str = "") -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"{extra}><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"{extra}><v>{value}</v></c>'


def table_rows(rows: list[list], start: int = 1) -> str:
    out = []
    for i, row in enumerate(rows, start=start):
        cells = "".join(_cell(f"{_col(j + 1)}{i}", v) for j, v in enumerate(row))
        out.append(f'<row r="{i}">{cells}</row>')
    return "".join(out)


def good_rows() -> list[list]:
    return [HEADER, *[list(p) for p in PROJECTS]]


def far_cell(form: str) -> bytes:
    """A table plus one cell at GR1048576, written in a form a naive scan would miss."""
    base = table_rows(good_rows())
    far = {
        "plain": '<row r="1048576"><c r="GR1048576"><v>1</v></c></row>',
        "attribute_order": '<row r="1048576"><c s="0" t="n" r = "GR1048576"><v>1</v></c></row>',
        # beyond Excel's own limits: calamine asked for 9.6 GB on the first, 475,253 columns on the second
        "row_99999999": '<row r="99999999"><c r="A99999999"><v>1</v></c></row>',
        "column_zzzz": '<row r="1048576"><c r="ZZZZ1048576"><v>1</v></c></row>',
    }
    if form == "prefix":
        body = base.replace("<row", "<x:row").replace("</row>", "</x:row>")
        body = body.replace("<c ", "<x:c ").replace("</c>", "</x:c>").replace("<v>", "<x:v>")
        body = body.replace("</v>", "</x:v>").replace("<is>", "<x:is>").replace("</is>", "</x:is>")
        body = body.replace("<t>", "<x:t>").replace("</t>", "</x:t>")
        body += '<x:row r="1048576"><x:c r="GR1048576"><x:v>1</x:v></x:c></x:row>'
        return xlsx([("Sheet1", f"<x:sheetData>{body}</x:sheetData>")])
    if form == "outside":
        return xlsx([("Sheet1", f"<sheetData>{base}{far['plain']}</sheetData>")], folder="custom/data")
    return xlsx([("Sheet1", f"<sheetData>{base}{far[form]}</sheetData>")])


def decoy_workbook() -> bytes:
    """The package's relationships name an empty decoy workbook; calamine reads xl/workbook.xml anyway,
    whose sheet has a cell at GR1048576 (calamine asked for 6.7 GB)."""
    src = zipfile.ZipFile(io.BytesIO(far_cell("plain")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "_rels/.rels":
                data = data.replace(b'Target="xl/workbook.xml"', b'Target="xl/decoy.xml"')
            z.writestr(info.filename, data)
        z.writestr("xl/decoy.xml", f'<workbook xmlns="{NS}"><sheets/></workbook>')
    return buf.getvalue()


def duplicate_member() -> bytes:
    """The archive holds xl/worksheets/sheet1.xml twice: the far-cell sheet, then a harmless one
    (Python's zipfile reads the last copy; another reader may take the first)."""
    src = zipfile.ZipFile(io.BytesIO(far_cell("plain")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": the point of this file
            z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{NS}"><sheetData/></worksheet>')
    return buf.getvalue()


def shared_string_bomb(listed: bool = True) -> bytes:
    """One 200,000-character shared string referenced by 20,000 cells: 4 billion characters once read."""
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 20_001))
    return xlsx(
        [("Sheet1", f"<sheetData>{cells}</sheetData>")], strings=["长" * 200_000], list_strings=listed
    )


def merges(n: int = 30_000) -> bytes:
    rows = good_rows() + [[f"项目{i}", 1, 1] for i in range(40)]
    refs = "".join(
        f'<mergeCell ref="{_col(4 + 2 * (i % 90))}{1 + i // 90}:{_col(5 + 2 * (i % 90))}{1 + i // 90}"/>'
        for i in range(n)
    )
    return xlsx(
        [("Sheet1", f'<sheetData>{table_rows(rows)}</sheetData><mergeCells count="{n}">{refs}</mergeCells>')]
    )


def many_sheets(n: int = 1000) -> bytes:
    first = ("S0", f"<sheetData>{table_rows(good_rows())}</sheetData>")
    return xlsx([first] + [(f"S{i}", "<sheetData/>") for i in range(1, n)])


def facts_workbook() -> bytes:
    """Hidden row 3 and column C, an uncalculated formula, a #DIV/0! error cell."""
    rows = table_rows(good_rows())
    rows = rows.replace('<row r="3">', '<row r="3" hidden="1">')
    extra = '<row r="5"><c r="A5" t="inlineStr"><is><t>丁项目</t></is></c><c r="B5" t="e"><v>#DIV/0!</v></c><c r="C5"><f>B5*2</f></c></row>'
    cols = '<cols><col min="3" max="3" width="0" customWidth="1"/></cols>'
    return xlsx([("Sheet1", f"{cols}<sheetData>{rows}{extra}</sheetData>")])


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    return buf.getvalue()


def docx_bomb(lie: bool = False) -> bytes:
    """A .docx whose document.xml inflates 1,000-fold (100 MB here; the same shape reached 4 GB).
    With ``lie`` the archive declares 1 KB for it, so only the worker's limits stand in the way."""
    para = b"<w:p><w:r><w:t>" + b"A" * 1000 + b"</w:t></w:r></w:p>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as fh:
            for _ in range(100):
                fh.write(para * 1000)
    data = bytearray(buf.getvalue())
    if lie:
        import struct

        for sig, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
            pos = data.find(sig)
            while pos >= 0:
                name_len = struct.unpack_from("<H", data, pos + (28 if sig == b"PK\x01\x02" else 26))[0]
                start = pos + (46 if sig == b"PK\x01\x02" else 30)
                if data[start : start + name_len] == b"word/document.xml":
                    struct.pack_into("<I", data, pos + offset, 1000)
                pos = data.find(sig, pos + 4)
    return bytes(data)


def good_xlsx() -> bytes:
    return xlsx([("Sheet1", f"<sheetData>{table_rows(good_rows())}</sheetData>")])


def html_table() -> bytes:
    """What a government system's "导出 Excel" often is: a GBK web page with a .xls name."""
    head = "<tr><th colspan='3'>2023年度项目支出绩效自评汇总表</th></tr>"
    body = "".join(f"<tr><td>{n}</td><td x:num='{b}'>{b:,}.00</td><td>{e}</td></tr>" for n, b, e in PROJECTS)
    header = "".join(f"<td>{h}</td>" for h in HEADER)
    page = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        f"<body><table border=1>{head}<tr>{header}</tr>{body}</table></body></html>"
    )
    return page.encode("gb18030")


def spreadsheetml() -> bytes:
    def row(values):
        cells = "".join(
            f'<Cell><Data ss:Type="{"Number" if not isinstance(v, str) else "String"}">{v}</Data></Cell>'
            for v in values
        )
        return f"<Row>{cells}</Row>"

    rows = "".join(row(r) for r in good_rows())
    return (
        '<?xml version="1.0" encoding="UTF-8"?><?mso-application progid="Excel.Sheet"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="汇总"><Table><Row><Cell ss:MergeAcross="2"><Data ss:Type="String">2023年度汇总表'
        f"</Data></Cell></Row>{rows}</Table></Worksheet></Workbook>"
    ).encode()


def xml2003_entity_bomb() -> bytes:
    """SpreadsheetML carrying "billion laughs": ten levels of entities, each ten of the one below."""
    levels = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE Workbook [<!ENTITY lol0 "lol">{levels}]>'
    text = spreadsheetml().decode().replace('<?mso-application progid="Excel.Sheet"?>', doctype)
    return text.replace("甲项目", "&lol9;").encode()


def utf16_text() -> bytes:
    """Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated."""
    lines = ["\t".join(str(v) for v in r) for r in good_rows()]
    return "\r\n".join(lines).encode("utf-16")


def bad_quote_csv() -> bytes:
    lines = [",".join(HEADER)] + [f"项目{i},10,9" for i in range(60)]
    lines[12] = '"项目11,10,9'  # an opening quote never closed
    return "\n".join(lines).encode()


def truncated() -> bytes:
    data = good_xlsx()
    return data[: len(data) // 2]


def xml_not_spreadsheet() -> bytes:
    return b'<?xml version="1.0"?><note><to>x</to></note>'


def mht() -> bytes:
    """Excel's "single file web page", which some systems send under an .xls name."""
    return b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n<html></html>"


def ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


# name -> (builder, words the refusal must contain; None = read, with a note saying what was cut)
HOSTILE = {
    "far_cell_plain.xlsx": (lambda: far_cell("plain"), "范围过大"),
    "far_cell_prefix.xlsx": (lambda: far_cell("prefix"), "范围过大"),
    "far_cell_attribute_order.xlsx": (lambda: far_cell("attribute_order"), "范围过大"),
    "far_cell_outside_worksheets.xlsx": (lambda: far_cell("outside"), "范围过大"),
    "far_cell_behind_a_decoy_workbook.xlsx": (decoy_workbook, "范围过大"),
    "far_cell_in_a_duplicate_member.xlsx": (duplicate_member, "范围过大"),
    "far_cell_row_99999999.xlsx": (lambda: far_cell("row_99999999"), "范围过大"),
    "far_cell_column_zzzz.xlsx": (lambda: far_cell("column_zzzz"), "范围过大"),
    "shared_string_bomb.xlsx": (shared_string_bomb, "文字总量"),
    "shared_string_bomb_unlisted.xlsx": (lambda: shared_string_bomb(listed=False), "文字总量"),
    "merges_30000.xlsx": (merges, None),
    "sheets_1000.xlsx": (many_sheets, None),
    "truncated.xlsx": (truncated, "已损坏"),
    "zip_bomb.xlsx": (zip_bomb, "压缩炸弹"),
    "bad_quote.csv": (bad_quote_csv, "第 13 行的引号"),
    "not_spreadsheet.xml": (xml_not_spreadsheet, "不是 Excel 2003 XML"),
    "xml2003_entity_bomb.xml": (xml2003_entity_bomb, "无法解析"),
    "opendocument.ods": (ods, "OpenDocument"),
    "web_archive_as.xls": (mht, "网页存档"),
}
# The statement checker's .docx input: refused by the zip checks, or stopped by the worker.
DOCX = {
    "docx_bomb.docx": (docx_bomb, "压缩炸弹"),
    "docx_lies_about_size.docx": (lambda: docx_bomb(lie=True), "Word 文件"),
}
GOOD = {
    "good.xlsx": good_xlsx,
    "html_as.xls": html_table,
    "html_as.xlsx": html_table,
    "spreadsheetml_2003.xls": spreadsheetml,
    "spreadsheetml_2003.xml": spreadsheetml,
    "unicode_text.txt": utf16_text,
    "unicode_text.csv": utf16_text,
}


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, (build, _) in HOSTILE.items():
        (folder / name).write_bytes(build())
        out.append(folder / name)
    for name, (build, _) in DOCX.items():
        (folder / name).write_bytes(build())
        out.append(folder / name)
    for name, build in GOOD.items():
        (folder / name).write_bytes(build())
        out.append(folder / name)
    return out


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus")):
        print(path, path.stat().st_size)
