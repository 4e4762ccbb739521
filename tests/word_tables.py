"""Build Word documents (.docx) holding tables, as units paste them into their 自评报告: prose, a title
paragraph and "单位：万元" over each table, merged cells (gridSpan / vMerge), a table Word split at a page
break. Cells are written as the workbook displays them (rates as "86.23%")."""

from __future__ import annotations

import io
from typing import Any

import docx
import openpyxl

PROSE = "一、基本情况。本单位严格按照预算绩效管理要求开展自评工作，" * 4


def cell_text(x: Any, number_format: str = "General") -> str:
    if x is None:
        return ""
    if isinstance(x, float | int) and "%" in number_format:
        return f"{x * 100:.2f}%"
    if isinstance(x, float):
        return f"{x:,.2f}" if abs(x) >= 1000 else f"{x:g}"
    return str(x)


def sheet_grid(ws) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """A worksheet as displayed text and its merged ranges (0-based inclusive)."""
    grid = [[cell_text(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
    merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
    return grid, merged


def add_table(document, grid: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
    width = max(map(len, grid))
    table = document.add_table(rows=len(grid), cols=width)
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for r0, c0, r1, c1 in merged:
        if r0 < len(grid) and r1 < len(grid):
            table.cell(r0, c0).merge(table.cell(r1, c1))


def document_bytes(
    blocks: list[tuple[str, Any]],
) -> bytes:
    """[("p", text) | ("table", (grid, merged)) | ("break", None)] in order -> .docx bytes."""
    document = docx.Document()
    for kind, value in blocks:
        if kind == "p":
            document.add_paragraph(value)
        elif kind == "break":
            document.add_page_break()
        else:
            add_table(document, *value)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def title_and_table(ws) -> tuple[list[str], list[list[str]], list[tuple[int, int, int, int]]]:
    """The rows over the header that hold one text each become paragraphs; the rest is the table."""
    grid, merged = sheet_grid(ws)
    top = 0
    while top < len(grid) and sum(bool(x) for x in grid[top]) == 1 and "项目名称" not in "".join(grid[top]):
        top += 1
    titles = [next(x for x in row if x) for row in grid[:top]]
    merged = [(r0 - top, c0, r1 - top, c1) for r0, c0, r1, c1 in merged if r0 >= top]
    return titles, grid[top:], merged


def workbook_as_document(path, *, split_at: int | None = None, unit_line: str | None = None) -> bytes:
    """Every sheet of a workbook as a table under its title paragraphs, with prose around; the first
    table split into two at ``split_at`` rows (a page break between, as Word splits a long table)."""
    wb = openpyxl.load_workbook(path)
    blocks: list[tuple[str, Any]] = [("p", PROSE)]
    for ws in wb.worksheets:
        titles, grid, merged = title_and_table(ws)
        blocks += [("p", t) for t in titles]
        if unit_line:
            blocks.append(("p", unit_line))
        if split_at and ws is wb.worksheets[0]:
            head = [m for m in merged if m[2] < split_at]
            tail = [(r0 - split_at, c0, r1 - split_at, c1) for r0, c0, r1, c1 in merged if r0 >= split_at]
            blocks += [
                ("table", (grid[:split_at], head)),
                ("break", None),
                ("table", (grid[split_at:], tail)),
            ]
        else:
            blocks.append(("table", (grid, merged)))
        blocks.append(("p", "（以上数据由财务科填报）" if ws is wb.worksheets[-1] else ""))
    return document_bytes(blocks)
