"""The canonical datasets every reader produces and every page, export and store consumes.

Column names live here and nowhere else. Money is in 万元 (float, rounded to 2 decimals only when
shown); rates and 得分率 are in percent (86.23, not 0.8623); None/NaN means "missing" and the
string marker NOT_APPLICABLE is never stored in a numeric column (see ``na_components``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from jixiao.perf import lean_arrow_pool

lean_arrow_pool()

# --- project table columns (one row per project) -------------------------------------------
SHEET_ROW = "sheet_row"  # 1-based row number in the source sheet, as Excel shows it
SHEET = "sheet"  # the worksheet of a row, only in a table put together from several sheets
SEQ = "seq"  # 序号 as printed, or None
UNIT = "unit"
CODE = "code"
PROJECT = "project"
BUDGET = "budget"  # 万元 (调整后预算数 where the table has it)
INITIAL_BUDGET = "initial_budget"  # 万元: 年初预算数, kept beside the budget the rate uses, never in the rate
EXECUTED = "executed"  # 万元
REPORTED_RATE = "reported_execution_rate"  # percent as printed, or None
REPORTED_RATE_DECIMALS = "reported_rate_decimals"  # decimals the printed rate shows (for comparing)
REPORTED_SCORE = "reported_score"
SELF_FLAG = "self_flag"  # the unit's own 是否有较大偏差: True / False / None
# Optional, only where the table prints it: 自评等级 as printed ("优", "良好"), checked against the score
REPORTED_GRADE = "reported_grade"

# 得分率 columns, percent. The key is the component name used by weight schemes.
RATE_FUNDS = "rate_funds"
RATE_COST = "rate_cost"
RATE_OUTPUT = "rate_output"
RATE_BENEFIT = "rate_benefit"
RATE_SATISFACTION = "rate_satisfaction"
NA_COMPONENTS = "na_components"  # tuple of component names marked '/' (not applicable) on the row

# Optional, for tables rolled up from forms that carry their own weights: the score recomputed
# by the form's own formula, and the points per component as reported. analyze() uses them
# instead of a weight scheme.
OWN_SCORE = "own_score"
OWN_POINTS = "own_points"  # dict component -> points
# A 自评表 whose money is counted on another form with its project code: its own 执行率 (percent) and
# the note that says where its money went (BUDGET and EXECUTED stay empty, so totals count it once).
OWN_RATE = "own_rate"
MONEY_NOTE = "money_note"

# Computed by jixiao.summary.compute
EXECUTION_RATE = "execution_rate"
COMPUTED_SCORE = "computed_score"
SCORE = "score"  # the score the roll-ups use: reported where given, else computed
GRADE = "grade"
FLAGS = "flags"  # list[Flag]

# Components of a score: the execution rate plus the five 得分率 columns.
COMPONENT_EXECUTION = "execution"
COMPONENT_COLUMNS: dict[str, str] = {
    "funds": RATE_FUNDS,
    "cost": RATE_COST,
    "output": RATE_OUTPUT,
    "benefit": RATE_BENEFIT,
    "satisfaction": RATE_SATISFACTION,
}
COMPONENTS: tuple[str, ...] = (COMPONENT_EXECUTION, *COMPONENT_COLUMNS)
COMPONENT_LABELS: dict[str, str] = {
    "execution": "预算执行率",
    "funds": "资金管理",
    "cost": "成本指标",
    "output": "产出指标",
    "benefit": "效益指标",
    "satisfaction": "满意度指标",
}

PROJECT_COLUMNS: tuple[str, ...] = (
    SHEET_ROW,
    SEQ,
    UNIT,
    CODE,
    PROJECT,
    BUDGET,
    INITIAL_BUDGET,
    EXECUTED,
    REPORTED_RATE,
    REPORTED_RATE_DECIMALS,
    *COMPONENT_COLUMNS.values(),
    NA_COMPONENTS,
    REPORTED_SCORE,
    SELF_FLAG,
)

# --- reported total rows (小计/合计/总计) ----------------------------------------------------
TOTAL_KIND = "kind"  # 小计 / 合计 / 总计
TOTAL_LABEL = "label"  # the text of the row, e.g. "科协本级小计"
TOTAL_FIRST_ROW = "first_row"  # sheet rows of the projects the total should cover
TOTAL_LAST_ROW = "last_row"
TOTAL_COLUMNS: tuple[str, ...] = (
    SHEET_ROW,
    TOTAL_KIND,
    TOTAL_LABEL,
    UNIT,
    BUDGET,
    EXECUTED,
    REPORTED_RATE,
    REPORTED_SCORE,
    TOTAL_FIRST_ROW,
    TOTAL_LAST_ROW,
)

# The 项目单位自评汇总表 header as the standard form prints it (the Henan table, the generated 汇总表).
SUMMARY_HEADERS: tuple[str, ...] = (
    "序号",
    "项目名称",
    "全年预算数（万元）",
    "全年执行数（万元）",
    "预算执行率",
    "资金管理情况得分率",
    "成本指标得分率",
    "产出指标得分率",
    "效益指标得分率",
    "满意度指标得分率",
    "自评得分",
    "是否有较大偏差",
)

# Fields a header column can be mapped to (the mapping the import page lets users correct).
FIELD_LABELS: dict[str, str] = {
    SEQ: "序号",
    UNIT: "单位",
    CODE: "项目编码",
    PROJECT: "项目名称",
    BUDGET: "预算数",
    INITIAL_BUDGET: "年初预算数",
    EXECUTED: "执行数",
    REPORTED_RATE: "预算执行率",
    RATE_FUNDS: "资金管理得分率",
    RATE_COST: "成本指标得分率",
    RATE_OUTPUT: "产出指标得分率",
    RATE_BENEFIT: "效益指标得分率",
    RATE_SATISFACTION: "满意度指标得分率",
    REPORTED_SCORE: "自评得分",
    SELF_FLAG: "是否有较大偏差",
    REPORTED_GRADE: "自评等级",
}

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

KIND_PROJECT_TABLE = "project_table"
KIND_SELFEVAL_FORMS = "selfeval_forms"
KIND_FINAL_ACCOUNTS = "final_accounts"
KIND_DEPARTMENT_FORM = "department_form"  # 部门整体支出绩效自评表 (rolls up like project forms)
FORM_KINDS = (KIND_SELFEVAL_FORMS, KIND_DEPARTMENT_FORM)  # kinds read from forms, shown on 项目自评表
KIND_MONTHLY_EXECUTION = "monthly_execution"  # 月度执行表: one column per month (jixiao.monitor)
KIND_LABELS = {
    KIND_PROJECT_TABLE: "项目单位自评汇总表",
    KIND_SELFEVAL_FORMS: "项目支出绩效自评表",
    KIND_DEPARTMENT_FORM: "部门整体支出绩效自评表",
    KIND_FINAL_ACCOUNTS: "部门决算图表数据",
    KIND_MONTHLY_EXECUTION: "月度执行表",
}


class IngestError(Exception):
    """A file that cannot be read at all. ``message`` is one Chinese sentence for the user.

    Everything short of that is a Finding on a dataset that was read.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Finding:
    severity: str  # error / warning / info
    code: str
    where: str  # in words: 第8行「因公出国（境）」，列「预算执行率」
    message: str  # Chinese, with both numbers where there are two
    sheet_row: int | None = None
    field: str | None = None
    sheet: str | None = None  # set when the table comes from several sheets: sheet_row is on this one

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "where": self.where, "message": self.message}


