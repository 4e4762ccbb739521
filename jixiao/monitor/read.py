"""月度执行表: one row per project, one column per month (1月 … 12月), read as a series.

Two habits exist: each month's column holds the amount spent *so far* (累计) or the amount spent *in
that month* (当月). The header decides when it says so (累计 / 截至 / 1–3月 versus 当月 / 本月);
otherwise the data does: cumulative amounts never fall from one month to the next, monthly ones do.
Which way the table was read, and why, is said as a finding. Amounts are stored cumulative, in 万元.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.ingest import values as v
from jixiao.ingest.header import (
    _is_label_row,
    combine_two_rows,
    match_field,
    normalize_label,
)
from jixiao.ingest.hidden import without_hidden
from jixiao.ingest.money_units import amount_unit_of_label, find_amount_unit_line
from jixiao.ingest.workbook import Sheet, load_sheets
from jixiao.monitor import parts as parts_of
from jixiao.monitor.habit import CUMULATIVE, HABIT_LABELS, decide_habit, sum_column
from jixiao.monitor.rows import MONTHS, months_not_yet, sum_rows_out
from jixiao.monitor.rows import cell_text as _text
from jixiao.monitor.sheets import join_unit_sheets
from jixiao.summary import units
from jixiao.summary.blocks import TOTAL, has_prefix
from jixiao.summary.edges import (
    BREAKDOWN,
    CONTINUED,
    NOTE_PREFIX,
    TIME_PROGRESS,
    bare_headings_said,
    only_name,
    pop_signature_rows,
    pop_trailing_text,
    signature_rows_said,
    time_progress_said,
    trailing_text_said,
)

MONTH_COLUMNS = tuple(f"m{k}" for k in MONTHS)  # cumulative 万元 at the end of month k (NaN: absent)

# "1月" "01月份" "2023年3月" "1-3月" "1至3月累计" "累计至3月" "3月当月"; not "3月执行率"
_MONTH = re.compile(r"(?:(?<!\d)(1)\s*[-－–—~～至到]\s*)?(?<!\d)(\d{1,2})\s*月")
_RATE_WORDS = re.compile(r"(率|进度|%|％|比例|占比)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SECTION = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])\s*")

NO_MONTHS_MESSAGE = (
    "没有找到月度执行表的表头：需要“项目名称”一列和至少两个月份列（如“1月”“2月”，或“1-3月累计”）。"
)


@dataclass
class MonthlyTable:
    projects: pd.DataFrame  # SHEET_ROW, UNIT, CODE, PROJECT, BUDGET, m1..m12 (cumulative 万元)
    months: list[int]  # months that hold data, ascending
    habit: str  # CUMULATIVE / MONTHLY: how the file was written
    habit_reason: str  # why, in Chinese
    year: int | None  # from the header or title, when it says
    file: str
    sheet: str
    findings: list[m.Finding] = field(default_factory=list)
    month_columns: dict[int, int] = field(default_factory=dict)  # month -> 0-based column of the sheet

    @property
    def has_units(self) -> bool:
        return bool(self.projects[m.UNIT].notna().any()) if len(self.projects) else False


@dataclass
class _Header:
    sheet_index: int
    rows: list[int]  # 0-based
    labels: list[str]
    months: dict[int, int]  # month -> column
    columns: dict[str, int]  # field -> column (project, unit, code, budget)
    range_labels: bool  # "1-3月" style: cumulative by construction
    earlier_year: list[int] = field(default_factory=list)  # month columns of an earlier year, passed over
    parts: dict[int, list[int]] = field(default_factory=dict)  # month -> columns added to its column
    candidates: dict[int, list[int]] = field(default_factory=dict)  # month -> every column of that month


def _month_columns(labels: list[str]) -> tuple[dict[int, int], bool, list[int], dict, dict]:
    """month -> column, whether the labels are ranges ("1-3月"), the month columns of an earlier
    year passed over ("2022年·12月" before the 2023 months: last year's year-end, not this December),
    month -> the columns added to it (a month split by 资金来源, see jixiao.monitor.parts), and month ->
    every column of that month."""
    candidates: dict[int, list[int]] = {}
    so_far: set[int] = set()
    years = {c: int(y.group(1)) for c, x in enumerate(labels) if x and (y := _YEAR.search(x))}
    latest = max(years.values(), default=None)
    earlier = []
    for c, label in enumerate(labels):
        if not label or _RATE_WORDS.search(label):
            continue
        if c in years and years[c] != latest:
            earlier.append(c)
            continue
        hit = _MONTH.search(label)
        if hit:
            month, so_far_here = int(hit.group(2)), bool(hit.group(1)) and int(hit.group(2)) > 1
        else:
            month, so_far_here = _quarter_month(label)
            month = month or _month_other(label)
        if month is None or not 1 <= month <= 12:
            continue
        candidates.setdefault(month, []).append(c)
        if so_far_here:
            so_far.add(c)
    found, parts = parts_of.choose(labels, candidates)
    ranged = any(c in so_far for c in found.values())
    return found, ranged, [c for c in earlier if _MONTH.search(labels[c])], parts, candidates


_CN_MONTHS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_CN_MONTH = re.compile(
    r"^(?:(?:19|20)\d{2}年)?(?:1\s*[-－–—~～至到]\s*|一至)?(十[一二]?|[一二三四五六七八九])月"
)
# A month written as a date: a date cell (read as 2023-01-31), "2023-01", "2023.1", "2023/01", 202301.
_DATE_MONTH = re.compile(
    r"^(?:19|20)\d{2}\s*[-./]\s*(\d{1,2})(?:\s*[-./]\s*\d{1,2})?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_YEAR_MONTH = re.compile(r"^(?:19|20)\d{2}(0[1-9]|1[0-2])$")


# Quarters: "一季度" / "第二季度" / "2023年第3季度" / "Q4" end at months 3, 6, 9, 12; "上半年" and
# "前三季度" are the months up to their end (cumulative, as "1-6月" is)
_QUARTER = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(?:第)?([一二三四1-4])季度|^Q([1-4])(?![\d])", re.I)
_QUARTERS_SO_FAR = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(上半年|前三季度|前两季度|前二季度)")
_SO_FAR_MONTH = {"上半年": 6, "前三季度": 9, "前两季度": 6, "前二季度": 6}
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4}


def _quarter_month(label: str) -> tuple[int | None, bool]:
    """The last month of a quarter label, and whether it counts from January ("上半年", "前三季度")."""
    label = label.rsplit("·", 1)[-1]
    hit = _QUARTERS_SO_FAR.match(label)
    if hit:
        return _SO_FAR_MONTH[hit.group(1)], True
    hit = _QUARTER.match(label)
    if hit:
        q = hit.group(1) or hit.group(2)
        return 3 * (_CN_QUARTER.get(q) or int(q)), False
    return None, False


def _month_other(label: str) -> int | None:
    """The month of a header written without "N月": 一月 / 十二月份, or as a date — also under a group
    label ("累计执行数·2023-01", as a two-row header joins them)."""
    label = label.rsplit("·", 1)[-1]
    hit = _CN_MONTH.match(label)
    if hit:
        return _CN_MONTHS[hit.group(1)]
    hit = _DATE_MONTH.match(label) or _YEAR_MONTH.match(label)
    if hit and 1 <= int(hit.group(1)) <= 12:
        return int(hit.group(1))
    return None


def _fields(labels: list[str], months: dict[int, int]) -> dict[str, int]:
    skip = set(months.values())
    columns: dict[str, int] = {}
    priorities: dict[str, int] = {}
    for c, label in enumerate(labels):
        if c in skip:
            continue
        name, priority = match_field(label)
        if name in (m.PROJECT, m.UNIT, m.CODE, m.BUDGET, m.SEQ) and (
            name not in columns or priority > priorities[name]
        ):
            columns[name], priorities[name] = c, priority
    return columns


def _find_header(sheets: list[Sheet], scan_rows: int = 40) -> _Header | None:
    best: _Header | None = None
    for i, sheet in enumerate(sheets):
        for r in range(min(scan_rows, len(sheet.rows))):
            candidates = [([r], [_label(x) for x in sheet.rows[r]])]
            numbered = r + 1 < len(sheet.rows) and _numbered_months(sheet.rows[r + 1])
            if (
                r + 1 < len(sheet.rows)
                and (_is_label_row(sheet.rows[r + 1]) or numbered)
                and _upper_header_row(sheet, r)
                and units.units_row_at(sheet, r + 1)[0] != r + 1  # 元 | 元 under the months: their unit
            ):
                labels = combine_two_rows(sheet, r)
                if numbered:  # 1 2 3 … under "各月累计执行数": the months, typed as numbers
                    labels = [_with_month(x, sheet.rows[r + 1], c) for c, x in enumerate(labels)]
                candidates.append(([r, r + 1], labels))
            for rows, labels in candidates:
                months, ranged, earlier, parts, cands = _month_columns(labels)
                columns = _fields(labels, months)
                if len(months) < 2 or m.PROJECT not in columns:
                    continue
                h = _Header(i, rows, labels, months, columns, ranged, earlier, parts, cands)
                # the two-row reading of the same header says more (1月 over 计划数 | 执行数)
                deeper = best is not None and best.rows[0] == r and len(h.rows) > len(best.rows)
                if (
                    best is None
                    or len(h.months) > len(best.months)
                    or (len(h.months) == len(best.months) and deeper)
                ):
                    best = h
    return best


def _month_number(x: object) -> int | None:
    if isinstance(x, (int, float)) and not isinstance(x, bool) and float(x).is_integer() and 1 <= x <= 12:
        return int(x)
    return None


def _numbered_months(row: list[object]) -> bool:
    """A row of 1, 2, 3 … (at least three, rising, nothing else numeric): months typed as numbers."""
    numbers = [x for x in row if isinstance(x, (int, float)) and not isinstance(x, bool)]
    months = [_month_number(x) for x in numbers]
    return len(numbers) >= 3 and None not in months and months == sorted(set(months))


def _with_month(label: str, lower: list[object], c: int) -> str:
    """A column's label with its month number read as a month, under a group label that speaks of
    months ("各月累计执行数"): a 栏次 row (1 2 3 under any header) is not months."""
    k = _month_number(lower[c]) if c < len(lower) else None
    if k is None or "月" not in label or _MONTH.search(label):
        return label
    return f"{label}·{k}月"


def _upper_header_row(sheet: Sheet, r: int) -> bool:
    """Row r can be the upper row of a two-row header: several labels, or one merged across columns
    ("累计执行数" over the months) — not a line of its own such as "填报单位：唐山市科协"."""
    filled = [c for c, x in enumerate(sheet.rows[r]) if _label(x)]
    if len(filled) >= 2:
        return True
    return bool(filled) and any(
        r0 <= r <= r1 and c0 == filled[0] and c1 > c0 for r0, c0, r1, c1 in sheet.merged
    )


def _label(x: object) -> str:
    if isinstance(x, str):
        return normalize_label(x)
    if (
        isinstance(x, (int, float))
        and not isinstance(x, bool)
        and 190001 <= x <= 210012
        and float(x).is_integer()
    ):
        return str(int(x))  # 202301: a month typed as a number
    return ""


def looks_like_monthly(sheets: list[Sheet]) -> bool:
    return _find_header(sheets) is not None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def read_monthly(data: bytes, filename: str) -> MonthlyTable:
    return read_monthly_sheets(load_sheets(data, filename), filename)


def read_monthly_sheets(sheets: list[Sheet], filename: str) -> MonthlyTable:
    h = _find_header(sheets)
    if h is None:
        raise m.IngestError(NO_MONTHS_MESSAGE)
    first = _read_table(sheets, h, filename)
    return join_unit_sheets(
        sheets, h, first, lambda s: _find_header([s]), lambda s, hh: _read_table([s], hh, filename)
    )


def _read_table(sheets: list[Sheet], h: _Header, filename: str) -> MonthlyTable:
    sheet = sheets[h.sheet_index]
    findings: list[m.Finding] = []
    first_data = h.rows[-1] + 1
    title = " ".join(_text(x) for row in sheet.rows[: h.rows[0]] for x in row if _text(x))
    header_text = " ".join(h.labels)

    # 金额单位: the months' own label, else the budget's, else a "单位：元" line above the header; the
    # budget's own label wins for the budget ("全年预算（元）" beside months in 万元)
    month_unit = next((u for u in (amount_unit_of_label(h.labels[c]) for c in h.months.values()) if u), None)
    budget_unit = amount_unit_of_label(h.labels[h.columns[m.BUDGET]]) if m.BUDGET in h.columns else None
    line_unit = find_amount_unit_line(sheet.rows, h.rows[0] + 1) or find_amount_unit_line(
        sheet.rows[first_data:], 1
    )
    at, under = units.units_row_at(sheet, first_data)  # 元 | 元 | … on a row of its own under the header
    if at is not None:
        first_data = at + 1
        month_unit = month_unit or next((under[c] for c in h.months.values() if c in under), None)
        budget_unit = budget_unit or (under.get(h.columns[m.BUDGET]) if m.BUDGET in h.columns else None)
    unit_found = month_unit or budget_unit or line_unit
    # divisors to 万元 (a division is exact where multiplying by 0.0001 is not: 832520 元 → 83.252);
    # 千元, 百万元 and 亿元 as the 汇总表 reader takes them (they were read as 万元)
    scale = 1.0 / units.factor_of(unit_found)
    budget_scale = 1.0 / units.factor_of(budget_unit or unit_found)
    if month_unit and budget_unit and month_unit != budget_unit:
        findings.append(
            m.Finding(
                "info",
                "AMOUNT_UNITS_MIXED",
                f"工作表「{sheet.name}」",
                f"预算列按{budget_unit}、月份列按{month_unit}填写，已分别换算为万元。",
            )
        )
    if unit_found is None:
        c = h.columns.get(m.BUDGET, h.months[max(h.months)])
        median = units.median_amount(sheet, c, h.rows[-1] + 1)
        if median is not None and median > units.ASSUMED_YUAN_MEDIAN:  # as 万元, each project over 1 亿元
            scale = budget_scale = 10000.0
            findings.append(
                m.Finding(
                    "warning",
                    "AMOUNT_UNIT_ASSUMED",
                    f"工作表「{sheet.name}」",
                    f"表中未注明金额单位。金额的中位数为 {median:,.2f}，按万元理解每个项目超过 1 亿元，已按元读取。",
                )
            )
        else:
            findings.append(
                m.Finding(
                    "info",
                    "AMOUNT_UNIT_ASSUMED",
                    f"工作表「{sheet.name}」",
                    "表中未注明金额单位，按万元读取。",
                )
            )

    said = parts_of.columns_said(h.labels, h.candidates, h.months, h.parts, sheet.name)
    findings.extend([said] if said else [])
    if h.earlier_year:
        passed = "、".join(f"「{h.labels[c]}」" for c in h.earlier_year[:3])
        said = f"{passed}是往年的月份，不是本年的执行数：未读取。"
        findings.append(m.Finding("info", "EARLIER_YEAR_MONTHS", f"工作表「{sheet.name}」", said))
    records = []
    grand: tuple[float | None, float | None] | None = None
    after_total = False
    section_unit: str | None = None
    last_unit: str | None = None
    unit_col = h.columns.get(m.UNIT)
    seen_note = False
    since_total = 0  # the records since the last total row
    closed = False
    text_only: set[int] = set()  # records whose row holds a name and nothing else
    subtotals_above: bool | None = None
    unit_ahead: str | None = None  # the unit of the 小计 printed above the rows that follow
    bare_rows: list[int] = []  # units named on rows of their own, from the first row under the header
    # each header cell's label, and for a two-row header its parts ("累计执行数·1月": the page break may
    # repeat either row)
    header_cells = {
        c: {normalize_label(x), *map(normalize_label, x.split("·"))} for c, x in enumerate(h.labels) if x
    }
    sheet, hidden = without_hidden(sheet, first_data)  # stale rows left out, as every reader does
    findings.extend([hidden] if hidden else [])
    progress: list[int] = []  # 序时进度 rows: the yardstick, not a project
    for r in range(first_data, len(sheet.rows)):
        row = sheet.rows[r]
        name = _text(row[h.columns[m.PROJECT]])
        unit_cell = _text(row[unit_col]) if unit_col is not None else ""
        if TIME_PROGRESS.match(name or unit_cell):
            progress.append(r + 1)
            continue
        amounts = {}
        bad = []
        for month, c in h.months.items():
            for cc in [c, *h.parts.get(month, ())]:
                x, status = v.parse_number(row[cc])
                if status == v.BAD:
                    bad.append(cc)
                elif x is not None:
                    amounts[month] = (amounts.get(month) or 0.0) + x / scale
            amounts.setdefault(month, None)
        budget = None
        if m.BUDGET in h.columns:
            budget, _ = v.parse_number(row[h.columns[m.BUDGET]])
            budget = None if budget is None else budget / budget_scale
        if budget is None and all(a is None for a in amounts.values()):
            # no money on the row: a note or signature line, a page break's mark, the header repeated
            # on a printed page, or anything under a note is not a project
            first_text = next((_text(x) for x in row if _text(x)), "")
            if NOTE_PREFIX.match(first_text):
                seen_note = True
                continue
            repeated = sum(
                normalize_label(_text(x)) in header_cells.get(c, ()) for c, x in enumerate(row) if _text(x)
            )
            if (
                CONTINUED.match(first_text)
                or find_amount_unit_line([row], 1)
                or repeated >= 3
                or seen_note
                or closed
            ):
                continue  # (under the 合计, a row without money is a remark, not a project)
        for c in bad:
            findings.append(
                m.Finding(
                    "warning",
                    "UNPARSEABLE_VALUE",
                    f"第{r + 1}行「{name}」，列「{h.labels[c]}」",
                    f"“{_text(row[c])}”不是金额，按空白处理。",
                    sheet_row=r + 1,
                )
            )
        if TOTAL.search(name) or TOTAL.search(unit_cell):
            after_total = True
            label = normalize_label(name or unit_cell)
            if "小计" not in label and not TOTAL.sub("", label).strip("：:"):
                grand = (budget, amounts)  # the table's 合计: it decides what is a heading
                closed = bool(records)  # a 合计 under projects closes the table
            named = TOTAL.sub("", label).strip("：:-—()（）")
            if unit_col is None and named and has_prefix(label) and not _SECTION.match(named):
                # "科协本级小计": with no 单位 column it names the unit of its rows, which are under it
                # when the first such row stands above any project
                if subtotals_above is None:
                    subtotals_above = not records
                if subtotals_above:  # nearer than a section heading above it ("一、按单位")
                    unit_ahead, section_unit = named, None
                for rec in [] if subtotals_above else records[since_total:]:
                    rec[m.UNIT] = rec[m.UNIT] or named
            since_total = len(records)
            continue
        if after_total and BREAKDOWN.match(name):
            # "其中：财政拨款" under a 合计 or 小计: a part of that total, not a project
            findings.append(
                m.Finding(
                    "info",
                    "TOTAL_BREAKDOWN",
                    f"第{r + 1}行「{name}」",
                    "这一行是上面合计行的构成（“其中”），不是项目：未计入。",
                    sheet_row=r + 1,
                )
            )
            continue
        if not name:
            if unit_cell:
                last_unit = unit_cell
            if records and not (budget is None and all(a is None for a in amounts.values())):
                parts_of.nameless(sheet, r, h.columns[m.PROJECT], row, records, budget, amounts, findings)
            continue
        no_money = budget is None and all(a is None for a in amounts.values())
        if _SECTION.match(name) and no_money:
            section_unit = _SECTION.sub("", name).strip() or None
            continue
        if (
            unit_col is None
            and no_money
            and (bare_rows or not records)
            and only_name(row, row[h.columns[m.PROJECT]], h.columns.get(m.SEQ))
        ):
            section_unit = name.rstrip("：:")  # "科协本级" alone on the first row: such rows head their units
            bare_rows.append(r + 1)
            continue
        if unit_cell:
            last_unit = unit_cell
        after_total = False
        unit = (unit_cell or last_unit) if unit_col is not None else (section_unit or unit_ahead)
        code = _text(row[h.columns[m.CODE]]) if m.CODE in h.columns else ""
        if no_money and only_name(row, row[h.columns[m.PROJECT]], h.columns.get(m.SEQ)):
            text_only.add(len(records))
        records.append(
            {
                m.SHEET_ROW: r + 1,
                m.UNIT: unit or None,
                m.CODE: code or None,
                m.PROJECT: name,
                m.BUDGET: budget,
                **{f"m{k}": amounts.get(k) for k in MONTHS},
            }
        )
    if progress:
        findings.append(time_progress_said(sheet.name, progress))
    trailing = pop_trailing_text(records, text_only)
    signed = pop_signature_rows(
        records, [sheet.rows[rec[m.SHEET_ROW] - 1] for rec in records], h.columns[m.PROJECT]
    )
    if signed:
        findings.append(
            m.Finding("info", "SIGNATURE_ROWS", f"工作表「{sheet.name}」", signature_rows_said(signed))
        )
        trailing += pop_trailing_text(records, text_only)
    if trailing:
        findings.append(
            m.Finding("info", "TRAILING_TEXT_ROWS", f"工作表「{sheet.name}」", trailing_text_said(trailing))
        )
    if not records:
        raise m.IngestError("月度执行表中没有项目行。")
    if bare_rows:
        findings.append(
            m.Finding("info", "UNIT_HEADING_ROWS", f"工作表「{sheet.name}」", bare_headings_said(bare_rows))
        )
    records = sum_rows_out(records, grand, unit_col is None, findings, sheet, h)
    raw = pd.DataFrame(records)
    values = raw[list(MONTH_COLUMNS)].to_numpy(dtype=float, copy=True)
    months_not_yet(values, title, filename, findings, sheet.name)
    with_data = [k for k in MONTHS if not np.isnan(values[:, k - 1]).all()]
    if not with_data:
        raise m.IngestError("月度执行表的月份列都是空的，没有可读的执行数。")
    sums = sum_column(sheet, h, raw[m.SHEET_ROW].tolist(), values, scale)
    habit, reason = decide_habit(values, raw[m.BUDGET].to_numpy(dtype=float), h, title, sums)
    findings.insert(
        0,
        m.Finding(
            "info",
            "MONTHLY_HABIT",
            f"工作表「{sheet.name}」",
            f"月份列按{HABIT_LABELS[habit]}读取：{reason}",
        ),
    )
    last = max(with_data)
    cumulative = values.copy() if habit == CUMULATIVE else _accumulate(values, last)
    cumulative[:, last:] = np.nan  # months after the latest with data are not snapshots yet
    for k in set(MONTHS) - set(h.months):
        cumulative[:, k - 1] = np.nan  # quarters: months 3, 6, 9, 12 are the only snapshots
    projects = raw.drop(columns=list(MONTH_COLUMNS))
    for k in MONTHS:
        projects[f"m{k}"] = cumulative[:, k - 1]
    year_hit = (
        _YEAR.search(title)
        or _YEAR.search(header_text)
        or _YEAR.search(filename)
        or next(
            (y for c in h.months.values() if (y := re.match(r"((?:19|20)\d{2})\D?\d", h.labels[c]))), None
        )
    )
    return MonthlyTable(
        projects=projects,
        months=[k for k in MONTHS if k <= last and not np.isnan(cumulative[:, k - 1]).all()],
        habit=habit,
        habit_reason=reason,
        year=int(year_hit.group(1)) if year_hit else None,
        file=filename,
        sheet=sheet.name,
        findings=findings,
        month_columns=dict(h.months),
    )


def _accumulate(values: np.ndarray, last: int) -> np.ndarray:
    """Monthly amounts → cumulative. A project exists from its first filled month; a blank month after
    that is a month without spending."""
    out = np.full_like(values, np.nan)
    for i, row in enumerate(values):
        filled = np.nonzero(~np.isnan(row[:last]))[0]
        if not len(filled):
            continue
        start = filled[0]
        out[i, start:last] = np.cumsum(np.nan_to_num(row[start:last]))
    return out


def snapshot_frames(table: MonthlyTable, year: int) -> list[tuple[date, pd.DataFrame]]:
    """One (截至日期, projects with EXECUTED) per month with data; a project is in a month's snapshot
    when its column has an amount there."""
    out = []
    base = table.projects[[m.SHEET_ROW, m.UNIT, m.CODE, m.PROJECT, m.BUDGET]]
    for k in table.months:
        executed = table.projects[f"m{k}"]
        present = executed.notna()
        frame = base[present].copy()
        frame[m.EXECUTED] = executed[present].astype(float)
        out.append((_last_day(year, k), frame.reset_index(drop=True)))
    return out
