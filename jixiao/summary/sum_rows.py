"""Rows that are not projects of their own, though they have a name and money, and totals printed
where a reader does not expect them.

Habits that gave a doubled or padded headline: a heading row ("一、科协本级", or just "科协本级")
printed with the sum of the projects under it (numbered as a heading, or as an outline parent "2" over
"2.1"); "其中：财政拨款 …" rows under a 合计 that split the total by source of funds; 小计 rows printed
above their projects. A project over several merged rows is merged_rows.py's.

A heading row is folded into a 小计 only when the table itself says so: a 合计 that the projects
match once the heading rows are left out (and do not match with them), or, in a table without a
usable 合计, headings that tile it (the first row is one, and every other row lies under one), outline
numbering, or numbered headings most of which add up to the cent. A project whose budget happens to
equal the next few projects' therefore stays a project.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Any

import numpy as np

from jixiao import fmt
from jixiao import model as m
from jixiao.ingest import values as v
from jixiao.summary import edges
from jixiao.summary.layout import FUNDING_SAID, child_name, funding_spans

TOL = 0.01 + 1e-9  # to the cent, as the other sum checks
_CHINESE_NUMBER = re.compile(r"^([一二三四五六七八九十]+[、.．]?|[（(][一二三四五六七八九十]+[)）])$")
_ROUNDS = 3  # heading levels: 一、 → （一） → 1.
_OUTLINE = re.compile(r"^(\d+(?:[.．]\d+)*?)(?:[.．]0)?[.、．]?$")  # 1, 1.、 2.3 (1.0: a number cell)
_PAREN_NUMBER = re.compile(r"^[（(]\d+[)）]$")


_CHILD_TAIL = re.compile(r"[.．\-－]\d+(?:[.．]\d+)*[.、．]?")  # what follows the parent's number


def _child_of(stem: str):
    """The 序号 test for the rows under an outline parent: "2" holds "2.1", "2-2", "2.1.3" and, when
    it is a plain number, "（1）". One pattern for every parent (a pattern compiled per row cost a
    second at 5,000 rows whose 序号 are text, as in a CSV or a Word table)."""

    def child(text: str) -> bool:
        return text.startswith(stem) and _CHILD_TAIL.fullmatch(text, len(stem)) is not None

    if "." in stem or "．" in stem:
        return child
    return lambda text: child(text) or _PAREN_NUMBER.match(text) is not None


def outline_groups(seq: list[str]) -> list[tuple[int, int, int]]:
    """Rows whose 序号 is the outline parent of the rows right under it ("2" over "2.1", "2.2"), as
    (row, first, last row it holds). The numbering says what each parent holds, whatever the sums."""
    out = []
    for i, text in enumerate(seq):
        hit = _OUTLINE.match(text) if i + 1 < len(seq) and text else None
        if hit is None:
            continue
        under = _child_of(hit.group(1))
        j = i
        while j + 1 < len(seq) and under(seq[j + 1]):
            j += 1
        if j > i:
            out.append((i, i + 1, j))
    return out


# --- "其中" rows under a total --------------------------------------------------------------------
def _amount(reader: Any, row: list[Any], fieldname: str, factor: dict[str, float]) -> float | None:
    c = reader.cols.get(fieldname)
    if c is None or c >= len(row):
        return None
    return v.amount_in_wan(row[c], factor[fieldname])


def _adds_to(parts: list[float | None], whole: float | None) -> bool:
    return whole is not None and abs(math.fsum(p or 0.0 for p in parts) - whole) <= TOL


def total_breakdowns(reader: Any, recs: list, cells: list, totals: list, factor: dict[str, float]):
    """Rows right under a total that are its breakdown, not projects: marked "其中：" under a total of
    the rows above it (under a total printed above its projects, only when the rows after them add
    up to it on their own), or unmarked rows after the last 合计 that add up to it exactly, down to
    the end of the table. Dropped, with a finding that names them. Returns (recs, cells)."""
    if not recs or not totals or m.BUDGET not in reader.cols:
        return recs, cells
    seq = reader.cols.get(m.SEQ)
    rows = [r[m.SHEET_ROW] for r in recs]
    total_rows = sorted(t[m.SHEET_ROW] for t in totals)
    budgets: dict[int, float | None] = {}

    def budget(i: int) -> float | None:
        if i not in budgets:
            budgets[i] = _amount(reader, cells[i], m.BUDGET, factor)
        return budgets[i]

    def sums_to(span: range, whole: float | None) -> bool:
        return _adds_to([budget(i) for i in span], whole)

    def is_part(i: int) -> bool:
        return bool(child_name(recs[i][m.PROJECT]) or edges.marked_part(recs[i][m.PROJECT], cells[i], seq))

    dropped: set[int] = set()
    for t in totals:
        last, whole = t.get(m.TOTAL_LAST_ROW), t.get(m.BUDGET)
        if last is None or whole is None:
            continue
        on_top = last > t[m.SHEET_ROW]  # printed above the projects it covers
        k = bisect.bisect_right(rows, t[m.SHEET_ROW])
        if k >= len(recs) or k in dropped or any(t[m.SHEET_ROW] < r < rows[k] for r in total_rows):
            continue
        j = None
        if edges.marked_part(recs[k][m.PROJECT], cells[k], seq):
            j = k
            while j + 1 < len(recs) and is_part(j + 1):
                j += 1
            # unmarked rows join only when they make the total to the cent ("其他资金" after "其中：财政拨款")
            more, running = j, math.fsum(budget(i) or 0.0 for i in range(k, j + 1))
            while more + 1 < len(recs) and abs(running - whole) > TOL:
                running += budget(more + 1) or 0.0
                if running > whole + TOL:
                    break
                more += 1
            if more > j and sums_to(range(k, more + 1), whole):
                j = more
            if math.fsum(budget(i) or 0.0 for i in range(k, j + 1)) > whole + TOL:
                j = None  # more than the total: not its breakdown
            elif on_top:
                # a total above its projects: "其中" rows under it are its projects, unless the rows
                # after them add up to the total on their own (the 其中 rows split it by source)
                rest = range(j + 1, bisect.bisect_right(rows, last))
                if not rest or not sums_to(rest, whole):
                    j = None
        elif (
            not on_top
            and t is totals[-1]
            and t[m.TOTAL_KIND] != "小计"
            and t.get(m.TOTAL_FIRST_ROW) == rows[0]
            and len(recs) - k <= 6
            and abs(whole) > TOL
            and sums_to(range(k, len(recs)), whole)
        ):
            # the table's 合计, then rows to the end that split it exactly (财政拨款 / 其他资金)
            spent = [_amount(reader, cells[i], m.EXECUTED, factor) for i in range(k, len(recs))]
            if t.get(m.EXECUTED) is None or _adds_to(spent, t[m.EXECUTED]):
                j = len(recs) - 1
        if j is None:
            continue
        dropped.update(range(k, j + 1))
        names = "、".join(child_name(recs[i][m.PROJECT]) or recs[i][m.PROJECT] for i in range(k, j + 1))
        span = f"第{rows[k]}行" if j == k else f"第{rows[k]}–{rows[j]}行"
        reader.add(
            "info",
            "TOTAL_BREAKDOWN",
            reader.where(t[m.SHEET_ROW]),
            f"“{t[m.TOTAL_LABEL]}”下的{span}（{names}）是这一合计的构成，不是项目：未计入项目和合计。",
            t[m.SHEET_ROW],
        )
    if not dropped:
        return recs, cells
    keep = [i for i in range(len(recs)) if i not in dropped]
    return [recs[i] for i in keep], [cells[i] for i in keep]


# --- 小计 rows printed above their projects --------------------------------------------------------
UNIT_FROM_ABOVE = "_unit_from_above"  # a total record's unit is the rows' above it (no unit cell, no name)


def subtotals_above(reader: Any, recs: list, cells: list, totals: list, factor: dict[str, float]) -> None:
    """Every 小计 printed *above* its unit's projects ("科协本级小计" first, then the unit's rows): each
    covers the rows under it, up to the next total. Read the usual way, each covered the unit above
    it and every one was reported as a mismatch. Decided by the sums: most 小计 add up the rows under
    them, and more do so than add up the rows above (a 小计 with a typo is then reported against the
    rows under it). In place."""
    subs = [t for t in totals if t[m.TOTAL_KIND] == "小计" and t.get(m.BUDGET) is not None]
    # printed above: the first unit's 小计 stands above the first project (cheap: no amounts parsed)
    if not subs or not recs or min(t[m.SHEET_ROW] for t in subs) > recs[0][m.SHEET_ROW]:
        return
    rows = [r[m.SHEET_ROW] for r in recs]
    bounds = sorted(t[m.SHEET_ROW] for t in totals)
    fields = [f for f in (m.BUDGET, m.EXECUTED) if f in reader.cols]
    amounts = {f: [_amount(reader, c, f, factor) for c in cells] for f in fields}

    def adds_up(t: dict, lo: int, hi: int) -> bool:
        return hi > lo and all(t.get(f) is None or _adds_to(amounts[f][lo:hi], t[f]) for f in fields)

    def covered(t: dict) -> tuple[int, int]:
        first, last = t.get(m.TOTAL_FIRST_ROW), t.get(m.TOTAL_LAST_ROW)
        if first is None or last is None:
            return 0, 0
        return bisect.bisect_left(rows, first), bisect.bisect_right(rows, last)

    plan = []
    for t in subs:
        k = bisect.bisect_right(bounds, t[m.SHEET_ROW])
        nxt = bounds[k] if k < len(bounds) else math.inf
        lo, hi = bisect.bisect_right(rows, t[m.SHEET_ROW]), bisect.bisect_left(rows, nxt)
        if hi <= lo:
            return  # a 小计 with no rows under it is printed under its rows
        plan.append((t, lo, hi))
    # a 小计 of 0 matching rows of 0 says nothing
    below = sum(adds_up(t, lo, hi) and any(abs(t.get(f) or 0.0) > TOL for f in fields) for t, lo, hi in plan)
    above = sum(adds_up(t, *covered(t)) for t in subs)
    # most add up the rows under them, more than add up the rows above: one typo does not decide
    if below <= above or 2 * below < len(subs):
        return
    for t, lo, hi in plan:
        units = {recs[i][m.UNIT] for i in range(lo, hi)} - {None}
        if t.get(UNIT_FROM_ABOVE):
            t[m.UNIT] = units.pop() if len(units) == 1 else None
        reader.cover(t, recs, range(lo, hi))
    reader.add(
        "info",
        "SUBTOTALS_ABOVE",
        f"工作表「{reader.sheet.name}」",
        f"表中 {len(plan)} 个小计行印在各自项目的上方：每个小计与其下方直到下一个合计/小计之间的项目核对。",
    )


# --- heading rows with the sum of the rows under them ----------------------------------------------
def _spans(budget: np.ndarray, spent: np.ndarray | None, alive: np.ndarray) -> dict[int, int]:
    """Row i -> the last row j of the shortest run i+1..j (live rows only) whose budgets add up to
    row i's, and whose amounts spent do too where row i has one. Index space: the live rows."""
    idx = np.flatnonzero(alive)
    b = budget[idx]
    if len(b) < 2 or (np.nan_to_num(b) < -TOL).any():
        return {}
    cb = np.concatenate([[0.0], np.cumsum(np.nan_to_num(b))])  # cb[k]: sum of the first k rows
    target = cb[1:] + np.nan_to_num(b)
    ends = np.minimum(np.searchsorted(cb, target - TOL, side="left"), len(b))
    # within a cent short of the sum, the next row may make it exactly: take the closer end
    longer = np.minimum(ends + 1, len(b))
    ends = np.where(np.abs(cb[longer] - target) < np.abs(cb[ends] - target) - 1e-9, longer, ends)
    ok = (~np.isnan(b)) & (np.abs(b) > TOL) & (ends >= np.arange(len(b)) + 2)
    ok &= np.abs(cb[ends] - target) <= TOL
    if spent is not None:
        e = spent[idx]
        ce = np.concatenate([[0.0], np.cumsum(np.nan_to_num(e))])
        child_spent = ce[ends] - ce[np.arange(len(b)) + 1]
        ok &= np.isnan(e) | (np.abs(child_spent - np.nan_to_num(e)) <= TOL)
    return {int(idx[i]): int(idx[ends[i] - 1]) for i in np.flatnonzero(ok).tolist()}


