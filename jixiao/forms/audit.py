"""审核 of 项目支出绩效自评表: the inconsistencies a reviewer would otherwise find by hand.

Every check yields a Finding whose message shows both numbers (the reported one and the one they
should match) and whose ``where`` names the sheet, the row and the project in words. Codes are fixed
so tests, the CLI and the page can rely on them.
"""

from __future__ import annotations

import math

from jixiao.fmt import clip, pct, round_half_up, wan
from jixiao.forms.compute import (
    MONEY_TOLERANCE,
    NATURE_EQ,
    NATURE_GE,
    NATURE_LABELS,
    NATURE_QUAL,
    SCORE_TOLERANCE,
    Form,
    FormsDataset,
    Indicator,
    money_owners,
    squash,
)
from jixiao.grading import grade_mismatch, grade_of, grade_word
from jixiao.model import Finding

DEFAULT_DEVIATION = 0.20  # 完成值 more than ±20% away from 指标值 is a 偏差
LOW_EXECUTION_RATE = 90.0  # percent; the form itself says a lower rate must be explained
FULL_WEIGHT = 100.0
FORMULA_NOTE_THRESHOLD = 0.5  # points between formula and reported score worth an info line

# What units write in a reason cell when there is no reason.
NO_REASON = {"", "无", "无。", "/", "—", "——", "-", "暂无", "没有", "不适用", "无原因", "不涉及"}
# The printed 填表说明 that some templates leave in the 原因 cell; it explains nothing.
BOILERPLATE = ("预算执行率=预算执行数", "需说明原因", "填表说明", "应单独说明理由", "其他资金包括")


def n(x: float | None) -> str:
    """A score or count as people write it: 99, 9.47 (two decimals at most)."""
    r = round_half_up(x, 2)
    if r is None:
        return "—"
    return f"{r:.2f}".rstrip("0").rstrip(".")


def is_no_reason(text: str) -> bool:
    k = squash(text)
    return k in NO_REASON or any(b in k for b in BOILERPLATE)


def audit_dataset(ds: FormsDataset, *, deviation: float = DEFAULT_DEVIATION) -> FormsDataset:
    """(Re)compute every form's audit findings in place; safe to call again with another threshold."""
    ds.deviation = deviation
    for form in ds.forms:
        form.audit_findings = audit_form(form, deviation=deviation)
    for form, finding in duplicate_code_findings(ds.forms):
        form.audit_findings.append(finding)
    return ds


def audit_form(form: Form, *, deviation: float = DEFAULT_DEVIATION) -> list[Finding]:
    out: list[Finding] = []
    out += _budget_findings(form)
    out += _total_findings(form)
    for ind in form.indicators:
        out += _indicator_findings(form, ind, deviation)
    out += _duplicate_indicators(form)
    return out


# --- 预算执行情况 -----------------------------------------------------------------------------
def _budget_findings(form: Form) -> list[Finding]:
    out: list[Finding] = []
    total = form.budget_total
    if total is None:
        return out
    for line in form.budget_lines:
        where = form.where(line.sheet_row, f"预算执行情况「{line.label or '总额'}」")
        if (line.adjusted or 0.0) == 0 and (line.executed or 0.0) > MONEY_TOLERANCE / 2:
            out.append(
                Finding(
                    "warning",
                    "BUDGET_ZERO_WITH_SPENDING",
                    where,
                    f"调整后预算数为 0，却执行了 {wan(line.executed, unit=True)}，执行率无法计算，请核实预算数。",
                    line.sheet_row,
                    "budget",
                )
            )
        printed, computed = round_half_up(line.printed_rate), round_half_up(line.rate)
        if printed is not None and computed is not None and abs(printed - computed) > 0.01 + 1e-9:
            out.append(
                Finding(
                    "warning",
                    "RATE_MISMATCH",
                    where,
                    f"预算执行率填报 {pct(printed)}，按预算执行数 {wan(line.executed, unit=True)} ÷ 调整后预算数 "
                    f"{wan(line.adjusted, unit=True)} 计算为 {pct(computed)}，相差 {n(abs(printed - computed))} 个百分点。",
                    line.sheet_row,
                    "reported_execution_rate",
                )
            )
    out += _budget_parts(form)
    out += _execution_rate(form)
    out += _budget_score(form)
    return out


