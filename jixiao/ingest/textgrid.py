"""Text tables: CSV, and the tab-separated "Unicode text" Excel saves (UTF-16 with a BOM).

Runs inside the guarded worker, so it is kept free of pandas and of the rest of the package.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from jixiao.ingest.caps import MAX_COLS, MAX_ROWS, ReadError

ENCODING = "CSV 文件的编码无法识别（不是 UTF-8、UTF-16 或 GBK）。请在 Excel 中另存为“CSV UTF-8”后再上传。"


def decode_text(data: bytes, strict_tail: bool = True) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), then GB18030 (a
    superset of GBK, what Excel saves on Chinese Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    wide = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else bomless_utf16(data)
    if wide:
        try:
            return data.decode(wide)
        except UnicodeDecodeError as exc:
            if not strict_tail and exc.start >= len(data) - 4:
                return data[: exc.start].decode(wide)
    failed_at = 0
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            # A sample cut in the middle of a multi-byte character is still that encoding.
            if not strict_tail and exc.start >= len(data) - 3:
                return data[: exc.start].decode(encoding)
            failed_at = failed_at or exc.start
    line = data[:failed_at].count(b"\n") + 1
    if failed_at > 64 and line > 1:  # UTF-8 for many lines, then something else: two files pasted together
        raise ReadError(
            f"CSV 文件前 {line - 1} 行是 UTF-8 编码，第 {line} 行起换成了另一种编码（可能是两个文件拼接而成），"
            "无法确定如何读取。请在 Excel 中打开后另存为“CSV UTF-8”或 .xlsx 再上传。"
        )
    raise ReadError(ENCODING)


def bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for UTF-16 saved without its BOM (some systems' "Unicode" export):
    the delimiters, digits and line ends are ASCII, so one byte of each pair is NUL, always the same
    one; no UTF-8 or GBK text has NUL bytes."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= half * 0.1 and even <= half * 0.05:
        return "utf-16-le"
    if even >= half * 0.1 and odd <= half * 0.05:
        return "utf-16-be"
    return None


def _unbalanced(line: int, spanned: int) -> ReadError:
    return ReadError(
        f'CSV 文件第 {line} 行的引号（"）没有配对，从这一行起的 {spanned} 行被并进了同一个单元格，'
        "已停止读取以免数据错位。请检查该行的引号（或在 Excel 中另存为 .xlsx）后再上传。"
    )


def read_csv(data: bytes, filename: str) -> tuple[str, list[list[Any]], list, list[str], dict]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if text[:8192].count("\t") > text[:8192].count(",") else ","
    rows: list[list[Any]] = []
    starts: list[int] = []  # the physical line each record starts on
    notes: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                notes.append(f"CSV 超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行。")
                break
            starts.append(line)
            rows.append([_excel_text(c.strip()) for c in row[:MAX_COLS]])
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger" in str(exc):
            if '"' in text:  # an open quote swallowed the rest of the file
                raise _unbalanced(line, reader.line_num - line + 1) from exc
            # no quote at all: one cell of hundreds of thousands of characters, not a table
            raise ReadError(
                f"CSV 文件第 {line} 行有一个单元格超过 {csv.field_size_limit():,} 个字符，不像是表格数据，"
                "已停止读取。请确认上传的是导出的表格（或在 Excel 中另存为 .xlsx）后再上传。"
            ) from exc
        raise ReadError(
            f"CSV 文件格式有误（第 {line} 行附近），无法读取。请在 Excel 中另存为 .xlsx 后再上传。"
        ) from exc
    _check_quotes(rows, starts, delimiter, reader.line_num)
    name = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return name, rows, [], notes, {}


def _excel_text(cell: str) -> str:
    """="2023001" / ="100.00": how systems write a cell Excel must keep as typed — the text inside."""
    if cell[:2] == '="' and cell[-1:] == '"' and len(cell) > 2:
        return cell[2:-1].replace('""', '"').strip()
    return cell


def _check_quotes(rows: list[list[str]], starts: list[int], delimiter: str, last_line: int) -> None:
    """A quote opened and never closed makes the following lines one field. A field that spans lines
    which themselves look like records (as many delimiters as a row has columns) is such a swallow,
    not a cell with a line break typed in it."""
    if last_line <= len(rows):
        return  # one line per record: no field spans lines
    widths = Counter(len(r) for r in rows if len(r) > 1)
    if not widths:
        return
    expected = widths.most_common(1)[0][0]
    need = max(1, expected - 1)  # a whole record: one delimiter fewer than its columns
    for i, row in enumerate(rows):
        for value in row:
            if "\n" not in value and "\r" not in value:
                continue
            inner = value.splitlines()[1:]
            if any(part.count(delimiter) >= need for part in inner):
                end = starts[i + 1] if i + 1 < len(starts) else last_line + 1
                raise _unbalanced(starts[i], end - starts[i])
