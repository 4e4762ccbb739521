"""项目单位自评汇总表 (and any table with one row per project) -> ProjectTable.

Reads what real workbooks carry: title rows, one- or two-row headers, merged unit cells, unit
section rows, 小计/合计/总计 rows above or below their projects, notes under the table, 元 or 万元,
and every rate shape. Nothing here keys on a cell position.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from jixiao import model as m
from jixiao.ingest.values import written_factor
from jixiao.ingest.workbook import Sheet
from jixiao.summary import units
from tests.oracle_engine import values as v
from tests.oracle_engine.header import (
    HeaderGuess,
    amount_unit_of_label,
    assign_columns,
    combine_two_rows,
    find_amount_unit_line,
    guess_best,
    guess_header,
    normalize_label,
)

_TOTAL_CHARS = "小合总共汇"  # cheap pre-check before the _TOTAL regex
_TOTAL = re.compile(r"(小计|合计|总计|共计|汇总|合\s*计|总\s*计)")
_NOTE_PREFIX = re.compile(
    r"^(注|备注|说明|填表|制表|审核|复核|负责人|单位负责人|财务负责人|分管|联系人|联系电话|电话|数据来源|填报|经办)"
)
_SECTION = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")
_SECTION_PREFIX = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])\s*"
)

NO_HEADER_MESSAGE = (
    "没有找到可识别的表头。表格中需要有“项目名称”一列，以及“预算数”“执行数”或“自评得分”中的至少一列"
    "（列名可以是“全年预算数”“调整后预算数”“实际执行数”“支出数”等常见写法）。"
)

RATE_FIELDS = (m.REPORTED_RATE, *m.COMPONENT_COLUMNS.values())
COMPONENT_BY_COLUMN = {col: comp for comp, col in m.COMPONENT_COLUMNS.items()}


def read_project_table(
    sheets: list[Sheet],
    filename: str,
    *,
    sheet: str | None = None,
    header_rows: list[int] | None = None,
    columns: dict[str, int] | None = None,
    amount_unit: str | None = None,
) -> m.ProjectTable:
    """Find the table and read it. Overrides (1-based header rows, field -> column) come from the
    import page when a user corrects what was detected."""
    guess = _choose(sheets, sheet, header_rows)
    if guess is None:
        if not any(s.rows for s in sheets):
            raise m.IngestError("工作表是空的，没有任何数据。")
        raise m.IngestError(NO_HEADER_MESSAGE)
    if columns:
        width = len(guess.labels)
        bad = [f for f, c in columns.items() if not (0 <= c < width)]
        if bad:
            raise m.IngestError("列对应关系有误：所选的列不在表格范围内。")
        guess.columns = dict(columns)
        if m.PROJECT not in guess.columns:
            raise m.IngestError("请为“项目名称”指定一列。")
    return _Reader(sheets, guess, filename, amount_unit).read()


def _choose(sheets: list[Sheet], sheet: str | None, header_rows: list[int] | None) -> HeaderGuess | None:
    if sheet is None:
        if header_rows is None:
            return guess_best(sheets)
        index = 0
    else:
        names = [s.name for s in sheets]
        if sheet not in names:
            raise m.IngestError(f"工作簿中没有名为“{sheet}”的工作表。")
        index = names.index(sheet)
    target = sheets[index]
    if header_rows is None:
        return guess_header(target, index)
    rows0 = [r - 1 for r in header_rows]
    if not rows0 or any(not (0 <= r < len(target.rows)) for r in rows0):
        raise m.IngestError("表头行号超出了工作表的范围。")
    if len(rows0) >= 2:
        labels = combine_two_rows(target, rows0[0])
    else:
        labels = [normalize_label(x) if isinstance(x, str) else "" for x in target.rows[rows0[0]]]
    cols, prios = assign_columns(labels)
    return HeaderGuess(index, rows0[:2], labels, cols, prios)


class _Reader:
    def __init__(self, sheets: list[Sheet], guess: HeaderGuess, filename: str, amount_unit: str | None):
        self.sheets = sheets
        self.sheet = sheets[guess.sheet_index]
        self.guess = guess
        self.cols = guess.columns
        self.filename = filename
        self.findings: list[m.Finding] = []
        self.forced_unit = amount_unit
        self.headers = {f: guess.labels[c] for f, c in self.cols.items()}

    # --- where things are, in words ---------------------------------------------------------
    def where(self, sheet_row: int, project: str | None = None, fieldname: str | None = None) -> str:
        s = f"工作表「{self.sheet.name}」第{sheet_row}行"
        if project:
            s += f"「{project}」"
        if fieldname:
            s += f"，列「{self.headers.get(fieldname) or m.FIELD_LABELS.get(fieldname, fieldname)}」"
        return s

    def add(self, severity: str, code: str, where: str, message: str, row: int | None = None, fieldname=None):
        self.findings.append(m.Finding(severity, code, where, message, row, fieldname))

    # --- amount unit --------------------------------------------------------------------------
    def amount_factor(self) -> tuple[float, str]:
        # mirrors the reader's unit decision (a column's header, then how its cells are written, then
        # the unit line); the generated tables have one unit for every column, so one factor does
        top = self.guess.header_rows[-1] + 1
        if self.forced_unit in ("元", "万元"):
            unit = self.forced_unit
        else:
            fields = [f for f in (m.BUDGET, m.EXECUTED) if f in self.cols]
            own = {f: amount_unit_of_label(self.guess.labels[self.cols[f]]) for f in fields}
            line = next((own[f] for f in fields if own[f]), None) or find_amount_unit_line(
                self.sheet.rows, top
            )
            units = [own[f] or self.written_unit(f, top) or line for f in fields]
            if any(u is None for u in units):
                # mirrors the reader (branch reader): a table of scores alone has no unit to assume
                self.add(
                    "info",
                    "AMOUNT_UNIT_ASSUMED",
                    f"工作表「{self.sheet.name}」",
                    "表中没有注明金额单位，已按“万元”处理。",
                )
            unit = (units[0] if units else None) or "万元"
        return (0.0001 if unit == "元" else 1.0), unit

    def written_unit(self, fieldname: str, top: int) -> str | None:
        # the unit decision is not what this oracle checks: the reader's own, shared
        return units.written_unit(self.sheet, self.cols[fieldname], top)

    # --- rows ---------------------------------------------------------------------------------
    def cell(self, row: list[Any], fieldname: str) -> Any:
        c = self.cols.get(fieldname)
        return row[c] if c is not None and c < len(row) else ""

    def merged_fill(self) -> dict[tuple[int, int], Any]:
        fill: dict[tuple[int, int], Any] = {}
        for r0, c0, r1, c1 in self.sheet.merged:
            if r1 > r0:
                value = self.sheet.rows[r0][c0] if r0 < len(self.sheet.rows) else ""
                for r in range(r0 + 1, min(r1 + 1, len(self.sheet.rows))):
                    for c in range(c0, c1 + 1):
                        fill[(r, c)] = value
        return fill

    def read(self) -> m.ProjectTable:
        factor, unit_text = self.amount_factor()
        rows = self.sheet.rows
        first = self.guess.header_rows[-1] + 1
        fill = self.merged_fill()
        label_cols = [
            c
            for c in (self.cols.get(m.SEQ), self.cols.get(m.UNIT), self.cols.get(m.PROJECT), 0, 1)
            if c is not None
        ]
        label_cols = list(dict.fromkeys(c for c in label_cols if c < self.sheet.width))
        amount_cols = [self.cols[f] for f in (m.BUDGET, m.EXECUTED, m.REPORTED_SCORE) if f in self.cols]
        header_fields = set(self.cols)

        recs: list[dict[str, Any]] = []  # light records: sheet row, project, unit (for totals)
        cells: list[list[Any]] = []  # the (merge-filled) row of each project
        totals: list[dict[str, Any]] = []
        current_unit: str | None = None
        section_unit: str | None = None
        since_sub: list[int] = []  # indexes into recs since the last subtotal boundary
        since_grand: list[int] = []
        pending: list[dict[str, Any]] = []  # totals printed above the projects they cover
        seen_note = False
        project_col = self.cols[m.PROJECT]
        unit_col = self.cols.get(m.UNIT)

        for r in range(first, len(rows)):
            row = rows[r]
            if fill:
                row = [fill.get((r, c), x) if x == "" else x for c, x in enumerate(row)]
            has_amount = False
            for c in amount_cols:
                x = row[c]
                if type(x) is float or type(x) is int or (x != "" and v.parse_number(x)[1] == v.OK):
                    has_amount = True
                    break
            project_raw = row[project_col]
            if (
                has_amount
                and type(project_raw) is str
                and project_raw
                and not any(ch in project_raw for ch in _TOTAL_CHARS)
            ):
                # The common case on a large sheet: a plain project row.
                project = project_raw.strip()
                if not project:
                    project = self.unnamed(r + 1)
            else:
                if not any(x != "" for x in row):
                    continue
                sheet_row = r + 1
                labels = [row[c] for c in label_cols if isinstance(row[c], str) and row[c].strip()]
                first_text = next((str(x).strip() for x in row if x != ""), "")
                if _NOTE_PREFIX.match(first_text) and not has_amount:
                    seen_note = True
                    continue
                total_label = next((t for t in labels if len(t) <= 30 and _TOTAL.search(t)), None)
                if total_label is not None:
                    rec = self.total_record(row, sheet_row, total_label, factor, current_unit or section_unit)
                    is_sub = rec[m.TOTAL_KIND] == "小计" or _has_prefix(total_label)
                    covered = since_sub if is_sub else since_grand
                    if covered:
                        self.cover(rec, recs, covered)
                    else:
                        pending.append(rec)
                    totals.append(rec)
                    since_sub = []
                    if not is_sub:
                        since_grand = []
                    continue
                project = v.text_of(project_raw) if project_raw != "" else ""
                if isinstance(project_raw, (int, float)) and not has_amount:
                    continue  # a 栏次 row (1, 2, 3 …) under the header
                if seen_note and not has_amount:
                    continue
                if not has_amount and self.looks_like_header(row, header_fields):
                    continue  # the header repeated on a printed page break
                # A unit heading row ("一、科协本级"), in the project column or the first filled cell.
                heading = project or first_text
                if (
                    not has_amount
                    and heading
                    and unit_col is None
                    and (_SECTION.match(heading) or heading.endswith(("：", ":")))
                ):
                    section_unit = _SECTION_PREFIX.sub("", heading).rstrip("：:") or None
                    current_unit = None
                    continue
                if not project:
                    if not has_amount:
                        continue
                    project = self.unnamed(sheet_row)
            if unit_col is not None:
                unit_raw = row[unit_col]
                if type(unit_raw) is str and unit_raw.strip():
                    current_unit = unit_raw.strip()
            index = len(recs)
            recs.append(
                {
                    m.SHEET_ROW: r + 1,
                    m.PROJECT: project,
                    m.UNIT: current_unit if unit_col is not None else section_unit,
                }
            )
            cells.append(row)
            since_sub.append(index)
            since_grand.append(index)
            for p in pending:
                p.setdefault("_covers", []).append(index)

        for p in pending:
            self.cover(p, recs, p.pop("_covers", []))
        if unit_col is None:
            _units_from_subtotals(recs, totals)
        if not recs:
            raise m.IngestError(
                f"在工作表「{self.sheet.name}」找到了表头（第{self.guess.header_rows[0] + 1}行），但表头下面没有项目数据。"
            )
        columns = self.parse_columns(recs, cells, factor, totals)
        self.check_unit_plausible(columns[m.BUDGET], unit_text)
        projects = pd.DataFrame({c: columns.get(c, [None] * len(recs)) for c in m.PROJECT_COLUMNS})
        totals_df = (
            pd.DataFrame.from_records(totals, columns=list(m.TOTAL_COLUMNS)) if totals else m.empty_totals()
        )
        for s in self.sheets:
            for note in s.notes:
                self.add("warning", "INPUT_TRUNCATED", f"工作表「{s.name}」", note)
        source = m.Source(
            file=self.filename,
            sheet=self.sheet.name,
            header_rows=[r + 1 for r in self.guess.header_rows],
            amount_unit=unit_text,
            mapping={f: self.guess.labels[c] for f, c in self.cols.items()},
            columns=dict(self.cols),
            headers=list(self.guess.labels),
            sheets=[s.name for s in self.sheets],
            title=" ".join(
                str(x).strip()
                for row in rows[: self.guess.header_rows[0]]
                for x in row
                if isinstance(x, str) and x.strip()
            ),
        )
        return m.ProjectTable(projects=projects, totals=totals_df, source=source, findings=self.findings)

    def looks_like_header(self, row: list[Any], header_fields: set[str]) -> bool:
        labels = [normalize_label(x) if isinstance(x, str) else "" for x in row]
        cols, _ = assign_columns(labels)
        return len(set(cols) & header_fields) >= 3

    def cover(self, rec: dict[str, Any], recs: list[dict[str, Any]], covered: list[int]) -> None:
        if covered:
            rec[m.TOTAL_FIRST_ROW] = recs[covered[0]][m.SHEET_ROW]
            rec[m.TOTAL_LAST_ROW] = recs[covered[-1]][m.SHEET_ROW]
            if rec.get(m.UNIT) is None and rec[m.TOTAL_KIND] == "小计":
                units = {recs[i][m.UNIT] for i in covered}
                if len(units) == 1:
                    rec[m.UNIT] = units.pop()

    def unnamed(self, sheet_row: int) -> str:
        self.add(
            "warning",
            "MISSING_PROJECT_NAME",
            self.where(sheet_row),
            "这一行有金额但没有项目名称。",
            sheet_row,
            m.PROJECT,
        )
        return f"（未命名项目，第{sheet_row}行）"

    def bad_value(self, sheet_row: int, project: str, fieldname: str, raw: Any, what: str) -> None:
        self.add(
            "warning",
            "UNPARSEABLE_VALUE",
            self.where(sheet_row, project, fieldname),
            f"单元格内容“{v.text_of(raw)}”{what}，已按缺失处理。",
            sheet_row,
            fieldname,
        )

    def amount(
        self, row: list[Any], fieldname: str, sheet_row: int, label: str, factor: float
    ) -> float | None:
        """One amount cell (total rows); project rows go through ``amount_column``."""
        if fieldname not in self.cols:
            return None
        raw = row[self.cols[fieldname]]
        x, status = v.parse_number(raw)
        if status == v.BAD:
            self.bad_value(sheet_row, label, fieldname, raw, "不是数字")
            return None
        if x is not None and fieldname != m.REPORTED_SCORE:
            factor = written_factor(raw) or factor  # a cell that writes its own unit keeps it
        return x * factor if x is not None else None

    def amount_column(self, recs, cells, fieldname: str, factor: float) -> list[float | None]:
        n = len(recs)
        if fieldname not in self.cols:
            return [None] * n
        c = self.cols[fieldname]
        out: list[float | None] = []
        for i, row in enumerate(cells):
            x = row[c]
            t = type(x)
            if t is float or t is int:
                out.append(x * factor)
            elif x == "":
                out.append(None)
            else:
                value, status = v.parse_number(x)
                if status == v.BAD:
                    self.bad_value(recs[i][m.SHEET_ROW], recs[i][m.PROJECT], fieldname, x, "不是数字")
                if value is not None and fieldname != m.REPORTED_SCORE:
                    value *= written_factor(x) or factor
                    out.append(value)
                    continue
                out.append(value * factor if value is not None else None)
        return out

    def parse_columns(self, recs, cells, factor: float, totals: list[dict[str, Any]]) -> dict[str, list[Any]]:
        n = len(recs)
        cols: dict[str, list[Any]] = {
            m.SHEET_ROW: [r[m.SHEET_ROW] for r in recs],
            m.PROJECT: [r[m.PROJECT] for r in recs],
            m.UNIT: [r[m.UNIT] for r in recs],
        }
        for fieldname in (m.SEQ, m.CODE):
            c = self.cols.get(fieldname)
            cols[fieldname] = (
                [None] * n if c is None else [v.text_of(row[c]) if row[c] != "" else None for row in cells]
            )
        cols[m.BUDGET] = self.amount_column(recs, cells, m.BUDGET, factor)
        cols[m.EXECUTED] = self.amount_column(recs, cells, m.EXECUTED, factor)
        cols[m.REPORTED_SCORE] = self.amount_column(recs, cells, m.REPORTED_SCORE, 1.0)
        na: list[list[str]] = [[] for _ in range(n)]
        for f in RATE_FIELDS:
            c = self.cols.get(f)
            cols[f] = (
                [None] * n
                if c is None
                else self.rate_column(recs, f, [row[c] for row in cells], na, totals, cols)
            )
        cols.setdefault(m.REPORTED_RATE_DECIMALS, [None] * n)
        cols[m.NA_COMPONENTS] = [tuple(x) for x in na]
        c = self.cols.get(m.SELF_FLAG)
        flags: list[bool | None] = []
        for i, row in enumerate(cells if c is not None else []):
            raw = row[c]
            flag, status = v.parse_yes_no(raw)
            if status == v.BAD:
                self.add(
                    "warning",
                    "UNPARSEABLE_VALUE",
                    self.where(recs[i][m.SHEET_ROW], recs[i][m.PROJECT], m.SELF_FLAG),
                    f"“{v.text_of(raw)}”无法识别为“是/否”，已按未填写处理。",
                    recs[i][m.SHEET_ROW],
                    m.SELF_FLAG,
                )
            flags.append(flag)
        cols[m.SELF_FLAG] = flags if c is not None else [None] * n
        return cols

    def rate_column(self, recs, f: str, col: list[Any], na, totals, cols) -> list[float | None]:
        """One rate column to percent. Number cells are handled as one array (a 50,000-row sheet is
        mostly numbers); text cells ('86.23%', '80.34', '/') one by one. Whether a bare number is a
        fraction or a percent is decided for the whole column; a forgotten % sign is a finding."""
        nan = float("nan")
        # numbers typed or written as text without a % sign; text with a % sign
        bare_list = [x if (type(x) is float or type(x) is int) else nan for x in col]
        signed_list = [nan] * len(col)
        text_decimals: dict[int, int] = {}
        for i, x in enumerate(col):
            if type(x) is float or type(x) is int or x == "":
                continue
            value, status, has_pct, decimals = v.parse_rate(x)
            if status == v.OK:
                (signed_list if has_pct else bare_list)[i] = value
                text_decimals[i] = decimals
            elif status == v.BAD:
                self.bad_value(recs[i][m.SHEET_ROW], recs[i][m.PROJECT], f, x, "不是百分比或数字")
            elif status == v.NA and f in COMPONENT_BY_COLUMN:
                na[i].append(COMPONENT_BY_COLUMN[f])
        bare, signed = np.array(bare_list, dtype=float), np.array(signed_list, dtype=float)
        style = v.rate_style(bare, int((~np.isnan(signed)).sum()))
        out = np.where(~np.isnan(signed), signed, bare)
        if style == "fraction":
            fraction = np.abs(bare) <= v.FRACTION_MAX
            out = np.where(fraction, bare * 100.0, out)
            for i in np.nonzero(~np.isnan(bare) & ~fraction)[0].tolist():
                raw = v.text_of(col[i]) if isinstance(col[i], str) else v.text_of(bare[i])
                self.add(
                    "warning",
                    "RATE_WITHOUT_PERCENT",
                    self.where(recs[i][m.SHEET_ROW], recs[i][m.PROJECT], f),
                    f"“{raw}”缺少百分号（同列其他单元格是百分比），已按 {raw}% 理解。",
                    recs[i][m.SHEET_ROW],
                    f,
                )
        if f == m.REPORTED_RATE:
            for t in totals:
                parsed = t.pop("_rate", None)
                t[m.REPORTED_RATE] = v.to_percent(parsed, style)[0] if parsed else None
            # A number cell has no printed precision of its own: it shows what the column shows;
            # a text cell shows its own ('96.3%' has one decimal).
            typed = ~np.isnan(out)
            for i in text_decimals:
                typed[i] = False
            column = _column_decimals(out[typed].tolist())
            decimals = np.where(np.isnan(out), np.nan, float(column))
            for i, d in text_decimals.items():
                if d is not None:
                    # a text fraction '0.9875' shows 98.75: two decimals fewer in percent
                    as_fraction = (
                        style == "fraction" and np.isnan(signed[i]) and abs(bare[i]) <= v.FRACTION_MAX
                    )
                    decimals[i] = min(max(d - 2, 0) if as_fraction else d, 4)
            cols[m.REPORTED_RATE_DECIMALS] = [None if d != d else int(d) for d in decimals.tolist()]
        return [None if x != x else x for x in out.tolist()]

    def total_record(self, row, sheet_row, label, factor, unit) -> dict[str, Any]:
        kind = "小计" if "小计" in label else "总计" if "总" in label else "合计"
        rec: dict[str, Any] = {m.SHEET_ROW: sheet_row, m.TOTAL_KIND: kind, m.TOTAL_LABEL: label.strip()}
        unit_cell = self.cell(row, m.UNIT)
        prefix = _TOTAL.sub("", normalize_label(label)).strip("：:-—")
        if isinstance(unit_cell, str) and unit_cell.strip() and not _TOTAL.search(unit_cell):
            rec[m.UNIT] = unit_cell.strip()
        elif prefix:
            rec[m.UNIT] = _SECTION_PREFIX.sub("", prefix) or None
        else:
            rec[m.UNIT] = unit if kind == "小计" else None
        rec[m.BUDGET] = self.amount(row, m.BUDGET, sheet_row, label, factor)
        rec[m.EXECUTED] = self.amount(row, m.EXECUTED, sheet_row, label, factor)
        rec[m.REPORTED_SCORE] = self.amount(row, m.REPORTED_SCORE, sheet_row, label, 1.0)
        # Converted to percent with its column's style once the whole column is known.
        rec["_rate"] = v.parse_rate(self.cell(row, m.REPORTED_RATE)) if m.REPORTED_RATE in self.cols else None
        return rec

    def check_unit_plausible(self, budget_column: list[float | None], unit_text: str) -> None:
        # the unit warning is a sheet-level judgement, not a per-row path: the reader's own, shared
        units.check_unit_plausible(self, budget_column, unit_text)


def _units_from_subtotals(recs: list[dict[str, Any]], totals: list[dict[str, Any]]) -> None:
    """With no 单位 column and no heading rows, "科协本级小计" still names the unit of the rows it sums."""
    for t in totals:
        first, last, unit = t.get(m.TOTAL_FIRST_ROW), t.get(m.TOTAL_LAST_ROW), t.get(m.UNIT)
        if t[m.TOTAL_KIND] != "小计" or unit is None or first is None:
            continue
        for rec in recs:
            if first <= rec[m.SHEET_ROW] <= last and rec[m.UNIT] is None:
                rec[m.UNIT] = unit


def _column_decimals(percents: list[float | None]) -> int:
    """How many decimals (0–2) number cells of a rate column show, judged from their values."""
    a = np.array([x for x in percents if x is not None], dtype=float)
    if not len(a):
        return 0
    for d in (0, 1):
        if np.all(np.abs(a * 10**d - np.round(a * 10**d)) <= 1e-6):
            return d
    return 2


def _has_prefix(label: str) -> bool:
    """'科协本级合计' covers its unit, like a 小计; a bare '合计' covers the table."""
    rest = _TOTAL.sub("", normalize_label(label)).strip("：:-—()（）")
    rest = re.sub(r"^[\d一二三四五六七八九十、.．]+$", "", rest)
    return bool(rest)
