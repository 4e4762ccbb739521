"""An .xlsx read from its XML before calamine sees it: which parts are the sheets (followed through
the workbook's relationships, wherever they are stored), how far their cells really reach, how much
shared text they reference, and what calamine does not say (hidden rows and columns, formulas
without a cached value, error cells).

Byte searches and regexes over the raw XML, not an XML parser: a 50,000-row sheet is scanned in a
fraction of calamine's read. Every pattern accepts a namespace prefix (``<x:c``), any attribute
order, either quote and blanks around ``=``, because calamine's XML reader accepts them all. The
expensive passes run only when a cheap search says the sheet needs them.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

from jixiao.ingest.caps import (
    MAX_CELLS,
    MAX_COLS,
    MAX_GRID_CELLS,
    MAX_MERGED,
    MAX_ROWS,
    MAX_STRING_CHARS,
    STOPPED,
    ReadError,
)

MAX_PART = 50 * 1024 * 1024  # workbook.xml and relationships: parsed whole, so capped


@dataclass
class SheetPart:
    name: str
    path: str | None  # the zip member; None when the relationship points at nothing in the archive
    hidden: bool = False  # state="hidden" or "veryHidden" in workbook.xml: not shown as a tab


@dataclass
class SheetScan:
    """What the XML of one sheet says. Rows and columns are 0-based from A1, as in Sheet.rows."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    merged_total: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    hidden: bool = False  # the whole sheet is hidden (from workbook.xml, set by the caller)
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)
    formula_text: dict[tuple[int, int], str] = field(default_factory=dict)  # of the uncached ones
    filtered_rows: set[int] = field(default_factory=set)  # hidden by an active filter: data, not drafts
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART:
        raise ReadError(f"{STOPPED}工作簿的结构部件 {name} 解压后超过 {MAX_PART // 1024 // 1024} MB。")
    return zf.read(info)


