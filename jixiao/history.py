"""Comparisons across datasets: one unit year by year, the units of one year side by side, and the
projects of two years matched one to one.

Pure: the functions take ``[(year or unit, Analysis), …]`` and return DataFrames with the column names
defined here (money in 万元, rates and their changes in percent / percentage points, as everywhere).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.fmt import is_missing, num, pct, round_half_up, to_float, wan
from jixiao.summary.analysis import DEVIATES, Analysis

# --- columns ------------------------------------------------------------------------------------
YEAR = "year"
UNIT = m.UNIT
PROJECTS = "projects"
BUDGET = m.BUDGET
EXECUTED = m.EXECUTED
RATE = m.EXECUTION_RATE
WEIGHTED = "mean_budget_weighted"
SIMPLE = "mean_simple"
DEVIATING = "deviating"  # projects with a deviation by the rules
BELOW = "below_threshold"  # projects whose 执行率 is under the threshold
RANK = "rank"  # 1 = the highest execution rate
INTERNAL = "internal_unit"  # the unit column inside a dataset, when it has one
SUMMARY_COLUMNS = [PROJECTS, BUDGET, EXECUTED, RATE, WEIGHTED, SIMPLE, DEVIATING, BELOW]
YEAR_COLUMNS = [YEAR, *SUMMARY_COLUMNS]
UNIT_COLUMNS = [UNIT, *SUMMARY_COLUMNS, RANK]

# project changes
STATUS = "status"
MATCHED_BY = "matched_by"
STATUS_KEPT, STATUS_NEW, STATUS_DROPPED = "延续", "新增", "取消"
BY_CODE, BY_NAME = "项目编码", "项目名称"
PREV, CUR, CHANGE = "_prev", "_cur", "_change"
COMPARED = (BUDGET, EXECUTED, RATE, m.SCORE)
CHANGE_COLUMNS = [
    STATUS,
    MATCHED_BY,
    UNIT,
    m.CODE,
    m.PROJECT,
    *[c + suffix for c in COMPARED for suffix in (PREV, CUR, CHANGE)],
]

NO_UNIT = "（未注明单位）"


# --- one dataset in a line -------------------------------------------------------------------------
def summary_row(a: Analysis, projects: pd.DataFrame | None = None) -> dict[str, float | int | None]:
    """Totals, the two mean scores and the counts a comparison shows, for one dataset (or a part of
    its projects)."""
    from jixiao.summary.compute import score_means, totals

    p = a.projects if projects is None else projects
    t = totals(p)
    s = score_means(p) or {}
    rates = pd.to_numeric(p[m.EXECUTION_RATE], errors="coerce")
    return {
        PROJECTS: len(p),
        BUDGET: t["budget"],
        EXECUTED: t["executed"],
        RATE: t["execution_rate"],
        WEIGHTED: s.get("mean_budget_weighted"),
        SIMPLE: s.get("mean_simple"),
        DEVIATING: int(p[DEVIATES].sum()) if DEVIATES in p else 0,
        BELOW: int((rates < a.settings.low_threshold - 1e-9).sum()),
    }


def by_year(items: Sequence[tuple[int, Analysis]]) -> pd.DataFrame:
    """One row per year, oldest first."""
    rows = [{YEAR: int(year), **summary_row(a)} for year, a in items]
    return pd.DataFrame(rows, columns=YEAR_COLUMNS).sort_values(YEAR, kind="stable").reset_index(drop=True)


def internal_units(a: Analysis) -> list[str]:
    """The units a dataset's own 单位 column names (empty when it has none)."""
    if not len(a.projects) or not a.projects[m.UNIT].notna().any():
        return []
    return [str(u) for u in a.projects[m.UNIT].fillna(NO_UNIT).unique()]


def has_internal_units(a: Analysis) -> bool:
    """Worth opening: two or more units inside one dataset."""
    return len(internal_units(a)) >= 2


def by_unit(items: Sequence[tuple[str, Analysis]], *, internal: bool = False) -> pd.DataFrame:
    """One row per unit, ranked by execution rate (1 = highest). With ``internal``, a dataset whose
    单位 column names several units gives one row per internal unit, named "单位 · 下级单位"."""
    rows = []
    for unit, a in items:
        inner = internal_units(a) if internal else []
        if len(inner) >= 2:
            keys = a.projects[m.UNIT].fillna(NO_UNIT).astype(str)
            for name in inner:
                rows.append({UNIT: f"{unit} · {name}", **summary_row(a, a.projects[keys == name])})
        else:
            rows.append({UNIT: str(unit), **summary_row(a)})
    df = pd.DataFrame(rows, columns=UNIT_COLUMNS[:-1])
    rate = pd.to_numeric(df[RATE], errors="coerce")
    df[RANK] = rate.rank(ascending=False, method="min").astype("Int64")
    order = rate.sort_values(ascending=False, na_position="last", kind="stable").index
    return df.loc[order].reset_index(drop=True)


