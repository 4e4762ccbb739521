"""Excel sheets written a row at a time through XlsxWriter, for the report workbooks of xlsx.py.

A province-wide table is a million styled cells. openpyxl built every cell as an object (200,000 rows:
117 s and 2.4 GB); in its write-only mode the memory went but not the time, most of it openpyxl's own
per-cell work. XlsxWriter (already installed: python-pptx writes its chart data with it) streams each
row to a temporary file and writes the same cells three to four times as fast (bench/exports.py).

The styles stay openpyxl objects (the module constants of xlsx.py, which the tests and the monitor's
workbook use too) and are translated once per combination into an XlsxWriter format. Text is always
written as text: formula-like text carries Excel's quote prefix, as jixiao.safe_text does for openpyxl.
"""

from __future__ import annotations

import io
import math
from typing import Any

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from jixiao.fmt import is_missing
from jixiao.safe_text import XLSXWRITER_TEXT_OPTIONS, clean_text, looks_like_formula

COMMENT_AUTHOR = "绩效看板"
_COMMENT = {"author": COMMENT_AUTHOR, "width": 320, "height": 140}
_VERTICAL = {"top": "top", "center": "vcenter", "bottom": "bottom"}
_BORDER_STYLES = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6}
_STRMAX = 32767  # Excel's longest cell text, in UTF-16 units

# A row is written as its XML in one piece (see Rows.append) through these parts of XlsxWriter's
# constant-memory writer; without them (another XlsxWriter) every cell goes through write_string /
# write_number as before, which gives the same file three to four times slower.
_RAW = all(
    hasattr(Worksheet, name)
    for name in ("_write_single_row", "_check_dimensions", "_escape_control_characters")
)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def text_xml(text: str) -> str:
    """``text`` as XlsxWriter writes an in-line string's <is> content in constant-memory mode."""
    if len(text) > _STRMAX // 2 and _utf16_len(text) > _STRMAX:
        text = _utf16_truncate(text, _STRMAX)
    text = Worksheet._escape_control_characters(text).translate(_ESCAPES)
    if _preserve_whitespace(text):
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


def _color(c: Any) -> str | None:
    rgb = getattr(c, "rgb", None)
    return f"#{rgb[-6:]}" if isinstance(rgb, str) and len(rgb) >= 6 else None


def _props(number_format, alignment, fill, font, border, quote: bool) -> dict[str, Any]:
    """An XlsxWriter format's properties from openpyxl style objects."""
    p: dict[str, Any] = {}
    if number_format:
        p["num_format"] = number_format
    if alignment is not None:
        if alignment.vertical in _VERTICAL:
            p["valign"] = _VERTICAL[alignment.vertical]
        if alignment.horizontal:
            p["align"] = alignment.horizontal
        if alignment.wrap_text:
            p["text_wrap"] = True
    if fill is not None and fill.fill_type == "solid" and _color(fill.fgColor):
        p.update(pattern=1, bg_color=_color(fill.fgColor))
    if font is not None:
        if font.b:
            p["bold"] = True
        if font.sz:
            p["font_size"] = float(font.sz)
        if _color(font.color):
            p["font_color"] = _color(font.color)
    if border is not None:
        for side in ("top", "bottom", "left", "right"):
            s = getattr(border, side)
            if s is not None and s.style in _BORDER_STYLES:
                p[side] = _BORDER_STYLES[s.style]
                if _color(s.color):
                    p[f"{side}_color"] = _color(s.color)
    if quote:
        p["quote_prefix"] = True
    return p