def _budget_parts(form: Form) -> list[Finding]:
    """其中 rows (财政资金, 财政专户管理资金, 单位资金, 其他资金) should add up to 总额."""
    total = form.budget_total
    parts = [line for line in form.budget_lines if line is not total]
    if total is None or not parts or not total.is_total:
        return []
    out = []
    for attr, title in (("adjusted", "调整后预算数"), ("executed", "预算执行数")):
        values = [getattr(p, attr) for p in parts if getattr(p, attr) is not None]
        whole = getattr(total, attr)
        if not values or whole is None:
            continue
        if abs(sum(values) - whole) > MONEY_TOLERANCE:
            out.append(
                Finding(
                    "warning",
                    "BUDGET_PARTS_MISMATCH",
                    form.where(total.sheet_row, f"预算执行情况「{total.label}」的{title}"),
                    f"「其中」各项{title}相加为 {wan(sum(values), unit=True)}，与总额 {wan(whole, unit=True)} 不一致，"
                    f"相差 {wan(abs(sum(values) - whole), unit=True)}。",
                    total.sheet_row,
                    attr,
                )
            )
    return out


def _execution_rate(form: Form) -> list[Finding]:
    total = form.budget_total
    rate = form.execution_rate
    if total is None or rate is None:
        return []
    where = form.where(total.sheet_row, "预算执行情况「总额」")
    amounts = f"预算执行数 {wan(total.executed, unit=True)} ÷ 调整后预算数 {wan(total.adjusted, unit=True)}"
    if rate > 100.0 + 0.005:
        return [
            Finding(
                "warning",
                "OVER_EXECUTION",
                where,
                f"预算执行率 {pct(rate)}（{amounts}），超过 100%，支出超出了调整后预算，请核实。",
                total.sheet_row,
                "executed",
            )
        ]
    if rate >= LOW_EXECUTION_RATE:
        return []
    if is_no_reason(total.reason):
        said = "" if not squash(total.reason) else "（原因栏只有「" + clip(total.reason) + "」，不是说明）"
        return [
            Finding(
                "warning",
                "LOW_EXECUTION_UNEXPLAINED",
                where,
                f"预算执行率 {pct(rate)}（{amounts}），低于 90%，但没有说明原因{said}。",
                total.sheet_row,
                "reason",
            )
        ]
    return [
        Finding(
            "info",
            "LOW_EXECUTION",
            where,
            f"预算执行率 {pct(rate)}（{amounts}），低于 90%；填报的原因：{clip(total.reason, 60)}",
            total.sheet_row,
            "reason",
        )
    ]


def _budget_score(form: Form) -> list[Finding]:
    total = form.budget_total
    score, weight, formula = form.budget_score, form.budget_weight, form.budget_formula_score
    if total is None or score is None:
        return []
    where = form.where(total.sheet_row, "预算执行情况的得分")
    if weight is not None and score > weight + SCORE_TOLERANCE:
        return [
            Finding(
                "error",
                "SCORE_OVER_WEIGHT",
                where,
                f"预算执行得分 {n(score)} 分，超过了权重 {n(weight)} 分。",
                total.sheet_row,
                "score",
            )
        ]
    if formula is not None and abs(score - formula) > SCORE_TOLERANCE:
        return [
            Finding(
                "warning",
                "BUDGET_SCORE_MISMATCH",
                where,
                f"预算执行得分填报 {n(score)} 分，按 min(执行率 {pct(form.execution_rate)}, 100%) × 权重 {n(weight)} "
                f"计算应为 {n(formula)} 分。",
                total.sheet_row,
                "score",
            )
        ]
    return []


# --- 合计 ---------------------------------------------------------------------------------------
def _rounded_total(reported: float | None, parts: float | None) -> str:
    """A 合计 typed as a whole number over parts with a half (95 over 94.5): the parts rounded half-up, as
    the 汇总表's scores are compared at their printed precision; "" otherwise."""
    if reported is None or parts is None or abs(reported - parts) <= SCORE_TOLERANCE:
        return ""
    if reported != round(reported) or round_half_up(parts, 0) != reported:
        return ""
    return f"合计得分填报 {n(reported)} 分，各部分得分相加为 {n(parts)} 分，四舍五入到整数一致。"


