"""Excel bytes -> plain sheets through python-calamine. Runs inside the guarded worker
(``worker.py``), so it is kept free of pandas and of the rest of the package.

calamine panics (an exception Python cannot catch as Exception) or asks for gigabytes on some
damaged files; the worker's limits turn that into a message. For .xlsx the XML is scanned first
(``xlsxscan``): caps that hold whatever the XML says, and the sheet facts calamine does not give.
"""

from __future__ import annotations

import io
import itertools
import threading
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any

from jixiao.ingest import formulas, xlsxscan
from jixiao.ingest.caps import MAX_COLS, MAX_MERGED, MAX_ROWS, MAX_SHEETS, ReadError

__all__ = ["MAX_COLS", "MAX_ROWS", "MAX_SHEETS", "ExcelError", "read_sheets", "read_xlsx"]

# (name, rows, merged ranges (r0, c0, r1, c1), notes, facts): facts holds what the XML says beyond
# the values — "hidden_rows", "hidden_cols", "uncached_formulas", "errors", "sheet_hidden" (see
# workbook.Sheet).
RawSheet = tuple[str, list[list[Any]], list[tuple[int, int, int, int]], list[str], dict[str, Any]]

DAMAGED = "Excel 文件已损坏或格式不受支持，无法打开。请在 Excel/WPS 中另存为 .xlsx 后再上传。"
ENCRYPTED = "工作簿设置了密码（已加密），无法读取。请取消密码后另存再上传。"
ExcelError = ReadError


def _message(exc: BaseException) -> str:
    text = str(exc).lower()
    return ENCRYPTED if ("password" in text or "encrypt" in text) else DAMAGED


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic into pyo3_runtime.PanicException, which derives from BaseException.
    return type(exc).__name__ == "PanicException"


def read_sheets(data: bytes, *, merges: bool = True, plain: bool = True) -> list[RawSheet]:
    """Every sheet, capped at MAX_SHEETS / MAX_ROWS / MAX_COLS with a note saying what was kept.
    Without ``plain`` calamine's dates and times are left as they are (see ``plain_sheets``)."""
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
    hidden = _hidden_names(wb)
    sheets: list[RawSheet] = []
    for name in names[:MAX_SHEETS]:
        try:
            sheets.append(_read_one(wb, name, merges=merges, plain=plain))
            if name in hidden:
                sheets[-1][4]["sheet_hidden"] = True
        except expected as exc:  # one bad sheet should not hide the good ones
            sheets.append((name, [], [], [f"工作表「{name}」无法读取：{_message(exc)}"], {}))
        except BaseException as exc:
            if not _is_panic(exc):
                raise
            sheets.append((name, [], [], [f"工作表「{name}」无法读取：{DAMAGED}"], {}))
    if len(names) > MAX_SHEETS and sheets:
        sheets[0][3].insert(0, f"工作簿有 {len(names)} 个工作表，只读取了前 {MAX_SHEETS} 个。")
    return sheets


def _hidden_names(wb) -> set[str]:
    """Sheets the workbook hides (a legacy .xls says so in its BOUNDSHEET records; calamine reads it).
    For .xlsx, read_xlsx takes the same fact from workbook.xml."""
    try:
        from python_calamine import SheetVisibleEnum

        hidden = (SheetVisibleEnum.Hidden, SheetVisibleEnum.VeryHidden)
        return {m.name for m in wb.sheets_metadata if m.visible in hidden}
    except Exception:  # an old calamine without metadata: every sheet counts as shown
        return set()


def _read_one(wb, name: str, *, merges: bool = True, plain: bool = True) -> RawSheet:
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
    merged = []
    if merges:
        ranges = getattr(sh, "merged_cell_ranges", None) or []
        merged = [(a[0], a[1], b[0], b[1]) for a, b in ranges[:MAX_MERGED]]
        if len(ranges) > MAX_MERGED:
            notes.append(f"工作表「{name}」有 {len(ranges)} 个合并单元格区域，只使用了前 {MAX_MERGED} 个。")
    return name, _plain_rows(rows) if plain else rows, merged, notes, {}


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


def plain_sheets(sheets: list[RawSheet]) -> list[RawSheet]:
    """Sheets read without ``plain``, with their dates and times as text (and None as "")."""
    return [(name, _plain_rows(rows), merged, notes, facts) for name, rows, merged, notes, facts in sheets]


def _plain(v: Any) -> Any:
    """Dates become ISO text; everything else stays as calamine gives it (str, int, float, bool)."""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (time, timedelta)):
        return str(v)
    return "" if v is None else v


