"""部门决算: the figures behind the seven standard charts (图1–图7), for one unit and two or more years.

Money is in 万元 as entered (rounded to 2 decimals only when computed results are shown); a value
that is absent is unknown, a value of 0 is a known zero. Besides the dataclasses this module holds
the arithmetic the charts and sentences share (changes, shares, completion of the budget), the
consistency checks, the project's own template workbook (writer and reader) and the JSON form.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from jixiao.fmt import round_half_up
from jixiao.ingest.values import BAD, NA, parse_number
from jixiao.ingest.workbook import Sheet, load_sheets
from jixiao.model import Finding, IngestError

# --- the items, as the 财决 tables and the published reports name them -------------------------
INCOME_SOURCES: tuple[str, ...] = (
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
)
EXPENDITURE_ITEMS: tuple[str, ...] = (
    "基本支出",
    "项目支出",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
)
OVERSEAS = "因公出国（境）费"
CAR_PURCHASE = "公务用车购置费"
CAR_OPERATION = "公务用车运行维护费"
CAR_COMBINED = "公务用车购置及运行维护费"  # what 2022 and older reports give instead of the two parts
RECEPTION = "公务接待费"
THREE_PUBLIC_ITEMS: tuple[str, ...] = (OVERSEAS, CAR_PURCHASE, CAR_OPERATION, RECEPTION)
THREE_PUBLIC_INPUT_ITEMS: tuple[str, ...] = (OVERSEAS, CAR_PURCHASE, CAR_OPERATION, CAR_COMBINED, RECEPTION)
PERSONNEL = "人员经费"
PUBLIC_USE = "公用经费"

# 政府收支分类科目, 支出功能分类 at 类 level; used to recognise 图6 rows and to order them.
FUNCTION_CLASSES: tuple[str, ...] = (
    "一般公共服务支出",
    "外交支出",
    "国防支出",
    "公共安全支出",
    "教育支出",
    "科学技术支出",
    "文化旅游体育与传媒支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "节能环保支出",
    "城乡社区支出",
    "农林水支出",
    "交通运输支出",
    "资源勘探工业信息等支出",
    "商业服务业等支出",
    "金融支出",
    "援助其他地区支出",
    "自然资源海洋气象等支出",
    "住房保障支出",
    "粮油物资储备支出",
    "灾害防治及应急管理支出",
    "预备费",
    "其他支出",
    "债务付息支出",
    "债务发行费用支出",
)
# The rows a blank template offers for 图6; users add or delete rows.
COMMON_FUNCTION_CLASSES: tuple[str, ...] = (
    "一般公共服务支出",
    "教育支出",
    "科学技术支出",
    "文化旅游体育与传媒支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "住房保障支出",
)

TOLERANCE = 0.01  # 万元, for sums (DOMAIN.md)
AMOUNT_UNIT = "万元"

FIG1, FIG2, FIG3, FIG4, FIG5, FIG6, FIG7 = ("fig1", "fig2", "fig3", "fig4", "fig5", "fig6", "fig7")
CHARTS: tuple[str, ...] = (FIG1, FIG2, FIG3, FIG4, FIG5, FIG6, FIG7)
BAR_CHARTS: tuple[str, ...] = (FIG1, FIG4, FIG5)
STRUCTURE_CHARTS: tuple[str, ...] = (FIG2, FIG3, FIG6, FIG7)
CHART_TITLES: dict[str, str] = {
    FIG1: "图1：收、支决算总计变动情况",
    FIG2: "图2：收入决算结构",
    FIG3: "图3：支出决算结构",
    FIG4: "图4：财政拨款收、支决算总计变动情况",
    FIG5: "图5：一般公共预算财政拨款支出决算变动情况",
    FIG6: "图6：一般公共预算财政拨款支出决算结构",
    FIG7: "图7：“三公”经费财政拨款支出结构",
}


@dataclass
class YearFigures:
    """One year's figures. Item dicts hold known items only (0 is known); None is unknown."""

    income_total: float | None = None  # 收入总计 (图1; includes 年初结转和结余)
    expenditure_total: float | None = None  # 支出总计 (图1)
    income_current: float | None = None  # 本年收入合计, the whole of 图2
    expenditure_current: float | None = None  # 本年支出合计, the whole of 图3
    income: dict[str, float] = field(default_factory=dict)  # 图2, by source
    expenditure: dict[str, float] = field(default_factory=dict)  # 图3
    fiscal_total: float | None = None  # 财政拨款收、支总计 (图4)
    general_budget_expenditure: float | None = None  # 一般公共预算财政拨款支出 (图5)
    general_budget_initial_budget: float | None = None  # 一般公共预算 年初预算 (完成预算 %)
    by_function: dict[str, float] = field(default_factory=dict)  # 图6, 功能分类 类
    three_public: dict[str, float] = field(default_factory=dict)  # 图7, THREE_PUBLIC_INPUT_ITEMS
    personnel: float | None = None  # 人员经费
    public_use: float | None = None  # 公用经费
    admin_operating: float | None = None  # 机关运行经费

    def is_empty(self) -> bool:
        return all(v is None or v == {} for v in self.__dict__.values())


@dataclass
class FinalAccounts:
    unit: str = ""
    years: list[int] = field(default_factory=list)
    data: dict[int, YearFigures] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.years = sorted({int(y) for y in [*self.years, *self.data]})
        for y in self.years:
            self.data.setdefault(y, YearFigures())

    def year(self, year: int) -> YearFigures:
        """The figures of ``year``; an empty YearFigures (not stored) when the year is not known."""
        return self.data.get(year) or YearFigures()

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def previous_year(self, year: int) -> int | None:
        earlier = [y for y in self.years if y < year]
        return earlier[-1] if earlier else None