def _fold(budget, spent, keep_if, pick: str) -> list[tuple[int, int]]:
    """Heading rows, as (row, last row under it). ``outer``: one level, the candidates no other
    candidate's run contains (a project that equals the next two inside a heading's run stays a
    project). ``inner``: level by level, innermost first, for 一、 → （一） → projects."""
    alive = np.ones(len(budget), dtype=bool)
    found: list[tuple[int, int]] = []
    for _ in range(1 if pick == "outer" else _ROUNDS):
        spans = {i: j for i, j in _spans(budget, spent, alive).items() if keep_if(i, j, alive)}
        chosen = _outermost(spans) if pick == "outer" else _innermost(spans)
        if not chosen:
            break
        for i, j in chosen.items():
            found.append((i, j))
            alive[i] = False
    return found


def _under(i: int, j: int, alive: np.ndarray, most: int) -> list[int]:
    """The first ``most`` live rows under row i (its run ends at j)."""
    return (np.flatnonzero(alive[i + 1 : j + 1])[:most] + i + 1).tolist()


def _outermost(spans: dict[int, int]) -> dict[int, int]:
    """The runs no other run contains (in order of their start, the furthest end so far tells)."""
    out: dict[int, int] = {}
    reach = -1
    for i in sorted(spans):
        if i > reach:
            out[i] = spans[i]
        reach = max(reach, spans[i])
    return out


