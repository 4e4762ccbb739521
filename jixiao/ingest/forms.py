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

import functools
import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

from jixiao.form_audit import audit_dataset
from jixiao.forms import (
    COMPONENT_LEVEL1,
    NATURE_EQ,
    NATURE_GE,
    NATURE_LE,
    NATURE_QUAL,
    BudgetLine,
    Form,
    FormsDataset,
    Indicator,
    component_of,
    component_of_level2,
    squash,
)
from jixiao.ingest import values
from jixiao.ingest.workbook import Sheet, load_sheets
from jixiao.model import Finding, IngestError

# --- labels -----------------------------------------------------------------------------------
# Each field lists the label texts (after normalisation: NFKC, no whitespace) that name it; the
# first match in a header row wins, so more specific texts come first.
BUDGET_FIELDS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算",),
    "adjusted": ("调整后预算", "全年预算数", "调整预算数", "预算调整数", "预算数"),
    "executed": ("预算执行数", "全年执行数", "实际执行数", "执行数", "实际支出"),
    "rate": ("预算执行率", "执行率"),
    "weight": ("权重", "分值"),
    "score": ("得分",),
    "reason": ("原因", "偏差原因", "说明"),
}
INDICATOR_FIELDS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "绩效指标名称"),
    "nature": ("指标性质", "指标方向", "计算符号", "指标类型"),
    "target": ("指标值", "年度指标值", "目标值", "预期值", "计划值", "年度目标值"),
    "unit": ("度量单位", "计量单位", "单位"),
    "actual": ("完成值", "实际完成值", "实际值", "全年实际值", "实际完成"),
    "weight": ("权重", "分值"),
    "score": ("得分",),
    "reason": ("未完成原因", "偏差原因", "原因分析", "原因"),
}
TOTAL_LABELS = ("合计", "总计", "总分", "合计得分")
TEXT_LABELS = {
    "conclusion": ("评价结论", "总体评价结论", "自评结论"),
    "problems": ("存在问题",),
    "measures": ("改进措施", "整改措施"),
}
STOP_LABELS = (
    "评价结论",
    "总体评价结论",
    "自评结论",
    "存在问题",
    "改进措施",
    "整改措施",
    "项目负责人",
    "财务负责人",
    "填报人",
    "填表人",
    "项目名称",
)

PROJECT_LABELS = ("项目名称",)
CODE_LABELS = ("项目编码", "项目代码", "项目编号")
DEPARTMENT_LABELS = ("主管部门", "主管单位")
UNIT_LABELS = ("实施单位", "项目实施单位", "预算单位")

# 51340022T000000278908-凉山州级科普专项经费: a code of letters and digits (with a run of digits), a dash or space, the name
CODE_NAME_RE = re.compile(r"^\s*((?=[0-9A-Za-z]*\d{6})[0-9A-Za-z]{8,})(?:\s*[-－—–_:：]\s*|\s+)(.+?)\s*$")
WEIGHT_IN_LABEL_RE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
YUAN_RE = re.compile(r"[（(]\s*元\s*[)）]|单位[:：]\s*元(?!\w)|金额单位[:：]?\s*元")

# 指标性质 words and signs, normalised (NFKC turns ＝＞＜ into = > <). Checked in order, so the
# negated words (不高于) come before the words they contain (高于), and >= before > and =.
NATURE_WORDS: tuple[tuple[str, str], ...] = (
    ("不低于", NATURE_GE),
    ("不少于", NATURE_GE),
    ("不小于", NATURE_GE),
    ("不高于", NATURE_LE),
    ("不超过", NATURE_LE),
    ("不大于", NATURE_LE),
    ("不多于", NATURE_LE),
    (">=", NATURE_GE),
    ("<=", NATURE_LE),
    ("≥", NATURE_GE),
    ("≧", NATURE_GE),
    ("≤", NATURE_LE),
    ("≦", NATURE_LE),
    (">", NATURE_GE),
    ("<", NATURE_LE),
    ("=", NATURE_EQ),
    ("正向", NATURE_GE),
    ("反向", NATURE_LE),
    ("定性", NATURE_QUAL),
    ("大于", NATURE_GE),
    ("高于", NATURE_GE),
    ("以上", NATURE_GE),
    ("小于", NATURE_LE),
    ("低于", NATURE_LE),
    ("以内", NATURE_LE),
    ("以下", NATURE_LE),
    ("等于", NATURE_EQ),
)
OPERATOR_PREFIX_RE = re.compile(r"^(>=|<=|≥|≧|≤|≦|>|<|=)")
# No form holds a number beyond 万亿; bigger cells are typos or garbage, and would overflow the formats.
MAX_MAGNITUDE = 1e12
MIN_MAGNITUDE = 1e-9
VALUE_SUFFIX_RE = re.compile(r"(以上|以下|以内|左右)$")