# --- arithmetic --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    previous: float | None
    current: float | None
    amount: float | None  # current - previous, 万元, 2 decimals
    percent: float | None  # vs previous, 2 decimals; None when previous is 0 or unknown

    @property
    def direction(self) -> str | None:
        """增加 / 减少 / 持平 by the rounded amount, None when it cannot be computed."""
        if self.amount is None:
            return None
        if self.amount > 0:
            return "增加"
        return "减少" if self.amount < 0 else "持平"


def dec(x: float | Decimal) -> Decimal:
    """The decimal a person reads: 874.05 is 874.05, not the binary float nearest to it."""
    return x if isinstance(x, Decimal) else Decimal(repr(float(x)))


def round2(x: float | Decimal, digits: int = 2) -> float:
    """Half-up on the decimal value (2.675 -> 2.68): every number the sentences and the checker print
    goes through it, so a sentence and its recomputation never disagree by a rounding artefact."""
    return round_half_up(float(x), digits)


def percent_of(part: float | Decimal, whole: float | Decimal) -> float:
    """part / whole × 100, half-up to 2 decimals."""
    return round_half_up(float(part) / float(whole) * 100.0, 2)


def change(previous: float | None, current: float | None) -> Change:
    if previous is None or current is None:
        return Change(previous, current, None, None)
    diff = dec(current) - dec(previous)
    percent = None if previous == 0 else percent_of(diff, previous)
    return Change(previous, current, round2(diff), percent)


def share(amount: float | None, total: float | None) -> float | None:
    """Percent of ``total`` with 2 decimals. A zero item is 0% even of a zero total ("0万元，占0%")."""
    if amount is None:
        return None
    if amount == 0:
        return 0.0
    if not total:
        return None
    return percent_of(amount, total)


def shares(items: Mapping[str, float | None], total: float | None = None) -> dict[str, float | None]:
    """Percent of ``total`` (default: the sum of the known items) for each item, 2 decimals."""
    if total is None:
        total = _sum(items.values())
    return {k: share(v, total) for k, v in items.items()}


def _sum(values: Iterable[float | None]) -> float | None:
    # Summed as decimals so that 0.1 + 0.2 is 0.3, the total a report prints and a reader recomputes with.
    known = [dec(v) for v in values if v is not None]
    return float(sum(known, Decimal(0))) if known else None


def completion_rate(fa: FinalAccounts, year: int) -> float | None:
    """一般公共预算财政拨款支出 as a percent of its 年初预算 (the report's 完成年初预算的 X%)."""
    yf = fa.year(year)
    if yf.general_budget_expenditure is None or not yf.general_budget_initial_budget:
        return None
    return percent_of(yf.general_budget_expenditure, yf.general_budget_initial_budget)


def three_public_items(yf: YearFigures) -> dict[str, float]:
    """图7 slices for one year: the two car parts where known, else the combined car figure."""
    tp = yf.three_public
    items: dict[str, float] = {}
    if OVERSEAS in tp:
        items[OVERSEAS] = tp[OVERSEAS]
    if CAR_PURCHASE in tp or CAR_OPERATION in tp:
        for k in (CAR_PURCHASE, CAR_OPERATION):
            if k in tp:
                items[k] = tp[k]
    elif CAR_COMBINED in tp:
        items[CAR_COMBINED] = tp[CAR_COMBINED]
    if RECEPTION in tp:
        items[RECEPTION] = tp[RECEPTION]
    return items


def car_combined(yf: YearFigures) -> float | None:
    """公务用车购置及运行维护费: the parts added up where known, else the combined figure."""
    tp = yf.three_public
    if CAR_PURCHASE in tp or CAR_OPERATION in tp:
        return _sum([tp.get(CAR_PURCHASE, 0.0), tp.get(CAR_OPERATION, 0.0)])
    return tp.get(CAR_COMBINED)


def structure_items(fa: FinalAccounts, chart: str, year: int) -> dict[str, float]:
    """The known slices of a structure chart (图2/3/6/7) in report order."""
    yf = fa.year(year)
    if chart == FIG2:
        return {k: yf.income[k] for k in _ordered(yf.income, INCOME_SOURCES)}
    if chart == FIG3:
        return {k: yf.expenditure[k] for k in _ordered(yf.expenditure, EXPENDITURE_ITEMS)}
    if chart == FIG6:
        return {k: yf.by_function[k] for k in _ordered(yf.by_function, FUNCTION_CLASSES)}
    if chart == FIG7:
        return three_public_items(yf)
    raise ValueError(f"not a structure chart: {chart}")


def _ordered(items: Mapping[str, Any], canon: Sequence[str]) -> list[str]:
    known = [k for k in canon if k in items]
    return known + [k for k in items if k not in canon]


def structure_total(fa: FinalAccounts, chart: str, year: int) -> float | None:
    """The whole a structure chart's shares are taken of: the declared 合计 where given, else the sum.

    Declared: 本年收入合计 (图2), 本年支出合计 (图3), 一般公共预算财政拨款支出 (图6). When the declared
    figure and the sum differ, ``validate`` says so; the shares follow the declared figure, as the
    report's sentence does.
    """
    yf = fa.year(year)
    declared = {FIG2: yf.income_current, FIG3: yf.expenditure_current, FIG6: yf.general_budget_expenditure}
    if declared.get(chart) is not None:
        return declared[chart]
    return _sum(structure_items(fa, chart, year).values())