def _innermost(spans: dict[int, int]) -> dict[int, int]:
    """The runs that contain no other run's start."""
    starts = sorted(spans)
    out: dict[int, int] = {}
    for k, i in enumerate(starts):
        if k + 1 == len(starts) or starts[k + 1] > spans[i]:
            out[i] = spans[i]
    return out


def _chain(budget, spent, strong) -> list[tuple[int, int]]:
    """Headings that tile a table without a 合计 from its first row to its last, found level by
    level. With nothing to check them against, the tiling is the evidence, and every heading must
    look like one (``strong``)."""
    found = _fold(budget, spent, strong, "inner")
    top = sorted(_outermost(dict(found)).items())
    if not top or top[0][0] != 0 or top[-1][1] != len(budget) - 1:
        return []
    if any(b[0] != a[1] + 1 for a, b in zip(top, top[1:])):
        return []
    return found


def _sum(values: np.ndarray, alive: np.ndarray) -> float:
    return float(np.sum(np.nan_to_num(values[alive])))  # pairwise: far inside a cent at any size


def _agrees(budget, spent, alive: np.ndarray, total: tuple[float, float | None] | None) -> bool:
    """The live rows add up to the 合计 (budget, and spent where both have it), to the cent."""
    if total is None or abs(_sum(budget, alive) - total[0]) > TOL:
        return False
    return spent is None or total[1] is None or abs(_sum(spent, alive) - total[1]) <= TOL


