"""Several years in one table: a 年度 column whose rows hold 2022 and 2023 (a table kept up year after
year). Adding the years together gives a headline no year had: the report year's rows are read, the
others are left out and said."""

from __future__ import annotations

import re
from typing import Any

from jixiao import model as m
from jixiao.ingest.header import normalize_label, year_in_text

_YEAR_HEADER = re.compile(r"^(预算|资金|填报)?(年度|年份)$")
_YEAR_CELL = re.compile(r"^(20\d{2}|19\d{2})\s*(年度?)?$")


def year_column(labels: list[str], taken: set[int]) -> int | None:
    """The column headed 年度 / 年份 (not one the reader took for a field)."""
    for c, label in enumerate(labels):
        if c not in taken and _YEAR_HEADER.match(normalize_label(label)):
            return c
    return None


def year_of(x: Any) -> int | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)) and x == x and float(x).is_integer() and 1990 <= x <= 2100:
        return int(x)
    if isinstance(x, str) and (hit := _YEAR_CELL.match(x.strip())):
        return int(hit.group(1))
    return None


def keep_report_year(reader: Any, recs: list, cells: list, totals: list) -> tuple[list, list]:
    """The rows of one year when a 年度 column holds several: the year set on 数据导入, else the one the
    title or file name states, else the latest. Totals of the other years go too. Returns (recs, cells)."""
    c = year_column(reader.guess.labels, set(reader.cols.values()))
    if c is None or not recs:
        return recs, cells
    years = [year_of(row[c]) if c < len(row) else None for row in cells]
    distinct = sorted({y for y in years if y is not None})
    if len(distinct) < 2:
        return recs, cells
    wanted = reader.opts.report_year if getattr(reader, "opts", None) else None
    if wanted not in distinct:
        wanted = reader.guess.report_year if reader.guess.report_year in distinct else max(distinct)
    # the same projects year after year: a year a project began (立项年度) repeats no names
    mine = {recs[i][m.PROJECT] for i, y in enumerate(years) if y == wanted}
    others = {recs[i][m.PROJECT] for i, y in enumerate(years) if y not in (None, wanted)}
    if len(mine & others) * 3 < min(len(mine), len(others)):
        return recs, cells
    keep = [i for i, y in enumerate(years) if y in (None, wanted)]
    left = len(recs) - len(keep)
    gone = sorted(recs[i][m.SHEET_ROW] for i, y in enumerate(years) if y not in (None, wanted))
    # a total over another year's rows (or over both years) is no total of this year's
    totals[:] = [
        t
        for t in totals
        if year_in_text(str(t.get(m.TOTAL_LABEL) or "")) in (None, wanted)
        and (
            t.get(m.TOTAL_FIRST_ROW) is None
            or not any(t[m.TOTAL_FIRST_ROW] <= r <= t[m.TOTAL_LAST_ROW] for r in gone)
        )
    ]
    reader.rows_year = wanted
    label = reader.guess.labels[c]
    reader.add(
        "warning",
        "YEARS_IN_ROWS",
        f"工作表「{reader.sheet.name}」",
        f"「{label}」列有 {'、'.join(str(y) for y in distinct)} 共 {len(distinct)} 个年度：只计入 {wanted} 年的 "
        f"{len(keep)} 行，其他年度的 {left} 行未计入。如需看其他年度，请在数据导入页“识别有误？”中设置报告年度。",
    )
    return [recs[i] for i in keep], [cells[i] for i in keep]