def bar_series(fa: FinalAccounts, chart: str) -> dict[str, dict[int, float]]:
    """图1/4/5: {series name: {year: amount}} for the years where it is known."""
    if chart == FIG1:
        getters = {"收入总计": lambda yf: yf.income_total, "支出总计": lambda yf: yf.expenditure_total}
    elif chart == FIG4:
        getters = {"财政拨款收支总计": lambda yf: yf.fiscal_total}
    elif chart == FIG5:
        getters = {"一般公共预算财政拨款支出": lambda yf: yf.general_budget_expenditure}
    else:
        raise ValueError(f"not a bar chart: {chart}")
    out: dict[str, dict[int, float]] = {}
    for name, get in getters.items():
        out[name] = {y: get(fa.year(y)) for y in fa.years if get(fa.year(y)) is not None}
    return out


@dataclass(frozen=True)
class StructureRow:
    item: str
    amount: float
    share: float | None
    previous: float | None
    change: Change


def structure_rows(fa: FinalAccounts, chart: str, year: int) -> list[StructureRow]:
    """One row per slice of ``year``, with its share and the change against the previous year.

    For 图7, when one year has only the combined car figure and the other the two parts, a row for
    the combined figure is added so the car spending can still be compared year on year.
    """
    items = structure_items(fa, chart, year)
    total = structure_total(fa, chart, year)
    prev_year = fa.previous_year(year)
    prev_items = structure_items(fa, chart, prev_year) if prev_year is not None else {}
    rows = [
        StructureRow(k, v, share(v, total), prev_items.get(k), change(prev_items.get(k), v))
        for k, v in items.items()
    ]
    if chart == FIG7 and prev_year is not None:
        split_now = CAR_COMBINED not in items and (CAR_PURCHASE in items or CAR_OPERATION in items)
        split_then = CAR_COMBINED not in prev_items and (
            CAR_PURCHASE in prev_items or CAR_OPERATION in prev_items
        )
        if split_now != split_then:
            now, then = car_combined(fa.year(year)), car_combined(fa.year(prev_year))
            if now is not None:
                rows.append(
                    StructureRow(CAR_COMBINED + "（合计）", now, share(now, total), then, change(then, now))
                )
    return rows


def three_public_total(fa: FinalAccounts, year: int) -> float | None:
    return _sum(three_public_items(fa.year(year)).values())


def admin_operating_change(fa: FinalAccounts, year: int) -> Change:
    prev = fa.previous_year(year)
    return change(fa.year(prev).admin_operating if prev else None, fa.year(year).admin_operating)


def chart_change(fa: FinalAccounts, chart: str, year: int, series: str | None = None) -> Change:
    """Year-on-year change of a bar chart's series (default: its first) or of a structure chart's whole."""
    prev = fa.previous_year(year)
    if chart in BAR_CHARTS:
        data = bar_series(fa, chart)
        values = data[series] if series else next(iter(data.values()))
        return change(values.get(prev) if prev else None, values.get(year))
    if chart == FIG7:
        return change(three_public_total(fa, prev) if prev else None, three_public_total(fa, year))
    return change(structure_total(fa, chart, prev) if prev else None, structure_total(fa, chart, year))


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


# --- rows: one list drives the template, the editor frame and the reader ------------------------
GROUP_FIG1 = "图1 收支总计"
GROUP_FIG2 = "图2 收入结构"
GROUP_FIG3 = "图3 支出结构"
GROUP_FIG4 = "图4 财政拨款"
GROUP_FIG5 = "图5 一般公共预算"
GROUP_FIG6 = "图6 功能分类（类级，可增删行）"
GROUP_FIG7 = "图7 “三公”经费"
GROUP_OTHER = "基本支出构成及机关运行经费"
GROUP_HEADER = "分组"
ITEM_HEADER = "项目"


@dataclass(frozen=True)
class RowSpec:
    attr: str  # YearFigures attribute
    item: str | None  # key inside a dict attribute, None for a scalar
    group: str
    label: str
    aliases: tuple[str, ...] = ()


def _specs() -> list[RowSpec]:
    specs = [
        RowSpec("income_total", None, GROUP_FIG1, "收入总计"),
        RowSpec("expenditure_total", None, GROUP_FIG1, "支出总计"),
        RowSpec("income_current", None, GROUP_FIG2, "本年收入合计", ("本年收入",)),
    ]
    specs += [RowSpec("income", k, GROUP_FIG2, k) for k in INCOME_SOURCES]
    specs.append(RowSpec("expenditure_current", None, GROUP_FIG3, "本年支出合计", ("本年支出",)))
    specs += [RowSpec("expenditure", k, GROUP_FIG3, k) for k in EXPENDITURE_ITEMS]
    specs += [
        RowSpec(
            "fiscal_total",
            None,
            GROUP_FIG4,
            "财政拨款收支总计",
            ("财政拨款收、支总计", "财政拨款收入支出总计"),
        ),
        RowSpec(
            "general_budget_expenditure", None, GROUP_FIG5, "一般公共预算财政拨款支出", ("一般公共预算支出",)
        ),
        RowSpec(
            "general_budget_initial_budget",
            None,
            GROUP_FIG5,
            "一般公共预算财政拨款年初预算",
            ("一般公共预算年初预算", "年初预算", "年初预算数", "一般公共预算财政拨款年初预算数"),
        ),
    ]
    specs += [RowSpec("three_public", k, GROUP_FIG7, k) for k in THREE_PUBLIC_INPUT_ITEMS]
    specs += [
        RowSpec("personnel", None, GROUP_OTHER, PERSONNEL),
        RowSpec("public_use", None, GROUP_OTHER, PUBLIC_USE, ("日常公用经费",)),
        RowSpec("admin_operating", None, GROUP_OTHER, "机关运行经费"),
    ]
    return specs


