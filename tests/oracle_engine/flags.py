"""Deviation (偏差) flags per project: a code and a Chinese reason with the numbers in it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.settings import Settings
from tests.oracle_engine.fmt import pct, pct_list, wan_list

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
# The flags that make a project "有较大偏差" by the rules the 自评 forms state.
# mirrors main: one definition of 偏差, over-execution and no-rate included
DEVIATION_CODES = (LOW_EXECUTION, OVER_EXECUTION, NO_RATE, INDICATOR_SHORTFALL)


def flag_projects(projects: pd.DataFrame, rates: pd.Series, settings: Settings) -> list[list[m.Flag]]:
    """Flags per row. Whole columns are tested and formatted at once: a province-wide table has
    tens of thousands of rows and most reasons carry four or five numbers."""
    n = len(projects)
    num = lambda c: pd.to_numeric(projects[c], errors="coerce").to_numpy(dtype=float)  # noqa: E731
    rate, budget, executed = np.asarray(rates, dtype=float), num(m.BUDGET), num(m.EXECUTED)
    comps = {comp: num(col) for comp, col in m.COMPONENT_COLUMNS.items()}
    self_flag = projects[m.SELF_FLAG].map(lambda x: None if x is None or x != x else bool(x)).tolist()
    with np.errstate(invalid="ignore"):
        no_rate = np.isnan(rate) & (budget <= 0) & (np.nan_to_num(executed) != 0)
        low = rate < settings.low_threshold - 1e-9
        over = rate > 100 + 1e-9
        short_any = np.zeros(n, dtype=bool)
        for values in comps.values():
            short_any |= values < 100 - 1e-9
    deviates = no_rate | low | over | short_any
    self_arr = np.array([x is True for x in self_flag], dtype=bool)
    self_no = np.array([x is False for x in self_flag], dtype=bool)
    mismatch = (self_arr & ~deviates) | (self_no & deviates)
    out: list[list[m.Flag]] = [[] for _ in range(n)]
    idx = np.nonzero(no_rate | low | over | short_any | mismatch)[0]
    if not len(idx):
        return out
    b_s, e_s = wan_list(budget[idx]), wan_list(executed[idx])
    gap_s = wan_list(np.nan_to_num(budget[idx]) - np.nan_to_num(executed[idx]))
    over_s = wan_list(np.nan_to_num(executed[idx]) - np.nan_to_num(budget[idx]))
    rate_s = pct_list(rate[idx])
    comp_s = {comp: pct_list(values[idx]) for comp, values in comps.items()}
    with np.errstate(invalid="ignore"):
        comp_short = {comp: (values[idx] < 100 - 1e-9).tolist() for comp, values in comps.items()}
    threshold = pct(settings.low_threshold)
    for k, i in enumerate(idx.tolist()):
        flags: list[m.Flag] = []
        if no_rate[i]:
            flags.append(
                m.Flag(NO_RATE, f"预算为 {b_s[k]} 万元却支出 {e_s[k]} 万元，无法计算执行率，请核实预算数。")
            )
        elif low[i]:
            flags.append(
                m.Flag(
                    LOW_EXECUTION,
                    f"预算执行率 {rate_s[k]}，低于 {threshold}（预算 {b_s[k]} 万元，执行 {e_s[k]} 万元，"
                    f"未执行 {gap_s[k]} 万元），需说明原因。",
                )
            )
        elif over[i]:
            flags.append(
                m.Flag(
                    OVER_EXECUTION,
                    f"执行数 {e_s[k]} 万元超过预算 {b_s[k]} 万元，超出 {over_s[k]} 万元，执行率 {rate_s[k]}。",
                )
            )
        if short_any[i]:
            parts = [
                f"{m.COMPONENT_LABELS[comp]}得分率 {comp_s[comp][k]}" for comp in comps if comp_short[comp][k]
            ]
            flags.append(m.Flag(INDICATOR_SHORTFALL, "、".join(parts) + "，未达 100%。"))
        if mismatch[i]:
            if self_arr[i]:
                reason = "单位填报“有较大偏差：是”，但执行率和各项得分率均未触发偏差规则。"
            else:
                names = "、".join(FLAG_LABELS[f.code] for f in flags if f.code in DEVIATION_CODES)
                reason = f"单位填报“有较大偏差：否”，但按规则存在偏差（{names}）。"
            flags.append(m.Flag(SELF_FLAG_MISMATCH, reason))
        out[i] = flags
    return out