def _total_findings(form: Form) -> list[Finding]:
    out: list[Finding] = []
    row = form.total_row
    where = form.where(row, "合计")
    k = len(form.indicators)
    budget_part = form.parts_budget_score
    if row is not None and form.reported_total is None and not form.total_unknown:
        out.append(
            Finding(
                "warning", "FORM_NO_TOTAL", where, "合计行没有填写得分，无法核对。", row, "reported_score"
            )
        )
    parts = form.parts_total
    rounded = _rounded_total(form.reported_total, parts)
    if rounded:
        out.append(Finding("info", "FORM_TOTAL_ROUNDED", where, rounded, row, "reported_score"))
    elif (
        form.reported_total is not None
        and parts is not None
        and abs(form.reported_total - parts) > SCORE_TOLERANCE
    ):
        out.append(
            Finding(
                "error",
                "FORM_TOTAL_MISMATCH",
                where,
                f"合计得分填报 {n(form.reported_total)} 分，但预算执行得分 {n(budget_part)} 分与 {k} 项指标得分"
                f"（共 {n(form.indicator_scores)} 分）相加为 {n(parts)} 分，相差 {n(abs(form.reported_total - parts))} 分。",
                row,
                "reported_score",
            )
        )
    weights = form.weights_total
    if weights is not None and abs(weights - FULL_WEIGHT) > SCORE_TOLERANCE:
        printed = ""
        if form.reported_weights_total is not None:
            printed = f"（合计行印的权重是 {n(form.reported_weights_total)}）"
        out.append(
            Finding(
                "error",
                "WEIGHTS_NOT_100",
                where,
                f"预算执行权重 {n(form.budget_weight or 0)} 分与 {k} 项指标权重（共 {n(form.indicator_weights)} 分）"
                f"相加为 {n(weights)} 分，应为 100 分{printed}。",
                row,
                "weight",
            )
        )
    elif (
        weights is not None
        and form.reported_weights_total is not None
        and abs(form.reported_weights_total - weights) > SCORE_TOLERANCE
    ):
        out.append(
            Finding(
                "warning",
                "TOTAL_WEIGHT_MISMATCH",
                where,
                f"合计行的权重印为 {n(form.reported_weights_total)}，各部分权重相加为 {n(weights)}。",
                row,
                "weight",
            )
        )
    said, score = (
        grade_word(form.reported_grade),
        form.reported_total if form.reported_total is not None else parts,
    )
    earned = grade_of(score)
    if said and earned and said != earned:
        text = grade_mismatch(form.reported_grade, earned, score)
        out.append(Finding("warning", "FORM_GRADE_MISMATCH", where, text, row, "reported_grade"))
    formula = form.formula_total
    reported = form.reported_total if form.reported_total is not None else parts
    if formula is not None and reported is not None and abs(formula - reported) >= FORMULA_NOTE_THRESHOLD:
        out.append(
            Finding(
                "info",
                "FORMULA_TOTAL_DIFFERS",
                where,
                f"按公式复核（预算执行 min(执行率,100%)×权重，定量指标按完成值与指标值之比，其余保留填报得分）"
                f"总分为 {n(formula)} 分，填报 {n(reported)} 分。",
                row,
                "reported_score",
            )
        )
    return out


# --- indicators ------------------------------------------------------------------------------------
def _indicator_findings(form: Form, ind: Indicator, deviation: float) -> list[Finding]:
    out: list[Finding] = []
    where = form.where(ind.sheet_row, f"{ind.level1 or '指标'}「{clip(ind.label)}」")

    def add(severity: str, code: str, message: str, field: str = "score") -> None:
        out.append(Finding(severity, code, where, message, ind.sheet_row, field))

    weight, score = ind.weight, ind.score
    if weight is not None and score is None:
        add("warning", "SCORE_MISSING", f"权重 {n(weight)} 分，得分没有填写。")
    if weight is not None and score is not None:
        if score > weight + SCORE_TOLERANCE:
            add("error", "SCORE_OVER_WEIGHT", f"得分 {n(score)} 分，超过了权重 {n(weight)} 分。")
        deducted = score < weight - SCORE_TOLERANCE
        if deducted and is_no_reason(ind.reason):
            said = f"（原因栏填的是「{clip(ind.reason)}」）" if squash(ind.reason) else ""
            add(
                "warning",
                "DEDUCTION_WITHOUT_REASON",
                f"得分 {n(score)} 分低于权重 {n(weight)} 分（扣 {n(weight - score)} 分），但没有填写未完成原因分析{said}。",
                "reason",
            )
        _formula_checks(ind, add, deducted)
    _deviation(ind, deviation, add)
    return out


def _target_text(ind: Indicator) -> str:
    sign = {NATURE_GE: "≥", "le": "≤", NATURE_EQ: "＝"}.get(ind.nature or "", "")
    return f"{sign}{n(ind.target)}{ind.shown_unit}"


def _missed(ind: Indicator) -> str:
    """How a 完成值 misses its target: an ＝ target can be missed from above ("16.2万人次" against
    "＝16万人次"), so say which side rather than "未达到"."""
    if ind.nature == NATURE_EQ and ind.actual is not None and ind.target is not None:
        return "高于" if ind.actual > ind.target else "低于"
    return "未达到"


