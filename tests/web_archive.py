"""Write a workbook as Excel writes a "单个文件网页" (.mht): a MIME message, one HTML page per sheet with
merged cells as rowspan/colspan and numbers in x:num, and — for several sheets — the workbook page that
names them and the sheet-tab strip, as Excel saves it."""

from __future__ import annotations

import base64
import quopri
from html import escape

BOUNDARY = "----=_NextPart_01DA1B2C.3D4E5F60"


def sheet_html(ws, charset: str) -> str:
    spans = {}
    covered = set()
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        covered |= {
            (r, c)
            for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)
            if (r, c) != (rng.min_row, rng.min_col)
        }
    rows = []
    for r in range(1, ws.max_row + 1):
        cells = []
        for c in range(1, ws.max_column + 1):
            if (r, c) in covered:
                continue
            value = ws.cell(r, c).value
            rowspan, colspan = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<td{attrs} x:num="{value!r}">{value:,.2f}</td>')
            else:
                cells.append(f"<td{attrs}>{escape('' if value is None else str(value))}</td>")
        rows.append(f"<tr height=19>{''.join(cells)}</tr>")
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<head><meta http-equiv=Content-Type content="text/html; charset={charset}"></head>'
        f"<body><table border=0 cellpadding=0 cellspacing=0>{''.join(rows)}</table></body></html>"
    )


def _part(location: str, body: str, charset: str, transfer: str, kind: str = "text/html") -> bytes:
    raw = body.encode("gb18030" if charset == "gb2312" else charset)
    coded = quopri.encodestring(raw) if transfer == "quoted-printable" else base64.encodebytes(raw)
    head = (
        f"--{BOUNDARY}\r\nContent-Location: file:///C:/D0A1/{location}\r\n"
        f'Content-Transfer-Encoding: {transfer}\r\nContent-Type: {kind}; charset="{charset}"\r\n\r\n'
    )
    return head.encode("ascii") + coded + b"\r\n"


def workbook_as_mht(wb, *, charset: str = "utf-8", transfer: str = "quoted-printable") -> bytes:
    sheets = wb.worksheets
    parts = []
    if len(sheets) == 1:
        parts.append(_part("book.htm", sheet_html(sheets[0], charset), charset, transfer))
    else:
        listed = "".join(
            f"<x:ExcelWorksheet><x:Name>{escape(ws.title)}</x:Name>"
            f'<x:WorksheetSource HRef="book.files/sheet{k:03d}.htm"/></x:ExcelWorksheet>'
            for k, ws in enumerate(sheets, 1)
        )
        main = (
            f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="{charset}">'
            f"<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets>{listed}"
            "</x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head>"
            '<frameset rows="*,39"><frame src="book.files/sheet001.htm" name="frSheet">'
            '<frame src="book.files/tabstrip.htm" name="frTabs"></frameset></html>'
        )
        parts.append(_part("book.htm", main, charset, transfer))
        for k, ws in enumerate(sheets, 1):
            parts.append(_part(f"book.files/sheet{k:03d}.htm", sheet_html(ws, charset), charset, transfer))
        tabs = "".join(
            f"<td><a href='sheet{k:03d}.htm'>{escape(ws.title)}</a></td>" for k, ws in enumerate(sheets, 1)
        )
        strip = f"<html><body><table><tr>{tabs}</tr></table></body></html>"
        parts.append(_part("book.files/tabstrip.htm", strip, charset, transfer))
        parts.append(_part("book.files/filelist.xml", "<xml></xml>", charset, transfer, "text/xml"))
    head = (
        "MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n"
        f'Content-Type: multipart/related; boundary="{BOUNDARY}"\r\n\r\n'
        "此文档为“单个文件网页”，也称为“Web 档案”文件。\r\n\r\n"
    )
    return head.encode("utf-8") + b"".join(parts) + f"--{BOUNDARY}--\r\n".encode("ascii")
