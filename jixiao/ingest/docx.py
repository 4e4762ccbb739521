"""A Word .docx -> its text (paragraphs then table rows, cells tab-separated, one per line), or its
tables as sheets.

Runs inside the guarded worker: Word uploads get the same zip checks, memory cap and time limit as
workbooks.
"""

from __future__ import annotations

import io
import re
from typing import Any

from jixiao.ingest.caps import MAX_COLS, MAX_GRID_CELLS, MAX_MERGED, MAX_ROWS, MAX_SHEETS, ReadError

DAMAGED = "Word 文件已损坏或不是 .docx 格式，无法读取。"


def docx_text(data: bytes) -> str:
    """The body's paragraphs, then its tables' rows (a merged cell's text once, at its first cell).
    Tables are walked here, not by python-docx's cell grid, which a gridSpan of a billion would make
    build a billion-cell row."""
    paragraphs: list[str] = []
    rows: list[str] = []
    for el in _blocks(_body(data)):
        if el.tag == W + "p":
            paragraphs.append(_paragraph_text(el, breaks=True))
        else:
            rows.extend("\t".join(row) for row in _table(el)[0])
    return "\n".join(paragraphs + rows)


def _body(data: bytes):
    from docx import Document

    try:
        return Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises several unrelated types for a bad package
        body = _raw_body(data)  # a macro-enabled .docm, which python-docx will not open
        if body is None:
            raise ReadError(DAMAGED) from exc
        return body


def _raw_body(data: bytes):
    """word/document.xml's body read directly (no entities, no DTD, no network), or None."""
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("word/document.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        return etree.fromstring(xml, parser).find(W + "body")
    except Exception:  # not a Word package at all
        return None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NO_TABLES = (
    "Word 文档里没有表格。请上传含有项目单位自评汇总表或项目支出绩效自评表（表格）的 Word 文档，"
    "或在 Excel/WPS 中整理为 .xlsx 后再上传。"
)
_SPACE = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
TITLE_LINES = 3  # paragraphs over a table taken with it: a title, "单位：万元", a year line
TITLE_LENGTH = 80  # longer paragraphs are the report's prose, not a table's title


def docx_tables(data: bytes) -> list[tuple[str, list[list[Any]], list, list[str], dict]]:
    """Each table of the document's body as a sheet of text cells (gridSpan / vMerge as merged
    ranges), with the short paragraphs just above it as rows over it (its title, "单位：万元"). A
    table that Word split at a page break (nothing but empty paragraphs between the two parts and the
    same columns) stays one sheet. Numbers stay text: the readers parse them as they do a CSV's."""
    body = _body(data)
    sheets: list[tuple[str, list[list[Any]], list, list[str], dict]] = []
    lines: list[str] = []  # paragraphs since the last table
    glued = False  # only empty paragraphs since the last table
    first_lines: list[str] = []
    for el in _blocks(body):
        if el.tag == W + "p":
            text = _SPACE.sub(" ", _paragraph_text(el)).strip()
            if text and len(first_lines) < 2:
                first_lines.append(text)  # the document's title: a report's year may be said only there
            if text and not (glued and _CONTINUED.match(text)):  # "续表" between a table's two parts
                lines.append(text)
                glued = False
            continue
        rows, merged, notes = _table(el)
        if not rows:
            continue
        width = max(map(len, rows))
        if sheets and glued and not lines and width == max(map(len, sheets[-1][1])):
            _, prev_rows, prev_merged, prev_notes, _ = sheets[-1]
            shift = len(prev_rows)
            prev_rows.extend(rows)
            prev_merged.extend((r0 + shift, c0, r1 + shift, c1) for r0, c0, r1, c1 in merged)
            prev_notes.extend(notes)
        else:
            if len(sheets) >= MAX_SHEETS:
                sheets[0][3].insert(0, f"Word 文档里的表格超过 {MAX_SHEETS} 个，只读取了前 {MAX_SHEETS} 个。")
                break
            title = [[t] for t in lines[-TITLE_LINES:] if len(t) <= TITLE_LENGTH]
            merged = [(r0 + len(title), c0, r1 + len(title), c1) for r0, c0, r1, c1 in merged]
            name = _heading_name(_heading_line(lines), {s[0] for s in sheets}) or f"第{len(sheets) + 1}个表格"
            sheets.append((name, title + rows, merged, notes, {}))
        lines, glued = [], True
    if not sheets:
        raise ReadError(NO_TABLES)
    if len(sheets) == 1 and sheets[0][0] == "第1个表格":
        sheets[0] = ("Word 表格", *sheets[0][1:])
    heading = next((t for t in first_lines if len(t) <= TITLE_LENGTH), "")
    return [
        (name, _even(rows), merged, notes, {**facts, "document_title": heading})
        for name, rows, merged, notes, facts in sheets
    ]


# A numbered heading right over a table names it: "（一）科协本级" over one unit's table, "2.青少年科技活动"
# over one project's form. A report that puts each unit's projects in a table of its own is then read
# as one table whose units are these names, as a workbook with a sheet per unit is.
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+部分|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d))"
    r"\s*(.{1,30}?)[：:]?$"
)


# "续表", "（续表）", "表1（续）", and a table's own title with （续）: "项目支出绩效自评汇总表（续）", "公开05表（续）"
_CONTINUED = re.compile(
    r"^[（(]?\s*(续表|续上表|续)\s*\d*\s*[)）]?$|^.{0,40}表\s*\d*\s*[（(]\s*续表?\s*[)）]$"
)
# lines that may stand between a heading and its table: "单位：元", "金额单位：万元", a date, "续表"
_BETWEEN = re.compile(r"^((金额)?单位\s*[:：]|(填报|编制)?日期\s*[:：]|续表|[（(]续[)）])")


