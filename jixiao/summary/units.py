"""The amount unit of each column of a project table: 元 or 万元, and whether the figures agree."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from jixiao import model as m
from jixiao.ingest import values as v
from jixiao.ingest.money_units import (
    ASSUMED_YUAN_MEDIAN,
    YUAN_MEDIAN,
    amount_unit_of_label,
    find_amount_unit_line,
)
from jixiao.ingest.workbook import Sheet
from jixiao.summary.blocks import TOTAL


def amount_factors(reader: Any) -> tuple[dict[str, float], str]:
    """The factor that turns each amount column into 万元, and the unit of the budget column.

    A column's own header ("执行数（元）") wins, then what its cells are written with ("390000元"),
    then the sheet's unit line ("单位：元") or another amount header, then 万元 (said)."""
    top = reader.guess.header_rows[-1] + 1
    amount_fields = [f for f in (m.BUDGET, m.EXECUTED, m.INITIAL_BUDGET) if f in reader.cols]
    measure = _measure_column(reader, top)
    if reader.forced_unit in ("元", "万元"):
        units = dict.fromkeys(amount_fields, reader.forced_unit)
        sheet_unit = reader.forced_unit
    else:
        under = units_row(reader.sheet, top)  # "（元）" / "万元" in a row of its own under the header
        own = {
            f: amount_unit_of_label(reader.guess.labels[reader.cols[f]]) or under.get(reader.cols[f])
            for f in amount_fields
        }
        written = {
            f: written_unit(reader.sheet, reader.cols[f], top) for f in amount_fields if own[f] is None
        }
        sheet_unit = (
            next((own[f] for f in (m.BUDGET, m.EXECUTED) if own.get(f)), None)
            or find_amount_unit_line(reader.sheet.rows, top + 1)  # above the header or just under it
            or note_unit(reader.sheet.rows, top)
            or measure
            or next((u for u in own.values() if u), None)
        )
        units = {f: own[f] or written.get(f) or sheet_unit for f in amount_fields}
        assumed = "万元"
        if any(u is None for u in units.values()) and (m.BUDGET in reader.cols or m.EXECUTED in reader.cols):
            median = median_amount(reader.sheet, reader.cols.get(m.BUDGET, reader.cols.get(m.EXECUTED)), top)
            if median is not None and median > ASSUMED_YUAN_MEDIAN:
                assumed = "元"
                reader.add(
                    "warning",
                    "AMOUNT_UNIT_ASSUMED",
                    f"工作表「{reader.sheet.name}」",
                    f"表中没有注明金额单位。项目金额的中位数为 {median:,.2f}，按“万元”理解每个项目超过 1 亿元，"
                    "已按“元”读取。如实际是万元，请在导入页把金额单位改为“万元”。",
                )
            else:
                reader.add(  # scores alone have no unit to assume
                    "info",
                    "AMOUNT_UNIT_ASSUMED",
                    f"工作表「{reader.sheet.name}」",
                    "表中没有注明金额单位，已按“万元”处理。",
                )
        units = {f: u or assumed for f, u in units.items()}
        if len(set(units.values())) > 1:
            said = "，".join(f"「{reader.headers[f]}」按{u}" for f, u in units.items())
            reader.add(
                "info",
                "AMOUNT_UNITS_MIXED",
                f"工作表「{reader.sheet.name}」",
                f"各金额列的单位不同：{said}，已分别换算为万元后再计算。",
            )
    factors = {f: factor_of(units.get(f)) for f in (m.BUDGET, m.EXECUTED, m.INITIAL_BUDGET)}
    return factors, units.get(m.BUDGET) or sheet_unit or "万元"


_NOTE_UNIT = re.compile(
    r"(?:金额|数据|表中)?单位(?:为|是|均为|：|:)\s*(?:人民币)?\s*[（(]?(亿元|百万元|万元|千元|元)"
)


def note_unit(rows: list[list[Any]], top: int) -> str | None:
    """The unit a note under the table states ("注：表中金额单位为元"), searched in its last rows."""
    for row in rows[max(top, len(rows) - 8) :]:
        for x in row:
            if isinstance(x, str) and x.lstrip().startswith(("注", "说明", "备注")):
                hit = _NOTE_UNIT.search(x.replace(" ", ""))
                if hit:
                    return hit.group(1)
    return None


# 万元 per unit of an amount written in each unit (千元 appears in statistical tables, 百万元 and 亿元
# in provincial and enterprise ones)
UNIT_FACTORS = {"元": 0.0001, "千元": 0.1, "万元": 1.0, "百万元": 100.0, "亿元": 10000.0}


def factor_of(unit: str | None) -> float:
    return UNIT_FACTORS.get(unit or "万元", 1.0)