# From this size on, the worker lets calamine parse while the XML is scanned (calamine's Rust parse
# releases the GIL): the scan then costs next to nothing. Smaller files are scanned first, so a small
# hostile file is always refused with the scan's own message.
OVERLAP_FROM = 256 * 1024


def read_xlsx(data: bytes, *, overlap: bool = False, plain: bool = True) -> list[RawSheet]:
    """An .xlsx/.xlsm: every sheet's XML is checked against the caps, calamine reads the values and
    the scan adds merged ranges, hidden rows and columns, formulas never calculated and error cells
    (kept as their text, e.g. "#DIV/0!").

    The caps must hold before calamine can build anything: in-process the scan therefore comes first.
    With ``overlap`` (only inside the guarded worker, whose memory and CPU limits contain calamine and
    whose exit ends it) a large file's scan and calamine's parse run side by side; a refusal by the
    scan still wins, and calamine's work is thrown away with the process."""
    box: dict[str, Any] = {}
    reader = None
    if overlap and len(data) >= OVERLAP_FROM:
        reader = threading.Thread(target=_read_into, args=(data, box, plain), daemon=True)
        reader.start()
    scans = _scan(data)
    if reader is None:
        sheets = read_sheets(data, merges=False, plain=plain)
    else:
        reader.join()
        if "error" in box:
            raise box["error"]
        sheets = box["sheets"]
    out: list[RawSheet] = []
    for name, rows, _, notes, _ in sheets:
        scan = scans.get(name)
        if scan is None:
            out.append((name, rows, [], notes, {}))
            continue
        if scan.merged_total > MAX_MERGED:
            notes.append(
                f"工作表「{name}」有 {scan.merged_total} 个合并单元格区域，只使用了前 {MAX_MERGED} 个。"
            )
        # calamine's grid ends at its last value: an error cell or an uncalculated formula beyond it
        # still gets its place, so readers can point at it.
        spots = [*scan.errors, *scan.uncached_formulas]
        if spots:
            height = max(len(rows), max(r for r, _ in spots) + 1)
            width = max(max((len(r) for r in rows), default=0), max(c for _, c in spots) + 1)
            rows.extend([] for _ in range(height - len(rows)))
            for i, row in enumerate(rows):
                if len(row) < width:
                    rows[i] = row + [""] * (width - len(row))
        errors = {}
        for (r, c), text in scan.errors.items():
            if rows[r][c] == "":
                rows[r][c] = text
                errors[(r, c)] = text
        # a program's file that stores formulas without results: plain arithmetic is worked out here
        computed = formulas.evaluate(rows, scan.formula_text) if scan.formula_text else {}
        for (r, c), x in computed.items():
            rows[r][c] = x
        facts = {
            "hidden_rows": sorted(scan.hidden_rows),
            "hidden_cols": sorted(scan.hidden_cols),
            "uncached_formulas": sorted(scan.uncached_formulas - computed.keys()),
            "computed_formulas": {k: scan.formula_text[k] for k in computed},
            "filtered_rows": sorted(scan.filtered_rows),
            "errors": errors,
            "sheet_hidden": scan.hidden,
        }
        out.append((name, rows, scan.merged, notes, facts))
    return out


def _read_into(data: bytes, box: dict[str, Any], plain: bool) -> None:
    try:
        box["sheets"] = read_sheets(data, merges=False, plain=plain)
    except BaseException as exc:  # raised again by the waiting thread, where the worker sorts it out
        box["error"] = exc


def _scan(data: bytes) -> dict[str, xlsxscan.SheetScan]:
    scans: dict[str, xlsxscan.SheetScan] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            lengths = xlsxscan.string_lengths(zf)
            parts = xlsxscan.sheet_parts(zf)
            for part in parts[:MAX_SHEETS]:
                if part.name in scans:
                    continue
                if part.path is None:
                    scans[part.name] = xlsxscan.SheetScan(hidden=part.hidden)
                    continue
                xml = zf.read(part.path)
                xlsxscan.check_extent(part.name, xml)
                xlsxscan.check_strings(part.name, xml, lengths)
                scans[part.name] = xlsxscan.scan_sheet(xml)
                scans[part.name].hidden = part.hidden
                del xml
            # A reader may find cells where no relationship we followed leads: the caps hold there too.
            scanned = {p.path for p in parts[:MAX_SHEETS] if p.path}
            for info in xlsxscan.other_parts(zf, scanned):
                xml = zf.read(info)
                name = info.filename.rsplit("/", 1)[-1]
                xlsxscan.check_extent(name, xml)
                xlsxscan.check_strings(name, xml, lengths)
                del xml
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ReadError("Excel 文件已损坏（压缩数据无法解开），无法打开。请重新保存或导出后再上传。") from exc
    return scans
