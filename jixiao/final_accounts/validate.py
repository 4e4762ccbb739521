"""部门决算 consistency checks: the sums a report's figures must satisfy, each year (0.01 万元)."""

from __future__ import annotations

from jixiao.final_accounts.figures import (
    CAR_COMBINED,
    CAR_OPERATION,
    CAR_PURCHASE,
    TOLERANCE,
    FinalAccounts,
    YearFigures,
    _sum,
    percent_of,
    round2,
)
from jixiao.final_accounts.read import ROW_SPECS, _get
from jixiao.model import Finding


# --- consistency checks ------------------------------------------------------------------------
def _off(a: float, b: float) -> bool:
    return abs(a - b) > TOLERANCE + 1e-9


def _w(x: float) -> str:
    return f"{round2(x):.2f}万元"


def validate(fa: FinalAccounts) -> list[Finding]:
    """The sums a report's figures must satisfy, each year; tolerance 0.01 万元."""
    findings: list[Finding] = []
    for y in fa.years:
        yf = fa.year(y)
        findings += _check_income(y, yf) + _check_expenditure(y, yf) + _check_other(y, yf)
    return findings


def _check_income(y: int, yf: YearFigures) -> list[Finding]:
    out: list[Finding] = []
    where = f"{y}年 图2 收入结构"
    total = _sum(yf.income.values())
    if total is not None and yf.income_current is not None and _off(total, yf.income_current):
        out.append(
            Finding(
                "error",
                "FA_INCOME_SUM_MISMATCH",
                where,
                f"{y}年各项收入之和为{_w(total)}，与本年收入合计{_w(yf.income_current)}不符"
                f"（相差{_w(total - yf.income_current)}）。",
            )
        )
    elif (
        total is not None
        and yf.income_current is None
        and yf.income_total is not None
        and total > yf.income_total + TOLERANCE + 1e-9
    ):
        out.append(
            Finding(
                "error",
                "FA_INCOME_SUM_MISMATCH",
                where,
                f"{y}年各项收入之和为{_w(total)}，超过收入总计{_w(yf.income_total)}。",
            )
        )
    if (
        yf.income_total is not None
        and yf.expenditure_total is not None
        and _off(yf.income_total, yf.expenditure_total)
    ):
        out.append(
            Finding(
                "warning",
                "FA_TOTALS_UNBALANCED",
                f"{y}年 图1 收支总计",
                f"{y}年收入总计{_w(yf.income_total)}与支出总计{_w(yf.expenditure_total)}不相等"
                "（决算收、支总计应当平衡）。",
            )
        )
    return out


def _check_expenditure(y: int, yf: YearFigures) -> list[Finding]:
    out: list[Finding] = []
    total = _sum(yf.expenditure.values())
    if total is not None and yf.expenditure_current is not None and _off(total, yf.expenditure_current):
        out.append(
            Finding(
                "error",
                "FA_EXPENDITURE_SUM_MISMATCH",
                f"{y}年 图3 支出结构",
                f"{y}年基本支出、项目支出等各项之和为{_w(total)}，与本年支出合计{_w(yf.expenditure_current)}不符"
                f"（相差{_w(total - yf.expenditure_current)}）。",
            )
        )
    elif (
        total is not None
        and yf.expenditure_current is None
        and yf.expenditure_total is not None
        and total > yf.expenditure_total + TOLERANCE + 1e-9
    ):
        out.append(
            Finding(
                "error",
                "FA_EXPENDITURE_SUM_MISMATCH",
                f"{y}年 图3 支出结构",
                f"{y}年基本支出、项目支出等各项之和为{_w(total)}，超过支出总计{_w(yf.expenditure_total)}。",
            )
        )
    basic = yf.expenditure.get("基本支出")
    if basic is not None and yf.personnel is not None and yf.public_use is not None:
        parts = yf.personnel + yf.public_use
        if _off(parts, basic):
            out.append(
                Finding(
                    "warning",
                    "FA_BASIC_SPLIT_MISMATCH",
                    f"{y}年 基本支出",
                    f"{y}年人员经费{_w(yf.personnel)}与公用经费{_w(yf.public_use)}之和为{_w(parts)}，"
                    f"与基本支出{_w(basic)}不符。",
                )
            )
    return out


def _check_other(y: int, yf: YearFigures) -> list[Finding]:
    out: list[Finding] = []
    functions = _sum(yf.by_function.values())
    gb = yf.general_budget_expenditure
    if functions is not None and gb is not None and _off(functions, gb):
        out.append(
            Finding(
                "error",
                "FA_FUNCTION_SUM_MISMATCH",
                f"{y}年 图6 功能分类",
                f"{y}年各功能分类支出之和为{_w(functions)}，与一般公共预算财政拨款支出{_w(gb)}不符"
                f"（相差{_w(functions - gb)}）。",
            )
        )
    tp = yf.three_public
    if CAR_COMBINED in tp and CAR_PURCHASE in tp and CAR_OPERATION in tp:
        parts = _sum([tp[CAR_PURCHASE], tp[CAR_OPERATION]]) or 0.0
        if _off(parts, tp[CAR_COMBINED]):
            out.append(
                Finding(
                    "error",
                    "FA_CAR_SUM_MISMATCH",
                    f"{y}年 图7 “三公”经费",
                    f"{y}年公务用车购置费与运行维护费之和为{_w(parts)}，"
                    f"与公务用车购置及运行维护费{_w(tp[CAR_COMBINED])}不符。",
                )
            )
    if gb is not None and yf.fiscal_total is not None and gb > yf.fiscal_total + TOLERANCE + 1e-9:
        out.append(
            Finding(
                "warning",
                "FA_GENERAL_EXCEEDS_FISCAL",
                f"{y}年 图4/图5",
                f"{y}年一般公共预算财政拨款支出{_w(gb)}大于财政拨款收、支总计{_w(yf.fiscal_total)}。",
            )
        )
    if gb is not None and yf.general_budget_initial_budget:
        rate = percent_of(gb, yf.general_budget_initial_budget)
        if rate > 100 + 1e-9:
            out.append(
                Finding(
                    "info",
                    "FA_OVER_INITIAL_BUDGET",
                    f"{y}年 图5 一般公共预算",
                    f"{y}年一般公共预算财政拨款支出{_w(gb)}，为年初预算{_w(yf.general_budget_initial_budget)}的"
                    f"{round2(rate):.2f}%，超过年初预算（通常是年中追加预算），报告中应说明原因。",
                )
            )
    for label, value in _all_values(yf):
        if value < 0:
            out.append(
                Finding(
                    "warning", "FA_NEGATIVE", f"{y}年「{label}」", f"{y}年「{label}」为负数（{_w(value)}）。"
                )
            )
    return out


def _all_values(yf: YearFigures) -> list[tuple[str, float]]:
    return [(spec.label, v) for spec in ROW_SPECS if (v := _get(yf, spec)) is not None] + [
        (k, v) for k, v in yf.by_function.items()
    ]
