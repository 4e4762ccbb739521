"""部门决算 files: the project's template workbook (writer and reader), the JSON form, the sample and the
summary document of the CLI's inspect."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from jixiao.final_accounts.figures import (
    AMOUNT_UNIT,
    BAR_CHARTS,
    PERSONNEL,
    PUBLIC_USE,
    STRUCTURE_CHARTS,
    Change,
    FinalAccounts,
    YearFigures,
    bar_series,
    chart_change,
    completion_rate,
    dec,
    merged,
    structure_rows,
    structure_total,
)
from jixiao.final_accounts.read import (
    _FUNCTION_SET,
    _INDEX,
    _UNIT_FACTORS,
    GROUP_HEADER,
    ITEM_HEADER,
    NOTES_SHEET,
    from_sheets,
    normalize_label,
    table_rows,
    year_label,
)
from jixiao.final_accounts.validate import validate
from jixiao.ingest.values import parse_number
from jixiao.ingest.workbook import load_sheets
from jixiao.model import Finding, IngestError
from jixiao.safe_text import text_only

# --- workbooks ---------------------------------------------------------------------------------
TEMPLATE_SHEET = "决算数据"
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
    text_only(wb).save(buf)  # the unit name (and any item name) stays text
    return buf.getvalue()


def read_template(data: bytes, filename: str) -> tuple[FinalAccounts, list[Finding]]:
    """A filled template (xlsx/xls/csv bytes) -> figures and findings. IngestError when unreadable."""
    return from_sheets(load_sheets(data, filename), filename)


def combine_reads(
    reads: Sequence[tuple[str, FinalAccounts, list[Finding]]],
) -> tuple[FinalAccounts, list[Finding]]:
    """Several files read at once (this year's 公开表 and last year's, say), as (file name, figures,
    notes): one set of figures (``merged``), each note named by its file, and the one-year note gone
    when another file gives the other year."""
    if len(reads) == 1:
        return reads[0][1], reads[0][2]
    fa = merged([r[1] for r in reads])
    findings = [replace(f, where=f"「{name}」{f.where}") for name, _, found in reads for f in found]
    if len(fa.years) > 1:
        findings = [f for f in findings if f.code != "FA_ONE_YEAR"]
    return fa, findings


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
