"""File bytes -> sheets of cell values, with the guards a server needs before it parses anything.

Every reader (summary tables, forms, final accounts) starts here, so file-type sniffing, encodings
and the Chinese messages for unreadable files exist once. The cheap checks (size, type, the zip's
central directory) run here; the parse itself runs in a guarded worker process (``worker.py``) with
memory, CPU and wall-clock limits, so a file that makes a parser abort costs only a message.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from jixiao.fmt import listed as listed_names
from jixiao.ingest import textgrid, worker
from jixiao.ingest.caps import MAX_COLS, MAX_MERGED_CELLS, MAX_ROWS, ReadError
from jixiao.ingest.mhtml import looks_like_mhtml
from jixiao.model import Finding, IngestError

__all__ = ["MAX_COLS", "MAX_ROWS", "Sheet", "check_zip", "decode_text", "load_sheets", "sniff_kind"]

MAX_BYTES = 20 * 1024 * 1024
# A real xlsx compresses about 5-10x; more than this is a zip bomb, refused without inflating it.
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUFFIXES = (*EXCEL_SUFFIXES, ".csv", ".tsv", ".txt", ".xml")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream a .doc holds in its OLE directory; a .xls holds "Workbook" (Excel 97+) or "Book" (Excel 5).
_LEGACY_WORD, _EXCEL_BOOK = "WordDocument".encode("utf-16-le"), "Book".encode("utf-16-le")
ASK = "请上传 Excel（.xlsx/.xlsm/.xls）或 CSV 文件。"


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # rows[r][c]; "" for an empty cell; every row padded to the same width
    # merged ranges as (first_row, first_col, last_row, last_col), 0-based inclusive
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was cut (caps), said to the user
    #: Rows hidden in Excel (0-based indices into ``rows``): ``hidden="1"``, zero height, or inside a
    #: collapsed outline group. Filled for .xlsx and SpreadsheetML 2003; empty for CSV, HTML and .xls.
    hidden_rows: frozenset[int] = frozenset()
    #: Columns hidden in Excel (0-based): ``hidden="1"`` or zero width. Same sources as hidden_rows.
    hidden_cols: frozenset[int] = frozenset()
    #: Cells holding a formula that was never calculated (no cached value: the file was written by a
    #: program that does not compute, e.g. openpyxl). ``rows`` has "" there; the value is unknown,
    #: not blank. (row, col), 0-based.
    uncached_formulas: frozenset[tuple[int, int]] = frozenset()
    #: Error cells by position, with their text ("#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?",
    #: "#NUM!", "#NULL!"); the same text is in ``rows``, so a reader that quotes a cell quotes it.
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The sheet itself is hidden (workbook.xml ``state="hidden"`` or ``"veryHidden"``): an old year or
    #: a backup copy kept beside the sheet people see. Filled for .xlsx only.
    hidden: bool = False
    #: Formulas stored without a result that were worked out from the sheet (plain arithmetic, SUM,
    #: ROUND): (row, col) -> the formula; ``rows`` holds the value. Filled for .xlsx only.
    computed_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Rows hidden by an active filter (0-based): read as data — the filter is a view — and said.
    filtered_rows: frozenset[int] = frozenset()
    #: A Word document's title (its first short paragraph), on each of its tables: a 决算 report may
    #: state its year there only ("某单位2023年度部门决算" over tables titled "一、收入支出决算总表").
    document_title: str = ""

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def _suffix(filename: str) -> str:
    name = filename.lower().strip()
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


# Formats recognised by their first bytes and refused by name.
_REFUSED_MAGIC = (
    (b"%PDF", "这是 PDF 文件，不是电子表格。"),
    (b"\x89PNG", "这是 PNG 图片，不是电子表格。"),
    (b"\xff\xd8\xff", "这是 JPEG 图片，不是电子表格。"),
    (b"Rar!", "这是 RAR 压缩包，请解压后上传其中的表格文件。"),
    (b"7z\xbc\xaf", "这是 7z 压缩包，请解压后上传其中的表格文件。"),
    (b"\x1f\x8b", "这是 gzip 压缩文件，请解压后上传其中的表格文件。"),
    (b"{\\rtf", "这是 RTF 文档，不是电子表格。"),
)


def sniff_kind(data: bytes, filename: str) -> str:
    """'xlsx', 'xls', 'html', 'mhtml', 'xml2003' or 'csv' from the bytes themselves; the file name only breaks
    ties. A format still refused gets a message naming it."""
    if not data:
        raise IngestError("文件是空的（0 字节），请重新导出后再上传。")
    suffix = _suffix(filename)
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE_MAGIC:
        if (
            b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e"
            in data[:2_000_000]
        ):
            raise IngestError(
                "工作簿设置了打开密码（已加密），无法读取。请在 Excel/WPS 中取消密码后另存再上传。"
            )
        if _LEGACY_WORD in data[:2_000_000] and _EXCEL_BOOK not in data[:2_000_000]:
            raise IngestError(
                "这是旧版 Word 文档（.doc），无法直接读取。请在 Word/WPS 中另存为 .docx（读取其中的表格），"
                "或把表格复制到 Excel 另存为 .xlsx 后再上传。"
            )
        return "xls"
    if looks_like_mhtml(data):
        return "mhtml"  # Excel's "单个文件网页", often under an .xls name
    for magic, what in _REFUSED_MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{what}{ASK}")
    markup = _markup(data)
    if markup:
        return markup
    if suffix in (".docx", ".doc", ".pptx", ".ppt", ".pdf", ".png", ".jpg", ".jpeg", ".zip", ".rar"):
        raise IngestError(f"不支持 {suffix} 文件。{ASK}")
    if suffix in (".xlsx", ".xlsm"):
        raise IngestError("文件扩展名是 Excel，但内容不是有效的 Excel 工作簿（文件可能已损坏或被截断）。")
    if suffix == ".xls" and not _looks_like_text(data):
        raise IngestError("文件扩展名是 .xls，但内容不是有效的 Excel 工作簿（文件可能已损坏）。")
    if _looks_like_text(data):
        return "csv"
    if suffix in (".csv", ".txt", ".tsv") and b"\x00" not in data[:4096]:
        return "csv"  # text in an encoding not read: the CSV reader says which line, not "unknown type"
    raise IngestError(f"无法识别的文件类型。{ASK}")


def _markup(data: bytes) -> str | None:
    """'html' for a web page, 'xml2003' for SpreadsheetML; any other XML is refused by name."""
    try:
        head = textgrid.decode_text(data[:4096], strict_tail=False)
    except ReadError:
        return None
    text = head.lstrip("\ufeff \t\r\n").lower()
    if not text.startswith("<"):
        return None
    if "urn:schemas-microsoft-com:office:spreadsheet" in text or "<workbook" in text:
        return "xml2003"
    if any(tag in text for tag in ("<html", "<table", "<!doctype html", "<meta", "<body")):
        return "html"
    if text.startswith("<?xml"):
        raise IngestError(f"这是一个 XML 文件，但不是 Excel 2003 XML 表格（SpreadsheetML），无法读取。{ASK}")
    return None


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if (
        b"\x00" in sample
        and not sample.startswith((b"\xff\xfe", b"\xfe\xff"))
        and not textgrid.bomless_utf16(data)
    ):
        return False
    try:
        decode_text(sample, strict_tail=False)
    except IngestError:
        return False
    return True


def decode_text(data: bytes, strict_tail: bool = True) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, then GB18030 (a superset of GBK, what Excel
    saves on Chinese Windows)."""
    try:
        return textgrid.decode_text(data, strict_tail)
    except ReadError as exc:
        raise IngestError(exc.message) from None


