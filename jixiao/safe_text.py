"""Text from a user's file stays text wherever the product writes or shows it.

One place for both directions: every workbook the product writes stores formula-like text
(``=HYPERLINK(…)``, ``+1``, ``-cmd``, ``@SUM``) as a string with Excel's quote prefix, and every
message that quotes a file name, sheet name or cell is escaped so Markdown (and the HTML it allows)
shows it literally. The writers are jixiao/export/xlsx.py, the PPTX's embedded chart workbooks
(jixiao/export/pptx_blocks.py), the generated 汇总表 (jixiao/forms/rollup.py), the 决算 template
(jixiao/final_accounts/template.py) and the blank template (components/template.py); the pages use
``md_escape`` (re-exported by components/widgets.py).
"""

from __future__ import annotations

import re
from typing import Any

from jixiao.fmt import is_missing

# What Excel, LibreOffice and WPS treat as the start of a formula when a cell is typed or imported
# (tab and CR as well: a CSV round trip turns them into the start of a cell).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 cannot hold (a CSV cell may carry them); every file the product writes is XML
# inside a zip, and openpyxl would refuse the whole workbook for one of them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# XlsxWriter (which python-pptx uses for a chart's embedded workbook) turns "=…" into a formula and
# "http://…" into a hyperlink by default.
XLSXWRITER_TEXT_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def xml_text(x: object) -> str:
    return NOT_XML.sub("", str(x))


clean_text = xml_text


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def set_text(cell: Any, text: str) -> Any:
    """Put ``text`` into an openpyxl cell as a string, never a formula."""
    text = clean_text(text)
    cell.value = text
    if looks_like_formula(text):
        # openpyxl made it a formula ('f') on assignment; 's' writes it as a string, and the quote
        # prefix keeps Excel from re-reading it as a formula when the cell is edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_cell(ws: Any, row: int, column: int, value: Any, number_format: str | None = None) -> Any:
    """Write one value into an openpyxl worksheet. Strings are always strings; booleans are 是/否;
    missing values leave the cell empty."""
    return _put(ws.cell(row=row, column=column), value, number_format)


def _put(cell: Any, value: Any, number_format: str | None = None) -> Any:
    if value is None or (not isinstance(value, str) and is_missing(value)):
        cell.value = None
        return cell
    if isinstance(value, bool):
        cell.value = "是" if value else "否"
        return cell
    if isinstance(value, str):
        return set_text(cell, value)
    cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def text_only(wb: Any) -> Any:
    """Make every string cell of an openpyxl workbook a string (run just before saving a workbook
    built with ``ws.append`` or ``ws.cell(value=…)``). The product writes no formulas of its own."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    set_text(cell, cell.value)
    return wb


# --- shown on a page ------------------------------------------------------------------------------
# Characters that start Markdown or Streamlit syntax anywhere in a line (emphasis, code, links, HTML,
# tables, strikethrough, :color[...] directives, LaTeX) and the autolinks GFM finds in plain text
# ("http://…" needs its ':', "a@b.cn" its '@', "www.x.cn" its first '.'). Newlines become spaces,
# so block syntax (lists, headings) can only start at the very beginning, handled separately.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~:$^@])")
_MD_WWW = re.compile(r"(www)\.", re.IGNORECASE)
_MD_LIST_START = re.compile(r"^(\s*)([-+=])")
_MD_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")


def md_escape(text: object) -> str:
    """Backslash-escape text from a user's file so Markdown shows it literally: no link, image, HTML
    tag, emphasis, directive or list comes alive, whatever the text says."""
    s = _MD_INLINE.sub(r"\\\1", " ".join(str(text).splitlines()))
    s = _MD_WWW.sub(r"\1\\.", s)
    s = _MD_LIST_START.sub(lambda mt: mt.group(1) + "\\" + mt.group(2), s)
    return _MD_ORDERED_START.sub(lambda mt: mt.group(1) + "\\" + mt.group(2), s)