ROW_SPECS: tuple[RowSpec, ...] = tuple(_specs())

# Other spellings seen in real files and chart data sheets (seed 004's chart data says 一般公共预算财政收入).
_EXTRA_ALIASES: dict[str, str] = {
    "一般公共预算财政收入": "一般公共预算财政拨款收入",
    "一般公共预算财政拨款": "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款": "政府性基金预算财政拨款收入",
    "国有资本经营预算财政收入": "国有资本经营预算财政拨款收入",
    "国有资本经营预算财政拨款": "国有资本经营预算财政拨款收入",
    "因公出国（境）经费": OVERSEAS,
    "因公出国（境）": OVERSEAS,
    "因公出国（镜）": OVERSEAS,
    "因公出国（镜）费": OVERSEAS,
    "公务用车购置": CAR_PURCHASE,
    "公务用车运行费": CAR_OPERATION,
    "公务用车运行维护": CAR_OPERATION,
    "公务用车购置及运行费": CAR_COMBINED,
    "公务用车购置及运行维护": CAR_COMBINED,
    "公务接待": RECEPTION,
}
# Labels that set both 收入总计 and 支出总计 (the reports say 收、支总计均为 …).
_BOTH_TOTALS = ("收支总计", "收、支总计", "收入支出总计")


def _label_index() -> dict[str, RowSpec]:
    index: dict[str, RowSpec] = {}
    for spec in ROW_SPECS:
        for name in (spec.label, *spec.aliases):
            index[normalize_label(name)] = spec
    by_label = {spec.label: spec for spec in ROW_SPECS}
    for alias, label in _EXTRA_ALIASES.items():
        index[normalize_label(alias)] = by_label[label]
    return index


_LEADING = re.compile(r"^(?:其中[:：]?|[（(]?[一二三四五六七八九十\d]+[)）.、．]\s*)+")
_TRAILING = re.compile(r"(?:[（(](?:万元|元|亿元|\d{3}类?|类)[)）]|[:：])+$")
_FUNC_CODE = re.compile(r"^\d{3}\s*")


def normalize_label(text: Any) -> str:
    """'其中：因公出国(境)费（万元）' -> '因公出国（境）费': spaces, numbering, units and ASCII brackets go."""
    s = str(text).strip().replace("(", "（").replace(")", "）").replace('"', "“")
    s = re.sub(r"[\s\u3000\xa0]+", "", s)
    s = _LEADING.sub("", s)
    s = _TRAILING.sub("", s)
    s = _FUNC_CODE.sub("", s)
    return s.replace("类级", "").strip()


_INDEX = _label_index()
_FUNCTION_SET = {normalize_label(x): x for x in FUNCTION_CLASSES}
# Seed 004's chart sheet names a few classes the old way.
_FUNCTION_SET.update(
    {
        "一般公共服务类支出": "一般公共服务支出",
        "科学技术类支出": "科学技术支出",
        "卫生与健康支出": "卫生健康支出",
        "医疗卫生与计划生育支出": "卫生健康支出",
    }
)


def _get(yf: YearFigures, spec: RowSpec) -> float | None:
    value = getattr(yf, spec.attr)
    return value.get(spec.item) if spec.item is not None else value


def _set(yf: YearFigures, spec: RowSpec, value: float) -> None:
    if spec.item is None:
        setattr(yf, spec.attr, value)
    else:
        getattr(yf, spec.attr)[spec.item] = value


def table_rows(
    fa: FinalAccounts, *, blank_functions: bool = False
) -> list[tuple[str, str, list[float | None]]]:
    """(group, item, value per year) for every standard row and every 功能分类 row of any year."""
    rows: list[tuple[str, str, list[float | None]]] = []
    functions: list[str] = []
    for y in fa.years:
        functions += [k for k in fa.year(y).by_function if k not in functions]
    if blank_functions and not functions:
        functions = list(COMMON_FUNCTION_CLASSES)
    functions = _ordered(dict.fromkeys(functions), FUNCTION_CLASSES)
    for spec in ROW_SPECS:
        if spec.group == GROUP_FIG7 and spec.item == OVERSEAS:
            # 图6 rows sit between 图5 and 图7, in the order the charts are numbered.
            rows += [(GROUP_FIG6, k, [fa.year(y).by_function.get(k) for y in fa.years]) for k in functions]
        rows.append((spec.group, spec.label, [_get(fa.year(y), spec) for y in fa.years]))
    return rows


def year_label(year: int) -> str:
    return f"{year}年"


# --- reading rows (template sheets and the page's editor) ----------------------------------------
_YEAR = re.compile(
    r"((?:19|20)\d{2})\s*年?度?\s*(?:决算数?|决算金额|金额|数)?\s*(?:[（(](万元|元|亿元)[)）])?"
)
_UNIT_FACTORS = {"万元": 1.0, "元": 1e-4, "亿元": 1e4}


def _as_year(v: Any) -> tuple[int | None, str | None]:
    """A header cell naming a year: 2023, '2023年', '2023年度决算数（元）' -> (2023, '元')."""
    if isinstance(v, bool):
        return None, None
    if isinstance(v, (int, float)) and float(v).is_integer() and 1990 <= v <= 2100:
        return int(v), None
    if isinstance(v, str):
        m = _YEAR.fullmatch(v.strip())
        if m:
            return int(m.group(1)), m.group(2)
    return None, None


