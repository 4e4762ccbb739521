"""The standard sentence under each 决算 chart, worded as the published reports word it.

Amounts print as the reports print them: 万元 rounded half-up to 2 decimals with trailing zeros
dropped ("7.6万元", "0万元", "占100%"), no thousands separators. Every change, share and completion
the sentences state is one that ``jixiao.final_accounts.statements`` judges 一致 against the same figures.
"""

from __future__ import annotations

from jixiao.final_accounts import figures as fa_mod
from jixiao.final_accounts.figures import (
    FIG1,
    FIG2,
    FIG3,
    FIG4,
    FIG5,
    FIG6,
    FIG7,
    Change,
    FinalAccounts,
    change,
    share,
)

BASIC = "basic"  # 基本支出: 人员经费 / 公用经费
ADMIN = "admin"  # 机关运行经费


def num(x: float) -> str:
    """874.050 -> '874.05', 7.60 -> '7.6', 100.00 -> '100', -0.001 -> '0'."""
    r = fa_mod.round2(x)
    text = f"{abs(r):.2f}".rstrip("0").rstrip(".")
    return ("-" + text) if r < 0 and text != "0" else text


def wan(x: float) -> str:
    return num(x) + "万元"


def change_words(ch: Change) -> str:
    """'减少3.42万元，下降0.39%'; '增加5万元' when last year was 0; '' when it cannot be said."""
    if ch.amount is None:
        return ""
    if ch.amount == 0:
        return "持平"
    verb, rate = ("增加", "增长") if ch.amount > 0 else ("减少", "下降")
    words = f"{verb}{wan(abs(ch.amount))}"
    if ch.percent is not None:
        words += f"，{rate}{num(abs(ch.percent))}%"
    return words


def _compared(prev_year: int, subject: str, ch: Change, *, each: bool = False) -> str:
    """'与2022年度相比，收、支总计各减少3.42万元，下降0.39%。' or '…，收、支总计持平。'"""
    words = change_words(ch)
    if not words:
        return ""
    if words == "持平":
        return f"与{prev_year}年度相比，{subject}持平。"
    return f"与{prev_year}年度相比，{subject}{'各' if each else ''}{words}。"


def _than(prev_year: int, ch: Change, *, style: str = "比") -> str:
    """'比2022年度增加0.04万元，增长26.67%' (style 比) or '较上年度减少…' (style 较); '与2022年度持平'."""
    words = change_words(ch)
    if not words:
        return ""
    if words == "持平":
        return f"与{prev_year}年度持平"
    return (f"比{prev_year}年度" if style == "比" else "较上年度") + words


def _list(items: dict[str, float], total: float | None, suffix: str = "") -> str:
    """'基本支出468.99万元，占53.66%；项目支出405.06万元，占46.34%'"""
    parts = []
    for name, value in items.items():
        s = share(value, total)
        parts.append(f"{name}{suffix}{wan(value)}" + (f"，占{num(s)}%" if s is not None else ""))
    return "；".join(parts)


def totals_text(fa: FinalAccounts, year: int) -> str:
    """图1."""
    yf, prev = fa.year(year), fa.previous_year(year)
    inc, exp = yf.income_total, yf.expenditure_total
    if inc is None and exp is None:
        return ""
    pf = fa.year(prev) if prev else None
    if inc is not None and exp is not None and fa_mod.round2(inc) == fa_mod.round2(exp):
        text = f"{year}年度收、支总计均为{wan(inc)}。"
        same_before = (
            pf is not None and pf.income_total is not None and pf.income_total == pf.expenditure_total
        )
        if prev and same_before:
            text += _compared(prev, "收、支总计", change(pf.income_total, inc), each=True)
        return text
    said = [
        f"收入总计{wan(inc)}" if inc is not None else "",
        f"支出总计{wan(exp)}" if exp is not None else "",
    ]
    text = f"{year}年度" + "，".join(s for s in said if s) + "。"
    if prev and pf is not None:
        parts = []
        for name, before, now in (
            ("收入总计", pf.income_total, inc),
            ("支出总计", pf.expenditure_total, exp),
        ):
            words = change_words(change(before, now))
            if words:
                parts.append(f"{name}{words}")
        if parts:
            text += f"与{prev}年度相比，" + "；".join(parts) + "。"
    return text


def structure_text(fa: FinalAccounts, chart: str, year: int) -> str:
    """图2 / 图3: '2023年度本年收入合计874.05万元，其中：…，占100%；…。'"""
    items = fa_mod.structure_items(fa, chart, year)
    if not items:
        return ""
    total = fa_mod.structure_total(fa, chart, year)
    whole = "本年收入合计" if chart == FIG2 else "本年支出合计"
    return f"{year}年度{whole}{wan(total or 0)}，其中：{_list(items, total)}。"


