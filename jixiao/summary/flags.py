"""Deviation (偏差) flags per project: a code and a Chinese reason with the numbers in it."""

from __future__ import annotations

from itertools import repeat

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.fmt import pct, pct_list, wan_list
from jixiao.settings import Settings

LOW_EXECUTION = "LOW_EXECUTION"
OVER_EXECUTION = "OVER_EXECUTION"
INDICATOR_SHORTFALL = "INDICATOR_SHORTFALL"
SELF_FLAG_MISMATCH = "SELF_FLAG_MISMATCH"
NO_RATE = "NO_RATE"

FLAG_LABELS = {
    LOW_EXECUTION: "执行率偏低",
    OVER_EXECUTION: "超预算执行",
    INDICATOR_SHORTFALL: "指标未满分",
    SELF_FLAG_MISMATCH: "自报偏差不一致",
    NO_RATE: "无法计算执行率",
}
# The one definition of 偏差 (有较大偏差 by the rules): 总览, 偏差预警, the traffic light and every export
# count it through ``is_deviation``. Spending over the budget, or money spent against no usable budget,
# is as much a deviation as spending too little; SELF_FLAG_MISMATCH is a remark about the unit's own
# answer, not a deviation of the project.
DEVIATION_CODES = (LOW_EXECUTION, OVER_EXECUTION, NO_RATE, INDICATOR_SHORTFALL)
DEVIATION_RULE = "执行率低于预警线、超过 100%（超预算）、预算为 0 或负数却有支出（无法计算执行率），或任一指标得分率不足 100%"


def is_deviation(flags: list[m.Flag] | tuple[m.Flag, ...] | None) -> bool:
    """有较大偏差 by the rules."""
    return any(f.code in DEVIATION_CODES for f in flags or ())


def stake(budget: float | None, executed: float | None) -> float:
    """Money at stake (万元): what was not spent, or what was spent beyond the budget; the order of the
    偏差预警 list."""
    b = 0.0 if budget is None or budget != budget else float(budget)
    e = 0.0 if executed is None or executed != executed else float(executed)
    return abs(b - e) if b > 0 else abs(e)


def flag_projects(projects: pd.DataFrame, rates: pd.Series, settings: Settings) -> list[list[m.Flag]]:
    return flag_table(projects, rates, settings)[0]


def _said(x) -> int:
    """The unit's own 是否有较大偏差: 1 yes, 2 no, 0 not filled in (None or NaN)."""
    return 0 if x is None or x != x else 1 if x else 2