def _heading_line(lines: list[str]) -> str:
    """The last line over a table that is not a units line, a date or a 续表 mark."""
    for line in reversed(lines[-TITLE_LINES:]):
        if not _BETWEEN.match(line):
            return line
    return ""


def _heading_name(line: str, taken: set[str]) -> str | None:
    hit = _HEADING.match(line)
    if not hit or hit.group(1) in taken:
        return None
    return hit.group(1)


_WRAPPERS = (W + "sdt", W + "customXml")  # content controls and custom XML around rows, cells, tables


def _children(el, *tags: str):
    """The children of ``el`` with one of ``tags``, in order, looking inside content controls (w:sdt)
    and custom XML: a government template often wraps its fill-in cells in them."""
    for child in el.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from _children(content, *tags)


def _blocks(body, depth: int = 0):
    """Body paragraphs and tables in order. A table that holds tables in its cells (a frame or layout
    table around the real one) gives its cells' paragraphs and tables instead, and a text box holding a
    table gives that table after its paragraph (the box's old-Word copy, mc:Fallback, is left alone)."""
    for el in _children(body, W + "p", W + "tbl"):
        if el.tag == W + "tbl" and depth < _MAX_NESTING and el.find(f".//{W}tc/{W}tbl") is not None:
            for tc in el.iter(W + "tc"):
                if tc.getparent().getparent() is el:  # this table's own cells, not its inner tables'
                    yield from _blocks(tc, depth + 1)
            continue
        yield el
        if el.tag == W + "p" and depth < _MAX_NESTING:
            for box in el.iter(W + "txbxContent"):
                if box.find(f".//{W}tbl") is not None and _shown(box, el):
                    yield from _blocks(box, depth + 1)


_MAX_NESTING = 5  # tables in tables in tables: a damaged or hostile file, not a report


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# text that is not on the page: moved away under tracked changes, or the old-Word copy of a text box
_NOT_SHOWN = frozenset({W + "moveFrom", W + "del", MC + "Fallback"})


def _shown(el, p) -> bool:
    """The text element ``el`` of paragraph ``p`` is on the page: not moved away, not the text box's
    second copy, not in a run formatted hidden (w:vanish: a draft kept out of sight)."""
    node = el.getparent()
    while node is not None and node is not p:
        if node.tag in _NOT_SHOWN:
            return False
        if node.tag == W + "r":
            hidden = node.find(f"{W}rPr/{W}vanish")
            if hidden is not None and hidden.get(W + "val", "true") not in ("0", "false", "off"):
                return False
        node = node.getparent()
    return True


def _paragraph_text(p, breaks: bool = False) -> str:
    """A paragraph's text; a line break inside it is a new line with ``breaks``, else nothing (in a
    table cell "全年预算数<br/>（万元）" is one label). A text box's paragraphs inside it are lines."""
    out = []
    for t in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "p"):
        if t is p:
            continue
        if t.tag == W + "p":
            if breaks and out and _shown(t, p):
                out.append("\n")
        elif not _shown(t, p):
            continue
        elif t.tag == W + "t":
            out.append(t.text or "")
        elif t.tag == W + "tab":
            out.append("\t")
        elif breaks:
            out.append("\n")
    return "".join(out)


def _cell_text(tc) -> str:
    parts = [_SPACE.sub(" ", _paragraph_text(p)).strip() for p in tc.iter(W + "p")]
    return "\n".join(p for p in parts if p)


def _int_attr(el, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return max(0, int(found.get(W + "val", default)))
    except ValueError:
        return default


def _table(tbl) -> tuple[list[list[Any]], list[tuple[int, int, int, int]], list[str]]:
    rows: list[list[Any]] = []
    merged: list[list[int]] = []
    notes: list[str] = []
    open_down: dict[int, int] = {}  # column -> the vertical merge (index in merged) running down it
    cells = 0
    for tr in _children(tbl, W + "tr"):
        if len(rows) >= MAX_ROWS:
            notes.append(f"Word 表格超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行。")
            break
        r = len(rows)
        row: list[Any] = []
        col = _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        for tc in _children(tr, W + "tc"):
            span = max(1, _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1))
            if col + span > MAX_COLS:
                break
            v_merge = tc.find(f"{W}tcPr/{W}vMerge")
            continues = v_merge is not None and v_merge.get(W + "val", "continue") != "restart"
            row.extend([""] * (col + span - len(row)))
            if continues and col in open_down:
                merged[open_down[col]][2] = r
            else:
                row[col] = _cell_text(tc)
                open_down.pop(col, None)
                if (span > 1 or v_merge is not None) and len(merged) < MAX_MERGED:
                    merged.append([r, col, r, col + span - 1])
                    if v_merge is not None:
                        open_down[col] = len(merged) - 1
            col += span
        rows.append(row)
        cells += len(row)
        if cells > MAX_GRID_CELLS:
            raise ReadError(f"Word 表格过大（超过 {MAX_GRID_CELLS} 个单元格），已停止读取。")
    spans = [(r0, c0, r1, c1) for r0, c0, r1, c1 in merged if r1 > r0 or c1 > c0]
    return rows, spans, notes


def _even(rows: list[list[Any]]) -> list[list[Any]]:
    width = max(map(len, rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]