def headings(
    budget: np.ndarray,
    spent: np.ndarray | None,
    names: list[str],
    seq_text: list[str] | None,
    total: tuple[float, float | None] | None,
) -> list[tuple[int, int, int]]:
    """Rows that carry the sum of the rows under them (headings) or, failing that, of the rows above
    them (a unit's name printed under its projects with their sum), as (row, first, last row summed).

    ``seq_text`` is each row's 序号 cell (None: the table has no 序号 column); ``total`` the table's
    合计 (budget, spent), which decides when there is one; without it the rows must tile the table."""
    n = len(budget)
    if n < 3:
        return []
    if _agrees(budget, spent, np.ones(n, dtype=bool), total):
        return []  # the 合计 agrees with the rows as read: nothing is a hidden sum
    if seq_text is not None:
        # Outline numbering (1 → 1.1, 1.2) names the parents: folded even when a parent's sum is
        # off, so its 小计 check shows the difference instead of the headline doubling it.
        found = outline_groups(seq_text)
        if found:
            return found
    found = _one_way(budget, spent, names, seq_text, total)
    if found:
        return [(i, i + 1, j) for i, j in found]
    back = _one_way(
        budget[::-1].copy(),
        None if spent is None else spent[::-1].copy(),
        names[::-1],
        None if seq_text is None else seq_text[::-1],
        total,
    )
    return [(n - 1 - i, n - 1 - j, n - 2 - i) for i, j in back]


