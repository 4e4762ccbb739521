"""SpreadsheetML 2003 ("XML 表格 2003"), which older government systems still export under an .xls
or .xml name. Parsed with lxml without entities, DTDs or network; runs inside the guarded worker.

ss:Index (a jump to a later row or column), ss:MergeAcross / ss:MergeDown, hidden rows and columns,
formulas without a value and error cells are read the way the .xlsx scan reports them.
"""

from __future__ import annotations

from typing import Any

from jixiao.ingest.caps import MAX_COLS, MAX_GRID_CELLS, MAX_MERGED, MAX_ROWS, MAX_SHEETS, ReadError

SS = "urn:schemas-microsoft-com:office:spreadsheet"


def _q(name: str) -> str:
    return f"{{{SS}}}{name}"


def _int(el, name: str, default: int) -> int:
    try:
        return int(el.get(_q(name), default))
    except (TypeError, ValueError):
        return default


def read_xml2003(data: bytes) -> list[tuple[str, list[list[Any]], list, list[str], dict]]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError(
            "文件是 Excel 2003 XML 表格（SpreadsheetML），但内容已损坏，无法解析。请在 Excel/WPS 中另存为 .xlsx 后再上传。"
        ) from exc
    sheets = root.findall(_q("Worksheet"))
    if not sheets:
        raise ReadError(
            "这是一个 XML 文件，但不是 Excel 2003 XML 表格（SpreadsheetML）。请上传 Excel 或 CSV 文件。"
        )
    out = [_sheet(ws, n) for n, ws in enumerate(sheets[:MAX_SHEETS], start=1)]
    if len(sheets) > MAX_SHEETS:
        out[0][3].insert(0, f"工作簿有 {len(sheets)} 个工作表，只读取了前 {MAX_SHEETS} 个。")
    return out


def _sheet(ws, n: int):
    name = ws.get(_q("Name")) or f"Sheet{n}"
    cells: dict[tuple[int, int], Any] = {}
    merged: list[tuple[int, int, int, int]] = []
    notes: list[str] = []
    hidden_rows: list[int] = []
    hidden_cols: list[int] = []
    uncached: list[tuple[int, int]] = []
    errors: dict[tuple[int, int], str] = {}
    table = ws.find(_q("Table"))
    cut_rows = cut_cols = False
    height = width = 0
    if table is not None:
        c = 0
        for col in table.findall(_q("Column")):
            c = _int(col, "Index", c + 1)
            span = _int(col, "Span", 0) + 1
            if col.get(_q("Hidden")) in ("1", "true") or col.get(_q("Width")) in ("0", "0.0"):
                hidden_cols.extend(range(c - 1, min(c - 1 + span, MAX_COLS)))
            c += span - 1
        r = 0
        for row in table.findall(_q("Row")):
            r = _int(row, "Index", r + 1)
            if r > MAX_ROWS or r < 1:
                cut_rows = r > MAX_ROWS
                break
            if row.get(_q("Hidden")) in ("1", "true") or row.get(_q("Height")) in ("0", "0.0"):
                hidden_rows.append(r - 1)
            c = 0
            for cell in row.findall(_q("Cell")):
                c = _int(cell, "Index", c + 1)
                if c > MAX_COLS or c < 1:
                    cut_cols = cut_cols or c > MAX_COLS
                    break
                across, down = _int(cell, "MergeAcross", 0), _int(cell, "MergeDown", 0)
                if (across > 0 or down > 0) and len(merged) < MAX_MERGED:
                    merged.append((r - 1, c - 1, r - 1 + max(down, 0), c - 1 + max(across, 0)))
                value, kind = _data(cell)
                where = (r - 1, c - 1)
                if value != "":
                    cells[where] = value
                    height, width = max(height, r), max(width, c)
                if kind == "Error":
                    errors[where] = str(value)
                elif value == "" and cell.get(_q("Formula")):
                    uncached.append(where)
                c += max(across, 0)
            if height * max(width, 1) > MAX_GRID_CELLS:
                raise ReadError(f"工作表「{name}」过大（超过 {MAX_GRID_CELLS} 个单元格），已停止读取。")
    if cut_rows:
        notes.append(f"工作表「{name}」超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行。")
    if cut_cols:
        notes.append(f"工作表「{name}」超过 {MAX_COLS} 列，只读取了前 {MAX_COLS} 列。")
    rows: list[list[Any]] = [[""] * width for _ in range(height)]
    for (r, c), value in cells.items():
        rows[r][c] = value
    facts = {
        "hidden_rows": hidden_rows,
        "hidden_cols": hidden_cols,
        "uncached_formulas": uncached,
        "errors": errors,
    }
    return name, rows, merged, notes, facts


def _data(cell) -> tuple[Any, str]:
    data = cell.find(_q("Data"))
    if data is None:
        return "", ""
    kind = data.get(_q("Type")) or "String"
    text = "".join(data.itertext()).strip()
    if kind == "Number":
        try:
            return float(text), kind
        except ValueError:
            return text, kind
    if kind == "Boolean":
        return text in ("1", "true"), kind
    if kind == "DateTime":
        return text[:10] if text.endswith("T00:00:00.000") else text.replace("T", " "), kind
    return text, kind