def _measure_column(reader: Any, top: int) -> str | None:
    """A 单位 column that holds 万元 or 元 on every row (a 计量单位, as in a 预算 table): the amounts'
    unit, not the projects' units — it stops being read as the unit's name, and says so."""
    c = reader.cols.get(m.UNIT)
    if c is None:
        return None
    cells = {
        str(row[c]).strip() for row in reader.sheet.rows[top : top + 300] if c < len(row) and row[c] != ""
    }
    if len(cells) != 1 or not cells <= {"元", "万元"}:
        return None
    (unit,) = cells
    label = reader.headers.pop(m.UNIT, "单位")
    del reader.cols[m.UNIT]
    reader.add(
        "info",
        "UNIT_COLUMN_IS_AMOUNT_UNIT",
        f"工作表「{reader.sheet.name}」",
        f"「{label}」列每行都填“{unit}”，是金额的计量单位，不是单位名称：金额按{unit}读取，项目不按单位分组。",
    )
    return unit


def median_amount(sheet: Sheet, c: int, top: int) -> float | None:
    """The median of column c's first few hundred cells under the header that are numbers and not 0,
    total rows left out: with two or three projects a 合计 would decide the median."""
    values = [
        v.parse_number(row[c])
        for row in sheet.rows[top : top + 500]
        if c < len(row) and not any(type(x) is str and TOTAL.search(x) for x in row)
    ]
    # no amount anyone typed is 10^15 or more (1e308 is a hostile file's): it would decide nothing but the
    # digits of the message
    numbers = [x for x, status in values if status == v.OK and x and abs(x) < 1e15]
    return float(np.median(numbers)) if numbers else None


_UNIT_ONLY = re.compile(r"^[(（]?\s*(?:金额)?(?:单位\s*[:：])?\s*(万元|元)\s*[)）]?$")
# the other columns' units on such a row: 元 | 元 | % | 分
_OTHER_UNIT = re.compile(r"^[(（]?\s*(%|％|分|个|项|人|次|人次|场|天|年|月|日)\s*[)）]?$")


def units_row(sheet: Sheet, top: int) -> dict[int, str]:
    """Column -> unit, from a row under the header (or under its 栏次 row) that holds nothing but
    units: "（元）", "万元", "单位：元" over the amount columns ("%", "分" over the others)."""
    return units_row_at(sheet, top)[1]


def units_row_at(sheet: Sheet, top: int) -> tuple[int | None, dict[int, str]]:
    """The row ``units_row`` reads (None when there is none) and what it says."""
    for r in range(top, min(top + 2, len(sheet.rows))):
        row = sheet.rows[r]
        filled = {c: x.strip() for c, x in enumerate(row) if isinstance(x, str) and x.strip()}
        hits = {c: u.group(1) for c, t in filled.items() if (u := _UNIT_ONLY.match(t.replace(" ", "")))}
        others = sum(1 for c, t in filled.items() if c not in hits and _OTHER_UNIT.match(t.replace(" ", "")))
        if hits and len(hits) + others == len(filled) and not any(isinstance(x, float) for x in row):
            return r, hits
    return None, {}


def written_unit(sheet: Sheet, c: int, top: int) -> str | None:
    """元 or 万元 when the column's first filled cells are written with it ("390000元"). A few such
    cells among bare numbers say only their own unit (each is read in it): the column's comes from
    its header or the sheet's unit line."""
    units: list[str] = []
    numbers = 0
    for row in sheet.rows[top : top + 200]:
        x = row[c] if c < len(row) else ""
        if type(x) is float or type(x) is int:
            numbers += 1
            continue
        if type(x) is not str or not x.strip():
            continue
        own = v.written_factor(x)
        if own is not None and v.parse_number(x)[1] == v.OK:
            units.append("万元" if own == 1.0 else "元")
        if len(units) >= 20:
            break
    if not units or len(units) < numbers:
        return None
    return max(("元", "万元"), key=units.count)


def check_unit_plausible(reader: Any, budget_column: list[float | None], unit_text: str) -> None:
    """A 万元 table whose budgets are in the hundred thousands, or a 元 table whose budgets are a
    few hundred 元: the unit in the header (or the one assumed) is most likely wrong."""
    if reader.forced_unit in ("元", "万元"):
        return
    budgets = np.asarray(budget_column, dtype=float)
    budgets = budgets[(budgets != 0) & ~np.isnan(budgets)]  # 0 and missing (NaN) say nothing
    median = float(np.median(budgets)) if len(budgets) else None
    if median is None:
        return
    if unit_text == "万元" and median > YUAN_MEDIAN:
        message = (
            f"按“万元”理解时，项目预算的中位数达 {median:,.2f} 万元，金额可能是以“元”为单位。"
            "如是，请在导入页把金额单位改为“元”。"
        )
    elif unit_text == "元" and median < 0.1:
        message = (
            f"按“元”理解时，项目预算的中位数只有 {median * 10000:,.2f} 元，金额可能是以“万元”为单位。"
            "如是，请在导入页把金额单位改为“万元”。"
        )
    else:
        return
    reader.add("warning", "AMOUNT_UNIT_SUSPECT", f"工作表「{reader.sheet.name}」", message)


def columns_differ(table: m.ProjectTable) -> bool:
    """The amount columns were in different units (each converted): one unit cannot describe them."""
    return any(f.code == "AMOUNT_UNITS_MIXED" for f in table.findings)
