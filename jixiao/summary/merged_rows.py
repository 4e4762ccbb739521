"""One project written over several rows under one merged 项目名称 cell (a row per source of funds, say):
one project, its amounts added (`MERGED_PROJECT_ROWS`). It used to give a project per row and a
duplicate-name warning."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from jixiao import model as m
from jixiao.summary.sum_rows import TOL, drop_rows

_SUMMED = (m.BUDGET, m.INITIAL_BUDGET, m.EXECUTED)


def _value(values: Any, i: int) -> Any:
    x = values[i]
    return None if x is None or (isinstance(x, float) and x != x) else x


def merged_projects(reader: Any, recs: list, cells: list, columns: dict[str, Any]) -> None:
    """A project written over several rows under one merged 项目名称 cell (a row per source of funds,
    say): one project, its amounts added, the rest of its row taken from the first row that has it.
    When the first row already holds the sum of the others, the others are its parts and only the
    first counts. In place, like ``heading_sums``."""
    pc = reader.cols.get(m.PROJECT)
    first = recs[0][m.SHEET_ROW] - 1 if recs else 0
    origin: dict[int, int] = {}
    for r0, c0, r1, c1 in reader.sheet.merged:
        if r1 > r0 and c0 <= pc <= c1 and r1 >= first:  # not the header's merged 项目名称 cell
            origin.update(dict.fromkeys(range(r0, r1 + 1), r0))
    if not origin:
        return
    groups: list[list[int]] = []
    key = None
    for i, rec in enumerate(recs):
        k = origin.get(rec[m.SHEET_ROW] - 1)
        if k is not None and k == key:
            groups[-1].append(i)
        else:
            groups.append([i])
        key = k
    groups = [g for g in groups if len(g) > 1]
    if not groups:
        return
    dropped: set[int] = set()
    for g in groups:
        head, rest = g[0], g[1:]
        amounts = {
            f: [_value(columns[f], i) for i in g] for f in _SUMMED if f in columns and f in reader.cols
        }
        whole = bool(amounts) and all(
            xs[0] is not None and abs(xs[0]) > TOL and abs(xs[0] - math.fsum(x or 0.0 for x in xs[1:])) <= TOL
            for f, xs in amounts.items()
            if f != m.INITIAL_BUDGET and any(x is not None for x in xs[1:])
        )
        if not whole:
            for f, xs in amounts.items():
                known = [x for x in xs if x is not None]
                total = math.fsum(known) if known else None
                values = columns[f]
                if isinstance(values, np.ndarray):
                    values[head] = np.nan if total is None else total
                else:
                    values[head] = total
            rates = [_value(columns[m.REPORTED_RATE], i) for i in g] if m.REPORTED_RATE in columns else []
            if rates and (None in rates or len(set(rates)) > 1):
                # a rate printed per row is no rate of the project (a merged rate cell fills every row)
                for f in (m.REPORTED_RATE, m.REPORTED_RATE_DECIMALS):
                    values = columns.get(f)
                    if isinstance(values, np.ndarray):
                        values = columns[f] = values.astype(float)  # decimals may be whole numbers
                        values[head] = np.nan
                    elif values is not None:
                        values[head] = None
            for f, values in columns.items():
                if f in _SUMMED or f in (m.REPORTED_RATE, m.REPORTED_RATE_DECIMALS) or f == m.SHEET_ROW:
                    continue
                if _value(values, head) is None:
                    filled = next((_value(values, i) for i in rest if _value(values, i) is not None), None)
                    if filled is not None:
                        values[head] = filled
        dropped.update(rest)
        name = recs[head][m.PROJECT]
        first, last = recs[head][m.SHEET_ROW], recs[g[-1]][m.SHEET_ROW]
        reader.add(
            "info",
            "MERGED_PROJECT_ROWS",
            reader.where(first, name),
            f"项目名称单元格跨第{first}–{last}行合并："
            + (
                "第一行已是其余各行之和，按第一行计入，其余行作为明细不重复计入。"
                if whole
                else f"{len(g)} 行的金额已相加为一个项目。"
            ),
            first,
        )
    drop_rows(recs, cells, columns, dropped)
