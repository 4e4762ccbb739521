"""Recomputed figures: execution rates, scores under a weight scheme, grades, roll-ups, means.

Rates are recomputed from amounts, never taken from the sheet; the reported figures are kept
beside them so the audit can show both.
"""

from __future__ import annotations

import calendar
import weakref
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.fmt import round_array, round_half_up
from jixiao.grading import GRADES, grade_of  # noqa: F401 (grade_of: the per-score form of grades())
from jixiao.summary.schemes import AUTO, DEFAULT_PRESET, PRESETS, WeightScheme

SCORE_TOLERANCE = 0.01
# Above this execution rate a project spent more than its budget: band "over" (超预算), never green,
# as jixiao.flags calls it OVER_EXECUTION.
OVER_LIMIT = 100.0


def execution_rates(projects: pd.DataFrame) -> pd.Series:
    """执行数 / 预算数 in percent; NaN where the budget is missing, zero or negative."""
    budget = pd.to_numeric(projects[m.BUDGET], errors="coerce").astype(float)
    executed = pd.to_numeric(projects[m.EXECUTED], errors="coerce").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = executed / budget * 100.0
    return rate.where(budget > 0)


def component_scores(projects: pd.DataFrame, rates: pd.Series, scheme: WeightScheme) -> pd.DataFrame:
    """Points earned per component (weight × 得分率), with '/' components' weight spread over the rest.

    A weighted component that is blank makes the row's score not computable (NaN).
    """
    n = len(projects)
    weights = {c: w for c, w in scheme.weights.items() if w}
    fractions: dict[str, np.ndarray] = {}
    for comp in weights:
        if comp == m.COMPONENT_EXECUTION:
            # no more than the weight, and no less than 0: money returned (执行数 below 0) earns nothing
            fractions[comp] = np.clip(rates.to_numpy(dtype=float), 0.0, 100.0) / 100.0
        else:
            col = m.COMPONENT_COLUMNS[comp]
            fractions[comp] = pd.to_numeric(projects[col], errors="coerce").to_numpy(dtype=float) / 100.0
    comps = list(weights)
    applicable = np.ones((n, len(weights)), dtype=bool)
    if m.NA_COMPONENTS in projects and n:
        # Few distinct '/' patterns exist in a table: decide each pattern once, then index.
        codes, patterns = _na_patterns(projects)
        table = np.array([[comp not in (p or ()) for comp in comps] for p in patterns], dtype=bool)
        if len(table):
            applicable = table[codes]
    w = np.array([weights[c] for c in comps], dtype=float)
    applicable_total = (applicable * w).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(applicable_total > 0, 100.0 / applicable_total, np.nan)
    out = {}
    for j, comp in enumerate(comps):
        frac = fractions[comp]
        points = np.where(applicable[:, j], frac * w[j] * scale, 0.0)
        out[comp] = points
    return pd.DataFrame(out, index=projects.index)


_LAST_NA: tuple = ()  # (weak ref to the table, codes, patterns): every scheme tried on one table shares it


def _na_patterns(projects: pd.DataFrame) -> tuple[np.ndarray, list]:
    global _LAST_NA
    last = _LAST_NA
    if last and last[0]() is projects and len(last[1]) == len(projects):
        return last[1], last[2]
    codes, patterns = pd.factorize(projects[m.NA_COMPONENTS])
    _LAST_NA = (weakref.ref(projects), codes, list(patterns))
    return codes, list(patterns)


def computed_scores(projects: pd.DataFrame, rates: pd.Series, scheme: WeightScheme) -> pd.Series:
    parts = component_scores(projects, rates, scheme)
    if parts.empty:
        return pd.Series(np.nan, index=projects.index)
    return parts.sum(axis=1, skipna=False)


def decimals_of(x: float) -> int:
    text = f"{round(float(x), 6):.6f}".rstrip("0")
    return min(len(text.split(".", 1)[1]) if "." in text else 0, 2)


