"""部门决算: the figures behind the seven standard charts (图1–图7), for one unit and two or more years.

Money is in 万元 as entered (rounded to 2 decimals only when computed results are shown); a value
that is absent is unknown, a value of 0 is a known zero. This module holds the items, the dataclasses
and the arithmetic the charts and sentences share (changes, shares, completion of the budget).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.fmt import round_half_up

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
# 类 codes of 支出功能分类 (the first three digits of every 款 "20601" and 项 "2060101" under them).
_CLASS_CODES = (201, 202, 203, 204, 205, 206, 207, 208, 210, 211, 212, 213, 214, 215, 216, 217, 219, 220)
_CLASS_CODES += (221, 222, 224, 227, 229, 232, 233)
FUNCTION_CLASS_CODES: dict[str, str] = {
    str(code): name for code, name in zip(_CLASS_CODES, FUNCTION_CLASSES, strict=True)
}
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


def merged(parts: Sequence[FinalAccounts]) -> FinalAccounts:
    """Several files' figures as one (this year's 公开表 and last year's, say): each year from the files
    that give it, an item from the first of them that has it; the unit's name from the first that has
    one."""
    data: dict[int, YearFigures] = {}
    for part in parts:
        for year in part.years:
            into = data.setdefault(year, YearFigures())
            for name, value in vars(part.year(year)).items():
                mine = getattr(into, name)
                if isinstance(value, dict):
                    setattr(into, name, {**value, **mine})  # the earlier file wins an item both give
                elif mine is None and value is not None:
                    setattr(into, name, value)
    return FinalAccounts(unit=next((p.unit for p in parts if p.unit), ""), years=list(data), data=data)


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


def in_wan(x: float | None, factor: float) -> float | None:
    """An amount times its unit's factor to 万元, exactly as written: 8,774,700元 is 877.47万元, not
    877.4700000000001."""
    if x is None:
        return None
    return float(dec(x) * dec(factor)) if factor != 1.0 else x


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
