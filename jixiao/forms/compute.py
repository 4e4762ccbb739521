"""项目支出绩效自评表 (one form per project): the parsed forms and the scores recomputed from them.

``jixiao.forms.read`` fills these dataclasses from a workbook, ``jixiao.forms.audit`` checks them and
``jixiao.forms.rollup`` turns them into a project table, a summary workbook and JSON. The reported
numbers are never overwritten: every recomputed value sits beside the one the unit printed.

Money is in 万元, rates in percent, scores in points.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from jixiao.model import Finding

# 指标性质 after normalisation: which way the formula score runs.
NATURE_GE = "ge"  # ≥ ＞ 正向: more is better
NATURE_LE = "le"  # ≤ ＜ 反向: less is better
NATURE_EQ = "eq"  # ＝: hit the target
NATURE_QUAL = "qual"  # 定性: no formula
NATURE_LABELS = {NATURE_GE: "正向", NATURE_LE: "反向", NATURE_EQ: "等于", NATURE_QUAL: "定性"}

# 一级指标 -> the component names of jixiao.model.COMPONENT_COLUMNS
LEVEL1_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("产出", "output"),
    ("效益", "benefit"),
    ("满意", "satisfaction"),
    ("成本", "cost"),
)
FORM_COMPONENTS = ("output", "benefit", "satisfaction", "cost")
# 二级指标 that say which 一级 they belong to, for rows whose 一级 cell was left blank
LEVEL2_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("数量", "output"),
    ("质量", "output"),
    ("时效", "output"),
    ("效益", "benefit"),
    ("可持续影响", "benefit"),
    ("满意", "satisfaction"),
    ("成本", "cost"),
)
COMPONENT_LEVEL1 = {
    "output": "产出指标",
    "benefit": "效益指标",
    "satisfaction": "满意度指标",
    "cost": "成本指标",
}

SCORE_TOLERANCE = 0.01  # points: two scores closer than this are the same score
MONEY_TOLERANCE = 0.01  # 万元


def component_of(level1: str) -> str | None:
    for word, component in LEVEL1_COMPONENTS:
        if word in level1:
            return component
    return None


def component_of_level2(level2: str) -> str | None:
    for word, component in LEVEL2_COMPONENTS:
        if word in level2:
            return component
    return None


def formula_score(nature: str | None, target: float | None, actual: float | None, weight: float | None):
    """(score, note): the score the indicator's formula gives, or (None, why not) in Chinese."""
    if weight is None:
        return None, "权重缺失"
    if nature == NATURE_QUAL:
        return None, "定性指标"
    if nature is None:
        return None, "指标性质不明"
    if target is None:
        return None, "指标值不是数字"
    if actual is None:
        return None, "完成值为空或不是数字"
    if nature == NATURE_GE:
        if target <= 0:
            return (weight if actual >= target else 0.0), ""
        return max(0.0, min(actual / target, 1.0)) * weight, ""
    if nature == NATURE_LE:
        # Spending or taking nothing against a ceiling is the best possible result.
        if actual <= 0 or actual <= target:
            return weight, ""
        if target <= 0:
            return 0.0, ""
        return max(0.0, min(target / actual, 1.0)) * weight, ""
    # NATURE_EQ: full marks on the target, losing marks in proportion to the relative miss.
    if target == 0:
        return (weight if actual == 0 else 0.0), ""
    closeness = 1.0 - abs(actual - target) / abs(target)
    if abs(actual - target) <= 1e-9 * max(1.0, abs(target)):
        closeness = 1.0
    return max(0.0, closeness) * weight, ""


@dataclass
class BudgetLine:
    """One row of 预算执行情况: 总额 or one of the 其中 rows."""

    label: str
    sheet_row: int
    initial: float | None = None  # 年初预算, 万元
    adjusted: float | None = None  # 调整后预算数, 万元
    executed: float | None = None  # 预算执行数, 万元
    printed_rate: float | None = None  # 预算执行率 as printed, percent
    weight: float | None = None
    score: float | None = None
    reason: str = ""

    @property
    def is_total(self) -> bool:
        # 部门整体支出 is the whole of a department form's money, 基本支出/项目支出 its parts.
        return any(w in self.label for w in ("总额", "合计", "小计", "整体支出"))

    @property
    def rate(self) -> float | None:
        """预算执行数 / 调整后预算数 in percent; None where the budget is missing or zero."""
        if self.adjusted is None or self.executed is None or self.adjusted == 0:
            return None
        return self.executed / self.adjusted * 100.0