def fiscal_text(fa: FinalAccounts, year: int) -> str:
    """图4."""
    now = fa.year(year).fiscal_total
    if now is None:
        return ""
    prev = fa.previous_year(year)
    text = f"{year}年度财政拨款收、支总计均为{wan(now)}。"
    if prev:
        text += _compared(prev, "财政拨款收、支总计", change(fa.year(prev).fiscal_total, now), each=True)
    return text


def general_budget_text(fa: FinalAccounts, year: int) -> str:
    """图5, with the share of 本年支出合计 and the completion of the 年初预算 where known."""
    yf = fa.year(year)
    now = yf.general_budget_expenditure
    if now is None:
        return ""
    whole = fa_mod.structure_total(fa, FIG3, year)
    s = share(now, whole) if whole is not None else None  # no 本年支出合计, no share of it
    text = f"{year}年度一般公共预算财政拨款支出{wan(now)}"
    text += f"，占本年支出合计的{num(s)}%。" if s is not None else "。"
    prev = fa.previous_year(year)
    if prev:
        text += _compared(
            prev, "一般公共预算财政拨款支出", change(fa.year(prev).general_budget_expenditure, now)
        )
    return text + completion_text(fa, year)


def completion_text(fa: FinalAccounts, year: int) -> str:
    """'2023年度一般公共预算财政拨款支出决算数为874.05万元，完成年初预算的142.24%（年初预算614.51万元）。'"""
    rate = fa_mod.completion_rate(fa, year)
    if rate is None:
        return ""
    yf = fa.year(year)
    return (
        f"{year}年度一般公共预算财政拨款支出决算数为{wan(yf.general_budget_expenditure)}，"
        f"完成年初预算的{num(rate)}%（年初预算{wan(yf.general_budget_initial_budget)}）。"
    )


def function_text(fa: FinalAccounts, year: int) -> str:
    """图6."""
    items = fa_mod.structure_items(fa, FIG6, year)
    if not items:
        return ""
    total = fa_mod.structure_total(fa, FIG6, year)
    return f"{year}年度一般公共预算财政拨款支出{wan(total or 0)}，主要用于以下方面：{_list(items, total)}。"


def three_public_text(fa: FinalAccounts, year: int) -> str:
    """图7: the total and its change, the structure, then each item against last year."""
    items = fa_mod.structure_items(fa, FIG7, year)
    if not items:
        return ""
    total = fa_mod.three_public_total(fa, year) or 0.0
    prev = fa.previous_year(year)
    ch = fa_mod.chart_change(fa, FIG7, year) if prev else None
    text = f"{year}年度“三公”经费财政拨款支出决算为{wan(total)}"
    text += ("，" + _than(prev, ch, style="较")) if prev and ch and change_words(ch) else ""
    text += f"。{year}年度“三公”经费财政拨款支出决算中，{_list(items, total, '支出决算')}。"
    if prev:
        details = []
        for row in fa_mod.structure_rows(fa, FIG7, year):
            words = _than(prev, row.change)
            if words:
                details.append(f"{row.item.removesuffix('（合计）')}支出{wan(row.amount)}，{words}")
        if details:
            text += "。".join(details) + "。"
    return text


def basic_text(fa: FinalAccounts, year: int) -> str:
    """'2023年度一般公共预算财政拨款基本支出468.99万元，其中：人员经费417.82万元，公用经费51.17万元。'"""
    yf = fa.year(year)
    if yf.personnel is None or yf.public_use is None:
        return ""
    return (
        f"{year}年度一般公共预算财政拨款基本支出{wan(yf.personnel + yf.public_use)}，其中：人员经费{wan(yf.personnel)}，"
        f"公用经费{wan(yf.public_use)}。"
    )


def admin_text(fa: FinalAccounts, year: int) -> str:
    """'2023年度，凉山州科学技术协会机关运行经费支出51.17万元，比2022年度增加1.84万元，增长3.73%。'"""
    now = fa.year(year).admin_operating
    if now is None:
        return ""
    prev = fa.previous_year(year)
    who = fa.unit or "本部门"
    text = f"{year}年度，{who}机关运行经费支出{wan(now)}"
    words = _than(prev, fa_mod.admin_operating_change(fa, year)) if prev else ""
    return text + (f"，{words}" if words else "") + "。"


def chart_texts(fa: FinalAccounts, year: int) -> dict[str, str]:
    """The sentence for each chart (FIG1…FIG7) plus BASIC and ADMIN; '' where the figures are missing."""
    return {
        FIG1: totals_text(fa, year),
        FIG2: structure_text(fa, FIG2, year),
        FIG3: structure_text(fa, FIG3, year),
        FIG4: fiscal_text(fa, year),
        FIG5: general_budget_text(fa, year),
        FIG6: function_text(fa, year),
        FIG7: three_public_text(fa, year),
        BASIC: basic_text(fa, year),
        ADMIN: admin_text(fa, year),
    }


def full_text(fa: FinalAccounts, year: int) -> str:
    """All sentences, one paragraph each, in chart order."""
    return "\n".join(t for t in chart_texts(fa, year).values() if t)
