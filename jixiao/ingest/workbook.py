"""File bytes -> sheets of cell values, with the guards a server needs before it parses anything.

Every reader (summary tables, forms, final accounts) starts here, so file-type sniffing, encodings
and the Chinese messages for unreadable files exist once.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from jixiao.model import IngestError

MAX_BYTES = 20 * 1024 * 1024
MAX_SHEETS = 200
MAX_ROWS = 200_000
MAX_COLS = 200
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


def check_zip(data: bytes) -> None:
    """Refuse broken archives and zip bombs from the central directory alone, before inflating."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
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
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
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
        sheets = _read_excel(data)
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
    for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if i >= MAX_ROWS:
            notes.append(f"CSV 超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行。")
            break
        rows.append([c.strip() for c in row[:MAX_COLS]])
    name = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return Sheet(name=name, rows=_pad(rows), notes=notes)


def _read_excel(data: bytes) -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        raise IngestError(_calamine_message(exc)) from exc
    sheets: list[Sheet] = []
    names = list(wb.sheet_names)
    skipped = (
        f"工作簿有 {len(names)} 个工作表，只读取了前 {MAX_SHEETS} 个。" if len(names) > MAX_SHEETS else ""
    )
    for name in names[:MAX_SHEETS]:
        try:
            sh = wb.get_sheet_by_name(name)
            notes: list[str] = []
            height, width = sh.total_height, sh.total_width
            if height > MAX_ROWS or width > MAX_COLS:
                # A stray cell at XFD1048576 must not make a 16,384-column grid of every row.
                if height > MAX_ROWS:
                    notes.append(f"工作表「{name}」有 {height} 行，只读取了前 {MAX_ROWS} 行。")
                if width > MAX_COLS:
                    notes.append(f"工作表「{name}」有 {width} 列，只读取了前 {MAX_COLS} 列。")
                lead = [""] * (sh.start[1] if sh.start else 0)
                rows = [(lead + list(r))[:MAX_COLS] for r in itertools.islice(sh.iter_rows(), MAX_ROWS)]
            else:
                rows = sh.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (getattr(sh, "merged_cell_ranges", None) or [])]
        except (CalamineError, ValueError, OSError) as exc:  # one bad sheet should not hide the good ones
            sheets.append(
                Sheet(name=name, rows=[], notes=[f"工作表「{name}」无法读取：{_calamine_message(exc)}"])
            )
            continue
        sheets.append(
            Sheet(
                name=name,
                rows=_pad(_plain_rows(rows)),
                merged=merged,
                notes=notes,
            )
        )
    if skipped and sheets:
        sheets[0].notes.insert(0, skipped)
    return sheets


def _calamine_message(exc: Exception) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "工作簿设置了密码（已加密），无法读取。请取消密码后另存再上传。"
    return "Excel 文件已损坏或格式不受支持，无法打开。请在 Excel/WPS 中另存为 .xlsx 后再上传。"


_SIMPLE = frozenset({str, float, int})


def _plain_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Dates to ISO text, None to "". Rows are scanned with a fast check first: most sheets have
    no date at all, and converting 650,000 cells one by one costs a tenth of a second."""
    out = []
    for r in rows:
        if all(type(v) in _SIMPLE for v in r):
            out.append(r)
        else:
            out.append([v if type(v) in _SIMPLE else _plain(v) for v in r])
    return out


def _plain(v: Any) -> Any:
    """Dates become ISO text; everything else stays as calamine gives it (str, int, float, bool)."""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (time, timedelta)):
        return str(v)
    return "" if v is None else v


def _pad(rows: list[list[Any]]) -> list[list[Any]]:
    # Trailing empty rows carry nothing and cost time on a 50,000-row sheet.
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
