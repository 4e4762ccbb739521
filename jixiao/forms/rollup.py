"""项目支出绩效自评表 rolled up: the project table every page uses, a generated 汇总表 workbook, and JSON.

One row per form. Money of forms that share a project code is counted once (see
``jixiao.forms.money_owners``); the DUPLICATE_PROJECT_CODE finding says so on each form concerned.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from jixiao.fmt import round_half_up
from jixiao.forms.compute import FORM_COMPONENTS, SCORE_TOLERANCE, Form, FormsDataset, money_owners
from jixiao.model import (
    BUDGET,
    CODE,
    COMPONENT_COLUMNS,
    EXECUTED,
    KIND_DEPARTMENT_FORM,
    KIND_SELFEVAL_FORMS,
    MONEY_NOTE,
    NA_COMPONENTS,
    OWN_POINTS,
    OWN_RATE,
    OWN_SCORE,
    PROJECT,
    PROJECT_COLUMNS,
    RATE_FUNDS,
    REPORTED_RATE,
    REPORTED_SCORE,
    SELF_FLAG,
    SEQ,
    SHEET_ROW,
    SUMMARY_HEADERS,
    UNIT,
    ProjectTable,
    Source,
    empty_totals,
)
from jixiao.safe_text import text_only

LOW_RATE = 90.0

SUMMARY_TITLE = "项目单位自评汇总表"
SUMMARY_RATE_COMPONENTS = ("cost", "output", "benefit", "satisfaction")  # column order of the 得分率 columns


def _r2(x: float | None) -> float | None:
    return round_half_up(x, 2)


def deviation_reasons(form: Form) -> list[str]:
    """Why a form counts as 有较大偏差, in words (empty: no large deviation).

    The deviation test reuses the audit's TARGET_DEVIATION findings, so it follows the threshold
    the dataset was last audited with.
    """
    reasons: list[str] = []
    rate = form.execution_rate
    if rate is not None and rate < LOW_RATE:
        reasons.append(f"预算执行率 {rate:.2f}% 低于 90%")
    if rate is not None and rate > 100.0 + 0.005:
        reasons.append(f"预算执行率 {rate:.2f}% 超过 100%")
    short = [
        i for i in form.indicators if i.weight is not None and (i.score or 0.0) < i.weight - SCORE_TOLERANCE
    ]
    if short:
        reasons.append(f"{len(short)} 项指标未得满分")
    far = [f for f in form.findings if f.code == "TARGET_DEVIATION"]
    if far:
        reasons.append(f"{len(far)} 项指标完成值偏离指标值较大")
    return reasons


def stated_reasons(ds: FormsDataset) -> dict[str, str]:
    """The 偏差原因 each form states itself, by project code and by name: the 未完成原因分析 of its budget
    line and of every indicator that lost points, else its 存在问题. Text that explains nothing (blank,
    "无", the printed 填表说明) is left out, so such a form has no reason."""
    from jixiao.forms.audit import is_no_reason

    out: dict[str, str] = {}
    codes = [f.code for f in ds.forms if f.code]
    for form in ds.forms:
        parts = []
        total = form.budget_total
        if total is not None and total.reason.strip() and not is_no_reason(total.reason):
            parts.append("预算执行：" + " ".join(total.reason.split()))
        for ind in form.indicators:
            lost = ind.weight is not None and (ind.score or 0.0) < ind.weight - SCORE_TOLERANCE
            if lost and ind.reason.strip() and not is_no_reason(ind.reason):
                parts.append(f"「{ind.level3 or ind.level2}」" + " ".join(ind.reason.split()))
        if not parts and form.problems.strip() and not is_no_reason(form.problems):
            parts.append("存在问题：" + " ".join(form.problems.split()))
        if parts:
            text = "；".join(x.rstrip("。；; ") for x in parts) + "。"
            # a code two forms share names neither of them: each is found by its name
            unique_code = form.code if form.code and codes.count(form.code) == 1 else None
            for key in (unique_code, form.name):
                if key:
                    out.setdefault(key, text)
    return out


def forms_to_project_table(ds: FormsDataset) -> ProjectTable:
    counts = money_owners(ds.forms)
    records: list[dict[str, Any]] = []
    for i, form in enumerate(ds.forms):
        rates = form.level1_rates()
        na = ("funds", *(c for c in FORM_COMPONENTS if rates[c] is None))
        counted = counts[i]
        record: dict[str, Any] = {
            SHEET_ROW: form.first_row,
            SEQ: i + 1,
            UNIT: form.unit or None,
            CODE: form.code,
            PROJECT: form.name,
            BUDGET: form.adjusted if counted else None,
            EXECUTED: form.executed if counted else None,
            OWN_RATE: None if counted else form.execution_rate,
            MONEY_NOTE: "" if counted else money_note(ds.forms, form),
            REPORTED_RATE: form.printed_rate if form.printed_rate is not None else form.execution_rate,
            RATE_FUNDS: None,
            NA_COMPONENTS: na,
            REPORTED_SCORE: form.reported_total,
            SELF_FLAG: None,
        }
        for component in FORM_COMPONENTS:
            record[COMPONENT_COLUMNS[component]] = rates[component]
        record[OWN_SCORE] = form.formula_total
        points = {"execution": form.parts_budget_score or 0.0}
        for ind in form.indicators:
            if ind.component and ind.score is not None:
                points[ind.component] = points.get(ind.component, 0.0) + ind.score
        record[OWN_POINTS] = points
        records.append(record)
    columns = [*PROJECT_COLUMNS, OWN_SCORE, OWN_POINTS, OWN_RATE, MONEY_NOTE]
    projects = pd.DataFrame(records, columns=columns) if records else pd.DataFrame(columns=columns)
    for col in (BUDGET, EXECUTED, REPORTED_RATE, REPORTED_SCORE, *COMPONENT_COLUMNS.values()):
        projects[col] = projects[col].astype("float64")
    projects[NA_COMPONENTS] = projects[NA_COMPONENTS].astype("object")
    titles = [f.title for f in ds.forms if f.title]
    source = Source(
        file=ds.file,
        sheet=ds.sheet_label,
        header_rows=[],
        amount_unit="万元",
        sheets=list(ds.sheets),
        title=titles[0] if titles else "",
    )
    return ProjectTable(
        projects=projects,
        totals=empty_totals(),
        source=source,
        findings=ds.all_findings(),
        kind=KIND_DEPARTMENT_FORM if ds.is_department else KIND_SELFEVAL_FORMS,
    )


# --- the generated 汇总表 -------------------------------------------------------------------------
def forms_summary_xlsx(ds: FormsDataset) -> bytes:
    """A 项目单位自评汇总表 workbook generated from the forms: one row per form, a 合计 row, notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_TITLE
    width = len(SUMMARY_HEADERS)
    ws.cell(row=1, column=1, value=SUMMARY_TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, text in enumerate(SUMMARY_HEADERS, start=1):
        cell = ws.cell(row=2, column=c, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    counts = money_owners(ds.forms)
    row = 3
    for i, form in enumerate(ds.forms):
        _summary_row(ws, row, i + 1, form, counts[i], "" if counts[i] else money_note(ds.forms, form))
        row += 1
    _summary_total(ws, row, ds, counts)
    for r in range(3, row + 1):
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = border
    notes = _summary_notes(ds, counts)
    for k, text in enumerate(notes, start=row + 2):
        ws.cell(row=k, column=1, value=text)
    ws.freeze_panes = "A3"
    widths = (6, 36, 14, 14, 12, 12, 12, 12, 12, 12, 10, 12)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    buf = io.BytesIO()
    text_only(wb).save(buf)  # project names and units from the forms stay text
    return buf.getvalue()


def money_note(forms: list[Form], form: Form) -> str:
    """Where the money of a form sharing its project code is counted: "金额已计入《…》"."""
    counts = money_owners(forms)
    owner = next(
        (f for i, f in enumerate(forms) if counts[i] and f.code and f.code == form.code and f is not form),
        None,
    )
    return f"金额已计入《{owner.name}》" if owner is not None else "金额已计入同一项目编码的其他自评表"


def _summary_row(ws, row: int, seq: int, form: Form, counted: bool, note: str = "") -> None:
    rates = form.level1_rates()
    rate = form.execution_rate
    # its own amounts are shown (the 合计 row leaves them out), with the note beside the name
    name = form.name if counted else f"{form.name}（{note}，合计不重复计算）"
    values: list[Any] = [
        seq,
        name,
        _r2(form.adjusted),
        _r2(form.executed),
        None if rate is None else rate / 100.0,
        "/",
        *(("/" if rates[c] is None else rates[c] / 100.0) for c in SUMMARY_RATE_COMPONENTS),
        _r2(form.reported_total),
        "是" if deviation_reasons(form) else "否",
    ]
    _write_row(ws, row, values)


def _summary_total(ws, row: int, ds: FormsDataset, counts: dict[int, bool]) -> None:
    counted = [f for i, f in enumerate(ds.forms) if counts[i]]
    budget = sum(f.adjusted or 0.0 for f in counted)
    executed = sum(f.executed or 0.0 for f in counted)
    scored = [f for f in counted if f.adjusted and f.reported_total is not None]
    weight = sum(f.adjusted for f in scored)  # type: ignore[misc]
    # The 合计 score is the budget-weighted mean, as the published summary tables print it.
    score = sum(f.adjusted * f.reported_total for f in scored) / weight if weight else None  # type: ignore[operator]
    values: list[Any] = [
        None,
        "合计",
        _r2(budget),
        _r2(executed),
        executed / budget if budget else None,
        None,
        None,
        None,
        None,
        None,
        _r2(score),
        None,
    ]
    _write_row(ws, row, values)
    from openpyxl.styles import Font

    for c in range(1, len(values) + 1):
        ws.cell(row=row, column=c).font = Font(bold=True)


def _write_row(ws, row: int, values: list[Any]) -> None:
    for c, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=c, value=value)
        header = SUMMARY_HEADERS[c - 1]
        if isinstance(value, float) and ("率" in header):
            cell.number_format = "0.00%"
        elif isinstance(value, float):
            cell.number_format = "0.00"


def _summary_notes(ds: FormsDataset, counts: dict[int, bool]) -> list[str]:
    notes = [
        f"说明：本表由 {len(ds.forms)} 张项目支出绩效自评表（{ds.file}）生成；全年预算数为调整后预算数，"
        "自评得分为各表“合计”行填报的得分，合计行的自评得分为按全年预算数加权的平均分。",
        "资金管理情况得分率：自评表没有这一项，填“/”；某一级指标在表中没有的，得分率也填“/”。",
        "是否有较大偏差：预算执行率低于 90% 或超过 100%、有指标未得满分、或完成值偏离指标值超过 "
        f"±{ds.deviation * 100:g}% 的，填“是”。",
    ]
    skipped = [f for i, f in enumerate(ds.forms) if not counts[i]]
    if skipped:
        names = "、".join(f"「{f.name}」（项目编码 {f.code}）" for f in skipped)
        notes.append(
            f"{names}与其他自评表的项目编码相同，视为同一项目的子项目，其预算数、执行数照列，但不计入合计行。"
        )
    return notes


# --- JSON -------------------------------------------------------------------------------------------
def forms_doc(ds: FormsDataset) -> list[dict[str, Any]]:
    """Per form: totals (reported, parts, formula), every indicator with both scores, and the findings."""
    counts = money_owners(ds.forms)
    return [_form_doc(form, counts[i]) for i, form in enumerate(ds.forms)]


def _form_doc(form: Form, counted: bool) -> dict[str, Any]:
    rates = form.level1_rates()
    total = form.budget_total
    return {
        "form_kind": form.kind,
        "sheet": form.sheet,
        "first_row": form.first_row,
        "code": form.code,
        "project": form.name,
        "unit": form.unit or None,
        "department": form.department or None,
        "amount_unit": form.amount_unit,
        "initial_budget": _r2(form.initial),
        "budget": _r2(form.adjusted),
        "executed": _r2(form.executed),
        "money_counted": counted,
        "printed_rate": _r2(form.printed_rate),
        "execution_rate": _r2(form.execution_rate),
        "budget_weight": _r2(form.budget_weight),
        "budget_score": _r2(form.budget_score),
        "budget_formula_score": _r2(form.budget_formula_score),
        "budget_reason": total.reason if total else "",
        "reported_weights_total": _r2(form.reported_weights_total),
        "reported_total": _r2(form.reported_total),
        "parts_total": _r2(form.parts_total),
        "formula_total": _r2(form.formula_total),
        "weights_total": _r2(form.weights_total),
        "level1_rates": {c: _r2(rates[c]) for c in FORM_COMPONENTS},
        "groups": [
            {k: (_r2(v) if isinstance(v, float) else v) for k, v in g.items()} for g in form.group_scores()
        ],
        "budget_lines": [
            {
                "label": line.label,
                "row": line.sheet_row,
                "initial_budget": _r2(line.initial),
                "budget": _r2(line.adjusted),
                "executed": _r2(line.executed),
                "printed_rate": _r2(line.printed_rate),
                "execution_rate": _r2(line.rate),
            }
            for line in form.budget_lines
        ],
        "goal_expected": form.goal_expected,
        "goal_actual": form.goal_actual,
        "indicators": [
            {
                "row": ind.sheet_row,
                "level1": ind.level1,
                "level2": ind.level2,
                "level3": ind.level3,
                "nature": ind.nature_raw,
                "direction": ind.nature,
                "target": ind.target,
                "target_raw": ind.target_raw,
                "unit": ind.unit,
                "target_unit": ind.target_unit,
                "actual_unit": ind.actual_unit,
                "unit_note": ind.unit_note or None,
                "actual": ind.actual,
                "actual_raw": ind.actual_raw,
                "weight": _r2(ind.weight),
                "reported_score": _r2(ind.score),
                "formula_score": _r2(ind.formula_score),
                "recomputable": ind.recomputable,
                "not_recomputable_reason": ind.not_recomputable_reason or None,
                "reason": ind.reason,
            }
            for ind in form.indicators
        ],
        "conclusion": form.conclusion,
        "problems": form.problems,
        "measures": form.measures,
        "findings": [f.to_dict() for f in form.findings],
    }