class Book:
    """One workbook; ``close`` gives its bytes."""

    def __init__(self) -> None:
        self._buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self._buf, {"constant_memory": True, **XLSXWRITER_TEXT_OPTIONS})
        self._formats: dict[tuple, tuple] = {}
        self.raw = _RAW  # rows written as XML in one piece (Rows); False: cell by cell through XlsxWriter
        self.sheets: list[Rows] = []
        self.xf: dict[Any, str] = {None: ""}  # format → its ' s="N"' attribute
        self.texts: dict[str, str] = {}  # short text → its <t> element

    def format(self, number_format, alignment, fill, font, border, quote: bool):
        # keyed by identity: the style objects are module constants, kept alive here with their ids
        key = (number_format, id(alignment), id(fill), id(font), id(border), quote)
        known = self._formats.get(key)
        if known is None:
            props = _props(number_format, alignment, fill, font, border, quote)
            known = (self.wb.add_format(props) if props else None, alignment, fill, font, border)
            self._formats[key] = known
        return known[0]

    def close(self) -> bytes:
        # the rows held back, sheet by sheet, as XlsxWriter writes the rows it holds when it closes
        for rows in self.sheets:
            rows.flush()
            if self.raw:
                rows.ws._write_single_row(rows.ws.previous_row + 1)
        self.wb.close()
        return self._buf.getvalue()


class Cell:
    __slots__ = ("comment", "format", "value")

    def __init__(self, value: Any, fmt: Any, comment: str | None) -> None:
        self.value, self.format, self.comment = value, fmt, comment


def clean_value(value: Any) -> Any:
    """``value`` as the product writes it: text stays text (XML-safe), booleans are 是/否, a missing or
    non-finite number is None (an empty cell)."""
    if value.__class__ is str:
        return clean_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class _Letters(dict):
    """Column letters by 0-based index ("A", …, "AA"), made once each."""

    def __missing__(self, j: int) -> str:
        self[j] = xl_col_to_name(j)
        return self[j]


