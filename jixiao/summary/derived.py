"""An amount column the table does not print, from the one it does and its 执行率.

A 汇总表 of 项目名称 / 预算数 / 预算执行率 (no 执行数) used to give no 执行数 and no headline 执行率, and
say nothing. The printed rate is then the only source: 执行数 = 预算数 × 执行率 (or 预算数 = 执行数 ÷
执行率), rounded to the cent, with a warning that says so. The rates recomputed from these amounts give
back the printed ones, so the one figure the table states is not contradicted; the headline is a
budget-weighted mean of the printed rates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jixiao import fmt
from jixiao import model as m


def amounts_from_rates(reader: Any, columns: dict[str, Any]) -> None:
    """Fill the missing 执行数 (or 预算数) column from the other and the printed 执行率 (in place).
    Totals keep what they print: theirs derived from a rounded rate would differ from the rows' sum by
    rounding alone, and be reported as a mismatch."""
    cols = reader.cols
    if m.REPORTED_RATE not in cols or (m.BUDGET in cols) == (m.EXECUTED in cols):
        return
    rate = np.asarray(columns[m.REPORTED_RATE], dtype=float) / 100.0  # None → NaN
    have, want = (m.BUDGET, m.EXECUTED) if m.BUDGET in cols else (m.EXECUTED, m.BUDGET)
    known = np.asarray(columns[have], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        derived = known * rate if want == m.EXECUTED else np.where(rate > 0, known / rate, np.nan)
    derived = fmt.round_array(derived, 2)
    count = int(np.count_nonzero(~np.isnan(derived)))
    if not count:
        return
    columns[want] = derived
    rate_label = reader.headers.get(m.REPORTED_RATE) or "执行率"
    have_label = reader.headers.get(have) or m.FIELD_LABELS.get(have, have)
    if want == m.EXECUTED:
        how, what = f"「{have_label}」×「{rate_label}」", "执行数"
    else:
        how, what = f"「{have_label}」÷「{rate_label}」（执行率为 0 的行无法推算）", "预算数"
    reader.add(
        "warning",
        "EXECUTED_FROM_RATE" if want == m.EXECUTED else "BUDGET_FROM_RATE",
        f"工作表「{reader.sheet.name}」",
        f"表中没有{what}列：{count} 个项目的{what}按{how}推算，保留两位小数。执行率和得分按推算值计算；"
        f"表中的执行率本身经过舍入，推算的{what}可能与实际相差几分。请核对，最好补上{what}列。",
        fieldname=want,
    )