def agrees(reported: float | None, computed: float | None) -> bool | None:
    """Does a reported score agree with the computed one at the precision it is printed (or 0.01)?"""
    if reported is None or computed is None or np.isnan(reported) or np.isnan(computed):
        return None
    if abs(computed - reported) <= SCORE_TOLERANCE + 1e-9:
        return True
    d = decimals_of(reported)
    return abs(round_half_up(computed, d) - reported) <= 1e-6


@dataclass
class SchemeChoice:
    scheme: WeightScheme
    requested: str  # "auto", a preset key or "custom"
    reproduced: int  # rows whose reported score the scheme reproduces
    comparable: int  # rows with a reported score and a computable one
    candidates: dict[str, int]  # preset key -> rows reproduced (filled for auto)


def agree_mask(reported: np.ndarray, computed: np.ndarray) -> np.ndarray:
    """Vectorised ``agrees``: within 0.01, or equal at the reported value's own precision."""
    with np.errstate(invalid="ignore"):
        close = np.abs(computed - reported) <= SCORE_TOLERANCE + 1e-9
        decimals = np.full(reported.shape, 2)
        for d in (1, 0):
            whole = np.abs(round_array(reported, d) - reported) <= 1e-9
            decimals = np.where(whole, d, decimals)
        at_precision = np.zeros(reported.shape, dtype=bool)
        for d in (0, 1, 2):
            at_precision |= (decimals == d) & (np.abs(round_array(computed, d) - reported) <= 1e-6)
    return (close | at_precision) & ~np.isnan(reported) & ~np.isnan(computed)


def count_reproduced(projects: pd.DataFrame, scores: pd.Series) -> tuple[int, int]:
    reported = pd.to_numeric(projects[m.REPORTED_SCORE], errors="coerce").to_numpy(dtype=float)
    computed = scores.to_numpy(dtype=float)
    comparable = ~np.isnan(reported) & ~np.isnan(computed)
    return int(agree_mask(reported, computed).sum()), int(comparable.sum())


def choose_scheme(projects: pd.DataFrame, rates: pd.Series, requested: str | WeightScheme) -> SchemeChoice:
    if isinstance(requested, WeightScheme):
        rep, comp = count_reproduced(projects, computed_scores(projects, rates, requested))
        return SchemeChoice(requested, "custom", rep, comp, {})
    if requested != AUTO:
        scheme = PRESETS[requested]
        rep, comp = count_reproduced(projects, computed_scores(projects, rates, scheme))
        return SchemeChoice(scheme, requested, rep, comp, {})
    results = {}
    for key, scheme in PRESETS.items():
        results[key] = count_reproduced(projects, computed_scores(projects, rates, scheme))
    best = max(PRESETS, key=lambda k: (results[k][0], k == DEFAULT_PRESET))
    if results[best][0] == 0:
        best = DEFAULT_PRESET
    rep, comp = results[best]
    return SchemeChoice(PRESETS[best], AUTO, rep, comp, {k: r[0] for k, r in results.items()})


def grades(scores: np.ndarray) -> list[str | None]:
    """``grade_of`` for a whole column at once."""
    with np.errstate(invalid="ignore"):
        picked = np.select(
            [scores >= 90 - 1e-9, scores >= 80 - 1e-9, scores >= 60 - 1e-9, ~np.isnan(scores)],
            ["优", "良", "中", "差"],
            default="",
        )
    return [g or None for g in picked.tolist()]


def bands(rates: np.ndarray, low_threshold: float, amber_floor: float) -> list[str]:
    """``band_of`` for a whole column at once."""
    with np.errstate(invalid="ignore"):
        picked = np.select(
            [
                np.isnan(rates),
                rates > OVER_LIMIT + 1e-9,
                rates >= low_threshold - 1e-9,
                rates >= amber_floor - 1e-9,
            ],
            ["none", "over", "green", "amber"],
            default="red",
        )
    return picked.tolist()