class Rows:
    """A sheet written a row at a time. ``freeze`` is the first cell that scrolls ("C2").

    Each row is written as XML in one piece (XlsxWriter's own cell-by-cell writer spent most of the
    time of a large sheet), one row late, as XlsxWriter's constant-memory writer does: styles get their
    index in the order XlsxWriter would give it, so the file is the one ``write_string`` /
    ``write_number`` would write, byte for byte (tests/test_export_speed_equivalence.py). A header row
    (with its height) still goes through XlsxWriter."""

    def __init__(self, book: Book, title: str, widths: list[float] | None = None, freeze: str | None = None):
        self.book = book
        self.ws = book.wb.add_worksheet(title)
        self.count = 0  # rows written
        self._letters = _Letters()
        self._pending: tuple[int, list[Cell]] | None = None  # the row written when the next one comes
        book.sheets.append(self)
        for j, w in enumerate(widths or []):
            self.ws.set_column(j, j, w)
        if freeze:
            self.ws.freeze_panes(freeze)

    def cell(
        self, value: Any, number_format=None, alignment=None, fill=None, font=None, border=None, comment=None
    ) -> Cell:
        """``value`` as clean_value makes it, with its style; the number format only on a number."""
        value = clean_value(value)
        number = value is not None and not isinstance(value, str)
        quote = isinstance(value, str) and looks_like_formula(value)
        fmt = self.book.format(number_format if number else None, alignment, fill, font, border, quote)
        return Cell(value, fmt, comment)

    def append(self, cells: list[Cell]) -> int:
        """Write the next row; its 1-based number."""
        self.flush()
        if self.book.raw and self.count not in self.ws.row_info:
            self._pending = (self.count, cells)
        else:
            self._append_cells(cells)  # XlsxWriter holds the row until the next one starts
        self.count += 1
        return self.count

    def append_columns(
        self, values: list[list[Any]], formats: list[list[Any]], comments: dict[tuple[int, int], str]
    ) -> int:
        """Write len(values[0]) rows at once, given column by column: each cell's value (as
        clean_value makes it) and XlsxWriter format (None: no style); ``comments`` by (row in the
        batch, column). Same file as appending the rows one by one; the 1-based number of the last."""
        n = len(values[0]) if values else 0
        if not n:
            return self.count
        if not self.book.raw:
            for i in range(n):
                self.append(
                    [Cell(v[i], f[i], comments.get((i, j))) for j, (v, f) in enumerate(zip(values, formats))]
                )
            return self.count
        self.flush()
        last = [Cell(v[-1], f[-1], comments.get((n - 1, j))) for j, (v, f) in enumerate(zip(values, formats))]
        if n > 1:
            self._write_columns([v[:-1] for v in values], [f[:-1] for f in formats], comments)
        self.count += n - 1
        return self.append(last)

    def _write_columns(self, values, formats, comments) -> None:
        ws, r0, n = self.ws, self.count, len(values[0])
        if r0 > ws.previous_row:
            ws._write_single_row(r0)  # the row XlsxWriter still holds (a header) goes first
        xf = self.book.xf
        for row in zip(*formats):  # style indexes in cell order, as XlsxWriter gives them
            for f in row:
                if f not in xf:
                    xf[f] = f' s="{f._get_xf_index()}"'
        refs = [str(r) for r in range(r0 + 1, r0 + n + 1)]
        columns, used = [], []
        for j, (vals, fmts) in enumerate(zip(values, formats)):
            letter = self._letters[j]
            col = [
                f'<c r="{letter}{ref}"{xf[f]}><v>{v:.16G}</v></c>'
                if v.__class__ is float
                else self._cell_xml(letter + ref, v, xf[f], f is None)
                for v, f, ref in zip(vals, fmts, refs)
            ]
            columns.append(col)
            if any(col):
                used.append(j)
        for (i, j), text in sorted(comments.items()):
            if i < n:
                ws.write_comment(r0 + i, j, text, _COMMENT)
        if used:
            ws._check_dimensions(r0, used[0])
            ws._check_dimensions(r0 + n - 1, used[-1])
        write, chunk = ws.fh.write, []
        for ref, parts in zip(refs, zip(*columns)):
            cells = "".join(parts)
            if cells:
                chunk.append(f'<row r="{ref}">{cells}</row>')
            if len(chunk) >= 4096:
                write("".join(chunk))
                chunk.clear()
        write("".join(chunk))
        ws.previous_row = r0 + n  # these rows are written: XlsxWriter has nothing of them to flush

    def _cell_xml(self, ref: str, v: Any, s: str, bare: bool) -> str:
        if v is None:
            return "" if bare else f'<c r="{ref}"{s}/>'
        if v.__class__ is not str and not isinstance(v, str):
            return f'<c r="{ref}"{s}><v>{v:.16G}</v></c>'
        t = self.book.texts.get(v)
        if t is None:
            t = text_xml(v)
            if len(v) <= 40:  # names of units, grades, 是/否: the same few texts over and over
                self.book.texts[v] = t
        return f'<c r="{ref}"{s} t="inlineStr"><is>{t}</is></c>'

    def flush(self) -> None:
        """Write the row held back (each row is written when the next one comes, or at close)."""
        if self._pending is None:
            return
        r, cells = self._pending
        self._pending = None
        count, self.count = self.count, r
        self._write_columns(
            [[c.value] for c in cells],
            [[c.format] for c in cells],
            {(0, j): c.comment for j, c in enumerate(cells) if c.comment},
        )
        self.count = count

    def _append_cells(self, cells: list[Cell]) -> None:
        r, ws = self.count, self.ws
        for j, c in enumerate(cells):
            if c.value is None:
                if c.format is not None:
                    ws.write_blank(r, j, None, c.format)
            elif isinstance(c.value, str):
                ws.write_string(r, j, c.value, c.format)
            else:
                ws.write_number(r, j, c.value, c.format)
            if c.comment:
                ws.write_comment(r, j, c.comment, _COMMENT)

    def header(self, headers: list[str], alignment, fill, font) -> int:
        self.ws.set_row(self.count, 36)
        return self.append([self.cell(h, None, alignment, fill, font) for h in headers])

    def autofilter(self, ref: str) -> None:
        self.ws.autofilter(ref)