def _one_way(budget, spent, names, seq_text, total) -> list[tuple[int, int]]:
    """``headings`` in one direction: (row, last row under it)."""
    n = len(budget)
    everything = np.ones(n, dtype=bool)
    matches = lambda alive: _agrees(budget, spent, alive, total)  # noqa: E731
    seq = seq_text or [""] * n

    def strong(i: int, j: int, alive: np.ndarray) -> bool:
        """Looks like a heading: numbered "一、" (in the name or the 序号 column); or, where projects
        carry a 序号, a row without one over rows that have one; or, with no 序号 column, over two
        rows or more."""
        if edges.SECTION.match(names[i]) or _CHINESE_NUMBER.match(seq[i]):
            return True
        if seq_text is not None:  # the first rows under it will do: a heading's rows carry 序号
            return not seq[i] and any(v.parse_number(seq[k])[1] == v.OK for k in _under(i, j, alive, 3))
        return len(_under(i, j, alive, 2)) >= 2

    if total is None:
        return _chain(budget, spent, strong)
    # the 合计 decides; rows that look like headings are tried first (with round figures a project
    # can add up as well as the heading above it)
    anything = lambda i, j, alive: True  # noqa: E731
    two = lambda i, j, alive: len(_under(i, j, alive, 2)) >= 2  # noqa: E731
    for keep_if, pick in (
        (strong, "outer"),
        (strong, "inner"),
        (anything, "outer"),
        (anything, "inner"),
        (two, "inner"),
    ):
        tried = _fold(budget, spent, keep_if, pick)
        alive = everything.copy()
        alive[[i for i, _ in tried]] = False
        if tried and matches(alive):
            return tried
    return []


def heading_sums(reader: Any, recs: list, cells: list, columns: dict[str, Any], totals: list, factor) -> None:
    """Fold heading rows that carry the sum of the rows under them into 小计 rows (in place: recs,
    cells, the parsed columns and totals)."""
    if len(recs) < 3 or m.BUDGET not in reader.cols:
        return
    first, last = recs[0][m.SHEET_ROW], recs[-1][m.SHEET_ROW]
    grand = [
        t
        for t in totals
        if t[m.TOTAL_KIND] != "小计"
        and t.get(m.BUDGET) is not None
        and (t.get(m.TOTAL_FIRST_ROW) or 0) <= first
        and (t.get(m.TOTAL_LAST_ROW) or 0) >= last
    ]
    budget = np.asarray(columns[m.BUDGET], dtype=float)
    spent = np.asarray(columns[m.EXECUTED], dtype=float) if m.EXECUTED in reader.cols else None
    total = (grand[-1][m.BUDGET], grand[-1].get(m.EXECUTED)) if grand else None
    if _agrees(budget, spent, np.ones(len(recs), dtype=bool), total):
        return  # the common case, decided before the names and 序号 of 50,000 rows are gathered
    seq = reader.cols.get(m.SEQ)
    names = [str(r[m.PROJECT]) for r in recs]
    seq_text = None if seq is None else [str(row[seq]).strip() if seq < len(row) else "" for row in cells]
    found = decided_headings(budget, spent, names, seq_text, total)
    _near_sums(reader, recs, budget, names, seq_text, {i for i, _, _ in found})
    if found:
        _apply(reader, recs, cells, columns, totals, factor, found)


def decided_headings(
    budget: np.ndarray,
    spent: np.ndarray | None,
    names: list[str],
    seq: list[str] | None,
    total: tuple[float, float | None] | None,
) -> list[tuple[int, int, int]]:
    """``headings``, else numbered headings one of which has a typo in its sum (the numbering, and the
    合计 if there is one, decide). Both readers, the project table's and the 月度执行表's, use this."""
    found = headings(budget, spent, names, seq, total)
    if found:
        return found
    tiling = _numbered_tiling(budget, names, seq)
    alive = np.ones(len(names), dtype=bool)
    alive[[i for i, _, _ in tiling]] = False
    return tiling if tiling and (total is None or _agrees(budget, spent, alive, total)) else []