# --- cell helpers ---------------------------------------------------------------------------
def norm(v: Any) -> str:
    """Label form of a cell: NFKC (full-width to half-width), no whitespace at all (incl. U+3000)."""
    if v is None or v == "":
        return ""
    if isinstance(v, str):
        return _norm_text(v)
    return squash(_raw(v))


@functools.lru_cache(maxsize=8192)
def _norm_text(text: str) -> str:
    return squash(text.replace("\u3000", " ").strip())


def _label_keys(row: list[Any]) -> list[str]:
    """norm() of the text cells of a row, "" for numbers and blanks: labels are never numbers."""
    return [_norm_text(v) if isinstance(v, str) and v else "" for v in row]


def _raw(v: Any) -> str:
    """A cell as the user typed it: numbers without a trailing .0, text stripped of padding."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, int):
        return str(v)
    return str(v).replace("\u3000", " ").strip()


def is_label(v: Any, labels: tuple[str, ...], slack: int = 6) -> bool:
    """A short cell that starts with one of ``labels`` (so 实施单位（盖章） is 实施单位, 存在问 题 is 存在问题)."""
    return isinstance(v, str) and _is_label_key(norm(v), labels, slack)


def _is_label_key(k: str, labels: tuple[str, ...], slack: int) -> bool:
    return bool(k) and any(k.startswith(lab) and len(k) <= len(lab) + slack for lab in labels)


def parse_number(v: Any) -> tuple[float | None, bool, bool]:
    """(value, ok, had_percent_sign). Blank and '/' are (None, True, False); text is (None, False, False)."""
    x, status, has_pct, _ = values.parse_rate(v)
    if status in (values.BLANK, values.NA):
        return None, True, False
    if status != values.OK:
        x, status = values.parse_number(v)  # '12万元', '(3.50)'
    if status != values.OK or x is None or not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        return None, False, False
    # Float dust (1e-300) would turn ratios into numbers no report can print; it is zero.
    return (0.0 if abs(x) < MIN_MAGNITUDE else x), True, has_pct


def parse_nature(raw: Any, target_raw: Any = "") -> str | None:
    """指标性质 from its cell, or from the 指标值 itself when it says so (≥95%, 95%以上)."""
    for text in (norm(raw), norm(target_raw) if isinstance(target_raw, str) else ""):
        for word, nature in NATURE_WORDS:
            if word in text:
                return nature
    return None


def parse_value(v: Any, unit: str = "") -> tuple[float | None, bool, bool]:
    """指标值/完成值: like parse_number, also reading '≥95%', '95%以上', '220名' and '16.2万人次' (the row's unit)."""
    if not isinstance(v, str):
        return parse_number(v)
    text = VALUE_SUFFIX_RE.sub("", OPERATOR_PREFIX_RE.sub("", norm(v)))
    value, ok, pct = parse_number(text)
    if ok:
        return value, ok, pct
    u = norm(unit)
    if u and text.endswith(u):
        value, ok, pct = parse_number(text[: -len(u)])
        if ok:
            return value, ok, pct or u == "%"
    return None, False, False


def _levels(own1: str, own2: str, level1: str, level2: str) -> tuple[str, str]:
    """一级/二级 of a row from its own cells, carrying the rows above down where a cell is blank."""
    if own1:
        if own1 != level1:
            level2 = ""  # a new 一级 does not inherit the previous 一级's 二级
        level1 = own1
    else:
        inferred = component_of_level2(own2) if own2 else None
        if inferred and inferred != component_of(level1):
            # A blank 一级 cell next to 可持续影响指标 belongs to 效益指标, not to the 产出指标 above it.
            level1, level2 = COMPONENT_LEVEL1[inferred], ""
    return level1, own2 or level2


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[:n] + "…"


# --- sheet scanning ---------------------------------------------------------------------------
@dataclass
class _Grid:
    sheet: Sheet
    filled: list[list[Any]]  # merged ranges filled with their top-left value

    @property
    def rows(self) -> list[list[Any]]:
        return self.sheet.rows

    @property
    def name(self) -> str:
        return self.sheet.name


def _fill_merged(sheet: Sheet) -> list[list[Any]]:
    filled = [list(r) for r in sheet.rows]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(filled) or c0 >= sheet.width:
            continue
        value = filled[r0][c0]
        for r in range(r0, min(r1, len(filled) - 1) + 1):
            for c in range(c0, min(c1, sheet.width - 1) + 1):
                if filled[r][c] == "":
                    filled[r][c] = value
    return filled


def _row_has(row: list[Any], labels: tuple[str, ...], slack: int = 6) -> int | None:
    for c, v in enumerate(row):
        if isinstance(v, str) and v and _is_label_key(_norm_text(v), labels, slack):
            return c
    return None


def _mentions(row: list[Any], chars: str) -> bool:
    """Cheap pre-check before normalising a row: does any text cell contain one of these characters?"""
    return any(isinstance(v, str) and any(ch in v for ch in chars) for v in row)


def _has(keys: list[str], names: tuple[str, ...]) -> bool:
    return any(k.startswith(n) for k in keys if k for n in names)


def _is_indicator_header(row: list[Any]) -> bool:
    if not _mentions(row, "级"):
        return False
    keys = _label_keys(row)
    return (
        _has(keys, ("一级指标",))
        and _has(keys, INDICATOR_FIELDS["score"])
        and _has(keys, ("完成值", "实际完成", "实际值", "指标值"))
    )


def _is_budget_header(row: list[Any]) -> bool:
    if not _mentions(row, "执支"):  # 执行数, 实际支出
        return False
    keys = _label_keys(row)
    executed = any(k.startswith(n) for k in keys for n in BUDGET_FIELDS["executed"])
    budget = any(k.startswith(n) for k in keys for n in (*BUDGET_FIELDS["adjusted"], "年初预算"))
    return executed and budget and not any(k.startswith("一级指标") for k in keys)


def _map_columns(rows: list[list[Any]], fields: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> column, from one header row or two (a merged group label over its sub-labels)."""
    cols: dict[str, int] = {}
    for row in rows:
        for c, v in enumerate(row):
            k = norm(v)
            if not k or len(k) > 14:
                continue
            for name, labels in fields.items():
                if name in cols or c in cols.values():
                    continue
                if any(k.startswith(lab) for lab in labels):
                    cols[name] = c
                    break
    return cols


def looks_like_forms(sheets: list[Sheet]) -> bool:
    """True when some sheet carries an indicator header (一级指标 … 完成值 … 得分) and a 项目名称 label or a
    budget header (调整后预算数 … 预算执行数): what a self-evaluation form has and a summary table has not."""
    for sheet in sheets:
        has_name = has_header = False
        for row in sheet.rows[:500]:  # a form opens with its header; a 50,000-row table is not one
            if not has_name and (_row_has(row, PROJECT_LABELS) is not None or _is_budget_header(row)):
                has_name = True
            if not has_header and _is_indicator_header(row):
                has_header = True
            if has_name and has_header:
                return True
    return False


def _form_starts(rows: list[list[Any]]) -> list[tuple[int, int]]:
    """(first_row, anchor_row) 0-based for every form on a sheet: the 项目名称 row and its title row."""
    anchors = [
        r for r, row in enumerate(rows) if _mentions(row, "名") and _row_has(row, PROJECT_LABELS) is not None
    ]
    starts: list[tuple[int, int]] = []
    previous = -1
    for a in anchors:
        first = a
        for r in range(a - 1, max(previous, a - 4), -1):
            text = "".join(norm(v) for v in rows[r])
            if "自评表" in text or "绩效自评" in text:
                first = r
                break
        starts.append((first, a))
        previous = a
    return starts


def parse_sheets(sheets: list[Sheet], filename: str, *, deviation: float = 0.20) -> FormsDataset:
    """Every form on every sheet, audited. Raises IngestError when the file holds no form at all."""
    ds = FormsDataset(file=filename, sheets=[s.name for s in sheets])
    for sheet in sheets:
        for note in sheet.notes:
            ds.findings.append(Finding("warning", "SHEET_TRUNCATED", f"工作表「{sheet.name}」", note))
        grid = _Grid(sheet, _fill_merged(sheet))
        forms = _sheet_forms(grid)
        if forms:
            ds.forms.extend(forms)
        elif any(v != "" for row in sheet.rows for v in row):
            ds.findings.append(
                Finding(
                    "info",
                    "SHEET_SKIPPED",
                    f"工作表「{sheet.name}」",
                    f"工作表「{sheet.name}」里没有找到项目支出绩效自评表（需要“项目名称”和“一级指标…得分”表头），已跳过。",
                )
            )
    if not ds.forms:
        raise IngestError(
            "文件里没有找到项目支出绩效自评表：每张表需要“项目名称”一栏和“一级指标、二级指标、三级指标、"
            "指标值、完成值、权重、得分”表头。"
        )
    audit_dataset(ds, deviation=deviation)
    return ds


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
    starts = _form_starts(rows)
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
        if self.anchor >= 0:
            c = _row_has(self.rows[self.anchor], PROJECT_LABELS)
            assert c is not None
            form.project_label = self.value_right(self.anchor, c, PROJECT_LABELS)
        m = CODE_NAME_RE.match(form.project_label)
        if m:
            form.code, form.project = m.group(1).upper(), m.group(2)
        else:
            form.project = form.project_label
        hit = self.find_label(CODE_LABELS)
        if hit and not form.code:
            form.code = self.value_right(*hit, CODE_LABELS) or None
        for labels, attr in ((DEPARTMENT_LABELS, "department"), (UNIT_LABELS, "unit")):
            hit = self.find_label(labels)
            if hit:
                setattr(form, attr, self.value_right(*hit, labels))
        if not form.project:
            r = self.anchor if self.anchor >= 0 else self.first
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
        header_text = " ".join(_raw(v) for v in [*self.rows[header], *above, *self.rows[self.first : header]])
        scale = 1.0
        if YUAN_RE.search(header_text):
            self.form.amount_unit = "元"
            scale = 1 / 10000
        for v in self.rows[header]:
            m = WEIGHT_IN_LABEL_RE.search(_raw(v))
            if m and "预算" in _raw(v):
                self.form.budget_block_weight = float(m.group(1))
        amount_cols = [cols[k] for k in ("initial", "adjusted", "executed") if k in cols]
        left = min(amount_cols) if amount_cols else 1
        for r in range(header + 1, self.end + 1):
            row = self.rows[r]
            if _is_indicator_header(row) or _row_has(row, STOP_LABELS, slack=2) is not None:
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

    def budget_line(self, r: int, label: str, cols: dict[str, int], scale: float) -> BudgetLine:
        line = BudgetLine(label=label, sheet_row=r + 1)
        row = self.rows[r]
        names = {
            "initial": "年初预算",
            "adjusted": "调整后预算数",
            "executed": "预算执行数",
            "weight": "权重",
            "score": "得分",
        }
        for key, title in names.items():
            if key not in cols:
                continue
            value, ok, _ = parse_number(row[cols[key]])
            if not ok:
                self.unparseable(r, f"{label or '预算'}「{title}」", row[cols[key]], "应为数字")
            if value is not None and key in ("initial", "adjusted", "executed"):
                value *= scale
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
        r = header + 1
        while r <= self.end:
            row = self.rows[r]
            if _row_has(row, TOTAL_LABELS, slack=2) is not None:
                self.read_total(r, cols)
                return r + 1
            stop_col = _row_has(row, STOP_LABELS, slack=8)
            if stop_col is not None and stop_col < cols.get("level3", 1_000):
                return r
            if _is_indicator_header(row):  # the header repeated after a page break
                r += 1
                continue
            ind = self.indicator(r, cols, level1, level2)
            if ind is not None:
                level1, level2 = ind.level1, ind.level2
                self.form.indicators.append(ind)
            r += 1
        self.finding(
            "warning", "FORM_NO_TOTAL", self.end, "合计", "绩效指标下没有找到“合计”行，无法核对合计得分。"
        )
        return None

    def cell(self, r: int, cols: dict[str, int], key: str, filled: bool = False) -> Any:
        if key not in cols:
            return ""
        source = self.grid.filled if filled else self.rows
        return source[r][cols[key]]

    def indicator(self, r: int, cols: dict[str, int], level1: str, level2: str) -> Indicator | None:
        keys = ("level3", "nature", "target", "actual", "weight", "score")
        if all(self.cell(r, cols, k) == "" for k in keys):
            return None
        level1, level2 = _levels(
            _raw(self.cell(r, cols, "level1", filled=True)),
            _raw(self.cell(r, cols, "level2", filled=True)),
            level1,
            level2,
        )
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
        what = f"{level1 or '指标'}「{_short(ind.label)}」"
        for key, title in (("weight", "权重"), ("score", "得分")):
            raw = self.cell(r, cols, key)
            value, ok, _ = parse_number(raw)
            if not ok:
                self.unparseable(r, f"{what}的{title}", raw, "应为数字")
            setattr(ind, key, value)
        self.read_values(r, ind, target_raw, actual_raw, what)
        return ind

    def read_values(self, r: int, ind: Indicator, target_raw: Any, actual_raw: Any, what: str) -> None:
        target, _, t_pct = parse_value(target_raw, ind.unit)
        actual, a_ok, a_pct = parse_value(actual_raw, ind.unit)
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
            self.unparseable(
                r, f"{what}的完成值", actual_raw, "不是数字，得分无法按公式复核，保留填报得分", "info"
            )
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
        w, w_ok, _ = parse_number(weight)
        s, s_ok, _ = parse_number(score)
        if w is None and s is None:
            # The printed form puts 合计's 权重 and 得分 in the first cells after the label.
            numbers = [(c, v) for c, v in enumerate(row) if c > label_col and v != ""]
            parsed = [(c, parse_number(v)) for c, v in numbers]
            values = [p[0] for _, p in parsed if p[1] and p[0] is not None]
            for c, p in parsed:
                if not p[1]:
                    self.unparseable(r, "合计", row[c], "应为数字")
            if len(values) >= 2:
                w, s = values[0], values[1]
            elif len(values) == 1:
                s = values[0]
        else:
            if not w_ok:
                self.unparseable(r, "合计的权重", weight, "应为数字")
            if not s_ok:
                self.unparseable(r, "合计的得分", score, "应为数字")
        self.form.reported_weights_total, self.form.reported_total = w, s

    # -- 评价结论 / 存在问题 / 改进措施
    def read_texts(self, start: int) -> None:
        for attr, labels in TEXT_LABELS.items():
            hit = self.find_label(labels, start=start)
            if hit:
                setattr(self.form, attr, self.value_right(*hit, labels))


def _parse_form(grid: _Grid, first: int, anchor: int, end: int) -> Form | None:
    reader = _FormReader(grid, first, anchor, end)
    reader.read_header()
    after = reader.read_indicators()
    if reader.header_row is None and not _budget_form(reader):
        return None  # a 项目名称 label on something that is not a form, e.g. a summary table's header
    reader.read_budget()
    reader.read_texts(start=after if after is not None else first)
    return reader.form


def _budget_form(reader: _FormReader) -> bool:
    """A form whose indicator block is missing still has its own budget header below the 项目名称 row
    and a 主管部门/实施单位 line; a summary table has its amounts' header on the 项目名称 row itself."""
    header = reader.find_budget_header()
    return header is not None and header != reader.anchor and bool(reader.form.department or reader.form.unit)
