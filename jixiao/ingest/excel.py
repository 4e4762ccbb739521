"""Excel bytes -> plain sheets through python-calamine, in this process or in a capped child.

Kept free of pandas and of the rest of the package so that ``python -m jixiao.ingest.excel`` starts
in a few milliseconds: the child reads a workbook from stdin under a memory cap and writes the
sheets back as a pickle. calamine's legacy .xls reader panics (an exception Python cannot catch as
Exception) or asks for gigabytes on some damaged files; in the child that costs an error message.
"""

from __future__ import annotations

import io
import itertools
import pickle
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from typing import Any

MAX_SHEETS = 200
MAX_ROWS = 200_000
MAX_COLS = 200
CHILD_MEMORY = 3 * 1024**3  # bytes of address space for the isolated reader
CHILD_SECONDS = 120

# (name, rows, merged ranges (r0, c0, r1, c1), notes)
RawSheet = tuple[str, list[list[Any]], list[tuple[int, int, int, int]], list[str]]

DAMAGED = "Excel 文件已损坏或格式不受支持，无法打开。请在 Excel/WPS 中另存为 .xlsx 后再上传。"
ENCRYPTED = "工作簿设置了密码（已加密），无法读取。请取消密码后另存再上传。"
TOO_BIG = "这个 Excel 文件读取时需要的内存超出上限（文件可能已损坏），已停止读取。请另存为 .xlsx 后再上传。"
TOO_SLOW = "这个 Excel 文件读取超时（文件可能已损坏），已停止读取。请另存为 .xlsx 后再上传。"


class ExcelError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _message(exc: BaseException) -> str:
    text = str(exc).lower()
    return ENCRYPTED if ("password" in text or "encrypt" in text) else DAMAGED


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic into pyo3_runtime.PanicException, which derives from BaseException.
    return type(exc).__name__ == "PanicException"


def read_sheets(data: bytes) -> list[RawSheet]:
    """Every sheet, capped at MAX_SHEETS / MAX_ROWS / MAX_COLS with a note saying what was kept."""
    from python_calamine import CalamineError, CalamineWorkbook

    expected = (CalamineError, ValueError, OSError)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
    except expected as exc:
        raise ExcelError(_message(exc)) from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise ExcelError(DAMAGED) from exc
        raise
    sheets: list[RawSheet] = []
    for name in names[:MAX_SHEETS]:
        try:
            sheets.append(_read_one(wb, name))
        except expected as exc:  # one bad sheet should not hide the good ones
            sheets.append((name, [], [], [f"工作表「{name}」无法读取：{_message(exc)}"]))
        except BaseException as exc:
            if not _is_panic(exc):
                raise
            sheets.append((name, [], [], [f"工作表「{name}」无法读取：{DAMAGED}"]))
    if len(names) > MAX_SHEETS and sheets:
        sheets[0][3].insert(0, f"工作簿有 {len(names)} 个工作表，只读取了前 {MAX_SHEETS} 个。")
    return sheets


def _read_one(wb, name: str) -> RawSheet:
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
    return name, _plain_rows(rows), merged, notes


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


def read_isolated(data: bytes) -> list[RawSheet]:
    """``read_sheets`` in a child process with a memory cap and a time limit."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "jixiao.ingest.excel", str(CHILD_MEMORY)],
            input=data,
            capture_output=True,
            timeout=CHILD_SECONDS,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExcelError(TOO_SLOW) from exc
    if proc.returncode != 0 or not proc.stdout:
        # A panic that aborts, or an allocation refused by the cap, ends the child without a reply.
        memory = b"memory allocation" in proc.stderr or b"MemoryError" in proc.stderr
        raise ExcelError(TOO_BIG if memory else DAMAGED)
    status, payload = pickle.loads(proc.stdout)
    if status != "ok":
        raise ExcelError(payload)
    return payload


def _child(memory: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    data = sys.stdin.buffer.read()
    try:
        reply = ("ok", read_sheets(data))
    except ExcelError as exc:
        reply = ("error", exc.message)
    except MemoryError:
        reply = ("error", TOO_BIG)
    sys.stdout.buffer.write(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _child(int(sys.argv[1]) if len(sys.argv) > 1 else CHILD_MEMORY)