def adds_up(budget: np.ndarray, found: list[tuple[int, int, int]], i: int, first: int, last: int) -> bool:
    """Heading i's budget is the sum of the rows it holds (its inner headings left out), to the cent."""
    inner = {k for k, _, _ in found}
    kids = [k for k in range(first, last + 1) if k not in inner]
    return abs(math.fsum(np.nan_to_num(budget[kids])) - float(np.nan_to_num(budget[i]))) <= TOL


def _numbered(names: list[str], seq) -> list[int]:
    """Rows numbered as headings: "一、…" / "（一）…" in the name, or 一 / （一） in the 序号 column."""
    return [
        i
        for i in range(len(names))
        if edges.SECTION.match(names[i]) or (seq and _CHINESE_NUMBER.match(seq[i]))
    ]


def _numbered_tiling(budget: np.ndarray, names: list[str], seq) -> list[tuple[int, int, int]]:
    """Numbered headings ("一、科协本级"), each with rows under it up to the next, at least half of them
    adding up to the cent and the others within a tenth (or any, when two or more add up). One heading
    with a typo in its sum, or a project printed before the first heading, then does not keep the
    headings from being read as headings; a typo is a 小计 mismatch instead of rows counted twice."""
    marks = _numbered(names, seq)
    # rows before the first heading are projects of their own; headings hold two rows each on average
    if len(marks) < 2 or len(names) - marks[0] < 3 * len(marks):
        return []
    spans, exact, near = [], 0, 0
    for k, i in enumerate(marks):
        end = marks[k + 1] if k + 1 < len(marks) else len(names)
        under = math.fsum(np.nan_to_num(budget[i + 1 : end]))
        if end - i < 2 or not budget[i] > TOL:
            return []
        exact += abs(budget[i] - under) <= TOL
        near += abs(budget[i] - under) <= 0.1 * budget[i]
        spans.append((i, i + 1, end - 1))
    # most are to the cent; the others close, or at least two are to the cent
    return spans if 2 * exact >= len(spans) and (near == len(spans) or exact >= 2) else []


def _near_sums(reader: Any, recs: list, budget: np.ndarray, names: list[str], seq, folded: set[int]) -> None:
    """A numbered heading ("一、科协本级") kept as a project because its money is close to, not equal
    to, the sum of the rows under it (within a tenth): most likely a heading with a wrong sum, and
    the headline counts those rows twice. Said, so it is not silent."""
    marks = [i for i in _numbered(names, seq) if i not in folded]
    for k, i in enumerate(marks):
        end = marks[k + 1] if k + 1 < len(marks) else len(names)
        if end - i < 2 or not budget[i] > TOL:
            continue
        under = math.fsum(np.nan_to_num(budget[i + 1 : end]))
        off = budget[i] - under
        if under > TOL and TOL < abs(off) <= 0.1 * budget[i]:
            reader.add(
                "warning",
                "HEADING_NEAR_SUM",
                reader.where(recs[i][m.SHEET_ROW], names[i]),
                f"“{names[i]}”像分组标题，其预算 {fmt.wan(budget[i])} 万元与其下第{recs[i + 1][m.SHEET_ROW]}–"
                f"{recs[end - 1][m.SHEET_ROW]}行之和 {fmt.wan(under)} 万元相差 {fmt.wan(off)} 万元，已按项目计入。"
                "如它是分组合计，总数重复计算了这些行：请核对这一行的金额。",
                recs[i][m.SHEET_ROW],
            )


def heading_units(found: list[tuple[int, int, int]], names: dict[int, str]) -> dict[int, str]:
    """Row -> the unit its headings give it: the outermost heading's name without its numbering
    ("一、科协本级" → 科协本级), for the rows it sums and the inner headings among them alike."""
    out: dict[int, str] = {}
    for i, a, j in sorted(found, key=lambda s: s[1] - s[2]):  # outermost first
        hit = edges.SECTION.match(names[i])
        unit = out.get(i) or (names[i][hit.end() :].strip() if hit else names[i])
        out.setdefault(i, unit)
        for k in range(a, j + 1):
            out.setdefault(k, unit)
    return out


