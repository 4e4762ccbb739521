"""File bytes -> sheets of cell values, with the guards a server needs before it parses anything.

Every reader (summary tables, forms, final accounts) starts here, so file-type sniffing, encodings
and the Chinese messages for unreadable files exist once.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from jixiao.ingest import excel
from jixiao.ingest.excel import MAX_COLS, MAX_ROWS
from jixiao.model import IngestError

MAX_BYTES = 20 * 1024 * 1024
# A real xlsx compresses about 5-10x; more than this is a zip bomb, refused without inflating it.
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUFFIXES = (*EXCEL_SUFFIXES, ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # rows[r][c]; "" for an empty cell; every row padded to the same width
    # merged ranges as (first_row, first_col, last_row, last_col), 0-based inclusive
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was cut (caps), said to the user

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def _suffix(filename: str) -> str:
    name = filename.lower().strip()
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def sniff_kind(data: bytes, filename: str) -> str:
    """'xlsx', 'xls' or 'csv' from the bytes themselves; the file name only breaks ties."""
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
        return "xls"
    if head.startswith(b"%PDF"):
        raise IngestError("这是 PDF 文件，不是电子表格。请上传 Excel（.xlsx/.xls）或 CSV 文件。")
    if suffix in (".docx", ".doc", ".pptx", ".ppt", ".pdf", ".png", ".jpg", ".jpeg", ".zip", ".rar", ".txt"):
        raise IngestError(f"不支持 {suffix} 文件。请上传 Excel（.xlsx/.xlsm/.xls）或 CSV 文件。")
    if suffix in (".xlsx", ".xlsm"):
        raise IngestError("文件扩展名是 Excel，但内容不是有效的 Excel 工作簿（文件可能已损坏或被截断）。")
    if suffix == ".xls" and not _looks_like_text(data):
        raise IngestError("文件扩展名是 .xls，但内容不是有效的 Excel 工作簿（文件可能已损坏）。")
    if _looks_like_text(data):
        return "csv"
    raise IngestError("无法识别的文件类型。请上传 Excel（.xlsx/.xlsm/.xls）或 CSV 文件。")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    try:
        decode_text(sample, strict_tail=False)
    except IngestError:
        return False
    return True


def decode_text(data: bytes, strict_tail: bool = True) -> str:
    """UTF-8 (with or without BOM), then GB18030 (a superset of GBK, what Excel saves on Chinese Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            # A sample cut in the middle of a multi-byte character is still that encoding.
            if not strict_tail and exc.start >= len(data) - 3:
                return data[: exc.start].decode(encoding)
    raise IngestError("CSV 文件的编码无法识别（不是 UTF-8 或 GBK）。请在 Excel 中另存为“CSV UTF-8”后再上传。")


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


def check_zip(data: bytes) -> None:
    """Refuse broken archives and zip bombs from the central directory alone, before inflating."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        raise IngestError(
            "Excel 文件已损坏（压缩包结构不完整），无法打开。请重新保存或导出后再上传。"
        ) from exc
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names:
            raise IngestError(
                "压缩包不是 Excel 工作簿（缺少工作簿结构）。请上传 .xlsx/.xlsm/.xls 或 CSV 文件。"
            )
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
            raise IngestError(
                f"工作簿解压后约 {total / 1024 / 1024:.0f} MB，压缩比异常（{total / packed:.0f} 倍），"
                "疑似“压缩炸弹”，已拒绝读取。"
            )


_CELL_COL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_FAR_COL = re.compile(rb'<c r="(?:[A-Z]{3}|[H-Z][A-Z]|G[S-Z])[0-9]')  # a column right of GR (200)
_ROW_NUM = re.compile(rb'<row r="([0-9]{1,7})"')
MAX_GRID_CELLS = 10_000_000  # calamine holds a sheet as a dense grid from its first to its last cell


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_extent(data: bytes) -> None:
    try:
        _check_extent(data)
    except ZIP_ERRORS as exc:
        raise IngestError(
            "Excel 文件已损坏（压缩数据无法解开），无法打开。请重新保存或导出后再上传。"
        ) from exc


def _check_extent(data: bytes) -> None:
    """Refuse a sheet whose cells span a grid too large to hold (two cells at A1 and XFD1048576 are a
    few bytes of XML but 17 billion cells to a dense reader). Streams the XML; never builds the grid.

    Only a sheet with a cell right of column 200 has its columns counted: on an ordinary sheet the
    check costs one regex pass."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            rows: list[int] = []
            far = False
            with zf.open(info) as fh:
                tail = b""
                while chunk := fh.read(1 << 22):
                    buf = tail + chunk
                    for pos in (buf.find(b'<row r="'), buf.rfind(b'<row r="')):
                        hit = _ROW_NUM.match(buf, pos) if pos >= 0 else None
                        if hit:
                            rows.append(int(hit.group(1)))
                    far = far or _FAR_COL.search(buf) is not None
                    tail = buf[-48:]
            if not far or not rows:
                continue
            with zf.open(info) as fh:
                cols = set(_CELL_COL.findall(fh.read(MAX_UNCOMPRESSED)))
            numbers = [_column_number(c) for c in cols] or [1]
            height = max(rows) - min(rows) + 1
            width = max(numbers) - min(numbers) + 1
            if height * width > MAX_GRID_CELLS:
                raise IngestError(
                    f"工作表的单元格分布范围过大（约 {height} 行 × {width} 列），"
                    "可能在很远的位置有零散内容。请删除多余的行列后另存再上传。"
                )


def load_sheets(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> list[Sheet]:
    """Every sheet of an Excel file, or the one 'sheet' of a CSV. Raises IngestError with a Chinese message."""
    if len(data) > max_bytes:
        raise IngestError(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {max_bytes / 1024 / 1024:.0f} MB。"
        )
    kind = sniff_kind(data, filename)
    if kind == "csv":
        sheets = [_read_csv(data, filename)]
    else:
        if kind == "xlsx":
            check_zip(data)
            check_extent(data)
        # calamine's .xls (OLE) reader can panic or ask for gigabytes on a damaged file: it runs in a
        # child process with a memory cap, so such a file costs an error message, not the server.
        sheets = _read_excel(data, isolated=kind == "xls")
    if not any(s.rows for s in sheets):
        raise IngestError("文件里没有任何数据（所有工作表都是空的）。")
    return sheets


def _read_csv(data: bytes, filename: str) -> Sheet:
    text = decode_text(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[Any]] = []
    notes: list[str] = []
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
            if i >= MAX_ROWS:
                notes.append(f"CSV 超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行。")
                break
            rows.append([c.strip() for c in row[:MAX_COLS]])
    except csv.Error as exc:
        raise IngestError(
            f"CSV 文件格式有误（第 {len(rows) + 1} 行附近），无法读取。请在 Excel 中另存为 .xlsx 后再上传。"
        ) from exc
    name = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return Sheet(name=name, rows=_pad(rows), notes=notes)


def _read_excel(data: bytes, *, isolated: bool = False) -> list[Sheet]:
    try:
        raw = excel.read_isolated(data) if isolated else excel.read_sheets(data)
    except excel.ExcelError as exc:
        raise IngestError(exc.message) from exc
    sheets = []
    for name, rows, merged, notes in raw:
        rows = _pad(rows)
        sheets.append(Sheet(name=name, rows=rows, merged=_clip_merged(merged, rows), notes=notes))
    return sheets


MAX_MERGED_CELLS = 100_000


def _clip_merged(merged, rows: list[list[Any]]) -> list[tuple[int, int, int, int]]:
    """Merged ranges inside the grid only (a damaged file can declare them anywhere), and none so
    large that filling it would cost more than reading the sheet."""
    height, width = len(rows), len(rows[0]) if rows else 0
    out = []
    for r0, c0, r1, c1 in merged:
        if not (0 <= r0 < height and 0 <= c0 < width and r1 >= r0 and c1 >= c0):
            continue
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        if (r1 - r0 + 1) * (c1 - c0 + 1) <= MAX_MERGED_CELLS:
            out.append((r0, c0, r1, c1))
    return out


def _pad(rows: list[list[Any]]) -> list[list[Any]]:
    # Trailing empty rows carry nothing and cost time on a 50,000-row sheet.
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
