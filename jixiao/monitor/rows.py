"""Rows and months of a 月度执行表 that are not what they seem: sums (a parent over its "其中" parts, a
heading carrying the sum of its rows), left out as the project table's reader leaves them out, and month
columns that cannot hold spending yet; each said as a finding."""

from __future__ import annotations

import numpy as np

from jixiao import model as m
from jixiao.ingest import values as v
from jixiao.ingest.workbook import Sheet
from jixiao.summary import sum_rows
from jixiao.summary.layout import FUNDING_SAID, child_name, funding_spans, parent_spans

MONTHS = tuple(range(1, 13))


def cell_text(x: object) -> str:
    return v.text_of(x).strip()


def months_not_yet(
    values: np.ndarray, title: str, filename: str, findings: list[m.Finding], sheet: str
) -> None:
    """Blank (NaN) the month columns that cannot hold this year's spending yet: those after the 截至
    date the title or file name states ("截至2023年9月30日", "2023年1-9月"), whatever a template's
    formulas left there (0, or September's total carried on), and the months at the end where every
    project holds 0 after months with spending. Each said as a finding."""
    from jixiao.naming import as_of_in

    def filled(k: int) -> bool:
        return not np.isnan(values[:, k - 1]).all()

    where = f"工作表「{sheet}」"
    as_of = as_of_in(title) or as_of_in(filename)
    late = [k for k in MONTHS if as_of is not None and k > as_of.month and filled(k)]
    if late:
        values[:, [k - 1 for k in late]] = np.nan
        findings.append(
            m.Finding(
                "info",
                "MONTHS_AFTER_AS_OF",
                where,
                f"表题或文件名写明截至{as_of.year}年{as_of.month}月{as_of.day}日，"
                f"{_months(late)}的数字（常是模板公式留下的 0 或上月数）不是已发生的执行数，未读取。",
            )
        )
    spent = [k for k in MONTHS if filled(k) and np.nansum(np.abs(values[:, k - 1])) > 0]
    zeros = [k for k in MONTHS if spent and k > max(spent) and filled(k)]
    if zeros:
        values[:, [k - 1 for k in zeros]] = np.nan
        findings.append(
            m.Finding(
                "info",
                "MONTHS_ALL_ZERO",
                where,
                f"{_months(zeros)}所有项目都是 0（在有支出的月份之后），按尚未填报处理，未读取。",
            )
        )


def _months(ks: list[int]) -> str:
    return f"{ks[0]}月" if len(ks) == 1 else f"{ks[0]}–{ks[-1]}月"


def sum_rows_out(records, grand, no_unit_column: bool, findings, sheet: Sheet, h) -> list[dict]:
    """The rows that are sums, not projects, left out as the project table's reader leaves them out:
    a parent whose "其中" rows add up to it (the parts are the projects), "其中" parts of a project
    (the project counts once), and headings carrying the sum of the rows under them."""
    names = [r[m.PROJECT] for r in records]
    budget = [r[m.BUDGET] for r in records]
    # the latest month with data adds across rows whatever the habit, and carries one rounding only
    last = max((k for k in MONTHS if any(r[f"m{k}"] is not None for r in records)), default=None)
    spent = [None if last is None else r[f"m{last}"] for r in records]
    spans, partial = parent_spans(names, budget, spent)
    # "其中：财政拨款 / 其他资金" under a project split it by 资金来源: they are not projects, the
    # project is (they were read as two projects named 财政拨款 and 其他资金)
    spans, funding = funding_spans(spans, names)
    partial = [*partial, *funding]
    dropped = {p for p, _, _ in spans} | {k for _, a, b in partial for k in range(a, b + 1)}
    for _p, a, b in spans:
        for k in range(a, b + 1):
            records[k][m.PROJECT] = child_name(names[k]) or names[k]
    for p, a, b in [*spans, *partial]:
        whole = (p, a, b) in spans
        findings.append(
            m.Finding(
                "info",
                "PARENT_ROW"
                if whole
                else "FUNDING_BREAKDOWN"
                if (p, a, b) in funding
                else "PARTIAL_BREAKDOWN",
                f"工作表「{sheet.name}」第{records[p][m.SHEET_ROW]}行「{names[p]}」",
                "其下的“其中”分项作为项目计入，这一行不重复计入。"
                if whole
                else FUNDING_SAID
                if (p, a, b) in funding
                else "其下的“其中”分项是这一项目的部分明细：按这一行计入，分项不重复计入。",
                sheet_row=records[p][m.SHEET_ROW],
            )
        )
    keep = [i for i in range(len(records)) if i not in dropped]
    records = [records[i] for i in keep]
    seq = h.columns.get(m.SEQ)
    budget = np.array([np.nan if r[m.BUDGET] is None else r[m.BUDGET] for r in records], dtype=float)
    found = sum_rows.decided_headings(
        budget,
        np.array([np.nan if x is None else x for x in (spent[i] for i in keep)], dtype=float),
        [r[m.PROJECT] for r in records],
        None if seq is None else [cell_text(sheet.rows[r[m.SHEET_ROW] - 1][seq]) for r in records],
        None
        if grand is None or grand[0] is None
        else (grand[0], None if last is None else grand[1].get(last)),
    )
    if no_unit_column:
        for k, unit in sum_rows.heading_units(found, {i: records[i][m.PROJECT] for i, _, _ in found}).items():
            records[k][m.UNIT] = unit
    for i, a, j in found:
        name = records[i][m.PROJECT]
        findings.append(
            m.Finding(
                "info",
                "HEADING_TOTAL",
                f"工作表「{sheet.name}」第{records[i][m.SHEET_ROW]}行「{name}」",
                (
                    f"这一行的金额等于其{'下' if a > i else '上'}第{records[a][m.SHEET_ROW]}–{records[j][m.SHEET_ROW]}行之和，"
                    if sum_rows.adds_up(budget, found, i, a, j)
                    else f"按编号，这一行是其下第{records[a][m.SHEET_ROW]}–{records[j][m.SHEET_ROW]}行的上级（金额与这些行之和不符），"
                )
                + "是分组合计：不作为项目重复计入。",
                sheet_row=records[i][m.SHEET_ROW],
            )
        )
    heads = {i for i, _, _ in found}
    return [r for i, r in enumerate(records) if i not in heads]
