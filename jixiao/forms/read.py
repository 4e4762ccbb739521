"""Read 部门预算项目支出绩效自评表 (one form per project) from sheets of cells.

Forms are found by their printed labels, never by cell positions: a form starts at a 项目名称 label
(with its title row just above), its budget block at the row naming 调整后预算数/预算执行数, its
indicator block at the row naming 一级指标 … 得分, and it ends at the next form. So one form per sheet,
several stacked down one sheet, merged 一级/二级 cells and a header repeated after a page break all
read the same way.

What cannot be read becomes a Finding on the form (UNPARSEABLE_VALUE quotes the raw text); only a
file with no form at all is an IngestError.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from jixiao.fmt import clip
from jixiao.forms.audit import audit_dataset
from jixiao.forms.compute import (
    FORM_DEPARTMENT,
    NATURE_EQ,
    NATURE_GE,
    NATURE_LE,
    BudgetLine,
    Form,
    FormsDataset,
    Indicator,
)
from jixiao.forms.labels import (
    BUDGET_END_LABELS,
    BUDGET_FIELDS,
    BUDGET_TITLES,
    CODE_LABELS,
    DEPARTMENT_LABELS,
    DEPARTMENT_NAME_LABELS,
    DEPARTMENT_TITLE_WORDS,
    GOAL_ACTUAL_LABELS,
    GOAL_EXPECTED_LABELS,
    GOAL_LABELS,
    GRADE_LABELS,
    INDICATOR_FIELDS,
    NO_FORMS,
    PROJECT_LABELS,
    STOP_LABELS,
    TEXT_LABELS,
    TOTAL_LABELS,
    UNIT_LABELS,
    WEIGHT_IN_LABEL_RE,
    _Grid,
    _is_budget_header,
    _is_indicator_header,
    _levels,
    _map_columns,
    _raw,
    _row_has,
    compare_units,
    grade_in,
    is_label,
    merged_level1,
    norm,
    parse_nature,
    parse_number,
    parse_quantity,
    says_nothing,
    score_in_text,
    split_code,
    total_figure,
    total_figures,
)
from jixiao.forms.labels import looks_like_forms as looks_like_forms
from jixiao.forms.layout import form_starts, read_parts, row_key
from jixiao.forms.titles import leave_out_other_years, name_from_title
from jixiao.forms.units import check_unit, said_unit  # where the router looks for it
from jixiao.grading import grade_word
from jixiao.ingest import values
from jixiao.ingest.hidden import without_hidden
from jixiao.ingest.workbook import Sheet, hidden_sheets_finding, load_sheets, split_hidden
from jixiao.model import Finding, IngestError


def parse_sheets(sheets: list[Sheet], filename: str, *, deviation: float = 0.20) -> FormsDataset:
    """Every form on every sheet, audited. Raises IngestError when the file holds no form at all."""
    ds = FormsDataset(file=filename, sheets=[s.name for s in sheets])
    shown, hidden = split_hidden(sheets)
    for sheet in shown:
        _read_sheet(ds, sheet)
    if hidden:  # an old year or a backup copy: read only when no sheet people see holds a form
        used = not ds.forms
        for sheet in hidden if used else ():
            _read_sheet(ds, sheet)
        if ds.forms:
            ds.findings.append(hidden_sheets_finding([s.name for s in hidden], used=used, what="自评表"))
    if not ds.forms:
        raise IngestError(NO_FORMS)
    leave_out_other_years(ds)  # last year's form kept below this year's is not this year's money
    audit_dataset(ds, deviation=deviation)
    return ds


def _read_sheet(ds: FormsDataset, sheet: Sheet) -> None:
    for note in sheet.notes:
        ds.findings.append(Finding("warning", "SHEET_TRUNCATED", f"工作表「{sheet.name}」", note))
    sheet, hidden = without_hidden(sheet)
    forms = read_parts(sheet, _sheet_forms)  # forms side by side, one by one
    if forms:
        ds.forms.extend(forms)
        ds.findings.extend([hidden] if hidden else [])
    elif any(v != "" for row in sheet.rows for v in row):
        ds.findings.append(
            Finding(
                "info",
                "SHEET_SKIPPED",
                f"工作表「{sheet.name}」",
                f"工作表「{sheet.name}」里没有找到项目支出绩效自评表（需要“项目名称”和“一级指标…得分”表头），已跳过。",
                sheet=sheet.name,
            )
        )


def read_forms(data: bytes, filename: str, *, deviation: float = 0.20) -> FormsDataset:
    """File bytes -> audited FormsDataset. Raises IngestError (Chinese message) for an unreadable file."""
    sheets = load_sheets(data, filename)
    ds = parse_sheets(sheets, filename, deviation=deviation)
    ds.digest = hashlib.sha256(data).hexdigest()
    return ds


def _sheet_forms(grid: _Grid) -> list[Form]:
    rows = grid.rows
    # One pass for the header rows, so a long sheet that is not a form costs little.
    indicator_headers = [r for r, row in enumerate(rows) if _is_indicator_header(row)]
    budget_headers = [r for r, row in enumerate(rows) if _is_budget_header(row)]
    starts = form_starts(rows)
    if not starts:
        # No 项目名称 label, but an indicator header: one unnamed form for the whole sheet.
        if not indicator_headers:
            return []
        starts = [(0, -1)]
    forms: list[Form] = []
    for i, (first, anchor) in enumerate(starts):
        end = starts[i + 1][0] - 1 if i + 1 < len(starts) else len(rows) - 1
        while end > first and all(v == "" for v in rows[end]):
            end -= 1
        has_block = any(first <= r <= end for r in indicator_headers) or any(
            first <= r <= end and r != anchor for r in budget_headers
        )
        if not has_block:
            continue  # a 项目名称 label on something else, e.g. a summary table's header row
        form = _parse_form(grid, first, anchor, end)
        if form is not None:
            forms.append(form)
    return forms


# --- one form ---------------------------------------------------------------------------------
class _FormReader:
    def __init__(self, grid: _Grid, first: int, anchor: int, end: int):
        self.grid = grid
        self.rows = grid.rows
        self.first = first
        self.end = end
        self.anchor = anchor
        self.form = Form(sheet=grid.name, first_row=first + 1, last_row=end + 1)
        self.header_row: int | None = None  # 0-based row of the indicator header
        self.own_unit: set[tuple[int, str]] = set()  # (row, amount) cells that write their own unit

    def finding(
        self, severity: str, code: str, r: int | None, what: str, message: str, field: str | None = None
    ):
        row = r + 1 if r is not None else None
        self.form.parse_findings.append(
            Finding(severity, code, self.form.where(row, what), message, sheet_row=row, field=field)
        )

    def value_right(self, r: int, c: int, labels: tuple[str, ...]) -> str:
        """The text after a label: in the same cell after a colon, else the next filled cell to the right."""
        cell = _raw(self.rows[r][c])
        for lab in labels:
            k = norm(cell)
            if k.startswith(lab):
                rest = re.split(r"[:：]", cell, maxsplit=1)
                if len(rest) == 2 and rest[1].strip():
                    return rest[1].strip()
        for v in self.rows[r][c + 1 :]:
            if v == "":
                continue
            if any(
                is_label(v, group) for group in (PROJECT_LABELS, CODE_LABELS, DEPARTMENT_LABELS, UNIT_LABELS)
            ):
                return ""
            return _raw(v)
        return ""

    def find_label(self, labels: tuple[str, ...], start: int | None = None, stop: int | None = None):
        for r in range(self.first if start is None else start, (self.end if stop is None else stop) + 1):
            c = _row_has(self.rows[r], labels)
            if c is not None:
                return r, c
        return None

    # -- header part
    def read_header(self) -> None:
        form = self.form
        title_cells = [_raw(v) for v in self.rows[self.first] if v != ""]
        if self.first != self.anchor and title_cells:
            form.title = title_cells[0]
        anchor_row = self.rows[self.anchor] if self.anchor >= 0 else []
        dept_col = _row_has(anchor_row, DEPARTMENT_NAME_LABELS)
        project_col = _row_has(anchor_row, PROJECT_LABELS)
        if dept_col is not None and project_col is None:
            form.kind = FORM_DEPARTMENT
            form.unit = self.value_right(self.anchor, dept_col, DEPARTMENT_NAME_LABELS)
        elif project_col is not None:
            form.project_label = self.value_right(self.anchor, project_col, PROJECT_LABELS)
        elif any(w in norm(form.title) for w in DEPARTMENT_TITLE_WORDS):
            form.kind = FORM_DEPARTMENT  # no name line at all: the title says what the form is
        form.code, form.project = split_code(form.project_label)
        hit = self.find_label(CODE_LABELS)
        if hit and not form.code:
            form.code = self.value_right(*hit, CODE_LABELS) or None
        for labels, attr in ((DEPARTMENT_LABELS, "department"), (UNIT_LABELS, "unit")):
            hit = self.find_label(labels)
            if hit and not getattr(form, attr):
                setattr(form, attr, self.value_right(*hit, labels))
        if not form.project and not form.is_department:
            r = self.anchor if self.anchor >= 0 else self.first
            form.project = name_from_title(form.title, form.unit, form.department)
            if form.project:  # "2023年度凉山州级科普专项经费项目支出绩效自评表" with no 项目名称 line
                said = f"自评表没有“项目名称”一栏，项目名称按标题「{form.title}」取为「{form.project}」。"
                self.finding("info", "PROJECT_NAME_FROM_TITLE", r, "项目名称", said)
            else:
                self.finding("warning", "FORM_NO_PROJECT_NAME", r, "项目名称", "自评表没有填写项目名称。")

    # -- 预算执行情况
    def find_budget_header(self) -> int | None:
        for r in range(self.first, self.end + 1):
            if _is_budget_header(self.rows[r]):
                return r
        return None

    def read_budget(self) -> None:
        header = self.find_budget_header()
        if header is None:
            self.finding(
                "warning",
                "FORM_NO_BUDGET",
                self.first,
                "预算执行情况",
                "没有找到预算执行情况表头（调整后预算数、预算执行数），无法复核执行率。",
            )
            return
        above = self.rows[header - 1] if header > self.first else []
        cols = _map_columns([self.rows[header], *([above] if above else [])], BUDGET_FIELDS)
        unit = said_unit(self.rows, self.first, header, above)
        scale = 1 / 10000 if unit == "元" else 1.0
        if unit == "元":
            self.form.amount_unit = "元"
        for v in self.rows[header]:
            m = WEIGHT_IN_LABEL_RE.search(_raw(v))
            if m and "预算" in _raw(v):
                self.form.budget_block_weight = float(m.group(1))
        amount_cols = [cols[k] for k in ("initial", "adjusted", "executed") if k in cols]
        left = min(amount_cols) if amount_cols else 1
        for r in range(header + 1, self.end + 1):
            row = self.rows[r]
            if (
                _is_indicator_header(row)
                or _row_has(row, STOP_LABELS, slack=2) is not None
                or _row_has(row, BUDGET_END_LABELS, slack=4) is not None
            ):
                break
            label = ""
            for c in range(left - 1, -1, -1):
                if row[c] != "" and not (isinstance(row[c], (int, float))):
                    label = _raw(row[c])
                    break
            values = [row[c] for c in cols.values() if c < len(row)]
            if not label and all(v == "" for v in values):
                continue
            self.form.budget_lines.append(self.budget_line(r, label, cols, scale))
        finding = check_unit(self.form, unit, self.own_unit)
        if finding is not None:
            self.form.parse_findings.append(finding)

    def budget_line(self, r: int, label: str, cols: dict[str, int], scale: float) -> BudgetLine:
        line = BudgetLine(label=label, sheet_row=r + 1)
        row = self.rows[r]
        for key, title in BUDGET_TITLES.items():
            if key not in cols:
                continue
            value, ok, _ = parse_number(row[cols[key]])
            if not ok:
                self.unparseable(r, f"{label or '预算'}「{title}」", row[cols[key]], "应为数字")
            if value is not None and key in ("initial", "adjusted", "executed"):
                own = values.written_factor(row[cols[key]])  # "148万元" in a 元 form is 148 万元
                if own is not None:
                    self.own_unit.add((r, key))
                value *= scale if own is None else own
            setattr(line, key, value)
        if "rate" in cols:
            line.printed_rate = self.printed_rate(r, row[cols["rate"]], line, label)
        if "reason" in cols:
            line.reason = " ".join(
                _raw(v) for v in row[cols["reason"] :] if v != "" and not isinstance(v, (int, float))
            )
        return line

    def printed_rate(self, r: int, v: Any, line: BudgetLine, label: str) -> float | None:
        value, ok, percent = parse_number(v)
        if not ok:
            self.unparseable(r, f"{label or '预算'}「预算执行率」", v, "应为百分比")
            return None
        if value is None or percent:
            return value
        # A number without a % sign is a fraction from a percent-formatted cell (1.0 = 100%) or a
        # percent with the sign forgotten (100); the recomputed rate tells which, 1.5 decides without it.
        computed = line.rate
        if computed is not None:
            return value * 100 if abs(value * 100 - computed) <= abs(value - computed) else value
        return value * 100 if abs(value) <= 1.5 else value

    def unparseable(self, r: int, what: str, raw: Any, expected: str, severity: str = "warning") -> None:
        self.finding(
            severity,
            "UNPARSEABLE_VALUE",
            r,
            what,
            f"{what}填的是「{_raw(raw)}」，{expected}，无法读取，已按空值处理。",
        )

    # -- 绩效指标
    def read_indicators(self) -> int | None:
        """Indicator rows up to 合计; returns the 0-based row after the block (or None without a header)."""
        header = None
        for r in range(self.first, self.end + 1):
            if _is_indicator_header(self.rows[r]):
                header = r
                break
        if header is None:
            self.finding(
                "error",
                "FORM_NO_INDICATORS",
                self.first,
                "绩效指标",
                "没有找到绩效指标表头（一级指标、三级指标、指标值、完成值、权重、得分），无法复核指标得分。",
            )
            return None
        cols = _map_columns([self.rows[header]], INDICATOR_FIELDS)
        for v in self.rows[header]:
            m = WEIGHT_IN_LABEL_RE.search(_raw(v))
            if m and "指标" in _raw(v):
                self.form.indicator_block_weight = float(m.group(1))
        self.header_row = header
        level1 = level2 = ""
        head = {row_key(row) for row in self.rows[self.first : self.find_budget_header() or header]} - {""}
        r = header + 1
        while r <= self.end:
            row = self.rows[r]
            if _is_indicator_header(row) or row_key(row) in head:  # header or title lines after a page break
                r += 1
                continue
            if _row_has(row, TOTAL_LABELS, slack=2) is not None:
                self.read_total(r, cols)
                return r + 1
            stop_col = _row_has(row, STOP_LABELS, slack=8)
            if stop_col is not None and stop_col < cols.get("level3", 1_000):
                return r
            ind = self.indicator(r, cols, level1, level2)
            if ind is not None:
                level1, level2 = ind.level1, ind.level2
                self.form.indicators.append(ind)
            r += 1
        return None

    def total_from_text(self) -> None:
        """No 合计 row: the total the 评价结论 states (“自评得分为98分”) stands in for it, said so."""
        said = score_in_text(self.form.conclusion, self.form.weights_total or 100.0)
        r = self.form.last_row - 1
        if said is None:
            message = "绩效指标下没有找到“合计”行，无法核对合计得分。"
            self.finding("warning", "FORM_NO_TOTAL", r, "合计", message)
            return
        self.form.reported_total, quote = said
        message = f"自评表没有“合计”行，合计得分按评价结论「{quote}」取为 {_raw(said[0])} 分。"
        self.finding("info", "FORM_TOTAL_FROM_TEXT", r, "合计", message)

    def cell(self, r: int, cols: dict[str, int], key: str, filled: bool = False) -> Any:
        if key not in cols:
            return ""
        source = self.grid.filled if filled else self.rows
        return source[r][cols[key]]

    def indicator(self, r: int, cols: dict[str, int], level1: str, level2: str) -> Indicator | None:
        keys = ("level3", "nature", "target", "actual", "weight", "score")
        if all(self.cell(r, cols, k) == "" for k in keys) or all(
            says_nothing(self.cell(r, cols, k)) for k in keys[2:]
        ):
            return None  # blank, or a row of the template left unused ("/" in every value cell)
        own2 = _raw(self.cell(r, cols, "level2", filled=True))
        printed1, filled1 = (
            _raw(self.cell(r, cols, "level1")),
            _raw(self.cell(r, cols, "level1", filled=True)),
        )
        own1, note = merged_level1(printed1, filled1, own2)
        if note:
            self.finding("info", "LEVEL1_FROM_LEVEL2", r, "一级指标", note, field="level1")
        level1, level2 = _levels(own1, own2, level1, level2)
        target_raw, actual_raw = self.cell(r, cols, "target"), self.cell(r, cols, "actual")
        nature_raw = _raw(self.cell(r, cols, "nature"))
        ind = Indicator(
            sheet_row=r + 1,
            level1=level1,
            level2=level2,
            level3=_raw(self.cell(r, cols, "level3")),
            nature_raw=nature_raw,
            nature=parse_nature(nature_raw, target_raw),
            target_raw=_raw(target_raw),
            unit=_raw(self.cell(r, cols, "unit")),
            actual_raw=_raw(actual_raw),
            reason=_raw(self.cell(r, cols, "reason")),
        )
        what = f"{level1 or '指标'}「{clip(ind.label)}」"
        for key, title in (("weight", "权重"), ("score", "得分")):
            raw = self.cell(r, cols, key)
            value, ok, _ = parse_number(raw)
            if not ok:
                self.unparseable(r, f"{what}的{title}", raw, "应为数字")
            setattr(ind, key, value)
        self.read_values(r, ind, target_raw, actual_raw, what)
        return ind

    def read_values(self, r: int, ind: Indicator, target_raw: Any, actual_raw: Any, what: str) -> None:
        tq, aq = parse_quantity(target_raw, ind.unit), parse_quantity(actual_raw, ind.unit)
        t_pct, a_ok, a_pct = tq.percent, aq.ok, aq.percent
        ind.target_unit, ind.actual_unit = tq.unit, aq.unit
        target, actual, ind.unit_note = compare_units(tq, aq, ind.unit)
        if ind.unit_note and ind.nature in (NATURE_GE, NATURE_LE, NATURE_EQ):
            self.finding(
                "info",
                "UNIT_MISMATCH",
                r,
                f"{what}的完成值",
                f"指标值「{ind.target_raw}」与完成值「{ind.actual_raw}」的{ind.unit_note}，"
                "得分无法按公式复核，保留填报得分。",
            )
        if ind.nature is None and not ind.nature_raw and target is not None:
            # a number to reach with no direction given: neither ≥ nor ≤ can be assumed
            self.finding(
                "info",
                "NATURE_MISSING",
                r,
                f"{what}的指标性质",
                f"指标性质为空（指标值「{ind.target_raw}」），无法判断是正向还是反向指标，得分无法按公式复核，"
                "保留填报得分。",
            )
        if ind.nature is None and ind.nature_raw:
            self.finding(
                "info",
                "NATURE_UNKNOWN",
                r,
                f"{what}的指标性质",
                f"指标性质「{ind.nature_raw}」无法识别，得分无法按公式复核，保留填报得分。",
            )
        quantitative = target is not None and ind.nature in (NATURE_GE, NATURE_LE, NATURE_EQ)
        if quantitative and not a_ok:
            # "已完成" beside "≥95%": the score stands as reported, so "已按空值处理" would mislead
            said = f"{what}的完成值填的是「{_raw(actual_raw)}」，不是数字，得分无法按公式复核，保留填报得分。"
            self.finding("info", "UNPARSEABLE_VALUE", r, f"{what}的完成值", said)
        elif quantitative and actual is None:
            self.finding(
                "info",
                "ACTUAL_MISSING",
                r,
                f"{what}的完成值",
                "完成值为空，得分无法按公式复核，保留填报得分。",
            )
        percent = norm(ind.unit) == "%" or t_pct or a_pct
        if percent and target is not None and actual is not None:
            # A percent-formatted cell reads as a fraction (0.93 for 93%) beside a target written as 95.
            if isinstance(actual_raw, float) and not a_pct and abs(actual) <= 1.5 < abs(target):
                self.finding(
                    "info",
                    "PERCENT_SCALED",
                    r,
                    f"{what}的完成值",
                    f"完成值 {_raw(actual_raw)} 按 {actual * 100:g}% 理解（指标值为 {target:g}%）。",
                )
                actual *= 100
            elif isinstance(target_raw, float) and not t_pct and abs(target) <= 1.5 < abs(actual):
                self.finding(
                    "info",
                    "PERCENT_SCALED",
                    r,
                    f"{what}的指标值",
                    f"指标值 {_raw(target_raw)} 按 {target * 100:g}% 理解（完成值为 {actual:g}%）。",
                )
                target *= 100
        ind.target, ind.actual = target, actual

    def read_total(self, r: int, cols: dict[str, int]) -> None:
        row = self.rows[r]
        self.form.total_row = r + 1
        label_col = _row_has(row, TOTAL_LABELS, slack=2) or 0
        weight, score = self.cell(r, cols, "weight"), self.cell(r, cols, "score")
        w, w_ok, _ = parse_number(total_figure(weight))
        s, s_ok, _ = parse_number(total_figure(score))
        unknown = self.grid.sheet.uncached_formulas  # a formula saved without its value: a slot all the same
        if w is None and s is None and not any((r, cols.get(k)) in unknown for k in ("weight", "score")):
            # The printed form puts 合计's 权重 and 得分 in the first cells after the label.
            slots = [(c, v) for c, v in enumerate(row) if c > label_col and (v != "" or (r, c) in unknown)]
            values, unread = total_figures(slots, {c for rr, c in unknown if rr == r})
            for v in unread:
                self.unparseable(r, "合计", v, "应为数字")
            if len(values) >= 2:  # in the order the header prints them: 得分 may come before 权重
                w, s = values[:2] if cols.get("weight", 0) <= cols.get("score", 1) else values[1::-1]
            elif len(values) == 1:
                s = values[0]
        else:
            if not w_ok:
                self.unparseable(r, "合计的权重", weight, "应为数字")
            if not s_ok:
                self.unparseable(r, "合计的得分", score, "应为数字")
        self.form.reported_weights_total, self.form.reported_total = w, s
        self.form.reported_grade = next((g for g in map(grade_in, row[label_col + 1 :]) if g), "")

    # -- 年度总体目标: 预期目标 / 实际完成情况, text (never numbers to parse)
    def read_goals(self) -> None:
        stop = self.header_row if self.header_row is not None else self.end
        hit = self.find_label(GOAL_LABELS, stop=stop)
        if hit is None:
            return
        r, c = hit
        # 预期目标 / 实际完成情况 as sub-labels (on the label's row or the next), their texts below them.
        for rr in range(r, min(r + 2, stop)):
            row = self.rows[rr]
            cols = {
                attr: _row_has(row, labels, slack=4)
                for attr, labels in (
                    ("goal_expected", GOAL_EXPECTED_LABELS),
                    ("goal_actual", GOAL_ACTUAL_LABELS),
                )
            }
            if all(v is not None for v in cols.values()):
                for attr, col in cols.items():
                    texts = [
                        _raw(self.grid.filled[k][col])
                        for k in range(rr + 1, stop)
                        if self.grid.filled[k][col] != "" and not _is_indicator_header(self.rows[k])
                    ]
                    setattr(self.form, attr, "\n".join(dict.fromkeys(texts)))
                return
        # No sub-labels: the goal is the text to the right of its label.
        self.form.goal_expected = self.value_right(r, c, GOAL_LABELS)

    # -- 评价结论 / 存在问题 / 改进措施
    def read_texts(self, start: int) -> None:
        for attr, labels in TEXT_LABELS.items():
            hit = self.find_label(labels, start=start)
            if hit:
                setattr(self.form, attr, self.value_right(*hit, labels))
        hit = None if self.form.reported_grade else self.find_label(GRADE_LABELS, start=start)
        if hit:  # "自评等级 | 优" on a row of its own under the 合计
            printed = self.value_right(*hit, GRADE_LABELS)
            self.form.reported_grade = printed if grade_word(printed) else ""


def _parse_form(grid: _Grid, first: int, anchor: int, end: int) -> Form | None:
    reader = _FormReader(grid, first, anchor, end)
    reader.read_header()
    after = reader.read_indicators()
    if reader.header_row is None and not _budget_form(reader):
        return None  # a 项目名称 label on something that is not a form, e.g. a summary table's header
    reader.read_budget()
    reader.read_goals()
    if not reader.form.is_department and any("整体支出" in line.label for line in reader.form.budget_lines):
        # An untitled, unnamed form whose money is 部门整体支出: a department's form, which has no 项目名称.
        reader.form.kind = FORM_DEPARTMENT
        reader.form.parse_findings = [
            f for f in reader.form.parse_findings if f.code != "FORM_NO_PROJECT_NAME"
        ]
    reader.read_texts(start=after if after is not None else first)
    if reader.header_row is not None and reader.form.total_row is None:
        reader.total_from_text()
    return reader.form


def _budget_form(reader: _FormReader) -> bool:
    """A form whose indicator block is missing still has its own budget header below the 项目名称 row
    and a 主管部门/实施单位 line; a summary table has its amounts' header on the 项目名称 row itself."""
    header = reader.find_budget_header()
    return header is not None and header != reader.anchor and bool(reader.form.department or reader.form.unit)
