"""A clean Excel workbook of an analysis, and the 偏差预警 list on its own.

Sheets: 项目明细 (the cleaned table, recomputed beside reported, flags in words), 单位汇总 (when the
table has units), 审核发现, 说明 (scheme, weights, thresholds, formulas). Amounts are numbers in 万元
with '#,##0.00'; rates are stored as fractions with '0.00%' so Excel computes with them; scores '0.00'.
Values, not formulas: the numbers are the ones the dashboard shows, and any reader (pandas, WPS, a
script) sees them without recalculating.

Text from the uploaded file is never a formula: a cell whose text starts with = + - @ (or a tab / CR)
is stored as a string with Excel's quote prefix (jixiao.export.xlsx_rows, which writes these workbooks a
row at a time; jixiao.safe_text.write_cell for openpyxl sheets), so a project named "=HYPERLINK(…)" stays
a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jixiao import model as m
from jixiao.export import common as b
from jixiao.export.xlsx_rows import Book, Rows, clean_value
from jixiao.export.xlsx_values import _amount, _fraction, _score, _self_flag, _seq, column_values
from jixiao.fmt import is_missing, num, pct, to_float
from jixiao.safe_text import looks_like_formula, write_cell
from jixiao.summary.flags import FLAG_LABELS, LOW_EXECUTION, NO_RATE, OVER_EXECUTION, is_deviation

if TYPE_CHECKING:
    from jixiao.summary.analysis import Analysis

AMOUNT_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"  # the cell holds a fraction (0.8623)
SCORE_FORMAT = "0.00"
INT_FORMAT = "0"

FLAG_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's "light red fill": a flagged project's row
FINDING_FILL = PatternFill("solid", fgColor="FFEB9C")  # a cell an audit finding points at
HEADER_FILL = PatternFill("solid", fgColor="1F5FA8")
TOTAL_FILL = PatternFill("solid", fgColor="DCE6F1")
RED_FONT = Font(color="9C0006", bold=True)
HEADER_FONT = Font(color="FFFFFF", bold=True)
BOLD = Font(bold=True)
TOP_BORDER = Border(top=Side(style="medium", color="1F2933"))
TOP = Alignment(vertical="top")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
NOTE_HEADING_FONT = Font(bold=True, color="1F5FA8", size=12)
TITLE_FONT = Font(bold=True, size=14)


SHEET_PROJECTS = "项目明细"
SHEET_UNITS = "单位汇总"
SHEET_FINDINGS = "审核发现"
SHEET_NOTES = "说明"
SHEET_FLAGGED = "偏差项目清单"
TOTAL_LABEL = "合计"


def _header_row(out: Rows, headers: list[str]) -> int:
    return out.header(headers, HEADER_ALIGN, HEADER_FILL, HEADER_FONT)


def _header(ws, row: int, headers: list[str]) -> None:
    """The header row of an openpyxl worksheet (the monitor's workbook), as _header_row writes it."""
    for j, text in enumerate(headers, start=1):
        c = write_cell(ws, row, j, text)
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        c.alignment = HEADER_ALIGN
    ws.row_dimensions[row].height = 36


def _widths(ws, widths: list[float]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


# --- 项目明细 ------------------------------------------------------------------------------------
class _Col:
    def __init__(self, key: str, header: str, kind: str, width: float):
        self.key, self.header, self.kind, self.width = key, header, kind, width

    @property
    def number_format(self) -> str | None:
        return {"amount": AMOUNT_FORMAT, "rate": RATE_FORMAT, "score": SCORE_FORMAT, "int": INT_FORMAT}.get(
            self.kind
        )


def _project_columns(analysis: Analysis) -> list[_Col]:
    p = analysis.projects
    src = analysis.table.source
    has = lambda col: col in p and p[col].notna().any()  # noqa: E731
    # a table read from a sheet per unit: a row number means something only with its sheet
    cols = [_Col(m.SHEET, "工作表", "text", 14)] if m.SHEET in p else []
    cols += [_Col(m.SHEET_ROW, "行号", "int", 7), _Col(m.SEQ, "序号", "text", 7)]
    if has(m.UNIT):
        cols.append(_Col(m.UNIT, "单位", "text", 18))
    if has(m.CODE):
        cols.append(_Col(m.CODE, "项目编码", "text", 16))
    cols.append(_Col(m.PROJECT, "项目名称", "text", 36))
    if has(m.INITIAL_BUDGET):
        # beside the budget the rate uses (调整后/全年), as the sheet had it; never in the rate
        cols.append(_Col(m.INITIAL_BUDGET, "年初预算数（万元）", "amount", 15))
    cols += [
        _Col(m.BUDGET, "预算数（万元）", "amount", 15),
        _Col(m.EXECUTED, "执行数（万元）", "amount", 15),
        _Col(m.EXECUTION_RATE, "执行率（重新计算）", "rate", 13),
        _Col(m.REPORTED_RATE, "填报执行率", "rate", 12),
    ]
    na_seen = {c for t in p[m.NA_COMPONENTS].tolist() if isinstance(t, tuple | list) for c in t}
    for comp, col in m.COMPONENT_COLUMNS.items():
        if has(col) or comp in na_seen or col in src.columns:
            cols.append(_Col(col, f"{m.COMPONENT_LABELS[comp]}得分率", "rate", 12))
    cols += [
        _Col(m.REPORTED_SCORE, "填报自评得分", "score", 12),
        _Col(m.COMPUTED_SCORE, "重新计算得分", "score", 12),
        _Col(m.SCORE, "采用得分（填报优先）", "score", 13),
        _Col(m.GRADE, "评价等级", "text", 9),
        _Col(m.SELF_FLAG, "单位自报偏差", "text", 11),
        _Col("_rule", "按规则判定", "text", 11),
        _Col("_flag_types", "偏差类型", "text", 18),
        _Col("_reasons", "原因说明", "text", 70),
    ]
    return cols


CHUNK = 8192  # rows of 项目明细 made at a time (column by column), so memory stays flat with the rows


def _project_sheet(book: Book, analysis: Analysis, reasons: Mapping[str, str] | None = None) -> None:
    p = analysis.projects
    cols = _project_columns(analysis)
    if reasons is not None:
        cols.append(_Col("_explained", EXPLAINED, "text", 40))
    index = {c.key: j for j, c in enumerate(cols, start=1)}
    out = Rows(book, SHEET_PROJECTS, [c.width for c in cols], f"{get_column_letter(index[m.PROJECT] + 1)}2")
    _header_row(out, [c.header for c in cols])
    comments = _finding_cells(analysis, cols)
    for start in range(0, len(p), CHUNK):
        chunk = p.iloc[start : start + CHUNK]
        found = {(i - start, j): t for (i, j), t in comments.items() if start <= i < start + CHUNK}
        values, formats = _project_chunk(book, chunk, cols, reasons, found)
        out.append_columns(values, formats, found)
    out.autofilter(f"A1:{get_column_letter(len(cols))}{out.count}")
    _project_totals(out, analysis, cols, index, analysis.settings.low_threshold)


def _project_chunk(book: Book, p: pd.DataFrame, cols: list[_Col], reasons, found: dict[tuple[int, int], str]):
    """Rows of 项目明细, column by column: each cell's value and format, as a row-by-row writer made
    them (Rows.cell); ``found``: the cells findings point at, by (row, column)."""
    flags = [f or [] for f in p[m.FLAGS].tolist()]
    na = [t if isinstance(t, tuple | list) else () for t in p[m.NA_COMPONENTS].tolist()]
    derived: dict[str, list[Any]] = {
        "_rule": ["有偏差" if is_deviation(f) else "无偏差" for f in flags],
        "_flag_types": ["、".join(FLAG_LABELS.get(x.code, x.code) for x in f) for f in flags],
        "_reasons": ["\n".join(x.reason for x in f) for f in flags],
    }
    if reasons is not None:
        recs = m.records(p, [m.FLAGS, m.PROJECT, m.UNIT, m.CODE])
        derived["_explained"] = [b.explained(reasons, rec, str(rec[m.PROJECT])) for rec in recs]
    fill = [FLAG_FILL if f else None for f in flags]
    values, formats = [], []
    for j, c in enumerate(cols):
        if c.key == m.EXECUTION_RATE:
            red = [any(x.code in (LOW_EXECUTION, OVER_EXECUTION, NO_RATE) for x in f) for f in flags]
        else:
            red = [False] * len(p)
        raw = derived[c.key] if c.key in derived else p[c.key].tolist()
        vals = [clean_value(v) for v in column_values(c, raw, na, red)]
        cell_fill = fill
        if any(k[1] == j for k in found):
            cell_fill = list(fill)
            for i, _ in (k for k in found if k[1] == j):
                cell_fill[i] = FINDING_FILL
        wrap = WRAP_TOP if c.key in ("_reasons", "_explained", m.PROJECT) else TOP
        values.append(vals)
        formats.append(_column_formats(book, vals, c.number_format, wrap, cell_fill, red))
    return values, formats


def _column_formats(book: Book, vals: list[Any], number_format, wrap, fill: list[Any], red: list[bool]):
    """Each cell's XlsxWriter format, as Rows.cell gives it (one lookup per combination)."""
    known: dict[tuple, Any] = {}
    out = []
    for v, f, r in zip(vals, fill, red):
        text = isinstance(v, str)
        key = (v is not None and not text, id(f), r, text and looks_like_formula(v))
        fmt = known.get(key)
        if fmt is None:
            fmt = known[key] = book.format(
                number_format if key[0] else None, wrap, f, RED_FONT if r else None, None, key[3]
            )
        out.append(fmt)
    return out


def _finding_cells(analysis: Analysis, cols: list[_Col]) -> dict[tuple[int, int], str]:
    """The cells audit findings point at (yellow, the messages in a comment): {(row, column): text}."""
    # (sheet, row, field): a table from a sheet per unit has each row number once per sheet
    found: dict[tuple[str | None, int, str], list[str]] = {}
    for f in analysis.findings:
        if f.sheet_row is not None:
            found.setdefault((f.sheet, int(f.sheet_row), f.field or m.PROJECT), []).append(f.message)
    if not found:
        return {}
    p = analysis.projects
    sheets = p[m.SHEET].tolist() if m.SHEET in p.columns else [None] * len(p)
    rows: dict[tuple[str | None, int], list[int]] = {}
    for i, key in enumerate(zip(sheets, p[m.SHEET_ROW].tolist())):
        rows.setdefault((key[0], int(key[1])), []).append(i)
    column = {c.key: j for j, c in enumerate(cols)}
    cells = {}
    for (sheet, row, field), messages in found.items():
        if field in column:
            for i in rows.get((sheet, row), ()):
                cells[(i, column[field])] = "\n".join(messages)
    return cells


def _column_sum(p: pd.DataFrame, col: str) -> float | None:
    """The column's sum over the rows that have a value; None when none has."""
    if col not in p:
        return None
    values = pd.to_numeric(p[col], errors="coerce")
    return float(values.sum()) if values.notna().any() else None


def _project_totals(
    out: Rows, analysis: Analysis, cols: list[_Col], index: dict[str, int], low: float
) -> None:
    """The 合计 row (sums and the overall rate) and, where there are scores, the two means."""
    t = analysis.totals
    label_col = index[m.PROJECT]
    lines: list[tuple[str, dict[str, Any]]] = [
        (
            TOTAL_LABEL,
            {
                m.SHEET_ROW: None,
                m.INITIAL_BUDGET: _amount(_column_sum(analysis.projects, m.INITIAL_BUDGET)),
                m.BUDGET: _amount(t.get("budget")),
                m.EXECUTED: _amount(t.get("executed")),
                m.EXECUTION_RATE: _fraction(t.get("execution_rate")),
            },
        )
    ]
    s = analysis.scores
    if s:
        lines.append(("金额加权平均分（按预算数加权）", {m.SCORE: _score(s.get("mean_budget_weighted"))}))
        lines.append(("简单平均分", {m.SCORE: _score(s.get("mean_simple"))}))
    for k, (label, values) in enumerate(lines):
        border = TOP_BORDER if k == 0 else None
        row = []
        for j, col in enumerate(cols, start=1):
            value = values.get(col.key) if j != label_col else label
            red = col.key == m.EXECUTION_RATE and value is not None and value * 100 < low - 1e-9
            row.append(
                out.cell(value, col.number_format, None, TOTAL_FILL, RED_FONT if red else BOLD, border)
            )
        out.append(row)


# --- 单位汇总 ------------------------------------------------------------------------------------
def _units_sheet(book: Book, analysis: Analysis) -> None:
    u = analysis.units
    if u is None or not len(u):
        return
    headers = ["单位", "项目数", "预算数（万元）", "执行数（万元）", "执行率", "简单平均分", "金额加权平均分"]
    fmts = [None, INT_FORMAT, AMOUNT_FORMAT, AMOUNT_FORMAT, RATE_FORMAT, SCORE_FORMAT, SCORE_FORMAT]
    out = Rows(book, SHEET_UNITS, [24, 9, 16, 16, 12, 12, 14], "B2")
    _header_row(out, headers)
    low = analysis.settings.low_threshold
    for rec in m.records(u):
        values = [
            str(rec["unit"]),
            int(rec["projects"]),
            _amount(rec["budget"]),
            _amount(rec["executed"]),
            _fraction(rec["execution_rate"]),
            _score(rec["mean_simple"]),
            _score(rec["mean_budget_weighted"]),
        ]
        rate = to_float(rec["execution_rate"])
        low_rate = rate is not None and rate < low - 1e-9
        out.append(
            [
                out.cell(
                    v, fmt, None, FLAG_FILL if low_rate else None, RED_FONT if low_rate and j == 5 else None
                )
                for j, (v, fmt) in enumerate(zip(values, fmts), start=1)
            ]
        )
    last = out.count
    t, s = analysis.totals, analysis.scores or {}
    total = [
        TOTAL_LABEL,
        len(analysis.projects),
        _amount(t.get("budget")),
        _amount(t.get("executed")),
        _fraction(t.get("execution_rate")),
        _score(s.get("mean_simple")),
        _score(s.get("mean_budget_weighted")),
    ]
    out.append([out.cell(v, fmt, None, TOTAL_FILL, BOLD, TOP_BORDER) for v, fmt in zip(total, fmts)])
    out.autofilter(f"A1:{get_column_letter(len(headers))}{last}")


# --- 审核发现 ------------------------------------------------------------------------------------
def _findings_sheet(book: Book, analysis: Analysis) -> None:
    out = Rows(book, SHEET_FINDINGS, [8, 24, 48, 80, 7, 16], "A2")
    _header_row(out, ["级别", "代码", "位置", "说明", "行号", "字段"])
    fills = {"error": FLAG_FILL, "warning": FINDING_FILL}
    for f in analysis.findings:
        values = [
            m.SEVERITY_LABELS.get(f.severity, f.severity),
            f.code,
            f.where,
            f.message,
            None if f.sheet_row is None else int(f.sheet_row),
            m.FIELD_LABELS.get(f.field or "", f.field or ""),
        ]
        fill = fills.get(f.severity)
        out.append(
            [
                out.cell(v, INT_FORMAT if j == 5 else None, WRAP_TOP if j in (3, 4) else TOP, fill)
                for j, v in enumerate(values, start=1)
            ]
        )
    if not analysis.findings:
        out.append([out.cell("审核未发现问题。")])
    out.autofilter(f"A1:F{max(1, len(analysis.findings)) + 1}")


# --- 说明 ----------------------------------------------------------------------------------------
def notes_rows(analysis: Analysis) -> list[tuple[str, str]]:
    """(heading, text) pairs: where the data came from and every rule the numbers follow."""
    src = analysis.table.source
    st = analysis.settings
    c = analysis.choice
    rows: list[tuple[str, str]] = [
        ("【数据来源】", ""),
        ("文件", src.file),
        ("工作表", src.sheet),
        ("表头所在行", "、".join(str(r) for r in src.header_rows)),
        ("原表金额单位", src.amount_unit + ("（已换算为万元）" if src.amount_unit == "元" else "")),
        ("项目数", f"{len(analysis.projects)} 个"),
        ("导出日期", date.today().isoformat()),
        ("", ""),
        ("【权重方案】", ""),
        ("方案", f"{c.scheme.label}（{c.scheme.key}）"),
        ("说明", c.scheme.note or c.scheme.describe()),
        ("选择方式", "自动选择（与填报得分吻合最多的方案）" if c.requested == "auto" else "用户指定"),
        ("与填报得分一致", f"{c.reproduced} / {c.comparable} 个可比项目"),
    ]
    for comp, w in c.scheme.weights.items():
        rows.append((f"权重：{m.COMPONENT_LABELS[comp]}", f"{w:g} 分" if w else "不计分"))
    rows += [
        ("", ""),
        ("【阈值】", ""),
        ("执行率预警线", f"{pct(st.low_threshold)}（低于此值为“执行率偏低”，需说明原因）"),
        (
            "红绿灯",
            f"绿 ≥{pct(st.low_threshold)}；橙 {pct(st.amber_floor)}–{pct(st.low_threshold)}；红 <{pct(st.amber_floor)}",
        ),
        ("指标完成值偏离", f"±{num(st.target_deviation)}%"),
        (
            "截至日期",
            f"{st.as_of.isoformat()}（序时进度 {pct(analysis.time_progress)}）"
            if st.as_of
            else "全年数据（未设截至日期）",
        ),
        ("", ""),
        ("【公式】", ""),
        ("预算执行率", "执行数 ÷ 预算数（有调整后预算数时用调整后预算数）；预算为 0 时不计算"),
        (
            "自评得分（重新计算）",
            "Σ 权重 × 得分率；预算执行率一项按 min(执行率, 100%) 计；标“/”的指标不计，其权重按比例分给其余指标",
        ),
        ("采用得分", "有填报自评得分时用填报值，否则用重新计算值"),
        ("金额加权平均分", "Σ(采用得分 × 预算数) ÷ Σ 预算数（汇总表合计行的口径）"),
        ("简单平均分", "各项目采用得分的算术平均"),
        ("评价等级", "优 ≥ 90；良 80–89.99；中 60–79.99；差 < 60（按采用得分）"),
        ("合计", "预算数、执行数为各项目之和；合计执行率 = 执行数合计 ÷ 预算数合计"),
        ("", ""),
        ("【偏差规则】", ""),
        (FLAG_LABELS[LOW_EXECUTION], f"执行率低于 {pct(st.low_threshold)}"),
        (FLAG_LABELS[OVER_EXECUTION], "执行数超过预算数（执行率超过 100%）"),
        (FLAG_LABELS["INDICATOR_SHORTFALL"], "任一指标得分率低于 100%"),
        (FLAG_LABELS["SELF_FLAG_MISMATCH"], "单位填报的“是否有较大偏差”与按规则判定不一致"),
        (FLAG_LABELS[NO_RATE], "预算为 0 却有支出，无法计算执行率"),
        ("", ""),
        ("【颜色】", ""),
        ("浅红底色", "该项目触发了偏差规则（“项目明细”表）"),
        ("黄色底色", "审核发现指向的单元格，批注中是说明"),
        ("红色粗体", "超出规则的执行率或得分率"),
        (
            "金额与比率",
            "金额单位为万元，保留两位小数；执行率、得分率以百分比显示，单元格中是小数（0.8623 显示为 86.23%）",
        ),
    ]
    return rows


def _notes_sheet(book: Book, analysis: Analysis) -> None:
    out = Rows(book, SHEET_NOTES, [24, 100])
    for key, text in notes_rows(analysis):
        heading = NOTE_HEADING_FONT if key.startswith("【") else None
        out.append([out.cell(key or None, font=heading), out.cell(text or None, alignment=WRAP_TOP)])


# --- entry points --------------------------------------------------------------------------------
def build_xlsx(analysis: Analysis, reasons: Mapping[str, str] | None = None) -> bytes:
    """The whole workbook as .xlsx bytes. ``reasons``: the 偏差原因 units typed (as
    ``common.reason_for`` looks them up), a column of 项目明细 of their own."""
    book = Book()
    _project_sheet(book, analysis, reasons)
    _units_sheet(book, analysis)
    _findings_sheet(book, analysis)
    _notes_sheet(book, analysis)
    return book.close()


FLAGGED_HEADERS = [
    "行号",
    "序号",
    "单位",
    "项目名称",
    "执行率",
    "偏差类型",
    "单位自报偏差",
    "按规则判定",
    "是否一致",
    "预算数（万元）",
    "执行数（万元）",
    "原因说明",
]
EXPLAINED = "偏差原因（单位说明）"
_FLAGGED_WIDTHS = {
    EXPLAINED: 50,
    "项目名称": 36,
    "原因说明": 70,
    "偏差类型": 18,
    "单位": 18,
    "行号": 7,
    "序号": 7,
}


def flagged_rows(analysis: Analysis, projects: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """The 偏差预警 list, one dict per flagged project (of ``projects`` when given, e.g. a filtered view)."""
    from jixiao.summary.analysis import DEVIATES

    frame = analysis.flagged if projects is None else projects[projects[m.FLAGS].map(bool)]
    rows = []
    for rec in frame.to_dict("records"):
        flags = rec[m.FLAGS]
        own = rec[m.SELF_FLAG]
        computed = bool(rec.get(DEVIATES, is_deviation(flags)))
        agree = "—" if own is None or is_missing(own) else ("一致" if bool(own) == computed else "不一致")
        rows.append(
            {
                "行号": int(rec[m.SHEET_ROW]),
                "序号": _seq(rec[m.SEQ]),
                "单位": "" if is_missing(rec[m.UNIT]) else str(rec[m.UNIT]),
                "项目名称": b.project_name(rec[m.PROJECT]),
                "执行率": _fraction(rec[m.EXECUTION_RATE]),
                "偏差类型": "、".join(FLAG_LABELS.get(x.code, x.code) for x in flags),
                "单位自报偏差": _self_flag(own),
                "按规则判定": "有偏差" if computed else "无偏差",
                "是否一致": agree,
                "预算数（万元）": _amount(rec[m.BUDGET]),
                "执行数（万元）": _amount(rec[m.EXECUTED]),
                "原因说明": "\n".join(x.reason for x in flags),
                "_red_rate": any(x.code in (LOW_EXECUTION, OVER_EXECUTION, NO_RATE) for x in flags),
            }
        )
    return rows


def flagged_xlsx(
    analysis: Analysis,
    projects: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    explanations: dict[str, str] | None = None,
) -> bytes:
    """Only the flagged projects (all of them, or those of ``projects``), one sheet, with the reasons.
    ``explanations``: the 偏差原因 units wrote (keys as jixiao.export.common.reason_for looks them up),
    printed in a column of their own, "未说明" where a deviation has none."""
    book = Book()
    headers = [h for h in FLAGGED_HEADERS if h != "单位" or analysis.table.has_units]
    if explanations is not None:
        headers.append(EXPLAINED)
    first = 3 if title else 2  # the first project row
    out = Rows(
        book,
        SHEET_FLAGGED,
        [_FLAGGED_WIDTHS.get(h, 13) for h in headers],
        f"{get_column_letter(headers.index('项目名称') + 2)}{first}",
    )
    if title:
        out.append([out.cell(title, font=TITLE_FONT)])
    r = _header_row(out, headers)
    fmts = {
        "执行率": RATE_FORMAT,
        "预算数（万元）": AMOUNT_FORMAT,
        "执行数（万元）": AMOUNT_FORMAT,
        "行号": INT_FORMAT,
    }
    rows = flagged_rows(analysis, projects)
    if explanations is not None:
        frame = analysis.flagged if projects is None else projects[projects[m.FLAGS].map(bool)]
        for row, rec in zip(rows, frame.to_dict("records")):
            row[EXPLAINED] = b.explained(explanations, rec, str(rec[m.PROJECT]))
    for row in rows:
        out.append(
            [
                out.cell(
                    row[h],
                    fmts.get(h),
                    WRAP_TOP if h in ("原因说明", "项目名称", EXPLAINED) else TOP,
                    None,
                    RED_FONT if h == "执行率" and row["_red_rate"] else None,
                )
                for h in headers
            ]
        )
    if not rows:
        out.append([out.cell("没有项目触发偏差规则。")])
    out.autofilter(f"A{r}:{get_column_letter(len(headers))}{r + max(1, len(rows))}")
    return book.close()