@dataclass
class Indicator:
    sheet_row: int
    level1: str
    level2: str
    level3: str
    nature_raw: str = ""
    nature: str | None = None
    target: float | None = None
    target_raw: str = ""
    unit: str = ""
    actual: float | None = None
    actual_raw: str = ""
    weight: float | None = None
    score: float | None = None  # as reported
    reason: str = ""  # 未完成原因分析
    # Units as written in the 指标值/完成值 cells ("万人次"), else the 度量单位 column's; when they name
    # different things (场 against 次) unit_note says so and no formula applies.
    target_unit: str = ""
    actual_unit: str = ""
    unit_note: str = ""

    @property
    def component(self) -> str | None:
        return component_of(self.level1)

    @property
    def _formula(self):
        if self.unit_note and self.weight is not None and self.nature != NATURE_QUAL:
            return None, self.unit_note
        return formula_score(self.nature, self.target, self.actual, self.weight)

    @property
    def shown_unit(self) -> str:
        """The unit the target and actual are compared in: the 度量单位, else the target's own."""
        return self.unit or self.target_unit or self.actual_unit

    @property
    def formula_score(self) -> float | None:
        return self._formula[0]

    @property
    def recomputable(self) -> bool:
        return self._formula[0] is not None

    @property
    def not_recomputable_reason(self) -> str:
        return self._formula[1]

    @property
    def label(self) -> str:
        return self.level3 or self.level2 or self.level1 or f"第{self.sheet_row}行"


FORM_PROJECT = "project"  # 项目支出绩效自评表
FORM_DEPARTMENT = "department"  # 部门整体支出绩效自评表


@dataclass
class Form:
    sheet: str
    first_row: int  # 1-based, the title (or 项目名称) row
    last_row: int
    title: str = ""
    project_label: str = ""  # 项目名称 as printed, code and name together
    code: str | None = None
    project: str = ""
    department: str = ""  # 主管部门
    unit: str = ""  # 实施单位
    amount_unit: str = "万元"  # as found in the form; amounts below are converted to 万元
    budget_lines: list[BudgetLine] = field(default_factory=list)
    budget_block_weight: float | None = None  # the 10 of 预算执行情况（10分）
    indicators: list[Indicator] = field(default_factory=list)
    indicator_block_weight: float | None = None  # the 90 of 绩效指标（90分）
    total_row: int | None = None
    reported_weights_total: float | None = None  # 合计 权重
    reported_total: float | None = None  # 合计 得分
    total_unknown: bool = False  # 合计 得分 is a formula saved without its value: unknown, not blank
    reported_grade: str = (
        ""  # 自评等级 as printed (on the 合计 row, in its score cell, or on a row of its own)
    )
    conclusion: str = ""  # 评价结论
    problems: str = ""  # 存在问题
    measures: str = ""  # 改进措施
    kind: str = FORM_PROJECT
    goal_expected: str = ""  # 年度总体目标: 预期目标
    goal_actual: str = ""  # 年度总体目标: 实际完成情况
    parse_findings: list[Finding] = field(default_factory=list)
    audit_findings: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [*self.parse_findings, *self.audit_findings]

    @property
    def is_department(self) -> bool:
        return self.kind == FORM_DEPARTMENT

    @property
    def name(self) -> str:
        if self.is_department:
            return self.unit or self.department or f"{self.sheet}第{self.first_row}行的部门整体支出自评表"
        return self.project or self.project_label or f"{self.sheet}第{self.first_row}行的自评表"

    def where(self, row: int | None, what: str = "") -> str:
        """工作表「12科普…」第16行，满意度指标「参加培训的教师满意度」（项目「科普宣传活动业务经费」）"""
        place = f"工作表「{self.sheet}」" + (f"第{row}行" if row else "")
        if what:
            place += f"，{what}"
        return f"{place}（{'部门' if self.is_department else '项目'}「{self.name}」）"

    # --- 预算执行情况 -----------------------------------------------------------------------
    @property
    def budget_total(self) -> BudgetLine | None:
        for line in self.budget_lines:
            if line.is_total:
                return line
        return self.budget_lines[0] if self.budget_lines else None

    @property
    def initial(self) -> float | None:
        t = self.budget_total
        return t.initial if t else None

    @property
    def adjusted(self) -> float | None:
        t = self.budget_total
        return t.adjusted if t else None

    @property
    def executed(self) -> float | None:
        t = self.budget_total
        return t.executed if t else None

    @property
    def printed_rate(self) -> float | None:
        t = self.budget_total
        return t.printed_rate if t else None

    @property
    def execution_rate(self) -> float | None:
        t = self.budget_total
        return t.rate if t else None

    @property
    def budget_weight(self) -> float | None:
        t = self.budget_total
        if t is not None and t.weight is not None:
            return t.weight
        return self.budget_block_weight

    @property
    def budget_score(self) -> float | None:
        t = self.budget_total
        return t.score if t else None

    @property
    def budget_formula_score(self) -> float | None:
        """min(执行数 / 调整后预算数, 1) × 权重."""
        rate, weight = self.execution_rate, self.budget_weight
        if rate is None or weight is None:
            return None
        return max(0.0, min(rate / 100.0, 1.0)) * weight

    # --- totals ------------------------------------------------------------------------------
    @property
    def indicator_weights(self) -> float:
        return sum(i.weight for i in self.indicators if i.weight is not None)

    @property
    def indicator_scores(self) -> float:
        return sum(i.score for i in self.indicators if i.score is not None)

    @property
    def weights_total(self) -> float | None:
        if self.budget_weight is None and not self.indicators:
            return None
        return (self.budget_weight or 0.0) + self.indicator_weights

    @property
    def parts_budget_score(self) -> float | None:
        # The parts total adds what the unit reported; the formula only stands in when nothing was.
        return self.budget_score if self.budget_score is not None else self.budget_formula_score

    @property
    def parts_total(self) -> float | None:
        """预算执行得分 + Σ 各指标填报得分."""
        if self.parts_budget_score is None and not self.indicators:
            return None
        return (self.parts_budget_score or 0.0) + self.indicator_scores

    @property
    def formula_total(self) -> float | None:
        """Formula budget score + Σ formula indicator scores, the reported score where none can be computed."""
        if self.parts_budget_score is None and not self.indicators:
            return None
        budget = self.budget_formula_score
        if budget is None:
            budget = self.budget_score or 0.0
        total = budget
        for ind in self.indicators:
            score = ind.formula_score
            if score is None:
                score = ind.score or 0.0
            total += score
        return total

    def level1_rates(self) -> dict[str, float | None]:
        """得分率 per 一级指标 in percent: Σ reported scores / Σ weights; None where the form has none."""
        out: dict[str, float | None] = {}
        for component in FORM_COMPONENTS:
            rows = [i for i in self.indicators if i.component == component and i.weight is not None]
            weight = sum(i.weight for i in rows)  # type: ignore[misc]
            if not rows or weight <= 0:
                out[component] = None
                continue
            out[component] = sum(i.score or 0.0 for i in rows) / weight * 100.0
        return out

    def group_scores(self) -> list[dict[str, float | str | None]]:
        """Per 一级指标 in the form's own order and words (投入/过程/产出/效益, 履职效能/管理效率/社会效应 …):
        Σ 权重, Σ 填报得分, Σ 公式得分 (the reported score where no formula applies) and 得分率 in percent."""
        groups: dict[str, list[Indicator]] = {}
        for ind in self.indicators:
            groups.setdefault(ind.level1 or "（未注明）", []).append(ind)
        out: list[dict[str, float | str | None]] = []
        for level1, rows in groups.items():
            weight = sum(i.weight for i in rows if i.weight is not None)
            score = sum(i.score for i in rows if i.score is not None)
            formula = sum(
                (i.formula_score if i.formula_score is not None else (i.score or 0.0)) for i in rows
            )
            out.append(
                {
                    "level1": level1,
                    "indicators": len(rows),
                    "weight": weight,
                    "score": score,
                    "formula_score": formula,
                    "rate": score / weight * 100.0 if weight > 0 else None,
                }
            )
        return out

    @property
    def budget_score_rate(self) -> float | None:
        if self.budget_score is None or not self.budget_weight:
            return None
        return self.budget_score / self.budget_weight * 100.0