def _parse(xml: bytes | None) -> ET.Element | None:
    if not xml:
        return None
    try:
        return ET.fromstring(xml)
    except ET.ParseError:
        return None


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, archive path) of the relationships of ``part``."""
    folder, base = posixpath.split(part)
    root = _parse(_read_part(zf, posixpath.join(folder, "_rels", base + ".rels")))
    out: dict[str, tuple[str, str]] = {}
    for rel in root if root is not None else []:
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id") or ""] = (rel.get("Type") or "", posixpath.normpath(path))
    return out


def workbooks(zf: zipfile.ZipFile) -> list[str]:
    """The workbook part the package's relationships name, and xl/workbook.xml, which calamine reads
    whatever the relationships say."""
    named = [path for kind, path in _rels(zf, "").values() if kind.endswith("/officeDocument")]
    return list(dict.fromkeys([*named, "xl/workbook.xml"]))


def sheet_parts(zf: zipfile.ZipFile) -> list[SheetPart]:
    """The sheets in workbook order, each with the archive member its relationship names."""
    names = set(zf.namelist())
    parts: list[SheetPart] = []
    for workbook in workbooks(zf):
        rels = _rels(zf, workbook)
        root = _parse(_read_part(zf, workbook))
        for el in root.iter() if root is not None else []:
            if _local(el.tag) != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            path = rels.get(rid, ("", ""))[1]
            state = next((v for k, v in el.attrib.items() if _local(k) == "state"), "")
            hidden = state.strip().lower() in ("hidden", "veryhidden")
            parts.append(SheetPart(el.get("name") or "", path if path in names else None, hidden))
    return parts


def other_parts(zf: zipfile.ZipFile, known: set[str]) -> list[zipfile.ZipInfo]:
    """Members that might hold cells though no sheet we read names them, and every copy of a name the
    archive holds twice (readers differ in which copy they take): the caps hold for them too."""
    infos = zf.infolist()
    twice = {name for name, n in Counter(i.filename for i in infos).items() if n > 1}
    skip = known | {"[Content_Types].xml"}
    return [
        i
        for i in infos
        if not i.filename.endswith((".rels", "/"))
        and "sharedStrings" not in i.filename
        and (i.filename in twice or i.filename not in skip)
    ]


# --- the extent of the cells ---------------------------------------------------------------------
_Q = rb"[\"']"
# A reference right of column AX (50) or below row 199,999: only then are all references counted.
_FAR = re.compile(
    rb"r\s*=\s*" + _Q + rb"\$?(?:(?:[A-Za-z]{3,}|[B-Zb-z][A-Za-z]|[Aa][YZyz])\$?[0-9]"
    rb"|[A-Za-z]*\$?(?:[0-9]{7,}|[2-9][0-9]{5})" + _Q + rb")"
)
# Longer than Excel allows (XFD, 1048576) is still counted: calamine takes "A99999999" at its word.
_REF = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])[^>]*?\sr\s*=\s*" + _Q + rb"\$?([A-Za-z]{1,7})\$?([0-9]{1,12})")


_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:[\w.-]+:)?row(?=\s)[^>]*?\sr\s*=\s*" + _Q + rb"([0-9]{1,12})" + _Q)


# Compiled once, at import: the worker imports this module before a file arrives.
_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_PLAIN_ROOT = re.compile(rb"\s*(?:<\?[^>]*>\s*)?<worksheet[\s>]")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s>/]")


def column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def _ref(text: str) -> tuple[int, int] | None:
    """'B3' -> (2, 1), 0-based."""
    m = _A1.fullmatch(text.strip())
    if not m or int(m.group(2)) < 1:
        return None
    return int(m.group(2)) - 1, column_number(m.group(1)) - 1


def check_extent(name: str, xml: bytes) -> None:
    """Refuse a sheet whose cells span a grid too large to hold: two cells at A1 and GR1048576 are a
    few bytes of XML but 200 million cells to a dense reader. On an ordinary sheet one regex search."""
    # A cell takes at least 4 bytes (<c/>): only a sheet this large can hold too many of them.
    if len(xml) > 4 * MAX_CELLS and len(_ANY_CELL.findall(xml)) > MAX_CELLS:
        raise ReadError(f"{STOPPED}工作表「{name}」的单元格超过 {MAX_CELLS:,} 个。")
    if not _FAR.search(xml):
        return  # every cell within A1:AX199999, at most 10 million
    rows: list[int] = []
    cols: set[bytes] = set()
    for letters, digits in _REF.findall(xml):
        cols.add(letters)
        rows.append(int(digits))
    # A cell without a reference sits after the previous one, in the row its <row r=…> names: a row
    # far down holding such cells is counted as full width.
    if len(_ANY_CELL.findall(xml)) > len(rows):
        rows += [int(r) for r in _ROW_NUMBER.findall(xml)]
        cols.add(b"GR")
    if not rows:
        return
    numbers = [column_number(c) for c in cols]
    top, bottom, left, right = min(rows), max(rows), min(numbers), max(numbers)
    dense = (bottom - top + 1) * (right - left + 1)  # calamine's range
    kept = min(bottom, MAX_ROWS) * min(right, MAX_COLS)  # our rows, from A1, after the caps
    if dense > MAX_GRID_CELLS or kept > MAX_GRID_CELLS:
        raise ReadError(
            f"工作表「{name}」的单元格分布范围过大（约 {bottom - top + 1} 行 × {right - left + 1} 列），"
            "可能在很远的位置有零散内容。请删除多余的行列后另存再上传。"
        )


# --- shared strings ------------------------------------------------------------------------------
_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_SHARED_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c(?=\s)[^>]*?\st\s*=\s*"
    + _Q
    + rb"s"
    + _Q
    + rb"[^>]*>\s*<(?:[\w.-]+:)?v(?:\s[^>]*)?>\s*\+?([0-9]{1,9})"
)


def string_lengths(zf: zipfile.ZipFile) -> list[int]:
    """An upper bound of each shared string's length: the bytes of its <si> element. The table the
    relationships name and the one at the usual path are both counted, and every copy of either (a
    reader may take any), the larger length per index kept."""
    named = [
        p for wb in workbooks(zf) for kind, p in _rels(zf, wb).values() if kind.endswith("/sharedStrings")
    ]
    out: list[int] = []
    paths = set([*named, "xl/sharedStrings.xml"])
    for info in zf.infolist():  # every copy of a name the archive holds twice
        if info.filename not in paths:
            continue
        xml = zf.read(info)  # scanned, never parsed: only the archive's own 400 MB cap applies
        starts = [m.start() for m in _SI.finditer(xml)]
        lengths = [e - s for s, e in zip(starts, [*starts[1:], len(xml)])]
        out = [max(a, b) for a, b in zip(out, lengths)] + (lengths[len(out) :] or out[len(lengths) :])
    return out


def check_strings(name: str, xml: bytes, lengths: list[int]) -> None:
    """Refuse a sheet whose cells reference more shared text than can be held: each referencing cell
    becomes its own copy. Counted exactly only when a cheap upper bound exceeds the cap."""
    if not lengths:
        return
    longest = max(lengths)
    bound = (xml.count(b'"s"') + xml.count(b"'s'")) * longest
    if bound <= MAX_STRING_CHARS:
        return
    refs = Counter(int(i) for i in _SHARED_CELL.findall(xml))
    total = sum(lengths[i] * n for i, n in refs.items() if i < len(lengths))
    if total > MAX_STRING_CHARS:
        raise ReadError(
            f"{STOPPED}工作表「{name}」的单元格引用的文字总量约 {total / 1e6:.0f} MB"
            f"（上限 {MAX_STRING_CHARS / 1e6:.0f} MB），可能是同一段长文字被大量单元格重复引用。"
        )


# --- what calamine does not say ------------------------------------------------------------------
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s([^>]*)>")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])([^>]*)>")
_COL = re.compile(rb"<(?:[\w.-]+:)?col(?=[\s/>])([^>]*)>")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_ERROR_TYPE = re.compile(rb"t\s*=\s*" + _Q + rb"e" + _Q)
_STRING_TYPE = re.compile(rb"t\s*=\s*" + _Q + rb"str" + _Q)
_CELL_START = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])([^>]*)>")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>([^<]*)<")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_FORMULA_TEXT = re.compile(rb"<(?:[\w.-]+:)?f(?:\s[^>]*)?>([^<]*)</")


def _attrs(text: bytes) -> dict[str, str]:
    out = {}
    for key, dq, sq in _ATTR.findall(text):
        out[key.decode("ascii", "replace").rsplit(":", 1)[-1]] = (dq or sq).decode("utf-8", "replace")
    return out


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


def _zero(value: str | None) -> bool:
    try:
        return value is not None and float(value) == 0
    except ValueError:
        return False


def scan_sheet(xml: bytes) -> SheetScan:
    out = SheetScan()
    # Each gate is one byte search (about 20 ms on a 50,000-row sheet); the passes behind them run only
    # on sheets that have the feature. Single-quoted attributes and prefixed tags are rare enough to be
    # looked for only when the file uses them at all.
    # Writers quote attributes one way throughout: the head of the sheet says which.
    quotes = (b'"',) + ((b"'",) if b"='" in xml[:65536] else ())
    plain = _PLAIN_ROOT.match(xml) is not None
    tail = xml.rfind(b"sheetData>")
    at = xml.find(b"mergeCell", max(tail, 0))
    if at >= 0:
        for m in _MERGE.finditer(xml, max(0, at - 64)):
            out.merged_total += 1
            if len(out.merged) >= MAX_MERGED:
                continue
            ref = _attrs(m.group(1)).get("ref", "")
            first, _, last = ref.partition(":")
            a, b = _ref(first), _ref(last or first)
            if a and b:
                out.merged.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
    data = _hidden_cols(xml, out)
    zero_height = _zero_height(xml, data)
    if zero_height or _has_hidden_rows(xml, data):
        _hidden_rows(xml, data, out, zero_height)
        if out.hidden_rows and xml.find(b"autoFilter", max(tail, 0)) >= 0:
            _filtered_rows(xml, max(tail, 0), out)
    if (b"<f" in xml) if plain else _FORMULA.search(xml):
        for m in _FORMULA.finditer(xml):
            _cell_at(xml, m.start(), out)
    if any(q + b"e" + q in xml for q in quotes):
        for m in _ERROR_TYPE.finditer(xml):
            if xml[m.start() - 1 : m.start()].isspace():
                _cell_at(xml, m.start(), out)
    return out


_AUTO_FILTER = re.compile(rb"<(?:[\w.-]+:)?autoFilter\b([^>]*?)(/?)>")


def _filtered_rows(xml: bytes, start: int, out: SheetScan) -> None:
    """Rows an active filter hides (a column of the autoFilter has a condition) are the table's data seen
    through a filter, not drafts kept out of sight: taken from the hidden rows."""
    hit = _AUTO_FILTER.search(xml, start)
    if hit is None or hit.group(2) == b"/":
        return  # a filter with no condition hides nothing
    body_end = xml.find(b"autoFilter>", hit.end())
    if xml.find(b"filterColumn", hit.end(), body_end if body_end >= 0 else len(xml)) < 0:
        return
    first, _, last = _attrs(hit.group(1)).get("ref", "").partition(":")
    a, b = _ref(first), _ref(last or first)
    if not a or not b:
        return
    inside = {r for r in out.hidden_rows if min(a[0], b[0]) < r <= max(a[0], b[0])}
    out.filtered_rows |= inside
    out.hidden_rows -= inside


def _hidden_cols(xml: bytes, out: SheetScan) -> int:
    """Columns hidden or of zero width, from <cols> (before <sheetData>, so a short search); a range
    may span up to XFD, only columns we keep are listed. Returns where <sheetData> starts."""
    data = _SHEET_DATA.search(xml)
    end = data.start() if data else len(xml)
    for m in _COL.finditer(xml, 0, end):
        a = _attrs(m.group(1))
        if _truthy(a.get("hidden")) or _zero(a.get("width")):
            try:
                lo, hi = int(a.get("min", "0")), int(a.get("max", "0"))
            except ValueError:
                continue
            out.hidden_cols.update(range(max(lo, 1) - 1, min(hi, MAX_COLS)))
    return end if data else 0


_HIDDEN_GATE = re.compile(rb"h(?:idden|t\s*=\s*[\"']0)")  # 'h' is rare in sheet XML: a fast search


def _has_hidden_rows(xml: bytes, start: int) -> bool:
    for m in _HIDDEN_GATE.finditer(xml, start):
        if m.group().startswith(b"hidden") or xml[m.start() - 1 : m.start()].isspace():
            return True  # not the tail of right="0.7" or height="0"
    return False


_FORMAT = re.compile(rb"<(?:[\w.-]+:)?sheetFormatPr(?=[\s/>])([^>]*)>")


def _zero_height(xml: bytes, data: int) -> bool:
    """``<sheetFormatPr zeroHeight="1">``: rows are hidden by default, and only those with their own
    height show (Excel writes it when a user hides every unused row below a table). Looked for in the
    head of the sheet only, and parsed only when the word is there."""
    if data <= 0 or xml.find(b"zeroHeight", 0, data) < 0:
        return False
    m = _FORMAT.search(xml, 0, data)
    return m is not None and _truthy(_attrs(m.group(1)).get("zeroHeight"))


def _height(value: str | None) -> float:
    try:
        return float(value) if value is not None else 0.0
    except ValueError:
        return 0.0


def _hidden_rows(xml: bytes, start: int, out: SheetScan, zero_height: bool = False) -> None:
    """Rows hidden="1" or of zero height; with ``zero_height`` also every row without a height of its
    own. Rows the XML leaves out are hidden then too, but they hold no cell, so there is nothing to
    leave out."""
    row = 0
    for m in _ROW.finditer(xml, start):
        a = _attrs(m.group(1))
        try:
            row = int(a["r"]) if "r" in a else row + 1
        except ValueError:
            row += 1
        if row > MAX_ROWS:
            break
        if _truthy(a.get("hidden")) or (_height(a.get("ht")) <= 0 if zero_height else _zero(a.get("ht"))):
            out.hidden_rows.add(row - 1)


def _cell_at(xml: bytes, hit: int, out: SheetScan) -> None:
    """The cell around a <f> or a t="e" at ``hit``: a formula with no <v> was never calculated (the
    reader sees an empty cell); an error cell's <v> is its text (#DIV/0!, #N/A …), which calamine
    gives as empty. The cell's start tag is at most a few tags back."""
    lt = hit + 1
    for _ in range(4):
        lt = xml.rfind(b"<", 0, lt - 1)
        if lt < 0:
            return
        start = _CELL_START.match(xml, lt)
        if start:
            break
    else:
        return
    head = start.group(1)
    if head.endswith(b"/"):
        return
    end = _CELL_END.search(xml, start.end())
    body = xml[start.end() : end.start() if end else len(xml)]
    where = _ref(_attrs(head).get("r", ""))
    if where is None or where[0] >= MAX_ROWS or where[1] >= MAX_COLS:
        return
    value = _VALUE.search(body)
    if _ERROR_TYPE.search(b" " + head):
        if value:
            out.errors[where] = value.group(1).decode("utf-8", "replace").strip()
    elif _FORMULA.search(body) and not (value and (value.group(1) or _STRING_TYPE.search(b" " + head))):
        # openpyxl and other writers that never calculate store <v></v>: as uncached as no <v> at all
        # (an empty *string* result is t="str" with an empty <v>)
        out.uncached_formulas.add(where)
        text = _FORMULA_TEXT.search(body)
        if text and len(text.group(1)) <= 2000:
            out.formula_text[where] = unescape(text.group(1).decode("utf-8", "replace"))
