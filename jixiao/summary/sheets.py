"""One table per unit, each on its own sheet: found, read sheet by sheet, and put together.

Offices that fill in per unit often send a workbook with a sheet per unit (科协本级, 科工中心, 科技馆…),
every sheet with the same header. Reading one of them would make the headline the total of one unit.
Sheets are read together only when their tables have the same amount columns and their projects do not
repeat each other's (two copies of one table, or last year's sheet beside this year's, share them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from jixiao import model as m
from jixiao.ingest.header import (
    HeaderGuess,
    ReadOptions,
    combine_rows,
    guess_for_labels,
    label_period,
    normalize_label,
)
from jixiao.ingest.workbook import Sheet
from jixiao.summary import blocks
from jixiao.summary.blocks import check_unit_blocks, other_sheet_blocks

if TYPE_CHECKING:  # layout imports this module
    from jixiao.summary.layout import Prepared

# sheet names that say nothing about a unit
_PLAIN_NAME = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.IGNORECASE)
# sheets that hold a whole, a copy or another year: never one unit's part
_NOT_A_PART = re.compile(r"(汇总|合计|总表|全部|备份|副本|草稿|旧|上年|去年|\(\d+\)|（\d+）)")
_YEAR = re.compile(r"(19|20)\d\d")
_YEAR_ONLY = re.compile(r"^[\s(（]*(19|20)\d\d\s*(年度?)?[\s)）]*$")  # "2023", "2023年", "（2023年度）"
_BLOCK_CODES = ("UNIT_TOTALS_BLOCK", "TOTAL_MISMATCH")
OVERLAP = 0.2  # more shared project names than this (of the smaller sheet) is a copy, not a part


def sibling_tables(
    sheets: list[Sheet],
    guess: HeaderGuess,
    alternatives: list[HeaderGuess],
    table: m.ProjectTable,
    read_sheet: Callable[[str], m.ProjectTable],
) -> dict[int, m.ProjectTable]:
    """The other sheets' tables that are more units of the chosen one, by sheet index. Their projects
    are compared as the reader reads them (a 合计, an indicator table under them are no projects)."""
    others = [a for a in alternatives if a.sheet_index != guess.sheet_index]
    if not others or not _a_part(sheets[guess.sheet_index].name):
        return {}
    year = _YEAR.search(sheets[guess.sheet_index].name)
    money = {m.BUDGET, m.EXECUTED} & set(guess.columns)
    out: dict[int, m.ProjectTable] = {}
    seen: list[set[str]] = [set(table.projects[m.PROJECT].astype(str))]
    for alt in others:
        name = sheets[alt.sheet_index].name
        if alt.is_unit_block or m.PROJECT not in alt.columns or not _a_part(name):
            continue
        their_year = _YEAR.search(name)
        if (year and year.group()) != (their_year and their_year.group()):
            continue  # "科协本级2023" beside "科协本级2022": another year, never a part
        if not money or {m.BUDGET, m.EXECUTED} & set(alt.columns) != money:
            continue
        try:
            theirs_table = read_sheet(name)
        except m.IngestError:
            continue
        theirs = set(theirs_table.projects[m.PROJECT].astype(str))
        if theirs and all(len(theirs & other) <= OVERLAP * min(len(theirs), len(other)) for other in seen):
            out[alt.sheet_index] = theirs_table
            seen.append(theirs)
    return out


def _a_part(name: str) -> bool:
    """A sheet name that could be one unit's: not a whole, a copy, or a year alone."""
    return not _NOT_A_PART.search(name) and not _YEAR_ONLY.match(name)