def combined_projects(items: Sequence[tuple[str, Analysis]], *, internal: bool = False) -> pd.DataFrame:
    """Every project of every unit in one frame, its UNIT column set to the stored unit (or
    "单位 · 下级单位" with ``internal``), for the unit → project treemap."""
    frames = []
    for unit, a in items:
        p = a.projects.copy()
        if internal and has_internal_units(a):
            p[m.UNIT] = [f"{unit} · {u}" for u in p[m.UNIT].fillna(NO_UNIT).astype(str)]
        else:
            p[m.UNIT] = str(unit)
        frames.append(p)
    if not frames:
        return pd.DataFrame(columns=[m.UNIT, m.PROJECT, m.BUDGET, m.EXECUTED, m.EXECUTION_RATE])
    return pd.concat(frames, ignore_index=True)


# --- matching projects of two years -----------------------------------------------------------------
_YEAR_IN_NAME = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年度?")
_PUNCT = re.compile(r"[\s\-‐‑–—―_·・•.,，、。:：;；'\"“”‘’()（）\[\]【】《》<>〈〉]+")


def normalize_name(name: object) -> str:
    """The same project under last year's and this year's spelling: full-width/half-width folded,
    spaces, dashes, brackets and quotes dropped, a year in the name ("2023年") ignored."""
    if is_missing(name):
        return ""
    text = unicodedata.normalize("NFKC", str(name))
    text = _YEAR_IN_NAME.sub("", text)
    return _PUNCT.sub("", text).lower()


def _code(x: object) -> str:
    if is_missing(x):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(x)).split()).upper()


def _keys(p: pd.DataFrame, with_unit: bool) -> pd.DataFrame:
    unit = p[m.UNIT].map(normalize_name) if with_unit else pd.Series("", index=p.index)
    out = pd.DataFrame(
        {"code": p[m.CODE].map(_code), "name": p[m.PROJECT].map(normalize_name), "unit": unit},
        index=p.index,
    )
    return out


def match_projects(prev: pd.DataFrame, cur: pd.DataFrame) -> pd.DataFrame:
    """Pair the projects of two years. By 项目编码 where both rows have one (then the code decides:
    two different codes are two projects), else by normalized name (and unit, when both tables have a
    单位 column). Two projects of the same name in one year pair in their order.

    Returns prev_index, cur_index (either may be missing) and matched_by (项目编码 / 项目名称 / "")."""
    with_unit = (
        bool(prev[m.UNIT].notna().any() and cur[m.UNIT].notna().any()) if len(prev) and len(cur) else False
    )
    kp, kc = _keys(prev, with_unit), _keys(cur, with_unit)
    pairs: list[tuple[object, object, str]] = []
    used_p: set = set()
    used_c: set = set()

    def pair_on(cols: list[str], p_rows: pd.DataFrame, c_rows: pd.DataFrame, how: str) -> None:
        left = p_rows.assign(_n=p_rows.groupby(cols, sort=False).cumcount(), _i=p_rows.index)
        right = c_rows.assign(_n=c_rows.groupby(cols, sort=False).cumcount(), _i=c_rows.index)
        joined = left.merge(right, on=[*cols, "_n"], suffixes=("_p", "_c"))
        for ip, ic in zip(joined["_i_p"], joined["_i_c"]):
            pairs.append((ip, ic, how))
            used_p.add(ip)
            used_c.add(ic)

    coded_p, coded_c = kp[kp["code"] != ""], kc[kc["code"] != ""]
    pair_on(["code"], coded_p, coded_c, BY_CODE)
    # by name: rows without a code on either side, or whose code found no partner only because the
    # other year has no code for it
    codes_p, codes_c = set(coded_p["code"]), set(coded_c["code"])
    free_p = kp[~kp.index.isin(used_p) & ((kp["code"] == "") | ~kp["code"].isin(codes_c))]
    free_c = kc[~kc.index.isin(used_c) & ((kc["code"] == "") | ~kc["code"].isin(codes_p))]
    # a coded row may only pair by name with an uncoded one
    for p_coded, c_coded in ((False, False), (True, False), (False, True)):
        fp = free_p[(free_p["code"] != "") == p_coded]
        fc = free_c[(free_c["code"] != "") == c_coded]
        fp, fc = (
            fp[~fp.index.isin(used_p) & (fp["name"] != "")],
            fc[~fc.index.isin(used_c) & (fc["name"] != "")],
        )
        pair_on(["unit", "name"], fp, fc, BY_NAME)
    pairs += [(i, None, "") for i in prev.index if i not in used_p]
    pairs += [(None, i, "") for i in cur.index if i not in used_c]
    return pd.DataFrame(pairs, columns=["prev_index", "cur_index", MATCHED_BY], dtype=object)


