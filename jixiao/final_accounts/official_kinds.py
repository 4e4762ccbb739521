"""部门决算公开表: which table a sheet holds (by its title), its year, and the tables of a workbook — a sheet
holding several tables one under another is cut at their titles; a table continued under a "（续）"
title (Word splits a long table at a page break) is joined to the table it continues.

Used by official.py, which reads each kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from jixiao.final_accounts.official_table import _text
from jixiao.ingest.workbook import Sheet

# Table kinds, by what their title says (checked in this order).
SUMMARY = "收入支出决算总表"
FISCAL_SUMMARY = "财政拨款收入支出决算总表"
INCOME = "收入决算表"
EXPENDITURE = "支出决算表"
GENERAL = "一般公共预算财政拨款支出决算表"
BASIC = "一般公共预算财政拨款基本支出决算表"
THREE_PUBLIC = "“三公”经费支出决算表"
# no figure of 图1–图7 comes from these two (mostly "本表为空表"); known, so that a sheet holding the
# tables one under another is cut at them rather than running on into the table above
FUND = "政府性基金预算财政拨款收入支出决算表"
CAPITAL = "国有资本经营预算财政拨款收入支出决算表"

# The 2024 edition drops the 总 ("收入支出决算表", "财政拨款收入支出决算表"); "收入支出决算表" holds
# "支出决算表", and the 政府性基金 / 国有资本经营 tables hold "财政拨款收入支出决算表": none of them is another.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (FUND, re.compile(r"政府性基金预算财政拨款(?:收入)?支出决算(?:总)?表")),
    (CAPITAL, re.compile(r"国有资本经营预算财政拨款(?:收入)?支出决算(?:总)?表")),
    (FISCAL_SUMMARY, re.compile(r"(?<!预算)财政拨款收入?支出?决算总?表")),
    (SUMMARY, re.compile(r"(?<!拨款)收入?支出?决算总?表")),
    (BASIC, re.compile(r"基本支出决算(?:明细)?表")),
    (THREE_PUBLIC, re.compile(r"三公.{0,3}经费.{0,12}决算")),
    (GENERAL, re.compile(r"一般公共预算财政拨款支出决算(?:明细)?表")),
    (INCOME, re.compile(r"(?<!支出)收入决算表")),
    (EXPENDITURE, re.compile(r"(?<!项目)(?<!收入)(?<!收)支出决算表")),
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _kind(sheet: Sheet) -> str | None:
    """The table a sheet holds, by its title (the first rows) or, failing that, its name."""
    for text in (" ".join(_text(x) for row in sheet.rows[:4] for x in row if _text(x)), sheet.name):
        text = text.replace('"', "“").replace("＂", "“")
        for kind, pattern in _KINDS:
            if pattern.search(text):
                return kind
    return None


# a date a table was published, compiled or printed ("公开日期：2024年9月30日"): not the year it reports
_DATE = re.compile(
    r"(?:公开|编制|填报|报送|打印|制表)?(?:日期|时间)\s*[:：].*|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
)


def _year(sheet: Sheet, fallback: int | None) -> int | None:
    for row in sheet.rows[:4]:
        for x in row:
            hit = _YEAR.search(_DATE.sub("", _text(x)))
            if hit:
                return int(hit.group(1))
    hit = _YEAR.search(sheet.name)
    return int(hit.group(1)) if hit else fallback


def is_official(sheet: Sheet) -> bool:
    """The sheet's title (or name) is that of a 公开表."""
    return bool(sheet.rows) and _kind(sheet) is not None


def official_tables(sheets: Sequence[Sheet]) -> list[tuple[str, Sheet]]:
    """(kind, table) of every 公开表 in the workbook; a sheet holding several tables one under the
    other is cut at their titles; a "（续）" part is joined to the table it continues."""
    out: list[tuple[str, Sheet]] = []
    for s in sheets:
        kind = _kind(s) if s.rows else None
        if out and _continues(s, out[-1][0], kind):
            out[-1] = (out[-1][0], _joined(out[-1][1], s))
        elif kind is not None:  # a project table is passed over on its first rows
            out += [(k, t) for t in _split(s) if (k := _kind(t)) is not None]
    return out


# "公开05表（续）", "表5（续）", "续表", "一般公共预算财政拨款支出决算表（续表）" over the rest of a table
_CONTINUED = re.compile(r"[（(]续表?\d*[)）]$|^续(?:上)?表\d*$")


def _continues(sheet: Sheet, previous: str, kind: str | None) -> bool:
    lead = [
        t for row in sheet.rows[:3] if len(texts := [_text(x) for x in row if _text(x)]) == 1 for t in texts
    ]
    return kind in (None, previous) and any(_CONTINUED.search(t) for t in lead)


def _joined(table: Sheet, part: Sheet) -> Sheet:
    """``part`` under ``table``, its title lines (one text each: "公开05表（续）", "单位：万元") left out."""
    skip = 0
    while skip < len(part.rows) and sum(1 for x in part.rows[skip] if _text(x)) <= 1:
        skip += 1
    rows = [*table.rows, *part.rows[skip:]]
    shift = len(table.rows) - skip
    merged = [
        *table.merged,
        *((r0 + shift, c0, r1 + shift, c1) for r0, c0, r1, c1 in part.merged if r0 >= skip),
    ]
    return Sheet(name=table.name, rows=rows, merged=merged)


def _title(row: list[Any]) -> bool:
    texts = [_text(x) for x in row if _text(x)]
    if not 1 <= len(texts) <= 3 or not texts[0].endswith("表") and "表" not in "".join(texts):
        return False
    text = "".join(texts).replace('"', "“")
    return any(p.search(text) for _, p in _KINDS)


def _split(sheet: Sheet) -> list[Sheet]:
    starts = [r for r, row in enumerate(sheet.rows[:2000]) if _title(row)]
    if len(starts) < 2:
        return [sheet]
    parts = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(sheet.rows)
        merged = [
            (r0 - start, c0, r1 - start, c1) for r0, c0, r1, c1 in sheet.merged if start <= r0 and r1 < end
        ]
        name = f"{sheet.name}第{k + 1}个表（自第{start + 1}行）"
        parts.append(Sheet(name=name, rows=sheet.rows[start:end], merged=merged))
    return parts