def _apply(reader, recs, cells, columns, totals, factor, found: list[tuple[int, int, int]]) -> None:
    found, funding = funding_spans(found, [r[m.PROJECT] for r in recs])
    for i, _a, _j in funding:  # the rows under a project name its sources of money: the project counts
        where = reader.where(recs[i][m.SHEET_ROW], recs[i][m.PROJECT])
        reader.add("info", "FUNDING_BREAKDOWN", where, FUNDING_SAID, recs[i][m.SHEET_ROW])
    sources = {k for i, a, j in funding for k in range(a, j + 1) if k != i}
    names = {}
    for i, _, _ in found:
        name = str(recs[i][m.PROJECT]).strip()
        if name.startswith(edges.UNNAMED):  # the heading stands in the 单位 column, say
            name = next((str(x).strip() for x in cells[i] if isinstance(x, str) and x.strip()), name)
        names[i] = name
    units = heading_units(found, names) if m.UNIT not in reader.cols else {}
    budget = np.asarray(columns[m.BUDGET], dtype=float)
    for i, a, j in found:
        rec = recs[i]
        name = names[i]
        total = reader.total_record(cells[i], rec[m.SHEET_ROW], name, factor, rec[m.UNIT])
        total[m.TOTAL_KIND] = "小计"
        total[m.TOTAL_FIRST_ROW] = recs[a][m.SHEET_ROW]
        total[m.TOTAL_LAST_ROW] = recs[j][m.SHEET_ROW]
        total[m.UNIT] = units.get(i, rec[m.UNIT])
        totals.append(total)
        span = f"第{recs[a][m.SHEET_ROW]}–{recs[j][m.SHEET_ROW]}行"
        if adds_up(budget, found, i, a, j):
            why = f"这一行的金额（预算 {fmt.wan(total.get(m.BUDGET))} 万元）等于其{'下' if a > i else '上'}{span}之和"
        else:  # the numbering decided: the 小计 check shows the difference
            number = v.text_of(cells[i][reader.cols[m.SEQ]]) if m.SEQ in reader.cols else ""
            hit = edges.SECTION.match(name)
            if _CHINESE_NUMBER.match(number) or _OUTLINE.match(number) or not hit:
                why = f"按序号（{number}），这一行是其下{span}的上级"
            else:
                why = f"按编号“{hit.group(0)}”，这一行是其下{span}的上级"
        reader.add(
            "info",
            "HEADING_TOTAL",
            reader.where(rec[m.SHEET_ROW], name),
            f"{why}，是分组合计：作为小计与这些行核对，不作为项目重复计入。",
            rec[m.SHEET_ROW],
        )
    for k, unit in units.items():
        recs[k][m.UNIT] = unit
    dropped = {i for i, _, _ in found} | sources
    rows = {recs[i][m.SHEET_ROW] for i in dropped}
    reader.findings = [
        f for f in reader.findings if not (f.code == "MISSING_PROJECT_NAME" and f.sheet_row in rows)
    ]
    drop_rows(recs, cells, columns, dropped)
    totals.sort(key=lambda t: t[m.SHEET_ROW])


def drop_rows(recs: list, cells: list, columns: dict[str, Any], dropped: set[int]) -> None:
    """Leave rows out of the project rows and of every parsed column (in place)."""
    keep = [i for i in range(len(recs)) if i not in dropped]
    for key, values in list(columns.items()):
        if isinstance(values, np.ndarray):
            columns[key] = values[keep]
        elif isinstance(values, list) and len(values) == len(recs):
            columns[key] = [values[i] for i in keep]
    recs[:] = [recs[i] for i in keep]
    cells[:] = [cells[i] for i in keep]


def units_from_subtotals(recs: list[dict[str, Any]], totals: list[dict[str, Any]]) -> None:
    """With no 单位 column and no heading rows, "科协本级小计" still names the unit of the rows it sums."""
    for t in totals:
        first, last, unit = t.get(m.TOTAL_FIRST_ROW), t.get(m.TOTAL_LAST_ROW), t.get(m.UNIT)
        if t[m.TOTAL_KIND] != "小计" or unit is None or first is None:
            continue
        for rec in recs:
            if first <= rec[m.SHEET_ROW] <= last and rec[m.UNIT] is None:
                rec[m.UNIT] = unit
