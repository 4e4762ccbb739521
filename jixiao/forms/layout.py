"""How forms sit on a sheet before they are read: several forms side by side (one per column block,
as a page of 附表 printed across), and an indicator header printed over two rows. The reader works on
one form column block at a time, with a one-row header; cell positions never change, so findings
still name the sheet's own rows and columns."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from jixiao.forms.compute import Form
from jixiao.forms.formulas import formula_findings
from jixiao.forms.labels import (
    DEPARTMENT_NAME_LABELS,
    PROJECT_LABELS,
    _fill_merged,
    _Grid,
    _is_budget_header,
    _mentions,
    _row_has,
    joined_header,
    norm,
)
from jixiao.ingest.workbook import Sheet


def read_parts(sheet: Sheet, read: Callable[[_Grid], list[Form]]) -> list[Form]:
    """Every form of a sheet through ``read``, block by block, each form told of the formulas in its
    cells that the file saved without a value."""
    forms: list[Form] = []
    for part in side_by_side(sheet):
        part = join_header_rows(part)
        found = read(_Grid(part, _fill_merged(part)))
        for form in found:
            form.parse_findings.extend(formula_findings(form, part))
        forms.extend(found)
    return forms


# --- forms side by side -------------------------------------------------------------------------------
def _names_a_form(sheet: Sheet, c0: int, c1: int) -> bool:
    # 项目名称 only: a 部门名称 / 单位名称 pair printed apart on one department form must not split it
    return any(_row_has(row[c0 : c1 + 1], PROJECT_LABELS) is not None for row in sheet.rows)


def side_by_side(sheet: Sheet) -> list[Sheet]:
    """The sheet as one part per form when forms stand side by side, split at empty columns that no
    merged range crosses; a block that names no form (notes beside a form) stays with the form on its
    left. Each part keeps the whole grid with the other blocks blanked, so positions stay the sheet's."""
    width = sheet.width
    if width < 2 or not sheet.rows:
        return [sheet]
    used = [False] * width
    for _, c0, _, c1 in sheet.merged:  # a column inside a merged range belongs to what surrounds it
        if c1 > c0:
            for c in range(c0, min(c1, width - 1) + 1):
                used[c] = True
    empty = [c for c in range(width) if not used[c]]
    for row in sheet.rows:  # only the columns still empty are looked at: a full table stops early
        if not empty:
            return [sheet]
        empty = [c for c in empty if c >= len(row) or row[c] == ""]
    gaps = set(empty)
    used = [c not in gaps for c in range(width)]
    blocks: list[tuple[int, int]] = []
    c = 0
    while c < width:
        if not used[c]:
            c += 1
            continue
        start = c
        while c < width and used[c]:
            c += 1
        blocks.append((start, c - 1))
    if len(blocks) < 2:
        return [sheet]
    forms: list[list[int]] = []  # [first, last] column of each form's part
    for c0, c1 in blocks:
        if _names_a_form(sheet, c0, c1) or not forms:
            forms.append([c0, c1])
        else:
            forms[-1][1] = c1
    if len(forms) < 2 or sum(_names_a_form(sheet, c0, c1) for c0, c1 in forms) < 2:
        return [sheet]
    return [_columns(sheet, c0, c1) for c0, c1 in forms]


def _columns(sheet: Sheet, c0: int, c1: int) -> Sheet:
    def inside(cell: tuple[int, int]) -> bool:
        return c0 <= cell[1] <= c1

    return dataclasses.replace(
        sheet,
        rows=[["" if not c0 <= c <= c1 else v for c, v in enumerate(row)] for row in sheet.rows],
        merged=[m for m in sheet.merged if c0 <= m[1] <= c1],
        hidden_cols=frozenset(c for c in sheet.hidden_cols if c0 <= c <= c1),
        uncached_formulas=frozenset(k for k in sheet.uncached_formulas if inside(k)),
        errors={k: v for k, v in sheet.errors.items() if inside(k)},
        computed_formulas={k: v for k, v in sheet.computed_formulas.items() if inside(k)},
        notes=list(sheet.notes) if c0 == 0 else [],
    )


# --- an indicator header over two rows -------------------------------------------------------------
def join_header_rows(sheet: Sheet) -> Sheet:
    """An indicator header printed over two rows (「绩效指标」 merged over 一级/二级/三级指标) written as
    one: the joined labels on the first row, the second row emptied, so the indicators start below it
    and the second row is read neither as an indicator nor as money."""
    rows = sheet.rows
    pairs = [
        (r, joined)
        for r in range(len(rows) - 1)
        if (joined := joined_header(rows[r], rows[r + 1])) is not None
    ]
    if not pairs:
        return sheet
    new_rows = list(rows)
    for r, joined in pairs:
        new_rows[r] = joined
        new_rows[r + 1] = [""] * len(rows[r + 1])
    return dataclasses.replace(sheet, rows=new_rows)


def row_key(row: list[Any]) -> str:
    """A row's text as one string, to tell a line printed again (a form's head on its second page)."""
    return "".join(norm(v) for v in row)


def form_starts(rows: list[list[Any]]) -> list[tuple[int, int]]:
    """(first_row, anchor_row) 0-based for every form on a sheet: the 项目名称 row (or a department
    form's 部门（单位）名称 row) and its title row."""
    named = [r for r, row in enumerate(rows) if _mentions(row, "名")]
    projects = [r for r in named if _row_has(rows[r], PROJECT_LABELS) is not None]
    # A 单位名称 line near a 项目名称 belongs to that project form; only on its own does it start one.
    departments = [
        r
        for r in named
        if _row_has(rows[r], DEPARTMENT_NAME_LABELS) is not None
        and not any(abs(r - p) <= 3 for p in projects)
    ]
    anchors = sorted(projects + departments)
    starts: list[tuple[int, int]] = []
    previous = -1
    for a in anchors:
        first = a
        for r in range(a - 1, max(previous, a - 4), -1):
            text = "".join(norm(v) for v in rows[r])
            if "自评表" in text or "绩效自评" in text or "绩效评价" in text:
                first = r
                break
        starts.append((first, a))
        previous = a
    return _without_second_pages(rows, starts)


def _without_second_pages(rows: list[list[Any]], starts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A form printed over two pages with its title and 项目名称 lines typed again at the top of the
    second: the same 项目名称 line with no budget block of its own under it continues the form above
    (a copy of the form has its own 预算执行情况, so it stays a form of its own)."""
    kept: list[tuple[int, int]] = []
    for i, (first, anchor) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(rows)
        if (
            kept
            and row_key(rows[anchor]) == row_key(rows[kept[-1][1]])
            and not any(_is_budget_header(row) for row in rows[anchor:end])
        ):
            continue
        kept.append((first, anchor))
    return kept
