"""How a 月度执行表 was written: each month's own spending, or the amount spent so far (cumulative).

The months' own labels decide when they say so (累计 / 截至 / 1-3月, or 当月 / 本月); else a column beside
the months holding them added up; else the title; else the data (cumulative amounts never fall).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from jixiao.ingest import values as v
from jixiao.ingest.workbook import Sheet

CUMULATIVE, MONTHLY = "cumulative", "monthly"
HABIT_LABELS = {CUMULATIVE: "累计数", MONTHLY: "当月数"}
_CUM_WORDS = re.compile(r"(累计|截至|截止|至今|年初至)")
_MONTHLY_WORDS = re.compile(r"(当月|本月|月度支出|月支出|单月|当季|本季|单季)")
TOLERANCE = 0.005  # 万元: amounts equal at the printed precision are equal


def sum_column(sheet: Sheet, h: Any, sheet_rows: list[int], values: np.ndarray, scale: float) -> str | None:
    """The label of a column beside the months ("1-6月累计", "累计执行") that holds each project's months
    added up: then each month column is that month's own spending. Only rows whose sum differs from
    their latest amount can tell."""
    total = np.nansum(values, axis=1)
    filled = ~np.isnan(values)
    last = np.array([row[f][-1] if f.any() else np.nan for row, f in zip(values, filled)])
    telling = [i for i in range(len(sheet_rows)) if abs(total[i] - last[i]) > TOLERANCE]
    if len(telling) < 2:
        return None
    taken = set(h.months.values()) | set(h.columns.values()) | {c for cs in h.parts.values() for c in cs}
    for c in range(len(h.labels)):
        if c in taken:
            continue
        hits = 0
        for i in telling:
            row = sheet.rows[sheet_rows[i] - 1]
            x, status = v.parse_number(row[c]) if c < len(row) else (None, None)
            hits += status == v.OK and x is not None and abs(x / scale - total[i]) <= TOLERANCE
        if hits >= 0.8 * len(telling):
            return h.labels[c]
    return None


def decide_habit(
    values: np.ndarray, budget: np.ndarray, h: Any, title: str, sums: str | None
) -> tuple[str, str]:
    falls = 0
    rising = 0
    over_if_monthly = 0
    over_if_cumulative = 0
    for row, b in zip(values, budget):
        seq = row[~np.isnan(row)]
        if len(seq) >= 2:
            diffs = np.diff(seq)
            falls += bool((diffs < -TOLERANCE).any())
            rising += bool((diffs > TOLERANCE).any())
        if len(seq) and b == b and b > 0:
            over_if_monthly += bool(seq.sum() > b + TOLERANCE)
            over_if_cumulative += bool(seq[-1] > b + TOLERANCE)
    # the months' own labels (with a group label over them) speak for the months; a 累计 column beside
    # them ("1-6月累计") does not
    month_text = " ".join(h.labels[c] for c in h.months.values())
    text = f"{title} {month_text}"
    if h.range_labels or _CUM_WORDS.search(month_text):
        reason = "表头写明累计（如“累计”“截至”“1-3月”）"
        if falls:
            reason += f"；但有 {falls} 个项目的累计数比上月减少，请核实（可能有资金收回）"
        return CUMULATIVE, reason + "。"
    if _MONTHLY_WORDS.search(text):
        return MONTHLY, "表头写明当月数（如“当月”“本月”）。"
    if sums:
        return MONTHLY, f"“{sums}”一列等于各月之和，故各月为当月数。"
    if _CUM_WORDS.search(title):
        return CUMULATIVE, "表格标题写明累计。"
    if falls and falls * 2 <= rising and over_if_monthly - over_if_cumulative >= max(2, falls):
        # a refund in a cumulative table: one or two falls, while adding the months up would put
        # many projects over their budget
        return CUMULATIVE, (
            f"表头未写明；有 {falls} 个项目的数额比上月减少（可能有资金收回，请核实），但若按当月数相加将有 "
            f"{over_if_monthly} 个项目超过预算，其余项目逐月只增不减，故为累计数。"
        )
    if falls:
        return MONTHLY, f"表头未写明；有 {falls} 个项目的数额逐月有升有降，累计数不会减少，故为当月数。"
    why = "表头未写明；各项目的数额逐月只增不减"
    if over_if_monthly > over_if_cumulative:
        why += f"，若按当月数相加将有 {over_if_monthly} 个项目超过预算"
    elif not rising:
        why += "（各月数额相同，也可能是每月固定支出，请核实）"
    return CUMULATIVE, why + "，故为累计数。"
