"""项目单位自评汇总表 (and any table with one row per project) -> ProjectTable.

Reads what real workbooks carry: title rows, one- or two-row headers, merged unit cells, unit
section rows, 小计/合计/总计 rows above or below their projects, notes under the table, 元 or 万元,
and every rate shape. Nothing here keys on a cell position.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from jixiao import model as m
from jixiao.fmt import NAME_QUOTE, QUOTE, clip
from jixiao.ingest import values as v
from jixiao.ingest.header import (
    PROJECT_COUNT,
    HeaderGuess,
    ReadOptions,
    assign_columns,
    normalize_label,
)
from jixiao.ingest.money_units import amount_unit_of_label, find_amount_unit_line
from jixiao.ingest.workbook import Sheet
from jixiao.summary import blocks, derived, edges, layout, merged_rows, repeats, sum_rows, units, year_rows
from jixiao.summary import cells as cells_mod
from jixiao.summary import columns as value_columns
from jixiao.summary.sheets import (
    choose_table,
    combine_sheets,
    headerless_continuations,
    side_by_side,
    to_absolute,
)

_TOTAL_CHAR = re.compile("[小合总共汇]")  # cheap pre-check before the _TOTAL regex
_TOTAL = blocks.TOTAL
_NOTE_PREFIX = edges.NOTE_PREFIX
_BREAKDOWN_ROW = re.compile(r"^[（(]?其中[)）]?\s*[:：]?$")
_CONTINUED = edges.CONTINUED
_SECTION = edges.SECTION
_SECTION_PREFIX = edges.SECTION_PREFIX

NO_HEADER_MESSAGE = (
    "没有找到可识别的表头。表格中需要有“项目名称”一列，以及“预算数”“执行数”或“自评得分”中的至少一列"
    "（列名可以是“全年预算数”“调整后预算数”“实际执行数”“支出数”等常见写法）。"
)


def read_project_table(
    sheets: list[Sheet],
    filename: str,
    *,
    sheet: str | None = None,
    header_rows: list[int] | None = None,
    columns: dict[str, int] | None = None,
    amount_unit: str | None = None,
    report_year: int | None = None,
    include_hidden: bool = False,
) -> m.ProjectTable:
    """Find the table and read it. Overrides (1-based header rows, field -> column, the report year,
    whether hidden rows and columns count) come from the import page when a user corrects what was
    detected."""
    opts = ReadOptions(report_year=report_year, include_hidden=include_hidden, filename=filename)
    guess, alternatives = choose_table(sheets, sheet, header_rows, opts)
    sheet_notes = layout.hidden_sheet_findings(sheets, guess, chosen_by_user=sheet is not None, opts=opts)
    if guess is None:
        if not any(s.rows for s in sheets):
            raise m.IngestError("工作表是空的，没有任何数据。")
        cut = next((n for s in sheets for n in s.notes), "")  # what was left unread may hold the table
        raise m.IngestError(NO_HEADER_MESSAGE + (f"（注意：{cut}）" if cut else ""))
    if columns:
        width = len(guess.labels)
        bad = [f for f, c in columns.items() if not (0 <= c < width)]
        if bad:
            raise m.IngestError("列对应关系有误：所选的列不在表格范围内。")
        # parts are added only to a column the user left as it was detected
        guess.parts = {f: ks for f, ks in guess.parts.items() if columns.get(f) == guess.columns.get(f)}
        guess.columns = dict(columns)
        guess.choices = [ch for ch in guess.choices if ch.field not in columns]
        if m.PROJECT not in guess.columns:
            raise m.IngestError("请为“项目名称”指定一列。")
        if guess.span and not (guess.span[0] <= guess.columns[m.PROJECT] <= guess.span[1]):
            guess.span = None
    guess.columns.pop(PROJECT_COUNT, None)
    if m.PROJECT not in guess.columns:
        raise m.IngestError("请为“项目名称”指定一列。")
    layout.with_initial_fallback(guess)
    prepared = layout.prepare(sheets[guess.sheet_index], guess, opts)
    reader = _Reader(sheets, prepared.guess, filename, amount_unit)
    reader.sheet = prepared.sheet
    reader.prepared = prepared
    reader.alternatives = alternatives
    reader.opts = opts
    try:
        table = reader.read()
    except m.IngestError:
        if include_hidden or not prepared.hidden_rows:
            raise
        # every project row hidden under shown 小计/合计 rows (an outline collapsed by 分级显示): the
        # hidden rows are the table, not drafts beside it
        kept = dict(
            header_rows=header_rows, columns=columns, amount_unit=amount_unit, report_year=report_year
        )
        table = read_project_table(sheets, filename, sheet=reader.sheet.name, include_hidden=True, **kept)
        table.findings.insert(0, edges.collapsed_said(reader.sheet.name, len(prepared.hidden_rows)))
        return table
    table.findings[:0] = sheet_notes
    to_absolute(table.source, guess, prepared, opts)
    if getattr(reader, "rows_year", None):
        table.source.report_year = reader.rows_year  # the year of the rows read, shown on 数据导入
    table.source.header_weights = getattr(reader, "header_weights", {}) or {}
    if sheet is None and header_rows is None and not columns:

        def read_sheet(name: str) -> m.ProjectTable:
            return read_project_table(
                sheets,
                filename,
                sheet=name,
                amount_unit=amount_unit,
                report_year=report_year,
                include_hidden=include_hidden,
            )

        table = combine_sheets(sheets, guess, alternatives, table, read_sheet, opts)
        table.findings += headerless_continuations(sheets, alternatives, table) + side_by_side(sheets, table)
    return table


class _Reader:
    def __init__(self, sheets: list[Sheet], guess: HeaderGuess, filename: str, amount_unit: str | None):
        self.sheets = sheets
        self.sheet = sheets[guess.sheet_index]
        self.guess = guess
        self.cols = guess.columns
        self.filename = filename
        self.findings: list[m.Finding] = []
        self.forced_unit = amount_unit
        self.unlabelled_checks = 0  # nameless rows compared with the sums above them (edges.py)
        self.headers = {f: guess.labels[c] for f, c in self.cols.items()}
        for f, others in guess.parts.items():  # an amount added from its parts: every part named
            self.headers[f] = "＋".join(guess.labels[c] for c in (self.cols[f], *others))

    # --- where things are, in words ---------------------------------------------------------
    def where(self, sheet_row: int, project: str | None = None, fieldname: str | None = None) -> str:
        # a CSV has no sheets: its one "sheet" is the file itself
        csv = str(self.filename or "").lower().endswith((".csv", ".txt"))
        s = f"第{sheet_row}行" if csv else f"工作表「{self.sheet.name}」第{sheet_row}行"
        if project:
            s += f"「{clip(project, NAME_QUOTE)}」"
        if fieldname:
            s += f"，列「{self.headers.get(fieldname) or m.FIELD_LABELS.get(fieldname, fieldname)}」"
        return s

    def add(self, severity: str, code: str, where: str, message: str, row: int | None = None, fieldname=None):
        self.findings.append(m.Finding(severity, code, where, message, row, fieldname))

    def note(self, code: str, message: str) -> None:  # an info about the sheet as a whole
        self.add("info", code, f"工作表「{self.sheet.name}」", message)

    # --- amount unit --------------------------------------------------------------------------
    def amount_factor(self) -> tuple[dict[str, float], str]:
        return units.amount_factors(self)

    # --- rows ---------------------------------------------------------------------------------
    def cell(self, row: list[Any], fieldname: str) -> Any:
        c = self.cols.get(fieldname)
        return row[c] if c is not None and c < len(row) else ""

    def merged_fill(self) -> dict[int, dict[int, Any]]:
        """Row -> {column: value} of the merged cells below a range's first row (by row, so a sheet
        whose unit column is merged down 50,000 rows touches only that column)."""
        fill: dict[int, dict[int, Any]] = {}
        for r0, c0, r1, c1 in self.sheet.merged:
            if r1 > r0:
                value = self.sheet.rows[r0][c0] if r0 < len(self.sheet.rows) else ""
                cells = dict.fromkeys(range(c0, c1 + 1), value)
                for r in range(r0 + 1, min(r1 + 1, len(self.sheet.rows))):
                    at = fill.get(r)
                    if at is None:
                        fill[r] = cells  # shared: rows only read it
                    else:
                        fill[r] = {**at, **cells}
        return fill

    def read(self) -> m.ProjectTable:
        factor, unit_text = self.amount_factor()  # factor: 万元 per unit of each amount column
        self.findings.extend(layout.reading_findings(self))
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
        self.header_cols = sorted(set(self.cols.values()))

        recs: list[dict[str, Any]] = []  # light records: sheet row, project, unit (for totals)
        cells: list[list[Any]] = []  # the (merge-filled) row of each project
        totals: list[dict[str, Any]] = []
        current_unit: str | None = None
        section_unit: str | None = None
        # recs since the last subtotal / grand-total boundary: always a run, kept as where it starts
        sub_start = grand_start = 0
        pending: list[tuple[dict[str, Any], int]] = []  # totals printed above the projects they cover
        seen_note = False
        bare_headings = False  # the first row under the header held a unit's name alone
        bare_rows: list[int] = []
        text_only: set[int] = set()  # recs whose row holds a name and nothing else
        mark_next = False
        tail = -1  # the last sheet row of the last project (a name may go on to the row under it)
        continued: list[int] = []
        gap = False  # a blank row or a 合计 since the last project row
        unnamed_first = False  # the first row has money and no name: perhaps a 合计 printed on top
        closed = False  # a 合计 has closed the table: a header under it may start another table
        between: list[str] = []  # the text rows since then
        project_col = self.cols[m.PROJECT]
        unit_col = edges.unit_column_in_use(rows, first, self.cols, amount_cols)

        def close(rec: dict[str, Any], start: int, is_sub: bool) -> None:
            """A total row covering the projects from ``start`` (printed above them: those under it)."""
            nonlocal sub_start, grand_start, mark_next, gap, closed
            if start < len(recs):
                self.cover(rec, recs, range(start, len(recs)))
            else:
                pending.append((rec, len(recs)))  # it covers every project from here on
            totals.append(rec)
            mark_next = False
            sub_start = len(recs)
            if not is_sub:
                grand_start = len(recs)
                gap = closed = True  # after the 合计, a header of another table ends this one
                between.clear()

        for r in range(first, len(rows)):
            row = rows[r]
            if not recs and r < first + 3 and edges.column_numbers(row):
                continue  # 栏次: 甲 乙 1 2 3 under the header
            filled = fill.get(r)
            if filled:
                if (
                    amount_cols[0] in filled
                    and tail == r - 1
                    and edges.name_goes_on(row, filled, amount_cols, project_col)
                ):
                    recs[-1][m.PROJECT] += row[project_col].strip()  # its money is merged over this row
                    tail = r
                    continued.append(r + 1)
                    continue
                row = list(row)
                for c, value in filled.items():
                    if row[c] == "":
                        row[c] = value
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
                and not _TOTAL_CHAR.search(project_raw)
                and (project := project_raw.strip()) not in v.NA_NAMES
            ):
                # The common case on a large sheet: a plain project row.
                if "\n" in project:
                    project = edges.one_line(project)
                if not project:
                    project = self.unnamed(r + 1)
            else:
                if not any(x != "" for x in row):
                    gap = bool(recs)
                    continue
                sheet_row = r + 1
                labels = [row[c] for c in label_cols if isinstance(row[c], str) and row[c].strip()]
                first_text = next((str(x).strip() for x in row if x != ""), "")
                if _NOTE_PREFIX.match(first_text) and not has_amount:
                    seen_note = True
                    continue
                if not has_amount and (_CONTINUED.match(first_text) or find_amount_unit_line([row], 1)):
                    continue  # a page break's mark; "单位：万元" just under the header (units.py reads it)
                total_label = next((t for t in labels if len(t) <= 30 and _TOTAL.search(t)), None)
                if total_label is not None and edges.numbered_project(
                    self, row, total_label, cells, sub_start, has_amount
                ):
                    total_label = None  # "科技统计数据汇总" numbered among the projects is one of them
                if total_label is not None:
                    rec = self.total_record(row, sheet_row, total_label, factor, current_unit or section_unit)
                    is_sub = rec[m.TOTAL_KIND] == "小计" or blocks.has_prefix(total_label)
                    close(rec, sub_start if is_sub else grand_start, is_sub)
                    continue
                if gap and not has_amount and edges.another_table(self, row, sheet_row, header_fields):
                    break
                project = v.text_of(project_raw) if project_raw != "" else ""
                project = "" if project in v.NA_NAMES else edges.one_line(project)  # "—" where no name goes
                if isinstance(project_raw, (int, float)) and not has_amount:
                    continue  # a 栏次 row (1, 2, 3 …) under the header
                if seen_note and not has_amount:
                    continue
                if not has_amount and self.looks_like_header(row, header_fields):
                    if closed and edges.another_year(self, between, sheet_row):
                        break  # a second table under the 合计, of another year
                    continue  # the header repeated on a printed page break
                # A unit heading row ("一、科协本级"), in the project column or the first filled cell.
                heading = project or first_text
                if not has_amount and _BREAKDOWN_ROW.match(heading):
                    # "其中：" on a row of its own: the row under it is the first part — unless it
                    # follows a 合计 printed above the projects, whose parts are the projects
                    mark_next = not (pending and pending[-1][0] is totals[-1])
                    continue
                if (
                    not has_amount
                    and heading
                    and unit_col is None
                    and (_SECTION.match(heading) or heading.endswith(("：", ":")))
                ):
                    section_unit = _SECTION_PREFIX.sub("", heading).rstrip("：:") or None
                    current_unit = None
                    continue
                if not has_amount and unit_col is not None and _SECTION.match(heading):
                    continue  # "一、科协本级" over rows that name their unit in the 单位 column
                if (
                    unit_col is None
                    and not has_amount
                    and heading
                    and (bare_headings or not recs)
                    and edges.only_name(row, project_raw or heading, self.cols.get(m.SEQ))
                ):
                    # "科协本级" alone on the first row under the header: such rows head their units
                    bare_headings = True
                    section_unit, current_unit = heading.rstrip("：:"), None
                    bare_rows.append(sheet_row)
                    continue
                if (
                    closed
                    and recs
                    and not has_amount
                    and edges.only_name(row, project_raw, self.cols.get(m.SEQ))
                ):
                    between.append(project)  # a remark under the 合计 ("以上数据未经审计"), not a project
                    continue
                if not project:
                    if not has_amount:
                        if closed and first_text:
                            between.append(first_text)  # a title over a table under this one
                        continue
                    start = edges.unlabelled_total(
                        self, row, sheet_row, recs, cells, (sub_start, grand_start), factor
                    )
                    if start is not None:
                        rec = self.total_record(
                            row, sheet_row, edges.UNLABELLED, factor, current_unit or section_unit
                        )
                        if start != grand_start:
                            rec[m.TOTAL_KIND] = "小计"  # the sum of the rows since the last subtotal
                        close(rec, start, start != grand_start)
                        continue
                    project = self.unnamed(sheet_row)
                    unnamed_first = unnamed_first or not recs
            if unit_col is not None:
                unit_raw = row[unit_col]
                if type(unit_raw) is str and unit_raw.strip():
                    current_unit = unit_raw.strip()
            if mark_next:
                project, mark_next = f"其中：{project}", False
            gap = closed = False
            recs.append(
                {
                    m.SHEET_ROW: r + 1,
                    m.PROJECT: project,
                    m.UNIT: current_unit if unit_col is not None else section_unit,
                }
            )
            cells.append(row)
            tail = r
            if not has_amount and edges.only_name(row, project_raw, self.cols.get(m.SEQ)):
                text_only.add(len(recs) - 1)

        if continued:
            self.note("NAME_CONTINUED", edges.continued_said(continued))
        kept = repeats.drop_repeated_block(self, recs, cells, totals, factor)
        text_only = {i for i in text_only if i < kept}
        progress = edges.pop_time_progress(recs, cells, text_only)
        if progress:
            self.findings.append(edges.time_progress_said(self.sheet.name, progress))
        trailing = edges.pop_trailing_text(recs, text_only, cells)
        signed = edges.pop_signature_rows(recs, cells, project_col)
        if signed:
            self.note("SIGNATURE_ROWS", edges.signature_rows_said(signed))
            trailing += edges.pop_trailing_text(recs, text_only, cells)
        if trailing:
            self.note("TRAILING_TEXT_ROWS", edges.trailing_text_said(trailing))
        for p, start in pending:
            self.cover(p, recs, range(start, len(recs)))
        edges.unnumbered_total_projects(self, recs, cells, totals, factor)
        if bare_rows:
            self.note("UNIT_HEADING_ROWS", edges.bare_headings_said(bare_rows))
        if unnamed_first and len(recs) > 2:
            edges.unlabelled_total_on_top(self, recs, cells, totals, factor)
        sum_rows.subtotals_above(self, recs, cells, totals, factor)
        recs, cells = year_rows.keep_report_year(self, recs, cells, totals)
        if unit_col is None:
            sum_rows.units_from_subtotals(recs, totals)
        recs, cells = sum_rows.total_breakdowns(self, recs, cells, totals, factor)
        recs, cells = layout.split_parents(self, recs, cells, totals, factor)
        if not recs:
            raise m.IngestError(
                f"在工作表「{self.sheet.name}」找到了表头（第{self.guess.header_rows[0] + 1}行），但表头下面没有项目数据。"
            )
        columns = self.parse_columns(recs, cells, factor, totals)
        self.findings.extend(layout.check_blocks(self, recs, columns, factor))
        units.check_unit_plausible(self, columns[m.BUDGET], unit_text)
        projects = pd.DataFrame({c: columns[c] for c in m.PROJECT_COLUMNS})
        if m.REPORTED_GRADE in columns:
            projects[m.REPORTED_GRADE] = columns[m.REPORTED_GRADE]
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
            mapping=dict(self.headers),
            columns=dict(self.cols),
            headers=list(self.guess.labels),
            sheets=[s.name for s in self.sheets],
            hidden_sheets=[s.name for s in self.sheets if getattr(s, "hidden", False)],
            title=" ".join(
                str(x).strip()
                for row in rows[: self.guess.header_rows[0]]
                for x in row
                if isinstance(x, str) and x.strip()
            ),
        )
        return m.ProjectTable(projects=projects, totals=totals_df, source=source, findings=self.findings)

    def looks_like_header(self, row: list[Any], header_fields: set[str]) -> bool:
        # only the header's own columns: a header printed again has its labels where they were, and a
        # sheet of 200 text columns asked this on every row took seconds
        labels = [
            normalize_label(row[c]) if c < len(row) and isinstance(row[c], str) else ""
            for c in self.header_cols
        ]
        cols, _ = assign_columns(labels)
        return len(set(cols) & header_fields) >= 3

    def cover(self, rec: dict[str, Any], recs: list[dict[str, Any]], covered: range) -> None:
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
        return f"{edges.UNNAMED}，第{sheet_row}行）"

    def bad_value(self, sheet_row: int, project: str, fieldname: str, raw: Any, what: str) -> None:
        self.add(
            "warning",
            "UNPARSEABLE_VALUE",
            self.where(sheet_row, project, fieldname),
            f"单元格内容“{clip(v.text_of(raw), QUOTE)}”{what}，已按缺失处理。",
            sheet_row,
            fieldname,
        )

    def amount(
        self, row: list[Any], fieldname: str, sheet_row: int, label: str, factor: float
    ) -> float | None:
        """One amount cell (total rows); project rows go through ``value_columns.parse``."""
        if fieldname not in self.cols:
            return None
        raw = row[self.cols[fieldname]]
        x, status = v.parse_number(raw)
        if status == v.BAD:
            if value_columns.nonfinite_text(raw):
                self.report(
                    value_columns.Issue(
                        0, fieldname, value_columns.IMPLAUSIBLE, v.text_of(raw), "不是有限的数值"
                    ),
                    sheet_row,
                    label,
                )
            else:
                self.bad_value(sheet_row, label, fieldname, raw, "不是数字")
            return None
        if x is None:
            return None
        if fieldname != m.REPORTED_SCORE:
            factor = v.written_factor(raw) or factor  # "39万元" in a 元 column
        why = value_columns.implausible(fieldname, x * factor)
        if why:
            self.report(
                value_columns.Issue(0, fieldname, value_columns.IMPLAUSIBLE, v.text_of(raw), why),
                sheet_row,
                label,
            )
            return None
        return x * factor

    def report(self, issue: value_columns.Issue, sheet_row: int, project: str) -> None:
        """A cell ``columns`` could not take as it stands, as a finding that quotes it."""
        where = self.where(sheet_row, project, issue.field)
        if issue.code == value_columns.IMPLAUSIBLE:
            message = f"单元格内容“{clip(issue.raw, QUOTE)}”{issue.what}，已剔除，不计入合计和平均数。"
        elif issue.code == value_columns.WITHOUT_PERCENT:
            message = f"“{clip(issue.raw, QUOTE)}”{issue.what}。"
        elif issue.field == m.SELF_FLAG:
            message = f"“{clip(issue.raw, QUOTE)}”无法识别为“是/否”，已按未填写处理。"
        else:
            message = f"单元格内容“{clip(issue.raw, QUOTE)}”{issue.what}，已按缺失处理。"
        self.add("warning", issue.code, where, message, sheet_row, issue.field)

    def parse_columns(
        self, recs, cells, factor: dict[str, float], totals: list[dict[str, Any]]
    ) -> dict[str, Any]:
        parsed = value_columns.parse(cells, self.cols, factor)
        cells_mod.extra_columns(self, cells, parsed, factor)
        for issue in parsed.issues:
            rec = recs[issue.index]
            self.report(issue, rec[m.SHEET_ROW], rec[m.PROJECT])
        edges.written_cells_said(self, parsed)
        merged_rows.merged_projects(self, recs, cells, parsed.columns)
        sum_rows.heading_sums(self, recs, cells, parsed.columns, totals, factor)
        for t in totals:
            t.pop(sum_rows.UNIT_FROM_ABOVE, None)
            rate = t.pop("_rate", None)
            if m.REPORTED_RATE in self.cols:
                t[m.REPORTED_RATE] = self.total_rate(rate, parsed.rate_style, t)
        derived.amounts_from_rates(self, parsed.columns)
        out = parsed.columns
        out[m.SHEET_ROW] = [r[m.SHEET_ROW] for r in recs]
        out[m.PROJECT] = [r[m.PROJECT] for r in recs]
        out[m.UNIT] = [r[m.UNIT] for r in recs]
        return out

    def total_rate(self, parsed, style: str, total: dict[str, Any]) -> float | None:
        x = v.to_percent(parsed, style)[0] if parsed else None
        if x is not None and value_columns.implausible(m.REPORTED_RATE, x):
            raw = v.text_of(self.cell(self.sheet.rows[total[m.SHEET_ROW] - 1], m.REPORTED_RATE))
            why = value_columns.implausible(m.REPORTED_RATE, x) or ""
            self.report(
                value_columns.Issue(0, m.REPORTED_RATE, value_columns.IMPLAUSIBLE, raw, why),
                total[m.SHEET_ROW],
                total[m.TOTAL_LABEL],
            )
            return None
        return x

    def total_record(self, row, sheet_row, label, factor: dict[str, float], unit) -> dict[str, Any]:
        compact = normalize_label(label)  # "小  计" typed with spaces to line up
        kind = "小计" if "小计" in compact else "总计" if "总" in compact else "合计"
        rec: dict[str, Any] = {m.SHEET_ROW: sheet_row, m.TOTAL_KIND: kind, m.TOTAL_LABEL: label.strip()}
        unit_cell = self.cell(row, m.UNIT)
        prefix = _TOTAL.sub("", normalize_label(label)).strip("：:-—")
        prefix = "" if blocks.WHOLE_TABLE.match(prefix.strip("()（）")) else prefix
        if isinstance(unit_cell, str) and unit_cell.strip() and not _TOTAL.search(unit_cell):
            rec[m.UNIT] = unit_cell.strip()
        elif prefix:
            rec[m.UNIT] = _SECTION_PREFIX.sub("", prefix) or None
        else:
            rec[m.UNIT] = unit if kind == "小计" else None
            # the unit of the rows above: wrong if it is printed above its rows
            rec[sum_rows.UNIT_FROM_ABOVE] = True
        # "合计（元）" over a 万元 table: its own amounts are in 元
        said = units.factor_of(amount_unit_of_label(label)) if amount_unit_of_label(label) else None
        rec[m.BUDGET] = self.amount(row, m.BUDGET, sheet_row, label, said or factor[m.BUDGET])
        rec[m.EXECUTED] = self.amount(row, m.EXECUTED, sheet_row, label, said or factor[m.EXECUTED])
        rec[m.REPORTED_SCORE] = self.amount(row, m.REPORTED_SCORE, sheet_row, label, 1.0)
        # Converted to percent with its column's style once the whole column is known.
        rec["_rate"] = v.parse_rate(self.cell(row, m.REPORTED_RATE)) if m.REPORTED_RATE in self.cols else None
        return rec
