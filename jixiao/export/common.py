"""What every export shares: unit and year, KPI figures, project labels, plain sentences.

The writers (xlsx, pptx, html, …) import from here and ``bundle`` imports the writers, so the package
has no import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from jixiao import model as m
from jixiao.fmt import is_missing, num, pct, wan
from jixiao.naming import tell_apart, unit_in, year_in
from jixiao.safe_text import xml_text
from jixiao.summary.flags import is_deviation

if TYPE_CHECKING:
    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.summary.analysis import Analysis

REPORT_TITLE = "预算绩效分析报告"
UNNAMED = "（未命名项目）"
# kind -> file name; "docx" is the 项目支出绩效自评报告, "final_docx" the 部门决算说明 (with 决算 figures)
FILES = {
    "pptx": "report.pptx",
    "xlsx": "report.xlsx",
    "html": "report.html",
    "docx": "report.docx",
    "final_docx": "final_accounts.docx",
}
# what ``--only`` names: "docx" is both Word documents
ONLY_KINDS: dict[str, tuple[str, ...]] = {
    "pptx": ("pptx",),
    "xlsx": ("xlsx",),
    "html": ("html",),
    "docx": ("docx", "final_docx"),
}


# --- unit and year -------------------------------------------------------------------------------
def guess_unit(analysis: Analysis | None, final_accounts: FinalAccounts | None = None) -> str:
    """The unit named in the table's title ("河南省科学技术协会 项目单位自评汇总表" → the first part),
    else the 决算 unit, else a Chinese file name stem; '' when nothing names it."""
    title = analysis.table.source.title if analysis is not None else ""
    found = unit_in(title or "")
    if found:
        return found
    if final_accounts is not None and final_accounts.unit.strip():
        return final_accounts.unit.strip()
    return unit_in(Path(analysis.table.source.file or "").stem) if analysis is not None else ""


def guess_year(analysis: Analysis | None, final_accounts: FinalAccounts | None = None) -> int | None:
    """The budget year from the title or the file name, else the report year the header or the 年度
    column names, else the latest 决算 year, else the 截至日期."""
    if analysis is not None:
        src = analysis.table.source
        for text in (src.title, src.file, src.sheet):
            found = year_in(text)
            if found:
                return found
        if src.report_year:  # named by the header's columns or the 年度 column
            return src.report_year
        if analysis.settings.as_of is not None:
            return analysis.settings.as_of.year
    if final_accounts is not None and final_accounts.latest_year:
        return final_accounts.latest_year
    return None


def final_accounts_year(final_accounts: FinalAccounts, year: int | None) -> int | None:
    """The 决算 year to show: ``year`` when the figures have it, else their latest year."""
    if year is not None and year in final_accounts.years:
        return year
    return final_accounts.latest_year


def heading(unit: str, year: int | None) -> str:
    parts = [unit] if unit else []
    if year:
        parts.append(f"{year}年度")
    return "".join(parts) + REPORT_TITLE


# --- labels ----------------------------------------------------------------------------------------
# Characters XML 1.0 cannot hold: one cleaner for every export (jixiao.safe_text.xml_text).


def project_name(x: object) -> str:
    if is_missing(x):
        return UNNAMED
    name = xml_text(" ".join(str(x).split()))
    return name or UNNAMED


def project_labels(projects: pd.DataFrame, width: int | None = None) -> list[str]:
    """One label per project: the name (cut to ``width`` characters with '…'); a name that occurs
    twice gets its unit (or its sheet row), so two bars never look like one project."""
    names = [project_name(x) for x in projects[m.PROJECT].tolist()]
    rows = projects[m.SHEET_ROW].tolist()
    units = projects[m.UNIT].tolist() if m.UNIT in projects else [None] * len(names)
    sheets = projects[m.SHEET].tolist() if m.SHEET in projects else None  # a table of several sheets
    out = []
    for name, suffix in zip(names, tell_apart(names, units, rows, sheets)):
        if width and len(name) + len(suffix) > width:
            name = name[: max(1, width - len(suffix) - 1)] + "…"
        out.append(name + suffix)
    return out


# --- figures every export states ---------------------------------------------------------------------
@dataclass(frozen=True)
class Kpi:
    label: str
    value: str  # the number as shown ('7,863.66', '86.23%', '—')
    unit: str = ""  # '万元', '分', '个' ('' for a rate or a missing value)
    note: str = ""

    @property
    def text(self) -> str:
        return f"{self.value} {self.unit}".strip()


def problem_findings(analysis: Analysis) -> list[m.Finding]:
    """审核问题: the errors and warnings (an info finding explains, it is not a problem)."""
    return [x for x in analysis.findings if x.severity in ("error", "warning")]


def _kpi(label: str, value: float | None, unit: str, note: str = "", *, money: bool = False) -> Kpi:
    if value is None:
        return Kpi(label, "—", "", note)
    return Kpi(label, wan(value) if money else num(value), unit, note)


def kpis(analysis: Analysis) -> list[Kpi]:
    t = analysis.totals
    s = analysis.scores or {}
    low = analysis.settings.low_threshold
    infos = sum(1 for x in analysis.findings if x.severity == "info")
    return [
        _kpi("预算总额", t.get("budget"), "万元", money=True),
        _kpi("执行总额", t.get("executed"), "万元", money=True),
        Kpi("总体执行率", pct(t.get("execution_rate")), "", f"预警线 {pct(low)}"),
        Kpi("项目数", str(len(analysis.projects)), "个"),
        _kpi("金额加权平均分", s.get("mean_budget_weighted"), "分", "按预算数加权"),
        _kpi("简单平均分", s.get("mean_simple"), "分", "各项目得分的算术平均"),
        Kpi("偏差项目数", str(len(analysis.deviating)), "个", "按规则有较大偏差"),
        Kpi("审核问题数", str(len(problem_findings(analysis))), "条", f"错误和警告；另有提示 {infos} 条"),
    ]


def project_sentences(analysis: Analysis) -> list[str]:
    """The project table in plain sentences, numbers as the KPI cards show them."""
    p = analysis.projects
    t = analysis.totals
    low = analysis.settings.low_threshold
    out = []
    first = f"共 {len(p)} 个项目，预算 {wan(t.get('budget'))} 万元，执行 {wan(t.get('executed'))} 万元"
    rate = t.get("execution_rate")
    if rate is not None:
        first += f"，执行率 {pct(rate)}"
        first += "，低于" if rate < low - 1e-9 else "，达到"
        first += f" {pct(low)} 的预警线"
        tp = analysis.time_progress
        if tp is not None:
            gap = rate - tp
            word = "快于" if gap >= 0 else "慢于"
            first += f"，{word}序时进度（{pct(tp)}）{num(abs(gap))} 个百分点"
    out.append(first + "。")
    rates = pd.to_numeric(p[m.EXECUTION_RATE], errors="coerce")
    slow = p[rates < low - 1e-9].assign(_r=rates).sort_values("_r", kind="stable")
    if len(slow):
        names = project_labels(slow)
        listed = "、".join(f"{n}（{pct(r)}）" for n, r in zip(names[:8], slow["_r"].tolist()[:8]))
        more = f"等 {len(slow)} 个项目" if len(slow) > 8 else f"共 {len(slow)} 个项目"
        out.append(f"执行率低于 {pct(low)} 的有：{listed}，{more}。")
    over = p[rates > 100 + 1e-9]
    if len(over):
        out.append(f"执行数超过预算的项目 {len(over)} 个。")
    s = analysis.scores
    if s:
        text = f"自评得分按预算金额加权平均 {num(s.get('mean_budget_weighted'))} 分"
        text += f"，简单平均 {num(s.get('mean_simple'))} 分"
        if s.get("share_90_plus") is not None:
            text += f"，90 分以上的项目占 {pct(s.get('share_90_plus'))}"
        out.append(text + "。")
        grades = p[m.GRADE].value_counts()
        parts = [f"{g} {int(grades.get(g, 0))} 个" for g in ("优", "良", "中", "差") if grades.get(g, 0)]
        if parts:
            out.append("评价等级：" + "，".join(parts) + "。")
    deviating, flagged = len(analysis.deviating), len(analysis.flagged)
    if deviating:
        text = f"按规则有较大偏差的项目 {deviating} 个"
        if flagged > deviating:
            text += f"，另有 {flagged - deviating} 个项目单位自报与判定不一致"
        out.append(text + "，清单及原因见“偏差项目”。")
    elif flagged:
        out.append(f"没有项目按规则有较大偏差；{flagged} 个项目单位自报与判定不一致，见“偏差项目”。")
    else:
        out.append("没有项目触发偏差规则。")
    problems = problem_findings(analysis)
    if problems:
        errors = sum(1 for x in problems if x.severity == "error")
        out.append(
            f"审核发现 {len(problems)} 条问题（错误 {errors} 条，警告 {len(problems) - errors} 条），详见“审核发现”。"
        )
    else:
        out.append("审核未发现错误或警告。")
    c = analysis.choice
    out.append(
        f"得分按“{c.scheme.label}”（{c.scheme.describe()}）重新计算，"
        f"{c.comparable} 个可比项目中有 {c.reproduced} 个与填报得分一致。"
    )
    return out


NO_REASON = "未说明"  # a deviation whose unit has not yet said why


def reason_for(reasons: Mapping[str, str] | None, rec: Mapping, label: str) -> str:
    """The reason typed for a project: looked up by its code, by "unit/project", by the label the
    report prints, then by its name; '' when there is none."""
    if not reasons:
        return ""
    name = project_name(rec.get(m.PROJECT))
    unit = rec.get(m.UNIT)
    keys = []
    code = rec.get(m.CODE)
    if not is_missing(code) and str(code).strip():
        keys.append(str(code).strip())
    if not is_missing(unit) and str(unit).strip():
        keys.append(f"{str(unit).strip()}/{name}")
    keys += [label, name, str(rec.get(m.PROJECT) or "").strip()]
    for k in keys:
        text = reasons.get(k)
        if text is not None and str(text).strip():
            return str(text).strip()
    return ""


def explained(reasons: Mapping[str, str] | None, rec: Mapping, label: str) -> str | None:
    """What an export prints beside a flagged project: its typed reason, "未说明" for a deviation
    without one, '' for a flag that is no deviation; None when no reasons were given at all (the
    export then has no such column or line)."""
    if reasons is None:
        return None
    return reason_for(reasons, rec, label) or (NO_REASON if is_deviation(rec.get(m.FLAGS) or []) else "")
