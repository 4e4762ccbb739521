"""A 月度执行表 filled in per unit, a sheet each (科协本级 / 科工中心 / …, the same header on every sheet):
the sheets are one table, as the 项目表 reader combines them, each sheet's name the unit of its rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd

from jixiao import model as m
from jixiao.ingest.workbook import Sheet
from jixiao.summary.sheets import copies, may_be_part, names_a_unit


def join_unit_sheets(
    sheets: list[Sheet],
    h: Any,
    first: Any,
    find_header: Callable[[Sheet], Any],
    read_table: Callable[[Sheet, Any], Any],
) -> Any:
    """``first`` (the table read from the best sheet) with the tables of the other sheets that are more
    units of it: a monthly header with the same months and the same budget column, the same habit, a
    name that can be a unit's, and projects that do not repeat the ones already taken (expense items
    such as 办公费 aside)."""
    home = sheets[h.sheet_index]
    if len(sheets) < 2 or not may_be_part(home.name):
        return first
    parts = [first]
    seen = [_names(first)]
    for sheet in sheets:
        if sheet is home or getattr(sheet, "hidden", False) or not sheet.rows or not may_be_part(sheet.name):
            continue
        hh = find_header(sheet)
        if (
            hh is None
            or set(hh.months) != set(h.months)
            or (m.BUDGET in hh.columns) != (m.BUDGET in h.columns)
        ):
            continue
        try:
            table = read_table(sheet, hh)
        except m.IngestError:
            continue
        names = _names(table)
        if table.habit != first.habit or copies(names, seen):
            continue
        parts.append(table)
        seen.append(names)
    if len(parts) == 1:
        return first
    frames = []
    for t in parts:
        p = t.projects.copy()
        p[m.SHEET] = t.sheet  # sheet rows repeat from sheet to sheet
        if names_a_unit(t.sheet):
            p[m.UNIT] = p[m.UNIT].where(p[m.UNIT].notna(), t.sheet)
        frames.append(p)
    listed = "".join(f"「{t.sheet}」" for t in parts)
    count = sum(len(f) for f in frames)
    said = m.Finding(
        "info",
        "SHEETS_COMBINED",
        f"工作表{listed}",
        f"工作表{listed}是结构相同的月度执行表，看来是按单位分表填报：已合并为一张表（共 {count} 个项目），"
        "各表的单位取工作表名。",
    )
    return replace(
        first,
        projects=pd.concat(frames, ignore_index=True),
        months=sorted(set().union(*(t.months for t in parts))),
        findings=[said, *(f for t in parts for f in t.findings)],
        year=next((t.year for t in parts if t.year), None),
    )


def _names(table: Any) -> set[str]:
    return set(table.projects[m.PROJECT].astype(str))