def _formula_checks(ind: Indicator, add, deducted: bool) -> None:
    formula, weight, score = ind.formula_score, ind.weight, ind.score
    if formula is None or weight is None or score is None:
        return
    met = formula >= weight - SCORE_TOLERANCE
    actual = f"完成值 {n(ind.actual)}{ind.shown_unit}"
    if met and deducted:
        add(
            "warning",
            "TARGET_MET_BUT_DEDUCTED",
            f"{actual} 已达到指标值 {_target_text(ind)}（按公式应得满分 {n(weight)} 分），填报得分却是 {n(score)} 分。",
        )
    elif not met and score >= weight - SCORE_TOLERANCE:
        add(
            "warning",
            "TARGET_MISSED_FULL_MARKS",
            f"{actual} {_missed(ind)}指标值 {_target_text(ind)}（按公式应得 {n(formula)} 分），填报却给了满分 {n(score)} 分。",
        )
    elif abs(formula - score) >= FORMULA_NOTE_THRESHOLD:
        add(
            "info",
            "SCORE_DIFFERS_FROM_FORMULA",
            f"{actual}，指标值 {_target_text(ind)}，按{NATURE_LABELS[ind.nature or NATURE_QUAL]}指标公式应得 "
            f"{n(formula)} 分，填报 {n(score)} 分。",
        )


def _deviation(ind: Indicator, deviation: float, add) -> None:
    if (
        ind.nature == NATURE_QUAL
        or ind.target is None
        or ind.actual is None
        or ind.target == 0
        or ind.unit_note
    ):
        return
    gap = (ind.actual - ind.target) / abs(ind.target)
    if not math.isfinite(gap) or abs(gap) <= deviation + 1e-9:
        return
    direction = "超出" if gap > 0 else "低于"
    unit = ind.shown_unit
    add(
        "warning",
        "TARGET_DEVIATION",
        f"完成值 {n(ind.actual)}{unit} {direction}指标值 {n(ind.target)}{unit} {pct(abs(gap) * 100)}，"
        f"偏离超过 ±{n(deviation * 100)}%（目标可能定得不合理，或完成情况需要说明）。",
        "actual",
    )


def _duplicate_indicators(form: Form) -> list[Finding]:
    seen: dict[tuple[str, str, str], Indicator] = {}
    out = []
    for ind in form.indicators:
        if not squash(ind.level3):
            continue
        key = (squash(ind.level1), squash(ind.level2), squash(ind.level3))
        first = seen.get(key)
        if first is None:
            seen[key] = ind
            continue
        out.append(
            Finding(
                "warning",
                "DUPLICATE_INDICATOR",
                form.where(ind.sheet_row, f"{ind.level1 or '指标'}「{clip(ind.label)}」"),
                f"与第{first.sheet_row}行的指标重复（一级、二级、三级指标都相同），权重和得分被计算了两次。",
                ind.sheet_row,
                "project",
            )
        )
    return out


# --- across forms ----------------------------------------------------------------------------------
def duplicate_code_findings(forms: list[Form]) -> list[tuple[Form, Finding]]:
    """DUPLICATE_PROJECT_CODE on every form of a code that appears on more than one form.

    The message says what the roll-up does about the money (see jixiao.forms.money_owners).
    """
    groups: dict[str, list[int]] = {}
    for i, form in enumerate(forms):
        if form.code:
            groups.setdefault(form.code, []).append(i)
    counts = money_owners(forms)
    out: list[tuple[Form, Finding]] = []
    for code, members in groups.items():
        if len(members) < 2:
            continue
        owner = next(i for i in members if counts[i])
        listing = "；".join(
            f"工作表「{forms[i].sheet}」第{forms[i].first_row}行「{forms[i].name}」"
            f"（调整后预算数 {wan(forms[i].adjusted, unit=True)}）"
            for i in members
        )
        others = sum(forms[i].adjusted or 0.0 for i in members if i != owner)
        for i in members:
            form = forms[i]
            if i == owner:
                did = (
                    f"汇总时该编码的金额只计一次：按本表的 {wan(form.adjusted, unit=True)} 计入，"
                    f"其余 {len(members) - 1} 张表的 {wan(others, unit=True)} 不再重复计入（其得分照常列示）。"
                )
            else:
                did = (
                    f"汇总时该编码的金额只计一次：按「{forms[owner].name}」的 {wan(forms[owner].adjusted, unit=True)} "
                    f"计入，本表的 {wan(form.adjusted, unit=True)} 视为其中的子项目，不再重复计入（得分照常列示）。"
                )
            out.append(
                (
                    form,
                    Finding(
                        "warning",
                        "DUPLICATE_PROJECT_CODE",
                        form.where(form.first_row, "项目编码"),
                        f"项目编码 {code} 出现在 {len(members)} 张自评表上：{listing}。{did}"
                        "若它们其实是互不包含的独立资金，请改用不同的编码。",
                        form.first_row,
                        "code",
                    ),
                )
            )
    return out
