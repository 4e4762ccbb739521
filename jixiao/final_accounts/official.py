"""部门决算公开表 → one year's figures behind 图1–图7.

Every unit publishes the same set of tables with its 部门决算 (公开01–09表). Read from them, the figures
need no retyping into the template: 收入支出决算总表 (图1, 图2), 收入决算表 (图2, when the 总表 is
missing), 支出决算表 (图3), 财政拨款收入支出决算总表 (图4), 一般公共预算财政拨款支出决算表 (图5, 图6),
一般公共预算财政拨款基本支出决算表 (人员经费 / 公用经费) and “三公”经费支出决算表 (图7).

The tables hold one year; several years' tables in one workbook (each title says its year) give
several years. Tables are told apart by their title, not by position, and read by the words of their
header and rows: 行次 and 栏次 columns are skipped, two-sided tables (收入 left, 支出 right) are read
side by side, headers over several rows are joined through their merged cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from jixiao.final_accounts.figures import (
    CAR_COMBINED,
    CAR_OPERATION,
    CAR_PURCHASE,
    EXPENDITURE_ITEMS,
    FUNCTION_CLASS_CODES,
    INCOME_SOURCES,
    OVERSEAS,
    RECEPTION,
    FinalAccounts,
    YearFigures,
    in_wan,
    merged,
)
from jixiao.final_accounts.official_kinds import (
    _YEAR,
    BASIC,
    CAPITAL,
    EXPENDITURE,
    FISCAL_SUMMARY,
    FUND,
    GENERAL,
    INCOME,
    SUMMARY,
    THREE_PUBLIC,
    _kind,
    _year,
    official_tables,
)
from jixiao.final_accounts.official_table import (
    _SIDE_WORDS,
    _SKIP_COLUMN,
    _column,
    _factor,
    _is_data,
    _number,
    _Table,
    _table,
    _text,
    _total_row,
    function_code,
    rolled_up,
    stated_factor,
    year_views,
)
from jixiao.final_accounts.read import (
    _FUNCTION_SET,
    _INDEX,
    _UNIT_FACTORS,
    ROW_SPECS,
    _unit_in,
    normalize_label,
)
from jixiao.fmt import col_letter
from jixiao.ingest.hidden import without_hidden
from jixiao.ingest.workbook import Sheet
from jixiao.model import Finding, IngestError

_OWNER = re.compile(
    r"^(?:编制单位|填报单位|编制部门|部门（单位）名称|部门名称|单位名称|部门|单位)\s*[:：]\s*(.*)$"
)


@dataclass
class _Read:
    data: dict[int, YearFigures] = field(default_factory=dict)
    # another year's figures from a table's 上年数 columns: used where that year's own tables say nothing
    beside: dict[int, YearFigures] = field(default_factory=dict)
    tables: dict[int, list[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # (year, kind, own year) -> the first such table's name and figures
    first: dict[tuple[int, str, bool], tuple[str, YearFigures]] = field(default_factory=dict)


def _owner(sheets: Sequence[Sheet]) -> str:
    for sheet in sheets:
        for row in sheet.rows[:6]:
            cells = [_text(x).replace("(", "（").replace(")", "）") for x in row]
            for c, t in enumerate(cells):
                hit = _OWNER.match(t)
                if not hit:
                    continue
                # "编制单位：凉山州科协 单位：万元" in one cell: the name stops at the unit
                name = re.split(r"(?:金额)?单位[:：]", hit.group(1))[0] or next(
                    (x for x in cells[c + 1 :] if x), ""
                )
                if name and not _unit_in(name) and name not in _UNIT_FACTORS:
                    return name
    return ""


# --- the tables ------------------------------------------------------------------------------------
def _sides(table: _Table) -> list[tuple[int, int]]:
    """Two-sided tables: (label column, amount column) of each side, left to right."""
    items = [
        c
        for c, label in enumerate(table.labels)
        if (last := label.split("|")[-1]).startswith("项目") or last in _SIDE_WORDS
    ]
    items = [
        c for k, c in enumerate(items) if k == 0 or c > items[k - 1] + 1
    ]  # a merged label: its first column
    if not items:
        return []
    sides = []
    for k, c in enumerate(items):
        end = items[k + 1] if k + 1 < len(items) else len(table.labels)
        amounts = [
            j
            for j in range(c + 1, end)
            if not any(w in table.labels[j] for w in _SKIP_COLUMN)
            and any(_number(row[j]) is not None for row in table.rows[table.body :] if j < len(row))
        ]
        if not amounts:
            continue
        best = next(
            (j for word in ("决算", "金额", "合计") for j in amounts if word in table.labels[j]), amounts[0]
        )
        sides.append((c, best))
    return sides


def _side_values(
    table: _Table, label_col: int, amount_col: int, factor: float
) -> list[tuple[str, float | None, int]]:
    """(label, amount in 万元, row) down one side of a two-sided table."""
    out = []
    for r in range(table.body, len(table.rows)):
        row = table.rows[r]
        label = normalize_label(_text(row[label_col])) if label_col < len(row) else ""
        if label:
            out.append((label, table.amount(r, amount_col, factor), r))
    return out


def _income_source(label: str) -> str | None:
    spec = _INDEX.get(label)
    if spec is not None and spec.attr == "income":
        return spec.item
    if label in (
        "一般公共预算财政拨款收入",
        "一般公共预算财政拨款",
        "一般公共预算拨款收入",
        "一般公共预算拨款",
    ):
        return INCOME_SOURCES[0]
    return None


def _summary(table: _Table, yf: YearFigures, factor: float) -> None:
    sides = _sides(table)
    for k, (label_col, amount_col) in enumerate(sides):
        left = k == 0
        for label, value, _ in _side_values(table, label_col, amount_col, factor):
            if value is None:
                continue
            if left and (source := _income_source(label)) is not None:
                yf.income.setdefault(source, value)
            elif left and label in ("本年收入合计", "本年收入", "收入合计"):  # 合计 above the carry-over
                yf.income_current = yf.income_current if yf.income_current is not None else value
            elif left and label in ("总计", "收入总计"):
                yf.income_total = yf.income_total if yf.income_total is not None else value
            elif not left and label in ("本年支出合计", "本年支出", "支出合计"):
                yf.expenditure_current = (
                    yf.expenditure_current if yf.expenditure_current is not None else value
                )
            elif not left and label in ("总计", "支出总计"):
                yf.expenditure_total = yf.expenditure_total if yf.expenditure_total is not None else value
            elif not left and label in EXPENDITURE_ITEMS:
                yf.expenditure.setdefault(label, value)


def _fiscal_summary(table: _Table, yf: YearFigures, factor: float) -> None:
    sides = _sides(table)
    if not sides:
        return
    for label, value, _ in _side_values(table, *sides[0], factor):
        if label in ("总计", "收入总计") and value is not None and yf.fiscal_total is None:
            yf.fiscal_total = value
    if len(sides) > 1:
        general = _column(table, "一般公共预算")
        for label, value, r in _side_values(table, *sides[1], factor):
            if label in ("本年支出合计", "本年支出") and general is not None and general > sides[1][0]:
                spent = table.amount(r, general, factor)
                if spent is not None and yf.general_budget_expenditure is None:
                    yf.general_budget_expenditure = spent
            elif label in ("总计", "支出总计") and yf.fiscal_total is None:
                yf.fiscal_total = value


def _income(table: _Table, yf: YearFigures, factor: float) -> None:
    r = _total_row(table)
    if r is None:
        return
    cells = {
        "本年收入合计": _column(table, "收入合计") or _column(table, "合计"),
        **{s: _column(table, s.replace("收入", "")) for s in INCOME_SOURCES[3:]},
    }
    fiscal = _column(table, "财政拨款")
    for key, c in cells.items():
        value = table.amount(r, c, factor)
        if value is None:
            continue
        if key == "本年收入合计":
            yf.income_current = yf.income_current if yf.income_current is not None else value
        else:
            yf.income.setdefault(key, value)
    if fiscal is not None and not any(s in yf.income for s in INCOME_SOURCES[:3]):
        value = table.amount(r, fiscal, factor)
        if value is not None:
            yf.income[INCOME_SOURCES[0]] = value


def _expenditure(table: _Table, yf: YearFigures, factor: float) -> None:
    r = _total_row(table)
    if r is None:
        return
    total = _column(table, "支出合计") or _column(table, "合计")
    value = table.amount(r, total, factor)
    if value is not None and yf.expenditure_current is None:
        yf.expenditure_current = value
    for item in EXPENDITURE_ITEMS:
        value = table.amount(r, _column(table, item), factor)
        if value is not None:
            yf.expenditure.setdefault(item, value)


def _general(table: _Table, yf: YearFigures, factor: float) -> None:
    budget = ("年初预算", "预算数", "调整预算")
    total = (
        _column(table, "决算", "合计")
        or _column(table, "本年支出", "合计")
        or _column(table, "合计", avoid=budget)
        or _column(table, "决算数")
        or _column(table, "支出", avoid=budget + ("基本", "项目"))
    )
    initial = _column(table, "年初预算", "合计") or _column(table, "年初预算")
    if total is None:
        return
    r = _total_row(table)
    if r is not None:
        value = table.amount(r, total, factor)
        if value is not None:
            yf.general_budget_expenditure = value
        value = table.amount(r, initial, factor)
        if value is not None and yf.general_budget_initial_budget is None:
            yf.general_budget_initial_budget = value
    classes = False
    for k, row in enumerate(table.rows[table.body :], table.body):
        for x in row[: max(1, total)]:
            name = _FUNCTION_SET.get(normalize_label(_text(x)))
            if name is not None:
                classes = True
                value = table.amount(k, total, factor)
                if value is not None:
                    yf.by_function.setdefault(name, value)
                break
    if not classes:
        _classes_from_detail(table, yf, total, factor)


def _classes_from_detail(table: _Table, yf: YearFigures, total: int, factor: float) -> None:
    """No 类 row named (only 款 or 项 rows, "2060101 行政运行", or 类 rows with a code and no name,
    "206"): 图6 takes each 类 by its code, adding up its 款 and 项 where its own row is missing."""
    details = [
        (code, value)
        for k in range(table.body, len(table.rows))
        if (code := function_code(table.rows[k][:total])) is not None
        if (value := table.amount(k, total, factor)) is not None
    ]
    by_class = {
        FUNCTION_CLASS_CODES[c]: v for c, v in rolled_up(details).items() if c in FUNCTION_CLASS_CODES
    }
    for name, value in by_class.items():
        yf.by_function.setdefault(name, value)
    if by_class:
        listed = "、".join(f"{name}{value:.2f}万元" for name, value in by_class.items())
        how = (
            "类级科目只有编码、没有名称，图6按编码对应的类读取"
            if any(len(code) == 3 for code, _ in details)
            else "没有类级科目行（如“206 科学技术支出”），图6按款、项级科目编码的前三位合计到类"
        )
        table.notes.append(("FA_CLASS_FROM_DETAIL", f"表中{how}：{listed}。"))


def _labelled(table: _Table, yf: YearFigures, factor: float, names: dict[str, str]) -> None:
    """Cells whose text is one of ``names``, with the amount to their right (基本支出表's 人员经费合计)."""
    for row in table.rows[table.body :]:
        for c, x in enumerate(row):
            attr = names.get(normalize_label(_text(x)))
            if attr is None or getattr(yf, attr) is not None:
                continue
            value = next((_number(y) for y in row[c + 1 : c + 4] if _number(y) is not None), None)
            if value is not None:
                setattr(yf, attr, in_wan(value, factor))


_OPERATING_NAMES = {"机关运行经费": "admin_operating", "机关运行经费支出": "admin_operating"}
_BASIC_NAMES = {
    "人员经费合计": "personnel",
    "人员经费": "personnel",
    "公用经费合计": "public_use",
    "公用经费": "public_use",
    **_OPERATING_NAMES,
}


def _basic_columns(table: _Table, yf: YearFigures, factor: float) -> None:
    """基本支出表 laid out as columns 合计 | 人员经费 | 公用经费 (科目 down the rows): their 合计 row."""
    r = _total_row(table)
    for attr, word in (("personnel", "人员经费"), ("public_use", "公用经费")):
        c = _column(table, word, avoid=(*_SKIP_COLUMN, "名称"))
        if r is not None and c is not None and getattr(yf, attr) is None:
            value = table.amount(r, c, factor)
            if value is not None:
                setattr(yf, attr, value)


def _three_item(label: str) -> str | None:
    last = label.split("|")[-1]
    if "出国" in label:
        return OVERSEAS
    if "接待" in label:
        return RECEPTION
    if "公务用车" in label or "车" in last:
        if "购置费" in last and "运行" not in last:
            return CAR_PURCHASE
        if "运行" in last and "购置" not in last:
            return CAR_OPERATION
        if last in ("小计", "合计") or "购置及运行" in last:
            return CAR_COMBINED
    return None


def _three_public(table: _Table, yf: YearFigures, factor: float) -> None:
    spent = [c for c, label in enumerate(table.labels) if "决算" in label or "实际" in label]
    across = {c: item for c in (spent or range(len(table.labels))) if (item := _three_item(table.labels[c]))}
    if across:  # items across, a row of amounts under them
        r = _spent_row(table)
        for c, item in across.items() if r is not None else ():
            value = table.amount(r, c, factor)
            if value is not None:
                yf.three_public.setdefault(item, value)
        _parts_over_combined(yf)
        return
    column = spent[0] if spent else None
    for row in table.rows[table.body :]:
        for c, x in enumerate(row[:3]):
            item = _three_item(normalize_label(_text(x)))
            if item is None:
                continue
            cells = [row[column]] if column is not None and column < len(row) else row[c + 1 :]
            value = next((_number(y) for y in cells if _number(y) is not None), None)
            if value is not None:
                yf.three_public.setdefault(item, in_wan(value, factor))
            break
    _parts_over_combined(yf)


def _spent_row(table: _Table) -> int | None:
    """The row of 决算 amounts under items across: the one named 决算数 (实际/执行) when the rows are named
    预算数 / 决算数, never a 预算数 row; else the first row of amounts."""

    def word(row: list[Any]) -> str:
        return next((t for t in map(_text, row[:2]) if t and _number(t) is None), "")

    rows = [(k, word(table.rows[k])) for k in range(table.body, len(table.rows)) if _is_data(table.rows[k])]
    spent = [k for k, w in rows if any(x in w for x in ("决算", "实际", "执行"))]
    return next(iter(spent or [k for k, w in rows if "预算" not in w]), None)


def _parts_over_combined(yf: YearFigures) -> None:
    # The template keeps 公务用车购置及运行维护费 for years that give no parts; with parts it is their sum.
    if CAR_PURCHASE in yf.three_public or CAR_OPERATION in yf.three_public:
        yf.three_public.pop(CAR_COMBINED, None)


_READERS = {
    SUMMARY: _summary,
    FISCAL_SUMMARY: _fiscal_summary,
    INCOME: _income,
    EXPENDITURE: _expenditure,
    GENERAL: _general,
    BASIC: lambda t, yf, f: (_labelled(t, yf, f, _BASIC_NAMES), _basic_columns(t, yf, f)),
    THREE_PUBLIC: lambda t, yf, f: (_three_public(t, yf, f), _labelled(t, yf, f, _OPERATING_NAMES)),
    FUND: lambda t, yf, f: None,
    CAPITAL: lambda t, yf, f: None,
}
# Read in this order: the 总表 gives the income split the 收入决算表 lacks, and so on.
_ORDER = (SUMMARY, FISCAL_SUMMARY, GENERAL, EXPENDITURE, INCOME, BASIC, THREE_PUBLIC, FUND, CAPITAL)


def looks_like_official(sheets: Sequence[Sheet]) -> bool:
    """Cheap enough for file-kind detection: a sheet titled like a 公开表 that reads into a figure."""
    found = official_tables(sheets)
    return bool(found) and any(_read_table(kind, s, YearFigures()) for kind, s in found)


def _read_table(
    kind: str,
    sheet: Sheet,
    yf: YearFigures,
    findings: list[Finding] | None = None,
    table: _Table | None = None,
    default: float = 1.0,
) -> bool:
    table = table or _table(sheet)
    if table is None:
        return False
    before = repr(yf)
    _READERS[kind](table, yf, _factor(table, default))
    for (r, c), text in sorted(table.bad.items()) if findings is not None else ():
        findings.append(
            Finding(
                "error",
                "FA_BAD_NUMBER",
                f"工作表「{sheet.name}」第{r + 1}行{col_letter(c)}列",
                f"「{text}」不是数字，已按空白处理。",
            )
        )
    for code, message in table.notes if findings is not None else ():
        findings.append(Finding("info", code, f"工作表「{sheet.name}」", message))
    return repr(yf) != before


def _shown(sheets: Sequence[Sheet], findings: list[Finding]) -> list[Sheet]:
    """The sheets with the rows hidden in a 公开表 left out (an old draft kept out of sight), and said."""
    out = []
    for sheet in sheets:
        if sheet.rows and _kind(sheet) is not None:
            sheet, said = without_hidden(sheet)
            findings.extend([said] if said else [])
        out.append(sheet)
    return out


def _differs_from_the_first(
    out: _Read, kind: str, sheet: Sheet, key: tuple[int, str, bool], view: _Table, default: float
) -> bool:
    """A second table of a kind for a year (a draft kept beside the final one) whose figures differ from
    the first's: left out and said, so that the figures are the first table's whole, never a mix of
    the two (the total of one with the classes of the other, found only as a sum that does not hold).
    A part that adds what the first lacks (the rest of a table Word split) is no conflict."""
    mine = YearFigures()
    _read_table(kind, sheet, mine, None, replace(view, notes=[], bad={}), default)
    name, first = out.first.setdefault(key, (sheet.name, mine))
    differ = [] if first is mine else _differing(first, mine)
    if differ:
        item, was, now = differ[0]
        out.findings.append(
            Finding(
                "warning",
                "FA_DUPLICATE_TABLE",
                f"{key[0]}年",
                f"「{name}」和「{sheet.name}」都是{key[0]}年的{kind}，数字不同（如{item}"
                f"{was:.2f}万元与{now:.2f}万元）：只按前一张「{name}」读取。"
                f"如果应当用「{sheet.name}」，请删去或隐藏「{name}」后再上传。",
            )
        )
    return bool(differ)


def _differing(a: YearFigures, b: YearFigures) -> list[tuple[str, float, float]]:
    names = {spec.attr: spec.label for spec in ROW_SPECS if spec.item is None}
    out = []
    for attr, x in vars(a).items():
        y = getattr(b, attr)
        if isinstance(x, dict):
            out += [(k, x[k], y[k]) for k in x if k in y and abs(x[k] - y[k]) > 0.005]
        elif x is not None and y is not None and abs(x - y) > 0.005:
            out.append((names.get(attr, attr), x, y))
    return out


def read_official(sheets: Sequence[Sheet], filename: str = "") -> tuple[FinalAccounts, list[Finding]] | None:
    """Figures from a workbook of 部门决算公开表, or None when it holds none."""
    out = _Read()
    sheets = _shown(sheets, out.findings)
    found = official_tables(sheets)
    if not found:
        return None
    # a year no table states: the file name's, else a Word report's title
    hit = _YEAR.search(filename) or next((h for s in sheets if (h := _YEAR.search(s.document_title))), None)
    fallback = next(
        (y for _, s in found if (y := _year(s, None)) is not None), int(hit.group(1)) if hit else None
    )
    if fallback is None:
        raise IngestError(
            "读到了部门决算公开表，但标题、工作表名和文件名里都没有年度（如“2023年度”）："
            "请在标题里写上年度后再上传。"
        )
    beside: dict[int, list[str]] = {}
    by_kind = sorted(found, key=lambda ks: _ORDER.index(ks[0]))
    # the unit the tables that state one agree on: it holds for those that state none
    stated = {f for _, s in found if (t := _table(s)) is not None and (f := stated_factor(t)) is not None}
    default = stated.pop() if len(stated) == 1 else 1.0
    for kind, sheet in by_kind:
        year = _year(sheet, fallback)
        table = _table(sheet) if year is not None else None
        # 上年数 | 本年数 columns: this year from its own column, the other year beside it
        for y, view in year_views(table, year).items() if table is not None and year is not None else ():
            yf = (out.data if y == year else out.beside).setdefault(y, YearFigures())
            if _differs_from_the_first(out, kind, sheet, (y, kind, y == year), view, default):
                continue
            if _read_table(kind, sheet, yf, out.findings, view, default):
                said = (
                    f"「{sheet.name}」（{kind}）" if y == year else f"「{sheet.name}」（{kind}的{y}年数列）"
                )
                out.tables.setdefault(y, []).append(said)
                beside.setdefault(y, []).extend([f"「{sheet.name}」"] if y != year else [])
    if not out.tables:
        return None
    data = {y: out.data.get(y, YearFigures()) for y in out.tables}
    fa = FinalAccounts(unit=_owner(sheets), years=list(data), data=data)
    if out.beside:  # a year's own tables win over another year's 上年数 columns
        fa = merged([fa, FinalAccounts(years=list(out.beside), data=out.beside)])
        fa.unit = _owner(sheets)
    for y in fa.years:
        out.findings.append(
            Finding(
                "info",
                "FA_OFFICIAL_TABLES",
                f"{y}年",
                f"按部门决算公开表读取了{y}年的数字：{'、'.join(out.tables[y])}。",
            )
        )
    for y, names in sorted(beside.items()):
        if names:
            out.findings.append(
                Finding(
                    "info",
                    "FA_PREVIOUS_YEAR_COLUMNS",
                    f"{y}年",
                    f"{'、'.join(names)}中有{y}年（上年数）的列：本年的数字只取本年数列，这些列读作{y}年的数字；"
                    f"同一工作簿里{y}年自己的公开表给出的项目，以该表为准。",
                )
            )
    if len(fa.years) == 1:
        out.findings.append(
            Finding(
                "info",
                "FA_ONE_YEAR",
                f"{fa.years[0]}年",
                "公开表只有本年数。图1、图4、图5 和各图的增减需要上年数：请在决算图表页的“查看和修改数据”里"
                "补上上年的列，或把上年的公开表放进同一个工作簿再上传。",
            )
        )
    return fa, out.findings