def band_of(rate: float | None, low_threshold: float, amber_floor: float) -> str:
    if rate is None or np.isnan(rate):
        return "none"
    if rate > OVER_LIMIT + 1e-9:
        return "over"
    if rate >= low_threshold - 1e-9:
        return "green"
    if rate >= amber_floor - 1e-9:
        return "amber"
    return "red"


def time_progress(as_of: date | None) -> float | None:
    """序时进度: share of the budget year elapsed at 截至日期, in percent."""
    if as_of is None:
        return None
    days = 366 if calendar.isleap(as_of.year) else 365
    return as_of.timetuple().tm_yday / days * 100.0


def _sum(s: pd.Series) -> float | None:
    x = pd.to_numeric(s, errors="coerce")
    return float(x.sum()) if x.notna().any() else None


def totals(projects: pd.DataFrame) -> dict[str, float | None]:
    budget = _sum(projects[m.BUDGET])
    executed = _sum(projects[m.EXECUTED])
    rate = executed / budget * 100.0 if budget and budget > 0 and executed is not None else None
    return {"budget": budget, "executed": executed, "execution_rate": rate}


def total_caveats(projects: pd.DataFrame) -> list[str]:
    """What the totals rest on that a reader should know, in Chinese: projects whose budget is 0 or
    below, or unreadable, or whose executed amount is unreadable ("" when the totals are clean)."""
    budget = pd.to_numeric(projects[m.BUDGET], errors="coerce")
    executed = pd.to_numeric(projects[m.EXECUTED], errors="coerce")
    out = []
    nonpositive = int((budget <= 0).sum())
    if nonpositive:
        out.append(f"{nonpositive} 个项目预算为 0 或负数")
    no_budget = int((budget.isna() & executed.notna()).sum())
    if no_budget:
        out.append(f"{no_budget} 个项目预算数无法读取（其执行数已计入执行总额）")
    no_executed = int((executed.isna() & budget.notna()).sum())
    if no_executed:
        out.append(f"{no_executed} 个项目执行数无法读取（其预算已计入预算总额）")
    return out


def score_means(projects: pd.DataFrame) -> dict[str, float | None] | None:
    """Simple mean, budget-weighted mean and the share scoring ≥ 90 of the scores in use."""
    score = pd.to_numeric(projects[m.SCORE], errors="coerce")
    have = score.notna()
    if not have.any():
        return None
    budget = pd.to_numeric(projects[m.BUDGET], errors="coerce")
    weighted_ok = have & budget.notna() & (budget > 0)
    weighted = None
    if weighted_ok.any():
        weighted = float((score[weighted_ok] * budget[weighted_ok]).sum() / budget[weighted_ok].sum())
    return {
        "mean_simple": float(score[have].mean()),
        "mean_budget_weighted": weighted,
        "share_90_plus": float((score[have] >= 90 - 1e-9).mean() * 100.0),
        "scored_projects": int(have.sum()),
    }


def unit_rollup(projects: pd.DataFrame) -> pd.DataFrame:
    cols = ["unit", "projects", "budget", "executed", "execution_rate", "mean_simple", "mean_budget_weighted"]
    if not len(projects) or not projects[m.UNIT].notna().any():
        return pd.DataFrame(columns=cols)
    rows = []
    for unit, g in projects.groupby(projects[m.UNIT].fillna("（未注明单位）"), sort=False):
        t = totals(g)
        s = score_means(g) or {}
        rows.append(
            {
                "unit": unit,
                "projects": len(g),
                "budget": t["budget"],
                "executed": t["executed"],
                "execution_rate": t["execution_rate"],
                "mean_simple": s.get("mean_simple"),
                "mean_budget_weighted": s.get("mean_budget_weighted"),
            }
        )
    return pd.DataFrame(rows, columns=cols)