def _unit_in(text: str) -> str | None:
    """The amount unit a line declares: '金额单位：元', '单位：万元'."""
    m = re.search(r"单位\s*[:：]?\s*(万元|亿元|元)", text)
    return m.group(1) if m else None


class _NotThisSheet(Exception):
    pass


@dataclass
class _Parsed:
    fa: FinalAccounts
    findings: list[Finding]


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[int, int], str | None]:
    for r, row in enumerate(rows[:60]):
        years: dict[int, int] = {}
        unit = None
        for c, v in enumerate(row):
            y, u = _as_year(v)
            if y is not None and y not in years.values():
                years[c] = y
                unit = unit or u
        # A header has at least one year and a label column to its left.
        if years and min(years) > 0:
            return r, years, unit
    raise _NotThisSheet("没有找到年度表头（应有“2022年”“2023年”这样的列名）")


def _find_label_column(rows: list[list[Any]], header: int, first_year_col: int) -> int:
    best, best_count = -1, 0
    for c in range(first_year_col):
        count = sum(
            1
            for row in rows[header + 1 :]
            if c < len(row)
            and (normalize_label(_text(row[c])) in _INDEX or normalize_label(_text(row[c])) in _FUNCTION_SET)
        )
        if count > best_count:
            best, best_count = c, count
    if best < 0:
        raise _NotThisSheet("表中没有识别出任何决算项目（如“收入总计”“基本支出”“公务接待费”）")
    return best


def _find_unit_name(rows: list[list[Any]], header: int) -> str:
    for row in rows[: header + 1]:
        for c, v in enumerate(row):
            t = _text(v)
            m = re.match(
                r"^(?:部门（单位）|单位|部门)名称\s*[:：]?\s*(.*)$", t.replace("(", "（").replace(")", "）")
            )
            if m:
                if m.group(1):
                    return m.group(1).strip()
                rest = [_text(x) for x in row[c + 1 :] if _text(x)]
                return rest[0] if rest else ""
    return ""


def _find_unit(rows: list[list[Any]], header: int, header_unit: str | None) -> str | None:
    if header_unit:
        return header_unit
    for row in rows[: header + 1]:
        cells = [_text(v) for v in row]
        for c, t in enumerate(cells):
            if (u := _unit_in(t)) is not None:
                return u
            if re.fullmatch(r"(?:金额)?单位[:：]?", t):
                rest = [x for x in cells[c + 1 :] if x]
                if rest and rest[0] in _UNIT_FACTORS:
                    return rest[0]
    return None


def parse_rows(
    rows: list[list[Any]], *, sheet_name: str = "", unit_note: bool = True
) -> tuple[FinalAccounts, list[Finding]]:
    """Rows of cells laid out like the template (items down, years across) -> figures and findings.

    Raises IngestError when the rows are not such a table at all.
    """
    try:
        parsed = _parse(rows, sheet_name, unit_note)
    except _NotThisSheet as exc:
        raise IngestError(
            f"不是部门决算图表数据表：{exc}。请使用本系统的“部门决算数据模板”填写后上传。"
        ) from exc
    return parsed.fa, parsed.findings


def _parse(rows: list[list[Any]], sheet_name: str, unit_note: bool) -> _Parsed:
    header, year_cols, header_unit = _find_header(rows)
    label_col = _find_label_column(rows, header, min(year_cols))
    group_col = next(
        (c for c in range(min(year_cols)) if c != label_col and _looks_like_group_col(rows, header, c)), None
    )
    unit = _find_unit(rows, header, header_unit)
    findings: list[Finding] = []
    prefix = f"工作表「{sheet_name}」" if sheet_name else ""
    if unit is None and unit_note:
        findings.append(
            Finding("info", "FA_UNIT_ASSUMED", prefix or "表头", "表中没有注明金额单位，按万元读取。")
        )
    factor = _UNIT_FACTORS[unit or AMOUNT_UNIT]
    fa = FinalAccounts(unit=_find_unit_name(rows, header), years=list(year_cols.values()))
    seen: dict[tuple[str, str | None], int] = {}
    group = ""
    for r in range(header + 1, len(rows)):
        row = rows[r]
        if group_col is not None and group_col < len(row) and _text(row[group_col]):
            group = _text(row[group_col])
        raw_label = _text(row[label_col]) if label_col < len(row) else ""
        label = normalize_label(raw_label)
        if not label or label.startswith(("注", "说明", "填表")):
            continue
        cells = {y: (row[c] if c < len(row) else "") for c, y in year_cols.items()}
        specs = _specs_for(label, group)
        if specs is None:
            if any(_text(v) for v in cells.values()):
                findings.append(
                    Finding(
                        "warning",
                        "FA_UNKNOWN_ITEM",
                        f"{prefix}第{r + 1}行「{raw_label}」",
                        f"无法识别的项目「{raw_label}」，已忽略。功能分类请写类级科目名称（如“教育支出”）。",
                    )
                )
            continue
        for spec in specs:
            key = (spec.attr, spec.item)
            if key in seen:
                findings.append(
                    Finding(
                        "warning",
                        "FA_DUPLICATE_ITEM",
                        f"{prefix}第{r + 1}行「{raw_label}」",
                        f"项目「{spec.label}」在第{seen[key]}行已经出现过，本行已忽略。",
                    )
                )
                continue
            seen[key] = r + 1
            for y, v in cells.items():
                value = _cell_value(
                    v, factor, f"{prefix}第{r + 1}行「{raw_label}」，列「{year_label(y)}」", findings
                )
                if value is not None:
                    _set(fa.data[y], spec, value)
    # A year column left entirely blank (a two-year template filled for one year) is not a year of data.
    empty = [y for y in fa.years if fa.data[y].is_empty()]
    if len(empty) == len(fa.years):
        raise _NotThisSheet("表中没有填写任何金额")
    for y in empty:
        fa.years.remove(y)
        del fa.data[y]
    return _Parsed(fa, findings)


