"""A web archive (.mht / .mhtml, Excel's "单个文件网页") — what some systems' "导出 Excel" sends under an
.xls name: a MIME message whose HTML parts hold the tables. Each sheet's page is read as an HTML table
(``htmltable``); Excel's workbook page names the sheets (``<x:Name>`` beside ``<x:WorksheetSource>``).
Runs inside the guarded worker (stdlib email, lxml, no pandas).
"""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

from jixiao.ingest.caps import MAX_SHEETS, ReadError
from jixiao.ingest.htmltable import read_html_text

_SHEET_NAME = re.compile(
    r"<x:Name>\s*([^<]+?)\s*</x:Name>\s*<x:WorksheetSource\s+HRef=(?:3D)?[\"']?([^\"'\s>]+)", re.I
)
# Excel's helper pages: the sheet tabs, the frame set, the list of parts — not tables of data
_HELPER = re.compile(r"(tabstrip|filelist|frame|header)\.html?$", re.I)
BROKEN = "文件是网页存档（.mht，“单个文件网页”），但结构异常，无法解析。请在 Excel/WPS 中打开后另存为 .xlsx 再上传。"
NO_TABLES = (
    "文件是网页存档（.mht，“单个文件网页”），但里面没有表格。请在 Excel/WPS 中打开后另存为 .xlsx 再上传。"
)


def looks_like_mhtml(data: bytes) -> bool:
    head = data[:4096].decode("latin-1").lower()
    return "mime-version:" in head and "multipart/" in head


def _base(location: str) -> str:
    return location.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _pages(data: bytes) -> list[tuple[str, str]]:
    """(part location, HTML text) of every HTML part, in order."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        parts = list(message.walk())
    except Exception as exc:  # lenient as the parser is, parts nested thousands deep exhaust its recursion
        raise ReadError(BROKEN) from exc
    pages = []
    for part in parts:
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = (part.get_content_charset() or "").lower()
        if charset in ("gb2312", "gbk", "x-gbk"):
            charset = "gb18030"
        try:
            text = payload.decode(charset or "utf-8")
        except (LookupError, UnicodeDecodeError):
            text = payload.decode("gb18030", "replace")
        pages.append((str(part.get("Content-Location", "")), text))
    return pages


def read_mhtml(data: bytes) -> list[tuple[str, list[list[Any]], list, list[str], dict]]:
    pages = _pages(data)
    names = {_base(href): name for page in pages for name, href in _SHEET_NAME.findall(page[1])}
    sheets: list[tuple[str, list[list[Any]], list, list[str], dict]] = []
    for location, text in pages:
        if _HELPER.search(location) or "<table" not in text.lower():
            continue
        if len(sheets) >= MAX_SHEETS:
            sheets[0][3].insert(0, f"网页存档里的表格超过 {MAX_SHEETS} 个，只读取了前 {MAX_SHEETS} 个。")
            break
        try:
            found = read_html_text(text)
        except ReadError:
            continue
        own = names.get(_base(location))
        for k, (name, rows, merged, notes, facts) in enumerate(found):
            if own:
                name = own if len(found) == 1 else f"{own}·表{k + 1}"
            else:
                name = f"表{len(sheets) + 1}"
            sheets.append((name, rows, merged, notes, facts))
    if not sheets:
        raise ReadError(NO_TABLES)
    if len(sheets) == 1 and not names:
        sheets[0] = ("Sheet1", *sheets[0][1:])
    return sheets[:MAX_SHEETS]  # a page of several tables may pass the count
