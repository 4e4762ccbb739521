"""Rows and columns hidden in Excel (a stale 合计, an old draft kept out of sight, last draft's 得分 column)
are left out and said, by every reader of a table that may carry them (自评表, 部门决算公开表); rows an active
filter hides are data and stay (they are in ``Sheet.filtered_rows``, not ``hidden_rows``); a sheet whose
every filled row is hidden (a writer that hides by default) is read whole."""

from __future__ import annotations

import dataclasses

from jixiao.fmt import col_letter, listed
from jixiao.ingest.workbook import Sheet
from jixiao.model import Finding

ALL_HIDDEN = "表头下面的所有行都标为隐藏，已全部读取（否则没有可计算的项目）。请在 Excel/WPS 中确认这些行是否应当隐藏。"


def without_hidden(sheet: Sheet, first: int = 0) -> tuple[Sheet, Finding | None]:
    """The sheet with its hidden rows (from row ``first`` on, 0-based: under a header) and hidden
    columns blanked — positions kept, so findings still name the rows people see — and the warning
    HIDDEN_LEFT_OUT saying what was left out; when every filled row from ``first`` is hidden, nothing is
    left out and ALL_ROWS_HIDDEN says so; (sheet, None) when nothing is hidden."""
    rows = sheet.rows
    where = f"工作表「{sheet.name}」"
    filled = [r for r in range(first, len(rows)) if any(x != "" for x in rows[r])]
    hidden_rows = sorted(set(sheet.hidden_rows) & set(filled))
    every = bool(hidden_rows) and len(hidden_rows) == len(filled)
    if every:
        hidden_rows = []
    hidden_cols = sorted(c for c in sheet.hidden_cols if any(c < len(row) and row[c] != "" for row in rows))
    if not hidden_rows and not hidden_cols:
        return sheet, Finding(
            "warning", "ALL_ROWS_HIDDEN", where, ALL_HIDDEN, sheet=sheet.name
        ) if every else None
    drop_rows, drop_cols = set(hidden_rows), set(hidden_cols)
    new_rows = [
        [""] * len(row)
        if r in drop_rows
        else [("" if c in drop_cols else x) for c, x in enumerate(row)]
        if drop_cols or r in drop_rows
        else row
        for r, row in enumerate(rows)
    ]
    parts = []
    if hidden_rows:
        parts.append(f"{len(hidden_rows)} 个隐藏行（第{listed(r + 1 for r in hidden_rows)}行）")
    if hidden_cols:
        parts.append(f"{len(hidden_cols)} 个隐藏列（{listed(col_letter(c) for c in hidden_cols)}列）")
    said = Finding(
        "warning",
        "HIDDEN_LEFT_OUT",
        where,
        f"{where}中有{'和'.join(parts)}，已按未隐藏的内容读取，隐藏内容（常是旧稿或草稿）未计入。"
        "如这些内容也应计入，请在 Excel/WPS 中取消隐藏后再上传。",
        sheet=sheet.name,
    )
    return dataclasses.replace(sheet, rows=new_rows, hidden_rows=frozenset(), hidden_cols=frozenset()), said