def project_changes(prev: Analysis, cur: Analysis) -> pd.DataFrame:
    """Per project: 预算/执行/执行率/得分 last year, this year and the change; status 延续 / 新增 /
    取消. Rate changes are percentage points. New projects first, then dropped, then the rest by
    the largest fall in 执行率."""
    pp, cp = prev.projects, cur.projects
    pairs = match_projects(pp, cp)
    # Whole columns at once: a province has tens of thousands of projects a year.
    a = pp.reindex(pd.Index(pairs["prev_index"].tolist(), dtype=object))
    b = cp.reindex(pd.Index(pairs["cur_index"].tolist(), dtype=object))
    has_a = pairs["prev_index"].notna().to_numpy()
    has_b = pairs["cur_index"].notna().to_numpy()
    status = np.where(has_a & has_b, STATUS_KEPT, np.where(has_b, STATUS_NEW, STATUS_DROPPED))

    def shown(col: str) -> list[str | None]:
        values = np.where(has_b, b[col].to_numpy(dtype=object), a[col].to_numpy(dtype=object))
        return [None if is_missing(x) else str(x) for x in values]

    columns: dict[str, object] = {
        STATUS: status,
        MATCHED_BY: pairs[MATCHED_BY].tolist(),
        UNIT: shown(m.UNIT),
        m.CODE: shown(m.CODE),
        m.PROJECT: shown(m.PROJECT),
    }
    for col in COMPARED:
        x = pd.to_numeric(a[col], errors="coerce").to_numpy(dtype=float)
        y = pd.to_numeric(b[col], errors="coerce").to_numpy(dtype=float)
        columns[col + PREV], columns[col + CUR], columns[col + CHANGE] = x, y, y - x
    df = pd.DataFrame(columns, columns=CHANGE_COLUMNS)
    for col in CHANGE_COLUMNS[5:]:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    order = {STATUS_NEW: 0, STATUS_DROPPED: 1, STATUS_KEPT: 2}
    df["_o"] = df[STATUS].map(order)
    df = df.sort_values(["_o", RATE + CHANGE], na_position="last", kind="stable").drop(columns="_o")
    return df.reset_index(drop=True)


def change_counts(changes: pd.DataFrame) -> dict[str, int]:
    kept = changes[changes[STATUS] == STATUS_KEPT]
    return {
        "kept": len(kept),
        "by_code": int((kept[MATCHED_BY] == BY_CODE).sum()),
        "by_name": int((kept[MATCHED_BY] == BY_NAME).sum()),
        "new": int((changes[STATUS] == STATUS_NEW).sum()),
        "dropped": int((changes[STATUS] == STATUS_DROPPED).sum()),
    }


# --- in words ---------------------------------------------------------------------------------


def _more_less(change: float, more: str, less: str, unit: str, digits_fmt) -> str:
    if abs(change) < 0.005:
        return "持平"
    return f"{more if change > 0 else less} {digits_fmt(abs(change))} {unit}".rstrip()


def year_change_sentence(years: pd.DataFrame) -> str | None:
    """The latest year against the one before it, as a report would say it (rounded half-up, from the
    printed figures, so the sentence agrees with the table)."""
    if len(years) < 2:
        return None
    prev, cur = years.iloc[-2], years.iloc[-1]
    y0, y1 = int(prev[YEAR]), int(cur[YEAR])
    parts = []
    b0, b1 = to_float(prev[BUDGET]), to_float(cur[BUDGET])
    if b0 is not None and b1 is not None:
        change = round_half_up(b1) - round_half_up(b0)
        text = f"预算总额 {wan(b1)} 万元，{_more_less(change, '增加', '减少', '万元', wan)}"
        if b0 > 0 and abs(change) >= 0.005:
            text += f"（{'增长' if change > 0 else '下降'} {pct(abs(change) / round_half_up(b0) * 100)}）"
        parts.append(text)
    r0, r1 = to_float(prev[RATE]), to_float(cur[RATE])
    if r0 is not None and r1 is not None:
        change = round_half_up(r1) - round_half_up(r0)
        parts.append(f"执行率 {pct(r1)}，{_more_less(change, '提高', '降低', '个百分点', num)}")
    w0, w1 = to_float(prev[WEIGHTED]), to_float(cur[WEIGHTED])
    if w0 is not None and w1 is not None:
        change = round_half_up(w1) - round_half_up(w0)
        parts.append(f"金额加权平均分 {num(w1)} 分，{_more_less(change, '提高', '降低', '分', num)}")
    if not parts:
        return None
    return f"{y1}年与{y0}年相比：" + "；".join(parts) + "。"