class Flag(NamedTuple):
    """A deviation flag. A NamedTuple, not a dataclass: a province-wide table makes tens of
    thousands of them and a tuple is built several times faster."""

    code: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "reason": self.reason}


@dataclass
class Source:
    file: str
    sheet: str
    header_rows: list[int]  # 1-based sheet rows
    amount_unit: str  # 万元 or 元, as found in the file
    mapping: dict[str, str] = field(default_factory=dict)  # field -> header text it came from
    columns: dict[str, int] = field(default_factory=dict)  # field -> 0-based column index
    headers: list[str] = field(default_factory=list)  # every column's header text, for re-mapping
    sheets: list[str] = field(default_factory=list)  # every sheet in the file
    hidden_sheets: list[str] = field(default_factory=list)  # those of ``sheets`` hidden in the workbook
    combined_sheets: list[str] = field(default_factory=list)  # one table per unit, read as one
    title: str = ""  # title rows above the header, joined (unit and year are guessed from it)
    # field -> the other columns that also fit it and were passed over (the import page offers them)
    candidates: dict[str, list[int]] = field(default_factory=dict)
    report_year: int | None = None  # the year whose columns were taken when 上年/本年 both exist
    include_hidden: bool = False  # hidden rows and columns were read (a user's choice)
    hidden_left_out: int = 0  # hidden rows + columns left out of the table
    # component -> full marks, when every component column holds points under a header naming them
    header_weights: dict[str, float] = field(default_factory=dict)


@dataclass
class ProjectTable:
    """A 项目单位自评汇总表 (or anything rolled up into one): projects, reported totals, findings."""

    projects: pd.DataFrame  # PROJECT_COLUMNS
    totals: pd.DataFrame  # TOTAL_COLUMNS
    source: Source
    findings: list[Finding] = field(default_factory=list)
    kind: str = KIND_PROJECT_TABLE

    @property
    def has_units(self) -> bool:
        return bool(self.projects[UNIT].notna().any()) if len(self.projects) else False

    @property
    def has_scores(self) -> bool:
        return bool(self.projects[REPORTED_SCORE].notna().any()) if len(self.projects) else False


def empty_projects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PROJECT_COLUMNS})


def empty_totals() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in TOTAL_COLUMNS})


def records(frame: pd.DataFrame, columns: list[str] | tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts, several times faster than DataFrame.to_dict('records') on 50,000 rows."""
    cols = list(columns) if columns is not None else list(frame.columns)
    lists = [frame[c].tolist() for c in cols]
    return [dict(zip(cols, vals)) for vals in zip(*lists)]
