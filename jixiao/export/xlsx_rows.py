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

from jixiao.fmt import is_missing
from jixiao.safe_text import XLSXWRITER_TEXT_OPTIONS, clean_text, looks_like_formula

COMMENT_AUTHOR = "绩效看板"
_COMMENT = {"author": COMMENT_AUTHOR, "width": 320, "height": 140}
_VERTICAL = {"top": "top", "center": "vcenter", "bottom": "bottom"}
_BORDER_STYLES = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6}


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
        self.wb.close()
        return self._buf.getvalue()


class Cell:
    __slots__ = ("comment", "format", "value")

    def __init__(self, value: Any, fmt: Any, comment: str | None) -> None:
        self.value, self.format, self.comment = value, fmt, comment


class Rows:
    """A sheet written a row at a time. ``freeze`` is the first cell that scrolls ("C2")."""

    def __init__(self, book: Book, title: str, widths: list[float] | None = None, freeze: str | None = None):
        self.book = book
        self.ws = book.wb.add_worksheet(title)
        self.count = 0  # rows written
        for j, w in enumerate(widths or []):
            self.ws.set_column(j, j, w)
        if freeze:
            self.ws.freeze_panes(freeze)

    def cell(
        self, value: Any, number_format=None, alignment=None, fill=None, font=None, border=None, comment=None
    ) -> Cell:
        """``value`` as the product writes it: text stays text, booleans are 是/否, a missing or
        non-finite number is an empty cell; the number format only on a number."""
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif value is None or (not isinstance(value, str) and is_missing(value)):
            value = None
        elif isinstance(value, str):
            value = clean_text(value)
        elif isinstance(value, float) and not math.isfinite(value):
            value = None
        number = value is not None and not isinstance(value, str)
        quote = isinstance(value, str) and looks_like_formula(value)
        fmt = self.book.format(number_format if number else None, alignment, fill, font, border, quote)
        return Cell(value, fmt, comment)

    def append(self, cells: list[Cell]) -> int:
        """Write the next row; its 1-based number."""
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
        self.count += 1
        return self.count

    def header(self, headers: list[str], alignment, fill, font) -> int:
        self.ws.set_row(self.count, 36)
        return self.append([self.cell(h, None, alignment, fill, font) for h in headers])

    def autofilter(self, ref: str) -> None:
        self.ws.autofilter(ref)