def _looks_like_group_col(rows: list[list[Any]], header: int, c: int) -> bool:
    return any(c < len(row) and re.match(r"^图\s*\d", _text(row[c])) for row in rows[header + 1 :])


def _specs_for(label: str, group: str) -> list[RowSpec] | None:
    if label in _BOTH_TOTALS:
        return [ROW_SPECS[0], ROW_SPECS[1]]
    if label in _INDEX:
        return [_INDEX[label]]
    name = _FUNCTION_SET.get(label)
    if (
        name is None
        and ("图6" in group.replace(" ", "") or "功能分类" in group)
        and not label.endswith(("合计", "总计"))
    ):
        name = label
    if name is not None:
        return [RowSpec("by_function", name, GROUP_FIG6, name)]
    return None


def _cell_value(v: Any, factor: float, where: str, findings: list[Finding]) -> float | None:
    value, status = parse_number(v)
    if status == BAD:
        findings.append(Finding("error", "FA_BAD_NUMBER", where, f"「{_text(v)}」不是数字，已按空白处理。"))
        return None
    if value is None or status == NA:
        return None
    # 8,774,700元 is 877.47万元 exactly, not 877.4700000000001
    return float(dec(value) * dec(factor)) if factor != 1.0 else value


# --- the page's editable table ----------------------------------------------------------------
def to_frame(fa: FinalAccounts) -> Any:
    """A DataFrame like the template sheet: 分组, 项目, one float column per year ("2023年")."""
    import pandas as pd

    rows = table_rows(fa, blank_functions=True)
    data: dict[str, list[Any]] = {GROUP_HEADER: [g for g, _, _ in rows], ITEM_HEADER: [i for _, i, _ in rows]}
    for n, y in enumerate(fa.years):
        data[year_label(y)] = [float("nan") if v[n] is None else float(v[n]) for _, _, v in rows]
    return pd.DataFrame(data)


def from_frame(df: Any, unit: str = "") -> tuple[FinalAccounts, list[Finding]]:
    """The edited table back to figures. IngestError when nothing is left to read."""
    header = [str(c) for c in df.columns]
    rows: list[list[Any]] = [header]
    for record in df.itertuples(index=False):
        rows.append(["" if v is None or (isinstance(v, float) and v != v) else v for v in record])
    fa, findings = parse_rows(rows, unit_note=False)
    fa.unit = unit.strip()
    return fa, findings


# --- workbooks ---------------------------------------------------------------------------------
TEMPLATE_SHEET = "决算数据"
NOTES_SHEET = "填表说明"
TEMPLATE_TITLE = "部门决算图表数据（图1—图7）"
TEMPLATE_NOTES: tuple[str, ...] = (
    "本表用于生成部门决算说明中的图1—图7及其标准文字说明，并核对报告中的增减额、增减率和占比。",
    "每一行是一个项目，每一列是一个年度（表头写“2022年”“2023年”）；可以在右边增加年度列。",
    "金额单位为万元，保留两位小数；如按元填写，请把“金额单位”改为“元”，系统会自动换算为万元。",
    "不涉及的项目填 0；不清楚的留空。留空的项目不参与计算、不在图中显示。",
    "图6 按支出功能分类的“类”级填写（如“教育支出”“农林水支出”），可以增加或删除行。",
    "图7：2022年度及以前只有“公务用车购置及运行维护费”合计数的，填在该行，分项留空；有分项数的填分项。",
    "系统会检查：本年收入合计＝各项收入之和；本年支出合计＝基本支出＋项目支出＋上缴上级支出＋经营支出"
    "＋对附属单位补助支出；人员经费＋公用经费＝基本支出；各功能分类之和＝一般公共预算财政拨款支出。",
    "“一般公共预算财政拨款年初预算”用于计算“完成年初预算的 X%”。",
)


def default_template_years(today: date | None = None) -> list[int]:
    """决算 is compiled in the first half of the year for the year before: last two closed years."""
    y = (today or date.today()).year - 1
    return [y - 1, y]


