"""A workbook (or Word report) holding both the 自评表 and the 汇总表 that lists them: each project of the
汇总表 is checked against its form — the money and the score the unit printed twice must agree, and
each list must hold every project of the other.

It sits beside read.py, the one module that knows every kind, because it reads a summary table and
compares it with forms (``summary`` and ``forms`` never import each other)."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
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
        sheet = by_name.get(finding.sheet or "")
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


MIN_PART = 4  # characters: a shorter name inside a longer one says too little to pair them
MIN_LIKENESS = 0.6  # difflib ratio of two names with the same 预算数 for them to be one project


def pair(recs: list[dict[str, Any]], forms: FormsDataset) -> dict[int, Any]:
    """Row of the 汇总表 -> its form: the same name (code left aside), else the one form whose name holds
    the row's name or is held in it ("科普专项经费" for "凉山州级科普专项经费"), else the one form whose name
    is alike and whose 预算数 is the row's, when no other form or row could be meant."""
    by_key: dict[str, Any] = {}
    for form in forms.forms:
        by_key.setdefault(name_key(form.name), form)
    keys = [name_key(r[m.PROJECT]) for r in recs]
    out = {i: by_key[k] for i, k in enumerate(keys) if k in by_key}
    left = {k: f for k, f in by_key.items() if f not in out.values()}
    open_rows = [i for i in range(len(recs)) if i not in out]

    def near(a: str, b: str) -> bool:
        return min(len(a), len(b)) >= MIN_PART and (a in b or b in a)

    for i in open_rows:
        hits = [k for k in left if near(keys[i], k)]
        if len(hits) == 1 and sum(near(keys[j], hits[0]) for j in open_rows) == 1:
            out[i] = left.pop(hits[0])

    # A reworded name ("科普宣传活动经费" for "科普宣传活动业务经费"): alike, and the same 预算数 — the money
    # must say it is the same project, or two different ones would be compared and called mismatched.
    def alike(i: int, k: str) -> bool:
        budget, form = recs[i].get(m.BUDGET), left[k]
        if budget is None or pd.isna(budget) or form.adjusted is None:
            return False
        if abs(float(budget) - float(form.adjusted)) > MONEY_TOLERANCE:
            return False
        return SequenceMatcher(None, keys[i], k).ratio() >= MIN_LIKENESS

    open_rows = [i for i in range(len(recs)) if i not in out]
    hits = {i: [k for k in left if alike(i, k)] for i in open_rows}
    for i, found in hits.items():
        if len(found) == 1 and sum(found[0] in other for other in hits.values()) == 1:
            out[i] = left.pop(found[0])
    return out


def compare(table: m.ProjectTable, forms: FormsDataset, sheet: str) -> list[m.Finding]:
    """The 汇总表 on ``sheet`` against the forms: the first finding says what was compared."""
    rows = table.projects
    recs = m.records(rows)
    paired = pair(recs, forms)
    out: list[m.Finding] = []
    differences = 0
    for i, rec in enumerate(recs):
        form = paired.get(i)
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
        if name_key(form.name) != name_key(rec[m.PROJECT]):
            out.append(
                m.Finding(
                    "info",
                    "SUMMARY_NAME_DIFFERS",
                    where,
                    f"汇总表的项目名称与自评表（工作表「{form.sheet}」）的「{form.name}」不完全一致，按同一项目核对。",
                    sheet_row=int(rec[m.SHEET_ROW]),
                    field=m.PROJECT,
                    sheet=sheet,
                )
            )
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
    if not paired:  # another unit's or another year's table: nothing to check one by one
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
    used = {id(f) for f in paired.values()}
    missing = [f for f in forms.forms if id(f) not in used]
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
        f"预算数、执行数和自评得分：{len(paired)} 个项目对上"
        + (f"，{differences} 处数字不一致" if differences else "，数字一致")
        + (f"，{len(rows) - len(paired)} 个项目没有自评表" if len(rows) > len(paired) else "")
        + (f"，{len(missing)} 张自评表未列入汇总表" if missing else "")
        + "。看板按各自评表计算；如要分析汇总表本身，请在数据导入页“识别有误？”中选择该工作表。"
    )
    return [m.Finding("info", "SUMMARY_SHEET_CHECKED", f"工作表「{sheet}」", said), *out]
