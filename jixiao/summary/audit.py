"""Consistency checks (审核) a person cannot do by eye: printed vs recomputed rates and scores,
totals vs the rows they cover, impossible budgets, duplicates. Each is a Finding showing both numbers."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.fmt import NAME_QUOTE, clip, num, pct, round_array, round_half_up, to_float, wan
from jixiao.grading import grade_mismatch
from jixiao.summary import grades
from jixiao.summary.columns import IMPLAUSIBLE
from jixiao.summary.compute import SchemeChoice, agree_mask, agrees, score_means

SUM_TOLERANCE = 0.01  # 万元
RATE_TOLERANCE = 0.01  # percentage points after rounding to 2 decimals
AUDIT_COLUMNS = (
    m.SHEET_ROW,
    m.PROJECT,
    m.BUDGET,
    m.EXECUTED,
    m.EXECUTION_RATE,
    m.REPORTED_RATE,
    m.REPORTED_RATE_DECIMALS,
    m.REPORTED_SCORE,
    m.COMPUTED_SCORE,
)


_RATE_VERDICT = {
    "rounding": "（舍入或截断差异）。",
    "claim": "：填报的 100% 表示资金全部支出，实际未全部支出（按四舍五入显示才是 100%）。",
    "mismatch": "，两者不一致；本系统采用重新计算的值。",
}


def _place(src: m.Source) -> str:
    """The sheet a finding names; none for a CSV file (its one "sheet" is the file)."""
    return "" if str(src.file or "").lower().endswith((".csv", ".txt")) else src.sheet


def _where(sheet: str, row: int, label: str | None, column: str | None = None) -> str:
    s = f"工作表「{sheet}」第{row}行" if sheet else f"第{row}行"  # "" for a CSV: it has no sheets
    if label:
        s += f"「{clip(label, NAME_QUOTE)}」"
    if column:
        s += f"，列「{column}」"
    return s


def _needs_look(projects: pd.DataFrame) -> np.ndarray:
    """Rows any per-row check could fire on, found with whole-column arithmetic first."""
    num = lambda c: pd.to_numeric(projects[c], errors="coerce").to_numpy(dtype=float)  # noqa: E731
    budget, executed, rate = num(m.BUDGET), num(m.EXECUTED), num(m.EXECUTION_RATE)
    reported, decimals = num(m.REPORTED_RATE), num(m.REPORTED_RATE_DECIMALS)
    with np.errstate(invalid="ignore", divide="ignore"):
        look = np.isnan(budget) | (budget <= 0) | np.isnan(executed) | (executed < 0)
        both = ~np.isnan(reported) & ~np.isnan(rate)
        ok = np.abs(round_array(rate, 2) - reported) <= RATE_TOLERANCE + 1e-9
        for d in np.unique(decimals[~np.isnan(decimals)]).tolist():
            sel = decimals == d
            ok |= sel & (np.abs(round_array(rate, int(min(max(d, 0), 4))) - reported) <= 1e-6)
        look |= both & ~ok
        look |= both & (reported >= 100 - 1e-9) & (round_array(rate, 2) < 100 - 1e-9)
        ratio = executed / np.where(budget > 0, budget, np.nan)
        look |= _yuan_ratio(ratio) | _yuan_ratio(1 / ratio)
        rep_score, comp_score = num(m.REPORTED_SCORE), num(m.COMPUTED_SCORE)
        comparable = ~np.isnan(rep_score) & ~np.isnan(comp_score)
        look |= comparable & ~agree_mask(rep_score, comp_score)
    return look


def rate_disagreement(reported: float | None, computed: float | None, decimals: int | None) -> str | None:
    """None when they agree; 'rounding' within one printed unit; 'mismatch' beyond."""
    if reported is None or computed is None:
        return None
    d = 2 if decimals is None else max(0, min(int(decimals), 4))
    shown = round_half_up(computed, d)
    if full_rate_claim(reported, computed):
        return "claim" if abs(computed - reported) < 10 ** (-d) else "mismatch"
    if abs(shown - reported) <= 1e-6 or abs(round_half_up(computed, 2) - reported) <= RATE_TOLERANCE + 1e-9:
        return None
    return "rounding" if abs(computed - reported) < 10 ** (-d) else "mismatch"


def full_rate_claim(reported: float | None, computed: float | None) -> bool:
    """A printed 100% is a claim that everything was spent: 99.81% is not that, however it rounds."""
    if reported is None or computed is None:
        return False
    return abs(reported - 100) <= 1e-9 and round_half_up(computed, 2) < 100 - 1e-9


# 执行数 about 10,000 times its 预算数 (or the other way): one of the two typed in 元 in a 万元 table
YUAN_RATIO = (5_000, 15_000)


def _yuan_ratio(ratio):
    """Elementwise for an array, or for one number."""
    with np.errstate(invalid="ignore"):
        return (ratio >= YUAN_RATIO[0]) & (ratio <= YUAN_RATIO[1])


def _yuan_cell(place, row, name, header, budget, executed) -> m.Finding | None:
    """The one of 预算数 / 执行数 that is about 10,000 times the other, as a finding."""
    if not budget or not executed or budget <= 0 or executed <= 0:
        return None
    (big, big_label, x), (_, small_label, y) = sorted(
        [(m.BUDGET, "预算数", budget), (m.EXECUTED, "执行数", executed)], key=lambda t: -t[2]
    )
    if not _yuan_ratio(x / y):
        return None
    return m.Finding(
        "warning",
        "AMOUNT_IN_YUAN_SUSPECT",
        _where(place, row, name, header.get(big)),
        f"{big_label} {wan(x)} 万元是{small_label} {wan(y)} 万元的 {x / y:,.0f} 倍：这一格可能是按“元”填写的"
        f"（按万元约为 {wan(x / 10000)} 万元），请核对；看板按表中数字计算。",
        row,
        big,
    )


def _yuan_rows(place: str, header: dict[str, str], projects: pd.DataFrame) -> list[m.Finding]:
    """Rows of a 万元 table whose 预算数 (or 执行数) is thousands of times the other projects' median
    and would be an ordinary project read as 元: the whole row typed in 元. Its rate looks right (both
    amounts are 10,000 times too big), so only the size of the row gives it away."""
    out: list[m.Finding] = []
    flagged: dict[int, list[str]] = {}
    num = lambda c: pd.to_numeric(projects[c], errors="coerce").to_numpy(dtype=float)  # noqa: E731
    budget, executed = num(m.BUDGET), num(m.EXECUTED)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = executed / budget
        one_cell = _yuan_ratio(ratio) | _yuan_ratio(1 / ratio)  # said by ``_yuan_cell``
    for x, word in ((budget, "预算数"), (executed, "执行数")):
        positive = x[x > 0]
        if len(positive) < 5:
            continue
        median = float(np.median(positive))
        with np.errstate(invalid="ignore"):
            # read as 元 it would be no bigger than the other projects
            big = (x >= YUAN_RATIO[0] * median) & (x / 10000 <= np.sort(positive)[-2]) & ~one_cell
        for i in np.flatnonzero(big).tolist():
            flagged.setdefault(i, []).append(
                f"{word} {wan(x[i])} 万元是各项目{word}中位数 {wan(median)} 万元的 {x[i] / median:,.0f} 倍"
                f"（按“元”理解约为 {wan(x[i] / 10000)} 万元）"
            )
    for i, said in flagged.items():
        row, name = int(projects[m.SHEET_ROW].iloc[i]), projects[m.PROJECT].iloc[i]
        out.append(
            m.Finding(
                "warning",
                "AMOUNT_IN_YUAN_SUSPECT",
                _where(place, row, name, header.get(m.BUDGET)),
                "；".join(said)
                + "：这一行可能是按“元”填写的，请核对；看板按表中数字计算，合计和执行率会因此偏大或偏小。",
                row,
                m.BUDGET,
            )
        )
    return out


def audit(table: m.ProjectTable, projects: pd.DataFrame, choice: SchemeChoice) -> list[m.Finding]:
    if m.SHEET in projects.columns:
        # a table put together from a sheet per unit: rows and totals are checked on their own sheet
        out = []
        for sheet, part in projects.groupby(m.SHEET, sort=False):
            totals = table.totals[table.totals[m.SHEET] == sheet] if m.SHEET in table.totals else table.totals
            mine = [f for f in table.findings if f.sheet in (None, sheet)]
            one = replace(table, totals=totals, findings=mine, source=replace(table.source, sheet=str(sheet)))
            out += [replace(f, sheet=str(sheet)) for f in audit(one, part.drop(columns=m.SHEET), choice)]
        return out
    out: list[m.Finding] = []
    src = table.source
    place = _place(src)
    header = src.mapping
    rate_header = header.get(m.REPORTED_RATE, "预算执行率")
    score_header = header.get(m.REPORTED_SCORE, "自评得分")
    score_mismatches: list[m.Finding] = []
    # a cell left out as implausible already has its finding; "missing" would say it twice
    excluded = {(f.sheet_row, f.field) for f in table.findings if f.code == IMPLAUSIBLE}
    for rec in m.records(projects[_needs_look(projects)], AUDIT_COLUMNS):
        row, name = int(rec[m.SHEET_ROW]), rec[m.PROJECT]
        budget, executed, rate = (
            to_float(rec[m.BUDGET]),
            to_float(rec[m.EXECUTED]),
            to_float(rec[m.EXECUTION_RATE]),
        )
        if budget is None and m.BUDGET in src.columns and (row, m.BUDGET) not in excluded:
            out.append(
                m.Finding(
                    "warning",
                    "BUDGET_MISSING",
                    _where(place, row, name, header.get(m.BUDGET)),
                    "预算数为空，无法计算执行率。",
                    row,
                    m.BUDGET,
                )
            )
        elif budget is not None and budget <= 0:
            spent = f"，却有支出 {wan(executed)} 万元" if executed else ""
            out.append(
                m.Finding(
                    "error",
                    "NONPOSITIVE_BUDGET",
                    _where(place, row, name, header.get(m.BUDGET)),
                    f"预算数为 {wan(budget)} 万元{spent}；预算为 0 或负数时执行率没有意义，未计算执行率。",
                    row,
                    m.BUDGET,
                )
            )
        if executed is None and m.EXECUTED in src.columns and (row, m.EXECUTED) not in excluded:
            out.append(
                m.Finding(
                    "warning",
                    "EXECUTED_MISSING",
                    _where(place, row, name, header.get(m.EXECUTED)),
                    "执行数为空，无法计算执行率。",
                    row,
                    m.EXECUTED,
                )
            )
        elif executed is not None and executed < 0:
            out.append(
                m.Finding(
                    "error",
                    "NEGATIVE_EXECUTED",
                    _where(place, row, name, header.get(m.EXECUTED)),
                    f"执行数为负数（{wan(executed)} 万元）。",
                    row,
                    m.EXECUTED,
                )
            )
        yuan = _yuan_cell(place, row, name, header, budget, executed)
        if yuan is not None:
            out.append(yuan)
        reported_rate = to_float(rec[m.REPORTED_RATE])
        verdict = rate_disagreement(reported_rate, rate, to_float(rec.get(m.REPORTED_RATE_DECIMALS)))
        if verdict:
            out.append(
                m.Finding(
                    "warning" if verdict == "mismatch" else "info",
                    "RATE_MISMATCH",
                    _where(place, row, name, rate_header),
                    f"表中填报执行率 {pct(reported_rate)}，按 执行数 {wan(executed)} ÷ 预算数 {wan(budget)} 重新计算为 {pct(rate)}"
                    + _RATE_VERDICT[verdict],
                    row,
                    m.REPORTED_RATE,
                )
            )
        reported_score, computed_score = to_float(rec[m.REPORTED_SCORE]), to_float(rec[m.COMPUTED_SCORE])
        if agrees(reported_score, computed_score) is False:
            score_mismatches.append(
                m.Finding(
                    "warning",
                    "SCORE_MISMATCH",
                    _where(place, row, name, score_header),
                    f"填报自评得分 {num(reported_score)}，按“{choice.scheme.label}”（{choice.scheme.describe()}）重新计算为 "
                    f"{num(computed_score)}，相差 {num(reported_score - computed_score)} 分。",
                    row,
                    m.REPORTED_SCORE,
                )
            )
    if choice.requested == "own":
        score_mismatches = []  # forms are checked against their own formula by jixiao.forms.audit
    if score_mismatches and choice.reproduced == 0:
        out.append(
            m.Finding(
                "warning",
                "SCORE_MISMATCH",
                f"工作表「{src.sheet}」列「{score_header}」",
                f"按“{choice.scheme.label}”计算，{len(score_mismatches)} 个项目的得分都与填报值不一致，"
                "可能是权重口径不同：请在设置中选择或填写本地的权重。",
            )
        )
    else:
        out.extend(score_mismatches)
    if src.amount_unit == "万元" and not any(f.code == "AMOUNT_UNITS_MIXED" for f in table.findings):
        out.extend(_yuan_rows(place, header, projects))
    grade_header = header.get(m.REPORTED_GRADE, "自评等级")
    for i, printed, earned, score in grades.mismatches(projects):
        row, name = int(projects[m.SHEET_ROW].iloc[i]), projects[m.PROJECT].iloc[i]
        where = _where(place, row, name, grade_header)
        out.append(m.Finding("warning", "GRADE_MISMATCH", where, grade_mismatch(printed, earned, score), row))
    out.extend(_duplicates(place, projects))
    out.extend(_total_checks(table, projects))
    return out


def _duplicates(sheet: str, projects: pd.DataFrame) -> list[m.Finding]:
    out = []
    # (unit, name) as one integer per row: the same pairs as joining the texts, without building them
    units = pd.factorize(projects[m.UNIT].fillna("").astype(str))[0].astype(np.int64)
    names, uniques = pd.factorize(projects[m.PROJECT].astype(str))
    key = pd.Series(units * (len(uniques) + 1) + names, index=projects.index)
    dup = key.duplicated(keep=False)
    if not dup.any():
        return out
    for _, g in projects[dup].groupby(key[dup], sort=False):
        if m.MONEY_NOTE in g and g[m.MONEY_NOTE].notna().any():
            continue  # forms sharing a code: their money is counted once, and DUPLICATE_PROJECT_CODE says so
        rows = "、".join(str(int(r)) for r in g[m.SHEET_ROW])
        money = g[[m.BUDGET, m.EXECUTED]]
        no_money = bool(money.isna().all().all())
        same_money = money.nunique(dropna=False).max() == 1
        name = g[m.PROJECT].iloc[0]
        first = int(g[m.SHEET_ROW].iloc[0])
        message = f"项目名称“{clip(name, NAME_QUOTE)}”出现 {len(g)} 次（第{rows}行）。"
        if no_money:
            message += "表中没有金额，无法据金额判断是否重复录入；已按不同项目分别计算，如为同一项目请合并。"
        elif same_money:
            message += "金额也完全相同，可能是重复录入，合计中被计算了多次。"
        else:
            message += "金额不同，已按不同项目分别计算；如为同一项目请合并。"
        out.append(
            m.Finding("warning", "DUPLICATE_PROJECT", _where(sheet, first, name), message, first, m.PROJECT)
        )
    return out


def _total_checks(table: m.ProjectTable, projects: pd.DataFrame) -> list[m.Finding]:
    out: list[m.Finding] = []
    src = table.source
    place = _place(src)
    by_row = projects.set_index(m.SHEET_ROW, drop=False)
    for rec in m.records(table.totals):
        first, last = rec.get(m.TOTAL_FIRST_ROW), rec.get(m.TOTAL_LAST_ROW)
        row, label = int(rec[m.SHEET_ROW]), rec[m.TOTAL_LABEL]
        if first is None or last is None or (isinstance(first, float) and math.isnan(first)):
            out.append(
                m.Finding(
                    "info",
                    "TOTAL_WITHOUT_ROWS",
                    _where(place, row, label),
                    "这一合计行找不到它所汇总的项目行，未核对。",
                    row,
                )
            )
            continue
        covered = by_row[(by_row[m.SHEET_ROW] >= first) & (by_row[m.SHEET_ROW] <= last)]
        span = f"第{int(first)}–{int(last)}行共 {len(covered)} 个项目"
        for fieldname, word in ((m.BUDGET, "预算数"), (m.EXECUTED, "执行数")):
            stated = to_float(rec.get(fieldname))
            if stated is None:
                continue
            summed = float(pd.to_numeric(covered[fieldname], errors="coerce").sum())
            if abs(stated - summed) > SUM_TOLERANCE + 1e-9:
                out.append(
                    m.Finding(
                        "error",
                        "TOTAL_MISMATCH",
                        _where(place, row, label, src.mapping.get(fieldname)),
                        f"{label}行的{word}为 {wan(stated)} 万元，{span}相加为 {wan(summed)} 万元，相差 {wan(stated - summed)} 万元。",
                        row,
                        fieldname,
                    )
                )
        stated_budget, stated_exec = to_float(rec.get(m.BUDGET)), to_float(rec.get(m.EXECUTED))
        stated_rate = to_float(rec.get(m.REPORTED_RATE))
        if stated_rate is not None and stated_budget and stated_budget > 0 and stated_exec is not None:
            computed = stated_exec / stated_budget * 100
            if rate_disagreement(stated_rate, computed, 2) == "mismatch":
                out.append(
                    m.Finding(
                        "warning",
                        "RATE_MISMATCH",
                        _where(place, row, label, src.mapping.get(m.REPORTED_RATE)),
                        f"{label}行填报执行率 {pct(stated_rate)}，按其执行数 ÷ 预算数重新计算为 {pct(computed)}。",
                        row,
                        m.REPORTED_RATE,
                    )
                )
        stated_score = to_float(rec.get(m.REPORTED_SCORE))
        if stated_score is not None:
            means = score_means(covered)
            if means:
                out.append(_total_score_finding(place, row, label, stated_score, means, span))
    return out


def _total_score_finding(sheet, row, label, stated, means, span) -> m.Finding:
    weighted, simple = means.get("mean_budget_weighted"), means["mean_simple"]
    where = _where(sheet, row, label)
    if weighted is None and not agrees(stated, simple):
        # A 合计 score is a mean; with no amounts in the table its weights cannot be known.
        return m.Finding(
            "info",
            "TOTAL_SCORE_UNCHECKED",
            where,
            f"{label}行得分 {num(stated)} 不是{span}的简单平均分（{num(simple)}）；表中没有金额，"
            "无法核对它是否为按预算金额加权的平均分。",
            row,
        )
    if weighted is not None and agrees(stated, weighted):
        return m.Finding(
            "info",
            "TOTAL_SCORE_IS_WEIGHTED_MEAN",
            where,
            f"{label}行得分 {num(stated)} 是{span}的按预算金额加权平均分（{num(weighted)}）；简单平均分为 {num(simple)}。",
            row,
        )
    if agrees(stated, simple):
        return m.Finding(
            "info",
            "TOTAL_SCORE_IS_SIMPLE_MEAN",
            where,
            f"{label}行得分 {num(stated)} 是{span}的简单平均分（{num(simple)}）；"
            + (
                f"按预算金额加权平均为 {num(weighted)}。"
                if weighted is not None
                else "表中没有金额，无加权平均。"
            ),
            row,
        )
    return m.Finding(
        "warning",
        "TOTAL_MISMATCH",
        where,
        f"{label}行得分 {num(stated)} 既不等于{span}的金额加权平均分 {num(weighted)}，也不等于简单平均分 {num(simple)}。",
        row,
        m.REPORTED_SCORE,
    )