def write_template(fa: FinalAccounts | None = None, years: Sequence[int] | None = None) -> bytes:
    """The template workbook, blank (``fa`` None) or filled with ``fa``. Returns xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    if fa is None:
        fa = FinalAccounts(years=list(years or default_template_years()))
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    bold = Font(bold=True)
    ws.append([TEMPLATE_TITLE])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["单位名称", fa.unit])
    ws.append(["金额单位", AMOUNT_UNIT])
    ws.append([])
    ws.append([GROUP_HEADER, ITEM_HEADER, *[year_label(y) for y in fa.years]])
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    for cell in ws[5]:
        cell.font = bold
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center")
    group_fill = PatternFill("solid", fgColor="F2F2F2")
    last_group = None
    for group, item, values in table_rows(fa, blank_functions=True):
        ws.append([group if group != last_group else "", item, *values])
        if group != last_group:
            ws.cell(ws.max_row, 1).fill = group_fill
            ws.cell(ws.max_row, 1).font = bold
        last_group = group
        for c in range(3, 3 + len(fa.years)):
            ws.cell(ws.max_row, c).number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 34
    for i in range(len(fa.years)):
        ws.column_dimensions[chr(ord("C") + i)].width = 16
    ws.freeze_panes = "C6"
    notes = wb.create_sheet(NOTES_SHEET)
    notes.append(["填表说明"])
    notes["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(TEMPLATE_NOTES, 1):
        notes.append([f"{i}. {line}"])
    notes.column_dimensions["A"].width = 120
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_template(data: bytes, filename: str) -> tuple[FinalAccounts, list[Finding]]:
    """A filled template (xlsx/xls/csv bytes) -> figures and findings. IngestError when unreadable."""
    return from_sheets(load_sheets(data, filename))


def from_sheets(sheets: Sequence[Sheet]) -> tuple[FinalAccounts, list[Finding]]:
    """The first sheet laid out like the template; reading notes of the other sheets are ignored."""
    reasons: list[str] = []
    for sheet in sheets:
        if sheet.name == NOTES_SHEET or not sheet.rows:
            continue
        try:
            parsed = _parse(sheet.rows, sheet.name if len(sheets) > 1 else "", True)
        except _NotThisSheet as exc:
            reasons.append(f"工作表「{sheet.name}」{exc}")
            continue
        findings = [Finding("info", "FA_SHEET_NOTE", sheet.name, n) for n in sheet.notes] + parsed.findings
        return parsed.fa, findings
    detail = "；".join(reasons[:3]) or "文件里没有可读的工作表"
    raise IngestError(f"没有找到部门决算图表数据：{detail}。请使用本系统的“部门决算数据模板”填写后上传。")


def looks_like_final_accounts(sheets: Sequence[Sheet]) -> bool:
    """True when a sheet has a year header and at least five template items in one column.

    Cheap enough for file-kind detection; a project table or a self-evaluation form has neither.
    """
    for sheet in sheets:
        rows = sheet.rows
        if not rows:
            continue
        try:
            header, year_cols, _ = _find_header(rows)
        except _NotThisSheet:
            continue
        for c in range(min(year_cols)):
            labels = {normalize_label(_text(row[c])) for row in rows[header + 1 :] if c < len(row)}
            if len({_INDEX[x].label for x in labels if x in _INDEX}) >= 5:
                return True
    return False


# --- JSON --------------------------------------------------------------------------------------
K_FIG1 = "fig1_total_income_expenditure"
K_FIG1_INCOME = "fig1_total_income"
K_FIG1_EXPENDITURE = "fig1_total_expenditure"
K_INCOME_CURRENT = "income_current_total"
K_EXPENDITURE_CURRENT = "expenditure_current_total"
K_FIG2 = "fig2_income_structure"
K_FIG3 = "fig3_expenditure_structure"
K_FIG4 = "fig4_fiscal_appropriation_total"
K_FIG5 = "fig5_general_budget_expenditure"
K_FIG6 = "fig6_general_budget_by_function"
K_FIG7 = "fig7_three_public_expenses"
K_ADMIN = "admin_operating_expenses"
_K_BASIC = re.compile(r"^basic_expenditure_(\d{4})$")
_K_BUDGET = re.compile(r"^general_budget_(\d{4})_initial_budget$")

_SCALAR_KEYS = {
    K_FIG1_INCOME: "income_total",
    K_FIG1_EXPENDITURE: "expenditure_total",
    K_INCOME_CURRENT: "income_current",
    K_EXPENDITURE_CURRENT: "expenditure_current",
    K_FIG4: "fiscal_total",
    K_FIG5: "general_budget_expenditure",
    K_ADMIN: "admin_operating",
}
_DICT_KEYS = {K_FIG2: "income", K_FIG3: "expenditure", K_FIG6: "by_function", K_FIG7: "three_public"}


def to_dict(fa: FinalAccounts) -> dict[str, Any]:
    """The JSON form, the same shape as the reference liangshan_2023_final_accounts.json 'figures'."""
    out: dict[str, Any] = {"unit": fa.unit, "currency_unit": AMOUNT_UNIT, "years": list(fa.years)}
    inc = {str(y): fa.year(y).income_total for y in fa.years if fa.year(y).income_total is not None}
    exp = {str(y): fa.year(y).expenditure_total for y in fa.years if fa.year(y).expenditure_total is not None}
    if inc and inc == exp:
        out[K_FIG1] = inc
    else:
        if inc:
            out[K_FIG1_INCOME] = inc
        if exp:
            out[K_FIG1_EXPENDITURE] = exp
    for key, attr in _SCALAR_KEYS.items():
        if key in (K_FIG1_INCOME, K_FIG1_EXPENDITURE):
            continue
        values = {
            str(y): getattr(fa.year(y), attr) for y in fa.years if getattr(fa.year(y), attr) is not None
        }
        if values:
            out[key] = values
    for key, attr in _DICT_KEYS.items():
        values = {str(y): dict(getattr(fa.year(y), attr)) for y in fa.years if getattr(fa.year(y), attr)}
        if values:
            out[key] = values
    for y in fa.years:
        yf = fa.year(y)
        basic = {k: v for k, v in ((PERSONNEL, yf.personnel), (PUBLIC_USE, yf.public_use)) if v is not None}
        if basic:
            out[f"basic_expenditure_{y}"] = basic
        if yf.general_budget_initial_budget is not None:
            out[f"general_budget_{y}_initial_budget"] = yf.general_budget_initial_budget
    return out


def from_dict(doc: Mapping[str, Any]) -> FinalAccounts:
    """The JSON form (or a document with it under "figures") -> FinalAccounts. IngestError when malformed."""
    if not isinstance(doc, Mapping):
        raise IngestError("决算数据 JSON 的顶层应是一个对象（{…}）。")
    if isinstance(doc.get("figures"), Mapping):
        doc = doc["figures"]
    unit = doc.get("currency_unit", AMOUNT_UNIT)
    if unit not in _UNIT_FACTORS:
        raise IngestError(f"决算数据 JSON 的金额单位「{unit}」无法识别，应为万元或元。")
    factor = _UNIT_FACTORS[unit]
    fa = FinalAccounts(unit=str(doc.get("unit", "") or ""), years=[_year(y) for y in doc.get("years", [])])

    def yf(year: Any) -> YearFigures:
        y = _year(year)
        if y not in fa.data:
            fa.years.append(y)
            fa.years.sort()
            fa.data[y] = YearFigures()
        return fa.data[y]

    for key, value in doc.items():
        if key == K_FIG1:
            for y, v in _mapping(value, key).items():
                yf(y).income_total = yf(y).expenditure_total = _amount(v, key, factor)
        elif key in _SCALAR_KEYS:
            for y, v in _mapping(value, key).items():
                setattr(yf(y), _SCALAR_KEYS[key], _amount(v, key, factor))
        elif key in _DICT_KEYS:
            for y, items in _mapping(value, key).items():
                target = getattr(yf(y), _DICT_KEYS[key])
                for name, v in _mapping(items, key).items():
                    if v is not None:
                        target[_canonical_item(key, str(name))] = _amount(v, key, factor)
        elif m := _K_BASIC.match(key):
            parts = _mapping(value, key)
            if parts.get(PERSONNEL) is not None:
                yf(m.group(1)).personnel = _amount(parts[PERSONNEL], key, factor)
            if parts.get(PUBLIC_USE) is not None:
                yf(m.group(1)).public_use = _amount(parts[PUBLIC_USE], key, factor)
        elif m := _K_BUDGET.match(key):
            yf(m.group(1)).general_budget_initial_budget = _amount(value, key, factor)
    return fa


def _canonical_item(key: str, name: str) -> str:
    label = normalize_label(name)
    if key == K_FIG6:
        return _FUNCTION_SET.get(label, name)
    spec = _INDEX.get(label)
    return spec.item if spec is not None and spec.item is not None else name


def _year(v: Any) -> int:
    try:
        y = int(str(v).strip().rstrip("年"))
    except ValueError:
        raise IngestError(f"决算数据 JSON 中的年度「{v}」不是四位数年份。") from None
    if not 1990 <= y <= 2100:
        raise IngestError(f"决算数据 JSON 中的年度「{v}」不是四位数年份。")
    return y


def _mapping(v: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        raise IngestError(f'决算数据 JSON 的「{key}」应是按年度的对象，例如 {{"2023": 874.05}}。')
    return v


def _amount(v: Any, key: str, factor: float) -> float:
    value, status = parse_number(v)
    if value is None or status != "ok":
        raise IngestError(f"决算数据 JSON 的「{key}」中有不是数字的金额：{v!r}。")
    # 8,774,700元 is 877.47万元 exactly, not 877.4700000000001
    return float(dec(value) * dec(factor)) if factor != 1.0 else value


# --- the project's sample ----------------------------------------------------------------------
SAMPLE_FILE = "liangshan_2023_final_accounts.xlsx"


def liangshan_sample(reference: Mapping[str, Any]) -> FinalAccounts:
    """The reference figures of seed 004 plus three 2023 figures its text states and the JSON lacks.

    本年收入合计 and 本年支出合计 (874.05 each) are printed in 第二部分 二/三; 机关运行经费 51.17 in 十（一）.
    """
    fa = from_dict(reference)
    y = fa.data[2023]
    y.income_current = 874.05
    y.expenditure_current = 874.05
    y.admin_operating = 51.17
    return fa


def make_sample(reference: Mapping[str, Any]) -> bytes:
    """sample_data/liangshan_2023_final_accounts.xlsx from the reference JSON (see tests)."""
    return write_template(liangshan_sample(reference))


# --- a summary document for the CLI's inspect ---------------------------------------------------
def summary_doc(
    fa: FinalAccounts, findings: Sequence[Finding] = (), year: int | None = None
) -> dict[str, Any]:
    """Figures, changes, shares, completion and findings as one JSON-ready dict."""
    year = year or fa.latest_year
    doc: dict[str, Any] = {"figures": to_dict(fa), "year": year, "charts": {}}
    if year is not None:
        for chart in BAR_CHARTS:
            doc["charts"][chart] = {
                name: _change_doc(chart_change(fa, chart, year, name)) for name in bar_series(fa, chart)
            }
        for chart in STRUCTURE_CHARTS:
            doc["charts"][chart] = {
                "total": structure_total(fa, chart, year),
                "change": _change_doc(chart_change(fa, chart, year)),
                "shares": {r.item: r.share for r in structure_rows(fa, chart, year)},
            }
        doc["completion_of_initial_budget"] = completion_rate(fa, year)
    doc["findings"] = [f.to_dict() for f in [*findings, *validate(fa)]]
    return doc


def _change_doc(ch: Change) -> dict[str, float | None]:
    return {"previous": ch.previous, "current": ch.current, "amount": ch.amount, "percent": ch.percent}


def load_figures(data: bytes, filename: str) -> tuple[FinalAccounts, list[Finding]]:
    """Figures from a JSON document (the reference shape) or a filled template workbook."""
    from jixiao.ingest.workbook import decode_text

    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if filename.lower().endswith(".json") or head in (b"{", b"["):
        import json

        try:
            doc = json.loads(decode_text(data))
        except ValueError as exc:
            raise IngestError(
                f"决算数据文件 {filename} 不是有效的 JSON（第{getattr(exc, 'lineno', '?')}行附近有错误）。"
            ) from exc
        return from_dict(doc), []
    return read_template(data, filename)