def _text(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _flags(code: str, reasons: np.ndarray) -> np.ndarray:
    """Flag tuples for one code, built without a Python call per row."""
    flags = map(tuple.__new__, repeat(m.Flag), zip(repeat(code), reasons.tolist()))
    return np.fromiter(flags, dtype=object, count=len(reasons))


def flag_table(
    projects: pd.DataFrame, rates: pd.Series, settings: Settings
) -> tuple[list[list[m.Flag]], np.ndarray]:
    """Flags per row, and whether each row deviates by the rules (LOW_EXECUTION / INDICATOR_SHORTFALL).

    Whole columns are tested at once; a reason is written only for the rows that carry it, and
    written a column at a time (each number formatted once, the sentence joined with array
    arithmetic): a province-wide table has tens of thousands of flagged rows."""
    n = len(projects)
    num = lambda c: pd.to_numeric(projects[c], errors="coerce").to_numpy(dtype=float)  # noqa: E731
    rate, budget, executed = np.asarray(rates, dtype=float), num(m.BUDGET), num(m.EXECUTED)
    comps = {comp: num(col) for comp, col in m.COMPONENT_COLUMNS.items()}
    with np.errstate(invalid="ignore"):
        no_rate = np.isnan(rate) & (budget <= 0) & (np.nan_to_num(executed) != 0)
        low = rate < settings.low_threshold - 1e-9
        over = rate > 100 + 1e-9
        short = {comp: values < 100 - 1e-9 for comp, values in comps.items()}
    short_any = np.zeros(n, dtype=bool)
    for mask in short.values():
        short_any |= mask
    deviates = no_rate | low | over | short_any  # is_deviation, a column at a time
    said = np.fromiter(map(_said, projects[m.SELF_FLAG].tolist()), dtype=np.int8, count=n)
    self_yes, self_no = said == 1, said == 2
    mismatch = (self_yes & ~deviates) | (self_no & deviates)
    out: list[list[m.Flag]] = [[] for _ in range(n)]
    if not (no_rate | low | over | short_any | mismatch).any():
        return out, deviates

    execution = np.full(n, None, dtype=object)  # the first flag of a row: NO_RATE, LOW or OVER
    money = np.flatnonzero(no_rate | low | over)
    if len(money):
        b_s, e_s = _text(wan_list(budget[money])), _text(wan_list(executed[money]))
        for mask, write in (
            (
                no_rate,
                lambda k: _flags(
                    NO_RATE,
                    "预算为 " + b_s[k] + " 万元却支出 " + e_s[k] + " 万元，无法计算执行率，请核实预算数。",
                ),
            ),
            (
                low & ~no_rate,
                lambda k: _flags(
                    LOW_EXECUTION, _low_reason(k, money, rate, budget, executed, b_s, e_s, settings)
                ),
            ),
            (
                over & ~no_rate & ~low,
                lambda k: _flags(OVER_EXECUTION, _over_reason(k, money, rate, budget, executed, b_s, e_s)),
            ),
        ):
            k = np.flatnonzero(mask[money])
            if len(k):
                execution[money[k]] = write(k)

    shortfall = np.full(n, None, dtype=object)
    rows = np.flatnonzero(short_any)
    if len(rows):
        text = np.full(len(rows), "", dtype=object)
        for comp, values in comps.items():
            hit = short[comp][rows]
            if not hit.any():
                continue
            part = np.full(len(rows), "", dtype=object)
            part[hit] = f"{m.COMPONENT_LABELS[comp]}得分率 " + _text(pct_list(values[rows][hit]))
            text = np.where(hit & (text != ""), text + "、" + part, np.where(hit, part, text))
        shortfall[rows] = _flags(INDICATOR_SHORTFALL, text + "，未达 100%。")

    disagree = np.full(n, None, dtype=object)
    yes_rows = np.flatnonzero(mismatch & self_yes)
    if len(yes_rows):
        reason = "单位填报“有较大偏差：是”，但执行率和各项得分率均未触发偏差规则。"
        disagree[yes_rows] = _flags(SELF_FLAG_MISMATCH, np.full(len(yes_rows), reason, dtype=object))
    no_rows = np.flatnonzero(mismatch & self_no)
    if len(no_rows):
        # the row's deviation flags by name, in the order they stand: execution first, then indicators
        nr, lo, ov = no_rate[no_rows], low[no_rows], over[no_rows]
        first = np.select(
            [nr, lo, ov], [FLAG_LABELS[NO_RATE], FLAG_LABELS[LOW_EXECUTION], FLAG_LABELS[OVER_EXECUTION]], ""
        ).astype(object)
        short = short_any[no_rows]
        names = np.where(
            (first != "") & short,
            first + "、" + FLAG_LABELS[INDICATOR_SHORTFALL],
            np.where(short, FLAG_LABELS[INDICATOR_SHORTFALL], first),
        ).astype(object)
        disagree[no_rows] = _flags(
            SELF_FLAG_MISMATCH, "单位填报“有较大偏差：否”，但按规则存在偏差（" + names + "）。"
        )

    # Each row's list in the order the reasons read: execution, indicators, the unit's own verdict.
    have = np.stack([execution != None, shortfall != None, disagree != None], axis=1)  # noqa: E711
    pattern = have[:, 0] * 4 + have[:, 1] * 2 + have[:, 2]
    sources = (execution, shortfall, disagree)
    for code in np.unique(pattern[pattern > 0]).tolist():
        where = np.flatnonzero(pattern == code)
        picked = [src[where].tolist() for j, src in enumerate(sources) if code >> (2 - j) & 1]
        for i, flags in zip(where.tolist(), map(list, zip(*picked))):
            out[i] = flags
    return out, deviates


def _low_reason(k, money, rate, budget, executed, b_s, e_s, settings: Settings) -> np.ndarray:
    rows = money[k]
    gap = _text(wan_list(np.nan_to_num(budget[rows]) - np.nan_to_num(executed[rows])))
    return (
        "预算执行率 "
        + _text(pct_list(rate[rows]))
        + f"，低于 {pct(settings.low_threshold)}（预算 "
        + b_s[k]
        + " 万元，执行 "
        + e_s[k]
        + " 万元，未执行 "
        + gap
        + " 万元），需说明原因。"
    )


def _over_reason(k, money, rate, budget, executed, b_s, e_s) -> np.ndarray:
    rows = money[k]
    extra = _text(wan_list(np.nan_to_num(executed[rows]) - np.nan_to_num(budget[rows])))
    return (
        "执行数 "
        + e_s[k]
        + " 万元超过预算 "
        + b_s[k]
        + " 万元，超出 "
        + extra
        + " 万元，执行率 "
        + _text(pct_list(rate[rows]))
        + "。"
    )
