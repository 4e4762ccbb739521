"""Projects listed a second time: a block of 重点项目 printed under the 合计 ("附：重点项目"), or as a
section of its own ("三、重点项目（已含在上述单位中）"), repeating rows already in the table — the same
name, the same money. Counted twice they double those projects' money; they are left out when the
table itself says they are repeats: they stand under the 合计, or the 合计 adds up without them."""

from __future__ import annotations

import math
from operator import itemgetter
from typing import Any

from jixiao import model as m
from jixiao.ingest import values as v

MIN_BLOCK = 2  # one repeated row is a duplicate (DUPLICATE_PROJECT says so), not a block


def drop_repeated_block(
    reader: Any, recs: list[dict], cells: list[list[Any]], totals: list[dict], factor
) -> int:
    """Takes the block off ``recs`` and ``cells`` (in place); returns where it started (len(recs) when
    there is none)."""
    n = len(recs)
    b, e = reader.cols.get(m.BUDGET), reader.cols.get(m.EXECUTED)
    if b is None or n < MIN_BLOCK + 1:
        return n
    names = list(map(itemgetter(m.PROJECT), recs))
    if names.index(names[-1]) == n - 1:
        return n  # the last project is named once: no repeated block ends the table (a C-level look)
    keys = [(name, c[b], c[e] if e is not None else None) for name, c in zip(names, cells)]
    first: dict[tuple, int] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
    j = n
    while j > 0 and first[keys[j - 1]] < j - 1:
        j -= 1
    if n - j < MIN_BLOCK or any(first[keys[i]] >= j for i in range(j, n)) or keys[j][1] == "":
        return n
    start, end = recs[j][m.SHEET_ROW], recs[-1][m.SHEET_ROW]
    grand = [t for t in totals if t.get(m.TOTAL_KIND) in ("合计", "总计") and t.get(m.BUDGET) is not None]
    below = grand and all(t[m.SHEET_ROW] < start for t in grand)
    kept = sum(x or 0.0 for x in (v.amount_in_wan(c[b], factor[m.BUDGET]) for c in cells[:j]))
    adds_up = grand and any(math.isclose(t[m.BUDGET], kept, abs_tol=0.005) for t in grand)
    if not (below or adds_up):
        return n
    why = "列在合计行下面" if below else "合计行的金额不含它们"
    reader.note(
        "REPEATED_ROWS",
        f"第{start}–{end}行的 {n - j} 个项目与上面的项目名称和金额完全相同，{why}：是重复列出（如“重点项目”一览），"
        "未重复计入。",
    )
    del recs[j:], cells[j:]
    return j
