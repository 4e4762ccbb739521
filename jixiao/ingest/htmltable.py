"""An HTML table saved under an .xls/.xlsx name — what many government systems' "导出 Excel" sends.

Each <table> becomes a sheet; colspan/rowspan become merged ranges, so the same header detection
applies downstream. Excel's own "web page" export puts the raw number in an ``x:num`` attribute:
used when present. Runs inside the guarded worker (lxml, no pandas).
"""

from __future__ import annotations

import re
from typing import Any

from jixiao.ingest.caps import MAX_COLS, MAX_GRID_CELLS, MAX_MERGED, MAX_ROWS, MAX_SHEETS, ReadError
from jixiao.ingest.textgrid import decode_text

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_SPACE = re.compile(r"[ \t\r\f\v\u3000\xa0]+")


def _text(data: bytes) -> str:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data)
    m = _CHARSET.search(data[:4096])
    if m:
        encoding = m.group(1).decode("ascii", "replace").lower()
        if encoding in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
            encoding = "gb18030"  # a superset: a GB2312 page with one rarer character still reads
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_text(data)
    except ReadError:
        return data.decode("gb18030", "replace")


def _span(cell, name: str, cap: int) -> int:
    try:
        return max(1, min(int(str(cell.get(name, "1")).strip() or 1), cap))
    except ValueError:
        return 1


def _value(cell) -> Any:
    for key, raw in cell.attrib.items():
        if key.endswith("num") and raw.strip():
            try:
                return float(raw)
            except ValueError:
                break
    lines = [_SPACE.sub(" ", part).strip() for part in cell.text_content().split("\n")]
    return "\n".join(part for part in lines if part)


def read_html(data: bytes) -> list[tuple[str, list[list[Any]], list, list[str], dict]]:
    return read_html_text(_text(data))


def read_html_text(text: str) -> list[tuple[str, list[list[Any]], list, list[str], dict]]:
    """A page already decoded (a web archive's part, decoded by its own charset)."""
    import lxml.html
    from lxml import etree

    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(
            "文件是网页（HTML）格式，但内容无法解析。请在 Excel/WPS 中打开后另存为 .xlsx 再上传。"
        ) from exc
    tables = [t for t in doc.iter("table") if not any(True for _ in t.iter("table") if _ is not t)]
    if not tables:
        raise ReadError(
            "文件是网页（HTML）格式，但里面没有表格。请在原系统中导出 Excel 表格，或另存为 .xlsx 后再上传。"
        )
    sheets = []
    for n, table in enumerate(tables[:MAX_SHEETS], start=1):
        sheets.append(_table(table, f"表{n}" if len(tables) > 1 else "Sheet1"))
    if len(tables) > MAX_SHEETS:
        sheets[0][3].insert(0, f"网页里有 {len(tables)} 个表格，只读取了前 {MAX_SHEETS} 个。")
    return sheets


def _table(table, name: str):
    rows: list[list[Any]] = []
    merged: list[tuple[int, int, int, int]] = []
    notes: list[str] = []
    carry: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    wide = False
    width = 0
    for tr in table.iter("tr"):
        if len(rows) >= MAX_ROWS:
            notes.append(f"表格「{name}」超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行。")
            break
        r = len(rows)
        row: list[Any] = []
        col = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while carry.get(col, 0) > 0:
                col += 1
            colspan = _span(cell, "colspan", MAX_COLS)
            rowspan = _span(cell, "rowspan", MAX_ROWS - r)
            if col >= MAX_COLS:
                wide = True
                break
            row.extend([""] * (col + 1 - len(row)))
            row[col] = _value(cell)
            last = min(col + colspan, MAX_COLS) - 1
            if (colspan > 1 or rowspan > 1) and len(merged) < MAX_MERGED:
                merged.append((r, col, r + rowspan - 1, last))
            if rowspan > 1:
                for c in range(col, last + 1):
                    carry[c] = rowspan  # counted down below, this row included
            col = last + 1
        for c in list(carry):
            carry[c] -= 1
            if carry[c] <= 0:
                del carry[c]
        rows.append(row)
        width = max(width, len(row))
        if len(rows) * width > MAX_GRID_CELLS:
            raise ReadError(f"表格「{name}」过大（超过 {MAX_GRID_CELLS} 个单元格），已停止读取。")
    if wide:
        notes.append(f"表格「{name}」超过 {MAX_COLS} 列，只读取了前 {MAX_COLS} 列。")
    return name, rows, merged, notes, {}
