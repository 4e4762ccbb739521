"""An HTML table saved under an .xls/.xlsx name — what many government systems' "导出 Excel" sends.

Each <table> becomes a sheet; colspan/rowspan become merged ranges, so the same header detection
applies downstream. Excel's own "web page" export puts the raw number in an ``x:num`` attribute:
used when present. A report system prints the title, "公开01表" and "金额单位：元" as lines of the page
above the table (or in its <caption>): they become the sheet's first rows, where a workbook has them.
Rows and columns styled ``display:none`` (Excel's web export of hidden rows and columns) are said as
hidden. Runs inside the guarded worker (lxml, no pandas).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from jixiao.ingest.caps import MAX_COLS, MAX_GRID_CELLS, MAX_MERGED, MAX_ROWS, MAX_SHEETS, ReadError
from jixiao.ingest.textgrid import decode_text

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_SPACE = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
# Elements that end a line of the page's text; what is inside _SKIP is never shown as text.
_BLOCK = frozenset(
    [
        "div",
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "center",
        "li",
        "ul",
        "ol",
        "caption",
        "tr",
        "table",
        "form",
        "fieldset",
        "legend",
        "pre",
        "section",
        "header",
        "footer",
        "address",
        "blockquote",
        "dd",
        "dt",
        "dl",
    ]
)
_SKIP = frozenset(("head", "script", "style", "title", "noscript", "template"))
# Lines above a table that are kept: a title, a table number, a 单位 line, a date — not a page of prose.
MAX_LINES_ABOVE, MAX_LINE_CHARS = 5, 200


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
    above = _lines_above(doc, tables[:MAX_SHEETS])
    sheets = []
    for n, table in enumerate(tables[:MAX_SHEETS], start=1):
        sheets.append(_table(table, f"表{n}" if len(tables) > 1 else "Sheet1", above.get(table, [])))
    if len(tables) > MAX_SHEETS:
        sheets[0][3].insert(0, f"网页里有 {len(tables)} 个表格，只读取了前 {MAX_SHEETS} 个。")
    return sheets


def _lines_above(doc, tables) -> dict[Any, list[str]]:
    """The page's lines of text between the previous table and each table (outside any table read):
    where a system prints the title, the table number and the 金额单位 — lost with them, a 单位：元 table
    reads as 万元 and a 决算公开表 is not recognised."""
    from lxml import etree

    chosen = set(tables)
    found: dict[Any, list[str]] = {}
    lines: list[str] = []
    current: list[str] = []

    def end_line() -> None:
        text = _SPACE.sub(" ", " ".join("".join(current).split("\n"))).strip()
        if text and len(text) <= MAX_LINE_CHARS:
            lines.append(text)
        current.clear()

    walk = etree.iterwalk(doc, events=("start", "end"))
    for event, el in walk:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if el in chosen:
                end_line()
                found[el] = lines[-MAX_LINES_ABOVE:]
                lines = []
                walk.skip_subtree()
            elif tag in _SKIP:
                walk.skip_subtree()
            else:
                if tag in _BLOCK:
                    end_line()
                if tag and el.text:
                    current.append(el.text)
            continue
        if tag in _BLOCK and el not in chosen:
            end_line()
        if el.tail:
            current.append(el.tail)
    return found


def _hidden(el) -> bool:
    return bool(_HIDDEN.search(el.get("style") or ""))


def _hidden_columns(table) -> set[int]:
    """Columns a <col> / <colgroup> hides (Excel writes ``<col ... style='display:none'>``)."""
    out: set[int] = set()
    c = 0
    for col in table.iter("col"):
        span = _span(col, "span", MAX_COLS)
        if _hidden(col) or (col.getparent() is not None and _hidden(col.getparent())):
            out.update(range(c, min(c + span, MAX_COLS)))
        c += span
    return out


def _table(table, name: str, above: Sequence[str] = ()):
    rows: list[list[Any]] = [[line] for line in above]
    caption = table.find("caption")
    if caption is not None:
        text = str(_value(caption)).replace("\n", " ")
        if text and len(text) <= MAX_LINE_CHARS:
            rows.append([text])
    merged: list[tuple[int, int, int, int]] = []
    notes: list[str] = []
    carry: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    hidden_rows: list[int] = []
    own: dict[int, list[bool]] = {}  # column -> for each cell placed there, whether it is hidden
    wide = False
    width = max(map(len, rows), default=0)
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
            if colspan == 1:
                own.setdefault(col, []).append(_hidden(cell))
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
        if _hidden(tr) or str(tr.get("height", "")).strip() in ("0", "0.0"):
            hidden_rows.append(r)
        rows.append(row)
        width = max(width, len(row))
        if len(rows) * width > MAX_GRID_CELLS:
            raise ReadError(f"表格「{name}」过大（超过 {MAX_GRID_CELLS} 个单元格），已停止读取。")
    if wide:
        notes.append(f"表格「{name}」超过 {MAX_COLS} 列，只读取了前 {MAX_COLS} 列。")
    # A column is hidden when its <col> says so, or when every cell of its own in it is hidden.
    hidden_cols = _hidden_columns(table) | {c for c, flags in own.items() if all(flags)}
    return name, rows, merged, notes, {"hidden_rows": hidden_rows, "hidden_cols": sorted(hidden_cols)}