# What a damaged archive can raise from the standard library's zipfile and zlib.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    struct.error,
)

_OTHER_ZIPS = (
    ("word/", "这是 Word 文档（.docx），不是电子表格。"),
    ("ppt/", "这是 PowerPoint 演示文稿（.pptx），不是电子表格。"),
    ("xl/workbook.bin", "这是 Excel 二进制工作簿（.xlsb），暂不支持，请另存为 .xlsx 后再上传。"),
)


def check_zip(data: bytes, *, kind: str = "xlsx") -> str:
    """Refuse broken archives and zip bombs from the central directory alone, before inflating.
    ``kind`` 'xlsx' or 'docx' picks the words of the messages and the part the package must have.
    Returns what the package is: 'xlsx', or 'docx' for a Word document (whose tables an 'xlsx' caller
    may read)."""
    word = kind == "docx"
    what = "Word 文件" if word else "Excel 文件"
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        raise IngestError(f"{what}已损坏（压缩包结构不完整），无法打开。请重新保存或导出后再上传。") from exc
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "mimetype" in names and "[Content_Types].xml" not in names:
            raise IngestError(
                "这是 OpenDocument 文件（.ods/.odt，WPS/LibreOffice 格式），暂不支持。"
                + ("请另存为 .docx 后再上传。" if word else "请另存为 .xlsx 后再上传。")
            )
        if "[Content_Types].xml" not in names:
            raise IngestError(
                "压缩包不是 Word 文档（缺少文档结构）。请上传 .docx 或 .txt 文件。"
                if word
                else f"压缩包不是 Excel 工作簿（缺少工作簿结构）。{ASK}"
            )
        found = "xlsx"
        if not word and not any(n.startswith("xl/") and n.endswith(".xml") for n in names):
            if "word/document.xml" in names:
                found = "docx"
            for prefix, message in _OTHER_ZIPS:
                if found == "xlsx" and any(n.startswith(prefix) for n in names):
                    raise IngestError(message if prefix.startswith("xl/") else message + ASK)
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
            what = "Word 文件" if found == "docx" else what
            raise IngestError(
                f"{what}解压后约 {total / 1024 / 1024:.0f} MB，压缩比异常（{total / packed:.0f} 倍），"
                "疑似“压缩炸弹”，已拒绝读取。"
            )
    return "docx" if word else found


