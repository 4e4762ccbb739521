"""A workbook (or Word report) holding both the 自评表 and the 汇总表 that lists them: each project of the
汇总表 is checked against its form — the money and the score the unit printed twice must agree, and
each list must hold every project of the other.

It sits beside read.py, the one module that knows every kind, because it reads a summary table and
compares it with forms (``summary`` and ``forms`` never import each other)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from jixiao import model as m
from jixiao.fmt import num, wan
from jixiao.forms.compute import FormsDataset
from jixiao.ingest.workbook import Sheet
from jixiao.summary.read import read_project_table

SKIPPED = "SHEET_SKIPPED"
MONEY_TOLERANCE = 0.01  # 万元
SCORE_TOLERANCE = 0.01
FIELDS = (
    (m.BUDGET, "预算数", "万元", MONEY_TOLERANCE),
    (m.EXECUTED, "执行数", "万元", MONEY_TOLERANCE),
    (m.REPORTED_SCORE, "自评得分", "分", SCORE_TOLERANCE),
)
# 51340022T000000278908-凉山州级科普专项经费: the code before the name
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]{8,}\s*[-－—–_:：]?\s*")


def name_key(name: Any) -> str:
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = re.sub(r"\s+", "", text)
    return _CODE_PREFIX.sub("", text) if re.search(r"\d{6}", text[:24]) else text


def check_summary_sheets(forms: FormsDataset, sheets: list[Sheet], filename: str) -> None:
    """Each sheet the forms reader passed over that holds a project table is checked against the
    forms; its "no form here" note becomes what it was found to be. Adds to ``forms.findings``."""
    by_name = {s.name: s for s in sheets}
    for k, finding in enumerate(list(forms.findings)):
        if finding.code != SKIPPED:
            continue
        sheet = next((s for name, s in by_name.items() if f"「{name}」" in finding.where), None)
        if sheet is None:
            continue
        try:
            table = read_project_table([sheet], filename)
        except m.IngestError:
            continue
        if table.projects.empty:
            continue
        found = compare(table, forms, sheet.name)
        forms.findings[k] = found[0]
        forms.findings.extend(found[1:])


def compare(table: m.ProjectTable, forms: FormsDataset, sheet: str) -> list[m.Finding]:
    """The 汇总表 on ``sheet`` against the forms: the first finding says what was compared."""
    rows = table.projects
    form_by_key: dict[str, Any] = {}
    for form in forms.forms:
        form_by_key.setdefault(name_key(form.name), form)
    out: list[m.Finding] = []
    matched: set[str] = set()
    differences = 0
    for rec in m.records(rows):
        key = name_key(rec[m.PROJECT])
        form = form_by_key.get(key)
        where = f"工作表「{sheet}」第{int(rec[m.SHEET_ROW])}行「{rec[m.PROJECT]}」"
        if form is None:
            out.append(
                m.Finding(
                    "warning",
                    "SUMMARY_PROJECT_WITHOUT_FORM",
                    where,
                    "汇总表列有这个项目，但文件中没有它的项目支出绩效自评表。",
                    sheet_row=int(rec[m.SHEET_ROW]),
                    field=m.PROJECT,
                    sheet=sheet,
                )
            )
            continue
        matched.add(key)
        theirs = {m.BUDGET: form.adjusted, m.EXECUTED: form.executed, m.REPORTED_SCORE: form.reported_total}
        for field, label, unit, tolerance in FIELDS:
            ours, other = rec.get(field), theirs[field]
            if ours is None or other is None or pd.isna(ours) or abs(float(ours) - float(other)) <= tolerance:
                continue
            differences += 1
            shown = wan if unit == "万元" else num
            out.append(
                m.Finding(
                    "error",
                    "SUMMARY_FORM_MISMATCH",
                    where,
                    f"汇总表的{label} {shown(float(ours))} {unit}，与该项目的自评表（工作表「{form.sheet}」第{form.first_row}行起）的 "
                    f"{shown(float(other))} {unit} 不一致，相差 {shown(abs(float(ours) - float(other)))} {unit}。",
                    sheet_row=int(rec[m.SHEET_ROW]),
                    field=field,
                    sheet=sheet,
                )
            )
    if not matched:  # another unit's or another year's table: nothing to check one by one
        return [
            m.Finding(
                "info",
                "SUMMARY_SHEET_CHECKED",
                f"工作表「{sheet}」",
                f"工作表「{sheet}」是项目单位自评汇总表（{len(rows)} 个项目），但其中没有一个项目与文件中的 "
                f"{len(forms.forms)} 张自评表同名（可能是另一单位或另一年度的表），未逐项核对。看板按各自评表计算；"
                "如要分析汇总表本身，请在数据导入页“识别有误？”中选择该工作表。",
            )
        ]
    missing = [f for f in forms.forms if name_key(f.name) not in matched]
    for form in missing:
        out.append(
            m.Finding(
                "warning",
                "FORM_NOT_IN_SUMMARY",
                form.where(form.first_row),
                f"文件中的汇总表（工作表「{sheet}」）没有列出这个项目。",
            )
        )
    said = (
        f"工作表「{sheet}」是项目单位自评汇总表（{len(rows)} 个项目），已与 {len(forms.forms)} 张自评表逐项核对"
        f"预算数、执行数和自评得分：{len(matched)} 个项目对上"
        + (f"，{differences} 处数字不一致" if differences else "，数字一致")
        + (f"，{len(rows) - len(matched)} 个项目没有自评表" if len(rows) > len(matched) else "")
        + (f"，{len(missing)} 张自评表未列入汇总表" if missing else "")
        + "。看板按各自评表计算；如要分析汇总表本身，请在数据导入页“识别有误？”中选择该工作表。"
    )
    return [m.Finding("info", "SUMMARY_SHEET_CHECKED", f"工作表「{sheet}」", said), *out]
