"""部门决算 rows → figures: the one row list that drives the template, the page's editor and the reader.

Sheets come from jixiao.ingest; the template's notes sheet is skipped; labels are matched loosely
("其中：", numbering, "（万元）", 功能分类 codes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.final_accounts.figures import (
    AMOUNT_UNIT,
    CAR_COMBINED,
    CAR_OPERATION,
    CAR_PURCHASE,
    COMMON_FUNCTION_CLASSES,
    EXPENDITURE_ITEMS,
    FUNCTION_CLASSES,
    INCOME_SOURCES,
    OVERSEAS,
    PERSONNEL,
    PUBLIC_USE,
    RECEPTION,
    THREE_PUBLIC_INPUT_ITEMS,
    FinalAccounts,
    YearFigures,
    _ordered,
    in_wan,
)
from jixiao.ingest.values import BAD, NA, parse_number
from jixiao.ingest.workbook import Sheet, hidden_sheets_finding, split_hidden
from jixiao.model import Finding, IngestError

NOTES_SHEET = "填表说明"  # the template's second sheet: reading notes, never figures


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
# "206科学技术支出", and "[206]科学技术支出" / "【206】…" as budget-system exports write the code
_FUNC_CODE = re.compile(r"^(?:[\[【［〔]\d{3,7}[\]】］〕]|\d{3}\s*)")


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
# "科学技术" for "科学技术支出": a class named without the word 支出 (not "其他", which names too much)
_FUNCTION_SET.update(
    {normalize_label(x[:-2]): x for x in FUNCTION_CLASSES if x.endswith("支出") and x != "其他支出"}
)
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
    m = re.search(r"单位\s*[:：]?\s*(?:人民币)?\s*[（(]?\s*(万元|亿元|元)", text)
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
    return in_wan(value, factor)


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


def from_sheets(sheets: Sequence[Sheet], filename: str = "") -> tuple[FinalAccounts, list[Finding]]:
    """The first sheet laid out like the template (a visible one before any hidden one); reading notes
    of the other sheets are ignored. A workbook of 部门决算公开表 is read through ``official``."""
    from jixiao.final_accounts.official import read_official
    from jixiao.final_accounts.official_kinds import is_official

    # A 公开表 may look like the template (a “三公” table with items down and 2022年 | 2023年 columns):
    # a sheet titled as a 公开表 is not the template, or the workbook's other 公开表 would be dropped.
    if not any(_is_template(s) and not is_official(s) for s in sheets):
        shown, _ = split_hidden(list(sheets))
        official = read_official(shown or sheets, filename)
        if official is not None:
            return official
    reasons: list[str] = []
    shown, hidden = split_hidden(list(sheets))
    # A hidden sheet (an old year, a backup copy) is read only when no sheet people see holds figures.
    for sheet in shown + hidden:
        if sheet.name == NOTES_SHEET or not sheet.rows:
            continue
        try:
            parsed = _parse(sheet.rows, sheet.name if len(sheets) > 1 else "", True)
        except _NotThisSheet as exc:
            reasons.append(f"工作表「{sheet.name}」{exc}")
            continue
        findings = [Finding("info", "FA_SHEET_NOTE", sheet.name, n) for n in sheet.notes] + parsed.findings
        if hidden:
            used = sheet.hidden
            names = [sheet.name] if used else [s.name for s in hidden]
            findings.insert(0, hidden_sheets_finding(names, used=used, what="决算数据"))
        return parsed.fa, findings
    detail = "；".join(reasons[:3]) or "文件里没有可读的工作表"
    raise IngestError(f"没有找到部门决算图表数据：{detail}。请使用本系统的“部门决算数据模板”填写后上传。")


def looks_like_final_accounts(sheets: Sequence[Sheet]) -> bool:
    """True when a sheet has a year header and at least five template items in one column, or the
    workbook holds 部门决算公开表.

    Cheap enough for file-kind detection; a project table or a self-evaluation form has neither.
    """
    from jixiao.final_accounts.official import looks_like_official

    return any(_is_template(s) for s in sheets) or looks_like_official(sheets)


def _is_template(sheet: Sheet) -> bool:
    rows = sheet.rows
    if not rows:
        return False
    try:
        header, year_cols, _ = _find_header(rows)
    except _NotThisSheet:
        return False
    for c in range(min(year_cols)):
        labels = {normalize_label(_text(row[c])) for row in rows[header + 1 :] if c < len(row)}
        if len({_INDEX[x].label for x in labels if x in _INDEX}) >= 5:
            return True
    return False