def load_sheets(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> list[Sheet]:
    """Every sheet of a workbook, or the one 'sheet' of a CSV. Raises IngestError with a Chinese message."""
    if len(data) > max_bytes:
        raise IngestError(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {max_bytes / 1024 / 1024:.0f} MB。"
        )
    kind = sniff_kind(data, filename)
    if kind == "xlsx" and check_zip(data) == "docx":
        kind = "docx_tables"  # a Word document: its tables are the sheets
    try:
        raw = worker.run(kind, data, filename)
    except ReadError as exc:
        raise IngestError(exc.message) from None
    sheets = [_sheet(*r) for r in raw]
    if not any(s.rows for s in sheets):
        raise IngestError("文件里没有任何数据（所有工作表都是空的）。")
    return sheets


def read_docx_text(data: bytes) -> str:
    """A .docx's text (paragraphs, then table rows), through the same zip checks and worker."""
    if len(data) > MAX_BYTES:
        raise IngestError(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {MAX_BYTES // 1024 // 1024} MB。"
        )
    check_zip(data, kind="docx")
    try:
        return worker.run("docx", data, "document.docx")
    except ReadError as exc:
        raise IngestError(exc.message) from None


def _sheet(name, rows, merged, notes, facts) -> Sheet:
    rows = _pad(rows)
    height = len(rows)
    width = len(rows[0]) if rows else 0
    return Sheet(
        name=name,
        rows=rows,
        merged=_clip_merged(merged, rows),
        notes=notes,
        hidden_rows=frozenset(r for r in facts.get("hidden_rows", ()) if r < height),
        hidden_cols=frozenset(c for c in facts.get("hidden_cols", ()) if c < width),
        uncached_formulas=frozenset(
            (r, c) for r, c in facts.get("uncached_formulas", ()) if r < height and c < width
        ),
        errors={k: v for k, v in facts.get("errors", {}).items() if k[0] < height and k[1] < width},
        hidden=bool(facts.get("sheet_hidden", False)),
        computed_formulas={
            k: v for k, v in facts.get("computed_formulas", {}).items() if k[0] < height and k[1] < width
        },
        filtered_rows=frozenset(r for r in facts.get("filtered_rows", ()) if r < height),
        document_title=str(facts.get("document_title", "")),
    )


def split_hidden(sheets: list[Sheet]) -> tuple[list[Sheet], list[Sheet]]:
    """(the sheets people see, the hidden sheets that hold anything). Readers of forms and figures
    read the hidden ones only when the visible ones give nothing."""
    shown = [s for s in sheets if not getattr(s, "hidden", False)]
    return shown, [s for s in sheets if getattr(s, "hidden", False) and s.rows]


def hidden_sheets_finding(names: list[str], *, used: bool, what: str) -> Finding:
    """Hidden sheets passed over (info), or read because no visible sheet held ``what`` (warning)."""
    listed = listed_names(names, 8, quoted=True)
    if used:
        return Finding(
            "warning",
            "HIDDEN_SHEET_READ",
            f"工作表{listed}",
            f"未隐藏的工作表里没有找到{what}，读取了隐藏的工作表{listed}。"
            "隐藏的工作表常是往年的数据或备份，请确认它就是要分析的内容。",
        )
    return Finding(
        "info", "HIDDEN_SHEET_SKIPPED", f"工作表{listed}", f"工作表{listed}是隐藏的工作表，未读取。"
    )


def _clip_merged(merged, rows: list[list[Any]]) -> list[tuple[int, int, int, int]]:
    """Merged ranges inside the grid only (a damaged file can declare them anywhere), and none so
    large that filling it would cost more than reading the sheet. Ranges that do not overlap cover at
    most the grid: beyond that they overlap (Excel refuses such a file), and 5,000 ranges over the same
    100,000 cells cost the readers seconds of filling; the first ranges are kept."""
    height, width = len(rows), len(rows[0]) if rows else 0
    room = height * width
    out = []
    for r0, c0, r1, c1 in merged:
        if not (0 <= r0 < height and 0 <= c0 < width and r1 >= r0 and c1 >= c0):
            continue
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        area = (r1 - r0 + 1) * (c1 - c0 + 1)
        if area <= MAX_MERGED_CELLS and area <= room:
            out.append((r0, c0, r1, c1))
            room -= area
    return out


def _pad(rows: list[list[Any]]) -> list[list[Any]]:
    # Trailing empty rows carry nothing and cost time on a 50,000-row sheet.
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        return rows
    lengths = list(map(len, rows))  # counted in C: calamine's grid is nearly always even already
    width = max(lengths)
    if min(lengths) == width:
        return rows
    return [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