def combine_sheets(
    sheets: list[Sheet],
    guess: HeaderGuess,
    alternatives: list[HeaderGuess],
    table: m.ProjectTable,
    read_sheet: Callable[[str], m.ProjectTable],
    opts: ReadOptions,
) -> m.ProjectTable:
    """The chosen table with the tables of its sibling sheets, in sheet order; or the chosen table."""
    parts = sibling_tables(sheets, guess, alternatives, table, read_sheet)
    if not parts:
        return table
    parts[guess.sheet_index] = table
    ordered = [parts[i] for i in sorted(parts)]
    names = [t.source.sheet for t in ordered]
    projects, totals, findings = [], [], []
    said: set[tuple[str, str]] = set()
    for t in ordered:
        sheet = t.source.sheet
        p = t.projects.copy()
        p[m.SHEET] = sheet
        if not _PLAIN_NAME.match(sheet.strip()):
            if m.UNIT in t.source.columns:
                p[m.UNIT] = p[m.UNIT].where(p[m.UNIT].notna(), sheet)  # the sheet is the unit
            else:  # headings inside a unit's sheet ("一、项目支出") are groups of that unit
                p[m.UNIT] = sheet
        projects.append(p)
        tt = t.totals.copy()
        tt[m.SHEET] = sheet
        totals.append(tt)
        for f in t.findings:
            if f.code == "TABLE_CHOSEN":  # the choice among these sheets: none was left out
                continue
            if f.code in _BLOCK_CODES and not f.where.startswith(f"工作表「{sheet}」"):
                continue  # a 汇总 sheet checked against one unit's sheet: checked below against all
            if f.severity == "info" and f.sheet_row is None and (f.code, f.message) in said:
                continue  # "没有注明金额单位" once, not once per sheet
            said.add((f.code, f.message))
            findings.append(replace(f, sheet=sheet) if f.sheet_row is not None else f)
    listed = "".join(f"「{x}」" for x in names)
    named = any(not _PLAIN_NAME.match(x.strip()) for x in names)
    count = sum(len(p) for p in projects)
    findings.insert(
        0,
        m.Finding(
            "info",
            "SHEETS_COMBINED",
            f"工作表{listed}",
            f"工作表{listed}是结构相同的项目表，项目互不重复，看来是按单位分表填报：已合并为一张表"
            f"（共 {count} 个项目）{'，各表的单位取工作表名' if named else ''}，合计与执行率包含全部工作表。"
            "如只需其中一张，请在数据导入页“识别有误？”中选择工作表。",
        ),
    )
    first = ordered[0]
    combined = pd.concat(projects, ignore_index=True)
    blocks = [
        b
        for b in other_sheet_blocks(sheets, guess.sheet_index, opts, guess.unit_lists)
        if b.sheet not in names
    ]
    if blocks:
        recs = [{m.UNIT: u} for u in combined[m.UNIT].tolist()]
        money = {
            f: [None if pd.isna(x) else float(x) for x in combined[f].tolist()]
            for f in (m.BUDGET, m.EXECUTED)
        }
        factor = 0.0001 if first.source.amount_unit == "元" else 1.0
        findings += check_unit_blocks(
            blocks,
            recs,
            money[m.BUDGET],
            money[m.EXECUTED],
            dict.fromkeys((m.BUDGET, m.EXECUTED), factor),
            "、".join(names),
        )
    return m.ProjectTable(
        projects=combined,
        totals=pd.concat(totals, ignore_index=True),
        # the first sheet's title names its unit ("科协本级2023年…"): not the whole table's
        source=replace(
            first.source, combined_sheets=names, title=first.source.title.replace(first.source.sheet, "")
        ),
        findings=findings,
    )


def to_absolute(src: m.Source, guess: HeaderGuess, prepared: Prepared, opts: ReadOptions) -> None:
    """Columns as the user sees them in the sheet (a block beside another starts further right)."""
    src.columns = {f: c + prepared.offset for f, c in src.columns.items()}
    src.headers = list(guess.labels)
    src.candidates = {ch.field: list(ch.passed_over) for ch in guess.choices if ch.field in m.FIELD_LABELS}
    # the year matters (and is shown) only when the header names years or 上年/本年
    src.report_year = guess.report_year if any(label_period(x, None) != 1 for x in guess.labels) else None
    src.include_hidden = opts.include_hidden
    src.hidden_left_out = len(prepared.hidden_rows) + len(prepared.hidden_cols)
    above = [
        b.first_row
        for b in prepared.unit_blocks
        if b.sheet == src.sheet and b.first_row <= guess.header_rows[0]
    ]
    if above:
        # the title is what stands above the first block, not the unit totals under it
        rows = prepared.sheet.rows[: min(above) - 1]
        src.title = " ".join(str(x).strip() for row in rows for x in row if isinstance(x, str) and x.strip())


def choose_table(
    sheets: list[Sheet], sheet: str | None, header_rows: list[int] | None, opts: ReadOptions
) -> tuple[HeaderGuess | None, list[HeaderGuess]]:
    """The table to read: the best of every sheet, or where the user pointed (a sheet, header rows)."""
    # A hidden sheet (an old year, a backup copy) is read only when no sheet people see has a table,
    # or when the user asks for it (by name, or by taking hidden content in).
    hidden = (
        frozenset(i for i, s in enumerate(sheets) if getattr(s, "hidden", False))
        if not opts.include_hidden
        else frozenset()
    )
    if sheet is None:
        if header_rows is None:
            ranked = blocks.rank_tables(sheets, opts, skip=hidden)
            if not ranked and hidden:
                ranked = blocks.rank_tables(sheets, opts)
            return (ranked[0] if ranked else None), ranked[1:]
        shown = [i for i, s in enumerate(sheets) if s.rows and i not in hidden]
        index = shown[0] if shown else 0
    else:
        names = [s.name for s in sheets]
        if sheet not in names:
            raise m.IngestError(f"工作簿中没有名为“{sheet}”的工作表。")
        index = names.index(sheet)
    target = sheets[index]
    if header_rows is None:
        return blocks.best_on_sheet(target, index, opts), []
    rows0 = [r - 1 for r in header_rows]
    if not rows0 or any(not (0 <= r < len(target.rows)) for r in rows0):
        raise m.IngestError("表头行号超出了工作表的范围。")
    depth = min(len(rows0), 3, len(target.rows) - rows0[0])
    if depth >= 2:
        labels = combine_rows(target, rows0[0], depth)
    else:
        labels = [normalize_label(x) if isinstance(x, str) else "" for x in target.rows[rows0[0]]]
    return guess_for_labels(target, index, rows0[:depth], labels, opts), []
