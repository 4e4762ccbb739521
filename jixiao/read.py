"""The one router: bytes → a Dataset of the right kind (project table, forms, 决算 figures).

The only module that knows every kind of document; each kind's package knows only itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jixiao import model as m
from jixiao.ingest.workbook import Sheet, load_sheets, split_hidden
from jixiao.summary.read import read_project_table

DEFAULT_DEVIATION = 20.0  # percent: 完成值 further than this from 指标值 is a deviation
FINAL_BESIDE = "FINAL_ACCOUNTS_BESIDE_FORMS"
# a table with any of these is a 绩效 table, not a 预算执行 list of 决算 numbers
_PERFORMANCE_FIELDS = {m.REPORTED_SCORE, m.SELF_FLAG, *m.COMPONENT_COLUMNS.values()}


@dataclass
class Dataset:
    kind: str
    table: m.ProjectTable | None  # the project table every dashboard page shows (forms roll up into one)
    detail: Any = None  # FormsDataset / FinalAccounts for the pages of that kind
    extra_doc: dict[str, Any] | None = None  # what the CLI adds for that kind
    # 决算 figures read from the same file as forms (a 决算 report with its 自评表 annexed)
    final_accounts: Any = None


def read_dataset(
    data: bytes, filename: str, *, target_deviation: float = DEFAULT_DEVIATION, **overrides: Any
) -> Dataset:
    """Read any supported file. ``overrides`` (sheet, header_rows, columns, amount_unit, report_year,
    include_hidden) apply to project tables: they are what a user corrected on the import page."""
    sheets = load_sheets(data, filename)
    if overrides:
        return Dataset(m.KIND_PROJECT_TABLE, read_project_table(sheets, filename, **overrides))
    shown, hidden = split_hidden(sheets)
    found = _forms_or_figures(sheets, shown, filename, target_deviation)
    if found is not None or not hidden:
        return found or Dataset(
            m.KIND_PROJECT_TABLE, _latest_month(sheets, filename, read_project_table(sheets, filename))
        )
    # The sheets people see hold no forms and no figures. A project table on one of them is the file;
    # only when there is none are the hidden sheets (an old year, a backup) asked what they are.
    try:
        table, error = read_project_table(sheets, filename), None
    except m.IngestError as exc:
        table, error = None, exc
    if table is not None and table.source.sheet not in {s.name for s in hidden}:
        return Dataset(m.KIND_PROJECT_TABLE, table)
    found = _forms_or_figures(sheets, hidden, filename, target_deviation)
    if found is not None:
        return found
    if table is None:
        raise error
    return Dataset(m.KIND_PROJECT_TABLE, table)


def _forms_or_figures(
    sheets: list[Sheet], looked_at: list[Sheet], filename: str, target_deviation: float
) -> Dataset | None:
    """Forms or 决算 figures when ``looked_at`` (some of ``sheets``) hold them, read from ``sheets``."""
    from jixiao.final_accounts import read as fa_read
    from jixiao.final_accounts import template as fa_template
    from jixiao.forms.read import looks_like_forms

    if looks_like_forms(looked_at):
        from jixiao.cross_check import check_summary_sheets
        from jixiao.forms.read import parse_sheets
        from jixiao.forms.rollup import forms_doc, forms_to_project_table

        forms = parse_sheets(sheets, filename, deviation=target_deviation / 100.0)
        final, final_sheets = _final_accounts_beside(forms, looked_at, filename)
        others = [s for s in looked_at if s.name not in final_sheets]
        check_summary_sheets(forms, others, filename)  # a 汇总表 beside the forms lists them again
        # A file of 部门整体支出绩效自评表 only is its own kind; mixed with project forms it is read
        # as a set of forms, each marked with its own kind.
        kind = m.KIND_DEPARTMENT_FORM if forms.is_department else m.KIND_SELFEVAL_FORMS
        doc = {"kind": kind, "forms": forms_doc(forms)}
        if final is not None:
            doc["final_accounts"] = fa_template.summary_doc(*final)
        return Dataset(
            kind, forms_to_project_table(forms), forms, doc, final_accounts=final[0] if final else None
        )

    if fa_read.looks_like_final_accounts(looked_at):
        figures, findings = fa_read.from_sheets(sheets, filename)
        doc = fa_template.summary_doc(figures, findings)
        table = _table_beside_final(sheets, looked_at, filename, figures)
        if table is not None:
            # a 决算 report with its 项目绩效自评汇总表 annexed: the projects are the dataset, as
            # the forms are when they are annexed; the figures go along
            return Dataset(
                m.KIND_PROJECT_TABLE, table, final_accounts=figures, extra_doc={"final_accounts": doc}
            )
        return Dataset(m.KIND_FINAL_ACCOUNTS, None, figures, doc)
    return None


def _table_beside_final(sheets: list[Sheet], looked_at: list[Sheet], filename: str, figures: Any) -> Any:
    """The project table on the sheets (or Word tables) beside the 部门决算公开表 or template, when
    one is there and is a 绩效 table (its scores, 得分率 or 偏差 columns, or 绩效/自评 in its title or
    sheet name): a 预算执行 table of 公开表 numbers is not taken for one. Its findings get a note
    that the 决算 figures were read too."""
    ordered = _final_sheets(looked_at)
    others = [s for s in looked_at if s.name not in set(ordered) and s.rows]
    if not others:
        return None
    try:
        table = read_project_table(others, filename)
    except m.IngestError:
        return None
    src = table.source
    src.sheets = [s.name for s in sheets]  # the workbook's, as the import page counts them
    said = f"{src.sheet} {src.title}"
    if not (set(src.columns) & _PERFORMANCE_FIELDS or "绩效" in said or "自评" in said):
        return None
    years = "、".join(f"{y}年" for y in figures.years)
    table.findings.append(
        m.Finding(
            "info",
            FINAL_BESIDE,
            _listed(ordered),
            f"这些是部门决算{'公开表' if len(ordered) > 1 else '数据'}：{years}的决算数字已一并读取，"
            "图1–图7 和文字核对见「决算图表」页；项目绩效自评汇总表读自"
            f"工作表「{src.sheet}」。",
        )
    )
    return table


def _final_accounts_beside(
    forms: Any, looked_at: list[Sheet], filename: str
) -> tuple[tuple[Any, list[m.Finding]] | None, set[str]]:
    """The 决算 figures of the sheets (or Word tables) beside the forms that hold 部门决算公开表 — a
    决算 report with its 自评表 annexed, as units publish it — and the names of those sheets. Their
    "no form here" notes become one note saying what they are; ``forms.findings`` gets it."""
    from jixiao.final_accounts import read as fa_read

    ordered = _final_sheets(looked_at)
    names = set(ordered)
    if not names:
        return None, names
    where = _listed(ordered)
    try:
        fa, findings = fa_read.from_sheets([s for s in looked_at if s.name in names], filename)
    except m.IngestError as exc:
        note = m.Finding("warning", FINAL_BESIDE, where, f"这些是部门决算公开表，但未能读取：{exc.message}")
        found = None
    else:
        years = "、".join(f"{y}年" for y in fa.years)
        note = m.Finding(
            "info",
            FINAL_BESIDE,
            where,
            f"这些是部门决算公开表：{years}的决算数字已一并读取，图1–图7 和文字核对见「决算图表」页。",
        )
        found = (fa, findings)
    forms.findings[:] = [f for f in forms.findings if not (f.code == "SHEET_SKIPPED" and f.sheet in names)]
    forms.findings.append(note)
    return found, names


def _final_sheets(sheets: list[Sheet]) -> list[str]:
    """The names of the sheets that hold 决算 figures (公开表 or the template), in order."""
    from jixiao.final_accounts import read as fa_read

    return [s.name for s in sheets if fa_read.looks_like_final_accounts([s])]


def _listed(names: list[str]) -> str:
    return (
        "工作表" + "".join(f"「{n}」" for n in names[:3]) + (f"等 {len(names)} 个" if len(names) > 3 else "")
    )


def _latest_month(sheets: list[Sheet], filename: str, table: m.ProjectTable) -> m.ProjectTable:
    """A 月度执行表 read as a project table: its 执行数 is what was spent up to its latest month with
    data — not the first month column the header offered, nor nothing when the months are headed
    "1月", "2月" alone (the 监控 page reads the whole series)."""
    src = table.source
    col = src.columns.get(m.EXECUTED)
    label = src.headers[col] if col is not None and col < len(src.headers) else ""
    if col is not None and not src.candidates.get(m.EXECUTED) and "月" not in label:
        return table  # one 执行数 column: not a month series (unless it is a month: 1 2 3 … under 各月)
    from jixiao.monitor.habit import CUMULATIVE, HABIT_LABELS
    from jixiao.monitor.read import looks_like_monthly, read_monthly_sheets

    if not looks_like_monthly(sheets):
        return table
    try:
        t = read_monthly_sheets(sheets, filename)
    except m.IngestError:
        return table
    if src.combined_sheets:
        return _latest_month_of_sheets(table, t)
    months = set(t.month_columns.values())
    if t.sheet != src.sheet or not t.months or (col is not None and col not in months):
        return table
    if any(c in months for f, c in src.columns.items() if f != m.EXECUTED):
        return table  # a month column read as something else: the header is not what it seems
    last = t.months[-1]
    columns = {**src.columns, m.EXECUTED: t.month_columns[last]}
    table = read_project_table(
        sheets, filename, sheet=src.sheet, header_rows=src.header_rows, columns=columns
    )
    if t.habit == CUMULATIVE:
        how = f"取“{table.source.mapping.get(m.EXECUTED, f'{last}月')}”一列"
    else:
        spent = dict(zip(t.projects[m.SHEET_ROW].tolist(), t.projects[f"m{last}"].tolist()))
        table.projects[m.EXECUTED] = table.projects[m.SHEET_ROW].map(spent).astype(float)
        table.totals[m.EXECUTED] = float("nan")  # a 合计 of one month's column says nothing of the year
        how = f"为 1–{last}月各月之和"
    table.findings.insert(
        0,
        m.Finding(
            "info",
            "MONTHLY_TABLE",
            f"工作表「{src.sheet}」",
            f"这是月度执行表（各月为{HABIT_LABELS[t.habit]}）：执行数按截至{last}月的累计读取（{how}）。"
            "逐月进度请在「监控」页添加这份表。",
        ),
    )
    return table


def _latest_month_of_sheets(table: m.ProjectTable, t: Any) -> m.ProjectTable:
    """A 月度执行表 a sheet per unit: each project's 执行数 is its sheet's amount up to the latest month,
    taken from the series read of the same sheets (row by row, the sheets' rows being each their own)."""
    from jixiao.monitor.habit import HABIT_LABELS

    src = table.source
    if not t.months or m.SHEET not in t.projects or set(t.projects[m.SHEET]) != set(src.combined_sheets):
        return table
    last = t.months[-1]
    spent = dict(zip(zip(t.projects[m.SHEET], t.projects[m.SHEET_ROW]), t.projects[f"m{last}"].tolist()))
    keys = zip(table.projects[m.SHEET].tolist(), table.projects[m.SHEET_ROW].tolist())
    table.projects[m.EXECUTED] = [spent.get(k) for k in keys]
    table.projects[m.EXECUTED] = table.projects[m.EXECUTED].astype(float)
    table.totals[m.EXECUTED] = float("nan")  # a 合计 of one month's column says nothing of the year
    table.findings[:] = [f for f in table.findings if f.code != "AMOUNT_COLUMN_MISSING"]
    table.findings.insert(
        0,
        m.Finding(
            "info",
            "MONTHLY_TABLE",
            "工作表" + "".join(f"「{x}」" for x in src.combined_sheets),
            f"这是按单位分表的月度执行表（各月为{HABIT_LABELS[t.habit]}）：执行数按各表截至{last}月的累计读取。"
            "逐月进度请在「监控」页添加这份表。",
        ),
    )
    return table