@dataclass
class FormsDataset:
    file: str
    sheets: list[str] = field(default_factory=list)  # every sheet in the file
    forms: list[Form] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # file-level: sheets skipped, caps
    digest: str = ""  # sha256 of the file's bytes, so a page can tell a new upload from a rerun
    deviation: float = 0.20  # TARGET_DEVIATION threshold the last audit used

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for form in self.forms:
            out.extend(form.findings)
        return out

    @property
    def is_department(self) -> bool:
        """Every form is a 部门整体支出绩效自评表: the file is of that kind, not a set of project forms."""
        return bool(self.forms) and all(f.is_department for f in self.forms)

    @property
    def sheet_label(self) -> str:
        used = list(dict.fromkeys(f.sheet for f in self.forms))
        if len(used) == 1:
            return used[0]
        return "多个工作表" if used else (self.sheets[0] if self.sheets else "")


def money_owners(forms: list[Form]) -> dict[int, bool]:
    """Which forms' money counts in a roll-up, keyed by position in ``forms``.

    Forms sharing a project code are one budget project reported in parts (or twice): the form with
    the largest 调整后预算数 (the first on a tie) carries the code's money and the others count 0,
    so the roll-up never adds a sub-project's money to its parent's. Forms without a code all count.
    """
    counts: dict[int, bool] = {}
    best: dict[str, int] = {}
    for i, form in enumerate(forms):
        counts[i] = True
        if not form.code:
            continue
        j = best.get(form.code)
        if j is None:
            best[form.code] = i
            continue
        if (form.adjusted or 0.0) > (forms[j].adjusted or 0.0):
            counts[j] = False
            best[form.code] = i
        else:
            counts[i] = False
    return counts


def squash(text: str) -> str:
    """Text as labels compare it: NFKC (full-width to half-width), no whitespace at all (incl. U+3000)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
